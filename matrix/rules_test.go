package matrix

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/depsolve/depsolve/input"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/resolver"
)

// Rules print as their Display: drivers as the data spells them (580.65.06, which PEP 440
// normalizes to 580.65.6).
var (
	linuxGPU = testFacts{OS: "linux", Machine: "x86_64", Python: "3.11.9", Driver: "550.54.15", GPUs: []string{"9.0"}}
	noGPU    = testFacts{OS: "linux", Machine: "x86_64", Python: "3.11.9"}
)

func ruleStrings(tm *TargetMatrix, name, version string) []string {
	var out []string
	for _, r := range tm.Rules(name, pep440.MustParse(version)) {
		text := r.Range.String()
		if r.Display != "" {
			text = r.Display
		}
		out = append(out, r.Package+" "+text)
	}
	return out
}

func TestRules(t *testing.T) {
	m := loadDataMatrix(t)
	windows := testFacts{OS: "windows", Machine: "x86_64", Driver: "550.54.15", GPUs: []string{"8.9"}}
	aarch64 := testFacts{OS: "linux", Machine: "aarch64", Driver: "550.54.15", GPUs: []string{"7.0"}}
	unknownPlatform := testFacts{Python: "3.11.9", Driver: "550.54.15", GPUs: []string{"9.0"}}
	tests := []struct {
		name   string
		facts  testFacts
		pkg, v string
		want   []string
	}{
		{"pypi torch is its default CUDA build", linuxGPU, "torch", "2.5.1", []string{"@driver >=525.60.13", "@gpu:0 >=5.0, <10.0", "@torch-cuda ==12.*", "triton ==3.1.*"}},
		{"local label", linuxGPU, "torch", "2.5.1+cu118", []string{"@driver >=450.80.02", "@gpu:0 >=3.7, <4.0 || >=5.0, <10.0", "@torch-cuda ==11.*", "triton ==3.1.*"}},
		{"cpu build", linuxGPU, "torch", "2.5.1+cpu", []string{"triton ==3.1.*"}},
		{"rocm build", linuxGPU, "torch", "2.5.1+rocm6.2", []string{"triton ==3.1.*"}},
		{"no driver, no GPU", noGPU, "torch", "2.5.1", []string{"@torch-cuda ==12.*", "triton ==3.1.*"}},
		{"unknown platform", unknownPlatform, "torch", "2.5.1", []string{"triton ==3.1.*"}},
		{"unknown platform, local label", unknownPlatform, "torch", "2.5.1+cu124", []string{"@driver >=525.60.13", "@torch-cuda ==12.*", "triton ==3.1.*"}},
		{"plain wheel on windows is CPU-only", windows, "torch", "2.5.1", []string{"triton ==3.1.*"}},
		{"windows floor", windows, "torch", "2.5.1+cu124", []string{"@driver >=527.41", "@torch-cuda ==12.*", "triton ==3.1.*"}},
		{"windows 13.x floor is the branch", windows, "torch", "2.13.0+cu130", []string{"@driver >=580", "@torch-cuda ==13.*", "triton ==3.7.*"}},
		{"numpy 2 on windows until 2.4.1", windows, "torch", "2.4.0", []string{"numpy <2"}},
		{"numpy 2 on linux from 2.3", noGPU, "torch", "2.4.0", []string{"@torch-cuda ==12.*"}},
		{"numpy 2 before 2.3 everywhere", noGPU, "torch", "2.2.2", []string{"@torch-cuda ==12.*", "numpy <2", "onnxruntime-gpu <1.19"}},
		{"python rule", noGPU, "numpy", "1.25.2", []string{"@python <3.12"}},
		{"no python, no python rule", testFacts{OS: "linux"}, "numpy", "1.25.2", nil},
		{"family-only build", linuxGPU, "torch", "2.14.0", []string{"@driver >=580.65.06", "@gpu:0 >=7.5, <11.0 || >=12.0", "@torch-cuda ==13.*"}},
		{"11.8 sm_37 build on aarch64 has no rows", aarch64, "torch", "2.5.1+cu118", []string{"@driver >=450.80.02", "@torch-cuda ==11.*", "triton ==3.1.*"}},
		{"aarch64 cu130", aarch64, "torch", "2.13.0+cu130", []string{"@driver >=580.65.06", "@gpu:0 >=8.0", "@torch-cuda ==13.*", "triton ==3.7.*"}},
		{"torchvision pairs with torch", noGPU, "torchvision", "0.20.1+cu124", []string{"@torch-cuda ==12.*", "torch ==2.5.*"}},
		{"torchvision with driver", linuxGPU, "torchvision", "0.20.1+cu118", []string{"@driver >=450.80.02", "@torch-cuda ==11.*", "torch ==2.5.*"}},
		{"torchaudio on the stable ABI", noGPU, "torchaudio", "2.11.0", []string{"torch >=2.11"}},
		{"jax cuda13 plugin", aarch64, "jax-cuda13-plugin", "0.8.0", []string{"@driver >=580.65.06", "@gpu:0 >=7.5"}},
		{"jax cuda12 pjrt", linuxGPU, "jax_cuda12_pjrt", "0.6.0", []string{"@driver >=525.60.13", "@gpu:0 >=5.2"}},
		{"tensorflow", linuxGPU, "tensorflow", "2.16.1", []string{"@driver >=525.60.13"}},
		{"tensorflow protobuf", noGPU, "tensorflow", "2.8.1", []string{"protobuf <4.21.0"}},
		{"flash-attn", linuxGPU, "flash-attn", "2.7.0", []string{"@gpu:0 >=8.0"}},
		{"xformers pin", noGPU, "xformers", "0.0.28.post3", []string{"torch ==2.5.1"}},
		{"opencv variants exclude each other", noGPU, "opencv-python", "4.9.0.80", []string{"numpy <2", "opencv-python-headless ∅"}},
		{"one exclusion per pair", noGPU, "opencv-contrib-python", "4.11.0.86", []string{"opencv-python ∅", "opencv-python-headless ∅", "opencv-contrib-python-headless ∅"}},
		{"unknown package", linuxGPU, "requests", "2.32.3", nil},
		{"cu12 runtime wheel", linuxGPU, "nvidia-cuda-runtime-cu12", "12.4.127", []string{"@driver >=525.60.13"}},
		{"cu13 library wheel", linuxGPU, "nvidia-cudnn-cu13", "9.13.0.50", []string{"@driver >=580.65.06"}},
		{"cu11 wheel on windows", windows, "nvidia_cublas_cu11", "11.11.3.6", []string{"@driver >=452.39"}},
		{"unsuffixed CUDA 13 wheel", linuxGPU, "nvidia-cuda-runtime", "13.0.96", []string{"@driver >=580.65.06"}},
		{"cuda-toolkit meta-package", linuxGPU, "cuda-toolkit", "13.0.2", []string{"@driver >=580.65.06"}},
		{"unsuffixed library versioned on its own", linuxGPU, "nvidia-cufft", "12.0.0.15", nil},
		{"nvidia package that is no CUDA library", linuxGPU, "nvidia-ml-py", "13.580.65", nil},
		{"a family without a row places nothing", linuxGPU, "nvidia-cublas-cu10", "10.2.1", nil},
		{"runtime wheel on a target without a driver", noGPU, "nvidia-cublas-cu12", "12.4.5.8", nil},
		{"local label of an unknown package", linuxGPU, "torch-scatter", "2.1.2+cu118", []string{"@driver >=450.80.02", "@torch-cuda ==11.*"}},
		{"local label with a second segment", linuxGPU, "vllm", "0.8.5+cu126.torch2.6", []string{"@driver >=525.60.13", "@torch-cuda ==12.*"}},
		{"two-digit local label places nothing", linuxGPU, "flash-attn", "2.7.4+cu12torch2.6cxx11abifalse", []string{"@gpu:0 >=8.0"}},
		{"unverified rows never constrain", noGPU, "deepspeed", "0.12.5", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ruleStrings(forFacts(m, tc.facts), tc.pkg, tc.v)
			if !slices.Equal(got, tc.want) {
				t.Errorf("Rules(%s %s) =\n  %q\nwant\n  %q", tc.pkg, tc.v, got, tc.want)
			}
		})
	}
}

// A rule names its reason and cites rows of the data.
func TestRulesCarryReasonAndSource(t *testing.T) {
	m := loadDataMatrix(t)
	tm := forFacts(m, testFacts{OS: "linux", Machine: "x86_64", Python: "3.11.9", Driver: "550.54.15", GPUs: []string{"6.1", "12.0"}})
	for _, c := range [][2]string{{"torch", "2.5.1"}, {"torch", "2.9.0+cu128"}, {"torch", "2.2.2"}, {"numpy", "1.24.0"}, {"jax-cuda12-plugin", "0.7.1"}} {
		rules := tm.Rules(c[0], pep440.MustParse(c[1]))
		if len(rules) == 0 {
			t.Errorf("%s %s: no rules", c[0], c[1])
		}
		for _, r := range rules {
			if r.Reason == "" || len(r.Cites) == 0 || !strings.HasPrefix(r.Cites[0].Row.File, "data/") || len(r.Cites[0].Sources) == 0 || !strings.HasPrefix(r.Cites[0].Sources[0].URL, "https://") {
				t.Errorf("%s %s -> %s: reason %q, citations %v", c[0], c[1], r.Package, r.Reason, r.Cites)
			}
		}
	}
	driver := tm.Rules("torch", pep440.MustParse("2.5.1"))[0]
	if want := "the PyPI wheels are CUDA 12.4 builds, and CUDA 12.x builds need it"; driver.Reason != want {
		t.Errorf("driver rule reason %q, want %q", driver.Reason, want)
	}
	var files []string
	for _, c := range driver.Cites {
		files = append(files, c.Row.File)
		if len(c.Sources) == 0 || c.Sources[0].URL == "" || c.Sources[0].Title == "" {
			t.Errorf("citation %+v: want the sources with their titles and URLs", c)
		}
	}
	if !slices.Contains(files, "data/torch.toml") || !slices.Contains(files, "data/cuda.toml") {
		t.Errorf("driver rule cites %v: want the torch build row and the cuda family row", driver.Cites)
	}
	// The reason does not name the version: the local builds' rules read the same.
	local := tm.Rules("torch", pep440.MustParse("2.5.1+cu124"))[0]
	if local.Reason != "CUDA 12.x builds need it" {
		t.Errorf("local build's driver reason %q", local.Reason)
	}
	gpu := tm.Rules("torch", pep440.MustParse("2.9.0"))[2] // @gpu:1, compute capability 12.0
	if gpu.Package != "@gpu:1" || !gpu.Range.Contains(pep440.MustParse("12.0")) {
		t.Errorf("12.0 runs torch 2.9.0 (cu128 ships sm_120): %+v", gpu)
	}
	gpu = tm.Rules("torch", pep440.MustParse("2.9.0"))[1] // @gpu:0, 6.1
	if gpu.Range.Contains(pep440.MustParse("6.1")) || !strings.Contains(gpu.Reason, "CUDA 12.8 builds ship SASS for compute capability 7.0,") {
		t.Errorf("6.1 does not run torch 2.9.0: %+v", gpu)
	}
}

// A rule's Display states its Range.
func TestRulesDisplayIsTheRange(t *testing.T) {
	m := loadDataMatrix(t)
	tm := forFacts(m, testFacts{OS: "linux", Machine: "x86_64", Driver: "550.54.15", GPUs: []string{"6.1", "13.0"}})
	for _, c := range [][2]string{{"torch", "2.5.1"}, {"torch", "2.13.0"}, {"torch", "2.8.0+cu129"}, {"jax-cuda13-plugin", "0.8.0"}} {
		for _, r := range tm.Rules(c[0], pep440.MustParse(c[1])) {
			if r.Display == "" {
				continue
			}
			set, err := pep440.ParseSpecifierSet(r.Display)
			if err != nil || !set.Range().Equal(r.Range) {
				t.Errorf("%s %s -> %s: Display %q, Range %s (%v)", c[0], c[1], r.Package, r.Display, r.Range, err)
			}
		}
	}
}

// A GPU that only PTX serves needs the driver of the build's own toolkit (R3).
func TestRulesPTXOnlyGPUNeedsTable3Driver(t *testing.T) {
	m := loadDataMatrix(t)
	tm := forFacts(m, testFacts{OS: "linux", Machine: "x86_64", Driver: "550.54.15", GPUs: []string{"13.0"}})
	got := ruleStrings(tm, "torch", "2.13.0")
	want := []string{"@driver >=580.65.06", "@gpu:0 >=7.5, <11.0 || >=12.0", "@driver >=580.65.06", "@torch-cuda ==13.*", "triton ==3.7.*"}
	if !slices.Equal(got, want) {
		t.Fatalf("Rules = %q, want %q", got, want)
	}
	ptx := tm.Rules("torch", pep440.MustParse("2.13.0"))[2]
	if !strings.Contains(ptx.Reason, "PTX") || !strings.Contains(ptx.Reason, "13.0 GA") {
		t.Errorf("PTX rule reason %q", ptx.Reason)
	}
	// 12.9 builds ship PTX for 12.0 too; its Table 3 driver is above the 12.x floor.
	got = ruleStrings(tm, "torch", "2.8.0+cu129")
	want = []string{"@driver >=525.60.13", "@gpu:0 >=7.0, <11.0 || >=12.0", "@driver >=575.51.03", "@torch-cuda ==12.*", "triton ==3.4.*"}
	if !slices.Equal(got, want) {
		t.Errorf("Rules = %q, want %q", got, want)
	}
}

// selection is a resolution for AdvisoriesFor: "name version" pairs.
func selection(pins ...string) func(string) (pep440.Version, bool) {
	m := map[string]pep440.Version{}
	for _, p := range pins {
		name, v, _ := strings.Cut(p, " ")
		m[name] = pep440.MustParse(v)
	}
	return func(name string) (pep440.Version, bool) {
		v, ok := m[name]
		return v, ok
	}
}

// Advisories fire only where they apply: the Table 3 caveat below the Table 3 driver, an
// unverified constraint when the resolution breaks it, a note when its conditions hold.
// Each want is a part of one advisory's text, in order; there are no others.
func TestAdvisoriesFor(t *testing.T) {
	m := loadDataMatrix(t)
	linux := func(driver string, gpus ...string) testFacts {
		return testFacts{OS: "linux", Machine: "x86_64", Python: "3.11.9", Driver: driver, GPUs: gpus}
	}
	image := linux("550.54.15", "9.0")
	image.CUDA, image.Glibc = "12.4.1", "2.35"
	old := testFacts{OS: "linux", Machine: "x86_64", Python: "3.11.9", Glibc: "2.17"}
	jetson := testFacts{OS: "linux", Machine: "aarch64", Python: "3.10.12", Driver: "540.4.0", GPUs: []string{"8.7"}}
	windows := testFacts{OS: "windows", Machine: "x86_64", Python: "3.11.9", Driver: "552.22", GPUs: []string{"8.9"}}
	windowsCPU := testFacts{OS: "windows", Machine: "x86_64", Python: "3.11.9", CPU: true}
	mac := testFacts{OS: "darwin", Machine: "aarch64", Python: "3.11.9", GPUs: []string{"8.6"}}
	gh200 := testFacts{OS: "linux", Machine: "aarch64", Python: "3.11.9", Driver: "580.65.06", GPUs: []string{"9.0"}}
	for _, tc := range []struct {
		name  string
		facts testFacts
		pins  []string
		want  []string
	}{
		{"driver above Table 3: no caveat", linux("550.54.15", "9.0"), []string{"torch 2.5.1+cu121"}, nil},
		{"driver below Table 3", linux("525.60.13", "9.0"), []string{"torch 2.5.1+cu121"},
			[]string{"torch 2.5.1+cu121 is the CUDA 12.1 build, and the target's NVIDIA driver 525.60.13 is below 530.30.02, which CUDA 12.1 GA needs"}},
		{"the PyPI wheel's build", linux("535.104.05"), []string{"torch 2.5.1"},
			[]string{"torch 2.5.1 (the PyPI wheel for linux x86_64) is the CUDA 12.4 build, and the target's NVIDIA driver 535.104.05 is below 550.54.14"}},
		{"windows column", windows, []string{"torch 2.5.1+cu124"}, nil},
		{"no driver, no caveat", linux(""), []string{"torch 2.5.1+cu121"}, nil},
		{"setuptools below the advised bound", linux(""), []string{"torch 2.5.1", "setuptools 75.8.0"}, nil},
		{"setuptools outside the advised range", linux(""), []string{"torch 2.5.1", "setuptools 82.0.1"},
			[]string{"torch 2.5.1 may need setuptools <82, and the resolution has setuptools 82.0.1: torch.utils.cpp_extension"}},
		{"pydantic 2 with deepspeed", linux(""), []string{"deepspeed 0.12.5", "pydantic 2.5.2"},
			[]string{"deepspeed 0.12.5 may need pydantic <2, and the resolution has pydantic 2.5.2"}},
		{"pydantic 1 with deepspeed", linux(""), []string{"deepspeed 0.12.5", "pydantic 1.10.13"}, nil},
		{"peft with an old transformers", linux(""), []string{"peft 0.14.0", "transformers 4.41.2"},
			[]string{"peft 0.14.0 may need transformers >=4.46.3, and the resolution has transformers 4.41.2: peft 0.14.0 and newer import EncoderDecoderCache"}},
		{"peft with a new transformers", linux(""), []string{"peft 0.14.0", "transformers 4.46.3"}, nil},
		{"unverified build, target with a driver", linux("580.65.06"), []string{"torch 2.14.0", "triton 3.8.0"},
			[]string{"torch 2.14.0 may be the CUDA 13.0 build (unverified)"}},
		{"unverified build, target without driver or GPU", linux(""), []string{"torch 2.14.0"}, nil},
		{"unverified build rows are about wheels without a local label", linux("580.65.06"), []string{"torch 2.14.0+cu130"}, nil},
		{"bundled CUDA libraries in a CUDA image", image, []string{"torch 2.5.1"}, []string{"CUDA wheels bundle their own CUDA libraries"}},
		{"bundled CUDA libraries, no image toolkit", linux("550.54.15", "9.0"), []string{"torch 2.5.1"}, nil},
		{"a CPU build in a CUDA image", image, []string{"torch 2.5.1+cpu"},
			[]string{"torch 2.5.1+cpu is a build without CUDA code (its local label +cpu): it installs and imports, but never uses the target's NVIDIA GPU; torch 2.5.1+cu124, the CUDA 12.4 build"}},
		{"bitsandbytes on a T4", linux("550.54.15", "7.5", "6.1"), []string{"bitsandbytes 0.45.0"}, []string{"LLM.int8() needs >= 7.5"}},
		{"bitsandbytes on an H100", image, []string{"bitsandbytes 0.45.0"}, nil},
		{"bitsandbytes on an old glibc", old, []string{"bitsandbytes 0.45.0"}, []string{"glibc >= 2.24"}},
		{"bitsandbytes on aarch64", jetson, []string{"bitsandbytes 0.45.0"}, []string{"Jetson"}},
		{"tensorflow GPU on windows", windows, []string{"tensorflow 2.16.1"}, []string{"No native-Windows GPU support", "TensorFlow ships PTX"}},
		{"tensorflow on linux without GPU", linux(""), []string{"tensorflow 2.16.1"}, nil},
		{"unconditional note", linux(""), []string{"jax 0.4.26"}, []string{"jax before 0.4.30 does not depend on jaxlib"}},
		{"packages by name", linux("525.60.13"), []string{"torch 2.5.1+cu121", "deepspeed 0.12.5", "pydantic 2.5.2"},
			[]string{"deepspeed 0.12.5 may need pydantic <2", "torch 2.5.1+cu121 is the CUDA 12.1 build"}},
		{"unknown package", linux("550.54.15"), []string{"requests 2.32.3"}, nil},
		{"PyPI torch on Windows with a GPU", windows, []string{"torch 2.5.1"},
			[]string{"torch 2.5.1 from PyPI is a CPU-only build on Windows x86_64: it installs and imports, but never uses the target's GPU; torch 2.5.1+cu124, the CUDA 12.4 build on the index https://download.pytorch.org/whl/cu124, runs on the target's NVIDIA driver 552.22"}},
		{"PyPI torch on a Windows target without GPU", windowsCPU, []string{"torch 2.5.1"}, nil},
		{"a labelled build on Windows is not the PyPI wheel", windows, []string{"torch 2.5.1+cpu"},
			[]string{"torch 2.5.1+cpu is a build without CUDA code (its local label +cpu)"}},
		{"an XPU build on Windows", windows, []string{"torch 2.5.1+xpu"}, []string{"torch 2.5.1+xpu is a build without CUDA code"}},
		{"a CUDA build is none of those", linux("550.54.15", "9.0"), []string{"torch 2.5.1+cu124"}, nil},
		{"PyPI torch on macOS", mac, []string{"torch 2.5.1"},
			[]string{"torch 2.5.1 from PyPI is a CPU-only build on macOS aarch64: it installs and imports, but never uses the target's GPU; there is no CUDA build for macOS"}},
		{"PyPI torch 2.10 on aarch64", gh200, []string{"torch 2.10.0"},
			[]string{"torch 2.10.0 from PyPI is a CPU-only build on Linux aarch64: it installs and imports, but never uses the target's GPU; torch 2.10.0+cu130, the CUDA 13.0 build on the index https://download.pytorch.org/whl/cu130, runs on the target's NVIDIA driver 580.65.06 and GPU 0 compute capability 9.0"}},
		{"PyPI torch 2.11 on aarch64 is a CUDA build", gh200, []string{"torch 2.11.0"}, nil},
		{"PyPI torch 2.14 on aarch64", gh200, []string{"torch 2.14.0"}, []string{"torch 2.14.0 may be the CUDA 13 build (unverified)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := forFacts(m, tc.facts).AdvisoriesFor(selection(tc.pins...))
			var texts []string
			for _, a := range got {
				texts = append(texts, a.Package+" "+a.Version+": "+a.Text)
				if a.Cite.File == "" || a.Cite.Line == 0 {
					t.Errorf("advisory without a row: %+v", a)
				}
			}
			ok := len(got) == len(tc.want)
			for i := 0; ok && i < len(got); i++ {
				ok = strings.Contains(got[i].Text, tc.want[i])
			}
			if !ok {
				t.Errorf("AdvisoriesFor(%q) =\n  %s\nwant texts containing\n  %s", tc.pins, strings.Join(texts, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}

// An unverified forbids row warns when the resolution holds the other package at all; a
// row on a target fact, when the target's value is outside the range.
func TestAdvisoriesForConstraintKinds(t *testing.T) {
	m, _, err := loadFS(withFile("case.toml", `[[constraint]]
package = "a"
requires = "b"
forbids = true
reason = "a and b install the same module"
tag = "unverified"
advisory = true
source = ["X"]

[[constraint]]
package = "a"
requires = "@driver"
range = ">=600"
reason = "a needs a newer driver"
tag = "unverified"
advisory = true
source = ["X"]
`))
	if err != nil {
		t.Fatal(err)
	}
	texts := func(facts testFacts, pins ...string) []string {
		var out []string
		for _, a := range forFacts(m, facts).AdvisoriesFor(selection(pins...)) {
			out = append(out, a.Text)
		}
		return out
	}
	want := []string{
		"a 1.0 may conflict with b, and the resolution has b 2.0: a and b install the same module (unverified)",
		"a 1.0 may need NVIDIA driver >=600, and the target's NVIDIA driver is 550.54.05: a needs a newer driver (unverified)",
	}
	if got := texts(testFacts{Driver: "550.54.05"}, "a 1.0", "b 2.0"); !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if got := texts(testFacts{Driver: "600.1"}, "a 1.0"); got != nil {
		t.Errorf("without b, on a new driver: %q", got)
	}
	if got := texts(testFacts{}, "a 1.0"); got != nil {
		t.Errorf("without b, on an unknown driver: %q", got)
	}
}

func TestDescribe(t *testing.T) {
	m := loadDataMatrix(t)
	v := pep440.MustParse("2.5.1")
	rows := m.Describe("torch", &v)
	var variants, builds []string
	tables := map[string]int{}
	for _, r := range rows {
		tables[r.Table]++
		if len(r.Cites) == 0 || r.Cites[0].File == "" {
			t.Errorf("row %+v has no cite", r)
		}
		switch r.Table {
		case "cuda-variant":
			variants = append(variants, fieldsText(r.Fields))
		case "build":
			builds = append(builds, fieldsText(r.Fields))
		}
	}
	wantBuilds := []string{
		"local label=none os=linux machine=x86_64 cuda=12.4 driver=>=525.60.13",
		"local label=none os=windows machine=any cuda=none (CPU only)",
		"local label=none os=darwin machine=any cuda=none (CPU only)",
		"local label=none os=linux machine=aarch64 cuda=none (CPU only)",
		"local label=+cpu… os=linux machine=any cuda=none (no CUDA code)",
		"local label=+cpu… os=windows machine=any cuda=none (no CUDA code)",
		"local label=+rocm… os=linux machine=any cuda=none (no CUDA code)",
		"local label=+xpu… os=linux machine=any cuda=none (no CUDA code)",
		"local label=+xpu… os=windows machine=any cuda=none (no CUDA code)",
	}
	if !slices.Equal(builds, wantBuilds) {
		t.Errorf("builds:\n%q\nwant\n%q", builds, wantBuilds)
	}
	want := []string{
		"cuda=11.8 local label=+cu118 index=https://download.pytorch.org/whl/cu118 driver (linux)=>=450.80.02 driver (windows)=>=452.39 full features (linux)=>=520.61.05 (11.8 GA)",
		"cuda=12.1 local label=+cu121 index=https://download.pytorch.org/whl/cu121 driver (linux)=>=525.60.13 driver (windows)=>=527.41 full features (linux)=>=530.30.02 (12.1 GA)",
		"cuda=12.4 local label=+cu124 index=https://download.pytorch.org/whl/cu124 driver (linux)=>=525.60.13 driver (windows)=>=527.41 full features (linux)=>=550.54.14 (12.4 GA)",
	}
	if !slices.Equal(variants, want) {
		t.Errorf("variants:\n%q\nwant\n%q", variants, want)
	}
	for _, table := range []string{"variant", "build", "archs", "constraint"} {
		if tables[table] == 0 {
			t.Errorf("no %s row for torch 2.5.1", table)
		}
	}
	if again := m.Describe("torch", &v); !slices.EqualFunc(rows, again, func(a, b Row) bool { return fieldsText(a.Fields) == fieldsText(b.Fields) && a.Table == b.Table }) {
		t.Error("Describe is not deterministic")
	}
	if all := m.Describe("torch", nil); len(all) <= len(rows) {
		t.Errorf("all versions: %d rows, 2.5.1: %d", len(all), len(rows))
	}
	for _, name := range []string{"@driver", "@gpu", "@glibc", "numpy", "Jax_CUDA13_Plugin"} {
		if len(m.Describe(name, nil)) == 0 {
			t.Errorf("Describe(%q): nothing", name)
		}
	}
	if rows := m.Describe("requests", nil); rows != nil {
		t.Errorf("Describe(requests) = %v", rows)
	}
	if len(m.Describe("", nil)) < 100 {
		t.Error("Describe(\"\"): want every package")
	}
}

// Describe numbers the data rows it cites in order of first use, as explanations do: a
// data row that several rows cite has one number, and Sources lists each number once.
func TestDescribeNumbersCitations(t *testing.T) {
	m := loadDataMatrix(t)
	v := pep440.MustParse("2.5.1")
	rows := m.Describe("torch", &v)
	byRow := map[input.Position]int{}
	next := 1
	shared := false
	for _, r := range rows {
		if len(r.Citations) == 0 {
			t.Fatalf("row %+v has no citations", r)
		}
		for i, c := range r.Citations {
			if i > 0 && r.Citations[i-1].Number >= c.Number {
				t.Errorf("row %s %s: citations not sorted by number: %v", r.Table, r.Versions, r.Citations)
			}
			if n, ok := byRow[c.Row]; ok {
				shared = true
				if n != c.Number {
					t.Errorf("%s is [%d] and [%d]", c.Row, n, c.Number)
				}
				continue
			}
			if c.Number != next {
				t.Errorf("%s is [%d], want [%d] (first use)", c.Row, c.Number, next)
			}
			byRow[c.Row] = c.Number
			next++
		}
		if got, want := len(r.Citations), len(citationsOf(r.Cites)); got != want {
			t.Errorf("row %s: %d citations for %d distinct cited rows", r.Table, got, want)
		}
	}
	if !shared {
		t.Error("no data row is cited by two rows: the test needs one")
	}
	sources := Sources(rows)
	if len(sources) != len(byRow) {
		t.Fatalf("Sources: %d, want %d distinct rows", len(sources), len(byRow))
	}
	for i, c := range sources {
		if c.Number != i+1 || len(c.Sources) == 0 || c.Sources[0].URL == "" {
			t.Errorf("Sources[%d] = %+v", i, c)
		}
	}
	text := resolver.SourcesText(sources)
	if !strings.HasPrefix(text, "Sources:\n[1] ") || !strings.Contains(text, fmt.Sprintf("\n[%d] data/", len(sources))) {
		t.Errorf("SourcesText:\n%s", text)
	}
	if Sources(nil) != nil {
		t.Error("Sources(nil) is not empty")
	}
}

// A note's conditions are part of what `depsolve matrix` shows.
func TestDescribeNoteConditions(t *testing.T) {
	m := loadDataMatrix(t)
	var got []string
	for _, r := range m.Describe("torch", nil) {
		if r.Table == "note" {
			got = append(got, fieldsText(r.Fields))
		}
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], "when=cuda-build, @cuda text=CUDA wheels bundle") {
		t.Errorf("torch notes: %q", got)
	}
}

func fieldsText(fs []Field) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.Key + "=" + f.Value
	}
	return strings.Join(parts, " ")
}

// The warnings about a whole resolution's CUDA builds: runtime wheels on a CPU-only
// target, and more than one CUDA major. Each want is "code[ package] @row's file: part of
// the text", the package left out for an advisory about the whole resolution and the row
// for one that cites none.
func TestSolutionAdvisories(t *testing.T) {
	m := loadDataMatrix(t)
	gpu := testFacts{OS: "linux", Machine: "x86_64", Python: "3.11.9", Driver: "550.54.15", GPUs: []string{"9.0"}}
	cpu := testFacts{OS: "linux", Machine: "x86_64", Python: "3.11.9", CPU: true}
	pin := func(name, version string, via ...string) resolver.Pin {
		return resolver.Pin{Name: name, Version: pep440.MustParse(version), Via: via}
	}
	for _, tc := range []struct {
		name  string
		facts testFacts
		pins  []resolver.Pin
		want  []string
	}{
		{"CUDA wheels on a GPU target", gpu, []resolver.Pin{pin("nvidia-cublas-cu12", "12.4.5.8", "torch"), pin("torch", "2.5.1", "requirements.txt:1")}, nil},
		{"CPU target without CUDA wheels", cpu, []resolver.Pin{pin("numpy", "2.1.3")}, nil},
		{"CUDA wheels on a CPU target", cpu, []resolver.Pin{pin("cupy-cuda12x", "13.3.0"), pin("nvidia-cublas-cu12", "12.4.5.8", "cupy-cuda12x")},
			[]string{"cuda-wheels-on-cpu-target: the target has no GPU, yet the resolution installs NVIDIA's CUDA runtime wheels: nvidia-cublas-cu12 12.4.5.8, pulled in by cupy-cuda12x. They install and nothing on the target uses them"}},
		{"CUDA 13 wheels on a CPU target", cpu, []resolver.Pin{pin("nvidia-cuda-runtime", "13.0.96", "requirements.txt:1")},
			[]string{"cuda-wheels-on-cpu-target: the target has no GPU, yet the resolution installs NVIDIA's CUDA runtime wheels: nvidia-cuda-runtime 13.0.96. They"}},
		{"CUDA wheels of PyPI torch on a CPU target", cpu, []resolver.Pin{pin("nvidia-cublas-cu12", "12.4.5.8", "torch"), pin("torch", "2.5.1", "requirements.txt:1")},
			[]string{"cuda-wheels-on-cpu-target @data/torch.toml: the target has no GPU, yet the resolution installs NVIDIA's CUDA runtime wheels: nvidia-cublas-cu12 12.4.5.8, pulled in by torch. They install and nothing on the target uses them; the CPU builds leave them out: torch 2.5.1 from https://download.pytorch.org/whl/cpu"}},
		{"one family", gpu, []resolver.Pin{pin("nvidia-cublas-cu12", "12.4.5.8"), pin("torch", "2.5.1+cu124")}, nil},
		{"two families of runtime wheels", gpu, []resolver.Pin{pin("nvidia-cublas-cu12", "12.4.5.8"), pin("nvidia-cudnn-cu11", "8.9.2.26")},
			[]string{"cuda-family-mix @data/cuda.toml: the resolution mixes CUDA families: CUDA 11.x (nvidia-cudnn-cu11 8.9.2.26) and CUDA 12.x (nvidia-cublas-cu12 12.4.5.8)."}},
		{"a +cu118 build with CUDA 12 wheels", gpu, []resolver.Pin{pin("nvidia-cublas-cu12", "12.4.5.8"), pin("torchaudio", "2.5.1+cu118")},
			[]string{"cuda-family-mix @data/cuda.toml: the resolution mixes CUDA families: CUDA 11.x (torchaudio 2.5.1+cu118) and CUDA 12.x (nvidia-cublas-cu12 12.4.5.8)."}},
		{"the PyPI torch is a CUDA 12 build", gpu, []resolver.Pin{pin("nvidia-cudnn-cu11", "8.9.2.26"), pin("torch", "2.5.1")},
			[]string{"cuda-family-mix @data/cuda.toml: the resolution mixes CUDA families: CUDA 11.x (nvidia-cudnn-cu11 8.9.2.26) and CUDA 12.x (torch 2.5.1)."}},
		{"a family without a row places nothing", gpu, []resolver.Pin{pin("nvidia-cublas-cu12", "12.4.5.8"), pin("nvidia-foo-cu99", "1.0")}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, a := range forFacts(m, tc.facts).SolutionAdvisories(tc.pins) {
				about := a.Code
				if a.Package != "" {
					about += " " + a.Package
				}
				if a.Cite.File != "" {
					about += " @" + a.Cite.File
				}
				got = append(got, about+": "+a.Text)
				if (a.Cite.File == "") != (a.Cite.Line == 0) {
					t.Errorf("advisory with half a row: %+v", a)
				}
			}
			ok := len(got) == len(tc.want)
			for i := 0; ok && i < len(got); i++ {
				ok = strings.HasPrefix(got[i], tc.want[i])
			}
			if !ok {
				t.Errorf("SolutionAdvisories =\n  %s\nwant prefixes\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}

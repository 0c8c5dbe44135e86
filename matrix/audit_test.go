package matrix

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/target"
)

// The findings of the matrix audit against primary sources (issue 10, item 6): each case
// failed on the rows as they were.
func TestMatrixAuditRules(t *testing.T) {
	m := loadDataMatrix(t)
	linux := func(driver string, gpus ...string) testFacts {
		return testFacts{OS: "linux", Machine: "x86_64", Python: "3.11.9", Driver: driver, GPUs: gpus}
	}
	aarch64T4 := testFacts{OS: "linux", Machine: "aarch64", Python: "3.11.9", Driver: "580.65.06", GPUs: []string{"7.5"}}
	cpuOnly := testFacts{OS: "linux", Machine: "x86_64", Python: "3.11.9", CPU: true}
	tests := []struct {
		name   string
		facts  testFacts
		pkg, v string
		want   []string
	}{
		// build_cuda.sh's filter_aarch64_archs removes 7.5 and 8.6 from the aarch64 list.
		{"aarch64 cu130 has no Turing SASS", aarch64T4, "torch", "2.10.0+cu130",
			[]string{"@driver >=580.65.06", "@gpu:0 >=8.0", "@torch-cuda ==13.*", "triton ==3.6.*"}},
		// 2.7's cu128 builds shipped 12.0+PTX (#157516 removed it for 2.8): a GPU past the
		// SASS list runs them through JIT, with the driver of CUDA 12.8 GA.
		{"2.7 cu128 ships PTX for 12.0", linux("580.65.06", "13.0"), "torch", "2.7.1+cu128",
			[]string{"@driver >=525.60.13", "@gpu:0 >=7.5, <11.0 || >=12.0", "@driver >=570.26", "@torch-cuda ==12.*", "triton ==3.3.*"}},
		// RELEASE.md for 2.11 (#175253): the CUDA 12.8 builds dropped Volta.
		{"2.11 cu128 on a V100", linux("580.65.06", "7.0"), "torch", "2.11.0+cu128",
			[]string{"@driver >=525.60.13", "@gpu:0 >=7.5, <11.0 || >=12.0, <13.0", "@torch-cuda ==12.*", "triton ==3.6.*"}},
		// torchaudio 2.11 is the last release, on the stable ABI: no upper bound on torch.
		{"torchaudio 2.11 has no torch ceiling", linux(""), "torchaudio", "2.11.0", []string{"torch >=2.11"}},
		// onnxruntime-gpu's cuDNN 9 against torch's cuDNN 8 is about CUDA builds on a GPU.
		{"torch before 2.4 with onnxruntime-gpu on a GPU", linux("550.54.15", "9.0"), "torch", "2.3.1",
			[]string{"@driver >=525.60.13", "@gpu:0 >=5.0, <10.0", "@torch-cuda ==12.*", "onnxruntime-gpu <1.19"}},
		{"a CUDA label is a CUDA build", linux(""), "torch", "2.3.1+cu118", []string{"@torch-cuda ==11.*", "onnxruntime-gpu <1.19"}},
		{"a CPU-only target loads no cuDNN", cpuOnly, "torch", "2.3.1", []string{"@torch-cuda ==12.*"}},
		{"a +cpu torch loads no cuDNN", linux("550.54.15", "9.0"), "torch", "2.3.1+cpu", nil},
		{"torch 2.4 ships cuDNN 9", linux("550.54.15", "9.0"), "torch", "2.4.1",
			[]string{"@driver >=525.60.13", "@gpu:0 >=5.0, <10.0", "@torch-cuda ==12.*"}},
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

// The row that used to say it: onnxruntime-gpu 1.19 with torch 2.3 is no advisory and no
// rule on a CPU-only target; torch 2.14 with torchaudio 2.11 is no conflict.
func TestMatrixAuditNoFalseAlarms(t *testing.T) {
	m := loadDataMatrix(t)
	cpuOnly := forFacts(m, testFacts{OS: "linux", Machine: "x86_64", Python: "3.11.9", CPU: true})
	for _, pkg := range []string{"onnxruntime-gpu", "torch"} {
		for _, r := range cpuOnly.Rules(pkg, pep440.MustParse(map[string]string{"onnxruntime-gpu": "1.19.2", "torch": "2.3.1"}[pkg])) {
			if r.Package == "torch" || r.Package == "onnxruntime-gpu" {
				t.Errorf("CPU-only target: %s constrains %s %s", pkg, r.Package, r.Range)
			}
		}
	}
	gpu := forFacts(m, testFacts{OS: "linux", Machine: "x86_64", Python: "3.11.9", Driver: "580.65.06", GPUs: []string{"9.0"}})
	for _, r := range gpu.Rules("torchaudio", pep440.MustParse("2.11.0")) {
		if r.Package == "torch" && !r.Range.Contains(pep440.MustParse("2.14.0")) {
			t.Errorf("torchaudio 2.11.0 excludes torch 2.14.0: %s", r.Range)
		}
	}
}

// nvidia/cuda's cudnn images hold cuDNN 9 from CUDA 12.4.1 (9.1.0.70; 12.5.x: 9.2.1.18).
func TestMatrixAuditImageCuDNN(t *testing.T) {
	m := loadDataMatrix(t)
	for ref, want := range map[string]string{
		"nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04": "9",
		"nvidia/cuda:12.5.1-cudnn-devel-ubuntu22.04":   "9",
		"nvidia/cuda:12.3.2-cudnn-devel-ubuntu22.04":   "",
	} {
		if img, ok := m.BaseImage(ref); !ok || img.CUDNN != want {
			t.Errorf("BaseImage(%q).CUDNN = %q (ok %v), want %q", ref, img.CUDNN, ok, want)
		}
	}
}

// From 13.4 NVIDIA's third digit is a build number: 13.4.1 is the 13.4 GA and 13.4.2 its
// Update 1, not the 13.4.0 Developer Preview. They, and 13.5, are CUDA 13 releases.
func TestMatrixAuditCUDA13Releases(t *testing.T) {
	m := loadDataMatrix(t)
	for _, v := range []string{"13.4.1", "13.4.2", "13.5", "13.5.0"} {
		r, ok := m.CUDA(v)
		if !ok || r.FloorLinux != "580.65.06" {
			t.Errorf("CUDA(%q) = %+v %v: want a CUDA 13 release", v, r, ok)
		}
		if strings.Contains(r.Release, "Developer Preview") {
			t.Errorf("CUDA(%q) is the %s", v, r.Release)
		}
	}
}

var issueNumber = regexp.MustCompile(`#([0-9]{3,})\b`)

// A row's cite names issues and pull requests (#134015) that its sources must hold: a
// source about another release is no source for it.
func TestMatrixAuditCitedIssuesAreSources(t *testing.T) {
	m := loadDataMatrix(t)
	text := map[string]string{}
	for _, s := range m.doc.Source {
		text[s.ID] = s.Title + " " + s.URL
	}
	metaRows(m.doc, func(table string, meta *rowMeta) {
		for _, n := range issueNumber.FindAllStringSubmatch(meta.Cite, -1) {
			if !slices.ContainsFunc(meta.Source, func(id string) bool { return strings.Contains(text[id], n[1]) }) {
				t.Errorf("%s:%d [[%s]]: cite names #%s, which none of its sources %s holds", meta.Pos.File, meta.Pos.Line, table, n[1], fmt.Sprint(meta.Source))
			}
		}
	})
}

// An unverified [[archs]] row warns when a target GPU is outside what it says runs the
// build, and says nothing otherwise (the data has no such row since 2.11's cu128 list
// was confirmed, so the row is made up here).
func TestUnverifiedArchsAdvisory(t *testing.T) {
	m, _, err := loadFS(withFile("torch.toml", `[[archs]]
package = "torch"
versions = "==2.11.*"
cuda = ["12.8"]
os = "linux"
machine = "x86_64"
sass = ["7.5", "8.0"]
ptx = []
tag = "unverified"
advisory = true
source = ["X"]
`))
	if err != nil {
		t.Fatal(err)
	}
	for cc, want := range map[string]string{
		"7.0": "torch 2.11.0+cu128 may not run on compute capability 7.0: its CUDA 12.8 builds may ship SASS only for 7.5, 8.0 (unverified)",
		"8.6": "",
	} {
		facts := testFacts{OS: "linux", Machine: "x86_64", Python: "3.11.9", Driver: "580.65.06", GPUs: []string{cc}}
		var texts []string
		for _, a := range forFacts(m, facts).AdvisoriesFor(selection("torch 2.11.0+cu128")) {
			if a.Code == AdvisoryUnverifiedArchs {
				texts = append(texts, a.Text)
			}
		}
		if got := strings.Join(texts, "\n"); got != want {
			t.Errorf("GPU %s: advisories %q, want %q", cc, got, want)
		}
	}
}

// --cpu reaches the rules: the target's facts say it has no GPU.
func TestCPUTargetFacts(t *testing.T) {
	m := loadDataMatrix(t)
	tgt, err := target.Build(m.Catalog(), target.Defaults{}, target.Declaration{Python: target.Flag("--python", "3.11.9"), CPU: target.Toggle{Set: true, On: true, Origin: target.Origin{From: target.FromFlag, Detail: "--cpu"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !m.ForTarget(tgt).t.CPU {
		t.Error("a --cpu target's facts do not say CPU")
	}
}

package target

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/depsolve/depsolve/pep425"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/google/go-cmp/cmp"
)

// fakeCatalog stands in for the matrix, so these tests do not move with the data.
type fakeCatalog struct{}

func (fakeCatalog) GPUCapability(name string) (string, bool) {
	cc, ok := map[string]string{"H100": "9.0", "NVIDIA H100 80GB HBM3": "9.0", "A100": "8.0", "L4": "8.9"}[name]
	return cc, ok
}

func (fakeCatalog) GPUNames() []string {
	return []string{"H100", "A100", "L4", "RTX 6000 Ada", "Quadro RTX 6000"}
}

func (fakeCatalog) FrameworkImage(image, release string) (FrameworkImageFacts, []string, bool) {
	if image == "nvcr.io/nvidia/pytorch" && release == "25.12" {
		return FrameworkImageFacts{CUDA: "13.1.0", Python: "3.12", Package: "torch", Version: "2.10.0a0+b4e4ee81d3", Row: "data/images.toml:1"}, []string{"25.12"}, true
	}
	return FrameworkImageFacts{}, []string{"25.12"}, false
}

// cudaImage composes a tag's facts from its parts, as the matrix does: the leading CUDA
// version, and the OS at the end.
func (c fakeCatalog) CUDAImage(tag string) (ImageFacts, bool) {
	parts := strings.Split(tag, "-")
	if checkCUDA(parts[0]) != nil {
		return ImageFacts{}, false
	}
	f := ImageFacts{CUDA: parts[0]}
	if strings.Contains(tag, "-cudnn-") {
		f.CuDNN = "9"
	}
	if last := parts[len(parts)-1]; len(parts) > 1 && strings.ContainsAny(last, "0123456789") {
		f.OS = last
		f.GLibc, _ = c.OSGlibc(f.OS)
	}
	return f, true
}

func (fakeCatalog) OSGlibc(os string) (string, bool) {
	g, ok := map[string]string{"ubuntu22.04": "2.35", "ubuntu24.04": "2.39", "debian12": "2.36", "debian11": "2.31", "rockylinux9": "2.34", "ubi9": "2.34"}[os]
	return g, ok
}

func TestBuildTargetFromFlags(t *testing.T) {
	target, err := Build(fakeCatalog{}, Defaults{}, Declaration{
		Python:   Flag("--python", "3.11.9"),
		Platform: Flag("--platform", "manylinux_2_35_x86_64"),
		Driver:   Flag("--driver", "550.54.15"),
		GPUs:     FlagGPUs("--gpu", []string{"H100", "sm_80", "9.0"}),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(target.Notes) != 0 {
		t.Errorf("notes: %q", target.Notes)
	}
	if g := target.GLibc; g.Text != "2.35" || g.Origin.Detail != "--platform" {
		t.Errorf("glibc %+v, want 2.35 from --platform", g)
	}
	vp := map[string]string{}
	for name, v := range target.virtualPackages() {
		vp[name] = v.String()
	}
	wantVP := map[string]string{"@python": "3.11.9", "@driver": "550.54.15", "@glibc": "2.35", "@gpu:0": "8.0", "@gpu:1": "9.0"}
	if diff := cmp.Diff(wantVP, vp); diff != "" {
		t.Errorf("virtualPackages (-want +got):\n%s", diff)
	}
	wantEnv := pep508.Environment{
		"python_version": "3.11", "python_full_version": "3.11.9", "implementation_name": "cpython",
		"platform_python_implementation": "CPython", "implementation_version": "3.11.9",
		"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix", "platform_machine": "x86_64",
	}
	if diff := cmp.Diff(wantEnv, target.MarkerEnvironment()); diff != "" {
		t.Errorf("MarkerEnvironment (-want +got):\n%s", diff)
	}
	var settings []string
	for _, s := range target.Settings() {
		settings = append(settings, s.Name+"="+s.Value+" ("+s.Origin.String()+")")
	}
	wantSettings := []string{
		"python=3.11.9 (flag --python)",
		"implementation=cpython (default)",
		"platform=manylinux_2_35_x86_64 (flag --platform)",
		"glibc=2.35 (flag --platform)",
		"driver=550.54.15 (flag --driver)",
		"gpu=H100, compute capability 9.0 (flag --gpu)",
		"gpu=sm_80, compute capability 8.0 (flag --gpu)",
		"gpu=9.0 (flag --gpu)",
		"cuda= (unknown)",
		"base-image= (unknown)",
	}
	if diff := cmp.Diff(wantSettings, settings); diff != "" {
		t.Errorf("Settings (-want +got):\n%s", diff)
	}
}

func TestBuildTargetPrecedence(t *testing.T) {
	config := Declaration{
		Python: Value{"3.10.14", configOrigin("depsolve.toml", 2, "target.python")},
		Driver: Value{"535.104.05", configOrigin("depsolve.toml", 3, "target.driver")},
	}
	detectedDecl := Declaration{
		Python:   detected("python3", "3.12.3"),
		Driver:   detected("nvidia-smi", "550.54.15"),
		Platform: detected("python3", "linux_aarch64"),
		GLibc:    detected("getconf GNU_LIBC_VERSION", "2.39"),
		GPUs:     []GPU{{Name: "NVIDIA H100 80GB HBM3", Capability: "9.0", Count: 8, Origin: smiOrigin()}},
	}
	flags := Declaration{Python: Flag("--python", "3.11.9")}
	// The argument order does not matter: the source kind decides.
	target, err := Build(fakeCatalog{}, Defaults{}, []Declaration{detectedDecl, config, flags}...)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range target.Settings() {
		got[s.Name] = s.Value + " / " + s.Origin.String()
	}
	want := map[string]string{
		"python":         "3.11.9 / flag --python",
		"implementation": "cpython / default",
		"platform":       "manylinux_2_39_aarch64 / detected (python3)",
		"glibc":          "2.39 / detected (getconf GNU_LIBC_VERSION)",
		"driver":         "535.104.05 / depsolve.toml:3",
		"gpu":            "NVIDIA H100 80GB HBM3 ×8, compute capability 9.0 / detected (nvidia-smi)",
		"cuda":           " / unknown",
		"base-image":     " / unknown",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// summary renders what a base-image test checks: the values that matter and the notes.
func summary(t *Target) []string {
	var out []string
	for _, s := range t.Settings() {
		switch s.Name {
		case "python", "platform", "glibc", "cuda":
			out = append(out, strings.TrimSpace(s.Name+" "+s.Value)+" / "+s.Origin.String())
		}
	}
	for _, n := range t.Notes {
		out = append(out, "note: "+n)
	}
	return out
}

func TestBuildTargetBaseImage(t *testing.T) {
	const none = " / unknown"
	tests := []struct {
		name  string
		decls []Declaration
		want  []string
	}{
		{"nvidia/cuda alone", []Declaration{{BaseImage: Flag("--base-image", "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04")}}, []string{
			"python" + none,
			"platform manylinux_2_35_x86_64 / base image nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04",
			"glibc 2.35 / base image nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04",
			"cuda 12.4.1 / base image nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04",
			"note: base image nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04: architecture x86_64 assumed (images are multi-architecture; give --platform, or FROM --platform in the Dockerfile)",
		}},
		{"a flag that disagrees with the image", []Declaration{{BaseImage: Flag("--base-image", "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04"), CUDA: Flag("--cuda", "12.8")}}, []string{
			"python" + none,
			"platform manylinux_2_35_x86_64 / base image nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04",
			"glibc 2.35 / base image nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04",
			"cuda 12.8 / flag --cuda",
			"note: base image nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04: architecture x86_64 assumed (images are multi-architecture; give --platform, or FROM --platform in the Dockerfile)",
			"note: cuda 12.8 (flag --cuda) replaces the 12.4.1 of the base image nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04: the check uses 12.8, though what the image holds is what runs",
		}},
		{"a flag that says more than the image", []Declaration{{BaseImage: Flag("--base-image", "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04"), CUDA: Flag("--cuda", "12.4")}}, []string{
			"python" + none,
			"platform manylinux_2_35_x86_64 / base image nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04",
			"glibc 2.35 / base image nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04",
			"cuda 12.4 / flag --cuda",
			"note: base image nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04: architecture x86_64 assumed (images are multi-architecture; give --platform, or FROM --platform in the Dockerfile)",
		}},
		{"--glibc answers what the python tag leaves unknown", []Declaration{{BaseImage: Flag("--base-image", "python:3.11-slim"), GLibc: Flag("--glibc", "2.36")}}, []string{
			"python 3.11 / base image python:3.11-slim",
			"platform manylinux_2_36_x86_64 / base image python:3.11-slim",
			"glibc 2.36 / flag --glibc",
			"cuda" + none,
			"note: base image python:3.11-slim: architecture x86_64 assumed (images are multi-architecture; give --platform, or FROM --platform in the Dockerfile)",
			"note: python 3.11 (base image python:3.11-slim) has no patch version: it compares as 3.11.0, so Requires-Python such as >=3.11.4 excludes it; give the full version (3.11.x) to check such bounds",
		}},
		{"nvcr.io and detection", []Declaration{
			{BaseImage: Flag("--base-image", "nvcr.io/nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04")},
			{Python: detected("python3", "3.10.12"), Platform: detected("python3", "linux_aarch64"), GLibc: detected("getconf GNU_LIBC_VERSION", "2.39")},
		}, []string{
			"python 3.10.12 / detected (python3)",
			"platform manylinux_2_35_aarch64 / base image nvcr.io/nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04",
			"glibc 2.35 / base image nvcr.io/nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04",
			"cuda 12.4.1 / base image nvcr.io/nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04",
		}},
		{"dockerfile", []Declaration{{Dockerfile: Flag("--dockerfile", filepath.Join("testdata", "dockerfile", "platform.Dockerfile"))}}, []string{
			"python" + none,
			"platform manylinux_2_39_aarch64 / base image nvcr.io/nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04 (testdata/dockerfile/platform.Dockerfile:2)",
			"glibc 2.39 / base image nvcr.io/nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04 (testdata/dockerfile/platform.Dockerfile:2)",
			"cuda 12.8.1 / base image nvcr.io/nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04 (testdata/dockerfile/platform.Dockerfile:2)",
		}},
		{"flag beats config dockerfile", []Declaration{
			{Dockerfile: Value{filepath.Join("testdata", "dockerfile", "missing"), configOrigin("depsolve.toml", 4, "target.dockerfile")}},
			{BaseImage: Flag("--base-image", "python:3.11-slim-bookworm")},
		}, []string{
			"python 3.11 / base image python:3.11-slim-bookworm",
			"platform manylinux_2_36_x86_64 / base image python:3.11-slim-bookworm",
			"glibc 2.36 / base image python:3.11-slim-bookworm",
			"cuda" + none,
			"note: base image python:3.11-slim-bookworm: architecture x86_64 assumed (images are multi-architecture; give --platform, or FROM --platform in the Dockerfile)",
			"note: python 3.11 (base image python:3.11-slim-bookworm) has no patch version: it compares as 3.11.0, so Requires-Python such as >=3.11.4 excludes it; give the full version (3.11.x) to check such bounds",
		}},
		{"python alpine with a flag platform", []Declaration{
			{BaseImage: Flag("--base-image", "python:3.12.7-alpine3.20"), Platform: Flag("--platform", "musllinux_1_2_aarch64")},
		}, []string{
			"python 3.12.7 / base image python:3.12.7-alpine3.20",
			"platform musllinux_1_2_aarch64 / flag --platform",
			"glibc" + none,
			"cuda" + none,
		}},
		{"python alpine", []Declaration{{BaseImage: Flag("--base-image", "python:3.12-alpine")}}, []string{
			"python 3.12 / base image python:3.12-alpine",
			"platform musllinux_1_2_x86_64 / base image python:3.12-alpine",
			"glibc" + none,
			"cuda" + none,
			"note: base image python:3.12-alpine: architecture x86_64 assumed (images are multi-architecture; give --platform, or FROM --platform in the Dockerfile)",
			"note: python 3.12 (base image python:3.12-alpine) has no patch version: it compares as 3.12.0, so Requires-Python such as >=3.12.4 excludes it; give the full version (3.12.x) to check such bounds",
		}},
		{"python without a release", []Declaration{{BaseImage: Flag("--base-image", "python:3.11.9-slim"), Platform: Flag("--platform", "linux_x86_64")}}, []string{
			"python 3.11.9 / base image python:3.11.9-slim",
			"platform linux_x86_64 / flag --platform",
			"glibc" + none,
			"cuda" + none,
			"note: base image python:3.11.9-slim: the tag names no Debian release, and the image follows the current one; glibc unknown (use a tag such as 3.11.9-slim-bookworm, or give --glibc)",
		}},
		{"cuda tag the matrix lacks", []Declaration{{BaseImage: Flag("--base-image", "nvidia/cuda:13.9.0-runtime-ubuntu26.04"), Platform: Flag("--platform", "linux_x86_64")}}, []string{
			"python" + none,
			"platform linux_x86_64 / flag --platform",
			"glibc" + none,
			"cuda 13.9.0 / base image nvidia/cuda:13.9.0-runtime-ubuntu26.04",
		}},
		{"os without glibc in the matrix", []Declaration{{BaseImage: Flag("--base-image", "nvidia/cuda:11.8.0-runtime-centos7"), GLibc: Flag("--glibc", "2.17"), Platform: Flag("--platform", "linux_x86_64")}}, []string{
			"python" + none,
			"platform manylinux_2_17_x86_64 / flag --platform",
			"glibc 2.17 / flag --glibc",
			"cuda 11.8.0 / base image nvidia/cuda:11.8.0-runtime-centos7",
		}},
		{"ubuntu", []Declaration{{BaseImage: Flag("--base-image", "ubuntu:jammy"), Platform: Flag("--platform", "linux_x86_64")}}, []string{
			"python" + none,
			"platform manylinux_2_35_x86_64 / flag --platform",
			"glibc 2.35 / base image ubuntu:jammy",
			"cuda" + none,
		}},
		{"unknown image", []Declaration{{BaseImage: Flag("--base-image", "ghcr.io/acme/runtime:1.0"), Python: Flag("--python", "3.12.4")}}, []string{
			"python 3.12.4 / flag --python",
			"platform" + none,
			"glibc" + none,
			"cuda" + none,
			"note: base image ghcr.io/acme/runtime:1.0: depsolve knows nothing of this image; Python, platform, glibc and CUDA come from other settings",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target, err := Build(fakeCatalog{}, Defaults{}, tt.decls...)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, summary(target)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestBuildTargetReconciles(t *testing.T) {
	tests := []struct {
		name            string
		decls           []Declaration
		platform, glibc string
		note            string
	}{
		{"higher glibc rewrites the platform", []Declaration{
			{GLibc: Flag("--glibc", "2.28")},
			{Platform: Value{"manylinux_2_35_x86_64", configOrigin("depsolve.toml", 2, "target.platform")}},
		}, "manylinux_2_28_x86_64", "2.28",
			"platform manylinux_2_35_x86_64 (depsolve.toml:2) rewritten to manylinux_2_28_x86_64 for glibc 2.28 (flag --glibc)"},
		{"higher platform replaces glibc", []Declaration{
			{Platform: Flag("--platform", "manylinux_2_28_x86_64")},
			{GLibc: detected("getconf GNU_LIBC_VERSION", "2.35")},
		}, "manylinux_2_28_x86_64", "2.28",
			"glibc 2.35 (detected (getconf GNU_LIBC_VERSION)) replaced by 2.28 from platform manylinux_2_28_x86_64 (flag --platform)"},
		{"non-glibc platform drops glibc", []Declaration{
			{Platform: Flag("--platform", "macosx_14_0_arm64")},
			{GLibc: detected("getconf GNU_LIBC_VERSION", "2.35")},
		}, "macosx_14_0_arm64", "",
			"glibc 2.35 (detected (getconf GNU_LIBC_VERSION)) dropped: platform macosx_14_0_arm64 (flag --platform) has no glibc"},
		{"glibc drops a non-Linux platform", []Declaration{
			{GLibc: Flag("--glibc", "2.35")},
			{Platform: detected("python3", "macosx_14_0_arm64")},
		}, "", "2.35",
			"platform macosx_14_0_arm64 (detected (python3)) dropped: glibc 2.35 (flag --glibc) says the target is Linux"},
		{"glibc turns musllinux into manylinux", []Declaration{
			{GLibc: Flag("--glibc", "2.31")},
			{Platform: detected("python3, ldd --version", "musllinux_1_2_x86_64")},
		}, "manylinux_2_31_x86_64", "2.31",
			"platform musllinux_1_2_x86_64 (detected (python3, ldd --version)) rewritten to manylinux_2_31_x86_64 for glibc 2.31 (flag --glibc)"},
		{"legacy manylinux name", []Declaration{{Platform: Flag("--platform", "manylinux2014_aarch64")}},
			"manylinux_2_17_aarch64", "2.17", "platform manylinux2014_aarch64 (flag --platform) is manylinux_2_17_aarch64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target, err := Build(fakeCatalog{}, Defaults{}, tt.decls...)
			if err != nil {
				t.Fatal(err)
			}
			if target.Platform.Text != tt.platform || target.GLibc.Text != tt.glibc {
				t.Errorf("platform %q glibc %q, want %q %q", target.Platform.Text, target.GLibc.Text, tt.platform, tt.glibc)
			}
			if diff := cmp.Diff([]string{tt.note}, target.Notes); diff != "" {
				t.Errorf("notes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBuildTargetCPU(t *testing.T) {
	cpuFlag := Toggle{Set: true, On: true, Origin: Origin{From: FromFlag, Detail: "--cpu"}}
	t.Run("cpu flag ignores detected GPUs", func(t *testing.T) {
		target, err := Build(fakeCatalog{}, Defaults{},
			Declaration{CPU: cpuFlag},
			Declaration{Driver: detected("nvidia-smi", "550.54.15"), GPUs: []GPU{{Name: "NVIDIA H100 80GB HBM3", Capability: "9.0", Count: 1, Origin: smiOrigin()}}},
		)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			"driver 550.54.15 (detected (nvidia-smi)) ignored: the target has no GPU (flag --cpu)",
			"GPUs of detected (nvidia-smi) ignored: the target has no GPU (flag --cpu)",
		}
		if diff := cmp.Diff(want, target.Notes); diff != "" {
			t.Errorf("notes (-want +got):\n%s", diff)
		}
		if len(target.virtualPackages()) != 0 {
			t.Errorf("virtual packages %v, want none", target.virtualPackages())
		}
		settings := target.Settings()
		if s := settings[4]; s.Name != "gpu" || s.Value != "none (CPU only)" {
			t.Errorf("settings[4] = %+v", s)
		}
	})
	t.Run("gpu flag beats config cpu", func(t *testing.T) {
		target, err := Build(fakeCatalog{}, Defaults{},
			Declaration{CPU: Toggle{Set: true, On: true, Origin: configOrigin("depsolve.toml", 3, "target.cpu")}},
			Declaration{GPUs: FlagGPUs("--gpu", []string{"L4"})},
		)
		if err != nil {
			t.Fatal(err)
		}
		if target.CPU.On || len(target.GPUs) != 1 || target.GPUs[0].Capability != "8.9" {
			t.Errorf("CPU %+v GPUs %+v", target.CPU, target.GPUs)
		}
		want := []string{"no-GPU (depsolve.toml:3) overridden by the driver or GPUs of flag --gpu"}
		if diff := cmp.Diff(want, target.Notes); diff != "" {
			t.Errorf("notes (-want +got):\n%s", diff)
		}
	})
	t.Run("detected no GPU", func(t *testing.T) {
		target, err := Build(fakeCatalog{}, Defaults{}, []Declaration{{CPU: Toggle{Set: true, On: true, Origin: Origin{From: FromDetection, Detail: "nvidia-smi: No devices were found"}}}}...)
		if err != nil || !target.CPU.On || len(target.Notes) != 0 {
			t.Errorf("got %+v, %v", target, err)
		}
	})
}

func TestBuildTargetUnknownGPU(t *testing.T) {
	for _, tc := range []struct {
		names []string
		want  string
	}{
		{[]string{"Quadro X9000", "A100"}, `--gpu: GPU "Quadro X9000" is not a model depsolve knows (give its compute capability as sm_XY, e.g. sm_90, if it is not listed)`},
		{[]string{"H10"}, `--gpu: GPU "H10" is not a model depsolve knows; did you mean "H100" or "A100"? (give its compute capability as sm_XY, e.g. sm_90, if it is not listed)`},
		{[]string{"RTX 6000"}, `--gpu: GPU "RTX 6000" is not a model depsolve knows; did you mean "RTX 6000 Ada" or "Quadro RTX 6000"? (give its compute capability as sm_XY, e.g. sm_90, if it is not listed)`},
	} {
		_, err := Build(fakeCatalog{}, Defaults{}, []Declaration{{GPUs: FlagGPUs("--gpu", tc.names)}}...)
		var ie *InputError
		if !errors.As(err, &ie) || err.Error() != tc.want {
			t.Errorf("%v: error %v, want an *InputError %q", tc.names, err, tc.want)
		}
	}
	t.Run("detected", func(t *testing.T) {
		target, err := Build(fakeCatalog{}, Defaults{}, []Declaration{{GPUs: []GPU{{Name: "Quadro X9000", Count: 1, Origin: Origin{From: FromDetection, Detail: "nvidia-smi"}}}}}...)
		if err != nil || len(target.Notes) != 1 || !strings.Contains(target.Notes[0], "is not in the matrix") {
			t.Errorf("got %+v, %v; want a note", target, err)
		}
	})
}

func TestBuildTargetErrors(t *testing.T) {
	tests := []struct {
		name  string
		decls []Declaration
		want  string
	}{
		{"bad python flag", []Declaration{{Python: Flag("--python", "3.11.x")}},
			`--python: "3.11.x" is not a Python version (want 3.11.9 or 3.11)`},
		{"bad driver flag", []Declaration{{Driver: Flag("--driver", "R550")}},
			`--driver: "R550" is not an NVIDIA driver version: give major.minor or major.minor.patch`},
		{"bad gpu flag", []Declaration{{GPUs: FlagGPUs("--gpu", []string{"sm_9x"})}},
			`--gpu: "sm_9x" is not a compute capability (want sm_90 or 9.0) or a GPU model name`},
		{"bad platform flag", []Declaration{{Platform: Flag("--platform", "macosx_14_0_universal2")}},
			`--platform: platform "macosx_14_0_universal2": a target machine is arm64 or x86_64, not universal2`},
		{"cpu and gpu flags", []Declaration{{CPU: Toggle{Set: true, On: true, Origin: Origin{From: FromFlag, Detail: "--cpu"}}, GPUs: FlagGPUs("--gpu", []string{"H100"})}},
			`--cpu: a CPU-only target cannot also have a driver or GPUs (flag --gpu)`},
		{"platform and glibc flags disagree", []Declaration{{Platform: Flag("--platform", "manylinux_2_28_x86_64"), GLibc: Flag("--glibc", "2.35")}},
			`--glibc: glibc 2.35 disagrees with platform manylinux_2_28_x86_64 (flag --platform)`},
		{"base image and dockerfile flags", []Declaration{{BaseImage: Flag("--base-image", "python:3.12"), Dockerfile: Flag("--dockerfile", "Dockerfile")}},
			`--dockerfile: give a base image or a Dockerfile, not both (base image python:3.12, flag --base-image)`},
		{"digest base image", []Declaration{{BaseImage: Flag("--base-image", "nvidia/cuda@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")}},
			`--base-image: image "nvidia/cuda@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef": cannot tell CUDA, Python or glibc from a digest`},
		{"missing dockerfile", []Declaration{{Dockerfile: Flag("--dockerfile", filepath.Join("testdata", "no-such-Dockerfile"))}},
			`--dockerfile: testdata/no-such-Dockerfile does not exist`},
		{"dockerfile without a base", []Declaration{{Dockerfile: Flag("--dockerfile", filepath.Join("testdata", "dockerfile", "noarg-default.Dockerfile"))}},
			`testdata/dockerfile/noarg-default.Dockerfile:2:6: FROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04: ARG CUDA (line 1) has no default`},
		{"config value", []Declaration{{CUDA: Value{"twelve", configOrigin("depsolve.toml", 7, "target.cuda")}}},
			`depsolve.toml:7: "twelve" is not a CUDA version (want 12.4.1 or 12.4)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build(fakeCatalog{}, Defaults{}, tt.decls...)
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("got %v, want *InputError", err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("got\n%v\nwant it to start with\n%s", err, tt.want)
			}
		})
	}
}

func TestMarkerEnvironmentPlatforms(t *testing.T) {
	tests := []struct {
		platform, python, impl string
		want                   pep508.Environment
	}{
		{"win_amd64", "3.13.1", "cpython", pep508.Environment{
			"python_version": "3.13", "python_full_version": "3.13.1", "implementation_name": "cpython",
			"platform_python_implementation": "CPython", "implementation_version": "3.13.1",
			"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": "AMD64"}},
		{"macosx_14_0_arm64", "3.14.0rc1", "pypy", pep508.Environment{
			"python_version": "3.14", "python_full_version": "3.14.0rc1", "implementation_name": "pypy",
			"platform_python_implementation": "PyPy",
			"sys_platform":                   "darwin", "platform_system": "Darwin", "os_name": "posix", "platform_machine": "arm64"}},
		{"", "", "", pep508.Environment{}},
		{"", "3.14rc1", "", pep508.Environment{"python_version": "3.14", "python_full_version": "3.14rc1"}},
		{"win32", "", "cpython", pep508.Environment{"implementation_name": "cpython", "platform_python_implementation": "CPython",
			"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": "x86"}},
	}
	for _, tt := range tests {
		target := &Target{Implementation: Value{Text: tt.impl}}
		if tt.platform != "" {
			p, err := pep425.ParsePlatform(tt.platform)
			if err != nil {
				t.Fatal(err)
			}
			target.Platform = PlatformValue{Value{Text: tt.platform}, p}
		}
		if tt.python != "" {
			target.Python = VersionValue{Value{Text: tt.python}, pep440.MustParse(tt.python)}
		}
		if diff := cmp.Diff(tt.want, target.MarkerEnvironment()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.platform, diff)
		}
	}
}

// Defaults apply in the one Build, only where no source (a base image included) gives the
// value; a known glibc makes the default platform's architecture manylinux for it.
func TestBuildDefaults(t *testing.T) {
	defaults := Defaults{Python: "3.12", Platform: "manylinux_2_35_x86_64"}
	for _, tt := range []struct {
		name  string
		decls []Declaration
		want  []string
	}{
		{"nothing given", nil, []string{"python 3.12 / default", "platform manylinux_2_35_x86_64 / default", "glibc 2.35 / default"}},
		{"glibc given", []Declaration{{GLibc: Flag("--glibc", "2.28")}}, []string{"python 3.12 / default", "platform manylinux_2_28_x86_64 / default", "glibc 2.28 / flag --glibc"}},
		{"image gives both", []Declaration{{BaseImage: Flag("--base-image", "python:3.11.9-slim-bookworm"), Platform: Flag("--platform", "linux_aarch64")}},
			[]string{"python 3.11.9 / base image python:3.11.9-slim-bookworm", "platform manylinux_2_36_aarch64 / flag --platform", "glibc 2.36 / base image python:3.11.9-slim-bookworm"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			target, err := Build(fakeCatalog{}, defaults, tt.decls...)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, v := range []Value{target.Python.Value, target.Platform.Value, target.GLibc.Value} {
				got = append(got, v.Text+" / "+v.Origin.String())
			}
			for i, name := range []string{"python", "platform", "glibc"} {
				got[i] = name + " " + got[i]
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if !target.Python.Version.Equal(pep440.MustParse(target.Python.Text)) || target.Platform.Platform.String() != target.Platform.Text {
				t.Errorf("parsed values %v %v do not match the text", target.Python.Version, target.Platform.Platform)
			}
		})
	}
}

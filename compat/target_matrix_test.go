package compat

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// These tests run the target half against the real matrix data, so the wiring between the
// two halves is exercised; the facts they rely on are sourced rows (H100 is 9.0, Ubuntu
// 24.04 has glibc 2.39, Debian 12 has 2.36, the cudnn images of CUDA 12.8 hold cuDNN 9).

func loadMatrix(t *testing.T) *Matrix {
	t.Helper()
	m, _, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestBuildTargetWithMatrix(t *testing.T) {
	m := loadMatrix(t)
	target, err := BuildTarget(m, Declaration{
		Python:    Flag("--python", "3.11.9"),
		Driver:    Flag("--driver", "550.54.15"),
		GPUs:      FlagGPUs("--gpu", []string{"NVIDIA H100 80GB HBM3", "A100", "sm_90"}),
		BaseImage: Flag("--base-image", "nvcr.io/nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04"),
		Platform:  Flag("--platform", "linux_x86_64"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(target.Notes) != 0 {
		t.Errorf("notes: %q", target.Notes)
	}
	want := TargetFacts{OS: "linux", Machine: "x86_64", Python: "3.11.9", Driver: "550.54.15", CUDA: "12.8.1", Glibc: "2.39", GPUs: []string{"8.0", "9.0"}}
	if diff := cmp.Diff(want, target.Facts()); diff != "" {
		t.Errorf("Facts (-want +got):\n%s", diff)
	}
	vp := map[string]string{}
	for name, v := range target.virtualPackages() {
		vp[name] = v.String()
	}
	wantVP := map[string]string{"@python": "3.11.9", "@driver": "550.54.15", "@cuda": "12.8.1", "@glibc": "2.39", "@gpu:0": "8.0", "@gpu:1": "9.0"}
	if diff := cmp.Diff(wantVP, vp); diff != "" {
		t.Errorf("virtualPackages (-want +got):\n%s", diff)
	}
	if target.Platform.Text != "manylinux_2_39_x86_64" || target.CuDNN.Text != "9" {
		t.Errorf("platform %q, cudnn %q", target.Platform.Text, target.CuDNN.Text)
	}
	// The rules see the target through ForTarget; it must accept what Facts gives.
	if tm := m.ForTarget(target.Facts()); tm == nil {
		t.Fatal("ForTarget returned nil")
	}
}

func TestBuildTargetPythonImageWithMatrix(t *testing.T) {
	target, err := BuildTarget(loadMatrix(t), Declaration{BaseImage: Flag("--base-image", "python:3.12.4-slim-bookworm"), Platform: Flag("--platform", "linux_aarch64")})
	if err != nil {
		t.Fatal(err)
	}
	if target.Python.Text != "3.12.4" || target.GLibc.Text != "2.36" || target.Platform.Text != "manylinux_2_36_aarch64" {
		t.Errorf("python %q glibc %q platform %q; notes %q", target.Python.Text, target.GLibc.Text, target.Platform.Text, target.Notes)
	}
}

func TestDetectWithMatrix(t *testing.T) {
	sys := loadRecorded(t, filepath.Join("testdata", "nvidia-smi", "old-driver.txt"))
	decl, _ := Detect(context.Background(), sys, loadMatrix(t))
	if len(decl.GPUs) == 0 || decl.GPUs[0].Name != "Tesla V100-SXM2-16GB" || decl.GPUs[0].Capability != "7.0" {
		t.Errorf("GPUs %+v, want the V100 first with capability 7.0 from the matrix", decl.GPUs)
	}
}

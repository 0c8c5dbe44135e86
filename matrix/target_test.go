package matrix

import (
	"context"
	"io/fs"
	"os/exec"
	"strings"
	"testing"

	"github.com/depsolve/depsolve/target"
)

// These tests run the target builder against the real matrix data, so the wiring between
// the two packages is exercised; the facts they rely on are sourced rows (H100 is 9.0,
// Ubuntu 24.04 has glibc 2.39, Debian 12 has 2.36, the cudnn images of CUDA 12.8 hold
// cuDNN 9).

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
	tgt, err := target.Build(m.Catalog(), target.Defaults{}, target.Declaration{
		Python:    target.Flag("--python", "3.11.9"),
		Driver:    target.Flag("--driver", "550.54.15"),
		GPUs:      target.FlagGPUs("--gpu", []string{"NVIDIA H100 80GB HBM3", "A100", "sm_90"}),
		BaseImage: target.Flag("--base-image", "nvcr.io/nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04"),
		Platform:  target.Flag("--platform", "linux_x86_64"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(tgt.Notes) != 0 {
		t.Errorf("notes: %q", tgt.Notes)
	}
	if tgt.Platform.Text != "manylinux_2_39_x86_64" || tgt.CuDNN.Text != "9" {
		t.Errorf("platform %q, cudnn %q", tgt.Platform.Text, tgt.CuDNN.Text)
	}
	tm := m.ForTarget(tgt)
	if tm.t != (targetFacts{OS: "linux", Machine: "x86_64"}) {
		t.Errorf("facts %+v", tm.t)
	}
	var got []string
	for _, name := range []string{target.VirtualPython, target.VirtualDriver, target.VirtualCUDA, target.VirtualGlibc} {
		got = append(got, name+" "+tm.virtuals[name].String())
	}
	for i, cc := range tm.gpus {
		got = append(got, target.VirtualGPU(i)+" "+cc.String())
	}
	want := "@python 3.11.9, @driver 550.54.15, @cuda 12.8.1, @glibc 2.39, @gpu:0 8.0, @gpu:1 9.0"
	if strings.Join(got, ", ") != want {
		t.Errorf("virtual packages %s, want %s", strings.Join(got, ", "), want)
	}
}

func TestBuildTargetPythonImageWithMatrix(t *testing.T) {
	tgt, err := target.Build(loadMatrix(t).Catalog(), target.Defaults{}, target.Declaration{BaseImage: target.Flag("--base-image", "python:3.12.4-slim-bookworm"), Platform: target.Flag("--platform", "linux_aarch64")})
	if err != nil {
		t.Fatal(err)
	}
	if tgt.Python.Text != "3.12.4" || tgt.GLibc.Text != "2.36" || tgt.Platform.Text != "manylinux_2_36_aarch64" {
		t.Errorf("python %q glibc %q platform %q; notes %q", tgt.Python.Text, tgt.GLibc.Text, tgt.Platform.Text, tgt.Notes)
	}
}

// oldDriverSystem is a machine with driver 470, whose nvidia-smi predates the compute_cap
// field (target/testdata/nvidia-smi/old-driver.txt has the recording).
type oldDriverSystem struct{}

type exitStatus int

func (e exitStatus) Error() string { return "exit status 2" }
func (e exitStatus) ExitCode() int { return int(e) }

func (oldDriverSystem) Run(_ context.Context, name string, args ...string) ([]byte, []byte, error) {
	switch strings.Join(append([]string{name}, args...), " ") {
	case "nvidia-smi --query-gpu=driver_version,compute_cap,name --format=csv":
		return []byte("Field \"compute_cap\" is not a valid field to query.\n\n"), nil, exitStatus(2)
	case "nvidia-smi --query-gpu=driver_version,name --format=csv":
		return []byte("driver_version, name\n470.182.03, Tesla V100-SXM2-16GB\n470.182.03, Tesla K80\n"), nil, nil
	}
	return nil, nil, &exec.Error{Name: name, Err: exec.ErrNotFound}
}

func (oldDriverSystem) ReadFile(name string) ([]byte, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

func TestDetectWithMatrix(t *testing.T) {
	decl, _ := target.Detect(context.Background(), oldDriverSystem{}, loadMatrix(t).Catalog())
	if len(decl.GPUs) == 0 || decl.GPUs[0].Name != "Tesla V100-SXM2-16GB" || decl.GPUs[0].Capability != "7.0" {
		t.Errorf("GPUs %+v, want the V100 first with capability 7.0 from the matrix", decl.GPUs)
	}
}

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// variantLine is the line of torch's [[variant]] row for versions in data/torch.toml.
func variantLine(t *testing.T, versions string) string {
	t.Helper()
	data, err := os.ReadFile("../../data/torch.toml")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		if l == `versions = "`+versions+`"` && i >= 2 && lines[i-2] == "[[variant]]" {
			return strconv.Itoa(i - 1)
		}
	}
	t.Fatalf("no torch [[variant]] row for %s", versions)
	return ""
}

// The fixture holds covered releases and one of each kind of gap.
func TestGapsOfSnapshot(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"testdata/snapshot.json"}, &stdout, &stderr); code != 1 {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
	want := `nvidia-cuda-runtime 13.4.13: CUDA 13.4 has no verified Table 3 [[toolkit]] row
nvidia-cuda-runtime-cu12 12.7.29: CUDA 12.7 has no verified Table 3 [[toolkit]] row
tensorflow 2.22.0: no [[variant]] row covers this release
torch 2.11.0+cu129: CUDA 12.9 is not among the variants (12.6, 12.8, 13.0) of the [[variant]] row at data/torch.toml:LINE
torch 2.15.0: no [[variant]] row covers this release
torch 2.15.0+cu134: no [[variant]] row covers this release
torchvision 0.30.0: no [[constraint]] pairing it with torch row covers this release
`
	want = strings.Replace(want, "LINE", variantLine(t, "==2.11.*"), 1)
	if stdout.String() != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", stdout.String(), want)
	}
}

func TestCoveredSnapshot(t *testing.T) {
	path := filepath.Join(t.TempDir(), "snapshot.json")
	if err := os.WriteFile(path, []byte(`{"packages": {"torch": {"2.5.1": {}, "2.5.1+cu124": {}}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{path}, &stdout, &stderr); code != 0 || stdout.Len() != 0 {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
}

func TestBadSnapshot(t *testing.T) {
	path := filepath.Join(t.TempDir(), "snapshot.json")
	if err := os.WriteFile(path, []byte(`{"projects": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{path}, &stdout, &stderr); code != 2 || !bytes.Contains(stderr.Bytes(), []byte("no \"packages\" object")) {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

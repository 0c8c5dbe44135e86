package matrix

import "testing"

func TestFamilySuffix(t *testing.T) {
	for _, tc := range []struct {
		name  string
		major int
		ok    bool
	}{
		{"nvidia-cublas-cu12", 12, true},
		{"nvidia-cudnn-cu13", 13, true},
		{"nvidia-cutlass-dsl-libs-cu13", 13, true},
		{"nvidia-cuda-runtime-cu11", 11, true},
		{"nvidia-x-cu12", 12, true},
		{"nvidia--cu12", 0, false},
		{"nvidia---cu12", 12, true}, // [a-z0-9-]+ admits a lone hyphen, as the pattern it replaced did
		{"nvidia-cu12", 0, false},
		{"nvidia-cublas-cu1", 0, false},
		{"nvidia-cublas-cu123", 0, false},
		{"nvidia-cublas-cuab", 0, false},
		{"nvidia-cuBLAS-cu12", 0, false},
		{"nvidia-cublas_x-cu12", 0, false},
		{"nvidia-cublas", 0, false},
		{"torch", 0, false},
		{"cupy-cuda12x", 0, false},
		{"nvidia-cublas-cu12x", 0, false},
	} {
		major, ok := familySuffix(tc.name)
		if major != tc.major || ok != tc.ok {
			t.Errorf("familySuffix(%q) = %d, %v; want %d, %v", tc.name, major, ok, tc.major, tc.ok)
		}
	}
}

func TestLocalBuild(t *testing.T) {
	for seg, want := range map[string]bool{
		"cu118": true, "cu124": true, "cu1300": true,
		"cu12": false, "cu92": false, "cu12345": false, "cu12a": false, "rocm6.2": false, "cpu": false, "": false, "cu": false,
	} {
		if got := localBuild(seg); got != want {
			t.Errorf("localBuild(%q) = %v, want %v", seg, got, want)
		}
	}
}

package engine

import "testing"

// The tag of a read image is found on any registry's nvidia/cuda, less a digest the
// runtime image does not share, and in a layout or a docker save tarball; a reference
// that names no nvidia/cuda tag has none.
func TestCUDATagOf(t *testing.T) {
	for ref, want := range map[string][2]string{
		"nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04":                          {"nvidia/cuda", "12.4.1-cudnn-devel-ubuntu22.04"},
		"registry.corp:5000/mirror/nvidia/cuda:12.4.1-devel-ubuntu22.04":      {"registry.corp:5000/mirror/nvidia/cuda", "12.4.1-devel-ubuntu22.04"},
		"nvidia/cuda:12.4.1-devel-ubuntu22.04@sha256:" + sixtyFourZeros:       {"nvidia/cuda", "12.4.1-devel-ubuntu22.04"},
		"oci:/images/cuda:12.4.1-devel-ubuntu22.04":                           {"oci:/images/cuda", "12.4.1-devel-ubuntu22.04"},
		"docker-archive:cuda.tar:nvidia/cuda:12.4.1-devel-ubuntu22.04":        {"docker-archive:cuda.tar:nvidia/cuda", "12.4.1-devel-ubuntu22.04"},
		"golden/torch:12.4.1-devel-ubuntu22.04":                               {},
		"registry.corp:5000/nvidia/cuda":                                      {},
		"oci:golden":                                                          {},
		"oci:/images/cuda@sha256:" + sixtyFourZeros:                           {},
		"docker-archive:cuda.tar":                                             {},
		"docker-archive:cuda.tar:golden/nvidia-cuda:12.4.1-devel-ubuntu22.04": {},
	} {
		repo, tag, ok := cudaTagOf(ref)
		if got := [2]string{repo, tag}; got != want || ok != (want != [2]string{}) {
			t.Errorf("%s: %q, %q, %v; want %q", ref, repo, tag, ok, want)
		}
	}
}

const sixtyFourZeros = "0000000000000000000000000000000000000000000000000000000000000000"

package target

import "strings"

// CUDAImageOS says whether image is an nvidia/cuda image (any registry: mirrors keep the
// path), and the operating system its tag names ("ubuntu22.04"; "" when the tag names
// none). NVIDIA builds these images without Python: a Dockerfile on one installs it.
func CUDAImageOS(image string) (os string, ok bool) {
	r, err := parseImageReference(image)
	if err != nil || !isCUDAImage(r) {
		return "", false
	}
	if i := strings.LastIndexByte(r.tag, '-'); i >= 0 {
		return r.tag[i+1:], true
	}
	return "", true
}

func isCUDAImage(r imageRef) bool {
	return r.repo == "nvidia/cuda" || strings.HasSuffix(r.repo, "/nvidia/cuda")
}

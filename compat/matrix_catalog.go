package compat

// Matrix is the catalog a target is built with (see buildTarget): GPU names, nvidia/cuda
// tags and operating systems resolve through the matrix data.

func (m *Matrix) gpuCapability(name string) (string, bool) {
	g, ok := m.GPU(name)
	return g.CC, ok
}

func (m *Matrix) gpuNames() []string {
	var out []string
	for _, r := range m.doc.GPU {
		if !r.Advisory {
			out = append(out, r.Name)
			out = append(out, r.Aliases...)
		}
	}
	return out
}

func (m *Matrix) cudaImage(tag string) (imageFacts, bool) {
	img, ok := m.BaseImage(tag)
	if !ok {
		return imageFacts{}, false
	}
	return imageFacts{CUDA: img.CUDA, CuDNN: img.CUDNN, OS: img.OS, GLibc: img.Glibc}, true
}

// osGLibc is the glibc of an operating system as image tags name it ("ubuntu22.04",
// "rockylinux9", "ubi9", "debian12").
func (m *Matrix) osGLibc(os string) (string, bool) {
	o, ok := m.oses[os]
	if !ok || o.Advisory {
		return "", false
	}
	return o.Glibc, true
}

var _ catalog = (*Matrix)(nil)

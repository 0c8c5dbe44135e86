package matrix

import "github.com/depsolve/depsolve/target"

// Catalog is the matrix as the target builder reads it (target.Catalog): GPU names,
// nvidia/cuda tags and operating systems resolve through the matrix data.
func (m *Matrix) Catalog() target.Catalog { return catalog{m} }

type catalog struct{ m *Matrix }

func (c catalog) GPUCapability(name string) (string, bool) {
	g, ok := c.m.GPU(name)
	return g.CC, ok
}

func (c catalog) GPUNames() []string {
	var out []string
	for _, r := range c.m.rows(tablesOf(tableGPU)).GPU {
		if !r.Advisory {
			out = append(out, r.Name)
			out = append(out, r.Aliases...)
		}
	}
	return out
}

func (c catalog) CUDAImage(tag string) (target.ImageFacts, bool) {
	img, ok := c.m.BaseImage(tag)
	if !ok {
		return target.ImageFacts{}, false
	}
	return target.ImageFacts{CUDA: img.CUDA, CuDNN: img.CUDNN, OS: img.OS, GLibc: img.Glibc}, true
}

// OSGlibc is the glibc of an operating system as image tags name it ("ubuntu22.04",
// "rockylinux9", "ubi9", "debian12").
func (c catalog) OSGlibc(os string) (string, bool) {
	o, ok := c.m.images().oses[os]
	if !ok || o.Advisory {
		return "", false
	}
	return o.Glibc, true
}

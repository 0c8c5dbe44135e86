package matrix

import (
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/depsolve/depsolve/pep440"
)

// CUDAFamily is the CUDA major a pin is a build of, by the matrix (a [[build]] row, a
// local label) or by its name and version (NVIDIA's runtime wheels); runtime says it is
// one of NVIDIA's runtime wheels. ok is false for a pin of no CUDA family.
func (tm *TargetMatrix) CUDAFamily(name string, v pep440.Version) (major int, runtime, ok bool) {
	b, ok := tm.cudaBuildOf(name, v)
	if !ok {
		return 0, false, false
	}
	return b.cuda.major, b.runtime, true
}

// wheelLibraries are the CUDA libraries each of NVIDIA's runtime wheels ships, by the
// wheel's name without its -cuNN suffix, named as the flavors' libraries in images.toml
// name them (the shared objects' names without .so): nvidia-cublas-cu12 ships
// nvidia/cublas/lib/libcublas.so.12 and libcublasLt.so.12. A wheel not listed here is
// never taken for a copy of a base image's library.
var wheelLibraries = map[string][]string{
	"nvidia-cublas":       {"libcublas", "libcublasLt"},
	"nvidia-cuda-nvrtc":   {"libnvrtc"},
	"nvidia-cuda-runtime": {"libcudart"},
	"nvidia-cudnn":        {"libcudnn"},
	"nvidia-cufft":        {"libcufft"},
	"nvidia-cufile":       {"libcufile"},
	"nvidia-curand":       {"libcurand"},
	"nvidia-cusolver":     {"libcusolver"},
	"nvidia-cusparse":     {"libcusparse"},
	"nvidia-nccl":         {"libnccl"},
	"nvidia-npp":          {"libnpp"},
	"nvidia-nvjitlink":    {"libnvJitLink"},
	"nvidia-nvjpeg":       {"libnvjpeg"},
	"nvidia-nvtx":         {"libnvToolsExt"},
}

var wheelFamilySuffix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`-cu[0-9]{2}$`) })

// WheelLibraries are the CUDA libraries an NVIDIA runtime wheel (PEP 503 name) ships:
// nvidia-cublas-cu12 and nvidia-cublas both ship libcublas and libcublasLt. nil for any
// other package.
func WheelLibraries(name string) []string {
	return slices.Clone(wheelLibraries[wheelFamilySuffix().ReplaceAllString(name, "")])
}

// LeanestFlavor is the nvidia/cuda flavor that ships the fewest CUDA libraries (base:
// libcudart only), with them: the base that leaves the libraries to the wheels.
func (m *Matrix) LeanestFlavor() (name string, libraries []string, ok bool) {
	flavors := m.rows(tablesOf(tableImageFlavor)).ImageFlavor
	for i := range flavors {
		r := &flavors[i]
		if r.Advisory || r.Libraries == nil {
			continue
		}
		if !ok || len(r.Libraries) < len(libraries) || len(r.Libraries) == len(libraries) && strings.Compare(r.Name, name) < 0 {
			name, libraries, ok = r.Name, r.Libraries, true
		}
	}
	return name, slices.Clone(libraries), ok
}

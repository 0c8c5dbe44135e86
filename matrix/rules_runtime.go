package matrix

import (
	"strconv"
	"strings"

	"github.com/depsolve/depsolve/pep440"
)

// The CUDA family of a build also shows where no curated row names the package: in the
// NVIDIA runtime wheels a solution holds, whichever package pulled them in, and in a
// +cuXYZ local label. These facts need no row of their own: a family's driver floor
// ([[family]] in cuda.toml) applies to every build of that family, so a torch release
// newer than torch.toml, a JAX plugin or CuPy that depends on nvidia-*-cu12 wheels is
// checked like a curated build.

// familySuffix reads the family of a library named in NVIDIA's pip naming for one CUDA
// family, nvidia-NAME-cuNN: nvidia-cublas-cu12, nvidia-cudnn-cu13,
// nvidia-cutlass-dsl-libs-cu13. Plain string tests: it runs for every dependency of every
// release a solve looks at, where a regular expression cost a warm check measurable time.
func familySuffix(name string) (major int, ok bool) {
	rest, found := strings.CutPrefix(name, "nvidia-")
	if !found || len(rest) < len("x-cuNN") {
		return 0, false
	}
	lib, cu := rest[:len(rest)-len("-cuNN")], rest[len(rest)-len("-cuNN"):]
	if lib == "" || !strings.HasPrefix(cu, "-cu") || !allDigits(cu[3:]) ||
		strings.ContainsFunc(lib, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') }) {
		return 0, false
	}
	major, _ = strconv.Atoi(cu[3:])
	return major, true
}

// allDigits is whether s is one or more ASCII digits.
func allDigits(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
}

// unsuffixedRuntime are NVIDIA's CUDA 13 wheels that dropped the -cuNN suffix and whose
// version is the toolkit's (nvidia-cuda-runtime 13.0.96, nvidia-cublas 13.1.0.3), so its
// major is the family; cuda-toolkit is the meta-package that pins them (13.0.2). Unsuffixed
// libraries with versions of their own (nvidia-cufft 12.0 ships with CUDA 13) and packages
// that are not CUDA libraries (nvidia-ml-py, nvidia-cudnn-frontend) are not here.
var unsuffixedRuntime = map[string]bool{
	"cuda-toolkit":        true,
	"nvidia-cublas":       true,
	"nvidia-cuda-cccl":    true,
	"nvidia-cuda-crt":     true,
	"nvidia-cuda-cupti":   true,
	"nvidia-cuda-nvcc":    true,
	"nvidia-cuda-nvrtc":   true,
	"nvidia-cuda-runtime": true,
	"nvidia-nvjitlink":    true,
	"nvidia-nvtx":         true,
	"nvidia-nvvm":         true,
}

// localBuild reads CUDA X.Y from a local label whose first segment is cuXYZ with three or
// four digits (+cu118, +cu124.torch2.6.0, +cu130): two digits are ambiguous (+cu12 is a
// family for some projects, CUDA 9.2 for old torch +cu92), so they place nothing.
func localBuild(seg string) bool {
	digits, ok := strings.CutPrefix(seg, "cu")
	return ok && (len(digits) == 3 || len(digits) == 4) && allDigits(digits)
}

// runtimeBuild is the CUDA family name==v belongs to by name, version or local label, when
// the matrix has that family's row; name is PEP 503-normalized.
func (m *Matrix) runtimeBuild(name string, v pep440.Version) (cudaBuild, bool) {
	var cv cudaVersion
	runtime := true
	major, suffixed := familySuffix(name)
	switch {
	case suffixed:
		cv = cudaVersion{major: major}
	case unsuffixedRuntime[name] && len(v.Release()) > 0:
		cv = cudaVersion{major: v.Release()[0]}
	default:
		seg, _, _ := strings.Cut(v.Local(), ".")
		if !localBuild(seg) {
			return cudaBuild{}, false
		}
		cv, _ = localCUDA(seg, "cu")
		runtime = false
	}
	if m.cuda().families[cv.major] == nil {
		return cudaBuild{}, false
	}
	return cudaBuild{cuda: cv, what: name + " " + v.String(), runtime: runtime}, true
}

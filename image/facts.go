package image

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/depsolve/depsolve/internal/printable"
	"github.com/depsolve/depsolve/pep440"
)

// merge lays the layers' records over each other, bottom first: each layer's
// whiteouts hide what lower layers put there, and its files replace theirs.
func merge(out *Image, layers []*findings) {
	live := map[string]record{} // by kind and path
	for _, f := range layers {
		for _, r := range f.records {
			switch r.kind {
			case kindWhiteout:
				for k, x := range live {
					if x.path == r.path || strings.HasPrefix(x.path, r.path+"/") {
						delete(live, k)
					}
				}
			case kindOpaque:
				for k, x := range live {
					if r.path == "" || strings.HasPrefix(x.path, r.path+"/") {
						delete(live, k)
					}
				}
			}
		}
		for _, r := range f.records {
			switch r.kind {
			case kindWhiteout, kindOpaque, kindUnpacked:
			default:
				live[string(r.kind)+r.path] = r
			}
		}
	}
	for _, r := range live {
		switch r.kind {
		case kindDist:
			v, err := pep440.Parse(r.b)
			if err != nil {
				continue // decoded from a damaged cache entry: the scan checked it
			}
			out.Python = append(out.Python, Dist{Name: r.a, Version: v, Location: shownPath(path.Dir(path.Dir(r.path)))})
		case kindLib:
			out.CUDALibs = append(out.CUDALibs, Lib{Name: r.a, Version: r.b, Path: shownPath(r.path)})
		case kindNote:
			out.Notes = append(out.Notes, r.a)
		}
	}
	slices.SortFunc(out.Python, func(a, b Dist) int {
		return cmpStrings(a.Name, b.Name, a.Location, b.Location)
	})
	slices.SortFunc(out.CUDALibs, func(a, b Lib) int {
		return cmpStrings(a.Name, b.Name, a.Path, b.Path)
	})
	derive(out, live)
}

// unpacked is the bytes of the layer's tar stream; 0 when not recorded.
func (f *findings) unpacked() int64 {
	for _, r := range f.records {
		if r.kind == kindUnpacked {
			n, _ := strconv.ParseInt(r.a, 10, 64)
			return n
		}
	}
	return 0
}

func cmpStrings(a1, b1, a2, b2 string) int {
	if c := strings.Compare(a1, b1); c != 0 {
		return c
	}
	return strings.Compare(a2, b2)
}

// derive sets the image's versions: from its environment where the image's
// authors wrote them down, else from its files.
func derive(out *Image, live map[string]record) {
	out.RequireCUDA = out.Env["NVIDIA_REQUIRE_CUDA"]
	fromEnv := func(names ...string) Fact {
		for _, n := range names {
			if v := out.Env[n]; v != "" {
				// Shown as written where it is no version ("cuDNN 9.1.0.70" in a note).
				return Fact{Value: printable.Escape(v), Source: "env " + n}
			}
		}
		return Fact{}
	}
	out.CUDA = fromEnv("CUDA_VERSION")
	if out.CUDA.Value == "" {
		if l, ok := newestLib(out.CUDALibs, "libcudart"); ok {
			if parts := strings.Split(l.Version, "."); len(parts) >= 2 {
				out.CUDA = Fact{Value: parts[0] + "." + parts[1], Source: l.Path}
			}
		}
	}
	out.CUDNN = fromEnv("NV_CUDNN_VERSION", "CUDNN_VERSION")
	if out.CUDNN.Value == "" {
		if l, ok := newestLib(out.CUDALibs, "libcudnn"); ok && strings.Contains(l.Version, ".") {
			out.CUDNN = Fact{Value: l.Version, Source: l.Path}
		}
	}
	out.PythonVersion = fromEnv("PYTHON_VERSION")
	var pythons, glibcs []record
	for _, r := range live {
		switch r.kind {
		case kindPython:
			pythons = append(pythons, r)
		case kindGlibc:
			glibcs = append(glibcs, r)
		}
	}
	if out.PythonVersion.Value == "" {
		if r, ok := newest(pythons); ok {
			out.PythonVersion = Fact{Value: r.a, Source: "/" + r.path}
			if others := distinct(pythons); len(others) > 1 {
				out.Notes = append(out.Notes, fmt.Sprintf("several Python interpreters (%s); took the newest, %s", strings.Join(others, ", "), r.a))
			}
		}
	}
	if r, ok := newest(glibcs); ok {
		out.Glibc = Fact{Value: r.a, Source: shownPath(r.path)}
	}
}

// newestLib is the library of that name with the highest version, the longest
// written one (12.4.127 over its link 12) among equals.
func newestLib(libs []Lib, name string) (Lib, bool) {
	var best Lib
	var bestV pep440.Version
	found := false
	for _, l := range libs {
		v, err := pep440.Parse(l.Version)
		if l.Name != name || err != nil {
			continue
		}
		c := v.Compare(bestV)
		if !found || c > 0 || c == 0 && len(l.Version) > len(best.Version) {
			best, bestV, found = l, v, true
		}
	}
	return best, found
}

// newest is the record with the highest version in a; ties go to the first path.
func newest(rs []record) (record, bool) {
	var best record
	var bestV pep440.Version
	found := false
	for _, r := range rs {
		v, err := pep440.Parse(r.a)
		if err != nil {
			continue
		}
		c := v.Compare(bestV)
		if !found || c > 0 || c == 0 && r.path < best.path {
			best, bestV, found = r, v, true
		}
	}
	return best, found
}

func distinct(rs []record) []string {
	var out []string
	for _, r := range rs {
		if !slices.Contains(out, r.a) {
			out = append(out, r.a)
		}
	}
	slices.Sort(out)
	return out
}

// shownPath is the path p of a layer's entry as the image's facts show it: absolute,
// its control characters escaped, since whoever built the image chose it and it is
// printed on the terminal (a package's site-packages folder, a library's file).
func shownPath(p string) string { return printable.Escape("/" + p) }

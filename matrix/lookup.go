package matrix

import (
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/depsolve/depsolve/internal/dotted"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/target"
)

// cite is where the row of meta comes from.
func (m *Matrix) cite(meta *rowMeta) Cite {
	c := Cite{File: meta.Pos.File, Line: meta.Pos.Line, Tag: Tag(meta.Tag), Detail: meta.Cite}
	for _, id := range meta.Source {
		c.Sources = append(c.Sources, m.sources()[id])
	}
	return c
}

// GPUModel is what a GPU name resolves to.
type GPUModel struct {
	Name string // the model as the data names it ("H100"), or "sm_90" for an architecture
	CC   string // compute capability, "9.0"
	Arch string // architecture, "Hopper"
	// DataCenter: NVIDIA lists the model among its data center GPUs, the only GPUs
	// (besides select NGC Server Ready RTX SKUs and Jetson) it supports forward
	// compatibility on. An architecture ("sm_90") says nothing about it.
	DataCenter bool
	Cite       Cite // the row that maps the name
}

var smName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^sm_?(\d+)(\d)[af]?$`) })

// GPU resolves a GPU to its compute capability. name may be a model as nvidia-smi prints
// it ("NVIDIA H100 80GB HBM3", "Tesla T4", "NVIDIA GeForce RTX 4090") or as a person
// writes it ("h100", "RTX 4090"): case, spacing and punctuation do not matter, the words
// NVIDIA, GeForce and Tesla are ignored, and the longest model whose words start the name
// wins ("GTX 1080 Ti" over "GTX 1080"; "A100-SXM4-80GB" is an A100). It may also be an
// architecture, "sm_90" or "9.0". Unknown names, and names that only share a prefix with
// two models ("RTX 6000" names a Quadro RTX 6000 or an RTX 6000 Ada), are not found, nor
// are names of two models ("A100,RTX 5090": one GPU of the fleet would go unchecked).
func (m *Matrix) GPU(name string) (GPUModel, bool) {
	s := strings.ToLower(strings.TrimSpace(name))
	if sm := smName().FindStringSubmatch(s); sm != nil {
		return m.archModel(name, sm[1]+"."+sm[2])
	}
	if cc, ok := parseCapability(s); ok && cc.suffix == "" {
		return m.archModel(name, cc.String())
	}
	words := target.GPUNameWords(name)
	for n := len(words); n > 0; n-- {
		if r, ok := m.gpu().gpus[strings.Join(words[:n], " ")]; ok {
			if m.namesAModel(words[n:]) {
				return GPUModel{}, false
			}
			arch := m.gpu().archNames[r.CC]
			return GPUModel{Name: r.Name, CC: r.CC, Arch: arch.Name, DataCenter: r.DataCenter, Cite: m.cite(&r.rowMeta)}, true
		}
	}
	return GPUModel{}, false
}

// namesAModel reports whether words, the rest of a name after its model, hold another
// model's name anywhere.
func (m *Matrix) namesAModel(words []string) bool {
	for i := range words {
		for n := len(words); n > i; n-- {
			if _, ok := m.gpu().gpus[strings.Join(words[i:n], " ")]; ok {
				return true
			}
		}
	}
	return false
}

func (m *Matrix) archModel(name, cc string) (GPUModel, bool) {
	cc = strings.TrimLeft(cc, "0")
	if strings.HasPrefix(cc, ".") {
		cc = "0" + cc
	}
	arch, ok := m.gpu().archNames[cc]
	if !ok || arch.Advisory {
		return GPUModel{}, false
	}
	return GPUModel{Name: strings.TrimSpace(name), CC: cc, Arch: arch.Name, Cite: m.cite(&arch.rowMeta)}, true
}

// BaseImage is what an nvidia/cuda image tag says about the image.
type BaseImage struct {
	Tag    string // "12.4.1-cudnn-runtime-ubuntu22.04"
	CUDA   string // the image's CUDA toolkit, "12.4.1"
	Flavor string // "cudnn-runtime", as the tag writes it; "" if it names none
	CUDNN  string // cuDNN major in the image, "9"; "" for none or unknown
	OS     string // "ubuntu22.04", as the tag writes it; "" if it names none
	Glibc  string // the OS's glibc, "2.35"; "" when the OS is not in the data
	Cites  []Cite // the rows the flavor and OS facts come from
	// Libraries are the CUDA libraries the flavor's images ship ("libcublas"); nil when
	// the flavor is not in the data.
	Libraries []string
	// RuntimeFlavor is, for a devel flavor, the flavor of the same image without the
	// compilers, headers and static libraries ("cudnn-runtime"); "" otherwise.
	RuntimeFlavor string
}

var (
	imageOSName     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z]+[0-9][0-9.]*$`) })
	imageRegistries = []string{"", "docker.io/", "index.docker.io/", "registry-1.docker.io/", "nvcr.io/"}
)

// BaseImage reads an nvidia/cuda image reference: "nvidia/cuda:12.4.1-cudnn-runtime-
// ubuntu22.04", with or without a registry (docker.io, nvcr.io) or digest, or the bare tag.
// The tag is <CUDA version>-<flavor>-<os>; each part is looked up on its own, so a new
// CUDA release needs no new row, and a part the data does not know leaves its facts
// empty (an unknown value constrains nothing). ok is false when ref is not an nvidia/cuda
// tag.
func (m *Matrix) BaseImage(ref string) (BaseImage, bool) {
	ref = strings.TrimSpace(ref)
	if at := strings.IndexByte(ref, '@'); at >= 0 {
		ref = ref[:at]
	}
	tag := ref
	if slash := strings.LastIndexByte(ref, '/'); slash >= 0 || strings.Contains(ref, ":") {
		colon := strings.LastIndexByte(ref, ':')
		if colon <= slash {
			return BaseImage{}, false // a repository without a tag
		}
		repo := ref[:colon]
		known := false
		for _, reg := range imageRegistries {
			if repo == reg+"nvidia/cuda" {
				known = true
			}
		}
		if !known {
			return BaseImage{}, false
		}
		tag = ref[colon+1:]
	}
	parts := strings.Split(tag, "-")
	if !dotted.Numbers(parts[0], 2, 3, 0) {
		return BaseImage{}, false
	}
	img := BaseImage{Tag: tag, CUDA: parts[0]}
	rest := parts[1:]
	if n := len(rest); n > 0 {
		if _, known := m.images().oses[rest[n-1]]; known || (n > 1 && imageOSName().MatchString(rest[n-1])) {
			img.OS, rest = rest[n-1], rest[:n-1]
		}
	}
	img.Flavor = strings.Join(rest, "-")
	cuda := pep440.MustParse(img.CUDA) // two or three dotted numbers
	if f, ok := m.images().flavors[img.Flavor]; ok && !f.row.Advisory {
		img.Cites = append(img.Cites, m.cite(&f.row.rowMeta))
		img.Libraries, img.RuntimeFlavor = f.row.Libraries, f.row.Runtime
		if f.cuda.Contains(cuda) {
			img.CUDNN = f.row.CUDNN
		}
	}
	if o, ok := m.images().oses[img.OS]; ok && !o.Advisory {
		img.Glibc = o.Glibc
		img.Cites = append(img.Cites, m.cite(&o.rowMeta))
	}
	return img, true
}

// CUDARelease is what the matrix knows about a CUDA toolkit version.
type CUDARelease struct {
	Version       string   // as asked, normalized: "12.4.1"
	Release       string   // NVIDIA's name of its Table 3 row, "12.4 Update 1"; "" if not in Table 3
	DriverLinux   string   // Table 3: the driver its full feature set needs; "" if unknown
	DriverWindows string   // Table 3, Windows; "" if unknown or N/A
	FloorLinux    string   // the driver a build of it needs at least (minor-version compatibility)
	FloorWindows  string   // the same on Windows
	Archs         []string // compute capabilities it compiles for
	Advisory      bool     // the Table 3 row is unverified: its drivers are shown, never applied
	Cites         []Cite
}

// CUDA looks up a toolkit version ("12.4.1", "12.4", "13"): its Table 3 drivers, the
// driver floor of a build made with it, and the architectures it compiles for. ok is
// false when the matrix knows neither the release nor its family.
func (m *Matrix) CUDA(version string) (CUDARelease, bool) {
	v, err := pep440.Parse(version)
	if err != nil || v.Local() != "" || v.IsPrerelease() || v.IsPostrelease() || v.Epoch() != 0 {
		return CUDARelease{}, false
	}
	rel := v.Release()
	out := CUDARelease{Version: v.String()}
	var row *toolkit
	for _, t := range m.tk().toolkits {
		if t.version.Equal(v) {
			row = t
		}
	}
	if row == nil && len(rel) > 2 {
		for _, t := range m.tk().toolkits { // releases named by build number: 10.2.89 is the 10.2 row
			if tr := t.version.Release(); len(tr) == 2 && tr[0] == rel[0] && tr[1] == rel[1] {
				row = t
			}
		}
	}
	if row != nil {
		out.Release = row.row.Name
		out.DriverLinux = row.row.DriverLinux
		out.DriverWindows = row.row.DriverWindows
		out.Advisory = row.row.Advisory
		out.Cites = append(out.Cites, m.cite(&row.row.rowMeta))
	}
	cv := cudaVersion{major: rel[0]}
	if len(rel) > 1 {
		cv.minor, cv.hasMinor = rel[1], true
	}
	if floor, ok := m.driverFloor(cv, false); ok {
		out.FloorLinux = floor.driver.Original()
		out.Cites = append(out.Cites, floor.cites...)
	}
	if floor, ok := m.driverFloor(cv, true); ok {
		out.FloorWindows = floor.driver.Original()
	}
	for _, a := range m.tk().tkArchs {
		if !a.row.Advisory && a.toolkits.Contains(v) {
			out.Archs = a.row.SASS
			out.Cites = append(out.Cites, m.cite(&a.row.rowMeta))
			break
		}
	}
	if row == nil && out.FloorLinux == "" {
		return CUDARelease{}, false
	}
	return out, true
}

// driverFloorResult is the least driver a build of some CUDA release needs, and why.
type driverFloorResult struct {
	driver  pep440.Version
	family  bool   // the floor is the family's minor-version-compatibility floor
	release string // the Table 3 release whose driver is the floor, when it is not the family's
	cites   []Cite
}

// driverFloor is the least driver a build of cv runs on: the minor-version-compatibility
// floor of its family (R1, R2), or the Table 3 driver of the first release of its
// major.minor where that is lower (CUDA 11.0 runs on 450.51.05; toolkits before 11 have
// no family floor at all).
func (m *Matrix) driverFloor(cv cudaVersion, windows bool) (driverFloorResult, bool) {
	var res driverFloorResult
	fam := m.cuda().families[cv.major]
	if fam != nil {
		res.driver, res.family = fam.linux, true
		if windows {
			res.driver = fam.windows
		}
		res.cites = []Cite{m.cite(&fam.row.rowMeta)}
	}
	if ga := m.tk().toolkitGA(cv); ga != nil {
		d := &ga.linux
		if windows {
			d = ga.windows
		}
		if d != nil && (fam == nil || d.Compare(res.driver) < 0) {
			res.driver, res.family, res.release = *d, false, ga.row.Name
			res.cites = []Cite{m.cite(&ga.row.rowMeta)}
		}
	}
	if res.cites == nil {
		return driverFloorResult{}, false
	}
	return res, true
}

// table3 is the Table 3 driver of the first release of cv's major.minor, for a build run
// through PTX JIT (R3).
func (m *Matrix) table3(cv cudaVersion, windows bool) (pep440.Version, *toolkit, bool) {
	ga := m.tk().toolkitGA(cv)
	if ga == nil {
		return pep440.Version{}, nil, false
	}
	if windows {
		if ga.windows == nil {
			return pep440.Version{}, nil, false
		}
		return *ga.windows, ga, true
	}
	return ga.linux, ga, true
}

// familyName is "12.x" for the family of CUDA major 12.
func familyName(major int) string { return strconv.Itoa(major) + ".x" }

package matrix

// The rows of the matrix data, one struct per TOML table (data/README.md is the schema).
// The validated rows are also what the cache holds (matrix_codec.go, which, like the TOML
// decoder, reads the fields of the embedded rowMeta in place); compiledFormat names this
// layout in the cache key.

// compiledFormat changes whenever the row structs or their meaning change, so a cache
// written by another build of depsolve is never read as this one's.
const compiledFormat = "depsolve-matrix-v6"

// rowPos is where a row starts (its [[table]] line) and where each of its keys is.
type rowPos struct {
	File string
	Line int
	Keys map[string]int `cache:"-"` // key -> line
}

// keyLine is the line of key in the row, or the row's own line.
func (p rowPos) keyLine(key string) int {
	if l, ok := p.Keys[key]; ok {
		return l
	}
	return p.Line
}

// rowMeta is what every row but a source carries.
type rowMeta struct {
	Tag      string   `toml:"tag"`
	Source   []string `toml:"source"`
	Cite     string   `toml:"cite"`
	Advisory bool     `toml:"advisory"`
	Pos      rowPos   `toml:"-"`
}

type sourceRow struct {
	ID    string `toml:"id"`
	Title string `toml:"title"`
	URL   string `toml:"url"`
	Pos   rowPos `toml:"-"`
}

type familyRow struct {
	Major         int    `toml:"major"`
	DriverLinux   string `toml:"driver_linux"`
	DriverWindows string `toml:"driver_windows"`
	rowMeta
}

type toolkitRow struct {
	Version       string `toml:"version"`
	Name          string `toml:"name"`
	DriverLinux   string `toml:"driver_linux"`
	DriverWindows string `toml:"driver_windows"`
	rowMeta
}

type toolkitArchsRow struct {
	Toolkits string   `toml:"toolkits"`
	SASS     []string `toml:"sass"`
	rowMeta
}

// forwardCompatRow is the driver branches a toolkit release runs on through forward
// compatibility, on data center GPUs.
type forwardCompatRow struct {
	Toolkits string   `toml:"toolkits"`
	Branches []string `toml:"branches"`
	rowMeta
}

type principleRow struct {
	ID   string `toml:"id"`
	Text string `toml:"text"`
	rowMeta
}

type archRow struct {
	CC   string `toml:"cc"`
	Name string `toml:"name"`
	rowMeta
}

type gpuRow struct {
	Name       string   `toml:"name"`
	CC         string   `toml:"cc"`
	Aliases    []string `toml:"aliases"`
	DataCenter bool     `toml:"data_center"`
	rowMeta
}

// gpuDriverRow is the NVIDIA driver GPUs of some compute capabilities need: the first
// driver that supports them, or the last branch that still does.
type gpuDriverRow struct {
	CC            string `toml:"cc"`
	DriverLinux   string `toml:"driver_linux"`
	DriverWindows string `toml:"driver_windows"`
	Reason        string `toml:"reason"`
	rowMeta
}

type flavorRow struct {
	Name  string `toml:"name"`
	CUDNN string `toml:"cudnn"`
	CUDA  string `toml:"cuda"`
	rowMeta
}

type osRow struct {
	Name  string `toml:"name"`
	Glibc string `toml:"glibc"`
	rowMeta
}

type buildRow struct {
	Package  string `toml:"package"`
	Versions string `toml:"versions"`
	Local    string `toml:"local"`
	OS       string `toml:"os"`
	Machine  string `toml:"machine"`
	CUDA     string `toml:"cuda"`
	rowMeta
}

type localCUDARow struct {
	Package string `toml:"package"`
	Prefix  string `toml:"prefix"`
	Digits  string `toml:"digits"`
	rowMeta
}

type archsRow struct {
	Package  string   `toml:"package"`
	Versions string   `toml:"versions"`
	CUDA     []string `toml:"cuda"`
	OS       string   `toml:"os"`
	Machine  string   `toml:"machine"`
	SASS     []string `toml:"sass"`
	PTX      []string `toml:"ptx"`
	rowMeta
}

type gpuFloorRow struct {
	Package  string `toml:"package"`
	Versions string `toml:"versions"`
	CC       string `toml:"cc"`
	Reason   string `toml:"reason"`
	rowMeta
}

type constraintRow struct {
	Package  string `toml:"package"`
	Versions string `toml:"versions"`
	OS       string `toml:"os"`
	Requires string `toml:"requires"`
	Range    string `toml:"range"`
	Forbids  bool   `toml:"forbids"`
	// CUDABuild: the constraint is about the CUDA libraries of package's builds, so it
	// does not hold for a build known to be another kind or on a CPU-only target.
	CUDABuild bool   `toml:"cuda_build"`
	Reason    string `toml:"reason"`
	rowMeta
}

type variantRow struct {
	Package  string   `toml:"package"`
	Versions string   `toml:"versions"`
	Python   string   `toml:"python"`
	CUDA     []string `toml:"cuda"`
	CUDNN    string   `toml:"cudnn"`
	rowMeta
}

type indexRow struct {
	Package string `toml:"package"`
	URL     string `toml:"url"`
	rowMeta
}

type noteRow struct {
	Package  string   `toml:"package"`
	Versions string   `toml:"versions"`
	OS       string   `toml:"os"`
	Machine  string   `toml:"machine"`
	When     []string `toml:"when"`
	Text     string   `toml:"text"`
	rowMeta
}

// document is every row of every file, in file-name order and then file order.
type document struct {
	Source        []sourceRow        `toml:"source"`
	Family        []familyRow        `toml:"family"`
	Toolkit       []toolkitRow       `toml:"toolkit"`
	ToolkitArchs  []toolkitArchsRow  `toml:"toolkit_archs"`
	ForwardCompat []forwardCompatRow `toml:"forward_compat"`
	Principle     []principleRow     `toml:"principle"`
	Arch          []archRow          `toml:"arch"`
	GPU           []gpuRow           `toml:"gpu"`
	GPUDriver     []gpuDriverRow     `toml:"gpu_driver"`
	ImageFlavor   []flavorRow        `toml:"image_flavor"`
	OS            []osRow            `toml:"os"`
	Build         []buildRow         `toml:"build"`
	LocalCUDA     []localCUDARow     `toml:"local_cuda"`
	Archs         []archsRow         `toml:"archs"`
	GPUFloor      []gpuFloorRow      `toml:"gpu_floor"`
	Constraint    []constraintRow    `toml:"constraint"`
	Variant       []variantRow       `toml:"variant"`
	Index         []indexRow         `toml:"index"`
	Note          []noteRow          `toml:"note"`
}

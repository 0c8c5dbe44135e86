package matrix

import (
	"reflect"
	"slices"
	"strings"
	"sync"
)

// The rows of the matrix data, one struct per TOML table (data/README.md is the schema).
// A key tagged required:"" must be given in every row; the keys tagged required:"GROUP"
// with the same GROUP are alternatives, one of which must be given.
// The validated rows are also what the cache holds (codec.go: each row type lists its
// fields there too); compiledFormat names that layout in the cache key.

// compiledFormat changes whenever the row structs or their meaning change, so a cache
// written by another build of depsolve is never read as this one's.
const compiledFormat = "depsolve-matrix-v9"

// rowPos is where a row starts (its [[table]] line) and where each of its keys is.
type rowPos struct {
	File string
	Line int
	Keys map[string]int // key -> line; not in the cached form
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

// citedRow is a row of any table but source: reflection cannot hand out the unexported
// rowMeta it embeds, a promoted method can.
type citedRow interface{ meta() *rowMeta }

func (m *rowMeta) meta() *rowMeta { return m }

type sourceRow struct {
	ID    string `toml:"id"`
	Title string `toml:"title"`
	URL   string `toml:"url"`
	Pos   rowPos `toml:"-"`
}

type familyRow struct {
	Major         int    `toml:"major" required:""`
	DriverLinux   string `toml:"driver_linux" required:""`
	DriverWindows string `toml:"driver_windows"`
	rowMeta
}

type toolkitRow struct {
	Version       string `toml:"version" required:""`
	Name          string `toml:"name" required:""`
	DriverLinux   string `toml:"driver_linux" required:""`
	DriverWindows string `toml:"driver_windows"`
	rowMeta
}

type toolkitArchsRow struct {
	Toolkits string   `toml:"toolkits" required:""`
	SASS     []string `toml:"sass" required:""`
	rowMeta
}

// forwardCompatRow is the driver branches a toolkit release runs on through forward
// compatibility, on data center GPUs.
type forwardCompatRow struct {
	Toolkits string   `toml:"toolkits" required:""`
	Branches []string `toml:"branches" required:""`
	rowMeta
}

type principleRow struct {
	ID   string `toml:"id" required:""`
	Text string `toml:"text" required:""`
	rowMeta
}

type archRow struct {
	CC   string `toml:"cc" required:""`
	Name string `toml:"name" required:""`
	rowMeta
}

type gpuRow struct {
	Name       string   `toml:"name" required:""`
	CC         string   `toml:"cc" required:""`
	Aliases    []string `toml:"aliases"`
	DataCenter bool     `toml:"data_center"`
	rowMeta
}

// gpuDriverRow is the NVIDIA driver GPUs of some compute capabilities need: the first
// driver that supports them, or the last branch that still does.
type gpuDriverRow struct {
	CC            string `toml:"cc" required:""`
	DriverLinux   string `toml:"driver_linux" required:"driver"`
	DriverWindows string `toml:"driver_windows" required:"driver"`
	Reason        string `toml:"reason" required:""`
	rowMeta
}

type flavorRow struct {
	Name      string   `toml:"name" required:""`
	CUDNN     string   `toml:"cudnn"`
	CUDA      string   `toml:"cuda"`
	Libraries []string `toml:"libraries"`
	Runtime   string   `toml:"runtime"`
	rowMeta
}

// fwImageRow is one release of a framework image: NGC's nvcr.io/nvidia/pytorch
// YY.MM-py3, with the CUDA toolkit, Python and framework build it ships.
type fwImageRow struct {
	Image   string `toml:"image" required:""`   // "nvcr.io/nvidia/pytorch"
	Release string `toml:"release" required:""` // "25.12": the tag is RELEASE-py3
	CUDA    string `toml:"cuda" required:""`
	Python  string `toml:"python" required:""`
	Package string `toml:"package" required:""` // the framework it preinstalls: "torch"
	Version string `toml:"version" required:""` // its version, as the image's pip reports it
	rowMeta
}

type osRow struct {
	Name  string `toml:"name" required:""`
	Glibc string `toml:"glibc" required:""`
	rowMeta
}

type buildRow struct {
	Package  string `toml:"package" required:""`
	Versions string `toml:"versions"`
	// Local says which local labels the row is about: "" none (the plain wheel), "*" any,
	// else those whose first segment starts with it ("rocm": +rocm6.2).
	Local   string `toml:"local"`
	OS      string `toml:"os" required:""`
	Machine string `toml:"machine"`
	CUDA    string `toml:"cuda" required:""`
	rowMeta
}

// matchesLocal reports whether the row is about builds with the local label local ("" for
// none).
func (r *buildRow) matchesLocal(local string) bool {
	switch r.Local {
	case "":
		return local == ""
	case "*":
		return true
	}
	first, _, _ := strings.Cut(local, ".")
	return strings.HasPrefix(first, r.Local)
}

type localCUDARow struct {
	Package string `toml:"package" required:""`
	Prefix  string `toml:"prefix" required:""`
	Digits  string `toml:"digits" required:""`
	rowMeta
}

type archsRow struct {
	Package  string   `toml:"package" required:""`
	Versions string   `toml:"versions"`
	CUDA     []string `toml:"cuda" required:""`
	OS       string   `toml:"os" required:""`
	Machine  string   `toml:"machine" required:""`
	SASS     []string `toml:"sass" required:""`
	PTX      []string `toml:"ptx"`
	rowMeta
}

type gpuFloorRow struct {
	Package  string `toml:"package" required:""`
	Versions string `toml:"versions"`
	CC       string `toml:"cc" required:""`
	Reason   string `toml:"reason" required:""`
	rowMeta
}

type constraintRow struct {
	Package  string `toml:"package" required:""`
	Versions string `toml:"versions"`
	OS       string `toml:"os"`
	Requires string `toml:"requires" required:""`
	Range    string `toml:"range"`
	Forbids  bool   `toml:"forbids"`
	// CUDABuild: the constraint is about the CUDA libraries of package's builds, so it
	// does not hold for a build known to be another kind or on a CPU-only target.
	CUDABuild bool   `toml:"cuda_build"`
	Reason    string `toml:"reason" required:""`
	rowMeta
}

type variantRow struct {
	Package  string   `toml:"package" required:""`
	Versions string   `toml:"versions"`
	Python   string   `toml:"python"`
	CUDA     []string `toml:"cuda"`
	CUDNN    string   `toml:"cudnn"`
	rowMeta
}

type indexRow struct {
	Package string `toml:"package" required:""`
	URL     string `toml:"url" required:""`
	rowMeta
}

type noteRow struct {
	Package  string   `toml:"package" required:""`
	Versions string   `toml:"versions"`
	OS       string   `toml:"os"`
	Machine  string   `toml:"machine"`
	When     []string `toml:"when"`
	Text     string   `toml:"text" required:""`
	rowMeta
}

// document is every row of every file, in file-name order and then file order. Each
// field is one table of the schema (tables): adding a table is adding its field here.
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
	FwImage       []fwImageRow       `toml:"framework_image"`
	Build         []buildRow         `toml:"build"`
	LocalCUDA     []localCUDARow     `toml:"local_cuda"`
	Archs         []archsRow         `toml:"archs"`
	GPUFloor      []gpuFloorRow      `toml:"gpu_floor"`
	Constraint    []constraintRow    `toml:"constraint"`
	Variant       []variantRow       `toml:"variant"`
	Index         []indexRow         `toml:"index"`
	Note          []noteRow          `toml:"note"`
}

// table is one [[name]] table of the schema: a field of document, a slice of rows.
type table struct {
	name  string
	field int  // in document
	cited bool // its rows carry a rowMeta: a tag and the sources they rest on
	keys  []requiredKey
}

// requiredKey is a key every row must give, or alternatives one of which it must give
// ("driver_linux or driver_windows"): fields of the row struct.
type requiredKey struct {
	name   string
	fields []int
}

// tables are the tables of document, in its field order, read from the struct tags on
// first use: nothing is built at package init (a warm run that reads the compiled matrix
// from the cache never needs them).
var tables = sync.OnceValue(schemaTables)

func schemaTables() []table {
	doc := reflect.TypeFor[document]()
	out := make([]table, 0, doc.NumField())
	for i := range doc.NumField() {
		row := doc.Field(i).Type.Elem()
		_, cited := row.FieldByName("rowMeta")
		t := table{name: doc.Field(i).Tag.Get("toml"), field: i, cited: cited}
		group := map[string]int{} // a group's index in t.keys
		for j := range row.NumField() {
			f := row.Field(j)
			g, ok := f.Tag.Lookup("required")
			if !ok {
				continue
			}
			if k, seen := group[g]; seen && g != "" {
				t.keys[k].name += " or " + f.Tag.Get("toml")
				t.keys[k].fields = append(t.keys[k].fields, j)
				continue
			}
			if g != "" {
				group[g] = len(t.keys)
			}
			t.keys = append(t.keys, requiredKey{name: f.Tag.Get("toml"), fields: []int{j}})
		}
		slices.SortFunc(t.keys, func(a, b requiredKey) int { return strings.Compare(a.name, b.name) })
		out = append(out, t)
	}
	return out
}

// rows is the slice of the table's rows in d.
func (d *document) rows(t table) reflect.Value { return reflect.ValueOf(d).Elem().Field(t.field) }

// missing lists the required keys row (one of the table's) does not give, by name.
func (t table) missing(row reflect.Value) []string {
	var out []string
	for _, k := range t.keys {
		if !slices.ContainsFunc(k.fields, func(j int) bool { return given(row.Field(j)) }) {
			out = append(out, k.name)
		}
	}
	return out
}

// given reports whether a key's value was written: a count above zero, a list with
// items, any other value but the zero one.
func given(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Int:
		return v.Int() > 0
	case reflect.Slice:
		return v.Len() > 0
	}
	return !v.IsZero()
}

// rowPosOf is where a row (an element of a table's slice) is written.
func rowPosOf(row reflect.Value) *rowPos {
	return row.FieldByName("Pos").Addr().Interface().(*rowPos)
}

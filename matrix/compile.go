package matrix

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/depsolve/depsolve/internal/dotted"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/target"
)

type family struct {
	row     *familyRow
	linux   pep440.Version
	windows pep440.Version // the Windows floor, or the Linux floor's branch where NVIDIA says N/A
}

type toolkit struct {
	row     *toolkitRow
	version pep440.Version
	linux   pep440.Version
	windows *pep440.Version // nil: N/A
}

type toolkitArchs struct {
	row      *toolkitArchsRow
	toolkits pep440.Range
}

// forwardCompat is a [[forward_compat]] row: the toolkit releases it covers and the
// driver branches (535 for R535) they run on through forward compatibility.
type forwardCompat struct {
	row      *forwardCompatRow
	toolkits pep440.Range
	branches []int
}

type flavor struct {
	row  *flavorRow
	cuda pep440.Range
}

// cudaVersion is a CUDA release as a build names it: "12.4", or a bare major "13" when
// only the family is known.
type cudaVersion struct {
	major, minor int
	hasMinor     bool
}

func (c cudaVersion) String() string {
	if !c.hasMinor {
		return strconv.Itoa(c.major)
	}
	return fmt.Sprintf("%d.%d", c.major, c.minor)
}

// packageRows is everything the matrix says about one package.
type packageRows struct {
	builds    []*build
	localCUDA []*localCUDARow
	// archs are compiled on first use from the cache: only a target with GPUs (or an
	// aarch64 one) reads them, and they are the costliest rows to compile.
	archs       func() []*buildArchs
	floors      []*gpuFloor
	constraints []*constraint
	variants    []*variant
	indexes     []*indexRow
	notes       []*note
}

type build struct {
	row      *buildRow
	versions pep440.Range
	cuda     cudaVersion
	cpu      bool // cuda = "cpu": the build has no CUDA code, whatever GPU the target has
}

// cpuBuild is the cuda value of a [[build]] row for a build without CUDA code.
const cpuBuild = "cpu"

var localLabelPrefix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9]*$`) })

type buildArchs struct {
	row      *archsRow
	versions pep440.Range
	cuda     []cudaVersion
	runs     pep440.Range // capabilities that can run the build: SASS or PTX
	sass     pep440.Range // capabilities that run it from SASS, without JIT
}

type gpuFloor struct {
	row      *gpuFloorRow
	versions pep440.Range
	cc       pep440.Range
}

// gpuDriver is a compiled [[gpu_driver]] row: the drivers, per OS, that GPUs of the
// capabilities cc can run on.
type gpuDriver struct {
	row     *gpuDriverRow
	cc      pep440.Range
	linux   pep440.Range
	windows pep440.Range
}

type constraint struct {
	row      *constraintRow
	versions pep440.Range
	requires string
	allowed  pep440.Range
}

type variant struct {
	row      *variantRow
	versions pep440.Range
}

type note struct {
	row      *noteRow
	versions pep440.Range
	when     []noteCondition // all must hold
}

// noteCondition is one entry of a note's when list: "cuda-build", or a virtual package
// with an optional specifier ("@cuda", "@gpu <7.5").
type noteCondition struct {
	cudaBuild bool         // the package version is a CUDA build on the target
	virtual   string       // target.VirtualPython …, or "@gpu" for any of the target's GPUs
	values    pep440.Range // the values of virtual the condition admits
}

// noteVirtuals are the target facts a note condition may name.
var noteVirtuals = []string{target.VirtualPython, target.VirtualDriver, target.VirtualCUDA, target.VirtualGlibc, "@gpu"}

// requiredPrinciples are the principle rows the rules cite by id.
var requiredPrinciples = []string{"sass-binary-compat", "ptx-jit", "table3-full-features", "forward-compat", "companion-cuda-major"}

// virtualPackages are the virtual packages a constraint may restrict.
var virtualPackages = []string{target.VirtualPython, target.VirtualDriver, target.VirtualCUDA, target.VirtualGlibc}

// compile checks the values of a structurally valid document and builds all the lookup
// tables, reporting every error. lines quotes a file's line for error messages; it may
// return "".
func compile(doc *document, hash string, lines func(file string, line int) string) (*Matrix, error) {
	c := newCompiler(lines)
	sources := sourceMap(doc)
	cuda := c.cudaTables(doc)
	tk := c.toolkitTables(doc)
	gpu := c.gpuTables(doc)
	gpuDrivers := c.gpuDrivers(doc)
	images := c.imageTables(doc)
	fwImages := c.frameworkImages(doc)
	packages := c.packages(doc, cuda.families, ready(tk), allPackageRows(doc))
	if err := c.p.err(); err != nil {
		return nil, err
	}
	return &Matrix{hash: hash, doc: doc, rows: func(tableSet) *document { return doc }, machines: sync.OnceValue(func() []string { return verifiedMachines(doc) }),
		sources: ready(sources), cuda: ready(cuda), tk: ready(tk), gpu: ready(gpu), gpuDrivers: ready(gpuDrivers),
		images: ready(images), fwImages: ready(fwImages),
		packages: &packageTable{names: ready(slices.Sorted(maps.Keys(packages))), compiled: packages}}, nil
}

func ready[T any](v T) func() T { return func() T { return v } }

// compileLazily is compile for rows that compiled once already (the cache holds only
// such rows): each part is decoded and built on first use, so a run pays for the parts
// it reads.
func compileLazily(cr *cachedRows, hash string) *Matrix {
	m := &Matrix{hash: hash, machines: ready(cr.machines)}
	fromData := sync.OnceValue(func() *Matrix {
		d, _, err := Load()
		if err != nil {
			return nil
		}
		return d
	})
	m.rows = func(set tableSet) *document {
		doc, ok := cr.tables(set)
		if !ok {
			if d := fromData(); d != nil {
				return d.doc
			}
		}
		return doc
	}
	// shared is the shared tables a part compiles from; a malformed one is an error of
	// the part, which then comes from the data.
	shared := func(c *compiler, set tableSet) *document {
		doc, ok := cr.tables(set)
		if !ok {
			c.p.add(errMatrixCodec)
		}
		return doc
	}
	m.sources = sync.OnceValue(func() map[string]Source { return sourceMap(m.rows(tablesOf(tableSource))) })
	m.cuda = lazyPart(fromData, func(c *compiler) *cudaTables { return c.cudaTables(shared(c, tablesOf(tablePrinciple, tableFamily))) },
		func(d *Matrix) *cudaTables { return d.cuda() })
	m.tk = lazyPart(fromData, func(c *compiler) *toolkitTables {
		return c.toolkitTables(shared(c, tablesOf(tableToolkit, tableToolkitArchs, tableForwardCompat)))
	}, func(d *Matrix) *toolkitTables { return d.tk() })
	m.gpu = lazyPart(fromData, func(c *compiler) *gpuTables { return c.gpuTables(shared(c, tablesOf(tableArch, tableGPU))) },
		func(d *Matrix) *gpuTables { return d.gpu() })
	m.gpuDrivers = lazyPart(fromData, func(c *compiler) []*gpuDriver { return c.gpuDrivers(shared(c, tablesOf(tableGPUDriver))) },
		func(d *Matrix) []*gpuDriver { return d.gpuDrivers() })
	m.images = lazyPart(fromData, func(c *compiler) *imageTables { return c.imageTables(shared(c, tablesOf(tableImageFlavor, tableOS))) },
		func(d *Matrix) *imageTables { return d.images() })
	m.fwImages = lazyPart(fromData, func(c *compiler) map[string]*fwImageRow { return c.frameworkImages(shared(c, tablesOf(tableFwImage))) },
		func(d *Matrix) map[string]*fwImageRow { return d.fwImages() })
	m.packages = &packageTable{
		names:    ready(cr.names),
		compiled: map[string]*packageRows{},
		compile: func(name string) *packageRows {
			doc, ok := cr.packageTables(name)
			sel := allPackageRows(doc)
			archsSel := &packageSelection{archs: sel.archs}
			sel.archs = nil
			// damaged is a malformed section: an error of each part of the package.
			damaged := func(c *compiler) {
				if !ok {
					c.p.add(errMatrixCodec)
				}
			}
			return compiledOr(fromData,
				func(c *compiler) *packageRows {
					damaged(c)
					rows := c.packages(doc, m.cuda().families, m.tk, sel)[name]
					if rows == nil {
						rows = &packageRows{} // a package that only the constraints of others require
					}
					rows.archs = lazyPart(fromData,
						func(c *compiler) []*buildArchs {
							damaged(c)
							if archs := c.packages(doc, nil, nil, archsSel)[name]; archs != nil {
								return archs.archs()
							}
							return nil
						},
						func(d *Matrix) []*buildArchs {
							if rows := d.packageRows(name); rows != nil {
								return rows.archs()
							}
							return nil
						})
					return rows
				},
				func(d *Matrix) *packageRows {
					if rows := d.packageRows(name); rows != nil {
						return rows
					}
					return &packageRows{archs: ready[[]*buildArchs](nil)} // a name only the damaged rows gave
				})
		},
	}
	return m
}

// lazyPart compiles a part of the cached rows on first use (compiledOr).
func lazyPart[T any](fromData func() *Matrix, build func(c *compiler) T, part func(*Matrix) T) func() T {
	return sync.OnceValue(func() T { return compiledOr(fromData, build, part) })
}

// compiledOr compiles a part of the cached rows. Rows that do not compile were damaged
// after LoadCached stored them (it stores only rows that compiled, under a key naming
// the data and this compiler): the part is then the embedded data's. Were that data
// broken too, Load, and so every cold run, would have failed: the part is what
// compiled.
func compiledOr[T any](fromData func() *Matrix, build func(c *compiler) T, part func(*Matrix) T) T {
	c := newCompiler(noLines)
	v := build(c)
	if c.p.err() != nil {
		if d := fromData(); d != nil {
			return part(d)
		}
	}
	return v
}

func newCompiler(lines func(file string, line int) string) *compiler {
	return &compiler{p: &dataProblems{}, lines: lines, ranges: map[string]pep440.Range{}, ccRanges: map[ccInterval]pep440.Range{}}
}

type compiler struct {
	p     *dataProblems
	lines func(file string, line int) string
	// ranges are the specifiers parsed so far: the rows repeat a few hundred distinct
	// ones.
	ranges   map[string]pep440.Range
	ccRanges map[ccInterval]pep440.Range
}

func sourceMap(doc *document) map[string]Source {
	sources := make(map[string]Source, len(doc.Source))
	for _, s := range doc.Source {
		sources[s.ID] = Source{ID: s.ID, Title: s.Title, URL: s.URL}
	}
	return sources
}

func (c *compiler) errorf(pos rowPos, table, key, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if key != "" {
		msg = fmt.Sprintf("[[%s]] %s: %s", table, key, msg)
	} else {
		msg = fmt.Sprintf("[[%s]]: %s", table, msg)
	}
	line := pos.keyLine(key)
	c.p.add(&DataError{File: pos.File, Line: line, Text: c.lines(pos.File, line), Msg: msg})
}

func (c *compiler) version(pos rowPos, table, key, s string) (pep440.Version, bool) {
	v, err := pep440.Parse(s)
	if err != nil {
		c.errorf(pos, table, key, "%v", err)
		return pep440.Version{}, false
	}
	return v, true
}

// specifier parses a specifier set; "" is every version.
func (c *compiler) specifier(pos rowPos, table, key, s string) (pep440.Range, bool) {
	if r, ok := c.ranges[s]; ok {
		return r, true
	}
	set, err := pep440.ParseSpecifierSet(s)
	if err != nil {
		c.errorf(pos, table, key, "%v", err)
		return pep440.Empty(), false
	}
	c.ranges[s] = set.Range()
	return set.Range(), true
}

// cudaVersionFields splits a CUDA version as the data writes it, "12.4" or "13", into
// its numbers; ok is false for any other form. By hand rather than by a regular
// expression: a warm check compiles the matrix, and its hundreds of CUDA versions, on
// every run.
func cudaVersionFields(s string) (major, minor string, ok bool) {
	major, minor, dotted := strings.Cut(s, ".")
	return major, minor, asciiDigits(major) && (!dotted || asciiDigits(minor))
}

// asciiDigits says whether s is one or more of 0-9.
func asciiDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

func (c *compiler) cudaVersion(pos rowPos, table, key, s string, minorRequired bool) (cudaVersion, bool) {
	majorText, minorText, ok := cudaVersionFields(s)
	if !ok || (minorRequired && minorText == "") {
		form := `"12.4" or "13"`
		switch {
		case minorRequired:
			form = `"12.4"`
		case table == "build":
			form = `"12.4", "13" or "cpu" (a CPU-only build)`
		}
		c.errorf(pos, table, key, "%q is not a CUDA version like %s", s, form)
		return cudaVersion{}, false
	}
	major, _ := strconv.Atoi(majorText)
	cv := cudaVersion{major: major}
	if minorText != "" {
		cv.minor, _ = strconv.Atoi(minorText)
		cv.hasMinor = true
	}
	return cv, true
}

// capability is a compute capability as the data writes it: "9.0", or in archs lists
// "9.0a" (arch-specific: that capability only) and "10.0f" (family: same major, same or
// higher minor).
type capability struct {
	major, minor int
	suffix       string
}

// parseCapability reads "9.0", "9.0a" or "10.0f": one minor digit, an optional suffix.
// By hand rather than by a regular expression, as cudaVersionFields.
func parseCapability(s string) (capability, bool) {
	majorText, rest, _ := strings.Cut(s, ".")
	if !asciiDigits(majorText) || rest == "" || !asciiDigits(rest[:1]) {
		return capability{}, false
	}
	suffix := rest[1:]
	if suffix != "" && suffix != "a" && suffix != "f" {
		return capability{}, false
	}
	major, _ := strconv.Atoi(majorText)
	return capability{major: major, minor: int(rest[0] - '0'), suffix: suffix}, true
}

func (cc capability) String() string { return fmt.Sprintf("%d.%d%s", cc.major, cc.minor, cc.suffix) }

// Compute capabilities are discrete (major.minor, one minor digit), so the capabilities a
// build runs on are unions of intervals of tenths: 8.6 is 86. Building the union here,
// before making PEP 440 ranges of it, keeps adjacent majors together: SASS for 8.0 and
// 9.0 is ">=8.0, <10", not two ranges with the pre-releases of 9 between them.
type ccInterval struct{ lo, hi int } // [lo, hi) in tenths; hi 0 means unbounded

func (cc capability) tenths() int { return cc.major*10 + cc.minor }

// sassInterval is the capabilities that run SASS built for cc: the same major with the
// same or a higher minor (principle sass-binary-compat), or cc alone for an arch-specific
// target ("9.0a"). A family target ("10.0f") runs like plain SASS.
func (cc capability) sassInterval() ccInterval {
	if cc.suffix == "a" {
		return ccInterval{cc.tenths(), cc.tenths() + 1}
	}
	return ccInterval{cc.tenths(), (cc.major + 1) * 10}
}

// ptxInterval is the capabilities PTX built for cc JIT-compiles for (principle ptx-jit).
func (cc capability) ptxInterval() ccInterval { return ccInterval{cc.tenths(), 0} }

// ccRange is the PEP 440 range of a union of intervals.
func (c *compiler) ccRange(ivs []ccInterval) pep440.Range {
	slices.SortFunc(ivs, func(a, b ccInterval) int { return a.lo - b.lo })
	var merged []ccInterval
	for _, iv := range ivs {
		if n := len(merged); n > 0 && (merged[n-1].hi == 0 || iv.lo <= merged[n-1].hi) {
			if merged[n-1].hi != 0 && (iv.hi == 0 || iv.hi > merged[n-1].hi) {
				merged[n-1].hi = iv.hi
			}
			continue
		}
		merged = append(merged, iv)
	}
	if len(merged) == 1 {
		return c.ccIntervalRange(merged[0])
	}
	out := pep440.Empty()
	for _, iv := range merged {
		out = out.Union(c.ccIntervalRange(iv))
	}
	return out
}

// ccIntervalRange is the PEP 440 range of one interval; the archs rows repeat a few
// dozen, and a warm check compiles the matrix on every run.
func (c *compiler) ccIntervalRange(iv ccInterval) pep440.Range {
	if r, ok := c.ccRanges[iv]; ok {
		return r
	}
	specs := []pep440.Specifier{mustSpecifier(fmt.Sprintf(">=%d.%d", iv.lo/10, iv.lo%10))}
	if iv.hi != 0 {
		specs = append(specs, mustSpecifier("<"+upperText(iv.hi)))
	}
	r := pep440.NewSpecifierSet(specs...).Range()
	c.ccRanges[iv] = r
	return r
}

// upperText writes an upper bound as a compute capability: 86 as "8.6", 100 as "10.0".
func upperText(t int) string { return fmt.Sprintf("%d.%d", t/10, t%10) }

func mustSpecifier(s string) pep440.Specifier {
	spec, err := pep440.ParseSpecifier(s)
	if err != nil {
		panic(fmt.Sprintf("matrix: building specifier %q: %v", s, err)) // built from parsed numbers: cannot fail
	}
	return spec
}

func (c *compiler) capabilities(pos rowPos, table, key string, list []string, suffixes bool) ([]capability, bool) {
	ok := true
	var ccs []capability
	for _, s := range list {
		cc, good := parseCapability(s)
		if !good || (!suffixes && cc.suffix != "") {
			c.errorf(pos, table, key, "%q is not a compute capability like \"9.0\"", s)
			ok = false
			continue
		}
		ccs = append(ccs, cc)
	}
	return ccs, ok
}

func (c *compiler) cudaTables(doc *document) *cudaTables {
	m := &cudaTables{principles: map[string]*principleRow{}, families: map[int]*family{}}
	for i := range doc.Principle {
		r := &doc.Principle[i]
		if prev, dup := m.principles[r.ID]; dup {
			c.errorf(r.Pos, "principle", "id", "%q already defined at line %d", r.ID, prev.Pos.Line)
		}
		m.principles[r.ID] = r
	}
	for _, id := range requiredPrinciples {
		if p, ok := m.principles[id]; !ok || p.Advisory {
			c.p.add(&DataError{File: "data/cuda.toml", Line: 1, Msg: fmt.Sprintf("[[principle]] %q is required by the rules and missing (or advisory)", id)})
		}
	}
	for i := range doc.Family {
		r := &doc.Family[i]
		if r.Advisory {
			c.errorf(r.Pos, "family", "advisory", "a family floor is a hard constraint; it cannot be advisory")
			continue
		}
		f := &family{row: r}
		var ok bool
		if f.linux, ok = c.version(r.Pos, "family", "driver_linux", r.DriverLinux); !ok {
			continue
		}
		if r.DriverWindows != "" {
			if f.windows, ok = c.version(r.Pos, "family", "driver_windows", r.DriverWindows); !ok {
				continue
			}
		} else {
			// NVIDIA's N/A: R1 states the floor as a driver branch for every OS.
			f.windows = pep440.MustParse(strconv.Itoa(f.linux.Release()[0]))
		}
		if prev, dup := m.families[r.Major]; dup {
			c.errorf(r.Pos, "family", "major", "CUDA %d already defined at line %d", r.Major, prev.row.Pos.Line)
		}
		m.families[r.Major] = f
	}
	return m
}

func (c *compiler) toolkitTables(doc *document) *toolkitTables {
	m := &toolkitTables{}
	for i := range doc.Toolkit {
		r := &doc.Toolkit[i]
		t := &toolkit{row: r}
		var ok bool
		if t.version, ok = c.version(r.Pos, "toolkit", "version", r.Version); !ok {
			continue
		}
		if !dotted.Numbers(r.Version, 2, 3, 0) {
			c.errorf(r.Pos, "toolkit", "version", "%q is not a toolkit release like \"12.4.1\"", r.Version)
			continue
		}
		if t.linux, ok = c.version(r.Pos, "toolkit", "driver_linux", r.DriverLinux); !ok {
			continue
		}
		if r.DriverWindows != "" {
			w, ok := c.version(r.Pos, "toolkit", "driver_windows", r.DriverWindows)
			if !ok {
				continue
			}
			t.windows = &w
		}
		for _, prev := range m.toolkits {
			if prev.version.Equal(t.version) {
				c.errorf(r.Pos, "toolkit", "version", "%s already defined at line %d", r.Version, prev.row.Pos.Line)
			}
		}
		m.toolkits = append(m.toolkits, t)
	}
	for i := range doc.ForwardCompat {
		r := &doc.ForwardCompat[i]
		fc := &forwardCompat{row: r}
		var ok bool
		if fc.toolkits, ok = c.specifier(r.Pos, "forward_compat", "toolkits", r.Toolkits); !ok {
			continue
		}
		for _, b := range r.Branches {
			n, err := strconv.Atoi(b)
			if err != nil || n <= 0 {
				c.errorf(r.Pos, "forward_compat", "branches", "%q is not a driver branch like \"535\"", b)
				ok = false
				continue
			}
			fc.branches = append(fc.branches, n)
		}
		if !ok {
			continue
		}
		for _, prev := range m.forwardCompat {
			if !prev.row.Advisory && !r.Advisory && !prev.toolkits.Disjoint(fc.toolkits) {
				c.errorf(r.Pos, "forward_compat", "toolkits", "overlaps the row at %s:%d", prev.row.Pos.File, prev.row.Pos.Line)
			}
		}
		m.forwardCompat = append(m.forwardCompat, fc)
	}
	for i := range doc.ToolkitArchs {
		r := &doc.ToolkitArchs[i]
		rng, ok := c.specifier(r.Pos, "toolkit_archs", "toolkits", r.Toolkits)
		if _, good := c.capabilities(r.Pos, "toolkit_archs", "sass", r.SASS, false); ok && good {
			m.tkArchs = append(m.tkArchs, &toolkitArchs{row: r, toolkits: rng})
		}
	}
	return m
}

func (c *compiler) gpuTables(doc *document) *gpuTables {
	m := &gpuTables{archNames: map[string]*archRow{}, gpus: map[string]*gpuRow{}}
	for i := range doc.Arch {
		r := &doc.Arch[i]
		cc, ok := parseCapability(r.CC)
		if !ok || cc.suffix != "" {
			c.errorf(r.Pos, "arch", "cc", "%q is not a compute capability like \"9.0\"", r.CC)
			continue
		}
		if prev, dup := m.archNames[r.CC]; dup {
			c.errorf(r.Pos, "arch", "cc", "%s already defined at line %d", r.CC, prev.Pos.Line)
		}
		m.archNames[r.CC] = r
	}
	for i := range doc.GPU {
		r := &doc.GPU[i]
		if _, ok := m.archNames[r.CC]; !ok {
			c.errorf(r.Pos, "gpu", "cc", "%q is not a compute capability of an [[arch]] row", r.CC)
			continue
		}
		if r.Advisory {
			continue // shown by Describe, never a lookup result
		}
		for _, name := range append([]string{r.Name}, r.Aliases...) {
			key := strings.Join(target.GPUNameWords(name), " ")
			if key == "" {
				c.errorf(r.Pos, "gpu", "name", "%q has no words left once NVIDIA, GeForce and Tesla are dropped", name)
				continue
			}
			if prev, dup := m.gpus[key]; dup {
				c.errorf(r.Pos, "gpu", "name", "%q reads the same as %q at line %d", name, prev.Name, prev.Pos.Line)
				continue
			}
			m.gpus[key] = r
		}
	}
	return m
}

func (c *compiler) gpuDrivers(doc *document) []*gpuDriver {
	var out []*gpuDriver
	for i := range doc.GPUDriver {
		r := &doc.GPUDriver[i]
		cc, cok := c.specifier(r.Pos, "gpu_driver", "cc", r.CC)
		linux, lok := c.specifier(r.Pos, "gpu_driver", "driver_linux", r.DriverLinux)
		windows, wok := c.specifier(r.Pos, "gpu_driver", "driver_windows", r.DriverWindows)
		if cok && lok && wok {
			out = append(out, &gpuDriver{row: r, cc: cc, linux: linux, windows: windows})
		}
	}
	return out
}

func (c *compiler) imageTables(doc *document) *imageTables {
	m := &imageTables{flavors: map[string]*flavor{}, oses: map[string]*osRow{}}
	for i := range doc.ImageFlavor {
		r := &doc.ImageFlavor[i]
		rng, ok := c.specifier(r.Pos, "image_flavor", "cuda", r.CUDA)
		if !ok {
			continue
		}
		if r.CUDNN != "" {
			if _, err := strconv.Atoi(r.CUDNN); err != nil {
				c.errorf(r.Pos, "image_flavor", "cudnn", "%q is not a cuDNN major version", r.CUDNN)
				continue
			}
		}
		if _, dup := m.flavors[r.Name]; dup {
			c.errorf(r.Pos, "image_flavor", "name", "%q already defined", r.Name)
		}
		m.flavors[r.Name] = &flavor{row: r, cuda: rng}
	}
	for i := range doc.ImageFlavor {
		r := &doc.ImageFlavor[i]
		if f, ok := m.flavors[r.Runtime]; r.Runtime != "" && (!ok || f.row.Runtime != "") {
			c.errorf(r.Pos, "image_flavor", "runtime", "%q is not a flavor without compilers (one with no runtime key of its own)", r.Runtime)
		}
		for _, lib := range r.Libraries {
			if !strings.HasPrefix(lib, "lib") || strings.ContainsAny(lib, " ./") {
				c.errorf(r.Pos, "image_flavor", "libraries", "%q is not a library name such as libcublas", lib)
			}
		}
	}
	for i := range doc.OS {
		r := &doc.OS[i]
		if _, ok := c.version(r.Pos, "os", "glibc", r.Glibc); !ok {
			continue
		}
		if _, dup := m.oses[r.Name]; dup {
			c.errorf(r.Pos, "os", "name", "%q already defined", r.Name)
		}
		m.oses[r.Name] = r
	}
	return m
}

// packageTables are the package rows being compiled, by name.
type packageTables struct {
	families map[int]*family
	toolkits func() *toolkitTables // only a build of a CUDA without a family reads them
	byName   map[string]*packageRows
	archs    map[string][]*buildArchs // packageRows.archs, once compiled
}

func (t *packageTables) pkg(name string) *packageRows {
	p := t.byName[name]
	if p == nil {
		p = &packageRows{}
		t.byName[name] = p
	}
	return p
}

// packageSelection is rows about packages, as indices into their tables.
type packageSelection struct {
	build, localCUDA, archs, gpuFloor, constraint, variant, index, note []int
}

// allPackageRows selects every row about a package.
func allPackageRows(doc *document) *packageSelection {
	return &packageSelection{
		build: indices(len(doc.Build)), localCUDA: indices(len(doc.LocalCUDA)), archs: indices(len(doc.Archs)),
		gpuFloor: indices(len(doc.GPUFloor)), constraint: indices(len(doc.Constraint)), variant: indices(len(doc.Variant)),
		index: indices(len(doc.Index)), note: indices(len(doc.Note)),
	}
}

func indices(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// packageDocuments are the rows of doc about each package, each package's in a document
// of its own, in table order; a package only the constraints of others require has an
// empty one. Names are normalized as compile normalizes them.
func packageDocuments(doc *document) map[string]*document {
	docs := map[string]*document{}
	of := func(pkg string) *document {
		name := pep508.NormalizeName(pkg)
		d := docs[name]
		if d == nil {
			d = &document{}
			docs[name] = d
		}
		return d
	}
	for _, r := range doc.Build {
		d := of(r.Package)
		d.Build = append(d.Build, r)
	}
	for _, r := range doc.LocalCUDA {
		d := of(r.Package)
		d.LocalCUDA = append(d.LocalCUDA, r)
	}
	for _, r := range doc.Archs {
		d := of(r.Package)
		d.Archs = append(d.Archs, r)
	}
	for _, r := range doc.GPUFloor {
		d := of(r.Package)
		d.GPUFloor = append(d.GPUFloor, r)
	}
	for _, r := range doc.Constraint {
		d := of(r.Package)
		d.Constraint = append(d.Constraint, r)
	}
	for _, r := range doc.Variant {
		d := of(r.Package)
		d.Variant = append(d.Variant, r)
	}
	for _, r := range doc.Index {
		d := of(r.Package)
		d.Index = append(d.Index, r)
	}
	for _, r := range doc.Note {
		d := of(r.Package)
		d.Note = append(d.Note, r)
	}
	for _, r := range doc.Constraint {
		if !strings.HasPrefix(r.Requires, "@") {
			of(r.Requires)
		}
	}
	return docs
}

var (
	knownOS       = []string{"linux", "windows", "darwin"}
	knownMachines = []string{"x86_64", "aarch64"}
)

func (c *compiler) packageName(pos rowPos, table, key, name string) (string, bool) {
	if name == "" || strings.ContainsAny(name, " \t=<>!~;[]@") {
		c.errorf(pos, table, key, "%q is not a package name", name)
		return "", false
	}
	return pep508.NormalizeName(name), true
}

// packages compiles the selected package rows, in table order.
func (c *compiler) packages(doc *document, families map[int]*family, toolkits func() *toolkitTables, sel *packageSelection) map[string]*packageRows {
	m := &packageTables{families: families, toolkits: toolkits, byName: map[string]*packageRows{}, archs: map[string][]*buildArchs{}}
	for _, i := range sel.build {
		c.build(m, &doc.Build[i])
	}
	for _, i := range sel.localCUDA {
		r := &doc.LocalCUDA[i]
		name, ok := c.packageName(r.Pos, "local_cuda", "package", r.Package)
		if !ok {
			continue
		}
		if r.Digits != "major_minor" {
			c.errorf(r.Pos, "local_cuda", "digits", "%q: the only form is \"major_minor\" (cu124 is 12.4)", r.Digits)
			continue
		}
		m.pkg(name).localCUDA = append(m.pkg(name).localCUDA, r)
	}
	for _, i := range sel.archs {
		c.archs(m, &doc.Archs[i])
	}
	for _, i := range sel.gpuFloor {
		r := &doc.GPUFloor[i]
		name, ok := c.packageName(r.Pos, "gpu_floor", "package", r.Package)
		versions, vok := c.specifier(r.Pos, "gpu_floor", "versions", r.Versions)
		cc, cok := c.specifier(r.Pos, "gpu_floor", "cc", r.CC)
		if ok && vok && cok {
			m.pkg(name).floors = append(m.pkg(name).floors, &gpuFloor{row: r, versions: versions, cc: cc})
		}
	}
	for _, i := range sel.constraint {
		c.constraint(m, &doc.Constraint[i])
	}
	for _, i := range sel.variant {
		r := &doc.Variant[i]
		name, ok := c.packageName(r.Pos, "variant", "package", r.Package)
		versions, vok := c.specifier(r.Pos, "variant", "versions", r.Versions)
		cok := true
		for _, s := range r.CUDA {
			_, good := c.cudaVersion(r.Pos, "variant", "cuda", s, true)
			cok = cok && good
		}
		if ok && vok && cok {
			m.pkg(name).variants = append(m.pkg(name).variants, &variant{row: r, versions: versions})
		}
	}
	for _, i := range sel.index {
		r := &doc.Index[i]
		name, ok := c.packageName(r.Pos, "index", "package", r.Package)
		if ok && !strings.Contains(r.URL, "{variant}") {
			c.errorf(r.Pos, "index", "url", "%q has no {variant} placeholder", r.URL)
			continue
		}
		if ok {
			m.pkg(name).indexes = append(m.pkg(name).indexes, r)
		}
	}
	for _, i := range sel.note {
		c.note(m, &doc.Note[i])
	}
	for name, p := range m.byName {
		p.archs = ready(m.archs[name])
	}
	return m.byName
}

func (c *compiler) note(m *packageTables, r *noteRow) {
	name, ok := c.packageName(r.Pos, "note", "package", r.Package)
	versions, vok := c.specifier(r.Pos, "note", "versions", r.Versions)
	if !ok || !vok {
		return
	}
	if r.OS != "" && !slices.Contains(knownOS, r.OS) {
		c.errorf(r.Pos, "note", "os", "%q is not one of %s", r.OS, strings.Join(knownOS, ", "))
		return
	}
	if r.Machine != "" && !slices.Contains(knownMachines, r.Machine) {
		c.errorf(r.Pos, "note", "machine", "%q is not one of %s", r.Machine, strings.Join(knownMachines, ", "))
		return
	}
	n := &note{row: r, versions: versions}
	for _, text := range r.When {
		cond, ok := c.noteCondition(r.Pos, text)
		if !ok {
			return
		}
		n.when = append(n.when, cond)
	}
	m.pkg(name).notes = append(m.pkg(name).notes, n)
}

// noteCondition reads "cuda-build", "@cuda", "@gpu <7.5": a virtual package and an
// optional specifier, separated by a space.
func (c *compiler) noteCondition(pos rowPos, text string) (noteCondition, bool) {
	if text == "cuda-build" {
		return noteCondition{cudaBuild: true}, true
	}
	virtual, spec, _ := strings.Cut(text, " ")
	if !slices.Contains(noteVirtuals, virtual) {
		c.errorf(pos, "note", "when", "%q: a condition is \"cuda-build\" or one of %s, optionally followed by a space and a specifier (\"@gpu <7.5\")",
			text, strings.Join(noteVirtuals, ", "))
		return noteCondition{}, false
	}
	values, ok := c.specifier(pos, "note", "when", strings.TrimSpace(spec))
	if !ok {
		return noteCondition{}, false
	}
	return noteCondition{virtual: virtual, values: values}, true
}

func (c *compiler) build(m *packageTables, r *buildRow) {
	name, ok := c.packageName(r.Pos, "build", "package", r.Package)
	if !ok {
		return
	}
	versions, ok := c.specifier(r.Pos, "build", "versions", r.Versions)
	if !ok {
		return
	}
	if r.Local != "" && r.Local != "*" && !localLabelPrefix().MatchString(r.Local) {
		c.errorf(r.Pos, "build", "local", "%q: use \"\" (versions without a local label), \"*\" (any), or the start of a label's first segment in lower case (\"cpu\", \"rocm\")", r.Local)
		return
	}
	if !slices.Contains(knownOS, r.OS) {
		c.errorf(r.Pos, "build", "os", "%q is not one of %s", r.OS, strings.Join(knownOS, ", "))
		return
	}
	if r.Machine != "" && !slices.Contains(knownMachines, r.Machine) {
		c.errorf(r.Pos, "build", "machine", "%q is not one of %s", r.Machine, strings.Join(knownMachines, ", "))
		return
	}
	b := &build{row: r, versions: versions, cpu: r.CUDA == cpuBuild}
	if !b.cpu {
		cv, ok := c.cudaVersion(r.Pos, "build", "cuda", r.CUDA, false)
		if !ok {
			return
		}
		if _, ok := m.families[cv.major]; !ok && !r.Advisory {
			if !cv.hasMinor || m.toolkits().toolkitGA(cv) == nil {
				c.errorf(r.Pos, "build", "cuda", "CUDA %s has neither a [[family]] floor nor a [[toolkit]] row: its driver floor is unknown", cv)
				return
			}
		}
		b.cuda = cv
	}
	p := m.pkg(name)
	if !r.Advisory {
		for _, prev := range p.builds {
			if prev.row.Advisory || prev.row.OS != r.OS || prev.row.Local != r.Local {
				continue
			}
			if prev.row.Machine != "" && r.Machine != "" && prev.row.Machine != r.Machine {
				continue
			}
			if !prev.versions.Disjoint(versions) {
				c.errorf(r.Pos, "build", "versions", "overlaps the row at %s:%d", prev.row.Pos.File, prev.row.Pos.Line)
				return
			}
		}
	}
	p.builds = append(p.builds, b)
}

func (c *compiler) archs(m *packageTables, r *archsRow) {
	name, ok := c.packageName(r.Pos, "archs", "package", r.Package)
	if !ok {
		return
	}
	versions, ok := c.specifier(r.Pos, "archs", "versions", r.Versions)
	if !ok {
		return
	}
	if !slices.Contains(knownOS, r.OS) {
		c.errorf(r.Pos, "archs", "os", "%q is not one of %s", r.OS, strings.Join(knownOS, ", "))
		return
	}
	if !slices.Contains(knownMachines, r.Machine) {
		c.errorf(r.Pos, "archs", "machine", "%q is not one of %s", r.Machine, strings.Join(knownMachines, ", "))
		return
	}
	a := &buildArchs{row: r, versions: versions}
	for _, s := range r.CUDA {
		cv, ok := c.cudaVersion(r.Pos, "archs", "cuda", s, true)
		if !ok {
			return
		}
		a.cuda = append(a.cuda, cv)
	}
	sass, ok := c.capabilities(r.Pos, "archs", "sass", r.SASS, true)
	if !ok {
		return
	}
	ptx, ok := c.capabilities(r.Pos, "archs", "ptx", r.PTX, true)
	if !ok {
		return
	}
	var sassIvs, runIvs []ccInterval
	for _, cc := range sass {
		sassIvs = append(sassIvs, cc.sassInterval())
	}
	runIvs = slices.Clone(sassIvs)
	for _, cc := range ptx {
		runIvs = append(runIvs, cc.ptxInterval())
	}
	a.sass, a.runs = c.ccRange(sassIvs), c.ccRange(runIvs)
	m.pkg(name)
	if !r.Advisory {
		for _, prev := range m.archs[name] {
			if prev.row.Advisory || prev.row.OS != r.OS || prev.row.Machine != r.Machine || prev.versions.Disjoint(versions) {
				continue
			}
			for _, cv := range a.cuda {
				if slices.Contains(prev.cuda, cv) {
					c.errorf(r.Pos, "archs", "cuda", "CUDA %s overlaps the row at %s:%d", cv, prev.row.Pos.File, prev.row.Pos.Line)
					return
				}
			}
		}
	}
	m.archs[name] = append(m.archs[name], a)
}

func (c *compiler) constraint(m *packageTables, r *constraintRow) {
	name, ok := c.packageName(r.Pos, "constraint", "package", r.Package)
	if !ok {
		return
	}
	versions, ok := c.specifier(r.Pos, "constraint", "versions", r.Versions)
	if !ok {
		return
	}
	if r.OS != "" && !slices.Contains(knownOS, r.OS) {
		c.errorf(r.Pos, "constraint", "os", "%q is not one of %s", r.OS, strings.Join(knownOS, ", "))
		return
	}
	requires := r.Requires
	if strings.HasPrefix(requires, "@") {
		if !slices.Contains(virtualPackages, requires) {
			c.errorf(r.Pos, "constraint", "requires", "%q is not a virtual package (%s)", requires, strings.Join(virtualPackages, ", "))
			return
		}
	} else if requires, ok = c.packageName(r.Pos, "constraint", "requires", r.Requires); !ok {
		return
	}
	var allowed pep440.Range
	switch {
	case r.Forbids && r.Range != "":
		c.errorf(r.Pos, "constraint", "forbids", "give range or forbids = true, not both")
		return
	case r.Forbids:
		allowed = pep440.Empty()
	case r.Range == "":
		c.errorf(r.Pos, "constraint", "", "missing required key \"range\" (or forbids = true)")
		return
	default:
		if allowed, ok = c.specifier(r.Pos, "constraint", "range", r.Range); !ok {
			return
		}
	}
	con := &constraint{row: r, versions: versions, requires: requires, allowed: allowed}
	m.pkg(name).constraints = append(m.pkg(name).constraints, con)
	if !strings.HasPrefix(requires, "@") {
		m.pkg(requires) // a package only ever required is one of the matrix's too
	}
}

// toolkitGA is the verified Table 3 row of the first release of cv's major.minor (12.4 ->
// 12.4.0 GA; 11.0 -> 11.0.2 GA; 10.2 -> the 10.2 row), or nil.
func (m *toolkitTables) toolkitGA(cv cudaVersion) *toolkit {
	if !cv.hasMinor {
		return nil
	}
	var first *toolkit
	for _, t := range m.toolkits {
		rel := t.version.Release()
		if t.row.Advisory || len(rel) < 2 || rel[0] != cv.major || rel[1] != cv.minor {
			continue
		}
		if first == nil || t.version.Compare(first.version) < 0 {
			first = t
		}
	}
	return first
}

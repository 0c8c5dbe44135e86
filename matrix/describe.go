package matrix

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/depsolve/depsolve/input"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/resolver"
	"github.com/depsolve/depsolve/target"
)

// Row is one fact of the matrix as `depsolve matrix` shows it.
type Row struct {
	Table    string  // the data table ("build", "archs" …) or a derived view ("cuda-variant")
	Package  string  // the package the row is about ("torch", "@driver")
	Versions string  // the versions it applies to, as a specifier ("" = all)
	Fields   []Field // what it says, in display order
	Advisory bool    // unverified or otherwise only a warning: never a constraint
	Cites    []Cite  // the rows it comes from, with their tags and details
	// Citations are the same data rows as explanations cite them, each once, numbered
	// in order of first use across the rows Describe returned and sorted by number:
	// the row prints "[1][2]", and Sources(rows) lists each number once.
	Citations []resolver.Citation
}

// Sources are the data rows that rows cite, each once, in the order of their numbers:
// the "Sources:" block after `depsolve matrix` (resolver.SourcesText renders it as
// explanations do).
func Sources(rows []Row) []resolver.Citation {
	var out []resolver.Citation
	seen := map[int]bool{}
	for _, r := range rows {
		for _, c := range r.Citations {
			if !seen[c.Number] {
				seen[c.Number] = true
				out = append(out, c)
			}
		}
	}
	slices.SortFunc(out, func(a, b resolver.Citation) int { return a.Number - b.Number })
	return out
}

// numberCitations sets each row's Citations: its Cites as resolver citations, numbered
// in order of first use.
func numberCitations(rows []Row) []Row {
	numbers := map[input.Position]int{}
	for i := range rows {
		cs := citationsOf(rows[i].Cites)
		for k := range cs {
			n, ok := numbers[cs[k].Row]
			if !ok {
				n = len(numbers) + 1
				numbers[cs[k].Row] = n
			}
			cs[k].Number = n
		}
		slices.SortFunc(cs, func(a, b resolver.Citation) int { return a.Number - b.Number })
		rows[i].Citations = cs
	}
	return rows
}

// Field is one key/value of a Row.
type Field struct {
	Key, Value string
}

// Describe lists what the matrix says about a package, for `depsolve matrix PKG[==VER]`:
// its variants (CUDA, index, driver floors), the CUDA of its builds, the GPU
// architectures compiled in, GPU floors, its constraints and those of other packages on
// it, and notes, each with its sources. With v, only the rows that apply to v. name may
// also be "@driver" or "@cuda" (driver floors, Table 3, architectures per toolkit), "@gpu"
// (architectures and GPU models) or "@glibc" (operating systems, image flavors); "" lists
// every package. The result is deterministic: tables in a fixed order, rows in data order,
// citations numbered in order of first use.
func (m *Matrix) Describe(name string, v *pep440.Version) []Row {
	return numberCitations(m.describe(name, v))
}

func (m *Matrix) describe(name string, v *pep440.Version) []Row {
	switch name {
	case target.VirtualDriver, target.VirtualCUDA:
		return m.describeCUDA(name, v)
	case "@gpu":
		return m.describeGPUs(v)
	case target.VirtualGlibc:
		return m.describeImages(v)
	case "":
		var out []Row
		for _, pkg := range m.packageNames() {
			out = append(out, m.describePackage(pkg, v)...)
		}
		return out
	}
	return m.describePackage(pep508.NormalizeName(name), v)
}

func (m *Matrix) describePackage(name string, v *pep440.Version) []Row {
	p := m.packageRows(name)
	if p == nil {
		return nil
	}
	applies := func(r pep440.Range) bool { return v == nil || r.Contains(v.Public()) }
	var out []Row
	row := func(table, versions string, meta *rowMeta, fields ...Field) Row {
		return Row{Table: table, Package: name, Versions: versions, Fields: fields, Advisory: meta.Advisory, Cites: []Cite{m.cite(meta)}}
	}
	for _, va := range p.variants {
		if !applies(va.versions) {
			continue
		}
		r := va.row
		out = append(out, row("variant", r.Versions, &r.rowMeta,
			Field{"python", r.Python}, Field{"cuda", strings.Join(r.CUDA, ", ")}, Field{"cudnn", r.CUDNN}))
		for _, s := range r.CUDA {
			out = append(out, m.cudaVariant(name, p, va, s))
		}
	}
	for _, b := range p.builds {
		if !applies(b.versions) {
			continue
		}
		r := b.row
		local := "none"
		switch r.Local {
		case "":
		case "*":
			local = "any"
		default:
			local = "+" + r.Local + "…"
		}
		machine := r.Machine
		if machine == "" {
			machine = "any"
		}
		cuda := buildName(b.cuda)
		switch {
		case b.cpu && r.Local == "":
			cuda = "none (CPU only)"
		case b.cpu:
			cuda = "none (no CUDA code)"
		}
		built := row("build", r.Versions, &r.rowMeta,
			Field{"local label", local}, Field{"os", r.OS}, Field{"machine", machine}, Field{"cuda", cuda})
		if floor, ok := m.driverFloor(b.cuda, r.OS == "windows"); ok && !r.Advisory && !b.cpu {
			built.Fields = append(built.Fields, Field{"driver", ">=" + floor.driver.Original()})
			built.Cites = append(built.Cites, floor.cites...)
		}
		out = append(out, built)
	}
	for _, lc := range p.localCUDA {
		out = append(out, row("local_cuda", "", &lc.rowMeta,
			Field{"label", lc.Prefix + "<major><minor>"}, Field{"example", lc.Prefix + "124 = CUDA 12.4"}))
	}
	for _, a := range p.archs() {
		if !applies(a.versions) {
			continue
		}
		r := a.row
		ptx := strings.Join(r.PTX, ", ")
		if ptx == "" {
			ptx = "none"
		}
		out = append(out, row("archs", r.Versions, &r.rowMeta,
			Field{"cuda", strings.Join(r.CUDA, ", ")}, Field{"os", r.OS}, Field{"machine", r.Machine},
			Field{"sass", strings.Join(r.SASS, ", ")}, Field{"ptx", ptx}, Field{"runs on", a.runs.String()}))
	}
	for _, f := range p.floors {
		if applies(f.versions) {
			out = append(out, row("gpu_floor", f.row.Versions, &f.row.rowMeta,
				Field{"compute capability", f.cc.String()}, Field{"reason", f.row.Reason}))
		}
	}
	for _, c := range p.constraints {
		if applies(c.versions) {
			out = append(out, describeConstraint(name, c, m))
		}
	}
	for _, c := range m.constraintsOn(name) { // with v: the versions of other packages that pair with it
		if v == nil || c.allowed.Contains(*v) {
			out = append(out, describeConstraint(pep508.NormalizeName(c.row.Package), c, m))
		}
	}
	for _, n := range p.notes {
		if !applies(n.versions) {
			continue
		}
		var fields []Field
		for _, f := range []Field{{"os", n.row.OS}, {"machine", n.row.Machine}, {"when", strings.Join(n.row.When, ", ")}} {
			if f.Value != "" {
				fields = append(fields, f)
			}
		}
		out = append(out, row("note", n.row.Versions, &n.row.rowMeta, append(fields, Field{"text", n.row.Text})...))
	}
	return out
}

func describeConstraint(pkg string, c *constraint, m *Matrix) Row {
	r := c.row
	allowed := c.allowed.String()
	if r.Forbids {
		allowed = "not installed"
	}
	fields := []Field{{"requires", c.requires}, {"range", allowed}}
	if r.OS != "" {
		fields = append(fields, Field{"os", r.OS})
	}
	if r.CUDABuild {
		fields = append(fields, Field{"applies to", "CUDA builds on a target with a GPU"})
	}
	fields = append(fields, Field{"reason", r.Reason})
	return Row{Table: "constraint", Package: pkg, Versions: r.Versions, Fields: fields, Advisory: r.Advisory, Cites: []Cite{m.cite(&r.rowMeta)}}
}

// cudaVariant is the derived view of one CUDA variant of a release: its local label,
// index and driver floors.
func (m *Matrix) cudaVariant(name string, p *packageRows, va *variant, cuda string) Row {
	out := Row{Table: "cuda-variant", Package: name, Versions: va.row.Versions, Advisory: va.row.Advisory, Cites: []Cite{m.cite(&va.row.rowMeta)}}
	label := cudaLabel(cuda)
	out.Fields = append(out.Fields, Field{"cuda", cuda})
	if len(p.localCUDA) > 0 {
		out.Fields = append(out.Fields, Field{"local label", "+" + label})
	}
	if ix := p.variantIndex(); ix != nil {
		out.Fields = append(out.Fields, Field{"index", strings.ReplaceAll(ix.URL, "{variant}", label)})
		out.Cites = append(out.Cites, m.cite(&ix.rowMeta))
	}
	parts := strings.SplitN(cuda, ".", 2)
	major, _ := strconv.Atoi(parts[0])
	minor, _ := strconv.Atoi(parts[1]) // variants are checked to be major.minor
	cv := cudaVersion{major: major, minor: minor, hasMinor: true}
	if floor, ok := m.driverFloor(cv, false); ok {
		out.Fields = append(out.Fields, Field{"driver (linux)", ">=" + floor.driver.Original()})
		out.Cites = append(out.Cites, floor.cites...)
	}
	if floor, ok := m.driverFloor(cv, true); ok {
		out.Fields = append(out.Fields, Field{"driver (windows)", ">=" + floor.driver.Original()})
	}
	if d, ga, ok := m.table3(cv, false); ok {
		out.Fields = append(out.Fields, Field{"full features (linux)", ">=" + d.Original() + " (" + ga.row.Name + ")"})
		out.Cites = append(out.Cites, m.cite(&ga.row.rowMeta))
	}
	return out
}

func (m *Matrix) describeCUDA(name string, v *pep440.Version) []Row {
	var out []Row
	doc := m.rows(tablesOf(tableFamily, tablePrinciple))
	row := func(versions string, table string, meta *rowMeta, fields ...Field) Row {
		return Row{Table: table, Package: name, Versions: versions, Fields: fields, Advisory: meta.Advisory, Cites: []Cite{m.cite(meta)}}
	}
	for i := range doc.Family {
		r := &doc.Family[i]
		if v != nil && v.Release()[0] != r.Major {
			continue
		}
		windows := r.DriverWindows
		if windows == "" {
			windows = "N/A (branch " + strings.SplitN(r.DriverLinux, ".", 2)[0] + ")"
		}
		out = append(out, row("", "family", &r.rowMeta,
			Field{"cuda", familyName(r.Major)}, Field{"driver (linux)", ">=" + r.DriverLinux}, Field{"driver (windows)", ">=" + windows}))
	}
	for _, t := range m.tk().toolkits {
		if v != nil && !t.version.Equal(*v) {
			continue
		}
		r := t.row
		windows := r.DriverWindows
		if windows == "" {
			windows = "N/A"
		}
		out = append(out, row("", "toolkit", &r.rowMeta,
			Field{"cuda", r.Version}, Field{"release", r.Name}, Field{"driver (linux)", ">=" + r.DriverLinux}, Field{"driver (windows)", windows}))
	}
	for _, a := range m.tk().tkArchs {
		if v != nil && !a.toolkits.Contains(*v) {
			continue
		}
		out = append(out, row(a.row.Toolkits, "toolkit_archs", &a.row.rowMeta, Field{"sass", strings.Join(a.row.SASS, ", ")}))
	}
	for _, fc := range m.tk().forwardCompat {
		if v != nil && !fc.toolkits.Contains(*v) {
			continue
		}
		out = append(out, row(fc.row.Toolkits, "forward_compat", &fc.row.rowMeta, Field{"driver branches", "R" + strings.Join(fc.row.Branches, ", R")}))
	}
	for i := range doc.Principle {
		r := &doc.Principle[i]
		out = append(out, row("", "principle", &r.rowMeta, Field{"id", r.ID}, Field{"text", r.Text}))
	}
	return out
}

func (m *Matrix) describeGPUs(v *pep440.Version) []Row {
	var out []Row
	doc := m.rows(tablesOf(tableArch, tableGPU))
	matches := func(cc string) bool {
		if v == nil {
			return true
		}
		w, err := pep440.Parse(cc)
		return err == nil && w.Equal(*v)
	}
	for i := range doc.Arch {
		r := &doc.Arch[i]
		if matches(r.CC) {
			out = append(out, Row{Table: "arch", Package: "@gpu", Fields: []Field{{"compute capability", r.CC}, {"architecture", r.Name}},
				Advisory: r.Advisory, Cites: []Cite{m.cite(&r.rowMeta)}})
		}
	}
	for i := range doc.GPU {
		r := &doc.GPU[i]
		if matches(r.CC) {
			fields := []Field{{"model", r.Name}, {"compute capability", r.CC}}
			if len(r.Aliases) > 0 {
				fields = append(fields, Field{"aliases", strings.Join(r.Aliases, ", ")})
			}
			if r.DataCenter {
				fields = append(fields, Field{"data center", "yes"})
			}
			out = append(out, Row{Table: "gpu", Package: "@gpu", Fields: fields, Advisory: r.Advisory, Cites: []Cite{m.cite(&r.rowMeta)}})
		}
	}
	return out
}

func (m *Matrix) describeImages(v *pep440.Version) []Row {
	var out []Row
	doc := m.rows(tablesOf(tableOS, tableImageFlavor))
	for i := range doc.OS {
		r := &doc.OS[i]
		if v != nil {
			if w, err := pep440.Parse(r.Glibc); err != nil || !w.Equal(*v) {
				continue
			}
		}
		out = append(out, Row{Table: "os", Package: target.VirtualGlibc, Fields: []Field{{"os", r.Name}, {"glibc", r.Glibc}},
			Advisory: r.Advisory, Cites: []Cite{m.cite(&r.rowMeta)}})
	}
	if v != nil {
		return out
	}
	for i := range doc.ImageFlavor {
		r := &doc.ImageFlavor[i]
		cudnn := r.CUDNN
		if cudnn == "" {
			cudnn = "none"
		}
		fields := []Field{{"flavor", r.Name}, {"cudnn", cudnn}}
		if r.CUDA != "" {
			fields = append(fields, Field{"for cuda", r.CUDA})
		}
		out = append(out, Row{Table: "image_flavor", Package: "nvidia/cuda", Fields: fields, Advisory: r.Advisory, Cites: []Cite{m.cite(&r.rowMeta)}})
	}
	return out
}

// constraintsOn are the constraints of packages on package name, in data order. Only
// `depsolve matrix` shows them: a package's compiled rows leave them out.
func (m *Matrix) constraintsOn(name string) []*constraint {
	var out []*constraint
	for _, pkg := range m.packageNames() {
		for _, c := range m.packageRows(pkg).constraints {
			if c.requires == name {
				out = append(out, c)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b *constraint) int {
		return cmp.Or(strings.Compare(a.row.Pos.File, b.row.Pos.File), a.row.Pos.Line-b.row.Pos.Line)
	})
	return out
}

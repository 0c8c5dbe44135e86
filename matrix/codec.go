package matrix

import (
	"errors"
	"maps"
	"slices"
	"sync"

	"github.com/depsolve/depsolve/internal/wire"
)

// The cache holds the validated rows (cachedMatrix) in a compact binary form: a warm
// `depsolve check` reads it on every run. Each row type lists its fields once, in its
// fields method, for the encoder and the decoder alike (fieldCodec), so the two cannot
// disagree, and decoding needs no reflection: a table is its length and rows, a row its
// fields in that order, a string its length and bytes (lengths as uvarints), an int a
// varint, a bool one byte. Key positions (rowPos.Keys) are left out: only errors quote
// them, and the cached rows compiled without any. compiledFormat, part of the cache key,
// names this layout.
//
// A run reads a few tables and the rows of a few packages of the hundreds in the data,
// so the form opens with an index and decoding stops there (decodeMatrix): each table
// not about packages (sharedTables) and each package's rows (packageSections) is a
// section of its own, decoded when compile first asks for it (cachedRows). The index is
// the warnings, the machines the verified package rows name (namesMachine: every check
// asks, and answering from the rows would decode every package), the length of each
// shared table's section, and each package's name and section length, names sorted;
// the sections follow in that order.

var errMatrixCodec = errors.New("matrix: malformed cached matrix")

// fieldCodec is one direction of the encoding: the encoder appends each field it is
// given, the decoder sets it from the input.
type fieldCodec interface {
	str(*string)
	integer(*int)
	flag(*bool)
	strs(*[]string)
	// count is a table's number of rows: written from *n, or read into it.
	count(n *int)
}

// codedRow is a row type: a pointer to T that lists T's fields.
type codedRow[T any] interface {
	*T
	fields(fieldCodec)
}

// codeRows encodes or decodes a table: its length, then each row.
func codeRows[T any, P codedRow[T]](c fieldCodec, rows *[]T) {
	n := len(*rows)
	c.count(&n)
	if n != len(*rows) {
		*rows = make([]T, n)
	}
	for i := range *rows {
		P(&(*rows)[i]).fields(c)
	}
}

// sharedTable is a table of the document not about packages: one section of the
// cached form each.
type sharedTable int

const (
	tableSource sharedTable = iota
	tableFamily
	tableToolkit
	tableToolkitArchs
	tableForwardCompat
	tablePrinciple
	tableArch
	tableGPU
	tableGPUDriver
	tableImageFlavor
	tableOS
	tableFwImage
	sharedTableCount
)

// tableSet is a set of shared tables: the bit 1<<t for each table t.
type tableSet uint32

func tablesOf(tables ...sharedTable) tableSet {
	var set tableSet
	for _, t := range tables {
		set |= 1 << t
	}
	return set
}

// sharedTables code each shared table of a document.
var sharedTables = [sharedTableCount]func(fieldCodec, *document){
	tableSource:        func(c fieldCodec, d *document) { codeRows(c, &d.Source) },
	tableFamily:        func(c fieldCodec, d *document) { codeRows(c, &d.Family) },
	tableToolkit:       func(c fieldCodec, d *document) { codeRows(c, &d.Toolkit) },
	tableToolkitArchs:  func(c fieldCodec, d *document) { codeRows(c, &d.ToolkitArchs) },
	tableForwardCompat: func(c fieldCodec, d *document) { codeRows(c, &d.ForwardCompat) },
	tablePrinciple:     func(c fieldCodec, d *document) { codeRows(c, &d.Principle) },
	tableArch:          func(c fieldCodec, d *document) { codeRows(c, &d.Arch) },
	tableGPU:           func(c fieldCodec, d *document) { codeRows(c, &d.GPU) },
	tableGPUDriver:     func(c fieldCodec, d *document) { codeRows(c, &d.GPUDriver) },
	tableImageFlavor:   func(c fieldCodec, d *document) { codeRows(c, &d.ImageFlavor) },
	tableOS:            func(c fieldCodec, d *document) { codeRows(c, &d.OS) },
	tableFwImage:       func(c fieldCodec, d *document) { codeRows(c, &d.FwImage) },
}

// codePackageTables codes the tables about packages: one package's rows, in a section.
func codePackageTables(c fieldCodec, d *document) {
	codeRows(c, &d.Build)
	codeRows(c, &d.LocalCUDA)
	codeRows(c, &d.Archs)
	codeRows(c, &d.GPUFloor)
	codeRows(c, &d.Constraint)
	codeRows(c, &d.Variant)
	codeRows(c, &d.Index)
	codeRows(c, &d.Note)
}

// encodeMatrix is the cached form of cm.
func encodeMatrix(cm *cachedMatrix) []byte {
	doc := &cm.Doc
	var sections [][]byte
	head := &fieldEncoder{}
	codeRows(head, &cm.Warnings)
	machines := verifiedMachines(doc)
	head.strs(&machines)
	for _, code := range sharedTables {
		e := &fieldEncoder{}
		code(e, doc)
		sections = append(sections, e.b)
		n := len(e.b)
		head.count(&n)
	}
	docs := packageDocuments(doc)
	names := slices.Sorted(maps.Keys(docs))
	n := len(names)
	head.count(&n)
	for _, name := range names {
		e := &fieldEncoder{}
		codePackageTables(e, docs[name])
		sections = append(sections, e.b)
		size := len(e.b)
		head.str(&name)
		head.count(&size)
	}
	return slices.Concat(append([][]byte{head.b}, sections...)...)
}

// cachedRows is the cached form as a run reads it: the index, read at once, and each
// section decoded on first use. Safe for concurrent use.
type cachedRows struct {
	data     []byte // the entry: nothing changes it, the rows' strings point into it
	warnings []Warning
	machines []string
	shared   [sharedTableCount]cachedSection
	// decoded holds the shared tables decoded so far, each written once, under its
	// section's once, and read after it.
	decoded  document
	names    []string // the packages, sorted
	packages []span   // packages[i] is the section of names[i]
}

type span struct{ start, end int }

type cachedSection struct {
	span
	once sync.Once
	ok   bool
}

// decodeMatrix reads the index of an encoding of encodeMatrix; any other input is an
// error, never a panic. It keeps data, which nothing may change afterwards: the strings
// point into it (LoadCached gives it the cache's copy of the entry, which nobody else
// holds). A section that does not decode when asked for is a damaged part (tables,
// packageTables).
func decodeMatrix(data []byte) (*cachedRows, error) {
	d := &fieldDecoder{r: wire.NewReaderOwning(data)}
	cr := &cachedRows{data: data}
	codeRows(d, &cr.warnings)
	d.strs(&cr.machines)
	var sizes [sharedTableCount]int
	for i := range sizes {
		d.count(&sizes[i])
	}
	// Each package takes two bytes of the index at least: its name and its size.
	n := d.r.Count(2)
	cr.names = make([]string, n)
	packageSizes := make([]int, n)
	for i := range n {
		cr.names[i] = d.r.String()
		packageSizes[i] = d.r.Count(1)
		if i > 0 && cr.names[i] <= cr.names[i-1] {
			d.r.Fail()
		}
	}
	if d.r.Err() != nil {
		return nil, errMatrixCodec
	}
	at := len(data) - d.r.Len()
	next := func(size int) span {
		s := span{at, at + size}
		at = s.end
		return s
	}
	for i, size := range sizes {
		cr.shared[i].span = next(size)
	}
	cr.packages = make([]span, n)
	for i, size := range packageSizes {
		cr.packages[i] = next(size)
	}
	if at != len(data) {
		return nil, errMatrixCodec
	}
	return cr, nil
}

// decodeSection decodes the section s with code; false when it is malformed.
func (cr *cachedRows) decodeSection(s span, code func(fieldCodec, *document), into *document) bool {
	d := &fieldDecoder{r: wire.NewReaderOwning(cr.data[s.start:s.end:s.end])}
	code(d, into)
	return d.r.Done() == nil
}

// tables is a document holding the shared tables of set (and maybe others); false when
// one of them is malformed.
func (cr *cachedRows) tables(set tableSet) (*document, bool) {
	ok := true
	for t := range sharedTableCount {
		if set&(1<<t) == 0 {
			continue
		}
		sec := &cr.shared[t]
		sec.once.Do(func() { sec.ok = cr.decodeSection(sec.span, sharedTables[t], &cr.decoded) })
		ok = ok && sec.ok
	}
	return &cr.decoded, ok
}

// packageTables is the rows about package name, in a document of their own; nil when
// the index names no such package, false when its section is malformed.
func (cr *cachedRows) packageTables(name string) (*document, bool) {
	i, found := slices.BinarySearch(cr.names, name)
	if !found {
		return nil, true
	}
	doc := &document{}
	return doc, cr.decodeSection(cr.packages[i], codePackageTables, doc)
}

type fieldEncoder struct{ b []byte }

func (e *fieldEncoder) str(s *string)  { e.b = wire.AppendString(e.b, *s) }
func (e *fieldEncoder) integer(n *int) { e.b = wire.AppendVarint(e.b, int64(*n)) }
func (e *fieldEncoder) count(n *int)   { e.b = wire.AppendUvarint(e.b, uint64(*n)) }

func (e *fieldEncoder) flag(v *bool) {
	if *v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

func (e *fieldEncoder) strs(list *[]string) {
	e.b = wire.AppendUvarint(e.b, uint64(len(*list)))
	for _, s := range *list {
		e.b = wire.AppendString(e.b, s)
	}
}

// fieldDecoder reads the fields; after a malformed input every read is a zero value,
// and Done reports the error once, at the end.
type fieldDecoder struct {
	r *wire.Reader
	// lists is where the next string lists are cut from: a few allocations for the
	// two thousand lists of the rows rather than one each.
	lists []string
	chunk int // the size of the last chunk of lists
}

// firstListChunk and listChunk are how many list items the decoder allocates at once:
// at first, and at most.
const firstListChunk, listChunk = 16, 512

func (d *fieldDecoder) str(s *string)  { *s = d.r.String() }
func (d *fieldDecoder) integer(n *int) { *n = int(d.r.Varint()) }

// count reads a length. Every row and list item takes at least one byte: a garbled
// length cannot ask for more memory than the input could describe.
func (d *fieldDecoder) count(n *int) { *n = d.r.Count(1) }

func (d *fieldDecoder) flag(v *bool) {
	switch c := d.r.Byte(); c {
	case 0, 1:
		*v = c == 1
	default:
		d.r.Fail()
	}
}

func (d *fieldDecoder) strs(list *[]string) {
	n := d.r.Count(1)
	if n == 0 {
		*list = nil
		return
	}
	if len(d.lists) < n {
		// Each chunk twice the last: a section of a few rows (a package's) takes little
		// more than its lists, a large one a few chunks.
		d.chunk = min(max(2*d.chunk, firstListChunk), listChunk)
		d.lists = make([]string, max(n, d.chunk))
	}
	// Capped, so an append to one list never writes into the next.
	*list, d.lists = d.lists[:n:n], d.lists[n:]
	for i := range *list {
		(*list)[i] = d.r.String()
	}
}

func (w *Warning) fields(c fieldCodec) {
	c.str(&w.File)
	c.integer(&w.Line)
	c.str(&w.Msg)
}

func (p *rowPos) fields(c fieldCodec) {
	c.str(&p.File)
	c.integer(&p.Line)
}

func (m *rowMeta) fields(c fieldCodec) {
	c.str(&m.Tag)
	c.strs(&m.Source)
	c.str(&m.Cite)
	c.flag(&m.Advisory)
	m.Pos.fields(c)
}

func (r *sourceRow) fields(c fieldCodec) {
	c.str(&r.ID)
	c.str(&r.Title)
	c.str(&r.URL)
	r.Pos.fields(c)
}

func (r *familyRow) fields(c fieldCodec) {
	c.integer(&r.Major)
	c.str(&r.DriverLinux)
	c.str(&r.DriverWindows)
	r.rowMeta.fields(c)
}

func (r *toolkitRow) fields(c fieldCodec) {
	c.str(&r.Version)
	c.str(&r.Name)
	c.str(&r.DriverLinux)
	c.str(&r.DriverWindows)
	r.rowMeta.fields(c)
}

func (r *toolkitArchsRow) fields(c fieldCodec) {
	c.str(&r.Toolkits)
	c.strs(&r.SASS)
	r.rowMeta.fields(c)
}

func (r *forwardCompatRow) fields(c fieldCodec) {
	c.str(&r.Toolkits)
	c.strs(&r.Branches)
	r.rowMeta.fields(c)
}

func (r *principleRow) fields(c fieldCodec) {
	c.str(&r.ID)
	c.str(&r.Text)
	r.rowMeta.fields(c)
}

func (r *archRow) fields(c fieldCodec) {
	c.str(&r.CC)
	c.str(&r.Name)
	r.rowMeta.fields(c)
}

func (r *gpuRow) fields(c fieldCodec) {
	c.str(&r.Name)
	c.str(&r.CC)
	c.strs(&r.Aliases)
	c.flag(&r.DataCenter)
	r.rowMeta.fields(c)
}

func (r *gpuDriverRow) fields(c fieldCodec) {
	c.str(&r.CC)
	c.str(&r.DriverLinux)
	c.str(&r.DriverWindows)
	c.str(&r.Reason)
	r.rowMeta.fields(c)
}

func (r *flavorRow) fields(c fieldCodec) {
	c.str(&r.Name)
	c.str(&r.CUDNN)
	c.str(&r.CUDA)
	c.strs(&r.Libraries)
	c.str(&r.Runtime)
	r.rowMeta.fields(c)
}

func (r *fwImageRow) fields(c fieldCodec) {
	c.str(&r.Image)
	c.str(&r.Release)
	c.str(&r.CUDA)
	c.str(&r.Python)
	c.str(&r.Package)
	c.str(&r.Version)
	r.rowMeta.fields(c)
}

func (r *osRow) fields(c fieldCodec) {
	c.str(&r.Name)
	c.str(&r.Glibc)
	r.rowMeta.fields(c)
}

func (r *buildRow) fields(c fieldCodec) {
	c.str(&r.Package)
	c.str(&r.Versions)
	c.str(&r.Local)
	c.str(&r.OS)
	c.str(&r.Machine)
	c.str(&r.CUDA)
	r.rowMeta.fields(c)
}

func (r *localCUDARow) fields(c fieldCodec) {
	c.str(&r.Package)
	c.str(&r.Prefix)
	c.str(&r.Digits)
	r.rowMeta.fields(c)
}

func (r *archsRow) fields(c fieldCodec) {
	c.str(&r.Package)
	c.str(&r.Versions)
	c.strs(&r.CUDA)
	c.str(&r.OS)
	c.str(&r.Machine)
	c.strs(&r.SASS)
	c.strs(&r.PTX)
	r.rowMeta.fields(c)
}

func (r *gpuFloorRow) fields(c fieldCodec) {
	c.str(&r.Package)
	c.str(&r.Versions)
	c.str(&r.CC)
	c.str(&r.Reason)
	r.rowMeta.fields(c)
}

func (r *constraintRow) fields(c fieldCodec) {
	c.str(&r.Package)
	c.str(&r.Versions)
	c.str(&r.OS)
	c.str(&r.Requires)
	c.str(&r.Range)
	c.flag(&r.Forbids)
	c.flag(&r.CUDABuild)
	c.str(&r.Reason)
	r.rowMeta.fields(c)
}

func (r *variantRow) fields(c fieldCodec) {
	c.str(&r.Package)
	c.str(&r.Versions)
	c.str(&r.Python)
	c.strs(&r.CUDA)
	c.str(&r.CUDNN)
	r.rowMeta.fields(c)
}

func (r *indexRow) fields(c fieldCodec) {
	c.str(&r.Package)
	c.str(&r.URL)
	r.rowMeta.fields(c)
}

func (r *noteRow) fields(c fieldCodec) {
	c.str(&r.Package)
	c.str(&r.Versions)
	c.str(&r.OS)
	c.str(&r.Machine)
	c.strs(&r.When)
	c.str(&r.Text)
	r.rowMeta.fields(c)
}

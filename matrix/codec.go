package matrix

import (
	"errors"

	"github.com/depsolve/depsolve/internal/wire"
)

// The cache holds the validated rows (cachedMatrix) in a compact binary form: a warm
// `depsolve check` decodes it on every run. Each row type lists its fields once, in
// its fields method, for the encoder and the decoder alike (fieldCodec), so the two
// cannot disagree, and decoding needs no reflection: a table is its length and rows, a
// row its fields in that order, a string its length and bytes (lengths as uvarints), an
// int a varint, a bool one byte. Key positions (rowPos.Keys) are left out: only errors
// quote them, and the cached rows compiled without any. compiledFormat, part of the
// cache key, names this layout.

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

// encodeMatrix is the cached form of cm.
func encodeMatrix(cm *cachedMatrix) []byte {
	e := &fieldEncoder{}
	cm.fields(e)
	return e.b
}

// decodeMatrix reads an encoding of encodeMatrix; any other input is an error, never a
// panic. It keeps data, which nothing may change afterwards: the strings point into it
// (LoadCached gives it the cache's copy of the entry, which nobody else holds).
func decodeMatrix(data []byte) (cachedMatrix, error) {
	d := &fieldDecoder{r: wire.NewReaderOwning(data)}
	var cm cachedMatrix
	cm.fields(d)
	if d.r.Done() != nil {
		return cachedMatrix{}, errMatrixCodec
	}
	return cm, nil
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
}

// listChunk is how many list items the decoder allocates at once.
const listChunk = 512

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
		d.lists = make([]string, max(n, listChunk))
	}
	// Capped, so an append to one list never writes into the next.
	*list, d.lists = d.lists[:n:n], d.lists[n:]
	for i := range *list {
		(*list)[i] = d.r.String()
	}
}

func (cm *cachedMatrix) fields(c fieldCodec) {
	cm.Doc.fields(c)
	codeRows(c, &cm.Warnings)
}

func (d *document) fields(c fieldCodec) {
	codeRows(c, &d.Source)
	codeRows(c, &d.Family)
	codeRows(c, &d.Toolkit)
	codeRows(c, &d.ToolkitArchs)
	codeRows(c, &d.ForwardCompat)
	codeRows(c, &d.Principle)
	codeRows(c, &d.Arch)
	codeRows(c, &d.GPU)
	codeRows(c, &d.GPUDriver)
	codeRows(c, &d.ImageFlavor)
	codeRows(c, &d.OS)
	codeRows(c, &d.FwImage)
	codeRows(c, &d.Build)
	codeRows(c, &d.LocalCUDA)
	codeRows(c, &d.Archs)
	codeRows(c, &d.GPUFloor)
	codeRows(c, &d.Constraint)
	codeRows(c, &d.Variant)
	codeRows(c, &d.Index)
	codeRows(c, &d.Note)
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

package simple

import (
	"encoding/binary"
	"errors"
	"maps"
	"slices"
)

// binaryVersion is the first byte of AppendBinary's encoding. Change it with the
// encoding: DecodeBinary refuses every other version, so a cache that holds the old
// form just misses.
const binaryVersion = 1

// File flags in the binary encoding.
const (
	flagYanked = 1 << iota
	flagHasMetadata
	flagUploadTime
)

var errBinary = errors.New("simple: malformed binary page")

// AppendBinary appends a compact encoding of p to b, for caching a parsed page:
// DecodeBinary reads it back into an equal Page several times faster than parsing
// the page again. Strings and lists are uvarint-length-prefixed; a nil list or map
// is told apart from an empty one; map keys are sorted, so equal pages encode to
// equal bytes.
func (p *Page) AppendBinary(b []byte) []byte {
	b = append(b, binaryVersion)
	b = appendString(b, p.APIVersion)
	b = appendStrings(b, p.Versions)
	b = binary.AppendUvarint(b, uint64(len(p.Files)))
	for i := range p.Files {
		f := &p.Files[i]
		b = appendString(b, f.Filename)
		b = appendString(b, f.URL)
		b = appendMap(b, f.Hashes)
		b = appendString(b, f.RequiresPython)
		var flags byte
		if f.Yanked {
			flags |= flagYanked
		}
		if f.HasMetadata {
			flags |= flagHasMetadata
		}
		if !f.UploadTime.IsZero() {
			flags |= flagUploadTime
		}
		b = append(b, flags)
		b = appendString(b, f.YankedReason)
		b = appendMap(b, f.MetadataHashes)
		b = binary.AppendVarint(b, f.Size)
		if flags&flagUploadTime != 0 {
			t, _ := f.UploadTime.MarshalBinary() // fails only for a zone offset no parser gives
			b = appendString(b, string(t))
		}
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendStrings writes len+1, 0 for nil.
func appendStrings(b []byte, list []string) []byte {
	if list == nil {
		return append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(list))+1)
	for _, s := range list {
		b = appendString(b, s)
	}
	return b
}

// appendMap writes len+1, 0 for nil, then keys and values in key order.
func appendMap(b []byte, m map[string]string) []byte {
	if m == nil {
		return append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(m))+1)
	for _, k := range slices.Sorted(maps.Keys(m)) {
		b = appendString(b, k)
		b = appendString(b, m[k])
	}
	return b
}

// DecodeBinary reads a page encoded by AppendBinary. Any other input, including the
// encoding of another binaryVersion, is an error, never a panic.
func DecodeBinary(data []byte) (*Page, error) {
	if len(data) == 0 || data[0] != binaryVersion {
		return nil, errBinary
	}
	// One copy of the whole input: every string of the page is a substring of it.
	d := decoder{s: string(data[1:])}
	p := &Page{APIVersion: d.string(), Versions: d.strings()}
	n := d.count(6) // the smallest encoded file
	if n > 0 {
		p.Files = make([]File, n)
	}
	for i := range p.Files {
		f := &p.Files[i]
		f.Filename = d.string()
		f.URL = d.string()
		f.Hashes = d.stringMap()
		f.RequiresPython = d.string()
		flags := d.byte()
		f.Yanked = flags&flagYanked != 0
		f.HasMetadata = flags&flagHasMetadata != 0
		f.YankedReason = d.string()
		f.MetadataHashes = d.stringMap()
		f.Size = d.varint()
		if flags&flagUploadTime != 0 {
			if err := f.UploadTime.UnmarshalBinary([]byte(d.string())); err != nil || f.UploadTime.IsZero() {
				d.err = errBinary
			}
		}
		if d.err != nil {
			return nil, d.err
		}
	}
	if d.err != nil || d.s != "" {
		return nil, errBinary
	}
	return p, nil
}

// decoder remembers the first error; every later read returns a zero value.
type decoder struct {
	s   string
	err error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	var n uint64
	for shift := 0; shift < 64; shift += 7 {
		if len(d.s) == 0 {
			break
		}
		c := d.s[0]
		d.s = d.s[1:]
		n |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return n
		}
	}
	d.err = errBinary
	return 0
}

func (d *decoder) varint() int64 {
	u := d.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

func (d *decoder) byte() byte {
	if d.err != nil || len(d.s) == 0 {
		d.err = errBinary
		return 0
	}
	c := d.s[0]
	d.s = d.s[1:]
	return c
}

func (d *decoder) string() string {
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.s)) {
		d.err = errBinary
		return ""
	}
	s := d.s[:n]
	d.s = d.s[n:]
	return s
}

// count reads a length whose items take at least minSize bytes each, so that a
// garbled length cannot ask for more memory than the input could describe.
func (d *decoder) count(minSize uint64) int {
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.s))/minSize {
		d.err = errBinary
		return 0
	}
	return int(n)
}

// nilableCount reads len+1 (0 for nil); ok is false for nil.
func (d *decoder) nilableCount(minSize uint64) (n int, ok bool) {
	if d.err == nil && len(d.s) > 0 && d.s[0] == 0 {
		d.s = d.s[1:]
		return 0, false
	}
	n = d.count(1)
	if n == 0 || uint64(n-1) > uint64(len(d.s))/minSize {
		d.err = errBinary
		return 0, false
	}
	return n - 1, true
}

func (d *decoder) strings() []string {
	n, ok := d.nilableCount(1)
	if !ok {
		return nil
	}
	list := make([]string, n)
	for i := range list {
		list[i] = d.string()
	}
	return list
}

func (d *decoder) stringMap() map[string]string {
	n, ok := d.nilableCount(2)
	if !ok {
		return nil
	}
	m := make(map[string]string, n)
	for range n {
		k := d.string()
		m[k] = d.string()
	}
	return m
}

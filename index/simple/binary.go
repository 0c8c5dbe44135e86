package simple

import (
	"errors"
	"slices"

	"github.com/depsolve/depsolve/internal/wire"
)

// binaryVersion is the first byte of AppendBinary's encoding. Change it with the
// encoding, or with what parsing makes of a page: DecodeBinary refuses every other
// version, so a cache that holds the old form just misses. Version 2 adds Problems;
// pages of version 1 were parsed before file values were checked.
const binaryVersion = 2

// BinaryVersion is the version of AppendBinary's encoding and of what parsing makes of
// a page, for the keys of what callers derive from parsed pages.
const BinaryVersion = binaryVersion

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
	b = wire.AppendString(b, p.APIVersion)
	b = appendStrings(b, p.Versions)
	b = wire.AppendUvarint(b, uint64(len(p.Files)))
	for i := range p.Files {
		f := &p.Files[i]
		b = wire.AppendString(b, f.Filename)
		b = wire.AppendString(b, f.URL)
		b = appendMap(b, f.Hashes)
		b = wire.AppendString(b, f.RequiresPython)
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
		b = wire.AppendString(b, f.YankedReason)
		b = appendMap(b, f.MetadataHashes)
		b = wire.AppendVarint(b, f.Size)
		if flags&flagUploadTime != 0 {
			t, _ := f.UploadTime.MarshalBinary() // fails only for a zone offset no parser gives
			b = wire.AppendString(b, string(t))
		}
	}
	return appendStrings(b, p.Problems)
}

// appendStrings writes len+1, 0 for nil.
func appendStrings(b []byte, list []string) []byte {
	if list == nil {
		return append(b, 0)
	}
	b = wire.AppendUvarint(b, uint64(len(list))+1)
	for _, s := range list {
		b = wire.AppendString(b, s)
	}
	return b
}

// appendMap writes len+1, 0 for nil, then keys and values in key order.
func appendMap(b []byte, m map[string]string) []byte {
	if m == nil {
		return append(b, 0)
	}
	b = wire.AppendUvarint(b, uint64(len(m))+1)
	// Hash maps have one or two entries: their names sorted in an array on the stack,
	// not in a slice allocated for every map of every file of every page stored.
	var few [4]string
	keys := few[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b = wire.AppendString(b, k)
		b = wire.AppendString(b, m[k])
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
	r := wire.NewReader(data[1:])
	p := &Page{APIVersion: r.String(), Versions: readStrings(r)}
	n := r.Count(6) // the smallest encoded file
	if n > 0 {
		p.Files = make([]File, n)
	}
	for i := range p.Files {
		f := &p.Files[i]
		f.Filename = r.String()
		f.URL = r.String()
		f.Hashes = readMap(r)
		f.RequiresPython = r.String()
		flags := r.Byte()
		f.Yanked = flags&flagYanked != 0
		f.HasMetadata = flags&flagHasMetadata != 0
		f.YankedReason = r.String()
		f.MetadataHashes = readMap(r)
		f.Size = r.Varint()
		if flags&flagUploadTime != 0 {
			if err := f.UploadTime.UnmarshalBinary([]byte(r.String())); err != nil || f.UploadTime.IsZero() {
				r.Fail()
			}
		}
		if r.Err() != nil {
			return nil, errBinary
		}
	}
	p.Problems = readStrings(r)
	if r.Done() != nil {
		return nil, errBinary
	}
	return p, nil
}

// nilableCount reads len+1 (0 for nil) of a list whose items take at least minSize
// bytes each; ok is false for nil.
func nilableCount(r *wire.Reader, minSize uint64) (n int, ok bool) {
	m := r.Uvarint()
	if m == 0 || r.Err() != nil {
		return 0, false
	}
	if m-1 > uint64(r.Len())/minSize {
		r.Fail()
		return 0, false
	}
	return int(m - 1), true
}

func readStrings(r *wire.Reader) []string {
	n, ok := nilableCount(r, 1)
	if !ok {
		return nil
	}
	list := make([]string, n)
	for i := range list {
		list[i] = r.String()
	}
	return list
}

func readMap(r *wire.Reader) map[string]string {
	n, ok := nilableCount(r, 2)
	if !ok {
		return nil
	}
	m := make(map[string]string, n)
	for range n {
		k := r.String()
		m[k] = r.String()
	}
	return m
}

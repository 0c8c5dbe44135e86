// Package wire is the compact binary encoding depsolve's caches use for derived data
// (parsed index pages, the compiled matrix, cache entry fields): unsigned integers as
// uvarints, signed ones as zig-zag varints, strings as a uvarint length and the bytes.
//
// A Reader never panics on malformed input: the first problem is remembered, every later
// read returns a zero value, and Err or Done reports it. Cached bytes can be damaged or
// written by another version, so callers treat an error as a cache miss.
package wire

import (
	"encoding/binary"
	"errors"
	"unsafe"
)

// ErrMalformed is the error of every malformed input.
var ErrMalformed = errors.New("malformed encoding")

// AppendUvarint appends n.
func AppendUvarint(b []byte, n uint64) []byte { return binary.AppendUvarint(b, n) }

// AppendVarint appends n, zig-zag encoded.
func AppendVarint(b []byte, n int64) []byte { return binary.AppendVarint(b, n) }

// AppendString appends s with its length.
func AppendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// Reader decodes what the Append functions wrote.
type Reader struct {
	s   string
	err error
}

// NewReader reads data. The bytes are copied once, and every String shares that copy, so
// decoded strings stay valid after data is reused.
func NewReader(data []byte) *Reader { return &Reader{s: string(data)} }

// NewStringReader reads s, without a copy.
func NewStringReader(s string) *Reader { return &Reader{s: s} }

// NewReaderOwning reads data without copying it, for a caller that hands data over:
// nothing changes data afterwards (bytes fresh from the cache, which nobody else
// holds). Decoded strings share data as they share NewReader's copy, and keep it alive.
func NewReaderOwning(data []byte) *Reader {
	return &Reader{s: unsafe.String(unsafe.SliceData(data), len(data))}
}

// Uvarint reads an unsigned integer.
func (r *Reader) Uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	var n uint64
	for i := 0; i < len(r.s) && i < binary.MaxVarintLen64; i++ {
		c := r.s[i]
		if i == binary.MaxVarintLen64-1 && c > 1 {
			break // more than 64 bits
		}
		n |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			r.s = r.s[i+1:]
			return n
		}
	}
	r.err = ErrMalformed
	return 0
}

// Varint reads a signed integer.
func (r *Reader) Varint() int64 {
	u := r.Uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

// Byte reads one byte.
func (r *Reader) Byte() byte {
	if r.err != nil || len(r.s) == 0 {
		r.err = ErrMalformed
		return 0
	}
	c := r.s[0]
	r.s = r.s[1:]
	return c
}

// String reads a string.
func (r *Reader) String() string {
	n := r.Uvarint()
	if r.err != nil || n > uint64(len(r.s)) {
		r.err = ErrMalformed
		return ""
	}
	s := r.s[:n]
	r.s = r.s[n:]
	return s
}

// Count reads the length of a list whose items take at least minSize bytes each, and
// rejects a length the rest of the input cannot hold, so a damaged length cannot make
// the caller allocate without bound.
func (r *Reader) Count(minSize uint64) int {
	n := r.Uvarint()
	if r.err == nil && minSize > 0 && n > uint64(len(r.s))/minSize {
		r.err = ErrMalformed
	}
	if r.err != nil {
		return 0
	}
	return int(n)
}

// Len is the number of bytes left to read.
func (r *Reader) Len() int { return len(r.s) }

// Fail records that the input is malformed, for checks the caller makes on what it
// read; every later read returns a zero value.
func (r *Reader) Fail() {
	if r.err == nil {
		r.err = ErrMalformed
	}
}

// Err is the first problem met, or nil.
func (r *Reader) Err() error { return r.err }

// Done is Err, or ErrMalformed when input is left over.
func (r *Reader) Done() error {
	if r.err == nil && r.s != "" {
		return ErrMalformed
	}
	return r.err
}

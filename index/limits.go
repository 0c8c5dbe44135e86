package index

import (
	"fmt"
	"io"
)

// sizeText writes a size limit for a message: in binary units when it is a
// whole number of them, else in bytes.
func sizeText(n int64) string {
	for _, u := range []struct {
		unit string
		size int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d %s", n/u.size, u.unit)
		}
	}
	return fmt.Sprintf("%d-byte", n)
}

// limitedReader reads at most limit bytes of r, and fails with a
// *tooLargeError as soon as r has more: the limit is checked while the body
// streams, not after it has been buffered.
type limitedReader struct {
	r     io.Reader
	left  int64 // bytes that may still be read; -1 once past the limit
	limit int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, &tooLargeError{limit: l.limit}
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1] // one byte more than allowed tells a body at the limit from one past it
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return 0, &tooLargeError{limit: l.limit}
	}
	return n, err
}

// cappedBuffer keeps what is written to it up to limit bytes; past that it
// drops everything and keeps nothing, at no further cost. It keeps blocks, not
// one growing slice, so that it never holds more than limit bytes and a block,
// and copies nothing until bytes is called.
type cappedBuffer struct {
	blocks [][]byte
	n      int
	limit  int
	over   bool
}

const cappedBlock = 256 << 10

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if c.over {
		return len(p), nil
	}
	if c.n+len(p) > c.limit {
		c.blocks, c.over = nil, true
		return len(p), nil
	}
	c.n += len(p)
	for rest := p; len(rest) > 0; {
		if len(c.blocks) == 0 || len(c.blocks[len(c.blocks)-1]) == cappedBlock {
			c.blocks = append(c.blocks, make([]byte, 0, min(cappedBlock, c.limit)))
		}
		last := &c.blocks[len(c.blocks)-1]
		k := min(len(rest), cappedBlock-len(*last))
		*last = append(*last, rest[:k]...)
		rest = rest[k:]
	}
	return len(p), nil
}

// bytes returns what was written, or nil when it was over the limit.
func (c *cappedBuffer) bytes() []byte {
	if c.over {
		return nil
	}
	out := make([]byte, 0, c.n)
	for _, b := range c.blocks {
		out = append(out, b...)
	}
	return out
}

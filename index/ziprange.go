package index

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/depsolve/depsolve/redact"
)

// A wheel's METADATA is read with HTTP range requests where the server allows
// them, the way pip's lazy wheels and uv do: the zip central directory sits at
// the end of the file, so one request for the tail usually brings it, and often
// the .dist-info files too, which wheel builders write last. A second request
// fetches METADATA when it lies further in. archive/zip reads the fetched
// bytes, and checks METADATA's CRC-32 against the directory.

const (
	// tailSize is the first read from the end: enough for the directory of
	// most wheels and the end-of-directory record with its longest comment.
	tailSize = 64 << 10
	// minRead is the smallest later read, so that archive/zip's small reads
	// do not each become a request.
	minRead = 64 << 10
	// maxCentralDirectory caps the central directory an end-of-directory
	// record may claim before it is fetched. The largest wheels have about
	// 2 MB of directory (torch: some 15,000 entries of 100-150 bytes); the cap
	// leaves eight times that, and keeps a hostile record claiming gigabytes
	// from becoming a request and a buffer of that size.
	maxCentralDirectory = 16 << 20
)

// errNoRanges: the server does not serve ranges of this file (it answered 200
// or 416, or sent ranges that do not add up); download it instead.
var errNoRanges = errors.New("range requests not served")

// remoteFile is an io.ReaderAt over HTTP ranges, keeping what it fetched.
type remoteFile struct {
	ctx      context.Context
	ix       *Index
	url      string
	name     string // the file name, for messages
	size     int64
	segments []segment // sorted by offset, disjoint
	err      error     // the first failure; every later read returns it
	// budget is what may still be fetched. archive/zip reads where the
	// directory points, and a hostile directory can point it at gigabytes
	// (say, a METADATA entry whose deflate stream never ends): the budget
	// bounds the bytes kept, whatever the directory says.
	budget int64
}

// rangeBudget is what the range reads of one wheel may fetch in all: the
// tail, the largest directory allowed, and METADATA with its local header at
// up to twice its size limit (deflate expands incompressible data by a few
// bytes per 64 KiB block, so twice is ample).
func rangeBudget(metadataLimit int64) int64 {
	return tailSize + maxCentralDirectory + 2*metadataLimit
}

// rangeError is a range answer that contradicts the request or an earlier
// answer: more bytes than asked for, or another size of the file. Its bytes
// are not read.
type rangeError struct {
	asked  string // the Range header sent
	answer string // the Content-Range received
	reason string
}

func (e *rangeError) Error() string {
	return fmt.Sprintf("asked for %s, the server answered %q: %s", e.asked, e.answer, e.reason)
}

type segment struct {
	off  int64
	data []byte
}

// rangeMetadata reads METADATA out of a remote wheel with range requests.
func (ix *Index) rangeMetadata(ctx context.Context, name string, c *candidate) ([]byte, error) {
	rf := &remoteFile{ctx: ctx, ix: ix, url: c.URL, name: c.Filename, size: -1, budget: rangeBudget(ix.client.opts.MaxMetadataSize)}
	if err := rf.fetchTail(c.Size); err != nil {
		return nil, err
	}
	if err := rf.prefetchDirectory(); err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(rf, rf.size)
	if err != nil {
		return nil, rf.explain(err)
	}
	data, err := wheelMETADATA(zr, name, c, ix.client.opts.MaxMetadataSize)
	if err != nil {
		return nil, rf.explain(err)
	}
	ix.noteSizes(c, unchecked, zr, rf.size)
	return data, nil
}

// explain turns a zip failure into the network failure behind it, or into
// errNoRanges when the fetched bytes were wrong: the download will tell.
func (rf *remoteFile) explain(err error) error {
	var bad *unusableError
	switch {
	case rf.err != nil:
		return rf.err
	case errors.As(err, &bad):
		return err
	}
	return errNoRanges
}

func (rf *remoteFile) fetchTail(size int64) error {
	if size > 0 {
		return rf.fetch(max(0, size-tailSize), size, size)
	}
	return rf.fetch(-1, -1, -1)
}

// fetch gets bytes [off, end) of a file of the given size; off < 0 asks for
// the last tailSize bytes of a file of unknown size. The answer's
// Content-Range is checked before its body is read: a range other than the
// one asked for, of no more bytes, means the server does not serve ranges
// usefully (errNoRanges); more bytes than asked for, a size other than an
// earlier answer's, or a file over the download limit, is an error.
func (rf *remoteFile) fetch(off, end, size int64) error {
	header := textproto.MIMEHeader{}
	want := int64(tailSize)
	if off < 0 {
		header.Set("Range", fmt.Sprintf("bytes=-%d", tailSize))
	} else {
		header.Set("Range", fmt.Sprintf("bytes=%d-%d", off, end-1))
		want = end - off
	}
	if want > rf.budget {
		return rf.fail(&tooLargeError{what: "what range reads of " + rf.name + " need is", limit: rangeBudget(rf.ix.client.opts.MaxMetadataSize)})
	}
	accept := []int{statusPartialContent, statusRangeNotSatisfiable}
	var got segment
	var total int64
	noRanges := false
	_, _, err := rf.ix.client.do(rf.ctx, fetch{
		url: rf.url, header: header, accept: accept, count: &rf.ix.stats.ranges,
		sink: func(ans answer, body io.Reader) error {
			if ans.status != statusPartialContent {
				noRanges = true // the whole file is coming, or nothing: do not read it
				return nil
			}
			answer := ans.header.Get("Content-Range")
			start, last, t, ok := parseContentRange(answer)
			bad := func(reason string) error {
				return &rangeError{asked: header.Get("Range"), answer: answer, reason: reason}
			}
			switch {
			case !ok:
				noRanges = true
				return nil
			case t > rf.ix.client.opts.MaxDownloadSize:
				return &tooLargeError{what: fmt.Sprintf("the file (%d bytes, says Content-Range %q) is", t, answer), limit: rf.ix.client.opts.MaxDownloadSize}
			case rf.size >= 0 && t != rf.size:
				return bad(fmt.Sprintf("the file's size was %d bytes in an earlier answer", rf.size))
			case last-start+1 > min(want, t):
				return bad("more bytes than asked for")
			case off >= 0 && (start != off || last != end-1 || t != size),
				off < 0 && (start != max(0, t-tailSize) || last != t-1):
				noRanges = true
				return nil
			}
			data, err := readLimited(ans, body, last-start+1)
			if err != nil {
				return err
			}
			if int64(len(data)) != last-start+1 {
				return &badBodyError{fmt.Errorf("range response has %d bytes, Content-Range says %d", len(data), last-start+1)}
			}
			got, total = segment{start, data}, t
			return nil
		},
	})
	if err != nil {
		rf.err = err
		return err
	}
	if noRanges {
		return errNoRanges
	}
	rf.size = total
	rf.budget -= int64(len(got.data))
	rf.add(got)
	return nil
}

// fail records a failure of the file found without a request (a claim of
// its own bytes over a limit), as the request for the file would report it.
func (rf *remoteFile) fail(err error) error {
	rf.err = &HTTPError{URL: redact.URL(rf.url), Attempts: 1, Err: err}
	return rf.err
}

// parseContentRange reads "bytes START-LAST/TOTAL".
func parseContentRange(s string) (start, last, total int64, ok bool) {
	rest, found := strings.CutPrefix(s, "bytes ")
	if !found {
		return 0, 0, 0, false
	}
	span, totalText, found := strings.Cut(rest, "/")
	if !found {
		return 0, 0, 0, false
	}
	a, b, found := strings.Cut(span, "-")
	if !found {
		return 0, 0, 0, false
	}
	var err1, err2, err3 error
	start, err1 = strconv.ParseInt(a, 10, 64)
	last, err2 = strconv.ParseInt(b, 10, 64)
	total, err3 = strconv.ParseInt(totalText, 10, 64)
	ok = err1 == nil && err2 == nil && err3 == nil && 0 <= start && start <= last && last < total
	return start, last, total, ok
}

// add keeps a fetched segment, merging it with the ones it touches, so that a
// read across the boundary of two fetches is served too.
func (rf *remoteFile) add(s segment) {
	i := sort.Search(len(rf.segments), func(i int) bool { return rf.segments[i].off >= s.off })
	rf.segments = slices.Insert(rf.segments, i, s)
	merged := rf.segments[:1]
	for _, next := range rf.segments[1:] {
		last := &merged[len(merged)-1]
		end := last.off + int64(len(last.data))
		if next.off > end {
			merged = append(merged, next)
			continue
		}
		if nextEnd := next.off + int64(len(next.data)); nextEnd > end {
			last.data = append(slices.Clip(last.data), next.data[end-next.off:]...)
		}
	}
	rf.segments = merged
}

// find returns the fetched bytes that hold [off, off+n), if any.
func (rf *remoteFile) find(off int64, n int) []byte {
	for _, s := range rf.segments {
		if s.off <= off && off+int64(n) <= s.off+int64(len(s.data)) {
			return s.data[off-s.off : off-s.off+int64(n)]
		}
	}
	return nil
}

func (rf *remoteFile) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if rf.err != nil {
		return 0, rf.err
	}
	n := len(p)
	if off+int64(n) > rf.size {
		n = int(max(0, rf.size-off))
	}
	if n == 0 {
		return 0, io.EOF
	}
	data := rf.find(off, n)
	if data == nil {
		end := min(rf.size, off+max(int64(n), minRead))
		if err := rf.fetch(off, end, rf.size); err != nil {
			return 0, err
		}
		data = rf.find(off, n)
	}
	copy(p, data)
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// prefetchDirectory reads the end-of-central-directory record in the fetched
// tail and fetches the whole central directory in one request when the tail
// did not hold it.
func (rf *remoteFile) prefetchDirectory() error {
	tail := rf.segments[len(rf.segments)-1]
	i := bytes.LastIndex(tail.data, []byte("PK\x05\x06"))
	if i < 0 || len(tail.data)-i < 22 {
		return nil // let archive/zip find it, or fail
	}
	eocd := tail.data[i:]
	dirSize := int64(binary.LittleEndian.Uint32(eocd[12:]))
	dirOff := int64(binary.LittleEndian.Uint32(eocd[16:]))
	if dirOff == 0xFFFFFFFF || dirSize == 0xFFFFFFFF {
		// zip64: the locator before the record points at the zip64 record.
		if i < 20 || string(tail.data[i-20:i-16]) != "PK\x06\x07" {
			return nil
		}
		recOff := int64(binary.LittleEndian.Uint64(tail.data[i-12:]))
		rec := make([]byte, 56)
		if _, err := rf.ReadAt(rec, recOff); err != nil {
			return rf.explain(err)
		}
		if string(rec[:4]) != "PK\x06\x06" {
			return nil
		}
		dirSize = int64(binary.LittleEndian.Uint64(rec[40:]))
		dirOff = int64(binary.LittleEndian.Uint64(rec[48:]))
	}
	if dirSize > maxCentralDirectory {
		return rf.fail(&tooLargeError{what: fmt.Sprintf("the zip central directory of %s (%d bytes, says its end record) is", rf.name, dirSize), limit: maxCentralDirectory})
	}
	if dirOff < 0 || dirSize <= 0 || dirOff+dirSize > rf.size || dirOff >= tail.off {
		return nil
	}
	end := min(tail.off, dirOff+dirSize)
	if err := rf.fetch(dirOff, end, rf.size); err != nil {
		return rf.explain(err)
	}
	return nil
}

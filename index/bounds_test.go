package index

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/depsolve/depsolve/index/simple"
	"github.com/depsolve/depsolve/pep440"
)

// The tests in this file reproduce hostile servers: each must end in a typed
// error after reading a bounded number of bytes, never in a buffer that grows
// with what the server claims or sends. Memory is measured, not time.

// hostileWheel is the wheel every hostile server lists.
const hostileWheel = "evil-1.0-py3-none-any.whl"

// hostileIndex serves an HTML project page for "evil" (no size, no metadata
// file: the first read of the wheel is a suffix range) and hands requests for
// the wheel to serveFile. It returns the index URL and the log of the wheel's
// Range headers.
func hostileIndex(t *testing.T, serveFile http.HandlerFunc) (string, func() []string) {
	var mu sync.Mutex
	var ranges []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/simple/evil/":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprintf(w, `<!DOCTYPE html><html><body><a href="/files/%s">%s</a></body></html>`, hostileWheel, hostileWheel)
		case "/files/" + hostileWheel:
			mu.Lock()
			ranges = append(ranges, r.Header.Get("Range"))
			mu.Unlock()
			serveFile(w, r)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/simple/", func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), ranges...)
	}
}

// writeZeros sends up to n zero bytes, stopping when the client goes away.
func writeZeros(w http.ResponseWriter, n int64) {
	chunk := make([]byte, 64<<10)
	for n > 0 {
		k := min(n, int64(len(chunk)))
		if _, err := w.Write(chunk[:k]); err != nil {
			return
		}
		n -= k
	}
}

// allocated runs fn and returns the bytes the process allocated meanwhile.
// The servers in these tests write from a reused buffer, so nearly all of it
// is the client's.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// hostileMetadata asks for the wheel's metadata, without retries (a hostile
// answer is not a transfer error).
func hostileMetadata(t *testing.T, indexURL string) error {
	ix := newIndex(t, Options{IndexURL: indexURL, HTTP: HTTPOptions{Retries: -1}})
	ctx := context.Background()
	if _, err := ix.Releases(ctx, "evil"); err != nil {
		t.Fatal(err)
	}
	md, err := ix.Metadata(ctx, "evil", pep440.MustParse("1.0"))
	if err == nil {
		t.Fatalf("no error; metadata %+v", md)
	}
	return err
}

const allocationBound = 64 << 20

// TestRangeEndlessBody: a 206 to the suffix request that claims the range
// 0-(2^62-1) of a 2^62-byte file and sends zeros without end. Before the
// range was checked against what was asked, depsolve read it all into memory.
func TestRangeEndlessBody(t *testing.T) {
	const total = int64(1) << 62
	u, ranges := hostileIndex(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Range", fmt.Sprintf("bytes 0-%d/%d", total-1, total))
		w.WriteHeader(http.StatusPartialContent)
		writeZeros(w, 512<<20) // "endless": far past anything depsolve may keep
	})
	var err error
	n := allocated(func() { err = hostileMetadata(t, u) })
	if n > allocationBound {
		t.Errorf("allocated %d MiB reading an endless range response", n>>20)
	}
	var tl *tooLargeError
	var he *HTTPError
	if !errors.As(err, &tl) || !errors.As(err, &he) || !strings.Contains(he.URL, hostileWheel) {
		t.Fatalf("error %v (%T): want an *HTTPError for the wheel wrapping a *tooLargeError", err, err)
	}
	if got := ranges(); len(got) != 1 {
		t.Errorf("range requests %q, want only the first", got)
	}
}

// TestRangeMoreThanAsked: a 206 whose Content-Range covers more than the
// suffix asked for, of a file of plausible size, is an error, not a buffer.
func TestRangeMoreThanAsked(t *testing.T) {
	const total = 300 << 20
	u, _ := hostileIndex(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Range", fmt.Sprintf("bytes 0-%d/%d", total-1, total))
		w.WriteHeader(http.StatusPartialContent)
		writeZeros(w, total)
	})
	var err error
	n := allocated(func() { err = hostileMetadata(t, u) })
	if n > allocationBound {
		t.Errorf("allocated %d MiB reading a range response larger than asked", n>>20)
	}
	var re *rangeError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "bytes=-65536") {
		t.Fatalf("error %v: want a *rangeError naming the range asked for", err)
	}
}

// TestRangeTotalChanges: a file whose size changes between two range answers
// is an error: the bytes fetched so far belong to another file.
func TestRangeTotalChanges(t *testing.T) {
	wheel := makeWheel(t, hostileWheel, metadataText("evil", "1.0"), 300<<10).data
	u, _ := hostileIndex(t, func(w http.ResponseWriter, r *http.Request) {
		start, end, ok := parseRange(r.Header.Get("Range"), len(wheel))
		if !ok {
			t.Errorf("unexpected range %q", r.Header.Get("Range"))
			return
		}
		total := len(wheel)
		if start < len(wheel)-tailSize {
			total++ // the second answer names another size
		}
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, end-1, total))
		w.WriteHeader(http.StatusPartialContent)
		w.Write(wheel[start:end])
	})
	err := hostileMetadata(t, u)
	var re *rangeError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "size") {
		t.Fatalf("error %v: want a *rangeError about the changed size", err)
	}
}

// TestRangeHugeCentralDirectory: the end-of-central-directory record in the
// tail claims a 3.4 GiB directory (of a 3.5 GiB file, under the download
// limit). Before the claim was checked against a cap, depsolve asked for the
// whole directory in one range and buffered it.
func TestRangeHugeCentralDirectory(t *testing.T) {
	const dirSize = 3400 << 20
	const total = int64(3500 << 20)
	tail := make([]byte, tailSize)
	eocd := tail[len(tail)-22:]
	copy(eocd, "PK\x05\x06")
	binary.LittleEndian.PutUint16(eocd[8:], 60000)  // entries on this disk
	binary.LittleEndian.PutUint16(eocd[10:], 60000) // entries
	binary.LittleEndian.PutUint32(eocd[12:], dirSize)
	binary.LittleEndian.PutUint32(eocd[16:], uint32(total-22-dirSize))
	u, ranges := hostileIndex(t, func(w http.ResponseWriter, r *http.Request) {
		rg := r.Header.Get("Range")
		if rg == fmt.Sprintf("bytes=-%d", tailSize) {
			w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", total-tailSize, total-1, total))
			w.WriteHeader(http.StatusPartialContent)
			w.Write(tail)
			return
		}
		var start, last int64
		if _, err := fmt.Sscanf(rg, "bytes=%d-%d", &start, &last); err != nil {
			http.Error(w, "bad range", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, last, total))
		w.WriteHeader(http.StatusPartialContent)
		writeZeros(w, min(last-start+1, 256<<20)) // cut short: enough to show the buffering
	})
	var err error
	n := allocated(func() { err = hostileMetadata(t, u) })
	if n > allocationBound {
		t.Errorf("allocated %d MiB for a central directory the tail only claims", n>>20)
	}
	var tl *tooLargeError
	if !errors.As(err, &tl) || !strings.Contains(err.Error(), "central directory") || !strings.Contains(err.Error(), hostileWheel) {
		t.Fatalf("error %v: want a *tooLargeError about the wheel's central directory", err)
	}
	if got := ranges(); len(got) != 1 {
		t.Errorf("range requests %q, want only the tail", got)
	}
}

// TestRangeBudget: however a directory points archive/zip around the file,
// range reads keep at most their budget.
func TestRangeBudget(t *testing.T) {
	f := newFakeIndex(t)
	d := f.add("pypi", makeWheel(t, "pkg-1.0-py3-none-any.whl", metadataText("pkg", "1.0"), 1<<20))
	ix := newIndex(t, Options{IndexURL: f.url("pypi")})
	rf := &remoteFile{ctx: context.Background(), ix: ix, url: f.srv.URL + "/files/pypi/" + d.filename, name: d.filename, size: -1, budget: 3 * minRead}
	if err := rf.fetchTail(int64(len(d.data))); err != nil {
		t.Fatal(err)
	}
	p := make([]byte, 10)
	var err error
	for off := int64(0); err == nil && off < int64(len(d.data)); off += minRead {
		_, err = rf.ReadAt(p, off)
	}
	var tl *tooLargeError
	if !errors.As(err, &tl) || !strings.Contains(err.Error(), d.filename) {
		t.Fatalf("reading the whole file through a budget of 3 reads: %v", err)
	}
	if rf.budget < 0 {
		t.Errorf("fetched past the budget: %d left", rf.budget)
	}
}

// writeLargePage streams a PEP 691 page of project "huge" with n wheels, each
// entry shaped like PyPI's, and returns its size; nothing holds the whole page.
func writeLargePage(w io.Writer, n int) int64 {
	cw := &countingWriter{w: w}
	io.WriteString(cw, `{"meta": {"api-version": "1.1"}, "name": "huge", "files": [`)
	for i := range n {
		if i > 0 {
			io.WriteString(cw, ", ")
		}
		name := fmt.Sprintf("huge-%d.%d-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", i/1000, i%1000)
		fmt.Fprintf(cw, `{"filename": %q, "url": "https://files.example.org/packages/3a/d0/%064x/%s", `+
			`"hashes": {"sha256": "%064x"}, "core-metadata": {"sha256": "%064x"}, `+
			`"requires-python": ">=3.9", "size": %d, "upload-time": "2024-10-29T17:29:44.123456Z", "yanked": false}`,
			name, i, name, i, i+1, 800000000+i)
	}
	io.WriteString(cw, "]}")
	return cw.n
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// peakHeap runs fn and returns the largest heap seen while it ran, above the
// heap before it. The collector runs at GOGC=10 meanwhile, so that the heap is
// nearly all live objects, not garbage awaiting a collection. Sampling can
// only miss a peak, never invent one, so a bound on it cannot fail spuriously.
func peakHeap(fn func()) uint64 {
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	runtime.GC()
	base := read()
	var peak atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			if v := read(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-time.After(200 * time.Microsecond):
			}
		}
	}()
	fn()
	close(done)
	<-stopped
	return max(peak.Load(), base) - base
}

// TestLargePageMemory: a 43 MB project page of 80,000 files is parsed as it
// streams in, and not cached (it is over maxCachedPage). The parsed files
// alone take about 1.5× the page. Measured peak heap: 6.4× the page when the
// body was read whole, decoded whole, then cached (twice copied); 2.2× now.
func TestLargePageMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams a 50 MB page")
	}
	const files = 80000
	size := writeLargePage(io.Discard, files)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/simple/huge/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", simple.JSONType)
		bw := bufio.NewWriterSize(w, 64<<10)
		writeLargePage(bw, files)
		bw.Flush()
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	ix := newIndex(t, Options{IndexURL: srv.URL + "/simple/", Cache: openCache(t, dir)})
	var fp *fetchedPage
	var err error
	peak := peakHeap(func() { fp, err = ix.fetchPage(context.Background(), srv.URL+"/simple/huge/", true) })
	if err != nil {
		t.Fatal(err)
	}
	if len(fp.files) != files {
		t.Fatalf("%d files, want %d", len(fp.files), files)
	}
	t.Logf("page %d MB: peak heap %d MB (%.2f× the page)", size>>20, peak>>20, float64(peak)/float64(size))
	if peak > uint64(size)*3 {
		t.Errorf("parsing a %d MB page took a peak heap of %d MB; want at most 3× the page", size>>20, peak>>20)
	}
	if _, found, _ := openCache(t, dir).GetPage(srv.URL + "/simple/huge/"); found {
		t.Errorf("a page over maxCachedPage was cached")
	}
	runtime.KeepAlive(fp)
}

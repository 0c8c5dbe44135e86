package index

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"cmp"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/depsolve/depsolve/index/simple"
	"github.com/depsolve/depsolve/pep425"
	"github.com/depsolve/depsolve/pep508"
)

// fakeIndex is an in-process package index serving fixtures: PEP 691 JSON and
// PEP 503 HTML project pages (by Accept), PEP 658 metadata files, files with
// or without range requests, and injected faults. Indexes live under
// /NAME/simple/, files under /files/NAME/.
type fakeIndex struct {
	t   testing.TB
	srv *httptest.Server

	mu      sync.Mutex
	indexes map[string]map[string][]*dist // index -> project -> files
	log     []string                      // "GET /path [range]"
	n       int                           // requests so far

	// Behaviour; set before requests, or under mu.
	htmlOnly     bool              // serve HTML even when JSON is asked for
	noMetadata   bool              // no PEP 658 files, and pages do not announce them
	noRanges     bool              // ignore Range headers
	badRanges    bool              // answer ranges other than the tail with the wrong bytes
	failEvery    int               // answer every n-th request with 503
	stall        map[string]int    // path -> number of requests to stall past the client timeout
	stallFor     time.Duration     // how long a stalled request waits
	truncate     map[string]int    // path -> number of responses to cut short
	corrupt      map[string]int    // path -> number of responses with flipped bytes (-1: always)
	garbage      map[string]string // path -> body served instead, as text/html
	auth         string            // "user:password" every request must carry
	cacheControl string            // Cache-Control of project pages
	etags        bool              // ETag on pages, 304 for If-None-Match
	barrier      *barrier          // holds matching requests until enough arrive
}

// dist is one file on the fake index.
type dist struct {
	filename string
	data     []byte
	metadata []byte // a wheel's METADATA; nil for an sdist
	requires string // Requires-Python
	yanked   string // "" not yanked; "true" yanked without reason; else the reason
	uploaded string // the page's upload-time; "" for 2024-06-01T12:00:00Z, "none" for none
}

func newFakeIndex(t testing.TB) *fakeIndex {
	f := &fakeIndex{
		t:        t,
		indexes:  map[string]map[string][]*dist{},
		stall:    map[string]int{},
		truncate: map[string]int{},
		corrupt:  map[string]int{},
		garbage:  map[string]string{},
		stallFor: time.Second,
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// url returns the simple API URL of an index on the fake server.
func (f *fakeIndex) url(index string) string { return f.srv.URL + "/" + index + "/simple/" }

func (f *fakeIndex) add(index string, d *dist) *dist {
	f.mu.Lock()
	defer f.mu.Unlock()
	var name string
	if strings.HasSuffix(d.filename, ".whl") {
		w, err := pep425.ParseFilename(d.filename)
		if err != nil {
			f.t.Fatal(err)
		}
		name = pep508.NormalizeName(w.Name)
	} else {
		name = pep508.NormalizeName(d.filename[:strings.LastIndex(d.filename, "-")])
	}
	if f.indexes[index] == nil {
		f.indexes[index] = map[string][]*dist{}
	}
	f.indexes[index][name] = append(f.indexes[index][name], d)
	return d
}

// requests returns the log and clears it.
func (f *fakeIndex) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.log
	f.log = nil
	return out
}

func (f *fakeIndex) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.n++
	n := f.n
	entry := r.Method + " " + r.URL.EscapedPath()
	if rg := r.Header.Get("Range"); rg != "" {
		entry += " " + rg
	}
	f.log = append(f.log, entry)
	stall := f.stall[r.URL.Path] > 0
	if stall {
		f.stall[r.URL.Path]--
	}
	b := f.barrier
	f.mu.Unlock()

	if b != nil && b.match(r.URL.Path) {
		b.wait()
	}
	if stall {
		select {
		case <-time.After(f.stallFor):
		case <-r.Context().Done():
		}
		return
	}
	if f.auth != "" {
		user, pw, ok := r.BasicAuth()
		if !ok || user+":"+pw != f.auth {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
	}
	if f.failEvery > 0 && n%f.failEvery == 0 {
		http.Error(w, "injected fault", http.StatusServiceUnavailable)
		return
	}
	if body, ok := f.garbage[r.URL.Path]; ok {
		w.Header().Set("Content-Type", "text/html")
		f.write(w, r, []byte(body))
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case len(parts) == 3 && parts[1] == "simple":
		f.servePage(w, r, parts[0], parts[2])
	case len(parts) == 3 && parts[0] == "files":
		f.serveFile(w, r, parts[1], parts[2])
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeIndex) servePage(w http.ResponseWriter, r *http.Request, index, project string) {
	f.mu.Lock()
	dists := slices.Clone(f.indexes[index][project])
	f.mu.Unlock()
	if f.cacheControl != "" {
		w.Header().Set("Cache-Control", f.cacheControl)
	}
	if dists == nil {
		http.NotFound(w, r)
		return
	}
	var body []byte
	if strings.Contains(r.Header.Get("Accept"), simple.JSONType) && !f.htmlOnly {
		body = f.jsonPage(index, dists)
		w.Header().Set("Content-Type", simple.JSONType)
	} else {
		body = f.htmlPage(index, dists)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	if f.etags {
		sum := sha256.Sum256(body)
		etag := `"` + hex.EncodeToString(sum[:8]) + `"`
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	f.write(w, r, body)
}

// escapeFilename escapes a filename for a URL path as PyTorch's indexes do:
// '+' becomes %2B, which S3 would otherwise read as a space.
func escapeFilename(name string) string {
	return strings.ReplaceAll(url.PathEscape(name), "+", "%2B")
}

func sha(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func (f *fakeIndex) jsonPage(index string, dists []*dist) []byte {
	type file struct {
		Filename       string            `json:"filename"`
		URL            string            `json:"url"`
		Hashes         map[string]string `json:"hashes"`
		RequiresPython string            `json:"requires-python,omitempty"`
		CoreMetadata   any               `json:"core-metadata,omitempty"`
		Yanked         any               `json:"yanked,omitempty"`
		Size           int               `json:"size"`
		UploadTime     string            `json:"upload-time,omitempty"`
	}
	page := struct {
		Meta  map[string]string `json:"meta"`
		Files []file            `json:"files"`
	}{Meta: map[string]string{"api-version": "1.1"}}
	for _, d := range dists {
		fl := file{
			Filename:       d.filename,
			URL:            "../../../files/" + index + "/" + escapeFilename(d.filename),
			Hashes:         map[string]string{"sha256": sha(d.data)},
			RequiresPython: d.requires,
			Size:           len(d.data),
			UploadTime:     cmp.Or(d.uploaded, "2024-06-01T12:00:00.000000Z"),
		}
		if d.uploaded == "none" {
			fl.UploadTime = ""
		}
		if d.metadata != nil && !f.noMetadata {
			fl.CoreMetadata = map[string]string{"sha256": sha(d.metadata)}
		}
		switch d.yanked {
		case "":
		case "true":
			fl.Yanked = true
		default:
			fl.Yanked = d.yanked
		}
		page.Files = append(page.Files, fl)
	}
	body, err := json.Marshal(page)
	if err != nil {
		f.t.Error(err)
	}
	return body
}

func (f *fakeIndex) htmlPage(index string, dists []*dist) []byte {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html><body>\n")
	for _, d := range dists {
		fmt.Fprintf(&b, `<a href="/files/%s/%s#sha256=%s"`, index, escapeFilename(d.filename), sha(d.data))
		if d.requires != "" {
			fmt.Fprintf(&b, ` data-requires-python="%s"`, html.EscapeString(d.requires))
		}
		if d.metadata != nil && !f.noMetadata {
			fmt.Fprintf(&b, ` data-core-metadata="sha256=%s"`, sha(d.metadata))
		}
		switch d.yanked {
		case "":
		case "true":
			b.WriteString(` data-yanked=""`)
		default:
			fmt.Fprintf(&b, ` data-yanked="%s"`, html.EscapeString(d.yanked))
		}
		fmt.Fprintf(&b, ">%s</a><br/>\n", html.EscapeString(d.filename))
	}
	b.WriteString("</body></html>\n")
	return []byte(b.String())
}

func (f *fakeIndex) serveFile(w http.ResponseWriter, r *http.Request, index, filename string) {
	metadata := strings.HasSuffix(filename, ".metadata")
	filename = strings.TrimSuffix(filename, ".metadata")
	f.mu.Lock()
	var found *dist
	for _, dists := range f.indexes[index] {
		for _, d := range dists {
			if d.filename == filename {
				found = d
			}
		}
	}
	f.mu.Unlock()
	switch {
	case found == nil, metadata && (found.metadata == nil || f.noMetadata):
		http.NotFound(w, r)
		return
	case metadata:
		f.write(w, r, found.metadata)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	if rg := r.Header.Get("Range"); rg != "" && !f.noRanges {
		start, end, ok := parseRange(rg, len(found.data))
		if !ok {
			w.Header().Set("Content-Range", fmt.Sprintf("bytes */%d", len(found.data)))
			w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
			return
		}
		if f.badRanges && start > 0 && end < len(found.data) {
			start, end = start-1, end-1 // all but the tail one byte early, and saying so
		}
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, end-1, len(found.data)))
		w.Header().Set("Content-Length", strconv.Itoa(end-start))
		w.WriteHeader(http.StatusPartialContent)
		w.Write(found.data[start:end])
		return
	}
	f.write(w, r, found.data)
}

// parseRange reads one "bytes=a-b", "bytes=a-" or "bytes=-n" range of a file
// of the given size, as [start, end).
func parseRange(s string, size int) (start, end int, ok bool) {
	spec, found := strings.CutPrefix(s, "bytes=")
	a, b, found2 := strings.Cut(spec, "-")
	if !found || !found2 {
		return 0, 0, false
	}
	if a == "" {
		n, err := strconv.Atoi(b)
		if err != nil || n <= 0 || size == 0 {
			return 0, 0, false
		}
		return max(0, size-n), size, true
	}
	start, err := strconv.Atoi(a)
	if err != nil || start >= size {
		return 0, 0, false
	}
	end = size
	if b != "" {
		last, err := strconv.Atoi(b)
		if err != nil || last < start {
			return 0, 0, false
		}
		end = min(size, last+1)
	}
	return start, end, true
}

// write sends a body, applying the truncation and corruption faults.
func (f *fakeIndex) write(w http.ResponseWriter, r *http.Request, body []byte) {
	f.mu.Lock()
	cut := f.truncate[r.URL.Path] > 0
	if cut {
		f.truncate[r.URL.Path]--
	}
	bad := f.corrupt[r.URL.Path] != 0
	if f.corrupt[r.URL.Path] > 0 {
		f.corrupt[r.URL.Path]--
	}
	f.mu.Unlock()
	if bad {
		body = bytes.Clone(body)
		body[len(body)/2] ^= 0x20
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if cut {
		w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
		// Drop the connection: the client sees fewer bytes than announced.
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
			}
		}
		return
	}
	w.Write(body)
}

// barrier holds requests whose path matches until count of them wait, then
// releases them all; it shows that they were in flight together.
type barrier struct {
	match    func(path string) bool
	mu       sync.Mutex
	waiting  int
	count    int
	open     chan struct{}
	timeout  time.Duration
	timedOut bool
}

// holdRequests installs a barrier for the requests whose path matches (timeout 0: 10 s),
// under the lock the server reads it with: requests of guesses may be in flight.
func (f *fakeIndex) holdRequests(count int, timeout time.Duration, match func(string) bool) *barrier {
	b := &barrier{match: match, count: count, open: make(chan struct{}), timeout: 10 * time.Second}
	if timeout > 0 {
		b.timeout = timeout
	}
	f.mu.Lock()
	f.barrier = b
	f.mu.Unlock()
	return b
}

// missed reports whether a request waited out the barrier's timeout.
func (b *barrier) missed() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.timedOut
}

func (b *barrier) wait() {
	b.mu.Lock()
	b.waiting++
	if b.waiting == b.count {
		close(b.open)
	}
	b.mu.Unlock()
	select {
	case <-b.open:
	case <-time.After(b.timeout):
		b.mu.Lock()
		b.timedOut = true
		b.mu.Unlock()
	}
}

// metadataText writes core metadata.
func metadataText(name, version string, lines ...string) string {
	return "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n" + strings.Join(lines, "\n") + "\n\nA description.\n"
}

// makeWheel builds a wheel whose .dist-info holds METADATA; padding adds an
// incompressible file after it, so that METADATA is not in the file's tail.
func makeWheel(t testing.TB, filename, metadata string, padding int) *dist {
	w, err := pep425.ParseFilename(filename)
	if err != nil {
		t.Fatal(err)
	}
	info := w.Name + "-" + w.Version + ".dist-info/"
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, data []byte, method uint16) {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	add(strings.ToLower(w.Name)+"/__init__.py", []byte("# stub\n"), zip.Deflate)
	add(info+"METADATA", []byte(metadata), zip.Deflate)
	add(info+"WHEEL", []byte("Wheel-Version: 1.0\nGenerator: fixture\nRoot-Is-Purelib: true\n"), zip.Deflate)
	if padding > 0 {
		noise := make([]byte, padding)
		for i := range noise {
			noise[i] = byte(i*7919 + i/251)
		}
		add(info+"zz-padding.bin", noise, zip.Store)
	}
	add(info+"RECORD", []byte(""), zip.Deflate)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return &dist{filename: filename, data: buf.Bytes(), metadata: []byte(metadata)}
}

// makeSdist builds a .tar.gz source distribution with a PKG-INFO.
func makeSdist(t testing.TB, filename, pkgInfo string) *dist {
	top := strings.TrimSuffix(filename, ".tar.gz")
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, f := range []struct{ name, body string }{
		{top + "/setup.py", "raise SystemExit('never run')\n"},
		{top + "/PKG-INFO", pkgInfo},
	} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(f.body))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	gz.Close()
	return &dist{filename: filename, data: buf.Bytes()}
}

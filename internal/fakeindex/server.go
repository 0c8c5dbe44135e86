package fakeindex

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options select the behaviour of a served index; the zero value is a well-behaved index.
type Options struct {
	HTMLOnly   bool          // ignore Accept and always answer PEP 503 HTML
	NoMetadata bool          // advertise and serve no PEP 658 metadata files
	NoRanges   bool          // ignore Range headers on wheels (answer 200 with the whole file)
	FailEvery  int           // answer 503 to every Nth request (0: never)
	Latency    time.Duration // sleep before every answer
	MaxAge     time.Duration // Cache-Control: max-age of every answer (0: none is sent), for a cache that stays fresh
}

// Server is a running fake index.
type Server struct {
	*httptest.Server
	ix   *Index
	opts Options

	mu       sync.Mutex
	down     bool
	requests atomic.Int64
	log      []string
}

// Serve starts an httptest server for ix on loopback.
func Serve(ix *Index, opts Options) *Server {
	s := &Server{ix: ix, opts: opts}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// IndexURL is the simple-API root of one index, e.g. http://127.0.0.1:PORT/pypi/simple/.
func (s *Server) IndexURL(index string) string { return s.URL + "/" + index + "/simple/" }

// SetDown makes every later request fail with 503 (true) or succeed again (false).
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	s.down = down
	s.mu.Unlock()
}

// Requests is the number of requests served so far.
func (s *Server) Requests() int64 { return s.requests.Load() }

// Log returns "METHOD PATH" for every request so far.
func (s *Server) Log() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

const jsonType = "application/vnd.pypi.simple.v1+json"

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	n := s.requests.Add(1)
	s.mu.Lock()
	s.log = append(s.log, r.Method+" "+r.URL.Path)
	down := s.down
	s.mu.Unlock()
	if s.opts.Latency > 0 {
		time.Sleep(s.opts.Latency)
	}
	if down || s.opts.FailEvery > 0 && n%int64(s.opts.FailEvery) == 0 {
		http.Error(w, "injected fault", http.StatusServiceUnavailable)
		return
	}
	if s.opts.MaxAge > 0 {
		w.Header().Set("Cache-Control", fmt.Sprintf("max-age=%d", int(s.opts.MaxAge.Seconds())))
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case len(parts) == 2 && parts[1] == "simple":
		s.serveRoot(w, r, parts[0])
	case len(parts) == 3 && parts[1] == "simple":
		s.serveProject(w, r, parts[0], parts[2])
	case len(parts) == 3 && parts[0] == "files":
		s.serveFile(w, r, parts[1], parts[2])
	default:
		http.NotFound(w, r)
	}
}

func wantsJSON(r *http.Request, opts Options) bool {
	return !opts.HTMLOnly && strings.Contains(r.Header.Get("Accept"), jsonType)
}

func (s *Server) serveRoot(w http.ResponseWriter, r *http.Request, index string) {
	projects, ok := s.ix.Files[index]
	if !ok {
		http.NotFound(w, r)
		return
	}
	keys := sortedKeys(projects)
	if wantsJSON(r, s.opts) {
		type project struct {
			Name string `json:"name"`
		}
		doc := struct {
			Meta     map[string]string `json:"meta"`
			Projects []project         `json:"projects"`
		}{Meta: map[string]string{"api-version": "1.1"}}
		for _, k := range keys {
			doc.Projects = append(doc.Projects, project{s.ix.Names[k]})
		}
		writeBody(w, r, jsonType, mustJSON(doc))
		return
	}
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html><body>\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "<a href=\"%s/\">%s</a>\n", k, html.EscapeString(s.ix.Names[k]))
	}
	b.WriteString("</body></html>\n")
	writeBody(w, r, "text/html", []byte(b.String()))
}

func (s *Server) serveProject(w http.ResponseWriter, r *http.Request, index, project string) {
	files, ok := s.ix.Files[index][project]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if wantsJSON(r, s.opts) {
		type jsonFile struct {
			Filename       string            `json:"filename"`
			URL            string            `json:"url"`
			Hashes         map[string]string `json:"hashes"`
			RequiresPython string            `json:"requires-python,omitempty"`
			Yanked         any               `json:"yanked,omitempty"`
			CoreMetadata   map[string]string `json:"core-metadata,omitempty"`
			DistInfo       map[string]string `json:"dist-info-metadata,omitempty"`
			Size           int               `json:"size"`
		}
		doc := struct {
			Meta     map[string]string `json:"meta"`
			Name     string            `json:"name"`
			Versions []string          `json:"versions"`
			Files    []jsonFile        `json:"files"`
		}{Meta: map[string]string{"api-version": "1.1"}, Name: project}
		seen := map[string]bool{}
		for _, f := range files {
			if !seen[f.Version] {
				seen[f.Version] = true
				doc.Versions = append(doc.Versions, f.Version)
			}
			jf := jsonFile{
				Filename:       f.Filename,
				URL:            "../../../files/" + index + "/" + f.Filename,
				Hashes:         map[string]string{"sha256": f.SHA256},
				RequiresPython: f.RequiresPython,
				Size:           len(f.Data),
			}
			if f.Yanked != nil {
				if *f.Yanked == "" {
					jf.Yanked = true
				} else {
					jf.Yanked = *f.Yanked
				}
			}
			if f.Metadata != nil && !s.opts.NoMetadata {
				h := map[string]string{"sha256": sha256Hex(f.Metadata)}
				jf.CoreMetadata, jf.DistInfo = h, h
			}
			doc.Files = append(doc.Files, jf)
		}
		writeBody(w, r, jsonType, mustJSON(doc))
		return
	}
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html><body>\n")
	for _, f := range files {
		attrs := ""
		if f.RequiresPython != "" {
			attrs += ` data-requires-python="` + html.EscapeString(f.RequiresPython) + `"`
		}
		if f.Metadata != nil && !s.opts.NoMetadata {
			h := sha256Hex(f.Metadata)
			attrs += ` data-dist-info-metadata="sha256=` + h + `" data-core-metadata="sha256=` + h + `"`
		}
		if f.Yanked != nil {
			attrs += ` data-yanked="` + html.EscapeString(*f.Yanked) + `"`
		}
		fmt.Fprintf(&b, "<a href=\"../../../files/%s/%s#sha256=%s\"%s>%s</a><br/>\n",
			index, html.EscapeString(f.Filename), f.SHA256, attrs, html.EscapeString(f.Filename))
	}
	b.WriteString("</body></html>\n")
	writeBody(w, r, "text/html", []byte(b.String()))
}

func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, index, name string) {
	meta := strings.HasSuffix(name, ".metadata")
	fname := strings.TrimSuffix(name, ".metadata")
	for _, files := range s.ix.Files[index] {
		for _, f := range files {
			if f.Filename != fname {
				continue
			}
			if meta {
				if f.Metadata == nil || s.opts.NoMetadata {
					http.NotFound(w, r)
					return
				}
				writeBody(w, r, "application/octet-stream", f.Metadata)
				return
			}
			if !s.opts.NoRanges {
				w.Header().Set("Accept-Ranges", "bytes")
				if start, end, ok := parseRange(r.Header.Get("Range"), len(f.Data)); ok {
					w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, end, len(f.Data)))
					w.Header().Set("Content-Length", strconv.Itoa(end-start+1))
					w.WriteHeader(http.StatusPartialContent)
					w.Write(f.Data[start : end+1])
					return
				}
			}
			writeBody(w, r, "application/octet-stream", f.Data)
			return
		}
	}
	http.NotFound(w, r)
}

// parseRange understands the single-range forms clients use for zip central directories:
// "bytes=START-END", "bytes=START-" and "bytes=-SUFFIX".
func parseRange(h string, size int) (start, end int, ok bool) {
	spec, found := strings.CutPrefix(h, "bytes=")
	if !found || strings.Contains(spec, ",") || size == 0 {
		return 0, 0, false
	}
	a, b, found := strings.Cut(spec, "-")
	if !found {
		return 0, 0, false
	}
	switch {
	case a == "":
		n, err := strconv.Atoi(b)
		if err != nil || n <= 0 {
			return 0, 0, false
		}
		start, end = max(0, size-n), size-1
	default:
		var err error
		if start, err = strconv.Atoi(a); err != nil || start >= size {
			return 0, 0, false
		}
		end = size - 1
		if b != "" {
			if end, err = strconv.Atoi(b); err != nil || end < start {
				return 0, 0, false
			}
			end = min(end, size-1)
		}
	}
	return start, end, true
}

func writeBody(w http.ResponseWriter, r *http.Request, ctype string, body []byte) {
	etag := `"` + sha256Hex(body)[:16] + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", ctype)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only fixed, marshalable types reach here
	}
	return b
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

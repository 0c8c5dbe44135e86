package index

import (
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/depsolve/depsolve/internal/runlog"
	"github.com/depsolve/depsolve/pep440"
)

// TestRunlogOfCachedPages: a run that an Index answers from cached pages that are fresh
// makes no request, and tells the run's log the time within which every page it used,
// a cached "not found" included, stays fresh: from the latest fetch to the earliest
// staleness. A run that revalidates a stale page asks the index: a later run cannot
// check that answer again. Offline, freshness does not count.
func TestRunlogOfCachedPages(t *testing.T) {
	f := newFakeIndex(t)
	f.cacheControl = "max-age=600"
	f.add("pypi", makeWheel(t, "a-1.0-py3-none-any.whl", metadataText("a", "1.0", "Requires-Dist: b>=1"), 0))
	f.add("pypi", makeWheel(t, "b-1.0-py3-none-any.whl", metadataText("b", "1.0"), 0))
	f.add("pypi", makeWheel(t, "c-1.0-py3-none-any.whl", metadataText("c", "1.0"), 0))
	c := openCache(t, t.TempDir())
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(now time.Time, offline bool) *Index {
		// Prefetching on: its guesses read the cache too.
		return newIndex(t, Options{IndexURL: f.url("pypi"), Cache: c, Offline: offline, MaxPrefetch: 8,
			Now: func() time.Time { return now }})
	}
	read := func(ix *Index, names ...string) {
		t.Helper()
		for _, name := range names {
			rs, err := ix.Releases(context.Background(), name)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if len(rs) > 0 {
				if _, err := ix.Metadata(context.Background(), name, pep440.MustParse("1.0")); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
			}
		}
	}
	read(at(t0.Add(-50*time.Second), false), "missing")
	read(at(t0, false), "a", "b")
	read(at(t0.Add(100*time.Second), false), "c")

	t.Run("fresh", func(t *testing.T) {
		f.requests()
		l := runlog.Start()
		defer l.Stop()
		read(at(t0.Add(200*time.Second), false), "a", "b", "c", "missing")
		if got := f.requests(); got != nil {
			t.Fatalf("a warm run made requests: %q", got)
		}
		if why := l.Unrepeatable(); why != nil {
			t.Errorf("a run from fresh pages is unrepeatable: %q", why)
		}
		notBefore, notAfter := l.Freshness()
		if want := t0.Add(100 * time.Second); !notBefore.Equal(want) {
			t.Errorf("fresh from %v, want %v (c's fetch, the latest)", notBefore, want)
		}
		if want := t0.Add(550 * time.Second); !notAfter.Equal(want) {
			t.Errorf("fresh until %v, want %v (the not-found page's staleness, the earliest)", notAfter, want)
		}
	})
	t.Run("offline", func(t *testing.T) {
		l := runlog.Start()
		defer l.Stop()
		read(at(t0.Add(time.Hour), true), "a", "b", "c", "missing")
		if why := l.Unrepeatable(); why != nil {
			t.Errorf("an offline run is unrepeatable: %q", why)
		}
		if notBefore, notAfter := l.Freshness(); !notBefore.IsZero() || !notAfter.IsZero() {
			t.Errorf("an offline run told a freshness: %v to %v", notBefore, notAfter)
		}
	})
	t.Run("stale", func(t *testing.T) {
		l := runlog.Start()
		defer l.Stop()
		read(at(t0.Add(650*time.Second), false), "a")
		if why := l.Unrepeatable(); !slices.Contains(why, "a request to an index") {
			t.Errorf("a run that revalidated a stale page: unrepeatable for %q, want a request to an index", why)
		}
	})
}

// TestRunlogOfFindLinksFolder: a find-links folder and the archives in it are more to
// compare than to read: a run that reads them cannot be checked again cheaply.
func TestRunlogOfFindLinksFolder(t *testing.T) {
	dir := t.TempDir()
	w := makeWheel(t, "local_pkg-0.1-py3-none-any.whl", metadataText("local-pkg", "0.1"), 0)
	if err := os.WriteFile(filepath.Join(dir, w.filename), w.data, 0o644); err != nil {
		t.Fatal(err)
	}
	ix := newIndex(t, Options{NoIndex: true, FindLinks: []string{dir}, Offline: true})
	l := runlog.Start()
	defer l.Stop()
	ctx := context.Background()
	if _, err := ix.Releases(ctx, "local-pkg"); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Metadata(ctx, "local-pkg", pep440.MustParse("0.1")); err != nil {
		t.Fatal(err)
	}
	want := []string{"a find-links folder", localArchive}
	if got := l.Unrepeatable(); !slices.Equal(got, want) {
		t.Errorf("unrepeatable for %q, want %q", got, want)
	}
}

// TestRunlogOfNetrc: the credentials file is part of what a run read: its content, or
// its absence. One that is not a regular file (NETRC=/dev/stdin) cannot be read twice.
func TestRunlogOfNetrc(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "netrc")
	data := []byte("machine example.org login u password p\n")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "none")
	l := runlog.Start()
	defer l.Stop()
	if n := readNetrc(path); len(n.machines) != 1 {
		t.Fatalf("read %+v", n)
	}
	readNetrc(missing)
	want := []runlog.Observation{
		{Path: path, Kind: runlog.File, Digest: sha256.Sum256(data)},
		{Path: missing, Kind: runlog.Missing},
	}
	if got := l.Observations(); !slices.Equal(got, want) {
		t.Errorf("observed %+v, want %+v", got, want)
	}
	if runtime.GOOS == "windows" {
		return
	}
	readNetrc(os.DevNull)
	if got := l.Unrepeatable(); !slices.Equal(got, []string{"reading " + os.DevNull + ", which is not a regular file"}) {
		t.Errorf("reading %s: unrepeatable for %q", os.DevNull, got)
	}
}

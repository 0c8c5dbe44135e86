package index

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/depsolve/depsolve/pep440"
)

// sizedWheel builds a wheel of project name 1.0 whose entries are known, and
// returns it with the sum of their uncompressed sizes. body is a compressible
// entry of that many bytes, so that the installed size is far from the
// download size.
func sizedWheel(t testing.TB, name string, body int) (*dist, int64) {
	t.Helper()
	metadata := metadataText(name, "1.0")
	info := name + "-1.0.dist-info/"
	entries := []struct {
		name string
		data []byte
	}{
		{name + "/__init__.py", []byte("VALUE = 1\n")},
		{name + "/table.bin", bytes.Repeat([]byte("0123456789abcdef"), body/16)},
		{info + "METADATA", []byte(metadata)},
		{info + "WHEEL", []byte("Wheel-Version: 1.0\nGenerator: fixture\nRoot-Is-Purelib: true\n")},
		{info + "RECORD", []byte(name + "/__init__.py,,\n")},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var installed int64
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
		installed += int64(len(e.data))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return &dist{filename: name + "-1.0-py3-none-any.whl", data: buf.Bytes(), metadata: []byte(metadata)}, installed
}

func rangeRequests(log []string) (n int) {
	for _, l := range log {
		if strings.Contains(l, " bytes=") {
			n++
		}
	}
	return n
}

func TestSizesExact(t *testing.T) {
	ctx := context.Background()
	v := pep440.MustParse("1.0")
	for _, tc := range []struct {
		name                  string
		htmlOnly, noRanges    bool
		wantRanges, wantWhole int
	}{
		{name: "json pages, ranges", wantRanges: 1},
		{name: "html pages (no PEP 700 size), ranges", htmlOnly: true, wantRanges: 1},
		{name: "no range support", noRanges: true, wantRanges: 1, wantWhole: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeIndex(t)
			f.htmlOnly, f.noRanges = tc.htmlOnly, tc.noRanges
			d, installed := sizedWheel(t, "big", 1<<20)
			f.add("pypi", d)
			ix := newIndex(t, Options{IndexURL: f.url("pypi")})
			got, err := ix.Sizes(ctx, "big", v)
			if err != nil {
				t.Fatal(err)
			}
			want := Sizes{Filename: d.filename, Download: int64(len(d.data)), Installed: installed}
			if got != want {
				t.Errorf("sizes %+v, want %+v", got, want)
			}
			log := f.requests()
			whole := 0
			for _, l := range log {
				if strings.HasPrefix(l, "GET /files/") && !strings.Contains(l, " bytes=") {
					whole++
				}
			}
			if rangeRequests(log) != tc.wantRanges || whole != tc.wantWhole {
				t.Errorf("requests %q: want %d range requests and %d whole downloads", log, tc.wantRanges, tc.wantWhole)
			}
		})
	}
}

func TestSizesFindLinksAndSdist(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d, installed := sizedWheel(t, "local", 100_000)
	if err := os.WriteFile(filepath.Join(dir, d.filename), d.data, 0o644); err != nil {
		t.Fatal(err)
	}
	s := makeSdist(t, "src-1.0.tar.gz", metadataText("src", "1.0"))
	if err := os.WriteFile(filepath.Join(dir, s.filename), s.data, 0o644); err != nil {
		t.Fatal(err)
	}
	ix := newIndex(t, Options{NoIndex: true, FindLinks: []string{dir}, Offline: true})
	got, err := ix.Sizes(ctx, "local", pep440.MustParse("1.0"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Installed != installed || got.Download != int64(len(d.data)) {
		t.Errorf("find-links wheel: %+v, want installed %d, download %d", got, installed, len(d.data))
	}
	got, err = ix.Sizes(ctx, "src", pep440.MustParse("1.0"))
	if err != nil || got.InstalledUnknown == "" || got.Installed != 0 {
		t.Errorf("sdist: %+v, %v; want the installed size unknown, with the reason", got, err)
	}
}

// TestSizesRequests: on a cold run the installed size of a wheel whose metadata
// was read by range requests costs nothing more, and one whose metadata came
// from a PEP 658 file costs one range request; a warm run costs none.
func TestSizesRequests(t *testing.T) {
	ctx := context.Background()
	v := pep440.MustParse("1.0")
	for _, noMetadata := range []bool{false, true} {
		t.Run(fmt.Sprintf("noMetadata=%v", noMetadata), func(t *testing.T) {
			f := newFakeIndex(t)
			f.noMetadata = noMetadata
			want := map[string]int64{}
			for i := range 50 {
				name := fmt.Sprintf("p%02d", i)
				d, installed := sizedWheel(t, name, 1000*(i+1))
				f.add("pypi", d)
				want[name] = installed
			}
			dir := t.TempDir()
			for run, wantRanges := range []int{50, 0} {
				ix := newIndex(t, Options{IndexURL: f.url("pypi"), Cache: openCache(t, dir)})
				for name := range want {
					if _, err := ix.Metadata(ctx, name, v); err != nil {
						t.Fatal(err)
					}
				}
				before := rangeRequests(f.requests())
				if run == 0 && noMetadata && before != 50 {
					t.Fatalf("metadata by range: %d range requests, want 50", before)
				}
				for name, installed := range want {
					got, err := ix.Sizes(ctx, name, v)
					if err != nil || got.Installed != installed {
						t.Fatalf("%s: %+v, %v; want installed %d", name, got, err, installed)
					}
				}
				if noMetadata {
					wantRanges = 0 // the metadata's range reads brought the directories
				}
				if got := rangeRequests(f.requests()); got != wantRanges {
					t.Errorf("run %d: sizes took %d range requests, want %d", run, got, wantRanges)
				}
			}
		})
	}
}

// TestSizesUncheckedNotShared: sizes read by range requests are one index's
// word; another index that claims the same hash for its own file gets its own
// file's sizes.
func TestSizesUncheckedNotShared(t *testing.T) {
	ctx := context.Background()
	v := pep440.MustParse("1.0")
	f := newFakeIndex(t)
	honest, _ := sizedWheel(t, "pkg", 1000)
	f.add("honest", honest)
	hostile, hostileInstalled := sizedWheel(t, "pkg", 500_000)
	f.add("hostile", hostile)
	// The hostile page claims the honest wheel's hash for its own file.
	f.garbage["/hostile/simple/pkg/"] = fmt.Sprintf(`<a href="/files/hostile/%s#sha256=%s">%s</a>`, hostile.filename, sha(honest.data), hostile.filename)
	dir := t.TempDir()
	if _, err := newIndex(t, Options{IndexURL: f.url("honest"), Cache: openCache(t, dir)}).Sizes(ctx, "pkg", v); err != nil {
		t.Fatal(err)
	}
	got, err := newIndex(t, Options{IndexURL: f.url("hostile"), Cache: openCache(t, dir)}).Sizes(ctx, "pkg", v)
	if err != nil {
		t.Fatal(err)
	}
	if got.Installed != hostileInstalled {
		t.Errorf("hostile index's file: installed %d, want its own %d (not the honest file's, cached unchecked)", got.Installed, hostileInstalled)
	}
}

// TestSizesPrefetchedBesideMetadata: with PrefetchSizes, the range read of a wheel's
// sizes goes out beside the request for its metadata file, not after it, and Sizes
// then makes no request of its own.
func TestSizesPrefetchedBesideMetadata(t *testing.T) {
	ctx := context.Background()
	v := pep440.MustParse("1.0")
	f := newFakeIndex(t)
	d, installed := sizedWheel(t, "big", 1<<20)
	f.add("pypi", d)
	ix := newIndex(t, Options{IndexURL: f.url("pypi"), PrefetchSizes: true})
	if _, err := ix.Releases(ctx, "big"); err != nil {
		t.Fatal(err)
	}
	f.requests()
	b := f.holdRequests(2, 3*time.Second, func(path string) bool { return strings.HasPrefix(path, "/files/") })
	if md, err := ix.Metadata(ctx, "big", v); err != nil || md.Unavailable != "" {
		t.Fatalf("Metadata: %+v, %v", md, err)
	}
	got, err := ix.Sizes(ctx, "big", v)
	if want := (Sizes{Filename: d.filename, Download: int64(len(d.data)), Installed: installed}); err != nil || got != want {
		t.Errorf("Sizes = %+v, %v; want %+v", got, err, want)
	}
	if b.missed() {
		t.Error("the range read of the sizes did not go out beside the metadata request")
	}
	if log := f.requests(); len(log) != 2 || rangeRequests(log) != 1 {
		t.Errorf("requests %q: want the metadata file and one range read", log)
	}
}

// TestSizesPrefetchFetchesNoWholeFile: where the server serves no ranges, only the
// whole wheel would tell its sizes; a prefetch does not fetch it for a version the
// resolver may never pick.
func TestSizesPrefetchFetchesNoWholeFile(t *testing.T) {
	ctx := context.Background()
	f := newFakeIndex(t)
	f.noRanges = true
	d, _ := sizedWheel(t, "big", 1<<20)
	f.add("pypi", d)
	ix := newIndex(t, Options{IndexURL: f.url("pypi"), PrefetchSizes: true})
	if md, err := ix.Metadata(ctx, "big", pep440.MustParse("1.0")); err != nil || md.Unavailable != "" {
		t.Fatalf("Metadata: %+v, %v", md, err)
	}
	for prefetching := true; prefetching; runtime.Gosched() {
		ix.mu.Lock()
		_, prefetching = ix.flights["sizes "+f.srv.URL+"/files/pypi/"+d.filename]
		ix.mu.Unlock()
	}
	log := f.requests()
	if rangeRequests(log) != 1 {
		t.Errorf("requests %q: want one range read, the prefetch's", log)
	}
	for _, l := range log {
		if l == "GET /files/pypi/"+d.filename {
			t.Errorf("the prefetch downloaded the whole wheel: %s", l)
		}
	}
}

// TestSizesAtHand: SizesAtHand answers what needs no request (a project not listed
// yet, or a wheel whose sizes nothing read, is not at hand) and asks nothing; its
// answers are Sizes' own, from memory on the run that read them and from the cache
// on the next.
func TestSizesAtHand(t *testing.T) {
	ctx := context.Background()
	v := pep440.MustParse("1.0")
	f := newFakeIndex(t)
	d, installed := sizedWheel(t, "big", 100_000)
	f.add("pypi", d)
	want := Sizes{Filename: d.filename, Download: int64(len(d.data)), Installed: installed}
	dir := t.TempDir()

	ix := newIndex(t, Options{IndexURL: f.url("pypi"), Cache: openCache(t, dir)})
	if got, ok := ix.SizesAtHand("big", v); ok {
		t.Errorf("before the project was listed: %+v at hand", got)
	}
	if _, err := ix.Metadata(ctx, "big", v); err != nil {
		t.Fatal(err)
	}
	f.requests() // forget those so far
	if got, ok := ix.SizesAtHand("big", v); ok {
		t.Errorf("before any read of the wheel's directory: %+v at hand", got)
	}
	if log := f.requests(); len(log) > 0 {
		t.Errorf("SizesAtHand made requests: %q", log)
	}
	if got, err := ix.Sizes(ctx, "big", v); err != nil || got != want {
		t.Fatalf("Sizes = %+v, %v; want %+v", got, err, want)
	}
	if got, ok := ix.SizesAtHand("big", v); !ok || got != want {
		t.Errorf("after Sizes: %+v, %v; want %+v at hand", got, ok, want)
	}

	warm := newIndex(t, Options{IndexURL: f.url("pypi"), Cache: openCache(t, dir)})
	if _, err := warm.Releases(ctx, "big"); err != nil {
		t.Fatal(err)
	}
	f.requests()
	if got, ok := warm.SizesAtHand("big", v); !ok || got != want {
		t.Errorf("next run, from the cache: %+v, %v; want %+v at hand", got, ok, want)
	}
	if log := f.requests(); len(log) > 0 {
		t.Errorf("SizesAtHand made requests on a warm run: %q", log)
	}
}

package index

import (
	"context"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/depsolve/depsolve/internal/wire"
	"github.com/depsolve/depsolve/pep425"
	"github.com/depsolve/depsolve/resolver"
	"github.com/google/go-cmp/cmp"
)

// projectReading is everything a run reads of a project: its releases, the files and
// metadata of each usable release, and the warnings on the way.
type projectReading struct {
	Releases []releaseSummary
	Files    map[string][]File
	Metadata map[string]resolver.Metadata
	Warnings []string
}

func readProject(t *testing.T, opts Options, name string) projectReading {
	t.Helper()
	var got projectReading
	opts.Warn = func(msg string) { got.Warnings = append(got.Warnings, msg) }
	ix := newIndex(t, opts)
	ctx := context.Background()
	rs, err := ix.Releases(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	got.Releases = summarize(rs)
	got.Files, got.Metadata = map[string][]File{}, map[string]resolver.Metadata{}
	for _, r := range rs {
		if r.Unavailable != "" {
			continue
		}
		if got.Files[r.Version.String()], err = ix.Files(ctx, name, r.Version); err != nil {
			t.Fatal(err)
		}
		if got.Metadata[r.Version.String()], err = ix.Metadata(ctx, name, r.Version); err != nil {
			t.Fatal(err)
		}
	}
	return got
}

// TestProjectViewReadsAsBuilt checks that a project read from its cached view is the
// project built from its pages: releases (yanked, Requires-Python, unavailable and why),
// the files of each with their index, the metadata read through them, and the warnings
// about the pages' files, for a project merged from two indexes.
func TestProjectViewReadsAsBuilt(t *testing.T) {
	f := newFakeIndex(t)
	f.cacheControl = "max-age=600"
	meta := func(v string) string { return metadataText("demo", v, "Requires-Dist: six") }
	f.add("pypi", makeWheel(t, "demo-2.0-cp311-cp311-manylinux_2_17_x86_64.whl", meta("2.0"), 0)).requires = ">=3.9"
	f.add("pypi", makeWheel(t, "demo-2.0-cp311-cp311-win_amd64.whl", meta("2.0"), 0)).requires = ">=3.9"
	f.add("pypi", makeSdist(t, "demo-2.0.tar.gz", meta("2.0"))).requires = ">=3.9"
	f.add("pypi", makeWheel(t, "demo-1.9-cp39-cp39-manylinux_2_17_x86_64.whl", meta("1.9"), 0))
	f.add("pypi", makeWheel(t, "demo-1.8-py3-none-any.whl", meta("1.8"), 0)).yanked = "broken"
	f.add("pypi", makeWheel(t, "demo-1.7-py3-none-any.whl", meta("1.7"), 0)).requires = "\x01>=3"
	f.add("extra", makeWheel(t, "demo-1.7-1-py3-none-any.whl", meta("1.7"), 0))
	f.add("extra", makeWheel(t, "demo-1.6-py3-none-any.whl", meta("1.6"), 0))
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	opts := Options{IndexURL: f.url("pypi"), ExtraIndexURLs: []string{f.url("extra")}, Strategy: UnsafeBestMatch,
		Now: func() time.Time { return now }}

	want := readProject(t, opts, "demo") // no cache: built from the pages
	if len(want.Warnings) == 0 || len(want.Files) < 4 {
		t.Fatalf("the fixture lost its point: %d warnings, %d usable releases", len(want.Warnings), len(want.Files))
	}
	opts.Cache = openCache(t, t.TempDir())
	for _, run := range []string{"cold", "warm, building the view", "warm, from the view"} {
		if got := readProject(t, opts, "demo"); !cmp.Equal(got, want) {
			t.Errorf("%s run differs:\n%s", run, cmp.Diff(want, got))
		}
	}
	ix := newIndex(t, opts)
	var pages []sourcePage
	for _, s := range ix.indexes {
		pageURL := projectPageURL(s, "demo")
		head, found, err := opts.Cache.GetPageHead(pageURL)
		if !found || err != nil {
			t.Fatalf("%s: no head: %v", pageURL, err)
		}
		pages = append(pages, sourcePage{src: s, pageURL: pageURL, fp: &fetchedPage{key: head.ParsedKey}})
	}
	if _, found, _ := opts.Cache.GetParsed(ix.viewKey("demo", pages)); !found {
		t.Error("no view of the project was stored")
	}
}

// TestWarmProjectReadsOnlyWhatItUses checks that a project read from the cache costs
// allocations by the release, not by the file: the files of a release are decoded
// when it is asked for. A project of 300 releases of 12 wheels each, against one of a
// single release for what a run costs whatever the project.
func TestWarmProjectReadsOnlyWhatItUses(t *testing.T) {
	f := newFakeIndex(t)
	f.cacheControl = "max-age=600"
	f.noMetadata = true
	const releases = 300
	platforms := []string{"manylinux_2_17_x86_64", "manylinux_2_17_aarch64", "win_amd64", "macosx_11_0_arm64"}
	for _, project := range []struct {
		name     string
		releases int
	}{{"big", releases}, {"small", 1}} {
		for i := range project.releases {
			for _, py := range []string{"cp310", "cp311", "cp312"} {
				for _, plat := range platforms {
					filename := fmt.Sprintf("%s-1.%d-%s-%s-%s.whl", project.name, i, py, py, plat)
					f.add("pypi", &dist{filename: filename, data: []byte("x")})
				}
			}
		}
	}
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	opts := Options{IndexURL: f.url("pypi"), Cache: openCache(t, t.TempDir()), Now: func() time.Time { return now }}
	ctx := context.Background()
	allocs := func(name string) float64 {
		read := func() {
			ix := newIndex(t, opts)
			rs, err := ix.Releases(ctx, name)
			if err != nil || len(rs) == 0 {
				t.Fatalf("%s: %d releases, %v", name, len(rs), err)
			}
			if files, err := ix.Files(ctx, name, rs[0].Version); err != nil || len(files) != 1 {
				t.Fatalf("%s: %d files, %v", name, len(files), err)
			}
		}
		read() // cold
		read() // warm: builds the view
		return testing.AllocsPerRun(5, read)
	}
	perRelease := (allocs("big") - allocs("small")) / (releases - 1)
	// Building a release allocates some 10 times per file, 120 times here; reading it
	// from its view, a few times.
	if perRelease > 10 {
		t.Errorf("a warm read of a project allocates %.1f times per release, want at most 10", perRelease)
	}
}

// BenchmarkWarmProject reads a project of 300 releases of 12 wheels each from a warm
// cache, as a warm check does: its releases, then the files of the one it picks.
// go test ./index -run '^$' -bench WarmProject -benchmem
func BenchmarkWarmProject(b *testing.B) {
	f := newFakeIndex(b)
	f.cacheControl = "max-age=600"
	f.noMetadata = true
	platforms := []string{"manylinux_2_17_x86_64", "manylinux_2_17_aarch64", "win_amd64", "macosx_11_0_arm64"}
	for i := range 300 {
		for _, py := range []string{"cp310", "cp311", "cp312"} {
			for _, plat := range platforms {
				f.add("pypi", &dist{filename: fmt.Sprintf("big-1.%d-%s-%s-%s.whl", i, py, py, plat), data: []byte("x")})
			}
		}
	}
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	opts := Options{IndexURL: f.url("pypi"), Cache: openCache(b, b.TempDir()), Now: func() time.Time { return now }}
	ctx := context.Background()
	read := func() {
		ix := newIndex(b, opts)
		rs, err := ix.Releases(ctx, "big")
		if err != nil || len(rs) == 0 {
			b.Fatalf("%d releases, %v", len(rs), err)
		}
		if _, err := ix.Files(ctx, "big", rs[0].Version); err != nil {
			b.Fatal(err)
		}
	}
	read() // cold: fills the cache
	b.ReportAllocs()
	for b.Loop() {
		read()
	}
}

// targetKeyOf hashes each tag as its wire string, and so names the views cached
// before it stopped building those strings.
func TestTargetKeyHashesTagStrings(t *testing.T) {
	s, err := pep425.NewSupported(target(t, "3.11", "manylinux_2_35_x86_64"))
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%#v", s.Target())
	for _, tag := range s.Tags() {
		h.Write(wire.AppendString(nil, tag.String()))
	}
	if got, want := targetKeyOf(s), string(h.Sum(nil)); got != want {
		t.Errorf("targetKeyOf = %x, want %x", got, want)
	}
	if allocs := testing.AllocsPerRun(5, func() { targetKeyOf(s) }); allocs > 20 {
		t.Errorf("targetKeyOf allocates %.0f times for %d tags, want at most 20", allocs, len(s.Tags()))
	}
}

package index

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestPinnedIndex: a project pinned to an index is taken from it alone, under either
// strategy, even when the index serves no other project (uv's explicit index); the
// projects not pinned never ask it.
func TestPinnedIndex(t *testing.T) {
	f := newFakeIndex(t)
	f.add("cu124", makeWheel(t, "torch-2.5.1+cu124-py3-none-any.whl", metadataText("torch", "2.5.1+cu124"), 0))
	f.add("cu124", makeWheel(t, "six-9.0-py3-none-any.whl", metadataText("six", "9.0"), 0))
	f.add("pypi", makeWheel(t, "torch-2.5.1-py3-none-any.whl", metadataText("torch", "2.5.1"), 0))
	f.add("pypi", makeWheel(t, "six-1.16.0-py3-none-any.whl", metadataText("six", "1.16.0"), 0))
	ctx := context.Background()

	for _, strategy := range []Strategy{FirstIndex, UnsafeBestMatch} {
		ix := newIndex(t, Options{IndexURL: f.url("pypi"), Strategy: strategy, PinnedIndexes: map[string]string{"torch": f.url("cu124")}})
		rs, err := ix.Releases(ctx, "torch")
		if err != nil || len(rs) != 1 || rs[0].Version.String() != "2.5.1+cu124" {
			t.Errorf("strategy %d: torch %v, %v", strategy, summarize(rs), err)
		}
		rs, err = ix.Releases(ctx, "six")
		if err != nil || len(rs) != 1 || rs[0].Version.String() != "1.16.0" {
			t.Errorf("strategy %d: six %v, %v", strategy, summarize(rs), err)
		}
		if got := ix.LocationsOf("torch"); !slices.Equal(got, []string{f.url("cu124")}) {
			t.Errorf("torch is looked for on %q", got)
		}
	}
	if reqs := f.requests(); slices.Contains(reqs, "GET /pypi/simple/torch/") || slices.Contains(reqs, "GET /cu124/simple/six/") {
		t.Errorf("asked %q", reqs)
	}
}

// TestNoIndexAsksNoIndex: NoIndex drops every index, as pip's --no-index ignores
// --index-url and --extra-index-url alike; a pinned project comes from the find-links
// locations with the others. The server hears nothing.
func TestNoIndexAsksNoIndex(t *testing.T) {
	f := newFakeIndex(t)
	f.add("pypi", makeWheel(t, "six-9.0-py3-none-any.whl", metadataText("six", "9.0"), 0))
	f.add("extra", makeWheel(t, "six-9.1-py3-none-any.whl", metadataText("six", "9.1"), 0))
	f.add("cu124", makeWheel(t, "torch-2.5.1+cu124-py3-none-any.whl", metadataText("torch", "2.5.1+cu124"), 0))
	dir := t.TempDir()
	for _, w := range []*dist{
		makeWheel(t, "six-1.16.0-py3-none-any.whl", metadataText("six", "1.16.0"), 0),
		makeWheel(t, "torch-2.5.1-py3-none-any.whl", metadataText("torch", "2.5.1"), 0),
	} {
		if err := os.WriteFile(filepath.Join(dir, w.filename), w.data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ix := newIndex(t, Options{NoIndex: true, IndexURL: f.url("pypi"), ExtraIndexURLs: []string{f.url("extra")},
		PinnedIndexes: map[string]string{"torch": f.url("cu124")}, FindLinks: []string{dir}})
	ctx := context.Background()
	for name, want := range map[string]string{"six": "1.16.0", "torch": "2.5.1"} {
		rs, err := ix.Releases(ctx, name)
		if err != nil || len(rs) != 1 || rs[0].Version.String() != want {
			t.Errorf("%s: %v, %v; want %s from the find-links folder alone", name, summarize(rs), err, want)
		}
	}
	if reqs := f.requests(); len(reqs) != 0 {
		t.Errorf("--no-index asked the index server %q", reqs)
	}
}

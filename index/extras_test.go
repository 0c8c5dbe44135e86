package index

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
)

// TestExtraDependenciesPrefetched: root[x] needs a and c through its extra and d
// without one; the resolver asks for their pages one after another, and the three can
// only be answered once all are asked for at once: the extra's dependencies are
// guessed beside the base ones when root's metadata lands.
func TestExtraDependenciesPrefetched(t *testing.T) {
	f := newFakeIndex(t)
	f.add("pypi", makeWheel(t, "root-1.0-py3-none-any.whl", metadataText("root", "1.0",
		`Requires-Dist: a; extra == "x"`, `Requires-Dist: c; extra == "X"`, "Requires-Dist: d", `Requires-Dist: e; extra == "other"`), 0))
	for _, name := range []string{"a", "c", "d", "e"} {
		f.add("pypi", makeWheel(t, name+"-1.0-py3-none-any.whl", metadataText(name, "1.0"), 0))
	}
	ix := newIndex(t, Options{
		IndexURL: f.url("pypi"), MaxPrefetch: 100,
		Environment: map[string]string{"sys_platform": "linux", "python_version": "3.11", "platform_system": "Linux"},
	})
	ctx := context.Background()
	root, err := pep508.ParseRequirement("root[X]")
	if err != nil {
		t.Fatal(err)
	}
	ix.Prefetch(root)
	if _, err := ix.Releases(ctx, "root"); err != nil {
		t.Fatal(err)
	}
	b := f.holdRequests(3, 2*time.Second, func(path string) bool {
		return path == "/pypi/simple/a/" || path == "/pypi/simple/c/" || path == "/pypi/simple/d/"
	})
	// A resolver's walk: one question at a time.
	if _, err := ix.Metadata(ctx, "root", pep440.MustParse("1.0")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a", "c", "d"} {
		if rs, err := ix.Releases(ctx, name); err != nil || len(rs) != 1 {
			t.Fatalf("%s: %v, %v", name, rs, err)
		}
	}
	if b.missed() {
		t.Errorf("the pages of root[x]'s dependencies were fetched one after another")
	}
	ix.Close()
	for _, r := range f.requests() {
		if strings.Contains(r, "/e/") {
			t.Errorf("prefetched %s, which only an extra nobody asked for needs", r)
		}
	}
}

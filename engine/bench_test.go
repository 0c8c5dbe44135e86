package engine

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/depsolve/depsolve/internal/fakeindex"
	"github.com/depsolve/depsolve/target"
)

// BenchmarkWarmCheck measures a check answered from the cache: the bundled example
// (torch 2.5.1, 25 packages) against an in-process index, once to fill the cache and then
// offline, so that every page, metadata file and size comes from the cache as it does
// within an index's max-age. A process pays this plus its start (scripts/bench.sh).
func BenchmarkWarmCheck(b *testing.B) {
	snap, err := fakeindex.Load("../examples/cuda/snapshot.json")
	if err != nil {
		b.Fatal(err)
	}
	ix, err := fakeindex.Build(snap)
	if err != nil {
		b.Fatal(err)
	}
	srv := fakeindex.Serve(ix, fakeindex.Options{})
	defer srv.Close()
	dir := b.TempDir()
	config := filepath.Join(dir, "none.toml")
	if err := os.WriteFile(config, nil, 0o644); err != nil {
		b.Fatal(err)
	}
	req := Request{
		Requirements: []string{"../examples/cuda/requirements.txt"},
		IndexURL:     srv.IndexURL("pypi"),
		CacheDir:     filepath.Join(dir, "cache"),
		Config:       config,
		Sizes:        true,
		Target: target.Declaration{Python: flag("python", "3.11.9"), Platform: flag("platform", "manylinux_2_35_x86_64"),
			Driver: flag("driver", "550.54.15")},
	}
	check := func() {
		v, err := Check(context.Background(), req)
		if err != nil || v.Status != "ok" || len(v.Packages) != 25 {
			b.Fatalf("check: %v, %+v", err, v)
		}
	}
	check()
	req.Offline = true
	b.ReportAllocs()
	for b.Loop() {
		check()
	}
}

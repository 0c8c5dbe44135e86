package engine

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/depsolve/depsolve/cache"
	"github.com/depsolve/depsolve/internal/fakeindex"
	"github.com/depsolve/depsolve/target"
	bolt "go.etcd.io/bbolt"
)

// TestCheckWaitsForItsCacheWrites: the cache writes behind a run's puts, and Check
// returns only once they are in the file, so that the next run finds them. Another
// process reads the cache file (a shared lock) while the check runs, holding its
// commits back until well after a cold check of the example would have returned;
// then an offline check must find everything in the file.
func TestCheckWaitsForItsCacheWrites(t *testing.T) {
	snap, err := fakeindex.Load("../examples/cuda/snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	ix, err := fakeindex.Build(snap)
	if err != nil {
		t.Fatal(err)
	}
	srv := fakeindex.Serve(ix, fakeindex.Options{})
	defer srv.Close()
	dir := t.TempDir()
	config := filepath.Join(dir, "none.toml")
	if err := os.WriteFile(config, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cacheDir := filepath.Join(dir, "cache")
	// Opening creates the file and runs the day's prune now, not under the lock below.
	if _, err := cache.Open(cacheDir, cache.Options{}); err != nil {
		t.Fatal(err)
	}
	reader, err := bolt.Open(filepath.Join(cacheDir, cache.FileName), 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	release := time.AfterFunc(2*time.Second, func() { reader.Close() })
	defer release.Stop()

	req := Request{
		Requirements: []string{"../examples/cuda/requirements.txt"},
		IndexURL:     srv.IndexURL("pypi"),
		CacheDir:     cacheDir,
		Config:       config,
		Target: target.Declaration{Python: flag("python", "3.11.9"), Platform: flag("platform", "manylinux_2_35_x86_64"),
			Driver: flag("driver", "550.54.15")},
	}
	var r recorder
	req.Reporter = &r
	if v, err := Check(context.Background(), req); err != nil || v.Status != "ok" {
		t.Fatalf("cold check: %v, %+v", err, v)
	}
	req.Offline = true
	if v, err := Check(context.Background(), req); err != nil || v.Status != "ok" {
		t.Fatalf("offline check after the cold one: %v, %+v", err, v)
	}
	if len(r.warnings) != 0 {
		t.Errorf("warnings: %q", r.warnings)
	}
}

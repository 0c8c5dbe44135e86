package cache

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func pageURL(i int) string { return fmt.Sprintf("https://pypi.example/simple/project-%d/", i) }

func pageBody(i int) []byte {
	return bytes.Repeat([]byte(fmt.Sprintf("<a href='project-%d.whl'>project %d</a>\n", i, i)), 40)
}

// filledCache returns the path of a cache file holding n pages.
func filledCache(t *testing.T, n int) string {
	t.Helper()
	c, _ := openTest(t, t.TempDir(), Options{})
	for i := range n {
		p := samplePage("")
		p.Body = pageBody(i)
		if err := c.PutPage(pageURL(i), p); err != nil {
			t.Fatal(err)
		}
	}
	return c.Path()
}

// checkPages reads the n pages of filledCache through c: each must be the one stored or a
// miss, and no Get may fail.
func checkPages(t *testing.T, c *Cache, n int) (found int) {
	t.Helper()
	for i := range n {
		p, ok, err := c.GetPage(pageURL(i))
		if err != nil {
			t.Fatalf("GetPage(%d): %v", i, err)
		}
		if ok {
			found++
			if !bytes.Equal(p.Body, pageBody(i)) || p.FetchedAt != fetched {
				t.Fatalf("GetPage(%d) returned a wrong page: %.60q", i, p.Body)
			}
		}
	}
	return found
}

// checkUsable stores and reads back one entry.
func checkUsable(t *testing.T, c *Cache) {
	t.Helper()
	key := MatrixKey(digest([]byte("usable")))
	if err := c.PutMatrix(key, []byte("compiled")); err != nil {
		t.Fatal(err)
	}
	if v, found, err := c.GetMatrix(key); err != nil || !found || string(v) != "compiled" {
		t.Fatalf("GetMatrix after recovery = %q, %v, %v", v, found, err)
	}
}

// checkMovedAside checks that warning names the damaged file and where it went, and
// that it is there, with the damaged bytes unless damaged is nil (a write may have
// changed the file before the damage showed).
func checkMovedAside(t *testing.T, dir string, warning string, damaged []byte) {
	t.Helper()
	if !strings.HasPrefix(warning, "cache file "+filepath.Join(dir, FileName)+" is damaged") {
		t.Fatalf("warning %q is not about the damaged file", warning)
	}
	asides, _ := filepath.Glob(filepath.Join(dir, FileName+".corrupt-*"))
	if len(asides) != 1 || !strings.HasSuffix(warning, "moved it to "+asides[0]+" and starting an empty cache") {
		t.Fatalf("files moved aside: %q; warning: %q", asides, warning)
	}
	kept, err := os.ReadFile(asides[0])
	if err != nil {
		t.Fatal(err)
	}
	if damaged != nil && !bytes.Equal(kept, damaged) {
		t.Error("the file moved aside is not the damaged file")
	}
}

// pagesInUse returns bbolt's page size and high-water mark for the file at path.
func pagesInUse(t *testing.T, path string) (pageSize, used int) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	pageSize = db.Info().PageSize
	db.View(func(tx *bolt.Tx) error { used = int(tx.Size()) / pageSize; return nil })
	return pageSize, used
}

// lastLeaf returns the highest-numbered leaf page in use in the file at path.
func lastLeaf(t *testing.T, path string) int {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, PreLoadFreelist: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	leaf := 0
	db.View(func(tx *bolt.Tx) error {
		for id := int(tx.Size())/db.Info().PageSize - 1; id > 1 && leaf == 0; id-- {
			if info, err := tx.Page(id); err == nil && info != nil && info.Type == "leaf" {
				leaf = id
			}
		}
		return nil
	})
	if leaf == 0 {
		t.Fatal("no leaf page")
	}
	return leaf
}

func TestGarbageFile(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	garbage := make([]byte, 64<<10)
	for i := range garbage {
		garbage[i] = byte(rng.Uint32())
	}
	path := filledCache(t, 50)
	valid, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pageSize, _ := pagesInUse(t, path)
	// The last leaf lies past the end of the file cut there, but inside bbolt's mapping,
	// which rounds the size up to a power of two: reading the leaf faults (SIGBUS), and
	// SetPanicOnFault turns the fault into a panic.
	cut := lastLeaf(t, path) * pageSize
	faultCause := "invalid memory address" // how a fault panics
	if cut&(cut-1) == 0 || runtime.GOOS != "linux" {
		faultCause = "bbolt panicked" // the mapping ends at the cut, or another OS
	}
	tests := []struct {
		name  string
		data  []byte
		cause string // in the warning
	}{
		{"random bytes", garbage, "invalid database"},
		{"text", []byte(strings.Repeat("this is not a database\n", 1000)), "invalid database"},
		{"truncated below two pages", valid[:5000], "file size too small"},
		// The meta pages are intact and point at pages past the end of the file, where
		// bbolt reads zeros or unmapped memory.
		{"truncated to a quarter", valid[:len(valid)/4], "bbolt panicked"},
		{"truncated inside the mapping", valid[:cut], faultCause},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, FileName), tt.data, 0o600); err != nil {
				t.Fatal(err)
			}
			// A read-only cache reports the damage and leaves the file alone.
			ro, err := Open(dir, Options{ReadOnly: true})
			for i := 0; err == nil && i < 50; i++ {
				_, _, err = ro.GetPage(pageURL(i))
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("read-only use of a damaged file: %v, want ErrCorrupt", err)
			}
			if names := dirNames(t, dir); len(names) != 1 {
				t.Errorf("a read-only cache changed the directory: %q", names)
			}

			c, w := openTest(t, dir, Options{})
			checkPages(t, c, 50)
			checkUsable(t, c)
			got := w.list()
			if len(got) != 1 {
				t.Fatalf("warnings = %q, want one", got)
			}
			checkMovedAside(t, dir, got[0], tt.data)
			if !strings.Contains(got[0], tt.cause) {
				t.Errorf("warning %q does not give the cause %q", got[0], tt.cause)
			}
		})
	}
}

// TestGarbagePages writes random bytes over a few pages inside a valid file, many times.
// Whatever bbolt makes of them, every Get returns the stored value or a miss, never an
// error or a wrong value, and the cache goes on working.
func TestGarbagePages(t *testing.T) {
	const n = 300
	path := filledCache(t, n)
	pristine, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pageSize, used := pagesInUse(t, path)
	if used < 20 {
		t.Fatalf("only %d pages in use; the test needs more", used)
	}

	detected := 0
	for seed := range uint64(40) {
		rng := rand.New(rand.NewPCG(seed, 7))
		damaged := bytes.Clone(pristine)
		// Pages 0 and 1 are the meta pages; "all" garbles every other page.
		first, count := 2+rng.IntN(used-4), 1+rng.IntN(3)
		if seed == 0 {
			first, count = 2, used-2
		}
		for i := first * pageSize; i < (first+count)*pageSize && i < len(damaged); i++ {
			damaged[i] = byte(rng.Uint32())
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, FileName), damaged, 0o600); err != nil {
			t.Fatal(err)
		}
		c, w := openTest(t, dir, Options{})
		writeFirst := seed%2 == 1
		if writeFirst {
			checkUsable(t, c) // the writer loads the free list and reuses pages
		}
		found := checkPages(t, c, n)
		checkUsable(t, c)
		// Damage shows as a file moved aside, as values discarded, or both.
		movedAside := false
		for i, msg := range w.list() {
			if strings.Contains(msg, "discarded a damaged entry") {
				continue
			}
			movedAside = true
			// Writing first, or deleting a damaged entry, changes the file before it
			// goes aside.
			if writeFirst || i > 0 {
				checkMovedAside(t, dir, msg, nil)
			} else {
				checkMovedAside(t, dir, msg, damaged)
			}
		}
		switch {
		case len(w.list()) > 0:
			detected++
		case found != n:
			t.Errorf("seed %d: %d of %d pages lost without a warning", seed, n-found, n)
		}
		if seed == 0 && !movedAside {
			t.Error("a file with every data page garbled was not moved aside")
		}
	}
	t.Logf("damage detected in %d of 40 files", detected)
	if detected < 20 {
		t.Errorf("damage detected in only %d of 40 files", detected)
	}
}

// TestConcurrentRecovery has eight handles find the same damaged file at once: each
// operation succeeds, and the file is moved aside once.
func TestConcurrentRecovery(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), bytes.Repeat([]byte{0xde, 0xad}, 8192), 0o600); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var all []string
	for g := range 8 {
		wg.Go(func() {
			w := new(warnings)
			c, err := Open(dir, Options{Warn: w.add})
			if err != nil {
				t.Errorf("handle %d: Open: %v", g, err)
				return
			}
			for i := range 20 {
				key := MatrixKey(digest(fmt.Appendf(nil, "%d-%d", g, i)))
				if err := c.PutMatrix(key, []byte("v")); err != nil {
					t.Errorf("handle %d: PutMatrix: %v", g, err)
				}
				if _, _, err := c.GetMatrix(key); err != nil {
					t.Errorf("handle %d: GetMatrix: %v", g, err)
				}
			}
			mu.Lock()
			all = append(all, w.list()...)
			mu.Unlock()
		})
	}
	wg.Wait()
	asides, _ := filepath.Glob(filepath.Join(dir, FileName+".corrupt-*"))
	if len(asides) != 1 || len(all) != 1 {
		t.Errorf("moved aside: %q; warnings: %q; want one of each", asides, all)
	}
	c, _ := openTest(t, dir, Options{})
	info, err := c.Info()
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Corrupt) != 1 {
		t.Errorf("Info.Corrupt = %q", info.Corrupt)
	}
	// Entries written before another handle replaced the file may be gone; those
	// written after must all be there.
	if info.Matrices == 0 {
		t.Error("no entry survived")
	}
}

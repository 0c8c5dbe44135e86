package cache

import (
	"errors"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// holdLock opens the cache file with bbolt directly, as another process would, and keeps
// it open until the test ends.
func holdLock(t *testing.T, path string, readOnly bool) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: readOnly, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
}

func TestOpenLocked(t *testing.T) {
	dir := t.TempDir()
	c, _ := openTest(t, dir, Options{})
	holdLock(t, c.Path(), false)
	for _, readOnly := range []bool{false, true} {
		_, err := Open(dir, Options{Timeout: 100 * time.Millisecond, ReadOnly: readOnly})
		if !errors.Is(err, ErrLocked) {
			t.Errorf("Open(ReadOnly: %v) while another handle writes: %v, want ErrLocked", readOnly, err)
		}
		if err != nil && !strings.Contains(err.Error(), c.Path()) {
			t.Errorf("the error %q does not name the file", err)
		}
	}
}

func TestLockedCacheDegrades(t *testing.T) {
	dir := t.TempDir()
	c, w := openTest(t, dir, Options{Timeout: 100 * time.Millisecond})
	holdLock(t, c.Path(), false)

	if err := c.PutPage("https://x/simple/a/", samplePage("b")); err != nil {
		t.Errorf("PutPage on a locked cache: %v, want nil (skipped)", err)
	}
	got := w.list()
	if len(got) != 1 || !strings.Contains(got[0], "locked by another process") || !strings.Contains(got[0], "continuing without the cache") {
		t.Fatalf("warnings = %q, want one about the lock", got)
	}
	// From now on every operation gives up at once, without a second warning.
	if _, found, err := c.GetPage("https://x/simple/a/"); found || !errors.Is(err, ErrLocked) {
		t.Errorf("GetPage after the timeout: %v, %v; want ErrLocked", found, err)
	}
	if err := c.PutMatrix(MatrixKey(digest(nil)), []byte("x")); err != nil {
		t.Errorf("PutMatrix after the timeout: %v", err)
	}
	if _, err := c.Info(); !errors.Is(err, ErrLocked) {
		t.Errorf("Info after the timeout: %v, want ErrLocked", err)
	}
	if got := w.list(); len(got) != 1 {
		t.Errorf("warnings = %q, want still one", got)
	}
}

// A process reading (shared lock) does not stop others from reading, but a writer that
// cannot get the exclusive lock in time turns the cache off.
func TestReaderBlocksOnlyWriters(t *testing.T) {
	dir := t.TempDir()
	c, w := openTest(t, dir, Options{Timeout: 100 * time.Millisecond})
	if err := c.PutPage("https://x/simple/a/", samplePage("b")); err != nil {
		t.Fatal(err)
	}
	holdLock(t, c.Path(), true)
	if _, found, err := c.GetPage("https://x/simple/a/"); !found || err != nil {
		t.Errorf("GetPage beside a reader: %v, %v", found, err)
	}
	if err := c.PutPage("https://x/simple/b/", samplePage("b")); err != nil {
		t.Errorf("PutPage beside a reader: %v, want nil (skipped)", err)
	}
	if got := w.list(); len(got) != 1 || !strings.Contains(got[0], "locked by another process") {
		t.Errorf("warnings = %q, want one about the lock", got)
	}
}

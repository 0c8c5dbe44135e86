package cache

import (
	"testing"
)

// TestGeneration: a generation names what reads see, so that package memo can tell
// whether anything was written between two runs.
func TestGeneration(t *testing.T) {
	dir := t.TempDir()
	ro, _ := openTest(t, dir, Options{ReadOnly: true})
	if gen, err := ro.Generation(); gen != "" || err != nil {
		t.Fatalf("Generation of no cache file = %q, %v; want none", gen, err)
	}

	c, _ := openTest(t, dir, Options{WriteBehind: true})
	first := generationOf(t, c)
	if _, _, err := c.GetPage(pageURL(1)); err != nil {
		t.Fatal(err)
	}
	if again := generationOf(t, c); again != first {
		t.Errorf("a read changed the generation: %q, then %q", first, again)
	}
	if err := c.PutPage(pageURL(1), samplePage("a")); err != nil {
		t.Fatal(err)
	}
	// The put is written behind: Generation sees it, as reads do.
	written := generationOf(t, c)
	if written == first {
		t.Errorf("a write left the generation at %q", written)
	}
	if other := generationOf(t, mustOpen(t, dir, Options{ReadOnly: true})); other != written {
		t.Errorf("another Cache on the file reads generation %q, want %q", other, written)
	}

	// A file made after a clean starts again with few transactions: it must not
	// share a generation with the file it replaced.
	if _, err := Clean(dir); err != nil {
		t.Fatal(err)
	}
	fresh := generationOf(t, mustOpen(t, dir, Options{}))
	if fresh == first || fresh == written {
		t.Errorf("a new file has the generation %q of the old one", fresh)
	}
}

// TestCloseReleasesTheReadLock: after Close, another process's writer does not wait
// for the read handle's linger.
func TestCloseReleasesTheReadLock(t *testing.T) {
	dir := t.TempDir()
	c, _ := openTest(t, dir, Options{})
	if _, _, err := c.GetPage(pageURL(1)); err != nil {
		t.Fatal(err)
	}
	c.Close()
	c.reader.mu.Lock()
	open := c.reader.h != nil
	c.reader.mu.Unlock()
	if open {
		t.Error("the read handle is still open after Close")
	}
	if _, found, err := c.GetPage(pageURL(1)); found || err != nil {
		t.Errorf("GetPage after Close = %v, %v; the Cache stays usable", found, err)
	}
}

func generationOf(t *testing.T, c *Cache) string {
	t.Helper()
	gen, err := c.Generation()
	if err != nil || gen == "" {
		t.Fatalf("Generation = %q, %v", gen, err)
	}
	return gen
}

func mustOpen(t *testing.T, dir string, opts Options) *Cache {
	t.Helper()
	c, _ := openTest(t, dir, opts)
	return c
}

// TestStableGeneration: a Cache that read one state of the file, which nothing wrote
// while it read, says so; a write by itself or by another Cache (another process)
// between its first read and now makes it unstable.
func TestStableGeneration(t *testing.T) {
	dir := t.TempDir()
	seed := mustOpen(t, dir, Options{})
	if err := seed.PutPage(pageURL(1), samplePage("a")); err != nil {
		t.Fatal(err)
	}
	seed.Close()

	reader := mustOpen(t, dir, Options{WriteBehind: true})
	if _, _, err := reader.GetPage(pageURL(1)); err != nil {
		t.Fatal(err)
	}
	gen, stable := reader.StableGeneration()
	if !stable || gen != generationOf(t, reader) {
		t.Errorf("reads only: StableGeneration = %q, %v; want %q, stable", gen, stable, generationOf(t, reader))
	}

	other := mustOpen(t, dir, Options{})
	if err := other.PutPage(pageURL(2), samplePage("b")); err != nil {
		t.Fatal(err)
	}
	other.Close()
	if _, stable := reader.StableGeneration(); stable {
		t.Error("another Cache wrote after the first read, and the reader is still stable")
	}

	own := mustOpen(t, dir, Options{WriteBehind: true})
	if _, _, err := own.GetPage(pageURL(1)); err != nil {
		t.Fatal(err)
	}
	if err := own.PutPage(pageURL(3), samplePage("c")); err != nil {
		t.Fatal(err)
	}
	if _, stable := own.StableGeneration(); stable {
		t.Error("a Cache that wrote is stable")
	}
}

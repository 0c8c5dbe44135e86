package cache

import (
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// clock is a settable Options.Now.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// TestPruneUnusedEntries: an entry nobody reads is deleted once it has gone
// unread for the limit; one read meanwhile survives, and so does its page's
// parsed form when read through the head.
func TestPruneUnusedEntries(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{fetched}
	c, _ := openTest(t, dir, Options{Now: clk.now})
	read, unread := "https://pypi.example/simple/read/", "https://pypi.example/simple/unread/"
	pk := ParsedKey(digest([]byte("parsed read")))
	if err := c.PutParsed(pk, []byte("parsed read")); err != nil {
		t.Fatal(err)
	}
	page := samplePage("read")
	page.ParsedKey = pk
	if err := c.PutPage(read, page); err != nil {
		t.Fatal(err)
	}
	if err := c.PutPage(unread, samplePage("unread")); err != nil {
		t.Fatal(err)
	}
	meta := []byte("Metadata-Version: 2.1\nName: a\nVersion: 1\n")
	if err := c.PutMetadata(MetadataKey(digest(meta)), meta); err != nil {
		t.Fatal(err)
	}

	// Twenty days on, a run reads one page (through its head and parsed form).
	clk.t = fetched.Add(20 * 24 * time.Hour)
	c, _ = openTest(t, dir, Options{Now: clk.now})
	if _, parsed, found, err := c.GetPageWithParsed(read, func(Page) string { return "" }); !found || parsed == nil || err != nil {
		t.Fatalf("GetPageWithParsed: found %v, parsed %q, %v", found, parsed, err)
	}

	// Forty days on, the daily prune at Open deletes what went unread for 30.
	clk.t = fetched.Add(40 * 24 * time.Hour)
	c, _ = openTest(t, dir, Options{Now: clk.now})
	if _, found, _ := c.GetPage(unread); found {
		t.Errorf("a page unread for 40 days survived")
	}
	if _, found, _ := c.GetMetadata(MetadataKey(digest(meta))); found {
		t.Errorf("metadata unread for 40 days survived")
	}
	if _, parsed, found, _ := c.GetPageWithParsed(read, func(Page) string { return "" }); !found || parsed == nil {
		t.Errorf("a page read 20 days ago was pruned (found %v, parsed %q)", found, parsed)
	}
	info, err := c.Info()
	if err != nil || info.Pages != 1 || info.Metadata != 0 || info.Parsed != 1 {
		t.Errorf("Info = %+v, %v; want one page and its parsed form", info, err)
	}
}

// TestPruneExplicit: Prune with a limit of its own, as "cache clean
// --older-than" runs it, counts what it deleted; an entry without a last-use
// record (stored by an older depsolve) is kept and dated.
func TestPruneExplicit(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{fetched}
	c, _ := openTest(t, dir, Options{Now: clk.now})
	for _, u := range []string{"https://pypi.example/simple/a/", "https://pypi.example/simple/b/"} {
		if err := c.PutPage(u, samplePage(u)); err != nil {
			t.Fatal(err)
		}
	}
	rawUpdate(t, c.Path(), func(tx *bolt.Tx) error {
		return tx.Bucket(bucketUsed).Delete([]byte(usedKey(bucketPages, "https://pypi.example/simple/b/")))
	})
	clk.t = fetched.Add(3 * 24 * time.Hour)
	n, err := c.Prune(2 * 24 * time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("Prune = %d, %v; want 1 deleted", n, err)
	}
	if _, found, _ := c.GetPage("https://pypi.example/simple/b/"); !found {
		t.Errorf("an entry without a last-use record was pruned")
	}
	clk.t = fetched.Add(4 * 24 * time.Hour)
	if n, err := c.Prune(2 * 24 * time.Hour); err != nil || n != 0 {
		t.Errorf("second Prune = %d, %v; want the entry dated by the first prune kept", n, err)
	}
}

// TestNewFileNotPruned: the Open that creates the file does not prune it (nothing in it
// is unused): its only write transaction is the creation.
func TestNewFileNotPruned(t *testing.T) {
	c, _ := openTest(t, t.TempDir(), Options{})
	if id := lastTxID(t, c.Path()); id != 2 {
		t.Errorf("a new file has had %d transactions, want 2 (bbolt's initial one and the creation)", id)
	}
}

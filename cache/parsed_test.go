package cache

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

func TestParsed(t *testing.T) {
	dir := t.TempDir()
	c, w := openTest(t, dir, Options{})
	const u = "https://pypi.example/simple/torch/"
	page := samplePage("page body")
	keyOf := func(p Page) string { return ParsedKey(digest(p.Body)) }
	key := keyOf(page)

	if _, _, found, err := c.GetPageWithParsed(u, keyOf); found || err != nil {
		t.Fatalf("empty cache: found %v, err %v", found, err)
	}
	if err := c.PutPage(u, page); err != nil {
		t.Fatal(err)
	}
	// The parsed bucket does not exist before the first PutParsed: a miss.
	p, parsed, found, err := c.GetPageWithParsed(u, keyOf)
	if !found || err != nil || parsed != nil || string(p.Body) != "page body" {
		t.Fatalf("page without parsed form: %q, %q, %v, %v", p.Body, parsed, found, err)
	}
	if err := c.PutParsed(key, []byte("parsed form")); err != nil {
		t.Fatal(err)
	}
	if _, parsed, found, _ = c.GetPageWithParsed(u, keyOf); !found || string(parsed) != "parsed form" {
		t.Errorf("hit: %q, %v", parsed, found)
	}
	// Another body: another key, a miss.
	if _, parsed, _, _ = c.GetPageWithParsed(u, func(Page) string { return ParsedKey(digest([]byte("other"))) }); parsed != nil {
		t.Errorf("parsed form under another key: %q", parsed)
	}
	// A malformed key from the caller is no lookup.
	if _, parsed, found, err = c.GetPageWithParsed(u, func(Page) string { return "" }); !found || parsed != nil || err != nil {
		t.Errorf("empty key: %q, %v, %v", parsed, found, err)
	}
	if info, err := c.Info(); err != nil || info.Parsed != 1 || info.Pages != 1 {
		t.Errorf("Info = %+v, %v", info, err)
	}

	// A damaged parsed entry is a miss and is deleted; the page is still found.
	rawUpdate(t, c.Path(), func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketParsed)
		v := bytes.Clone(b.Get([]byte(key)))
		v[2] ^= 0x01
		return b.Put([]byte(key), v)
	})
	p, parsed, found, err = c.GetPageWithParsed(u, keyOf)
	if !found || err != nil || parsed != nil || string(p.Body) != "page body" {
		t.Errorf("damaged parsed entry: %q, %q, %v, %v", p.Body, parsed, found, err)
	}
	if v := rawGet(t, c.Path(), bucketParsed, key); v != nil {
		t.Error("the damaged parsed entry was not deleted")
	}
	if got := w.list(); len(got) != 1 || !strings.Contains(got[0], "parsed bucket") {
		t.Errorf("warnings = %q", got)
	}

	// A damaged page is a miss, whatever the parsed bucket holds.
	if err := c.PutParsed(key, []byte("parsed form")); err != nil {
		t.Fatal(err)
	}
	rawUpdate(t, c.Path(), func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPages).Put([]byte(u), seal(u, []byte{0xff}))
	})
	if _, parsed, found, err = c.GetPageWithParsed(u, keyOf); found || parsed != nil || err != nil {
		t.Errorf("damaged page: %q, %v, %v", parsed, found, err)
	}
	if v := rawGet(t, c.Path(), bucketPages, u); v != nil {
		t.Error("the damaged page was not deleted")
	}
}

func TestPutParsedRejects(t *testing.T) {
	c, _ := openTest(t, t.TempDir(), Options{})
	for _, key := range []string{"", MatrixKey(digest(nil)), ParsedKey("abc"), "parsed-sha256:" + strings.Repeat("G", 64)} {
		if err := c.PutParsed(key, []byte("x")); !errors.Is(err, ErrRejected) {
			t.Errorf("PutParsed(%q) = %v, want ErrRejected", key, err)
		}
	}
	if err := c.PutParsed(ParsedKey(digest(nil)), nil); !errors.Is(err, ErrRejected) {
		t.Errorf("PutParsed of nothing = %v, want ErrRejected", err)
	}
	var nilCache *Cache
	if err := nilCache.PutParsed(ParsedKey(digest(nil)), []byte("x")); err != nil {
		t.Error(err)
	}
	if _, _, found, err := nilCache.GetPageWithParsed("https://x/simple/p/", func(Page) string { return "" }); found || err != nil {
		t.Errorf("nil cache: %v %v", found, err)
	}
}

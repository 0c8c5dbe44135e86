package cache

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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

// TestPageHead: a page stored with its ParsedKey is read from its head, without its
// body, while the head describes the page stored and its parsed form exists.
func TestPageHead(t *testing.T) {
	dir := t.TempDir()
	c, w := openTest(t, dir, Options{})
	const u = "https://pypi.example/simple/torch/"
	page := samplePage("page body")
	key := ParsedKey(digest(page.Body))
	keyOf := func(p Page) string { return ParsedKey(digest(p.Body)) }
	page.ParsedKey = "sha256:00"
	if err := c.PutPage(u, page); !errors.Is(err, ErrRejected) {
		t.Errorf("PutPage with a malformed ParsedKey: %v, want ErrRejected", err)
	}
	page.ParsedKey = key
	if err := c.PutPage(u, page); err != nil {
		t.Fatal(err)
	}
	// No parsed form yet: read in full.
	if p, parsed, found, _ := c.GetPageWithParsed(u, keyOf); !found || parsed != nil || string(p.Body) != "page body" || p.ParsedKey != "" {
		t.Errorf("head without parsed form: %+v, %q, %v", p, parsed, found)
	}
	if err := c.PutParsed(key, []byte("parsed form")); err != nil {
		t.Fatal(err)
	}
	p, parsed, found, err := c.GetPageWithParsed(u, func(Page) string { t.Error("parsedKey called for a head"); return "" })
	want := page
	want.Body = nil
	if !found || err != nil || string(parsed) != "parsed form" || !cmp.Equal(p, want) {
		t.Errorf("from the head: %+v, %q, %v, %v; want %+v", p, parsed, found, err, want)
	}

	// A page rewritten alone, by a depsolve that predates heads and so writes format 1:
	// the head answers for the page it describes, without reading the page, which reads
	// as a miss once a caller needs its body.
	rawUpdate(t, c.Path(), func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPages).Put([]byte(u), sealFormat1(u, encodePage(samplePage("new body"))))
	})
	if p, parsed, found, err := c.GetPageWithParsed(u, keyOf); !found || err != nil || string(parsed) != "parsed form" || !cmp.Equal(p, want) {
		t.Errorf("head of a page rewritten in format 1: %+v, %q, %v, %v; want %+v", p, parsed, found, err, want)
	}
	if p, found, err := c.GetPage(u); found || err != nil {
		t.Errorf("GetPage of a format 1 page: %q, %v, %v; want a miss", p.Body, found, err)
	}
	// Stored again without ParsedKey: the head goes.
	page.ParsedKey = ""
	if err := c.PutPage(u, page); err != nil {
		t.Fatal(err)
	}
	if raw := rawGet(t, c.Path(), bucketHeads, u); raw != nil {
		t.Error("PutPage without ParsedKey left the head")
	}

	// A damaged head is a miss, deleted; the page is read in full.
	page.ParsedKey = key
	if err := c.PutPage(u, page); err != nil {
		t.Fatal(err)
	}
	rawUpdate(t, c.Path(), func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketHeads)
		v := bytes.Clone(b.Get([]byte(u)))
		v[3] ^= 0x01
		return b.Put([]byte(u), v)
	})
	if p, parsed, _, _ := c.GetPageWithParsed(u, keyOf); string(p.Body) != "page body" || string(parsed) != "parsed form" {
		t.Errorf("damaged head: body %q, parsed %q", p.Body, parsed)
	}
	if raw := rawGet(t, c.Path(), bucketHeads, u); raw != nil {
		t.Error("the damaged head was not deleted")
	}
	if got := w.list(); len(got) != 1 || !strings.Contains(got[0], "heads") {
		t.Errorf("warnings: %q, want one about the heads bucket", got)
	}
}

// TestGetPageHead checks GetPageHead: a page stored with a ParsedKey is read from its head,
// without its body; one stored without is not found there (its reader falls back to
// GetPageWithParsed); GetParsed reads what PutParsed stored.
func TestGetPageHead(t *testing.T) {
	c, _ := openTest(t, t.TempDir(), Options{})
	const u = "https://pypi.example/simple/torch/"
	page := samplePage("page body")
	if _, found, err := c.GetPageHead(u); found || err != nil {
		t.Fatalf("empty cache: found %v, err %v", found, err)
	}
	if err := c.PutPage(u, page); err != nil {
		t.Fatal(err)
	}
	if _, found, err := c.GetPageHead(u); found || err != nil {
		t.Errorf("page without ParsedKey: found %v, err %v", found, err)
	}
	page.ParsedKey = ParsedKey(digest(page.Body))
	if err := c.PutPage(u, page); err != nil {
		t.Fatal(err)
	}
	head, found, err := c.GetPageHead(u)
	if !found || err != nil || head.Body != nil || head.ParsedKey != page.ParsedKey || head.ETag != page.ETag {
		t.Errorf("head: %+v, %v, %v", head, found, err)
	}
	if _, found, err := c.GetParsed(page.ParsedKey); found || err != nil {
		t.Errorf("nothing parsed stored: found %v, err %v", found, err)
	}
	if err := c.PutParsed(page.ParsedKey, []byte("view")); err != nil {
		t.Fatal(err)
	}
	if got, found, err := c.GetParsed(page.ParsedKey); !found || err != nil || string(got) != "view" {
		t.Errorf("GetParsed = %q, %v, %v", got, found, err)
	}
	if _, _, err := c.GetParsed("sha256:00"); !errors.Is(err, ErrRejected) {
		t.Errorf("malformed key: %v", err)
	}
}

// GetPageHead reads the head alone: not the page's value, which for projects like torch
// is megabytes, each touch of it costing the run resident memory. A head answers even
// with its page gone (discarded as damaged, say) until it is stale.
func TestPageHeadDoesNotReadThePage(t *testing.T) {
	c, w := openTest(t, t.TempDir(), Options{})
	const u = "https://pypi.example/simple/torch/"
	page := samplePage("page body")
	page.ParsedKey = ParsedKey(digest(page.Body))
	if err := c.PutPage(u, page); err != nil {
		t.Fatal(err)
	}
	rawUpdate(t, c.Path(), func(tx *bolt.Tx) error { return tx.Bucket(bucketPages).Delete([]byte(u)) })
	p, found, err := c.GetPageHead(u)
	want := page
	want.Body = nil
	if !found || err != nil || !cmp.Equal(p, want) {
		t.Errorf("GetPageHead = %+v, %v, %v; want %+v", p, found, err, want)
	}
	if got := w.list(); len(got) != 0 {
		t.Errorf("warnings %q", got)
	}
}

// TestPageHeads: GetPageHeads reads the heads of pages and what the caller derived
// from them, in one go; without a head for every page it reads nothing more.
func TestPageHeads(t *testing.T) {
	c, w := openTest(t, t.TempDir(), Options{})
	urls := []string{"https://a.example/simple/torch/", "https://b.example/simple/torch/"}
	var want []Page
	for i, u := range urls {
		page := samplePage(fmt.Sprintf("page %d", i))
		page.URL = u
		page.ParsedKey = ParsedKey(digest(page.Body))
		if err := c.PutPage(u, page); err != nil {
			t.Fatal(err)
		}
		page.Body = nil
		want = append(want, page)
	}
	view := ParsedKey(digest([]byte("view")))
	if err := c.PutParsed(view, []byte("the view")); err != nil {
		t.Fatal(err)
	}
	derive := func(heads []Page) string {
		if !cmp.Equal(heads, want) {
			t.Errorf("derived from heads %+v, want %+v", heads, want)
		}
		return view
	}
	heads, parsed, found, err := c.GetPageHeads(urls, derive)
	if !found || err != nil || string(parsed) != "the view" || !cmp.Equal(heads, want) {
		t.Errorf("GetPageHeads = %+v, %q, %v, %v", heads, parsed, found, err)
	}
	if _, parsed, found, _ := c.GetPageHeads(urls, func([]Page) string { return "" }); !found || parsed != nil {
		t.Errorf("with nothing derived: %q, %v; want the heads alone", parsed, found)
	}
	// A damaged derived entry is a miss, and is deleted.
	rawUpdate(t, c.Path(), func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketParsed)
		v := bytes.Clone(b.Get([]byte(view)))
		v[2] ^= 0x01
		return b.Put([]byte(view), v)
	})
	if _, parsed, found, _ := c.GetPageHeads(urls, derive); !found || parsed != nil {
		t.Errorf("with a damaged entry: %q, %v; want the heads alone", parsed, found)
	}
	if v := rawGet(t, c.Path(), bucketParsed, view); v != nil {
		t.Error("the damaged entry was not deleted")
	}
	if got := w.list(); len(got) != 1 || !strings.Contains(got[0], "parsed bucket") {
		t.Errorf("warnings %q, want one for the damaged entry", got)
	}
	// A page without a head: nothing else is read.
	missing := append(urls, "https://c.example/simple/torch/")
	if _, _, found, err := c.GetPageHeads(missing, func([]Page) string { t.Error("derived called"); return "" }); found || err != nil {
		t.Errorf("with a page missing: %v, %v; want a miss", found, err)
	}
}

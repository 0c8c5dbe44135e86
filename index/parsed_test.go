package index

import (
	"context"
	"testing"
	"time"

	"github.com/depsolve/depsolve/cache"
	"github.com/google/go-cmp/cmp"
)

// TestParsedPageCache checks that a page read through its cached parsed form gives
// the same files as one parsed from its body, and that a parsed form that does not
// decode is parsed again and replaced.
func TestParsedPageCache(t *testing.T) {
	f := newFakeIndex(t)
	f.cacheControl = "max-age=600"
	f.add("pypi", makeWheel(t, "six-1.16.0-py2.py3-none-any.whl", metadataText("six", "1.16.0"), 0))
	f.add("pypi", makeSdist(t, "six-1.15.0.tar.gz", metadataText("six", "1.15.0")))
	dir := t.TempDir()
	ctx := context.Background()
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	files := func(c *cache.Cache) [][]File {
		t.Helper()
		ix := newIndex(t, Options{IndexURL: f.url("pypi"), Cache: c, Now: func() time.Time { return now }})
		rs, err := ix.Releases(ctx, "six")
		if err != nil {
			t.Fatal(err)
		}
		var out [][]File
		for _, r := range rs {
			fs, err := ix.Files(ctx, "six", r.Version)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, fs)
		}
		return out
	}
	want := files(nil) // no cache: parsed from the body
	c := openCache(t, dir)
	if got := files(c); !cmp.Equal(got, want) {
		t.Fatalf("cold run differs:\n%s", cmp.Diff(want, got))
	}
	pageURL := f.url("pypi") + "six/"
	page, parsed, found, err := c.GetPageWithParsed(pageURL, parsedKey)
	if !found || err != nil || parsed == nil {
		t.Fatalf("cold run stored no parsed form: %v %v %v", found, parsed != nil, err)
	}
	// The cold run stored the page with its ParsedKey: read from its head, no body.
	if page.Body != nil || page.ParsedKey == "" {
		t.Fatalf("page not read from its head: body %d bytes, ParsedKey %q", len(page.Body), page.ParsedKey)
	}
	full, _, _ := c.GetPage(pageURL)
	if want := parsedKey(full); page.ParsedKey != want {
		t.Fatalf("head's ParsedKey %q, want %q", page.ParsedKey, want)
	}
	f.requests()
	if got := files(c); !cmp.Equal(got, want) {
		t.Errorf("run from the parsed form differs:\n%s", cmp.Diff(want, got))
	}
	if got := f.requests(); len(got) != 0 {
		t.Errorf("warm run made requests %q", got)
	}

	// A parsed form of another encoding version, under a project view of another
	// version (or the view would be read instead of the page): parsed again, then
	// replaced.
	if err := c.PutParsed(page.ParsedKey, []byte{0xff, 1, 2}); err != nil {
		t.Fatal(err)
	}
	ix := newIndex(t, Options{IndexURL: f.url("pypi"), Cache: c, Now: func() time.Time { return now }})
	view := ix.viewKey("six", []sourcePage{{src: ix.indexes[0], pageURL: pageURL, fp: &fetchedPage{key: page.ParsedKey}}})
	if err := c.PutParsed(view, []byte{0xff, 1, 2}); err != nil {
		t.Fatal(err)
	}
	if got := files(c); !cmp.Equal(got, want) {
		t.Errorf("run after an undecodable parsed form differs:\n%s", cmp.Diff(want, got))
	}
	if _, again, _, _ := c.GetPageWithParsed(pageURL, parsedKey); !cmp.Equal(again, parsed) {
		t.Error("the undecodable parsed form was not replaced")
	}

	// A page stored without a ParsedKey (by an older depsolve): read in full, then
	// stored again with its head.
	if err := c.PutPage(pageURL, full); err != nil {
		t.Fatal(err)
	}
	if p, _, _, _ := c.GetPageWithParsed(pageURL, parsedKey); p.Body == nil {
		t.Fatal("a page stored without ParsedKey was read from a head")
	}
	if got := files(c); !cmp.Equal(got, want) {
		t.Errorf("run from a page without head differs:\n%s", cmp.Diff(want, got))
	}
	if p, _, _, _ := c.GetPageWithParsed(pageURL, parsedKey); p.Body != nil || p.ParsedKey != page.ParsedKey {
		t.Errorf("the page was not stored again with its head: body %d bytes, ParsedKey %q", len(p.Body), p.ParsedKey)
	}
}

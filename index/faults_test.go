//go:build !slim

package index

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/depsolve/depsolve/cache"
	"github.com/depsolve/depsolve/pep440"
)

// faultIndex publishes two wheels behind credentials and returns the index
// URL with them.
func faultIndex(t *testing.T) (*fakeIndex, string) {
	f := newFakeIndex(t)
	f.auth = "ci:tok3n"
	f.add("pypi", makeWheel(t, "a-1.0-py3-none-any.whl", metadataText("a", "1.0", "Requires-Dist: b"), 0))
	f.add("pypi", makeWheel(t, "b-1.0-py3-none-any.whl", metadataText("b", "1.0"), 0))
	return f, strings.Replace(f.url("pypi"), "http://", "http://ci:tok3n@", 1)
}

// resolveAB asks for what a resolver would: both projects and their metadata.
func resolveAB(ix *Index) error {
	ctx := context.Background()
	for _, name := range []string{"a", "b"} {
		if _, err := ix.Releases(ctx, name); err != nil {
			return err
		}
		md, err := ix.Metadata(ctx, name, pep440.MustParse("1.0"))
		if err != nil {
			return err
		}
		if md.Unavailable != "" {
			return errors.New(md.Unavailable)
		}
	}
	return nil
}

// checkFailure wants an error naming path, without the secret. Requests carry
// credentials in a header, so the URLs errors name have none.
func checkFailure(t *testing.T, err error, path, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one about %s", path)
	}
	s := err.Error()
	if !strings.Contains(s, path) || !strings.Contains(s, msg) || strings.Contains(s, "tok3n") {
		t.Errorf("error %q: want the URL of %s and %q", s, path, msg)
	}
}

func TestFaultEveryThirdRequest(t *testing.T) {
	f, u := faultIndex(t)
	f.failEvery = 3
	ix := newIndex(t, Options{IndexURL: u})
	if err := resolveAB(ix); err != nil {
		t.Fatal(err)
	}
	if st := ix.Stats(); st.Retries == 0 {
		t.Errorf("no retries: %+v", st)
	}
}

func TestFaultStall(t *testing.T) {
	f, u := faultIndex(t)
	http := HTTPOptions{Timeout: 50 * time.Millisecond, Retries: 1}
	f.stall["/pypi/simple/a/"] = 1
	f.stall["/files/pypi/b-1.0-py3-none-any.whl.metadata"] = 1
	if err := resolveAB(newIndex(t, Options{IndexURL: u, HTTP: http})); err != nil {
		t.Fatalf("one stall each: %v", err)
	}
	f.stall["/files/pypi/b-1.0-py3-none-any.whl.metadata"] = 2
	err := resolveAB(newIndex(t, Options{IndexURL: u, HTTP: http}))
	checkFailure(t, err, "/files/pypi/b-1.0-py3-none-any.whl.metadata", "timed out")
	if !strings.Contains(err.Error(), "after 2 attempts") {
		t.Errorf("error %q does not count the attempts", err)
	}
}

func TestFaultTruncated(t *testing.T) {
	f, u := faultIndex(t)
	dir := t.TempDir()
	f.truncate["/pypi/simple/a/"] = 1
	f.truncate["/files/pypi/a-1.0-py3-none-any.whl.metadata"] = 1
	if err := resolveAB(newIndex(t, Options{IndexURL: u, Cache: openCache(t, dir)})); err != nil {
		t.Fatalf("one truncation each: %v", err)
	}
	f.truncate["/pypi/simple/b/"] = 100
	err := resolveAB(newIndex(t, Options{IndexURL: u, Refresh: true}))
	checkFailure(t, err, "/pypi/simple/b/", "unexpected EOF")

	// A wheel download cut short every time.
	f2, u2 := faultIndex(t)
	f2.noMetadata, f2.noRanges = true, true
	f2.truncate["/files/pypi/b-1.0-py3-none-any.whl"] = 100
	err = resolveAB(newIndex(t, Options{IndexURL: u2}))
	checkFailure(t, err, "/files/pypi/b-1.0-py3-none-any.whl", "unexpected EOF")
}

func TestFaultMetadataHash(t *testing.T) {
	f, u := faultIndex(t)
	dir := t.TempDir()
	f.corrupt["/files/pypi/b-1.0-py3-none-any.whl.metadata"] = -1
	err := resolveAB(newIndex(t, Options{IndexURL: u, Cache: openCache(t, dir)}))
	checkFailure(t, err, "/files/pypi/b-1.0-py3-none-any.whl.metadata", "the index says")

	// Nothing of b's metadata reached the cache; a's did.
	c := openCache(t, dir)
	f.mu.Lock()
	a, b := f.indexes["pypi"]["a"][0], f.indexes["pypi"]["b"][0]
	f.mu.Unlock()
	for _, key := range []string{cache.MetadataKey(sha(b.metadata)), cache.DistKey(sha(b.data))} {
		if _, found, _ := c.GetMetadata(key); found {
			t.Errorf("corrupt metadata was cached under %s", key)
		}
	}
	if _, found, _ := c.GetMetadata(cache.MetadataKey(sha(a.metadata))); !found {
		t.Errorf("a's good metadata was not cached")
	}

	f.corrupt["/files/pypi/b-1.0-py3-none-any.whl.metadata"] = 1
	if err := resolveAB(newIndex(t, Options{IndexURL: u, Cache: c})); err != nil {
		t.Errorf("one corrupt answer: %v", err)
	}
}

func TestFaultWheelHash(t *testing.T) {
	f, u := faultIndex(t)
	f.noMetadata, f.noRanges = true, true
	f.corrupt["/files/pypi/a-1.0-py3-none-any.whl"] = -1
	err := resolveAB(newIndex(t, Options{IndexURL: u}))
	checkFailure(t, err, "/files/pypi/a-1.0-py3-none-any.whl", "file has sha256")
}

func TestFaultGarbagePage(t *testing.T) {
	f, u := faultIndex(t)
	dir := t.TempDir()
	f.garbage["/pypi/simple/b/"] = "Proxy error: upstream unavailable"
	err := resolveAB(newIndex(t, Options{IndexURL: u, Cache: openCache(t, dir)}))
	checkFailure(t, err, "/pypi/simple/b/", "not an HTML page")
	if _, found, _ := openCache(t, dir).GetPage(f.url("pypi") + "b/"); found {
		t.Errorf("the garbage page was cached")
	}
}

func TestFaultSizeLimit(t *testing.T) {
	_, u := faultIndex(t)
	ix := newIndex(t, Options{IndexURL: u, HTTP: HTTPOptions{MaxPageSize: 64}})
	err := resolveAB(ix)
	checkFailure(t, err, "/pypi/simple/a/", "larger than the 64-byte limit")
	if st := ix.Stats(); st.Retries != 0 {
		t.Errorf("an oversized page was retried: %+v", st)
	}
}

func TestRetryAfter(t *testing.T) {
	for v, want := range map[string]time.Duration{"": 0, "3": 3 * time.Second, "soon": 0, "-1": 0} {
		h := http.Header{}
		if v != "" {
			h.Set("Retry-After", v)
		}
		if got := retryAfter(h); got != want {
			t.Errorf("Retry-After %q: %v, want %v", v, got, want)
		}
	}
}

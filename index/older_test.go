package index

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
)

// olderFixture serves p 1.0 to 6.0, and an Index that guesses.
func olderFixture(t *testing.T) (*fakeIndex, *Index) {
	f := newFakeIndex(t)
	for _, v := range []string{"1.0", "2.0", "3.0", "4.0", "5.0", "6.0"} {
		f.add("pypi", makeWheel(t, "p-"+v+"-py3-none-any.whl", metadataText("p", v), 0))
	}
	return f, newIndex(t, Options{IndexURL: f.url("pypi"), MaxPrefetch: 100})
}

// TestBacktrackFetchesOlderVersionsTogether: a resolver that rules out p 6.0 and then
// asks for 5.0 is walking down p's releases, a round trip each; the metadata of 5.0 and
// of the next versions below it can only be answered once they are asked for at once.
func TestBacktrackFetchesOlderVersionsTogether(t *testing.T) {
	f, ix := olderFixture(t)
	ctx := context.Background()
	if _, err := ix.Releases(ctx, "p"); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Metadata(ctx, "p", pep440.MustParse("6.0")); err != nil {
		t.Fatal(err)
	}
	walk := []string{"5.0", "4.0", "3.0", "2.0"}
	b := f.holdRequests(len(walk), 2*time.Second, func(path string) bool {
		return strings.HasSuffix(path, ".whl.metadata") && !strings.Contains(path, "p-1.0")
	})
	for _, v := range walk {
		if md, err := ix.Metadata(ctx, "p", pep440.MustParse(v)); err != nil || md.Unavailable != "" {
			t.Fatalf("p %s: %+v, %v", v, md, err)
		}
	}
	if b.missed() {
		t.Errorf("the metadata of p %v was fetched one version after another", walk)
	}
	seen := map[string]bool{}
	for _, r := range f.requests() {
		if seen[r] {
			t.Errorf("%s requested twice", r)
		}
		seen[r] = true
	}
}

// TestFirstQuestionGuessesNoOlderVersions: a first question for an old version (a pin)
// is no walk down the releases, and costs no guess at the versions below it.
func TestFirstQuestionGuessesNoOlderVersions(t *testing.T) {
	f, ix := olderFixture(t)
	ctx := context.Background()
	if _, err := ix.Releases(ctx, "p"); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Metadata(ctx, "p", pep440.MustParse("3.0")); err != nil {
		t.Fatal(err)
	}
	// a newer version than any asked before is no walk down either
	if _, err := ix.Metadata(ctx, "p", pep440.MustParse("4.0")); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	for _, r := range f.requests() {
		if strings.Contains(r, "p-1.0") || strings.Contains(r, "p-2.0") {
			t.Errorf("guessed %s", r)
		}
	}
}

// TestWarmWalkSendsNoGuess: a resolver that walks down to a version the cache holds
// needs no request, and the guesses at the versions below it (not in the cache) send
// none, even when a call joins a guess that goes past the cache's fast path (a
// project the index does not have, its 404 kept); the first call that does need the
// network takes them along at once.
func TestWarmWalkSendsNoGuess(t *testing.T) {
	f, _ := olderFixture(t)
	f.cacheControl = "max-age=600" // the page is fresh on the later runs
	dir := t.TempDir()
	ctx := context.Background()
	walk := func(ix *Index, versions ...string) {
		t.Helper()
		ix.Prefetch(pep508.Requirement{Name: "absent"})
		if _, err := ix.Releases(ctx, "p"); err != nil {
			t.Fatal(err)
		}
		for _, v := range versions {
			if md, err := ix.Metadata(ctx, "p", pep440.MustParse(v)); err != nil || md.Unavailable != "" {
				t.Fatalf("p %s: %+v, %v", v, md, err)
			}
		}
		if rs, err := ix.Releases(ctx, "absent"); err != nil || len(rs) != 0 {
			t.Fatalf("absent: %v, %v", rs, err)
		}
	}
	fill := newIndex(t, Options{IndexURL: f.url("pypi"), Cache: openCache(t, dir), MaxPrefetch: -1})
	walk(fill, "6.0", "5.0")
	fill.Close()
	f.requests() // clears the log

	warm := newIndex(t, Options{IndexURL: f.url("pypi"), Cache: openCache(t, dir), MaxPrefetch: 100})
	walk(warm, "6.0", "5.0")
	warm.mu.Lock()
	held := len(warm.held)
	warm.mu.Unlock()
	warm.Close()
	if held != olderGuesses {
		t.Errorf("%d guesses held at the versions below p 5.0, want %d", held, olderGuesses)
	}
	if sent := f.requests(); len(sent) != 0 {
		t.Errorf("a walk the cache answers sent %v", sent)
	}

	b := f.holdRequests(2, 2*time.Second, func(path string) bool {
		return strings.HasSuffix(path, "p-4.0-py3-none-any.whl.metadata") || strings.HasSuffix(path, "p-3.0-py3-none-any.whl.metadata")
	})
	further := newIndex(t, Options{IndexURL: f.url("pypi"), Cache: openCache(t, dir), MaxPrefetch: 100})
	walk(further, "6.0", "5.0", "4.0")
	further.Close()
	if b.missed() {
		t.Error("the guess at p 3.0 did not go out with the call for p 4.0")
	}
}

package cache

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSizesAndLayers(t *testing.T) {
	c, _ := openTest(t, t.TempDir(), Options{})
	digest := strings.Repeat("ab", 32)
	for _, key := range []string{DistKey(digest), SourceKey("https://i/simple/", "https://i/f.whl", digest)} {
		want := Sizes{Download: 123, Installed: 1 << 40}
		if err := c.PutSizes(key, want); err != nil {
			t.Fatal(err)
		}
		if got, found, err := c.GetSizes(key); err != nil || !found || got != want {
			t.Errorf("%s: %+v, %v, %v", key, got, found, err)
		}
	}
	for _, bad := range []string{MetadataKey(digest), "file-sha256:xyz", LayerKey(digest)} {
		if err := c.PutSizes(bad, Sizes{}); !errors.Is(err, ErrRejected) {
			t.Errorf("PutSizes(%q): %v, want ErrRejected", bad, err)
		}
	}
	if err := c.PutSizes(DistKey(digest), Sizes{Download: -1}); !errors.Is(err, ErrRejected) {
		t.Errorf("negative size: %v, want ErrRejected", err)
	}
	if err := c.PutLayer(LayerKey(digest), []byte("findings")); err != nil {
		t.Fatal(err)
	}
	if got, found, err := c.GetLayer(LayerKey(digest)); err != nil || !found || string(got) != "findings" {
		t.Errorf("layer: %q, %v, %v", got, found, err)
	}
	if _, _, err := c.GetLayer(DistKey(digest)); !errors.Is(err, ErrRejected) {
		t.Errorf("GetLayer with a dist key: %v, want ErrRejected", err)
	}
}

// TestGetSizesFirstKey: GetSizes answers from the first of its keys that holds sizes,
// read in one transaction; an entry pending behind another process's lock counts, as
// it does for a single key.
func TestGetSizesFirstKey(t *testing.T) {
	dir := t.TempDir()
	c, _ := openTest(t, dir, Options{Timeout: 5 * time.Second, WriteBehind: true})
	digest := strings.Repeat("cd", 32)
	checked, unchecked := DistKey(digest), SourceKey("https://i/simple/", "https://i/f.whl", digest)
	fromUnchecked, fromChecked := Sizes{Download: 1, Installed: 2}, Sizes{Download: 3, Installed: 4}

	if _, found, err := c.GetSizes(checked, unchecked); found || err != nil {
		t.Fatalf("empty cache: found %v, %v", found, err)
	}
	if err := c.PutSizes(unchecked, fromUnchecked); err != nil {
		t.Fatal(err)
	}
	c.Close() // committed: the next reads go to the file
	c, _ = openTest(t, dir, Options{Timeout: 5 * time.Second, WriteBehind: true})
	if got, found, err := c.GetSizes(checked, unchecked); !found || err != nil || got != fromUnchecked {
		t.Errorf("only the second key stored: %+v, %v, %v; want %+v", got, found, err, fromUnchecked)
	}
	release := lockFile(t, c.Path()) // another process writes: the next put stays pending
	if err := c.PutSizes(checked, fromChecked); err != nil {
		t.Fatal(err)
	}
	if got, found, err := c.GetSizes(checked, unchecked); !found || err != nil || got != fromChecked {
		t.Errorf("the first key pending, the second stored: %+v, %v, %v; want the first's %+v", got, found, err, fromChecked)
	}
	release()
	if got, found, err := c.GetSizes(unchecked, checked); !found || err != nil || got != fromUnchecked {
		t.Errorf("both keys hold sizes: %+v, %v, %v; want the first key's %+v", got, found, err, fromUnchecked)
	}
}

package cache

import (
	"errors"
	"strings"
	"testing"
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

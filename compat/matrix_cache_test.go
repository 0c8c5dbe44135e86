package compat

import (
	"encoding/json"
	"testing"

	"github.com/depsolve/depsolve/cache"
	"github.com/depsolve/depsolve/data"
)

func TestLoadCached(t *testing.T) {
	c, err := cache.Open(t.TempDir(), cache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, warns, err := LoadCached(c)
	if err != nil || len(warns) != 0 {
		t.Fatalf("LoadCached (miss) = %v, %v", warns, err)
	}
	key := cache.MatrixKey(m.Hash())
	blob, found, err := c.GetMatrix(key)
	if err != nil || !found {
		t.Fatalf("compiled form not stored under %s: %v %v", key, found, err)
	}

	// A hit is what LoadCached returns: change a row in the cached form and see it.
	var cm cachedMatrix
	if err := json.Unmarshal(blob, &cm); err != nil {
		t.Fatal(err)
	}
	for i := range cm.Doc.GPU {
		if cm.Doc.GPU[i].Name == "H100" {
			cm.Doc.GPU[i].CC = "8.0"
		}
	}
	changed, err := json.Marshal(cm)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.PutMatrix(key, changed); err != nil {
		t.Fatal(err)
	}
	hit, _, err := LoadCached(c)
	if err != nil {
		t.Fatal(err)
	}
	if g, _ := hit.GPU("H100"); g.CC != "8.0" {
		t.Errorf("cached form not used: H100 is %q", g.CC)
	}
	if hit.Hash() != m.Hash() {
		t.Errorf("hash %s from the cache, %s from the data", hit.Hash(), m.Hash())
	}

	// An unusable entry is a miss: the data is parsed again and the entry replaced.
	if err := c.PutMatrix(key, []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	again, _, err := LoadCached(c)
	if err != nil {
		t.Fatal(err)
	}
	if g, _ := again.GPU("H100"); g.CC != "9.0" {
		t.Errorf("after a damaged entry: H100 is %q", g.CC)
	}
	if blob, _, _ := c.GetMatrix(key); string(blob) == "{not json" {
		t.Error("the damaged entry was not replaced")
	}

	if m, _, err := LoadCached(nil); err != nil || m == nil {
		t.Errorf("LoadCached(nil) = %v, %v", m, err)
	}
}

// The cache key changes with any byte of the data, so the compiled form is rebuilt when
// the data changes.
func TestDataHashFollowsTheData(t *testing.T) {
	files, err := readDataFiles(data.FS)
	if err != nil {
		t.Fatal(err)
	}
	base := hashDataFiles(files)
	edited := append([]dataFile(nil), files...)
	edited[0].text += " "
	renamed := append([]dataFile(nil), files...)
	renamed[0].name += "x"
	for name, fs := range map[string][]dataFile{"edited": edited, "renamed": renamed, "dropped": files[1:]} {
		if hashDataFiles(fs) == base {
			t.Errorf("%s data: same hash", name)
		}
	}
	if hashDataFiles(files) != base {
		t.Error("hash is not deterministic")
	}
}

// Loading the compiled matrix: from the TOML, from the bbolt cache, and the decoding of
// the cached form alone.
func BenchmarkLoadTOML(b *testing.B) {
	for b.Loop() {
		if _, _, err := LoadFS(data.FS); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadCached(b *testing.B) {
	c, err := cache.Open(b.TempDir(), cache.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := LoadCached(c); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := LoadCached(c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeCompiled(b *testing.B) {
	m, warns, err := Load()
	if err != nil {
		b.Fatal(err)
	}
	blob, err := json.Marshal(cachedMatrix{Doc: *m.doc, Warnings: warns})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(blob)))
	for b.Loop() {
		var cm cachedMatrix
		if err := json.Unmarshal(blob, &cm); err != nil {
			b.Fatal(err)
		}
		if _, err := compile(&cm.Doc, m.Hash(), noLines); err != nil {
			b.Fatal(err)
		}
	}
}

// Package cuda holds the bundled example: requirements for a CUDA stack, and find-links
// folders of stub wheels generated from snapshot.json. The test keeps the committed
// wheels equal to what the snapshot builds; `go test ./examples/cuda -update` rewrites them.
package cuda

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/depsolve/depsolve/internal/fakeindex"
)

var update = flag.Bool("update", false, "rewrite the find-links folders from snapshot.json")

// folders maps each index named in snapshot.json to its find-links folder.
var folders = map[string]string{
	"pypi":          "wheels",
	"pytorch-cu118": "wheels-cu118",
}

func TestWheelsMatchSnapshot(t *testing.T) {
	snap, err := fakeindex.Load("snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	ix, err := fakeindex.Build(snap)
	if err != nil {
		t.Fatal(err)
	}
	for index := range ix.Files {
		if folders[index] == "" {
			t.Fatalf("snapshot.json publishes on index %q, which has no find-links folder in this test", index)
		}
	}
	for index, dir := range folders {
		if *update {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			if err := ix.WriteFindLinks(index, dir); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want := map[string][]byte{}
		for _, files := range ix.Files[index] {
			for _, f := range files {
				want[f.Filename] = f.Data
			}
		}
		got, err := readFolder(dir)
		if err != nil {
			t.Fatalf("%v (run: go test ./examples/cuda -update)", err)
		}
		for _, name := range sortedNames(want) {
			data, ok := got[name]
			switch {
			case !ok:
				t.Errorf("%s: missing; snapshot.json builds it (run: go test ./examples/cuda -update)", filepath.Join(dir, name))
			case !bytes.Equal(data, want[name]):
				t.Errorf("%s: differs from what snapshot.json builds (run: go test ./examples/cuda -update)", filepath.Join(dir, name))
			}
		}
		for _, name := range sortedNames(got) {
			if _, ok := want[name]; !ok {
				t.Errorf("%s: not in snapshot.json (run: go test ./examples/cuda -update)", filepath.Join(dir, name))
			}
		}
	}
}

func readFolder(dir string) (map[string][]byte, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		files[e.Name()] = data
	}
	return files, nil
}

func sortedNames(m map[string][]byte) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

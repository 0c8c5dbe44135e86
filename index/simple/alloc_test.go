package simple

import (
	"net/url"
	"strings"
	"testing"
)

// A cold check decodes and stores every page between its arrival and its first
// metadata request, so the per-file work of a good file is kept to what the file
// needs: its URL resolved, its hashes checked and encoded without sorted copies of
// one-entry maps, and no quoting of names for problems it does not have.

func goodJSONFile() jsonFile {
	digest := strings.Repeat("0f", 32)
	requiresPython := ">=3.9"
	return jsonFile{
		Filename:       "torch-2.5.1-cp311-cp311-manylinux_2_17_x86_64.whl",
		URL:            "../../packages/3a/d0/torch-2.5.1-cp311-cp311-manylinux_2_17_x86_64.whl",
		Hashes:         jsonHashes{hashes: map[string]string{"sha256": digest}},
		RequiresPython: &requiresPython,
		CoreMetadata:   jsonMetadata{set: true, present: true, hashes: map[string]string{"sha256": digest}},
	}
}

// TestGoodFileAllocations: the conversion of a good file allocates its URL and little
// else (16 allocations when every file's name was quoted and its hash names sorted).
func TestGoodFileAllocations(t *testing.T) {
	base, err := url.Parse("https://pypi.org/simple/torch/")
	if err != nil {
		t.Fatal(err)
	}
	jf := goodJSONFile()
	if _, problems, ok := jf.file(base); !ok || problems != nil {
		t.Fatalf("good file: ok %v, problems %q", ok, problems)
	}
	if allocs := testing.AllocsPerRun(20, func() { jf.file(base) }); allocs > 6 {
		t.Errorf("converting a good file: %v allocations, want at most 6", allocs)
	}
	if allocs := testing.AllocsPerRun(20, func() { checkHashes(jf.Hashes.hashes) }); allocs > 0 {
		t.Errorf("checking a good hash map: %v allocations, want none", allocs)
	}
}

// TestAppendBinaryAllocations: encoding a page into a buffer large enough allocates
// nothing for files with hash maps of up to four entries (8 allocations a file when each map's names
// were sorted in a new slice).
func TestAppendBinaryAllocations(t *testing.T) {
	base, err := url.Parse("https://pypi.org/simple/torch/")
	if err != nil {
		t.Fatal(err)
	}
	f, _, _ := goodJSONFile().file(base)
	page := &Page{APIVersion: "1.1", Versions: []string{"2.5.1"}, Files: []File{f, f}}
	buf := make([]byte, 0, 4096)
	if allocs := testing.AllocsPerRun(20, func() { page.AppendBinary(buf) }); allocs > 0 {
		t.Errorf("encoding a page: %v allocations, want none", allocs)
	}
}

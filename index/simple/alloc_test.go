package simple

import (
	"encoding/json"
	"maps"
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

// TestOlderMetadataKeyDecodedOnlyWhenNeeded: indexes send dist-info-metadata beside
// core-metadata with the same value (PEP 714); a file's decoding then costs no more
// than one with core-metadata alone, instead of building a second hash map.
func TestOlderMetadataKeyDecodedOnlyWhenNeeded(t *testing.T) {
	base, err := url.Parse("https://pypi.org/simple/torch/")
	if err != nil {
		t.Fatal(err)
	}
	metadata := `{"sha256": "` + strings.Repeat("0f", 32) + `"}`
	file := `{"filename": "torch-2.5.1-cp311-cp311-manylinux_2_17_x86_64.whl", "url": "torch-2.5.1-cp311-cp311-manylinux_2_17_x86_64.whl", "core-metadata": ` + metadata
	decodeAllocs := func(body string) float64 {
		return testing.AllocsPerRun(20, func() {
			var jf jsonFile
			if err := json.Unmarshal([]byte(body), &jf); err != nil {
				t.Fatal(err)
			}
			if f, _, ok := jf.file(base); !ok || !f.HasMetadata {
				t.Fatalf("%s: metadata lost", body)
			}
		})
	}
	alone := decodeAllocs(file + "}")
	both := decodeAllocs(file + `, "dist-info-metadata": ` + metadata + "}")
	if both > alone+1 {
		t.Errorf("decoding a file: %v allocations with both metadata keys, %v with core-metadata alone; want at most one more", both, alone)
	}
}

// TestOlderMetadataKey: dist-info-metadata counts only for a file without a
// core-metadata value (PEP 714), in whichever order the keys come.
func TestOlderMetadataKey(t *testing.T) {
	digest := strings.Repeat("ab", 32)
	hashes := `{"sha256": "` + digest + `"}`
	tests := []struct {
		name, values string
		present      bool
		hashes       map[string]string
		problem      string
	}{
		{"older key alone", `"dist-info-metadata": ` + hashes, true, map[string]string{"sha256": digest}, ""},
		{"older key true", `"dist-info-metadata": true`, true, nil, ""},
		{"core-metadata null", `"core-metadata": null, "dist-info-metadata": ` + hashes, true, map[string]string{"sha256": digest}, ""},
		{"core-metadata false first", `"core-metadata": false, "dist-info-metadata": true`, false, nil, ""},
		{"core-metadata false last", `"dist-info-metadata": true, "core-metadata": false`, false, nil, ""},
		{"older key null last", `"dist-info-metadata": true, "dist-info-metadata": null`, false, nil, ""},
		{"bad older key", `"dist-info-metadata": {"sha256": "zz"}`, false, nil,
			`core-metadata: sha256 digest "zz" is not hexadecimal; the metadata file is not used`},
		{"bad older key ignored", `"dist-info-metadata": "yes", "core-metadata": true`, true, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"meta": {"api-version": "1.1"}, "files": [{"filename": "x-1.0.tar.gz", "url": "x-1.0.tar.gz", ` + tt.values + `}]}`
			page, err := Parse("https://pypi.org/simple/x/", JSONType, []byte(body))
			if err != nil {
				t.Fatal(err)
			}
			f := page.Files[0]
			if f.HasMetadata != tt.present || !maps.Equal(f.MetadataHashes, tt.hashes) {
				t.Errorf("metadata %v %v, want %v %v", f.HasMetadata, f.MetadataHashes, tt.present, tt.hashes)
			}
			if tt.problem == "" && page.Problems != nil || tt.problem != "" && (len(page.Problems) != 1 || !strings.Contains(page.Problems[0], tt.problem)) {
				t.Errorf("problems %q, want %q", page.Problems, tt.problem)
			}
		})
	}
}

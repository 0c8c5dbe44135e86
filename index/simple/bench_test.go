package simple

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// largeJSONPage is a PEP 691 page shaped like PyPI's torch page: n files with
// hashes, core-metadata hashes under both spellings, Requires-Python, size and
// upload time; every tenth file yanked with a reason.
func largeJSONPage(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"meta": {"api-version": "1.1"}, "name": "torch", "versions": ["2.5.1"], "files": [`)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		yanked := "false"
		if i%10 == 0 {
			yanked = `"broken build"`
		}
		name := fmt.Sprintf("torch-2.%d.%d-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", i/100, i%100)
		fmt.Fprintf(&b, `{"filename": %q, "url": "https://files.pythonhosted.org/packages/3a/d0/%064x/%s", `+
			`"hashes": {"sha256": "%064x"}, "core-metadata": {"sha256": "%064x"}, "dist-info-metadata": {"sha256": "%064x"}, `+
			`"requires-python": ">=3.9.0", "size": %d, "upload-time": "2024-10-29T17:29:44.123456Z", "yanked": %s}`,
			name, i, name, i, i+1, i+1, 800000000+i, yanked)
	}
	b.WriteString("]}")
	return []byte(b.String())
}

// BenchmarkParseJSON parses a 2000-file page, the size of the largest project
// pages a warm run reads back from the cache.
func BenchmarkParseJSON(b *testing.B) {
	body := largeJSONPage(2000)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := parseJSONPage("https://pypi.org/simple/torch/", body); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzPlainStringMap checks the fast path against encoding/json: wherever it
// answers, it must agree.
func FuzzPlainStringMap(f *testing.F) {
	for _, s := range []string{`{}`, ` { } `, `{"sha256": "ABC"}`, `{"a":"1","a":"2"}`, `{"a": "\u0041"}`,
		`{"a": 1}`, `{"a": "b",}`, `{"a" "b"}`, `{"é": "x"}`, `{"a": "b"} x`, `[]`, `{"a": "b"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, ok := plainStringMap(raw)
		if !ok {
			return
		}
		var want map[string]string
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatalf("%q: fast path accepted what encoding/json rejects: %v", raw, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%q: (-json +fast):\n%s", raw, diff)
		}
	})
}

func TestPlainStringMapTakesHashMaps(t *testing.T) {
	got, ok := plainStringMap([]byte(`{"sha256": "8f3fa3", "md5": "AB"}`))
	if want := map[string]string{"sha256": "8f3fa3", "md5": "AB"}; !ok || !cmp.Equal(got, want) {
		t.Errorf("got %v, %v; want %v, true", got, ok, want)
	}
}

package simple

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBinaryRoundTrip(t *testing.T) {
	for _, tc := range []struct{ file, url, contentType string }{
		{"pypi-numpy.json", "https://pypi.org/simple/numpy/", JSONType},
		{"pytorch-torch.html", "https://download.pytorch.org/whl/torch/", "text/html"},
		{"findlinks.html", "https://example.com/links/", "text/html"},
		{"problems.json", "https://pypi.org/simple/x/", JSONType},
	} {
		body, err := os.ReadFile("testdata/" + tc.file)
		if err != nil {
			t.Fatal(err)
		}
		want, err := Parse(tc.url, tc.contentType, body)
		if err != nil {
			t.Fatal(err)
		}
		enc := want.AppendBinary(nil)
		got, err := DecodeBinary(enc)
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: decoded page differs (-parsed +decoded):\n%s", tc.file, diff)
		}
		// Every truncation and another version byte are errors.
		for n := range len(enc) {
			if _, err := DecodeBinary(enc[:n]); err == nil {
				t.Fatalf("%s: truncated to %d of %d bytes: no error", tc.file, n, len(enc))
			}
		}
		other := append([]byte{binaryVersion + 1}, enc[1:]...)
		if _, err := DecodeBinary(other); err == nil {
			t.Errorf("%s: another encoding version decoded", tc.file)
		}
	}
}

func FuzzDecodeBinary(f *testing.F) {
	page, err := Parse("https://pypi.org/simple/numpy/", JSONType, []byte(`{"meta":{"api-version":"1.1"},"name":"a","versions":["1.0"],"files":[{"filename":"a-1.0.tar.gz","url":"a-1.0.tar.gz","hashes":{"sha256":"0000000000000000000000000000000000000000000000000000000000000000"},"yanked":"bad","core-metadata":{"sha256":"1111111111111111111111111111111111111111111111111111111111111111"},"size":3,"upload-time":"2024-01-02T03:04:05.123456Z"}]}`))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(page.AppendBinary(nil))
	f.Add([]byte{binaryVersion, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := DecodeBinary(data)
		if err != nil {
			return
		}
		again, err := DecodeBinary(p.AppendBinary(nil))
		if err != nil {
			t.Fatalf("re-encoded page does not decode: %v", err)
		}
		if diff := cmp.Diff(p, again); diff != "" {
			t.Fatalf("re-encoded page differs:\n%s", diff)
		}
	})
}

// BenchmarkDecodeBinary reads back the parsed form of BenchmarkParseJSON's page, as a
// warm run does instead of parsing it.
func BenchmarkDecodeBinary(b *testing.B) {
	page, err := parseJSONPage("https://pypi.org/simple/torch/", largeJSONPage(2000))
	if err != nil {
		b.Fatal(err)
	}
	enc := page.AppendBinary(nil)
	b.SetBytes(int64(len(enc)))
	for b.Loop() {
		if _, err := DecodeBinary(enc); err != nil {
			b.Fatal(err)
		}
	}
}

package simple

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
)

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseJSON(t *testing.T) {
	page, err := Parse("https://pypi.org/simple/numpy/", JSONType, readFile(t, "pypi-numpy.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := &Page{
		APIVersion: "1.1",
		Versions:   []string{"1.26.4", "2.0.0", "2.0.1"},
		Files: []File{
			{
				Filename:       "numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
				URL:            "https://files.pythonhosted.org/packages/3a/d0/numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
				Hashes:         map[string]string{"sha256": "666dbbb05f04aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
				RequiresPython: ">=3.9",
				HasMetadata:    true,
				MetadataHashes: map[string]string{"sha256": "7b0d1a0000000000000000000000000000000000000000000000000000000000"},
				Size:           18283574,
				UploadTime:     time.Date(2024, 2, 5, 23, 51, 57, 963353000, time.UTC),
			},
			{
				Filename:       "numpy-2.0.0.tar.gz",
				URL:            "https://pypi.org/packages/numpy-2.0.0.tar.gz",
				Hashes:         map[string]string{"sha256": "cf5d111111111111111111111111111111111111111111111111111111111111"},
				RequiresPython: ">=3.9",
				Yanked:         true,
				YankedReason:   "broken build",
				Size:           18326228,
			},
			{
				Filename:    "numpy-2.0.1-cp311-cp311-win_amd64.whl",
				URL:         "https://pypi.org/packages/numpy-2.0.1-cp311-cp311-win_amd64.whl",
				HasMetadata: true,
				Size:        1,
			},
		},
	}
	if diff := cmp.Diff(want, page); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseHTML(t *testing.T) {
	page, err := Parse("https://download.pytorch.org/whl/cu121/torch/", "text/html; charset=utf-8", readFile(t, "pytorch-torch.html"))
	if err != nil {
		t.Fatal(err)
	}
	want := &Page{Files: []File{
		{
			Filename:       "torch-2.5.1+cu121-cp311-cp311-linux_x86_64.whl",
			URL:            "https://download.pytorch.org/whl/cu121/torch-2.5.1%2Bcu121-cp311-cp311-linux_x86_64.whl",
			Hashes:         map[string]string{"sha256": "c8ab8c92eab928a93c483f83ca8c63f13dafc10fc93ad90ed2dcb7c82ea50410"},
			RequiresPython: ">=3.8.0",
			HasMetadata:    true,
			MetadataHashes: map[string]string{"sha256": "deadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef"},
		},
		{
			Filename:       "torch-2.5.1+cu121-cp311-cp311-win_amd64.whl",
			URL:            "https://download.pytorch.org/whl/cu121/torch-2.5.1%2Bcu121-cp311-cp311-win_amd64.whl",
			Hashes:         map[string]string{"sha256": "abababababababababababababababababababababababababababababababab"},
			RequiresPython: ">=3.8.0",
		},
		{
			Filename: "torch-2.0.0+cu121-cp311-cp311-linux_x86_64.whl",
			URL:      "https://download.pytorch.org/whl/cu121/torch/torch-2.0.0%2Bcu121-cp311-cp311-linux_x86_64.whl",
			Yanked:   true,
		},
		{
			Filename:     "torch-1.0.0-cp36-cp36m-linux_x86_64.whl",
			URL:          "https://mirror.example/x/torch-1.0.0-cp36-cp36m-linux_x86_64.whl",
			Hashes:       map[string]string{"md5": "abc00000000000000000000000000000"},
			Yanked:       true,
			YankedReason: "bad & broken",
			HasMetadata:  true,
		},
	}}
	if diff := cmp.Diff(want, page); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseFindLinksBase(t *testing.T) {
	page, err := parseHTMLPage("https://example.com/jax_cuda_releases.html", readFile(t, "findlinks.html"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range page.Files {
		got = append(got, f.Filename+" "+f.URL)
	}
	want := []string{
		"jaxlib-0.4.30+cuda12.cudnn89-cp311-cp311-manylinux2014_x86_64.whl https://storage.example/jax-releases/cuda12/jaxlib-0.4.30+cuda12.cudnn89-cp311-cp311-manylinux2014_x86_64.whl",
		"jaxlib-0.4.30-cp311-cp311-manylinux2014_x86_64.whl https://storage.example/jax-releases/nocuda/jaxlib-0.4.30-cp311-cp311-manylinux2014_x86_64.whl",
		"libtpu_nightly-0.1.dev20240617-py3-none-any.whl https://storage.example/jax-releases/libtpu_nightly-0.1.dev20240617-py3-none-any.whl",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		contentType, body, want string
	}{
		{JSONType, `{"meta": {"api-version": "1.0"}, "files": [`, "offset"},
		{JSONType, `{"meta": {"api-version": "2.0"}, "files": []}`, `simple API version "2.0"`},
		{JSONType, `{"files": []}`, "no meta.api-version"},
		{JSONType, `{"meta": {"api-version": "1.0"}, "files": {"a": 1}}`, `JSON field "files"`},
		{JSONType, `{"meta": {"api-version": "1.0"}, "files": [{"filename": "a-1.whl", "url": "a-1.whl", "size": "big"}]}`, `JSON field "files[0].size"`},
		{JSONType, `{"meta": {"api-version": "1.0"}, "files": []} {}`, "data after the top-level value"},
		{JSONType, `[]`, "want a JSON object"},
		{JSONType, ``, "unexpected end"},
		{"text/html", "Service temporarily unavailable", `not an HTML page: it starts with "Service`},
		{"text/html", "\x00\x01\xff\xfe", "binary data"},
		{"text/html", `<html><meta name="pypi:repository-version" content="2.0"></html>`, `simple API version "2.0"`},
	}
	for _, tt := range tests {
		_, err := Parse("https://pypi.org/simple/a/", tt.contentType, []byte(tt.body))
		if _, ok := err.(*Error); !ok || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) = %v, want an *Error with %q", tt.body, err, tt.want)
		}
	}
}

// TestBadFileValues: a value of a file that cannot be right costs that file (or the
// value, where the file is still usable), never the page, and is said in Problems.
// Hashes from JSON are checked as strictly as HTML fragments: a "hash" with a newline
// and a pip option in it would otherwise be written into a requirements lock.
func TestBadFileValues(t *testing.T) {
	good := strings.Repeat("ab", 32)
	injected := good + `\n--extra-index-url https://evil.example/simple\nevilpkg==6.6.6 --hash=sha256:` + good
	tests := []struct {
		name, contentType, file string
		keep                    bool // the file stays, the odd value dropped
		problem                 string
	}{
		{"newline in a JSON hash", JSONType, `{"filename": "x-1.0.tar.gz", "url": "x-1.0.tar.gz", "hashes": {"sha256": "` + injected + `"}}`,
			false, `sha256 digest "` + good + `\n--extra-index-u"… is not hexadecimal; file skipped`},
		{"short JSON hash", JSONType, `{"filename": "x-1.0.tar.gz", "url": "x-1.0.tar.gz", "hashes": {"sha256": "abcd"}}`,
			false, `sha256 digest "abcd" has 4 hexadecimal digits, not 64; file skipped`},
		{"several bad hashes", JSONType, `{"filename": "x-1.0.tar.gz", "url": "x-1.0.tar.gz", "hashes": {"sha512": "zz", "sha256": "` + good + `", "md5": "yy", "sha1": "xx"}}`,
			false, `md5 digest "yy" is not hexadecimal; file skipped`},
		{"hashes not a map", JSONType, `{"filename": "x-1.0.tar.gz", "url": "x-1.0.tar.gz", "hashes": ["` + good + `"]}`,
			false, "hashes: want a map of hash names to digests; file skipped"},
		{"hash name with a newline", JSONType, `{"filename": "x-1.0.tar.gz", "url": "x-1.0.tar.gz", "hashes": {"sha256\n--pre": "` + good + `"}}`,
			false, `hash name "sha256\n--pre" is not a hash function's name; file skipped`},
		{"newline in a file name", JSONType, `{"filename": "x-1.0.tar.gz\nevilpkg==6.6.6", "url": "x-1.0.tar.gz"}`,
			false, `file name "x-1.0.tar.gz\nevilpkg==6.6.6" has white space or control characters; file skipped`},
		{"escape in a file name", JSONType, `{"filename": "x-1.0.tar.gz\u001b[2J", "url": "x-1.0.tar.gz"}`,
			false, `file name "x-1.0.tar.gz\x1b[2J" has white space or control characters; file skipped`},
		{"path as a file name", JSONType, `{"filename": "../x-1.0.tar.gz", "url": "x-1.0.tar.gz"}`,
			false, `file name "../x-1.0.tar.gz" is not a file name; file skipped`},
		{"control character in a URL query", JSONType, `{"filename": "x-1.0.tar.gz", "url": "x-1.0.tar.gz?a=b\u0085c"}`,
			false, `url "https://pypi.org/simple/x/x-1.0.tar.gz?a=b\u0085c" has white space or control characters; file skipped`},
		{"newline in requires-python", JSONType, `{"filename": "x-1.0.tar.gz", "url": "x-1.0.tar.gz", "requires-python": ">=3\n--pre"}`,
			false, `requires-python ">=3\n--pre" has control characters; file skipped`},
		{"bad metadata hash", JSONType, `{"filename": "x-1.0.tar.gz", "url": "x-1.0.tar.gz", "core-metadata": {"sha256": "zz"}}`,
			true, "core-metadata: sha256 digest \"zz\" is not hexadecimal; the metadata file is not used"},
		{"core-metadata of another type", JSONType, `{"filename": "x-1.0.tar.gz", "url": "x-1.0.tar.gz", "core-metadata": "yes"}`,
			true, "core-metadata: want a boolean or a map of hashes; the metadata file is not used"},
		{"negative size", JSONType, `{"filename": "x-1.0.tar.gz", "url": "x-1.0.tar.gz", "size": -1}`,
			true, "negative size -1 ignored"},
		{"newline in an HTML hash", "text/html", `<a href="x-1.0.tar.gz#sha256=` + good + `%0A--pre">x</a>`,
			false, "sha256 digest \"" + good + "\\n--pre\" is not hexadecimal; file skipped"},
		{"short HTML hash", "text/html", `<a href="x-1.0.tar.gz#sha256=abcd">x</a>`,
			false, `sha256 digest "abcd" has 4 hexadecimal digits, not 64; file skipped`},
		{"newline in an HTML file name", "text/html", `<a href="x-1.0.tar.gz%0Aevilpkg==6.6.6">x</a>`,
			false, `has white space or control characters; file skipped`},
		{"bad HTML metadata hash", "text/html", `<a href="x-1.0.tar.gz" data-core-metadata="sha256=abcd">x</a>`,
			true, `data-core-metadata: sha256 digest "abcd" has 4 hexadecimal digits, not 64; the metadata file is not used`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"meta": {"api-version": "1.1"}, "files": [` + tt.file + `, {"filename": "x-2.0.tar.gz", "url": "x-2.0.tar.gz", "hashes": {"sha256": "` + good + `"}}]}`
			if tt.contentType != JSONType {
				body = "<html><body>" + tt.file + `<a href="x-2.0.tar.gz#sha256=` + good + `">x</a></body></html>`
			}
			page, err := Parse("https://pypi.org/simple/x/", tt.contentType, []byte(body))
			if err != nil {
				t.Fatalf("the page was lost: %v", err)
			}
			var names []string
			for _, f := range page.Files {
				names = append(names, f.Filename)
				for _, v := range f.Hashes {
					if v != good {
						t.Errorf("%s kept hash %q", f.Filename, v)
					}
				}
				if f.HasMetadata && f.MetadataHashes != nil {
					t.Errorf("%s kept metadata hashes %q", f.Filename, f.MetadataHashes)
				}
			}
			want := []string{"x-2.0.tar.gz"}
			if tt.keep {
				want = []string{"x-1.0.tar.gz", "x-2.0.tar.gz"}
			}
			if diff := cmp.Diff(want, names); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
			if len(page.Problems) != 1 || !strings.Contains(page.Problems[0], tt.problem) {
				t.Errorf("problems %q, want one with %q", page.Problems, tt.problem)
			}
		})
	}
}

// TestJSONYanked: PEP 691 yanks a file whose "yanked" value is truthy; a reason is
// a non-empty string. A value of another type is read by its truth, with a problem,
// and costs neither the file nor the page.
func TestJSONYanked(t *testing.T) {
	tests := []struct {
		value       string
		yanked      bool
		reason      string
		withProblem bool
	}{
		{`false`, false, "", false},
		{`null`, false, "", false},
		{`true`, true, "", false},
		{`"broken build"`, true, "broken build", false},
		{`""`, false, "", false},
		{`1`, true, "", true},
		{`0`, false, "", true},
		{`["x"]`, true, "", true},
		{`{}`, false, "", true},
	}
	for _, tt := range tests {
		body := `{"meta": {"api-version": "1.1"}, "files": [{"filename": "x-1.0.tar.gz", "url": "x-1.0.tar.gz", "yanked": ` + tt.value + `}]}`
		page, err := parseJSONPage("https://pypi.org/simple/x/", []byte(body))
		if err != nil {
			t.Errorf("yanked %s: the page was lost: %v", tt.value, err)
			continue
		}
		if len(page.Files) != 1 {
			t.Errorf("yanked %s: files %+v", tt.value, page.Files)
			continue
		}
		if f := page.Files[0]; f.Yanked != tt.yanked || f.YankedReason != tt.reason {
			t.Errorf("yanked %s: Yanked %v, reason %q; want %v, %q", tt.value, f.Yanked, f.YankedReason, tt.yanked, tt.reason)
		}
		if got := len(page.Problems) > 0; got != tt.withProblem {
			t.Errorf("yanked %s: problems %q", tt.value, page.Problems)
		}
	}
}

// TestParseReaderReadError: a failed read is the reader's error, not a bad
// page, so that the caller can tell a broken transfer from a broken page.
func TestParseReaderReadError(t *testing.T) {
	broken := errors.New("connection reset")
	for _, ct := range []string{JSONType, "text/html"} {
		body := `{"meta": {"api-version": "1.0"}, "files": [`
		if ct == "text/html" {
			body = `<html><body><a href="a-1.whl">a-1.whl</a>`
		}
		_, err := ParseReader("https://pypi.org/simple/a/", ct, io.MultiReader(strings.NewReader(body), iotest.ErrReader(broken)))
		if err != broken {
			t.Errorf("%s: error %v, want the reader's", ct, err)
		}
	}
}

// TestParseJSONMetaLast: the files may come before meta; the page reads the
// same.
func TestParseJSONMetaLast(t *testing.T) {
	page, err := parseJSONPage("https://pypi.org/simple/a/", []byte(`{"files": [{"filename": "a-1.whl", "url": "a-1.whl"}], "meta": {"api-version": "1.1"}}`))
	if err != nil || page.APIVersion != "1.1" || len(page.Files) != 1 || page.Files[0].URL != "https://pypi.org/simple/a/a-1.whl" {
		t.Errorf("parseJSONPage = %+v, %v", page, err)
	}
}

func TestEmptyHTMLPage(t *testing.T) {
	page, err := parseHTMLPage("https://pypi.org/simple/a/", []byte("\ufeff  <!DOCTYPE html><html><body></body></html>"))
	if err != nil || len(page.Files) != 0 {
		t.Errorf("parseHTMLPage = %+v, %v; want an empty page", page, err)
	}
}

func TestIsJSON(t *testing.T) {
	for ct, want := range map[string]bool{
		JSONType:                              true,
		JSONType + "; charset=utf-8":          true,
		"application/json":                    false,
		"text/html":                           false,
		"":                                    false,
		"APPLICATION/VND.PYPI.SIMPLE.V1+JSON": true,
	} {
		if got := IsJSON(ct); got != want {
			t.Errorf("IsJSON(%q) = %v", ct, got)
		}
	}
}

func fuzzSeeds(f *testing.F) {
	for _, name := range []string{"pypi-numpy.json", "pytorch-torch.html", "findlinks.html"} {
		f.Add(readFile(f, name))
	}
}

func FuzzParseJSON(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		checkPage(t, parseJSONPage)(body)
	})
}

func FuzzParseHTML(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		checkPage(t, parseHTMLPage)(body)
	})
}

func checkPage(t *testing.T, parse func(string, []byte) (*Page, error)) func([]byte) {
	return func(body []byte) {
		page, err := parse("https://pypi.org/simple/a/", body)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		for _, f := range page.Files {
			if f.Filename == "" || strings.Contains(f.Filename, "/") || f.URL == "" || strings.Contains(f.URL, "#") || f.Size < 0 {
				t.Fatalf("bad file %+v", f)
			}
			if checkFilename(f.Filename) != nil || checkURL(f.URL) != nil || hasUnprintable(f.RequiresPython, nil) {
				t.Fatalf("unchecked value in %+v", f)
			}
			for name, digest := range f.Hashes {
				if checkDigest(name, digest) != nil || strings.ToLower(digest) != digest {
					t.Fatalf("unchecked hash in %+v", f)
				}
			}
		}
	}
}

// parseJSONPage and parseHTMLPage are Parse of a page served as each form.
func parseJSONPage(pageURL string, body []byte) (*Page, error) {
	return Parse(pageURL, JSONType, body)
}

func parseHTMLPage(pageURL string, body []byte) (*Page, error) {
	return Parse(pageURL, HTMLType, body)
}

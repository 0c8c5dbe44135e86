package index

import (
	"net/url"
	"testing"
)

func TestIsPlainWebURL(t *testing.T) {
	for s, want := range map[string]bool{
		"https://files.example/packages/ab/cd/torch-2.5.1-cp311-cp311-manylinux1_x86_64.whl": true,
		"http://127.0.0.1:8080/pypi/files/a_b-1.0.tar.gz?x=1&y=2":                            true,
		"https://user:token@files.example/a.whl":                                             false,
		"https://files.example/a%20b.whl":                                                    false,
		"https://files.example/a.whl#sha256=00":                                              false,
		"https://[::1]/a.whl":                                                                false,
		"https://files.example:/a.whl":                                                       false,
		"https://a:b/a.whl":                                                                  false,
		"https:///a.whl":                                                                     false,
		"file:///tmp/a.whl":                                                                  false,
		"ftp://files.example/a.whl":                                                          false,
	} {
		if got := isPlainWebURL(s); got != want {
			t.Errorf("isPlainWebURL(%q) = %v, want %v", s, got, want)
		}
	}
}

// FuzzPlainWebURL checks the promise candidateOf relies on: a URL the fast path
// accepts is exactly what parsing and printing it gives, with no userinfo.
func FuzzPlainWebURL(f *testing.F) {
	for _, s := range []string{
		"https://files.example/packages/torch-2.5.1-cp311-cp311-manylinux1_x86_64.whl",
		"http://127.0.0.1:8080/pypi/files/a_b-1.0.tar.gz?x=1&y=2",
		"https://a:b/a.whl",
		"https://host/a;b=c,d+e~f:g",
		"http://host?q",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !isPlainWebURL(s) {
			return
		}
		u, err := url.Parse(s)
		if err != nil {
			t.Fatalf("accepted %q, which url.Parse rejects: %v", s, err)
		}
		if u.User != nil || u.String() != s {
			t.Fatalf("accepted %q, which parses to %q (user %v)", s, u.String(), u.User)
		}
	})
}

package redact

import (
	"regexp"
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://pypi.org/simple", "https://pypi.org/simple"},
		{"https://user:secret@example.com/simple/", "https://****@example.com/simple/"},
		{"https://TOKEN@example.com/simple/", "https://****@example.com/simple/"},
		{"https://example.com/simple/?token=abc&page=2", "https://example.com/simple/?token=****&page=****"},
		// A secret under a name no list could foresee.
		{"https://example.com/simple/?access_code=hunter2", "https://example.com/simple/?access_code=****"},
		{"https://example.com/simple/?hunter2", "https://example.com/simple/?****"},
		{"https://example.com/simple/?a=&b=x%20y", "https://example.com/simple/?a=&b=****"},
		{"https://alice:s3cr/et@example.invalid/simple", "https://****@example.invalid/simple"},
		{"https://user:pa#ss@host/simple", "https://****@host/simple"},
		{"https://user:pa?ss@host/simple", "https://****@host/simple"},
		{"https://example.com/x.whl#sha256=ab", "https://example.com/x.whl#sha256=ab"},
		{"http://u:p@127.0.0.1:8080/simple", "http://****@127.0.0.1:8080/simple"},
		{"https://u:p%zz@host/x", "https://****@host/x"}, // unparsable escape
		// A slash too few: url.Parse finds no host, and the userinfo is still masked.
		{"https:/user:s3cret@host/simple", "https:/****@host/simple"},
		{"https:user:s3cret@host/simple", "https:****@host/simple"},
		{"user:s3cret@host/simple", "user:****@host/simple"},
		{`C:\wheels@2`, `C:\wheels@2`},
		{"./wheels@2", "./wheels@2"},
		{"./wheels", "./wheels"},
		{"/abs/path/wheels", "/abs/path/wheels"},
	}
	for _, tt := range tests {
		if got := URL(tt.in); got != tt.want {
			t.Errorf("URL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Two values of a parameter that is not a secret keep two keys, neither holding the
// value; any two values of a token share one, so a rotated token keeps its key.
func TestKeyURL(t *testing.T) {
	nightly := KeyURL("https://u:p@example.com/simple/?channel=nightly&access_code=hunter2&token=t1")
	for _, leaked := range []string{"nightly", "hunter2", "t1", "u:p"} {
		if strings.Contains(nightly, leaked) {
			t.Errorf("KeyURL kept %q: %s", leaked, nightly)
		}
	}
	if !strings.HasPrefix(nightly, "https://****@example.com/simple/?channel=sha256-") || !strings.HasSuffix(nightly, "&token=****") {
		t.Errorf("KeyURL = %s", nightly)
	}
	if stable := KeyURL("https://example.com/simple/?channel=stable&access_code=hunter2&token=t1"); stable == strings.Replace(nightly, "****@", "", 1) {
		t.Errorf("two channels share the key %s", stable)
	}
	if a, b := KeyURL("https://example.com/s/?token=one"), KeyURL("https://example.com/s/?token=two"); a != b {
		t.Errorf("a rotated token changed the key: %s, %s", a, b)
	}
}

// A URL a slash or two short, as a mistyped one is quoted back in an error, is found
// in text and masked; prose with colons is left as it is.
func TestTextURLWithoutItsSlashes(t *testing.T) {
	for in, want := range map[string]string{
		`invalid URL: parse "https:/u:s3cret@host/%zz/x.whl": invalid URL escape "%zz"`: `invalid URL: parse "https:/****@host/%zz/x.whl": invalid URL escape "%zz"`,
		"-e git+https:/u:s3cret@host/x.git#egg=x (g.txt:1) is editable":                 "-e git+https:/****@host/x.git#egg=x (g.txt:1) is editable",
		"see HTTP:u:s3cret@host/simple.":                                                "see HTTP:****@host/simple.",
		"note: python 3.10 (depsolve.toml:3): see https: the docs, at user@host":        "note: python 3.10 (depsolve.toml:3): see https: the docs, at user@host",
	} {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestText(t *testing.T) {
	in := `GET "https://alice:hunter2@private.example/simple/torch/": 503 Service Unavailable; see http://example.com/x`
	got := Text(in)
	if strings.Contains(got, "hunter2") || strings.Contains(got, "alice") {
		t.Fatalf("Text leaked a credential: %q", got)
	}
	want := `GET "https://****@private.example/simple/torch/": 503 Service Unavailable; see http://example.com/x`
	if got != want {
		t.Fatalf("Text = %q, want %q", got, want)
	}
}

// A server or proxy that echoes the request's Authorization header in an error body
// does not get the credentials shown; a challenge's parameters stay readable.
func TestTextAuthorizationCredentials(t *testing.T) {
	for in, want := range map[string]string{
		"500: upstream failed for Basic YWxpY2U6czNjcmV0":            "500: upstream failed for Basic ****",
		"authorization: bearer eyJhbGciOiJIUzI1NiJ9.e30.sig, retry":  "authorization: bearer ****, retry",
		`401: WWW-Authenticate: Basic realm="registry"`:              `401: WWW-Authenticate: Basic realm="registry"`,
		`Bearer realm=https://auth.example/token,service=registry`:   `Bearer realm=https://auth.example/token,service=registry`,
		"basic auth failed for https://u:p@host/x: Basic dTpw\nnext": "basic auth failed for https://****@host/x: Basic ****\nnext",
		"a basic  ": "a basic  ",
	} {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTextKeepsTrailingPunctuation(t *testing.T) {
	in := "GET https://example.com/simple/numpy/?token=abc: 503 Service Unavailable (see https://u:p@host/x)."
	want := "GET https://example.com/simple/numpy/?token=****: 503 Service Unavailable (see https://****@host/x)."
	if got := Text(in); got != want {
		t.Fatalf("Text = %q, want %q", got, want)
	}
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"https://a:b@c/d", "x://@", "://", "a://b:c@d e://f@g", "https://u:p%zz@host/x", "see https://h/x?q=SECRETPW now"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Text(s)
		if strings.Contains(s, "://u:SECRETPW@") && strings.Contains(out, "SECRETPW") ||
			strings.Contains(s, " https://h/x?q=SECRETPW ") && strings.Contains(out, "q=SECRETPW") {
			t.Fatalf("leaked: %q", out)
		}
	})
}

// FuzzAuthSchemeGuard: the cheap check that spares most text the expression never
// skips a text the expression would match, whatever its case or script.
func FuzzAuthSchemeGuard(f *testing.F) {
	for _, s := range []string{"Authorization: Basic YWxpY2U6czNjcmV0", "BEARER abc", "bAsIc\tx", "baſic QUJD", "plain text", "b", "bearerbasic"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if authScheme().MatchString(s) && !mayNameAuthScheme(s) {
			t.Fatalf("mayNameAuthScheme(%q) = false, but the expression matches", s)
		}
	})
}

// TestAuthSchemeGuardSparesPlainText: text that names no scheme skips the expression.
func TestAuthSchemeGuardSparesPlainText(t *testing.T) {
	for _, s := range []string{"ok: 37 packages consistent for Python 3.11", "GET https://h/simple/x/: 503", "basis, beard, bear"} {
		if mayNameAuthScheme(s) {
			t.Errorf("mayNameAuthScheme(%q) = true", s)
		}
	}
}

func TestWithoutUserinfo(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"https://alice:s3cret@private.example/simple/", "https://private.example/simple/"},
		{"https://token@private.example/simple/", "https://private.example/simple/"},
		{"https://****@private.example/simple/", "https://private.example/simple/"}, // a URL masked before
		{"https://private.example/simple/?token=t0p", "https://private.example/simple/?token=****"},
		{"https://alice:s3cret@private.example/simple/?token=t0p", "https://private.example/simple/?token=****"},
		// A slash too few: url.Parse finds no host, and the userinfo is still masked.
		{"https:/user:s3cret@host/simple", "https:/****@host/simple"},
		{"https:user:s3cret@host/simple", "https:****@host/simple"},
		{"user:s3cret@host/simple", "user:****@host/simple"},
		{`C:\wheels@2`, `C:\wheels@2`},
		{"./wheels@2", "./wheels@2"},
		{"./wheels", "./wheels"},
	} {
		if got := WithoutUserinfo(tt.in); got != tt.want {
			t.Errorf("WithoutUserinfo(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzURLUserinfo: a password in the userinfo of anything that starts like a URL (a
// scheme, then any slashes) is masked by every form that shows or stores a URL,
// whatever follows it; Text masks it where the URL has its "://" or an http(s) scheme.
func FuzzURLUserinfo(f *testing.F) {
	for _, s := range [][2]string{{"https://", "host/simple"}, {"https:", "host/x"}, {"https:/", "h/%zz"}, {"git+https://", "github.com/x/y.git@v1"}, {"http://", "[::1/x"}} {
		f.Add(s[0], s[1])
	}
	scheme := regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]+:/*$`)
	f.Fuzz(func(t *testing.T, start, rest string) {
		if !scheme.MatchString(start) {
			return
		}
		s := start + "u:SECRETPW@" + rest
		for name, show := range map[string]func(string) string{"URL": URL, "WithoutUserinfo": WithoutUserinfo, "KeyURL": KeyURL, "Text": Text} {
			if scheme := strings.ToLower(strings.TrimRight(start, ":/")); name == "Text" && !strings.HasSuffix(start, "://") &&
				!strings.HasSuffix(scheme, "http") && !strings.HasSuffix(scheme, "https") {
				continue // Text finds URLs in prose by their "://", or an http(s) scheme
			}
			if out := show(s); strings.Contains(out, "SECRETPW") {
				t.Fatalf("%s(%q) = %q", name, s, out)
			}
		}
	})
}

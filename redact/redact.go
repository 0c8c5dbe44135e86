// Package redact removes credentials from index URLs before they reach a message, a log
// line, a lockfile or JSON output.
//
// Private indexes are commonly given as https://user:token@host/simple or with a token in
// the query string; both forms are handled, and every query value is masked, whatever its
// name. The username is dropped too, because many
// registries take the token as the username (https://TOKEN@host/…).
package redact

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"
)

// Mask replaces a secret in a URL.
const Mask = "****"

// secretName reports whether a query parameter name says that its value is a secret.
// Every query value is masked in what is shown, whatever its name; the name only decides
// how KeyURL keys it.
func secretName(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"token", "key", "secret", "password", "passwd", "auth", "signature", "sig", "credential"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// URL returns raw with its userinfo and every query value masked: a query string can
// carry a secret under any name (?access_code=…, ?X-Amz-Credential=…), so names are kept,
// in their order, and values are not. A parameter without '=' is masked whole, as it may
// be a bare token. Text that does not parse as a URL is returned with any
// "scheme://user:pass@" prefix masked, so a malformed URL in an error message cannot leak
// a password either.
func URL(raw string) string {
	return rewrite(raw, func(string, string) string { return Mask })
}

// WithoutUserinfo is raw with its userinfo left out and every query value masked, as
// URL masks them: what a lock writes for an installer. pip sends a URL's user name as
// written, so a masked one ("****@") fails the index's login, and it takes credentials
// from ~/.netrc or a keyring only for a URL that has none.
func WithoutUserinfo(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" && u.User == nil {
		return maskUnparsed(raw)
	}
	if u.User == nil {
		return URL(raw)
	}
	u.User = nil
	return URL(u.String())
}

// KeyURL is raw as a key to store, such as a cache key: userinfo dropped as URL drops
// it, the values of secret-looking parameters (token, key, auth, signature, …) masked, so
// a rotated token finds the same key, and every other value replaced by a fingerprint of
// it (a truncated SHA-256), so two pages that differ in ?channel= keep two keys while the
// value itself is not stored. A fingerprint keeps an unguessable value from being read off
// the key; a short, guessable one could still be found by trying candidates.
func KeyURL(raw string) string {
	return rewrite(raw, func(name, value string) string {
		if secretName(name) {
			return Mask
		}
		sum := sha256.Sum256([]byte(value))
		return "sha256-" + hex.EncodeToString(sum[:8])
	})
}

// rewrite masks raw's userinfo and replaces each non-empty query value with what
// replace returns for its (unescaped) name and raw value.
func rewrite(raw string, replace func(name, value string) string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" && u.User == nil {
		return maskUnparsed(raw)
	}
	hadUser := u.User != nil
	u.User = nil
	if u.RawQuery != "" {
		params := strings.Split(u.RawQuery, "&")
		for i, p := range params {
			rawName, value, hasValue := strings.Cut(p, "=")
			name, err := url.QueryUnescape(rawName)
			if err != nil {
				name = rawName
			}
			switch {
			case !hasValue && p != "":
				params[i] = replace("", p)
			case value != "":
				params[i] = rawName + "=" + replace(name, value)
			}
		}
		u.RawQuery = strings.Join(params, "&")
	}
	out := u.String()
	if hadUser {
		// url.User would percent-encode the mask, so splice it in after the scheme.
		if i := strings.Index(out, "://"); i >= 0 {
			out = out[:i+3] + Mask + "@" + out[i+3:]
		}
	}
	return out
}

// maskUnparsed masks the userinfo of a string that url.Parse rejected, or read as no
// host: a URL with a slash too few ("https:/user:token@host/simple", "https:user:token@…"),
// a typo that an error message then quotes. A password may hold '/', '?' or '#' (base64
// tokens do), which is often why parsing failed, so everything up to the last '@' is
// taken as userinfo: masking too much of a malformed URL is the safe mistake.
func maskUnparsed(raw string) string {
	start := strings.Index(raw, "://") + 3
	if start < 3 {
		start = schemeEnd(raw) + 1
		if start < 1 {
			return raw
		}
		for start < len(raw) && raw[start] == '/' {
			start++
		}
	}
	rest := raw[start:]
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return raw
	}
	return raw[:start] + Mask + rest[at:]
}

// schemeEnd is the index of the ':' that ends raw's URL scheme, or -1 where raw starts
// with none. A one-letter scheme is a Windows drive (C:\wheels), not a URL's.
func schemeEnd(raw string) int {
	i := strings.IndexByte(raw, ':')
	if i < 2 || !('a' <= raw[0]|0x20 && raw[0]|0x20 <= 'z') {
		return -1
	}
	for j := range i {
		if !isSchemeChar(raw[j]) {
			return -1
		}
	}
	return i
}

// Text masks every URL with credentials found in a free-form string, such as an error
// message that embeds a request URL, and every credential of an Authorization header
// (Basic, Bearer), which a failing server or proxy may echo in the body an error quotes.
// A URL is found by its "://", or by an http or https scheme a slash or two short
// (https:/user:token@host), as a mistyped one is quoted back.
func Text(s string) string {
	s = authCredentials(s)
	var b strings.Builder
	for {
		i, body := nextURL(s)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		start := i
		for start > 0 && isSchemeChar(s[start-1]) {
			start--
		}
		end := body
		for end < len(s) && !isURLTerminator(s[end]) {
			end++
		}
		// Punctuation that ends a sentence or a "GET URL: status" prefix is not part
		// of the URL.
		for end > body && strings.IndexByte(":,.;)", s[end-1]) >= 0 {
			end--
		}
		b.WriteString(s[:start])
		b.WriteString(URL(s[start:end]))
		s = s[end:]
	}
}

// nextURL finds the first URL in s: the index of the ':' after its scheme, and of what
// follows the "://" (or the ':' of an http or https scheme without it); -1 when s holds
// none.
func nextURL(s string) (colon, body int) {
	for i := strings.IndexByte(s, ':'); i >= 0; {
		if strings.HasPrefix(s[i:], "://") {
			return i, i + 3
		}
		start := i
		for start > 0 && isSchemeChar(s[start-1]) {
			start--
		}
		if scheme := strings.ToLower(s[start:i]); strings.HasSuffix(scheme, "http") || strings.HasSuffix(scheme, "https") {
			return i, i + 1
		}
		next := strings.IndexByte(s[i+1:], ':')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return -1, 0
}

func isSchemeChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'
}

func isURLTerminator(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\'' || c == '<' || c == '>'
}

// authScheme finds an HTTP authentication scheme and the token68 after it: the
// credentials "Basic YWxpY2U6czNjcmV0" or "Bearer eyJ…" carry.
var authScheme = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b(?:basic|bearer)[ \t]+([A-Za-z0-9._~+/-]+=*)`)
})

// mayNameAuthScheme reports whether s may hold what authScheme matches: a scheme's name
// in any case, or any non-ASCII text (case folding takes the long s, U+017F, for an s).
// Most text printed holds neither, and needs the expression neither compiled nor run.
func mayNameAuthScheme(s string) bool {
	hasPrefixFold := func(s, prefix string) bool {
		return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
	}
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] >= utf8.RuneSelf:
			return true
		case hasPrefixFold(s[i:], "basic") || hasPrefixFold(s[i:], "bearer"):
			return true
		}
	}
	return false
}

// authCredentials masks the credentials that follow an authentication scheme. A
// challenge's parameters (Basic realm="registry") are not credentials: a token68 is
// followed by neither a value nor a quote. Nor is a word of prose ("basic auth failed"):
// credentials are base64 or a token, never only lower-case letters.
func authCredentials(s string) string {
	if !mayNameAuthScheme(s) {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range authScheme().FindAllStringSubmatchIndex(s, -1) {
		start, end := m[2], m[3]
		if end < len(s) && (s[end] == '"' || isSchemeChar(s[end]) || strings.IndexByte("._~/", s[end]) >= 0) {
			continue
		}
		if strings.TrimLeft(s[start:end], "abcdefghijklmnopqrstuvwxyz") == "" {
			continue
		}
		b.WriteString(s[last:start])
		b.WriteString(Mask)
		last = end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

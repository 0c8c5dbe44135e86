// Package redact removes credentials from index URLs before they reach a message, a log
// line, a lockfile or JSON output.
//
// Private indexes are commonly given as https://user:token@host/simple or with a token in
// the query string; both forms are handled. The username is dropped too, because many
// registries take the token as the username (https://TOKEN@host/…).
package redact

import (
	"net/url"
	"strings"
)

// Mask replaces a secret in a URL.
const Mask = "****"

// sensitiveQuery reports whether a query parameter name is likely to hold a secret.
func sensitiveQuery(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"token", "key", "secret", "password", "passwd", "auth", "signature", "sig", "credential"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// URL returns raw with its userinfo and secret-looking query values masked. Text that
// does not parse as a URL is returned with any "scheme://user:pass@" prefix masked, so a
// malformed URL in an error message cannot leak a password either.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" && u.User == nil {
		return maskUnparsed(raw)
	}
	hadUser := u.User != nil
	u.User = nil
	if u.RawQuery != "" {
		q := u.Query()
		changed := false
		for name := range q {
			if sensitiveQuery(name) {
				q[name] = []string{queryPlaceholder}
				changed = true
			}
		}
		if changed {
			// Encode would percent-encode the mask itself; a plain placeholder
			// survives encoding and is swapped for the mask afterwards.
			u.RawQuery = strings.ReplaceAll(q.Encode(), queryPlaceholder, Mask)
		}
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

// queryPlaceholder stands in for Mask while a query string is re-encoded.
const queryPlaceholder = "DEPSOLVEREDACTED"

// maskUnparsed masks the userinfo of a string that url.Parse rejected. A password may
// hold '/', '?' or '#' (base64 tokens do), which is often why parsing failed, so
// everything up to the last '@' is taken as userinfo: masking too much of a malformed
// URL is the safe mistake.
func maskUnparsed(raw string) string {
	scheme := strings.Index(raw, "://")
	if scheme < 0 {
		return raw
	}
	rest := raw[scheme+3:]
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return raw
	}
	return raw[:scheme+3] + Mask + rest[at:]
}

// Text masks every URL with credentials found in a free-form string, such as an error
// message that embeds a request URL.
func Text(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "://")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		start := i
		for start > 0 && isSchemeChar(s[start-1]) {
			start--
		}
		end := i + 3
		for end < len(s) && !isURLTerminator(s[end]) {
			end++
		}
		// Punctuation that ends a sentence or a "GET URL: status" prefix is not part
		// of the URL.
		for end > i+3 && strings.IndexByte(":,.;)", s[end-1]) >= 0 {
			end--
		}
		b.WriteString(s[:start])
		b.WriteString(URL(s[start:end]))
		s = s[end:]
	}
}

func isSchemeChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'
}

func isURLTerminator(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\'' || c == '<' || c == '>'
}

package main

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/depsolve/depsolve/redact"
)

// printJSON writes an encoded JSON document to stdout with every credential in its
// strings masked. Redacting the encoded text instead, as print does, would read a URL on
// through the escapes that follow it ("…/x.py\n[2]") and percent-encode them into the
// URL ("…/x.py%5Cn%5B2%5D").
func (u *ui) printJSON(doc []byte) {
	u.clearStatus()
	u.out.Write(redactJSONStrings(doc))
}

// redactJSONStrings applies redact.Text to the value of every string literal of doc, a
// valid JSON document; literals without a credential keep their bytes.
func redactJSONStrings(doc []byte) []byte {
	var out bytes.Buffer
	for {
		start := bytes.IndexByte(doc, '"')
		if start < 0 {
			out.Write(doc)
			return out.Bytes()
		}
		end := start + 1
		for end < len(doc) && doc[end] != '"' {
			if doc[end] == '\\' {
				end++
			}
			end++
		}
		end = min(end+1, len(doc))
		out.Write(doc[:start])
		out.Write(redactLiteral(doc[start:end]))
		doc = doc[end:]
	}
}

// redactLiteral redacts one JSON string literal, encoded again as encoding/json does
// without HTML escaping.
func redactLiteral(lit []byte) []byte {
	if !bytes.Contains(lit, []byte("://")) {
		return lit
	}
	var s string
	if json.Unmarshal(lit, &s) != nil {
		return lit
	}
	masked := redact.Text(s)
	if masked == s {
		return lit
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(masked) // a string always encodes
	return []byte(strings.TrimSuffix(b.String(), "\n"))
}

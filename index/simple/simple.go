// Package simple reads project pages of the Python simple repository API.
//
// Two serializations are read: PEP 691 JSON (application/vnd.pypi.simple.v1+json)
// and PEP 503 HTML (application/vnd.pypi.simple.v1+html, or text/html from
// static servers such as the PyTorch wheel indexes), with the later additions:
// PEP 592 yanking, PEP 658/714 core-metadata files ("core-metadata", falling back
// to the older "dist-info-metadata" spelling), PEP 700 "versions", "size" and
// "upload-time". HTML is read with golang.org/x/net/html, so character references
// in attributes (data-requires-python="&gt;=3.8") are decoded, and a <base href>
// changes the base of relative links. The same HTML reader serves pip's
// --find-links pages, which are plain lists of links.
//
// A file's name is taken from the last segment of its URL's path, unescaped
// (torch-2.5.1%2Bcu121-….whl is torch-2.5.1+cu121-….whl), as pip and uv do,
// not from the link text. Links without a path segment are skipped.
//
// Deviations: an HTML page must start with '<' (after white space and a byte
// order mark), so that a proxy's error text or a binary body served as text/html
// is an error rather than a project without files; GPG signature fields (PEP 503
// data-gpg-sig, removed by PEP 761) are ignored.
package simple

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Media types of the simple API (PEP 691).
const (
	JSONType = "application/vnd.pypi.simple.v1+json"
	HTMLType = "application/vnd.pypi.simple.v1+html"
)

// Accept is the Accept header a client sends: JSON preferred, HTML accepted
// (PEP 691's recommended form).
const Accept = JSONType + ", " + HTMLType + ";q=0.2, text/html;q=0.01"

// Page is a project page, or a --find-links page.
type Page struct {
	// APIVersion is the page's meta api-version (JSON) or pypi:repository-version
	// (HTML), "" when the page does not say.
	APIVersion string
	// Versions is PEP 700's list of all the project's versions, as written; nil
	// when the page does not have it (HTML, API 1.0).
	Versions []string
	Files    []File
}

// File is one distribution file a page links to.
type File struct {
	Filename string
	URL      string            // absolute, without a fragment
	Hashes   map[string]string // lower-case hash name -> lower-case hex digest
	// RequiresPython is the file's Requires-Python specifier as written, "" if none.
	RequiresPython string
	Yanked         bool
	YankedReason   string
	// HasMetadata reports a PEP 658 metadata file at URL + ".metadata";
	// MetadataHashes are its hashes, possibly none.
	HasMetadata    bool
	MetadataHashes map[string]string
	Size           int64     // in bytes; 0 when the page does not say (PEP 700)
	UploadTime     time.Time // zero when the page does not say (PEP 700)
}

// Error is a page that cannot be read.
type Error struct {
	Offset int64 // byte offset in the body where reading failed, -1 if unknown
	Msg    string
}

func (e *Error) Error() string {
	if e.Offset >= 0 {
		return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg)
	}
	return e.Msg
}

// IsJSON reports whether a Content-Type header names the PEP 691 JSON form.
func IsJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == JSONType
}

// Parse reads a page served with the given Content-Type from pageURL (after
// redirects; the base of its relative links).
func Parse(pageURL, contentType string, body []byte) (*Page, error) {
	if IsJSON(contentType) {
		return ParseJSON(pageURL, body)
	}
	return ParseHTML(pageURL, body)
}

// checkAPIVersion rejects a page of a major API version this reader does not
// know (PEP 629: clients must fail on a newer major version).
func checkAPIVersion(v string) error {
	if v == "" {
		return nil
	}
	major, _, _ := strings.Cut(v, ".")
	if n, err := strconv.Atoi(major); err != nil || n != 1 {
		return &Error{Offset: -1, Msg: fmt.Sprintf("simple API version %q: depsolve reads version 1", v)}
	}
	return nil
}

type jsonPage struct {
	Meta struct {
		APIVersion string `json:"api-version"`
	} `json:"meta"`
	Versions []string   `json:"versions"`
	Files    []jsonFile `json:"files"`
}

type jsonFile struct {
	Filename         string            `json:"filename"`
	URL              string            `json:"url"`
	Hashes           map[string]string `json:"hashes"`
	RequiresPython   *string           `json:"requires-python"`
	CoreMetadata     jsonMetadata      `json:"core-metadata"`
	DistInfoMetadata jsonMetadata      `json:"dist-info-metadata"`
	Yanked           jsonYanked        `json:"yanked"`
	Size             *int64            `json:"size"`
	UploadTime       *string           `json:"upload-time"`
}

// ParseJSON reads a PEP 691 JSON project page.
func ParseJSON(pageURL string, body []byte) (*Page, error) {
	base, err := url.Parse(pageURL)
	if err != nil {
		return nil, &Error{Offset: -1, Msg: fmt.Sprintf("page URL: %v", err)}
	}
	var jp jsonPage
	if err := json.Unmarshal(body, &jp); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return nil, &Error{Offset: se.Offset, Msg: "invalid JSON: " + se.Error()}
		case errors.As(err, &te):
			return nil, &Error{Offset: te.Offset, Msg: fmt.Sprintf("JSON field %q: want %s, found %s", te.Field, te.Type, te.Value)}
		}
		return nil, &Error{Offset: -1, Msg: "invalid JSON: " + err.Error()}
	}
	if jp.Meta.APIVersion == "" {
		return nil, &Error{Offset: -1, Msg: "not a simple API page: no meta.api-version"}
	}
	if err := checkAPIVersion(jp.Meta.APIVersion); err != nil {
		return nil, err
	}
	p := &Page{APIVersion: jp.Meta.APIVersion, Versions: jp.Versions}
	if len(jp.Files) > 0 {
		p.Files = make([]File, 0, len(jp.Files))
	}
	for i, jf := range jp.Files {
		f, err := jf.file(base)
		if err != nil {
			return nil, &Error{Offset: -1, Msg: fmt.Sprintf("files[%d]: %v", i, err)}
		}
		p.Files = append(p.Files, f)
	}
	return p, nil
}

func (jf jsonFile) file(base *url.URL) (File, error) {
	if jf.Filename == "" || strings.ContainsAny(jf.Filename, "/\\") {
		return File{}, fmt.Errorf("invalid filename %q", jf.Filename)
	}
	u, err := base.Parse(jf.URL)
	if err != nil || jf.URL == "" {
		return File{}, fmt.Errorf("%s: invalid url %q", jf.Filename, jf.URL)
	}
	u.Fragment, u.RawFragment = "", ""
	f := File{Filename: jf.Filename, URL: u.String(), Hashes: lowerHashes(jf.Hashes)}
	if jf.RequiresPython != nil {
		f.RequiresPython = strings.TrimSpace(*jf.RequiresPython)
	}
	meta := jf.CoreMetadata
	if !meta.set {
		meta = jf.DistInfoMetadata // PEP 714: the older key
	}
	if meta.err != nil {
		return File{}, fmt.Errorf("%s: core-metadata: %v", jf.Filename, meta.err)
	}
	f.HasMetadata, f.MetadataHashes = meta.present, meta.hashes
	if jf.Yanked.err != nil {
		return File{}, fmt.Errorf("%s: yanked: %v", jf.Filename, jf.Yanked.err)
	}
	f.Yanked, f.YankedReason = jf.Yanked.yanked, jf.Yanked.reason
	if jf.Size != nil {
		if *jf.Size < 0 {
			return File{}, fmt.Errorf("%s: negative size", jf.Filename)
		}
		f.Size = *jf.Size
	}
	if jf.UploadTime != nil {
		// PEP 700 fixes the format; a server that gets it wrong loses only the time.
		f.UploadTime, _ = time.Parse(time.RFC3339Nano, *jf.UploadTime)
	}
	return f, nil
}

// jsonMetadata is a core-metadata value: absent, a boolean, or a hash map. It
// decodes itself from the bytes the JSON decoder hands it (no json.RawMessage copy,
// no trial decoding for the common boolean), and keeps a malformed value's error for
// jsonFile.file to report with the file's name, so that one bad field does not
// abort the decoding of the whole page with a less helpful message.
type jsonMetadata struct {
	set     bool // present and not null
	present bool
	hashes  map[string]string
	err     error
}

func (m *jsonMetadata) UnmarshalJSON(raw []byte) error {
	switch string(raw) {
	case "null":
		*m = jsonMetadata{}
		return nil
	case "true", "false":
		*m = jsonMetadata{set: true, present: string(raw) == "true"}
		return nil
	}
	hashes, ok := plainStringMap(raw)
	if !ok {
		if err := json.Unmarshal(raw, &hashes); err != nil {
			*m = jsonMetadata{set: true, err: errors.New("want a boolean or a map of hashes")}
			return nil
		}
	}
	*m = jsonMetadata{set: true, present: true, hashes: lowerHashes(hashes)}
	return nil
}

// plainStringMap decodes a JSON object of strings in the form hash maps take,
// without the reflection of encoding/json: ok is false, and the caller decodes raw
// with encoding/json, for anything else (escapes, non-ASCII, other values), so the
// result never differs from json.Unmarshal's.
func plainStringMap(raw []byte) (m map[string]string, ok bool) {
	i := 0
	skipSpace := func() {
		for i < len(raw) && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\n' || raw[i] == '\r') {
			i++
		}
	}
	str := func() (string, bool) {
		if i >= len(raw) || raw[i] != '"' {
			return "", false
		}
		start := i + 1
		for i = start; i < len(raw); i++ {
			switch c := raw[i]; {
			case c == '"':
				i++
				return string(raw[start : i-1]), true
			case c == '\\' || c < 0x20 || c >= utf8.RuneSelf:
				return "", false
			}
		}
		return "", false
	}
	skipSpace()
	if i >= len(raw) || raw[i] != '{' {
		return nil, false
	}
	i++
	m = map[string]string{}
	skipSpace()
	if i < len(raw) && raw[i] == '}' {
		i++
		skipSpace()
		return m, i == len(raw)
	}
	for {
		skipSpace()
		k, ok := str()
		if !ok {
			return nil, false
		}
		skipSpace()
		if i >= len(raw) || raw[i] != ':' {
			return nil, false
		}
		i++
		skipSpace()
		v, ok := str()
		if !ok {
			return nil, false
		}
		m[k] = v
		skipSpace()
		if i >= len(raw) {
			return nil, false
		}
		switch raw[i] {
		case ',':
			i++
		case '}':
			i++
			skipSpace()
			return m, i == len(raw)
		default:
			return nil, false
		}
	}
}

// jsonYanked is a yanked value: absent, a boolean, or a reason (PEP 691). Like
// jsonMetadata, it keeps a malformed value's error for jsonFile.file.
type jsonYanked struct {
	yanked bool
	reason string
	err    error
}

func (y *jsonYanked) UnmarshalJSON(raw []byte) error {
	switch string(raw) {
	case "null", "false":
		*y = jsonYanked{}
		return nil
	case "true":
		*y = jsonYanked{yanked: true}
		return nil
	}
	var reason string
	if err := json.Unmarshal(raw, &reason); err != nil {
		*y = jsonYanked{err: errors.New("want a boolean or a reason")}
		return nil
	}
	*y = jsonYanked{yanked: true, reason: reason}
	return nil
}

// lowerHashes returns the map with names and digests in lower case. The map is the
// decoder's own, so one already in lower case, as indexes write them, is returned
// as it is instead of copied.
func lowerHashes(in map[string]string) map[string]string {
	if len(in) == 0 {
		return nil
	}
	lower := true
	for k, v := range in {
		if !isLower(k) || !isLower(v) {
			lower = false
			break
		}
	}
	if lower {
		return in
	}
	out := make(map[string]string, len(in))
	for k, v := range in {
		out[strings.ToLower(k)] = strings.ToLower(v)
	}
	return out
}

// isLower reports whether strings.ToLower(s) == s, without allocating.
func isLower(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return strings.ToLower(s) == s
		}
		if 'A' <= c && c <= 'Z' {
			return false
		}
	}
	return true
}

// ParseHTML reads a PEP 503 project page or a --find-links page.
func ParseHTML(pageURL string, body []byte) (*Page, error) {
	base, err := url.Parse(pageURL)
	if err != nil {
		return nil, &Error{Offset: -1, Msg: fmt.Sprintf("page URL: %v", err)}
	}
	if err := checkLooksLikeHTML(body); err != nil {
		return nil, err
	}
	p := &Page{}
	sawBase := false
	z := html.NewTokenizer(bytes.NewReader(body))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break // io.EOF: the tokenizer reads from memory and fails no other way
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		switch tok.DataAtom {
		case atom.Base:
			if href, ok := attr(tok, "href"); ok && !sawBase {
				if u, err := base.Parse(href); err == nil {
					base, sawBase = u, true
				}
			}
		case atom.Meta:
			if name, _ := attr(tok, "name"); name == "pypi:repository-version" {
				p.APIVersion, _ = attr(tok, "content")
				if err := checkAPIVersion(p.APIVersion); err != nil {
					return nil, err
				}
			}
		case atom.A:
			if f, ok := htmlFile(base, tok); ok {
				p.Files = append(p.Files, f)
			}
		}
	}
	return p, nil
}

// checkLooksLikeHTML rejects a body that is no markup at all.
func checkLooksLikeHTML(body []byte) error {
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), " \t\r\n\f")
	if len(trimmed) == 0 || trimmed[0] == '<' {
		return nil
	}
	start := trimmed[:min(len(trimmed), 40)]
	if !utf8.Valid(start) {
		return &Error{Offset: int64(len(body) - len(trimmed)), Msg: "not an HTML page: binary data"}
	}
	return &Error{Offset: int64(len(body) - len(trimmed)), Msg: fmt.Sprintf("not an HTML page: it starts with %q", start)}
}

func attr(tok html.Token, key string) (string, bool) {
	for _, a := range tok.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func htmlFile(base *url.URL, tok html.Token) (File, bool) {
	href, ok := attr(tok, "href")
	if !ok {
		return File{}, false
	}
	u, err := base.Parse(strings.TrimSpace(href))
	if err != nil {
		return File{}, false
	}
	name, err := url.PathUnescape(path.Base(u.EscapedPath()))
	if err != nil || name == "." || name == ".." || strings.ContainsAny(name, "/\\") || strings.HasSuffix(u.Path, "/") {
		return File{}, false
	}
	f := File{Filename: name, Hashes: fragmentHash(u.Fragment)}
	u.Fragment, u.RawFragment = "", ""
	f.URL = u.String()
	if rp, ok := attr(tok, "data-requires-python"); ok {
		f.RequiresPython = strings.TrimSpace(rp)
	}
	if reason, ok := attr(tok, "data-yanked"); ok {
		f.Yanked, f.YankedReason = true, reason
	}
	meta, ok := attr(tok, "data-core-metadata")
	if !ok {
		meta, ok = attr(tok, "data-dist-info-metadata") // PEP 714: the older name
	}
	if ok && meta != "false" {
		f.HasMetadata = true
		f.MetadataHashes = fragmentHash(meta)
	}
	return f, true
}

// fragmentHash reads "sha256=<hex>", the form of URL fragments and of PEP 658
// attribute values; anything else yields no hash.
func fragmentHash(s string) map[string]string {
	name, digest, ok := strings.Cut(s, "=")
	if !ok || name == "" || digest == "" || strings.ContainsAny(name, "&=") {
		return nil
	}
	for _, c := range digest {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return nil
		}
	}
	return map[string]string{strings.ToLower(name): strings.ToLower(digest)}
}

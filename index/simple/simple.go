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
// Every value is checked before use (see validate.go): a file whose hash, name, URL
// or Requires-Python cannot be right is left out of Page.Files, and Page.Problems
// says why; the page is still read. A yanked value of JSON that is neither a boolean
// nor a string is read as PEP 691 says, by its truth: 1 is yanked, 0 is not, with a
// problem either way. An empty reason ("yanked": "") is false, so not yanked, as
// PEP 691 reads it and pip does; in HTML, data-yanked="" is yanked (PEP 592: the
// attribute's presence yanks).
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
	"io"
	"mime"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
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
	// Problems say what was wrong with files of the page, one line each, in page
	// order: a file with a value that cannot be right (a hash that is no hash, a
	// name or URL with control characters) is left out, an odd value that does not
	// matter much (a negative size) is dropped, and the rest of the page is used.
	Problems []string
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
	return ParseReader(pageURL, contentType, bytes.NewReader(body))
}

// ParseReader is Parse reading the body from r as it goes, so that no copy of
// the whole body is needed: memory grows with the files the page lists, not
// with its size. An error of r comes back as it is; every other error is an
// *Error.
func ParseReader(pageURL, contentType string, r io.Reader) (*Page, error) {
	if IsJSON(contentType) {
		return parseJSON(pageURL, r)
	}
	return parseHTML(pageURL, r)
}

// trackedReader remembers the first error of the reader under a parser, which
// reports it in its own words (encoding/json turns an early io.EOF into
// io.ErrUnexpectedEOF), so that a failed read is told apart from a bad page.
type trackedReader struct {
	r   io.Reader
	err error
}

func (t *trackedReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err != nil && err != io.EOF && t.err == nil {
		t.err = err
	}
	return n, err
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

type jsonFile struct {
	Filename         string            `json:"filename"`
	URL              string            `json:"url"`
	Hashes           jsonHashes        `json:"hashes"`
	RequiresPython   *string           `json:"requires-python"`
	CoreMetadata     jsonMetadata      `json:"core-metadata"`
	DistInfoMetadata jsonOlderMetadata `json:"dist-info-metadata"`
	Yanked           jsonYanked        `json:"yanked"`
	Size             *int64            `json:"size"`
	UploadTime       *string           `json:"upload-time"`
}

// parseJSON decodes a page one file at a time, converting each as it comes,
// instead of decoding the whole document before converting it: the decoder
// then holds one file's text at a time, and no list of decoded files exists
// beside the list of converted ones. Errors rank as json.Unmarshal's would:
// invalid JSON first, then a value of the wrong type, then the checks of
// meta, then the first bad file.
func parseJSON(pageURL string, r io.Reader) (*Page, error) {
	base, err := url.Parse(pageURL)
	if err != nil {
		return nil, &Error{Offset: -1, Msg: fmt.Sprintf("page URL: %v", err)}
	}
	in := &trackedReader{r: r}
	dec := json.NewDecoder(in)
	d := jsonDecoding{dec: dec, base: base}
	err = d.page()
	if err == nil {
		err = d.end()
	}
	switch {
	case in.err != nil:
		return nil, in.err
	case err != nil:
		return nil, jsonError(dec, err)
	case d.typeErr != nil:
		return nil, d.typeErr
	case d.meta.APIVersion == "":
		return nil, &Error{Offset: -1, Msg: "not a simple API page: no meta.api-version"}
	}
	if err := checkAPIVersion(d.meta.APIVersion); err != nil {
		return nil, err
	}
	return &Page{APIVersion: d.meta.APIVersion, Versions: d.versions, Files: d.files, Problems: d.problems}, nil
}

// jsonDecoding is the state of parseJSON.
type jsonDecoding struct {
	dec      *json.Decoder
	base     *url.URL
	meta     jsonMeta
	versions []string
	files    []File
	problems []string // files left out or values dropped, for Page.Problems
	typeErr  *Error   // the first value of the wrong type
}

type jsonMeta struct {
	APIVersion string `json:"api-version"`
}

// decode decodes the next value, that of field, into v; a value of the wrong
// type is noted and decoding goes on, as json.Unmarshal does.
func (d *jsonDecoding) decode(field string, v any) error {
	err := d.dec.Decode(v)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field != "" {
			field += "." + te.Field
		}
		d.wrongType(te.Offset, field, te.Type.String(), te.Value)
		return nil
	}
	return err
}

// wrongType notes a value of the wrong type, unless one came before.
func (d *jsonDecoding) wrongType(offset int64, field, want, found string) {
	if d.typeErr == nil {
		d.typeErr = &Error{Offset: offset, Msg: fmt.Sprintf("JSON field %q: want %s, found %s", field, want, found)}
	}
}

// page reads the top-level object. Keys match case-insensitively, as
// json.Unmarshal matches them; a repeated key's last value wins.
func (d *jsonDecoding) page() error {
	tok, err := d.dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil // null: a page without meta, reported as such
	}
	if tok != json.Delim('{') {
		return &Error{Offset: d.dec.InputOffset(), Msg: "not a simple API page: want a JSON object, found " + jsonKind(tok)}
	}
	for d.dec.More() {
		tok, err := d.dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		switch {
		case strings.EqualFold(key, "meta"):
			err = d.decode("meta", &d.meta)
		case strings.EqualFold(key, "versions"):
			d.versions = nil
			err = d.decode("versions", &d.versions)
		case strings.EqualFold(key, "files"):
			err = d.fileList()
		default:
			err = d.decode(key, &json.RawMessage{})
		}
		if err != nil {
			return err
		}
	}
	_, err = d.dec.Token() // '}'
	return err
}

// fileList reads the files array, converting each file as it is decoded.
func (d *jsonDecoding) fileList() error {
	d.files, d.problems = nil, nil
	offset := d.dec.InputOffset()
	tok, err := d.dec.Token()
	if err != nil || tok == nil {
		return err
	}
	if tok != json.Delim('[') {
		d.wrongType(offset, "files", "an array", jsonKind(tok))
		if delim, ok := tok.(json.Delim); ok {
			return d.skipRest(delim)
		}
		return nil
	}
	d.files = []File{}
	for i := 0; d.dec.More(); i++ {
		var jf jsonFile
		if err := d.decode(fmt.Sprintf("files[%d]", i), &jf); err != nil {
			return err
		}
		if d.typeErr != nil {
			continue // the page fails: decode on only to find invalid JSON
		}
		f, problems, ok := jf.file(d.base)
		for _, problem := range problems {
			d.problems = append(d.problems, fmt.Sprintf("files[%d]: %s", i, problem))
		}
		if ok {
			d.files = append(d.files, f)
		}
	}
	if len(d.files) == 0 {
		d.files = nil
	}
	_, err = d.dec.Token() // ']'
	return err
}

// skipRest reads to the end of the object or array whose opening delimiter
// was just read.
func (d *jsonDecoding) skipRest(open json.Delim) error {
	for depth := 1; depth > 0; {
		tok, err := d.dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

// errTrailingData is a JSON value followed by more than white space.
var errTrailingData = errors.New("data after the top-level value")

// end checks that nothing but white space follows the top-level value.
func (d *jsonDecoding) end() error {
	if _, err := d.dec.Token(); err != io.EOF {
		if err == nil {
			return errTrailingData
		}
		return err
	}
	return nil
}

// jsonKind names the JSON type of a token, as json.UnmarshalTypeError does.
func jsonKind(tok json.Token) string {
	switch tok.(type) {
	case json.Delim:
		if tok == json.Delim('[') {
			return "array"
		}
		return "object"
	case string:
		return "string"
	case float64, json.Number:
		return "number"
	case bool:
		return "bool"
	}
	return "null"
}

// jsonError turns a decoding error into an *Error.
func jsonError(dec *json.Decoder, err error) error {
	var se *json.SyntaxError
	var pe *Error
	switch {
	case errors.As(err, &pe):
		return pe
	case err == errTrailingData:
		return &Error{Offset: dec.InputOffset(), Msg: "invalid JSON: " + err.Error()}
	case errors.As(err, &se):
		return &Error{Offset: se.Offset, Msg: "invalid JSON: " + se.Error()}
	case err == io.EOF, err == io.ErrUnexpectedEOF:
		return &Error{Offset: dec.InputOffset(), Msg: "invalid JSON: unexpected end of JSON input"}
	}
	return &Error{Offset: -1, Msg: "invalid JSON: " + err.Error()}
}

// file checks a file's values: ok is false for a file to leave out, and problems say
// what was wrong, whether it is left out or not.
func (jf jsonFile) file(base *url.URL) (f File, problems []string, ok bool) {
	skip := func(format string, args ...any) (File, []string, bool) {
		return File{}, append(problems, fmt.Sprintf(format, args...)+"; file skipped"), false
	}
	if err := checkFilename(jf.Filename); err != nil {
		return skip("%v", err)
	}
	// Quoted only for a problem's text: a good file, nearly every one, needs no quoting.
	name := func() string { return excerpt(jf.Filename) }
	u, err := base.Parse(jf.URL)
	if err != nil || jf.URL == "" {
		return skip("%s: url %s is not a URL", name(), excerpt(jf.URL))
	}
	u.Fragment, u.RawFragment = "", ""
	f = File{Filename: jf.Filename, URL: u.String()}
	if err := checkURL(f.URL); err != nil {
		return skip("%s: %v", name(), err)
	}
	if jf.Hashes.err != nil {
		return skip("%s: hashes: %v", name(), jf.Hashes.err)
	}
	if f.Hashes, err = checkHashes(jf.Hashes.hashes); err != nil {
		return skip("%s: %v", name(), err)
	}
	if jf.RequiresPython != nil {
		f.RequiresPython = strings.TrimSpace(*jf.RequiresPython)
		if hasUnprintable(f.RequiresPython, nil) {
			return skip("%s: requires-python %s has control characters", name(), excerpt(f.RequiresPython))
		}
	}
	meta := jf.CoreMetadata
	if !meta.set {
		meta = decodeMetadata(jf.DistInfoMetadata.raw) // PEP 714: the older key
	}
	if meta.err == nil {
		meta.hashes, meta.err = checkHashes(meta.hashes)
	}
	if meta.err != nil {
		// The file itself is fine: its metadata is read from it instead.
		problems = append(problems, fmt.Sprintf("%s: core-metadata: %v; the metadata file is not used", name(), meta.err))
	} else {
		f.HasMetadata, f.MetadataHashes = meta.present, meta.hashes
	}
	if jf.Yanked.odd != "" {
		problems = append(problems, fmt.Sprintf("%s: yanked: %s is neither a boolean nor a reason; read by its truth as PEP 691 says: %s",
			name(), jf.Yanked.odd, map[bool]string{true: "yanked", false: "not yanked"}[jf.Yanked.yanked]))
	}
	f.Yanked, f.YankedReason = jf.Yanked.yanked, jf.Yanked.reason
	if jf.Size != nil {
		if *jf.Size < 0 {
			problems = append(problems, fmt.Sprintf("%s: negative size %d ignored", name(), *jf.Size))
		} else {
			f.Size = *jf.Size
		}
	}
	if jf.UploadTime != nil {
		// PEP 700 fixes the format; a server that gets it wrong loses only the time.
		f.UploadTime, _ = time.Parse(time.RFC3339Nano, *jf.UploadTime)
	}
	return f, problems, true
}

// jsonHashes is a hashes value, decoded like jsonMetadata's hash map: a malformed
// value is kept as an error, so that it costs its file, not the page.
type jsonHashes struct {
	hashes map[string]string
	err    error
}

func (h *jsonHashes) UnmarshalJSON(raw []byte) error {
	if string(raw) == "null" {
		*h = jsonHashes{}
		return nil
	}
	hashes, ok := plainStringMap(raw)
	if !ok {
		if err := json.Unmarshal(raw, &hashes); err != nil {
			*h = jsonHashes{err: errors.New("want a map of hash names to digests")}
			return nil
		}
	}
	*h = jsonHashes{hashes: hashes}
	return nil
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
	*m = decodeMetadata(raw)
	return nil
}

// decodeMetadata decodes a core-metadata value; nil raw is an absent one.
func decodeMetadata(raw []byte) jsonMetadata {
	switch string(raw) {
	case "", "null":
		return jsonMetadata{}
	case "true", "false":
		return jsonMetadata{set: true, present: string(raw) == "true"}
	}
	hashes, ok := plainStringMap(raw)
	if !ok {
		if err := json.Unmarshal(raw, &hashes); err != nil {
			return jsonMetadata{set: true, err: errors.New("want a boolean or a map of hashes")}
		}
	}
	return jsonMetadata{set: true, present: true, hashes: hashes}
}

// jsonOlderMetadata is a dist-info-metadata value (PEP 714's older key), kept as its
// text and decoded only for a file without core-metadata: indexes send both keys with
// one value, and decoding the second hash map for every file built it for nothing.
type jsonOlderMetadata struct {
	raw []byte // nil for an absent or null value
}

func (m *jsonOlderMetadata) UnmarshalJSON(raw []byte) error {
	m.raw = nil
	if string(raw) != "null" {
		m.raw = bytes.Clone(raw) // the decoder reuses raw's memory
	}
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

// jsonYanked is a yanked value: absent, a boolean, or a reason (PEP 691). PEP 691
// yanks a file whose value is truthy, so "" is not yanked, and a value of another
// type is read by its truth too (as pip does), with the value kept in odd for
// jsonFile.file to report: one odd field costs neither its file nor the page.
type jsonYanked struct {
	yanked bool
	reason string
	odd    string // an excerpt of a value that is neither a boolean nor a string
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
	var value any
	if err := json.Unmarshal(raw, &value); err != nil {
		return err // not reached: the decoder hands over only well-formed values
	}
	switch v := value.(type) {
	case string:
		*y = jsonYanked{yanked: v != "", reason: v}
	case float64:
		*y = jsonYanked{yanked: v != 0, odd: excerpt(string(raw))}
	case []any:
		*y = jsonYanked{yanked: len(v) > 0, odd: excerpt(string(raw))}
	case map[string]any:
		*y = jsonYanked{yanked: len(v) > 0, odd: excerpt(string(raw))}
	}
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

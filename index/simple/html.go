//go:build !slim

package simple

import (
	"bufio"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// parseHTML tokenizes the page as it reads it; the tokenizer keeps only the
// token it is reading.
func parseHTML(pageURL string, r io.Reader) (*Page, error) {
	base, err := url.Parse(pageURL)
	if err != nil {
		return nil, &Error{Offset: -1, Msg: fmt.Sprintf("page URL: %v", err)}
	}
	in := &trackedReader{r: r}
	br := bufio.NewReader(in)
	if err := checkLooksLikeHTML(br); err != nil {
		if in.err != nil {
			return nil, in.err
		}
		return nil, err
	}
	p := &Page{}
	sawBase := false
	z := html.NewTokenizer(br)
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break // io.EOF, or the reader's error, reported below
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
			f, problems, ok := htmlFile(base, tok)
			p.Problems = append(p.Problems, problems...)
			if ok {
				p.Files = append(p.Files, f)
			}
		}
	}
	if in.err != nil {
		return nil, in.err
	}
	return p, nil
}

// checkLooksLikeHTML rejects a body that is no markup at all. It reads past a
// byte order mark and white space, which the tokenizer would take for text.
func checkLooksLikeHTML(br *bufio.Reader) error {
	offset := int64(0)
	if bom, _ := br.Peek(3); string(bom) == "\xef\xbb\xbf" {
		br.Discard(3)
		offset = 3
	}
	for {
		c, err := br.ReadByte()
		if err != nil {
			return nil // empty, or a read error the caller reports
		}
		if c == '<' {
			return br.UnreadByte()
		}
		if !strings.ContainsRune(" \t\r\n\f", rune(c)) {
			br.UnreadByte()
			break
		}
		offset++
	}
	start, _ := br.Peek(40)
	if !utf8.Valid(start) {
		return &Error{Offset: offset, Msg: "not an HTML page: binary data"}
	}
	return &Error{Offset: offset, Msg: fmt.Sprintf("not an HTML page: it starts with %q", start)}
}

func attr(tok html.Token, key string) (string, bool) {
	for _, a := range tok.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// htmlFile reads a link as a file: ok is false for a link that is no file (no
// href, a folder) or a file to leave out, and problems say what was wrong with the
// latter and with values dropped.
func htmlFile(base *url.URL, tok html.Token) (f File, problems []string, ok bool) {
	href, ok := attr(tok, "href")
	if !ok {
		return File{}, nil, false
	}
	u, err := base.Parse(strings.TrimSpace(href))
	if err != nil {
		return File{}, nil, false
	}
	name, err := url.PathUnescape(path.Base(u.EscapedPath()))
	if err != nil || name == "." || name == ".." || strings.HasSuffix(u.Path, "/") {
		return File{}, nil, false
	}
	skip := func(format string, args ...any) (File, []string, bool) {
		return File{}, append(problems, fmt.Sprintf(format, args...)+"; file skipped"), false
	}
	if err := checkFilename(name); err != nil {
		return skip("link %s: %v", excerpt(href), err)
	}
	hashes, err := fragmentHash(u.Fragment)
	if err != nil {
		return skip("%s: %v", excerpt(name), err)
	}
	f = File{Filename: name, Hashes: hashes}
	u.Fragment, u.RawFragment = "", ""
	f.URL = u.String()
	if err := checkURL(f.URL); err != nil {
		return skip("%s: %v", excerpt(name), err)
	}
	if rp, ok := attr(tok, "data-requires-python"); ok {
		f.RequiresPython = strings.TrimSpace(rp)
		if hasUnprintable(f.RequiresPython, nil) {
			return skip("%s: data-requires-python %s has control characters", excerpt(name), excerpt(f.RequiresPython))
		}
	}
	if reason, ok := attr(tok, "data-yanked"); ok {
		f.Yanked, f.YankedReason = true, reason
	}
	meta, ok := attr(tok, "data-core-metadata")
	if !ok {
		meta, ok = attr(tok, "data-dist-info-metadata") // PEP 714: the older name
	}
	if ok && meta != "false" {
		if hashes, err := fragmentHash(meta); err != nil {
			// The file itself is fine: its metadata is read from it instead.
			problems = append(problems, fmt.Sprintf("%s: data-core-metadata: %v; the metadata file is not used", excerpt(name), err))
		} else {
			f.HasMetadata, f.MetadataHashes = true, hashes
		}
	}
	return f, problems, true
}

// fragmentHash reads "<hash name>=<hex digest>", the form of URL fragments and of
// PEP 658 attribute values. Fragments that name no hash function depsolve knows
// ("#egg=name", "true") are no hash; a known hash function's name with a digest that
// cannot be its digest is an error.
func fragmentHash(s string) (map[string]string, error) {
	name, digest, ok := strings.Cut(s, "=")
	name = strings.ToLower(name)
	if _, known := digestLengths[name]; !ok || !known {
		return nil, nil
	}
	if err := checkDigest(name, digest); err != nil {
		return nil, err
	}
	return map[string]string{name: strings.ToLower(digest)}, nil
}

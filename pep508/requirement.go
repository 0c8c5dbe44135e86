package pep508

import (
	"errors"
	"slices"
	"strings"

	"github.com/depsolve/depsolve/pep440"
)

// Requirement is a parsed dependency specifier: a project name with
// optional extras, then either version specifiers or "@ URL", then an
// optional marker after ';'.
type Requirement struct {
	Name      string   // as written; Key gives the PEP 503 form
	Extras    []string // as written, in order, without exact duplicates
	Specifier pep440.SpecifierSet
	URL       string // for "name @ URL"; "" otherwise
	Marker    Marker // zero value: no marker
}

// Key returns the PEP 503 normalized name, the project's identity.
func (r Requirement) Key() string { return NormalizeName(r.Name) }

// String returns the canonical form, as packaging prints it: extras
// sorted, the specifier set in canonical order, no optional whitespace,
// and " ; " (with the space the grammar requires) after a URL.
func (r Requirement) String() string {
	var b strings.Builder
	b.WriteString(r.Name)
	if len(r.Extras) > 0 {
		extras := slices.Clone(r.Extras)
		slices.Sort(extras)
		b.WriteByte('[')
		b.WriteString(strings.Join(slices.Compact(extras), ","))
		b.WriteByte(']')
	}
	b.WriteString(r.Specifier.String())
	if r.URL != "" {
		b.WriteString(" @ ")
		b.WriteString(r.URL)
		if !r.Marker.IsEmpty() {
			b.WriteByte(' ')
		}
	}
	if !r.Marker.IsEmpty() {
		b.WriteString("; ")
		b.WriteString(r.Marker.String())
	}
	return b.String()
}

// Equal reports whether r and o specify the same thing, as packaging's
// equality does: names compared by PEP 503 form, extras as sets of PEP 685
// forms, specifier sets as sets of equal specifiers (so "==1.0" equals
// "==1.0.0"), URLs exactly and markers by canonical form.
func (r Requirement) Equal(o Requirement) bool {
	return r.Key() == o.Key() &&
		sameExtras(r.Extras, o.Extras) &&
		r.Specifier.Equal(o.Specifier) &&
		r.URL == o.URL &&
		r.Marker.Equal(o.Marker)
}

func sameExtras(a, b []string) bool {
	norm := func(xs []string) []string {
		out := make([]string, len(xs))
		for i, x := range xs {
			out[i] = NormalizeExtra(x)
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	return slices.Equal(norm(a), norm(b))
}

// ParseRequirement parses a PEP 508 dependency specifier, including the
// legacy parenthesized form "name (>=1.0)". The input is one requirement:
// no comments, no line continuations and no trailing line break. Errors
// are *SyntaxError.
func ParseRequirement(s string) (Requirement, error) {
	p := parser{src: s}
	var r Requirement
	p.skipWS()
	end := p.identifier()
	if end < 0 {
		return Requirement{}, p.fail(p.pos, p.pos, "expected a package name at the start of the requirement, found %s", p.found(p.pos))
	}
	r.Name = s[p.pos:end]
	p.pos = end
	p.skipWS()
	if err := p.extras(&r); err != nil {
		return Requirement{}, err
	}
	p.skipWS()
	if err := p.details(&r); err != nil {
		return Requirement{}, err
	}
	if p.pos < len(s) {
		return Requirement{}, p.fail(p.pos, p.pos, "expected 'and', 'or' or the end of the requirement, found %s", p.found(p.pos))
	}
	// Like packaging, check the specifiers as versions only once the whole
	// string has parsed, so a syntax error later in it is reported first.
	set, err := p.specifierSet(p.pieces)
	if err != nil {
		return Requirement{}, err
	}
	r.Specifier = set
	return r, nil
}

// MaxExtras is the most extras one requirement may name. Projects define tens; each
// extra a requirement names is a package to the resolver, whose choice of the next
// package to decide looks at every package, so a requirement naming 80,000 extras
// took most of a minute.
const MaxExtras = 1000

// searchedExtras is how many extras a requirement lists before extras looks up the
// ones already written in a set rather than the list.
const searchedExtras = 16

// extras parses ("[" WS? (name (WS? "," WS? name)*)? WS? "]")?.
func (p *parser) extras(r *Requirement) error {
	if !p.peek('[') {
		return nil
	}
	open := p.pos
	p.pos++
	p.skipWS()
	if end := p.identifier(); end >= 0 {
		r.Extras = append(r.Extras, p.src[p.pos:end])
		// A set beside a long list, so that a requirement with many extras is read
		// in time proportional to its length; a short one is searched.
		var written map[string]bool
		p.pos = end
		for {
			p.skipWS()
			if p.identifier() >= 0 {
				return p.fail(p.pos, p.pos, "expected ',' between extra names, found %s", p.found(p.pos))
			}
			if !p.peek(',') {
				break
			}
			p.pos++
			p.skipWS()
			end := p.identifier()
			if end < 0 {
				return p.fail(p.pos, p.pos, "expected an extra name after ',', found %s", p.found(p.pos))
			}
			if extra := p.src[p.pos:end]; !written[extra] && (written != nil || !slices.Contains(r.Extras, extra)) {
				if len(r.Extras) == MaxExtras {
					return p.fail(p.pos, p.pos, "more than %d extras", MaxExtras)
				}
				r.Extras = append(r.Extras, extra)
				if written != nil {
					written[extra] = true
				} else if len(r.Extras) == searchedExtras {
					written = make(map[string]bool, 2*searchedExtras)
					for _, e := range r.Extras {
						written[e] = true
					}
				}
			}
			p.pos = end
		}
	}
	p.skipWS()
	if !p.peek(']') {
		return p.fail(open, p.pos, "expected ']' to close the extras, found %s", p.found(p.pos))
	}
	p.pos++
	return nil
}

// details parses what follows the name and extras: "@" WS? URL (WS
// marker?)? or a specifier WS? marker?, where marker is ";" marker WS?.
func (p *parser) details(r *Requirement) error {
	if p.peek('@') {
		p.pos++
		p.skipWS()
		urlStart := p.pos
		end := p.pos
		for end < len(p.src) && !isURLEnd(p.src[end]) {
			end++
		}
		if end == urlStart {
			return p.fail(p.pos, p.pos, "expected a URL after '@', found %s", p.found(p.pos))
		}
		r.URL = p.src[urlStart:end]
		p.pos = end
		if p.pos == len(p.src) {
			return nil
		}
		if !p.peek(' ') && !p.peek('\t') {
			return p.fail(p.pos, p.pos, "expected whitespace, then ';' or the end after the URL, found %s", p.found(p.pos))
		}
		p.skipWS()
		if p.pos == len(p.src) {
			return nil
		}
		if !p.peek(';') {
			hint := ""
			if strings.Contains(r.URL, ";") {
				hint = " (a ';' right after the URL is part of the URL: put a space before it)"
			}
			return p.fail(urlStart, p.pos, "expected ';' or the end after the URL, found %s%s", p.found(p.pos), hint)
		}
		return p.requirementMarker(r)
	}

	specStart := p.pos
	haveSpecifier, err := p.specifiers()
	if err != nil {
		return err
	}
	p.skipWS()
	if p.pos == len(p.src) {
		return nil
	}
	if !p.peek(';') {
		return p.afterSpecifierError(specStart, haveSpecifier)
	}
	return p.requirementMarker(r)
}

// isURLEnd reports whether c ends a URL: whitespace as the grammar knows
// it, and line breaks (see the package comment).
func isURLEnd(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func (p *parser) requirementMarker(r *Requirement) error {
	p.pos++ // ';'
	e, err := p.marker()
	if err != nil {
		return err
	}
	r.Marker = Marker{root: e}
	p.skipWS()
	return nil
}

// afterSpecifierError explains what is wrong where a ',' a ';' or the end
// was expected after the (possibly empty) version specifier.
func (p *parser) afterSpecifierError(specStart int, haveSpecifier bool) error {
	if op := p.operatorAt(p.pos); op != "" {
		if _, _, end := p.specifier(); end >= 0 {
			return p.fail(specStart, p.pos, "expected ',' between version specifiers, found %s", p.found(p.pos))
		}
		if op == "~=" && scanRelease(p.src, skipPySpace(p.src, p.pos+2), 1) >= 0 {
			return p.fail(specStart, p.pos, "'~=' needs a version with at least two release segments, like '~=1.0'")
		}
		return p.fail(specStart, p.pos, "expected a version after '%s'", op)
	}
	if haveSpecifier {
		return p.fail(specStart, p.pos, "expected ',', ';' or the end after the version specifier, found %s", p.found(p.pos))
	}
	return p.fail(specStart, p.pos, "expected a version specifier, '@', ';' or the end after the name, found %s", p.found(p.pos))
}

// specifiers parses "(" WS? version_many WS? ")" or WS? version_many WS?,
// where version_many is (specifier (WS? "," WS? specifier)*)? and a
// trailing ',' is allowed, and leaves the specifiers in p.pieces. It
// reports whether any specifier was written.
func (p *parser) specifiers() (bool, error) {
	open := -1
	if p.peek('(') {
		open = p.pos
		p.pos++
	}
	p.skipWS()
	var pieces []specPiece
	for {
		start := p.pos
		op, version, end := p.specifier()
		if end < 0 {
			break
		}
		p.pos = end
		if strings.HasPrefix(p.src[p.pos:], ".*") {
			if op == "==" || op == "!=" {
				return false, p.fail(start, p.pos+1, "'.*' cannot follow a pre-release, post-release, dev or local version")
			}
			return false, p.fail(start, p.pos+1, "'.*' is only allowed with '==' and '!=', not with '%s'", op)
		}
		if scanLocal(p.src, p.pos, false) > p.pos {
			return false, p.fail(start, p.pos, "a local version label ('+...') is only allowed with '==' and '!=', not with '%s'", op)
		}
		pieces = appendPieces(pieces, p.src, op, version, start, end)
		p.skipWS()
		if !p.peek(',') {
			break
		}
		p.pos++
		p.skipWS()
	}
	p.skipWS()
	if open >= 0 {
		if !p.peek(')') {
			if p.operatorAt(p.pos) != "" {
				return false, p.afterSpecifierError(open, len(pieces) > 0)
			}
			return false, p.fail(open, p.pos, "expected ')' to close the version specifier, found %s", p.found(p.pos))
		}
		p.pos++
	}
	p.pieces = pieces
	return len(pieces) > 0, nil
}

// specPiece is one specifier as pep440 will read it: operator and version
// with the whitespace between them removed, and where it was found.
type specPiece struct {
	text   string
	offset int
}

// appendPieces adds one specifier token. An arbitrary-equality token can
// hold commas, as packaging's token does ("===x,y"); packaging then splits
// the specifier string on commas, and so does this.
func appendPieces(pieces []specPiece, src, op, version string, start, end int) []specPiece {
	if op != "===" {
		if end-start == len(op)+len(version) {
			// Written without space after the operator, as nearly every one is.
			return append(pieces, specPiece{src[start:end], start})
		}
		return append(pieces, specPiece{op + version, start})
	}
	first, rest, hasComma := strings.Cut(version, ",")
	pieces = append(pieces, specPiece{op + first, start})
	off := end - len(version) + len(first) + 1
	for hasComma {
		var item string
		item, rest, hasComma = strings.Cut(rest, ",")
		if t := strings.TrimFunc(item, isPySpace); t != "" {
			pieces = append(pieces, specPiece{t, off + strings.Index(item, t)})
		}
		off += len(item) + 1
	}
	return pieces
}

// writtenJoined is the source text of pieces when it is what joining them with
// commas gives: each as written, one comma and nothing else between them.
func (p *parser) writtenJoined(pieces []specPiece) (string, bool) {
	start, end := pieces[0].offset, pieces[0].offset
	for i, piece := range pieces {
		if i > 0 {
			if piece.offset != end+1 || p.src[end] != ',' {
				return "", false
			}
		}
		end = piece.offset + len(piece.text)
		if end > len(p.src) || p.src[piece.offset:end] != piece.text {
			return "", false
		}
	}
	return p.src[start:end], true
}

func (p *parser) specifierSet(pieces []specPiece) (pep440.SpecifierSet, error) {
	if len(pieces) == 0 {
		return pep440.SpecifierSet{}, nil
	}
	text := pieces[0].text
	if joined, ok := p.writtenJoined(pieces); ok {
		text = joined
	} else if len(pieces) > 1 {
		texts := make([]string, len(pieces))
		for i, piece := range pieces {
			texts[i] = piece.text
		}
		text = strings.Join(texts, ",")
	}
	set, err := pep440.ParseSpecifierSet(text)
	if err == nil {
		return set, nil
	}
	// Point at the specifier pep440 rejects.
	bad := pieces[0]
	for _, piece := range pieces {
		if _, pieceErr := pep440.ParseSpecifier(piece.text); pieceErr != nil {
			bad, err = piece, pieceErr
			break
		}
	}
	why := err.Error()
	var pe *pep440.ParseError
	if errors.As(err, &pe) {
		why = pe.Msg
	}
	return pep440.SpecifierSet{}, p.fail(bad.offset, bad.offset, "invalid version specifier %q: %s", bad.text, why)
}

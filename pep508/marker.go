package pep508

import (
	"slices"
	"strings"
)

// Marker is a parsed environment marker. The zero value is the empty
// marker, which is true in every environment. A Marker is immutable and
// safe for concurrent use.
type Marker struct {
	root *expr
}

// expr is one "and"/"or" chain as written: a whole marker or the inside of
// a pair of parentheses. Keeping the chain flat, with groups as written,
// lets String reproduce packaging's canonical form; "and" binds tighter
// than "or" when it is evaluated.
type expr struct {
	terms []term
	ors   []bool // ors[i]: the operator between terms[i] and terms[i+1] is "or"
}

// term is a parenthesized group or a comparison.
type term struct {
	group *expr
	cmp   comparison
}

type comparison struct {
	lhs, rhs operand
	op       string // "<", "<=", "==", "!=", ">=", ">", "~=", "===", "in", "not in"
}

// operand is a marker variable (by its PEP 508 name) or a literal value.
type operand struct {
	variable bool
	text     string
}

// maxMarkerDepth bounds parenthesis nesting, so that no input can exhaust
// the stack; real markers nest two or three levels.
const maxMarkerDepth = 100

// ParseMarker parses an environment marker such as
// `python_version >= "3.9" and sys_platform == "linux"`. Errors are
// *SyntaxError.
func ParseMarker(s string) (Marker, error) {
	p := parser{src: s}
	e, err := p.marker()
	if err != nil {
		return Marker{}, err
	}
	if p.pos < len(s) {
		return Marker{}, p.fail(p.pos, p.pos, "expected 'and', 'or' or the end of the marker, found %s", p.found(p.pos))
	}
	return Marker{root: e}, nil
}

// marker parses marker_atom (BOOLOP marker_atom)*.
// The chain is gathered on the stack and kept in one allocation of its size (with
// the expr, for the single comparison most markers are): every Requires-Dist of
// every release a solve looks at is parsed again on each run.
func (p *parser) marker() (*expr, error) {
	var termBuf [4]term
	var orBuf [3]bool
	terms, ors := termBuf[:0], orBuf[:0]
	for {
		t, err := p.markerAtom()
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
		switch {
		case p.keyword("and"):
			p.pos += len("and")
			ors = append(ors, false)
		case p.keyword("or"):
			p.pos += len("or")
			ors = append(ors, true)
		default:
			if len(terms) == 1 {
				one := &struct {
					e expr
					t [1]term
				}{t: [1]term{t}}
				one.e.terms = one.t[:]
				return &one.e, nil
			}
			return &expr{terms: slices.Clone(terms), ors: slices.Clone(ors)}, nil
		}
	}
}

// markerAtom parses WS? ( "(" WS? marker WS? ")" | marker_item ) WS?.
func (p *parser) markerAtom() (term, error) {
	p.skipWS()
	if !p.peek('(') {
		c, err := p.markerItem()
		return term{cmp: c}, err
	}
	open := p.pos
	if p.depth == maxMarkerDepth {
		return term{}, p.fail(open, open, "parentheses nest deeper than %d levels", maxMarkerDepth)
	}
	p.depth++
	p.pos++
	p.skipWS()
	inner, err := p.marker()
	if err != nil {
		return term{}, err
	}
	p.skipWS()
	if !p.peek(')') {
		return term{}, p.fail(open, p.pos, "expected ')' to close the '(' of the marker, found %s", p.found(p.pos))
	}
	p.pos++
	p.depth--
	p.skipWS()
	return term{group: inner}, nil
}

// markerItem parses marker_var WS? marker_op WS? marker_var WS?.
func (p *parser) markerItem() (comparison, error) {
	var c comparison
	var err error
	if c.lhs, err = p.markerVar(); err != nil {
		return c, err
	}
	p.skipWS()
	if c.op, err = p.markerOp(); err != nil {
		return c, err
	}
	p.skipWS()
	if c.rhs, err = p.markerVar(); err != nil {
		return c, err
	}
	p.skipWS()
	normalizeNames(&c)
	return c, nil
}

func (p *parser) markerVar() (operand, error) {
	if name, end := p.variable(); end >= 0 {
		p.pos = end
		return operand{variable: true, text: name}, nil
	}
	if end := p.quotedString(); end >= 0 {
		v, why := unquote(p.src[p.pos:end])
		if why != "" {
			return operand{}, p.fail(p.pos, end, "invalid quoted string: %s", why)
		}
		p.pos = end
		return operand{text: v}, nil
	}
	if p.pos < len(p.src) {
		switch c := p.src[p.pos]; {
		case c == '"' || c == '\'':
			return operand{}, p.fail(p.pos, p.pos, "quoted string has no closing %c", c)
		case '0' <= c && c <= '9':
			return operand{}, p.fail(p.pos, p.pos, "expected a marker variable or a quoted string, found %s: values must be quoted", p.found(p.pos))
		case p.wordAt(p.pos):
			return operand{}, p.fail(p.pos, p.pos,
				"unknown marker variable %s: expected a PEP 508 variable (python_version, sys_platform, extra, ...) or a quoted string", p.found(p.pos))
		}
	}
	return operand{}, p.fail(p.pos, p.pos, "expected a marker variable or a quoted string, found %s", p.found(p.pos))
}

func (p *parser) markerOp() (string, error) {
	switch {
	case p.keyword("in"):
		p.pos += len("in")
		return "in", nil
	case p.keyword("not"):
		p.pos += len("not")
		if !p.peek(' ') && !p.peek('\t') {
			return "", p.fail(p.pos, p.pos, "expected whitespace and 'in' after 'not', found %s", p.found(p.pos))
		}
		p.skipWS()
		if !p.keyword("in") {
			return "", p.fail(p.pos, p.pos, "expected 'in' after 'not', found %s", p.found(p.pos))
		}
		p.pos += len("in")
		return "not in", nil
	}
	if op := p.operatorAt(p.pos); op != "" {
		p.pos += len(op)
		return op, nil
	}
	return "", p.fail(p.pos, p.pos, "expected a marker operator (<, <=, ==, !=, >=, >, ~=, ===, in, not in), found %s", p.found(p.pos))
}

// normalizeNames applies PEP 685 to the literal compared with extra, and
// to the literal tested for membership in extras or dependency_groups
// (PEP 751), so that String and Equal see what Evaluate compares.
func normalizeNames(c *comparison) {
	switch {
	case c.lhs.variable && c.lhs.text == "extra" && !c.rhs.variable:
		c.rhs.text = NormalizeExtra(c.rhs.text)
	case c.rhs.variable && c.rhs.text == "extra" && !c.lhs.variable:
		c.lhs.text = NormalizeExtra(c.lhs.text)
	case c.rhs.variable && isSetVariable(c.rhs.text) && !c.lhs.variable:
		c.lhs.text = NormalizeName(c.lhs.text)
	}
}

// IsEmpty reports whether m is the empty marker.
func (m Marker) IsEmpty() bool { return m.root == nil }

// String returns the canonical form of m, as packaging prints it: double
// quotes, single spaces, variables by their PEP 508 names, normalized
// extra names, and parentheses only where the input had them around a
// chain (redundant outer ones dropped).
func (m Marker) String() string {
	if m.root == nil {
		return ""
	}
	var b strings.Builder
	m.root.format(&b, true)
	return b.String()
}

func (e *expr) format(b *strings.Builder, top bool) {
	if len(e.terms) == 1 {
		e.terms[0].format(b, top)
		return
	}
	if !top {
		b.WriteByte('(')
	}
	for i, t := range e.terms {
		if i > 0 {
			if e.ors[i-1] {
				b.WriteString(" or ")
			} else {
				b.WriteString(" and ")
			}
		}
		t.format(b, false)
	}
	if !top {
		b.WriteByte(')')
	}
}

func (t term) format(b *strings.Builder, top bool) {
	if t.group != nil {
		t.group.format(b, top)
		return
	}
	t.cmp.lhs.format(b)
	b.WriteByte(' ')
	b.WriteString(t.cmp.op)
	b.WriteByte(' ')
	t.cmp.rhs.format(b)
}

func (o operand) format(b *strings.Builder) {
	if o.variable {
		b.WriteString(o.text)
		return
	}
	quote(b, o.text)
}

// Equal reports whether m and o are the same marker: whether their
// canonical forms are equal, as packaging decides it. Markers that are
// logically equivalent but written differently are not Equal.
func (m Marker) Equal(o Marker) bool { return m.String() == o.String() }

// Extras returns the extra names m compares the variable extra with,
// normalized (PEP 685), sorted and without duplicates; nil when m does not
// mention extra. A requirement whose marker names extras belongs to those
// extras of the distribution that declares it.
func (m Marker) Extras() []string {
	var names []string
	var walk func(e *expr)
	walk = func(e *expr) {
		for _, t := range e.terms {
			switch {
			case t.group != nil:
				walk(t.group)
			case t.cmp.lhs.variable && t.cmp.lhs.text == "extra" && !t.cmp.rhs.variable:
				names = append(names, t.cmp.rhs.text)
			case t.cmp.rhs.variable && t.cmp.rhs.text == "extra" && !t.cmp.lhs.variable:
				names = append(names, t.cmp.lhs.text)
			}
		}
	}
	if m.root != nil {
		walk(m.root)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// BindExtra returns m with the variable extra replaced by the literal name (in its
// PEP 685 form, as m's extra literals are): m as it reads for a requirement of the
// extra name, whose "extra" is that extra (a project's optional dependency, which a
// build backend writes as `(m) and extra == "name"`). m itself is unchanged.
func (m Marker) BindExtra(name string) Marker {
	if m.root == nil {
		return m
	}
	return Marker{root: m.root.bindExtra(NormalizeExtra(name))}
}

func (e *expr) bindExtra(name string) *expr {
	out := &expr{terms: make([]term, len(e.terms)), ors: e.ors}
	for i, t := range e.terms {
		if t.group != nil {
			out.terms[i] = term{group: t.group.bindExtra(name)}
			continue
		}
		c := t.cmp
		for _, o := range []*operand{&c.lhs, &c.rhs} {
			if o.variable && o.text == "extra" {
				*o = operand{text: name}
			}
		}
		out.terms[i] = term{cmp: c}
	}
	return out
}

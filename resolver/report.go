package resolver

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/depsolve/depsolve/input"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/resolver/pubgrub"
)

// A Line is one step of an explanation: a conclusion and the premises it follows
// from. Text renders lines as numbered prose; the JSON report carries them as is.
type Line struct {
	// Number is set when a later line refers back to this one.
	Number int `json:"number,omitempty"`
	// Connective opens the sentence: "Because", "And because", "So, because" or
	// "Thus," (which has no premises: the two lines before it are its premises).
	Connective string    `json:"connective"`
	Premises   []Premise `json:"premises,omitempty"`
	Conclusion string    `json:"conclusion"`
	// Break marks the start of a separate branch of the derivation.
	Break bool `json:"break,omitempty"`
}

// A Premise is a fact, or a conclusion of an earlier line (Ref). A fact from the
// compatibility matrix cites the data rows it comes from: Text ends with their
// numbers ("… [1][2]"), and Citations holds them, numbered in order of first use
// across the lines.
type Premise struct {
	Text      string     `json:"text"`
	Ref       int        `json:"ref,omitempty"`
	Citations []Citation `json:"citations,omitempty"`
}

// Text renders the lines as numbered prose, one sentence per line, with a blank
// line between branches: "Because …, … . And because …, … . So, because …, … .".
// When premises cite data rows, a "Sources:" block follows, one row per number:
// "[1] data/torch.toml:444 — S18 https://…".
func Text(lines []Line) string {
	width := 0
	for _, l := range lines {
		if l.Number > 0 {
			width = max(width, len(fmt.Sprintf("(%d) ", l.Number)))
		}
	}
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
			if l.Break {
				b.WriteByte('\n')
			}
		}
		if l.Number > 0 {
			n := fmt.Sprintf("(%d)", l.Number)
			b.WriteString(n + strings.Repeat(" ", width-len(n)))
		} else {
			b.WriteString(strings.Repeat(" ", width))
		}
		b.WriteString(l.Connective)
		if len(l.Premises) > 0 {
			b.WriteByte(' ')
			for j, p := range l.Premises {
				switch {
				case j == 0:
				case j == len(l.Premises)-1:
					b.WriteString(" and ")
				default:
					b.WriteString(", ")
				}
				b.WriteString(p.Text)
				if p.Ref > 0 {
					fmt.Fprintf(&b, " (%d)", p.Ref)
				}
			}
			b.WriteByte(',')
		}
		b.WriteString(" " + l.Conclusion + ".")
	}
	if sources := SourcesText(Sources(lines)); sources != "" {
		b.WriteString("\n\n" + sources)
	}
	return b.String()
}

// SourcesText renders numbered citations as the block that follows an explanation
// (and `depsolve matrix`): "Sources:", then one "[1] data/torch.toml:444 — S18
// https://…" per row, more sources of a row on aligned lines below; "" for none.
// The citations are in the order of their numbers, as Sources returns them.
func SourcesText(sources []Citation) string {
	if len(sources) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("Sources:")
	width := 0
	for _, c := range sources {
		width = max(width, len(fmt.Sprintf("[%d]", c.Number)))
	}
	for _, c := range sources {
		head := fmt.Sprintf("%-*s %s", width, fmt.Sprintf("[%d]", c.Number), c.Row)
		refs := c.references()
		if len(refs) == 0 {
			b.WriteString("\n" + head)
			continue
		}
		head += " — "
		b.WriteString("\n" + head + refs[0])
		indent := strings.Repeat(" ", utf8.RuneCountInString(head))
		for _, r := range refs[1:] {
			b.WriteString("\n" + indent + r)
		}
	}
	return b.String()
}

// Sources returns the rows the lines' premises cite, each once, by number.
func Sources(lines []Line) []Citation {
	var out []Citation
	seen := map[int]bool{}
	for _, l := range lines {
		for _, p := range l.Premises {
			for _, c := range p.Citations {
				if c.Number > 0 && !seen[c.Number] {
					seen[c.Number] = true
					out = append(out, c)
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b Citation) int { return a.Number - b.Number })
	return out
}

// Text is Text(ns.Lines()).
func (ns *NoSolution) Text() string { return Text(ns.Lines()) }

// Sources is Sources(ns.Lines()): the data rows the explanation cites, in the
// order of their numbers, for the JSON report.
func (ns *NoSolution) Sources() []Citation { return Sources(ns.Lines()) }

// Lines explains the derivation tree (solver.md "Error Reporting"): each derived
// incompatibility becomes one line; a line gets a number only when it is used by
// more than one later line or when it ends a branch that a later line refers to;
// a chain of single-use steps is collapsed into one sentence.
func (ns *NoSolution) Lines() []Line {
	w := &writer{
		d:       newDescriber(ns),
		uses:    map[*Incompatibility]int{},
		numbers: map[*Incompatibility]int{},
	}
	root := w.d.collapse(ns.Root, map[*Incompatibility]*Incompatibility{})
	if root.Kind != pubgrub.KindDerived {
		w.write(root, "Because", []Premise{w.fact(root)}, false)
		return numberCitations(w.lines)
	}
	w.count(root)
	w.root = root
	w.visit(root, false)
	return numberCitations(w.summarize())
}

// numberCitations numbers the cited rows in order of first use and ends each
// citing premise with its numbers, "[1][2]".
func numberCitations(lines []Line) []Line {
	numbers := map[input.Position]int{}
	for i := range lines {
		premises := slices.Clone(lines[i].Premises)
		for j := range premises {
			p := &premises[j]
			if len(p.Citations) == 0 {
				continue
			}
			p.Citations = slices.Clone(p.Citations)
			for k := range p.Citations {
				c := &p.Citations[k]
				n, ok := numbers[c.Row]
				if !ok {
					n = len(numbers) + 1
					numbers[c.Row] = n
				}
				c.Number = n
			}
			slices.SortFunc(p.Citations, func(a, b Citation) int { return a.Number - b.Number })
			var marks strings.Builder
			for _, c := range p.Citations {
				fmt.Fprintf(&marks, "[%d]", c.Number)
			}
			p.Text += " " + marks.String()
		}
		lines[i].Premises = premises
	}
	return lines
}

type writer struct {
	d       describer
	root    *Incompatibility
	uses    map[*Incompatibility]int
	numbers map[*Incompatibility]int
	next    int
	lines   []Line
	meta    []lineMeta // parallel to lines
	brk     bool
}

// lineMeta is what summarize needs to know about a line: the incompatibility it
// concludes and the facts among its premises.
type lineMeta struct {
	in    *Incompatibility
	facts []*Incompatibility
}

func (w *writer) count(in *Incompatibility) {
	w.uses[in]++
	if w.uses[in] == 1 && in.Kind == pubgrub.KindDerived {
		w.count(in.Left)
		w.count(in.Right)
	}
}

func (w *writer) write(in *Incompatibility, connective string, premises []Premise, numbered bool, facts ...*Incompatibility) {
	l := Line{Connective: connective, Premises: premises, Conclusion: w.d.conclusion(in), Break: w.brk}
	w.brk = false
	if numbered {
		w.next++
		l.Number = w.next
		w.numbers[in] = w.next
	}
	w.lines = append(w.lines, l)
	w.meta = append(w.meta, lineMeta{in: in, facts: facts})
}

func derived(in *Incompatibility) bool { return in.Kind == pubgrub.KindDerived }

// singleLine reports whether in is derived from two facts, so that it takes one
// line to explain.
func singleLine(in *Incompatibility) bool {
	return derived(in) && !derived(in.Left) && !derived(in.Right)
}

func (w *writer) visit(in *Incompatibility, conclusion bool) {
	numbered := conclusion || w.uses[in] > 1
	connective := "And because"
	if conclusion || in == w.root {
		connective = "So, because"
	}
	c1, c2 := in.Left, in.Right
	switch {
	case derived(c1) && derived(c2):
		n1, n2 := w.numbers[c1], w.numbers[c2]
		switch {
		case n1 > 0 && n2 > 0:
			w.write(in, "Because", []Premise{w.ref(c1), w.ref(c2)}, numbered)
		case n1 > 0 || n2 > 0:
			with, without := c1, c2
			if n2 > 0 {
				with, without = c2, c1
			}
			w.visit(without, false)
			w.write(in, connective, []Premise{w.ref(with)}, numbered)
		case singleLine(c1) || singleLine(c2):
			// The simple cause fits on one line right before this one, so the
			// complex one needs no number.
			complex, simple := c1, c2
			if singleLine(c1) && !singleLine(c2) {
				complex, simple = c2, c1
			}
			w.visit(complex, false)
			w.visit(simple, false)
			w.write(in, "Thus,", nil, numbered)
		default:
			w.visit(c1, true)
			w.brk = true
			w.visit(c2, false)
			w.write(in, connective, []Premise{w.ref(c1)}, numbered)
		}
	case derived(c1) || derived(c2):
		der, ext := c1, c2
		if derived(c2) {
			der, ext = c2, c1
		}
		switch {
		case w.numbers[der] > 0:
			w.write(in, "Because", []Premise{w.fact(ext), w.ref(der)}, numbered, ext)
		case w.collapsible(der):
			prior, priorExt := der.Left, der.Right
			if derived(der.Right) {
				prior, priorExt = der.Right, der.Left
			}
			w.visit(prior, false)
			w.write(in, connective, w.d.and(priorExt, ext), numbered, priorExt, ext)
		default:
			w.visit(der, false)
			w.write(in, connective, []Premise{w.fact(ext)}, numbered, ext)
		}
	default:
		w.write(in, "Because", w.d.and(c1, c2), numbered, c1, c2)
	}
}

// collapsible reports whether der is a single-use step of a linear chain (one
// derived and one external cause), which can be folded into the next sentence.
func (w *writer) collapsible(der *Incompatibility) bool {
	if w.uses[der] > 1 || w.numbers[der] > 0 {
		return false
	}
	l, r := derived(der.Left), derived(der.Right)
	if l == r {
		return false
	}
	prior := der.Left
	if r {
		prior = der.Right
	}
	return w.numbers[prior] == 0
}

func (w *writer) ref(in *Incompatibility) Premise {
	return Premise{Text: w.d.conclusion(in), Ref: w.numbers[in]}
}

func (w *writer) fact(in *Incompatibility) Premise {
	if derived(in) {
		return w.ref(in)
	}
	return w.d.premise(w.d.fact(in), in)
}

// summarize shortens long runs of one repeated step. Exhausting a package
// version by version (boto3 1.100 needs urllib3 2, so does 1.101, …) makes a
// chain whose lines differ only in which version the fact is about and how far
// the conclusion's range of that package has grown. A run of five or more such
// lines keeps its first and last line; the lines between become one line that
// says which versions the same step was taken for, with the conclusion it
// reached. Lines that are referred to by number are never folded.
func (w *writer) summarize() []Line {
	const minRun = 5
	var out []Line
	for i := 0; i < len(w.lines); {
		j, p := i, Package{}
		for j+1 < len(w.lines) {
			q, ok := w.sameStep(j, j+1)
			if !ok || (j > i && q != p) || (j > i && w.lines[j].Number > 0) {
				break
			}
			p = q
			j++
		}
		if j-i+1 < minRun {
			out = append(out, w.lines[i])
			i++
			continue
		}
		versions := pep440.Empty()
		steps := 0
		for k := i + 1; k < j; k++ {
			for _, f := range w.meta[k].facts {
				if r, ok := subjectRange(f, p); ok {
					versions = versions.Union(r)
				}
			}
			steps++
		}
		text := w.d.subject(p, versions, false).text
		out = append(out, w.lines[i], Line{
			Connective: "And because",
			Premises:   []Premise{{Text: fmt.Sprintf("the same holds for %s, one version at a time (%d steps)", text, steps)}},
			Conclusion: w.lines[j-1].Conclusion,
		}, w.lines[j])
		i = j + 1
	}
	return out
}

// sameStep reports whether line b repeats the step of line a: b extends a
// linearly with facts about versions of one package p, and b's conclusion
// differs from a's only in a wider positive term on p.
func (w *writer) sameStep(a, b int) (Package, bool) {
	l := w.lines[b]
	if l.Connective != "And because" || l.Number > 0 || l.Break || len(w.meta[b].facts) == 0 {
		return Package{}, false
	}
	for _, pr := range l.Premises {
		if pr.Ref > 0 {
			return Package{}, false
		}
	}
	p, ok := grows(w.meta[a].in, w.meta[b].in)
	if !ok {
		return Package{}, false
	}
	for _, f := range w.meta[b].facts {
		if _, ok := subjectRange(f, p); ok {
			return p, true
		}
	}
	return Package{}, false
}

// grows reports whether b's terms are a's, but for one positive term whose
// range is wider; it returns that term's package.
func grows(a, b *Incompatibility) (Package, bool) {
	if len(a.Terms) != len(b.Terms) {
		return Package{}, false
	}
	var p Package
	found := false
	for _, ta := range a.Terms {
		i := slices.IndexFunc(b.Terms, func(t Term) bool { return t.Package == ta.Package })
		if i < 0 || b.Terms[i].Positive != ta.Positive {
			return Package{}, false
		}
		tb := b.Terms[i]
		if ta.Range.Equal(tb.Range) {
			continue
		}
		if found || !ta.Positive || !ta.Range.Subset(tb.Range) {
			return Package{}, false
		}
		p, found = ta.Package, true
	}
	return p, found
}

// subjectRange returns the versions of p a fact is about, if it is about p.
func subjectRange(f *Incompatibility, p Package) (pep440.Range, bool) {
	switch {
	case f.Kind == pubgrub.KindDependency && f.Depender == p:
		return f.DependerRange, true
	case f.Kind == pubgrub.KindUnavailable && f.Terms[0].Package == p:
		return f.Terms[0].Range, true
	}
	return pep440.Range{}, false
}

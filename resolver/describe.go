package resolver

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/resolver/pubgrub"
)

// DisplayName is how the report names p: the project name (with its extra), or
// for a virtual package what its definer calls it (VirtualNames).
func (ns *NoSolution) DisplayName(p Package) string {
	switch {
	case !p.IsVirtual():
		return p.String()
	case ns.VirtualNames != nil:
		return ns.VirtualNames(p.Name)
	}
	return strings.TrimPrefix(p.Name, "@")
}

// describer turns incompatibilities into English.
type describer struct {
	ns *NoSolution
	// originals maps a normalized version of a virtual package to its spelling in
	// the facts ("580.65.6" -> "580.65.06"): drivers print as written, also in
	// ranges the solver derived.
	originals map[string]string
}

func newDescriber(ns *NoSolution) describer {
	d := describer{ns: ns, originals: map[string]string{}}
	for _, in := range ns.External() {
		if in.Kind == pubgrub.KindDependency && in.Dependency.Package.IsVirtual() && writtenAs(in.Dependency) != "" {
			addOriginals(d.originals, writtenAs(in.Dependency))
		}
	}
	return d
}

// addOriginals records the spelling of each version in a range as written
// (">=525.60.13", "535.104.05") whose normalized form differs.
func addOriginals(m map[string]string, display string) {
	for alt := range strings.SplitSeq(display, "||") {
		for clause := range strings.SplitSeq(alt, ",") {
			text := strings.TrimLeft(strings.TrimSpace(clause), "<>=!~ ")
			if v, err := pep440.Parse(text); err == nil && v.String() != text {
				m[v.String()] = text
			}
		}
	}
}

// rangeText writes a range of a virtual package with its versions as the facts
// spell them.
func (d describer) rangeText(r pep440.Range) string {
	text := r.String()
	if len(d.originals) == 0 {
		return text
	}
	alts := strings.Split(text, " || ")
	for i, alt := range alts {
		clauses := strings.Split(alt, ", ")
		for j, c := range clauses {
			k := len(c) - len(strings.TrimLeft(c, "<>=!~"))
			if o, ok := d.originals[c[k:]]; ok {
				clauses[j] = c[:k] + o
			}
		}
		alts[i] = strings.Join(clauses, ", ")
	}
	return strings.Join(alts, " || ")
}

func (d describer) isRoot(p Package) bool { return p == d.ns.RootPackage }

// collapse removes "no versions" facts about the subject side of a step: if a
// step combines "no version of p matches r" with an incompatibility x that has a
// positive term on p, its conclusion says what x says, only over versions that do
// not exist; reports describe version sets by the versions that exist, so the
// step reads as x itself (pubgrub-rs calls this collapse_no_versions). Facts about
// the dependee side ("no version of bar matches >=2.9") stay: they explain.
func (d describer) collapse(in *Incompatibility, memo map[*Incompatibility]*Incompatibility) *Incompatibility {
	if !derived(in) {
		return in
	}
	if out := memo[in]; out != nil {
		return out
	}
	l, r := d.collapse(in.Left, memo), d.collapse(in.Right, memo)
	out := in
	switch {
	case d.absorbs(l, r):
		out = r
	case d.absorbs(r, l):
		out = l
	case l != in.Left || r != in.Right:
		c := *in
		c.Left, c.Right = l, r
		out = &c
	}
	memo[in] = out
	return out
}

// absorbs reports whether the no-versions fact n only widens x's subject p over
// versions that do not exist.
func (d describer) absorbs(n, x *Incompatibility) bool {
	if n.Kind != pubgrub.KindNoVersions || len(n.Terms) != 1 || d.ns.Versions(n.Terms[0].Package) == nil {
		return false
	}
	p := n.Terms[0].Package
	for _, t := range x.Terms {
		if t.Package == p {
			return t.Positive
		}
	}
	return false
}

// members returns the listed versions of p that lie in r, ascending.
func (d describer) members(p Package, r pep440.Range) []pep440.Version {
	var out []pep440.Version
	for _, v := range d.ns.Versions(p) {
		if r.Contains(v) {
			out = append(out, v)
		}
	}
	return out
}

// versionsText describes which listed versions of p lie in r: "*" for all of
// them, "1.0.0" for one, else runs of them as PEP 440 clauses bounded by versions
// that exist, such as ">=1.0, <1.2 || ==2.0", and "==2.6.0" for every build of
// release 2.6.0 (2.6.0, 2.6.0+cu124, …). ok is false when p was not listed, r has
// none of its versions, or a run starts or ends among the builds of one release
// (2.6.0+cu124 but not 2.6.0+cu126): no clause states that, as PEP 440 compares
// local versions only with ==.
func (d describer) versionsText(p Package, r pep440.Range) (string, bool) {
	vs := d.ns.Versions(p)
	var runs [][2]int
	for i := 0; i < len(vs); i++ {
		if !r.Contains(vs[i]) {
			continue
		}
		j := i
		for j+1 < len(vs) && r.Contains(vs[j+1]) {
			j++
		}
		runs = append(runs, [2]int{i, j})
		i = j
	}
	switch {
	case len(runs) == 0:
		return "", false
	case len(runs) == 1 && runs[0] == [2]int{0, len(vs) - 1}:
		return "*", true
	case len(runs) == 1 && runs[0][0] == runs[0][1]:
		return vs[runs[0][0]].String(), true
	}
	sameRelease := func(a, b pep440.Version) bool { return a.Public().Equal(b.Public()) }
	parts := make([]string, len(runs))
	for k, run := range runs {
		i, j := run[0], run[1]
		if (i > 0 && sameRelease(vs[i-1], vs[i])) || (j+1 < len(vs) && sameRelease(vs[j], vs[j+1])) {
			return "", false
		}
		switch {
		case i == j:
			parts[k] = "==" + vs[i].String()
		case sameRelease(vs[i], vs[j]):
			parts[k] = "==" + vs[i].Public().String()
		case i == 0:
			parts[k] = "<" + vs[j+1].Public().String()
		case j == len(vs)-1:
			parts[k] = ">=" + vs[i].Public().String()
		default:
			parts[k] = ">=" + vs[i].Public().String() + ", <" + vs[j+1].Public().String()
		}
	}
	return strings.Join(parts, " || "), true
}

// listText names versions one by one, "2.5.1+cu121, 2.5.1+cu124 and 2.6.0"; a
// long list keeps its first three and its last.
func listText(vs []pep440.Version, conj string) string {
	names := make([]string, len(vs))
	for i, v := range vs {
		names[i] = v.String()
	}
	if len(names) > 6 {
		return fmt.Sprintf("%s, … %s %s (%d versions)", strings.Join(names[:3], ", "), conj, names[len(names)-1], len(names))
	}
	return join(names, conj)
}

// hasBuilds reports whether v is a release without a local label of which local
// versions were listed (2.6.0 next to 2.6.0+cu124).
func (d describer) hasBuilds(p Package, v pep440.Version) bool {
	if v.Local() != "" {
		return false
	}
	for _, w := range d.ns.Versions(p) {
		if w.Local() != "" && w.Public().Equal(v) {
			return true
		}
	}
	return false
}

// oneRelease reports whether vs are several builds of one release.
func oneRelease(vs []pep440.Version) bool {
	if len(vs) < 2 {
		return false
	}
	for _, v := range vs[1:] {
		if !v.Public().Equal(vs[0].Public()) {
			return false
		}
	}
	return true
}

// covers reports whether outer holds every version of p that inner holds,
// counting only listed versions when p was listed.
func (d describer) covers(p Package, inner, outer pep440.Range) bool {
	vs, listed := d.ns.Listed[p]
	if !listed {
		return inner.Subset(outer)
	}
	for _, v := range vs {
		if inner.Contains(v) && !outer.Contains(v) {
			return false
		}
	}
	return true
}

// A phrase is a sentence's subject, with the number its verb takes.
type phrase struct {
	text   string
	plural bool
}

// verbFor is the form of a verb (its singular and plural) that agrees with s.
func (s phrase) verbFor(singular, plural string) string {
	if s.plural {
		return plural
	}
	return singular
}

// subject names the versions of p in r as the subject of a sentence. Real
// packages are described by the versions that exist: "foo", "foo 1.0.0", "foo
// >=1.0, <1.2", "every build of torch 2.6.0 (2.6.0, 2.6.0+cu124 and
// 2.6.0+cu126)", or, where no PEP 440 clause states them, one by one ("torch
// 2.5.1+cu121 and 2.5.1+cu124", plural). every names the whole package "every
// version of p" rather than "p".
func (d describer) subject(p Package, r pep440.Range, every bool) phrase {
	if d.isRoot(p) {
		return phrase{text: p.String() + " " + d.ns.RootVersion.String()}
	}
	if p.IsVirtual() {
		if v, ok := r.Singleton(); ok { // a target fact whose own rules are in the chain
			return phrase{text: d.ns.DisplayName(p) + " " + cmp.Or(d.originals[v.String()], v.String())}
		}
		return phrase{text: d.object(p, r, "")}
	}
	vs := d.members(p, r)
	if len(vs) == 0 {
		return phrase{text: d.object(p, r, "")}
	}
	text, ok := d.versionsText(p, r)
	switch {
	case every && ok && oneRelease(vs):
		s := "every build of " + p.String() + " " + vs[0].Public().String()
		if len(vs) <= 4 {
			s += " (" + listText(vs, "and") + ")"
		}
		return phrase{text: s}
	case text == "*" && every:
		return phrase{text: "every version of " + p.String()}
	case text == "*":
		return phrase{text: p.String()}
	case ok:
		return phrase{text: p.String() + " " + text}
	}
	return phrase{text: p.String() + " " + listText(vs, "and"), plural: true}
}

// object names p restricted to r (written as display, if given) as the object
// of a sentence: "bar >=2.0", "bar" for any version, "Python >=3.10".
func (d describer) object(p Package, r pep440.Range, display string) string {
	name := d.ns.DisplayName(p)
	if display == "" {
		switch {
		case r.IsFull():
			return name
		case p.IsVirtual():
			display = d.rangeText(r)
		default:
			display = r.String()
		}
	}
	return name + " " + display
}

// derivedObject names a version set the solver computed. Set algebra can give
// ranges that are exact but odd to read (">=2.0, <=2.9, !=2.9" for the versions
// below 2.9 with 2.9's pre-releases) or that PEP 440 cannot write ("<2.6.0+cu126",
// "(-∞, 1.0.post∞)"); those are described by the listed versions they hold,
// when that is not all of them (pubgrub-rs and uv simplify ranges against the
// available versions the same way).
func (d describer) derivedObject(p Package, r pep440.Range) string {
	raw := r.String()
	if p.IsVirtual() || (!odd(raw) && plain(raw)) {
		return d.object(p, r, "")
	}
	vs := d.members(p, r)
	if len(vs) == 0 {
		return d.object(p, r, "")
	}
	text, ok := d.versionsText(p, r)
	switch {
	case text == "*" && len(d.ns.Versions(p)) > 1:
		return p.String()
	case len(vs) == 1 && d.hasBuilds(p, vs[0]):
		// "==2.6.0" would hold its local versions too.
		return p.String() + " " + vs[0].String()
	case len(vs) == 1:
		return p.String() + " ==" + vs[0].String()
	case ok:
		return p.String() + " " + text
	}
	return p.String() + " " + listText(vs, "or")
}

// writtenAs is the dependee's range of an edge as its cause writes it; "" when
// the cause does not.
func writtenAs(dep Dependency) string {
	if c, ok := dep.Cause.(EdgeCause); ok {
		return c.Written()
	}
	return ""
}

// written is the dependee's range of an edge as written, else as the range's text.
func written(dep Dependency) string { return cmp.Or(writtenAs(dep), dep.Range.String()) }

// suffix is what follows an edge: its cause's note in parentheses ("(reason)"
// for a matrix rule, whose citations the premise carries; "(origin)"; "(NVIDIA
// GeForce RTX 5090, from --gpu)" for a target fact), or nothing.
func suffix(dep Dependency) string {
	if c, ok := dep.Cause.(EdgeCause); ok && c.Note() != "" {
		return " (" + c.Note() + ")"
	}
	return ""
}

func nonEmpty(items ...string) []string {
	var out []string
	for _, s := range items {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// cites are the data rows a fact comes from.
func cites(in *Incompatibility) []Citation {
	if c, ok := in.Dependency.Cause.(EdgeCause); ok && in.Kind == pubgrub.KindDependency {
		return c.Citations()
	}
	return nil
}

// citing joins the citations of facts stated together, each row once.
func citing(facts ...*Incompatibility) []Citation {
	var out []Citation
	for _, in := range facts {
		for _, c := range cites(in) {
			if !slices.ContainsFunc(out, func(o Citation) bool { return o.Row == c.Row }) {
				out = append(out, c)
			}
		}
	}
	return out
}

// fact states an external incompatibility.
func (d describer) fact(in *Incompatibility) string {
	switch in.Kind {
	case pubgrub.KindRoot:
		return d.ns.RootPackage.String() + " is " + d.ns.RootVersion.String()
	case pubgrub.KindNoVersions:
		return d.noVersions(in.Terms[0].Package, in.Terms[0].Range)
	case pubgrub.KindUnavailable:
		t := in.Terms[0]
		s := d.subject(t.Package, t.Range, true)
		return s.text + " " + s.verbFor("is", "are") + " unavailable (" + unavailablePhrase(in.Unavailable) + ")"
	case pubgrub.KindDependency:
		return d.dependency(in)
	}
	return d.conclusion(in)
}

// premise states facts as one premise, with the rows they cite.
func (d describer) premise(text string, facts ...*Incompatibility) Premise {
	return Premise{Text: text, Citations: citing(facts...)}
}

func (d describer) noVersions(p Package, r pep440.Range) string {
	vs := d.ns.Versions(p)
	switch {
	case p.IsVirtual() && len(vs) == 0:
		return "your target has no " + d.ns.DisplayName(p)
	case p.IsVirtual():
		return "your target's " + d.ns.DisplayName(p) + " is " + cmp.Or(d.originals[vs[0].String()], vs[0].String()) + ", not " + d.rangeText(r)
	case len(vs) == 0 || r.IsFull():
		return "no version of " + p.String() + " exists"
	}
	return "no version of " + p.String() + " matches " + r.String()
}

func (d describer) dependency(in *Incompatibility) string {
	dep := in.Dependency
	q := dep.Package
	if d.isRoot(in.Depender) && !d.isRoot(q) {
		if c, ok := dep.Cause.(RootStatement); ok {
			return c.State(RootEdge{
				Dependee: d.ns.DisplayName(q), Object: d.object(q, dep.Range, writtenAs(dep)), Written: written(dep),
				Note: suffix(dep), Constrains: dep.Constrains, Empty: dep.Range.IsEmpty(),
			})
		}
		switch {
		case q.IsVirtual() && !dep.Constrains:
			return "your target's " + d.ns.DisplayName(q) + " is " + strings.TrimPrefix(written(dep), "==") + suffix(dep)
		case !dep.Constrains && dep.Range.IsEmpty():
			return "you require " + d.object(q, dep.Range, writtenAs(dep)) + suffix(dep) + ", which no version can match"
		case !dep.Constrains:
			return "you require " + d.object(q, dep.Range, writtenAs(dep)) + suffix(dep)
		case q.IsVirtual() && dep.Range.IsEmpty():
			return "your target has no " + d.ns.DisplayName(q) + suffix(dep)
		case q.IsVirtual():
			return "your target's " + d.ns.DisplayName(q) + " is " + strings.TrimPrefix(written(dep), "==") + suffix(dep)
		}
		return "you constrain " + d.ns.DisplayName(q) + " to " + written(dep) + suffix(dep)
	}
	// "every version of p cannot be installed with q" reads wrong; "p cannot" is right.
	every := !dep.Constrains || !dep.Range.IsEmpty() || q.IsVirtual()
	s := d.subject(in.Depender, in.DependerRange, every)
	return s.text + " " + d.edge(dep, s)
}

// edge states what a non-root depender needs: "depends on q r", "requires Python
// r" (a virtual package, which is always there when a rule names it), "allows
// only q r" (a constraint), "cannot be installed with q" (a constraint to none),
// in the number of the depender s.
func (d describer) edge(dep Dependency, s phrase) string {
	q := dep.Package
	switch {
	case dep.Constrains && q.IsVirtual():
		return s.verbFor("requires ", "require ") + d.object(q, dep.Range, writtenAs(dep)) + suffix(dep)
	case dep.Constrains && dep.Range.IsEmpty():
		return "cannot be installed with " + d.ns.DisplayName(q) + suffix(dep)
	case dep.Constrains:
		return s.verbFor("allows only ", "allow only ") + d.object(q, dep.Range, writtenAs(dep)) + suffix(dep)
	}
	return verb(q, s) + " " + d.object(q, dep.Range, writtenAs(dep)) + suffix(dep)
}

func verb(dependee Package, s phrase) string {
	if dependee.IsVirtual() {
		return s.verbFor("requires", "require")
	}
	return s.verbFor("depends on", "depend on")
}

// conclusion states a derived incompatibility. The root's own positive term is
// left out: the root is always selected, so the rest is what the step proves.
// Virtual packages are the target's facts, always there: "the driver is not in
// r" is stated as "the driver must be in the rest".
func (d describer) conclusion(in *Incompatibility) string {
	var pos, neg []Term
	for _, t := range in.Terms {
		switch {
		case d.isRoot(t.Package) && t.Positive:
		case t.Positive && t.Package.IsVirtual() && isSingleton(t.Range):
			pos = append(pos, t) // the target's own value, ruled out by another fact
		case t.Positive && t.Package.IsVirtual():
			neg = append(neg, Term{Package: t.Package, Range: t.Range.Complement()})
		case t.Positive:
			pos = append(pos, t)
		default:
			neg = append(neg, t)
		}
	}
	objects := func(ts []Term) []string {
		out := make([]string, len(ts))
		for i, t := range ts {
			out[i] = d.derivedObject(t.Package, t.Range)
		}
		return out
	}
	subjects := func(ts []Term) []string {
		out := make([]string, len(ts))
		for i, t := range ts {
			out[i] = d.subject(t.Package, t.Range, false).text
		}
		return out
	}
	switch {
	case len(pos) == 0 && len(neg) == 0:
		return "your requirements cannot be satisfied"
	case len(pos) == 1 && len(neg) == 0:
		return subjects(pos)[0] + " cannot be used"
	case len(pos) == 0 && len(neg) == 1:
		return objects(neg)[0] + " is required"
	case len(pos) == 0:
		return "one of " + strings.Join(objects(neg), " or ") + " is required"
	case len(neg) == 0:
		return join(subjects(pos), "and") + " cannot be used together"
	case len(pos) == 1:
		s := d.subject(pos[0].Package, pos[0].Range, true)
		return s.text + " " + s.verbFor("requires ", "require ") + join(objects(neg), "or")
	}
	return join(subjects(pos), "and") + " together require " + join(objects(neg), "or")
}

func isSingleton(r pep440.Range) bool {
	_, ok := r.Singleton()
	return ok
}

func join(items []string, conj string) string {
	if len(items) <= 2 {
		return strings.Join(items, " "+conj+" ")
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conj + " " + items[len(items)-1]
}

// and states two facts together, as one sentence where a pattern allows:
// "p depends on both q and r", "p depends on q, which depends on r", "p depends
// on q, which matches no version"; otherwise as two premises.
func (d describer) and(a, b *Incompatibility) []Premise {
	for _, pair := range [2][2]*Incompatibility{{a, b}, {b, a}} {
		if text, ok := d.both(pair[0], pair[1]); ok {
			return []Premise{d.premise(text, pair[0], pair[1])}
		}
		if text, ok := d.through(pair[0], pair[1]); ok {
			return []Premise{d.premise(text, pair[0], pair[1])}
		}
		if text, ok := d.only(pair[0], pair[1]); ok {
			return []Premise{d.premise(text, pair[0], pair[1])}
		}
	}
	return []Premise{d.premise(d.fact(a), a), d.premise(d.fact(b), b)}
}

// requirement reports whether in is a requirement that combined phrasings may
// join. The target's facts (the root's requirements of virtual packages) are
// stated on their own: "your target's Python is 3.11.9", never "you require";
// so are facts that state themselves (RootStatement): "the project requires …".
func (d describer) requirement(in *Incompatibility) bool {
	_, statement := in.Dependency.Cause.(RootStatement)
	return in.Kind == pubgrub.KindDependency && !in.Dependency.Constrains && !statement &&
		!(d.isRoot(in.Depender) && in.Dependency.Package.IsVirtual())
}

// both: two requirements of the same depender versions.
func (d describer) both(a, b *Incompatibility) (string, bool) {
	if !d.requirement(a) || !d.requirement(b) || a.Depender != b.Depender || !a.DependerRange.Equal(b.DependerRange) {
		return "", false
	}
	da, db := a.Dependency, b.Dependency
	oa := d.object(da.Package, da.Range, writtenAs(da)) + suffix(da)
	ob := d.object(db.Package, db.Range, writtenAs(db)) + suffix(db)
	if d.isRoot(a.Depender) {
		return "you require both " + oa + " and " + ob, true
	}
	s := d.subject(a.Depender, a.DependerRange, true)
	v := verb(da.Package, s)
	if da.Package.IsVirtual() != db.Package.IsVirtual() {
		v = s.verbFor("requires", "require")
	}
	return s.text + " " + v + " both " + oa + " and " + ob, true
}

// through: a requires q in r, and b says something about every version of q in r.
func (d describer) through(a, b *Incompatibility) (string, bool) {
	if !d.requirement(a) || len(b.Terms) == 0 || b.Kind == pubgrub.KindDerived {
		return "", false
	}
	dep := a.Dependency
	var bt Term
	switch b.Kind {
	case pubgrub.KindDependency:
		if b.Depender != dep.Package || d.isRoot(b.Depender) {
			return "", false
		}
		bt = Term{Package: b.Depender, Positive: true, Range: b.DependerRange}
	case pubgrub.KindNoVersions, pubgrub.KindUnavailable:
		bt = b.Terms[0]
	default:
		return "", false
	}
	if bt.Package != dep.Package || !bt.Positive || !d.covers(dep.Package, dep.Range, bt.Range) {
		return "", false
	}
	head := d.dependency(a)
	switch b.Kind {
	case pubgrub.KindNoVersions:
		if dep.Package.IsVirtual() {
			return head + ", but " + d.noVersions(bt.Package, bt.Range), true
		}
		if len(d.ns.Versions(dep.Package)) == 0 {
			return head + ", which does not exist", true
		}
		return head + ", which matches no version", true
	case pubgrub.KindUnavailable:
		return head + ", which is unavailable (" + unavailablePhrase(b.Unavailable) + ")", true
	}
	if vs := d.members(dep.Package, dep.Range); len(vs) <= 4 && oneRelease(vs) {
		// Several builds of the release required: name them, they are what was tried.
		all := " all "
		if len(vs) == 2 {
			all = " both "
		}
		return head + ", whose builds " + listText(vs, "and") + all + d.edge(b.Dependency, phrase{plural: true}), true
	}
	return head + ", which " + d.edge(b.Dependency, phrase{}), true
}

// odd reports whether a range's text has holes or exact points, which set
// algebra produces and people do not write.
func odd(raw string) bool {
	return strings.Contains(raw, "!=") || strings.Contains(raw, "||") || strings.Contains(raw, "===")
}

// plain reports whether a range's text is PEP 440, alternatives aside: not the
// extensions of pep440.Range.String ("===V", "!==V", local versions in ordered
// comparisons, interval notation).
func plain(raw string) bool {
	if strings.Contains(raw, "===") {
		return false
	}
	for alt := range strings.SplitSeq(raw, " || ") {
		if _, err := pep440.ParseSpecifierSet(alt); err != nil && alt != "*" {
			return false
		}
	}
	return true
}

// only: a requires q in d, and no version of q lies in r, a part of d with an
// odd text (a range with holes, left by earlier conflicts, or one PEP 440 cannot
// write): then
// every listed version of q in d lies outside r, and the sentence names them
// ("depends on bokeh >=1.0, which only bokeh 1.4.0 matches").
func (d describer) only(a, b *Incompatibility) (string, bool) {
	if !d.requirement(a) || b.Kind != pubgrub.KindNoVersions || a.Dependency.Package.IsVirtual() {
		return "", false
	}
	dep := a.Dependency
	nt := b.Terms[0]
	if nt.Package != dep.Package || !nt.Range.Subset(dep.Range) || !(odd(nt.Range.String()) || !plain(nt.Range.String())) {
		return "", false
	}
	vs := d.members(dep.Package, dep.Range)
	text, ok := d.versionsText(dep.Package, dep.Range)
	verb := "matches"
	switch {
	case ok && text != "*":
	case len(vs) == 0 || len(vs) > 3:
		return "", false
	default:
		// Every listed version is in d, or no clause states them: name them.
		text = listText(vs, "and")
		if len(vs) > 1 {
			verb = "match"
		}
	}
	return d.dependency(a) + ", which only " + dep.Package.String() + " " + text + " " + verb, true
}

// unavailablePhrase states why versions cannot be used: the cause's Phrase, or,
// from a provider whose causes have none, the cause printed.
func unavailablePhrase(c pubgrub.Cause) string {
	if u, ok := c.(Unavailable); ok {
		return u.Phrase()
	}
	return fmt.Sprint(c)
}

// Statements words every incompatibility of the derivation tree, facts and
// conclusions alike, as the explanation does: for a drawing of the whole tree,
// where Lines collapses and numbers it.
func (ns *NoSolution) Statements() map[*Incompatibility]string {
	d := newDescriber(ns)
	out := map[*Incompatibility]string{}
	var walk func(in *Incompatibility)
	walk = func(in *Incompatibility) {
		if _, seen := out[in]; seen {
			return
		}
		out[in] = d.fact(in)
		if in.Kind == pubgrub.KindDerived {
			walk(in.Left)
			walk(in.Right)
		}
	}
	walk(ns.Root)
	return out
}

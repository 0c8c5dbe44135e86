package resolver

import (
	"strings"

	"github.com/depsolve/depsolve/pep440"
)

// virtualNames are how the target's virtual packages are named in reports.
var virtualNames = map[string]string{
	"@python": "Python",
	"@driver": "NVIDIA driver",
	"@cuda":   "CUDA",
	"@glibc":  "glibc",
	"@gpu":    "GPU compute capability",
}

// DisplayName is how reports name p: the project name (with its extra), or for a
// virtual package what the user knows it as ("Python", "NVIDIA driver", "GPU 1
// compute capability" for "@gpu:1").
func DisplayName(p Package) string {
	if !p.IsVirtual() {
		return p.String()
	}
	if n, ok := virtualNames[p.Name]; ok {
		return n
	}
	if idx, ok := strings.CutPrefix(p.Name, "@gpu:"); ok {
		return "GPU " + idx + " compute capability"
	}
	return strings.TrimPrefix(p.Name, "@")
}

// describer turns incompatibilities into English.
type describer struct{ ns *NoSolution }

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
	if n.Cause != CauseNoVersions || len(n.Terms) != 1 || d.ns.versions[n.Terms[0].Package] == nil {
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

// versionsText describes which listed versions of p lie in r: "*" for all of
// them, "1.0.0" for one, else runs such as ">=1.0, <1.2 || ==2.0"; ok is false
// when p was not listed or r has none of its versions.
func (d describer) versionsText(p Package, r pep440.Range) (string, bool) {
	vs := d.ns.versions[p]
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
	parts := make([]string, len(runs))
	for k, run := range runs {
		i, j := run[0], run[1]
		switch {
		case i == j:
			parts[k] = "==" + vs[i].String()
		case i == 0:
			parts[k] = "<" + vs[j+1].String()
		case j == len(vs)-1:
			parts[k] = ">=" + vs[i].String()
		default:
			parts[k] = ">=" + vs[i].String() + ", <" + vs[j+1].String()
		}
	}
	return strings.Join(parts, " || "), true
}

// covers reports whether outer holds every version of p that inner holds,
// counting only listed versions when p was listed.
func (d describer) covers(p Package, inner, outer pep440.Range) bool {
	vs, listed := d.ns.versions[p]
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

// subject names the versions of p in r as the subject of a sentence. Real
// packages are described by the versions that exist; every names the whole
// package "every version of p" rather than "p".
func (d describer) subject(p Package, r pep440.Range, every bool) string {
	if d.isRoot(p) {
		return p.String() + " " + d.ns.RootVersion.String()
	}
	if !p.IsVirtual() {
		if text, ok := d.versionsText(p, r); ok {
			switch {
			case text != "*":
				return p.String() + " " + text
			case every:
				return "every version of " + p.String()
			default:
				return p.String()
			}
		}
	}
	return d.object(p, r, "")
}

// object names p restricted to r (written as display, if given) as the object
// of a sentence: "bar >=2.0", "bar" for any version, "Python >=3.10".
func (d describer) object(p Package, r pep440.Range, display string) string {
	name := DisplayName(p)
	if display == "" {
		if r.IsFull() {
			return name
		}
		display = r.String()
	}
	return name + " " + display
}

// derivedObject names a version set the solver computed. Set algebra can give
// ranges that are exact but odd to read (">=2.0, <=2.9, !=2.9" for the versions
// below 2.9 with 2.9's pre-releases); those are described by the listed versions
// they hold, when that is not all of them.
func (d describer) derivedObject(p Package, r pep440.Range) string {
	if !p.IsVirtual() && odd(r.String()) {
		if text, ok := d.versionsText(p, r); ok {
			if vs := d.ns.versions[p]; text == "*" && len(vs) == 1 {
				text = vs[0].String()
			}
			if text == "*" {
				return p.String()
			}
			if !strings.ContainsAny(text, "<>=") {
				text = "==" + text
			}
			return p.String() + " " + text
		}
	}
	return d.object(p, r, "")
}

func suffix(dep Dependency) string {
	switch {
	case dep.Reason != "" && dep.Origin != "":
		return " (" + dep.Reason + "; " + dep.Origin + ")"
	case dep.Reason != "":
		return " (" + dep.Reason + ")"
	case dep.Origin != "":
		return " (" + dep.Origin + ")"
	}
	return ""
}

// fact states an external incompatibility.
func (d describer) fact(in *Incompatibility) string {
	switch in.Cause {
	case CauseRoot:
		return d.ns.RootPackage.String() + " is " + d.ns.RootVersion.String()
	case CauseNoVersions:
		return d.noVersions(in.Terms[0].Package, in.Terms[0].Range)
	case CauseUnavailable:
		t := in.Terms[0]
		return d.subject(t.Package, t.Range, true) + " is unavailable (" + in.Reason + ")"
	case CauseDependency:
		return d.dependency(in)
	}
	return d.conclusion(in)
}

func (d describer) noVersions(p Package, r pep440.Range) string {
	vs := d.ns.versions[p]
	switch {
	case p.IsVirtual() && len(vs) == 0:
		return "your target has no " + DisplayName(p)
	case p.IsVirtual():
		return "your target's " + DisplayName(p) + " is " + vs[0].String() + ", not " + r.String()
	case len(vs) == 0 || r.IsFull():
		return "no version of " + p.String() + " exists"
	}
	return "no version of " + p.String() + " matches " + r.String()
}

func (d describer) dependency(in *Incompatibility) string {
	dep := in.Dependency
	q := dep.Package
	if d.isRoot(in.Depender) && !d.isRoot(q) {
		switch {
		case q.IsVirtual() && !dep.Constrains:
			return "your target's " + DisplayName(q) + " is " + strings.TrimPrefix(dep.display(), "==") + suffix(dep)
		case !dep.Constrains && dep.Range.IsEmpty():
			return "you require " + d.object(q, dep.Range, dep.Display) + suffix(dep) + ", which no version can match"
		case !dep.Constrains:
			return "you require " + d.object(q, dep.Range, dep.Display) + suffix(dep)
		case q.IsVirtual() && dep.Range.IsEmpty():
			return "your target has no " + DisplayName(q) + suffix(dep)
		case q.IsVirtual():
			return "your target's " + DisplayName(q) + " is " + strings.TrimPrefix(dep.display(), "==") + suffix(dep)
		}
		return "you constrain " + DisplayName(q) + " to " + dep.display() + suffix(dep)
	}
	// "every version of p cannot be installed with q" reads wrong; "p cannot" is right.
	every := !dep.Constrains || !dep.Range.IsEmpty() || q.IsVirtual()
	return d.subject(in.Depender, in.DependerRange, every) + " " + d.edge(dep)
}

// edge states what a non-root depender needs: "depends on q r", "requires Python
// r" (a virtual package, which is always there when a rule names it), "allows
// only q r" (a constraint), "cannot be installed with q" (a constraint to none).
func (d describer) edge(dep Dependency) string {
	q := dep.Package
	switch {
	case dep.Constrains && q.IsVirtual():
		return "requires " + d.object(q, dep.Range, dep.Display) + suffix(dep)
	case dep.Constrains && dep.Range.IsEmpty():
		return "cannot be installed with " + DisplayName(q) + suffix(dep)
	case dep.Constrains:
		return "allows only " + d.object(q, dep.Range, dep.Display) + suffix(dep)
	}
	return verb(q) + " " + d.object(q, dep.Range, dep.Display) + suffix(dep)
}

func verb(dependee Package) string {
	if dependee.IsVirtual() {
		return "requires"
	}
	return "depends on"
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
			out[i] = d.subject(t.Package, t.Range, false)
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
		return d.subject(pos[0].Package, pos[0].Range, true) + " requires " + join(objects(neg), "or")
	}
	return join(subjects(pos), "and") + " together require " + join(objects(neg), "or")
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
			return []Premise{{Text: text}}
		}
		if text, ok := d.through(pair[0], pair[1]); ok {
			return []Premise{{Text: text}}
		}
		if text, ok := d.only(pair[0], pair[1]); ok {
			return []Premise{{Text: text}}
		}
	}
	return []Premise{{Text: d.fact(a)}, {Text: d.fact(b)}}
}

// requirement reports whether in is a requirement that combined phrasings may
// join. The target's facts (the root's requirements of virtual packages) are
// stated on their own: "your target's Python is 3.11.9", never "you require".
func (d describer) requirement(in *Incompatibility) bool {
	return in.Cause == CauseDependency && !in.Dependency.Constrains && !(d.isRoot(in.Depender) && in.Dependency.Package.IsVirtual())
}

// both: two requirements of the same depender versions.
func (d describer) both(a, b *Incompatibility) (string, bool) {
	if !d.requirement(a) || !d.requirement(b) || a.Depender != b.Depender || !a.DependerRange.Equal(b.DependerRange) {
		return "", false
	}
	da, db := a.Dependency, b.Dependency
	oa := d.object(da.Package, da.Range, da.Display) + suffix(da)
	ob := d.object(db.Package, db.Range, db.Display) + suffix(db)
	if d.isRoot(a.Depender) {
		return "you require both " + oa + " and " + ob, true
	}
	v := "depends on"
	if verb(da.Package) != verb(db.Package) || verb(da.Package) == "requires" {
		v = "requires"
	}
	return d.subject(a.Depender, a.DependerRange, true) + " " + v + " both " + oa + " and " + ob, true
}

// through: a requires q in r, and b says something about every version of q in r.
func (d describer) through(a, b *Incompatibility) (string, bool) {
	if !d.requirement(a) || len(b.Terms) == 0 || b.Cause == CauseDerived {
		return "", false
	}
	dep := a.Dependency
	var bt Term
	switch b.Cause {
	case CauseDependency:
		if b.Depender != dep.Package || d.isRoot(b.Depender) {
			return "", false
		}
		bt = Term{Package: b.Depender, Positive: true, Range: b.DependerRange}
	case CauseNoVersions, CauseUnavailable:
		bt = b.Terms[0]
	default:
		return "", false
	}
	if bt.Package != dep.Package || !bt.Positive || !d.covers(dep.Package, dep.Range, bt.Range) {
		return "", false
	}
	head := d.dependency(a)
	switch b.Cause {
	case CauseNoVersions:
		if dep.Package.IsVirtual() {
			return head + ", but " + d.noVersions(bt.Package, bt.Range), true
		}
		if len(d.ns.versions[dep.Package]) == 0 {
			return head + ", which does not exist", true
		}
		return head + ", which matches no version", true
	case CauseUnavailable:
		return head + ", which is unavailable (" + b.Reason + ")", true
	}
	return head + ", which " + d.edge(b.Dependency), true
}

// odd reports whether a range's text has holes or exact points, which set
// algebra produces and people do not write.
func odd(raw string) bool {
	return strings.Contains(raw, "!=") || strings.Contains(raw, "||") || strings.Contains(raw, "===")
}

// only: a requires q in d, and no version of q lies in r, a part of d with an
// odd text (a range with holes, left by earlier conflicts): then
// every listed version of q in d lies outside r, and the sentence names them
// ("depends on bokeh >=1.0, which only bokeh 1.4.0 matches").
func (d describer) only(a, b *Incompatibility) (string, bool) {
	if !d.requirement(a) || b.Cause != CauseNoVersions || a.Dependency.Package.IsVirtual() {
		return "", false
	}
	dep := a.Dependency
	nt := b.Terms[0]
	if nt.Package != dep.Package || !nt.Range.Subset(dep.Range) || !odd(nt.Range.String()) {
		return "", false
	}
	text, ok := d.versionsText(dep.Package, dep.Range)
	if !ok {
		return "", false
	}
	verb := "matches"
	if text == "*" {
		// Every listed version is in d: name them, if they are few.
		vs := d.ns.versions[dep.Package]
		if len(vs) > 3 {
			return "", false
		}
		names := make([]string, len(vs))
		for i, v := range vs {
			names[i] = v.String()
		}
		text = join(names, "and")
		if len(vs) > 1 {
			verb = "match"
		}
	}
	return d.dependency(a) + ", which only " + dep.Package.String() + " " + text + " " + verb, true
}

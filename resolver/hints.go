package resolver

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/resolver/pubgrub"
)

// hintSolves bounds the extra solves Hints makes, and hintSteps each one's work.
const (
	hintSolves = 4
	hintSteps  = 20_000
)

// Hints looks for ways out of a conflict, as a separate pass over ns (which
// Resolve returned for pb); the explanation itself never depends on it.
//
//   - A yanked release in the derivation can be used by pinning it exactly, when
//     the requirements resolve with it pinned (at most hintSolves are tried).
//   - For each user requirement or constraint the derivation starts from (at most
//     a few, in the order the explanation meets them), pb is solved again with that
//     package's range dropped; if that succeeds, the hint names the version that
//     works and says whether it is newer or older than the range allows, or
//     another build of the same release (only the local label differs).
//   - When pb.Matrix is a MatrixHinter, it is asked about each package whose
//     matrix rules on the target's facts rule out versions in the derivation
//     (another CUDA build that runs on the target, the driver that runs it); a
//     hint that proposes another target (a newer driver) is kept only when pb
//     solves on that target.
//
// The error is operational (the Index failing during the extra solves).
func (pb *Problem) Hints(ctx context.Context, ns *NoSolution) ([]string, error) {
	var hints []string
	type relaxable struct {
		name       string
		constraint bool
	}
	var candidates []relaxable
	seen := map[relaxable]bool{}
	yankChecks := 0 // yanked releases tried pinned, at most hintSolves
	for _, in := range ns.External() {
		switch in.Kind {
		case pubgrub.KindUnavailable:
			if _, yanked := in.Unavailable.(Yanked); !yanked {
				continue
			}
			t := in.Terms[0]
			for _, v := range ns.Versions(t.Package) {
				if !t.Range.Contains(v) || t.Package.Extra != "" || yankChecks == hintSolves {
					continue
				}
				yankChecks++
				if solves, err := pb.solvesPinned(ctx, t.Package.Name, v); err != nil {
					return nil, err
				} else if solves {
					hints = append(hints, fmt.Sprintf("%s %s was yanked; to use it anyway, pin it exactly (%s==%s).", t.Package.Name, v, t.Package.Name, v))
				}
			}
		case pubgrub.KindDependency:
			q := in.Dependency.Package
			if _, policy := in.Dependency.Cause.(PolicyFact); in.Depender != ns.RootPackage || q.IsVirtual() || policy {
				continue // a hint stays inside the policy: relaxing a rule would step outside it, and costs one of the hintSolves
			}
			r := relaxable{name: q.Name, constraint: in.Dependency.Constrains}
			if !seen[r] {
				seen[r] = true
				candidates = append(candidates, r)
			}
		}
	}
	for i, c := range candidates {
		if i == hintSolves {
			break
		}
		relaxed := *pb
		relaxed.MaxSteps = hintSteps
		var user []Requirement
		if c.constraint {
			relaxed.Constraints, user = relax(pb.Constraints, c.name)
		} else {
			relaxed.Requirements, user = relax(pb.Requirements, c.name)
		}
		res, _, err := Resolve(ctx, &relaxed)
		if err != nil {
			if errors.Is(err, ErrStepLimit) {
				continue
			}
			return nil, err
		}
		if res == nil {
			continue
		}
		pin, ok := res.Pin(c.name)
		if !ok {
			continue
		}
		v, err := pb.nearestMajor(ctx, &relaxed, ns, c.name, pin.Version, user)
		if err != nil {
			return nil, err
		}
		hint := relaxHint(ns, c.name, v, user, c.constraint)
		dropped, err := pb.droppedExtras(ctx, ns, c.name, v, user)
		if err != nil {
			return nil, err
		}
		hints = append(hints, hint+dropped)
	}
	if hinter, ok := pb.Matrix.(MatrixHinter); ok {
		for _, c := range pb.matrixConflicts(ns) {
			for _, h := range hinter.Hints(c) {
				if slices.Contains(hints, h.Text) {
					continue
				}
				if solves, err := pb.solvesOn(ctx, h.Target); err != nil {
					return nil, err
				} else if !solves {
					continue
				}
				hints = append(hints, h.Text)
			}
		}
	}
	return hints, nil
}

// solvesPinned reports whether pb resolves with name pinned exactly to v as well: what
// following the hint to pin a yanked release gives. Pinning it admits it, but whatever
// else in the requirements excludes it still does.
func (pb *Problem) solvesPinned(ctx context.Context, name string, v pep440.Version) (bool, error) {
	pin, err := pep440.ParseSpecifierSet("==" + v.String())
	if err != nil {
		return false, nil
	}
	pinned := *pb
	pinned.Requirements = append(slices.Clone(pb.Requirements), Requirement{Requirement: pep508.Requirement{Name: name, Specifier: pin}})
	return resolvesWithinHintSteps(ctx, pinned)
}

// solvesOn reports whether pb resolves with the target facts in changed in place of the
// target's own; with none changed, it is pb's own conflict, and true. A solve that runs
// past hintSteps says false: a hint is shown only when it is known to work.
func (pb *Problem) solvesOn(ctx context.Context, changed []Virtual) (bool, error) {
	if len(changed) == 0 {
		return true, nil
	}
	proposed := *pb
	proposed.Virtual = slices.Clone(pb.Virtual)
	for _, c := range changed {
		i := slices.IndexFunc(proposed.Virtual, func(v Virtual) bool { return v.Name == c.Name })
		if i < 0 {
			proposed.Virtual = append(proposed.Virtual, c)
			continue
		}
		proposed.Virtual[i] = c
	}
	return resolvesWithinHintSteps(ctx, proposed)
}

// resolvesWithinHintSteps reports whether p, a problem a hint proposes, resolves; one
// that runs past hintSteps says false, as a hint is shown only when it is known to work.
func resolvesWithinHintSteps(ctx context.Context, p Problem) (bool, error) {
	p.MaxSteps = hintSteps
	res, _, err := Resolve(ctx, &p)
	if errors.Is(err, ErrStepLimit) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return res != nil, nil
}

// matrixConflicts are the packages whose matrix rules on the target's facts rule
// out versions in ns, in the order the derivation meets them.
func (pb *Problem) matrixConflicts(ns *NoSolution) []MatrixConflict {
	target := map[string]pep440.Version{}
	for _, v := range pb.Virtual {
		target[v.Name] = v.Version
	}
	var out []MatrixConflict
	index := map[string]int{}
	for _, in := range ns.External() {
		dep := in.Dependency
		if _, rule := dep.Cause.(MatrixFact); !rule || !dep.Constrains || !dep.Package.IsVirtual() ||
			in.Depender.IsVirtual() || in.Depender.Extra != "" {
			continue
		}
		if tv, ok := target[dep.Package.Name]; !ok || dep.Range.Contains(tv) {
			continue
		}
		name := in.Depender.Name
		i, ok := index[name]
		if !ok {
			i = len(out)
			index[name] = i
			out = append(out, MatrixConflict{Package: name, Listed: ns.Versions(in.Depender), Target: pb.Virtual, Policy: pb.Policy, Indexes: pb.PolicyIndexes})
		}
		for _, v := range out[i].Listed {
			if in.DependerRange.Contains(v) && !slices.ContainsFunc(out[i].RuledOut, v.Equal) {
				out[i].RuledOut = append(out[i].RuledOut, v)
			}
		}
	}
	for i := range out {
		slices.SortFunc(out[i].RuledOut, pep440.Version.Compare)
	}
	return out
}

// relax returns reqs with the version ranges on name dropped, and the
// requirements it relaxed.
func relax(reqs []Requirement, name string) (out, relaxed []Requirement) {
	out = make([]Requirement, len(reqs))
	for i, r := range reqs {
		out[i] = r
		if r.Key() == name {
			relaxed = append(relaxed, r)
			out[i].Specifier = pep440.SpecifierSet{}
		}
	}
	return out, relaxed
}

func relaxHint(ns *NoSolution, name string, v pep440.Version, user []Requirement, constraint bool) string {
	allowed := pep440.Full()
	var quoted []string
	for _, r := range user {
		allowed = allowed.Intersect(r.Specifier.Range())
		if r.Specifier.Range().Contains(v) {
			// It does not exclude v: with six==1.16.0 and six==1.17.0, only the
			// first keeps 1.17.0 out.
			continue
		}
		q := r.Name + specifierDisplay(r.Specifier)
		if len(r.Extras) > 0 {
			q = r.Name + "[" + strings.Join(r.Extras, ",") + "]" + specifierDisplay(r.Specifier)
		}
		if !r.Origin.IsZero() {
			q += " (" + r.Origin.String() + ")"
		}
		quoted = append(quoted, q)
	}
	// Builds of one release differ only in their local label (2.9.1+cu126, +cu128):
	// the local order says nothing about age, so such a version is another build.
	newer, older, sameRelease, anyAllowed := true, true, true, false
	for _, w := range ns.Versions(Package{Name: name}) {
		if allowed.Contains(w) {
			anyAllowed = true
			newer = newer && v.Compare(w) > 0
			older = older && v.Compare(w) < 0
			sameRelease = sameRelease && v.Public().Equal(w.Public())
		}
	}
	which := "Another version"
	switch {
	case !anyAllowed:
		// No listed version is in the range (six>=99): "newer" and "older" above hold
		// of nothing, so v is placed against the range itself.
		which = sideOfRange(allowed, v)
	case sameRelease:
		which = "Another build"
	case newer:
		which = "A newer version"
	case older:
		which = "An older version"
	}
	jump := ""
	if from, ok := nearestAllowed(ns.Versions(Package{Name: name}), allowed, v); ok && major(from) != major(v) {
		// Said, because a major version is the change a range is most often written to avoid.
		jump = fmt.Sprintf(" (a major version change: %d to %d)", major(from), major(v))
	}
	kind := kindOf(constraint)
	if len(quoted) > 1 {
		kind += "s"
	}
	return fmt.Sprintf("%s, %s %s%s, avoids this conflict; your %s %s %s it.", which, name, v, jump, kind, strings.Join(quoted, " and "), excludeVerb(len(quoted)))
}

// sideOfRange says how v stands to a range that holds no version the index lists: older
// when the range lies wholly above it, newer when wholly below.
func sideOfRange(allowed pep440.Range, v pep440.Version) string {
	above, errAbove := pep440.ParseSpecifierSet(">" + v.Public().String())
	below, errBelow := pep440.ParseSpecifierSet("<" + v.Public().String())
	if errAbove != nil || errBelow != nil {
		return "Another version"
	}
	hasAbove := !allowed.Intersect(above.Range()).IsEmpty()
	hasBelow := !allowed.Intersect(below.Range()).IsEmpty()
	switch {
	case hasAbove && !hasBelow:
		return "An older version"
	case hasBelow && !hasAbove:
		return "A newer version"
	}
	return "Another version"
}

func excludeVerb(n int) string {
	if n > 1 {
		return "exclude"
	}
	return "excludes"
}

func kindOf(constraint bool) string {
	if constraint {
		return "constraint"
	}
	return "requirement"
}

func major(v pep440.Version) int { return v.Release()[0] }

// nearestAllowed is the listed version in allowed nearest to v: the one a hint moves
// away from.
func nearestAllowed(listed []pep440.Version, allowed pep440.Range, v pep440.Version) (pep440.Version, bool) {
	var best pep440.Version
	found := false
	for _, w := range listed { // ascending
		if !allowed.Contains(w) {
			continue
		}
		if !found || v.Compare(w) > 0 {
			best, found = w, true
		}
		if v.Compare(w) < 0 {
			break
		}
	}
	return best, found
}

// maxMajorSteps bounds the extra solves nearestMajor makes for one hint.
const maxMajorSteps = 2

// nearestMajor prefers the nearest change: when the relaxed solve found v in another
// major version than the versions the user's range allows, the majors in between are
// tried first, nearest first (protobuf 5.x before 7.x, for a range that stops at 4.x).
// It returns v when none of them solves.
func (pb *Problem) nearestMajor(ctx context.Context, relaxed *Problem, ns *NoSolution, name string, v pep440.Version, user []Requirement) (pep440.Version, error) {
	allowed := pep440.Full()
	for _, r := range user {
		allowed = allowed.Intersect(r.Specifier.Range())
	}
	from, ok := nearestAllowed(ns.Versions(Package{Name: name}), allowed, v)
	if !ok {
		return v, nil
	}
	step := 1
	if v.Compare(from) < 0 {
		step = -1
	}
	for m, tries := major(from)+step, 0; m != major(v) && tries < maxMajorSteps; m, tries = m+step, tries+1 {
		if m < 0 {
			break
		}
		spec, err := pep440.ParseSpecifierSet(fmt.Sprintf(">=%d,<%d", m, m+1))
		if err != nil {
			return v, nil
		}
		within := *relaxed
		within.Constraints = append(slices.Clone(relaxed.Constraints), Requirement{Requirement: pep508.Requirement{Name: name, Specifier: spec}})
		res, _, err := Resolve(ctx, &within)
		if errors.Is(err, ErrStepLimit) {
			continue
		}
		if err != nil {
			return v, err
		}
		if res == nil {
			continue
		}
		if pin, ok := res.Pin(name); ok {
			return pin.Version, nil
		}
	}
	return v, nil
}

// droppedExtras says what following a hint gives up: the extras the user asks of name
// that version v does not declare, with the projects they bring in the versions the
// user's range allows ("dask 1.2.2 has no extra diagnostics: …").
func (pb *Problem) droppedExtras(ctx context.Context, ns *NoSolution, name string, v pep440.Version, user []Requirement) (string, error) {
	var asked []string
	for _, r := range user {
		for _, e := range r.Extras {
			if e = pep508.NormalizeExtra(e); !slices.Contains(asked, e) {
				asked = append(asked, e)
			}
		}
	}
	if len(asked) == 0 {
		return "", nil
	}
	md, err := pb.Index.Metadata(ctx, name, v)
	if err != nil {
		return "", err
	}
	var missing []string
	for _, e := range asked {
		if !slices.ContainsFunc(md.ProvidesExtra, func(p string) bool { return pep508.NormalizeExtra(p) == e }) && len(pb.extraBrings(md, e)) == 0 {
			missing = append(missing, e)
		}
	}
	if len(missing) == 0 {
		return "", nil
	}
	// What the extras bring, in the newest version the user's range allows.
	allowed := pep440.Full()
	for _, r := range user {
		allowed = allowed.Intersect(r.Specifier.Range())
	}
	var brings []string
	listed := ns.Versions(Package{Name: name})
	for i := len(listed) - 1; i >= 0; i-- {
		if !allowed.Contains(listed[i]) {
			continue
		}
		was, err := pb.Index.Metadata(ctx, name, listed[i])
		if err != nil {
			return "", err
		}
		for _, e := range missing {
			for _, b := range pb.extraBrings(was, e) {
				if !slices.Contains(brings, b) {
					brings = append(brings, b)
				}
			}
		}
		break
	}
	text := fmt.Sprintf(" But %s %s has no extra %s: with it, %s[%s] installs without", name, v, strings.Join(missing, " or "), name, strings.Join(missing, ","))
	switch len(brings) {
	case 0:
	case 1:
		return text + " " + brings[0] + " and the features that need it.", nil
	default:
		return text + " " + strings.Join(brings, ", ") + " and the features that need them.", nil
	}
	return text + " the features the extra names.", nil
}

// extraBrings names the projects that extra adds to a release's requirements.
func (pb *Problem) extraBrings(md Metadata, extra string) []string {
	withExtra := maps.Clone(pb.Environment)
	if withExtra == nil {
		withExtra = pep508.Environment{}
	}
	withExtra["extra"] = extra
	var out []string
	for _, r := range md.RequiresDist {
		on, err := evaluateMarker(r.Marker, withExtra)
		if err != nil || !on {
			continue
		}
		if off, err := evaluateMarker(r.Marker, pb.Environment); err == nil && off {
			continue
		}
		if n := pep508.NormalizeName(r.Name); !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

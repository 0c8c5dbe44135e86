package resolver

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/depsolve/depsolve/pep440"
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
//   - A yanked release in the derivation can be used by pinning it exactly.
//   - For each user requirement or constraint the derivation starts from (at most
//     a few, in the order the explanation meets them), pb is solved again with that
//     package's range dropped; if that succeeds, the hint names the version that
//     works and says whether it is newer or older than the range allows, or
//     another build of the same release (only the local label differs).
//   - When pb.Matrix is a MatrixHinter, it is asked about each package whose
//     matrix rules on the target's facts rule out versions in the derivation
//     (another CUDA build that runs on the target, the driver that runs it).
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
	for _, in := range ns.External() {
		switch in.Kind {
		case pubgrub.KindUnavailable:
			if _, yanked := in.Unavailable.(Yanked); !yanked {
				continue
			}
			t := in.Terms[0]
			for _, v := range ns.Versions(t.Package) {
				if t.Range.Contains(v) && t.Package.Extra == "" {
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
		hints = append(hints, relaxHint(ns, c.name, pin.Version, user, c.constraint))
	}
	if hinter, ok := pb.Matrix.(MatrixHinter); ok {
		for _, c := range pb.matrixConflicts(ns) {
			for _, h := range hinter.Hints(c) {
				if !slices.Contains(hints, h) {
					hints = append(hints, h)
				}
			}
		}
	}
	return hints, nil
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
			out = append(out, MatrixConflict{Package: name, Listed: ns.Versions(in.Depender), Target: pb.Virtual})
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
		q := r.Name + specifierDisplay(r.Specifier)
		if len(r.Extras) > 0 {
			q = r.Name + "[" + strings.Join(r.Extras, ",") + "]" + specifierDisplay(r.Specifier)
		}
		if r.Origin != "" {
			q += " (" + r.Origin + ")"
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
	case anyAllowed && sameRelease:
		which = "Another build"
	case newer:
		which = "A newer version"
	case older:
		which = "An older version"
	}
	kind := "requirement"
	if constraint {
		kind = "constraint"
	}
	if len(quoted) > 1 {
		kind += "s"
	}
	return fmt.Sprintf("%s, %s %s, avoids this conflict; your %s %s %s it.", which, name, v, kind, strings.Join(quoted, " and "), excludeVerb(len(quoted)))
}

func excludeVerb(n int) string {
	if n > 1 {
		return "exclude"
	}
	return "excludes"
}

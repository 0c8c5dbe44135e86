package matrix

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/resolver"
	"github.com/depsolve/depsolve/target"
)

// Hints suggests ways out of a conflict in which the rules of c.Package on the target's
// facts rule out versions (resolver.MatrixHinter). Each hint is one the matrix shows to
// hold on this target, for the facts the target has:
//   - a CUDA build of the newest ruled-out release that the index did not list and whose
//     rules the target meets, with the index that serves it ("torch 2.5.1+cu118, the CUDA
//     11.8 build on the index https://download.pytorch.org/whl/cu118, runs on your
//     target's NVIDIA driver 470.82.01"); only for packages whose data names that index;
//   - the driver that lets the newest ruled-out version run, when driver rules alone rule
//     it out ("Upgrading the NVIDIA driver to 525.60.13 or newer lets torch 2.5.1 run"),
//     with that driver as the target it proposes (the resolver shows it only when the
//     requirements resolve there).
//
// Rules on other packages (torch -> triton) are left to the resolver: a build the hint
// names runs on the target, whether the rest of the requirements allow it is another solve.
func (tm *TargetMatrix) Hints(c resolver.MatrixConflict) []resolver.MatrixHint {
	name := pep508.NormalizeName(c.Package)
	p := tm.m.packageRows(name)
	if p == nil || len(c.RuledOut) == 0 {
		return nil
	}
	facts := map[string]resolver.Virtual{}
	for _, v := range c.Target {
		facts[v.Name] = v
	}
	if !tm.gpusRunOn(facts, facts[target.VirtualDriver]) {
		return nil // nothing runs on this target: no build is a way out
	}
	var hints []resolver.MatrixHint
	if h, ok := tm.variantHint(name, p, c, facts); ok {
		hints = append(hints, resolver.MatrixHint{Text: h})
	}
	allowed := slices.DeleteFunc(slices.Clone(c.RuledOut), func(v pep440.Version) bool { return !c.PolicyAllows(name, v) })
	if h, ok := tm.driverHint(name, allowed, facts); ok {
		hints = append(hints, h)
	}
	return hints
}

// variantIndex is the index that serves the package's CUDA variants, its URL with a
// {variant} placeholder: the first row that is not advisory; nil for none.
func (p *packageRows) variantIndex() *indexRow {
	for _, ix := range p.indexes {
		if !ix.Advisory {
			return ix
		}
	}
	return nil
}

// cudaLabel is the local label and index variant of a CUDA release: "12.4" -> "cu124" (R8).
func cudaLabel(cuda string) string { return "cu" + strings.ReplaceAll(cuda, ".", "") }

// variantHint finds, for the newest ruled-out release first, its newest CUDA variant that
// runs on the target and that the index did not list.
func (tm *TargetMatrix) variantHint(name string, p *packageRows, c resolver.MatrixConflict, facts map[string]resolver.Virtual) (string, bool) {
	ix := p.variantIndex()
	if ix == nil {
		return "", false
	}
	index := ix.URL
	for i := len(c.RuledOut) - 1; i >= 0; i-- {
		release := c.RuledOut[i].Public()
		if i+1 < len(c.RuledOut) && c.RuledOut[i+1].Public().Equal(release) {
			continue // each release once
		}
		for _, va := range p.variants {
			if va.row.Advisory || !va.versions.Contains(release) {
				continue
			}
			for k := len(va.row.CUDA) - 1; k >= 0; k-- {
				cuda := va.row.CUDA[k]
				label := cudaLabel(cuda)
				v, err := pep440.Parse(release.String() + "+" + label)
				if err != nil || slices.ContainsFunc(c.Listed, v.Equal) {
					continue
				}
				if _, ok := tm.build(name, v, p); !ok {
					continue // the label does not say its CUDA: the rules would not know it
				}
				variantIndex := strings.ReplaceAll(index, "{variant}", label)
				if !c.PolicyAllows(name, v) || !c.IndexAllowed(variantIndex) {
					continue // a hint stays inside the platform's policy
				}
				checked, ok := meets(tm.rules(name, v), facts)
				if !ok || len(checked) == 0 {
					continue
				}
				// The build is not among the listed versions, so the solver never tried it
				// with the other requirements: the hint says what is known, its fit to the
				// target, and how to try the rest.
				return fmt.Sprintf("%s %s, the CUDA %s build on the index %s, runs on your target's %s; it was not tried with the rest of your requirements: add that index (--extra-index-url) if this check did not read it, and check again.",
					name, v, cuda, variantIndex, join(checked)), true
			}
		}
	}
	return "", false
}

// driverHint finds the newest ruled-out version that only driver rules rule out, and the
// driver that runs it.
func (tm *TargetMatrix) driverHint(name string, ruledOut []pep440.Version, facts map[string]resolver.Virtual) (resolver.MatrixHint, bool) {
	driver, ok := facts[target.VirtualDriver]
	if !ok {
		return resolver.MatrixHint{}, false
	}
	for i := len(ruledOut) - 1; i >= 0; i-- {
		v := ruledOut[i]
		var need pep440.Version
		found, others := false, false
		for _, r := range tm.rules(name, v) {
			f, has := facts[r.pkg]
			if !has || r.allowed.Contains(f.Version) {
				continue
			}
			if r.pkg != target.VirtualDriver {
				others = true
				break
			}
			if !found || r.floor.Compare(need) > 0 {
				need, found = r.floor, true
			}
		}
		if found && !others && tm.gpusRunOn(facts, resolver.Virtual{Name: target.VirtualDriver, Version: need}) {
			upgraded := driver
			upgraded.Version = need
			return resolver.MatrixHint{
				Text:   fmt.Sprintf("Upgrading the NVIDIA driver to %s or newer lets %s %s run; your target has %s.", need.Original(), name, v, original(driver.Version)),
				Target: []resolver.Virtual{upgraded},
			}, true
		}
	}
	return resolver.MatrixHint{}, false
}

// gpusRunOn reports whether every GPU of the target runs on driver (a target without a
// driver: whether its GPUs need none).
func (tm *TargetMatrix) gpusRunOn(facts map[string]resolver.Virtual, driver resolver.Virtual) bool {
	withDriver := maps.Clone(facts)
	if driver.Name != "" {
		withDriver[target.VirtualDriver] = driver
	}
	for name, f := range facts {
		if !strings.HasPrefix(name, "@gpu:") {
			continue
		}
		if _, ok := meets(tm.rules(name, f.Version), withDriver); !ok {
			return false
		}
	}
	return true
}

// meets reports whether the target has every fact the rules on virtual packages allow,
// and names the facts they check ("NVIDIA driver 470.82.01").
func meets(rules []rule, facts map[string]resolver.Virtual) ([]string, bool) {
	var checked []string
	for _, r := range rules {
		f, ok := facts[r.pkg]
		if !ok {
			continue
		}
		if !r.allowed.Contains(f.Version) {
			return nil, false
		}
		text := VirtualDisplay(r.pkg) + " " + original(f.Version)
		if !slices.Contains(checked, text) {
			checked = append(checked, text)
		}
	}
	return checked, true
}

// original is a version as it was written (a driver's 535.104.05).
func original(v pep440.Version) string {
	if o := v.Original(); o != "" {
		return o
	}
	return v.String()
}

// join lists items as prose: "a", "a and b", "a, b and c".
func join(items []string) string {
	if len(items) <= 2 {
		return strings.Join(items, " and ")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

package matrix

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/target"
)

// What an image needs from the node it runs on, from the pins of its lock: the least NVIDIA
// driver (the highest driver floor any pin, or the base image's toolkit, has on the target)
// and the compute capabilities every GPU must have (what every CUDA build in the lock runs
// on: the intersection of its [[archs]] rows and [[gpu_floor]] rows).

// Pin is one pinned package of a lock.
type Pin struct {
	Name    string // PEP 503-normalized
	Version pep440.Version
}

// NodeNeeds is what pinned packages need from the node their image runs on.
type NodeNeeds struct {
	// Driver is the least NVIDIA driver; nil when nothing in the lock or the base image
	// needs one.
	Driver *pep440.Version
	// DriverFacts are the rules that set Driver: each pin (or the base image) whose
	// floor it is.
	DriverFacts []NeedFact
	// Capabilities are the compute capabilities every GPU must have; Full when no row of
	// the matrix narrows them (then nothing is known, which is not the same as anything
	// goes: CapabilityFacts is empty).
	Capabilities    pep440.Range
	CapabilityFacts []NeedFact
	// Notes are conditions the two values above do not carry (a GPU that runs a build only
	// through PTX, forward compatibility of the base image's toolkit).
	Notes []string
}

// NeedFact is one rule behind a node need: what the package version needs, and why.
type NeedFact struct {
	Package string // the pin's name; "" for the base image
	Version string
	Need    string // ">=525.60.13", ">=7.0, <10.0"
	Reason  string
	Cites   []Cite
}

// NodeNeeds are the needs of pins on t, whatever driver t names: the lock's pins need
// the same driver of every node. GPUs t declares only add the driver a GPU needs to run a
// build through PTX (R3).
func (m *Matrix) NodeNeeds(t *target.Target, pins []Pin) NodeNeeds {
	tm := m.ForTarget(t)
	if _, ok := tm.virtuals[target.VirtualDriver]; !ok {
		// The driver rules are emitted only for a target with a driver; their floors do
		// not depend on which.
		tm.virtuals[target.VirtualDriver] = pep440.MustParse("0")
	}
	needs := NodeNeeds{Capabilities: pep440.Full()}
	var driverFacts []NeedFact
	var floors []pep440.Version
	addDriver := func(pkg, version string, r rule) {
		driverFacts = append(driverFacts, NeedFact{Package: pkg, Version: version, Need: ruleText(r), Reason: r.reason, Cites: r.cites})
		floors = append(floors, r.floor)
	}
	for _, p := range pins {
		for _, r := range tm.rules(p.Name, p.Version) {
			if r.pkg == target.VirtualDriver && len(r.floor.Release()) > 0 {
				addDriver(p.Name, p.Version.String(), r)
			}
		}
		for _, f := range tm.capabilityFacts(p.Name, p.Version) {
			needs.Capabilities = needs.Capabilities.Intersect(f.runs)
			needs.CapabilityFacts = append(needs.CapabilityFacts, f.NeedFact)
			if f.note != "" && !slices.Contains(needs.Notes, f.note) {
				needs.Notes = append(needs.Notes, f.note)
			}
		}
	}
	if t.CUDA.Known() {
		for _, r := range tm.toolkitRules(t.CUDA.Version) {
			addDriver("", t.CUDA.Text, r)
			if !r.allowed.Equal(atLeast(r.floor)) {
				needs.Notes = append(needs.Notes, fmt.Sprintf("the base image's CUDA %s toolkit also runs on an older driver through forward compatibility: %s", t.CUDA.Text, r.display))
			}
		}
	}
	for i := range floors {
		if needs.Driver == nil || floors[i].Compare(*needs.Driver) > 0 {
			needs.Driver = &floors[i]
		}
	}
	for i, f := range driverFacts {
		if floors[i].Equal(*needs.Driver) {
			needs.DriverFacts = append(needs.DriverFacts, f)
		}
	}
	return needs
}

func ruleText(r rule) string {
	if r.display != "" {
		return r.display
	}
	return r.allowed.String()
}

// capabilityFact is a NeedFact on the compute capability, with the capabilities it allows.
type capabilityFact struct {
	NeedFact
	runs pep440.Range
	note string // the capabilities that run the build only through PTX, and the driver they need
}

// capabilityFacts are the compute capabilities name==v runs on: its [[archs]] row (SASS
// or PTX) and its [[gpu_floor]] rows.
func (tm *TargetMatrix) capabilityFacts(name string, v pep440.Version) []capabilityFact {
	name = pep508.NormalizeName(name)
	p := tm.m.packageRows(name)
	if p == nil {
		return nil
	}
	var out []capabilityFact
	if b, ok := tm.build(name, v, p); ok {
		if a := tm.archs(v, p, b.cuda); a != nil {
			code := "SASS for compute capability " + strings.Join(a.row.SASS, ", ")
			if len(a.row.PTX) > 0 {
				code += " and PTX for " + strings.Join(a.row.PTX, ", ")
			} else {
				code += " and no PTX"
			}
			f := capabilityFact{
				NeedFact: NeedFact{Package: name, Version: v.String(), Need: a.runs.String(), Reason: "CUDA " + join(a.row.CUDA) + " builds ship " + code,
					Cites: append([]Cite{tm.m.cite(&a.row.rowMeta)}, b.cites...)},
				runs: a.runs,
			}
			if jit := a.runs.Difference(a.sass); !jit.IsEmpty() && b.cuda.hasMinor {
				if driver, ga, ok := tm.m.table3(b.cuda, tm.windows()); ok {
					f.note = fmt.Sprintf("GPUs of compute capability %s run %s %s only through PTX, which needs NVIDIA driver >=%s (CUDA %s)", jit, name, v, driver.Original(), ga.row.Name)
				}
			}
			out = append(out, f)
		}
	}
	for _, fl := range p.floors {
		if fl.row.Advisory || !fl.versions.Contains(v.Public()) {
			continue
		}
		out = append(out, capabilityFact{
			NeedFact: NeedFact{Package: name, Version: v.String(), Need: fl.cc.String(), Reason: fl.row.Reason, Cites: []Cite{tm.m.cite(&fl.row.rowMeta)}},
			runs:     fl.cc,
		})
	}
	return out
}

// CapabilitySpan is a run of compute capabilities, from Low to High inclusive ("7.5" to
// "9.0"); Open when it goes on past the newest capability there is ("7.5" and above).
type CapabilitySpan struct {
	Low, High string
	Open      bool
}

// maxCapabilityMajor bounds the capabilities CapabilitySpans walks: compute capabilities
// are MAJOR.MINOR with one minor digit, and majors so far stop at 12 (Blackwell).
const maxCapabilityMajor = 30

// CapabilitySpans are the capabilities of r as runs over every MAJOR.MINOR (minor 0 to 9),
// lowest first: the form the NVIDIA container runtime's arch constraint and a
// Kubernetes node selector over GPU Feature Discovery's labels take. A span that reaches
// past maxCapabilityMajor is Open.
func CapabilitySpans(r pep440.Range) []CapabilitySpan {
	var spans []CapabilitySpan
	var cur *CapabilitySpan
	for major := 0; major <= maxCapabilityMajor; major++ {
		for minor := 0; minor <= 9; minor++ {
			cc := strconv.Itoa(major) + "." + strconv.Itoa(minor)
			if !r.Contains(pep440.MustParse(cc)) {
				cur = nil
				continue
			}
			if cur == nil {
				spans = append(spans, CapabilitySpan{Low: cc})
				cur = &spans[len(spans)-1]
			}
			cur.High = cc
		}
	}
	if cur != nil && r.Contains(pep440.MustParse(strconv.Itoa(maxCapabilityMajor+1))) {
		cur.Open = true
	}
	return spans
}

package compat

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/resolver"
)

// The virtual packages the solver sees for a target. Each has exactly one version, the
// target's value; a target that does not know a value has no such package.
const (
	VirtualPython = "@python" // the full Python version, "3.11.9"
	VirtualDriver = "@driver" // the NVIDIA driver, "535.104.05"
	VirtualCUDA   = "@cuda"   // the CUDA toolkit of the base image, "12.4.1"
	VirtualGlibc  = "@glibc"  // "2.35"
)

// VirtualGPU is the virtual package of the i-th GPU of a fleet ("@gpu:0"); its version is
// the compute capability ("9.0"). A fleet has one per distinct compute capability.
func VirtualGPU(i int) string { return "@gpu:" + strconv.Itoa(i) }

// TargetFacts is what the rules need to know about a target: which virtual packages it
// has (VirtualPython …, VirtualGPU(i) for GPUs[i]), and the platform facts that decide
// which rows apply. A zero field is unknown, and an unknown value constrains nothing.
type TargetFacts struct {
	OS      string   // "linux", "windows", "darwin"; "" if unknown
	Machine string   // "x86_64", "aarch64"; "" if unknown
	Python  bool     // the target has @python
	Driver  bool     // the target has @driver
	CUDA    bool     // the target has @cuda
	Glibc   bool     // the target has @glibc
	GPUs    []string // the compute capability of @gpu:0, @gpu:1, … ("9.0")
}

// TargetMatrix is the matrix applied to one target. Its Rules method is the
// resolver.Matrix the solver consults.
type TargetMatrix struct {
	m    *Matrix
	t    TargetFacts
	gpus []pep440.Version // parsed t.GPUs; a value that does not parse stays unknown
}

// ForTarget applies the matrix to a target.
func (m *Matrix) ForTarget(t TargetFacts) *TargetMatrix {
	tm := &TargetMatrix{m: m, t: t}
	for _, cc := range t.GPUs {
		v, err := pep440.Parse(cc)
		if err != nil {
			v = pep440.Version{}
		}
		tm.gpus = append(tm.gpus, v)
	}
	return tm
}

// Rules are the matrix rules of name==v on the target (resolver.Matrix): the driver its
// CUDA build needs, the compute capabilities it runs on, and the constraints on other
// packages that metadata does not express, each with its reason and the data rows it
// comes from. A rule about a real package is a constraint: it never pulls the package in.
func (tm *TargetMatrix) Rules(name string, v pep440.Version) []resolver.Rule {
	rules := tm.rules(name, v)
	if len(rules) == 0 {
		return nil
	}
	out := make([]resolver.Rule, len(rules))
	for i, r := range rules {
		out[i] = resolver.Rule{Package: r.pkg, Range: r.allowed, Reason: r.reason, Source: r.source()}
	}
	return out
}

var _ resolver.Matrix = (*TargetMatrix)(nil)

// rule is one constraint of a package version on another package, with its reason and
// the rows it comes from.
type rule struct {
	pkg     string
	allowed pep440.Range
	reason  string
	cites   []Cite
}

func (r rule) source() string {
	parts := make([]string, len(r.cites))
	for i, c := range r.cites {
		parts[i] = c.String()
	}
	return strings.Join(parts, "; ")
}

// cudaBuild is the CUDA a package version was built with, and why the matrix thinks so.
type cudaBuild struct {
	cuda  cudaVersion
	what  string // "torch 2.5.1 (the plain wheel for linux x86_64)"
	cites []Cite
}

// rules are the constraints of name==v on the target, in a fixed order: driver, GPUs,
// GPU floors, then constraints as the data lists them.
func (tm *TargetMatrix) rules(name string, v pep440.Version) []rule {
	name = pep508.NormalizeName(name)
	p := tm.m.packages[name]
	if p == nil {
		return nil
	}
	var out []rule
	if b, ok := tm.build(name, v, p); ok {
		out = append(out, tm.driverRules(b)...)
		out = append(out, tm.archRules(v, p, b)...)
	}
	out = append(out, tm.floorRules(name, v, p)...)
	out = append(out, tm.constraintRules(name, v, p)...)
	return out
}

// build finds the CUDA of name==v: from its local label (+cu124), or, for a version
// without one, from the [[build]] rows for the target's OS and machine.
func (tm *TargetMatrix) build(name string, v pep440.Version, p *packageRows) (cudaBuild, bool) {
	pub := v.Public()
	if local := v.Local(); local != "" {
		for _, lc := range p.localCUDA {
			if lc.Advisory {
				continue
			}
			if cv, ok := localCUDA(local, lc.Prefix); ok {
				return cudaBuild{cuda: cv, what: name + " " + v.String(), cites: []Cite{tm.m.cite(&lc.rowMeta)}}, true
			}
		}
	}
	for _, b := range p.builds {
		r := b.row
		if r.Advisory || !b.versions.Contains(pub) || (r.Local == "" && v.Local() != "") {
			continue
		}
		if tm.t.OS == "" || r.OS != tm.t.OS || (r.Machine != "" && r.Machine != tm.t.Machine) {
			continue
		}
		platform := r.OS
		if r.Machine != "" {
			platform += " " + r.Machine
		}
		what := fmt.Sprintf("%s %s (the wheel for %s)", name, v, platform)
		if r.Local == "" {
			what = fmt.Sprintf("%s %s (the PyPI wheel for %s)", name, v, platform)
		}
		return cudaBuild{cuda: b.cuda, what: what, cites: []Cite{tm.m.cite(&r.rowMeta)}}, true
	}
	return cudaBuild{}, false
}

var localDigits = regexp.MustCompile(`^[0-9]{2,4}$`)

// localCUDA reads a CUDA version from the first segment of a local label: with prefix
// "cu", "cu124" is 12.4 and "cu92" 9.2 (the last digit is the minor, R8).
func localCUDA(local, prefix string) (cudaVersion, bool) {
	seg, _, _ := strings.Cut(local, ".")
	digits, ok := strings.CutPrefix(seg, prefix)
	if !ok || !localDigits.MatchString(digits) {
		return cudaVersion{}, false
	}
	major, _ := strconv.Atoi(digits[:len(digits)-1])
	minor, _ := strconv.Atoi(digits[len(digits)-1:])
	return cudaVersion{major: major, minor: minor, hasMinor: true}, true
}

func (tm *TargetMatrix) windows() bool { return tm.t.OS == "windows" }

// driverRules: a CUDA build needs at least its family's driver floor (R1, R2).
func (tm *TargetMatrix) driverRules(b cudaBuild) []rule {
	if !tm.t.Driver {
		return nil
	}
	floor, ok := tm.m.driverFloor(b.cuda, tm.windows())
	if !ok {
		return nil
	}
	on := ""
	if tm.windows() {
		on = " on Windows"
	}
	var need string
	if floor.family {
		need = fmt.Sprintf("CUDA %s builds need NVIDIA driver >= %s%s (minor-version compatibility)", familyName(b.cuda.major), floor.driver.Original(), on)
	} else {
		need = fmt.Sprintf("CUDA %s builds need NVIDIA driver >= %s%s (CUDA %s)", b.cuda, floor.driver.Original(), on, floor.release)
	}
	return []rule{{
		pkg:     VirtualDriver,
		allowed: atLeast(floor.driver),
		reason:  fmt.Sprintf("%s is %s CUDA %s build; %s", b.what, article(b.cuda), buildName(b.cuda), need),
		cites:   append(append([]Cite{}, b.cites...), floor.cites...),
	}}
}

// article is "the" for a build of a known release, "a" when only its family is known.
func article(cv cudaVersion) string {
	if !cv.hasMinor {
		return "a"
	}
	return "the"
}

func buildName(cv cudaVersion) string {
	if !cv.hasMinor {
		return familyName(cv.major)
	}
	return cv.String()
}

func atLeast(v pep440.Version) pep440.Range {
	return pep440.NewSpecifierSet(mustSpecifier(">=" + v.String())).Range()
}

// archs finds the [[archs]] row of a build: same package, version, OS, machine and CUDA.
// A build known only by its family ("13") uses the rows of that family when they agree.
func (tm *TargetMatrix) archs(v pep440.Version, p *packageRows, cv cudaVersion) *buildArchs {
	if tm.t.OS == "" || tm.t.Machine == "" {
		return nil
	}
	var found *buildArchs
	for _, a := range p.archs {
		if a.row.Advisory || a.row.OS != tm.t.OS || a.row.Machine != tm.t.Machine || !a.versions.Contains(v.Public()) {
			continue
		}
		for _, c := range a.cuda {
			if c == cv || (!cv.hasMinor && c.major == cv.major) {
				if found != nil && !found.runs.Equal(a.runs) {
					return nil // the family's variants differ: which one this is is unknown
				}
				if found == nil {
					found = a
				}
			}
		}
	}
	return found
}

// archRules: each GPU must be able to run the build, from SASS of its own major at or
// below its minor, or from PTX at or below its capability (principles sass-binary-compat
// and ptx-jit). A GPU that only PTX JIT can serve also needs the driver of the build's
// own toolkit release (R3).
func (tm *TargetMatrix) archRules(v pep440.Version, p *packageRows, b cudaBuild) []rule {
	if len(tm.gpus) == 0 {
		return nil
	}
	a := tm.archs(v, p, b.cuda)
	if a == nil {
		return nil
	}
	code := "SASS for compute capability " + strings.Join(a.row.SASS, ", ")
	if len(a.row.PTX) > 0 {
		code += " and PTX for " + strings.Join(a.row.PTX, ", ")
	} else {
		code += " and no PTX"
	}
	cites := append(append([]Cite{tm.m.cite(&a.row.rowMeta)}, b.cites...), tm.m.cite(&tm.m.principles["sass-binary-compat"].rowMeta))
	if len(a.row.PTX) > 0 {
		cites = append(cites, tm.m.cite(&tm.m.principles["ptx-jit"].rowMeta))
	}
	var out []rule
	for i, cc := range tm.gpus {
		reason := fmt.Sprintf("%s is %s CUDA %s build and ships %s: it runs on compute capability %s", b.what, article(b.cuda), buildName(b.cuda), code, a.runs)
		if !a.runs.Contains(cc) {
			reason += fmt.Sprintf(", not on %s", tm.t.GPUs[i])
		}
		out = append(out, rule{pkg: VirtualGPU(i), allowed: a.runs, reason: reason, cites: cites})
	}
	if !tm.t.Driver {
		return out
	}
	for i, cc := range tm.gpus {
		if !a.runs.Contains(cc) || a.sass.Contains(cc) {
			continue
		}
		cv := b.cuda
		if !cv.hasMinor { // the PTX's toolkit release is unknown
			continue
		}
		driver, ga, ok := tm.m.table3(cv, tm.windows())
		if !ok {
			continue
		}
		out = append(out, rule{
			pkg:     VirtualDriver,
			allowed: atLeast(driver),
			reason: fmt.Sprintf("%s has no SASS a GPU of compute capability %s runs, only PTX, which the driver JIT-compiles only if it is at least as new as the toolkit that produced it: NVIDIA driver >= %s (CUDA %s)",
				b.what, tm.t.GPUs[i], driver.Original(), ga.row.Name),
			cites: []Cite{tm.m.cite(&a.row.rowMeta), tm.m.cite(&tm.m.principles["ptx-jit"].rowMeta), tm.m.cite(&ga.row.rowMeta)},
		})
	}
	return out
}

func (tm *TargetMatrix) floorRules(name string, v pep440.Version, p *packageRows) []rule {
	var out []rule
	for _, f := range p.floors {
		if f.row.Advisory || !f.versions.Contains(v.Public()) {
			continue
		}
		for i := range tm.gpus {
			reason := fmt.Sprintf("%s %s: %s (compute capability %s)", name, v, f.row.Reason, f.cc)
			out = append(out, rule{pkg: VirtualGPU(i), allowed: f.cc, reason: reason, cites: []Cite{tm.m.cite(&f.row.rowMeta)}})
		}
	}
	return out
}

func (tm *TargetMatrix) constraintRules(name string, v pep440.Version, p *packageRows) []rule {
	var out []rule
	for _, c := range p.constraints {
		r := c.row
		if r.Advisory || !c.versions.Contains(v.Public()) {
			continue
		}
		if r.OS != "" && r.OS != tm.t.OS {
			continue
		}
		if !tm.hasVirtual(c.requires) {
			continue
		}
		out = append(out, rule{
			pkg:     c.requires,
			allowed: c.allowed,
			reason:  fmt.Sprintf("%s %s: %s", name, v, r.Reason),
			cites:   []Cite{tm.m.cite(&r.rowMeta)},
		})
	}
	return out
}

// hasVirtual reports whether the target has pkg, for a virtual package; real packages
// always qualify.
func (tm *TargetMatrix) hasVirtual(pkg string) bool {
	switch pkg {
	case VirtualPython:
		return tm.t.Python
	case VirtualDriver:
		return tm.t.Driver
	case VirtualCUDA:
		return tm.t.CUDA
	case VirtualGlibc:
		return tm.t.Glibc
	}
	return true
}

// Advisory is a fact about a package version that warns without constraining: an
// unverified row, a note, a caveat of the build.
type Advisory struct {
	Package string // normalized name
	Version string
	Text    string
	Cite    Cite
}

// Advisories are the warnings the matrix has for name==v on the target, in data order.
func (tm *TargetMatrix) Advisories(name string, v pep440.Version) []Advisory {
	name = pep508.NormalizeName(name)
	p := tm.m.packages[name]
	if p == nil {
		return nil
	}
	pub := v.Public()
	add := func(out []Advisory, text string, meta *rowMeta) []Advisory {
		return append(out, Advisory{Package: name, Version: v.String(), Text: text, Cite: tm.m.cite(meta)})
	}
	var out []Advisory
	if b, ok := tm.build(name, v, p); ok && tm.t.Driver && b.cuda.hasMinor {
		if driver, ga, ok := tm.m.table3(b.cuda, tm.windows()); ok {
			out = add(out, fmt.Sprintf("%s is the CUDA %s build: below NVIDIA driver %s (CUDA %s, Table 3) it runs with a limited feature set, and PTX it JIT-compiles fails (cudaErrorUnsupportedPtxVersion)",
				b.what, b.cuda, driver.Original(), ga.row.Name), &tm.m.principles["table3-full-features"].rowMeta)
		}
	}
	for _, b := range p.builds {
		if b.row.Advisory && b.versions.Contains(pub) && b.row.OS == tm.t.OS {
			out = add(out, fmt.Sprintf("%s %s may be the CUDA %s build (unverified)", name, v, b.cuda), &b.row.rowMeta)
		}
	}
	for _, a := range p.archs {
		if a.row.Advisory && a.versions.Contains(pub) && a.row.OS == tm.t.OS && a.row.Machine == tm.t.Machine {
			out = add(out, fmt.Sprintf("%s %s CUDA %s builds may ship SASS only for compute capability %s (unverified)", name, v, strings.Join(a.row.CUDA, "/"), strings.Join(a.row.SASS, ", ")), &a.row.rowMeta)
		}
	}
	for _, c := range p.constraints {
		if c.row.Advisory && c.versions.Contains(pub) && (c.row.OS == "" || c.row.OS == tm.t.OS) {
			want := c.allowed.String()
			if c.row.Forbids {
				want = "not installed"
			}
			out = add(out, fmt.Sprintf("%s %s may need %s %s: %s (unverified)", name, v, c.requires, want, c.row.Reason), &c.row.rowMeta)
		}
	}
	for _, n := range p.notes {
		if n.versions.Contains(pub) {
			out = add(out, n.row.Text, &n.row.rowMeta)
		}
	}
	return out
}

package matrix

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/depsolve/depsolve/input"
	"github.com/depsolve/depsolve/pep425"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/resolver"
	"github.com/depsolve/depsolve/target"
)

// targetFacts are the platform facts of a target that decide which rows apply.
type targetFacts struct {
	OS      string // "linux", "windows", "darwin"; "" if unknown
	Machine string // "x86_64", "aarch64" (the Linux names, on every OS); "" if unknown
	CPU     bool   // the target has no GPU (--cpu, cpu = true, detection)
}

// VirtualDisplay is how explanations and advisories name a virtual package: what the
// user knows it as ("NVIDIA driver", "GPU 1 compute capability" for "@gpu:1"). The
// target and the matrix define the virtual packages, so the matrix names them; the
// resolver is handed this (resolver.Problem.VirtualNames) and knows none of them. A
// name it does not know prints without its "@".
func VirtualDisplay(name string) string {
	switch name {
	case target.VirtualPython:
		return "Python"
	case target.VirtualDriver:
		return "NVIDIA driver"
	case target.VirtualCUDA:
		return "CUDA"
	case target.VirtualGlibc:
		return "glibc"
	case VirtualTorchCUDA:
		return "torch's CUDA" // the CUDA major torch was built for, which its companions share
	case VirtualCUDAFamily:
		return "CUDA family"
	}
	if i, ok := strings.CutPrefix(name, "@gpu:"); ok {
		return "GPU " + i + " compute capability"
	}
	return strings.TrimPrefix(name, "@")
}

// TargetMatrix is the matrix applied to one target. Its Rules method is the
// resolver.Matrix the solver consults.
type TargetMatrix struct {
	m        *Matrix
	t        targetFacts
	virtuals map[string]pep440.Version // the value of each of VirtualPython, VirtualDriver, VirtualCUDA, VirtualGlibc the target has
	gpus     []pep440.Version          // the compute capability of @gpu:0, @gpu:1, … ("9.0")
	kinds    gpuKinds                  // the target's GPUs as forward compatibility sees them
	unplaced []Advisory                // UncheckedTarget
	// oneFamily is the policy line of a rule that the image hold one CUDA family
	// (OneCUDAFamily); nil: no such rule.
	oneFamily *input.Position
}

// ForTarget applies the matrix to a target, reading the values Build parsed. An unknown
// value constrains nothing: the target has no virtual package for it, and rows that depend
// on an unknown OS or machine do not apply.
func (m *Matrix) ForTarget(t *target.Target) *TargetMatrix {
	f := targetFacts{CPU: t.CPU.On}
	if t.Platform.Known() {
		f.OS, f.Machine = osMachine(t.Platform.Platform)
	}
	virtuals := map[string]pep440.Version{}
	for name, v := range map[string]target.VersionValue{target.VirtualPython: t.Python, target.VirtualDriver: t.Driver, target.VirtualCUDA: t.CUDA, target.VirtualGlibc: t.GLibc} {
		if v.Known() {
			virtuals[name] = v.Version
		}
	}
	return &TargetMatrix{m: m, t: f, virtuals: virtuals, gpus: t.Capabilities(), kinds: m.gpuKinds(t.GPUs), unplaced: m.UncheckedTarget(t)}
}

// osMachine names a platform as the data's os and machine keys do: the OS as Python's
// sys.platform, the machine by its Linux name on every OS (x86_64 for amd64, aarch64
// for arm64).
func osMachine(p pep425.Platform) (os, machine string) {
	os = map[pep425.OS]string{pep425.Linux: "linux", pep425.MacOS: "darwin", pep425.Windows: "windows"}[p.OS]
	machine = map[string]string{"amd64": "x86_64", "arm64": "aarch64", "x86": "i686"}[p.Arch]
	if machine == "" {
		machine = p.Arch
	}
	return os, machine
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
		out[i] = resolver.Rule{Package: r.pkg, Range: r.allowed, Display: r.display, Reason: r.reason, Cites: r.citations(), Selects: r.selects}
	}
	return out
}

var (
	_ resolver.Matrix       = (*TargetMatrix)(nil)
	_ resolver.MatrixHinter = (*TargetMatrix)(nil)
)

// rule is one constraint of a package version on another package, with its reason and
// the rows it comes from. The reason is a clause about the package version that does not
// name it (explanations say "torch 2.5.1 requires NVIDIA driver >=525.60.13 (<reason>)"),
// so that the rules of several builds that say the same are one fact.
type rule struct {
	pkg     string
	allowed pep440.Range
	display string         // allowed as the data spells it (drivers); "" = allowed.String()
	floor   pep440.Version // the least driver, for a rule on target.VirtualDriver
	reason  string
	cites   []Cite
	selects bool // a dependency on a virtual package of the matrix's own (resolver.Rule.Selects)
}

// citations are the rows of the rule, each once, as the resolver cites them.
func (r rule) citations() []resolver.Citation { return citationsOf(r.cites) }

// citationsOf are cites as the resolver cites rows: each row once, unnumbered.
func citationsOf(cites []Cite) []resolver.Citation {
	var out []resolver.Citation
	for _, c := range cites {
		row := input.Position{File: c.File, Line: c.Line}
		if slices.ContainsFunc(out, func(o resolver.Citation) bool { return o.Row == row }) {
			continue
		}
		rc := resolver.Citation{Row: row}
		for _, s := range c.Sources {
			rc.Sources = append(rc.Sources, resolver.Reference{ID: s.ID, Title: s.Title, URL: s.URL})
		}
		out = append(out, rc)
	}
	return out
}

// cudaBuild is the CUDA a package version was built with, and why the matrix thinks so.
type cudaBuild struct {
	cuda  cudaVersion
	what  string // "torch 2.5.1 (the PyPI wheel for linux x86_64)", for advisories
	plain bool   // the wheels without a local label, whose CUDA a [[build]] row gives
	// runtime: a wheel of NVIDIA's CUDA runtime libraries (nvidia-cublas-cu12), whose
	// family its name or version gives; the family row is then all it cites.
	runtime bool
	cites   []Cite
}

// rules are the constraints of name==v on the target, in a fixed order: driver, GPUs,
// the CUDA family of the torch stack, the image's CUDA family (OneCUDAFamily), GPU floors,
// then constraints as the data lists them.
func (tm *TargetMatrix) rules(name string, v pep440.Version) []rule {
	if strings.HasPrefix(name, "@gpu:") {
		return tm.gpuDriverRules(v)
	}
	if name == target.VirtualCUDA {
		return tm.toolkitRules(v)
	}
	name = pep508.NormalizeName(name)
	p := tm.m.packageRows(name)
	var out []rule
	b, ok := cudaBuild{}, false
	if p != nil {
		b, ok = tm.build(name, v, p)
	}
	if ok {
		out = append(out, tm.driverRules(b)...)
		out = append(out, tm.archRules(v, p, b)...)
	} else if b, ok = tm.m.runtimeBuild(name, v); ok {
		out = append(out, tm.driverRules(b)...)
	}
	if r, family := tm.torchCUDARule(name, b); ok && family {
		out = append(out, r)
	}
	if ok && tm.oneFamily != nil {
		out = append(out, tm.familyRule(b))
	}
	if p == nil {
		return out
	}
	out = append(out, tm.floorRules(v, p)...)
	out = append(out, tm.constraintRules(v, p)...)
	return out
}

// build finds the CUDA of name==v: from its local label (+cu124), or, for a version
// without one, from the [[build]] rows for the target's OS and machine.
func (tm *TargetMatrix) build(name string, v pep440.Version, p *packageRows) (cudaBuild, bool) {
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
	b := tm.platformBuild(v, p)
	if b == nil || b.cpu {
		return cudaBuild{}, false
	}
	r := b.row
	platform := r.OS
	if r.Machine != "" {
		platform += " " + r.Machine
	}
	what := fmt.Sprintf("%s %s (the wheel for %s)", name, v, platform)
	if r.Local == "" {
		what = fmt.Sprintf("%s %s (the PyPI wheel for %s)", name, v, platform)
	}
	return cudaBuild{cuda: b.cuda, what: what, plain: r.Local == "", cites: []Cite{tm.m.cite(&r.rowMeta)}}, true
}

// unplacedPlainWheel is, for a release without a local label that no [[build]] row places
// on the target's OS and machine, the first row that places another release's plain wheel
// there; nil when v is placed (an unverified row warns of its own), or the data places no
// plain wheel there at all. Such a release (torch 2.10.1 beside a row for ==2.10.0) is a
// build of a CUDA the data does not say, so none of the driver and GPU rules of that CUDA
// apply: a framework's (one with [[variant]] rows) must not pass silently; a companion's
// (torchvision) shares torch's CUDA major, which torch's rows check. A target without a
// driver or GPU has nothing those rules check.
func (tm *TargetMatrix) unplacedPlainWheel(v pep440.Version, p *packageRows) *buildRow {
	if v.Local() != "" || (!tm.hasVirtual(target.VirtualDriver) && len(tm.gpus) == 0) {
		return nil
	}
	var first *buildRow
	for _, b := range p.builds {
		r := b.row
		if r.Local != "" || r.OS != tm.t.OS || (r.Machine != "" && r.Machine != tm.t.Machine) {
			continue
		}
		if b.versions.Contains(v.Public()) {
			return nil
		}
		if first == nil && !r.Advisory {
			first = r
		}
	}
	return first
}

// platformBuild is the [[build]] row that says what v is on the target's OS and machine
// (a CUDA or a CPU-only build), or nil.
func (tm *TargetMatrix) platformBuild(v pep440.Version, p *packageRows) *build {
	for _, b := range p.builds {
		r := b.row
		if r.Advisory || !b.versions.Contains(v.Public()) || !r.matchesLocal(v.Local()) {
			continue
		}
		if tm.t.OS == "" || r.OS != tm.t.OS || (r.Machine != "" && r.Machine != tm.t.Machine) {
			continue
		}
		return b
	}
	return nil
}

var localDigits = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{2,4}$`) })

// localCUDA reads a CUDA version from the first segment of a local label: with prefix
// "cu", "cu124" is 12.4 and "cu92" 9.2 (the last digit is the minor, R8).
func localCUDA(local, prefix string) (cudaVersion, bool) {
	seg, _, _ := strings.Cut(local, ".")
	digits, ok := strings.CutPrefix(seg, prefix)
	if !ok || !localDigits().MatchString(digits) {
		return cudaVersion{}, false
	}
	major, _ := strconv.Atoi(digits[:len(digits)-1])
	minor, _ := strconv.Atoi(digits[len(digits)-1:])
	return cudaVersion{major: major, minor: minor, hasMinor: true}, true
}

func (tm *TargetMatrix) windows() bool { return tm.t.OS == "windows" }

// driverRules: a CUDA build needs at least its family's driver floor (R1, R2). The
// reason says which build the wheels are when their name does not ("the PyPI wheels are
// CUDA 12.4 builds"): a local label (+cu124) says it itself.
func (tm *TargetMatrix) driverRules(b cudaBuild) []rule {
	if !tm.hasVirtual(target.VirtualDriver) {
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
	var reason string
	switch {
	case floor.family && b.runtime:
		reason = fmt.Sprintf("it is a wheel of the CUDA %s libraries, which need it%s", familyName(b.cuda.major), on)
	case floor.family && b.plain && b.cuda.hasMinor:
		reason = fmt.Sprintf("the PyPI wheels are CUDA %s builds, and CUDA %s builds need it%s", b.cuda, familyName(b.cuda.major), on)
	case floor.family && b.plain:
		reason = fmt.Sprintf("the PyPI wheels are CUDA %s builds, which need it%s", familyName(b.cuda.major), on)
	case floor.family:
		reason = fmt.Sprintf("CUDA %s builds need it%s", familyName(b.cuda.major), on)
	case b.plain:
		reason = fmt.Sprintf("the PyPI wheels are CUDA %s builds, which need it%s (CUDA %s)", buildName(b.cuda), on, floor.release)
	default:
		reason = fmt.Sprintf("CUDA %s builds need it%s (CUDA %s)", buildName(b.cuda), on, floor.release)
	}
	return []rule{{
		pkg:     target.VirtualDriver,
		allowed: atLeast(floor.driver),
		display: ">=" + floor.driver.Original(),
		floor:   floor.driver,
		reason:  reason,
		cites:   append(append([]Cite{}, b.cites...), floor.cites...),
	}}
}

// gpuDriverRules: a GPU runs only on the drivers that support it (gpus.toml
// [[gpu_driver]]), so a target whose driver is too old (or too new) for one of its GPUs
// is a conflict whatever the requirements are. The rules are those of the GPU's virtual
// package, so the explanation is the usual chain, citing the row.
func (tm *TargetMatrix) gpuDriverRules(cc pep440.Version) []rule {
	if !tm.hasVirtual(target.VirtualDriver) {
		return nil
	}
	var out []rule
	for _, g := range tm.m.gpuDrivers() {
		if g.row.Advisory || !g.cc.Contains(cc) {
			continue
		}
		allowed, text, on, ok := g.forOS(tm.t.OS)
		if !ok {
			continue
		}
		out = append(out, rule{pkg: target.VirtualDriver, allowed: allowed, display: text, reason: g.row.Reason + on, cites: []Cite{tm.m.cite(&g.row.rowMeta)}})
	}
	return out
}

// forOS is the driver range of the row on os, as the data writes it, and the words that
// say which OS it is for; ok is false where the row says nothing about os (an unknown OS
// included: Linux and Windows drivers are numbered apart).
func (g *gpuDriver) forOS(os string) (allowed pep440.Range, text, on string, ok bool) {
	switch {
	case os == "linux" && g.row.DriverLinux != "":
		return g.linux, g.row.DriverLinux, "", true
	case os == "windows" && g.row.DriverWindows != "":
		return g.windows, g.row.DriverWindows, " on Windows", true
	}
	return pep440.Range{}, "", "", false
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
	for _, a := range p.archs() {
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
// own toolkit release (R3). The reason names the CUDA builds of the [[archs]] row, not
// this one, so that the builds a row covers ("CUDA 12.4 and 12.6 builds ship …") are one
// fact in explanations.
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
	cites := append(append([]Cite{tm.m.cite(&a.row.rowMeta)}, b.cites...), tm.m.cite(&tm.m.cuda().principles["sass-binary-compat"].rowMeta))
	if len(a.row.PTX) > 0 {
		cites = append(cites, tm.m.cite(&tm.m.cuda().principles["ptx-jit"].rowMeta))
	}
	var out []rule
	for i := range tm.gpus {
		out = append(out, rule{pkg: target.VirtualGPU(i), allowed: a.runs, reason: "CUDA " + join(a.row.CUDA) + " builds ship " + code, cites: cites})
	}
	if !tm.hasVirtual(target.VirtualDriver) {
		return out
	}
	for _, cc := range tm.gpus {
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
			pkg:     target.VirtualDriver,
			allowed: atLeast(driver),
			display: ">=" + driver.Original(),
			floor:   driver,
			reason: fmt.Sprintf("compute capability %s runs the wheels only through PTX, which the driver JIT-compiles only if it is as new as the toolkit that built it, CUDA %s",
				cc, ga.row.Name),
			cites: []Cite{tm.m.cite(&a.row.rowMeta), tm.m.cite(&tm.m.cuda().principles["ptx-jit"].rowMeta), tm.m.cite(&ga.row.rowMeta)},
		})
	}
	return out
}

func (tm *TargetMatrix) floorRules(v pep440.Version, p *packageRows) []rule {
	var out []rule
	for _, f := range p.floors {
		if f.row.Advisory || !f.versions.Contains(v.Public()) {
			continue
		}
		for i := range tm.gpus {
			out = append(out, rule{pkg: target.VirtualGPU(i), allowed: f.cc, reason: f.row.Reason, cites: []Cite{tm.m.cite(&f.row.rowMeta)}})
		}
	}
	return out
}

func (tm *TargetMatrix) constraintRules(v pep440.Version, p *packageRows) []rule {
	var out []rule
	for _, c := range p.constraints {
		r := c.row
		if r.Advisory || !tm.constraintApplies(c, v) {
			continue
		}
		if !tm.hasVirtual(c.requires) {
			continue
		}
		out = append(out, rule{
			pkg:     c.requires,
			allowed: c.allowed,
			reason:  r.Reason,
			cites:   []Cite{tm.m.cite(&r.rowMeta)},
		})
	}
	return out
}

// constraintApplies reports whether c holds for the package version v on the target: v
// is one of its versions, the target is on its OS, and, for a constraint about CUDA
// builds, v is not known to be another kind of build (a local label that is no CUDA
// label: +cpu, +rocm6.2) and the target is not CPU-only, where no CUDA library loads.
func (tm *TargetMatrix) constraintApplies(c *constraint, v pep440.Version) bool {
	r := c.row
	if !c.versions.Contains(v.Public()) || (r.OS != "" && r.OS != tm.t.OS) {
		return false
	}
	if !r.CUDABuild {
		return true
	}
	if tm.t.CPU {
		return false
	}
	if local := v.Local(); local != "" {
		_, cuda := localCUDA(local, "cu")
		return cuda
	}
	return true
}

// hasVirtual reports whether the target has pkg, for a virtual package other than a GPU;
// real packages always qualify.
func (tm *TargetMatrix) hasVirtual(pkg string) bool {
	if !strings.HasPrefix(pkg, "@") {
		return true
	}
	_, ok := tm.virtuals[pkg]
	return ok
}

// Advisory is a warning about a resolution on the target that never constrains it: an
// unverified row that applies, a note whose conditions hold, a caveat of a CUDA build.
type Advisory struct {
	Code    string // stable, for tools and policies: one of the Advisory* codes
	Package string // the normalized name of the package the row is about; "" for the target itself
	Version string // its selected version
	Text    string
	Cite    Cite
	// AtStake names the pins whose installed bytes the advisory is about (the CUDA
	// runtime wheels on a CPU-only target), for a caller that knows their sizes.
	AtStake []string
}

// The codes of advisories. They are stable: tools and policies match on them.
const (
	AdvisoryTable3Driver         = "table3-driver"         // the driver is below the Table 3 driver of a build's toolkit
	AdvisoryUnverifiedBuild      = "unverified-build"      // an unverified [[build]] row applies
	AdvisoryUnverifiedArchs      = "unverified-archs"      // an unverified [[archs]] row leaves out a target GPU
	AdvisoryUnverifiedConstraint = "unverified-constraint" // the resolution breaks an unverified [[constraint]]
	AdvisoryUnverifiedGPUDriver  = "unverified-gpu-driver" // the driver is outside an unverified [[gpu_driver]] range
	AdvisoryNote                 = "note"                  // a [[note]] whose conditions hold
	AdvisoryUncheckedRelease     = "unchecked-release"     // a release outside the [[variant]] rows of its package
)

// AdvisoriesFor are the warnings the matrix has for a resolution on the target. selected
// gives the version the resolution chose for a package (PEP 503 name), if any:
// (*resolver.Resolution).Version. Each applies to what the resolution and the target hold:
//   - the Table 3 caveat of a CUDA build, when the target's driver is below the driver its
//     toolkit release needs for its full feature set;
//   - unverified [[build]] rows for the target's platform, when the target has a driver or
//     GPUs (nothing else depends on which CUDA a build is);
//   - unverified [[archs]] rows, when a target GPU is outside what the row says runs it;
//   - unverified [[constraint]] rows, when the resolution (the target, for a virtual
//     package) holds the package they restrict outside their range (forbids: at all);
//   - a release of a package with [[variant]] rows that none of them covers (newer or
//     older than the data): nothing about it was checked;
//   - [[note]] rows whose os, machine and when conditions hold (an unknown fact holds none);
//   - a CPU-only build (a [[build]] row with cuda = "cpu") on a target with a driver or
//     GPUs, code AdvisoryCPUOnlyBuild;
//   - unverified [[gpu_driver]] rows whose range the target's driver is outside of, for
//     one of its GPUs (Package "", Version the compute capability);
//   - the target's values the matrix cannot place (UncheckedTarget).
//
// The order is deterministic: the target's, then packages by name, then rows in data order.
// SolutionAdvisories adds those about the resolution's CUDA wheels as a whole.
func (tm *TargetMatrix) AdvisoriesFor(selected func(name string) (pep440.Version, bool)) []Advisory {
	out := append(slices.Clone(tm.unplaced), tm.targetAdvisories()...)
	for _, name := range tm.m.packageNames() {
		if v, ok := selected(name); ok {
			out = append(out, tm.advisories(name, v, selected)...)
		}
	}
	return out
}

// targetAdvisories are the unverified [[gpu_driver]] rows the target's driver is outside
// of, for one of its GPUs.
func (tm *TargetMatrix) targetAdvisories() []Advisory {
	driver, ok := tm.virtuals[target.VirtualDriver]
	if !ok {
		return nil
	}
	out := tm.toolkitAdvisories()
	for _, cc := range tm.gpus {
		for _, g := range tm.m.gpuDrivers() {
			if !g.row.Advisory || !g.cc.Contains(cc) {
				continue
			}
			if allowed, text, on, ok := g.forOS(tm.t.OS); ok && !allowed.Contains(driver) {
				out = append(out, Advisory{Code: AdvisoryUnverifiedGPUDriver, Version: cc.String(),
					Text: fmt.Sprintf("compute capability %s may need NVIDIA driver %s%s, and the target's is %s: %s (unverified)", cc, text, on, driver.Original(), g.row.Reason),
					Cite: tm.m.cite(&g.row.rowMeta)})
			}
		}
	}
	return out
}

// advisories are those of name==v, which the resolution selected.
func (tm *TargetMatrix) advisories(name string, v pep440.Version, selected func(string) (pep440.Version, bool)) []Advisory {
	p := tm.m.packageRows(name)
	if p == nil {
		return nil
	}
	pub := v.Public()
	add := func(out []Advisory, code, text string, meta *rowMeta) []Advisory {
		return append(out, Advisory{Code: code, Package: name, Version: v.String(), Text: text, Cite: tm.m.cite(meta)})
	}
	var out []Advisory
	if len(p.variants) > 0 && !slices.ContainsFunc(p.variants, func(va *variant) bool { return !va.row.Advisory && va.versions.Contains(pub) }) {
		out = add(out, AdvisoryUncheckedRelease, fmt.Sprintf("%s %s is a release the matrix does not cover: which CUDA its builds target, the GPUs they run on and the packages they pair with are not checked", name, v),
			&p.variants[0].row.rowMeta)
	} else if row := tm.unplacedPlainWheel(v, p); row != nil && len(p.variants) > 0 {
		out = add(out, AdvisoryUncheckedRelease, fmt.Sprintf("%s %s is a release the matrix does not cover on %s: which CUDA its PyPI wheel there targets, and so the NVIDIA driver and the GPUs it runs on, are not checked", name, v, platformName(tm.t)),
			&row.rowMeta)
	}
	build, isBuild := tm.build(name, v, p)
	if driver, ok := tm.virtuals[target.VirtualDriver]; ok && isBuild && build.cuda.hasMinor {
		if full, ga, ok := tm.m.table3(build.cuda, tm.windows()); ok && driver.Compare(full) < 0 {
			out = add(out, AdvisoryTable3Driver, fmt.Sprintf("%s is the CUDA %s build, and the target's NVIDIA driver %s is below %s, which CUDA %s needs for its full feature set (Table 3): "+
				"it runs with a limited feature set, and PTX it JIT-compiles fails (cudaErrorUnsupportedPtxVersion)",
				build.what, build.cuda, driver.Original(), full.Original(), ga.row.Name), &tm.m.cuda().principles["table3-full-features"].rowMeta)
		}
	}
	if tm.hasVirtual(target.VirtualDriver) || len(tm.gpus) > 0 {
		for _, b := range p.builds {
			r := b.row
			if r.Advisory && b.versions.Contains(pub) && r.matchesLocal(v.Local()) && r.OS == tm.t.OS && (r.Machine == "" || r.Machine == tm.t.Machine) {
				out = add(out, AdvisoryUnverifiedBuild, fmt.Sprintf("%s %s may be the CUDA %s build (unverified)", name, v, b.cuda), &r.rowMeta)
			}
		}
	}
	var archs []*buildArchs
	if len(tm.gpus) > 0 { // without GPUs none is outside what a row runs on: compile no archs
		archs = p.archs()
	}
	for _, a := range archs {
		if !a.row.Advisory || !a.versions.Contains(pub) || a.row.OS != tm.t.OS || a.row.Machine != tm.t.Machine {
			continue
		}
		if outside := tm.gpusOutside(a.runs); len(outside) > 0 {
			out = add(out, AdvisoryUnverifiedArchs, fmt.Sprintf("%s %s may not run on compute capability %s: its CUDA %s builds may ship SASS only for %s (unverified)",
				name, v, join(outside), strings.Join(a.row.CUDA, "/"), strings.Join(a.row.SASS, ", ")), &a.row.rowMeta)
		}
	}
	for _, c := range p.constraints {
		if !c.row.Advisory || !tm.constraintApplies(c, v) {
			continue
		}
		if text, ok := tm.constraintAdvisory(name, v, c, selected); ok {
			out = add(out, AdvisoryUnverifiedConstraint, text, &c.row.rowMeta)
		}
	}
	for _, n := range p.notes {
		if n.versions.Contains(pub) && tm.noteApplies(n, isBuild) {
			out = add(out, AdvisoryNote, n.row.Text, &n.row.rowMeta)
		}
	}
	if a, ok := tm.cpuOnlyAdvisory(name, v, p); ok {
		out = append(out, a)
	}
	return out
}

// gpusOutside are the target's compute capabilities outside runs.
func (tm *TargetMatrix) gpusOutside(runs pep440.Range) []string {
	var out []string
	for _, cc := range tm.gpus {
		if !runs.Contains(cc) {
			out = append(out, cc.String())
		}
	}
	return out
}

// constraintAdvisory is the text of an unverified constraint of name==v, when the
// resolution or the target breaks it.
func (tm *TargetMatrix) constraintAdvisory(name string, v pep440.Version, c *constraint, selected func(string) (pep440.Version, bool)) (string, bool) {
	has, ok := selected(c.requires)
	what := c.requires
	holder := "the resolution has " + what + " "
	if strings.HasPrefix(c.requires, "@") {
		has, ok = tm.virtuals[c.requires]
		what = VirtualDisplay(c.requires)
		holder = "the target's " + what + " is "
	}
	if !ok || c.allowed.Contains(has) {
		return "", false
	}
	want := "need " + what + " " + c.allowed.String()
	if c.row.Forbids {
		want = "conflict with " + what
	}
	return fmt.Sprintf("%s %s may %s, and %s%s: %s (unverified)", name, v, want, holder, has.Original(), c.row.Reason), true
}

// noteApplies reports whether the target meets a note's conditions; isBuild: the package
// version is a CUDA build the matrix knows.
func (tm *TargetMatrix) noteApplies(n *note, isBuild bool) bool {
	r := n.row
	if (r.OS != "" && r.OS != tm.t.OS) || (r.Machine != "" && r.Machine != tm.t.Machine) {
		return false
	}
	for _, c := range n.when {
		var holds bool
		switch {
		case c.cudaBuild:
			holds = isBuild
		case c.virtual == "@gpu":
			holds = slices.ContainsFunc(tm.gpus, c.values.Contains)
		default:
			v, ok := tm.virtuals[c.virtual]
			holds = ok && c.values.Contains(v)
		}
		if !holds {
			return false
		}
	}
	return true
}

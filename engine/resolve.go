package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/depsolve/depsolve/index"
	"github.com/depsolve/depsolve/internal/printable"
	"github.com/depsolve/depsolve/internal/slim"
	"github.com/depsolve/depsolve/matrix"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/reqfile"
	"github.com/depsolve/depsolve/resolver"
)

// Package is one pin of a solution.
type Package struct {
	Name    string // PEP 503-normalized
	Version pep440.Version
	Via     []string // what requires it, as the lock's "# via" notes say
	// RequiredBy are the requirements that bring it in, with their specifiers: the
	// edges of the solution's graph (Verdict.Tree, Verdict.Why).
	RequiredBy []resolver.Edge
	// Files are the files of the version usable on the target, best first; nil where
	// they were not looked up.
	Files []index.File
	// DirectURL is the URL a requirement names the package by (NAME @ URL). Unverified
	// marks one whose dependencies depsolve cannot read (a VCS URL, a source archive):
	// it is pinned as given, and its version may be unknown (VersionText).
	DirectURL      string
	Unverified     bool
	versionUnknown bool
}

// VersionText is the version as outputs write it; "" when it is unknown.
func (p Package) VersionText() string {
	if p.versionUnknown {
		return ""
	}
	return p.Version.String()
}

// InstallFile is the file an installer takes for the pin: the best one for the target.
func (p Package) InstallFile() (index.File, bool) {
	if len(p.Files) == 0 {
		return index.File{}, false
	}
	return p.Files[0], true
}

// Warning is something a verdict holds that the user should know but that does not
// change it: a matrix advisory, a pre-release nobody asked for.
type Warning struct {
	Code    string // stable: tools and policies match on it (README)
	Message string
	Package string // PEP 503; "" for the target itself
	Version string // of Package, where the warning is about one release
	// Row is the matrix row of an advisory; nil for a warning that is not one.
	Row *matrix.Cite
	// Bytes are the installed bytes at stake in a size finding (bloat): what its fix
	// would leave out of the image; 0 for a warning about something else, or when the
	// sizes were not looked up.
	Bytes int64
	// AtStake names the pins a finding's bytes are of (matrix.Advisory.AtStake).
	AtStake []string
}

// WarningUnaskedPrerelease is the code of a pre-release in a solution that no
// requirement asked for (matrix.Advisory* are the codes of the others).
const WarningUnaskedPrerelease = "unasked-prerelease"

// WarningSdistOnly is the code of a pin with no wheel for the target: installing it
// builds its source distribution.
const WarningSdistOnly = "sdist-only"

// outcome is what a resolution gave: a set of pins, or a proof that there is none with
// hints out of it.
type outcome struct {
	packages []Package // by name, as the resolver sorts them
	conflict *resolver.NoSolution
	hints    []string
	// warnings are what the resolution holds that the user should know; for a conflict,
	// those about the target and the inputs, already told.
	warnings []Warning
}

// resolve solves the requirements for the target. preferred holds the pins of an existing
// lock to keep where they are still allowed.
func (s *session) resolve(ctx context.Context, ix *index.Index, in *inputs, preferred map[string]pep440.Version) (*outcome, error) {
	if in.direct == nil {
		s.uv.applyURLs(in)
		if err := s.checkDirectSources(slices.Concat(in.requirements, in.constraints)); err != nil {
			return nil, err
		}
		var err error
		if in.direct, err = s.resolveDirect(ctx, ix, in); err != nil {
			return nil, err
		}
	}
	tm := s.matrix.ForTarget(s.target)
	applyOneCUDAFamily(tm, s.policy)
	pb := &resolver.Problem{
		VirtualNames: matrix.VirtualDisplay,
		Requirements: resolverRequirements(in.requirements),
		Constraints:  resolverRequirements(in.constraints),
		Policy:       s.policyRulesFor(in.direct),
		Image:        imagePackages(s.target),
		Environment:  s.target.MarkerEnvironment(),
		Virtual:      s.target.Virtuals(),
		Index:        in.direct.index(ix),
		Matrix:       tm,
		Preferred:    preferred,
	}
	pb.PolicyIndexes = policyIndexes(s.policy)
	if in.pre {
		pb.Prereleases = resolver.PrereleasesAllow
	}
	var roots []pep508.Requirement
	for _, r := range pb.Requirements {
		if in.direct.urlOf(r.Key()) == "" {
			roots = append(roots, r.Requirement)
		}
	}
	ix.Prefetch(roots...)
	pythonReqs := requiresPython(in.files)
	for _, r := range pythonReqs {
		pb.Requirements = append(pb.Requirements, r.Requirement)
	}

	stop := s.watch("resolving:", ix)
	defer stop()
	timed := s.phase("resolution", ix)
	res, ns, err := resolver.Resolve(ctx, pb)
	timed()
	if err != nil {
		return nil, s.explain(err)
	}
	out := &outcome{conflict: ns}
	if ns != nil {
		out.warnings = slices.Concat(in.skipped, s.unreadSettings, s.uv.warnings, libcWarnings(s.target), imageWarnings(s.target, nil))
		for _, a := range s.matrix.UncheckedTarget(s.target) {
			out.warnings = append(out.warnings, advisoryWarning(a))
		}
		for _, w := range out.warnings {
			s.report.Warn(w.Text())
		}
		// Hints are worth a warning when they fail, not the answer; except in a slim
		// build, which leaves the requests they need to depsolve-full.
		if out.hints, err = pb.Hints(ctx, ns); errors.Is(err, slim.ErrNeedsFull) {
			return nil, err
		} else if err != nil {
			s.report.Warn(fmt.Sprintf("no hints: %v", err))
		}
		out.hints = append(out.hints, requiresPythonHints(ns, s.target, pythonReqs)...)
		image, shipped := imageHints(ns, s.target.CUDA.Text)
		out.hints = append(out.hints, image...)
		lookup, err := s.lookupHints(ctx, ix, ns, shipped)
		if errors.Is(err, slim.ErrNeedsFull) {
			return nil, err
		} else if err != nil {
			s.report.Warn(fmt.Sprintf("no hints from the index: %v", err))
		}
		out.hints = append(out.hints, lookup...)
		return out, nil
	}
	s.traceSkipped(ctx, ix, res, in.pre)
	for _, p := range res.Packages {
		out.packages = append(out.packages, Package{Name: p.Name, Version: p.Version, Via: p.Via, RequiredBy: p.RequiredBy})
	}
	in.direct.annotate(out.packages)
	out.warnings = append(out.warnings, in.skipped...)
	out.warnings = append(out.warnings, s.unreadSettings...)
	out.warnings = append(out.warnings, s.uv.warnings...)
	out.warnings = append(out.warnings, in.direct.warnings()...)
	out.warnings = append(out.warnings, libcWarnings(s.target)...)
	out.warnings = append(out.warnings, imageWarnings(s.target, out.packages)...)
	for _, a := range append(tm.AdvisoriesFor(res.Version), tm.SolutionAdvisories(res.Packages)...) {
		out.warnings = append(out.warnings, advisoryWarning(a))
	}
	if !in.pre {
		pre, err := s.unaskedPrereleases(ctx, ix, res, in)
		if err != nil {
			return nil, s.explain(err)
		}
		out.warnings = append(out.warnings, pre...)
	}
	builds, err := s.sourceOnly(ctx, ix, out.packages)
	if err != nil {
		return nil, s.explain(err)
	}
	out.warnings = append(out.warnings, builds...)
	yanked, err := yankedPins(ctx, ix, out.packages)
	if err != nil {
		return nil, s.explain(err)
	}
	out.warnings = append(out.warnings, yanked...)
	return out, nil
}

// WarningYankedPin is the code of a pin of a yanked release: an exact pin takes one
// (PEP 592), and pip warns as it installs it.
const WarningYankedPin = "yanked-pin"

// yankedPins warns of each pin whose release the index marks yanked. The index's reason
// comes with the files (yankedReasons), which not every run looks up.
func yankedPins(ctx context.Context, ix *index.Index, packages []Package) ([]Warning, error) {
	var out []Warning
	for _, p := range packages {
		if p.DirectURL != "" {
			continue
		}
		yanked, err := ix.Yanked(ctx, p.Name, p.Version)
		if err != nil {
			return nil, err
		}
		if !yanked {
			continue
		}
		out = append(out, Warning{Code: WarningYankedPin, Package: p.Name, Version: p.Version.String(),
			Message: fmt.Sprintf("%s %s is yanked; it is used because it is pinned exactly, as pip does, which warns as it installs it", p.Name, p.Version)})
	}
	return out, nil
}

// settle finishes a resolution's outcome: the sizes of its pins when asked or when a
// budget needs them (weigh adds its findings to the warnings), then the warnings told.
func (s *session) settle(ctx context.Context, ix *index.Index, out *outcome, v *Verdict) error {
	v.Budget = s.budget()
	if s.req.Sizes || s.sizesDecide(v.Budget) {
		r, err := s.weigh(ctx, ix, out, v.Budget)
		if err != nil {
			return err
		}
		v.Sizes = r
	}
	for _, w := range out.warnings {
		s.report.Warn(w.Text())
	}
	v.Status, v.Packages = OK, out.packages
	v.Warnings = append(v.Warnings, s.policyWarnings...)
	v.Warnings = append(v.Warnings, out.warnings...)
	if v.Violations = s.violations(v); len(v.Violations) > 0 {
		v.Status = Conflict
	}
	if v.Budget != nil && v.Budget.Over {
		v.Status, v.Hints = Conflict, budgetHints(out.warnings, v.Budget)
	}
	return nil
}

// conflicted fills the verdict of a resolution that has no solution: the proof, its
// hints, and the warnings told, which a JSON report lists as a solution's.
func (s *session) conflicted(out *outcome, v *Verdict) {
	v.Status, v.Conflict, v.Hints = Conflict, out.conflict, out.hints
	v.Warnings = append(v.Warnings, s.policyWarnings...)
	v.Warnings = append(v.Warnings, out.warnings...)
}

// advisoryWarning is a matrix advisory as the verdict carries it.
func advisoryWarning(a matrix.Advisory) Warning {
	w := Warning{Code: a.Code, Message: a.Text, Package: a.Package, Version: a.Version, AtStake: a.AtStake}
	if a.Cite.File != "" { // an unchecked-target advisory is about the row the data lacks
		cite := a.Cite
		w.Row = &cite
	}
	if a.Package != "" {
		if about := a.Package + " " + a.Version; !strings.HasPrefix(w.Message, about) {
			w.Message = about + ": " + w.Message
		}
	}
	return w
}

// Text is the warning as a line of text: the message, then the matrix row it comes from
// and the command that shows the row's sources.
func (w Warning) Text() string {
	switch {
	case w.Row != nil && w.Package != "":
		return fmt.Sprintf("%s [%s:%d; depsolve matrix %s==%s shows the sources]", w.Message, w.Row.File, w.Row.Line, w.Package, w.Version)
	case w.Row != nil:
		return fmt.Sprintf("%s [%s:%d]", w.Message, w.Row.File, w.Row.Line)
	}
	return w.Message
}

// unaskedPrereleases names the pre-releases in a solution that pip would refuse without
// --pre. The resolver takes a pre-release when every final release in range is ruled out
// (as uv does); pip takes one only when a requirement on the project names a pre-release
// (the user's, or a dependency's: ">=2.0b1"), or when nothing restricts the project and it
// has no usable final release at all. Of the others the user hears.
func (s *session) unaskedPrereleases(ctx context.Context, ix *index.Index, res *resolver.Resolution, in *inputs) ([]Warning, error) {
	named, constrained := map[string]bool{}, map[string]bool{}
	for _, r := range in.requirements {
		named[r.Key()] = named[r.Key()] || r.Specifier.NamesPrerelease()
	}
	for _, r := range in.constraints {
		named[r.Key()] = named[r.Key()] || r.Specifier.NamesPrerelease()
		constrained[r.Key()] = true
	}
	var out []Warning
	for _, p := range res.Packages {
		if !p.Version.IsPrerelease() || named[p.Name] {
			continue
		}
		asked, unrestricted := false, !constrained[p.Name]
		for _, e := range p.RequiredBy {
			spec, err := pep440.ParseSpecifierSet(e.Specifier)
			asked = asked || (err == nil && spec.NamesPrerelease())
			unrestricted = unrestricted && e.Specifier == ""
		}
		if asked {
			continue
		}
		if unrestricted {
			final, err := s.hasUsableFinal(ctx, ix, p.Name)
			if err != nil {
				return nil, err
			}
			if !final {
				continue
			}
		}
		out = append(out, Warning{Code: WarningUnaskedPrerelease, Package: p.Name, Version: p.Version.String(), Message: fmt.Sprintf("%s %s is a pre-release: no final release of %s fits these requirements; pip would refuse it without --pre. Pin it (%s==%s) or pass --pre to accept it, or constrain %s to final releases to see why.",
			p.Name, p.Version, p.Name, p.Name, p.Version, p.Name)})
	}
	return out, nil
}

// hasUsableFinal reports whether name has a final release pip could install on the target:
// one with a file for it, not yanked, whose Requires-Python admits the target's Python.
func (s *session) hasUsableFinal(ctx context.Context, ix *index.Index, name string) (bool, error) {
	rels, err := ix.Releases(ctx, name)
	if err != nil {
		return false, err
	}
	for _, r := range rels {
		if !r.Version.IsPrerelease() && r.Unavailable == "" && !r.Yanked && s.runsOn(r) {
			return true, nil
		}
	}
	return false, nil
}

// sourceOnly names the pins that have no wheel for the target, unless --no-binary asked
// for their source: an image build then compiles them (a compiler and build
// dependencies in the image), or fails. pip and uv would build them without a word.
func (s *session) sourceOnly(ctx context.Context, ix *index.Index, packages []Package) ([]Warning, error) {
	var out []Warning
	for _, p := range packages {
		if p.DirectURL != "" || index.Selects(s.indexes.NoBinary, p.Name) {
			continue // a NAME @ URL pin has no index files; it is flagged on its own
		}
		sdist, err := ix.SourceOnly(ctx, p.Name, p.Version)
		if err != nil {
			return nil, err
		}
		if sdist == "" {
			continue
		}
		out = append(out, Warning{Code: WarningSdistOnly, Package: p.Name, Version: p.Version.String(), Message: fmt.Sprintf(
			"%s %s has no wheel for this target: installing it builds %s, which needs a compiler and its build dependencies in the image, or fails. Pin a version that has a wheel, or pass --only-binary %s (--no-build for every package) to rule out versions without one.",
			p.Name, p.Version, sdist, p.Name)})
	}
	return out, nil
}

// withFiles looks up the files of every pinned version usable on the target, best first.
func (s *session) withFiles(ctx context.Context, ix *index.Index, out *outcome) error {
	stop := s.watch("hashing:", ix)
	defer stop()
	defer s.phase("files and hashes", ix)()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i := range out.packages {
		p := &out.packages[i]
		if p.DirectURL != "" {
			continue // the URL is the file: no index has it
		}
		g.Go(func() error {
			fs, err := ix.Files(gctx, p.Name, p.Version)
			p.Files = fs
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return s.explain(err)
	}
	yankedReasons(out)
	return nil
}

// yankedReasons adds to each yanked-pin warning the reason the index gives with the file
// that would be installed. The reason is the index's text, so it is escaped (package
// printable).
func yankedReasons(out *outcome) {
	for i := range out.warnings {
		w := &out.warnings[i]
		if w.Code != WarningYankedPin {
			continue
		}
		j := slices.IndexFunc(out.packages, func(p Package) bool { return p.Name == w.Package })
		if j < 0 {
			continue
		}
		f, ok := out.packages[j].InstallFile()
		if !ok || !f.Yanked {
			continue
		}
		reason := "no reason given"
		if f.YankedReason != "" {
			reason = "reason: " + printable.Escape(f.YankedReason)
		}
		w.Message = strings.Replace(w.Message, " is yanked;", " is yanked ("+reason+");", 1)
	}
}

// preferredFrom lists the exact pins of requirements (an existing lock), by name.
func preferredFrom(rs []reqfile.Requirement) map[string]pep440.Version {
	out := map[string]pep440.Version{}
	for _, r := range rs {
		if v, ok := r.Pin(); ok {
			out[r.Key()] = v
		}
	}
	return out
}

// isLock reports whether the inputs are a lock to verify as it is, rather than
// requirements to resolve: every requirement is an exact pin, and a file declares itself
// a lock (reqfile.File.DeclaresLock).
func isLock(in *inputs) bool {
	return len(in.requirements) > 0 &&
		!slices.ContainsFunc(in.requirements, func(r reqfile.Requirement) bool { _, ok := r.Pin(); return !ok }) &&
		slices.ContainsFunc(in.files, (*reqfile.File).DeclaresLock)
}

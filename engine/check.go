package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/depsolve/depsolve/index"
	"github.com/depsolve/depsolve/lockfile"
	"github.com/depsolve/depsolve/pep425"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/reqfile"
	"github.com/depsolve/depsolve/resolver"
	"github.com/depsolve/depsolve/target"
)

// Status is what a verdict says.
type Status string

const (
	// OK: the requirements install consistently on the target (a lock: as pinned).
	OK Status = "ok"
	// Conflict: no set of versions works (Verdict.Conflict proves it), or a lock does
	// not install as pinned (Verdict.Findings say where).
	Conflict Status = "conflict"
)

// Verdict is the answer of Check (and of Lock, before it writes): whether the inputs
// install on the target, with the pins or the proof that they cannot.
type Verdict struct {
	Status Status
	// Target is the target the inputs were resolved for. It is set as soon as it is
	// known: a run that fails later returns it with the error.
	Target *target.Target
	// Fleet is the fleet target the target is ("training/h100-580"): --fleet's, or the
	// one a lock input records; "" for a target of the project's own.
	Fleet  string
	Inputs []string // the input files, in the order given

	Packages []Package // OK: the solution, by name
	Warnings []Warning // what the target or the solution holds that the user should know

	Conflict *resolver.NoSolution // the solver's proof that no solution exists
	Findings []lockfile.Finding   // what stops a lock installing as pinned
	Hints    []string             // for a conflict: what could be changed, and how

	// Violations are how a solution breaks the platform's policy (Status is Conflict).
	Violations []Violation

	// Lock is set when the inputs were a lock, verified as it is rather than resolved.
	Lock *LockCheck

	// Sizes is what the solution weighs (Request.Sizes, or a budget); nil otherwise.
	Sizes *SizeReport
	// Budget is the image's size budget and how the solution compares with it; nil
	// without one. Over it, Status is Conflict, with Sizes for the breakdown.
	Budget *Budget
}

// OverBudget says whether the verdict is a conflict because the image would exceed its
// size budget.
func (v *Verdict) OverBudget() bool { return v.Budget != nil && v.Budget.Over }

// LockCheck is what verifying a lock established beyond its consistency.
type LockCheck struct {
	Pins     int  // the pins that apply on the target
	Complete bool // every package the solution needs is pinned
	// HashesChecked: every pin has hashes, and depsolve compared them with the index's
	// files (a finding says where they did not match).
	HashesChecked bool
}

// Check resolves the requirements of req for its target and says whether they install
// consistently. Inputs that are a lock (a pylock.toml, or a fully pinned requirements
// file that declares itself one) are verified as they are: the pins must be consistent
// and complete, and their hashes must match files the index has for the target.
func Check(ctx context.Context, req Request) (Verdict, error) {
	r := req.reporter()
	report := output{flag: "--html", path: req.Report, what: "report", suggest: "size.html"}
	if req.Report != "" {
		if err := checkOutput(report); err != nil {
			return Verdict{}, err
		}
	}
	in, err := loadInputs(r, &req)
	if err != nil {
		return Verdict{}, err
	}
	if err := checkLocksPinned(in.files); err != nil {
		return Verdict{}, err
	}
	s, err := openSession(ctx, &req, in.files, true)
	if err != nil {
		return Verdict{}, err
	}
	defer s.close()
	v := Verdict{Target: s.target, Fleet: s.fleetName, Inputs: in.paths(), Warnings: s.lockOverrides}
	if req.Report != "" {
		if err := checkNotRead(report, in, s); err != nil {
			return v, err
		}
	}
	s.announce()
	ix, err := s.newIndex(in.pre)
	if err != nil {
		return v, err
	}
	defer ix.Close()
	out, err := s.resolve(ctx, ix, in, nil)
	if err != nil {
		return v, err
	}
	if out.conflict != nil {
		s.conflicted(out, &v)
		return v, nil
	}
	verify := isLock(in)
	if verify || req.ListFiles {
		if err := s.withFiles(ctx, ix, out); err != nil {
			return v, err
		}
	}
	if verify {
		s.verifyLock(in, out, &v)
	}
	if err := s.settle(ctx, ix, out, &v); err != nil {
		return v, err
	}
	if len(v.Findings) > 0 {
		v.Status = Conflict
		v.Hints = []string{"run depsolve lock again to refresh the pins and their hashes for this target."}
		if len(s.lockOverrides) > 0 {
			v.Hints = []string{"the lock was made for another target: check it without the flags that replace its target, or lock again with them for this one."}
		}
	}
	return v, nil
}

// WarningLockHashUnchecked is the code of a lock's pin whose hashes depsolve cannot
// compare with the index's files (none is a sha256): pip checks them, depsolve did not.
const WarningLockHashUnchecked = "lock-hash-unchecked"

// verifyLock compares the lock's pins with the solution of exactly those pins (out, with
// its files): what stops it installing as pinned becomes v.Findings, a package it does
// not pin among them. A pin whose hashes cannot be checked joins the solution's warnings,
// which a policy's strict errors may name.
func (s *session) verifyLock(in *inputs, out *outcome, v *Verdict) {
	pins := lockPins(in.requirements, s.target.MarkerEnvironment())
	v.Lock = &LockCheck{
		Pins:          len(pins),
		Complete:      true,
		HashesChecked: len(pins) > 0 && !slices.ContainsFunc(pins, func(p lockfile.Pin) bool { return len(p.Hashes) == 0 }),
	}
	requireHashes := slices.ContainsFunc(in.files, func(f *reqfile.File) bool { return f.RequireHashes })
	for _, fd := range lockfile.Verify(pins, lockPackages(out.packages), requireHashes) {
		switch {
		case fd.Warning:
			v.Lock.HashesChecked = false
			w := Warning{Code: WarningLockHashUnchecked, Message: v.FindingText(fd), Package: fd.Name}
			if i := slices.IndexFunc(pins, func(p lockfile.Pin) bool { return p.Name == fd.Name }); i >= 0 {
				w.Version = pins[i].Version
			}
			out.warnings = append(out.warnings, w)
			continue
		case fd.Origin.IsZero():
			v.Lock.Complete = false
		}
		v.Findings = append(v.Findings, fd)
	}
	out.warnings = append(out.warnings, s.sourceByHash(pins, out.packages)...)
}

// sourceByHash warns of each pin whose hashes admit only source distributions of its
// version while the index has a wheel of it for the target: pip keeps only the files
// whose hash a lock lists, so it builds the source (a compiler and build dependencies
// in the image, or a failed build), which "hashes match the index" does not say. A
// package --no-binary asks the source of is left alone, as sourceOnly leaves it.
func (s *session) sourceByHash(pins []lockfile.Pin, packages []Package) []Warning {
	byName := map[string]Package{}
	for _, p := range packages {
		byName[p.Name] = p
	}
	var out []Warning
	for _, pin := range pins {
		p, ok := byName[pin.Name]
		if !ok || p.DirectURL != "" || index.Selects(s.indexes.NoBinary, p.Name) {
			continue
		}
		listed := map[string]bool{}
		for _, h := range pin.Hashes {
			if algo, hex, _ := strings.Cut(h, ":"); strings.EqualFold(algo, "sha256") {
				listed[strings.ToLower(hex)] = true
			}
		}
		var sources []string
		wheel, wheelListed := "", false
		for _, f := range p.Files { // best first
			source := pep425.IsSdistFilename(f.Filename)
			if !source && wheel == "" {
				wheel = f.Filename
			}
			if f.SHA256 == "" || !listed[f.SHA256] {
				continue
			}
			if source {
				sources = append(sources, f.Filename)
			} else {
				wheelListed = true
			}
		}
		if wheelListed || len(sources) == 0 || wheel == "" {
			continue
		}
		out = append(out, Warning{Code: WarningSdistOnly, Package: p.Name, Version: p.VersionText(), Message: fmt.Sprintf(
			"%s: %s==%s: the lock's hashes admit only %s, so pip builds it from source, though the index has a wheel of it for this target (%s): add that wheel's --hash (depsolve lock writes it), or pass --no-binary %s if the source build is meant",
			pin.Origin, pin.Name, pin.Version, strings.Join(sources, ", "), wheel, pin.Name)})
	}
	return out
}

// checkLocksPinned refuses a file that declares itself a lock (reqfile.File.DeclaresLock)
// yet has a line that is neither an exact pin nor a NAME @ URL: pip's hash-checking mode
// refuses it, and resolving it as requirements would verify nothing of the lock. An
// editable line is refused where the install checks hashes, which pip refuses too.
func checkLocksPinned(files []*reqfile.File) error {
	// Any hash, in any file, turns on pip's hash-checking mode for the whole install,
	// and that mode refuses an editable requirement: it has no single file to hash.
	hashing := slices.ContainsFunc(files, func(f *reqfile.File) bool {
		return f.RequireHashes || slices.ContainsFunc(f.Requirements, func(r reqfile.Requirement) bool { return len(r.Hashes) > 0 })
	})
	for _, f := range files {
		if !f.DeclaresLock() {
			continue
		}
		for _, e := range f.Editables {
			if hashing {
				e.Pos.Col = 1 // the error shows the whole line (e.Line), -e and all
				return e.Error(fmt.Sprintf("%s is editable, in a lock installed with hashes: pip's hash-checking mode refuses an editable requirement, which has no single file to hash", e.Line),
					"remove the -e line from the lock and install the project after it (pip install --no-deps -e .), or lock it as NAME @ URL of a built wheel")
			}
		}
		for _, r := range f.Requirements {
			if _, ok := r.Pin(); ok || r.URL != "" {
				continue
			}
			return r.Error(fmt.Sprintf("%s is not an exact pin (==VERSION), yet %s declares itself a lock (%s): depsolve verifies a lock as it is, and pip --require-hashes refuses such a line", r.Line, f.Path, lockDeclaration(f)),
				"pin it with ==, or run depsolve lock again to make the lock; to resolve the file as requirements instead, remove what makes it a lock")
		}
	}
	return nil
}

// lockDeclaration says what makes f a lock, as checkLocksPinned's message names it.
func lockDeclaration(f *reqfile.File) string {
	switch {
	case f.Format == reqfile.FormatPylock:
		return "it is a pylock.toml"
	case f.Autogenerated:
		return "its header says a tool generated it"
	case f.RequireHashes:
		return "--require-hashes"
	}
	// The hashes may be those of a lock the file includes (-r lock.txt), as pip's
	// hash-checking mode then covers every line of the file too.
	if i := slices.IndexFunc(f.Requirements, func(r reqfile.Requirement) bool { return len(r.Hashes) > 0 }); i >= 0 && f.Requirements[i].Pos.File != f.Path {
		at := f.Requirements[i].Pos
		return fmt.Sprintf("%s:%d, which it includes, has --hash options", at.File, at.Line)
	}
	return "it has --hash options"
}

// FindingText places a finding: at its pin's file:line, or at the files checked.
func (v *Verdict) FindingText(fd lockfile.Finding) string {
	if fd.Origin.IsZero() {
		return v.InputNames() + ": " + fd.String()
	}
	return fd.String()
}

// InputNames lists the input files, as messages name them.
func (v *Verdict) InputNames() string {
	return strings.Join(v.Inputs, ", ")
}

// lockPins are the requirement lines of a fully pinned file that apply on the target,
// for lockfile.Verify. A pin whose marker is false (another platform, an extra not
// chosen) installs nothing, so it must not count as pinning a package the solution needs.
func lockPins(rs []reqfile.Requirement, env pep508.Environment) []lockfile.Pin {
	var out []lockfile.Pin
	for _, r := range rs {
		if !pinApplies(r, env) {
			continue
		}
		v, _ := r.Pin()
		pin := lockfile.Pin{Name: r.Key(), Version: v.String(), Origin: origin(r), Hashes: r.Hashes}
		for _, f := range r.Files {
			pin.Files = append(pin.Files, lockfile.PinnedFile{Name: f.Name, Origin: f.Pos, Hashes: f.Hashes})
		}
		out = append(out, pin)
	}
	return out
}

// pinApplies decides a pin's marker as the resolver does (pep508's Decide): a marker
// that cannot be decided, or fails, has already stopped the resolution, so only a
// decided false leaves the pin out.
func pinApplies(r reqfile.Requirement, env pep508.Environment) bool {
	applies, err := r.Marker.Decide(env, r.Lock)
	return err != nil || applies
}

// requiredExtras are the extras of p that its requirers ask for, sorted, each once.
func requiredExtras(p Package) []string {
	var extras []string
	for _, e := range p.RequiredBy {
		extras = append(extras, e.Extras...)
	}
	slices.Sort(extras)
	return slices.Compact(extras)
}

// lockPackages is the solution in lockfile's model.
func lockPackages(packages []Package) []lockfile.Package {
	var pkgs []lockfile.Package
	for _, p := range packages {
		lp := lockfile.Package{Name: p.Name, Version: p.VersionText(), DirectURL: p.DirectURL, Via: p.Via, Extras: requiredExtras(p)}
		for i, f := range p.Files {
			if i == 0 {
				lp.Index = f.Index
			}
			lf := lockfile.File{Name: f.Filename, URL: f.URL, SHA256: f.SHA256, Size: f.Size}
			if !f.UploadTime.IsZero() {
				lf.UploadTime = f.UploadTime.UTC().Format("2006-01-02T15:04:05Z07:00")
			}
			lp.Files = append(lp.Files, lf)
		}
		pkgs = append(pkgs, lp)
	}
	return pkgs
}

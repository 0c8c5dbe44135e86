package engine

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/depsolve/depsolve/index"
	"github.com/depsolve/depsolve/matrix"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/policy"
	"github.com/depsolve/depsolve/redact"
	"github.com/depsolve/depsolve/reqfile"
	"github.com/depsolve/depsolve/resolver"
	"github.com/depsolve/depsolve/target"
)

// WarningPolicyLoosened is the code of a project's file or a flag that loosens a
// setting the policy does not lock (a package source it does not list, --pre against
// pre-releases = "never", a larger max-image-size); the project wins.
const WarningPolicyLoosened = "policy-loosened"

// Violation codes: what fails a verdict against the policy although the requirements
// resolve.
const (
	ViolationImage  = "image-not-allowed" // the base image is not one of the golden images
	ViolationStrict = "strict-warning"    // a warning whose code [strict] errors lists
	ViolationBudget = "download-budget"   // the download size is over budget.max-download-size
	// ViolationImagePackage: the base image ships a package installed at a version a
	// [[deny]] or [[require]] rule rules out, and the solution does not replace it.
	ViolationImagePackage = "image-package"
	// ViolationUnverifiable: a [[deny]] or [[require]] rule on a package pinned to a
	// URL whose version cannot be read (a VCS checkout, a folder).
	ViolationUnverifiable = "unverifiable-rule"
)

// Violation is one way a solution breaks the platform's policy.
type Violation struct {
	Code    string
	Message string
	Rule    resolver.Citation // the policy's line
}

// WarningCodes are the codes of the warnings a verdict may carry, which a policy's
// strict.errors may name.
func WarningCodes() []string {
	codes := append(matrix.AdvisoryCodes(), WarningUnaskedPrerelease, WarningSdistOnly, WarningLockTargetOverridden,
		WarningUnverifiableURL, WarningUVSourceNotFollowed, WarningSettingNotRead, WarningEditableSkipped, WarningBaseImageDuplicate, WarningDevelBaseImage, WarningBaseImageSizeUnknown, WarningPackageSizeUnknown,
		WarningPolicyLoosened, WarningLockHashUnchecked, WarningLibcUnknown, WarningYankedPin, target.WarningUnknownImageRelease, target.WarningImagePreinstalls)
	slices.Sort(codes)
	return slices.Compact(codes)
}

// loadPolicy reads the policy the request names (--policy), else the first
// configuration's policy key; nil when none names one.
func loadPolicy(ctx context.Context, req *Request, configs []*target.Config, cacheDir string) (*policy.Policy, error) {
	ref := policyRef(req, configs)
	if ref.Path == "" && ref.URL == "" {
		return nil, nil
	}
	return policy.Load(ctx, ref, policy.LoadOptions{CacheDir: cacheDir, Offline: req.Offline, Codes: WarningCodes()})
}

// policyRef names the policy the request names (--policy), else the first
// configuration's policy key; empty when none names one.
func policyRef(req *Request, configs []*target.Config) policy.Ref {
	ref := req.Policy
	if ref.Path == "" && ref.URL == "" {
		for _, c := range configs {
			if !c.Policy.Known() {
				continue
			}
			ref = policy.Ref{Path: c.Policy.Path.Text, URL: c.Policy.URL.Text, SHA256: c.Policy.SHA256.Text}
			origin := c.Policy.Path.Origin
			if c.Policy.URL.Known() {
				origin = c.Policy.SHA256.Origin
			}
			ref.Where.Pos = origin.Pos
			break
		}
	}
	return ref
}

// fleetTarget is the declaration of the fleet target the request names, which takes
// the place of the flags' target: a fleet target is the whole declaration.
func fleetTarget(req *Request, pol *policy.Policy) (*policy.Fleet, target.Declaration, error) {
	if pol == nil {
		return nil, target.Declaration{}, &RequestError{Err: fmt.Errorf("--fleet %s: no policy names fleets; give --policy, or policy = \"…\" in depsolve.toml", req.Fleet)}
	}
	f, ok := pol.Fleet(req.Fleet)
	if !ok {
		return nil, target.Declaration{}, &RequestError{Err: fmt.Errorf("--fleet %s: %s names no such fleet; its fleets: %s", req.Fleet, pol.File, strings.Join(pol.FleetNames(), ", "))}
	}
	if d := req.Target; d.Python.Known() || d.Platform.Known() || d.GLibc.Known() || d.Driver.Known() || d.CUDA.Known() ||
		d.BaseImage.Known() || d.Dockerfile.Known() || d.GPUs != nil || d.CPU.Set || req.Detect {
		return nil, target.Declaration{}, &RequestError{Err: fmt.Errorf("--fleet %s: the fleet's targets are declared in %s; drop the target flags", req.Fleet, pol.File)}
	}
	i := slices.IndexFunc(f.Targets, func(t policy.FleetTarget) bool { return t.Name == req.FleetTarget })
	if i < 0 {
		return nil, target.Declaration{}, &RequestError{Err: fmt.Errorf("fleet %s has no target %q", f.Name, req.FleetTarget)}
	}
	return f, f.Targets[i].Target, nil
}

// cite is a line of the policy as explanations cite it.
func cite(pol *policy.Policy, line int) resolver.Citation {
	return resolver.Citation{Row: pol.At(line)}
}

// policyRulesFor are the deny and require rules as the resolver takes them, but for
// those on a package pinned to a VCS checkout, a folder or an archive whose version
// depsolve cannot read: the solver would take the pin's stand-in version (0) for its
// version, refusing it under "<2.6" with no version to show, and passing it under
// ">=3". A rule that cannot be checked is broken (s.unverifiable), as a deny rule holds
// only where a version is shown to be outside it.
func (s *session) policyRulesFor(d *directRefs) []resolver.PolicyRule {
	pol := s.policy
	if pol == nil {
		return nil
	}
	s.unverifiable = nil
	var out []resolver.PolicyRule
	add := func(r policy.Rule, deny bool) {
		if o, ok := d.opaqueRef(r.Package); ok && !o.known {
			verb := "allows only"
			if deny {
				verb = "denies"
			}
			s.unverifiable = append(s.unverifiable, Violation{Code: ViolationUnverifiable, Rule: cite(pol, r.Line), Message: fmt.Sprintf(
				"%s @ %s (%s) is %s, whose version depsolve cannot read, and your platform's policy (%s) %s %s %s (%s), which it cannot check; require %s from an index or as a wheel URL",
				r.Package, redact.URL(o.url), o.origin, o.kind, pol.At(r.Line), verb, r.Package, r.Written, r.Reason, r.Package)})
			return
		}
		c := cite(pol, r.Line)
		if r.Link != "" {
			c.Sources = []resolver.Reference{{URL: r.Link}}
		}
		statement := "allows only " + r.Package + " " + r.Written
		if deny {
			statement = "denies " + r.Package + " " + r.Written
		}
		out = append(out, resolver.PolicyRule{Package: r.Package, Range: r.Allowed(deny), Statement: statement, Reason: r.Reason, Cite: c})
	}
	for _, r := range pol.Deny {
		add(r, true)
	}
	for _, r := range pol.Require {
		add(r, false)
	}
	return out
}

// applyOneCUDAFamily makes the policy's rules.one-cuda-family a rule of the matrix the
// solver consults, so that a mix of CUDA majors is a conflict that cites the policy's line.
func applyOneCUDAFamily(tm *matrix.TargetMatrix, pol *policy.Policy) {
	if pol != nil && pol.OneCUDAFamily.Value {
		tm.OneCUDAFamily(pol.At(pol.OneCUDAFamily.Line))
	}
}

// policyIndexes are the indexes the policy allows, which hints keep to; nil: any.
func policyIndexes(pol *policy.Policy) []string {
	if pol == nil || !pol.Indexes.Set() {
		return nil
	}
	return pol.Indexes.Value
}

// applySupplyChain sets the index options the policy's supply chain asks for, after
// checking that the project and the flags do not loosen what it locks: a package source
// it does not list, --pre against pre-releases = "never", --no-binary against only-binary.
func (s *session) applySupplyChain(opts *index.Options, pre bool) error {
	pol := s.policy
	if pol == nil {
		return nil
	}
	if ixs := pol.Indexes; ixs.Set() {
		if err := s.checkSources(opts); err != nil {
			return err
		}
	}
	if ob := pol.OnlyBinary; ob.Set() && ob.Value {
		if selectsAny(s.indexes.NoBinary) {
			if err := s.loosen("supply-chain.only-binary", ob.Line, "--no-binary "+strings.Join(s.indexes.NoBinary, ",")+" asks for builds"); err != nil {
				return err
			}
		}
		// The projects --no-binary names are built (a name outranks :all:, as in pip);
		// every other one still comes as a wheel: dropping :all: let any project build.
		// A --no-binary :all: (a name no project has is selected by :all: alone) is the
		// project's setting for every project, and wins as such.
		if !index.Selects(s.indexes.NoBinary, "") {
			opts.OnlyBinary = []string{":all:"}
			opts.OnlyBinaryRule = fmt.Sprintf("your platform's policy (%s, only-binary = true)", pol.At(ob.Line))
		}
	}
	if pr := pol.PreReleases; pr.Value == policy.PreReleasesNever {
		if pre {
			if err := s.loosen("supply-chain.pre-releases", pr.Line, "--pre allows pre-releases"); err != nil {
				return err
			}
		} else {
			opts.FinalOnly, opts.FinalOnlyRule = true, fmt.Sprintf("your platform's policy (%s, pre-releases = \"never\")", pol.At(pr.Line))
		}
	}
	if en := pol.ExcludeNewer; en.Set() {
		opts.ExcludeNewer, opts.ExcludeNewerRule = en.Value, fmt.Sprintf("your platform's policy's exclude-newer (%s)", pol.At(en.Line))
	}
	return nil
}

// selectsAny reports whether a list of --no-binary values, edited in order as pip edits
// it, leaves any project selected: "--no-binary :none:" asks for no build, and loosens
// nothing.
func selectsAny(list []string) bool {
	selected := false
	for _, item := range list {
		for _, n := range strings.Split(item, ",") {
			if n = strings.TrimSpace(n); n != "" {
				selected = n != ":none:"
			}
		}
	}
	return selected
}

// loosen is a project's setting that loosens the policy's key (written at line): an
// error where the policy locks the key, else a policy-loosened warning.
func (s *session) loosen(key string, line int, what string) error {
	pol := s.policy
	if pol.IsLocked(key) {
		return &RequestError{Err: fmt.Errorf("%s: %s, which %s locks (%s)", pol.At(line), what, pol.File, key)}
	}
	s.policyWarn(Warning{Code: WarningPolicyLoosened, Message: fmt.Sprintf("%s, loosening %s (%s); the project's setting is used", what, key, pol.At(line))})
	return nil
}

// checkSources holds every place the index options take packages from to the policy's
// indexes, and gives the index the policy's indexes where the project names none. An
// index must be one the policy lists; a find-links page one of them or under one; a
// local folder never is. Under --no-index no index is asked, the policy's neither.
func (s *session) checkSources(opts *index.Options) error {
	ixs := s.policy.Indexes
	notListed := func(what string) error {
		return s.loosen("supply-chain.indexes", ixs.Line, what+" is not one of the policy's indexes")
	}
	if !s.indexes.NoIndex {
		if s.indexes.IndexURL.Origin == "default" && len(s.indexes.ExtraIndex) == 0 {
			// The policy's indexes, in first-index order: the extra indexes come first.
			opts.IndexURL = ixs.Value[len(ixs.Value)-1]
			opts.ExtraIndexURLs = slices.Clone(ixs.Value[:len(ixs.Value)-1])
			// They are the run's indexes, so that a lock names them: pip reads no policy,
			// and installed the lock from PyPI, where PyTorch's +cu124 builds are not.
			at := s.policy.At(ixs.Line).String()
			s.indexes.IndexURL = Sourced{opts.IndexURL, at}
			s.indexes.ExtraIndex = nil
			for _, ix := range opts.ExtraIndexURLs {
				s.indexes.ExtraIndex = append(s.indexes.ExtraIndex, Sourced{ix, at})
			}
		} else {
			for _, ix := range append([]Sourced{s.indexes.IndexURL}, s.indexes.ExtraIndex...) {
				if ix.Value == "" || slices.ContainsFunc(ixs.Value, sameIndex(ix.Value)) {
					continue
				}
				if err := notListed(fmt.Sprintf("index %s (%s)", redact.URL(ix.Value), ix.Origin)); err != nil {
					return err
				}
			}
		}
		for _, name := range slices.Sorted(maps.Keys(s.indexes.Pinned)) {
			ix := s.indexes.Pinned[name]
			if slices.ContainsFunc(ixs.Value, sameIndex(ix.Value)) {
				continue
			}
			if err := notListed(fmt.Sprintf("index %s (%s), which %s is pinned to,", redact.URL(ix.Value), ix.Origin, name)); err != nil {
				return err
			}
		}
		if opts.Strategy == index.UnsafeBestMatch {
			if err := s.loosen("supply-chain.indexes", ixs.Line, "index-strategy unsafe-best-match ("+s.indexes.Strategy.Origin+") searches every index"); err != nil {
				return err
			}
		}
	}
	for _, l := range s.indexes.FindLinks {
		kind := "find-links folder"
		if isURL(l.Value) {
			kind = "find-links page"
		}
		if kind == "find-links page" && slices.ContainsFunc(ixs.Value, under(l.Value)) {
			continue
		}
		if err := notListed(fmt.Sprintf("%s %s (%s)", kind, redact.URL(l.Value), l.Origin)); err != nil {
			return err
		}
	}
	return nil
}

// checkDirectSources holds the URLs of the requirements that name one (NAME @ URL, uv's
// url, git and path sources) and apply on the target to the policy's indexes: each must
// lie under one of them. It runs before any of them is fetched.
func (s *session) checkDirectSources(rs []reqfile.Requirement) error {
	if s.policy == nil || !s.policy.Indexes.Set() {
		return nil
	}
	ixs := s.policy.Indexes
	env := s.target.MarkerEnvironment()
	for _, r := range rs {
		if r.URL == "" || !pinApplies(r, env) || slices.ContainsFunc(ixs.Value, under(r.URL)) {
			continue
		}
		what := fmt.Sprintf("%s @ %s (%s) is not under one of the policy's indexes", r.Name, redact.URL(r.URL), origin(r))
		if err := s.loosen("supply-chain.indexes", ixs.Line, what); err != nil {
			return err
		}
	}
	return nil
}

// isURL tells a find-links page (http, https) from a local folder (a path or a file:
// URL).
func isURL(loc string) bool {
	return strings.HasPrefix(loc, "http://") || strings.HasPrefix(loc, "https://")
}

// under matches the index URLs that loc is, or lies under (by whole path segments),
// credentials and a trailing slash aside.
func under(loc string) func(string) bool {
	norm := func(s string) string { return strings.TrimSuffix(redact.URL(s), "/") }
	want := norm(loc)
	return func(ix string) bool {
		base := norm(ix)
		return want == base || strings.HasPrefix(want, base+"/")
	}
}

// sameIndex matches index URLs that differ only in a trailing slash or credentials.
func sameIndex(u string) func(string) bool {
	norm := func(s string) string { return strings.TrimSuffix(redact.URL(s), "/") }
	want := norm(u)
	return func(s string) bool { return norm(s) == want }
}

// policyWarn tells a warning of the policy now, and keeps it for the verdict.
func (s *session) policyWarn(w Warning) {
	s.report.Warn(w.Text())
	s.policyWarnings = append(s.policyWarnings, w)
}

// violations are the ways the solution of v breaks the policy: a base image that is
// not a golden one, a warning the policy makes an error, a download over budget. Every
// warning of the verdict counts, the policy's own (policy-loosened) and those of the
// lock's target (lock-target-overridden) as well as the solution's.
func (s *session) violations(v *Verdict) []Violation {
	pol := s.policy
	if pol == nil {
		return nil
	}
	var vs []Violation
	images := pol.ImagesFor(s.fleet)
	if img := s.target.BaseImage; img.Known() && images.Set() && !slices.ContainsFunc(images.Value, func(allowed string) bool { return target.SameImage(allowed, img.Text) }) {
		vs = append(vs, Violation{Code: ViolationImage, Rule: cite(pol, images.Line),
			Message: fmt.Sprintf("base image %s (%s) is not one of the images your platform's policy allows (%s): %s", img.Text, img.Origin, pol.At(images.Line), strings.Join(images.Value, ", "))})
	}
	vs = append(vs, s.unverifiable...)
	vs = append(vs, s.imagePackageViolations(v)...)
	if strict := pol.StrictErrors; strict.Set() {
		for _, w := range v.Warnings {
			if slices.Contains(strict.Value, w.Code) {
				vs = append(vs, Violation{Code: ViolationStrict, Rule: cite(pol, strict.Line),
					Message: fmt.Sprintf("%s [warning %s, an error under your platform's policy (%s)]", w.Message, w.Code, pol.At(strict.Line))})
			}
		}
	}
	// The sizes weighed (settle weighs them under this budget), not the index's listing:
	// a PEP 503 page, as PyTorch's indexes serve, gives no file sizes at all.
	if budget := pol.MaxDownloadSize; budget.Set() && v.Sizes != nil {
		if total := v.Sizes.Download; total > budget.Value {
			vs = append(vs, Violation{Code: ViolationBudget, Rule: cite(pol, budget.Line),
				Message: fmt.Sprintf("the download size is %d bytes, over the %d bytes of budget.max-download-size (%s)", total, budget.Value, pol.At(budget.Line))})
		}
	}
	return vs
}

// imagePackageViolations are the packages the base image ships installed (a framework
// image's torch, or any read from the image) at a version a deny or require rule rules
// out: the solver holds only what it installs to the rules, and a project that does not
// require the package keeps the image's, which ships in the image all the same. One the
// solution installs replaces the image's and was held to the rules as it was solved.
func (s *session) imagePackageViolations(v *Verdict) []Violation {
	pol := s.policy
	var vs []Violation
	for _, ins := range s.target.Preinstalled {
		version, err := pep440.Parse(ins.Version)
		if err != nil || slices.ContainsFunc(v.Packages, func(p Package) bool { return p.Name == ins.Name }) {
			continue
		}
		for _, kind := range []struct {
			rules []policy.Rule
			deny  bool
			verb  string
		}{{pol.Deny, true, "denies"}, {pol.Require, false, "allows only"}} {
			for _, r := range kind.rules {
				if r.Package != ins.Name || r.Allowed(kind.deny).Contains(version) {
					continue
				}
				vs = append(vs, Violation{Code: ViolationImagePackage, Rule: cite(pol, r.Line),
					Message: fmt.Sprintf("the %s ships %s %s installed, and your platform's policy (%s) %s %s %s (%s); require a %s the policy allows, which replaces the image's, or choose another image",
						ins.Origin, ins.Name, ins.Version, pol.At(r.Line), kind.verb, r.Package, r.Written, r.Reason, ins.Name)})
			}
		}
	}
	return vs
}

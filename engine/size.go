package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/depsolve/depsolve/index"
	"github.com/depsolve/depsolve/internal/slim"
	"github.com/depsolve/depsolve/lockfile"
	"github.com/depsolve/depsolve/matrix"
	"github.com/depsolve/depsolve/target"
)

// SizeReport is what a solution weighs: every pin's download and installed size, per
// CUDA family and in all, and the base image where its size is known.
type SizeReport struct {
	Packages []PackageSize // by name
	Families []FamilySize  // by CUDA major; packages of no CUDA family are in none
	// Download and Installed are the totals of the pins whose sizes are known.
	Download, Installed int64
	// Base is the base image; nil when the target names none.
	Base *BaseSize
}

// PackageSize is what one pin weighs: the file an installer takes for it.
type PackageSize struct {
	Name     string // PEP 503
	Version  string
	File     string // the file's name; "" when the version has no usable file
	Download int64
	// Installed is what installing the file writes (the sum of a wheel's entries); 0
	// when InstalledUnknown says why it is not known.
	Installed        int64
	InstalledUnknown string
	CUDAFamily       int // the CUDA major the pin is a build of; 0 for none
}

// FamilySize is what the pins of one CUDA family weigh.
type FamilySize struct {
	Major               int
	Packages            []string // by name
	Download, Installed int64
}

// BaseSize is the base image as the report counts it.
type BaseSize struct {
	Image string
	// Installed is the image's size in bytes; 0 when it is not known (from a tag alone,
	// depsolve does not know it).
	Installed int64
}

// Unknown lists the pins whose installed size is not known, with why.
func (r *SizeReport) Unknown() []PackageSize {
	var out []PackageSize
	for _, p := range r.Packages {
		if p.InstalledUnknown != "" {
			out = append(out, p)
		}
	}
	return out
}

// Largest are the pins by installed size, largest first (ties by name).
func (r *SizeReport) Largest() []PackageSize {
	out := slices.Clone(r.Packages)
	slices.SortStableFunc(out, func(a, b PackageSize) int {
		return cmp.Or(cmp.Compare(b.Installed, a.Installed), cmp.Compare(b.Download, a.Download), strings.Compare(a.Name, b.Name))
	})
	return out
}

// installedOf sums the installed sizes of the named pins.
func (r *SizeReport) installedOf(names []string) int64 {
	var n int64
	for _, p := range r.Packages {
		if slices.Contains(names, p.Name) {
			n += p.Installed
		}
	}
	return n
}

// Budget is a size budget for the image (--max-image-size, max-image-size) and how the
// solution compares with it.
type Budget struct {
	Limit  int64
	Origin string // where the budget was set: "flag --max-image-size", "depsolve.toml:4"
	// Counted is what the budget is compared with: the installed size of the packages,
	// plus the base image's where Base.Installed is known.
	Counted int64
	Over    bool
	// Policy: the platform's policy sets it (budget.max-image-size), which a project
	// raises only by loosening the policy.
	Policy bool
}

// Warning codes of the size findings (the bloat an image carries). They are stable.
const (
	// WarningBaseImageDuplicate: NVIDIA runtime wheels bring their own copies of CUDA
	// libraries the base image already ships.
	WarningBaseImageDuplicate = "base-image-duplicate"
	// WarningDevelBaseImage: a devel base image (compilers, headers, static libraries)
	// for a solution that installs from wheels only.
	WarningDevelBaseImage = "devel-base-image"
	// WarningBaseImageSizeUnknown: a budget is set, and the base image's size is not
	// known, so the budget counts the packages only.
	WarningBaseImageSizeUnknown = "base-image-size-unknown"
	// WarningPackageSizeUnknown: a budget is set, and some pins' installed sizes are not
	// known (a source build, a NAME @ URL that is no wheel), so the budget leaves them out.
	WarningPackageSizeUnknown = "package-size-unknown"
)

// HumanBytes writes a size in binary units, as the size summaries print it: "1.5 GiB".
func HumanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// budget is the size budget the run applies: the request's, else the first
// configuration's; nil for none.
func (s *session) budget() *Budget {
	b := s.req.MaxImageSize
	if b.Bytes == 0 {
		for _, c := range s.configs {
			if c.MaxImageSize.Bytes > 0 {
				b = c.MaxImageSize
				break
			}
		}
	}
	// The platform's policy sets the budget a project does not; one the project or a
	// flag sets wins, and a larger one is said (policy-loosened), as for every setting of
	// the policy it does not lock.
	if pol := s.policy; pol != nil && pol.MaxImageSize.Set() {
		at := pol.At(pol.MaxImageSize.Line)
		switch {
		case b.Bytes == 0:
			return &Budget{Limit: pol.MaxImageSize.Value, Origin: at.String(), Policy: true}
		case b.Bytes > pol.MaxImageSize.Value && !s.loosenedBudget:
			s.loosenedBudget = true
			s.policyWarn(Warning{Code: WarningPolicyLoosened, Message: fmt.Sprintf("max-image-size %s (%s) is larger than the policy's %s, loosening budget.max-image-size (%s); the project's setting is used",
				HumanBytes(b.Bytes), b.Origin, HumanBytes(pol.MaxImageSize.Value), at)})
		}
	}
	if b.Bytes == 0 {
		return nil
	}
	return &Budget{Limit: b.Bytes, Origin: b.Origin.String()}
}

// fill sets what the index said of the file ps installs from.
func (ps *PackageSize) fill(sz index.Sizes) {
	ps.File, ps.Download, ps.Installed, ps.InstalledUnknown = sz.Filename, sz.Download, sz.Installed, sz.InstalledUnknown
}

// sizesDecide reports whether the verdict depends on the pins' sizes: there is an image
// budget, or the policy's budget.max-download-size.
func (s *session) sizesDecide(budget *Budget) bool {
	return budget != nil || s.policy != nil && s.policy.MaxDownloadSize.Set()
}

// weigh looks up the sizes of every pin of an outcome, adds the bytes at stake to its
// warnings and its bloat findings, and compares the whole with the budget. Without a
// budget a size that cannot be looked up is only unknown (the summary says why); with
// one (the image's or the policy's download budget), it is an error, since the verdict
// would depend on it.
func (s *session) weigh(ctx context.Context, ix *index.Index, out *outcome, budget *Budget) (*SizeReport, error) {
	stop := s.watch("sizing:", ix)
	defer stop()
	decides := s.sizesDecide(budget)
	tm := s.matrix.ForTarget(s.target)
	r := &SizeReport{Packages: make([]PackageSize, len(out.packages))}
	// Every lookup that needs an index starts at once: the index bounds the requests in
	// flight, and a bound here too would only cut them into more round trips. Those it
	// answers at hand (all of them on a warm run) need no goroutine.
	g, gctx := errgroup.WithContext(ctx)
	for i, p := range out.packages {
		ps := &r.Packages[i]
		ps.Name, ps.Version = p.Name, p.VersionText()
		if major, _, ok := tm.CUDAFamily(p.Name, p.Version); ok {
			ps.CUDAFamily = major
		}
		// A NAME @ URL pin is on no index: a wheel's sizes are its file's, read as its
		// metadata was; what anything else installs only a build would tell.
		lookup := func(ctx context.Context) (index.Sizes, error) { return ix.Sizes(ctx, p.Name, p.Version) }
		switch {
		case p.Unverified:
			ps.InstalledUnknown = "named by URL and not a wheel: only a build would tell, and depsolve never runs package code"
			continue
		case p.DirectURL != "" && len(p.Files) == 1:
			lookup = func(ctx context.Context) (index.Sizes, error) { return ix.DirectWheelSizes(ctx, p.Files[0]) }
		default:
			if sz, ok := ix.SizesAtHand(p.Name, p.Version); ok {
				ps.fill(sz)
				continue
			}
		}
		g.Go(func() error {
			sz, err := lookup(gctx)
			switch {
			case err == nil:
				ps.fill(sz)
			case errors.Is(err, slim.ErrNeedsFull):
				return err // depsolve-full looks it up: an unknown size would be a wrong answer
			case !decides && errors.Is(err, index.ErrOffline):
				ps.InstalledUnknown = "not in the cache: a run online looks it up once"
			case !decides && ctx.Err() == nil:
				ps.InstalledUnknown = err.Error()
			default:
				return err
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, s.explain(err)
	}
	families := map[int]*FamilySize{}
	for _, p := range r.Packages {
		r.Download += p.Download
		r.Installed += p.Installed
		if p.CUDAFamily == 0 {
			continue
		}
		f := families[p.CUDAFamily]
		if f == nil {
			f = &FamilySize{Major: p.CUDAFamily}
			families[p.CUDAFamily] = f
		}
		f.Packages = append(f.Packages, p.Name)
		f.Download += p.Download
		f.Installed += p.Installed
	}
	for _, f := range families {
		r.Families = append(r.Families, *f)
	}
	slices.SortFunc(r.Families, func(a, b FamilySize) int { return cmp.Compare(a.Major, b.Major) })

	base := s.baseLibraries()
	if s.target.BaseImage.Known() {
		r.Base = &BaseSize{Image: s.target.BaseImage.Text}
		if img := s.target.ImageRead; img != nil {
			r.Base.Installed = img.Unpacked
		}
	}
	for i := range out.warnings {
		w := &out.warnings[i]
		switch w.Code {
		case matrix.AdvisoryCUDAWheelsOnCPUTarget:
			w.atStake(r.installedOf(w.AtStake))
		case matrix.AdvisoryCUDAFamilyMix:
			w.atStake(r.smallerFamilies())
		}
	}
	if base != nil {
		if w, ok := duplicatesOfBase(*base, r, s.matrix); ok {
			out.warnings = append(out.warnings, w)
		}
	}
	switch w, ok, err := s.develBase(ctx, r); {
	case err != nil:
		return nil, err
	case ok:
		out.warnings = append(out.warnings, w)
	}
	if budget != nil {
		budget.Counted = r.Installed
		if r.Base != nil && r.Base.Installed > 0 {
			budget.Counted += r.Base.Installed
		} else if r.Base != nil {
			out.warnings = append(out.warnings, Warning{Code: WarningBaseImageSizeUnknown,
				Message: fmt.Sprintf("the size budget counts the packages only: depsolve does not know the size of the base image %s from its reference", r.Base.Image)})
		}
		if unknown := r.Unknown(); len(unknown) > 0 {
			names := make([]string, len(unknown))
			for i, p := range unknown {
				names[i] = p.Name
			}
			out.warnings = append(out.warnings, Warning{Code: WarningPackageSizeUnknown, Message: fmt.Sprintf(
				"the size budget leaves out %d %s whose installed size is unknown (%s): the image may exceed it; depsolve size says why for each",
				len(unknown), plural(len(unknown), "package", "packages"), strings.Join(names, ", "))})
		}
		budget.Over = budget.Counted > budget.Limit
	}
	return r, nil
}

// smallerFamilies is what the CUDA families other than the largest weigh installed: what
// taking every CUDA build from the largest one leaves out.
func (r *SizeReport) smallerFamilies() int64 {
	var total, largest int64
	for _, f := range r.Families {
		total += f.Installed
		largest = max(largest, f.Installed)
	}
	return total - largest
}

// atStake records the installed bytes a finding is about, and says so in its message.
func (w *Warning) atStake(bytes int64) {
	if bytes <= 0 {
		return
	}
	w.Bytes = bytes
	w.Message += fmt.Sprintf(" (%s installed at stake)", HumanBytes(bytes))
}

// BaseLibraries are the CUDA libraries a base image ships, whichever way they were
// learnt: from its tag's flavor (images.toml) or from the image itself (the names of an
// image.Image's CUDALibs).
type BaseLibraries struct {
	Image     string   // the reference, as the target gives it
	CUDAMajor int      // the image's CUDA major; 0 when unknown
	CUDNN     string   // the image's cuDNN major; "" when none or unknown
	Libraries []string // "libcublas", "libcudnn", …
	From      string   // where the list comes from, for messages: "its flavor cudnn-runtime"
	// Row is the data row of the flavor the list is of, which the finding cites (its
	// sources in JSON); nil for a list read from the image.
	Row *matrix.Cite
	// Leaner is a reference to the same image with the fewest libraries (its base
	// flavor), and Keeps what that one ships; "" when there is none.
	Leaner string
	Keeps  []string
	OS     string // the image's OS as its tag names it, "ubuntu22.04"; "" when unknown
}

// baseLibraries are the libraries the target's base image ships: those read from the
// image, else those its tag's flavor ships; nil when the target has no base image or
// the data does not know its flavor.
func (s *session) baseLibraries() *BaseLibraries {
	if read := s.target.ImageRead; read != nil {
		return readBaseLibraries(read, s.target)
	}
	ref := s.target.BaseImage.Text
	img, ok := s.matrix.BaseImage(ref)
	if !ok || img.Libraries == nil {
		return nil
	}
	b := &BaseLibraries{Image: ref, Libraries: img.Libraries, CUDNN: img.CUDNN, OS: img.OS}
	major, _, _ := strings.Cut(img.CUDA, ".")
	b.CUDAMajor, _ = strconv.Atoi(major) // BaseImage matched the tag's CUDA version as digits
	b.From = "its flavor " + img.Flavor
	if len(img.Cites) > 0 {
		b.Row = &img.Cites[0]
	}
	if name, keeps, ok := s.matrix.LeanestFlavor(); ok && name != img.Flavor {
		b.Leaner = strings.Replace(ref, "-"+img.Flavor+"-", "-"+name+"-", 1)
		if b.Leaner == ref {
			b.Leaner = ""
		}
		b.Keeps = keeps
	}
	return b
}

// readBaseLibraries are the libraries of an image that was read; nil when it ships none.
func readBaseLibraries(img *target.ImageContents, t *target.Target) *BaseLibraries {
	if len(img.Libraries) == 0 {
		return nil
	}
	b := &BaseLibraries{Image: img.Ref, Libraries: img.Libraries, CUDNN: t.CuDNN.Text, From: "read from the image"}
	if t.CUDA.Known() {
		b.CUDAMajor = t.CUDA.Version.Release()[0]
	}
	return b
}

// duplicatesOfBase finds the NVIDIA runtime wheels of the base image's CUDA family that
// bring their own copy of a library the image ships: the bytes at stake are the wheels'
// installed size, and the fix is a base that ships fewer libraries.
func duplicatesOfBase(base BaseLibraries, r *SizeReport, m *matrix.Matrix) (Warning, bool) {
	var pins, libs []string
	var names []string
	for _, p := range r.Packages {
		if p.CUDAFamily == 0 || p.CUDAFamily != base.CUDAMajor {
			continue
		}
		var dup []string
		for _, lib := range matrix.WheelLibraries(p.Name) {
			if !slices.Contains(base.Libraries, lib) {
				continue
			}
			if lib == "libcudnn" && base.CUDNN != "" && !strings.HasPrefix(p.Version, base.CUDNN+".") {
				continue // another cuDNN major than the image's: not a copy
			}
			dup = append(dup, lib)
		}
		if len(dup) == 0 {
			continue
		}
		pins = append(pins, p.Name+" "+p.Version)
		names = append(names, p.Name)
		libs = append(libs, dup...)
	}
	if len(pins) == 0 {
		return Warning{}, false
	}
	bytes := r.installedOf(names)
	bring := "bring their own copies"
	if len(pins) == 1 {
		bring = "brings its own " + plural(len(libs), "copy", "copies")
	}
	msg := fmt.Sprintf("%s %s of %s, which the base image %s already ships (%s)",
		strings.Join(pins, ", "), bring, strings.Join(libs, ", "), base.Image, base.From)
	var fixes []string
	leanestCopies := slices.ContainsFunc(libs, func(l string) bool { return slices.Contains(base.Keeps, l) })
	// A leaner flavor that ships every library copied (libcudart alone, from the CUDA
	// runtime wheel) keeps every copy: it is no fix for these bytes.
	leanestKeepsAll := !slices.ContainsFunc(libs, func(l string) bool { return !slices.Contains(base.Keeps, l) })
	if base.Leaner != "" && !leanestKeepsAll {
		fixes = append(fixes, fmt.Sprintf("the base %s ships only %s and leaves the rest to the wheels", base.Leaner, strings.Join(base.Keeps, ", ")))
	}
	if os := osImage(base.OS); os != "" && (base.Leaner == "" || leanestCopies) {
		fixes = append(fixes, fmt.Sprintf("the plain OS image %s ships none: the wheels bring every CUDA library they load, and the NVIDIA container toolkit mounts the driver", os))
	}
	if len(fixes) == 0 && base.CUDAMajor > 0 {
		// An image read from disk has no tag to name its leaner flavor or its OS by.
		fixes = append(fixes, fmt.Sprintf("build on an image that leaves them to the wheels: nvidia/cuda's %d.x base flavor ships only libcudart, a plain OS image (ubuntu, rockylinux) none", base.CUDAMajor))
	}
	if len(fixes) > 0 {
		msg += "; " + strings.Join(fixes, "; or ")
	}
	w := Warning{Code: WarningBaseImageDuplicate, Message: msg, Row: base.Row}
	w.atStake(bytes)
	return w, true
}

// osImage is the Docker Hub image of an nvidia/cuda tag's OS: ubuntu22.04 is ubuntu:22.04,
// rockylinux9 rockylinux:9; "" for one without such an image.
func osImage(os string) string {
	i := strings.IndexAny(os, "0123456789")
	if i <= 0 || !slices.Contains([]string{"ubuntu", "rockylinux", "debian"}, os[:i]) {
		return ""
	}
	return os[:i] + ":" + os[i:]
}

// develBase finds a devel base image under a solution that installs from wheels only:
// nothing in it is built, so the compilers, headers and static libraries of the devel
// flavor are dead weight, and its runtime flavor is the same image without them. Where
// the image was read, so is the runtime image's layer list (never a layer of it): NVIDIA
// builds each devel image FROM its runtime image, so the layers the devel image adds
// over it are what is at stake. The error is only the run's cancellation: a runtime
// image that cannot be read leaves the finding without its bytes, and says why.
func (s *session) develBase(ctx context.Context, r *SizeReport) (Warning, bool, error) {
	ref := s.target.BaseImage.Text
	read := s.target.ImageRead
	lookup, repo, tag := ref, "", ""
	if read != nil {
		var ok bool
		if repo, tag, ok = cudaTagOf(ref); !ok {
			return Warning{}, false, nil
		}
		lookup = "nvidia/cuda:" + tag
	}
	img, ok := s.matrix.BaseImage(lookup)
	if !ok || img.RuntimeFlavor == "" || len(r.Packages) == 0 {
		return Warning{}, false, nil
	}
	for _, p := range r.Packages {
		if !strings.HasSuffix(p.File, ".whl") {
			return Warning{}, false, nil // a source distribution is built: it may need the compilers
		}
	}
	toRuntime := func(ref string) string {
		return strings.Replace(ref, "-"+img.Flavor+"-", "-"+img.RuntimeFlavor+"-", 1)
	}
	msg := fmt.Sprintf("the base image %s is a devel flavor (compilers, headers, static libraries), yet every package installs from a wheel and nothing is built", ref)
	if read == nil {
		msg += fmt.Sprintf(": %s is the same image without them; depsolve does not know either image's size from its reference, so the bytes at stake are not given", toRuntime(ref))
		return Warning{Code: WarningDevelBaseImage, Message: msg}, true, nil
	}
	runtime := repo + ":" + toRuntime(tag)
	runtimeIDs, err := imageLayerIDs(ctx, runtime, s.req.RetryBackoff)
	if err != nil {
		if ctx.Err() != nil {
			return Warning{}, false, ctx.Err()
		}
		if errors.Is(err, slim.ErrNeedsFull) {
			return Warning{}, false, err
		}
		msg += fmt.Sprintf(": %s is the same image without them; the bytes at stake are not given, since the runtime image could not be read: %v", runtime, err)
		return Warning{Code: WarningDevelBaseImage, Message: msg}, true, nil
	}
	if base := len(runtimeIDs); base <= len(read.Layers) && slices.Equal(runtimeIDs, diffIDs(read.Layers[:base])) {
		added := read.Layers[base:]
		if len(added) == 0 {
			return Warning{}, false, nil // the same layers under another tag: nothing to drop
		}
		unpacked, pull := layerBytes(added)
		w := Warning{Code: WarningDevelBaseImage, Message: msg + fmt.Sprintf(": %s is the same image without them, %d %s and %s less to pull", runtime, len(added), plural(len(added), "layer", "layers"), HumanBytes(pull))}
		w.atStake(unpacked)
		return w, true, nil
	}
	// Not built FROM the runtime image: switching drops the devel image's layers the
	// runtime image lacks but adds the runtime image's own, whose unpacked size only
	// reading them would tell, so the difference is not known.
	var lacked []target.ImageLayer
	for _, l := range read.Layers {
		if !slices.Contains(runtimeIDs, l.DiffID) {
			lacked = append(lacked, l)
		}
	}
	own, develIDs := 0, diffIDs(read.Layers)
	for _, id := range runtimeIDs {
		if !slices.Contains(develIDs, id) {
			own++
		}
	}
	unpacked, pull := layerBytes(lacked)
	msg += fmt.Sprintf(": its runtime flavor is %s, but the bytes at stake are not given: that image's layers are not the first layers of %s, which was not built FROM it; %s has %d %s it lacks (%s unpacked, %s to pull), and it has %d of its own",
		runtime, ref, ref, len(lacked), plural(len(lacked), "layer", "layers"), HumanBytes(unpacked), HumanBytes(pull), own)
	return Warning{Code: WarningDevelBaseImage, Message: msg}, true, nil
}

// cudaTagOf reads the reference of an image that was read as an nvidia/cuda tag and what
// comes before it: the image on any registry (a mirror's …/nvidia/cuda:TAG too), less
// its digest, which the runtime image does not share; a layout's image of that tag
// (oci:DIR:TAG); a docker save tarball's (docker-archive:FILE:nvidia/cuda:TAG). ok is
// false for a reference that names no such tag.
func cudaTagOf(ref string) (repo, tag string, ok bool) {
	layout := strings.HasPrefix(ref, "oci:")
	if layout && strings.Contains(ref, "@") {
		return "", "", false // oci:DIR@sha256:… names no tag
	}
	ref, _, _ = strings.Cut(ref, "@")
	colon := strings.LastIndexByte(ref, ':')
	if colon < 0 || strings.ContainsAny(ref[colon+1:], `/\`) {
		return "", "", false
	}
	repo, tag = ref[:colon], ref[colon+1:]
	switch {
	case layout && repo != "oci":
		return repo, tag, true
	case layout:
		return "", "", false // oci:DIR names no tag
	case repo == "nvidia/cuda", strings.HasSuffix(repo, "/nvidia/cuda"), strings.HasSuffix(repo, ":nvidia/cuda"):
		return repo, tag, true
	}
	return "", "", false
}

func diffIDs(layers []target.ImageLayer) []string {
	ids := make([]string, len(layers))
	for i, l := range layers {
		ids[i] = l.DiffID
	}
	return ids
}

// layerBytes are what layers hold unpacked, and what pulling them downloads.
func layerBytes(layers []target.ImageLayer) (unpacked, pull int64) {
	for _, l := range layers {
		unpacked += l.Unpacked
		pull += l.Size
	}
	return unpacked, pull
}

// Breakdown says, in a few lines, what the image weighs against its budget: the totals,
// each CUDA family, the largest packages and what is not counted.
func (b *Budget) Breakdown(r *SizeReport) string {
	var lines []string
	verdict := "within"
	if b.Over {
		verdict = fmt.Sprintf("over by %s:", HumanBytes(b.Counted-b.Limit))
	}
	lines = append(lines, fmt.Sprintf("the image would hold %s installed against a budget of %s (%s), %s", HumanBytes(b.Counted), HumanBytes(b.Limit), b.Origin, strings.TrimSuffix(verdict, ":")))
	lines = append(lines, fmt.Sprintf("  packages: %s installed (%s to download) in %d %s", HumanBytes(r.Installed), HumanBytes(r.Download), len(r.Packages), plural(len(r.Packages), "package", "packages")))
	for _, f := range r.Families {
		lines = append(lines, fmt.Sprintf("  CUDA %d: %s in %d %s", f.Major, HumanBytes(f.Installed), len(f.Packages), plural(len(f.Packages), "package", "packages")))
	}
	var largest []string
	for i, p := range r.Largest() {
		if i == 5 || p.Installed == 0 {
			break
		}
		largest = append(largest, fmt.Sprintf("%s %s %s", p.Name, p.Version, HumanBytes(p.Installed)))
	}
	if len(largest) > 0 {
		lines = append(lines, "  largest: "+strings.Join(largest, ", "))
	}
	switch {
	case r.Base != nil && r.Base.Installed > 0:
		lines = append(lines, fmt.Sprintf("  base image %s: %s", r.Base.Image, HumanBytes(r.Base.Installed)))
	case r.Base != nil:
		lines = append(lines, fmt.Sprintf("  base image %s: not counted, its size is not known from its reference", r.Base.Image))
	}
	if u := r.Unknown(); len(u) > 0 {
		var names []string
		for _, p := range u {
			names = append(names, p.Name)
		}
		lines = append(lines, fmt.Sprintf("  not counted (installed size unknown): %s", strings.Join(names, ", ")))
	}
	return strings.Join(lines, "\n")
}

// WriteReport writes a report (the HTML size report) to path atomically: a run that
// fails or is interrupted leaves what was there.
func WriteReport(path string, data []byte) error {
	if err := lockfile.WriteFileAtomic(path, data, 0o644); err != nil {
		return &RequestError{Err: err}
	}
	return nil
}

// budgetHints are the fixes of the findings with bytes at stake, largest first, then
// raising the budget where it is the project's: hints stay inside the platform's policy.
func budgetHints(ws []Warning, b *Budget) []string {
	var found []Warning
	for _, w := range ws {
		if w.Bytes > 0 {
			found = append(found, w)
		}
	}
	slices.SortStableFunc(found, func(a, b Warning) int { return cmp.Compare(b.Bytes, a.Bytes) })
	hints := []string{}
	for _, w := range found {
		hints = append(hints, w.Code+": "+w.Text())
	}
	if b.Policy {
		return hints
	}
	return append(hints, "raise the budget (--max-image-size, or max-image-size in depsolve.toml) if the image may be this large")
}

package target

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/depsolve/depsolve/pep425"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/reqfile"
)

// Precedence is the order in which sources win, as `depsolve env` prints it.
const Precedence = "flags > the target a lock input records > depsolve.toml > pyproject.toml [tool.depsolve] > base image > --detect > defaults"

// Target is the machine and image a lock is for, merged from every source, each value
// with its origin. A value with empty Text is unknown and constrains nothing. Build parses
// each known value once: the versions and the platform are held parsed next to their text.
type Target struct {
	Python         VersionValue  // "3.11.9"; "3.11" when only the minor version was given
	Implementation Value         // "cpython"
	Platform       PlatformValue // a wheel platform tag: "manylinux_2_35_x86_64"
	GLibc          VersionValue  // "2.35"
	Driver         VersionValue  // "535.104.05", as written (the solver sees 535.104.5)
	CUDA           VersionValue  // the image's CUDA toolkit: "12.4.1"
	CuDNN          Value         // the cuDNN major of an nvidia/cuda base image: "9"; for display
	BaseImage      Value         // "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04"
	Dockerfile     Value         // the Dockerfile the base image was read from, if any
	GPUs           []GPU         // the fleet, one entry per model; Capability "" when unknown
	CPU            Toggle
	// Notes say what the user should know about the target: values depsolve could not
	// read, values it overrode or rewrote, and what it assumed.
	Notes []string
	// Preinstalled are the packages the base image ships installed (a framework image's
	// torch); Warnings are what the user should know of the base image, with codes.
	Preinstalled []Installed
	Warnings     []ImageWarning
	// ImageRead is the base image as read from the image itself; nil when it was
	// known by its tag alone.
	ImageRead *ImageContents
	// FreeThreaded is a free-threaded CPython build, written "3.13t" (Python.Text; its
	// Version is 3.13): its wheels carry the ABI tag cp313t and its sys.abiflags is "t";
	// markers see python_version 3.13.
	FreeThreaded bool

	capabilities []pep440.Version // the GPUs' distinct known capabilities, lowest first
}

// VersionValue is a value that is a version: Version is Text parsed (PEP 440), set when
// the value is known.
type VersionValue struct {
	Value
	Version pep440.Version
}

// PlatformValue is the wheel platform tag of the target: Platform is Text parsed, set when
// the value is known.
type PlatformValue struct {
	Value
	Platform pep425.Platform
}

// Defaults are what a target without a Python version or a platform gets: fixed values
// rather than the machine depsolve runs on, so that every machine locks alike. A target
// that knows its glibc but no platform gets Platform's architecture as a linux_ARCH tag,
// which the glibc then makes manylinux.
type Defaults struct {
	Python   string // "3.12"
	Platform string // "manylinux_2_35_x86_64"
}

// Build merges declarations (flags, config files, detection) into a target. For each
// value the source first in Precedence wins; the order of decls matters only between
// declarations of one kind of source. The winning base image (base-image, or the final
// FROM of dockerfile) adds what the image implies, read through the catalog. Malformed
// values, contradictions within one source and GPU models the matrix does not know are
// *InputError; unknown detected GPU models and base images are notes in Target.Notes, and
// their values stay unknown.
//
// Defaults fill what no declaration and no base image gives (see Defaults); their values
// have origin FromDefault. Zero Defaults leave such values unknown.
func Build(cat Catalog, defaults Defaults, decls ...Declaration) (*Target, error) {
	return build(cat, defaults, nil, decls)
}

func build(cat Catalog, defaults Defaults, read ImageReader, decls []Declaration) (*Target, error) {
	b := &targetBuilder{cat: cat, decls: decls, read: read}
	if err := b.baseImage(); err != nil {
		return nil, err
	}
	if err := b.defaults(defaults); err != nil {
		return nil, err
	}
	for _, step := range []func() error{b.scalars, b.gpuFacts, b.platform} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	b.python()
	for _, step := range []func() error{b.gpus, b.parse} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return &b.t, nil
}

type targetBuilder struct {
	cat   Catalog
	decls []Declaration
	read  ImageReader // nil: images are known by their tags only
	t     Target
}

func (b *targetBuilder) notef(format string, args ...any) {
	b.t.Notes = append(b.t.Notes, fmt.Sprintf(format, args...))
}

// pick returns the value of the highest-precedence source that gives one; among
// declarations of one source, the first.
func (b *targetBuilder) pick(get func(*Declaration) Value) Value {
	var best Value
	for i := range b.decls {
		if v := get(&b.decls[i]); v.Known() && (!best.Known() || v.Origin.From < best.Origin.From) {
			best = v
		}
	}
	return best
}

// originError reports a bad value at its origin: the flag, or the config file line.
func originError(o Origin, format string, args ...any) error {
	e := &InputError{Msg: fmt.Sprintf(format, args...)}
	switch o.From {
	case FromFlag:
		e.Flag = o.Detail
	case FromConfig, FromPyproject, FromLock:
		e.Pos = o.Pos
	}
	return e
}

func (b *targetBuilder) baseImage() error {
	image := b.pick(func(d *Declaration) Value { return d.BaseImage })
	dockerfile := b.pick(func(d *Declaration) Value { return d.Dockerfile })
	origin := Origin{From: FromBaseImage}
	switch {
	case !image.Known() && !dockerfile.Known():
		b.noteIgnoredBuildArgs()
		return nil
	case image.Known() && dockerfile.Known() && image.Origin.From == dockerfile.Origin.From:
		return originError(dockerfile.Origin, "give a base image or a Dockerfile, not both (base image %s, %s)", image.Text, image.Origin)
	case dockerfile.Known() && (!image.Known() || dockerfile.Origin.From < image.Origin.From):
		data, err := reqfile.ReadFile(dockerfile.Text)
		what := "dockerfile " + dockerfile.Text // a flag's error is named by the flag already
		if dockerfile.Origin.From == FromFlag {
			what = dockerfile.Text
		}
		var pe *fs.PathError
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return originError(dockerfile.Origin, "%s does not exist", what)
		case errors.As(err, &pe):
			// Go's "open PATH: …" names the system call, not the setting.
			return originError(dockerfile.Origin, "cannot read %s: %v", what, pe.Err)
		case err != nil:
			return originError(dockerfile.Origin, "cannot read %s: %v", what, err)
		}
		buildArgs, err := b.buildArgs()
		if err != nil {
			return err
		}
		base, err := parseDockerfile(dockerfile.Text, data, buildArgs)
		if err != nil {
			return err
		}
		b.t.Notes = append(b.t.Notes, base.Notes...)
		b.t.Dockerfile = dockerfile
		b.t.BaseImage = Value{Text: base.Image, Origin: dockerfile.Origin}
		origin.Pos = Position{File: base.Pos.File, Line: base.Pos.Line}
		origin.Detail = base.Image
		it, err := b.imageTarget(base.Image, origin, base.Platform, func(e *InputError) { e.Pos = base.Pos })
		if err != nil {
			return err
		}
		b.dockerfilePython(&it, base)
		b.imageImplies(it, origin)
		return nil
	}
	b.noteIgnoredBuildArgs()
	b.t.BaseImage = image
	origin.Detail = image.Text
	it, err := b.imageTarget(image.Text, origin, "", func(e *InputError) {
		at := originError(image.Origin, "").(*InputError)
		e.Flag, e.Pos = at.Flag, at.Pos
	})
	if err != nil {
		return err
	}
	b.imageImplies(it, origin)
	return nil
}

// imageTarget is what the base image implies: read, where the reader reads it, over what
// its tag implies; place puts an error at the place that names the image.
func (b *targetBuilder) imageTarget(ref string, origin Origin, dockerPlatform string, place func(*InputError)) (imageTarget, error) {
	contents, err := b.readImage(ref, origin, place)
	if err != nil {
		return imageTarget{}, err
	}
	tag, tagErr := imageTarget{}, error(nil)
	if !isLocalImageRef(ref) {
		tag, tagErr = baseImageTarget(ref, origin, dockerPlatform, b.cat)
	}
	if contents == nil {
		if tagErr != nil {
			return imageTarget{}, placed(&InputError{Msg: tagErr.Error()}, place)
		}
		return tag, nil
	}
	b.t.ImageRead = contents
	return readImageTarget(contents, tag, tagErr == nil && !isLocalImageRef(ref), origin), nil
}

// pickBuildArgs returns the build args of the highest-precedence source that gives any.
func (b *targetBuilder) pickBuildArgs() []Value {
	var best []Value
	for i := range b.decls {
		if args := b.decls[i].BuildArgs; len(args) > 0 && (best == nil || args[0].Origin.From < best[0].Origin.From) {
			best = args
		}
	}
	return best
}

// noteIgnoredBuildArgs says that the build args set nothing when no Dockerfile is read.
func (b *targetBuilder) noteIgnoredBuildArgs() {
	if args := b.pickBuildArgs(); len(args) > 0 {
		b.notef("%s is ignored: it sets ARGs of a Dockerfile, and the base image is not read from one", args[0].Origin)
	}
}

// buildArgs reads the build args as docker build does: NAME=VALUE, the last of a name
// winning.
func (b *targetBuilder) buildArgs() (map[string]string, error) {
	out := map[string]string{}
	for _, v := range b.pickBuildArgs() {
		name, value, ok := strings.Cut(v.Text, "=")
		if !ok || !dockerArgName().MatchString(name) {
			return nil, originError(v.Origin, "build arg %q: want NAME=VALUE, NAME an ARG of the Dockerfile", v.Text)
		}
		out[name] = value
	}
	return out, nil
}

// dockerfilePython takes the Python version from the Dockerfile's PYTHON_VERSION: the
// Python the Dockerfile installs, or that of the python image it names, more specific
// than what the image's tag says.
func (b *targetBuilder) dockerfilePython(it *imageTarget, base DockerfileBase) {
	if base.Python == "" {
		return
	}
	where := fmt.Sprintf("%s:%d", base.PythonPos.File, base.PythonPos.Line)
	if err := checkPython(base.Python); err != nil {
		b.notef("%s: %s=%s is not a Python version; ignored", where, PythonVersionVar, base.Python)
		return
	}
	origin := Origin{From: FromBaseImage, Pos: base.PythonPos, Detail: base.Image}
	it.decl.Python = Value{Text: base.Python, Origin: origin}
	it.decl.Implementation = Value{Text: "cpython", Origin: origin}
}

func (b *targetBuilder) imageImplies(it imageTarget, origin Origin) {
	b.t.Notes = append(b.t.Notes, it.notes...)
	if !b.glibcGivenAboveImage() {
		b.t.Notes = append(b.t.Notes, it.glibcNotes...)
	}
	b.t.Preinstalled = append(b.t.Preinstalled, it.preinstalled...)
	b.t.Warnings = append(b.t.Warnings, it.warnings...)
	if it.cudnn != "" {
		b.t.CuDNN = Value{Text: it.cudnn, Origin: origin}
	}
	if it.linux {
		b.imagePlatform(&it, origin)
	}
	b.decls = append(b.decls, it.decl)
}

// glibcGivenAboveImage reports whether a source above the base image gives the glibc:
// --glibc, or a --platform (or depsolve.toml's) that names one, as manylinux_2_35_x86_64.
func (b *targetBuilder) glibcGivenAboveImage() bool {
	if g := b.pick(func(d *Declaration) Value { return d.GLibc }); g.Known() && g.Origin.From < FromBaseImage {
		return true
	}
	p := b.pick(func(d *Declaration) Value { return d.Platform })
	if !p.Known() || p.Origin.From >= FromBaseImage {
		return false
	}
	pp, err := pep425.ParsePlatform(p.Text)
	return err == nil && !pp.Glibc.IsZero()
}

// imagePlatform gives a Linux image its platform tag. The architecture is the Dockerfile's
// --platform, else that of the Linux platform another source gives (Docker builds for the
// host's architecture by default, and --detect reads the host), else x86_64, assumed.
func (b *targetBuilder) imagePlatform(it *imageTarget, origin Origin) {
	other := b.pick(func(d *Declaration) Value { return d.Platform })
	if other.Known() && other.Origin.From < FromBaseImage {
		return // a flag or config file decides the platform
	}
	arch := it.arch
	if p, err := pep425.ParsePlatform(other.Text); arch == "" && err == nil && p.OS == pep425.Linux {
		arch = p.Arch
	}
	if arch == "" {
		arch = "x86_64"
		b.notef("base image %s: architecture x86_64 assumed (images are multi-architecture; give --platform, or FROM --platform in the Dockerfile)", origin.Detail)
	}
	tag := "linux_" + arch
	if it.musl != "" {
		tag = "musllinux_" + strings.ReplaceAll(it.musl, ".", "_") + "_" + arch
	}
	it.decl.Platform = Value{Text: tag, Origin: origin}
}

// defaults adds a declaration of the defaults for the Python version and the platform when
// no declaration (the base image's included) gives them.
func (b *targetBuilder) defaults(def Defaults) error {
	given := func(get func(*Declaration) Value) bool { return b.pick(get).Known() }
	origin := Origin{From: FromDefault}
	var decl Declaration
	if def.Python != "" && !given(func(d *Declaration) Value { return d.Python }) {
		decl.Python = Value{Text: def.Python, Origin: origin}
	}
	if def.Platform != "" && !given(func(d *Declaration) Value { return d.Platform }) {
		decl.Platform = Value{Text: def.Platform, Origin: origin}
		if given(func(d *Declaration) Value { return d.GLibc }) {
			p, err := pep425.ParsePlatform(def.Platform)
			if err != nil {
				return fmt.Errorf("default %v", err)
			}
			decl.Platform.Text = "linux_" + p.Arch
		}
	}
	b.decls = append(b.decls, decl)
	return nil
}

func (b *targetBuilder) scalars() error {
	for _, f := range []struct {
		dst      *Value
		get      func(*Declaration) Value
		validate func(string) error
	}{
		{&b.t.Implementation, func(d *Declaration) Value { return d.Implementation }, nil},
		{&b.t.Driver.Value, func(d *Declaration) Value { return d.Driver }, checkDriver},
		{&b.t.CUDA.Value, func(d *Declaration) Value { return d.CUDA }, checkCUDA},
		{&b.t.GLibc.Value, func(d *Declaration) Value { return d.GLibc }, checkGLibc},
		{&b.t.Platform.Value, func(d *Declaration) Value { return d.Platform }, checkPlatform},
		{&b.t.Python.Value, func(d *Declaration) Value { return d.Python }, checkPython},
	} {
		v := b.pick(f.get)
		if v.Known() && f.validate != nil {
			if err := f.validate(v.Text); err != nil {
				return originError(v.Origin, "%v", err)
			}
		}
		*f.dst = v
	}
	b.noteImageOverrides()
	if !b.t.Implementation.Known() {
		b.t.Implementation = Value{Text: "cpython", Origin: Origin{From: FromDefault}}
	}
	return nil
}

// noteImageOverrides says where a flag or a file replaced a version the base image gives
// with one it does not agree with (--cuda 12.8 over nvidia/cuda:12.4.1-…): the higher
// source wins, as everywhere, though what the image holds is what runs. A version that
// only says more (3.11.9 over the image's 3.11) agrees.
func (b *targetBuilder) noteImageOverrides() {
	for _, f := range []struct {
		name  string
		final Value
		get   func(*Declaration) Value
	}{
		{"cuda", b.t.CUDA.Value, func(d *Declaration) Value { return d.CUDA }},
		{"python", b.t.Python.Value, func(d *Declaration) Value { return d.Python }},
		{"glibc", b.t.GLibc.Value, func(d *Declaration) Value { return d.GLibc }},
	} {
		if !f.final.Known() || f.final.Origin.From >= FromBaseImage {
			continue
		}
		for i := range b.decls {
			image := f.get(&b.decls[i])
			if !image.Known() || image.Origin.From != FromBaseImage || versionsAgree(image.Text, f.final.Text) {
				continue
			}
			b.notef("%s %s (%s) replaces the %s of the %s: the check uses %s, though what the image holds is what runs",
				f.name, f.final.Text, f.final.Origin, image.Text, image.Origin, f.final.Text)
			break
		}
	}
}

// versionsAgree reports whether two versions name the same release, one perhaps more
// precisely ("3.11" and "3.11.9").
func versionsAgree(a, b string) bool {
	return a == b || strings.HasPrefix(a, b+".") || strings.HasPrefix(b, a+".")
}

// gpuFacts settles CPU against the driver and GPUs: the higher-precedence side wins, and
// one source cannot say both.
func (b *targetBuilder) gpuFacts() error {
	for i := range b.decls {
		if d := &b.decls[i]; d.GPUs != nil && (b.t.GPUs == nil || d.GPUs[0].Origin.From < b.t.GPUs[0].Origin.From) && len(d.GPUs) > 0 {
			b.t.GPUs = d.GPUs
		}
	}
	for i := range b.decls {
		if c := b.decls[i].CPU; c.Set && (!b.t.CPU.Set || c.Origin.From < b.t.CPU.Origin.From) {
			b.t.CPU = c
		}
	}
	for _, g := range b.t.GPUs {
		if err := checkGPU(g.Name); err != nil {
			return originError(g.Origin, "%v", err)
		}
	}
	if !b.t.CPU.On {
		return nil
	}
	var gpuSide []Origin
	if b.t.Driver.Known() {
		gpuSide = append(gpuSide, b.t.Driver.Origin)
	}
	if len(b.t.GPUs) > 0 {
		gpuSide = append(gpuSide, b.t.GPUs[0].Origin)
	}
	for _, o := range gpuSide {
		switch {
		case o.From == b.t.CPU.Origin.From:
			return originError(b.t.CPU.Origin, "a CPU-only target cannot also have a driver or GPUs (%s)", o)
		case o.From < b.t.CPU.Origin.From:
			b.notef("no-GPU (%s) overridden by the driver or GPUs of %s", b.t.CPU.Origin, o)
			b.t.CPU = Toggle{}
			return nil
		}
	}
	if b.t.Driver.Known() {
		b.notef("driver %s (%s) ignored: the target has no GPU (%s)", b.t.Driver.Text, b.t.Driver.Origin, b.t.CPU.Origin)
	}
	if len(b.t.GPUs) > 0 {
		b.notef("GPUs of %s ignored: the target has no GPU (%s)", b.t.GPUs[0].Origin, b.t.CPU.Origin)
	}
	b.t.Driver, b.t.GPUs = VersionValue{}, nil
	return nil
}

// platform reconciles the platform tag with glibc. A linux_<arch> tag takes the glibc
// version; otherwise, when the two disagree, the higher-precedence one wins and the other
// is rewritten or dropped, with a note. One source saying both differently is an error.
func (b *targetBuilder) platform() error {
	plat, glibc := &b.t.Platform.Value, &b.t.GLibc.Value
	if !plat.Known() {
		return nil
	}
	p, err := pep425.ParsePlatform(plat.Text)
	if err != nil {
		return originError(plat.Origin, "%v", err)
	}
	if tag := p.String(); tag != plat.Text { // a legacy name: manylinux2014_x86_64
		b.notef("platform %s (%s) is %s", plat.Text, plat.Origin, tag)
		plat.Text = tag
	}
	withGlibc := func() (string, error) {
		v, err := glibcVersion(glibc.Text)
		if err != nil {
			return "", originError(glibc.Origin, "%v", err)
		}
		q := pep425.Platform{OS: pep425.Linux, Arch: p.Arch, Glibc: v}
		if err := q.Validate(); err != nil {
			return "", originError(glibc.Origin, "glibc %s on %s: %v", glibc.Text, p.Arch, err)
		}
		return q.String(), nil
	}
	hasGlibc := !p.Glibc.IsZero()
	switch {
	case !glibc.Known():
		if hasGlibc {
			*glibc = Value{Text: p.Glibc.String(), Origin: plat.Origin}
		}
		return nil
	case hasGlibc && p.Glibc.String() == glibc.Text:
		return nil
	case p.OS == pep425.Linux && p.Musl.IsZero() && !hasGlibc:
		plat.Text, err = withGlibc()
		return err
	case plat.Origin.From == glibc.Origin.From:
		return originError(glibc.Origin, "glibc %s disagrees with platform %s (%s)", glibc.Text, plat.Text, plat.Origin)
	case glibc.Origin.From < plat.Origin.From && p.OS == pep425.Linux:
		old := plat.Text
		if plat.Text, err = withGlibc(); err != nil {
			return err
		}
		b.notef("platform %s (%s) rewritten to %s for glibc %s (%s)", old, plat.Origin, plat.Text, glibc.Text, glibc.Origin)
	case glibc.Origin.From < plat.Origin.From:
		b.notef("platform %s (%s) dropped: glibc %s (%s) says the target is Linux", plat.Text, plat.Origin, glibc.Text, glibc.Origin)
		*plat = Value{}
	case hasGlibc:
		b.notef("glibc %s (%s) replaced by %s from platform %s (%s)", glibc.Text, glibc.Origin, p.Glibc, plat.Text, plat.Origin)
		*glibc = Value{Text: p.Glibc.String(), Origin: plat.Origin}
	default:
		b.notef("glibc %s (%s) dropped: platform %s (%s) has no glibc", glibc.Text, glibc.Origin, plat.Text, plat.Origin)
		*glibc = Value{}
	}
	return nil
}

func (b *targetBuilder) python() {
	if v := b.t.Python; v.Known() && strings.Count(v.Text, ".") == 1 {
		version, _ := splitFreeThreaded(v.Text)
		b.notef("python %s (%s) has no patch version: it compares as %s.0, so Requires-Python such as >=%s.4 excludes it; give the full version (%s.x) to check such bounds", v.Text, v.Origin, version, version, version)
	}
}

// gpus fills each GPU's compute capability: detected, written as one (sm_90, 9.0), or
// looked up by model name in the matrix. A model the matrix does not know is an input
// error where the user wrote it (a GPU that constrains nothing would make any verdict
// "ok"), with the nearest model names; a detected one stays unknown, with a note.
func (b *targetBuilder) gpus() error {
	gpus := make([]GPU, 0, len(b.t.GPUs))
	for _, g := range b.t.GPUs {
		switch cc, ok := readCapability(g.Name); {
		case g.Capability != "":
		case ok:
			g.Capability = cc
		default:
			cc, ok := b.cat.GPUCapability(g.Name)
			switch {
			case ok:
				g.Capability = cc
			case g.Origin.From == FromDetection:
				b.notef("GPU %q (%s) is not in the matrix: it constrains nothing; give its compute capability (sm_XY)", g.Name, g.Origin)
			default:
				msg := fmt.Sprintf("GPU %q is not a model depsolve knows", g.Name)
				if strings.ContainsAny(g.Name, ",;/+&") {
					// The matrix finds no model in a name that holds two.
					return originError(g.Origin, "%s: a GPU entry names one GPU; give each GPU of a fleet its own (--gpu A100 --gpu H100, or gpus = [\"A100\", \"H100\"])", msg)
				}
				if near := nearestGPUNames(g.Name, b.cat.GPUNames()); len(near) > 0 {
					msg += "; did you mean " + quotedList(near) + "?"
				}
				return originError(g.Origin, "%s (give its compute capability as sm_XY, e.g. sm_90, if it is not listed)", msg)
			}
		}
		gpus = append(gpus, g)
	}
	if len(gpus) > 0 {
		b.t.GPUs = gpus
	}
	return nil
}

// parse reads each known value once, for the solver and the matrix: the versions, the
// platform tag and the GPUs' compute capabilities. Every value was checked when it was
// picked, so an error here means a check let through what the parser refuses.
func (b *targetBuilder) parse() error {
	for _, v := range []*VersionValue{&b.t.Python, &b.t.Driver, &b.t.CUDA, &b.t.GLibc} {
		if !v.Known() {
			continue
		}
		text := v.Text
		if v == &b.t.Python {
			text, b.t.FreeThreaded = splitFreeThreaded(text)
		}
		pv, err := pep440.Parse(text)
		if err != nil {
			return originError(v.Origin, "%v", err)
		}
		v.Version = pv
	}
	if p := &b.t.Platform; p.Known() {
		pp, err := pep425.ParsePlatform(p.Text)
		if err != nil {
			return originError(p.Origin, "%v", err)
		}
		p.Platform = pp
	}
	for _, g := range b.t.GPUs {
		if g.Capability == "" {
			continue // unknown capability
		}
		v, err := pep440.Parse(g.Capability)
		if err != nil {
			return originError(g.Origin, "GPU %q: compute capability %v", g.Name, err)
		}
		out := b.t.capabilities
		i := sort.Search(len(out), func(i int) bool { return out[i].Compare(v) >= 0 })
		if i < len(out) && out[i].Equal(v) {
			continue
		}
		b.t.capabilities = append(out[:i], append([]pep440.Version{v}, out[i:]...)...)
	}
	return nil
}

// Capabilities are the distinct known compute capabilities of the fleet, lowest first.
func (t *Target) Capabilities() []pep440.Version { return slices.Clone(t.capabilities) }

// virtualPackages are the target as the solver sees it: each known value as a package with
// exactly one version (VirtualPython …, VirtualGPU(i) for the i-th distinct compute
// capability, lowest first). Unknown values have no package.
func (t *Target) virtualPackages() map[string]pep440.Version {
	out := map[string]pep440.Version{}
	for name, v := range map[string]VersionValue{VirtualPython: t.Python, VirtualDriver: t.Driver, VirtualCUDA: t.CUDA, VirtualGlibc: t.GLibc} {
		if v.Known() {
			out[name] = v.Version
		}
	}
	for i, cc := range t.capabilities {
		out[VirtualGPU(i)] = cc
	}
	return out
}

// pythonImplementations maps implementation_name to platform_python_implementation.
var pythonImplementations = map[string]string{
	"cpython": "CPython", "pypy": "PyPy", "graalpy": "GraalVM", "ironpython": "IronPython", "jython": "Jython",
}

// MarkerEnvironment is the PEP 508 environment of the target. It holds only what the target
// knows: with an unknown platform there is no sys_platform, and so on. platform_release and
// platform_version (the kernel) are never known for a target and never present; pep508
// reports a marker that reads an absent variable as *pep508.UndefinedNameError, and the
// caller decides what that means (depsolve treats it as "this marker is unknown").
func (t *Target) MarkerEnvironment() pep508.Environment {
	env := pep508.Environment{}
	if t.Python.Known() {
		release := t.Python.Version.Release() // two or three numbers: checkPython
		env["python_version"] = fmt.Sprintf("%d.%d", release[0], release[1])
		env["python_full_version"] = t.Python.Version.String()
	}
	if impl := t.Implementation.Text; impl != "" {
		env["implementation_name"] = impl
		if name, ok := pythonImplementations[impl]; ok {
			env["platform_python_implementation"] = name
		}
		if impl == "cpython" && t.Python.Known() {
			env["implementation_version"] = t.Python.Version.String()
		}
	}
	if t.Platform.Known() {
		maps.Copy(env, platformMarkers(t.Platform.Platform))
	}
	return env
}

// Setting is one line of `depsolve env`.
type Setting struct {
	Name   string // "python", "platform", "glibc", "driver", "gpu", "cuda", "base-image", …
	Value  string // "" when unknown
	Origin Origin // zero when unknown
}

// Settings lists the target for `depsolve env`: every setting, known or not, in a fixed
// order; one "gpu" line per model ("NVIDIA H100 80GB HBM3 ×8, sm 9.0").
func (t *Target) Settings() []Setting {
	line := func(name string, v Value) Setting { return Setting{Name: name, Value: v.Text, Origin: v.Origin} }
	out := []Setting{
		line("python", t.Python.Value),
		line("implementation", t.Implementation),
		line("platform", t.Platform.Value),
		line("glibc", t.GLibc.Value),
	}
	switch {
	case t.CPU.On:
		out = append(out, Setting{Name: "gpu", Value: "none (CPU only)", Origin: t.CPU.Origin})
	case len(t.GPUs) == 0:
		out = append(out, line("driver", t.Driver.Value), Setting{Name: "gpu"})
	default:
		out = append(out, line("driver", t.Driver.Value))
		for _, g := range t.GPUs {
			text := g.Name
			if g.Count > 1 {
				text += fmt.Sprintf(" ×%d", g.Count)
			}
			if g.Capability != "" && g.Capability != g.Name {
				text += ", compute capability " + g.Capability
			} else if g.Capability == "" {
				text += ", compute capability unknown"
			}
			out = append(out, Setting{Name: "gpu", Value: text, Origin: g.Origin})
		}
	}
	out = append(out, line("cuda", t.CUDA.Value))
	if t.CuDNN.Known() {
		out = append(out, line("cudnn", t.CuDNN))
	}
	out = append(out, line("base-image", t.BaseImage))
	if t.Dockerfile.Known() {
		out = append(out, line("dockerfile", t.Dockerfile))
	}
	return out
}

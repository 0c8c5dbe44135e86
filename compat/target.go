// Package compat holds what depsolve knows beyond Python packaging: the target a lock is
// for, and the curated compatibility matrix (matrix.go says how the matrix is loaded and
// turned into rules). This comment covers the target.
//
// # The target
//
// A Target is the Python version and implementation, the wheel platform (OS, architecture,
// libc), the glibc version, the NVIDIA driver, the GPUs of the fleet (each a compute
// capability), and the CUDA toolkit of the base image. Each value carries its Origin. The
// solver sees the known values as virtual packages with one version each: @python
// (3.11.9), @driver (535.104.05, which PEP 440 prints as 535.104.5), @cuda (12.4.1),
// @glibc (2.35) and @gpu:0, @gpu:1, … one per distinct compute capability, lowest first.
// An unknown value has no package and constrains nothing; `depsolve env` prints it as
// unknown. A CPU-only target (--cpu, cpu = true, or detection finding no GPU) has neither
// @driver nor @gpu packages.
//
// Values come from, in this order of precedence (the first that gives a value wins):
//
//  1. flags: --python, --platform, --glibc, --driver, --gpu NAME|sm_XY (repeatable),
//     --cuda, --cpu, --base-image, --dockerfile;
//  2. depsolve.toml;
//  3. [tool.depsolve] in pyproject.toml;
//  4. the base image: what nvidia/cuda:TAG, python:TAG, ubuntu, debian, rockylinux and ubi
//     images imply (CUDA toolkit, glibc, Python); the base image itself is the one named
//     by the first of the sources above, as base-image or as the final FROM of a Dockerfile;
//  5. --detect: nvidia-smi, /proc/driver/nvidia/version, the local python3, getconf/ldd;
//  6. defaults: implementation cpython.
//
// The base image outranks detection because it describes the container the packages
// install into, while detection describes the host: for glibc and Python the image is the
// truth, and the driver and GPUs, which only the host knows, are never implied by an image.
//
// The platform and glibc are reconciled: linux_x86_64 with glibc 2.35 is
// manylinux_2_35_x86_64; when a platform tag and a glibc from different sources disagree,
// the higher-precedence one wins and the other is rewritten or dropped, with a note; from
// one source, it is an error. A Linux image's architecture is the Dockerfile's FROM
// --platform, else that of a detected Linux platform (Docker builds for the host), else
// x86_64, assumed with a note. A Python version without a patch level ("3.11") is kept as
// written and compares as 3.11.0, with a note.
//
// The PEP 508 marker environment (MarkerEnvironment) holds python_version,
// python_full_version, implementation_name, platform_python_implementation,
// implementation_version (CPython only), sys_platform, platform_system, os_name and
// platform_machine, as CPython reports them on such a machine, for the values the target
// knows. platform_release and platform_version describe a kernel, which a target never
// pins: they are always absent, and pep508 reports a marker reading them as undefined.
//
// # Configuration
//
// depsolve.toml, or the [tool.depsolve] table of pyproject.toml (same keys):
//
//	index-url = "https://pypi.org/simple"
//	extra-index-url = ["https://download.pytorch.org/whl/cu124"]
//	find-links = ["./wheels"]          # relative paths are relative to the file's folder
//	index-strategy = "first-index"     # or "unsafe-best-match"
//	timeout = 60                       # seconds per index request, or a duration: "90s"
//
//	[target]
//	python = "3.11.9"                  # or "3.11"
//	platform = "manylinux_2_35_x86_64" # also musllinux_1_2_aarch64, linux_x86_64, macosx_14_0_arm64, win_amd64
//	glibc = "2.35"
//	driver = "550.54.15"
//	gpus = ["H100", "sm_80"]           # model names as nvidia-smi prints them, or sm_XY / X.Y
//	cuda = "12.4.1"                    # the image's CUDA toolkit
//	base-image = "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04"
//	dockerfile = "Dockerfile"          # instead of base-image: its final FROM
//	cpu = false                        # true: no GPU
//
// Every value is a string except cpu (a boolean), timeout (also a number) and the lists. An unknown key, a wrong
// type or a malformed value is an error that names file:line:col and shows the line.
//
// # Detection
//
// --detect runs `nvidia-smi --query-gpu=driver_version,compute_cap,name --format=csv`.
// A driver older than 510 rejects the compute_cap field; detection asks again without it
// and names the capability from the matrix's GPU models. "No devices were found" (exit 6)
// means no GPU. When nvidia-smi is missing or fails (the driver does not answer: exit 9;
// a library/driver mismatch: exit 18; a hang: a 20 s timeout), the driver version is read
// from /proc/driver/nvidia/version and the GPUs stay unknown; with neither, the machine has
// no NVIDIA driver and is CPU-only. MIG mode changes nothing: --query-gpu lists physical
// GPUs. python3 gives the Python version, implementation and platform; `getconf
// GNU_LIBC_VERSION`, else `ldd --version`, gives glibc (or musl). Every failure is a
// warning naming the probe, and its values stay unknown.
//
// # Base images
//
// A reference is [registry/]repository[:tag][@digest]; docker.io and nvcr.io spellings of
// nvidia/cuda are the same image. A digest alone cannot say what the image holds and is an
// error: give the tag too. nvidia/cuda tags give the CUDA toolkit and, through the OS part
// (ubuntu22.04), glibc. Docker Hub python tags give the Python version, and glibc when the
// tag names the Debian release (python:3.11-slim-bookworm: glibc 2.36) or musl 1.2 for
// Alpine 3.13 and later; a tag without a release follows whatever Debian is current, so
// its glibc stays unknown. A Dockerfile's final stage is followed through stage aliases,
// and ARGs declared before the first FROM are substituted with their defaults (depsolve
// takes no --build-arg). Other images imply nothing, with a note.
package compat

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
)

// Precedence is the order in which sources win, as `depsolve env` prints it.
const Precedence = "flags > depsolve.toml > pyproject.toml [tool.depsolve] > base image > --detect > defaults"

// Target is the machine and image a lock is for, merged from every source, each value
// with its origin. A value with empty Text is unknown and constrains nothing.
type Target struct {
	Python         Value // "3.11.9"; "3.11" when only the minor version was given
	Implementation Value // "cpython"
	Platform       Value // a wheel platform tag: "manylinux_2_35_x86_64"
	GLibc          Value // "2.35"
	Driver         Value // "535.104.05", as written (the solver sees 535.104.5)
	CUDA           Value // the image's CUDA toolkit: "12.4.1"
	CuDNN          Value // the cuDNN major of an nvidia/cuda base image: "9"; for display
	BaseImage      Value // "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04"
	Dockerfile     Value // the Dockerfile the base image was read from, if any
	GPUs           []GPU // the fleet, one entry per model; Capability "" when unknown
	CPU            Toggle
	// Notes say what the user should know about the target: values depsolve could not
	// read, values it overrode or rewrote, and what it assumed.
	Notes []string
}

// BuildTarget merges declarations (flags, config files, detection) into a target. For each
// value the source first in Precedence wins; the order of decls matters only between
// declarations of one kind of source. The winning base image (base-image, or the final
// FROM of dockerfile) adds what the image implies, read through the matrix. Malformed
// values, contradictions within one source and GPU models the matrix does not know are
// *InputError; unknown detected GPU models and base images are notes in Target.Notes, and
// their values stay unknown.
func BuildTarget(m *Matrix, decls ...Declaration) (*Target, error) {
	return buildTarget(m, decls)
}

func buildTarget(cat catalog, decls []Declaration) (*Target, error) {
	b := &targetBuilder{cat: cat, decls: decls}
	if err := b.baseImage(); err != nil {
		return nil, err
	}
	for _, step := range []func() error{b.scalars, b.gpuFacts, b.platform} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	b.python()
	if err := b.gpus(); err != nil {
		return nil, err
	}
	return &b.t, nil
}

type targetBuilder struct {
	cat   catalog
	decls []Declaration
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
	case FromConfig, FromPyproject:
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
		return nil
	case image.Known() && dockerfile.Known() && image.Origin.From == dockerfile.Origin.From:
		return originError(dockerfile.Origin, "give a base image or a Dockerfile, not both (base image %s, %s)", image.Text, image.Origin)
	case dockerfile.Known() && (!image.Known() || dockerfile.Origin.From < image.Origin.From):
		data, err := os.ReadFile(dockerfile.Text)
		if err != nil {
			return originError(dockerfile.Origin, "%v", err)
		}
		base, err := parseDockerfile(dockerfile.Text, data)
		if err != nil {
			return err
		}
		b.t.Dockerfile = dockerfile
		b.t.BaseImage = Value{Text: base.Image, Origin: dockerfile.Origin}
		origin.Pos = Position{File: base.Pos.File, Line: base.Pos.Line}
		origin.Detail = base.Image
		it, err := baseImageTarget(base.Image, origin, base.Platform, b.cat)
		if err != nil {
			return &InputError{Pos: base.Pos, Msg: err.Error()}
		}
		b.imageImplies(it, origin)
		return nil
	}
	b.t.BaseImage = image
	origin.Detail = image.Text
	it, err := baseImageTarget(image.Text, origin, "", b.cat)
	if err != nil {
		return originError(image.Origin, "%v", err)
	}
	b.imageImplies(it, origin)
	return nil
}

func (b *targetBuilder) imageImplies(it imageTarget, origin Origin) {
	b.t.Notes = append(b.t.Notes, it.notes...)
	if it.cudnn != "" {
		b.t.CuDNN = Value{Text: it.cudnn, Origin: origin}
	}
	if it.linux {
		b.imagePlatform(&it, origin)
	}
	b.decls = append(b.decls, it.decl)
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
	if p, err := parsePlatform(other.Text); arch == "" && err == nil && p.os == "linux" {
		arch = p.arch
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

func (b *targetBuilder) scalars() error {
	for _, f := range []struct {
		dst      *Value
		get      func(*Declaration) Value
		validate func(string) error
	}{
		{&b.t.Implementation, func(d *Declaration) Value { return d.Implementation }, nil},
		{&b.t.Driver, func(d *Declaration) Value { return d.Driver }, checkDriver},
		{&b.t.CUDA, func(d *Declaration) Value { return d.CUDA }, checkCUDA},
		{&b.t.GLibc, func(d *Declaration) Value { return d.GLibc }, checkGLibc},
		{&b.t.Platform, func(d *Declaration) Value { return d.Platform }, checkPlatform},
		{&b.t.Python, func(d *Declaration) Value { return d.Python }, checkPython},
	} {
		v := b.pick(f.get)
		if v.Known() && f.validate != nil {
			if err := f.validate(v.Text); err != nil {
				return originError(v.Origin, "%v", err)
			}
		}
		*f.dst = v
	}
	if !b.t.Implementation.Known() {
		b.t.Implementation = Value{Text: "cpython", Origin: Origin{From: FromDefault}}
	}
	return nil
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
	b.t.Driver, b.t.GPUs = Value{}, nil
	return nil
}

// platform reconciles the platform tag with glibc. A linux_<arch> tag takes the glibc
// version; otherwise, when the two disagree, the higher-precedence one wins and the other
// is rewritten or dropped, with a note. One source saying both differently is an error.
func (b *targetBuilder) platform() error {
	plat, glibc := &b.t.Platform, &b.t.GLibc
	if !plat.Known() {
		return nil
	}
	p, _ := parsePlatform(plat.Text)      // validated by scalars
	if tag := p.tag(); tag != plat.Text { // a legacy name: manylinux2014_x86_64
		b.notef("platform %s (%s) is %s", plat.Text, plat.Origin, tag)
		plat.Text = tag
	}
	switch {
	case !glibc.Known():
		if p.libc == "glibc" {
			*glibc = Value{Text: p.libcVersion, Origin: plat.Origin}
		}
		return nil
	case p.libc == "glibc" && p.libcVersion == glibc.Text:
		return nil
	case p.os == "linux" && p.libc == "":
		p.libc, p.libcVersion = "glibc", glibc.Text
		plat.Text = p.tag()
		return nil
	case plat.Origin.From == glibc.Origin.From:
		return originError(glibc.Origin, "glibc %s disagrees with platform %s (%s)", glibc.Text, plat.Text, plat.Origin)
	case glibc.Origin.From < plat.Origin.From && p.os == "linux":
		old := plat.Text
		p.libc, p.libcVersion = "glibc", glibc.Text
		plat.Text = p.tag()
		b.notef("platform %s (%s) rewritten to %s for glibc %s (%s)", old, plat.Origin, plat.Text, glibc.Text, glibc.Origin)
	case glibc.Origin.From < plat.Origin.From:
		b.notef("platform %s (%s) dropped: glibc %s (%s) says the target is Linux", plat.Text, plat.Origin, glibc.Text, glibc.Origin)
		*plat = Value{}
	case p.libc == "glibc":
		b.notef("glibc %s (%s) replaced by %s from platform %s (%s)", glibc.Text, glibc.Origin, p.libcVersion, plat.Text, plat.Origin)
		*glibc = Value{Text: p.libcVersion, Origin: plat.Origin}
	default:
		b.notef("glibc %s (%s) dropped: platform %s (%s) has no glibc", glibc.Text, glibc.Origin, plat.Text, plat.Origin)
		*glibc = Value{}
	}
	return nil
}

func (b *targetBuilder) python() {
	if v := b.t.Python; v.Known() && strings.Count(v.Text, ".") == 1 {
		b.notef("python %s (%s) has no patch version: it compares as %s.0, so Requires-Python such as >=%s.4 excludes it; give the full version (%s.x) to check such bounds", v.Text, v.Origin, v.Text, v.Text, v.Text)
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
			cc, ok := b.cat.gpuCapability(g.Name)
			switch {
			case ok:
				g.Capability = cc
			case g.Origin.From == FromDetection:
				b.notef("GPU %q (%s) is not in the matrix: it constrains nothing; give its compute capability (sm_XY)", g.Name, g.Origin)
			default:
				msg := fmt.Sprintf("GPU %q is not a model depsolve knows", g.Name)
				if near := nearestGPUNames(g.Name, b.cat.gpuNames()); len(near) > 0 {
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

// Capabilities are the distinct known compute capabilities of the fleet, lowest first.
func (t *Target) Capabilities() []pep440.Version {
	var out []pep440.Version
	for _, g := range t.GPUs {
		v, err := pep440.Parse(g.Capability)
		if err != nil {
			continue // unknown capability
		}
		i := sort.Search(len(out), func(i int) bool { return out[i].Compare(v) >= 0 })
		if i < len(out) && out[i].Equal(v) {
			continue
		}
		out = append(out[:i], append([]pep440.Version{v}, out[i:]...)...)
	}
	return out
}

// virtualPackages are the target as the solver sees it: each known value as a package with
// exactly one version (VirtualPython …, VirtualGPU(i) for the i-th distinct compute
// capability, lowest first). Unknown values have no package.
func (t *Target) virtualPackages() map[string]pep440.Version {
	out := map[string]pep440.Version{}
	for name, v := range map[string]Value{VirtualPython: t.Python, VirtualDriver: t.Driver, VirtualCUDA: t.CUDA, VirtualGlibc: t.GLibc} {
		if !v.Known() {
			continue
		}
		if pv, err := pep440.Parse(v.Text); err == nil { // validated when built
			out[name] = pv
		}
	}
	for i, cc := range t.Capabilities() {
		out[VirtualGPU(i)] = cc
	}
	return out
}

// Facts is what the matrix rules need of the target (see (*Matrix).ForTarget). Machine
// uses the Linux names for every OS: x86_64 for amd64, aarch64 for arm64.
func (t *Target) Facts() TargetFacts {
	f := TargetFacts{Python: t.Python.Text, Driver: t.Driver.Text, CUDA: t.CUDA.Text, Glibc: t.GLibc.Text, CPU: t.CPU.On}
	if p, err := parsePlatform(t.Platform.Text); err == nil {
		f.OS = p.os
		f.Machine = map[string]string{"amd64": "x86_64", "arm64": "aarch64", "win32": "i686"}[p.arch]
		if f.Machine == "" {
			f.Machine = p.arch
		}
	}
	for _, cc := range t.Capabilities() {
		f.GPUs = append(f.GPUs, cc.String())
	}
	return f
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
		major, rest, _ := strings.Cut(t.Python.Text, ".")
		minor := rest[:len(rest)-len(strings.TrimLeft(rest, "0123456789"))] // "14" of "14.0rc1", "14rc1"
		env["python_version"] = major + "." + minor
		env["python_full_version"] = t.Python.Text
	}
	if impl := t.Implementation.Text; impl != "" {
		env["implementation_name"] = impl
		if name, ok := pythonImplementations[impl]; ok {
			env["platform_python_implementation"] = name
		}
		if impl == "cpython" && t.Python.Known() {
			env["implementation_version"] = t.Python.Text
		}
	}
	if p, err := parsePlatform(t.Platform.Text); err == nil {
		for k, v := range p.markers() {
			env[k] = v
		}
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
		line("python", t.Python),
		line("implementation", t.Implementation),
		line("platform", t.Platform),
		line("glibc", t.GLibc),
	}
	switch {
	case t.CPU.On:
		out = append(out, Setting{Name: "gpu", Value: "none (CPU only)", Origin: t.CPU.Origin})
	case len(t.GPUs) == 0:
		out = append(out, line("driver", t.Driver), Setting{Name: "gpu"})
	default:
		out = append(out, line("driver", t.Driver))
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
	out = append(out, line("cuda", t.CUDA))
	if t.CuDNN.Known() {
		out = append(out, line("cudnn", t.CuDNN))
	}
	out = append(out, line("base-image", t.BaseImage))
	if t.Dockerfile.Known() {
		out = append(out, line("dockerfile", t.Dockerfile))
	}
	return out
}

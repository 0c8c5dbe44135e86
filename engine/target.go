package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/depsolve/depsolve/lockfile"
	"github.com/depsolve/depsolve/matrix"
	"github.com/depsolve/depsolve/pep425"
	"github.com/depsolve/depsolve/reqfile"
	"github.com/depsolve/depsolve/target"
)

// Defaults for a target that names no Python or platform. They are fixed, not taken from
// the machine depsolve runs on, so that a CI runner and a laptop lock the same files:
// CPython 3.12, and Linux x86_64 with glibc 2.35 (Ubuntu 22.04, which the nvidia/cuda
// images of CUDA 12 are built on). Env and the verdict say when they apply.
const (
	DefaultPython   = "3.12"
	DefaultPlatform = "manylinux_2_35_x86_64"
)

// loadConfigs reads the configuration file given (--config), or depsolve.toml and
// [tool.depsolve] in the current folder.
func loadConfigs(path string) ([]*target.Config, error) {
	if path == "" {
		return target.LoadConfigs(".")
	}
	data, err := reqfile.ReadFile(path)
	if err != nil {
		return nil, &target.InputError{Flag: "--config", Msg: fileProblem(path, err)}
	}
	c, err := target.ParseConfig(path, data)
	if err != nil || c == nil {
		return nil, err
	}
	return []*target.Config{c}, nil
}

// buildTarget merges the request's declaration, config files, the targets that lock
// inputs record and detection into the target, with depsolve's defaults for the Python
// version and the platform where no source gives one. It also says where the flags
// replaced a value a lock records.
func buildTarget(ctx context.Context, r Reporter, req *Request, m *matrix.Matrix, configs []*target.Config, files []*reqfile.File, read target.ImageReader) (*target.Target, []Warning, error) {
	if df := req.Target.Dockerfile; df.Known() {
		if fi, err := lookAt(df.Text); err != nil || fi.IsDir() {
			return nil, nil, originError(df.Origin, "", errors.New(fileProblem(df.Text, err)))
		}
	}
	decls := []target.Declaration{req.Target}
	for _, c := range configs {
		decls = append(decls, c.Target)
	}
	var locks []target.Declaration
	for _, file := range files {
		d, err := lockTarget(r, file)
		if err != nil {
			return nil, nil, err
		}
		decls = append(decls, d)
		locks = append(locks, d)
	}
	if req.Detect {
		d, warnings := target.Detect(ctx, target.LocalSystem{}, m.Catalog())
		for _, w := range warnings {
			r.Warn(fmt.Sprintf("detect: %s", w))
		}
		decls = append(decls, d)
	}
	t, err := target.BuildReading(m.Catalog(), target.Defaults{Python: DefaultPython, Platform: DefaultPlatform}, read, decls...)
	if err != nil {
		return nil, nil, err
	}
	var overrides []Warning
	for _, d := range locks {
		overrides = append(overrides, lockOverrides(t, d)...)
	}
	return t, overrides, nil
}

// wheelTarget is the target as the index needs it to choose files.
func wheelTarget(t *target.Target) (pep425.Target, error) {
	switch {
	case !t.Python.Known():
		return pep425.Target{}, &target.InputError{Msg: "the target has no Python version: give --python"}
	case !t.Platform.Known():
		return pep425.Target{}, &target.InputError{Msg: "the target has no platform: give --platform"}
	}
	release := t.Python.Version.Release() // MAJOR.MINOR at least: the builder checked it
	py := pep425.Python{Major: release[0], Minor: release[1], FreeThreaded: t.FreeThreaded}
	if err := py.Validate(); err != nil {
		return pep425.Target{}, originError(t.Python.Origin, "python "+t.Python.Text, err)
	}
	wt := pep425.Target{Python: py, Platform: t.Platform.Platform}
	if err := wt.Validate(); err != nil {
		return pep425.Target{}, &target.InputError{Msg: err.Error()}
	}
	return wt, nil
}

// originError places err about a target value at the flag or the file line it came
// from; what, when given, names the value.
func originError(o target.Origin, what string, err error) error {
	e := &target.InputError{Msg: err.Error()}
	if what != "" {
		e.Msg = what + ": " + e.Msg
	}
	switch o.From {
	case target.FromFlag:
		e.Flag = o.Detail
	case target.FromConfig, target.FromPyproject, target.FromLock:
		e.Pos = o.Pos
	}
	return e
}

// GPUSummary names a GPU as the verdict and messages write it: "2× H100 (sm_90)",
// "RTX 4090 (sm_89)", "sm_80", "X1 (compute capability unknown)".
func GPUSummary(g target.GPU) string {
	s := g.Name
	if g.Count > 1 {
		s = fmt.Sprintf("%d× %s", g.Count, s)
	}
	sm := "sm_" + strings.ReplaceAll(g.Capability, ".", "")
	switch {
	case g.Capability == "":
		s += " (compute capability unknown)"
	case g.Name != sm && g.Name != g.Capability:
		s += " (" + sm + ")"
	}
	return s
}

// targetFields is the target as a lockfile's header and [tool.depsolve] record it.
func targetFields(t *target.Target) []lockfile.Field {
	var out []lockfile.Field
	add := func(name string, v target.Value) {
		if v.Known() {
			out = append(out, lockfile.Field{Name: name, Value: v.Text})
		}
	}
	add("python", t.Python.Value)
	add("platform", t.Platform.Value)
	add("glibc", t.GLibc.Value)
	switch {
	case t.CPU.On:
		out = append(out, lockfile.Field{Name: "gpu", Value: "none"})
	default:
		add("driver", t.Driver.Value)
		if len(t.GPUs) > 0 {
			out = append(out, lockfile.Field{Name: "gpus", Value: writeLockedGPUs(t.GPUs)})
		}
	}
	add("cuda", t.CUDA.Value)
	add("base-image", t.BaseImage)
	return out
}

// lockTarget reads back the target a lock input records (what targetFields wrote): the
// header of a requirements lock, or [tool.depsolve] of a pylock.toml, each value with
// its place in the file as origin. It ranks just below the flags (target.FromLock): a
// lock is checked on the target it was made for unless a flag says otherwise. Keys it
// does not know (a later depsolve's) are warned about and skipped.
func lockTarget(r Reporter, f *reqfile.File) (target.Declaration, error) {
	var d target.Declaration
	fields := f.TargetHeader
	where := "the lock's target"
	fail := func(fd reqfile.HeaderField, msg, hint string) error { return fd.Error(msg, hint) }
	if f.Format == reqfile.FormatPylock {
		t := f.Tool
		if t == nil {
			return d, nil
		}
		fields, where = nil, "[tool.depsolve]"
		for _, key := range slices.Sorted(maps.Keys(t.Values)) {
			text, ok := t.Values[key].(string)
			if !ok {
				return d, t.Error(key+" must be a string, as depsolve lock writes it", "run depsolve lock again to rewrite the lock", key)
			}
			fields = append(fields, reqfile.HeaderField{Name: key, Value: text, Pos: t.Pos(key)})
		}
		fail = func(fd reqfile.HeaderField, msg, hint string) error { return t.Error(msg, hint, fd.Name) }
	}
	seen := map[string]reqfile.Position{}
	for _, fd := range fields {
		v := target.Value{Text: fd.Value, Origin: target.Origin{From: target.FromLock, Pos: fd.Pos}}
		if first, twice := seen[fd.Name]; twice {
			// Read as the last one, a hand edit or a bad merge would change the target unseen.
			return d, fail(fd, fmt.Sprintf("%s is given twice in %s (first at %s)", fd.Name, where, first), "keep one of the two lines, or run depsolve lock again to rewrite the lock's target")
		}
		seen[fd.Name] = fd.Pos
		switch {
		case fd.Name == fleetField: // not a target value: recordedFleet reads it
		case fd.Name == "gpu" && fd.Value != "none":
			return d, fail(fd, `gpu = "`+fd.Value+`": depsolve lock writes gpu = "none" for a target without a GPU, and its GPUs under gpus`, "")
		case fd.Name == "gpus":
			gpus, err := readLockedGPUs(fd.Value, v.Origin)
			if err != nil {
				return d, fail(fd, "gpus: "+err.Error(), "run depsolve lock again to rewrite the lock's target")
			}
			d.GPUs = gpus
		case !declareLocked(&d, fd.Name, v):
			r.Warn(fmt.Sprintf("%s: %s names %q, not a target setting this depsolve knows; skipped", fd.Pos, where, fd.Name))
		}
	}
	return d, nil
}

// WarningLockTargetOverridden is the code of a flag that changes a value of the target
// a lock input records: the lock is then checked on another target than it was made for.
const WarningLockTargetOverridden = "lock-target-overridden"

// lockOverrides says which values of the target a lock records the flags replaced in t.
func lockOverrides(t *target.Target, lock target.Declaration) []Warning {
	var out []Warning
	say := func(flag, now, recorded string, at target.Position) {
		out = append(out, Warning{Code: WarningLockTargetOverridden, Message: fmt.Sprintf(
			"%s %s replaces the lock's %s (%s): the lock is checked on a target it was not made for", flag, now, recorded, at)})
	}
	scalar := func(what string, recorded target.Value, final target.Value) {
		if recorded.Known() && final.Origin.From == target.FromFlag && final.Text != recorded.Text {
			say(final.Origin.Detail, final.Text, what+" "+recorded.Text, recorded.Origin.Pos)
		}
	}
	scalar("python", lock.Python, t.Python.Value)
	scalar("platform", lock.Platform, t.Platform.Value)
	scalar("glibc", lock.GLibc, t.GLibc.Value)
	scalar("driver", lock.Driver, t.Driver.Value)
	scalar("cuda", lock.CUDA, t.CUDA.Value)
	scalar("base-image", lock.BaseImage, t.BaseImage)
	recordedGPUs, finalGPUs := gpuList(lock.GPUs, lock.CPU), gpuList(t.GPUs, t.CPU)
	if recordedGPUs != "" && recordedGPUs != finalGPUs && flagGPUs(t) {
		at := lock.CPU.Origin.Pos
		if len(lock.GPUs) > 0 {
			at = lock.GPUs[0].Origin.Pos
		}
		flag := "--gpu"
		if t.CPU.On {
			flag = "--cpu"
		}
		say(flag, finalGPUs, "GPUs "+recordedGPUs, at)
	}
	return out
}

// gpuList names a target's GPUs as a lock's header does; "none" without a GPU.
func gpuList(gpus []target.GPU, cpu target.Toggle) string {
	if cpu.On {
		return "none"
	}
	var names []string
	for _, g := range gpus {
		names = append(names, GPUSummary(g))
	}
	return strings.Join(names, ", ")
}

func flagGPUs(t *target.Target) bool {
	return t.CPU.On && t.CPU.Origin.From == target.FromFlag ||
		len(t.GPUs) > 0 && t.GPUs[0].Origin.From == target.FromFlag
}

// declareLocked sets the scalar target value a lock records under name (what
// targetFields wrote), and reports whether name is one; lockTarget reads gpus.
func declareLocked(d *target.Declaration, name string, v target.Value) bool {
	switch name {
	case "python":
		d.Python = v
	case "platform":
		d.Platform = v
	case "glibc":
		d.GLibc = v
	case "driver":
		d.Driver = v
	case "cuda":
		d.CUDA = v
	case "base-image":
		d.BaseImage = v
	case "gpu": // "none"
		d.CPU = target.Toggle{Set: true, On: true, Origin: v.Origin}
	default:
		return false
	}
	return true
}

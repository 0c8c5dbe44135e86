package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
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

// buildTarget merges the request's declaration, config files, the targets recorded in
// pylock.toml input files and detection into the target, with depsolve's defaults for
// the Python version and the platform where no source gives one.
func buildTarget(ctx context.Context, r Reporter, req *Request, m *matrix.Matrix, configs []*target.Config, files []*reqfile.File) (*target.Target, error) {
	if df := req.Target.Dockerfile; df.Known() {
		if fi, err := os.Stat(df.Text); err != nil || fi.IsDir() {
			return nil, originError(df.Origin, "", errors.New(fileProblem(df.Text, err)))
		}
	}
	decls := []target.Declaration{req.Target}
	for _, c := range configs {
		decls = append(decls, c.Target)
	}
	for _, file := range files {
		if !reqfile.IsPylock(file.Path) {
			continue
		}
		d, err := lockTarget(r, file)
		if err != nil {
			return nil, err
		}
		decls = append(decls, d)
	}
	if req.Detect {
		d, warnings := target.Detect(ctx, target.LocalSystem{}, m.Catalog())
		for _, w := range warnings {
			r.Warn(fmt.Sprintf("detect: %s", w))
		}
		decls = append(decls, d)
	}
	return target.Build(m.Catalog(), target.Defaults{Python: DefaultPython, Platform: DefaultPlatform}, decls...)
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
	py := pep425.Python{Major: release[0], Minor: release[1]}
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
	case target.FromConfig, target.FromPyproject:
		e.Pos = o.Pos
	}
	return e
}

// GPUSummary names a GPU as the verdict and a lock's header write it: "2× H100 (sm_90)",
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
		var gpus []string
		for _, g := range t.GPUs {
			gpus = append(gpus, GPUSummary(g))
		}
		if len(gpus) > 0 {
			out = append(out, lockfile.Field{Name: "gpus", Value: strings.Join(gpus, ", ")})
		}
	}
	add("cuda", t.CUDA.Value)
	add("base-image", t.BaseImage)
	return out
}

// lockTarget reads back the target a pylock.toml records under [tool.depsolve] (what
// targetFields wrote), each value with its place in the file as origin. It ranks with
// pyproject.toml's [tool.depsolve]: flags and depsolve.toml win over it. Keys it does
// not know (a later depsolve's) are warned about and skipped.
func lockTarget(r Reporter, f *reqfile.File) (target.Declaration, error) {
	var d target.Declaration
	t := f.Tool
	if t == nil {
		return d, nil
	}
	origin := func(key string) target.Origin {
		p := t.Pos(key)
		return target.Origin{From: target.FromPyproject, Pos: p}
	}
	for _, key := range slices.Sorted(maps.Keys(t.Values)) {
		text, ok := t.Values[key].(string)
		if !ok {
			return d, t.Error(key+" must be a string, as depsolve lock writes it", "run depsolve lock again to rewrite the lock", key)
		}
		v := target.Value{Text: text, Origin: origin(key)}
		switch {
		case key == "gpu" && text != "none":
			return d, t.Error(`gpu = "`+text+`": depsolve lock writes gpu = "none" for a target without a GPU, and its GPUs under gpus`, "", key)
		case !declareLocked(&d, key, v):
			r.Warn(fmt.Sprintf("%s: [tool.depsolve] key %q is not a target setting this depsolve knows; skipped", t.Pos(key), key))
		}
	}
	return d, nil
}

// declareLocked sets the target value a lock records under name (what targetFields
// wrote), and reports whether name is one.
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
	case "gpus":
		d.GPUs = parseGPUSummaries(v.Text, v.Origin)
	default:
		return false
	}
	return true
}

// parseGPUSummaries reads what GPUSummary wrote for each GPU, joined with ", ":
// "2× H100 (sm_90)", "RTX 4090 (sm_89)", "sm_80", "X1 (compute capability unknown)".
func parseGPUSummaries(text string, origin target.Origin) []target.GPU {
	var out []target.GPU
	for _, s := range strings.Split(text, ", ") {
		g := target.GPU{Name: strings.TrimSpace(s), Count: 1, Origin: origin}
		if n, rest, ok := strings.Cut(g.Name, "× "); ok {
			if count, err := strconv.Atoi(n); err == nil && count > 0 {
				g.Name, g.Count = rest, count
			}
		}
		if i := strings.LastIndex(g.Name, " ("); i > 0 && strings.HasSuffix(g.Name, ")") {
			name, detail := g.Name[:i], g.Name[i+2:len(g.Name)-1]
			digits, isSM := strings.CutPrefix(detail, "sm_")
			switch {
			case detail == "compute capability unknown":
				g.Name = name
			case isSM && len(digits) >= 2 && strings.Trim(digits, "0123456789") == "":
				g.Name, g.Capability = name, digits[:len(digits)-1]+"."+digits[len(digits)-1:]
			}
		}
		out = append(out, g)
	}
	return out
}

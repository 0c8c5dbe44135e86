package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/depsolve/depsolve/compat"
	"github.com/depsolve/depsolve/lockfile"
	"github.com/depsolve/depsolve/pep425"
	"github.com/depsolve/depsolve/reqfile"
)

// Defaults for a target that names no Python or platform. They are fixed, not taken from
// the machine depsolve runs on, so that a CI runner and a laptop lock the same files:
// CPython 3.12, and Linux x86_64 with glibc 2.35 (Ubuntu 22.04, which the nvidia/cuda
// images of CUDA 12 are built on). `depsolve env` and the verdict say when they apply.
const (
	defaultPython   = "3.12"
	defaultPlatform = "manylinux_2_35_x86_64"
	defaultGlibc    = "2.35"
)

// flagDeclaration is what the target flags say.
func (f *inputFlags) flagDeclaration() compat.Declaration {
	value := func(flag, text string) compat.Value {
		if text == "" {
			return compat.Value{}
		}
		return compat.Value{Text: text, Origin: compat.Origin{From: compat.FromFlag, Detail: "--" + flag}}
	}
	d := compat.Declaration{
		Python:     value("python", f.python),
		Platform:   value("platform", f.platform),
		GLibc:      value("glibc", f.glibc),
		Driver:     value("driver", f.driver),
		CUDA:       value("cuda", f.cuda),
		BaseImage:  value("base-image", f.baseImage),
		Dockerfile: value("dockerfile", f.dockerfile),
	}
	for _, g := range f.gpus {
		d.GPUs = append(d.GPUs, compat.GPU{Name: g, Count: 1, Origin: compat.Origin{From: compat.FromFlag, Detail: "--gpu"}})
	}
	if f.cpu {
		d.CPU = compat.Toggle{Set: true, On: true, Origin: compat.Origin{From: compat.FromFlag, Detail: "--cpu"}}
	}
	return d
}

// loadConfigs reads --config, or depsolve.toml and [tool.depsolve] in the current folder.
func loadConfigs(f *inputFlags) ([]*compat.Config, error) {
	if f.config == "" {
		return compat.LoadConfigs(".")
	}
	data, err := reqfile.ReadFile(f.config)
	if err != nil {
		return nil, &compat.InputError{Flag: "--config", Msg: fileProblem(f.config, err)}
	}
	c, err := compat.ParseConfig(f.config, data)
	if err != nil || c == nil {
		return nil, err
	}
	return []*compat.Config{c}, nil
}

// buildTarget merges flags, config files, the targets recorded in pylock.toml input
// files and detection into the target, then fills the Python version and the platform
// from depsolve's defaults where no source gave one.
func buildTarget(ctx context.Context, u *ui, f *inputFlags, m *compat.Matrix, configs []*compat.Config, files []*reqfile.File) (*compat.Target, error) {
	if f.dockerfile != "" {
		if fi, err := os.Stat(f.dockerfile); err != nil || fi.IsDir() {
			return nil, &compat.InputError{Flag: "--dockerfile", Msg: fileProblem(f.dockerfile, err)}
		}
	}
	decls := []compat.Declaration{f.flagDeclaration()}
	for _, c := range configs {
		decls = append(decls, c.Target)
	}
	for _, file := range files {
		if !reqfile.IsPylock(file.Path) {
			continue
		}
		d, err := lockTarget(u, file)
		if err != nil {
			return nil, err
		}
		decls = append(decls, d)
	}
	if f.detect {
		d, warnings := compat.Detect(ctx, compat.LocalSystem{}, m)
		for _, w := range warnings {
			u.warn("detect: %s", w)
		}
		decls = append(decls, d)
	}
	t, err := compat.BuildTarget(m, decls...)
	if err != nil || t.Python.Known() && t.Platform.Known() {
		return t, err
	}
	def := compat.Origin{From: compat.FromDefault}
	var defaults compat.Declaration
	if !t.Python.Known() {
		defaults.Python = compat.Value{Text: defaultPython, Origin: def}
	}
	switch {
	case t.Platform.Known():
	case t.GLibc.Known(): // the glibc makes a linux_x86_64 tag manylinux
		defaults.Platform = compat.Value{Text: "linux_x86_64", Origin: def}
	default:
		defaults.Platform = compat.Value{Text: defaultPlatform, Origin: def}
	}
	return compat.BuildTarget(m, append(decls, defaults)...)
}

// wheelTarget is the target as the index needs it to choose files.
func wheelTarget(t *compat.Target) (pep425.Target, error) {
	py, err := pep425.ParsePython(t.Python.Text)
	if err != nil {
		return pep425.Target{}, originError(t.Python.Origin, "python "+t.Python.Text, err)
	}
	plat, err := pep425.ParsePlatform(t.Platform.Text)
	if err != nil {
		return pep425.Target{}, originError(t.Platform.Origin, "platform "+t.Platform.Text, err)
	}
	wt := pep425.Target{Python: py, Platform: plat}
	if err := wt.Validate(); err != nil {
		return pep425.Target{}, &compat.InputError{Msg: err.Error()}
	}
	return wt, nil
}

func originError(o compat.Origin, what string, err error) error {
	e := &compat.InputError{Msg: fmt.Sprintf("%s: %v", what, err)}
	switch o.From {
	case compat.FromFlag:
		e.Flag = o.Detail
	case compat.FromConfig, compat.FromPyproject:
		e.Pos = o.Pos
	}
	return e
}

// targetSummary names the target in one line, as the verdict prints it:
// "Python 3.11.9, manylinux_2_35_x86_64, driver 550.54.15, H100 (sm_90)". Values that are
// depsolve's defaults say so.
func targetSummary(t *compat.Target) string {
	var parts []string
	add := func(prefix string, v compat.Value) {
		if !v.Known() {
			return
		}
		s := prefix + v.Text
		if v.Origin.From == compat.FromDefault {
			s += " (default)"
		}
		parts = append(parts, s)
	}
	add("Python ", t.Python)
	add("", t.Platform)
	switch {
	case t.CPU.On:
		parts = append(parts, "no GPU")
	case !t.Driver.Known() && len(t.GPUs) == 0:
		parts = append(parts, "no driver or GPU given")
	default:
		if t.Driver.Known() {
			add("driver ", t.Driver)
		} else {
			parts = append(parts, "driver unknown")
		}
		for _, g := range t.GPUs {
			parts = append(parts, gpuSummary(g))
		}
	}
	add("CUDA ", t.CUDA)
	return strings.Join(parts, ", ")
}

func gpuSummary(g compat.GPU) string {
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
func targetFields(t *compat.Target) []lockfile.Field {
	var out []lockfile.Field
	add := func(name string, v compat.Value) {
		if v.Known() {
			out = append(out, lockfile.Field{Name: name, Value: v.Text})
		}
	}
	add("python", t.Python)
	add("platform", t.Platform)
	add("glibc", t.GLibc)
	switch {
	case t.CPU.On:
		out = append(out, lockfile.Field{Name: "gpu", Value: "none"})
	default:
		add("driver", t.Driver)
		var gpus []string
		for _, g := range t.GPUs {
			gpus = append(gpus, gpuSummary(g))
		}
		if len(gpus) > 0 {
			out = append(out, lockfile.Field{Name: "gpus", Value: strings.Join(gpus, ", ")})
		}
	}
	add("cuda", t.CUDA)
	add("base-image", t.BaseImage)
	return out
}

// lockTarget reads back the target a pylock.toml records under [tool.depsolve] (what
// targetFields wrote), each value with its place in the file as origin. It ranks with
// pyproject.toml's [tool.depsolve]: flags and depsolve.toml win over it. Keys it does
// not know (a later depsolve's) are warned about and skipped.
func lockTarget(u *ui, f *reqfile.File) (compat.Declaration, error) {
	var d compat.Declaration
	t := f.Tool
	if t == nil {
		return d, nil
	}
	origin := func(key string) compat.Origin {
		p := t.Pos(key)
		return compat.Origin{From: compat.FromPyproject, Pos: compat.Position{File: p.File, Line: p.Line, Col: p.Col}}
	}
	for _, key := range slices.Sorted(maps.Keys(t.Values)) {
		text, ok := t.Values[key].(string)
		if !ok {
			return d, t.Error(key+" must be a string, as depsolve lock writes it", "run depsolve lock again to rewrite the lock", key)
		}
		v := compat.Value{Text: text, Origin: origin(key)}
		switch key {
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
		case "gpu":
			if text != "none" {
				return d, t.Error(`gpu = "`+text+`": depsolve lock writes gpu = "none" for a target without a GPU, and its GPUs under gpus`, "", key)
			}
			d.CPU = compat.Toggle{Set: true, On: true, Origin: v.Origin}
		case "gpus":
			d.GPUs = parseGPUSummaries(text, v.Origin)
		default:
			u.warn("%s: [tool.depsolve] key %q is not a target setting this depsolve knows; skipped", t.Pos(key), key)
		}
	}
	return d, nil
}

// parseGPUSummaries reads what gpuSummary wrote for each GPU, joined with ", ":
// "2× H100 (sm_90)", "RTX 4090 (sm_89)", "sm_80", "X1 (compute capability unknown)".
func parseGPUSummaries(text string, origin compat.Origin) []compat.GPU {
	var out []compat.GPU
	for _, s := range strings.Split(text, ", ") {
		g := compat.GPU{Name: strings.TrimSpace(s), Count: 1, Origin: origin}
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

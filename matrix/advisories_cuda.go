package matrix

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/resolver"
	"github.com/depsolve/depsolve/target"
)

// Warning codes of the advisories about what a resolution's builds do on the target. They
// are stable: tools and policies match on them.
const (
	// AdvisoryCPUOnlyBuild: the selected build has no CUDA code (PyPI torch on Windows, macOS,
	// and Linux aarch64 before 2.11; PyTorch's +cpu, +rocm and +xpu builds), yet the target
	// has a GPU.
	AdvisoryCPUOnlyBuild = "cpu-only-build"
	// AdvisoryCUDAWheelsOnCPUTarget: the target has no GPU, yet the resolution installs
	// NVIDIA's CUDA runtime wheels.
	AdvisoryCUDAWheelsOnCPUTarget = "cuda-wheels-on-cpu-target"
	// AdvisoryCUDAFamilyMix: the resolution holds builds of more than one CUDA major.
	AdvisoryCUDAFamilyMix = "cuda-family-mix"
)

// cpuOnlyAdvisory warns when name==v is a CPU-only build on the target's platform and the
// target has a driver or GPUs: it installs and imports, and never uses the GPU. It names
// the newest CUDA build of the release that the matrix shows to run on the target, and
// the index that serves it.
func (tm *TargetMatrix) cpuOnlyAdvisory(name string, v pep440.Version, p *packageRows) (Advisory, bool) {
	b := tm.platformBuild(v, p)
	if b == nil || !b.cpu || (len(tm.gpus) == 0 && !tm.hasVirtual(target.VirtualDriver)) {
		return Advisory{}, false
	}
	text := fmt.Sprintf("%s %s from PyPI is a CPU-only build on %s: it installs and imports, but never uses the target's GPU", name, v, platformName(tm.t))
	if local := v.Local(); local != "" {
		text = fmt.Sprintf("%s %s is a build without CUDA code (its local label +%s): it installs and imports, but never uses the target's NVIDIA GPU", name, v, local)
	}
	switch alt, ok := tm.gpuBuild(name, v, p); {
	case ok:
		text += "; " + alt
	case tm.t.OS == "darwin":
		text += "; there is no CUDA build for macOS"
	}
	return Advisory{Package: name, Version: v.String(), Code: AdvisoryCPUOnlyBuild, Text: text, Cite: tm.m.cite(&b.row.rowMeta)}, true
}

// gpuBuild describes the newest CUDA variant of v's release that the matrix knows on the
// target's platform and whose rules the target meets, with its index. On aarch64 a variant
// needs an [[archs]] row for the platform: the [[variant]] rows list the x86_64 builds.
func (tm *TargetMatrix) gpuBuild(name string, v pep440.Version, p *packageRows) (string, bool) {
	ix := p.variantIndex()
	if ix == nil {
		return "", false
	}
	index := ix.URL
	facts := tm.virtualFacts()
	release := v.Public()
	for _, va := range slices.Backward(p.variants) {
		if va.row.Advisory || !va.versions.Contains(release) {
			continue
		}
		for _, cuda := range slices.Backward(va.row.CUDA) {
			label := cudaLabel(cuda)
			bv, err := pep440.Parse(release.String() + "+" + label)
			if err != nil {
				continue
			}
			b, ok := tm.build(name, bv, p)
			if !ok || (tm.t.Machine == "aarch64" && tm.archs(bv, p, b.cuda) == nil) {
				continue
			}
			checked, ok := meets(tm.rules(name, bv), facts)
			if !ok {
				continue
			}
			where := strings.ReplaceAll(index, "{variant}", label)
			if len(checked) == 0 {
				return fmt.Sprintf("the CUDA %s build, %s %s, is on the index %s", cuda, name, bv, where), true
			}
			return fmt.Sprintf("%s %s, the CUDA %s build on the index %s, runs on the target's %s", name, bv, cuda, where, join(checked)), true
		}
	}
	return "", false
}

// virtualFacts are the target's known values as the resolver's virtual packages, for meets.
func (tm *TargetMatrix) virtualFacts() map[string]resolver.Virtual {
	facts := map[string]resolver.Virtual{}
	for name, v := range tm.virtuals {
		facts[name] = resolver.Virtual{Name: name, Version: v}
	}
	for i, cc := range tm.gpus {
		facts[target.VirtualGPU(i)] = resolver.Virtual{Name: target.VirtualGPU(i), Version: cc}
	}
	return facts
}

// platformName is the target's OS and machine as people name them: "Windows x86_64".
func platformName(t targetFacts) string {
	name := map[string]string{"linux": "Linux", "windows": "Windows", "darwin": "macOS"}[t.OS]
	if t.Machine != "" {
		name += " " + t.Machine
	}
	return name
}

// cudaBuildOf is the CUDA build name==v is, by the matrix (a [[build]] row, a local label)
// or by its name and version (NVIDIA's runtime wheels, +cuXYZ labels).
func (tm *TargetMatrix) cudaBuildOf(name string, v pep440.Version) (cudaBuild, bool) {
	if p := tm.m.packageRows(name); p != nil {
		if b, ok := tm.build(name, v, p); ok {
			return b, true
		}
	}
	return tm.m.runtimeBuild(name, v)
}

// SolutionAdvisories are the warnings about the CUDA builds of a whole resolution (pins
// sorted by name, as resolver.Resolution holds them):
//   - on a CPU-only target, NVIDIA's CUDA runtime wheels in it (AdvisoryCUDAWheelsOnCPUTarget):
//     they install and nothing uses them, so they are bloat, not a failure;
//   - builds of more than one CUDA major in it (AdvisoryCUDAFamilyMix), each family with its
//     packages.
func (tm *TargetMatrix) SolutionAdvisories(pins []resolver.Pin) []Advisory {
	byMajor := map[int][]resolver.Pin{}
	var wheels []resolver.Pin
	for _, pin := range pins {
		b, ok := tm.cudaBuildOf(pin.Name, pin.Version)
		if !ok {
			continue
		}
		byMajor[b.cuda.major] = append(byMajor[b.cuda.major], pin)
		if b.runtime {
			wheels = append(wheels, pin)
		}
	}
	var out []Advisory
	if tm.t.CPU && len(wheels) > 0 {
		out = append(out, tm.wheelsOnCPUAdvisory(wheels, pins))
	}
	if len(byMajor) > 1 {
		majors := slices.Sorted(maps.Keys(byMajor))
		var families []string
		for _, major := range majors {
			families = append(families, fmt.Sprintf("CUDA %s (%s)", familyName(major), pinList(byMajor[major])))
		}
		// About the resolution, not one of its pins (as wheelsOnCPUAdvisory): it names no package.
		out = append(out, Advisory{
			Code: AdvisoryCUDAFamilyMix,
			Text: fmt.Sprintf("the resolution mixes CUDA families: %s. Each family installs its own CUDA libraries, and a package uses only those of its own major; "+
				"usually one of them came from the wrong index or variant: take every CUDA build from one family", join(families)),
			Cite: tm.m.cite(&tm.m.cuda().families[majors[0]].row.rowMeta),
		})
	}
	return out
}

// wheelsOnCPUAdvisory names the CUDA runtime wheels of a CPU-only target's resolution and
// the packages that pull them in; for a package whose data names its index, the CPU
// variant there leaves them out. It is about the resolution, not one of its pins, so it
// names no package; it cites the [[index]] row of the CPU build it names, the one row
// that bears out its advice, and no row when it names none.
func (tm *TargetMatrix) wheelsOnCPUAdvisory(wheels, pins []resolver.Pin) Advisory {
	isWheel := map[string]bool{}
	for _, w := range wheels {
		isWheel[w.Name] = true
	}
	var by []string
	var cpuIndexes []string
	var cpuRow *indexRow // of the first package by name whose CPU build is named
	for _, w := range wheels {
		for _, via := range w.Via {
			i, ok := slices.BinarySearchFunc(pins, via, func(p resolver.Pin, name string) int { return strings.Compare(p.Name, name) })
			if !ok || isWheel[via] || slices.Contains(by, via) {
				continue
			}
			by = append(by, via)
			if p := tm.m.packageRows(via); p != nil {
				if ix := p.variantIndex(); ix != nil {
					cpuIndexes = append(cpuIndexes, fmt.Sprintf("%s %s from %s", via, pins[i].Version.Public(), strings.ReplaceAll(ix.URL, "{variant}", "cpu")))
					if cpuRow == nil || via < cpuRow.Package {
						cpuRow = ix
					}
				}
			}
		}
	}
	slices.Sort(by)
	slices.Sort(cpuIndexes)
	text := fmt.Sprintf("the target has no GPU, yet the resolution installs NVIDIA's CUDA runtime wheels: %s", pinList(wheels))
	if len(by) > 0 {
		text += fmt.Sprintf(", pulled in by %s", join(by))
	}
	text += ". They install and nothing on the target uses them"
	if len(cpuIndexes) > 0 {
		text += "; the CPU builds leave them out: " + join(cpuIndexes)
	}
	var atStake []string
	for _, w := range wheels {
		atStake = append(atStake, w.Name)
	}
	a := Advisory{Code: AdvisoryCUDAWheelsOnCPUTarget, Text: text, AtStake: atStake}
	if cpuRow != nil {
		a.Cite = tm.m.cite(&cpuRow.rowMeta)
	}
	return a
}

// pinList is "a 1.0, b 2.0".
func pinList(pins []resolver.Pin) string {
	items := make([]string, len(pins))
	for i, p := range pins {
		items[i] = p.Name + " " + p.Version.String()
	}
	return strings.Join(items, ", ")
}

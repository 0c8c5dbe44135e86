package matrix

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/target"
)

// The base image's CUDA toolkit (@cuda) on the target's driver. An nvidia/cuda image sets
// NVIDIA_REQUIRE_CUDA, and the NVIDIA container runtime refuses to start it on a driver too
// old for its CUDA (docker run fails); in any image, a toolkit's runtime fails to
// initialize on a driver below its family's floor (R1, R2). Forward compatibility (R5)
// lifts that floor only on data center GPUs with a Linux driver of a branch NVIDIA
// supports for the release, through the cuda-compat libraries the image ships.

// AdvisoryForwardCompat: the base image's CUDA toolkit runs on the target's driver only
// through forward compatibility. Stable: tools and policies match on it.
const AdvisoryForwardCompat = "forward-compat"

// gpuKinds are the target's GPUs as forward compatibility sees them.
type gpuKinds struct {
	dataCenter bool     // the target has GPUs and every one is a data center model
	consumer   []string // models the matrix knows that are not data center GPUs, as given
	unknown    []string // GPUs named by capability or by a name the matrix does not know
}

func (m *Matrix) gpuKinds(gpus []target.GPU) gpuKinds {
	var k gpuKinds
	for _, g := range gpus {
		model, ok := m.GPU(g.Name)
		switch {
		case ok && model.DataCenter:
		case ok && m.isModel(g.Name):
			k.consumer = appendNew(k.consumer, g.Name)
		default:
			k.unknown = appendNew(k.unknown, g.Name)
		}
	}
	k.dataCenter = len(gpus) > 0 && len(k.consumer) == 0 && len(k.unknown) == 0
	return k
}

// isModel reports whether name names a GPU model of the data, not an architecture.
func (m *Matrix) isModel(name string) bool {
	words := target.GPUNameWords(name)
	for n := len(words); n > 0; n-- {
		if _, ok := m.gpu().gpus[strings.Join(words[:n], " ")]; ok {
			return true
		}
	}
	return false
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// toolkitCUDA is a toolkit version as the rows key CUDA: "13.0.2" is 13.0, "13" the family.
func toolkitCUDA(v pep440.Version) cudaVersion {
	rel := v.Release()
	cv := cudaVersion{major: rel[0]}
	if len(rel) > 1 {
		cv.minor, cv.hasMinor = rel[1], true
	}
	return cv
}

// forwardCompatFor is the [[forward_compat]] row of toolkit release v, or nil.
func (m *Matrix) forwardCompatFor(v pep440.Version) *forwardCompat {
	for _, fc := range m.tk().forwardCompat {
		if !fc.row.Advisory && fc.toolkits.Contains(v) {
			return fc
		}
	}
	return nil
}

// forwardBranches are the branches of fc below floor: those only forward compatibility
// runs the release on.
func (fc *forwardCompat) forwardBranches(floor pep440.Version) []int {
	var out []int
	for _, b := range fc.branches {
		if b < floor.Release()[0] {
			out = append(out, b)
		}
	}
	return out
}

// branchRange is every driver of branch b: ">=535, <536".
func branchRange(b int) pep440.Range {
	return pep440.NewSpecifierSet(mustSpecifier(">="+strconv.Itoa(b)), mustSpecifier("<"+strconv.Itoa(b+1))).Range()
}

// forwardCompatible reports whether forward compatibility can apply to the target: Linux,
// and every GPU a data center model.
func (tm *TargetMatrix) forwardCompatible() bool { return tm.t.OS == "linux" && tm.kinds.dataCenter }

// toolkitRules: the base image's toolkit v needs the driver floor of its family, or, where
// forward compatibility applies, a driver of a branch that runs the release through it.
// The reason says what would lift the floor on this target: data center GPUs (declared,
// for a target that names none), or a release whose branches the data lists.
func (tm *TargetMatrix) toolkitRules(v pep440.Version) []rule {
	if !tm.hasVirtual(target.VirtualDriver) || len(v.Release()) == 0 {
		return nil
	}
	cv := toolkitCUDA(v)
	floor, ok := tm.m.driverFloor(cv, tm.windows())
	if !ok {
		return nil
	}
	r := rule{
		pkg:     target.VirtualDriver,
		allowed: atLeast(floor.driver),
		display: ">=" + floor.driver.Original(),
		floor:   floor.driver,
		cites:   append(slices.Clone(floor.cites), tm.m.cite(&tm.m.cuda().principles["forward-compat"].rowMeta)),
	}
	needs := fmt.Sprintf("the base image's CUDA %s toolkit needs it: on an older driver the NVIDIA container runtime refuses to start the image (NVIDIA_REQUIRE_CUDA), or CUDA fails to initialize", familyName(cv.major))
	fc := tm.m.forwardCompatFor(v)
	var branches []int
	if fc != nil {
		branches = fc.forwardBranches(floor.driver)
	}
	switch {
	case tm.windows() || !floor.family:
		r.reason = needs
	case tm.forwardCompatible() && len(branches) > 0:
		names := make([]string, len(branches))
		for i, b := range branches {
			r.allowed = r.allowed.Union(branchRange(b))
			names[i] = "R" + strconv.Itoa(b)
		}
		r.display += ", or a driver of branch " + joinOr(names)
		r.reason = fmt.Sprintf("the base image's CUDA %s toolkit needs it; an older driver runs CUDA %s on the target's data center GPUs only through forward compatibility, on the branches NVIDIA supports for that release", familyName(cv.major), v.Original())
		r.cites = append(r.cites, tm.m.cite(&fc.row.rowMeta))
	case tm.forwardCompatible():
		r.reason = fmt.Sprintf("%s; forward compatibility would run it on an older driver of the target's data center GPUs, but the matrix lists no driver branches that run CUDA %s that way", needs, v.Original())
	case len(tm.kinds.consumer) > 0:
		r.reason = fmt.Sprintf("%s; forward compatibility, which runs newer CUDA on an older driver, is supported on data center GPUs only, and the target's %s %s not one", needs, join(tm.kinds.consumer), isAre(len(tm.kinds.consumer)))
	case len(tm.kinds.unknown) > 0:
		r.reason = fmt.Sprintf("%s; forward compatibility, which runs newer CUDA on an older driver, is supported on data center GPUs only: name the target's GPUs by model (--gpu H100) so that it can be checked", needs)
	default:
		r.reason = fmt.Sprintf("%s; forward compatibility, which runs newer CUDA on an older driver, is supported on data center GPUs only: if the target's GPUs are data center GPUs, declare them (--gpu H100, or gpus in depsolve.toml) so that it can be checked", needs)
	}
	return []rule{r}
}

// toolkitAdvisories warn about the base image's toolkit on a driver the rules allow: one
// below the family floor that runs it through forward compatibility (AdvisoryForwardCompat),
// or one below the release's Table 3 driver, which runs it with a limited feature set
// (AdvisoryTable3Driver, as for a build).
func (tm *TargetMatrix) toolkitAdvisories() []Advisory {
	cuda, hasCUDA := tm.virtuals[target.VirtualCUDA]
	driver, hasDriver := tm.virtuals[target.VirtualDriver]
	if !hasCUDA || !hasDriver || len(cuda.Release()) == 0 {
		return nil
	}
	cv := toolkitCUDA(cuda)
	floor, ok := tm.m.driverFloor(cv, tm.windows())
	if !ok {
		return nil
	}
	if driver.Compare(floor.driver) < 0 {
		rules := tm.toolkitRules(cuda)
		fc := tm.m.forwardCompatFor(cuda)
		if fc == nil || len(rules) != 1 || !rules[0].allowed.Contains(driver) {
			return nil // a conflict, which the rules explain
		}
		return []Advisory{{Code: AdvisoryForwardCompat, Version: original(cuda),
			Text: fmt.Sprintf("the base image's CUDA %s toolkit runs on the target's NVIDIA driver %s only through forward compatibility: the image must ship the cuda-compat-%d-%d libraries (nvidia/cuda images install them), and every GPU it runs on must be a data center GPU",
				original(cuda), original(driver), cv.major, cv.minor),
			Cite: tm.m.cite(&fc.row.rowMeta)}}
	}
	release := tm.m.toolkitRelease(cuda)
	if release == nil {
		return nil
	}
	full := &release.linux
	if tm.windows() {
		full = release.windows
	}
	if full == nil || driver.Compare(*full) >= 0 {
		return nil
	}
	return []Advisory{{Code: AdvisoryTable3Driver, Version: original(cuda),
		Text: fmt.Sprintf("the base image's CUDA %s toolkit needs NVIDIA driver %s for its full feature set (Table 3, CUDA %s), and the target's is %s: "+
			"it runs with a limited feature set, and PTX it JIT-compiles fails (cudaErrorUnsupportedPtxVersion)",
			original(cuda), full.Original(), release.row.Name, original(driver)),
		Cite: tm.m.cite(&release.row.rowMeta)}}
}

// toolkitRelease is the verified Table 3 row of toolkit release v ("12.4.1"), or for a
// version that names no update ("12.4") the first release of its major.minor.
func (m *Matrix) toolkitRelease(v pep440.Version) *toolkit {
	for _, t := range m.tk().toolkits {
		if !t.row.Advisory && t.version.Equal(v) {
			return t
		}
	}
	if len(v.Release()) == 2 {
		return m.tk().toolkitGA(toolkitCUDA(v))
	}
	return nil
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// joinOr lists items as alternatives: "a", "a or b", "a, b or c".
func joinOr(items []string) string {
	if len(items) <= 2 {
		return strings.Join(items, " or ")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

package matrix

import (
	"fmt"
	"maps"
	"slices"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/resolver"
)

// VirtualTorchCUDA is the CUDA family torch was built for, a virtual package of the
// matrix's own: a torch CUDA build selects its family ("12"), and each compiled companion
// built for CUDA allows only its own family. So one solution holds one CUDA family of the
// torch stack, and when both +cu118 and plain builds are on offer the solver picks the
// companion that matches the torch it runs with. A CPU build selects nothing, and then
// nothing is constrained.
const VirtualTorchCUDA = "@torch-cuda"

// torchCompanions are the projects that ship CUDA code compiled against torch: they load
// only with a torch of their CUDA major (principle companion-cuda-major). Their CUDA
// comes from the matrix (torchvision, torchaudio) or from a +cuXYZ local label.
var torchCompanions = map[string]bool{
	"torchvision": true, "torchaudio": true, "xformers": true, "flash-attn": true, "vllm": true,
	"torch-scatter": true, "torch-sparse": true, "torch-cluster": true, "torch-spline-conv": true,
}

// VirtualVersions are the families VirtualTorchCUDA and VirtualCUDAFamily (under
// OneCUDAFamily) may take: those with a [[family]] row (resolver.MatrixVirtuals).
func (tm *TargetMatrix) VirtualVersions(name string) []pep440.Version {
	if name != VirtualTorchCUDA && (name != VirtualCUDAFamily || tm.oneFamily == nil) {
		return nil
	}
	var out []pep440.Version
	for _, major := range slices.Sorted(maps.Keys(tm.m.cuda().families)) {
		out = append(out, pep440.MustParse(fmt.Sprint(major)))
	}
	return out
}

var (
	_ resolver.MatrixVirtuals   = (*TargetMatrix)(nil)
	_ resolver.DependencyMatrix = (*TargetMatrix)(nil)
)

// RulesFor are the Rules of name==v, and for a torch build the matrix does not place (a
// release newer than torch.toml, 1.x) the CUDA family of the NVIDIA runtime wheels its
// metadata requires on the target (nvidia-cudnn-cu13): the family torch selects, so its
// companions are checked as for a curated build. Wheels of two families place nothing.
func (tm *TargetMatrix) RulesFor(name string, v pep440.Version, requires []pep508.Requirement) []resolver.Rule {
	out := tm.Rules(name, v)
	if pep508.NormalizeName(name) != "torch" || slices.ContainsFunc(out, func(r resolver.Rule) bool { return r.Package == VirtualTorchCUDA }) {
		return out
	}
	b, ok := tm.requiredFamily(requires)
	if !ok {
		return out
	}
	r, _ := tm.torchCUDARule("torch", b)
	r.reason = fmt.Sprintf("it depends on %s, a wheel of the CUDA %s libraries", b.what, familyName(b.cuda.major))
	return append(out, resolver.Rule{Package: r.pkg, Range: r.allowed, Reason: r.reason, Cites: r.citations(), Selects: r.selects})
}

// requiredFamily is the one CUDA family of the -cuNN runtime wheels among requires.
func (tm *TargetMatrix) requiredFamily(requires []pep508.Requirement) (cudaBuild, bool) {
	var found cudaBuild
	for _, r := range requires {
		key := r.Key()
		major, ok := familySuffix(key)
		if !ok {
			continue
		}
		f := tm.m.cuda().families[major]
		switch {
		case f == nil:
			continue
		case found.what != "" && found.cuda.major != major:
			return cudaBuild{}, false
		}
		if found.what == "" {
			found = cudaBuild{cuda: cudaVersion{major: major}, what: key, runtime: true, cites: []Cite{tm.m.cite(&f.row.rowMeta)}}
		}
	}
	return found, found.what != ""
}

// torchCUDARule is the rule that ties a CUDA build of torch or of a companion to
// VirtualTorchCUDA: torch selects its family, a companion constrains it.
func (tm *TargetMatrix) torchCUDARule(name string, b cudaBuild) (rule, bool) {
	if tm.m.cuda().families[b.cuda.major] == nil || (name != "torch" && !torchCompanions[name]) {
		return rule{}, false
	}
	r := rule{
		pkg:     VirtualTorchCUDA,
		allowed: pep440.NewSpecifierSet(mustSpecifier(fmt.Sprintf("==%d.*", b.cuda.major))).Range(),
		cites:   slices.Clone(b.cites),
	}
	if name == "torch" {
		r.selects = true
		r.reason = fmt.Sprintf("it is a CUDA %s build", familyName(b.cuda.major))
		return r, true
	}
	r.reason = fmt.Sprintf("it is a CUDA %s build, and it loads only with a torch built for the same CUDA major", buildName(b.cuda))
	r.cites = append(r.cites, tm.m.cite(&tm.m.cuda().principles["companion-cuda-major"].rowMeta))
	return r, true
}

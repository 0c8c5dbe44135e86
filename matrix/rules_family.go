package matrix

import (
	"fmt"
	"slices"

	"github.com/depsolve/depsolve/input"
	"github.com/depsolve/depsolve/pep440"
)

// VirtualCUDAFamily is the CUDA major of an image's CUDA builds, a virtual package of the
// matrix's own that exists only under a platform policy's one-CUDA-family rule
// (OneCUDAFamily). Every CUDA build the cuda-family-mix advisory counts (cudaBuildOf: a
// curated build, NVIDIA's runtime wheels, a +cuXYZ label) selects its major, so a solution
// that would mix families has two selections of one package and cannot be: the solver
// takes another build where there is one, and explains the conflict citing the policy's
// line where there is none.
const VirtualCUDAFamily = "@cuda-family"

// OneCUDAFamily applies a platform policy's rule, written at rule ("policy.toml:12"), that
// an image holds CUDA builds of one major. Without it a mix is a warning
// (AdvisoryCUDAFamilyMix), not a conflict.
func (tm *TargetMatrix) OneCUDAFamily(rule input.Position) {
	tm.oneFamily = &rule
}

// familyRule is the selection of b's major that the policy's rule asks of every CUDA
// build. A runtime wheel names its family and cites the family's row; a build cites the
// row that says what it was built with.
func (tm *TargetMatrix) familyRule(b cudaBuild) rule {
	what := "it is a CUDA " + buildName(b.cuda) + " build"
	cites := slices.Clone(b.cites)
	if b.runtime {
		what = "it is a wheel of the CUDA " + familyName(b.cuda.major) + " libraries"
	}
	if len(cites) == 0 {
		cites = append(cites, tm.m.cite(&tm.m.cuda().families[b.cuda.major].row.rowMeta))
	}
	return rule{
		pkg:     VirtualCUDAFamily,
		allowed: pep440.NewSpecifierSet(mustSpecifier(fmt.Sprintf("==%d.*", b.cuda.major))).Range(),
		reason:  fmt.Sprintf("%s, and your platform's policy (%s) allows one CUDA family per image", what, tm.oneFamily.String()),
		cites:   append(cites, Cite{File: tm.oneFamily.File, Line: tm.oneFamily.Line}),
		selects: true,
	}
}

package matrix

import (
	"fmt"
	"maps"
	"slices"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/target"
)

// AdvisoryUncheckedTarget: a value of the target that the matrix has no row for, so
// what depends on it was not checked (the target-level counterpart of
// AdvisoryUncheckedRelease). Stable: tools and policies match on it.
const AdvisoryUncheckedTarget = "unchecked-target"

// UncheckedTarget are the target's known values the matrix cannot place, each an
// advisory (AdvisoryUncheckedTarget, Package "") naming the value, where it came from and
// what was therefore not checked. An unknown value is left out (it constrains nothing,
// and target.Build notes it), and so is a value past the data that the rows' ranges still
// decide (a driver or glibc newer than any the data names).
//   - a CUDA toolkit of a major with no [[family]] row: no driver floor, no Table 3 driver
//     and no forward compatibility applies to it;
//   - a CUDA toolkit release of a known family without a verified Table 3 row: the
//     family floor holds, the driver of its full feature set is not checked;
//   - a GPU whose compute capability no [[arch]] row has: [[gpu_driver]] rows are per
//     architecture, so the driver it needs is not checked;
//   - a platform whose machine no row names: the [[build]], [[archs]] and [[note]] rows
//     of that machine would say which CUDA its wheels are built for and what they run on;
//   - an nvidia/cuda base image whose OS no [[os]] row has, when no other source gives
//     the glibc: which manylinux wheels it installs is not known;
//   - an nvidia/cuda base image whose flavor the [[image_flavor]] rows do not list: the
//     CUDA libraries it ships are not known.
//
// There is no source for the driver a CUDA major the data lacks needs, so none of these
// is a conflict: the rows that do apply (a build's own family floor) still decide.
func (m *Matrix) UncheckedTarget(t *target.Target) []Advisory {
	var out []Advisory
	add := func(format string, args ...any) {
		out = append(out, Advisory{Code: AdvisoryUncheckedTarget, Text: fmt.Sprintf(format, args...)})
	}
	if t.CUDA.Known() && len(t.CUDA.Version.Release()) > 0 {
		cv := toolkitCUDA(t.CUDA.Version)
		switch fam := m.cuda().families[cv.major]; {
		case fam == nil || fam.row.Advisory:
			add("CUDA %s (%s) is not in the matrix, which has no CUDA %s family: the NVIDIA driver it needs (its family's floor, its Table 3 driver, forward compatibility) is not checked",
				t.CUDA.Text, t.CUDA.Origin, familyName(cv.major))
		case m.toolkitRelease(t.CUDA.Version) == nil:
			floor := fam.linux
			if os, _ := osMachine(t.Platform.Platform); os == "windows" {
				floor = fam.windows
			}
			add("CUDA %s (%s) is a release the matrix has no verified Table 3 row for: the NVIDIA driver its full feature set needs is not checked, only the CUDA %s family's floor (%s)%s",
				t.CUDA.Text, t.CUDA.Origin, familyName(cv.major), floor.Original(), m.unverifiedTable3(t.CUDA.Version))
		}
	}
	for _, g := range t.GPUs {
		if g.Capability == "" {
			continue
		}
		if arch, ok := m.gpu().archNames[g.Capability]; !ok || arch.Advisory {
			add("GPU %s (%s) has compute capability %s, which no architecture in the matrix has: the NVIDIA driver it needs is not checked",
				g.Name, g.Origin, g.Capability)
		}
	}
	if t.Platform.Known() {
		if _, machine := osMachine(t.Platform.Platform); machine != "" && !m.namesMachine(machine) {
			add("platform %s (%s) is for machine %s, which no row of the matrix names: which CUDA the packages' wheels are built for and which GPUs they run on are not checked",
				t.Platform.Text, t.Platform.Origin, machine)
		}
	}
	if t.BaseImage.Known() {
		if img, ok := m.BaseImage(t.BaseImage.Text); ok {
			if img.OS != "" && img.Glibc == "" && !t.GLibc.Known() {
				add("base image %s (%s) runs %s, whose glibc the matrix does not know: which manylinux wheels install on it is not checked; give --glibc",
					t.BaseImage.Text, t.BaseImage.Origin, img.OS)
			}
			if f, known := m.images().flavors[img.Flavor]; !known || f.row.Advisory {
				add("base image %s (%s) is of a flavor (%q) the matrix does not list: the CUDA libraries it ships, and so the libraries the packages' wheels duplicate, are not checked",
					t.BaseImage.Text, t.BaseImage.Origin, img.Flavor)
			}
		}
	}
	return out
}

// namesMachine reports whether a verified row of the data is about machine ("aarch64").
// It reads the machines of the rows, not the compiled packages: every check asks, and
// compiling (or decoding) every package to answer would cost more than the rest of the
// matrix a check reads.
func (m *Matrix) namesMachine(machine string) bool {
	_, found := slices.BinarySearch(m.machines(), machine)
	return found
}

// verifiedMachines are the machines the verified package rows name, sorted.
func verifiedMachines(doc *document) []string {
	machines := map[string]bool{}
	add := func(advisory bool, machine string) {
		if !advisory && machine != "" {
			machines[machine] = true
		}
	}
	for _, r := range doc.Build {
		add(r.Advisory, r.Machine)
	}
	for _, r := range doc.Archs {
		add(r.Advisory, r.Machine)
	}
	for _, r := range doc.Note {
		add(r.Advisory, r.Machine)
	}
	return slices.Sorted(maps.Keys(machines))
}

// unverifiedTable3 says what an unverified Table 3 row of toolkit release v reads, for a
// release without a verified one; "" when there is none.
func (m *Matrix) unverifiedTable3(v pep440.Version) string {
	for _, t := range m.tk().toolkits {
		if t.row.Advisory && t.version.Equal(v) {
			c := m.cite(&t.row.rowMeta)
			return fmt.Sprintf("; an unverified copy reads driver %s (%s:%d)", t.linux.Original(), c.File, c.Line)
		}
	}
	return ""
}

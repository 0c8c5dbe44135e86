package matrix

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/target"
)

// Coverage is what the matrix has checked of one package: for a framework, the releases
// its [[variant]] rows cover and the CUDA variants they list (a release outside them gets
// the unchecked-release warning); for a companion of torch (torchvision, torchaudio), the
// releases a [[constraint]] pairs with torch and the CUDA of its PyPI [[build]] rows. This
// is the list to extend when a release ships.
type Coverage struct {
	Package  string
	Releases []string // the versions of its rows, in data order ("==2.0.*"; "" is every release)
	CUDA     []string // the CUDA versions those rows list, lowest first ("11.7", "12.8")
}

// Coverage lists, by package name, the frameworks and torch companions and what the
// matrix covers of them, then "@cuda" with the verified Table 3 releases, lowest first.
// Advisory rows cover nothing.
func (m *Matrix) Coverage() []Coverage {
	var out []Coverage
	for _, name := range m.packageNames() {
		p := m.packageRows(name)
		covered := coveredReleases(p)
		if len(covered) == 0 {
			continue
		}
		c := Coverage{Package: name}
		var cuda []pep440.Version
		add := func(text string) {
			if v, err := pep440.Parse(text); err == nil && !slices.ContainsFunc(cuda, v.Equal) {
				cuda = append(cuda, v)
			}
		}
		for _, r := range covered {
			c.Releases = append(c.Releases, r.text)
		}
		if p.hasVariants() {
			for _, va := range p.variants {
				if !va.row.Advisory {
					for _, text := range va.row.CUDA {
						add(text)
					}
				}
			}
		} else {
			for _, b := range p.builds {
				if !b.row.Advisory {
					add(b.row.CUDA)
				}
			}
		}
		c.CUDA = versionTexts(cuda)
		out = append(out, c)
	}
	var toolkits []pep440.Version
	for _, t := range m.tk().toolkits {
		if !t.row.Advisory {
			toolkits = append(toolkits, t.version)
		}
	}
	return append(out, Coverage{Package: target.VirtualCUDA, CUDA: versionTexts(toolkits)})
}

// coveredRange is the versions of one row that covers releases of a package.
type coveredRange struct {
	text     string
	versions pep440.Range
	cuda     []string // the CUDA variants a [[variant]] row lists; nil for a pairing
	pos      rowPos
}

func (p *packageRows) hasVariants() bool {
	return slices.ContainsFunc(p.variants, func(va *variant) bool { return !va.row.Advisory })
}

// coveredReleases are the rows that cover releases of p: its [[variant]] rows, or, for a
// package without any, its [[constraint]] rows that pair it with torch.
func coveredReleases(p *packageRows) []coveredRange {
	var out []coveredRange
	if p.hasVariants() {
		for _, va := range p.variants {
			if !va.row.Advisory {
				out = append(out, coveredRange{va.row.Versions, va.versions, va.row.CUDA, va.row.Pos})
			}
		}
		return out
	}
	for _, c := range p.constraints {
		if !c.row.Advisory && c.requires == "torch" {
			out = append(out, coveredRange{c.row.Versions, c.versions, nil, c.row.Pos})
		}
	}
	return out
}

func versionTexts(vs []pep440.Version) []string {
	slices.SortFunc(vs, pep440.Version.Compare)
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Original()
	}
	return out
}

// Gap is a version an index has that the matrix does not cover.
type Gap struct {
	Package string // PEP 503 name
	Version string // as the index has it
	What    string // what is missing, and which table to extend
}

func (g Gap) String() string { return g.Package + " " + g.Version + ": " + g.What }

// cudaRuntimeWheels are NVIDIA's CUDA runtime wheels, whose version is the toolkit release
// they come from (12.4.127 is from CUDA 12.4).
var cudaRuntimeWheels = []string{"nvidia-cuda-runtime-cu11", "nvidia-cuda-runtime-cu12", "nvidia-cuda-runtime", "cuda-toolkit"}

// Gaps lists what an index has that the matrix does not cover, given the versions of each
// project on it (names as the index writes them): releases of a package with [[variant]]
// rows that no row covers; CUDA builds (+cu130) of a covered release whose CUDA its row
// does not list; and CUDA toolkits, read from NVIDIA's runtime wheels, with no verified
// Table 3 row for their major.minor. Sorted by package, then version.
func (m *Matrix) Gaps(index map[string][]string) []Gap {
	var out []Gap
	byName := map[string][]string{}
	for name, versions := range index {
		key := pep508.NormalizeName(name)
		byName[key] = append(byName[key], versions...)
	}
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		versions := parsedVersions(byName[name])
		if p := m.packageRows(name); p != nil {
			out = append(out, releaseGaps(name, coveredReleases(p), versions)...)
		}
		if slices.Contains(cudaRuntimeWheels, name) {
			out = append(out, m.toolkitGaps(name, versions)...)
		}
	}
	return out
}

func parsedVersions(texts []string) []pep440.Version {
	var out []pep440.Version
	for _, text := range texts {
		if v, err := pep440.Parse(text); err == nil && !slices.ContainsFunc(out, v.Equal) {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, pep440.Version.Compare)
	return out
}

func releaseGaps(name string, covered []coveredRange, versions []pep440.Version) []Gap {
	if len(covered) == 0 {
		return nil
	}
	table := "[[variant]]"
	if covered[0].cuda == nil {
		table = "[[constraint]] pairing it with torch"
	}
	var out []Gap
	for _, v := range versions {
		if v.IsPrerelease() {
			continue
		}
		i := slices.IndexFunc(covered, func(r coveredRange) bool { return r.versions.Contains(v.Public()) })
		if i < 0 {
			out = append(out, Gap{name, v.Original(), "no " + table + " row covers this release"})
			continue
		}
		r := covered[i]
		if cv, ok := localCUDA(v.Local(), "cu"); ok && r.cuda != nil && !slices.Contains(r.cuda, cv.String()) {
			out = append(out, Gap{name, v.Original(), fmt.Sprintf("CUDA %s is not among the variants (%s) of the [[variant]] row at %s:%d", cv, strings.Join(r.cuda, ", "), r.pos.File, r.pos.Line)})
		}
	}
	return out
}

func (m *Matrix) toolkitGaps(name string, versions []pep440.Version) []Gap {
	var out []Gap
	var seen []cudaVersion
	for _, v := range versions {
		rel := v.Release()
		if len(rel) < 2 {
			continue
		}
		cv := cudaVersion{major: rel[0], minor: rel[1], hasMinor: true}
		if slices.Contains(seen, cv) || m.tk().toolkitGA(cv) != nil {
			continue
		}
		seen = append(seen, cv)
		out = append(out, Gap{name, v.Original(), fmt.Sprintf("CUDA %s has no verified Table 3 [[toolkit]] row", cv)})
	}
	return out
}

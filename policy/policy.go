package policy

import (
	"github.com/depsolve/depsolve/input"
	"slices"
	"strings"
	"time"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/target"
)

// Policy is what a policy file says. Every rule carries its line, so that explanations
// and findings cite it as they cite matrix rows.
type Policy struct {
	// File names the policy as citations write it: the path as given, or the URL
	// without credentials.
	File   string
	Fleets []Fleet

	Deny    []Rule // [[deny]]: versions no project may use
	Require []Rule // [[require]]: the versions a project must use, where it uses the package

	// OneCUDAFamily (rules.one-cuda-family) allows the builds of one CUDA major per
	// image: the solver avoids a mix where another choice exists and explains it where
	// none does. Each family installs its own CUDA libraries, and a package loads only
	// those of its own major.
	OneCUDAFamily Setting[bool]

	// Images are the golden base images: a target's base image must be one of them.
	// Empty allows any.
	Images Setting[[]string]

	Indexes      Setting[[]string]  // supply-chain.indexes, in first-index order
	OnlyBinary   Setting[bool]      // supply-chain.only-binary: wheels only, no builds
	PreReleases  Setting[string]    // supply-chain.pre-releases: PreReleasesNever or PreReleasesIfNeeded
	ExcludeNewer Setting[time.Time] // supply-chain.exclude-newer: nothing uploaded after it

	MaxImageSize    Setting[int64] // budget.max-image-size, bytes
	MaxDownloadSize Setting[int64] // budget.max-download-size, bytes

	// StrictErrors are the warning codes that fail a check (strict.errors).
	StrictErrors Setting[[]string]

	// Locked are the settings a project or a flag may not loosen (Lockable).
	Locked map[string]bool
	// LockedLine is the line of the locked key.
	LockedLine int
}

// Setting is one value of the policy and the line it is written on; Line 0: not set.
type Setting[T any] struct {
	Value T
	Line  int
}

// Set reports whether the policy gives the setting.
func (s Setting[T]) Set() bool { return s.Line > 0 }

// Pre-release rules of supply-chain.pre-releases.
const (
	PreReleasesNever    = "never"     // no pre-release, whatever a project asks
	PreReleasesIfNeeded = "if-needed" // depsolve's default: one only when no final release fits
)

// Lockable are the keys `locked` may name: the settings a project's files or flags
// could loosen. A locked one loosened is an error; an unlocked one loosened is a
// warning and the project wins. Rules (deny, require) and fleets cannot be loosened
// by a project at all.
var Lockable = []string{"supply-chain", "supply-chain.indexes", "supply-chain.only-binary", "supply-chain.pre-releases"}

// IsLocked reports whether key (a Lockable) may not be loosened: it, or its table, is
// locked.
func (p *Policy) IsLocked(key string) bool {
	for k := key; ; {
		if p.Locked[k] {
			return true
		}
		i := strings.LastIndexByte(k, '.')
		if i < 0 {
			return false
		}
		k = k[:i]
	}
}

// At is where a line of the policy is, as citations write it: "policy.toml:14".
func (p *Policy) At(line int) input.Position { return input.Position{File: p.File, Line: line} }

// Rule is a [[deny]] or [[require]] rule on a package's versions.
type Rule struct {
	Package  string              // PEP 503
	Versions pep440.SpecifierSet // the versions the rule denies, or requires
	Written  string              // versions as written
	Reason   string              // as written, its control characters escaped (printable.Escape)
	Link     string              // "" when the rule gives none
	Line     int
}

// Allowed is the range of versions the rule leaves a project.
func (r Rule) Allowed(deny bool) pep440.Range {
	if deny {
		return pep440.Full().Difference(r.Versions.Range())
	}
	return r.Versions.Range()
}

// Fleet is a named set of targets.
type Fleet struct {
	Name    string
	Line    int
	Images  Setting[[]string] // the fleet's golden images; unset: the policy's
	Targets []FleetTarget
}

// FleetTarget is one target of a fleet, declared as depsolve.toml's [target] declares
// one; each value's origin is its line in the policy.
type FleetTarget struct {
	Name   string
	Line   int
	Target target.Declaration
}

// Fleet returns the fleet named name.
func (p *Policy) Fleet(name string) (*Fleet, bool) {
	i := slices.IndexFunc(p.Fleets, func(f Fleet) bool { return f.Name == name })
	if i < 0 {
		return nil, false
	}
	return &p.Fleets[i], true
}

// FleetNames lists the fleets in the order the policy writes them.
func (p *Policy) FleetNames() []string {
	var out []string
	for _, f := range p.Fleets {
		out = append(out, f.Name)
	}
	return out
}

// ImagesFor are the images a fleet's targets may use: its own list, else the policy's.
func (p *Policy) ImagesFor(f *Fleet) Setting[[]string] {
	if f != nil && f.Images.Set() {
		return f.Images
	}
	return p.Images
}

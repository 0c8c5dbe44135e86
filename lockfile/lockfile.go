// Package lockfile writes what depsolve locks: a pip-compile-compatible requirements file
// (pins, --hash lines, "# via" annotations, index options), a PEP 751 pylock.toml, and
// the atomic file replacement both use.
//
// The writers take a plain model (Lock) rather than resolver types, so the CLI decides what
// goes in and this package only decides how it is spelled. Output is deterministic:
// packages are sorted by PEP 503 name, files by name, "via" entries lexically, so the
// same Lock always gives the same bytes.
//
// Index URLs are written with their credentials masked (package redact): a lockfile is
// committed to version control, and a token in it would be published. pip then needs the
// credentials from its own configuration (PIP_INDEX_URL, netrc or a keyring) at install
// time.
package lockfile

import (
	"sort"
	"strings"
)

// Lock is the resolved, pinned set for one target.
type Lock struct {
	Command        string  // the command line that produced the lock, for the header
	Target         []Field // the target, in display order
	IndexURL       string
	ExtraIndexURLs []string
	FindLinks      []string
	// NoIndex records that the lock was made from find-links locations only, so that
	// pip installs from them only too (--no-index); IndexURL and ExtraIndexURLs are then
	// not written.
	NoIndex bool
	// OnlyBinary and NoBinary are the pip selections the lock was made with (":all:",
	// project names), written as options so that pip, and a check of the lock, take the
	// same kinds of file: a --no-binary pin's hashes are its sdist's alone, which a check
	// would otherwise flag as a source build nobody asked for.
	OnlyBinary, NoBinary []string
	Packages             []Package
	// Size is what the pins weigh, in one line, as the size summary says it ("size: 1.2
	// GiB installed, …"); "" when it is not known for every pin, and none is written.
	Size string
}

// Field is one named target value, such as python = 3.11.9.
type Field struct{ Name, Value string }

// Package is one pinned distribution.
type Package struct {
	Name      string // PEP 503-normalized
	Version   string
	DirectURL string // set for "name @ URL" requirements; Version may then be empty
	Index     string // the index the files come from
	Files     []File // every file of this version usable on the target
	Via       []string
	// Extras are the extras the package is required with, sorted: a requirements lock
	// writes them on the pin (requests[socks]==2.32.3), as pip-compile does, so that
	// pip and a check of the lock hold the extras' dependencies to being pinned.
	Extras []string
	// Size is what the file an installer takes weighs ("2.1 MiB installed, 845.3 KiB
	// download"); "" when it is not known, and none is written.
	Size string
}

// File is one distribution file of a pinned version.
type File struct {
	Name string
	URL  string
	// Path is a local file's path relative to the lock's folder, written for it instead
	// of URL (PEP 751's path), so that the lock is the same in every checkout.
	Path       string
	SHA256     string // lowercase hex, empty when the index gave none
	Size       int64  // 0 when unknown
	UploadTime string // RFC 3339, empty when unknown
}

// sortedPackages returns l.Packages ordered by name, with sorted files and via entries;
// l is not modified.
func sortedPackages(l *Lock) []Package {
	pkgs := make([]Package, len(l.Packages))
	copy(pkgs, l.Packages)
	sort.SliceStable(pkgs, func(i, j int) bool {
		if pkgs[i].Name != pkgs[j].Name {
			return pkgs[i].Name < pkgs[j].Name
		}
		return pkgs[i].Version < pkgs[j].Version
	})
	for i := range pkgs {
		files := make([]File, len(pkgs[i].Files))
		copy(files, pkgs[i].Files)
		sort.SliceStable(files, func(a, b int) bool { return files[a].Name < files[b].Name })
		pkgs[i].Files = files
		via := append([]string(nil), pkgs[i].Via...)
		sort.Strings(via)
		pkgs[i].Via = dedupe(via)
	}
	return pkgs
}

func dedupe(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}

func isWheel(name string) bool { return strings.HasSuffix(strings.ToLower(name), ".whl") }

package lockfile

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/depsolve/depsolve/input"
)

// Pin is one line of a fully pinned requirements file (a lock), as written.
type Pin struct {
	Name    string         // PEP 503-normalized
	Version string         // as pinned
	Origin  input.Position // where the line is (requirements.lock:7)
	Hashes  []string       // the line's --hash values, "algorithm:<hex>"; none when it has no --hash
	// Files are the files a pylock.toml lists for the pin, each with its own hashes
	// (Hashes pools them); none for a requirements lock, whose hashes are one pool.
	Files []PinnedFile
}

// PinnedFile is one file a pylock.toml lists for a pin.
type PinnedFile struct {
	Name   string         // the file name
	Origin input.Position // where its hashes are
	Hashes []string       // "algorithm:<hex>"
}

// Finding is one reason a lock would not install as it is.
type Finding struct {
	Origin input.Position // the pin's line; zero for a package the lock lacks
	Name   string         // the package, PEP 503-normalized
	Msg    string         // what is wrong, a clause that reads after the origin
	// Warning marks a pin whose hashes depsolve cannot check, because none is a sha256:
	// pip still checks them, so the lock installs; depsolve only did not verify them.
	Warning bool
}

func (f Finding) String() string {
	if f.Origin.IsZero() {
		return f.Msg
	}
	return f.Origin.String() + ": " + f.Msg
}

// Verify compares the pins of a lock with what resolving exactly those pins gave
// (resolved: every package of the solution, with the files of its version usable on the
// target). It finds what would stop `pip install --require-hashes -r LOCK`, or install
// something the lock does not name:
//
//   - a package the solution needs that the lock does not pin: in hash-checking mode pip
//     refuses it, and without hashes a lock installed as pinned (pip --no-deps, as the
//     Dockerfile depsolve init writes does) leaves it out of the environment;
//   - a pin with hashes none of which is the hash of a file usable on the target (pip
//     keeps only the candidate files whose hash is listed, so one match is enough);
//     depsolve compares sha256 hashes only, so a pin with none (sha512 alone), or one
//     whose sha256 hashes match nothing beside others it cannot compare, is a Warning
//     that its hashes were not checked;
//   - a pin without hashes in a lock where other pins have them, or that says
//     --require-hashes (requireHashes): pip's hash-checking mode, on as soon as one line
//     has a hash, refuses every line without one;
//   - a file of a pylock.toml pin whose sha256 is not that of the index's file of its
//     name, usable on the target: a PEP 751 installer takes a file by its name and
//     checks that file's hash, so another file's hash matching does not help.
//
// Findings about pins come in the order of pins, then the missing packages by name.
// A pin whose package is not in the solution (its marker is false on the target) is not
// checked.
func Verify(pins []Pin, resolved []Package, requireHashes bool) []Finding {
	byName := map[string]Package{}
	for _, p := range resolved {
		byName[p.Name] = p
	}
	pinned := map[string]bool{}
	hashing, why := requireHashes, "the lock says --require-hashes"
	for _, p := range pins {
		pinned[p.Name] = true
		if len(p.Hashes) > 0 && !hashing {
			hashing, why = true, "other lines have hashes"
		}
	}

	var out []Finding
	for _, pin := range pins {
		p, ok := byName[pin.Name]
		if !ok {
			continue
		}
		if len(pin.Hashes) == 0 {
			if hashing {
				out = append(out, Finding{Origin: pin.Origin, Name: pin.Name,
					Msg: fmt.Sprintf("%s==%s has no --hash; pip's hash-checking mode, on because %s, refuses it", pin.Name, pin.Version, why)})
			}
			continue
		}
		if algos := uncheckable(pin); algos != "" {
			out = append(out, Finding{Origin: pin.Origin, Name: pin.Name, Warning: true,
				Msg: fmt.Sprintf("%s==%s: depsolve checks only sha256 hashes, and this pin has %s ones: they were not checked; add the sha256 of the file (--hash=sha256:…) to have depsolve check it", pin.Name, pin.Version, algos)})
		} else if f := hashMismatch(pin, p); f != "" {
			if algos := otherAlgorithms(pin); algos != "" {
				// pip accepts a file that matches any of the pin's hashes: one of those
				// depsolve does not compare may be a usable file's.
				out = append(out, Finding{Origin: pin.Origin, Name: pin.Name, Warning: true,
					Msg: fmt.Sprintf("%s==%s: none of its sha256 hashes is a file usable on the target, and depsolve checks only sha256: its %s ones were not checked, and pip installs a file that matches one of them; add the sha256 of the file (--hash=sha256:…) to have depsolve check it", pin.Name, pin.Version, algos)})
				continue
			}
			out = append(out, Finding{Origin: pin.Origin, Name: pin.Name, Msg: f})
		} else {
			out = append(out, fileMismatches(pin, p)...)
		}
	}

	var missing []Package
	for _, p := range resolved {
		if !pinned[p.Name] {
			missing = append(missing, p)
		}
	}
	sort.Slice(missing, func(i, j int) bool { return missing[i].Name < missing[j].Name })
	for _, p := range missing {
		msg := fmt.Sprintf("%s is not pinned, yet the pinned set needs it (%s %s", p.Name, p.Name, p.Version)
		if len(p.Via) > 0 {
			via := append([]string(nil), p.Via...)
			sort.Strings(via)
			msg += ", required by " + strings.Join(dedupe(via), ", ")
		}
		out = append(out, Finding{Name: p.Name, Msg: msg + ")"})
	}
	return out
}

// uncheckable names the algorithms of a pin's hashes ("sha512") when none of them is
// sha256, the only one depsolve compares; else it returns "".
func uncheckable(pin Pin) string {
	var algos []string
	for _, h := range pin.Hashes {
		algo, _, _ := strings.Cut(h, ":")
		if strings.EqualFold(algo, "sha256") {
			return ""
		}
		algos = append(algos, strings.ToLower(algo))
	}
	sort.Strings(algos)
	return strings.Join(dedupe(algos), " and ")
}

// fileMismatches finds the files of a pylock.toml pin that name a file of the index
// usable on the target, yet whose sha256 hashes are not that file's: where another of
// its hashes matches, hashMismatch finds nothing, yet an installer taking this file
// fails. A file with no sha256, or whose name the index does not list as usable, is
// not checked.
func fileMismatches(pin Pin, p Package) []Finding {
	index := map[string]string{}
	for _, f := range p.Files {
		if f.SHA256 != "" {
			index[f.Name] = strings.ToLower(f.SHA256)
		}
	}
	var out []Finding
	for _, pf := range pin.Files {
		want, ok := index[pf.Name]
		if !ok {
			continue
		}
		var listed []string
		for _, h := range pf.Hashes {
			if algo, hex, _ := strings.Cut(h, ":"); strings.EqualFold(algo, "sha256") {
				listed = append(listed, strings.ToLower(hex))
			}
		}
		if len(listed) == 0 || slices.Contains(listed, want) {
			continue
		}
		out = append(out, Finding{Origin: pf.Origin, Name: pin.Name,
			Msg: fmt.Sprintf("%s==%s: the hash of %s is sha256:%s, but the index's file of that name has sha256:%s; an installer that takes this file fails its hash check", pin.Name, pin.Version, pf.Name, listed[0], want)})
	}
	return out
}

// otherAlgorithms names the algorithms of a pin's hashes other than sha256 ("sha512"),
// or returns "".
func otherAlgorithms(pin Pin) string {
	var algos []string
	for _, h := range pin.Hashes {
		if algo, _, _ := strings.Cut(h, ":"); !strings.EqualFold(algo, "sha256") {
			algos = append(algos, strings.ToLower(algo))
		}
	}
	sort.Strings(algos)
	return strings.Join(dedupe(algos), " and ")
}

// hashMismatch explains a pin none of whose hashes is a usable file's, or returns "".
func hashMismatch(pin Pin, p Package) string {
	listed := map[string]bool{}
	for _, h := range pin.Hashes {
		algo, hex, _ := strings.Cut(h, ":")
		if strings.EqualFold(algo, "sha256") {
			listed[strings.ToLower(hex)] = true
		}
	}
	var known []File
	for _, f := range p.Files {
		if f.SHA256 == "" {
			continue
		}
		if listed[strings.ToLower(f.SHA256)] {
			return ""
		}
		known = append(known, f)
	}
	what := fmt.Sprintf("%s==%s: ", pin.Name, pin.Version)
	if len(known) == 0 {
		return what + "the index gives no sha256 for any file of it usable on the target, so the pinned hashes cannot be checked"
	}
	sort.Slice(known, func(i, j int) bool { return known[i].Name < known[j].Name })
	msg := what + "the pinned hash matches no file usable on the target; the index has "
	if len(pin.Hashes) > 1 {
		msg = what + fmt.Sprintf("none of the %d pinned hashes matches a file usable on the target; the index has ", len(pin.Hashes))
	}
	for i, f := range known {
		if i > 0 {
			msg += ", "
		}
		if i == 2 && len(known) > 3 {
			msg += fmt.Sprintf("and %d more", len(known)-2)
			break
		}
		msg += f.Name + " (sha256:" + f.SHA256 + ")"
	}
	return msg
}

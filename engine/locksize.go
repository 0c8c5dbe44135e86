package engine

import (
	"fmt"
	"strings"

	"github.com/depsolve/depsolve/lockfile"
)

// Summary says in a line what the solution weighs: installed and download size, per
// CUDA family, and how many installed sizes are unknown. check prints it after its
// verdict, lock on stderr and in the lock's header.
func (r *SizeReport) Summary() string {
	line := fmt.Sprintf("size: %s installed, %s to download", HumanBytes(r.Installed), HumanBytes(r.Download))
	var families []string
	for _, f := range r.Families {
		families = append(families, fmt.Sprintf("CUDA %d: %s in %d %s", f.Major, HumanBytes(f.Installed), len(f.Packages), plural(len(f.Packages), "package", "packages")))
	}
	if len(families) > 0 {
		line += " (" + strings.Join(families, "; ") + ")"
	}
	if n := len(r.Unknown()); n > 0 {
		line += fmt.Sprintf("; installed size unknown for %d %s (depsolve size lists why)", n, plural(n, "package", "packages"))
	}
	return line
}

// lockSizes writes into l what each pin weighs, from the report r of the solution l
// locks, and the report's summary as the totals; r nil (sizes not looked up) writes
// none. A pin whose file or download size is not known (a lookup that failed softly,
// offline without the cache) gets no size, and then the totals, which would leave it
// out, are not written either: a lock records no size that is not the whole truth.
func lockSizes(l *lockfile.Lock, r *SizeReport) {
	if r == nil {
		return
	}
	byName := map[string]PackageSize{}
	for _, p := range r.Packages {
		byName[p.Name] = p
	}
	whole := true
	for i := range l.Packages {
		p, ok := byName[l.Packages[i].Name]
		if !ok || p.File == "" || p.Download <= 0 {
			whole = false
			continue
		}
		l.Packages[i].Size = pinSize(p)
	}
	if whole {
		l.Size = r.Summary()
	}
}

// pinSize says what a pin's file weighs, as a lock's comment on the pin: "2.1 MiB
// installed, 845.3 KiB download"; an installed size not known says why in brief, the
// reason up to its first colon ("a source distribution").
func pinSize(p PackageSize) string {
	if p.InstalledUnknown != "" {
		why, _, _ := strings.Cut(p.InstalledUnknown, ":")
		return fmt.Sprintf("%s download, installed unknown (%s)", HumanBytes(p.Download), why)
	}
	return fmt.Sprintf("%s installed, %s download", HumanBytes(p.Installed), HumanBytes(p.Download))
}

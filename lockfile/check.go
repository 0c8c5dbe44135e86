package lockfile

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ValueError is a value a lock cannot hold: one that would change what the lock says
// (a newline in a requirements file starts a line of its own, which pip reads as an
// option or a pin) or that is not what its field holds. The index checks what it
// serves before this; the writers refuse what gets through all the same, since a lock
// is installed from without anyone reading it.
type ValueError struct {
	Field string // what the value is, as "package torch, file …, sha256"
	Value string
	Why   string
}

func (e *ValueError) Error() string {
	value := e.Value
	if utf8.RuneCountInString(value) > 80 {
		value = string([]rune(value)[:80]) + "…"
	}
	return fmt.Sprintf("lock: %s %s %s; not written", e.Field, strconv.Quote(value), e.Why)
}

// checkLock checks every value the writers write, and returns the first it refuses.
// Single tokens of a requirements line (names, versions, URLs, file names, digests)
// may hold no white space either. Field labels embed only values already checked.
func checkLock(l *Lock) error {
	var first error
	check := func(field, value string, token bool) {
		for _, r := range value {
			if first != nil {
				return
			}
			switch {
			case r == utf8.RuneError || r < 0x20 || 0x7f <= r && r <= 0x9f:
				first = &ValueError{field, value, "has a control character or is not UTF-8"}
			case token && unicode.IsSpace(r):
				first = &ValueError{field, value, "has white space"}
			}
		}
	}
	check("command", l.Command, false)
	check("size", l.Size, false)
	for _, f := range l.Target {
		check("target field name", f.Name, true)
		check("target "+f.Name, f.Value, false)
	}
	check("index URL", l.IndexURL, true)
	for _, u := range l.ExtraIndexURLs {
		check("extra index URL", u, true)
	}
	for _, u := range l.FindLinks {
		check("find-links location", u, true)
	}
	for _, p := range l.Packages {
		check("package name", p.Name, true)
		pkg := "package " + p.Name
		check(pkg+" version", p.Version, true)
		check(pkg+" URL", p.DirectURL, true)
		check(pkg+" index", p.Index, true)
		for _, v := range p.Via {
			check(pkg+" via", v, false)
		}
		check(pkg+" size", p.Size, false)
		for _, f := range p.Files {
			check(pkg+" file name", f.Name, true)
			file := pkg + ", file " + f.Name + ","
			check(file+" URL", f.URL, true)
			check(file+" upload time", f.UploadTime, true)
			if first == nil && f.SHA256 != "" && !isSHA256(f.SHA256) {
				first = &ValueError{file + " sha256", f.SHA256, "is not 64 lower-case hexadecimal digits"}
			}
		}
	}
	return first
}

func isSHA256(s string) bool {
	return len(s) == 64 && strings.Trim(s, "0123456789abcdef") == ""
}

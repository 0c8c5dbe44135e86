package simple

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Every value a page gives is checked before use, because it ends up in lock files and
// on terminals: a "hash" holding a newline and a pip option would be written into a
// requirements lock as that option. A file with a value that cannot be right is
// skipped, with a problem on the page saying why; the rest of the page is used.

// digestLengths are the hex lengths of the digests of the hashlib algorithms indexes
// name (PEP 503: "the lowercase name of the hash function").
var digestLengths = map[string]int{
	"md5": 32, "sha1": 40, "sha224": 56, "sha256": 64, "sha384": 96, "sha512": 128,
	"sha3_224": 56, "sha3_256": 64, "sha3_384": 96, "sha3_512": 128,
	"blake2b": 128, "blake2s": 64,
}

// isHashName reports whether name can be a hash function's name: lower-case letters,
// digits, '_' and '-', as hashlib names are.
func isHashName(name string) bool {
	if name == "" || len(name) > 32 {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// checkDigest checks a digest of the (lower-case) hash function name: hexadecimal, of
// the length the function gives, or of an even length for a function depsolve does
// not know.
func checkDigest(name, digest string) error {
	want, known := digestLengths[name]
	switch {
	case !isHex(digest):
		return fmt.Errorf("%s digest %s is not hexadecimal", name, excerpt(digest))
	case known && len(digest) != want:
		return fmt.Errorf("%s digest %s has %d hexadecimal digits, not %d", name, excerpt(digest), len(digest), want)
	case !known && (digest == "" || len(digest)%2 != 0):
		return fmt.Errorf("%s digest %s is not a whole number of bytes", name, excerpt(digest))
	}
	return nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// checkHashes returns a hash map with names and digests in lower case, or an error
// for the entry with the first name, in name order, that cannot be a hash. The entries
// are checked in map order and the first bad name kept, instead of sorting the names:
// this runs for every file of every page, nearly always on one good entry.
func checkHashes(in map[string]string) (map[string]string, error) {
	out := lowerHashes(in)
	var badName string
	var badErr error
	for name, digest := range out {
		if badErr != nil && name > badName {
			continue
		}
		if err := checkHash(name, digest); err != nil {
			badName, badErr = name, err
		}
	}
	if badErr != nil {
		return nil, badErr
	}
	return out, nil
}

// checkHash checks one entry of a hash map, its name in lower case.
func checkHash(name, digest string) error {
	if !isHashName(name) {
		return fmt.Errorf("hash name %s is not a hash function's name", excerpt(name))
	}
	return checkDigest(name, digest)
}

// checkFilename rejects a file name that no distribution has and that would not
// print as one line: empty, a path, or with white space or control characters.
func checkFilename(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\\") {
		return fmt.Errorf("file name %s is not a file name", excerpt(name))
	}
	if hasUnprintable(name, unicode.IsSpace) {
		return fmt.Errorf("file name %s has white space or control characters", excerpt(name))
	}
	return nil
}

// checkURL rejects a file URL with white space or control characters (url.URL.String
// escapes them in paths, not everywhere).
func checkURL(u string) error {
	if hasUnprintable(u, unicode.IsSpace) {
		return fmt.Errorf("url %s has white space or control characters", excerpt(u))
	}
	return nil
}

// hasUnprintable reports whether s is not valid UTF-8, or has a control character
// (C0, DEL, C1) or a rune also rejects.
func hasUnprintable(s string, also func(rune) bool) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if r < 0x20 || 0x7f <= r && r <= 0x9f || also != nil && also(r) {
			return true
		}
	}
	return false
}

// excerpt quotes a value from a page for a problem's text: Go-quoted, so that no
// control character reaches a terminal, and cut short.
func excerpt(s string) string {
	const most = 80
	if utf8.RuneCountInString(s) <= most {
		return fmt.Sprintf("%q", s)
	}
	n := 0
	for i := range s {
		if n == most {
			return fmt.Sprintf("%q…", s[:i])
		}
		n++
	}
	return fmt.Sprintf("%q", s)
}

package reqfile

import (
	"bufio"
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// Format is what kind of input file a File was read from.
type Format int

const (
	FormatRequirements Format = iota // pip's requirements-file format
	FormatPyproject                  // a pyproject.toml: [project], [dependency-groups]
	FormatPylock                     // a PEP 751 lock
)

// FormatOf is the format a file's name says: pyproject.toml, pylock.toml and
// pylock.NAME.toml are TOML; any other name says nothing (FormatRequirements), and
// Parse then goes by the content.
func FormatOf(path string) Format {
	switch {
	case filepath.Base(path) == "pyproject.toml":
		return FormatPyproject
	case IsPylock(path):
		return FormatPylock
	}
	return FormatRequirements
}

var (
	// pylockKey is the key every PEP 751 lock has at its top, before any table.
	pylockKey = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^lock-version\s*=`) })
	// tomlHeader is a TOML table header line: [project], [[tool.uv.index]].
	tomlHeader = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^\[\[?\s*[A-Za-z0-9_."'-]+(\s*\.\s*[A-Za-z0-9_."'-]+)*\s*\]\]?\s*(#.*)?$`)
	})
)

// SniffFormat says what the content of a file is. A line that is a TOML table header
// ("[project]") is never a requirement (pip rejects it), unless a backslash continues a
// requirement onto it, so a file with one is TOML: a PEP 751 lock when it has a
// top-level lock-version key, else a pyproject. Anything else is a requirements file.
func SniffFormat(data []byte) Format {
	var toml, lock, continued bool
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case continued:
		// The prefix checks spare a requirements file compiling the rules (the
		// literal each of them starts with).
		case strings.HasPrefix(line, "[") && tomlHeader().MatchString(line):
			toml = true
		case !toml && strings.HasPrefix(line, "lock-version") && pylockKey().MatchString(line):
			lock = true
		}
		continued = strings.HasSuffix(line, `\`)
	}
	switch {
	case toml && lock:
		return FormatPylock
	case toml:
		return FormatPyproject
	}
	return FormatRequirements
}

// readOnce gives the bytes of one file already read, so that Parse reads an input file
// once whichever parser its content chooses; other files come from FS.
type readOnce struct {
	FS
	name string
	data []byte
	used bool
}

func (r *readOnce) ReadFile(name string) ([]byte, error) {
	if name == r.name && !r.used {
		r.used = true
		return r.data, nil
	}
	return r.FS.ReadFile(name)
}

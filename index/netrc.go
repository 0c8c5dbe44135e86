package index

import (
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/depsolve/depsolve/internal/runlog"
)

// maxNetrcSize is the most of a .netrc file read; a larger one gives no credentials.
const maxNetrcSize = 1 << 20

// netrcEntry is one machine's credentials from a .netrc file.
type netrcEntry struct{ login, password string }

// netrc holds the entries of a .netrc file: machine name -> credentials, plus
// the "default" entry, if any.
type netrc struct {
	machines map[string]netrcEntry
	fallback *netrcEntry
}

// netrcPath resolves where credentials are read from: the option, else $NETRC,
// else ~/.netrc.
func netrcPath(option string) string {
	if option != "" {
		return option
	}
	if p := runlog.Getenv("NETRC"); p != "" {
		return p
	}
	home, err := runlog.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".netrc")
}

// readNetrc reads a .netrc file; a missing or unreadable file has no entries.
// It follows the format of inetutils and Python's netrc module: tokens separated
// by white space, "machine NAME", "default", "login", "password", "account", and
// "macdef NAME" whose body runs to the next empty line.
func readNetrc(path string) *netrc {
	n := &netrc{machines: map[string]netrcEntry{}}
	if path == "" {
		return n
	}
	f, err := os.Open(path)
	if err != nil {
		runlog.ReadFile(path, nil, err)
		return n
	}
	defer f.Close()
	// A netrc is a few lines; the bound keeps $NETRC=/dev/zero from exhausting memory.
	data, err := io.ReadAll(io.LimitReader(f, maxNetrcSize+1))
	runlog.ReadOpenFile(path, f, data, err)
	if err != nil || len(data) > maxNetrcSize {
		return n
	}
	parseNetrc(string(data), n)
	return n
}

func parseNetrc(text string, n *netrc) {
	var current *netrcEntry
	var machine string
	isDefault := false
	commit := func() {
		if current == nil {
			return
		}
		if isDefault {
			if n.fallback == nil {
				e := *current
				n.fallback = &e
			}
		} else if _, seen := n.machines[machine]; !seen {
			n.machines[machine] = *current // the first entry for a machine wins
		}
		current = nil
	}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		if strings.HasPrefix(strings.TrimSpace(lines[i]), "#") {
			continue
		}
		fields := strings.Fields(lines[i])
		for j := 0; j < len(fields); j++ {
			next := func() string {
				if j+1 < len(fields) {
					j++
					return fields[j]
				}
				return ""
			}
			switch fields[j] {
			case "machine":
				commit()
				machine, isDefault = strings.ToLower(next()), false
				current = &netrcEntry{}
			case "default":
				commit()
				isDefault = true
				current = &netrcEntry{}
			case "login":
				if v := next(); current != nil {
					current.login = v
				}
			case "password":
				if v := next(); current != nil {
					current.password = v
				}
			case "account":
				next()
			case "macdef":
				commit()
				// The macro body runs to the next empty line.
				for i+1 < len(lines) && strings.TrimSpace(lines[i+1]) != "" {
					i++
				}
				j = len(fields)
			}
		}
	}
	commit()
}

// lookup returns the credentials for a host name (without port).
func (n *netrc) lookup(host string) (netrcEntry, bool) {
	if e, ok := n.machines[strings.ToLower(host)]; ok {
		return e, true
	}
	if n.fallback != nil {
		return *n.fallback, true
	}
	return netrcEntry{}, false
}

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
// by white space (a token in double quotes may hold some; a backslash escapes the next
// character), "machine NAME", "default", "login", "password", "account", and
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
	var tokens []netrcToken
	for i, line := range lines {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			tokens = appendNetrcTokens(tokens, line, i)
		}
	}
	for k := 0; k < len(tokens); k++ {
		// A keyword's value is the next token, on this line or a later one.
		next := func() string {
			if k+1 < len(tokens) {
				k++
				return tokens[k].text
			}
			return ""
		}
		switch tokens[k].text {
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
			// The rest of the line and the macro body, which runs to the next empty line.
			end := tokens[k].line + 1
			for end < len(lines) && strings.TrimSpace(lines[end]) != "" {
				end++
			}
			for k+1 < len(tokens) && tokens[k+1].line < end {
				k++
			}
		}
	}
	commit()
}

// netrcToken is one token of a .netrc file and the index of the line it ends on.
type netrcToken struct {
	text string
	line int
}

// appendNetrcTokens splits line into tokens as Python's netrc module (pip's) and curl
// do: separated by white space; a token in double quotes may hold white space; a
// backslash takes the next character as it is, in quotes or not.
func appendNetrcTokens(tokens []netrcToken, line string, lineIndex int) []netrcToken {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }
	for i := 0; i < len(line); {
		if isSpace(line[i]) {
			i++
			continue
		}
		quoted := line[i] == '"'
		if quoted {
			i++
		}
		var b strings.Builder
		for i < len(line) && (quoted && line[i] != '"' || !quoted && !isSpace(line[i])) {
			if line[i] == '\\' && i+1 < len(line) {
				i++
			}
			b.WriteByte(line[i])
			i++
		}
		if quoted && i < len(line) {
			i++ // the closing quote
		}
		tokens = append(tokens, netrcToken{b.String(), lineIndex})
	}
	return tokens
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

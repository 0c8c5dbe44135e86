package reqfile

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// word is one shell word of a line's option part, with the logical-line index of
// every byte (quotes and escapes removed).
type word struct {
	text  string
	m     offsetMap // to logical-line indices
	start int       // where the word begins, opening quote included
}

// splitError is an option part that Python's shlex.split rejects.
type splitError struct {
	at       int
	msg      string
	expected string
}

// shellSplit splits s as Python's shlex.split does (POSIX mode, no comments):
// words end at space, tab, CR or LF; single quotes keep everything; in double
// quotes a backslash escapes only '"' and '\'; elsewhere it escapes any character.
// base is the logical-line index of s[0].
func shellSplit(s string, base int) ([]word, *splitError) {
	var (
		words   []word
		text    []byte
		cur     word
		inWord  bool
		quote   rune // the open quote, or 0
		quoteAt int
	)
	add := func(i int, r rune) {
		cur.m.add(len(text), base+i, false)
		text = utf8.AppendRune(text, r)
	}
	finish := func(end int) {
		cur.text = string(text)
		cur.m.n, cur.m.end = len(text), base+end
		words = append(words, cur)
		cur, inWord, text = word{}, false, text[:0]
	}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case quote != 0:
			switch {
			case r == quote:
				quote = 0
			case quote == '"' && r == '\\':
				if i+n >= len(s) {
					return nil, &splitError{base + quoteAt, "unterminated double quote in the options", `a closing '"'`}
				}
				next, m := utf8.DecodeRuneInString(s[i+n:])
				if next != '"' && next != '\\' {
					add(i, '\\')
				}
				add(i+n, next)
				n += m
			default:
				add(i, r)
			}
		case r == ' ' || r == '\t' || r == '\r' || r == '\n':
			if inWord {
				finish(i)
			}
		default:
			if !inWord {
				cur.start, inWord = base+i, true
			}
			switch r {
			case '\'', '"':
				quote, quoteAt = r, i
			case '\\':
				if i+n >= len(s) {
					return nil, &splitError{base + i, "a backslash ends the options", "a character after it"}
				}
				next, m := utf8.DecodeRuneInString(s[i+n:])
				add(i+n, next)
				n += m
			default:
				add(i, r)
			}
		}
		i += n
	}
	if quote != 0 {
		kind := "single"
		if quote == '"' {
			kind = "double"
		}
		return nil, &splitError{base + quoteAt, "unterminated " + kind + " quote in the options", fmt.Sprintf("a closing %q", quote)}
	}
	if inWord {
		finish(len(s))
	}
	return words, nil
}

// optionKind says what pip does with an option.
type optionKind int

const (
	// optGlobal options configure the finder; pip applies them only on a line
	// without a requirement and ignores them on a requirement line.
	optGlobal optionKind = iota
	// optPerRequirement options belong to the requirement on their line.
	optPerRequirement
	// optFormat options (--no-binary, --only-binary, --all-releases, --only-final)
	// change a set pip shares between all lines, so they take effect on any line.
	optFormat
)

// optionSpec is one option of pip's requirements-file parser.
type optionSpec struct {
	long       []string // first is the canonical name
	short      string
	takesValue bool
	kind       optionKind
}

// The options pip's req_file.py accepts (SUPPORTED_OPTIONS and
// SUPPORTED_OPTIONS_REQ of pip 26.2).
var optionSpecs = []*optionSpec{
	{long: []string{"--index-url", "--pypi-url"}, short: "-i", takesValue: true},
	{long: []string{"--extra-index-url"}, takesValue: true},
	{long: []string{"--no-index"}},
	{long: []string{"--constraint"}, short: "-c", takesValue: true},
	{long: []string{"--requirement"}, short: "-r", takesValue: true},
	{long: []string{"--editable"}, short: "-e", takesValue: true},
	{long: []string{"--find-links"}, short: "-f", takesValue: true},
	{long: []string{"--no-binary"}, takesValue: true, kind: optFormat},
	{long: []string{"--only-binary"}, takesValue: true, kind: optFormat},
	{long: []string{"--prefer-binary"}},
	{long: []string{"--require-hashes"}},
	{long: []string{"--no-require-hashes"}},
	{long: []string{"--pre"}},
	{long: []string{"--all-releases"}, takesValue: true, kind: optFormat},
	{long: []string{"--only-final"}, takesValue: true, kind: optFormat},
	{long: []string{"--trusted-host"}, takesValue: true},
	{long: []string{"--use-feature"}, takesValue: true},
	{long: []string{"--hash"}, takesValue: true, kind: optPerRequirement},
	{long: []string{"--config-settings"}, short: "-C", takesValue: true, kind: optPerRequirement},
}

// useFeatures are the values pip 26.2 accepts for --use-feature.
var useFeatures = []string{"fast-deps", "inprocess-build-deps", "venv-isolation", "truststore", "no-binary-enable-wheel-cache", "build-constraint"}

// option is one option as given on a line.
type option struct {
	spec    *optionSpec
	spelled string // as typed, abbreviations included: "-r", "--extra"
	value   string
	valueAt int // logical-line index of the value's first byte
	at      int // logical-line index of the option
}

func (o option) name() string { return o.spec.long[0] }

// optionError is an option part that pip's optparse parser rejects.
type optionError struct {
	at        int
	msg, hint string
}

// parseOptions reads the words as Python's optparse does with pip's parser:
// "--opt=value" and "--opt value", "-rvalue" and "-r value", unique prefixes of long
// names, "--" ending the options, and arguments between options kept aside (pip
// ignores them).
func parseOptions(words []word) (opts []option, args []word, err *optionError) {
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case w.text == "--":
			return opts, append(args, words[i+1:]...), nil
		case strings.HasPrefix(w.text, "--"):
			name, value, explicit := strings.Cut(w.text, "=")
			spec, err := matchLong(name, w.start)
			if err != nil {
				return nil, nil, err
			}
			o := option{spec: spec, spelled: name, at: w.start}
			switch {
			case spec.takesValue && explicit:
				o.value, o.valueAt = value, w.m.at(len(name)+1)
			case spec.takesValue:
				if i+1 >= len(words) {
					return nil, nil, &optionError{w.start, spec.long[0] + " needs a value", ""}
				}
				i++
				o.value, o.valueAt = words[i].text, words[i].start
			case explicit:
				return nil, nil, &optionError{w.m.at(len(name)), spec.long[0] + " takes no value", "remove the '=' and what follows it"}
			}
			opts = append(opts, o)
		case strings.HasPrefix(w.text, "-") && len(w.text) > 1:
			r, n := utf8.DecodeRuneInString(w.text[1:])
			short := "-" + string(r)
			var spec *optionSpec
			for _, s := range optionSpecs {
				if s.short != "" && s.short == short {
					spec = s
				}
			}
			if spec == nil {
				return nil, nil, &optionError{w.start, "unknown option " + short, knownOptionsHint}
			}
			// Every short option of the parser takes a value: the rest of the
			// word, or else the next word.
			o := option{spec: spec, spelled: short, at: w.start}
			if rest := w.text[1+n:]; rest != "" {
				o.value, o.valueAt = rest, w.m.at(1+n)
			} else {
				if i+1 >= len(words) {
					return nil, nil, &optionError{w.start, short + " needs a value", ""}
				}
				i++
				o.value, o.valueAt = words[i].text, words[i].start
			}
			opts = append(opts, o)
		default:
			args = append(args, w)
		}
	}
	for _, o := range opts {
		// An empty value ('' or "", or nothing after '=') would read as the folder of the
		// file (-r, --find-links) or as the option left out (--index-url).
		if o.spec.takesValue && o.value == "" {
			return nil, nil, &optionError{o.valueAt, o.spelled + " needs a value, and it is given an empty one", ""}
		}
	}
	return opts, args, nil
}

const knownOptionsHint = "a requirements file accepts -i/--index-url, --extra-index-url, --no-index, -f/--find-links, " +
	"--trusted-host, -r/--requirement, -c/--constraint, -e/--editable, --pre, --only-binary, --no-binary, " +
	"--prefer-binary, --all-releases, --only-final, --require-hashes, --no-require-hashes, --use-feature, " +
	"and on a requirement's line --hash and -C/--config-settings"

// matchLong finds a long option by its name or a unique prefix of it.
func matchLong(name string, at int) (*optionSpec, *optionError) {
	var matches []*optionSpec
	var spelled []string
	for _, s := range optionSpecs {
		for _, l := range s.long {
			if l == name {
				return s, nil
			}
			if strings.HasPrefix(l, name) {
				matches = append(matches, s)
				spelled = append(spelled, l)
			}
		}
	}
	switch len(matches) {
	case 0:
		if name == "--no-build" {
			return nil, &optionError{at, "unknown option --no-build: it is uv's command-line flag, which neither pip nor uv reads in a requirements file",
				"write --only-binary :all: here (pip and uv read it), or pass --no-build to depsolve"}
		}
		return nil, &optionError{at, "unknown option " + name, knownOptionsHint}
	case 1:
		return matches[0], nil
	}
	return nil, &optionError{at, fmt.Sprintf("ambiguous option %s: it could be %s", name, strings.Join(spelled, ", ")), "write the option in full"}
}

// hashDigits are the digest lengths of the algorithms pip accepts for --hash.
var hashDigits = map[string]int{"sha256": 64, "sha384": 96, "sha512": 128}

// checkHash reads a --hash value, ALGORITHM:DIGEST. pip checks the algorithm and
// leaves the digest to install time; depsolve also checks that the digest is
// hexadecimal of the algorithm's length, since no file can match another. The
// digest is returned in lower case.
func checkHash(o option) (string, *optionError) {
	algo, digest, ok := strings.Cut(o.value, ":")
	if !ok {
		return "", &optionError{o.valueAt, o.spelled + " needs ALGORITHM:DIGEST, found " + quote(o.value), "write it as --hash=sha256:<64 hexadecimal digits>"}
	}
	size := hashDigits[algo]
	if size == 0 {
		return "", &optionError{o.valueAt, "hash algorithm " + quote(algo) + " is not allowed", "pip accepts sha256, sha384 and sha512"}
	}
	at := o.valueAt + len(algo) + 1
	for i, c := range digest {
		if !('0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'f') {
			return "", &optionError{at + i, fmt.Sprintf("a %s digest has only hexadecimal digits, found %q", algo, c), ""}
		}
	}
	if len(digest) != size {
		return "", &optionError{at, fmt.Sprintf("a %s digest has %d hexadecimal digits, found %d", algo, size, len(digest)), ""}
	}
	return algo + ":" + strings.ToLower(digest), nil
}

package engine

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/depsolve/depsolve/target"
)

// A lock records the target's GPUs under gpus in a syntax of its own, so that reading
// them back gives the GPUs written, whatever their names hold:
//
//	H100 cc=9.0 count=2, sm_80 cc=8.0, Mystery cc=unknown
//
// Each GPU is its name, then space-separated fields: cc, its compute capability
// ("unknown" when it has none), and count, its number of devices when more than one.
// GPUs are separated by ", ". In names and values, "%", ",", "=", "\", characters that
// are not printable (controls, line separators, spaces other than U+0020) and spaces
// that start or end one are written as %XX of their UTF-8 bytes, so that none of them
// can be read as a separator or be trimmed from the header line, and pip reads the
// header as comment lines. GPUSummary's display form ("2× H100 (sm_90)") is what locks
// recorded before; readLockedGPUs reads it too (legacyGPUSummaries).

const unknownCapability = "unknown"

// writeLockedGPUs writes gpus as a lock records them; readLockedGPUs is its inverse.
func writeLockedGPUs(gpus []target.GPU) string {
	entries := make([]string, len(gpus))
	for i, g := range gpus {
		cc := g.Capability
		if cc == "" {
			cc = unknownCapability
		}
		entry := escapeLockedField(g.Name, true) + " cc=" + escapeLockedField(cc, false)
		if g.Count > 1 {
			entry += " count=" + strconv.Itoa(g.Count)
		}
		entries[i] = entry
	}
	return strings.Join(entries, ", ")
}

// readLockedGPUs reads the GPUs a lock records under gpus, each with origin. A value
// without a cc field is the display form locks recorded before depsolve wrote this
// syntax; it reads as it did then.
func readLockedGPUs(text string, origin target.Origin) ([]target.GPU, error) {
	if !strings.Contains(text, " cc=") {
		return legacyGPUSummaries(text, origin), nil
	}
	var out []target.GPU
	for i, entry := range strings.Split(text, ", ") {
		g, err := readLockedGPU(entry)
		if err != nil {
			return nil, fmt.Errorf("GPU %d (%q): %v; depsolve lock writes each GPU as NAME cc=CAPABILITY, with count=N for several, separated by \", \"", i+1, entry, err)
		}
		g.Origin = origin
		out = append(out, g)
	}
	return out, nil
}

func readLockedGPU(entry string) (target.GPU, error) {
	g := target.GPU{Count: 1}
	// Names escape "=", so the name ends at the last space before the first field.
	eq := strings.IndexByte(entry, '=')
	sp := strings.LastIndexByte(entry[:max(eq, 0)], ' ')
	if eq < 0 || sp < 0 {
		return g, fmt.Errorf("no cc field")
	}
	name, err := unescapeLockedField(entry[:sp])
	if err != nil {
		return g, fmt.Errorf("name: %v", err)
	}
	if name == "" {
		return g, fmt.Errorf("empty name")
	}
	g.Name = name
	seen := map[string]bool{}
	for _, field := range strings.Split(entry[sp+1:], " ") {
		key, raw, _ := strings.Cut(field, "=")
		if seen[key] {
			return g, fmt.Errorf("%s given twice", key)
		}
		seen[key] = true
		value, err := unescapeLockedField(raw)
		if err != nil {
			return g, fmt.Errorf("%s: %v", key, err)
		}
		switch key {
		case "cc":
			if value != unknownCapability {
				g.Capability = value
			}
		case "count":
			n, err := strconv.Atoi(value)
			if err != nil || n < 1 {
				return g, fmt.Errorf("count %q is not a number of devices", value)
			}
			g.Count = n
		default:
			return g, fmt.Errorf("unknown field %q", field)
		}
	}
	if !seen["cc"] {
		return g, fmt.Errorf("no cc field")
	}
	return g, nil
}

// escapeLockedField writes s with the bytes the syntax reserves as %XX; a name keeps
// the spaces inside it ("RTX 4090"), a field's value has none.
func escapeLockedField(s string, name bool) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		edge := i == 0 || i+size == len(s)
		reserved := strings.ContainsRune("%,=\\", r) || r == ' ' && (edge || !name) ||
			r == utf8.RuneError && size == 1 || !unicode.IsPrint(r)
		if reserved {
			for _, c := range []byte(s[i : i+size]) {
				fmt.Fprintf(&b, "%%%02X", c)
			}
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// unescapeLockedField is the inverse of escapeLockedField.
func unescapeLockedField(s string) (string, error) {
	if !strings.Contains(s, "%") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", fmt.Errorf("%q: %% must be followed by two hex digits", s)
		}
		c, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", fmt.Errorf("%q: %% must be followed by two hex digits", s)
		}
		b.WriteByte(byte(c))
		i += 2
	}
	return b.String(), nil
}

// legacyGPUSummaries reads the GPUs of a lock written before the syntax above: what
// GPUSummary wrote for each GPU, joined with ", ": "2× H100 (sm_90)", "RTX 4090 (sm_89)",
// "sm_80", "X1 (compute capability unknown)". It reads them as depsolve did then, without a
// warning: such a lock stays valid, and depsolve lock rewrites it in the new syntax.
func legacyGPUSummaries(text string, origin target.Origin) []target.GPU {
	var out []target.GPU
	for _, s := range strings.Split(text, ", ") {
		g := target.GPU{Name: strings.TrimSpace(s), Count: 1, Origin: origin}
		if n, rest, ok := strings.Cut(g.Name, "× "); ok {
			if count, err := strconv.Atoi(n); err == nil && count > 0 {
				g.Name, g.Count = rest, count
			}
		}
		if i := strings.LastIndex(g.Name, " ("); i > 0 && strings.HasSuffix(g.Name, ")") {
			name, detail := g.Name[:i], g.Name[i+2:len(g.Name)-1]
			digits, isSM := strings.CutPrefix(detail, "sm_")
			switch {
			case detail == "compute capability unknown":
				g.Name = name
			case isSM && len(digits) >= 2 && strings.Trim(digits, "0123456789") == "":
				g.Name, g.Capability = name, digits[:len(digits)-1]+"."+digits[len(digits)-1:]
			}
		}
		out = append(out, g)
	}
	return out
}

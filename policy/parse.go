package policy

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"github.com/depsolve/depsolve/internal/printable"
	"github.com/depsolve/depsolve/internal/tomlpos"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/reqfile"
	"github.com/depsolve/depsolve/target"
)

// The schema, each list sorted: errors print it.
var (
	topKeys         = []string{"budget", "deny", "fleet", "images", "locked", "require", "rules", "strict", "supply-chain"}
	fleetKeys       = []string{"images", "name", "target"}
	fleetTargetKeys = []string{"base-image", "cpu", "cuda", "driver", "glibc", "gpus", "name", "platform", "python"}
	ruleKeys        = []string{"link", "package", "reason", "versions"}
	imagesKeys      = []string{"allowed"}
	supplyKeys      = []string{"exclude-newer", "indexes", "only-binary", "pre-releases"}
	budgetKeys      = []string{"max-download-size", "max-image-size"}
	strictKeys      = []string{"errors"}
	rulesKeys       = []string{"one-cuda-family"}
)

// Parse reads a policy file. name is how citations name it (a path, or a URL without
// credentials); codes are the warning codes strict.errors may name. Unknown keys, wrong
// types and malformed values are *target.InputError at their line and column.
func Parse(name string, data []byte, codes []string) (*Policy, error) {
	// A byte order mark (Windows editors write one) is not part of the first line: left
	// in, it moved every position to line 1.
	text := strings.TrimPrefix(string(data), "\ufeff")
	p := &parser{file: name, text: text}
	if !utf8.ValidString(text) {
		return nil, &target.InputError{Pos: target.Position{File: name}, Msg: "a policy file is UTF-8 TOML; this one is not UTF-8"}
	}
	if de := tomlpos.CheckDepth(text); de != nil {
		return nil, p.errorAt(de.Line, de.Col, "%s", de.Reason())
	}
	var doc map[string]any
	if _, err := toml.Decode(text, &doc); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, p.errorAt(pe.Position.Line, pe.Position.Col, "%s", pe.Message)
		}
		return nil, &target.InputError{Pos: target.Position{File: name}, Msg: err.Error()}
	}
	p.doc = reqfile.DocumentTable(name, text, doc)
	return p.policy(doc, codes)
}

type parser struct {
	file, text string
	doc        *reqfile.Table // the whole document, whose keys and values can be pointed at
}

// place is where path is written (its value when atValue, else its key), or its
// nearest written parent.
func (p *parser) place(path tomlpos.Path, atValue bool) (line, col int) {
	for n := len(path); n >= 0; n-- {
		if atValue {
			if at, ok := p.doc.ValuePos(path[:n]...); ok {
				return at.Line, at.Col
			}
		}
		if at, ok := p.doc.KeyPos(path[:n]...); ok {
			return at.Line, at.Col
		}
	}
	return 1, 0
}

func (p *parser) line(path tomlpos.Path) int {
	line, _ := p.place(path, false)
	return line
}

func (p *parser) errorf(path tomlpos.Path, atValue bool, format string, args ...any) error {
	line, col := p.place(path, atValue)
	return p.errorAt(line, col, format, args...)
}

func (p *parser) errorAt(line, col int, format string, args ...any) error {
	e := &target.InputError{Pos: target.Position{File: p.file, Line: line, Col: col}, Msg: fmt.Sprintf(format, args...)}
	if lines := strings.Split(p.text, "\n"); line >= 1 && line <= len(lines) {
		e.Source = strings.TrimRight(lines[line-1], "\r")
	}
	return e
}

// keyName is path as messages name a key: "supply-chain.only-binary", "fleet[1].target[0].python".
func keyName(path tomlpos.Path) string {
	var b strings.Builder
	for _, e := range path {
		switch e := e.(type) {
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(e)
		case int:
			fmt.Fprintf(&b, "[%d]", e)
		}
	}
	return b.String()
}

func (p *parser) unknownKeys(path tomlpos.Path, table map[string]any, known []string) error {
	var unknown []string
	for k := range table {
		if !slices.Contains(known, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	// The first one in the file, so that fixing errors top to bottom works.
	sort.Slice(unknown, func(i, j int) bool {
		a, b := p.line(path.Plus(unknown[i])), p.line(path.Plus(unknown[j]))
		return a < b || a == b && unknown[i] < unknown[j]
	})
	where := "the policy's top level"
	if len(path) > 0 {
		where = "[" + keyName(path) + "]"
	}
	return p.errorf(path.Plus(unknown[0]), false, "unknown key %q in %s; known keys: %s", unknown[0], where, strings.Join(known, ", "))
}

// table reads the table at key of parent; nil when absent.
func (p *parser) table(parent map[string]any, path tomlpos.Path, key string, known []string) (map[string]any, error) {
	raw, ok := parent[key]
	if !ok {
		return nil, nil
	}
	t, ok := raw.(map[string]any)
	if !ok {
		return nil, p.errorf(path.Plus(key), true, "%s must be a table ([%s]), not %s", keyName(path.Plus(key)), keyName(path.Plus(key)), target.TOMLTypeName(raw))
	}
	return t, p.unknownKeys(path.Plus(key), t, known)
}

// tables reads the array of tables at key ([[key]]); nil when absent.
func (p *parser) tables(parent map[string]any, path tomlpos.Path, key string, known []string) ([]map[string]any, error) {
	raw, ok := parent[key]
	if !ok {
		return nil, nil
	}
	ts, ok := raw.([]map[string]any)
	if !ok {
		return nil, p.errorf(path.Plus(key), true, "%s must be an array of tables ([[%s]]), not %s", keyName(path.Plus(key)), keyName(path.Plus(key)), target.TOMLTypeName(raw))
	}
	for i, t := range ts {
		if err := p.unknownKeys(path.Plus(key, i), t, known); err != nil {
			return nil, err
		}
	}
	return ts, nil
}

// str reads a non-empty string; "" and line 0 when absent, unless required.
func (p *parser) str(t map[string]any, path tomlpos.Path, key string, required bool) (string, int, error) {
	raw, ok := t[key]
	if !ok {
		if required {
			return "", 0, p.errorf(path, false, "%s has no %s; add %s = \"…\"", keyName(path), key, key)
		}
		return "", 0, nil
	}
	s, ok := raw.(string)
	if !ok {
		return "", 0, p.errorf(path.Plus(key), true, "%s must be a string, not %s", key, target.TOMLTypeName(raw))
	}
	if strings.TrimSpace(s) == "" {
		return "", 0, p.errorf(path.Plus(key), true, "%s is empty", key)
	}
	return strings.TrimSpace(s), p.line(path.Plus(key)), nil
}

// strs reads an array of non-empty strings; nil when absent.
func (p *parser) strs(t map[string]any, path tomlpos.Path, key string) ([]string, int, error) {
	raw, ok := t[key]
	if !ok {
		return nil, 0, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, 0, p.errorf(path.Plus(key), true, "%s must be an array of strings, not %s", key, target.TOMLTypeName(raw))
	}
	out := []string{}
	for i, item := range list {
		s, ok := item.(string)
		if !ok || strings.TrimSpace(s) == "" {
			what := "empty"
			if !ok {
				what = "not a string but " + target.TOMLTypeName(item)
			}
			return nil, 0, p.errorf(path.Plus(key, i), true, "%s[%d] is %s", key, i, what)
		}
		out = append(out, strings.TrimSpace(s))
	}
	return out, p.line(path.Plus(key)), nil
}

func (p *parser) boolean(t map[string]any, path tomlpos.Path, key string) (Setting[bool], error) {
	raw, ok := t[key]
	if !ok {
		return Setting[bool]{}, nil
	}
	b, ok := raw.(bool)
	if !ok {
		return Setting[bool]{}, p.errorf(path.Plus(key), true, "%s must be true or false, not %s", key, target.TOMLTypeName(raw))
	}
	return Setting[bool]{Value: b, Line: p.line(path.Plus(key))}, nil
}

func (p *parser) policy(doc map[string]any, codes []string) (*Policy, error) {
	if err := p.unknownKeys(nil, doc, topKeys); err != nil {
		return nil, err
	}
	pol := &Policy{File: p.file, Locked: map[string]bool{}}
	steps := []func(map[string]any, *Policy) error{p.fleets, p.rules, p.ruleSwitches, p.images, p.supplyChain, p.budget, p.locked}
	for _, step := range steps {
		if err := step(doc, pol); err != nil {
			return nil, err
		}
	}
	if err := p.strict(doc, pol, codes); err != nil {
		return nil, err
	}
	return pol, nil
}

func (p *parser) fleets(doc map[string]any, pol *Policy) error {
	fleets, err := p.tables(doc, nil, "fleet", fleetKeys)
	if err != nil {
		return err
	}
	for i, ft := range fleets {
		path := tomlpos.Path{"fleet", i}
		f := Fleet{Line: p.line(path)}
		if f.Name, _, err = p.str(ft, path, "name", true); err != nil {
			return err
		}
		if problem := fileNameProblem(f.Name); problem != "" {
			return p.errorf(path.Plus("name"), true, "fleet name %q: a fleet name becomes part of a file name ({fleet} in -o) and of --fleet FLEET/TARGET, so it may not %s", f.Name, problem)
		}
		if _, dup := pol.Fleet(f.Name); dup {
			return p.errorf(path.Plus("name"), true, "a second fleet named %q; fleet names must differ", f.Name)
		}
		if f.Images.Value, f.Images.Line, err = p.imageList(ft, path, "images"); err != nil {
			return err
		}
		targets, err := p.tables(ft, path, "target", fleetTargetKeys)
		if err != nil {
			return err
		}
		if len(targets) == 0 {
			return p.errorf(path, false, "fleet %q has no targets; add [[fleet.target]] tables under it", f.Name)
		}
		for j, tt := range targets {
			t, err := p.fleetTarget(tt, path.Plus("target", j))
			if err != nil {
				return err
			}
			if slices.ContainsFunc(f.Targets, func(o FleetTarget) bool { return o.Name == t.Name }) {
				return p.errorf(path.Plus("target", j, "name"), true, "a second target named %q in fleet %q; target names must differ", t.Name, f.Name)
			}
			f.Targets = append(f.Targets, t)
		}
		pol.Fleets = append(pol.Fleets, f)
	}
	return nil
}

// fileNameProblem says what keeps name, a fleet's or a target's, from being put into a
// lock's file name ({fleet} and {target} in -o): a policy may be fetched from a server,
// and its names must not lead the lock out of the folder -o names (.., /) or put
// control characters in a file name or on a terminal. "" when there is none.
func fileNameProblem(name string) string {
	switch {
	case name == "." || name == "..":
		return "be . or .."
	case strings.ContainsFunc(name, unicode.IsControl):
		return "hold control characters"
	case strings.ContainsAny(name, `/\:*?"<>| `):
		return `hold spaces or any of / \ : * ? " < > |`
	}
	return ""
}

func (p *parser) fleetTarget(t map[string]any, path tomlpos.Path) (FleetTarget, error) {
	ft := FleetTarget{Line: p.line(path)}
	var err error
	if ft.Name, _, err = p.str(t, path, "name", true); err != nil {
		return ft, err
	}
	if problem := fileNameProblem(ft.Name); problem != "" {
		return ft, p.errorf(path.Plus("name"), true, "target name %q: a target name becomes a file name ({target} in -o), so it may not %s", ft.Name, problem)
	}
	origin := func(key string) target.Origin {
		return target.Origin{From: target.FromConfig, Pos: target.Position{File: p.file, Line: p.line(path.Plus(key))}, Detail: keyName(path.Plus(key))}
	}
	d := &ft.Target
	for _, f := range []struct {
		key string
		dst *target.Value
	}{{"python", &d.Python}, {"platform", &d.Platform}, {"glibc", &d.GLibc}, {"driver", &d.Driver}, {"cuda", &d.CUDA}, {"base-image", &d.BaseImage}} {
		text, _, err := p.str(t, path, f.key, false)
		if err != nil {
			return ft, err
		}
		if text == "" {
			continue
		}
		if err := target.CheckSetting(f.key, text); err != nil {
			return ft, p.errorf(path.Plus(f.key), true, "%s: %v", f.key, err)
		}
		*f.dst = target.Value{Text: text, Origin: origin(f.key)}
	}
	gpus, _, err := p.strs(t, path, "gpus")
	if err != nil {
		return ft, err
	}
	for i, g := range gpus {
		if err := target.CheckSetting("gpus", g); err != nil {
			return ft, p.errorf(path.Plus("gpus", i), true, "gpus: %v", err)
		}
		d.GPUs = append(d.GPUs, target.GPU{Name: g, Count: 1, Origin: origin("gpus")})
	}
	cpu, err := p.boolean(t, path, "cpu")
	if err != nil {
		return ft, err
	}
	if cpu.Set() {
		d.CPU = target.Toggle{Set: true, On: cpu.Value, Origin: origin("cpu")}
		if cpu.Value && len(gpus) > 0 {
			return ft, p.errorf(path.Plus("cpu"), false, "cpu = true, yet gpus lists GPUs")
		}
	}
	return ft, nil
}

func (p *parser) rules(doc map[string]any, pol *Policy) error {
	for _, kind := range []struct {
		key string
		dst *[]Rule
	}{{"deny", &pol.Deny}, {"require", &pol.Require}} {
		tables, err := p.tables(doc, nil, kind.key, ruleKeys)
		if err != nil {
			return err
		}
		for i, t := range tables {
			path := tomlpos.Path{kind.key, i}
			r := Rule{Line: p.line(path)}
			name, _, err := p.str(t, path, "package", true)
			if err != nil {
				return err
			}
			if !pep508.ValidName(name) {
				return p.errorf(path.Plus("package"), true, "package %q is not a project name (PEP 508)", name)
			}
			r.Package = pep508.NormalizeName(name)
			if r.Written, _, err = p.str(t, path, "versions", true); err != nil {
				return err
			}
			if r.Versions, err = pep440.ParseSpecifierSet(r.Written); err != nil {
				return p.errorf(path.Plus("versions"), true, "versions %q: %v; write a PEP 440 specifier such as \"<2.6\"", r.Written, err)
			}
			if r.Reason, _, err = p.str(t, path, "reason", true); err != nil {
				return err
			}
			// The reason is shown as written inside explanations, and a policy may come
			// from a server: a control character in it must not recolour the terminal
			// or start a line of its own ("ok: ...").
			r.Reason = printable.Escape(r.Reason)
			if r.Link, _, err = p.str(t, path, "link", false); err != nil {
				return err
			}
			if r.Link != "" {
				if err := checkLink(r.Link); err != nil {
					return p.errorf(path.Plus("link"), true, "link %q: %v", r.Link, err)
				}
			}
			*kind.dst = append(*kind.dst, r)
		}
	}
	return nil
}

// ruleSwitches reads [rules]: the rules that are on or off rather than about one
// package.
func (p *parser) ruleSwitches(doc map[string]any, pol *Policy) error {
	t, err := p.table(doc, nil, "rules", rulesKeys)
	if err != nil || t == nil {
		return err
	}
	pol.OneCUDAFamily, err = p.boolean(t, tomlpos.Path{"rules"}, "one-cuda-family")
	return err
}

// checkLink accepts an http(s) URL with a host.
func checkLink(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return errors.New("not a URL")
	case u.Scheme != "https" && u.Scheme != "http" || u.Host == "":
		return errors.New("want an https:// URL")
	}
	return nil
}

func (p *parser) imageList(t map[string]any, path tomlpos.Path, key string) ([]string, int, error) {
	images, line, err := p.strs(t, path, key)
	if err != nil {
		return nil, 0, err
	}
	for i, img := range images {
		if err := target.CheckSetting("base-image", img); err != nil {
			return nil, 0, p.errorf(path.Plus(key, i), true, "%s[%d]: %v", key, i, err)
		}
	}
	// As for indexes: an empty list would refuse every base image, each with a list of
	// allowed images that is empty.
	if line > 0 && len(images) == 0 {
		return nil, 0, p.errorf(path.Plus(key), true, "%s is empty: no base image could pass; list the golden images, or leave %s out to allow any", key, key)
	}
	return images, line, nil
}

func (p *parser) images(doc map[string]any, pol *Policy) error {
	t, err := p.table(doc, nil, "images", imagesKeys)
	if t == nil || err != nil {
		return err
	}
	pol.Images.Value, pol.Images.Line, err = p.imageList(t, tomlpos.Path{"images"}, "allowed")
	if err != nil {
		return err
	}
	// A fleet's target that uses an image its fleet may not is a policy at odds with
	// itself: said now, not on every check.
	for i, f := range pol.Fleets {
		allowed := pol.ImagesFor(&pol.Fleets[i])
		for j, ft := range f.Targets {
			if img := ft.Target.BaseImage; img.Known() && allowed.Set() && !slices.ContainsFunc(allowed.Value, func(a string) bool { return target.SameImage(a, img.Text) }) {
				return p.errorf(tomlpos.Path{"fleet", i, "target", j, "base-image"}, true, "fleet %q target %q uses base image %s, which is not one of the images %s allows", f.Name, ft.Name, img.Text, pol.At(allowed.Line))
			}
		}
	}
	return nil
}

func (p *parser) supplyChain(doc map[string]any, pol *Policy) error {
	t, err := p.table(doc, nil, "supply-chain", supplyKeys)
	if t == nil || err != nil {
		return err
	}
	path := tomlpos.Path{"supply-chain"}
	if pol.Indexes.Value, pol.Indexes.Line, err = p.strs(t, path, "indexes"); err != nil {
		return err
	}
	for i, ix := range pol.Indexes.Value {
		u, err := url.Parse(ix)
		if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
			return p.errorf(path.Plus("indexes", i), true, "indexes[%d] %q is not an index URL; want https://host/simple", i, ix)
		}
		if u.User != nil {
			return p.errorf(path.Plus("indexes", i), true, "indexes[%d] holds credentials; a policy names indexes, and credentials go in .netrc or the index URL a project gives", i)
		}
	}
	if pol.Indexes.Line > 0 && len(pol.Indexes.Value) == 0 {
		return p.errorf(path.Plus("indexes"), true, "indexes is empty: no package could come from anywhere; list the allowed indexes, first-index order")
	}
	if pol.OnlyBinary, err = p.boolean(t, path, "only-binary"); err != nil {
		return err
	}
	pre, line, err := p.str(t, path, "pre-releases", false)
	if err != nil {
		return err
	}
	if pre != "" && pre != PreReleasesNever && pre != PreReleasesIfNeeded {
		return p.errorf(path.Plus("pre-releases"), true, "pre-releases %q: want %q or %q", pre, PreReleasesNever, PreReleasesIfNeeded)
	}
	pol.PreReleases = Setting[string]{Value: pre, Line: line}
	return p.excludeNewer(t, path, pol)
}

// excludeNewer reads a date (2026-10-01, in UTC: nothing uploaded on it or after it) or
// a date and time (a TOML datetime, or RFC 3339 text).
func (p *parser) excludeNewer(t map[string]any, path tomlpos.Path, pol *Policy) error {
	raw, ok := t["exclude-newer"]
	if !ok {
		return nil
	}
	key := path.Plus("exclude-newer")
	var when time.Time
	switch v := raw.(type) {
	case time.Time:
		when = v
		if name := v.Location().String(); name == "date-local" || name == "datetime-local" {
			// A TOML local date or date-time (exclude-newer = 2026-10-01, unquoted): the
			// decoder gives it this machine's UTC offset, which moved the cut-off, and with
			// it the lock, from one machine's time zone to another's. It is UTC, as the
			// quoted form is.
			when = time.Date(v.Year(), v.Month(), v.Day(), v.Hour(), v.Minute(), v.Second(), v.Nanosecond(), time.UTC)
		}
	case string:
		var err error
		if when, err = time.Parse(time.DateOnly, v); err != nil {
			if when, err = time.Parse(time.RFC3339, v); err != nil {
				return p.errorf(key, true, "exclude-newer %q is not a date (2026-10-01) or a time (2026-10-01T00:00:00Z)", v)
			}
		}
	default:
		return p.errorf(key, true, "exclude-newer must be a date (2026-10-01), not %s", target.TOMLTypeName(raw))
	}
	pol.ExcludeNewer = Setting[time.Time]{Value: when.UTC(), Line: p.line(key)}
	return nil
}

func (p *parser) budget(doc map[string]any, pol *Policy) error {
	t, err := p.table(doc, nil, "budget", budgetKeys)
	if t == nil || err != nil {
		return err
	}
	for _, b := range []struct {
		key string
		dst *Setting[int64]
	}{{"max-image-size", &pol.MaxImageSize}, {"max-download-size", &pol.MaxDownloadSize}} {
		raw, ok := t[b.key]
		if !ok {
			continue
		}
		n, err := target.SizeValue(b.key, raw)
		if err != nil {
			return p.errorf(tomlpos.Path{"budget", b.key}, true, "%v", err)
		}
		line := p.line(tomlpos.Path{"budget", b.key})
		*b.dst = Setting[int64]{Value: n, Line: line}
	}
	return nil
}

func (p *parser) strict(doc map[string]any, pol *Policy, codes []string) error {
	t, err := p.table(doc, nil, "strict", strictKeys)
	if t == nil || err != nil {
		return err
	}
	errs, line, err := p.strs(t, tomlpos.Path{"strict"}, "errors")
	if err != nil {
		return err
	}
	for i, code := range errs {
		if !slices.Contains(codes, code) {
			msg := fmt.Sprintf("errors[%d]: %q is not a warning code; the codes are %s", i, code, strings.Join(codes, ", "))
			if near := nearCodes(code, codes); len(near) > 0 {
				msg = fmt.Sprintf("errors[%d]: %q is not a warning code; did you mean %s?", i, code, strings.Join(near, " or "))
			}
			return p.errorf(tomlpos.Path{"strict", "errors", i}, true, "%s", msg)
		}
	}
	pol.StrictErrors = Setting[[]string]{Value: errs, Line: line}
	return nil
}

// nearCodes are the codes that start with, or contain, what was written.
func nearCodes(written string, codes []string) []string {
	var out []string
	for _, c := range codes {
		if strings.Contains(c, written) {
			out = append(out, strconv.Quote(c))
		}
	}
	return out
}

func (p *parser) locked(doc map[string]any, pol *Policy) error {
	keys, line, err := p.strs(doc, nil, "locked")
	if err != nil {
		return err
	}
	for i, k := range keys {
		if !slices.Contains(Lockable, k) {
			return p.errorf(tomlpos.Path{"locked", i}, true, "locked[%d]: %q is not a setting a project could loosen; lockable: %s (deny, require and fleets bind every project already)", i, k, strings.Join(Lockable, ", "))
		}
		pol.Locked[k] = true
	}
	pol.LockedLine = line
	return nil
}

package target

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/depsolve/depsolve/internal/tomlpos"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/reqfile"
)

// Config is what depsolve.toml, or the [tool.depsolve] table of pyproject.toml, says. Every
// value carries its file and line. Relative paths (dockerfile, local find-links) are made
// relative to the file's folder, so they mean the same from any working directory.
type Config struct {
	File           string  // the path read
	IndexURL       Value   // index-url
	ExtraIndexURLs []Value // extra-index-url
	FindLinks      []Value // find-links
	IndexStrategy  Value   // index-strategy: "first-index" or "unsafe-best-match"
	Target         Declaration

	// OnlyBinary and NoBinary are the only-binary and no-binary keys: pip's values
	// (":all:", ":none:", project names). NoBuild is no-build, uv's: wheels only.
	OnlyBinary, NoBinary []Value
	NoBuild              Toggle
	// Policy is the policy key: the platform's policy the project resolves under.
	Policy PolicyRef

	// Timeout is the timeout key, the deadline of one index request (a TOML number is
	// seconds); 0 when absent.
	Timeout time.Duration
	// MaxImageSize is the max-image-size key, the image's size budget in bytes ("8GB",
	// or a TOML integer of bytes); Bytes is 0 when absent.
	MaxImageSize ImageSize
	// ReadImage is [target] read-image, --read-image's key: read a base image in a
	// registry itself, not only its tag.
	ReadImage Toggle
}

// Index strategies, as uv names them: with first-index (the default) a package's versions
// all come from the first index that has it; with unsafe-best-match every index is searched.
const (
	FirstIndex      = "first-index"
	UnsafeBestMatch = "unsafe-best-match"
)

// LoadConfigs reads dir/depsolve.toml and the [tool.depsolve] table of dir/pyproject.toml,
// either of which may be absent, in precedence order (depsolve.toml first).
func LoadConfigs(dir string) ([]*Config, error) {
	var configs []*Config
	for _, name := range []string{"depsolve.toml", "pyproject.toml"} {
		path := filepath.Join(dir, name)
		data, err := reqfile.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		c, err := ParseConfig(path, data)
		if err != nil {
			return nil, err
		}
		if c != nil {
			configs = append(configs, c)
		}
	}
	return configs, nil
}

// ParseConfig parses a depsolve.toml or, when path's base name is pyproject.toml, the
// [tool.depsolve] table of one (nil, nil if it has none). Unknown keys, wrong types and
// malformed values are *InputError with the line and column.
func ParseConfig(path string, data []byte) (*Config, error) {
	// A byte order mark (Windows editors write one) is not part of the first line: left
	// in, it shifted every key's position to line 0.
	text := strings.TrimPrefix(string(data), "\ufeff")
	if de := tomlpos.CheckDepth(text); de != nil {
		return nil, configError(path, text, de.Line, de.Col, "%s", de.Reason())
	}
	var doc map[string]any
	if _, err := toml.Decode(text, &doc); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, configError(path, text, pe.Position.Line, pe.Position.Col, "%s", pe.Message)
		}
		return nil, &InputError{Pos: Position{File: path}, Msg: err.Error()}
	}
	p := &configParser{path: path, text: text, source: FromConfig}
	isPyproject := filepath.Base(path) == "pyproject.toml"
	if isPyproject {
		p.source, p.prefix = FromPyproject, "tool.depsolve."
	}
	table, err := reqfile.DepsolveTable(path, text, doc, isPyproject)
	var re *reqfile.Error
	switch {
	case errors.As(err, &re):
		return nil, configError(path, text, re.Pos.Line, re.Pos.Col, "%s", re.Msg)
	case err != nil:
		return nil, err
	case table == nil:
		return nil, nil
	}
	p.table = table
	return p.config(table.Values)
}

type configParser struct {
	path, text string
	table      *reqfile.Table // the depsolve table: the document, or [tool.depsolve]
	source     From
	prefix     string // "tool.depsolve." in pyproject.toml
}

// errorf reports a problem at key (a path below the depsolve table): at its value when
// atValue, else at the key.
func (p *configParser) errorf(key string, atValue bool, format string, args ...any) error {
	spot := p.spot(key)
	line, col := spot.line, spot.keyCol
	if atValue && spot.valueCol > 0 {
		line, col = spot.valueLine, spot.valueCol
	}
	return configError(p.path, p.text, line, col, format, args...)
}

// tomlSpot is where a key and its value start (1-based); valueCol is 0 for a table
// written with a header.
type tomlSpot struct {
	line, keyCol, valueCol int
	valueLine              int
}

// spot finds where key (dotted, below the depsolve table) is written, or its nearest
// written parent (keys of inline tables).
func (p *configParser) spot(key string) tomlSpot {
	return p.spotAt(keyPath(key))
}

// keyPath splits a dotted key of the schema ("target.python") into its keys.
func keyPath(key string) []any {
	var path []any
	if key != "" {
		for _, k := range strings.Split(key, ".") {
			path = append(path, k)
		}
	}
	return path
}

// spotAt is spot of a path of keys, which may hold dots ("target.python" quoted).
func (p *configParser) spotAt(path []any) tomlSpot {
	for ; ; path = path[:len(path)-1] {
		if at, ok := p.table.KeyPos(path...); ok {
			s := tomlSpot{line: at.Line, keyCol: at.Col, valueLine: at.Line}
			if v, ok := p.table.ValuePos(path...); ok && v != at {
				s.valueLine, s.valueCol = v.Line, v.Col
			}
			return s
		}
		if len(path) == 0 {
			return tomlSpot{}
		}
	}
}

func configError(path, text string, line, col int, format string, args ...any) error {
	e := &InputError{Pos: Position{File: path, Line: line, Col: col}, Msg: fmt.Sprintf(format, args...)}
	if lines := strings.Split(text, "\n"); line >= 1 && line <= len(lines) {
		e.Source = strings.TrimRight(lines[line-1], "\r")
	}
	if line < 1 {
		e.Pos.Line, e.Pos.Col = 1, 0
	}
	return e
}

func (p *configParser) origin(key string) Origin {
	return Origin{From: p.source, Pos: Position{File: p.path, Line: p.spot(key).line}, Detail: p.prefix + key}
}

// The schema, each list sorted: unknownKeys searches it, and errors print it.
var (
	configKeys = []string{"extra-index-url", "find-links", "index-strategy", "index-url", "max-image-size", "no-binary", "no-build", "only-binary", "policy", "target", "timeout"}
	targetKeys = []string{"base-image", "cpu", "cuda", "dockerfile", "driver", "glibc", "gpus", "platform", "python", "read-image"}
)

func (p *configParser) config(doc map[string]any) (*Config, error) {
	if err := p.unknownKeys("", doc, configKeys); err != nil {
		return nil, err
	}
	c := &Config{File: p.path}
	var err error
	if c.IndexURL, err = p.str(doc, "", "index-url"); err != nil {
		return nil, err
	}
	if c.ExtraIndexURLs, err = p.strs(doc, "", "extra-index-url"); err != nil {
		return nil, err
	}
	if c.FindLinks, err = p.strs(doc, "", "find-links"); err != nil {
		return nil, err
	}
	for i, link := range c.FindLinks {
		c.FindLinks[i].Text = p.localPath(link.Text)
	}
	if c.IndexStrategy, err = p.str(doc, "", "index-strategy"); err != nil {
		return nil, err
	}
	if s := c.IndexStrategy.Text; s != "" && s != FirstIndex && s != UnsafeBestMatch {
		return nil, p.errorf("index-strategy", true, "index-strategy %q: want %q or %q", s, FirstIndex, UnsafeBestMatch)
	}
	if c.Timeout, err = p.timeout(doc); err != nil {
		return nil, err
	}
	if err := p.binaryKeys(doc, c); err != nil {
		return nil, err
	}
	if c.MaxImageSize, err = p.imageSize(doc); err != nil {
		return nil, err
	}
	if c.Policy, err = p.policyRef(doc); err != nil {
		return nil, err
	}
	raw, ok := doc["target"]
	if !ok {
		return c, nil
	}
	target, ok := raw.(map[string]any)
	if !ok {
		return nil, p.errorf("target", true, "target must be a table ([target]), not %s", TOMLTypeName(raw))
	}
	if c.Target, err = p.target(target); err != nil {
		return nil, err
	}
	if c.ReadImage, err = p.readImage(target); err != nil {
		return nil, err
	}
	return c, nil
}

func (p *configParser) target(t map[string]any) (Declaration, error) {
	var d Declaration
	if err := p.unknownKeys("target.", t, targetKeys); err != nil {
		return d, err
	}
	for _, f := range []struct {
		key      string
		dst      *Value
		validate func(string) error
	}{
		{"python", &d.Python, checkPython},
		{"platform", &d.Platform, checkPlatform},
		{"glibc", &d.GLibc, checkGLibc},
		{"driver", &d.Driver, checkDriver},
		{"cuda", &d.CUDA, checkCUDA},
		{"base-image", &d.BaseImage, checkImageReference},
		{"dockerfile", &d.Dockerfile, nil},
	} {
		v, err := p.str(t, "target.", f.key)
		if err != nil {
			return d, err
		}
		if v.Known() && f.validate != nil {
			if err := f.validate(v.Text); err != nil {
				return d, p.errorf("target."+f.key, true, "%s: %v", f.key, err)
			}
		}
		*f.dst = v
	}
	if d.Dockerfile.Known() {
		d.Dockerfile.Text = p.localPath(d.Dockerfile.Text)
		if d.BaseImage.Known() {
			return d, p.errorf("target.dockerfile", false, "give base-image or dockerfile, not both")
		}
	}
	gpus, err := p.strs(t, "target.", "gpus")
	if err != nil {
		return d, err
	}
	if gpus != nil {
		d.GPUs = []GPU{}
	}
	for _, g := range gpus {
		if err := checkGPU(g.Text); err != nil {
			return d, p.errorf("target.gpus", true, "gpus: %v", err)
		}
		d.GPUs = append(d.GPUs, GPU{Name: g.Text, Count: 1, Origin: g.Origin})
	}
	if raw, ok := t["cpu"]; ok {
		on, isBool := raw.(bool)
		if !isBool {
			return d, p.errorf("target.cpu", true, "cpu must be true or false, not %s", TOMLTypeName(raw))
		}
		d.CPU = Toggle{Set: true, On: on, Origin: p.origin("target.cpu")}
	}
	if d.CPU.On && len(d.GPUs) > 0 {
		return d, p.errorf("target.cpu", false, "cpu = true, yet gpus lists GPUs")
	}
	return d, nil
}

// binaryKeys reads only-binary, no-binary (lists of pip's values) and no-build (uv's).
func (p *configParser) binaryKeys(doc map[string]any, c *Config) error {
	for _, key := range []string{"only-binary", "no-binary"} {
		list, err := p.strs(doc, "", key)
		if err != nil {
			return err
		}
		for _, v := range list {
			for _, name := range strings.Split(v.Text, ",") {
				if err := CheckBinaryValue(strings.TrimSpace(name)); err != nil {
					return p.errorf(key, true, "%s: %v", key, err)
				}
			}
		}
		if key == "only-binary" {
			c.OnlyBinary = list
		} else {
			c.NoBinary = list
		}
	}
	if raw, ok := doc["no-build"]; ok {
		on, isBool := raw.(bool)
		if !isBool {
			return p.errorf("no-build", true, "no-build must be true or false, not %s", TOMLTypeName(raw))
		}
		c.NoBuild = Toggle{Set: true, On: on, Origin: p.origin("no-build")}
	}
	return nil
}

// CheckBinaryValue checks one value of --only-binary or --no-binary: ":all:", ":none:"
// or a project name, as pip takes them.
func CheckBinaryValue(s string) error {
	if s == ":all:" || s == ":none:" || pep508.ValidName(s) {
		return nil
	}
	return fmt.Errorf("%q: want :all:, :none: or project names separated by commas", s)
}

func (p *configParser) unknownKeys(prefix string, table map[string]any, known []string) error {
	var unknown []string
	for k := range table {
		if i := sort.SearchStrings(known, k); i == len(known) || known[i] != k {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	// Report the first one in the file, so fixing errors top to bottom works.
	at := func(k string) tomlSpot { return p.spotAt(append(keyPath(strings.TrimSuffix(prefix, ".")), k)) }
	sort.Slice(unknown, func(i, j int) bool {
		a, b := at(unknown[i]), at(unknown[j])
		return a.line < b.line || a.line == b.line && unknown[i] < unknown[j]
	})
	where := "the depsolve table"
	if prefix != "" {
		where = "[" + strings.TrimSuffix(p.prefix+prefix, ".") + "]"
	} else if p.prefix != "" {
		where = "[tool.depsolve]"
	}
	spot := at(unknown[0])
	return configError(p.path, p.text, spot.line, spot.keyCol, "unknown key %q in %s; known keys: %s", unknown[0], where, strings.Join(known, ", "))
}

func (p *configParser) str(table map[string]any, prefix, key string) (Value, error) {
	raw, ok := table[key]
	if !ok {
		return Value{}, nil
	}
	s, ok := raw.(string)
	if !ok {
		hint := ""
		switch raw.(type) {
		case int64, float64: // a float would read 3.10 as 3.1
			hint = fmt.Sprintf(" (quote it: %s = \"…\")", key)
		}
		return Value{}, p.errorf(prefix+key, true, "%s must be a string, not %s%s", key, TOMLTypeName(raw), hint)
	}
	if strings.TrimSpace(s) == "" {
		return Value{}, p.errorf(prefix+key, true, "%s is empty", key)
	}
	return Value{Text: strings.TrimSpace(s), Origin: p.origin(prefix + key)}, nil
}

// timeout reads the timeout key: a number of seconds, or a string ParseTimeout reads.
func (p *configParser) timeout(doc map[string]any) (time.Duration, error) {
	var text string
	switch raw := doc["timeout"].(type) {
	case nil:
		return 0, nil
	case int64:
		text = strconv.FormatInt(raw, 10)
	case float64:
		text = strconv.FormatFloat(raw, 'f', -1, 64)
	case string:
		text = strings.TrimSpace(raw)
	default:
		return 0, p.errorf("timeout", true, "timeout must be a number of seconds or a duration such as \"90s\", not %s", TOMLTypeName(raw))
	}
	d, err := ParseTimeout(text)
	if err != nil {
		return 0, p.errorf("timeout", true, "timeout: %v", err)
	}
	return d, nil
}

// ParseTimeout reads a timeout written as pip takes one, in seconds ("60", "2.5"), or as
// a duration ("90s", "1m30s").
func ParseTimeout(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if secs, floatErr := strconv.ParseFloat(s, 64); floatErr == nil && !math.IsNaN(secs) {
		if secs >= math.MaxInt64/float64(time.Second) {
			return 0, fmt.Errorf("%q: too long a timeout", s)
		}
		d, err = time.Duration(max(secs, 0)*float64(time.Second)), nil
	}
	switch {
	case err != nil:
		return 0, fmt.Errorf("%q is not a number of seconds (60, 2.5) or a duration (90s, 1m30s)", s)
	case d <= 0:
		return 0, fmt.Errorf("%q: a timeout must be more than zero", s)
	}
	return d, nil
}

// strs reads an array of strings; nil when absent, empty when given as [].
func (p *configParser) strs(table map[string]any, prefix, key string) ([]Value, error) {
	raw, ok := table[key]
	if !ok {
		return nil, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, p.errorf(prefix+key, true, "%s must be an array of strings, not %s", key, TOMLTypeName(raw))
	}
	out := []Value{}
	for i, item := range list {
		s, ok := item.(string)
		if !ok {
			return nil, p.errorf(prefix+key, true, "%s[%d] must be a string, not %s", key, i, TOMLTypeName(item))
		}
		if strings.TrimSpace(s) == "" {
			return nil, p.errorf(prefix+key, true, "%s[%d] is empty", key, i)
		}
		out = append(out, Value{Text: strings.TrimSpace(s), Origin: p.origin(prefix + key)})
	}
	return out, nil
}

// localPath makes a relative file path relative to the config file's folder; URLs and
// absolute paths are kept.
func (p *configParser) localPath(s string) string {
	if strings.Contains(s, "://") || filepath.IsAbs(s) {
		return s
	}
	return filepath.Join(filepath.Dir(p.path), s)
}

// TOMLTypeName names the type of a value BurntSushi/toml decoded, as errors about a
// wrong type say it: "a string", "an array", "a table".
func TOMLTypeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case []any, []map[string]any:
		return "an array"
	case map[string]any:
		return "a table"
	}
	return "a date or time"
}

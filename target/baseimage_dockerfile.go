package target

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// DockerfileBase is the image a Dockerfile's final stage is built on.
type DockerfileBase struct {
	Image    string   // after ARG substitution, e.g. "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04"
	Platform string   // the FROM's --platform value ("linux/arm64"); "" if none or set by the builder
	Pos      Position // the FROM instruction that names Image
	Via      []string // the stage aliases followed to reach Image, final stage first
	// Python is the value the final stage gives PYTHON_VERSION, by ARG or ENV (the
	// convention of Dockerfiles that install Python, and the variable the python images
	// set), "" if none; PythonPos is the instruction that gives it.
	Python    string
	PythonPos Position
	Notes     []string // what the user should know: a --build-arg no ARG declares
}

// PythonVersionVar is the Dockerfile variable read as the Python version of the image.
const PythonVersionVar = "PYTHON_VERSION"

// parseDockerfile finds the base image of the final build stage.
//
// It reads what Docker's frontend reads to choose a base: the escape parser directive, line
// continuations, comments, heredocs (skipped), the ARGs declared before the first FROM with
// their defaults, and every FROM. A FROM that names an earlier stage ("FROM build") is followed
// to that stage's FROM. Substitution supports $NAME, ${NAME}, ${NAME:-word}, ${NAME-word},
// ${NAME:+word} and ${NAME+word}; the builder-set platform ARGs (BUILDPLATFORM, TARGETARCH, …)
// leave --platform unknown. buildArgs are the --build-arg values, which replace the
// defaults of the ARGs they name, as in docker build; an ARG the base image depends on
// needs a default or a build arg: otherwise the result is an *InputError at that FROM.
// ARG and ENV inside stages are read for PYTHON_VERSION, ENV inherited from the stage a
// stage is built FROM.
func parseDockerfile(file string, data []byte, buildArgs map[string]string) (DockerfileBase, error) {
	p := dockerfileParser{file: file, escape: '\\', args: map[string]dockerArg{}, stages: map[string]int{},
		buildArgs: buildArgs, usedArgs: map[string]bool{}}
	p.vars = p.args
	// A byte order mark hid the first instruction (BuildKit drops it, as here).
	text := strings.TrimPrefix(string(data), "\ufeff")
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	start := p.directives(lines)
	for _, in := range p.instructions(lines, start) {
		if err := p.instruction(in); err != nil {
			return DockerfileBase{}, err
		}
	}
	if len(p.froms) == 0 {
		return DockerfileBase{}, &InputError{Pos: Position{File: file, Line: 1}, Msg: "no FROM instruction: cannot tell the base image"}
	}
	base, err := p.finalBase()
	if err != nil {
		return base, err
	}
	for _, name := range slices.Sorted(maps.Keys(buildArgs)) {
		if !p.usedArgs[name] {
			base.Notes = append(base.Notes, fmt.Sprintf("--build-arg %s: no ARG of %s declares it; ignored, as docker build ignores it", name, file))
		}
	}
	return base, nil
}

type dockerArg struct {
	value      string
	hasDefault bool
	line       int
}

type dockerFrom struct {
	image, platform string
	name            string // the stage's alias, lower-cased; "" if none
	pos             Position
	source          string
	stage           int                  // index of the stage named by image, -1 if image is not a stage
	env             map[string]dockerArg // the stage's ENVs, which stages built FROM it inherit
	python          pythonSetting
}

// pythonSetting is the instruction of a stage that gives PYTHON_VERSION its value.
type pythonSetting struct {
	value string
	pos   Position
	env   bool // an ENV, which stages built FROM this one inherit
}

type dockerInstruction struct {
	line     int    // first physical line
	text     string // continuation lines joined
	source   string // the first physical line, for messages
	firstLen int    // how much of text comes from the first line
}

type dockerfileParser struct {
	file   string
	escape byte
	args   map[string]dockerArg // global ARGs: those before the first FROM
	froms  []dockerFrom
	stages map[string]int // alias -> index in froms
	// vars are what substitution sees: the global ARGs in FROM lines and before the first
	// FROM, the stage's ARGs and ENVs in a stage.
	vars      map[string]dockerArg
	buildArgs map[string]string
	usedArgs  map[string]bool // the build args an ARG declares
}

var dockerDirective = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^#\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(.*?)\s*$`) })

// directives reads the parser directives at the top of the file and returns the index of
// the first line after them. Only the escape directive matters here.
func (p *dockerfileParser) directives(lines []string) int {
	for i, line := range lines {
		m := dockerDirective().FindStringSubmatch(line)
		if m == nil {
			return i
		}
		if strings.EqualFold(m[1], "escape") && (m[2] == "`" || m[2] == `\`) {
			p.escape = m[2][0]
		}
	}
	return len(lines)
}

var heredocMarker = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)(["']?)`) })

// instructions joins continuation lines, drops comments and skips heredoc bodies.
func (p *dockerfileParser) instructions(lines []string, i int) []dockerInstruction {
	var out []dockerInstruction
	for i < len(lines) {
		line := strings.TrimSpace(lines[i])
		if line == "" || line[0] == '#' {
			i++
			continue
		}
		in := dockerInstruction{line: i + 1, source: lines[i]}
		var text strings.Builder
		for first := true; ; first = false {
			body, more := p.cutContinuation(line)
			if first {
				in.firstLen = len(body)
			}
			text.WriteString(body)
			i++
			if !more {
				break
			}
			// Comment and empty lines inside a continuation are dropped, as Docker does.
			for i < len(lines) {
				if t := strings.TrimSpace(lines[i]); t != "" && t[0] != '#' {
					break
				}
				i++
			}
			if i == len(lines) {
				break
			}
			line = strings.TrimSpace(lines[i])
		}
		in.text = text.String()
		out = append(out, in)
		i = skipHeredocs(in.text, lines, i)
	}
	return out
}

// cutContinuation removes a trailing escape character and says whether one was there.
func (p *dockerfileParser) cutContinuation(line string) (string, bool) {
	if strings.HasSuffix(line, string(p.escape)) {
		return line[:len(line)-1], true
	}
	return line, false
}

// skipHeredocs skips the bodies of the heredocs an instruction opens (RUN <<EOF …), so a
// line such as "FROM x" inside one is not read as an instruction.
func skipHeredocs(text string, lines []string, i int) int {
	word := strings.Fields(text)
	if len(word) == 0 || strings.EqualFold(word[0], "FROM") || strings.EqualFold(word[0], "ARG") {
		return i
	}
	for _, m := range heredocMarker().FindAllStringSubmatch(text, -1) {
		if m[2] != m[4] {
			continue
		}
		for i < len(lines) {
			body := lines[i]
			i++
			if m[1] == "-" {
				body = strings.TrimLeft(body, "\t")
			}
			if body == m[3] {
				break
			}
		}
	}
	return i
}

func (p *dockerfileParser) instruction(in dockerInstruction) error {
	words := splitDockerWords(in.text, p.escape)
	if len(words) == 0 {
		return nil
	}
	switch strings.ToUpper(words[0].text) {
	case "ARG":
		if len(p.froms) == 0 {
			return p.globalArgs(in, words[1:])
		}
		p.stageArgs(in, words[1:])
	case "ENV":
		if len(p.froms) > 0 {
			p.stageEnv(in, words[1:])
		}
	case "FROM":
		return p.from(in, words[1:])
	}
	return nil
}

// errorAt reports a problem at byte column col of the instruction's first line (0: the
// whole line); the error counts its column in characters.
func (p *dockerfileParser) errorAt(in dockerInstruction, col int, format string, args ...any) error {
	if col > 0 {
		col = utf8.RuneCountInString(in.source[:min(col-1, len(in.source))]) + 1
	}
	return &InputError{Pos: Position{File: p.file, Line: in.line, Col: col}, Source: in.source, Msg: fmt.Sprintf(format, args...)}
}

var dockerArgName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`) })

func (p *dockerfileParser) globalArgs(in dockerInstruction, words []dockerWord) error {
	if len(words) == 0 {
		return p.errorAt(in, 0, "ARG needs a name")
	}
	for _, w := range words {
		name, value, hasDefault := strings.Cut(w.text, "=")
		if !dockerArgName().MatchString(name) {
			return p.errorAt(in, p.col(in, w), "ARG %q: not a valid name", name)
		}
		arg := dockerArg{hasDefault: hasDefault, line: in.line}
		if v, ok := p.buildArgs[name]; ok {
			p.usedArgs[name] = true
			arg.value, arg.hasDefault = v, true
		} else if hasDefault {
			v, err := p.expand(value, false)
			if err != nil {
				return p.errorAt(in, p.col(in, w), "ARG %s: %v", name, err)
			}
			arg.value = v
		}
		p.args[name] = arg
	}
	return nil
}

func (p *dockerfileParser) from(in dockerInstruction, words []dockerWord) error {
	f := dockerFrom{pos: Position{File: p.file, Line: in.line}, source: in.source, stage: -1}
	for len(words) > 0 && strings.HasPrefix(words[0].text, "--") {
		flag, value, _ := strings.Cut(words[0].text, "=")
		if flag == "--platform" {
			v, err := p.expand(value, true)
			if err != nil {
				return p.errorAt(in, p.col(in, words[0]), "FROM --platform: %v", err)
			}
			f.platform = v
		}
		words = words[1:]
	}
	switch {
	case len(words) == 0:
		return p.errorAt(in, 0, "FROM needs an image")
	case len(words) == 3 && strings.EqualFold(words[1].text, "AS"):
		f.name = strings.ToLower(words[2].text)
	case len(words) != 1:
		return p.errorAt(in, p.col(in, words[1]), "FROM takes an image and an optional \"AS name\"; found %q", words[1].text)
	}
	f.pos.Col = p.col(in, words[0])
	p.vars = p.args
	image, err := p.expand(words[0].text, false)
	if err != nil {
		return p.errorAt(in, f.pos.Col, "FROM %s: %v", words[0].text, err)
	}
	if image == "" {
		return p.errorAt(in, f.pos.Col, "FROM %s: the image name is empty after substitution", words[0].text)
	}
	f.image = image
	if i, ok := p.stages[strings.ToLower(image)]; ok {
		f.stage = i
	}
	if f.name != "" {
		p.stages[f.name] = len(p.froms)
	}
	f.env = map[string]dockerArg{}
	if f.stage >= 0 {
		parent := p.froms[f.stage]
		maps.Copy(f.env, parent.env)
		if parent.python.env {
			f.python = parent.python
		}
	}
	p.froms = append(p.froms, f)
	p.vars = maps.Clone(f.env)
	return nil
}

// stageArgs reads an ARG inside a stage: its value is the build arg, else its default,
// else the global ARG's value. An ENV of the same name wins over it, as in Docker. A
// value that cannot be substituted leaves the variable unknown.
func (p *dockerfileParser) stageArgs(in dockerInstruction, words []dockerWord) {
	stage := &p.froms[len(p.froms)-1]
	for _, w := range words {
		name, value, hasDefault := strings.Cut(w.text, "=")
		if _, isEnv := stage.env[name]; isEnv || !dockerArgName().MatchString(name) {
			continue
		}
		v, ok := p.buildArgs[name]
		switch {
		case ok:
			p.usedArgs[name] = true
		case hasDefault:
			var err error
			if v, err = p.expand(value, false); err != nil {
				ok = false
				break
			}
			ok = true
		default:
			global, declared := p.args[name]
			v, ok = global.value, declared && global.hasDefault
		}
		p.setVar(in, w, name, v, ok, false)
	}
}

// stageEnv reads an ENV: NAME=VALUE pairs, or the older NAME VALUE form.
func (p *dockerfileParser) stageEnv(in dockerInstruction, words []dockerWord) {
	if len(words) == 0 {
		return
	}
	if !strings.Contains(words[0].text, "=") {
		rest := strings.TrimSpace(in.text[words[0].offset+len(words[0].text):])
		v, err := p.expand(rest, false)
		p.setVar(in, words[0], words[0].text, v, err == nil, true)
		return
	}
	for _, w := range words {
		name, value, _ := strings.Cut(w.text, "=")
		if !dockerArgName().MatchString(name) {
			continue
		}
		v, err := p.expand(value, false)
		p.setVar(in, w, name, v, err == nil, true)
	}
}

// setVar gives a stage variable its value (known false: unknown), noting PYTHON_VERSION.
func (p *dockerfileParser) setVar(in dockerInstruction, w dockerWord, name, value string, known, env bool) {
	stage := &p.froms[len(p.froms)-1]
	arg := dockerArg{value: value, hasDefault: true, line: in.line}
	if known {
		p.vars[name] = arg
	} else {
		delete(p.vars, name)
	}
	if env {
		if known {
			stage.env[name] = arg
		} else {
			delete(stage.env, name)
		}
	}
	if name == PythonVersionVar {
		stage.python = pythonSetting{pos: Position{File: p.file, Line: in.line, Col: p.col(in, w)}, env: env}
		if known {
			stage.python.value = value
		}
	}
}

// col is the 1-based column of w in the instruction's first line, or 0 when w starts on a
// continuation line.
func (p *dockerfileParser) col(in dockerInstruction, w dockerWord) int {
	if w.offset >= in.firstLen {
		return 0
	}
	lead := len(in.source) - len(strings.TrimLeft(in.source, " \t"))
	return lead + w.offset + 1
}

func (p *dockerfileParser) finalBase() (DockerfileBase, error) {
	f := p.froms[len(p.froms)-1]
	base := DockerfileBase{Platform: f.platform, Python: f.python.value}
	if base.Python != "" {
		base.PythonPos = f.python.pos
	}
	for f.stage >= 0 {
		base.Via = append(base.Via, f.image)
		f = p.froms[f.stage]
		if base.Platform == "" {
			base.Platform = f.platform
		}
	}
	base.Image, base.Pos = f.image, f.pos
	if strings.EqualFold(f.image, "scratch") {
		in := dockerInstruction{line: f.pos.Line, source: f.source}
		return DockerfileBase{}, p.errorAt(in, f.pos.Col, "the final stage is built FROM scratch: there is no base image to read CUDA, Python or glibc from")
	}
	return base, nil
}

// builderArgs are the ARGs BuildKit sets from the build's platforms; depsolve cannot know them.
var builderArgs = map[string]bool{
	"BUILDPLATFORM": true, "BUILDOS": true, "BUILDARCH": true, "BUILDVARIANT": true,
	"TARGETPLATFORM": true, "TARGETOS": true, "TARGETARCH": true, "TARGETVARIANT": true,
}

// errBuilderPlatform says a value depends on the builder's platform.
type errBuilderPlatform struct{ name string }

func (e errBuilderPlatform) Error() string {
	return fmt.Sprintf("$%s is set by the builder; depsolve cannot know it", e.name)
}

// expand removes quotes and escapes and substitutes global ARGs. With builderOK, a reference
// to a builder-set ARG makes the whole value unknown ("") instead of an error.
func (p *dockerfileParser) expand(word string, builderOK bool) (string, error) {
	v, err := p.expandWord(word)
	if _, ok := err.(errBuilderPlatform); ok && builderOK {
		return "", nil
	}
	return v, err
}

func (p *dockerfileParser) expandWord(word string) (string, error) {
	var b strings.Builder
	quote := byte(0)
	for i := 0; i < len(word); i++ {
		c := word[i]
		switch {
		case c == p.escape && quote != '\'' && i+1 < len(word):
			i++
			b.WriteByte(word[i])
		case (c == '"' || c == '\'') && (quote == 0 || quote == c):
			if quote == 0 {
				quote = c
			} else {
				quote = 0
			}
		case c == '$' && quote != '\'':
			v, n, err := p.substitute(word[i:])
			if err != nil {
				return "", err
			}
			b.WriteString(v)
			i += n - 1
		default:
			b.WriteByte(c)
		}
	}
	if quote != 0 {
		return "", fmt.Errorf("unterminated %c quote", quote)
	}
	return b.String(), nil
}

// substitute expands the variable reference at the start of s ("$NAME", "${NAME:-word}", …)
// and returns its value and the number of bytes it took.
func (p *dockerfileParser) substitute(s string) (string, int, error) {
	if len(s) > 1 && s[1] == '{' {
		end := matchingBrace(s)
		if end < 0 {
			return "", 0, fmt.Errorf("unterminated ${ in %q", s)
		}
		v, err := p.braced(s[2:end])
		return v, end + 1, err
	}
	n := 1
	for n < len(s) && (s[n] == '_' || isAlnum(s[n])) {
		n++
	}
	if n == 1 {
		return "$", 1, nil // a lone dollar is literal
	}
	v, err := p.lookup(s[1:n])
	return v, n, err
}

func matchingBrace(s string) int {
	depth := 0
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// braced expands the inside of ${…}.
func (p *dockerfileParser) braced(inner string) (string, error) {
	n := 0
	for n < len(inner) && (inner[n] == '_' || isAlnum(inner[n])) {
		n++
	}
	name, op := inner[:n], inner[n:]
	if !dockerArgName().MatchString(name) {
		return "", fmt.Errorf("bad substitution ${%s}", inner)
	}
	if op == "" {
		return p.lookup(name)
	}
	var word string
	var colon bool
	switch {
	case strings.HasPrefix(op, ":-"), strings.HasPrefix(op, ":+"):
		colon, word, op = true, op[2:], op[1:2]
	case strings.HasPrefix(op, "-"), strings.HasPrefix(op, "+"):
		word, op = op[1:], op[:1]
	default:
		return "", fmt.Errorf("${%s}: depsolve only reads ${NAME}, ${NAME:-word} and ${NAME:+word} forms", inner)
	}
	arg, declared := p.vars[name]
	if builderArgs[name] && !arg.hasDefault {
		return "", errBuilderPlatform{name}
	}
	set := declared && (arg.hasDefault && (!colon || arg.value != ""))
	if (op == "-") == set {
		if op == "-" {
			return arg.value, nil
		}
		return "", nil
	}
	return p.expandWord(word)
}

func (p *dockerfileParser) lookup(name string) (string, error) {
	arg, ok := p.vars[name]
	switch {
	case builderArgs[name] && !arg.hasDefault:
		return "", errBuilderPlatform{name}
	case !ok:
		return "", fmt.Errorf("$%s is not declared by an ARG before the first FROM", name)
	case !arg.hasDefault:
		return "", fmt.Errorf("ARG %s (line %d) has no default: give it one, or pass --build-arg %s=VALUE (or --base-image)", name, arg.line, name)
	}
	return arg.value, nil
}

type dockerWord struct {
	text   string
	offset int // byte offset in the instruction text
}

// splitDockerWords splits an instruction on unquoted, unescaped blanks.
func splitDockerWords(s string, escape byte) []dockerWord {
	var words []dockerWord
	start, quote := -1, byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if start < 0 {
			if c == ' ' || c == '\t' {
				continue
			}
			start = i
		}
		switch {
		case c == escape && quote != '\'' && i+1 < len(s):
			i++
		case (c == '"' || c == '\'') && (quote == 0 || quote == c):
			if quote == 0 {
				quote = c
			} else {
				quote = 0
			}
		case (c == ' ' || c == '\t') && quote == 0:
			words = append(words, dockerWord{s[start:i], start})
			start = -1
		}
	}
	if start >= 0 {
		words = append(words, dockerWord{s[start:], start})
	}
	return words
}

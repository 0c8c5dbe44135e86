package reqfile

import (
	"errors"
	"strings"
	"testing"
)

// Malformed requirements files, each with the exact one-line error. The first pair
// of files is the one parsed.
var badRequirements = []struct {
	name  string
	files []string
	env   []string
	want  string
}{
	{"pep508 error", []string{"requirements.txt", "numpy\ntorch>=\n"}, nil,
		`requirements.txt:2:8: invalid requirement: expected a version after '>='`},
	{"pep508 error on a continued line", []string{"requirements.txt", "torch \\\n    >=2.0, \\\n    <\n"}, nil,
		`requirements.txt:3:6: invalid requirement: expected a version after '<'`},
	{"pep508 error inside an expanded variable", []string{"requirements.txt", "foo${OP}\n"}, []string{"OP", "=="},
		`requirements.txt:1:9: invalid requirement: expected a version after '=='`},
	{"bad marker", []string{"requirements.txt", `foo; python_version >< "3"`}, nil,
		`requirements.txt:1:22: invalid marker: expected a marker variable or a quoted string, found "<"`},
	{"path that is not there", []string{"requirements.txt", "./missing-dir\n"}, nil,
		`requirements.txt:1:1: invalid requirement: expected a package name at the start of the requirement, found "."`},
	{"option without its value", []string{"requirements.txt", "--index-url\n"}, nil,
		`requirements.txt:1:1: --index-url needs a value`},
	{"short option without its value", []string{"requirements.txt", "numpy\n-f\n"}, nil,
		`requirements.txt:2:1: -f needs a value`},
	{"option with an empty value", []string{"requirements.txt", "six\n--index-url ''\n"}, nil,
		`requirements.txt:2:13: --index-url needs a value, and it is given an empty one`},
	{"short option with an empty value", []string{"requirements.txt", "-r \"\"\n"}, nil,
		`requirements.txt:1:4: -r needs a value, and it is given an empty one`},
	{"option with an empty value after =", []string{"requirements.txt", "--find-links=\n"}, nil,
		`requirements.txt:1:14: --find-links needs a value, and it is given an empty one`},
	{"-e without its value", []string{"requirements.txt", "-e"}, nil,
		`requirements.txt:1:1: -e needs a value`},
	{"--hash without its value", []string{"requirements.txt", "foo --hash"}, nil,
		`requirements.txt:1:5: --hash needs a value`},
	{"unknown long option", []string{"requirements.txt", "numpy\n--frobnicate\n"}, nil,
		`requirements.txt:2:1: unknown option --frobnicate`},
	{"unknown option on a requirement line", []string{"requirements.txt", "foo --bogus"}, nil,
		`requirements.txt:1:5: unknown option --bogus`},
	{"unknown short option", []string{"requirements.txt", "-x foo"}, nil,
		`requirements.txt:1:1: unknown option -x`},
	{"ambiguous abbreviation", []string{"requirements.txt", "--pr"}, nil,
		`requirements.txt:1:1: ambiguous option --pr: it could be --prefer-binary, --pre`},
	{"flag with a value", []string{"requirements.txt", "--pre=yes"}, nil,
		`requirements.txt:1:6: --pre takes no value`},
	{"hash algorithm not allowed", []string{"requirements.txt", "foo==1.0 --hash=md5:abc"}, nil,
		`requirements.txt:1:17: hash algorithm 'md5' is not allowed`},
	{"hash without algorithm", []string{"requirements.txt", "foo==1.0 --hash sha256"}, nil,
		`requirements.txt:1:17: --hash needs ALGORITHM:DIGEST, found 'sha256'`},
	{"hash digest not hexadecimal", []string{"requirements.txt", "foo==1.0 --hash=sha256:0123xyz"}, nil,
		`requirements.txt:1:28: a sha256 digest has only hexadecimal digits, found 'x'`},
	{"hash digest too short", []string{"requirements.txt", "foo==1.0 --hash=sha256:abcd"}, nil,
		`requirements.txt:1:24: a sha256 digest has 64 hexadecimal digits, found 4`},
	{"hash on a continued line", []string{"requirements.txt", "foo==1.0 \\\n  --hash=sha256:abc\n"}, nil,
		`requirements.txt:2:17: a sha256 digest has 64 hexadecimal digits, found 3`},
	{"config setting without =", []string{"requirements.txt", "foo -C nokey"}, nil,
		`requirements.txt:1:8: -C needs KEY=VALUE, found 'nokey'`},
	{"unknown feature", []string{"requirements.txt", "--use-feature=warp"}, nil,
		`requirements.txt:1:15: unknown --use-feature value 'warp'`},
	{"format option given an option", []string{"requirements.txt", "--no-binary --pre"}, nil,
		`requirements.txt:1:1: --no-binary needs a value: :all:, :none: or project names separated by commas`},
	{"unterminated quote", []string{"requirements.txt", `foo --hash="sha256:abc`}, nil,
		`requirements.txt:1:12: unterminated double quote in the options`},
	{"missing include", []string{"requirements.txt", "-r missing.txt"}, nil,
		`requirements.txt:1:4: requirements file missing.txt does not exist`},
	{"missing include in a folder", []string{"reqs/base.txt", "numpy\n--requirement=../common.txt\n"}, nil,
		`reqs/base.txt:2:15: requirements file common.txt does not exist`},
	{"remote include", []string{"requirements.txt", "-r https://example.com/r.txt"}, nil,
		`requirements.txt:1:4: depsolve does not download requirements files: https://example.com/r.txt`},
	{"include cycle", []string{"a.txt", "-r b.txt\n", "b.txt", "numpy\n-r a.txt\n"}, nil,
		`b.txt:2:4: requirements files include each other in a cycle: a.txt:1 -> b.txt:2 -> a.txt`},
	{"file includes itself", []string{"requirements.txt", "numpy\n\n-c ./requirements.txt\n"}, nil,
		`requirements.txt:3:4: requirements files include each other in a cycle: requirements.txt:3 -> requirements.txt`},
	{"include of a pyproject.toml", []string{"requirements.txt", "-r pyproject.toml"}, nil,
		`requirements.txt:1:4: -r cannot read pyproject.toml: pip would read it as a requirements file`},
	{"-e after a requirement", []string{"requirements.txt", "foo -e ./pkg"}, nil,
		`requirements.txt:1:5: -e cannot follow a requirement on the same line`},
	{"editable that is neither a directory nor VCS", []string{"requirements.txt", "-e https://example.com/x-1.0-py3-none-any.whl"}, nil,
		`requirements.txt:1:4: 'https://example.com/x-1.0-py3-none-any.whl' is not a valid editable requirement: expected a path to a local project directory or a VCS URL`},
	{"editable VCS URL without a name", []string{"requirements.txt", "-e git+https://github.com/a/b"}, nil,
		`requirements.txt:1:4: cannot tell the project name of 'git+https://github.com/a/b'`},
	{"constraint with extras", []string{"requirements.txt", "-c c.txt\n", "c.txt", "numpy\nfoo[bar]==1\n"}, nil,
		`c.txt:2:4: a constraint cannot have extras`},
	{"unnamed constraint", []string{"requirements.txt", "-c c.txt\n", "c.txt", "https://example.com/y.tar.gz\n"}, nil,
		`c.txt:1:1: a constraint must name a project: 'https://example.com/y.tar.gz' names none`},
	{"editable constraint", []string{"requirements.txt", "-c c.txt\n", "c.txt", "-e ./pkg\n"}, nil,
		`c.txt:1:1: editable requirements are not allowed in a constraints file`},
	{"bad wheel file name", []string{"requirements.txt", "https://example.com/x-1.0.whl"}, nil,
		`requirements.txt:1:1: 'x-1.0.whl' is not a valid wheel file name: expected NAME-VERSION(-BUILD)-PYTHON-ABI-PLATFORM.whl`},
	{"bad wheel version", []string{"requirements.txt", "numpy\n  https://example.com/x-one-py3-none-any.whl"}, nil,
		`requirements.txt:2:3: 'x-one-py3-none-any.whl' is not a valid wheel file name: 'one' is not a valid version`},
	{"bad egg fragment", []string{"requirements.txt", "git+https://example.com/y#egg=-bad"}, nil,
		`requirements.txt:1:1: the #egg= fragment '-bad' is not a valid project name`},
	{"directory that is not a project", []string{"requirements.txt", "./dir", "dir/", ""}, nil,
		`requirements.txt:1:1: directory './dir' is not installable: it has neither setup.py nor pyproject.toml`},
	{"invalid UTF-8", []string{"requirements.txt", "numpy\nfoo\xff\n"}, nil,
		`requirements.txt:2:4: byte 0xFF is not valid UTF-8`},
	{"unsupported declared encoding", []string{"requirements.txt", "# -*- coding: cp1252 -*-\nnumpy"}, nil,
		`requirements.txt:1:15: unsupported encoding "cp1252"`},
	{"byte outside a declared ASCII", []string{"requirements.txt", "# coding=ascii\nnumpy; os_name == '\xe9'\n"}, nil,
		`requirements.txt:2:20: byte 0xE9 is not valid ASCII (the encoding declared by the coding comment on line 1)`},
	{"UTF-32 with a bad code point", []string{"requirements.txt", "\x00\x00\xfe\xff\x00\x11\x00\x00"}, nil,
		`requirements.txt: the file is not valid UTF-32-BE: U+110000 is not a character`},
	{"odd UTF-16", []string{"requirements.txt", "\xff\xfeA"}, nil,
		`requirements.txt: the file is not valid UTF-16-LE: it has an odd number of bytes`},
	{"missing top-level file", []string{"nothere.txt"}, nil,
		`nothere.txt: requirements file nothere.txt does not exist`},
}

func TestBadRequirements(t *testing.T) {
	for _, tt := range badRequirements {
		t.Run(tt.name, func(t *testing.T) {
			fs := newFS(tt.files...)
			if len(tt.files) == 1 {
				fs = newFS()
			}
			_, err := Parse(tt.files[0], Options{FS: fs, LookupEnv: env(tt.env...)})
			if err == nil {
				t.Fatalf("Parse succeeded, want %s", tt.want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v is not an *Error", err, err)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// Malformed pyproject.toml files, each with the exact one-line error.
var badPyprojects = []struct {
	name           string
	toml           string
	extras, groups []string
	want           string
}{
	{"not UTF-8", "[project]\nname = \"\xff\"\n", nil, nil,
		`pyproject.toml:2:9: byte 0xFF is not valid UTF-8`},
	{"TOML syntax", "[project]\nname = \"x\"\ndependencies = [\"numpy\",\n", nil, nil,
		`pyproject.toml:3:25: invalid TOML: unexpected EOF; expected value`},
	{"bad requirement", "[project]\ndependencies = [\n  \"numpy\",\n  \"torch>=\",\n]\n", nil, nil,
		`pyproject.toml:4:11: invalid requirement: expected a version after '>='`},
	{"bad requirement after an escape", "[project]\ndependencies = [\"\\u0074orch>=\"]\n", nil, nil,
		`pyproject.toml:2:30: invalid requirement: expected a version after '>='`},
	{"bad requirement in a literal string", "[project]\ndependencies = ['numpy', 'torch>=']\n", nil, nil,
		`pyproject.toml:2:34: invalid requirement: expected a version after '>='`},
	{"bad requirement in a multi-line string", "[project]\ndependencies = [\"\"\"\ntorch>=\"\"\"]\n", nil, nil,
		`pyproject.toml:3:8: invalid requirement: expected a version after '>='`},
	{"bad requirement in an optional dependency", "[project]\n[project.optional-dependencies]\ngpu = [\"torch\", \"cuda-python[\"]\n", nil, nil,
		`pyproject.toml:3:30: invalid requirement: expected ']' to close the extras, found the end`},
	{"dependencies not an array", "[project]\ndependencies = \"numpy\"\n", nil, nil,
		`pyproject.toml:2:16: expected an array of requirement strings`},
	{"dependency not a string", "[project]\ndependencies = [\"numpy\", 3]\n", nil, nil,
		`pyproject.toml:2:26: expected a requirement string`},
	{"dynamic dependencies", "[project]\nname = \"x\"\ndynamic = [\"version\", \"dependencies\"]\n", nil, nil,
		`pyproject.toml:3:23: [project] dependencies are dynamic: depsolve never runs a build backend, so it cannot know them`},
	{"dynamic optional dependencies with an extra asked for", "[project]\ndynamic = [\"optional-dependencies\"]\n", []string{"gpu"}, nil,
		`pyproject.toml:2:12: [project] optional-dependencies are dynamic: depsolve never runs a build backend, so it cannot know them`},
	{"dynamic optional dependencies asked for by a group through the project itself", "[project]\nname = \"x\"\ndynamic = [\"optional-dependencies\"]\n[dependency-groups]\ndev = [\"x[test]\"]\n", nil, []string{"dev"},
		`pyproject.toml:5:9: 'x[test]' asks for extra 'test' of the project itself, and [project] optional-dependencies are dynamic: depsolve never runs a build backend, so it cannot know them`},
	{"project not a table", "project = \"x\"\n", nil, nil,
		`pyproject.toml:1:11: [project] must be a table`},
	{"nothing to resolve", "[tool.poetry.dependencies]\npython = \"^3.10\"\n", nil, nil,
		`pyproject.toml: no [project] table and no [dependency-groups]: nothing to resolve`},
	{"unknown extra", "[project]\n[project.optional-dependencies]\ngpu = []\n", []string{"tpu"}, nil,
		`pyproject.toml:2:1: extra 'tpu' is not defined`},
	{"two spellings of one extra", "[project]\noptional-dependencies = { Foo_Bar = [], \"foo-bar\" = [] }\n", nil, nil,
		`pyproject.toml:2:41: extras 'Foo_Bar' and 'foo-bar' are the same extra ('foo-bar')`},
	{"unknown group", "[dependency-groups]\ndev = []\n", nil, []string{"test"},
		`pyproject.toml:1:1: dependency group 'test' is not defined`},
	{"group include cycle", "[dependency-groups]\na = [{include-group = \"B\"}]\nB = [\"numpy\", {include-group = \"a\"}]\n", nil, []string{"a"},
		`pyproject.toml:3:32: dependency groups include each other in a cycle: a -> B -> a`},
	{"group includes an unknown group", "[dependency-groups]\na = [{include-group = \"b\"}]\n", nil, []string{"a"},
		`pyproject.toml:2:23: dependency group 'a' includes 'b', which is not defined`},
	{"group item of the wrong kind", "[dependency-groups]\na = [\"numpy\", 1]\n", nil, []string{"a"},
		`pyproject.toml:2:15: expected a requirement string or {include-group = "NAME"}`},
	{"group table with another key", "[dependency-groups]\na = [{include-group = \"b\", extra = 1}]\nb = []\n", nil, []string{"a"},
		`pyproject.toml:2:6: expected a requirement string or {include-group = "NAME"}`},
	{"two spellings of one group", "[dependency-groups]\nTest = []\ntest = []\n", nil, nil,
		`pyproject.toml:3:1: dependency groups 'Test' and 'test' are the same group ('test')`},
	{"invalid group name", "[dependency-groups]\n\"-dev\" = []\n", nil, nil,
		`pyproject.toml:2:1: dependency group name '-dev' is not valid`},
	{"self reference to an unknown extra", "[project]\nname = \"demo\"\n[project.optional-dependencies]\nall = [\"demo[gpu]\"]\n", []string{"all"}, nil,
		`pyproject.toml:4:9: 'demo[gpu]' asks for extra 'gpu' of the project itself, which is not defined`},
	{"tool.depsolve not a table", "[project]\n[tool]\ndepsolve = 1\n", nil, nil,
		`pyproject.toml:3:12: [tool.depsolve] must be a table`},
}

func TestBadPyprojects(t *testing.T) {
	for _, tt := range badPyprojects {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseFiles(t, Options{Extras: tt.extras, Groups: tt.groups}, "pyproject.toml", tt.toml)
			if err == nil {
				t.Fatalf("Parse succeeded, want %s", tt.want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v is not an *Error", err, err)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestErrorWithContext(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{"caret under the column, hint last", "numpy\nfoo=1.0\n", `requirements.txt:2:4: invalid requirement: expected a version specifier, '@', ';' or the end after the name, found "="
    2 | foo=1.0
      |    ^
hint: '=' is not a version operator: did you mean '=='?
`},
		{"caret where the version was expected, after the operator", "torch>=\n", `requirements.txt:1:8: invalid requirement: expected a version after '>='
    1 | torch>=
      |        ^
`},
		{"caret past the blanks after the operator", "torch >=  ,<3\n", `requirements.txt:1:11: invalid requirement: expected a version after '>='
    1 | torch >=  ,<3
      |           ^
`},
		{"tabs kept so the caret lines up", "\tfoo --hash=md5:x\n", `requirements.txt:1:13: hash algorithm 'md5' is not allowed
    1 | 	foo --hash=md5:x
      | 	           ^
hint: pip accepts sha256, sha384 and sha512
`},
		{"credentials masked, caret moved with the text", "--index-url https://user:secret@example.com/simple --bogus\n", `requirements.txt:1:52: unknown option --bogus
    1 | --index-url https://****@example.com/simple --bogus
      |                                             ^
hint: ` + knownOptionsHint + "\n"},
		{"control characters of the line printed escaped, the caret moved with them", "torch\x1b[2J==1.0 ; evil\n", `requirements.txt:1:18: invalid marker: unknown marker variable "evil": expected a PEP 508 variable (python_version, sys_platform, extra, ...) or a quoted string
    1 | torch\x1b[2J==1.0 ; evil
      |                     ^
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseFiles(t, Options{}, "requirements.txt", tt.content)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want an *Error", err)
			}
			if got := e.ErrorWithContext(); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			if strings.Contains(got(e), "secret") {
				t.Errorf("the error shows a credential: %s", got(e))
			}
		})
	}
}

func got(e *Error) string { return e.ErrorWithContext() + e.Error() }

func TestErrorPositionString(t *testing.T) {
	for _, tt := range []struct {
		pos  Position
		want string
	}{
		{Position{File: "r.txt", Line: 3, Col: 7}, "r.txt:3:7"},
		{Position{File: "r.txt", Line: 3}, "r.txt:3"},
		{Position{File: "r.txt"}, "r.txt"},
	} {
		if got := tt.pos.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.pos, got, tt.want)
		}
	}
}

// A line that fails to parse where a variable was left unexpanded says so in the hint:
// the warning about the variable is lost with the error, and "${" alone misleads.
func TestUnsetVariableHint(t *testing.T) {
	for _, tt := range []struct {
		name, text, want string
	}{
		{"in the name", "numpy\n${PKG}\n", "environment variable PKG is not set (or empty): ${PKG} is left as written, as pip leaves it"},
		{"in a URL", "app @ https://${TOKEN}@example.com/app-1.0.whl x\n", "environment variable TOKEN is not set (or empty)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("requirements.txt", Options{FS: newFS("requirements.txt", tt.text), LookupEnv: env()})
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want an *Error", err)
			}
			if !strings.Contains(e.Hint, tt.want) {
				t.Errorf("hint %q does not say %q (error %v)", e.Hint, tt.want, err)
			}
		})
	}
	// A variable on another line than the error's is not blamed.
	_, err := Parse("requirements.txt", Options{FS: newFS("requirements.txt", "a @ https://example.com/${UNSET_ELSEWHERE}/a-1.0-py3-none-any.whl\ntorch>=\n"), LookupEnv: env()})
	var e *Error
	if !errors.As(err, &e) || strings.Contains(e.Hint, "UNSET_ELSEWHERE") {
		t.Errorf("got %v (hint %q): blames a variable of another line", err, e.Hint)
	}
}

// A TOML file's error shows its line without the carriage return of a CRLF file.
func TestTOMLErrorLineWithoutCR(t *testing.T) {
	fs := newFS("pyproject.toml", "[project]\r\nname = \"a\"\r\ndependencies = [\"six>=\"]\r\n")
	_, err := Parse("pyproject.toml", Options{FS: fs, LookupEnv: env()})
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want an *Error", err)
	}
	if want := "    3 | dependencies = [\"six>=\"]\n"; !strings.Contains(e.ErrorWithContext(), want) {
		t.Errorf("got\n%s\nwant the line %q", e.ErrorWithContext(), want)
	}
}

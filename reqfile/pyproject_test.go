package reqfile

import (
	"fmt"
	"strings"
	"testing"

	"github.com/depsolve/depsolve/pep508"
)

const demoPyproject = `
[project]
name = "Demo_Pkg"
requires-python = ">=3.10"
dependencies = [
    "numpy>=1.26",  # a comment
    'torch==2.5.1; platform_system == "Linux"',
]

[project.optional-dependencies]
GPU = ["cuda-python>=12", "numpy>=1.26"]
all = ["demo-pkg[gpu]; python_version >= '3.11'", "demo.pkg[all]"]

[dependency-groups]
Test = ["pytest>=8", {include-group = "lint"}]
lint = ["ruff"]
dev = [{include-group = "test"}, {include-group = "lint"}]

[tool.depsolve]
python = "3.11"
gpus = ["H100", "A100"]
[[tool.depsolve.index]]
url = "https://a.example/simple"
[[tool.depsolve.index]]
url = "https://b.example/simple"
`

func TestPyproject(t *testing.T) {
	for _, tt := range []struct {
		name           string
		extras, groups []string
		want           string
	}{
		{"dependencies only", nil, nil, `
requires-python pyproject.toml:4:19 >=3.10
requirement pyproject.toml:6:6 numpy >=1.26
requirement pyproject.toml:7:6 torch ==2.5.1 ; platform_system == "Linux"`[1:]},
		{"an extra, by any spelling", []string{"Gpu"}, nil, `
requires-python pyproject.toml:4:19 >=3.10
requirement pyproject.toml:6:6 numpy >=1.26
requirement pyproject.toml:7:6 torch ==2.5.1 ; platform_system == "Linux"
requirement pyproject.toml:11:9 cuda-python >=12
requirement pyproject.toml:11:28 numpy >=1.26`[1:]},
		{"an extra that names the project itself, recursively", []string{"all"}, nil, `
requires-python pyproject.toml:4:19 >=3.10
requirement pyproject.toml:6:6 numpy >=1.26
requirement pyproject.toml:7:6 torch ==2.5.1 ; platform_system == "Linux"
requirement pyproject.toml:11:9 cuda-python >=12 ; python_version >= "3.11"
requirement pyproject.toml:11:28 numpy >=1.26 ; python_version >= "3.11"`[1:]},
		{"groups with includes, each requirement once", nil, []string{"dev", "test"}, `
requires-python pyproject.toml:4:19 >=3.10
requirement pyproject.toml:6:6 numpy >=1.26
requirement pyproject.toml:7:6 torch ==2.5.1 ; platform_system == "Linux"
requirement pyproject.toml:15:10 pytest >=8
requirement pyproject.toml:16:10 ruff`[1:]},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, err := parseFiles(t, Options{Extras: tt.extras, Groups: tt.groups}, "pyproject.toml", demoPyproject)
			if err != nil {
				t.Fatal(describe(err))
			}
			got := strings.TrimSuffix(render(f), "\n")
			got = got[strings.IndexByte(got, '\n')+1:]
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestPyprojectTool(t *testing.T) {
	f, err := parseFiles(t, Options{}, "pyproject.toml", demoPyproject)
	if err != nil {
		t.Fatal(describe(err))
	}
	if f.Tool == nil {
		t.Fatal("no [tool.depsolve]")
	}
	if got := f.Tool.Values["python"]; got != "3.11" {
		t.Errorf(`Values["python"] = %v`, got)
	}
	for _, tt := range []struct {
		path []any
		want string
	}{
		{nil, "pyproject.toml:19:1"},
		{[]any{"python"}, "pyproject.toml:20:10"},
		{[]any{"gpus", 1}, "pyproject.toml:21:17"},
		{[]any{"index", 1, "url"}, "pyproject.toml:25:7"},
		{[]any{"index", 1}, "pyproject.toml:24:1"},
		{[]any{"missing", "key"}, "pyproject.toml:19:1"},
		{[]any{3.5}, "pyproject.toml:19:1"},
	} {
		if got := f.Tool.Pos(tt.path...).String(); got != tt.want {
			t.Errorf("Pos(%v) = %s, want %s", tt.path, got, tt.want)
		}
	}
	e := f.Tool.Error("unknown GPU 'A100'", "use sm_80", "gpus", 1)
	want := "pyproject.toml:21:17: unknown GPU 'A100'\n" +
		"   21 | gpus = [\"H100\", \"A100\"]\n" +
		"      |                 ^\n" +
		"hint: use sm_80\n"
	if got := e.ErrorWithContext(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestPyprojectDuplicateStrings(t *testing.T) {
	src := "\ufeff[project]\ndependencies = [\"numpy\", \"numpy\"]\n[project.optional-dependencies]\nx = [\n  \"numpy\",\n]\n"
	f, err := parseFiles(t, Options{Extras: []string{"x"}}, "pyproject.toml", src)
	if err != nil {
		t.Fatal(describe(err))
	}
	var got []string
	for _, r := range f.Requirements {
		got = append(got, r.Pos.String())
	}
	want := "pyproject.toml:2:18 pyproject.toml:2:27 pyproject.toml:5:4"
	if strings.Join(got, " ") != want {
		t.Errorf("positions %v, want %s", got, want)
	}
}

func TestPyprojectGroupsOnly(t *testing.T) {
	f, err := parseFiles(t, Options{Groups: []string{"docs"}}, "pyproject.toml", "[dependency-groups]\ndocs = [\"sphinx\"]\nbroken = [\"not valid !\"]\n")
	if err != nil {
		t.Fatalf("an unused group must not be read (PEP 735): %s", describe(err))
	}
	if len(f.Requirements) != 1 || f.Requirements[0].Name != "sphinx" {
		t.Errorf("got %s", render(f))
	}
}

func TestTOMLIndex(t *testing.T) {
	src := `a.b = "x"
"quoted key".'lit' = 1
c = { d = [1, {e = """
multi"""}], f = 2.5 }
[[t]]
v = 'one'
[[t]]
v = '''two'''
[t.sub]
w = "esc\"aped"
`
	idx := indexTOML(src)
	for _, tt := range []struct {
		path tomlPath
		want string
	}{
		{tomlPath{"a", "b"}, `"x"`},
		{tomlPath{"quoted key", "lit"}, "1"},
		{tomlPath{"c", "d", 1, "e"}, `"""`},
		{tomlPath{"c", "f"}, "2.5"},
		{tomlPath{"t", 0, "v"}, "'one'"},
		{tomlPath{"t", 1, "v"}, "'''two'''"},
		{tomlPath{"t", 1, "sub", "w"}, `"esc\"aped"`},
	} {
		v, ok := idx.value(tt.path)
		if !ok {
			t.Errorf("%v: not indexed", tt.path)
			continue
		}
		if !strings.HasPrefix(src[v.start:], tt.want) {
			t.Errorf("%v: at %q, want %q", tt.path, src[v.start:min(v.start+12, len(src))], tt.want)
		}
	}
	value, offsets, ok := decodeTOMLString(src, strings.Index(src, `"esc`))
	if !ok || value != `esc"aped` || src[offsets[3]] != '\\' || src[offsets[4]] != 'a' {
		t.Errorf("decode: %q %v %v", value, offsets, ok)
	}
}

// Extras that refer to the project itself twice at each of 30 levels: the same
// marker is expanded once; different markers at every level stop at a bound.
func TestPyprojectSelfReferenceBlowUp(t *testing.T) {
	build := func(markers bool) string {
		var b strings.Builder
		b.WriteString("[project]\nname = \"p\"\n[project.optional-dependencies]\n")
		for i := range 30 {
			if markers {
				fmt.Fprintf(&b, "e%d = [\"p[e%d]; os_name == 'a'\", \"p[e%d]; os_name == 'b'\"]\n", i, i+1, i+1)
			} else {
				fmt.Fprintf(&b, "e%d = [\"p[e%d]\", \"p[e%d]\"]\n", i, i+1, i+1)
			}
		}
		b.WriteString("e30 = [\"numpy\"]\n")
		return b.String()
	}
	f, err := parseFiles(t, Options{Extras: []string{"e0"}}, "pyproject.toml", build(false))
	if err != nil || len(f.Requirements) != 1 {
		t.Fatalf("without markers: %v, %d requirements", err, len(f.Requirements))
	}
	_, err = parseFiles(t, Options{Extras: []string{"e0"}}, "pyproject.toml", build(true))
	want := "the project's extras refer to each other under more than 10000 different markers"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("with markers: got %v, want an error saying %q", err, want)
	}
}

// A marker that tests extra reads it as pip and uv read the Requires-Dist a build
// backend writes: in an extra's list, as that extra; in the dependencies, as no extra
// or one of the extras installed. Evaluated with extra "" (a requirements file's
// line), every one of these requirements was dropped.
func TestPyprojectExtraMarkers(t *testing.T) {
	src := `[project]
name = "proj"
dependencies = ["requests", "numpy; extra == 'gpu'", "six; extra != 'gpu'"]
[project.optional-dependencies]
gpu = ["rich; extra == 'gpu'", "pytest; extra == 'other'"]
`
	env := pep508.Environment{"sys_platform": "linux"}
	for _, tc := range []struct {
		extras []string
		want   string
	}{
		{nil, "requests six"},
		{[]string{"gpu"}, "requests numpy six rich"},
	} {
		f, err := parseFiles(t, Options{Extras: tc.extras}, "pyproject.toml", src)
		if err != nil {
			t.Fatal(describe(err))
		}
		var got []string
		for _, r := range f.Requirements {
			if ok, err := r.Marker.Evaluate(env); err != nil {
				t.Fatalf("%s: %v", r.Line, err)
			} else if ok {
				got = append(got, r.Name)
			}
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("extras %v: requirements that apply %v, want %s", tc.extras, got, tc.want)
		}
	}
}

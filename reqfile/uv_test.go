package reqfile

import (
	"path/filepath"
	"strings"
	"testing"
)

const uvProject = `[project]
name = "app"
dependencies = ["torch", "numpy", "lib", "member", "tool"]

[[tool.uv.index]]
name = "cu124"
url = "https://download.pytorch.org/whl/cu124"
explicit = true

[[tool.uv.index]]
name = "mirror"
url = "https://mirror.example/simple"
default = true

[tool.uv.sources]
torch = [
  { index = "cu124", marker = "sys_platform == 'linux'" },
  { index = "mirror", extra = "cpu" },
]
lib = { git = "https://git.example/lib.git", tag = "v1", subdirectory = "py" }
member = { workspace = true }
tool = { path = "../tools/tool" }

[project.optional-dependencies]
cpu = []
`

// TestUVTables: [[tool.uv.index]] and [tool.uv.sources] are read, with their positions;
// a source for an extra not chosen is left out; git and path sources are the URLs
// NAME @ URL writes.
func TestUVTables(t *testing.T) {
	f, err := parseFiles(t, Options{}, "proj/pyproject.toml", uvProject)
	if err != nil {
		t.Fatal(describe(err))
	}
	if len(f.Warnings) != 0 {
		t.Errorf("warnings: %v", f.Warnings)
	}
	toolDir, _ := filepath.Abs("tools/tool")
	want := `
uv-index proj/pyproject.toml:7:7 name="cu124" url=https://download.pytorch.org/whl/cu124 explicit=true default=false flat=false
uv-index proj/pyproject.toml:12:7 name="mirror" url=https://mirror.example/simple explicit=false default=true flat=false
uv-source proj/pyproject.toml:20:7 lib index="" url="git+https://git.example/lib.git@v1#subdirectory=py" workspace=false marker=""
uv-source proj/pyproject.toml:21:10 member index="" url="" workspace=true marker=""
uv-source proj/pyproject.toml:22:8 tool index="" url="file://` + filepath.ToSlash(toolDir) + `" workspace=false marker=""
uv-source proj/pyproject.toml:17:3 torch index="cu124" url="" workspace=false marker="sys_platform == \"linux\""
`
	got := render(f)
	got = got[strings.Index(got, "uv-index"):]
	if got != want[1:] {
		t.Errorf("got\n%s\nwant\n%s", got, want[1:])
	}
	f, err = parseFiles(t, Options{Extras: []string{"CPU"}}, "proj/pyproject.toml", uvProject)
	if err != nil {
		t.Fatal(describe(err))
	}
	if len(f.UVSources) != 5 || f.UVSources[4].Index != "mirror" {
		t.Errorf("with extra cpu: %v", f.UVSources)
	}
}

func TestUVTableErrors(t *testing.T) {
	const head = "[project]\ndependencies = [\"torch\"]\n"
	for _, tt := range []struct{ name, toml, want string }{
		{"undefined index", "[tool.uv.sources]\ntorch = { index = \"cu999\" }\n[[tool.uv.index]]\nname = \"cu124\"\nurl = \"https://x.example/simple\"\n",
			"pyproject.toml:5:19: the source of 'torch' names index 'cu999', which no [[tool.uv.index]] defines"},
		{"two kinds", "[tool.uv.sources]\ntorch = { git = \"https://g.example/t.git\", url = \"https://u.example/t.whl\" }\n",
			"pyproject.toml:5:9: the source of 'torch' must have exactly one of index, git, url, path or workspace (it has 2)"},
		{"unknown key", "[tool.uv.sources]\ntorch = { git = \"https://g.example/t.git\", revision = \"v1\" }\n",
			"pyproject.toml:5:44: unknown key 'revision' in the source of 'torch'"},
		{"rev on a url", "[tool.uv.sources]\ntorch = { url = \"https://u.example/t.whl\", tag = \"v1\" }\n",
			"pyproject.toml:5:44: tag belongs to a git source"},
		{"bad marker", "[tool.uv.sources]\ntorch = { git = \"https://g.example/t.git\", marker = \"os ==\" }\n",
			"pyproject.toml:5:53: invalid marker"},
		{"index without url", "[[tool.uv.index]]\nname = \"x\"\n",
			"pyproject.toml:4:1: [[tool.uv.index]] has no url"},
		{"index url not http", "[[tool.uv.index]]\nname = \"x\"\nurl = \"./wheels\"\n",
			"pyproject.toml:6:7: index url './wheels' is not an absolute http(s) URL"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseFiles(t, Options{}, "pyproject.toml", head+"\n"+tt.toml)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
}

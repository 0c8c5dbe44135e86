package reqfile

import (
	"strings"
	"testing"
)

// A lock as depsolve lock --format pylock writes it, with what other writers add:
// a marker, an archive, several hash algorithms.
const pylockSample = `lock-version = "1.0"
created-by = "depsolve"
requires-python = ">=3.10"

[[packages]]
name = "numpy"
version = "1.26.4"
index = "https://pypi.org/simple/"

[[packages.wheels]]
name = "numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.whl"
hashes = { sha256 = "EFB9B3CCC9C6DD5CA0D1801BBB4C8EA6F3D136D53F84BD3A40AF45F381F0724E", blake2b = "00ff" }

[packages.sdist]
name = "numpy-1.26.4.tar.gz"
hashes = { sha256 = "9fd6ee1d0c5b0cbdec1b5bba6a0bd4e00c2f57bf9e95a1bddaff403455fece09" }

[[packages]]
name = "colorama"
version = "0.4.6"
marker = "sys_platform == 'win32'"
wheels = [{ name = "colorama-0.4.6-py2.py3-none-any.whl", hashes = { sha256 = "4f1d9991f5acc0ca119f9d443620b77f9d6b33703e51011c16baf57afb285fc6" } }]

[[packages]]
name = "mypkg"
archive = { url = "https://example.com/mypkg-1.0.tar.gz", hashes = { sha256 = "4f1d9991f5acc0ca119f9d443620b77f9d6b33703e51011c16baf57afb285fc6" } }

[tool.depsolve]
python = "3.11.9"
gpus = "H100 (sm_90)"
`

func TestPylock(t *testing.T) {
	f, err := parseFiles(t, Options{}, "pylock.toml", pylockSample)
	if err != nil {
		t.Fatal(describe(err))
	}
	var got []string
	for _, r := range f.Requirements {
		got = append(got, r.Pos.String()+" "+r.String()+" "+strings.Join(r.Hashes, ",")+" | "+r.Line)
	}
	want := []string{
		"pylock.toml:6:8 numpy==1.26.4 blake2b:00ff,sha256:efb9b3ccc9c6dd5ca0d1801bbb4c8ea6f3d136d53f84bd3a40af45f381f0724e,sha256:9fd6ee1d0c5b0cbdec1b5bba6a0bd4e00c2f57bf9e95a1bddaff403455fece09 | name = \"numpy\"",
		"pylock.toml:19:8 colorama==0.4.6; sys_platform == \"win32\" sha256:4f1d9991f5acc0ca119f9d443620b77f9d6b33703e51011c16baf57afb285fc6 | name = \"colorama\"",
		"pylock.toml:25:8 mypkg @ https://example.com/mypkg-1.0.tar.gz sha256:4f1d9991f5acc0ca119f9d443620b77f9d6b33703e51011c16baf57afb285fc6 | name = \"mypkg\"",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requirements:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if f.RequiresPython.String() != ">=3.10" || f.RequiresPythonPos.String() != "pylock.toml:3:19" {
		t.Errorf("RequiresPython = %q", f.RequiresPython)
	}
	if f.IndexURL != "https://pypi.org/simple/" || len(f.Warnings) != 0 {
		t.Errorf("IndexURL = %q, warnings %v", f.IndexURL, f.Warnings)
	}
	if f.Tool == nil || f.Tool.Values["python"] != "3.11.9" || f.Tool.Pos("gpus").String() != "pylock.toml:30:8" {
		t.Errorf("Tool = %+v", f.Tool)
	}
}

// Markers may read extras and dependency_groups: every pin carries the selection the
// lock is installed with, the options' extras and groups, default-groups when no
// group is chosen.
func TestPylockSelection(t *testing.T) {
	lock := "lock-version = \"1.0\"\ndefault-groups = [\"dev\"]\n" +
		"[[packages]]\nname = \"cupy\"\nversion = \"13.3.0\"\nmarker = \"'gpu' in extras\"\n" +
		"[[packages]]\nname = \"pytest\"\nversion = \"8.0\"\nmarker = \"'dev' in dependency_groups\"\n"
	for _, tc := range []struct {
		opts Options
		want LockSelection
	}{
		{Options{}, LockSelection{Groups: []string{"dev"}}},
		{Options{Extras: []string{"gpu"}, Groups: []string{"docs"}}, LockSelection{Extras: []string{"gpu"}, Groups: []string{"docs"}}},
	} {
		f, err := parseFiles(t, tc.opts, "pylock.toml", lock)
		if err != nil {
			t.Fatal(describe(err))
		}
		for _, r := range f.Requirements {
			if r.Lock == nil || strings.Join(r.Lock.Extras, ",") != strings.Join(tc.want.Extras, ",") || strings.Join(r.Lock.Groups, ",") != strings.Join(tc.want.Groups, ",") {
				t.Errorf("%+v: %s: Lock = %+v, want %+v", tc.opts, r.Name, r.Lock, tc.want)
			}
		}
		if got := f.Requirements[1].Marker.String(); got != `"dev" in dependency_groups` {
			t.Errorf("marker = %s", got)
		}
	}
}

func TestPylockIndexes(t *testing.T) {
	lock := "lock-version = \"1.0\"\n" +
		"[[packages]]\nname = \"torch\"\nversion = \"2.5.1\"\nindex = \"https://****@private.example/simple/\"\n" +
		"[[packages]]\nname = \"numpy\"\nversion = \"1.26.4\"\nindex = \"https://pypi.org/simple/\"\n"
	f, err := parseFiles(t, Options{}, "pylock.toml", lock)
	if err != nil {
		t.Fatal(describe(err))
	}
	want := "pylock.toml:9:9: the packages come from 2 indexes (https://****@private.example/simple/, https://pypi.org/simple/); " +
		"each is looked up in the indexes given to depsolve (--index-url, --extra-index-url, depsolve.toml), not in its own: give those the lock was made with"
	if f.IndexURL != "" || len(f.Warnings) != 1 || f.Warnings[0].String() != want {
		t.Errorf("IndexURL = %q, warnings %v", f.IndexURL, f.Warnings)
	}
}

func TestPylockNames(t *testing.T) {
	for name, want := range map[string]bool{
		"pylock.toml": true, "dir/pylock.toml": true, "pylock.cuda124.toml": true,
		"pylock..toml": false, "pylock.a.b.toml": false, "my-pylock.toml": false, "pylock.txt": false,
	} {
		if got := IsPylock(name); got != want {
			t.Errorf("IsPylock(%q) = %v, want %v", name, got, want)
		}
	}
}

// Malformed lock files, each with the exact one-line error.
func TestBadPylocks(t *testing.T) {
	for _, tt := range []struct{ name, toml, want string }{
		{"not a lock", "[project]\nname = \"x\"\n",
			`pylock.toml: no lock-version: this is not a PEP 751 lock file`},
		{"newer major version", "lock-version = \"2.0\"\n",
			`pylock.toml:1:16: lock-version '2.0' is not understood: depsolve reads lock-version 1.x (PEP 751)`},
		{"packages not tables", "lock-version = \"1.0\"\npackages = [\"numpy\"]\n",
			`pylock.toml:2:12: packages must be an array of tables ([[packages]])`},
		{"no name", "lock-version = \"1.0\"\n[[packages]]\nversion = \"1.0\"\n",
			`pylock.toml:2:1: a package needs a valid name`},
		{"no version", "lock-version = \"1.0\"\n[[packages]]\nname = \"numpy\"\n",
			`pylock.toml:3:8: package 'numpy' has no version and no vcs, directory or archive source`},
		{"bad version", "lock-version = \"1.0\"\n[[packages]]\nname = \"numpy\"\nversion = \"one\"\n",
			`pylock.toml:4:11: 'one' is not a valid version`},
		{"bad marker", "lock-version = \"1.0\"\n[[packages]]\nname = \"numpy\"\nversion = \"1.0\"\nmarker = \"python_version >\"\n",
			`pylock.toml:5:27: invalid marker: expected a marker variable or a quoted string, found the end`},
		{"default-groups not a list", "lock-version = \"1.0\"\ndefault-groups = \"dev\"\n",
			`pylock.toml:2:18: default-groups must be an array of dependency group names`},
		{"default-groups not names", "lock-version = \"1.0\"\ndefault-groups = [\"dev\", 1]\n",
			`pylock.toml:2:18: default-groups must be an array of dependency group names`},
		{"file without hashes", "lock-version = \"1.0\"\n[[packages]]\nname = \"numpy\"\nversion = \"1.0\"\n[[packages.wheels]]\nname = \"numpy-1.0-py3-none-any.whl\"\n",
			`pylock.toml:5:1: a file needs a hashes table, such as hashes = { sha256 = "…" }`},
		{"short digest", "lock-version = \"1.0\"\n[[packages]]\nname = \"numpy\"\nversion = \"1.0\"\nsdist = { name = \"numpy-1.0.tar.gz\", hashes = { sha256 = \"abc\" } }\n",
			`pylock.toml:5:58: a sha256 digest has 64 hexadecimal digits, found 'abc'`},
		{"bad requires-python", "lock-version = \"1.0\"\nrequires-python = \"3.10\"\n",
			`pylock.toml:2:19: invalid requires-python: "3.10": column 1: expected an operator (==, !=, <=, >=, <, >, ~=, ===), found '3'`},
		{"TOML syntax", "lock-version = \"1.0\"\n[[packages]\n",
			`pylock.toml:2:11: invalid TOML: `},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseFiles(t, Options{}, "pylock.toml", tt.toml)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) || !strings.HasSuffix(tt.want, ": ") && err.Error() != tt.want {
				t.Errorf("got  %v\nwant %s", err, tt.want)
			}
		})
	}
}

func TestPylockIncludedRefused(t *testing.T) {
	_, err := parseFiles(t, Options{}, "requirements.txt", "-r pylock.toml\n", "pylock.toml", "lock-version = \"1.0\"\n")
	want := "requirements.txt:1:4: -r cannot read pylock.toml: pip would read it as a requirements file"
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

func TestReadFailures(t *testing.T) {
	for _, tt := range []struct{ file, want string }{
		{"missing.txt", "missing.txt: requirements file missing.txt does not exist"},
		{"dir", "dir: requirements file dir is a directory, not a file\nhint: name the file inside it, such as dir/requirements.txt or dir/pyproject.toml\n"},
		{"pyproject.toml", "pyproject.toml: pyproject.toml is a directory, not a file\nhint: name the file inside it, such as pyproject.toml/requirements.txt or pyproject.toml/pyproject.toml\n"},
	} {
		_, err := Parse(tt.file, Options{FS: newFS("dir/", "", "pyproject.toml/", ""), LookupEnv: env()})
		if err == nil {
			t.Errorf("%s: no error", tt.file)
			continue
		}
		if got := describe(err); got != tt.want && err.Error() != tt.want {
			t.Errorf("%s: got\n%s\nwant\n%s", tt.file, got, tt.want)
		}
	}
}

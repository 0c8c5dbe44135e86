package reqfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Each case parses requirements.txt (with the other files beside it) and compares
// everything Parse returned, rendered one fact a line.
var goodRequirements = []struct {
	name  string
	files []string
	env   []string
	want  string
}{
	{"comments: a # starts one only at the line start or after whitespace",
		[]string{"requirements.txt", "# header\n  # indented\nnumpy # why\nhttps://example.com/pkg.tar.gz#egg=pkg\t# tab before it\n"}, nil, `
requirement requirements.txt:3:1 numpy
requirement requirements.txt:4:1 pkg @ https://example.com/pkg.tar.gz#egg=pkg`[1:]},
	{"continuations join at the first line; a comment line ends them",
		[]string{"requirements.txt", "numpy\\\n>=1.0\nscipy \\\n# comment\npandas \\\n  [excel] \\\n  ==2.0"}, nil, `
requirement requirements.txt:1:1 numpy >=1.0
requirement requirements.txt:3:1 scipy
requirement requirements.txt:5:1 pandas[excel] ==2.0`[1:]},
	{"a comment ending in a backslash swallows the next line, as in pip",
		[]string{"requirements.txt", "numpy # note \\\nscipy\npandas\\"}, nil, `
requirement requirements.txt:1:1 numpy
requirement requirements.txt:3:1 pandas`[1:]},
	{"continued lines lose every backslash at both ends",
		[]string{"requirements.txt", "\\\\numpy\\\\\n==1.0"}, nil, `
requirement requirements.txt:1:3 numpy ==1.0`[1:]},
	{"line breaks are Python's: CR, CRLF, form feed",
		[]string{"requirements.txt", "numpy\r\nscipy\rpandas\fjax\n"}, nil, `
requirement requirements.txt:1:1 numpy
requirement requirements.txt:2:1 scipy
requirement requirements.txt:3:1 pandas
requirement requirements.txt:4:1 jax`[1:]},
	{"${NAME} expands everywhere; other forms and unset names stay",
		[]string{"requirements.txt", "--extra-index-url https://${USER_1}:${TOKEN}@example.com/simple\n" +
			"torch==${TORCH_VERSION}\n--trusted-host $HOME${lower}${UNSET}x\n"},
		[]string{"USER_1", "bot", "TOKEN", "s3cr3t", "TORCH_VERSION", "2.5.1", "UNSET", ""}, `
extra-index-url https://bot:s3cr3t@example.com/simple
trusted-host $HOME${lower}${UNSET}x
requirement requirements.txt:2:1 torch ==2.5.1
warning requirements.txt:3:29: environment variable UNSET is not set (or empty): ${UNSET} is left as written, as pip leaves it`[1:]},
	{"index options: --index-url drops the extra indexes named before it",
		[]string{"requirements.txt", "--extra-index-url https://a.example/simple\n-i https://b.example/simple --extra-index-url https://c.example/simple\n" +
			"--extra https://d.example/simple\n--extra-index-url https://d.example/simple\n"}, nil, `
index-url https://b.example/simple
extra-index-url https://c.example/simple
extra-index-url https://d.example/simple
warning requirements.txt:2:1: this -i drops the --extra-index-url given at requirements.txt:1:1: pip keeps only the indexes named after the last --index-url`[1:]},
	{"--no-index clears the indexes and ignores later ones",
		[]string{"requirements.txt", "--index-url https://a.example/simple\n--no-index\n--extra-index-url https://b.example/simple\n"}, nil, `
no-index
warning requirements.txt:3:1: --extra-index-url is ignored: --no-index was given at requirements.txt:2:1`[1:]},
	{"find links: the first of a line, relative to the file when something is there",
		[]string{"reqs/r.txt", "-f wheels -f other\n--find-links ./missing\n-f https://example.com/links.html\n", "reqs/wheels/", ""}, nil, `
find-links reqs/wheels
find-links ./missing
find-links https://example.com/links.html
warning reqs/r.txt:1:11: -f is ignored: pip uses only the first --find-links of a line`[1:]},
	{"flags and hosts",
		[]string{"requirements.txt", "--pre --prefer-binary\n--require-hashes --no-require-hashes\n--trusted-host a.example --trusted-host=b.example:8080\n--use-feature fast-deps\n"}, nil, `
trusted-host a.example
trusted-host b.example:8080
pre
prefer-binary
require-hashes`[1:]},
	{"binary and release sets follow pip's :all: and :none: rules, on any line",
		[]string{"requirements.txt", "--only-binary :all:\n--no-binary Torch_Audio,numpy\n--only-binary=:none:,scipy\n" +
			"foo --all-releases=:all: --only-final Jax\n"}, nil, `
all-releases :all:
only-final jax
only-binary scipy
no-binary numpy,torch-audio
requirement requirements.txt:4:1 foo`[1:]},
	{"requirement forms",
		[]string{"requirements.txt", "name @ https://example.com/name-1.0.tar.gz ; python_version < '3.12'\n" +
			"https://example.com/flash_attn-2.8.3%2Bcu128torch2.10-cp312-cp312-linux_x86_64.whl; sys_platform == 'linux'\n" +
			"https://example.com/x.tar.gz;python_version<'3'\n" +
			"git+https://github.com/a/b@v1#egg=b&subdirectory=py\n" +
			"pkg[extra] >= 1 , < 2 ; extra == 'x'\n"}, nil, `
requirement requirements.txt:1:1 name @ https://example.com/name-1.0.tar.gz ; python_version < "3.12"
requirement requirements.txt:2:1 flash-attn ==2.8.3+cu128torch2.10 @ https://example.com/flash_attn-2.8.3%2Bcu128torch2.10-cp312-cp312-linux_x86_64.whl ; sys_platform == "linux"
requirement requirements.txt:3:1 (unnamed) @ https://example.com/x.tar.gz;python_version<'3'
requirement requirements.txt:4:1 b @ git+https://github.com/a/b@v1#egg=b&subdirectory=py
requirement requirements.txt:5:1 pkg[extra] <2,>=1 ; extra == "x"
warning requirements.txt:5:25: the marker tests extra == "x", but a requirements file's line has no extra (extra is ""), so the line never applies; pip skips it too: drop the condition, or the line`[1:]},
	{"hashes: several, on continued lines, in lower case",
		[]string{"requirements.txt", "six==1.16.0 \\\n    --hash=sha256:" + strings.Repeat("AB", 32) + " \\\n    --hash sha512:" + strings.Repeat("0", 128) + "\n"}, nil,
		"requirement requirements.txt:1:1 six ==1.16.0 (2 hashes, first sha256:" + strings.Repeat("ab", 32) + ")"},
	{"options pip ignores are warned about",
		[]string{"requirements.txt", "foo --index-url https://x.example -r other.txt\n--hash=sha256:" + strings.Repeat("a", 64) + "\n-r a.txt -c b.txt --pre stray\n", "a.txt", "bar\n"}, nil, `
requirement requirements.txt:1:1 foo
requirement a.txt:1:1 bar
warning requirements.txt:1:35: -r is ignored on a requirement line: pip reads included files only from a line of their own
warning requirements.txt:1:5: --index-url is ignored on a requirement line: pip applies it only on a line of its own
warning requirements.txt:2:1: --hash is ignored on a line without a requirement, as pip ignores it
warning requirements.txt:3:25: 'stray' is ignored: pip ignores words among the options that are not options or their values
warning requirements.txt:3:10: -c is ignored: pip follows only one -r or -c per line (the first -r, else the first -c)
warning requirements.txt:3:19: --pre is ignored on a line that includes a file: pip ignores the other options of that line`[1:]},
	{"includes: relative to the including file, -c gives constraints, -r inside it requirements; a file is read once",
		[]string{"requirements/cuda.txt", "-r common.txt\ntorch==2.9.1\n-c ../constraints.txt\n",
			"requirements/common.txt", "numpy\n",
			"constraints.txt", "numpy<2\n-r requirements/extra.txt\n",
			"requirements/extra.txt", "-r common.txt\nscipy\n"}, nil, `
requirement requirements/common.txt:1:1 numpy
requirement requirements/cuda.txt:2:1 torch ==2.9.1
requirement requirements/extra.txt:2:1 scipy
constraint constraints.txt:1:1 numpy <2`[1:]},
	{"file: URLs in -r are local paths",
		[]string{"requirements.txt", "-r file:common.txt\n", "common.txt", "numpy\n"}, nil, `
requirement common.txt:1:1 numpy`[1:]},
	{"editables are kept apart",
		[]string{"requirements.txt", "-e git+https://github.com/cocodataset/cocoapi#egg=pycocotools&subdirectory=PythonAPI\n" +
			"--editable=\"name @ git+https://github.com/a/b@main\"\n-e git://github.com/c/d#egg=d\n"}, nil, `
editable requirements.txt:1:4 pycocotools @ git+https://github.com/cocodataset/cocoapi#egg=pycocotools&subdirectory=PythonAPI
editable requirements.txt:2:13 name @ git+https://github.com/a/b@main
editable requirements.txt:3:4 d @ git+git://github.com/c/d#egg=d`[1:]},
}

func TestGoodRequirements(t *testing.T) {
	for _, tt := range goodRequirements {
		t.Run(tt.name, func(t *testing.T) {
			f, err := parseFiles(t, Options{LookupEnv: env(tt.env...)}, tt.files...)
			if err != nil {
				t.Fatalf("Parse: %s", describe(err))
			}
			got := strings.TrimSuffix(render(f), "\n")
			got = got[strings.IndexByte(got, '\n')+1:] // drop the path line
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestLineKeepsCredentialsMasked(t *testing.T) {
	f := mustParse(t, "name @ https://user:${TOKEN}@example.com/x.whl\n")
	r := f.Requirements[0]
	if want := "name @ https://****@example.com/x.whl"; r.Line != want {
		t.Errorf("Line = %q, want %q", r.Line, want)
	}
}

func TestLocalPaths(t *testing.T) {
	f, err := parseFiles(t, Options{}, "requirements.txt", "./proj[gpu]\ndist/pkg-1.0-py3-none-any.whl\n./gone.tar.gz\n-e .\n-e ./proj[dev]\n",
		"proj/pyproject.toml", "", "dist/pkg-1.0-py3-none-any.whl", "")
	if err != nil {
		t.Fatal(describe(err))
	}
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return "file://" + filepath.ToSlash(a)
	}
	want := "" +
		"requirement requirements.txt:1:1 (unnamed)[gpu] @ " + abs("proj") + "\n" +
		"requirement requirements.txt:2:1 pkg ==1.0 @ " + abs("dist/pkg-1.0-py3-none-any.whl") + "\n" +
		"requirement requirements.txt:3:1 (unnamed) @ " + abs("gone.tar.gz") + "\n" +
		"editable requirements.txt:4:4 (unnamed) @ " + abs(".") + "\n" +
		"editable requirements.txt:5:4 (unnamed)[dev] @ " + abs("proj") + "\n" +
		"warning requirements.txt:3:1: './gone.tar.gz' looks like a file name, but the file does not exist\n"
	got := render(f)
	got = got[strings.IndexByte(got, '\n')+1:]
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestUnlockable(t *testing.T) {
	f := mustParse(t, "numpy\n\n-e ./pkg\nhttps://example.com/src.tar.gz\n", "pkg/setup.py", "")
	if msg := f.Requirements[0].Unlockable(); msg != "" {
		t.Errorf("numpy: Unlockable() = %q, want \"\"", msg)
	}
	if got, want := f.Editables[0].Unlockable(), "-e ./pkg (requirements.txt:3) is editable: depsolve cannot lock it, nor check what it needs; install it after the lock"; got != want {
		t.Errorf("editable: got %q\nwant %q", got, want)
	}
	if got, want := f.Requirements[1].Unlockable(), "https://example.com/src.tar.gz (requirements.txt:4) names no project: "+
		"depsolve cannot resolve it without building it; write it as NAME @ URL, or add #egg=NAME to the URL"; got != want {
		t.Errorf("unnamed: got %q\nwant %q", got, want)
	}
}

func TestEncodings(t *testing.T) {
	utf16le := []byte{0xFF, 0xFE}
	utf16be := []byte{0xFE, 0xFF}
	utf32le := []byte{0xFF, 0xFE, 0, 0}
	for _, r := range "numpy\nscipy; platform_release == 'ö'\n" {
		utf16le = append(utf16le, byte(r), byte(r>>8))
		utf16be = append(utf16be, byte(r>>8), byte(r))
		utf32le = append(utf32le, byte(r), byte(r>>8), 0, 0)
	}
	for _, tt := range []struct {
		name string
		data string
	}{
		{"UTF-8 with a byte order mark", "\xEF\xBB\xBFnumpy\nscipy; platform_release == 'ö'\n"},
		{"UTF-16 LE", string(utf16le)},
		{"UTF-16 BE", string(utf16be)},
		{"UTF-32 LE", string(utf32le)},
		{"latin-1 declared by a coding comment", "# -*- coding: latin-1 -*-\nnumpy\nscipy; platform_release == '\xf6'\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, err := parseFiles(t, Options{}, "requirements.txt", tt.data)
			if err != nil {
				t.Fatal(describe(err))
			}
			if len(f.Requirements) != 2 || !strings.Contains(f.Requirements[1].Marker.String(), "ö") {
				t.Fatalf("got %s", render(f))
			}
		})
	}
}

func TestConstraintOption(t *testing.T) {
	f, err := parseFiles(t, Options{Constraint: true}, "constraints.txt", "numpy<2\n-r more.txt\n", "more.txt", "scipy\n")
	if err != nil {
		t.Fatal(describe(err))
	}
	if len(f.Constraints) != 1 || f.Constraints[0].Name != "numpy" || len(f.Requirements) != 1 || f.Requirements[0].Name != "scipy" {
		t.Errorf("got %s", render(f))
	}
}

func TestOSFileSystem(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte("-r sub/common.txt\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sub", "common.txt"), []byte("numpy==${NUMPY_PIN_FOR_TEST}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NUMPY_PIN_FOR_TEST", "2.1.0")
	f, err := Parse(filepath.Join(dir, "requirements.txt"), Options{})
	if err != nil {
		t.Fatal(describe(err))
	}
	r := f.Requirements[0]
	if r.Name != "numpy" || r.Specifier.String() != "==2.1.0" || r.Pos.File != filepath.Join(dir, "sub", "common.txt") {
		t.Errorf("got %s", render(f))
	}
}

package lockfile

import (
	"bytes"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

var update = flag.Bool("update", false, "rewrite golden files")

func sampleLock() *Lock {
	return &Lock{
		Command: "depsolve lock requirements.in -o requirements.txt --index-url https://alice:s3cret@private.example/simple",
		Target: []Field{
			{"python", "3.11.9"},
			{"platform", "manylinux_2_35_x86_64"},
			{"driver", "550.54.15"},
			{"gpus", "H100 cc=9.0"},
		},
		IndexURL:       "https://alice:s3cret@private.example/simple",
		ExtraIndexURLs: []string{"https://download.pytorch.org/whl/cu124"},
		FindLinks:      []string{"./wheels"},
		Packages: []Package{
			{
				Name: "torch", Version: "2.5.1+cu124", Index: "https://download.pytorch.org/whl/cu124",
				Files: []File{{
					Name:   "torch-2.5.1+cu124-cp311-cp311-linux_x86_64.whl",
					URL:    "https://download.pytorch.org/whl/cu124/torch-2.5.1%2Bcu124-cp311-cp311-linux_x86_64.whl",
					SHA256: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", Size: 908000000, UploadTime: "2024-10-29T17:00:00Z",
				}},
				Via:  []string{"requirements.in:3", "torchvision"},
				Size: "1.2 GiB installed, 865.9 MiB download",
			},
			{
				Name: "filelock", Version: "3.16.1", Index: "https://alice:s3cret@private.example/simple",
				Files: []File{
					{Name: "filelock-3.16.1.tar.gz", URL: "https://files.example/filelock-3.16.1.tar.gz", SHA256: "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd", Size: 18037},
					{Name: "filelock-3.16.1-py3-none-any.whl", URL: "https://files.example/filelock-3.16.1-py3-none-any.whl", SHA256: "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", Size: 16163},
				},
				Via:  []string{"torch"},
				Size: "17.6 KiB download, installed unknown (a source distribution)",
			},
			{Name: "torchvision", Version: "0.20.1+cu124", Via: []string{"requirements.in:4"},
				Files: []File{{Name: "torchvision-0.20.1+cu124-cp311-cp311-linux_x86_64.whl", SHA256: "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"}}},
			{Name: "mypkg", DirectURL: "https://bob:tok@git.example/mypkg-1.0-py3-none-any.whl", Via: []string{"requirements.in:5"}},
		},
		Size: "size: 1.2 GiB installed, 865.9 MiB to download (CUDA 12: 1.2 GiB in 1 package); installed size unknown for 1 package (depsolve size lists why)",
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; got:\n%s", name, got)
	}
}

func TestWriteRequirements(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteRequirements(&buf, sampleLock(), RequirementsOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "s3cret") || strings.Contains(buf.String(), "alice") || strings.Contains(buf.String(), "bob:tok") {
		t.Fatal("a credential reached the lockfile")
	}
	golden(t, "requirements.golden", buf.Bytes())

	buf.Reset()
	if err := WriteRequirements(&buf, sampleLock(), RequirementsOptions{NoHashes: true}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "--hash") {
		t.Fatal("NoHashes still wrote hashes")
	}
}

func TestWritePylock(t *testing.T) {
	var buf bytes.Buffer
	if err := WritePylock(&buf, sampleLock()); err != nil {
		t.Fatal(err)
	}
	golden(t, "pylock.golden.toml", buf.Bytes())

	var doc struct {
		LockVersion string `toml:"lock-version"`
		CreatedBy   string `toml:"created-by"`
		Packages    []struct {
			Name, Version, Index string
			Archive              *struct{ URL string }
			Wheels               []struct {
				Name, URL  string
				Size       int64
				UploadTime any `toml:"upload-time"`
				Hashes     map[string]string
			}
			Sdist *struct {
				Name, URL string
				Size      int64
				Hashes    map[string]string
			}
		}
		Tool map[string]map[string]string
	}
	md, err := toml.Decode(buf.String(), &doc)
	if err != nil {
		t.Fatalf("pylock output is not valid TOML: %v", err)
	}
	if u := md.Undecoded(); len(u) > 0 {
		t.Fatalf("unexpected keys: %v", u)
	}
	if doc.LockVersion != "1.0" || len(doc.Packages) != 4 {
		t.Fatalf("lock-version %q, %d packages", doc.LockVersion, len(doc.Packages))
	}
	if doc.Packages[0].Name != "filelock" || doc.Packages[0].Sdist == nil || doc.Packages[0].Sdist.Hashes["sha256"] != strings.Repeat("d", 64) {
		t.Fatalf("filelock entry wrong: %+v", doc.Packages[0])
	}
	if doc.Tool["depsolve"]["driver"] != "550.54.15" {
		t.Fatalf("target not under [tool.depsolve]: %v", doc.Tool)
	}
}

func TestDeterministic(t *testing.T) {
	a := sampleLock()
	b := sampleLock()
	// Reverse the package, file and via order of b: the output must not change.
	for i, j := 0, len(b.Packages)-1; i < j; i, j = i+1, j-1 {
		b.Packages[i], b.Packages[j] = b.Packages[j], b.Packages[i]
	}
	for i := range b.Packages {
		f := b.Packages[i].Files
		for x, y := 0, len(f)-1; x < y; x, y = x+1, y-1 {
			f[x], f[y] = f[y], f[x]
		}
		v := b.Packages[i].Via
		for x, y := 0, len(v)-1; x < y; x, y = x+1, y-1 {
			v[x], v[y] = v[y], v[x]
		}
	}
	for _, write := range []func(*bytes.Buffer, *Lock) error{
		func(w *bytes.Buffer, l *Lock) error { return WriteRequirements(w, l, RequirementsOptions{}) },
		func(w *bytes.Buffer, l *Lock) error { return WritePylock(w, l) },
	} {
		var x, y bytes.Buffer
		if err := write(&x, a); err != nil {
			t.Fatal(err)
		}
		if err := write(&y, b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x.Bytes(), y.Bytes()) {
			t.Errorf("output depends on input order:\n%s\n---\n%s", x.String(), y.String())
		}
	}
}

func TestTOMLStringEscapes(t *testing.T) {
	in := "a\"b\\c\nd\te\x01"
	var v struct{ S string }
	if _, err := toml.Decode("S = "+tomlString(in), &v); err != nil {
		t.Fatal(err)
	}
	if v.S != in {
		t.Fatalf("round trip: %q != %q", v.S, in)
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lock.txt")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(path, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "new" {
		t.Fatalf("got %q", got)
	}
	// A failing write (the target is a directory) leaves no temporary file behind.
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(sub, []byte("x"), 0o644); err == nil {
		t.Fatal("renaming over a directory succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("leftover files: %v", names)
	}
	// A missing directory is an error that names the path asked for, not the
	// temporary file, and keeps its cause.
	missing := filepath.Join(dir, "missing", "x")
	err := WriteFileAtomic(missing, []byte("x"), 0o644)
	if err == nil || err.Error() != "cannot write "+missing+": no such file or directory" || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("write into a missing directory: %v", err)
	}
}

func TestWriteRequirementsNoIndex(t *testing.T) {
	l := sampleLock()
	l.NoIndex = true
	var b bytes.Buffer
	if err := WriteRequirements(&b, l, RequirementsOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, "\n--no-index\n--find-links ./wheels\n\n") || strings.Contains(out, "\n--index-url") || strings.Contains(out, "\n--extra-index-url") {
		t.Errorf("want --no-index and the find-links, no index URLs:\n%s", out)
	}
}

// TestWritersRefuseInjectedLines: a value with a newline (here a "hash" carrying a pip
// option and a pin) or other control characters is refused by both writers, and
// nothing is written: in a requirements file it would be read as lines of its own.
func TestWritersRefuseInjectedLines(t *testing.T) {
	good := strings.Repeat("a", 64)
	tests := []struct {
		name  string
		spoil func(l *Lock)
		want  string
	}{
		{"hash with a newline", func(l *Lock) {
			l.Packages[0].Files[0].SHA256 = good + "\n--extra-index-url https://evil.example/simple\nevilpkg==6.6.6"
		}, `sha256 "` + good + `\n--extra-index-`},
		{"short hash", func(l *Lock) { l.Packages[0].Files[0].SHA256 = "abcd" }, "is not 64 lower-case hexadecimal digits"},
		{"file name with a newline", func(l *Lock) { l.Packages[1].Files[0].Name = "x.tar.gz\nevilpkg==6.6.6" }, "has a control character"},
		{"URL with a space", func(l *Lock) { l.ExtraIndexURLs = []string{"https://x.example/simple --pre"} }, "has white space"},
		{"version with a carriage return", func(l *Lock) { l.Packages[0].Version = "2.5.1\r" }, "has a control character"},
		{"via with an escape", func(l *Lock) { l.Packages[0].Via = []string{"\x1b[2Jrequirements.in:3"} }, "has a control character"},
		{"target with a C1 control", func(l *Lock) { l.Target[0].Value = "3.11.9\u009b" }, "has a control character"},
		{"pin size with a newline", func(l *Lock) { l.Packages[0].Size = "1 B installed\nevilpkg==6.6.6" }, "has a control character"},
		{"total size with a newline", func(l *Lock) { l.Size = "size: 1 B installed\n--index-url https://evil.example/simple" }, "has a control character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := sampleLock()
			tt.spoil(l)
			for format, write := range map[string]func(*bytes.Buffer) error{
				"requirements": func(b *bytes.Buffer) error { return WriteRequirements(b, l, RequirementsOptions{}) },
				"pylock":       func(b *bytes.Buffer) error { return WritePylock(b, l) },
			} {
				var b bytes.Buffer
				err := write(&b)
				var refused *ValueError
				if !errors.As(err, &refused) || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("%s: err = %v, want a *ValueError with %q", format, err, tt.want)
				}
				if b.Len() != 0 {
					t.Errorf("%s: wrote %q", format, b.String())
				}
				if err != nil && strings.ContainsAny(err.Error(), "\n\r\x1b\u009b") {
					t.Errorf("%s: the error has raw control characters: %q", format, err.Error())
				}
			}
		})
	}
}

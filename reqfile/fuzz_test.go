package reqfile

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"
)

// fuzzFS surrounds the fuzzed file with files that its -r, -c, -e and paths may name.
func fuzzFS(name string, data []byte) memFS {
	fs := newFS(
		"other.txt", "numpy\n-r requirements.txt\n",
		"c.txt", "numpy<2\n",
		"pkg/setup.py", "",
		"dist/a-1.0-py3-none-any.whl", "",
	)
	fs.m[name] = &fstest.MapFile{Data: data}
	return fs
}

// checkResult holds for any input: an error is an *Error whose one-line form
// starts with its position, and whose context rendering works; positions are
// 1-based.
func checkResult(t *testing.T, f *File, err error) {
	t.Helper()
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("error %T is not an *Error: %v", err, err)
		}
		if e.Pos.File == "" || !strings.HasPrefix(e.Error(), e.Pos.String()+": ") {
			t.Fatalf("error without a position: %q", e.Error())
		}
		if e.Pos.Line < 0 || e.Pos.Line > 0 && e.Pos.Col < 1 {
			t.Fatalf("bad position %v", e.Pos)
		}
		if !utf8.ValidString(e.ErrorWithContext()) {
			t.Fatalf("context is not UTF-8: %q", e.ErrorWithContext())
		}
		return
	}
	for _, list := range [][]Requirement{f.Requirements, f.Constraints, f.Editables} {
		for _, r := range list {
			if r.Pos.Line < 1 || r.Pos.Col < 1 {
				t.Fatalf("requirement %q at %v", r.Line, r.Pos)
			}
			_ = r.Unlockable()
		}
	}
	for _, w := range f.Warnings {
		if w.Pos.Line < 1 || w.Pos.Col < 1 {
			t.Fatalf("warning at %v: %s", w.Pos, w.Msg)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := Options{
			FS:        fuzzFS("requirements.txt", data),
			LookupEnv: env("A", "x #y -r other.txt", "B", "${A}", "URL", "https://u:p@h/x.whl"),
		}
		file, err := Parse("requirements.txt", opts)
		checkResult(t, file, err)
	})
}

func FuzzParsePyproject(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := Options{
			FS:     fuzzFS("pyproject.toml", data),
			Extras: []string{"gpu"},
			Groups: []string{"dev"},
		}
		file, err := Parse("pyproject.toml", opts)
		if err == nil {
			checkStringPositions(t, file, data)
		}
		if err == nil && file.Tool != nil {
			for k := range file.Tool.Values {
				_ = file.Tool.Pos(k, 0, "x")
				_ = file.Tool.Error("m", "h", k).ErrorWithContext()
			}
		}
		checkResult(t, file, err)
	})
}

func FuzzParsePylock(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("pylock.toml", Options{FS: fuzzFS("pylock.toml", data)})
		if err == nil && file.Tool != nil {
			for k := range file.Tool.Values {
				_ = file.Tool.Error("m", "h", k).ErrorWithContext()
			}
		}
		checkResult(t, file, err)
	})
}

// checkStringPositions checks that each requirement read from a TOML string is
// positioned at the string's first character (or at the escape that wrote it).
func checkStringPositions(t *testing.T, f *File, data []byte) {
	t.Helper()
	lines := strings.Split(strings.TrimPrefix(string(data), "\ufeff"), "\n")
	for _, r := range f.Requirements {
		first, _ := utf8.DecodeRuneInString(r.Line)
		if r.Pos.Line > len(lines) {
			t.Fatalf("%q at %v: past the end", r.Line, r.Pos)
		}
		runes := []rune(lines[r.Pos.Line-1])
		if r.Pos.Col > len(runes) {
			t.Fatalf("%q at %v: past the end of the line", r.Line, r.Pos)
		}
		if at := runes[r.Pos.Col-1]; at != first && at != '\\' {
			t.Fatalf("%q at %v, where %q is written", r.Line, r.Pos, at)
		}
	}
}

package reqfile

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The expected words are what Python's shlex.split returns for the same input.
func TestShellSplit(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{`a 'b c' "d \" e" f\ g`, []string{"a", "b c", `d " e`, "f g"}},
		{`"x\y" 'x\y' x\y`, []string{`x\y`, `x\y`, "xy"}},
		{`'' "" a""b`, []string{"", "", "ab"}},
		{"--hash=sha256:'ab'\"cd\"\tnext\r\nlast", []string{"--hash=sha256:abcd", "next", "last"}},
		{`"a\\b"`, []string{`a\b`}},
	} {
		words, err := shellSplit(tt.in, 0)
		if err != nil {
			t.Errorf("%q: %s", tt.in, err.msg)
			continue
		}
		var got []string
		for _, w := range words {
			got = append(got, w.text)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct {
		in  string
		at  int
		msg string
	}{
		{`a\`, 11, "a backslash ends the options"},
		{`ok "a`, 13, "unterminated double quote in the options"},
		{`'a`, 10, "unterminated single quote in the options"},
		{`"a\`, 10, "unterminated double quote in the options"},
	} {
		_, err := shellSplit(tt.in, 10)
		if err == nil || err.at != tt.at || err.msg != tt.msg {
			t.Errorf("%q: got %+v, want %q at %d", tt.in, err, tt.msg, tt.at)
		}
	}
}

// Each byte of a word maps back to where it was written, quotes skipped.
func TestShellSplitPositions(t *testing.T) {
	in := `x --hash="sha256:ab" 'c'd`
	words, err := shellSplit(in, 100)
	if err != nil {
		t.Fatal(err.msg)
	}
	w := words[1]
	if w.text != "--hash=sha256:ab" || w.start != 102 {
		t.Fatalf("word %q at %d", w.text, w.start)
	}
	for i, want := range map[int]int{0: 102, 7: 110, 15: 118, 16: 120} {
		if got := w.m.at(i); got != want {
			t.Errorf("byte %d of %q: at %d, want %d", i, w.text, got, want)
		}
	}
	if got := words[2].m.at(1); got != 124 {
		t.Errorf("'c'd: d at %d, want 124", got)
	}
}

func TestParseOptions(t *testing.T) {
	words, _ := shellSplit("-ihttps://a --extra=https://b -- --pre", 0)
	opts, args, err := parseOptions(words)
	if err != nil {
		t.Fatal(err.msg)
	}
	if len(opts) != 2 || opts[0].name() != "--index-url" || opts[0].value != "https://a" || opts[0].valueAt != 2 ||
		opts[1].name() != "--extra-index-url" || opts[1].spelled != "--extra" || opts[1].value != "https://b" || opts[1].valueAt != 20 {
		t.Errorf("options %+v", opts)
	}
	if len(args) != 1 || args[0].text != "--pre" {
		t.Errorf("arguments after --: %+v", args)
	}
}

// pip checks the --hash of a constraint at install; depsolve does not check it: one
// warning per constraints file says so, rather than dropping the hashes without a word.
func TestConstraintHashesWarned(t *testing.T) {
	h := " --hash=sha256:" + strings.Repeat("0", 64)
	fs := newFS("requirements.txt", "-c constraints.txt\n-c plain.txt\nsix\nidna\n",
		"constraints.txt", "six==1.16.0"+h+"\nidna==3.6"+h+"\n",
		"plain.txt", "six==1.16.0\n")
	f, err := Parse("requirements.txt", Options{FS: fs, LookupEnv: env()})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range f.Warnings {
		got = append(got, w.String())
	}
	want := []string{"constraints.txt:1:1: the --hash options of constraints.txt are not checked: depsolve checks the hashes of a lock it verifies, not those of constraints (pip checks them at install)"}
	if !slices.Equal(got, want) {
		t.Errorf("warnings:\n%q\nwant\n%q", got, want)
	}
}

// A requirements file's line whose marker tests extra never applies (extra is empty
// there, and pip skips the line too): a warning says so, rather than the line being
// dropped without a word.
func TestExtraMarkerWarned(t *testing.T) {
	fs := newFS("requirements.txt", "six; extra == \"gpu\"\nidna; python_version >= \"3\"\n")
	f, err := Parse("requirements.txt", Options{FS: fs, LookupEnv: env()})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range f.Warnings {
		got = append(got, w.String())
	}
	want := []string{`requirements.txt:1:6: the marker tests extra == "gpu", but a requirements file's line has no extra (extra is ""), so the line never applies; pip skips it too: drop the condition, or the line`}
	if !slices.Equal(got, want) {
		t.Errorf("warnings:\n%q\nwant\n%q", got, want)
	}
}

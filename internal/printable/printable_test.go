package printable

import (
	"strings"
	"testing"
)

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"torch==2.5.1":                "torch==2.5.1",
		"naïve ünïcode → ok, 日本":      "naïve ünïcode → ok, 日本",
		"a\tb":                        "a\tb",
		"broken\n--extra-index-url x": `broken\n--extra-index-url x`,
		"\x1b[2J\x1b]0;title\a":       `\x1b[2J\x1b]0;title\a`,
		"csi\u009b31m":                `csi\u009b31m`,
		"del\x7f":                     `del\x7f`,
		"cr\roverwrite":               `cr\roverwrite`,
		"bidi\u202eevil":              `bidi\u202eevil`,
		"bad\xffutf8":                 `bad\xffutf8`,
		`back\slash`:                  `back\slash`,
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPad(t *testing.T) {
	for _, tt := range []struct {
		line string
		col  int
		want string
	}{
		{"torch>=", 8, "       "},
		{"\ttorch", 3, "\t "},
		{"torch\x1b[2J==1.0 ; evil", 18, strings.Repeat(" ", 20)}, // 17 characters, \x1b printed as 4
		{"日本 x", 4, "   "},
		{"short", 8, "       "}, // a column past the end
	} {
		if got := Pad(tt.line, tt.col); got != tt.want {
			t.Errorf("Pad(%q, %d) = %q, want %q", tt.line, tt.col, got, tt.want)
		}
	}
}

func TestEscapeLines(t *testing.T) {
	for in, want := range map[string]string{
		"plain\ntext\n":                         "plain\ntext\n",
		"ok\x1b.txt: does not exist\nhint: x\n": `ok\x1b.txt: does not exist` + "\n" + "hint: x\n",
		"a\rb\n\u202ec":                         `a\rb` + "\n" + `\u202ec`,
	} {
		if got := EscapeLines(in); got != want {
			t.Errorf("EscapeLines(%q) = %q, want %q", in, got, want)
		}
	}
}

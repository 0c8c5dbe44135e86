package input

import (
	"encoding/json"
	"testing"
)

func TestPositionString(t *testing.T) {
	for _, c := range []struct {
		pos  Position
		want string
	}{
		{Position{File: "requirements.txt", Line: 3, Col: 8}, "requirements.txt:3:8"},
		{Position{File: "requirements.txt", Line: 3}, "requirements.txt:3"},
		{Position{File: "requirements.txt", Line: 3, Col: 8}.LineOnly(), "requirements.txt:3"},
		{Position{File: "requirements.txt"}, "requirements.txt"},
		{Position{}, ""},
	} {
		if got := c.pos.String(); got != c.want {
			t.Errorf("%#v.String() = %q, want %q", c.pos, got, c.want)
		}
	}
	data, err := json.Marshal(struct{ Row Position }{Position{File: "data/torch.toml", Line: 444}})
	if err != nil || string(data) != `{"Row":"data/torch.toml:444"}` {
		t.Errorf("JSON %s, %v: want the place as text", data, err)
	}
}

// The excerpt numbers the line, escapes its control characters and keeps the caret
// under the column's character; without a column it shows the line alone.
func TestExcerpt(t *testing.T) {
	for _, c := range []struct {
		line, col int
		text      string
		want      string
	}{
		{3, 8, "torch>=", "    3 | torch>=\n      |        ^\n"},
		{12, 3, "\tx = 1", "   12 | \tx = 1\n      | \t ^\n"},
		{2, 12, "python = \"\x1b[2J\"", "    2 | python = \"\\x1b[2J\"\n      |               ^\n"},
		{7, 0, "[[torch]]", "    7 | [[torch]]\n"},
	} {
		if got := Excerpt(c.line, c.text, c.col); got != c.want {
			t.Errorf("Excerpt(%d, %q, %d) =\n%s\nwant\n%s", c.line, c.text, c.col, got, c.want)
		}
	}
}

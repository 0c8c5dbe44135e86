package reqfile

import (
	"fmt"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// The depsolve table's keys and values are found where they are written, in a whole
// depsolve.toml and under [tool.depsolve], whatever the TOML spelling.
func TestDepsolveTablePositions(t *testing.T) {
	body := `a = """
b = 2
""" # a multi-line string is not a key
"quoted.key" = 'x'
[t . 'u']   # spaced header
v = [ { w = 1 }, # comment
  'y' ]
dotted.key = true
`
	type spot struct{ key, value string }
	want := []struct {
		path []any
		at   spot
	}{
		{[]any{"a"}, spot{"2:1", "2:5"}},
		{[]any{"quoted.key"}, spot{"5:1", "5:16"}},
		{[]any{"t", "u"}, spot{"6:1", "6:1"}},
		{[]any{"t", "u", "v"}, spot{"7:1", "7:5"}},
		{[]any{"t", "u", "v", 0, "w"}, spot{"7:9", "7:13"}},
		{[]any{"t", "u", "v", 1}, spot{"-", "8:3"}},
		{[]any{"t", "u", "dotted", "key"}, spot{"9:1", "9:14"}},
		{[]any{"absent"}, spot{"-", "-"}},
	}
	for _, tt := range []struct {
		name, text string
		tool       bool
		line       int // of the first key: the lines before it
	}{
		{"depsolve.toml", "# comment with key = 1\n" + body, false, 0},
		{"pyproject.toml", "[project]\nname = \"x\"\n[tool.depsolve]\n" + strings.Replace(body, "[t . 'u']", "[tool.depsolve.t . 'u']", 1), true, 2},
	} {
		var doc map[string]any
		if _, err := toml.Decode(tt.text, &doc); err != nil {
			t.Fatal(err)
		}
		table, err := DepsolveTable(tt.name, tt.text, doc, tt.tool)
		if err != nil || table == nil {
			t.Fatalf("%s: %v, %v", tt.name, table, err)
		}
		show := func(p Position, ok bool) string {
			if !ok {
				return "-"
			}
			return fmt.Sprintf("%d:%d", p.Line-tt.line, p.Col)
		}
		for _, w := range want {
			got := spot{show(table.KeyPos(w.path...)), show(table.ValuePos(w.path...))}
			if got != w.at {
				t.Errorf("%s %v: key, value at %+v, want %+v", tt.name, w.path, got, w.at)
			}
		}
	}
}

// pyproject.toml and pylock.toml read [tool.depsolve] with DepsolveTable: the same
// table, at the same places, and the same error when it is not a table.
func TestDepsolveTableIsFileTool(t *testing.T) {
	pyproject := "[project]\nname = \"x\"\ndependencies = []\n\n[tool.depsolve]\ntarget = { python = \"3.11\" }\n"
	pylock := "lock-version = \"1.0\"\ncreated-by = \"depsolve\"\n\n\n[tool.depsolve]\npython = \"3.11\"\n"
	for _, tt := range []struct{ name, text string }{{"pyproject.toml", pyproject}, {"pylock.toml", pylock}} {
		f, err := parseFiles(t, Options{}, tt.name, tt.text)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, describe(err))
		}
		var doc map[string]any
		if _, err := toml.Decode(tt.text, &doc); err != nil {
			t.Fatal(err)
		}
		table, err := DepsolveTable(tt.name, tt.text, doc, true)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(f.Tool.Values) != fmt.Sprint(table.Values) || f.Tool.Pos() != table.Pos() || f.Tool.Pos("python") != table.Pos("python") || f.Tool.Pos("target") != table.Pos("target") {
			t.Errorf("%s: File.Tool %v at %v, DepsolveTable %v at %v", tt.name, f.Tool.Values, f.Tool.Pos(), table.Values, table.Pos())
		}

		bad := strings.Replace(tt.text, "[tool.depsolve]\n", "[tool]\ndepsolve = 1\n", 1)
		bad = bad[:strings.Index(bad, "depsolve = 1\n")+len("depsolve = 1\n")]
		_, err = parseFiles(t, Options{}, tt.name, bad)
		want := tt.name + ":6:12: [tool.depsolve] must be a table"
		if err == nil || err.Error() != want {
			t.Errorf("%s: Parse = %v, want %s", tt.name, err, want)
		}
		doc = nil
		if _, err := toml.Decode(bad, &doc); err != nil {
			t.Fatal(err)
		}
		if _, err = DepsolveTable(tt.name, bad, doc, true); err == nil || err.Error() != want {
			t.Errorf("%s: DepsolveTable = %v, want %s", tt.name, err, want)
		}
	}
}

package tomlpos

import (
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/google/go-cmp/cmp"
)

func TestScan(t *testing.T) {
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
	// Each entry as its path, kind, and the source from its key and from its value.
	type row struct {
		Path       string
		Kind       Kind
		Key, Value string
		Quote      string
	}
	at := func(off int) string {
		if off < 0 {
			return ""
		}
		return strings.SplitN(src[off:], "\n", 2)[0]
	}
	var got []row
	doc := Scan(src)
	for _, e := range doc.Entries {
		got = append(got, row{doc.Path(e.Node).Key(), e.Kind, at(e.Key), at(e.Value), e.Quote})
	}
	want := []row{
		{`"a".`, DottedPrefix, `a.b = "x"`, `a.b = "x"`, ""},
		{`"a"."b".`, KeyValue, `a.b = "x"`, `"x"`, `"`},
		{`"quoted key".`, DottedPrefix, `"quoted key".'lit' = 1`, `"quoted key".'lit' = 1`, ""},
		{`"quoted key"."lit".`, KeyValue, `"quoted key".'lit' = 1`, "1", ""},
		{`"c".`, KeyValue, `c = { d = [1, {e = """`, `{ d = [1, {e = """`, ""},
		{`"c"."d".`, KeyValue, `d = [1, {e = """`, `[1, {e = """`, ""},
		{`"c"."d".[0]`, Element, "", `1, {e = """`, ""},
		{`"c"."d".[1]`, Element, "", `{e = """`, ""},
		{`"c"."d".[1]"e".`, KeyValue, `e = """`, `"""`, `"""`},
		{`"c"."f".`, KeyValue, "f = 2.5 }", "2.5 }", ""},
		{`"t".[0]`, Header, "[[t]]", "[[t]]", ""},
		{`"t".[0]"v".`, KeyValue, "v = 'one'", "'one'", "'"},
		{`"t".[1]`, Header, "[[t]]", "[[t]]", ""},
		{`"t".[1]"v".`, KeyValue, "v = '''two'''", "'''two'''", "'''"},
		{`"t".[1]"sub".`, Header, "[t.sub]", "[t.sub]", ""},
		{`"t".[1]"sub"."w".`, KeyValue, `w = "esc\"aped"`, `"esc\"aped"`, `"`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestPathPlusDoesNotAlias(t *testing.T) {
	base := make(Path, 1, 4)
	base[0] = "a"
	x, y := base.Plus("x"), base.Plus("y")
	if x.Key() != `"a"."x".` || y.Key() != `"a"."y".` {
		t.Errorf("got %s and %s", x.Key(), y.Key())
	}
	if (Path{"a.b"}).Key() == (Path{"a", "b"}).Key() {
		t.Error("a quoted key with a dot is named as two keys")
	}
}

func TestDecodeString(t *testing.T) {
	for _, tt := range []struct {
		src   string
		value string
		at    []int // source offset of each decoded byte, then of the closing delimiter
		ok    bool
	}{
		{`"esc\"aped"`, `esc"aped`, []int{1, 2, 3, 4, 6, 7, 8, 9, 10}, true},
		{`'a\n'`, `a\n`, []int{1, 2, 3, 4}, true},
		{`"\u00e9\x41\e"`, "\u00e9A\x1b", []int{1, 1, 7, 11, 13}, true},
		{"\"\"\"\nab\\\n   c\"\"\"\"\"", `abc""`, []int{4, 5, 11, 12, 13, 14}, true},
		{"'''\r\nx'''", "x", []int{5, 6}, true},
		{`"open`, "open", []int{1, 2, 3, 4, 5}, false},
		{"\"line\nbreak\"", "line", []int{1, 2, 3, 4, 5}, false},
		{`"bad\q"`, "bad", []int{1, 2, 3, 4}, false},
		{`"short\u00"`, "short", []int{1, 2, 3, 4, 5, 6}, false},
		{`x`, "", []int{0}, false},
	} {
		value, offsets, ok := DecodeString(tt.src, 0)
		if value != tt.value || ok != tt.ok || !cmp.Equal(offsets, tt.at) {
			t.Errorf("DecodeString(%q) = %q, %v, %v; want %q, %v, %v", tt.src, value, offsets, ok, tt.value, tt.at, tt.ok)
		}
	}
	if _, offsets, ok := DecodeString(`"x"`, 3); ok || len(offsets) != 1 {
		t.Errorf("past the end: %v %v", offsets, ok)
	}
}

// FuzzScan checks that Scan never fails, that its offsets are in the document and
// ordered, and that on a document the decoder accepts every string value it finds
// decodes as the decoder reads it.
func FuzzScan(f *testing.F) {
	f.Add("a = 1\n")
	f.Add("a = " + strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth) + "\n")
	f.Add("a = " + strings.Repeat("{b=", MaxDepth+1) + "1" + strings.Repeat("}", MaxDepth+1) + "\n")
	f.Fuzz(func(t *testing.T, src string) {
		doc := Scan(src)
		for _, e := range doc.Entries {
			if n, ok := doc.Find(doc.Path(e.Node)); !ok || n != e.Node {
				t.Fatalf("%s: found as node %d (%v), scanned as %d", doc.Path(e.Node).Key(), n, ok, e.Node)
			}
			if e.Value < 0 || e.Value > len(src) || e.Key > e.Value || (e.Key < 0) != (e.Kind == Element) {
				t.Fatalf("%s: key %d, value %d in %d bytes", doc.Path(e.Node).Key(), e.Key, e.Value, len(src))
			}
			if e.Quote == "" {
				continue
			}
			if !strings.HasPrefix(src[e.Value:], e.Quote) {
				t.Fatalf("%s: quote %s at %q", doc.Path(e.Node).Key(), e.Quote, src[e.Value:])
			}
			value, offsets, _ := DecodeString(src, e.Value)
			if len(offsets) != len(value)+1 || offsets[len(offsets)-1] > len(src) {
				t.Fatalf("%s: %d offsets for %q", doc.Path(e.Node).Key(), len(offsets), value)
			}
			for i := 1; i < len(offsets); i++ {
				if offsets[i] < offsets[i-1] || offsets[i] <= e.Value {
					t.Fatalf("%s: offsets %v", doc.Path(e.Node).Key(), offsets)
				}
			}
		}
		tooDeep := CheckDepth(src)
		if tooDeep != nil && src[tooDeep.Offset] != '[' && src[tooDeep.Offset] != '{' {
			t.Fatalf("depth error at %q", src[tooDeep.Offset:])
		}
		var decodedDoc map[string]any
		if _, err := toml.Decode(src, &decodedDoc); err != nil {
			return
		}
		// Brackets that CheckDepth counts nest values (a header's nest none, and
		// count two at most), so a refused document decodes deeper than MaxDepth.
		if tooDeep != nil && depth(decodedDoc) <= MaxDepth {
			t.Fatalf("refused as %v, but decodes %d deep", tooDeep, depth(decodedDoc))
		}
		for _, e := range doc.Entries {
			decoded, found := lookup(decodedDoc, doc.Path(e.Node))
			if !found {
				t.Fatalf("%s is not in the decoded document", doc.Path(e.Node).Key())
			}
			if e.Quote == "" {
				continue
			}
			value, _, ok := DecodeString(src, e.Value)
			if !ok || value != decoded {
				t.Fatalf("%s: scanned %q (ok %v), decoded %#v", doc.Path(e.Node).Key(), value, ok, decoded)
			}
		}
	})
}

// depth is how deeply tables and arrays nest in a decoded value.
func depth(v any) int {
	deepest := 0
	switch v := v.(type) {
	case map[string]any:
		for _, e := range v {
			deepest = max(deepest, depth(e))
		}
	case []map[string]any:
		for _, e := range v {
			deepest = max(deepest, depth(e))
		}
	case []any:
		for _, e := range v {
			deepest = max(deepest, depth(e))
		}
	default:
		return 0
	}
	return deepest + 1
}

// lookup finds the value at p in a decoded document.
func lookup(v any, p Path) (any, bool) {
	for _, e := range p {
		switch e := e.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[e]; !ok {
				return nil, false
			}
		case int:
			switch a := v.(type) {
			case []any:
				if e >= len(a) {
					return nil, false
				}
				v = a[e]
			case []map[string]any:
				if e >= len(a) {
					return nil, false
				}
				v = a[e]
			default:
				return nil, false
			}
		}
	}
	return v, true
}

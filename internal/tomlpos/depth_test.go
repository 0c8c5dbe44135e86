package tomlpos

import (
	"runtime"
	"strings"
	"testing"
)

func TestCheckDepth(t *testing.T) {
	deep := strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)
	tooDeep := strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1)
	for _, tt := range []struct {
		name, src string
		line, col int // 0: no error
	}{
		{"at the bound", "a = " + deep + "\n", 0, 0},
		{"past the bound", "x = 1\n# [[[\né = " + tooDeep + "\n", 3, 5 + MaxDepth},
		{"inline tables count", "a = " + strings.Repeat("{b=", MaxDepth+1) + "1" + strings.Repeat("}", MaxDepth+1), 1, 5 + 3*MaxDepth},
		{"closed levels do not count", "a = " + strings.Repeat("[[]]", MaxDepth*2) + "\n[[t]]\n[u]\n", 0, 0},
		{"brackets in comments", "a = 1 # " + tooDeep + "\n", 0, 0},
		{"brackets in basic strings", `a = "` + tooDeep + `\"` + tooDeep + `"`, 0, 0},
		{"brackets in literal strings", `a = '\` + tooDeep + `'`, 0, 0},
		{"brackets in multi-line strings", "a = \"\"\"\n" + tooDeep + "\n\\\"\"\"\" \"\"\"\"\"\nb = '''\n" + tooDeep + "''''\n", 0, 0},
		{"brackets in quoted keys", `"` + tooDeep + `" = 1` + "\n['" + tooDeep + "']\n", 0, 0},
		{"a single-line string ends at its line", "a = \"open\n" + tooDeep, 2, 1 + MaxDepth},
		{"after a multi-line string's closing quotes", "a = \"\"\"x\"\"\"\"\" ; b = " + tooDeep, 1, 21 + MaxDepth},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckDepth(tt.src)
			if tt.line == 0 {
				if err != nil {
					t.Fatalf("got %v, want none", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("got no error, want one at %d:%d", tt.line, tt.col)
			}
			if err.Line != tt.line || err.Col != tt.col || tt.src[err.Offset] != '[' && tt.src[err.Offset] != '{' {
				t.Errorf("got %v at offset %d (%q), want %d:%d", err, err.Offset, tt.src[err.Offset], tt.line, tt.col)
			}
			if want := "nest deeper than 100"; !strings.Contains(err.Error(), want) {
				t.Errorf("got %q, want it to say %q", err, want)
			}
		})
	}
}

// allocated returns the bytes that f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestHostileDepth: a document nested 8,000 and 1,000,000 deep is refused by the
// pre-scan, which allocates nothing but the error (a few bytes), and Scan of it (not reached in
// depsolve, but it must not overflow the stack either) records no more than
// MaxDepth levels.
func TestHostileDepth(t *testing.T) {
	for _, depth := range []int{8_000, 1_000_000} {
		src := "a = " + strings.Repeat("[", depth) + strings.Repeat("]", depth) + "\n"
		var err *DepthError
		// The bound leaves room for what the runtime and other tests allocate meanwhile
		// (TotalAlloc is the process's); the quadratic scan allocated gigabytes.
		if n := allocated(func() { err = CheckDepth(src) }); n > 64<<10 {
			t.Errorf("depth %d: CheckDepth allocated %d bytes", depth, n)
		}
		if err == nil || err.Line != 1 || err.Col != 5+MaxDepth {
			t.Errorf("depth %d: got %v", depth, err)
		}
		var doc *Document
		if n := allocated(func() { doc = Scan(src) }); n > 1<<20 {
			t.Errorf("depth %d: Scan allocated %d bytes", depth, n)
		}
		if len(doc.Entries) != MaxDepth {
			t.Errorf("depth %d: Scan recorded %d entries, want %d", depth, len(doc.Entries), MaxDepth)
		}
	}
}

// TestScanSpaceIsLinear: Scan takes as much space for each element of an array
// nested MaxDepth deep as for one at top level; copying each element's path made it
// take MaxDepth times as much.
func TestScanSpaceIsLinear(t *testing.T) {
	const elements = 20_000
	perElement := func(depth int) float64 {
		src := "a = " + strings.Repeat("[", depth) + strings.Repeat("1,", elements) + strings.Repeat("]", depth) + "\n"
		return float64(allocated(func() { Scan(src) })) / elements
	}
	shallow, deep := perElement(1), perElement(MaxDepth)
	if deep > 2*shallow {
		t.Errorf("Scan allocates %.0f bytes an element %d deep, %.0f at top level", deep, MaxDepth, shallow)
	}
}

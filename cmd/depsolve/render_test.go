package main

import (
	"bytes"
	"testing"

	"github.com/depsolve/depsolve/index"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/resolver"
)

// TestYankReasonPrintedEscaped: a yank reason is the index's text; control characters
// in it (a newline that fakes a line of output, an escape that clears the screen) are
// printed as escapes, on the one line of the warning.
func TestYankReasonPrintedEscaped(t *testing.T) {
	var stderr bytes.Buffer
	u := &ui{out: &bytes.Buffer{}, err: &stderr}
	out := &outcome{
		resolution: &resolver.Resolution{Packages: []resolver.Pin{
			{Name: "demo", Version: pep440.MustParse("1.0")},
			{Name: "other", Version: pep440.MustParse("2.0")},
		}},
		files: map[string][]index.File{
			"demo":  {{Filename: "demo-1.0.tar.gz", Yanked: true, YankedReason: "broken\nok: all good\x1b[2J\u009b31m, naïve"}},
			"other": {{Filename: "other-2.0.tar.gz"}},
		},
	}
	warnYanked(u, out)
	want := `warning: demo 1.0 is yanked (reason: broken\nok: all good\x1b[2J\u009b31m, naïve); it is used because it is pinned exactly` + "\n"
	if got := stderr.String(); got != want {
		t.Errorf("stderr:\n got %q\nwant %q", got, want)
	}
}

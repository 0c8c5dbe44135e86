package index

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/resolver"
)

// FuzzParseNetrc: whatever a .netrc holds (it is the user's file, and $NETRC may name
// any file), parsing never panics, and what it keeps is whole tokens: machine names in
// lower case, no credential with white space in it unless quoted or escaped.
func FuzzParseNetrc(f *testing.F) {
	f.Add("machine Index.Example.com login alice password s3cret\ndefault login anonymous password x\n")
	f.Add("macdef init\ncd /pub\n\nmachine b login bob password\n")
	f.Add("# comment\r\nmachine a\r\n login l\r\n password p account acct\r\nmachine a login second password second\n")
	f.Add("login orphan password orphan\nmachine")
	f.Add("machine a login \"b c\" password d\\ e\n")
	f.Fuzz(func(t *testing.T, text string) {
		n := &netrc{machines: map[string]netrcEntry{}}
		parseNetrc(text, n)
		quotes := strings.ContainsAny(text, `"\`)
		whole := func(s string) bool { return quotes || !strings.ContainsAny(s, " \t\n\r") }
		for machine, e := range n.machines {
			if machine != strings.ToLower(machine) || !whole(machine) || !whole(e.login) || !whole(e.password) {
				t.Errorf("machine %q: %+v", machine, e)
			}
		}
		if e := n.fallback; e != nil && (!whole(e.login) || !whole(e.password)) {
			t.Errorf("default: %+v", *e)
		}
	})
}

// FuzzParseContentRange: a server's Content-Range is taken only when it names a range
// inside the file, and then it reads back as written.
func FuzzParseContentRange(f *testing.F) {
	for _, s := range []string{"bytes 0-1023/4096", "bytes 5-4/10", "bytes 0-9/10", "bytes */10", "bytes -1-2/3", "bytes 1-2/", "items 0-1/2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		start, last, total, ok := parseContentRange(s)
		if !ok {
			return
		}
		if start < 0 || start > last || last >= total {
			t.Fatalf("%q: kept %d-%d/%d", s, start, last, total)
		}
		again := fmt.Sprintf("bytes %d-%d/%d", start, last, total)
		if s2, l2, t2, ok2 := parseContentRange(again); !ok2 || s2 != start || l2 != last || t2 != total {
			t.Fatalf("%q read as %q, which reads as %d-%d/%d (%v)", s, again, s2, l2, t2, ok2)
		}
	})
}

// FuzzDecodeView: a cached view is checksummed, but a view of another build or a
// damaged file must still come back as a miss, never a panic: neither when it is
// decoded, nor when a release's files are decoded later.
func FuzzDecodeView(f *testing.F) {
	pages := []sourcePage{
		{src: &source{display: "https://pypi.org/simple/"}, fp: &fetchedPage{problems: []string{"a problem"}}},
		{src: &source{display: "https://extra.example/simple/"}, fp: &fetchedPage{}},
	}
	demo := &project{name: "demo", sources: []string{"https://pypi.org/simple/"}}
	for i, v := range []string{"2.0", "1.9rc1", "1.0.post1"} {
		version := pep440.MustParse(v)
		r := &release{release: resolver.Release{Version: version, Yanked: i == 2}}
		if i == 1 {
			spec, err := pep440.ParseSpecifierSet(">=3.9")
			if err != nil {
				f.Fatal(err)
			}
			r.requiresPython, r.release.RequiresPython = ">=3.9", spec
		}
		r.usable = []*candidate{{
			File: File{Filename: "demo-" + v + "-py3-none-any.whl", URL: "https://files.example/demo-" + v + "-py3-none-any.whl",
				SHA256: strings.Repeat("ab", 32), Size: 1234, UploadTime: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)},
			hasMetadata: true, metadataSHA256: strings.Repeat("cd", 32), rank: 7, sourceOrder: i % 2,
		}}
		demo.releases = append(demo.releases, r)
	}
	view := appendView(nil, demo, pages)
	if p, _, ok := decodeView(append([]byte(nil), view...), "demo", pages); !ok || len(p.releases) != 3 || p.releases[1].load() != nil || len(p.releases[1].usable) != 1 {
		f.Fatal("the seed view does not read back")
	}
	f.Add(view)
	f.Add(view[:len(view)/2])
	f.Add([]byte{viewVersion})
	f.Fuzz(func(t *testing.T, data []byte) {
		p, problems, ok := decodeView(append([]byte(nil), data...), "demo", pages)
		if !ok {
			return
		}
		if p.name != "demo" || len(problems) != len(pages) {
			t.Fatalf("decoded %q with %d pages' problems", p.name, len(problems))
		}
		for _, r := range p.releases {
			if r.load() != nil {
				continue
			}
			for _, c := range r.usable {
				if c.sourceOrder < 0 || c.sourceOrder >= len(pages) {
					t.Fatalf("file %q of source %d: the view lists %d", c.Filename, c.sourceOrder, len(pages))
				}
			}
		}
	})
}

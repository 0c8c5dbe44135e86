package lockfile

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/depsolve/depsolve/reqfile"
)

// TestWritePylockReadsBack: what WritePylock writes, the one PEP 751 reader (package
// reqfile, which check and lock's kept pins go through) reads back as the same pins,
// hashes and target.
func TestWritePylockReadsBack(t *testing.T) {
	l := sampleLock()
	var b bytes.Buffer
	if err := WritePylock(&b, l); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "pylock.toml")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := reqfile.Parse(path, reqfile.Options{})
	if err != nil {
		t.Fatal(err)
	}

	type pin struct {
		Name, Version, URL string
		Hashes             []string
	}
	var want, got []pin
	for _, p := range l.Packages {
		w := pin{Name: p.Name, Version: p.Version}
		if p.DirectURL != "" {
			// Written without its credentials, which an installer takes from ~/.netrc.
			w = pin{Name: p.Name, URL: "https://git.example/mypkg-1.0-py3-none-any.whl"}
		}
		for _, f := range p.Files {
			w.Hashes = append(w.Hashes, "sha256:"+f.SHA256)
		}
		want = append(want, w)
	}
	for _, r := range f.Requirements {
		g := pin{Name: r.Name, URL: r.URL, Hashes: r.Hashes}
		if v, ok := r.Pin(); ok {
			g.Version = v.String()
		}
		got = append(got, g)
	}
	sortPins := cmp.Transformer("byName", func(ps []pin) map[string]pin {
		m := map[string]pin{}
		for _, p := range ps {
			m[p.Name] = p
		}
		return m
	})
	// A package's files are in no particular order: the hashes are a set.
	if diff := cmp.Diff(want, got, sortPins, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("pins read back (-want +got):\n%s", diff)
	}

	wantTarget := map[string]any{}
	for _, fd := range l.Target {
		wantTarget[fd.Name] = fd.Value
	}
	if f.Tool == nil {
		t.Fatal("no [tool.depsolve] read back")
	}
	if diff := cmp.Diff(wantTarget, f.Tool.Values); diff != "" {
		t.Errorf("target read back (-want +got):\n%s", diff)
	}
}

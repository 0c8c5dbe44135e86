package engine

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/depsolve/depsolve/internal/fakeindex"
	"github.com/depsolve/depsolve/reqfile"
	"github.com/depsolve/depsolve/target"
)

// fileWeight is what a project's one file weighs, read from the file the index serves.
type fileWeight struct {
	download, installed int64
	wheel               bool
}

// weighedIndex serves a snapshot in which every project has one file, and returns the
// index URL and each file's weight, read from the files themselves (the test does not
// trust the code it tests to read them).
func weighedIndex(t *testing.T, snapshot string) (string, map[string]fileWeight) {
	t.Helper()
	var snap fakeindex.Snapshot
	if err := json.Unmarshal([]byte(snapshot), &snap); err != nil {
		t.Fatal(err)
	}
	ix, err := fakeindex.Build(&snap)
	if err != nil {
		t.Fatal(err)
	}
	weights := map[string]fileWeight{}
	for name, files := range ix.Files["pypi"] {
		if len(files) != 1 {
			t.Fatalf("%s has %d files; the test wants one", name, len(files))
		}
		f := files[0]
		w := fileWeight{download: int64(len(f.Data)), wheel: strings.HasSuffix(f.Filename, ".whl")}
		if w.wheel {
			zr, err := zip.NewReader(bytes.NewReader(f.Data), int64(len(f.Data)))
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range zr.File {
				w.installed += int64(e.UncompressedSize64)
			}
		}
		weights[name] = w
	}
	srv := fakeindex.Serve(ix, fakeindex.Options{})
	t.Cleanup(srv.Close)
	return srv.IndexURL("pypi"), weights
}

// lockIn locks requirements into dir/requirements.lock, with the cache in dir/cache.
func lockIn(t *testing.T, dir, indexURL, requirements string, sizes, offline bool) Locked {
	t.Helper()
	reqs := filepath.Join(dir, "requirements.txt")
	if err := os.WriteFile(reqs, []byte(requirements), 0o644); err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "none.toml")
	if err := os.WriteFile(config, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	req := Request{Requirements: []string{reqs}, IndexURL: indexURL, CacheDir: filepath.Join(dir, "cache"), Config: config,
		Target: target.Declaration{Python: flag("python", "3.11.9")}, Sizes: sizes, Offline: offline}
	l, err := Lock(context.Background(), LockRequest{Request: req, Output: filepath.Join(dir, "requirements.lock")})
	if err != nil {
		t.Fatal(err)
	}
	if l.Status != OK {
		t.Fatalf("lock: status %v", l.Status)
	}
	return l
}

const sizedLockStack = `{"packages": {
  "app": {"1.0": {"requires_dist": ["nvidia-cublas-cu12", "numpy", "srconly"]}},
  "nvidia-cublas-cu12": {"12.4.5.8": {"wheels": [{"filename": "nvidia_cublas_cu12-12.4.5.8-py3-none-manylinux2014_x86_64.whl", "payload": 300000}]}},
  "numpy": {"1.26.4": {"wheels": [{"filename": "numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.whl", "payload": 40000}]}},
  "srconly": {"2.0": {"wheels": [], "sdist": true}}
}}`

// A requirements lock says under each pin what its file weighs, and in its header the
// totals with the CUDA family; an sdist's installed size is unknown, and says why. Read
// back, the lock is the same pins and target, a re-lock changes nothing, and check
// verifies it.
func TestLockWritesSizes(t *testing.T) {
	url, weights := weighedIndex(t, sizedLockStack)
	dir := t.TempDir()
	l := lockIn(t, dir, url, "app\n", true, false)
	text := string(l.Content)

	var installed, download int64
	for name, w := range weights {
		installed += w.installed
		download += w.download
		want := fmt.Sprintf("%s installed, %s download", HumanBytes(w.installed), HumanBytes(w.download))
		if !w.wheel {
			want = fmt.Sprintf("%s download, installed unknown (a source distribution)", HumanBytes(w.download))
		}
		pin := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `==\S+ \\\n(    --hash=\S+\n)(    # via \S+\n)    # size: (.*)\n`)
		m := pin.FindStringSubmatch(text)
		if m == nil || m[3] != want {
			t.Errorf("%s: size line %q, want %q after its via line\n%s", name, m, want, text)
		}
	}
	family := weights["nvidia-cublas-cu12"].installed
	header := fmt.Sprintf("\n# The pins weigh:\n#    size: %s installed, %s to download (CUDA 12: %s in 1 package); installed size unknown for 1 package (depsolve size lists why)\n#\n",
		HumanBytes(installed), HumanBytes(download), HumanBytes(family))
	if !strings.Contains(text, header) {
		t.Errorf("the header has no totals %q:\n%s", header, text)
	}

	f, err := reqfile.Parse(l.Output, reqfile.Options{})
	if err != nil {
		t.Fatalf("reading the lock back: %v", err)
	}
	if len(f.TargetHeader) != 3 || f.TargetHeader[0].Name != "python" {
		t.Errorf("target read back: %+v", f.TargetHeader)
	}
	var pins []string
	for _, r := range f.Requirements {
		pins = append(pins, r.Line)
	}
	if len(pins) != len(weights) {
		t.Errorf("pins read back: %q", pins)
	}

	again := lockIn(t, dir, url, "app\n", true, false)
	if len(again.Changes) != 0 || !bytes.Equal(again.Content, l.Content) {
		t.Errorf("a re-lock changed the lock: %+v\n%s", again.Changes, again.Content)
	}
	v, err := Check(context.Background(), Request{Requirements: []string{l.Output}, IndexURL: url, CacheDir: filepath.Join(dir, "cache"), Config: filepath.Join(dir, "none.toml")})
	if err != nil || v.Status != OK {
		t.Errorf("check of the lock: %v, %v %+v", err, v.Status, v.Findings)
	}
}

// A size that is not known is not written: a lock made without sizes has none, and one
// made offline from a cache that holds the installed sizes of some wheels only has the
// sizes of those and of the sdist (its size is on the index page), and no totals, which
// would leave the others out.
func TestLockWritesNoUnknownSize(t *testing.T) {
	url, weights := weighedIndex(t, sizedLockStack)
	dir := t.TempDir()
	lockIn(t, dir, url, "numpy\n", true, false) // the cache learns numpy's sizes only
	if l := lockIn(t, dir, url, "app\n", false, false); strings.Contains(string(l.Content), "size") {
		t.Errorf("a lock made without sizes has one:\n%s", l.Content)
	}
	l := lockIn(t, dir, url, "app\n", true, true)
	text := string(l.Content)
	numpy, sdist := weights["numpy"], weights["srconly"]
	want := []string{
		fmt.Sprintf("    # via app\n    # size: %s installed, %s download\nnvidia-cublas-cu12==", HumanBytes(numpy.installed), HumanBytes(numpy.download)),
		fmt.Sprintf("    # via app\n    # size: %s download, installed unknown (a source distribution)\n", HumanBytes(sdist.download)),
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("offline, want %q:\n%s", w, text)
		}
	}
	if strings.Count(text, "size") != len(want) {
		t.Errorf("offline, want the sizes of numpy and srconly only:\n%s", text)
	}
}

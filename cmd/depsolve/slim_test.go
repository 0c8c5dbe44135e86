package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/depsolve/depsolve/internal/fakeindex"
	"github.com/depsolve/depsolve/internal/imagetest"
)

// What a slim build may not link: the network stack, the HTML parser and the image
// libraries, whose loading and initialisation were most of depsolve's start-up.
var leftOutOfSlim = []string{
	"net/http", "crypto/tls", "golang.org/x/net/html", "html/template",
	"github.com/google/go-containerregistry/", "github.com/klauspost/compress", "github.com/opencontainers/",
}

func goTool(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath(filepath.Join(runtime.GOROOT(), "bin", "go"))
	if err != nil {
		if goBin, err = exec.LookPath("go"); err != nil {
			t.Skip("no go command to build with")
		}
	}
	return goBin
}

func TestSlimBuildLinksNoNetworkHTMLOrImages(t *testing.T) {
	out, err := exec.Command(goTool(t), "list", "-tags", "slim", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		for _, banned := range leftOutOfSlim {
			if pkg == banned || strings.HasSuffix(banned, "/") && strings.HasPrefix(pkg, banned) || strings.HasPrefix(pkg, banned+"/") {
				t.Errorf("the slim build links %s", pkg)
			}
		}
	}
}

// slimPair builds a release's pair into a folder: depsolve (-tags slim) and
// depsolve-full (the default build).
func slimPair(t *testing.T) (dir, slimBin, fullBin string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds depsolve twice")
	}
	goBin := goTool(t)
	dir = t.TempDir()
	exe := ""
	if runtime.GOOS == "windows" {
		exe = ".exe"
	}
	slimBin, fullBin = filepath.Join(dir, "depsolve"+exe), filepath.Join(dir, "depsolve-full"+exe)
	for _, build := range [][]string{{"build", "-tags", "slim", "-o", slimBin, "."}, {"build", "-o", fullBin, "."}} {
		if out, err := exec.Command(goBin, build...).CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(build, " "), err, out)
		}
	}
	return dir, slimBin, fullBin
}

type binRun struct {
	code           int
	stdout, stderr string
}

func runBin(t *testing.T, bin string, env []string, args ...string) binRun {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exitErr *exec.ExitError
	code := 0
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	case err != nil:
		t.Fatalf("%s: %v", bin, err)
	}
	return binRun{code, stdout.String(), stderr.String()}
}

const slimSnapshot = `{"packages": {
  "torch": {
    "2.9.1+cu130": {"requires_python": ">=3.10", "requires_dist": ["filelock", "numpy"],
                    "wheels": [{"filename": "torch-2.9.1+cu130-cp311-cp311-manylinux_2_28_x86_64.whl"}]},
    "2.9.1+cu126": {"requires_python": ">=3.10", "requires_dist": ["filelock", "numpy"],
                    "wheels": [{"filename": "torch-2.9.1+cu126-cp311-cp311-manylinux_2_28_x86_64.whl"}]}
  },
  "numpy": {
    "2.1.3": {"requires_python": ">=3.10", "wheels": [{"filename": "numpy-2.1.3-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"}]}
  },
  "filelock": {"3.16.1": {}}
}}`

// The slim depsolve answers what it can alone and hands the rest to depsolve-full: a
// user sees the same bytes and exit codes as from depsolve-full alone, a warm check
// needs no depsolve-full at all, and a run that needs one without it says what to do.
func TestSlimHandsOverToFull(t *testing.T) {
	dir, slimBin, fullBin := slimPair(t)
	work := t.TempDir()
	srv := serveSnapshot(t, work, slimSnapshot, fakeindex.Options{MaxAge: time.Hour}) // a later run is warm
	files := map[string]string{"ok.txt": "torch==2.9.1+cu126\nnumpy\n", "conflict.txt": "torch==2.9.1+cu130\nnumpy\n"}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(work, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cacheOf := func(name string) []string {
		return []string{"DEPSOLVE_CACHE_DIR=" + filepath.Join(work, name), "NETRC=" + filepath.Join(work, "no-netrc"), "NO_COLOR="}
	}
	check := func(file string) []string {
		return []string{"check", filepath.Join(work, file), "--index-url", srv.IndexURL("pypi"),
			"--python", "3.11.9", "--driver", "550.54.15", "--gpu", "H100"}
	}
	hide := func() func() {
		hidden := filepath.Join(dir, "hidden")
		if err := os.Rename(fullBin, hidden); err != nil {
			t.Fatal(err)
		}
		return func() {
			if err := os.Rename(hidden, fullBin); err != nil {
				t.Fatal(err)
			}
		}
	}

	restore := hide()
	if got := runBin(t, slimBin, nil, "--version"); got.code != 0 || !strings.HasPrefix(got.stdout, "depsolve ") {
		t.Errorf("--version without depsolve-full: %+v", got)
	}
	got := runBin(t, slimBin, cacheOf("cold-alone"), check("ok.txt")...)
	if got.code != exitFailure || got.stdout != "" || !strings.Contains(got.stderr, "leaves to depsolve-full") ||
		!strings.Contains(got.stderr, "there is none at "+fullBin+"\n") || !strings.Contains(got.stderr, "hint: reinstall depsolve from a release") {
		t.Errorf("a cold check without depsolve-full: %+v; want exit 3 naming %s, and nothing held printed", got, fullBin)
	}
	// The module is not on the Go module proxy (README, Install): go install …@latest
	// fails, so the hint names the build from a clone.
	if strings.Contains(got.stderr, "@latest") || !strings.Contains(got.stderr, "(go install ./cmd/depsolve)") {
		t.Errorf("a cold check without depsolve-full: the hint %q names no install that works", got.stderr)
	}
	// --format json promises one object on stdout, a failure's included: the error
	// object the slim run held is printed, not dropped with the rest of its output.
	got = runBin(t, slimBin, cacheOf("cold-alone"), append(check("ok.txt"), "--format", "json")...)
	var jsonReport struct{ Status string }
	if err := json.Unmarshal([]byte(got.stdout), &jsonReport); err != nil || jsonReport.Status != "error" || got.code != exitFailure ||
		!strings.Contains(got.stderr, "there is none at "+fullBin+"\n") {
		t.Errorf("a cold check --format json without depsolve-full: %+v (%v); want exit 3 and the error object on stdout", got, err)
	}
	restore()

	for _, file := range slices.Sorted(maps.Keys(files)) {
		t.Run(file, func(t *testing.T) {
			want := runBin(t, fullBin, cacheOf("full-"+file), check(file)...)
			if want.code != exitOK && want.code != exitConflict {
				t.Fatalf("depsolve-full: %+v", want)
			}
			cold := runBin(t, slimBin, cacheOf("slim-"+file), check(file)...)
			if cold.code != want.code || cold.stdout != want.stdout || cold.stderr != want.stderr {
				t.Errorf("a cold check through the slim depsolve:\n%+v\nwant depsolve-full's\n%+v", cold, want)
			}
			fullWarm := runBin(t, fullBin, cacheOf("slim-"+file), check(file)...)
			defer hide()()
			warm := runBin(t, slimBin, cacheOf("slim-"+file), check(file)...)
			if warm != fullWarm {
				t.Errorf("a warm check by the slim depsolve alone:\n%+v\nwant depsolve-full's\n%+v", warm, fullWarm)
			}
		})
	}

	// Installers link depsolve from a folder of its own (pipx: ~/.local/bin into a venv):
	// depsolve-full is found beside the file the link points to.
	link := filepath.Join(t.TempDir(), "depsolve")
	if err := os.Symlink(slimBin, link); err == nil {
		if got := runBin(t, link, cacheOf("through-link"), check("ok.txt")...); got.code != exitOK {
			t.Errorf("a cold check through a link to the slim depsolve: %+v", got)
		}
	}

	// A pipe gives its content to its first reader only: a check of /dev/stdin (or of
	// <(…)) goes over before the slim depsolve reads it, or depsolve-full reads it empty
	// and finds "ok: 0 packages consistent".
	if runtime.GOOS != "windows" {
		stdinCheck := func(bin, cacheName, file string) binRun {
			cmd := exec.Command(bin, append([]string{"check", file}, check("conflict.txt")[2:]...)...)
			cmd.Env = append(os.Environ(), cacheOf(cacheName)...)
			cmd.Stdin = strings.NewReader(files["conflict.txt"])
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var exitErr *exec.ExitError
			if err != nil && !errors.As(err, &exitErr) {
				t.Fatal(err)
			}
			return binRun{cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()}
		}
		// A requirements file's -r /dev/stdin is the same pipe, found only once reading.
		nested := filepath.Join(work, "nested.txt")
		if err := os.WriteFile(nested, []byte("-r /dev/stdin\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, file := range []string{"/dev/stdin", nested} {
			want := stdinCheck(fullBin, "stdin-full", file)
			if want.code != exitConflict {
				t.Fatalf("a check of %s (/dev/stdin) by depsolve-full: %+v", file, want)
			}
			if got := stdinCheck(slimBin, "stdin-slim-"+filepath.Base(file), file); got != want {
				t.Errorf("a cold check of %s (/dev/stdin) through the slim depsolve:\n%+v\nwant depsolve-full's\n%+v", file, got, want)
			}
		}
	}

	// tree looks up no sizes, which check prints: a check on what tree cached needs the
	// index for them, never a size shown unknown.
	if got := runBin(t, fullBin, cacheOf("tree"), append([]string{"tree"}, check("ok.txt")[1:]...)...); got.code != exitOK {
		t.Fatalf("tree: %+v", got)
	}
	restore = hide()
	if got := runBin(t, slimBin, cacheOf("tree"), check("ok.txt")...); got.code != exitFailure || !strings.Contains(got.stderr, "there is none at") {
		t.Errorf("a check whose sizes are not cached, without depsolve-full: %+v; want exit 3", got)
	}
	restore()

	// --refresh revalidates every page: the run goes over before it reads anything (its
	// cache folder is not even made), where trying it first would only cost time.
	restore = hide()
	refresh := append(check("ok.txt"), "--refresh")
	if got := runBin(t, slimBin, cacheOf("refresh"), refresh...); got.code != exitFailure || !strings.Contains(got.stderr, "there is none at") {
		t.Errorf("--refresh without depsolve-full: %+v; want it handed over, and exit 3", got)
	}
	if _, err := os.Stat(filepath.Join(work, "refresh")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the slim depsolve ran a --refresh check before handing it over: its cache folder exists (%v)", err)
	}
	restore()

	// The HTML size report is depsolve-full's to write.
	report := filepath.Join(work, "size.html")
	size := append([]string{"size", "--html", report}, check("ok.txt")[1:]...)
	restore = hide()
	if got := runBin(t, slimBin, cacheOf("slim-ok.txt"), size...); got.code != exitFailure || !strings.Contains(got.stderr, "there is none at") || got.stdout != "" {
		t.Errorf("size --html without depsolve-full: %+v; want it handed over, exit 3, nothing held printed", got)
	}
	restore()
	if got := runBin(t, slimBin, cacheOf("slim-ok.txt"), size...); got.code != exitOK {
		t.Errorf("size --html through the slim depsolve: %+v", got)
	}
	if data, err := os.ReadFile(report); err != nil || !strings.Contains(string(data), "<svg") {
		t.Errorf("the report depsolve-full wrote: %v\n%.200s", err, data)
	}

	lockFile := filepath.Join(work, "requirements.lock")
	lock := append([]string{"lock", "-o", lockFile}, check("ok.txt")[1:]...)
	restore = hide()
	// A command left to depsolve-full whole needs nothing of the network: the message
	// says why it went over, not that the network is needed.
	if got := runBin(t, slimBin, cacheOf("slim-ok.txt"), lock...); got.code != exitFailure || !strings.Contains(got.stderr, "there is none at") ||
		!strings.HasPrefix(got.stderr, "depsolve: depsolve lock changes files, which this depsolve leaves to depsolve-full") {
		t.Errorf("lock without depsolve-full, warm cache: %+v; want it handed over at once, and exit 3 saying why", got)
	}
	if _, err := os.Stat(lockFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the slim depsolve wrote the lock itself: %v", err)
	}
	restore()
	if got := runBin(t, slimBin, cacheOf("slim-ok.txt"), lock...); got.code != exitOK || !strings.Contains(got.stderr, "locked 3 packages") {
		t.Errorf("lock through the slim depsolve: %+v", got)
	}
	if data, err := os.ReadFile(lockFile); err != nil || !strings.Contains(string(data), "torch==2.9.1+cu126") {
		t.Errorf("the lock depsolve-full wrote: %v\n%s", err, data)
	}

	// constraints reads a base image on disk, which is depsolve-full's to read.
	img, err := imagetest.Image([]string{"CUDA_VERSION=12.8.0"}, imagetest.Lib("libcudart.so.12.8.57"))
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join(work, "golden")
	if err := imagetest.WriteLayout(golden, "", img); err != nil {
		t.Fatal(err)
	}
	constraints := []string{"constraints", lockFile, "--base-image", "oci:" + golden}
	want := runBin(t, fullBin, cacheOf("constraints"), constraints...)
	if want.code != exitOK || !strings.Contains(want.stdout, "the base image's CUDA 12.8.0 >=") {
		t.Fatalf("constraints on an image on disk, depsolve-full: %+v", want)
	}
	if got := runBin(t, slimBin, cacheOf("constraints"), constraints...); got != want {
		t.Errorf("constraints on an image on disk through the slim depsolve:\n%+v\nwant depsolve-full's\n%+v", got, want)
	}
}

// serveSnapshot serves the snapshot JSON (written to dir/snapshot.json, as pyindex reads
// one) as an in-process index for the test's duration.
func serveSnapshot(t *testing.T, dir, snapshotJSON string, opts fakeindex.Options) *fakeindex.Server {
	t.Helper()
	path := filepath.Join(dir, "snapshot.json")
	if err := os.WriteFile(path, []byte(snapshotJSON), 0o644); err != nil {
		t.Fatal(err)
	}
	snap, err := fakeindex.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	built, err := fakeindex.Build(snap)
	if err != nil {
		t.Fatal(err)
	}
	srv := fakeindex.Serve(built, opts)
	t.Cleanup(srv.Close)
	return srv
}

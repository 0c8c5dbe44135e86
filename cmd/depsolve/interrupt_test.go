//go:build unix

package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// SIGINT while a download hangs: depsolve stops, removes the partial download and exits
// 130, as a shell reports a program SIGINT ended. Downloads live in the cache's tmp
// folder, where a killed run's leftovers are swept by the next run. The child is the real binary (the
// test binary as "depsolve", see TestMain) against a server that sends the start of an
// sdist and then holds the connection open.
func TestInterruptExits130AndLeavesNoDownload(t *testing.T) {
	bin, err := exec.LookPath("depsolve")
	if err != nil {
		t.Fatal(err)
	}
	holding := make(chan struct{})
	release := make(chan struct{})
	defer close(release)
	mux := http.NewServeMux()
	mux.HandleFunc("/simple/slow/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<a href="/files/slow-1.0.tar.gz">slow-1.0.tar.gz</a>`)
	})
	mux.HandleFunc("/files/slow-1.0.tar.gz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000000")
		w.Write(bytes.Repeat([]byte{0x1f}, 4096))
		w.(http.Flusher).Flush()
		select {
		case holding <- struct{}{}:
		default:
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	work, tmp, cacheDir := t.TempDir(), t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(work, "requirements.txt"), []byte("slow\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// What a run killed with SIGKILL left: the next run sweeps it.
	downloads := filepath.Join(cacheDir, "tmp")
	stale := filepath.Join(downloads, "depsolve-dist-killed")
	if err := os.MkdirAll(downloads, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale, []byte("partial"), 0o600); err != nil {
		t.Fatal(err)
	}
	if old := time.Now().Add(-2 * time.Hour); os.Chtimes(stale, old, old) != nil {
		t.Fatal("cannot age the stale download")
	}
	cmd := exec.Command(bin, "check", "--index-url", srv.URL+"/simple/", "--python", "3.11.9", "--cpu")
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "DEPSOLVE_CACHE_DIR="+cacheDir, "XDG_CACHE_HOME="+filepath.Join(tmp, "xdg"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case <-holding:
	case err := <-exited:
		t.Fatalf("depsolve ended before the download hung: %v\n%s", err, stderr.String())
	case <-time.After(time.Minute): // a guard against a test that hangs, not a timing assertion
		cmd.Process.Kill()
		t.Fatalf("the download never started\n%s", stderr.String())
	}
	if names := dirNames(t, downloads); len(names) != 1 || !strings.HasPrefix(names[0], "depsolve-dist-") || names[0] == filepath.Base(stale) {
		t.Errorf("while the download hangs, %s holds %v, want this run's depsolve-dist-* file only", downloads, names)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err = <-exited
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 130 {
		t.Errorf("exit: %v, want status 130\n%s", err, stderr.String())
	}
	if got := stderr.String(); !strings.HasSuffix(got, "depsolve: interrupted\n") {
		t.Errorf("stderr ends %q, want depsolve: interrupted", got)
	}
	if names := dirNames(t, downloads); len(names) != 0 {
		t.Errorf("%s holds %v after the interrupt", downloads, names)
	}
	if names := dirNames(t, tmp); len(names) != 0 {
		t.Errorf("TMPDIR holds %v after the interrupt", names)
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

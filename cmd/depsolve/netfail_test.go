package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/depsolve/depsolve/engine"
)

// runIn runs depsolve with a requirements file of numpy in a fresh folder, its own
// cache and no .netrc, and returns the exit code and stderr.
func runIn(t *testing.T, args ...string) (int, string) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("DEPSOLVE_CACHE_DIR", filepath.Join(dir, "cache"))
	t.Setenv("NETRC", filepath.Join(dir, "no-netrc"))
	reqs := filepath.Join(dir, "requirements.txt")
	if err := os.WriteFile(reqs, []byte("numpy\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr strings.Builder
	code := run(append(args, reqs), &stdout, &stderr)
	return code, stderr.String()
}

// tricklingIndex is a hostile index: it sends its pages one byte every few
// milliseconds, never stalling. After a few seconds of padding it ends the page, so a
// client without a deadline gets an answer in the end (and the test fails, not hangs).
func tricklingIndex(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		for range 500 {
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-req.Context().Done():
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
		w.Write([]byte("<!DOCTYPE html><html><body></body></html>"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// A request that trickles past the timeout is an index failure (exit 3) whose hint
// names --timeout, whether the timeout comes from the flag, the environment or the
// config file.
func TestTimeoutTricklingIndex(t *testing.T) {
	srv := tricklingIndex(t)
	config := func(timeout string) string {
		path := filepath.Join(t.TempDir(), "depsolve.toml")
		if err := os.WriteFile(path, []byte("timeout = \""+timeout+"\"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	for _, tt := range []struct {
		name string
		env  string
		args []string
	}{
		{"flag", "", []string{"--timeout", "0.1"}},
		{"flag beats the environment", "1h", []string{"--timeout", "100ms"}},
		{"environment", "0.1", nil},
		{"environment beats the config", "100ms", []string{"--config", config("1h")}},
		{"config", "", []string{"--config", config("100ms")}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(engine.TimeoutEnv, tt.env)
			args := append([]string{"check", "--index-url", srv.URL + "/simple/"}, tt.args...)
			code, stderr := runIn(t, args...)
			if code != exitFailure || !strings.Contains(stderr, "timed out: no complete answer within 100ms") ||
				!strings.Contains(stderr, "hint: 127.0.0.1") || !strings.Contains(stderr, "raise the limit with --timeout") {
				t.Errorf("exit %d, stderr:\n%s", code, stderr)
			}
		})
	}
}

// An index that redirects to plain http on a host nobody trusted has failed; the URL the
// user gave was fine: exit 3, not 2, with a hint naming --trusted-host.
func TestRedirectToPlainHTTPIsIndexFailure(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		http.Redirect(w, req, "http://mirror.example"+req.URL.Path, http.StatusFound)
	}))
	t.Cleanup(srv.Close)
	code, stderr := runIn(t, "check", "--index-url", srv.URL+"/simple/")
	if code != exitFailure || !strings.Contains(stderr, ": refusing a redirect to plain HTTP on an untrusted host (http://mirror.example/simple/numpy/)\n") ||
		!strings.Contains(stderr, "hint: the index sends requests on to mirror.example over plain http: use an https URL, or, if that host is yours, trust it with --trusted-host mirror.example\n") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}

package main

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A registry that fails every request it gets with the docker login's credentials (500,
// its body echoing a URL with a password and the request's Authorization header) is an operational failure: exit 3, in text and in
// JSON, with neither the docker login's password nor the one the registry echoes shown.
// A reference written with credentials in it is bad input (exit 2) that does not echo
// them either.
func TestReadImageFailingRegistry(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
		http.Error(w, "upstream https://admin:hunter2@mirror.internal/v2/ failed for "+r.Header.Get("Authorization"), http.StatusInternalServerError)
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	docker := t.TempDir()
	auth := base64.StdEncoding.EncodeToString([]byte("alice:s3cret"))
	if err := os.WriteFile(filepath.Join(docker, "config.json"), []byte(`{"auths":{"`+host+`":{"auth":"`+auth+`"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", docker)
	old := retryBackoff
	retryBackoff = time.Millisecond
	defer func() { retryBackoff = old }()

	secrets := []string{"s3cret", "hunter2", auth}
	for _, tt := range []struct {
		name string
		ref  string
		want int
	}{
		{"text", host + "/golden/torch:1", 3},
		{"json", host + "/golden/torch:1", 3},
		{"credentials in the reference", "alice:s3cret@" + host + "/golden/torch:1", 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"check", "--read-image", "--base-image", tt.ref, "--index-url", srv.URL + "/simple/"}
			if tt.name == "json" {
				args = append(args, "--format", "json")
			}
			dir := t.TempDir()
			t.Setenv("DEPSOLVE_CACHE_DIR", filepath.Join(dir, "cache"))
			reqs := filepath.Join(dir, "requirements.txt")
			if err := os.WriteFile(reqs, []byte("numpy\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr strings.Builder
			code := run(append(args, reqs), &stdout, &stderr)
			if code != tt.want {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.want, stdout.String(), stderr.String())
			}
			for _, s := range secrets {
				if strings.Contains(stdout.String()+stderr.String(), s) {
					t.Errorf("the output shows %q:\nstdout:\n%s\nstderr:\n%s", s, stdout.String(), stderr.String())
				}
			}
			if tt.want == 3 && !strings.Contains(stdout.String()+stderr.String(), host) {
				t.Errorf("the output does not name the registry %s:\nstdout:\n%s\nstderr:\n%s", host, stdout.String(), stderr.String())
			}
		})
	}
}

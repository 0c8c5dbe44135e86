//go:build !slim

package policy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/depsolve/depsolve/target"
)

const remotePolicy = "[[deny]]\npackage = \"torch\"\nversions = \"<2.6\"\nreason = \"CVE-2025-32434\"\n"

func pinOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// policyServer serves *body at /policy.toml over https and counts the requests.
func policyServer(t *testing.T, body *string) (*httptest.Server, *atomic.Int64) {
	var requests atomic.Int64
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Write([]byte(*body))
	}))
	t.Cleanup(srv.Close)
	return srv, &requests
}

// A URL policy is fetched once, kept by its sha256, and read from the cache after,
// offline too; offline without a cached copy is an operational error that says what
// to do.
func TestLoadURLCachesAndWorksOffline(t *testing.T) {
	body := remotePolicy
	srv, requests := policyServer(t, &body)
	ref := Ref{URL: srv.URL + "/policy.toml", SHA256: pinOf(remotePolicy), Where: Where{Pos: target.Position{File: "depsolve.toml", Line: 1, Col: 10}}}
	cache := t.TempDir()

	_, err := Load(context.Background(), ref, LoadOptions{CacheDir: t.TempDir(), Offline: true, Fetch: httpsFetcher(srv.Client())})
	var fe *FetchError
	if !errors.As(err, &fe) || !errors.Is(err, ErrOffline) || !strings.Contains(err.Error(), "run once online") {
		t.Fatalf("offline without a cached copy: %v", err)
	}

	opts := LoadOptions{CacheDir: cache, Fetch: httpsFetcher(srv.Client())}
	p, err := Load(context.Background(), ref, opts)
	if err != nil || len(p.Deny) != 1 || p.File != srv.URL+"/policy.toml" {
		t.Fatalf("online: %v %+v", err, p)
	}
	opts.Offline = true
	if _, err := Load(context.Background(), ref, opts); err != nil {
		t.Fatalf("offline with a cached copy: %v", err)
	}
	if n := requests.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// A policy that changed since it was pinned is refused, at the pin, naming both
// digests: never a silent update. A cached copy of the pinned content still serves.
func TestLoadURLChangedFileIsAnError(t *testing.T) {
	body := remotePolicy + "\n[[deny]]\npackage = \"numpy\"\nversions = \"<2\"\nreason = \"new\"\n"
	srv, _ := policyServer(t, &body)
	ref := Ref{URL: srv.URL + "/policy.toml", SHA256: pinOf(remotePolicy), Where: Where{Pos: target.Position{File: "depsolve.toml", Line: 1, Col: 10}}}
	_, err := Load(context.Background(), ref, LoadOptions{CacheDir: t.TempDir(), Fetch: httpsFetcher(srv.Client())})
	var ie *target.InputError
	if !errors.As(err, &ie) || ie.Pos.String() != "depsolve.toml:1:10" ||
		!strings.Contains(ie.Msg, "has sha256 "+pinOf(body)+", not the pinned "+pinOf(remotePolicy)) || !strings.Contains(ie.Msg, "pin the new sha256") {
		t.Fatalf("got %v", err)
	}
}

// A hostile server cannot make depsolve read more than a policy's bound, and a failing
// one is an operational error with the URL, credentials masked.
func TestLoadURLHostileServer(t *testing.T) {
	body := strings.Repeat("#", maxPolicySize+10)
	srv, _ := policyServer(t, &body)
	u := strings.Replace(srv.URL, "https://", "https://user:secret@", 1) + "/policy.toml"
	_, err := Load(context.Background(), Ref{URL: u, SHA256: pinOf(body)}, LoadOptions{Fetch: httpsFetcher(srv.Client())})
	var fe *FetchError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "larger than") || strings.Contains(err.Error(), "secret") {
		t.Errorf("got %v", err)
	}

	down := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusNotFound) }))
	defer down.Close()
	_, err = Load(context.Background(), Ref{URL: down.URL + "/p.toml", SHA256: pinOf("")}, LoadOptions{Fetch: httpsFetcher(down.Client())})
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "404") {
		t.Errorf("got %v", err)
	}
}

func TestRefErrors(t *testing.T) {
	for _, tc := range []struct{ value, msg string }{
		{"https://example.com/policy.toml", "a policy URL must be pinned: append #sha256=HEX"},
		{"http://example.com/policy.toml#sha256=" + pinOf(""), "want https://host/path"},
		{"https://example.com/policy.toml#sha256=abc", `policy sha256 "abc": want the 64 hex digits`},
	} {
		_, err := ParseFlag("--policy", tc.value)
		var ie *target.InputError
		if !errors.As(err, &ie) || ie.Flag != "--policy" || !strings.Contains(ie.Msg, tc.msg) {
			t.Errorf("%s: got %v, want %q", tc.value, err, tc.msg)
		}
	}
	ref, err := ParseFlag("--policy", "org/policy.toml")
	if err != nil || ref.Path != "org/policy.toml" {
		t.Errorf("a path: %+v %v", ref, err)
	}
	_, err = Load(context.Background(), ref, LoadOptions{})
	var ie *target.InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "--policy: policy org/policy.toml: no such file") {
		t.Errorf("missing file: %v", err)
	}
}

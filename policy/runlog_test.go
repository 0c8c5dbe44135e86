//go:build !slim

package policy

import (
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/depsolve/depsolve/internal/runlog"
)

// TestLoadTellsTheRunLog: a policy file is recorded with its content; a pinned URL
// policy by its cached copy, or its absence and the fetch that made the run
// unrepeatable.
func TestLoadTellsTheRunLog(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "policy.toml")
	if err := os.WriteFile(file, []byte(remotePolicy), 0o644); err != nil {
		t.Fatal(err)
	}
	digest := sha256.Sum256([]byte(remotePolicy))
	t.Run("file", func(t *testing.T) {
		l := runlog.Start()
		defer l.Stop()
		if _, err := Load(context.Background(), Ref{Path: file}, LoadOptions{}); err != nil {
			t.Fatal(err)
		}
		want := []runlog.Observation{{Path: file, Kind: runlog.File, Digest: digest}}
		if got := l.Observations(); !slices.Equal(got, want) || l.Unrepeatable() != nil {
			t.Errorf("observed %+v, unrepeatable for %q; want %+v", got, l.Unrepeatable(), want)
		}
	})

	ref := Ref{URL: "https://example.org/policy.toml", SHA256: pinOf(remotePolicy)}
	opts := LoadOptions{CacheDir: filepath.Join(dir, "cache"), Fetch: func(context.Context, string) ([]byte, error) {
		return []byte(remotePolicy), nil
	}}
	cached := filepath.Join(opts.CacheDir, "policy", ref.SHA256+".toml")
	t.Run("fetched", func(t *testing.T) {
		l := runlog.Start()
		defer l.Stop()
		if _, err := Load(context.Background(), ref, opts); err != nil {
			t.Fatal(err)
		}
		want := []runlog.Observation{{Path: cached, Kind: runlog.Missing}}
		if got := l.Observations(); !slices.Equal(got, want) {
			t.Errorf("observed %+v, want %+v", got, want)
		}
		if got, want := l.Unrepeatable(), []string{"fetching the policy https://example.org/policy.toml"}; !slices.Equal(got, want) {
			t.Errorf("unrepeatable for %q, want %q", got, want)
		}
	})
	t.Run("cached", func(t *testing.T) {
		l := runlog.Start()
		defer l.Stop()
		if _, err := Load(context.Background(), ref, opts); err != nil {
			t.Fatal(err)
		}
		want := []runlog.Observation{{Path: cached, Kind: runlog.File, Digest: digest}}
		if got := l.Observations(); !slices.Equal(got, want) || l.Unrepeatable() != nil {
			t.Errorf("observed %+v, unrepeatable for %q; want %+v", got, l.Unrepeatable(), want)
		}
	})
}

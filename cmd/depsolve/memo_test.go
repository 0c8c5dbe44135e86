package main

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/depsolve/depsolve/cache"
	"github.com/depsolve/depsolve/internal/fakeindex"
	"github.com/depsolve/depsolve/internal/memo"
)

// A check's result drawn from the cache holds only while a later run's daily prune
// cannot have deleted what it read: past that, a fresh --offline run may fail where the
// kept result would say "ok".
func TestMemoRecordEndsBeforeThePrune(t *testing.T) {
	work := t.TempDir()
	srv := serveSnapshot(t, work, `{"packages": {"six": {"1.17.0": {}}}}`, fakeindex.Options{})
	if err := os.WriteFile(filepath.Join(work, "requirements.txt"), []byte("six\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cacheDir := filepath.Join(work, "cache")
	t.Chdir(work)
	t.Setenv(memo.Env, "")
	t.Setenv(cache.DirEnv, cacheDir)
	t.Setenv("NETRC", filepath.Join(work, "no-netrc"))
	online := []string{"check", "--index-url", srv.IndexURL("pypi"), "--python", "3.11.9", "--cpu"}
	offline := append(slices.Clone(online), "--offline")
	for _, args := range [][]string{online, offline} {
		if code := checkThroughMemo(args, io.Discard, io.Discard); code != exitOK {
			t.Fatalf("check %v: exit %d", args, code)
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	key := memo.Invocation{Binary: memo.BuildID(), Dir: wd, Args: offline}.Key()
	r := memo.Load(cacheDir, key)
	if r == nil {
		t.Fatal("the --offline check from the cache was not kept")
	}
	if !r.Holds(time.Now(), cacheDir, cacheGeneration) {
		t.Fatal("the kept result does not hold right after its run")
	}
	if later := time.Now().Add(cache.DefaultMaxUnused); r.Holds(later, cacheDir, cacheGeneration) {
		t.Errorf("the kept result still holds at %v, when a run's daily prune may have deleted what it read", later)
	}
}

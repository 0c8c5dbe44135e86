package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/depsolve/depsolve/cache"
	"github.com/depsolve/depsolve/engine"
	"github.com/depsolve/depsolve/internal/memo"
	"github.com/depsolve/depsolve/internal/runlog"
)

// checkThroughMemo runs `depsolve check args` through package memo: when an identical
// check (same binary, folder, arguments and terminals) ran before and nothing it read
// (files, environment variables, the cache) has changed since, its output and exit
// status are given again with a note; otherwise the check runs, recording what it
// reads, and a result that can be checked again that way is kept for the next one.
func checkThroughMemo(args []string, stdout, stderr io.Writer) int {
	inv := memo.Invocation{
		Binary:    memo.BuildID(),
		Args:      args,
		Terminals: [2]bool{isTerminal(stdout), isTerminal(stderr)},
	}
	wd, wdErr := os.Getwd()
	cacheDir, dirErr := engine.CacheDir(memo.CacheDirArg(args))
	if inv.Binary == "" || wdErr != nil || dirErr != nil {
		return runCommand(args, stdout, stderr)
	}
	inv.Dir = wd
	key := inv.Key()
	if r := memo.Load(cacheDir, key); r != nil && r.Holds(time.Now(), cacheDir, cacheGeneration) {
		r.Replay(stdout, stderr)
		if !slices.Contains(args, "-q") && !slices.Contains(args, "--quiet") {
			fmt.Fprintf(stderr, "note: the same check ran at %s and nothing it read has changed: this is its result (%s=off checks again)\n",
				r.Made.Local().Format("2006-01-02 15:04:05"), memo.Env)
		}
		return r.Exit
	}

	started := time.Now()
	log := runlog.Start()
	defer log.Stop()
	var rec memo.Recorder
	code := runCommand(args, rec.Writer(stdout, false), rec.Writer(stderr, true))
	log.Stop()
	// The run must have read one state of the one cache this process looked in: a
	// --cache-dir that memo.CacheDirArg reads otherwise than the command line does is
	// another cache.
	readDir, generation, readOne := log.Cache()
	if code != exitOK && code != exitConflict || len(log.Unrepeatable()) > 0 || !readOne || readDir != cacheDir {
		return code
	}
	notBefore, notAfter := log.Freshness()
	// A later run's daily prune may delete what this one read from the cache, once
	// cache.KeptAfterRead has passed: that run fetches it again, or, offline, fails.
	if kept := started.Add(cache.KeptAfterRead); notBefore.IsZero() {
		notBefore, notAfter = started, kept
	} else if kept.Before(notAfter) {
		notAfter = kept
	}
	// The memo is only a cache: a record that cannot be written costs the next run time.
	_ = memo.Store(cacheDir, key, &memo.Record{
		Made:     time.Now(),
		CacheDir: cacheDir, Generation: generation,
		NotBefore: notBefore, NotAfter: notAfter,
		Observations: log.Observations(),
		Exit:         code,
		Output:       rec.Output(),
	})
	return code
}

// cacheGeneration is the generation of the cache in dir (cache.Generation), read
// without creating or repairing anything; "" when there is none.
func cacheGeneration(dir string) (string, error) {
	c, err := cache.Open(dir, cache.Options{ReadOnly: true})
	if err != nil {
		return "", err
	}
	defer c.Close()
	return c.Generation()
}

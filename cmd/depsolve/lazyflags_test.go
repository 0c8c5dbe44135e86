package main

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"slices"
	"testing"

	"github.com/spf13/cobra"
)

// A run registers the flags of the command it runs only: those of every command took
// some 110 KiB at each start.
func TestRunRegistersOnlyItsCommandsFlags(t *testing.T) {
	args := []string{"cache", "dir", "--cache-dir", t.TempDir()}
	run(args, io.Discard, io.Discard)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if code := run(args, io.Discard, io.Discard); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	runtime.ReadMemStats(&after)
	// measured: 150 KiB with every command's flags, 40 KiB with cache's alone
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 96<<10 {
		t.Errorf("depsolve cache dir allocated %d bytes, want at most 96 KiB: does it register every command's flags?", allocated)
	}
}

// What cobra prints from flags (help, completion, a flag error) is the same, byte for
// byte, whether a run registered the flags of every command or, as run does, those of the
// command its arguments name.
func TestLazyFlagsPrintAsEveryFlagRegistered(t *testing.T) {
	var paths [][]string
	var walk func(cmd *cobra.Command, path []string)
	walk = func(cmd *cobra.Command, path []string) {
		for _, sub := range cmd.Commands() {
			p := append(slices.Clone(path), sub.Name())
			paths = append(paths, p)
			walk(sub, p)
		}
	}
	root, _ := newRootCommand(io.Discard, io.Discard)
	walk(root, nil)
	if len(paths) < 12 {
		t.Fatalf("found %d commands, want every command: %q", len(paths), paths)
	}
	cases := [][]string{{}, {"--help"}, {"chek"}, {"__complete", ""}, {"__complete", "help", ""}}
	for _, p := range paths {
		for _, form := range [][]string{
			append(slices.Clone(p), "--help"),
			append([]string{"help"}, p...),
			append(append([]string{"__complete"}, p...), "--"),
			append(append([]string{"__complete"}, p...), ""),
			append(append([]string{"__complete"}, p...), "--format", ""),
			append(append([]string{"__complete"}, p...), "--platform", ""),
			append(append([]string{"__completeNoDesc"}, p...), "--"),
			append(slices.Clone(p), "--no-such-flag"),
		} {
			cases = append(cases, form)
		}
	}
	for _, args := range cases {
		var lazyOut, lazyErr bytes.Buffer
		lazyCode := run(args, &lazyOut, &lazyErr)
		var eagerOut, eagerErr bytes.Buffer
		eagerCode := runEveryFlagRegistered(args, &eagerOut, &eagerErr)
		if lazyCode != eagerCode || lazyOut.String() != eagerOut.String() || lazyErr.String() != eagerErr.String() {
			t.Errorf("depsolve %q, flags of its command only: exit %d\n%s%s\nevery command's flags: exit %d\n%s%s",
				args, lazyCode, lazyOut.String(), lazyErr.String(), eagerCode, eagerOut.String(), eagerErr.String())
		}
	}
}

// runEveryFlagRegistered is run with the flags of every command registered first.
func runEveryFlagRegistered(args []string, stdout, stderr io.Writer) int {
	root, flags := newRootCommand(stdout, stderr)
	for cmd := range flags {
		flags.register(cmd)
	}
	root.SetArgs(args)
	return finish(root.ExecuteContext(context.Background()), stderr)
}

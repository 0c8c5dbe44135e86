package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/depsolve/depsolve/index"
	"github.com/depsolve/depsolve/reqfile"
	"github.com/depsolve/depsolve/target"
	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func TestExitCode(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want int
	}{
		{nil, exitOK},
		{exitStatus(exitConflict), exitConflict},
		{fmt.Errorf("wrapped: %w", exitStatus(exitUsage)), exitUsage},
		{usageError{err: errors.New("unknown flag")}, exitUsage},
		{&reqfile.Error{Pos: reqfile.Position{File: "r.txt", Line: 1, Col: 2}, Msg: "bad"}, exitUsage},
		{fmt.Errorf("loading: %w", &target.InputError{Flag: "--python", Msg: "bad"}), exitUsage},
		{&index.PolicyError{URL: "http://x/simple/", Host: "x"}, exitUsage},
		{fmt.Errorf("resolver: listing versions of a: %w", &index.HTTPError{URL: "https://x/a/", StatusCode: 503, Status: "503 Service Unavailable"}), exitFailure},
		{fmt.Errorf("resolver: %w", &index.OfflineError{What: "the page https://x/a/"}), exitFailure},
		{context.Canceled, exitFailure},
	} {
		if got := exitCode(tt.err); got != tt.want {
			t.Errorf("exitCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

func TestErrorText(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{
			fmt.Errorf("resolver: listing versions of a: GET https://alice:s3cret@host.example/simple/a/: %w", &index.HTTPError{Status: "reset", Err: errors.New("reset")}),
			"depsolve: resolver: listing versions of a: GET https://****@host.example/simple/a/: " + (&index.HTTPError{Status: "reset", Err: errors.New("reset")}).Error() + "\n" +
				"hint: check the network and the index URL\n",
		},
		{
			usageError{err: errors.New("unknown flag: --x"), command: "depsolve check"},
			"depsolve: unknown flag: --x\nRun 'depsolve check --help' for usage.\n",
		},
		{
			// A value from outside that a message does not quote (a file name from the
			// command line) cannot drive the terminal.
			fmt.Errorf("requirements file %s does not exist", "ok\x1b[2J.txt"),
			"depsolve: requirements file ok\\x1b[2J.txt does not exist\n",
		},
	} {
		if got := errorText(tt.err); got != tt.want {
			t.Errorf("errorText(%v):\n got %q\nwant %q", tt.err, got, tt.want)
		}
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"requirements.txt":   "requirements.txt",
		"nvidia/cuda:12.4.1": "nvidia/cuda:12.4.1",
		"RTX 4090":           "'RTX 4090'",
		"it's":               `'it'\''s'`,
		"":                   "''",
		"numpy>=1":           "'numpy>=1'",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestProgressLine(t *testing.T) {
	var b strings.Builder
	u := &ui{err: &b, progress: true}
	u.status("resolving: %d requests", 12)
	u.status("resolving: %d requests", 7)
	u.clearStatus()
	u.clearStatus() // nothing on screen: writes nothing
	want := "\rresolving: 12 requests" + "\rresolving: 7 requests " + "\r" + strings.Repeat(" ", 21) + "\r"
	if b.String() != want {
		t.Errorf("progress output %q, want %q", b.String(), want)
	}

	// A diagnostic while the line is up erases it first; the next status starts afresh.
	// The line is redacted like everything else printed.
	b.Reset()
	u.status("fetching https://user:secret@example.com/simple/")
	u.warn("slow index")
	u.status("done")
	want = "\rfetching https://****@example.com/simple/" + "\r" + strings.Repeat(" ", len("fetching https://****@example.com/simple/")) + "\r" + "warning: slow index\n" + "\rdone"
	if b.String() != want {
		t.Errorf("progress with a warning %q, want %q", b.String(), want)
	}

	b.Reset()
	off := &ui{err: &b, quiet: true}
	off.status("x")
	off.clearStatus()
	off.warn("w")
	off.note("n")
	if b.Len() != 0 {
		t.Errorf("quiet, off a terminal: wrote %q", b.String())
	}
}

// newLockCommandWithFlags is the lock command with its flags registered, as a run of it has.
func newLockCommandWithFlags() *cobra.Command {
	flags := lazyFlags{}
	cmd := newLockCommand(nil, nil, flags)
	flags.register(cmd)
	return cmd
}

func TestCommandLine(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"req.txt", "--python", "3.11.9", "-o", "/home/me/out.lock", "--cache-dir", "/home/me/.cache", "--offline", "--refresh", "-q", "--no-color"},
			"lock req.txt --python 3.11.9"},
		{[]string{"--offline=false", "--pre=false", "--cpu=true", "--format", "requirements", "--gpu", "H100", "--gpu", "RTX 4090", "-U"},
			"lock --cpu --gpu H100 --gpu 'RTX 4090' --upgrade"},
		{[]string{"--format", "pylock", "--pre", "--extra-index-url", "https://x.example/simple", "-P", "torch"},
			"lock --extra-index-url https://x.example/simple --format pylock --pre --upgrade-package torch"},
	} {
		cmd := newLockCommandWithFlags()
		if err := cmd.ParseFlags(tt.args); err != nil {
			t.Fatalf("ParseFlags(%q): %v", tt.args, err)
		}
		if got := commandLine(cmd, cmd.Flags().Args()); got != tt.want {
			t.Errorf("commandLine(%q)\n got %s\nwant %s", tt.args, got, tt.want)
		}
	}
}

// Every new flag of lock needs a decision: does it change the lock (recorded in the
// header), or only where data comes from and what is printed (left out)?
func TestLockHeaderFlags(t *testing.T) {
	var omitted []string
	newLockCommandWithFlags().Flags().VisitAll(func(fl *pflag.Flag) {
		if _, ok := fl.Annotations[omitFromHeader]; ok {
			omitted = append(omitted, fl.Name)
		}
	})
	want := []string{"cache-dir", "no-color", "offline", "output", "quiet", "refresh", "timeout", "verbose"}
	if diff := cmp.Diff(want, omitted); diff != "" {
		t.Errorf("flags left out of the lock header (-want +got):\n%s", diff)
	}
}

// FuzzParseAge: an age parses to no negative duration; a larger number of days than a
// duration holds is an error, not an age that wrapped around (which deletes it all).
func FuzzParseAge(f *testing.F) {
	for _, s := range []string{"30d", "36h", "0d", "106751d", "106752d", "1000000000d", "-1d", "1h30m", "-5m", "soon"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseAge(s)
		if err == nil && d < 0 {
			t.Fatalf("%q: %v", s, d)
		}
	})
}

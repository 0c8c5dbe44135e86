package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/depsolve/depsolve/compat"
	"github.com/depsolve/depsolve/index"
	"github.com/depsolve/depsolve/reqfile"
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
		{fmt.Errorf("loading: %w", &compat.InputError{Flag: "--python", Msg: "bad"}), exitUsage},
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
				"hint: check the network and the index URL; retries were made\n",
		},
		{
			usageError{err: errors.New("unknown flag: --x"), command: "depsolve check"},
			"depsolve: unknown flag: --x\nRun 'depsolve check --help' for usage.\n",
		},
	} {
		if got := errorText(tt.err); got != tt.want {
			t.Errorf("errorText(%v):\n got %q\nwant %q", tt.err, got, tt.want)
		}
	}
}

func TestWithoutMaskedCredentials(t *testing.T) {
	for in, want := range map[string]string{
		"https://****@host/simple/":         "https://host/simple/",
		"https://alice:****@host/simple/":   "https://host/simple/",
		"https://alice:s3cret@host/simple/": "https://alice:s3cret@host/simple/",
		"https://token@host/simple/":        "https://token@host/simple/",
		"https://host/simple/?token=****":   "https://host/simple/?token=****",
		"./wheels":                          "./wheels",
		"https://host/simple/":              "https://host/simple/",
		"https://%zz@host/":                 "https://%zz@host/",
	} {
		if got := withoutMaskedCredentials(in); got != want {
			t.Errorf("withoutMaskedCredentials(%q) = %q, want %q", in, got, want)
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

func TestHumanBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 1536: "1.5 KiB", 908_000_000: "865.9 MiB", 3 << 30: "3.0 GiB"} {
		if got := humanBytes(n); got != want {
			t.Errorf("humanBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestMergeIndexesPrecedence(t *testing.T) {
	config := &compat.Config{
		File:           "depsolve.toml",
		IndexURL:       compat.Value{Text: "https://config/simple/", Origin: compat.Origin{From: compat.FromConfig, Pos: compat.Position{File: "depsolve.toml", Line: 1}}},
		ExtraIndexURLs: []compat.Value{{Text: "https://config-extra/simple/", Origin: compat.Origin{From: compat.FromConfig, Pos: compat.Position{File: "depsolve.toml", Line: 2}}}},
		IndexStrategy:  compat.Value{Text: "unsafe-best-match", Origin: compat.Origin{From: compat.FromConfig, Pos: compat.Position{File: "depsolve.toml", Line: 3}}},
	}
	file := &reqfile.File{Path: "requirements.txt", IndexURL: "https://file/simple/", ExtraIndexURLs: []string{"https://file-extra/simple/"}}
	t.Setenv("PIP_INDEX_URL", "https://env/simple/")
	t.Setenv("PIP_EXTRA_INDEX_URL", "https://env-extra/simple/")

	got := mergeIndexes(&inputFlags{}, []*reqfile.File{file}, []*compat.Config{config})
	want := indexSettings{
		IndexURL:   sourced{"https://file/simple/", "requirements.txt"},
		ExtraIndex: []sourced{{"https://config-extra/simple/", "depsolve.toml:2"}, {"https://file-extra/simple/", "requirements.txt"}},
		Strategy:   sourced{"unsafe-best-match", "depsolve.toml:3"},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(sourced{})); diff != "" {
		t.Errorf("files and config (-want +got):\n%s", diff)
	}

	flags := &inputFlags{indexURL: "https://flag/simple/", extraIndexURLs: []string{"https://flag-extra/simple/"}, indexStrategy: "first-index"}
	got = mergeIndexes(flags, []*reqfile.File{file}, []*compat.Config{config})
	want = indexSettings{
		IndexURL:   sourced{"https://flag/simple/", "flag --index-url"},
		ExtraIndex: []sourced{{"https://flag-extra/simple/", "flag --extra-index-url"}, {"https://file-extra/simple/", "requirements.txt"}},
		Strategy:   sourced{"first-index", "flag --index-strategy"},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(sourced{})); diff != "" {
		t.Errorf("flags (-want +got):\n%s", diff)
	}

	got = mergeIndexes(&inputFlags{}, nil, nil)
	want = indexSettings{
		IndexURL:   sourced{"https://env/simple/", "$PIP_INDEX_URL"},
		ExtraIndex: []sourced{{"https://env-extra/simple/", "$PIP_EXTRA_INDEX_URL"}},
		Strategy:   sourced{"first-index", "default"},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(sourced{})); diff != "" {
		t.Errorf("environment (-want +got):\n%s", diff)
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

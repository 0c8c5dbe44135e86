package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/depsolve/depsolve/cache"
	"github.com/depsolve/depsolve/index"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/reqfile"
	"github.com/depsolve/depsolve/target"
	"github.com/google/go-cmp/cmp"
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
	config := &target.Config{
		File:           "depsolve.toml",
		IndexURL:       target.Value{Text: "https://config/simple/", Origin: target.Origin{From: target.FromConfig, Pos: target.Position{File: "depsolve.toml", Line: 1}}},
		ExtraIndexURLs: []target.Value{{Text: "https://config-extra/simple/", Origin: target.Origin{From: target.FromConfig, Pos: target.Position{File: "depsolve.toml", Line: 2}}}},
		IndexStrategy:  target.Value{Text: "unsafe-best-match", Origin: target.Origin{From: target.FromConfig, Pos: target.Position{File: "depsolve.toml", Line: 3}}},
	}
	file := &reqfile.File{Path: "requirements.txt", IndexURL: "https://file/simple/", ExtraIndexURLs: []string{"https://file-extra/simple/"}}
	t.Setenv("PIP_INDEX_URL", "https://env/simple/")
	t.Setenv("PIP_EXTRA_INDEX_URL", "https://env-extra/simple/")

	got := mergeIndexes(&inputFlags{}, []*reqfile.File{file}, []*target.Config{config})
	want := indexSettings{
		IndexURL:   sourced{"https://file/simple/", "requirements.txt"},
		ExtraIndex: []sourced{{"https://config-extra/simple/", "depsolve.toml:2"}, {"https://file-extra/simple/", "requirements.txt"}},
		Strategy:   sourced{"unsafe-best-match", "depsolve.toml:3"},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(sourced{})); diff != "" {
		t.Errorf("files and config (-want +got):\n%s", diff)
	}

	flags := &inputFlags{indexURL: "https://flag/simple/", extraIndexURLs: []string{"https://flag-extra/simple/"}, indexStrategy: "first-index"}
	got = mergeIndexes(flags, []*reqfile.File{file}, []*target.Config{config})
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

// What a pylock.toml records under [tool.depsolve] for the GPUs reads back as the GPUs.
func TestGPUSummariesRoundTrip(t *testing.T) {
	gpus := []target.GPU{
		{Name: "H100", Capability: "9.0", Count: 2},
		{Name: "RTX 4090", Capability: "8.9", Count: 1},
		{Name: "B200", Capability: "10.0", Count: 1},
		{Name: "sm_80", Capability: "8.0", Count: 1},
		{Name: "Quadro X (PCIe)", Capability: "7.5", Count: 1},
		{Name: "Mystery", Count: 1},
	}
	var parts []string
	for _, g := range gpus {
		parts = append(parts, gpuSummary(g))
	}
	text := strings.Join(parts, ", ")
	if want := "2× H100 (sm_90), RTX 4090 (sm_89), B200 (sm_100), sm_80, Quadro X (PCIe) (sm_75), Mystery (compute capability unknown)"; text != want {
		t.Fatalf("summaries %q, want %q", text, want)
	}
	got := parseGPUSummaries(text, target.Origin{})
	want := slices.Clone(gpus)
	want[3].Capability = "" // "sm_80" names its capability itself: the target builder reads it
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("read back (-want +got):\n%s", diff)
	}
}

func TestRequiresPython(t *testing.T) {
	file := func(path, spec string) *reqfile.File {
		s, err := pep440.ParseSpecifierSet(spec)
		if err != nil {
			t.Fatal(err)
		}
		return &reqfile.File{Path: path, RequiresPython: s, RequiresPythonPos: reqfile.Position{File: path, Line: 4, Col: 19}}
	}
	got := requiresPython([]*reqfile.File{{Path: "requirements.txt"}, file("pyproject.toml", ">=3.10,<3.12"), file("pylock.toml", ">=3.12")})
	var text []string
	for _, r := range got {
		text = append(text, fmt.Sprintf("%s %s | %s | %s", r.Name, r.Specifier, r.Of, r.Origin))
	}
	want := []string{
		"@python <3.12,>=3.10 | the project | pyproject.toml:4",
		"@python >=3.12 | the lock | pylock.toml:4",
	}
	if diff := cmp.Diff(want, text); diff != "" {
		t.Errorf("requirements on Python (-want +got):\n%s", diff)
	}
}

func TestFileProblems(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.toml")
	_, err := os.ReadFile(missing)
	if got := fileProblem(missing, err); got != missing+" does not exist" {
		t.Errorf("missing: %q", got)
	}
	_, err = os.ReadFile(dir)
	if got := fileProblem(dir, err); got != dir+" is a directory, not a file" {
		t.Errorf("directory: %q", got)
	}
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = cache.Open(file, cache.Options{})
	if got := cacheProblem(file, err); got != "cannot use the cache folder "+file+": it is a file" {
		t.Errorf("cache folder that is a file: %q (%v)", got, err)
	}
	if err := checkOutput(filepath.Join(dir, "no", "x.lock")); err == nil || exitCode(err) != exitUsage ||
		err.Error() != "-o "+filepath.Join(dir, "no", "x.lock")+": the directory "+filepath.Join(dir, "no")+" does not exist; create it first" {
		t.Errorf("output in a missing directory: %v", err)
	}
	if err := checkOutput(filepath.Join(dir, "x.lock")); err != nil {
		t.Errorf("output in an existing directory: %v", err)
	}
}

func TestSplitOrigin(t *testing.T) {
	for _, tc := range []struct {
		origin string
		file   string
		line   int
	}{
		{"requirements.txt:3", "requirements.txt", 3},
		{"data/torch.toml:444", "data/torch.toml", 444},
		{`C:\reqs\requirements.txt:12`, `C:\reqs\requirements.txt`, 12},
		{"requirements.txt", "requirements.txt", 0},
		{"weird:name", "weird:name", 0},
		{"file:0", "file:0", 0},
	} {
		file, line := splitOrigin(tc.origin)
		if file != tc.file || line != tc.line {
			t.Errorf("splitOrigin(%q) = %q, %d; want %q, %d", tc.origin, file, line, tc.file, tc.line)
		}
	}
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
		{[]string{"--format", "pylock", "--no-hashes", "--extra-index-url", "https://x.example/simple", "-P", "torch"},
			"lock --extra-index-url https://x.example/simple --format pylock --no-hashes --upgrade-package torch"},
	} {
		cmd := newLockCommand(nil, nil)
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
	newLockCommand(nil, nil).Flags().VisitAll(func(fl *pflag.Flag) {
		if _, ok := fl.Annotations[omitFromHeader]; ok {
			omitted = append(omitted, fl.Name)
		}
	})
	want := []string{"cache-dir", "no-color", "offline", "output", "quiet", "refresh", "timeout"}
	if diff := cmp.Diff(want, omitted); diff != "" {
		t.Errorf("flags left out of the lock header (-want +got):\n%s", diff)
	}
}

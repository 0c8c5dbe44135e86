package engine

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/depsolve/depsolve/cache"
	"github.com/depsolve/depsolve/index"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/reqfile"
	"github.com/depsolve/depsolve/target"
)

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

	got := mergeIndexes(&Request{}, []*reqfile.File{file}, []*target.Config{config})
	want := IndexSettings{
		IndexURL:   Sourced{"https://file/simple/", "requirements.txt"},
		ExtraIndex: []Sourced{{"https://config-extra/simple/", "depsolve.toml:2"}, {"https://file-extra/simple/", "requirements.txt"}},
		Strategy:   Sourced{"unsafe-best-match", "depsolve.toml:3"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files and config (-want +got):\n%s", diff)
	}

	flags := &Request{IndexURL: "https://flag/simple/", ExtraIndexURLs: []string{"https://flag-extra/simple/"}, IndexStrategy: "first-index"}
	got = mergeIndexes(flags, []*reqfile.File{file}, []*target.Config{config})
	want = IndexSettings{
		IndexURL:   Sourced{"https://flag/simple/", "flag --index-url"},
		ExtraIndex: []Sourced{{"https://flag-extra/simple/", "flag --extra-index-url"}, {"https://file-extra/simple/", "requirements.txt"}},
		Strategy:   Sourced{"first-index", "flag --index-strategy"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("flags (-want +got):\n%s", diff)
	}

	got = mergeIndexes(&Request{}, nil, nil)
	want = IndexSettings{
		IndexURL:   Sourced{"https://env/simple/", "$PIP_INDEX_URL"},
		ExtraIndex: []Sourced{{"https://env-extra/simple/", "$PIP_EXTRA_INDEX_URL"}},
		Strategy:   Sourced{"first-index", "default"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("environment (-want +got):\n%s", diff)
	}
}

// What locks recorded for the GPUs before the lock syntax (the display form) reads back
// as the GPUs.
func TestLegacyGPUSummariesReadBack(t *testing.T) {
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
		parts = append(parts, GPUSummary(g))
	}
	text := strings.Join(parts, ", ")
	if want := "2× H100 (sm_90), RTX 4090 (sm_89), B200 (sm_100), sm_80, Quadro X (PCIe) (sm_75), Mystery (compute capability unknown)"; text != want {
		t.Fatalf("summaries %q, want %q", text, want)
	}
	got, err := readLockedGPUs(text, target.Origin{})
	if err != nil {
		t.Fatal(err)
	}
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
		return &reqfile.File{Path: path, Format: reqfile.FormatOf(path), RequiresPython: s, RequiresPythonPos: reqfile.Position{File: path, Line: 4, Col: 19}}
	}
	got := requiresPython([]*reqfile.File{{Path: "requirements.txt"}, file("pyproject.toml", ">=3.10,<3.12"), file("pylock.toml", ">=3.12")})
	var text []string
	for _, r := range got {
		text = append(text, fmt.Sprintf("%s %s | %s | %s | lock %v", r.Name, r.Specifier, r.Of, r.Origin, r.ofLock))
	}
	want := []string{
		"@python <3.12,>=3.10 | the project | pyproject.toml:4 | lock false",
		"@python >=3.12 | the lock | pylock.toml:4 | lock true",
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
	if got := CacheProblem(file, err); got != "cannot use the cache folder "+file+": it is a file" {
		t.Errorf("cache folder that is a file: %q (%v)", got, err)
	}
	var requestErr *RequestError
	if err := checkOutput(lockOutput(filepath.Join(dir, "no", "x.lock"), Requirements)); !errors.As(err, &requestErr) ||
		err.Error() != "-o "+filepath.Join(dir, "no", "x.lock")+": the directory "+filepath.Join(dir, "no")+" does not exist; create it first" {
		t.Errorf("output in a missing directory: %v", err)
	}
	if err := checkOutput(lockOutput(filepath.Join(dir, "x.lock"), Requirements)); err != nil {
		t.Errorf("output in an existing directory: %v", err)
	}
}

// recorder is a Reporter that keeps what it hears.
type recorder struct{ warnings, notes []string }

func (r *recorder) Warn(msg string) { r.warnings = append(r.warnings, msg) }
func (r *recorder) Note(msg string) { r.notes = append(r.notes, msg) }
func (r *recorder) Progress(string, func() (int64, int64)) func() {
	return func() {}
}

// TestYankReasonEscaped: a yank reason is the index's text; control characters in it
// (a newline that fakes a line of output, an escape that clears the screen) are
// escaped, on the one line of the warning.
func TestYankReasonEscaped(t *testing.T) {
	out := &outcome{
		packages: []Package{
			{Name: "demo", Version: pep440.MustParse("1.0"), Files: []index.File{{Filename: "demo-1.0.tar.gz", Yanked: true, YankedReason: "broken\nok: all good\x1b[2J\u009b31m, naïve"}}},
			{Name: "other", Version: pep440.MustParse("2.0"), Files: []index.File{{Filename: "other-2.0.tar.gz"}}},
		},
		warnings: []Warning{{Code: WarningYankedPin, Package: "demo", Version: "1.0", Message: "demo 1.0 is yanked; it is used because it is pinned exactly"}},
	}
	yankedReasons(out)
	want := `demo 1.0 is yanked (reason: broken\nok: all good\x1b[2J\u009b31m, naïve); it is used because it is pinned exactly`
	if got := out.warnings[0].Message; got != want {
		t.Errorf("warning %q, want %q", got, want)
	}
}

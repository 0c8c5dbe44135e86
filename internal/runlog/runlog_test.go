package runlog_test

import (
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/depsolve/depsolve/internal/runlog"
)

// Tests here start the one active Log in turn: none runs in parallel.

func TestNoLogRecordsNothing(t *testing.T) {
	l := runlog.Start()
	l.Stop()
	dir := t.TempDir()
	fi, err := os.Stat(dir)
	runlog.ReadFile("a", []byte("x"), nil)
	runlog.Stat(dir, fi, err)
	runlog.Unrepeatable("a request")
	runlog.FreshBetween(time.Unix(1, 0), time.Unix(2, 0))
	if got := l.Observations(); len(got) != 0 {
		t.Errorf("a stopped Log observed %+v", got)
	}
	if got := l.Unrepeatable(); got != nil {
		t.Errorf("a stopped Log is unrepeatable for %q", got)
	}
	if notBefore, notAfter := l.Freshness(); !notBefore.IsZero() || !notAfter.IsZero() {
		t.Errorf("a stopped Log has a freshness: %v to %v", notBefore, notAfter)
	}
}

func TestStopEndsOnlyItsOwnLog(t *testing.T) {
	old := runlog.Start()
	current := runlog.Start()
	defer current.Stop()
	old.Stop()
	runlog.Unrepeatable("a request")
	if got := current.Unrepeatable(); !slices.Equal(got, []string{"a request"}) {
		t.Errorf("stopping an older Log stopped the current one: %q", got)
	}
}

func TestReadFile(t *testing.T) {
	l := runlog.Start()
	defer l.Stop()
	runlog.ReadFile("req.txt", []byte("torch\n"), nil)
	runlog.ReadFile("gone.txt", nil, &fs.PathError{Op: "open", Path: "gone.txt", Err: fs.ErrNotExist})
	runlog.ReadFile("locked.txt", nil, &fs.PathError{Op: "open", Path: "locked.txt", Err: fs.ErrPermission})
	want := []runlog.Observation{
		{Path: "gone.txt", Kind: runlog.Missing},
		{Path: "req.txt", Kind: runlog.File, Digest: sha256.Sum256([]byte("torch\n"))},
	}
	if got := l.Observations(); !slices.Equal(got, want) {
		t.Errorf("observed %+v, want %+v", got, want)
	}
	if got := l.Unrepeatable(); !slices.Equal(got, []string{"reading locked.txt failed"}) {
		t.Errorf("a read that failed otherwise than for absence: unrepeatable for %q", got)
	}
}

func TestReadOpenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "req.txt")
	if err := os.WriteFile(path, []byte("torch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	l := runlog.Start()
	defer l.Stop()
	runlog.ReadOpenFile(path, f, []byte("torch\n"), nil)
	runlog.ReadOpenFile("/dev/stdin", r, []byte("numpy\n"), nil)
	want := []runlog.Observation{{Path: path, Kind: runlog.File, Digest: sha256.Sum256([]byte("torch\n"))}}
	if got := l.Observations(); !slices.Equal(got, want) {
		t.Errorf("observed %+v, want %+v", got, want)
	}
	if got := l.Unrepeatable(); !slices.Equal(got, []string{"reading /dev/stdin, which is not a regular file"}) {
		t.Errorf("a pipe read: unrepeatable for %q", got)
	}
}

func TestStat(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "requirements.txt")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "pyproject.toml")
	l := runlog.Start()
	defer l.Stop()
	for _, path := range []string{dir, file, missing} {
		fi, err := os.Stat(path)
		runlog.Stat(path, fi, err)
	}
	runlog.Stat("looped", nil, &fs.PathError{Op: "stat", Path: "looped", Err: errors.New("too many levels of symbolic links")})
	want := []runlog.Observation{
		{Path: dir, Kind: runlog.Folder},
		{Path: missing, Kind: runlog.Missing},
		{Path: file, Kind: runlog.Present},
	}
	if got := l.Observations(); !slices.Equal(got, want) {
		t.Errorf("observed %+v, want %+v", got, want)
	}
	if got := l.Unrepeatable(); !slices.Equal(got, []string{"looking at looped failed"}) {
		t.Errorf("a look that failed otherwise than for absence: unrepeatable for %q", got)
	}
}

// TestObservationsCombine: a read says more than a look at the same file; two
// observations that disagree mean the path changed during the run.
func TestObservationsCombine(t *testing.T) {
	digest := sha256.Sum256([]byte("a"))
	for _, tc := range []struct {
		name        string
		observe     func()
		want        runlog.Kind
		wantChanged bool
	}{
		{"looked at, then read", func() { runlog.Stat("f", present{}, nil); runlog.ReadFile("f", []byte("a"), nil) }, runlog.File, false},
		{"read, then looked at", func() { runlog.ReadFile("f", []byte("a"), nil); runlog.Stat("f", present{}, nil) }, runlog.File, false},
		{"read twice alike", func() { runlog.ReadFile("f", []byte("a"), nil); runlog.ReadFile("f", []byte("a"), nil) }, runlog.File, false},
		{"read twice, differently", func() { runlog.ReadFile("f", []byte("b"), nil); runlog.ReadFile("f", []byte("a"), nil) }, runlog.File, true},
		{"missing, then read", func() { runlog.Stat("f", nil, fs.ErrNotExist); runlog.ReadFile("f", []byte("a"), nil) }, runlog.File, true},
		{"read, then missing", func() { runlog.ReadFile("f", []byte("a"), nil); runlog.ReadFile("f", nil, fs.ErrNotExist) }, runlog.Missing, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := runlog.Start()
			defer l.Stop()
			tc.observe()
			obs := l.Observations()
			if len(obs) != 1 || obs[0].Kind != tc.want || tc.want == runlog.File && obs[0].Digest != digest {
				t.Errorf("observed %+v, want one of kind %d", obs, tc.want)
			}
			changed := slices.Equal(l.Unrepeatable(), []string{"f changed during the run"})
			if changed != tc.wantChanged || !changed && l.Unrepeatable() != nil {
				t.Errorf("unrepeatable for %q, want changed: %v", l.Unrepeatable(), tc.wantChanged)
			}
		})
	}
}

func TestUnrepeatableKeepsEachReasonOnce(t *testing.T) {
	l := runlog.Start()
	defer l.Stop()
	for range 3 {
		runlog.Unrepeatable("a request to an index")
		runlog.Unrepeatable("a find-links folder")
	}
	if got, want := l.Unrepeatable(), []string{"a request to an index", "a find-links folder"}; !slices.Equal(got, want) {
		t.Errorf("unrepeatable for %q, want %q", got, want)
	}
}

func TestFreshBetween(t *testing.T) {
	l := runlog.Start()
	defer l.Stop()
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(seconds int) time.Time { return t0.Add(time.Duration(seconds) * time.Second) }
	runlog.FreshBetween(at(0), at(600))
	runlog.FreshBetween(at(100), at(700))
	runlog.FreshBetween(at(50), at(300))
	notBefore, notAfter := l.Freshness()
	if !notBefore.Equal(at(100)) || !notAfter.Equal(at(300)) {
		t.Errorf("fresh from %v until %v, want from the latest fetch %v until the earliest staleness %v", notBefore, notAfter, at(100), at(300))
	}
}

func TestObservationsSorted(t *testing.T) {
	l := runlog.Start()
	defer l.Stop()
	paths := []string{"z.txt", "a/b.txt", "m.toml", "a.txt"}
	for _, p := range paths {
		runlog.ReadFile(p, nil, fs.ErrNotExist)
	}
	var got []string
	for _, o := range l.Observations() {
		got = append(got, o.Path)
	}
	if want := slices.Sorted(slices.Values(paths)); !slices.Equal(got, want) {
		t.Errorf("observations in the order %q, want %q", got, want)
	}
}

// present is the FileInfo of a regular file.
type present struct{ fs.FileInfo }

func (present) IsDir() bool { return false }

func TestEnvironment(t *testing.T) {
	t.Setenv("RUNLOG_TEST_SET", "v")
	t.Setenv("RUNLOG_TEST_UNSET", "")
	os.Unsetenv("RUNLOG_TEST_UNSET")
	l := runlog.Start()
	defer l.Stop()
	if got := runlog.Getenv("RUNLOG_TEST_SET"); got != "v" {
		t.Errorf("Getenv = %q", got)
	}
	if got, set := runlog.LookupEnv("RUNLOG_TEST_UNSET"); got != "" || set {
		t.Errorf("LookupEnv of an unset variable = %q, %v", got, set)
	}
	home, err := runlog.UserHomeDir()
	if err != nil {
		t.Fatal(err)
	}
	runlog.ReadFile("RUNLOG_TEST_SET", []byte("a file of the same name"), nil)
	want := []runlog.Observation{
		{Path: "RUNLOG_TEST_SET", Kind: runlog.EnvSet, Digest: sha256.Sum256([]byte("v"))},
		{Path: "RUNLOG_TEST_UNSET", Kind: runlog.EnvUnset},
		{Path: "RUNLOG_TEST_SET", Kind: runlog.File, Digest: sha256.Sum256([]byte("a file of the same name"))},
		{Kind: runlog.HomeDir, Digest: sha256.Sum256([]byte(home))},
	}
	if got := l.Observations(); !slices.Equal(got, want) {
		t.Errorf("observed\n%+v\nwant\n%+v", got, want)
	}
	if l.Unrepeatable() != nil {
		t.Errorf("unrepeatable for %q", l.Unrepeatable())
	}
	t.Setenv("RUNLOG_TEST_SET", "w")
	runlog.Getenv("RUNLOG_TEST_SET")
	if got, want := l.Unrepeatable(), []string{"$RUNLOG_TEST_SET changed during the run"}; !slices.Equal(got, want) {
		t.Errorf("a variable read twice with two values: unrepeatable for %q, want %q", got, want)
	}
}

func TestReadCache(t *testing.T) {
	for _, tc := range []struct {
		name           string
		reads          func()
		wantOK         bool
		wantUnrepeated bool
	}{
		{"none", func() {}, false, false},
		{"one, stable", func() { runlog.ReadCache("/c", "g1", true) }, true, false},
		{"one, twice alike", func() { runlog.ReadCache("/c", "g1", true); runlog.ReadCache("/c", "g1", true) }, true, false},
		{"changed while read", func() { runlog.ReadCache("/c", "g1", false) }, false, true},
		{"two states", func() { runlog.ReadCache("/c", "g1", true); runlog.ReadCache("/c", "g2", true) }, true, true},
		{"two caches", func() { runlog.ReadCache("/c", "g1", true); runlog.ReadCache("/d", "g1", true) }, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := runlog.Start()
			defer l.Stop()
			tc.reads()
			dir, gen, ok := l.Cache()
			if ok != tc.wantOK || ok && (dir != "/c" || gen == "") {
				t.Errorf("Cache = %q, %q, %v; want ok %v", dir, gen, ok, tc.wantOK)
			}
			if got := l.Unrepeatable() != nil; got != tc.wantUnrepeated {
				t.Errorf("unrepeatable for %q", l.Unrepeatable())
			}
		})
	}
}

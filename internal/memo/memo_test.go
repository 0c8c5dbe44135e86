package memo

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/depsolve/depsolve/internal/runlog"
)

func TestKeyTellsInvocationsApart(t *testing.T) {
	base := Invocation{Binary: "id", Dir: "/w", Args: []string{"check", "a b"}}
	changed := map[string]Invocation{}
	for name, change := range map[string]func(*Invocation){
		"binary":       func(i *Invocation) { i.Binary = "id2" },
		"folder":       func(i *Invocation) { i.Dir = "/w2" },
		"argument":     func(i *Invocation) { i.Args = []string{"check", "a c"} },
		"split":        func(i *Invocation) { i.Args = []string{"check", "a", "b"} },
		"stdout a tty": func(i *Invocation) { i.Terminals[0] = true },
		"stderr a tty": func(i *Invocation) { i.Terminals[1] = true },
	} {
		inv := base
		inv.Args = slices.Clone(base.Args)
		change(&inv)
		changed[name] = inv
	}
	keys := map[string]string{base.Key(): "base"}
	for name, inv := range changed {
		k := inv.Key()
		if other, ok := keys[k]; ok {
			t.Errorf("%s and %s share the key %s", name, other, k)
		}
		keys[k] = name
	}
}

func TestBuildIDIn(t *testing.T) {
	id := "abc/def/ghi"
	note := []byte{4, 0, 0, 0, byte(len(id)), 0, 0, 0, 4, 0, 0, 0, 'G', 'o', 0, 0}
	elf := append(append(bytes.Repeat([]byte{0x7f}, 100), note...), id...)
	for name, tt := range map[string]struct {
		head []byte
		want string
	}{
		"elf note":     {elf, id},
		"marker":       {[]byte("text\xff Go build ID: \"" + id + "\"\n \xff"), id},
		"none":         {[]byte("no id here"), ""},
		"cut short":    {elf[:len(elf)-2], ""},
		"bad namesz":   {append(append([]byte{5, 0, 0, 0, 3, 0, 0, 0}, note[8:]...), "xyz"...), ""},
		"empty marker": {[]byte("\xff Go build ID: \"\""), ""},
	} {
		if got := buildIDIn(tt.head); got != tt.want {
			t.Errorf("%s: buildIDIn = %q, want %q", name, got, tt.want)
		}
	}
}

// TestBuildIDOfThisBinary compares BuildID with go tool buildid on the test binary.
func TestBuildIDOfThisBinary(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "tool", "buildid", exe).Output()
	if err != nil {
		t.Skipf("go tool buildid: %v", err)
	}
	if got, want := BuildID(), strings.TrimSpace(string(out)); got != want {
		t.Errorf("BuildID = %q, go tool buildid says %q", got, want)
	}
}

func sampleRecord(t testing.TB, dir string) *Record {
	t.Helper()
	file := filepath.Join(dir, "requirements.txt")
	if err := os.WriteFile(file, []byte("torch==2.5.1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	now := time.Now().Round(0) // a record keeps the wall clock only
	return &Record{
		Made:     now.Truncate(time.Second),
		CacheDir: filepath.Join(dir, "cache"), Generation: "2026-12-07T10:00:00.1Z/7",
		NotBefore: now.Add(-time.Minute), NotAfter: now.Add(time.Minute),
		Observations: []runlog.Observation{
			{Path: file, Kind: runlog.File, Digest: sha256.Sum256([]byte("torch==2.5.1\n"))},
			{Path: filepath.Join(dir, "depsolve.toml"), Kind: runlog.Missing},
			{Path: dir, Kind: runlog.Folder},
			{Path: "MEMO_TEST_SET", Kind: runlog.EnvSet, Digest: sha256.Sum256([]byte("v"))},
			{Path: "MEMO_TEST_UNSET", Kind: runlog.EnvUnset},
			{Kind: runlog.HomeDir, Digest: sha256.Sum256([]byte(home(t)))},
		},
		Exit:   1,
		Output: []Chunk{{Data: []byte("out\n")}, {Stderr: true, Data: []byte("err\n")}, {Data: []byte("more\n")}},
	}
}

func TestRecordRoundTrip(t *testing.T) {
	r := sampleRecord(t, t.TempDir())
	got, err := decode(encode(r))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(r) {
		t.Errorf("decode(encode(r)) =\n%+v\nwant\n%+v", got, r)
	}
}

// TestDamagedRecordIsAMiss: any changed byte fails the checksum.
func TestDamagedRecordIsAMiss(t *testing.T) {
	data := encode(sampleRecord(t, t.TempDir()))
	for i := range data {
		damaged := bytes.Clone(data)
		damaged[i] ^= 0x20
		if _, err := decode(damaged); err == nil {
			t.Fatalf("a record with byte %d changed decodes", i)
		}
	}
	for _, n := range []int{0, 1, sha256.Size, len(data) - 1} {
		if _, err := decode(data[:n]); err == nil {
			t.Errorf("a record cut to %d bytes decodes", n)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(encode(sampleRecord(f, f.TempDir())))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := decode(data)
		if err != nil {
			return
		}
		if again := encode(r); !bytes.Equal(again, data) {
			t.Errorf("encode(decode(data)) differs from data")
		}
	})
}

func home(t testing.TB) string {
	h, err := os.UserHomeDir()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestHolds(t *testing.T) {
	t.Setenv("MEMO_TEST_SET", "v")
	dir := t.TempDir()
	gen := func(want string) func(string) (string, error) {
		return func(string) (string, error) { return want, nil }
	}
	now := time.Now()
	fresh := gen("2026-12-07T10:00:00.1Z/7")
	for name, tt := range map[string]struct {
		change func(t *testing.T, r *Record)
		at     time.Time
		gen    func(string) (string, error)
		want   bool
	}{
		"unchanged":    {nil, now, fresh, true},
		"file edited":  {func(t *testing.T, r *Record) { write(t, r.Observations[0].Path, "torch==2.5.0\n") }, now, fresh, false},
		"file removed": {func(t *testing.T, r *Record) { os.Remove(r.Observations[0].Path) }, now, fresh, false},
		"file now a folder": {func(t *testing.T, r *Record) {
			os.Remove(r.Observations[0].Path)
			os.Mkdir(r.Observations[0].Path, 0o755)
		}, now, fresh, false},
		"missing file created":    {func(t *testing.T, r *Record) { write(t, r.Observations[1].Path, "") }, now, fresh, false},
		"folder removed":          {func(t *testing.T, r *Record) { r.Observations[2].Path = filepath.Join(dir, "gone") }, now, fresh, false},
		"cache written":           {nil, now, gen("2026-12-07T10:00:00.1Z/8"), false},
		"no cache":                {nil, now, gen(""), false},
		"record of another cache": {func(t *testing.T, r *Record) { r.CacheDir = filepath.Join(dir, "copied-from") }, now, fresh, false},
		"cache unreadable":        {nil, now, func(string) (string, error) { return "", errors.New("locked") }, false},
		"a page went stale":       {nil, now.Add(2 * time.Minute), fresh, false},
		"clock went back":         {nil, now.Add(-2 * time.Minute), fresh, false},
		"no page used":            {func(t *testing.T, r *Record) { r.NotBefore, r.NotAfter = time.Time{}, time.Time{} }, now.Add(time.Hour), fresh, true},
		"variable changed":        {func(t *testing.T, r *Record) { t.Setenv("MEMO_TEST_SET", "w") }, now, fresh, false},
		"variable unset":          {func(t *testing.T, r *Record) { t.Setenv("MEMO_TEST_SET", ""); os.Unsetenv("MEMO_TEST_SET") }, now, fresh, false},
		"variable set":            {func(t *testing.T, r *Record) { t.Setenv("MEMO_TEST_UNSET", "") }, now, fresh, false},
		"home moved":              {func(t *testing.T, r *Record) { t.Setenv("HOME", filepath.Join(dir, "elsewhere")) }, now, fresh, false},
		"file made unreadable": {func(t *testing.T, r *Record) {
			os.Remove(r.Observations[0].Path)
			os.Symlink("/dev/null", r.Observations[0].Path)
		}, now, fresh, false},
	} {
		t.Run(name, func(t *testing.T) {
			r := sampleRecord(t, t.TempDir())
			r.Observations[2].Path = dir
			cacheDir := r.CacheDir
			if tt.change != nil {
				tt.change(t, r)
			}
			if got := r.Holds(tt.at, cacheDir, tt.gen); got != tt.want {
				t.Errorf("Holds = %v, want %v", got, tt.want)
			}
		})
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestStoreLoad(t *testing.T) {
	cacheDir := t.TempDir()
	r := sampleRecord(t, t.TempDir())
	k := key(0)
	if got := Load(cacheDir, k); got != nil {
		t.Fatalf("Load before Store = %+v", got)
	}
	if err := Store(cacheDir, k, r); err != nil {
		t.Fatal(err)
	}
	if got := Load(cacheDir, k); fmt.Sprint(got) != fmt.Sprint(r) {
		t.Errorf("Load = %+v, want %+v", got, r)
	}
	path := filepath.Join(folder(cacheDir), k)
	data, _ := os.ReadFile(path)
	write(t, path, string(data[:len(data)/2]))
	if got := Load(cacheDir, k); got != nil {
		t.Errorf("Load of a torn record = %+v, want a miss", got)
	}
	removed, err := Clean(cacheDir)
	if err != nil || removed != folder(cacheDir) {
		t.Errorf("Clean = %q, %v", removed, err)
	}
	if removed, err := Clean(cacheDir); err != nil || removed != "" {
		t.Errorf("Clean of nothing = %q, %v", removed, err)
	}
}

// TestStoreKeepsTheNewest: past maxRecords, storing removes the oldest records.
func TestStoreKeepsTheNewest(t *testing.T) {
	cacheDir := t.TempDir()
	r := sampleRecord(t, t.TempDir())
	old := time.Now().Add(-time.Hour)
	for i := range maxRecords {
		if err := Store(cacheDir, key(i), r); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(filepath.Join(folder(cacheDir), key(i)), old, old.Add(time.Duration(i)*time.Second))
	}
	newest := key(maxRecords)
	if err := Store(cacheDir, newest, r); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(folder(cacheDir))
	if len(entries) != maxRecords {
		t.Errorf("%d records kept, want %d", len(entries), maxRecords)
	}
	if Load(cacheDir, key(0)) != nil || Load(cacheDir, newest) == nil || Load(cacheDir, key(1)) == nil {
		t.Error("not the oldest record was removed")
	}
}

// key is a record's key, as Invocation.Key makes one.
func key(i int) string { return fmt.Sprintf("%064x", i) }

// TestOnlyRecordsAreRemoved: the cache folder may be any folder, and its memo folder
// hold files that are not records; neither trimming nor Clean removes them. Clean
// removed the whole folder, and trimming the oldest files in it, whatever they were.
func TestOnlyRecordsAreRemoved(t *testing.T) {
	cacheDir := t.TempDir()
	r := sampleRecord(t, t.TempDir())
	dir := folder(cacheDir)
	mine := []string{filepath.Join(dir, "notes.txt"), filepath.Join(dir, "sub", "draft.md")}
	for _, p := range mine {
		os.MkdirAll(filepath.Dir(p), 0o755)
		write(t, p, "not a record")
		old := time.Now().Add(-24 * time.Hour)
		os.Chtimes(p, old, old)
	}
	for i := range maxRecords + 1 {
		if err := Store(cacheDir, key(i), r); err != nil {
			t.Fatal(err)
		}
	}
	if n := Count(cacheDir); n != maxRecords {
		t.Errorf("Count = %d, want %d", n, maxRecords)
	}
	if removed, err := Clean(cacheDir); err != nil || removed != dir {
		t.Errorf("Clean = %q, %v", removed, err)
	}
	for _, p := range mine {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	if n := Count(cacheDir); n != 0 {
		t.Errorf("Count after Clean = %d", n)
	}
}

func TestCacheDirArg(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"check"}, ""},
		{[]string{"check", "--cache-dir", "/c"}, "/c"},
		{[]string{"check", "--cache-dir=/c"}, "/c"},
		{[]string{"check", "--cache-dir=/a", "--cache-dir", "/b"}, "/b"},
		{[]string{"check", "--", "--cache-dir", "/c"}, ""},
		{[]string{"check", "--cache-dir"}, ""},
	} {
		if got := CacheDirArg(tt.args); got != tt.want {
			t.Errorf("CacheDirArg(%q) = %q, want %q", tt.args, got, tt.want)
		}
	}
}

func TestRecorder(t *testing.T) {
	var rec Recorder
	var out, errs bytes.Buffer
	stdout, stderr := rec.Writer(&out, false), rec.Writer(&errs, true)
	fmt.Fprint(stdout, "a")
	fmt.Fprint(stderr, "b")
	fmt.Fprint(stdout, "c")
	if out.String() != "ac" || errs.String() != "b" {
		t.Errorf("written on: %q, %q", out.String(), errs.String())
	}
	r := &Record{Output: rec.Output()}
	var out2, errs2 bytes.Buffer
	r.Replay(&out2, &errs2)
	if out2.String() != "ac" || errs2.String() != "b" || len(r.Output) != 3 || !r.Output[1].Stderr {
		t.Errorf("replayed %q, %q from %+v", out2.String(), errs2.String(), r.Output)
	}
	f, err := os.CreateTemp(t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if fd := rec.Writer(f, false).(interface{ Fd() uintptr }).Fd(); fd != f.Fd() {
		t.Errorf("Fd = %d, want the file's %d", fd, f.Fd())
	}
}

func TestOff(t *testing.T) {
	for value, off := range map[string]bool{"": false, "on": false, "1": false, "TRUE": false, "yes": false,
		"off": true, "0": true, "false": true, "No": true, "disabled": true} {
		t.Setenv(Env, value)
		if got := Off(); got != off {
			t.Errorf("%s=%q: Off = %v, want %v", Env, value, got, off)
		}
	}
}

package engine

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/depsolve/depsolve/lockfile"
	"github.com/depsolve/depsolve/reqfile"
	"github.com/depsolve/depsolve/target"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// lockedGPUKinds are GPUs of every kind a target holds, and names that hold the
// syntax's separators, escapes and what a header line or pip would split or trim.
var lockedGPUKinds = []target.GPU{
	{Name: "H100", Capability: "9.0", Count: 2},
	{Name: "RTX 4090", Capability: "8.9", Count: 1},
	{Name: "B200", Capability: "10.0", Count: 1},
	{Name: "sm_80", Capability: "8.0", Count: 1},
	{Name: "9.0", Capability: "9.0", Count: 3},
	{Name: "Mystery", Count: 1},
	{Name: "NVIDIA H100 80GB HBM3", Capability: "9.0", Count: 8},
	{Name: "Quadro X (PCIe)", Capability: "7.5", Count: 1},
	{Name: "A, B cc=1.0 count=2", Capability: "1.0", Count: 1},
	{Name: " padded  ", Capability: "8.6", Count: 1},
	{Name: "100% = \\path\\", Capability: "8.6", Count: 1},
	{Name: "line\nbreak\u2028sep\u00a0nbsp\x7f", Capability: "8.6", Count: 1},
	{Name: "bad \xff byte", Count: 1},
	{Name: `quoted "name" # not a comment`, Capability: "12.1", Count: 1},
}

// The GPUs a lock records read back as written, one by one and all together.
func TestLockedGPUsRoundTrip(t *testing.T) {
	origin := target.Origin{From: target.FromLock}
	check := func(gpus []target.GPU) {
		t.Helper()
		text := writeLockedGPUs(gpus)
		got, err := readLockedGPUs(text, origin)
		if err != nil {
			t.Fatalf("read %q: %v", text, err)
		}
		want := make([]target.GPU, len(gpus))
		for i, g := range gpus {
			g.Origin = origin
			want[i] = g
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%q read back (-want +got):\n%s", text, diff)
		}
	}
	for _, g := range lockedGPUKinds {
		check([]target.GPU{g})
	}
	check(lockedGPUKinds)
	if got, want := writeLockedGPUs(lockedGPUKinds[:6]), "H100 cc=9.0 count=2, RTX 4090 cc=8.9, B200 cc=10.0, sm_80 cc=8.0, 9.0 cc=9.0 count=3, Mystery cc=unknown"; got != want {
		t.Errorf("written %q, want %q", got, want)
	}
}

func FuzzLockedGPUsRoundTrip(f *testing.F) {
	for _, g := range lockedGPUKinds {
		f.Add(g.Name, g.Capability, g.Count)
	}
	f.Fuzz(func(t *testing.T, name, capability string, count int) {
		if name == "" || count < 1 || capability == unknownCapability {
			t.Skip("not a GPU of a target")
		}
		gpus := []target.GPU{{Name: name, Capability: capability, Count: count}, {Name: name, Count: 1}}
		text := writeLockedGPUs(gpus)
		got, err := readLockedGPUs(text, target.Origin{})
		if err != nil {
			t.Fatalf("read %q: %v", text, err)
		}
		if diff := cmp.Diff(gpus, got); diff != "" {
			t.Errorf("%q read back (-want +got):\n%s", text, diff)
		}
	})
}

// A target's GPUs, and a target without one, go through a requirements lock's header
// and a pylock.toml's [tool.depsolve] and read back as they were.
func TestLockedTargetGPUsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name string
		tgt  target.Target
	}{
		{"fleet", target.Target{GPUs: lockedGPUKinds}},
		{"no GPU", target.Target{CPU: target.Toggle{Set: true, On: true}}},
		{"GPUs unknown", target.Target{}},
	} {
		l := &lockfile.Lock{Command: "depsolve lock", Target: targetFields(&tt.tgt), Packages: []lockfile.Package{{Name: "numpy", Version: "1.26.4"}}}
		for _, format := range []string{"requirements.lock", "pylock.toml"} {
			var b bytes.Buffer
			var err error
			if format == "pylock.toml" {
				err = lockfile.WritePylock(&b, l)
			} else {
				err = lockfile.WriteRequirements(&b, l, lockfile.RequirementsOptions{})
			}
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, format)
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := reqfile.Parse(path, reqfile.Options{})
			if err != nil {
				t.Fatalf("%s %s: %v\n%s", tt.name, format, err, b.String())
			}
			var r recordingReporter
			d, err := lockTarget(&r, f)
			if err != nil {
				t.Fatalf("%s %s: %v\n%s", tt.name, format, err, b.String())
			}
			if len(r.messages) > 0 {
				t.Errorf("%s %s: reported %q", tt.name, format, r.messages)
			}
			if diff := cmp.Diff(tt.tgt.GPUs, d.GPUs, cmpopts.IgnoreFields(target.GPU{}, "Origin")); diff != "" {
				t.Errorf("%s %s: GPUs read back (-want +got):\n%s\n%s", tt.name, format, diff, b.String())
			}
			if d.CPU.On != tt.tgt.CPU.On {
				t.Errorf("%s %s: CPU %v, want %v", tt.name, format, d.CPU.On, tt.tgt.CPU.On)
			}
		}
	}
}

// A gpus value in the lock syntax that depsolve lock cannot have written is an error
// at its place that says what was wrong and to lock again, not GPUs guessed at.
func TestLockedGPUsMalformed(t *testing.T) {
	for _, tt := range []struct{ text, want string }{
		{"H100 cc=9.0 count=0", `GPU 1 ("H100 cc=9.0 count=0"): count "0" is not a number of devices`},
		{"H100 cc=9.0, A100", `GPU 2 ("A100"): no cc field`},
		{"H100 cc=9.0 cc=9.0", `GPU 1 ("H100 cc=9.0 cc=9.0"): cc given twice`},
		{"H100 cc=9.0 memory=80GB", `GPU 1 ("H100 cc=9.0 memory=80GB"): unknown field "memory=80GB"`},
		{"H1%G0 cc=9.0", `GPU 1 ("H1%G0 cc=9.0"): name: "H1%G0": % must be followed by two hex digits`},
		{" cc=9.0", `GPU 1 (" cc=9.0"): empty name`},
		{"H100 cc=9.0 count=2%", `count: "2%": % must be followed by two hex digits`},
	} {
		_, err := readLockedGPUs(tt.text, target.Origin{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("readLockedGPUs(%q) = %v, want an error holding %q", tt.text, err, tt.want)
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "pylock.toml")
	text := "lock-version = \"1.0\"\ncreated-by = \"depsolve\"\n\n[tool.depsolve]\npython = \"3.11.9\"\ngpus = \"H100 cc=9.0 count=two\"\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := reqfile.Parse(path, reqfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = lockTarget(&recordingReporter{}, f)
	want := path + `:6:8: gpus: GPU 1 ("H100 cc=9.0 count=two"): count "two" is not a number of devices`
	var re *reqfile.Error
	if !errors.As(err, &re) || !strings.HasPrefix(err.Error(), want) || !strings.Contains(re.Hint, "run depsolve lock again") {
		t.Errorf("lockTarget = %#v, want %s… and a hint to lock again", err, want)
	}
}

type recordingReporter struct{ messages []string }

func (r *recordingReporter) Warn(msg string) { r.messages = append(r.messages, msg) }
func (r *recordingReporter) Note(msg string) { r.messages = append(r.messages, msg) }
func (r *recordingReporter) Progress(string, func() (int64, int64)) func() {
	return func() {}
}

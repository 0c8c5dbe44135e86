package engine

import (
	"os"
	"slices"
	"testing"

	"github.com/depsolve/depsolve/internal/runlog"
)

// TestDefaultInputTellsTheRunLog: given no FILE, what a check reads depends on what is
// absent as much as on what is there: a requirements.txt created later changes it.
func TestDefaultInputTellsTheRunLog(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.WriteFile(DefaultProject, []byte("[project]\nname = \"x\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l := runlog.Start()
	defer l.Stop()
	if got := defaultInput(); got != DefaultProject {
		t.Fatalf("read %s, want %s", got, DefaultProject)
	}
	want := []runlog.Observation{{Path: DefaultProject, Kind: runlog.Present}, {Path: DefaultRequirements, Kind: runlog.Missing}}
	if got := l.Observations(); !slices.Equal(got, want) {
		t.Errorf("observed %+v, want %+v", got, want)
	}
}

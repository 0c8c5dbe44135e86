package reqfile

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/depsolve/depsolve/internal/runlog"
)

// TestReadFileTellsTheRunLog: every file Parse reads, included ones too, is recorded
// with its content; a file that is not there, as absent; a path only looked at (a
// --find-links folder beside the file), as what is there.
func TestReadFileTellsTheRunLog(t *testing.T) {
	dir := t.TempDir()
	main := filepath.Join(dir, "requirements.txt")
	included := filepath.Join(dir, "base.txt")
	mainText := []byte("-r base.txt\n--find-links wheels\ntorch\n")
	includedText := []byte("numpy\n")
	for path, data := range map[string][]byte{main: mainText, included: includedText} {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	missing := filepath.Join(dir, "constraints.txt")
	l := runlog.Start()
	defer l.Stop()
	if _, err := Parse(main, Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(missing); !os.IsNotExist(err) {
		t.Fatalf("reading %s: %v", missing, err)
	}
	want := []runlog.Observation{
		{Path: included, Kind: runlog.File, Digest: sha256.Sum256(includedText)},
		{Path: missing, Kind: runlog.Missing},
		{Path: main, Kind: runlog.File, Digest: sha256.Sum256(mainText)},
		{Path: filepath.Join(dir, "wheels"), Kind: runlog.Missing},
	}
	if got := l.Observations(); !slices.Equal(got, want) {
		t.Errorf("observed %+v\nwant %+v", got, want)
	}
	if got := l.Unrepeatable(); got != nil {
		t.Errorf("unrepeatable for %q", got)
	}
}

// TestReadFileOfTooLargeIsUnrepeatable: a file past MaxFileSize is an error the run
// reports, and not content a later run could compare.
func TestReadFileOfTooLargeIsUnrepeatable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "requirements.txt")
	if err := os.WriteFile(path, make([]byte, MaxFileSize+1), 0o644); err != nil {
		t.Fatal(err)
	}
	l := runlog.Start()
	defer l.Stop()
	if _, err := ReadFile(path); err == nil {
		t.Fatal("read a file past MaxFileSize")
	}
	if got := l.Observations(); len(got) != 0 {
		t.Errorf("observed %+v", got)
	}
	if got, want := l.Unrepeatable(), []string{"reading " + path + " failed"}; !slices.Equal(got, want) {
		t.Errorf("unrepeatable for %q, want %q", got, want)
	}
}

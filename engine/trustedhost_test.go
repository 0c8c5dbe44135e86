package engine_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/depsolve/depsolve/engine"
	"github.com/depsolve/depsolve/target"
)

// A --trusted-host with a line break in it is a bad flag, refused before anything is
// resolved; it was refused only as the lock was written, whose header repeats the
// command, as a failure to write the lock (exit 3).
func TestTrustedHostWithALineBreak(t *testing.T) {
	req := offline(tempCache())
	req.TrustedHosts = []string{"host.example\n--index-url https://elsewhere.example/simple"}
	out := filepath.Join(t.TempDir(), "requirements.lock")
	_, err := engine.Lock(context.Background(), engine.LockRequest{Request: req, Output: out, Command: "depsolve lock --trusted-host …"})
	var ie *target.InputError
	if !errors.As(err, &ie) || ie.Flag != "--trusted-host" {
		t.Fatalf("got %v (%T), want an *target.InputError about --trusted-host", err, err)
	}
	if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the lock was written: %v", err)
	}
}

// Nor is any other flag value with a control character in it (--build-arg 'X=1
// <line break>…') taken only to be refused once the lock is resolved.
func TestLockCommandWithALineBreak(t *testing.T) {
	req := offline(tempCache())
	out := filepath.Join(t.TempDir(), "requirements.lock")
	_, err := engine.Lock(context.Background(), engine.LockRequest{Request: req, Output: out, Command: "depsolve lock --build-arg 'X=1\n--index-url https://elsewhere.example/simple'"})
	var re *engine.RequestError
	if !errors.As(err, &re) {
		t.Fatalf("got %v (%T), want an *engine.RequestError", err, err)
	}
	if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the lock was written: %v", err)
	}
}

//go:build unix

package reqfile

import (
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"

	"github.com/depsolve/depsolve/internal/runlog"
)

// TestReadFileOfPipeIsUnrepeatable: a requirements file that is a named pipe (or
// /dev/stdin, a device) is read, but not recorded as content: a later run that read it
// again to compare would consume what another process writes there.
func TestReadFileOfPipeIsUnrepeatable(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "requirements.txt")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	wrote := make(chan error, 1)
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			wrote <- err
			return
		}
		_, err = w.WriteString("torch\n")
		w.Close()
		wrote <- err
	}()
	l := runlog.Start()
	defer l.Stop()
	data, err := ReadFile(fifo)
	if err != nil || string(data) != "torch\n" {
		t.Fatalf("read %q, %v", data, err)
	}
	if err := <-wrote; err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(os.DevNull); err != nil {
		t.Fatal(err)
	}
	if got := l.Observations(); len(got) != 0 {
		t.Errorf("observed %+v: a pipe or a device recorded as a file", got)
	}
	want := []string{"reading " + fifo + ", which is not a regular file", "reading " + os.DevNull + ", which is not a regular file"}
	if got := l.Unrepeatable(); !slices.Equal(got, want) {
		t.Errorf("unrepeatable for %q, want %q", got, want)
	}
}

package reqfile

import (
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/depsolve/depsolve/internal/runlog"
)

// MaxFileSize is the most depsolve reads of one input file: a requirements file,
// pyproject.toml, pylock.toml or depsolve.toml. Real ones are kilobytes; the bound
// keeps a mistaken or hostile one (-r /dev/zero, a pyproject.toml of gigabytes) from
// exhausting memory.
const MaxFileSize = 16 << 20

// ErrTooLarge is the error, wrapped in an *fs.PathError, of reading a file larger
// than MaxFileSize.
var ErrTooLarge = fmt.Errorf("it is larger than %d MiB, the most depsolve reads of an input file", MaxFileSize>>20)

// ReadFile reads the named file as os.ReadFile does, except that it reads no more
// than MaxFileSize bytes and one more of anything, a device or a pipe included. It
// tells the run's log (package runlog) what it read.
func ReadFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		runlog.ReadFile(name, nil, err)
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err == nil && len(data) > MaxFileSize {
		err = &fs.PathError{Op: "read", Path: name, Err: ErrTooLarge}
	}
	runlog.ReadOpenFile(name, f, data, err)
	if err != nil {
		return nil, err
	}
	return data, nil
}

// readInput reads the named file through fsys, within MaxFileSize whatever fsys is.
func readInput(fsys FS, name string) ([]byte, error) {
	data, err := fsys.ReadFile(name)
	if err == nil && len(data) > MaxFileSize {
		return nil, &fs.PathError{Op: "read", Path: name, Err: ErrTooLarge}
	}
	return data, err
}

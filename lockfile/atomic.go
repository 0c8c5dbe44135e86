package lockfile

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// ErrReadOnly is the cause WriteFileAtomic and CheckReplaceable give for a file whose
// owner may not write it: replacing it by rename would quietly defeat its protection.
var ErrReadOnly = errors.New("the file is read-only")

// ErrNotRegular is their cause for a path that is not a regular file (a device, a pipe):
// renaming over it would replace the node, not write into it.
var ErrNotRegular = errors.New("not a regular file")

// WriteFileAtomic replaces path with data so that a reader sees either the old file or
// the new one, never a partial write: the bytes go to a temporary file in the same
// directory, which is synced and then renamed over path. On any failure the old file is
// left untouched and the temporary file is removed. Errors name path, not the
// temporary file, and wrap the cause (errors.Is(err, fs.ErrPermission) works).
//
// A symbolic link is written through: the file it leads to is replaced and the link
// stays. An existing file keeps its permission bits; one its owner may not write is
// refused (ErrReadOnly), as is a path that is not a regular file (ErrNotRegular). A new
// file gets perm less the umask.
func WriteFileAtomic(path string, data []byte, perm fs.FileMode) (err error) {
	target, existing, err := replaceable(path)
	if err != nil {
		return err
	}
	dir := filepath.Dir(target)
	tmp, err := createTemp(dir, "."+filepath.Base(target)+".tmp-", perm)
	if err != nil {
		return writeError(path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return writeError(path, err)
	}
	if existing != nil {
		// Chmod, unlike creation, is not subject to the umask: the mode is kept exactly.
		if err = tmp.Chmod(existing.Mode().Perm()); err != nil {
			return writeError(path, err)
		}
	}
	if err = tmp.Sync(); err != nil {
		return writeError(path, err)
	}
	if err = tmp.Close(); err != nil {
		return writeError(path, err)
	}
	if err = os.Rename(tmp.Name(), target); err != nil {
		return writeError(path, err)
	}
	// Sync the directory so the rename itself survives a crash.
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// CheckReplaceable reports the error WriteFileAtomic would give for path before any
// bytes exist: a read-only file, something other than a file, a link that loops, a
// folder no file can be made in (*FolderError: WriteFileAtomic makes its temporary file
// there). A path that does not exist yet is fine.
func CheckReplaceable(path string) error {
	target, _, err := replaceable(path)
	if err != nil {
		return err
	}
	dir := filepath.Dir(target)
	probe, err := createTemp(dir, "."+filepath.Base(target)+".tmp-", 0o600)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("cannot write %s: %w", path, &FolderError{Dir: dir, Err: err})
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
}

// FolderError is a folder in which no file can be made (no write permission, a
// read-only file system).
type FolderError struct {
	Dir string
	Err error
}

func (e *FolderError) Error() string { return "cannot make a file in " + e.Dir + ": " + e.Err.Error() }
func (e *FolderError) Unwrap() error { return e.Err }

// maxLinks bounds the symbolic links followed from one path, as the kernel bounds them.
const maxLinks = 40

// replaceable follows path's symbolic links to the file a write should replace, and
// returns it with its FileInfo (nil when it does not exist yet: a dangling link creates
// its target, as a shell's > does).
func replaceable(path string) (target string, existing fs.FileInfo, err error) {
	target = path
	for range maxLinks {
		fi, err := os.Lstat(target)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			// A link the kernel resolves itself names no path yet opens something:
			// /dev/stdout is /proc/self/fd/1, a link to "pipe:[N]". What path opens
			// decides then (reading a pipe for its pins would wait forever).
			if target != path {
				if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
					return "", nil, writeError(path, ErrNotRegular)
				}
			}
			return target, nil, nil
		case err != nil:
			return "", nil, writeError(path, err)
		case fi.Mode()&fs.ModeSymlink != 0:
			link, err := os.Readlink(target)
			if err != nil {
				return "", nil, writeError(path, err)
			}
			if !filepath.IsAbs(link) {
				link = filepath.Join(filepath.Dir(target), link)
			}
			target = link
		case !fi.Mode().IsRegular():
			return "", nil, writeError(path, ErrNotRegular)
		case fi.Mode().Perm()&0o200 == 0:
			return "", nil, writeError(path, fmt.Errorf("%w (mode %04o)", ErrReadOnly, fi.Mode().Perm()))
		default:
			return target, fi, nil
		}
	}
	return "", nil, writeError(path, fmt.Errorf("more than %d symbolic links, or a loop", maxLinks))
}

// createTemp creates a new file in dir whose name starts with prefix, with perm less
// the umask (os.CreateTemp always gives 0600, and the umask cannot be read without
// changing it for the whole process).
func createTemp(dir, prefix string, perm fs.FileMode) (*os.File, error) {
	var err error
	for range 100 {
		name := filepath.Join(dir, prefix+strconv.FormatUint(rand.Uint64(), 36))
		var f *os.File
		if f, err = os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm); !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, err
}

// writeError says that path could not be written, and why, without the name of the
// temporary file the cause may carry.
func writeError(path string, err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	return fmt.Errorf("cannot write %s: %w", path, err)
}

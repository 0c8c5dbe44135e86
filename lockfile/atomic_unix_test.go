//go:build unix

package lockfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// A lock written to a symbolic link goes where the link leads; the link stays a link.
func TestWriteFileAtomicThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "locks", "real.lock")
	if err := os.Mkdir(filepath.Dir(real), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(real, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "requirements.lock")
	if err := os.Symlink("locks/real.lock", link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(link, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v, %v", fi.Mode(), err)
	}
	if got, _ := os.ReadFile(real); string(got) != "new" {
		t.Fatalf("the link's target holds %q, want the new lock", got)
	}
	entries, _ := os.ReadDir(filepath.Dir(real))
	if len(entries) != 1 {
		t.Errorf("the target's folder holds %d entries, want 1 (a temporary file left?)", len(entries))
	}

	// A dangling link creates its target, as a shell's > does.
	dangling := filepath.Join(dir, "pylock.toml")
	if err := os.Symlink("locks/new.toml", dangling); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(dangling, []byte("made"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "locks", "new.toml")); string(got) != "made" {
		t.Fatalf("the dangling link's target holds %q", got)
	}

	loop := filepath.Join(dir, "loop")
	if err := os.Symlink("loop", loop); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(loop, []byte("x"), 0o644); err == nil {
		t.Fatal("writing through a looping link succeeded")
	}
}

// Replacing a file keeps its permission bits; a new one gets perm less the umask.
func TestWriteFileAtomicModes(t *testing.T) {
	dir := t.TempDir()
	for _, mode := range []fs.FileMode{0o600, 0o640, 0o664, 0o755} {
		path := filepath.Join(dir, "lock-"+mode.String())
		if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		if err := WriteFileAtomic(path, []byte("new"), 0o644); err != nil {
			t.Fatal(err)
		}
		if fi, _ := os.Stat(path); fi.Mode().Perm() != mode {
			t.Errorf("a %04o file came out %04o", mode, fi.Mode().Perm())
		}
	}

	old := syscall.Umask(0o027)
	defer syscall.Umask(old)
	path := filepath.Join(dir, "new.lock")
	if err := WriteFileAtomic(path, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o640 {
		t.Errorf("a new file under umask 027 came out %04o, want 0640", fi.Mode().Perm())
	}
}

// A read-only file is refused, whoever runs (root could rename over it), and is left
// as it was; so is a path that is not a regular file.
func TestWriteFileAtomicRefusesReadOnly(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "frozen.lock")
	if err := os.WriteFile(path, []byte("old"), 0o444); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.lock")
	if err := os.Symlink("frozen.lock", link); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, link} {
		if err := CheckReplaceable(p); !errors.Is(err, ErrReadOnly) {
			t.Errorf("CheckReplaceable(%s) = %v, want ErrReadOnly", p, err)
		}
		err := WriteFileAtomic(p, []byte("new"), 0o644)
		if !errors.Is(err, ErrReadOnly) || err.Error() != "cannot write "+p+": the file is read-only (mode 0444)" {
			t.Errorf("WriteFileAtomic(%s) = %v", p, err)
		}
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("the read-only file now holds %q", got)
	}
	if err := CheckReplaceable(os.DevNull); !errors.Is(err, ErrNotRegular) {
		t.Errorf("CheckReplaceable(%s) = %v, want ErrNotRegular", os.DevNull, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("%d entries, want 2 (a temporary file left?)", len(entries))
	}
}

// A path the kernel resolves to a pipe through a link that names no file (/dev/stdout
// when stdout is a pipe: /proc/self/fd/1 -> "pipe:[N]") is not a file to replace: it was
// taken for a new file, and lock then read the pipe for its earlier pins, waiting forever.
func TestCheckReplaceableRefusesAPipeBehindALink(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	path := fmt.Sprintf("/proc/self/fd/%d", w.Fd())
	if _, err := os.Lstat(path); err != nil {
		t.Skipf("no /proc/self/fd here: %v", err)
	}
	if err := CheckReplaceable(path); !errors.Is(err, ErrNotRegular) {
		t.Errorf("CheckReplaceable(%s), a pipe: %v, want ErrNotRegular", path, err)
	}
}

package lockfile

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadPylockRoundTrip(t *testing.T) {
	l := sampleLock()
	var b bytes.Buffer
	if err := WritePylock(&b, l); err != nil {
		t.Fatal(err)
	}
	got, err := ReadPylock(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(l.Target, got.Target); diff != "" {
		t.Errorf("target (-want +got):\n%s", diff)
	}
	// What was written, read back: sorted, redacted, files of each package.
	var again bytes.Buffer
	got.Command = l.Command
	if err := WritePylock(&again, got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(b.String(), again.String()); diff != "" {
		t.Errorf("write(read(write(l))) differs from write(l) (-first +second):\n%s", diff)
	}
}

func TestReadPylockErrors(t *testing.T) {
	for _, doc := range []string{
		`lock-version = "2.0"`,
		`packages = [`,
		`created-by = "x"`, // no lock-version
	} {
		if _, err := ReadPylock([]byte(doc)); err == nil || !strings.HasPrefix(err.Error(), "pylock: ") {
			t.Errorf("ReadPylock(%q): err = %v, want a pylock error", doc, err)
		}
	}
	l, err := ReadPylock([]byte("lock-version = \"1.0\"\nfuture-key = 1\n[[packages]]\nname = \"a\"\nversion = \"1\"\n[[packages.wheels]]\nurl = \"https://x/a-1-py3-none-any.whl\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Packages) != 1 || l.Packages[0].Files[0].Name != "a-1-py3-none-any.whl" {
		t.Errorf("got %+v", l.Packages)
	}
}

// TestReadPylockTooDeep: a lock nested a million arrays deep is refused before the
// decoder, which recurses once a level, reads it.
func TestReadPylockTooDeep(t *testing.T) {
	const depth = 1_000_000
	doc := "lock-version = \"1.0\"\npackages = " + strings.Repeat("[", depth) + strings.Repeat("]", depth) + "\n"
	_, err := ReadPylock([]byte(doc))
	if want := "pylock: 2:112: arrays and inline tables nest deeper than 100"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

// FuzzReadPylock: any input is read or refused with an error, never a panic, and what
// is read writes out again, unless the writer refuses a value no lock may hold.
func FuzzReadPylock(f *testing.F) {
	golden, err := os.ReadFile(filepath.Join("testdata", "pylock.golden.toml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	f.Add([]byte("lock-version = \"1.0\"\n[[packages]]\nname = \"a\"\n[packages.sdist]\npath = \"a-1.tar.gz\"\n"))
	f.Add([]byte("lock-version = \"1\"\n[tool.depsolve]\npython = \"3.11\"\ngpus = 3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ReadPylock(data)
		if err != nil {
			return
		}
		var refused *ValueError
		if err := WritePylock(io.Discard, l); err != nil && !errors.As(err, &refused) {
			t.Fatal(err)
		}
	})
}

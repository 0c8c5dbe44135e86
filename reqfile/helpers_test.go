package reqfile

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// memFS serves files from memory. Paths are cleaned and taken relative to an
// imaginary working directory; paths outside it do not exist.
type memFS struct{ m fstest.MapFS }

// newFS builds a memFS from name, content pairs. A name ending in "/" is an empty
// directory.
func newFS(pairs ...string) memFS {
	m := fstest.MapFS{}
	for i := 0; i+1 < len(pairs); i += 2 {
		name := pairs[i]
		if strings.HasSuffix(name, "/") {
			m[strings.TrimSuffix(name, "/")] = &fstest.MapFile{Mode: fs.ModeDir | 0o755}
			continue
		}
		m[name] = &fstest.MapFile{Data: []byte(pairs[i+1])}
	}
	return memFS{m}
}

func (f memFS) name(p string) (string, error) {
	p = filepath.ToSlash(filepath.Clean(p))
	if !fs.ValidPath(p) {
		return "", &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
	}
	return p, nil
}

func (f memFS) ReadFile(name string) ([]byte, error) {
	p, err := f.name(name)
	if err != nil {
		return nil, err
	}
	return fs.ReadFile(f.m, p)
}

func (f memFS) Stat(name string) (fs.FileInfo, error) {
	p, err := f.name(name)
	if err != nil {
		return nil, err
	}
	return fs.Stat(f.m, p)
}

// env is a fake environment for ${NAME}.
func env(pairs ...string) func(string) (string, bool) {
	m := map[string]string{}
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i]] = pairs[i+1]
	}
	return func(name string) (string, bool) {
		v, ok := m[name]
		return v, ok
	}
}

// parseFiles parses the first file of the pairs with the others beside it.
func parseFiles(t *testing.T, opts Options, pairs ...string) (*File, error) {
	t.Helper()
	opts.FS = newFS(pairs...)
	if opts.LookupEnv == nil {
		opts.LookupEnv = env()
	}
	return Parse(pairs[0], opts)
}

// mustParse parses requirements.txt with the given content and fails on error.
func mustParse(t *testing.T, content string, more ...string) *File {
	t.Helper()
	f, err := parseFiles(t, Options{}, append([]string{"requirements.txt", content}, more...)...)
	if err != nil {
		t.Fatalf("Parse: %v", describe(err))
	}
	return f
}

func describe(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.ErrorWithContext()
	}
	return err.Error()
}

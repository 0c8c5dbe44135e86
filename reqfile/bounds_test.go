package reqfile

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
)

// allocated returns the bytes that f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// countingFS counts the reads of each file.
type countingFS struct {
	memFS
	reads map[string]int
}

func (f countingFS) ReadFile(name string) ([]byte, error) {
	f.reads[filepath.Clean(name)]++
	return f.memFS.ReadFile(name)
}

// TestIncludeDAGReadsEachFileOnce: 16 files, each including the next twice, are
// 2^16 readings the way pip reads them; depsolve reads each file once.
func TestIncludeDAGReadsEachFileOnce(t *testing.T) {
	var pairs []string
	for i := range 16 {
		pairs = append(pairs, fmt.Sprintf("f%d.txt", i), fmt.Sprintf("pkg%d\n-r f%d.txt\n-r ./f%d.txt\n", i, i+1, i+1))
	}
	pairs = append(pairs, "f16.txt", "pkg16\n")
	fsys := countingFS{newFS(pairs...), map[string]int{}}
	f, err := Parse("f0.txt", Options{FS: fsys, LookupEnv: env()})
	if err != nil {
		t.Fatal(describe(err))
	}
	for name, n := range fsys.reads {
		if n != 1 {
			t.Errorf("%s read %d times", name, n)
		}
	}
	if len(f.Requirements) != 17 || len(f.Warnings) != 0 {
		t.Errorf("got %d requirements, warnings %v; want 17 and none", len(f.Requirements), f.Warnings)
	}
}

// TestIncludeAgainWarnsOfOptions: a file read once sets its options once, which pip
// would set again where it is named again; that is said, since the order of
// --index-url lines matters.
func TestIncludeAgainWarnsOfOptions(t *testing.T) {
	f, err := parseFiles(t, Options{},
		"requirements.txt", "-r base.txt\n--index-url https://b.example/simple\n-r base.txt\n-r plain.txt\n-r plain.txt\n",
		"base.txt", "--index-url https://a.example/simple\nnumpy\n",
		"plain.txt", "scipy\n")
	if err != nil {
		t.Fatal(describe(err))
	}
	var got []string
	for _, w := range f.Warnings {
		got = append(got, w.String())
	}
	want := "requirements.txt:3:1: -r base.txt is read once, first at requirements.txt:1:1: the options it sets apply there, not again here as pip would apply them"
	if len(got) != 1 || got[0] != want {
		t.Errorf("warnings:\n%s\nwant\n%s", strings.Join(got, "\n"), want)
	}
	if len(f.Requirements) != 2 {
		t.Errorf("got %d requirements, want 2", len(f.Requirements))
	}
}

// TestIncludeDepth: a chain of 20,000 files stops at the line that includes the
// 101st, in bounded memory (each level used to copy the chain above it: 4 GB).
func TestIncludeDepth(t *testing.T) {
	const files = 20_000
	m := fstest.MapFS{}
	for i := range files {
		m[fmt.Sprintf("f%d.txt", i)] = &fstest.MapFile{Data: fmt.Appendf(nil, "pkg%d\n-r f%d.txt\n", i, i+1)}
	}
	var err error
	if n := allocated(func() { _, err = Parse("f0.txt", Options{FS: memFS{m}, LookupEnv: env()}) }); n > 16<<20 {
		t.Errorf("allocated %d bytes", n)
	}
	want := "f99.txt:2:4: includes nest deeper than 100 files"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestIncludedFilesBound(t *testing.T) {
	pairs := []string{"requirements.txt", ""}
	var top strings.Builder
	for i := range MaxIncludedFiles + 1 {
		fmt.Fprintf(&top, "-r f%d.txt\n", i)
		pairs = append(pairs, fmt.Sprintf("f%d.txt", i), "pkg\n")
	}
	pairs[1] = top.String()
	_, err := parseFiles(t, Options{}, pairs...)
	want := fmt.Sprintf("requirements.txt:%d:4: more than %d files are included", MaxIncludedFiles, MaxIncludedFiles)
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestFileTooLarge(t *testing.T) {
	big := strings.Repeat("numpy\n", MaxFileSize/6+1)
	for _, name := range []string{"big.txt", "pyproject.toml", "pylock.toml"} {
		_, err := parseFiles(t, Options{}, "requirements.txt", "-r big.txt\n", name, big)
		if name != "big.txt" {
			_, err = parseFiles(t, Options{}, name, big)
		}
		if err == nil || !strings.Contains(err.Error(), "is larger than 16 MiB, the most depsolve reads of an input file") {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

// TestIncludeDevZero: -r /dev/zero reads 16 MiB and stops, with an error that names it.
func TestIncludeDevZero(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	path := filepath.Join(t.TempDir(), "requirements.txt")
	if err := os.WriteFile(path, []byte("numpy\n-r /dev/zero\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var err error
	if n := allocated(func() { _, err = Parse(path, Options{}) }); n > 128<<20 {
		t.Errorf("allocated %d bytes", n)
	}
	want := path + ":2:4: cannot read requirements file /dev/zero: it is larger than 16 MiB, the most depsolve reads of an input file"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

// TestDeepTOML: arrays nested 8,000 and 1,000,000 deep are refused at the bracket
// past the bound, before the decoder runs (which took 3 s and 1 GB at 8,000 deep, and
// overflowed its stack further down), in memory proportional to the file.
func TestDeepTOML(t *testing.T) {
	for _, depth := range []int{8_000, 1_000_000} {
		nested := strings.Repeat("[", depth) + strings.Repeat("]", depth)
		for _, tt := range []struct{ name, src string }{
			{"pyproject.toml", "[project]\ndependencies = " + nested + "\n"},
			{"pylock.toml", "lock-version = '1.0'\npackages = " + nested + "\n"},
		} {
			var err error
			n := allocated(func() { _, err = parseFiles(t, Options{}, tt.name, tt.src) })
			if limit := uint64(16 * len(tt.src)); n > limit {
				t.Errorf("%s, %d deep: allocated %d bytes, more than %d", tt.name, depth, n, limit)
			}
			col := strings.Index(tt.src[strings.IndexByte(tt.src, '\n')+1:], "[") + 1 + 100
			want := fmt.Sprintf("%s:2:%d: invalid TOML: arrays and inline tables nest deeper than 100", tt.name, col)
			if err == nil || err.Error() != want {
				t.Errorf("%s, %d deep: got %v, want %s", tt.name, depth, err, want)
			}
		}
	}
}

// TestGroupsIncludedTwiceOver: 18 dependency groups, each including the next twice,
// expand each group once rather than 2^18 times (which allocated hundreds of MB).
func TestGroupsIncludedTwiceOver(t *testing.T) {
	var b strings.Builder
	b.WriteString("[dependency-groups]\n")
	for i := range 18 {
		fmt.Fprintf(&b, "g%d = [\"pkg%d\", {include-group = \"g%d\"}, {include-group = \"g%d\"}]\n", i, i, i+1, i+1)
	}
	b.WriteString("g18 = [\"pkg18\"]\n")
	var f *File
	var err error
	if n := allocated(func() {
		f, err = parseFiles(t, Options{Groups: []string{"g0", "g1"}}, "pyproject.toml", b.String())
	}); n > 4<<20 {
		t.Errorf("allocated %d bytes", n)
	}
	if err != nil {
		t.Fatal(describe(err))
	}
	if len(f.Requirements) != 19 {
		t.Errorf("got %d requirements, want 19", len(f.Requirements))
	}
}

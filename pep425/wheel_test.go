package pep425

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func mustTarget(t *testing.T, python, platform string) *Supported {
	t.Helper()
	py, err := ParsePython(python)
	if err != nil {
		t.Fatal(err)
	}
	plat, err := ParsePlatform(platform)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSupported(Target{py, plat})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestTagsGolden compares the supported tag lists with packaging's, generated
// by testdata/gen_tags.py.
func TestTagsGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/tags/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no goldens: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txt")
		t.Run(name, func(t *testing.T) {
			python, platform, _ := strings.Cut(name, "-")
			python = python[2:3] + "." + python[3:]
			s := mustTarget(t, python, platform)
			var got []string
			for _, tag := range s.Tags() {
				got = append(got, tag.String())
			}
			if diff := cmp.Diff(readLines(t, file), got); diff != "" {
				t.Errorf("tags differ from packaging's (-want +got):\n%s", diff)
			}
		})
	}
}

func readLines(t *testing.T, file string) []string {
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); !strings.HasPrefix(line, "#") {
			lines = append(lines, line)
		}
	}
	return lines
}

func TestFreeThreadedTags(t *testing.T) {
	s := mustTarget(t, "3.13t", "win_amd64")
	got := []string{}
	for _, tag := range s.Tags()[:5] {
		got = append(got, tag.String())
	}
	want := []string{"cp313-cp313t-win_amd64", "cp313-abi3t-win_amd64", "cp313-none-win_amd64", "cp312-abi3t-win_amd64", "cp311-abi3t-win_amd64"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, ok := s.Rank([]Tag{{"cp313", "abi3", "win_amd64"}}); ok {
		t.Errorf("a free-threaded build accepted an abi3 wheel")
	}
	if _, ok := s.Rank([]Tag{{"cp313", "cp313", "win_amd64"}}); ok {
		t.Errorf("a free-threaded build accepted a GIL wheel")
	}
}

func TestParseFilename(t *testing.T) {
	tests := []struct {
		in   string
		want Filename
	}{
		{"torch-2.5.1+cu121-cp311-cp311-linux_x86_64.whl", Filename{"torch", "2.5.1+cu121", "", []Tag{{"cp311", "cp311", "linux_x86_64"}}}},
		{"six-1.16.0-py2.py3-none-any.whl", Filename{"six", "1.16.0", "", []Tag{{"py2", "none", "any"}, {"py3", "none", "any"}}}},
		{"foo-1.0-1-py3-none-any.whl", Filename{"foo", "1.0", "1", []Tag{{"py3", "none", "any"}}}},
		{"foo-1.0-12abc_-py3-none-any.whl", Filename{"foo", "1.0", "12abc_", []Tag{{"py3", "none", "any"}}}},
		{"typing_extensions-4.12.2-py3-none-any.whl", Filename{"typing_extensions", "4.12.2", "", []Tag{{"py3", "none", "any"}}}},
		{"Pillow-10.0.0-cp311-cp311-MANYLINUX_2_28_X86_64.whl", Filename{"Pillow", "10.0.0", "", []Tag{{"cp311", "cp311", "manylinux_2_28_x86_64"}}}},
		{"numpy-2.0.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", Filename{"numpy", "2.0.0", "", []Tag{
			{"cp311", "cp311", "manylinux_2_17_x86_64"}, {"cp311", "cp311", "manylinux2014_x86_64"}}}},
		{"zope.interface-6.0-cp311-cp311-win_amd64.whl", Filename{"zope.interface", "6.0", "", []Tag{{"cp311", "cp311", "win_amd64"}}}},
	}
	for _, tt := range tests {
		got, err := ParseFilename(tt.in)
		if err != nil {
			t.Errorf("ParseFilename(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseFilename(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestParseFilenameErrors(t *testing.T) {
	tests := []struct {
		in, msg string
		offset  int
	}{
		{"foo-1.0-py3-none-any.zip", "ends in .whl", 24},
		{"foo-1.0-none-any.whl", "found 4 dash-separated parts", 0},
		{"foo-1.0-1-2-py3-none-any.whl", "found 7", 0},
		{"foo__bar-1.0-py3-none-any.whl", "not escaped", 0},
		{"foo-1.0-x1-py3-none-any.whl", "variant labels", 8},
		{"foo-1.0-1-2x-none-any.whl", "invalid Python tag", 10},
		{"foo-1.0-py3..py2-none-any.whl", "empty component", 8},
		{"foo--py3-none-any.whl", "empty version", 4},
		{"f+o-1.0-py3-none-any.whl", "escapes", 0},
	}
	for _, tt := range tests {
		_, err := ParseFilename(tt.in)
		fe, ok := err.(*FilenameError)
		if !ok {
			t.Errorf("ParseFilename(%q) = %v, want a *FilenameError", tt.in, err)
			continue
		}
		if !strings.Contains(fe.Msg, tt.msg) || fe.Offset != tt.offset {
			t.Errorf("ParseFilename(%q) = %v; want %q at offset %d", tt.in, err, tt.msg, tt.offset)
		}
	}
}

// A FilenameParser gives what ParseFilename gives, errors included, however often it
// has seen the tag set before.
func TestFilenameParser(t *testing.T) {
	names := []string{
		"torch-2.5.1+cu121-cp311-cp311-linux_x86_64.whl",
		"torch-2.5.0+cu121-cp311-cp311-linux_x86_64.whl",
		"six-1.16.0-py2.py3-none-any.whl",
		"foo-1.0-1-py3-none-any.whl",
		"Pillow-10.0.0-cp311-cp311-MANYLINUX_2_28_X86_64.whl",
		"pillow-10.1.0-cp311-cp311-manylinux_2_28_x86_64.whl",
		"foo-1.0-1-2x-none-any.whl",
		"bar-2.0-1-2x-none-any.whl",
		"foo-1.0-py3..py2-none-any.whl",
		"foo--py3-none-any.whl",
	}
	var p FilenameParser
	for range 2 {
		for _, name := range names {
			want, wantErr := ParseFilename(name)
			got, err := p.Parse(name)
			if diff := cmp.Diff(want, got); diff != "" || fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Errorf("Parse(%q) = %v (-want +got):\n%s\nParseFilename error: %v", name, err, diff, wantErr)
			}
		}
	}
}

func TestCompareBuild(t *testing.T) {
	ordered := []string{"", "0", "1", "1a", "1b", "2", "10", "0011_x"}
	for i := range ordered {
		for j := range ordered {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := CompareBuild(ordered[i], ordered[j]); got != want {
				t.Errorf("CompareBuild(%q, %q) = %d, want %d", ordered[i], ordered[j], got, want)
			}
		}
	}
}

func TestParseSdistFilename(t *testing.T) {
	tests := []struct {
		in, project string
		want        SdistFilename
	}{
		{"python-dateutil-2.8.2.tar.gz", "python-dateutil", SdistFilename{"python-dateutil", "2.8.2", ".tar.gz"}},
		{"python_dateutil-2.9.0.tar.gz", "python-dateutil", SdistFilename{"python_dateutil", "2.9.0", ".tar.gz"}},
		{"Django-1.0.zip", "django", SdistFilename{"Django", "1.0", ".zip"}},
		{"foo-1.0-1.tar.bz2", "foo", SdistFilename{"foo", "1.0-1", ".tar.bz2"}},
		{"foo-2.0.tgz", "foo", SdistFilename{"foo", "2.0", ".tgz"}},
	}
	for _, tt := range tests {
		got, err := ParseSdistFilename(tt.in, tt.project)
		if err != nil {
			t.Errorf("ParseSdistFilename(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseSdistFilename(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
	for _, in := range []string{"foobar-1.0.tar.gz", "foo-.tar.gz", "foo-1.0.tar.xz", "foo.tar.gz"} {
		if _, err := ParseSdistFilename(in, "foo"); err == nil {
			t.Errorf("ParseSdistFilename(%q, foo) succeeded", in)
		}
	}
}

func TestParsePlatform(t *testing.T) {
	tests := []struct {
		in   string
		want Platform
		str  string
	}{
		{"manylinux_2_35_x86_64", Platform{OS: Linux, Arch: "x86_64", Glibc: Version2{2, 35}}, ""},
		{"manylinux2014_aarch64", Platform{OS: Linux, Arch: "aarch64", Glibc: Version2{2, 17}}, "manylinux_2_17_aarch64"},
		{"manylinux1_x86_64", Platform{OS: Linux, Arch: "x86_64", Glibc: Version2{2, 5}}, "manylinux_2_5_x86_64"},
		{"musllinux_1_2_x86_64", Platform{OS: Linux, Arch: "x86_64", Musl: Version2{1, 2}}, ""},
		{"linux_x86_64", Platform{OS: Linux, Arch: "x86_64"}, ""},
		{"macosx_14_0_arm64", Platform{OS: MacOS, Arch: "arm64", MacOS: Version2{14, 0}}, ""},
		{"win_amd64", Platform{OS: Windows, Arch: "amd64"}, ""},
		{"win32", Platform{OS: Windows, Arch: "x86"}, ""},
	}
	for _, tt := range tests {
		got, err := ParsePlatform(tt.in)
		if err != nil {
			t.Errorf("ParsePlatform(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParsePlatform(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
		str := tt.str
		if str == "" {
			str = tt.in
		}
		if got.String() != str {
			t.Errorf("ParsePlatform(%q).String() = %q, want %q", tt.in, got.String(), str)
		}
	}
	for _, in := range []string{"", "linux_", "manylinux_2_x86_64", "manylinux_2_35_sparc", "macosx_14_0_ppc", "macosx_9_0_x86_64", "win_sparc", "manylinux_1_0_x86_64", "solaris", "linux_sparc", "musllinux_1_2_sparc"} {
		if p, err := ParsePlatform(in); err == nil {
			t.Errorf("ParsePlatform(%q) = %+v, want an error", in, p)
		}
	}
}

// The target and the index read platform tags with this one parser, so its errors are
// what a user sees for --platform.
func TestParsePlatformErrors(t *testing.T) {
	for in, want := range map[string]string{
		"manylinux_2_35_amd64":   `platform "manylinux_2_35_amd64": unknown Linux architecture "amd64" (Linux tags say x86_64)`,
		"linux_arm64":            `platform "linux_arm64": unknown Linux architecture "arm64" (Linux tags say aarch64)`,
		"musllinux_1_2_sparc":    `platform "musllinux_1_2_sparc": unknown Linux architecture "sparc"`,
		"macosx_14_0_universal2": `platform "macosx_14_0_universal2": a target machine is arm64 or x86_64, not universal2`,
	} {
		if _, err := ParsePlatform(in); err == nil || err.Error() != want {
			t.Errorf("ParsePlatform(%q): %v, want %s", in, err, want)
		}
	}
}

func TestParsePython(t *testing.T) {
	for in, want := range map[string]Python{"3.11": {3, 11, false}, "3.11.9": {3, 11, false}, "3.13t": {3, 13, true}} {
		got, err := ParsePython(in)
		if err != nil || got != want {
			t.Errorf("ParsePython(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"3", "2.7", "3.x", "3.12t", "3.11.9.1", "py3.11"} {
		if _, err := ParsePython(in); err == nil {
			t.Errorf("ParsePython(%q) succeeded", in)
		}
	}
}

func TestRank(t *testing.T) {
	s := mustTarget(t, "3.11", "manylinux_2_35_x86_64")
	rank := func(filename string) int {
		f, err := ParseFilename(filename)
		if err != nil {
			t.Fatal(err)
		}
		r, ok := s.Rank(f.Tags)
		if !ok {
			return -1
		}
		return r
	}
	ordered := []string{
		"torch-2.5.1+cu121-cp311-cp311-linux_x86_64.whl",
		"numpy-2.0.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
		"numpy-2.0.0-cp311-cp311-manylinux1_x86_64.whl",
		"cryptography-42.0.0-cp39-abi3-manylinux_2_28_x86_64.whl",
		"six-1.16.0-py2.py3-none-any.whl",
	}
	prev := -1
	for _, f := range ordered {
		r := rank(f)
		if r <= prev {
			t.Errorf("%s ranks %d, not after the previous file's %d", f, r, prev)
		}
		prev = r
	}
	for _, f := range []string{
		"torch-2.7.1-cp311-cp311-manylinux_2_36_x86_64.whl",
		"numpy-2.0.0-cp312-cp312-manylinux_2_17_x86_64.whl",
		"numpy-2.0.0-cp311-cp311-musllinux_1_1_x86_64.whl",
		"numpy-2.0.0-cp311-cp311-manylinux_2_17_aarch64.whl",
		"numpy-2.0.0-cp311-cp311-win_amd64.whl",
	} {
		if r := rank(f); r != -1 {
			t.Errorf("%s is supported (rank %d), want unsupported", f, r)
		}
	}
}

func TestWhyNot(t *testing.T) {
	tests := []struct {
		python, platform string
		wheels           []string
		want             string
	}{
		{"3.11", "manylinux_2_27_x86_64", []string{
			"torch-2.7.1-cp311-cp311-manylinux_2_28_x86_64.whl",
			"torch-2.7.1-cp311-cp311-manylinux_2_28_aarch64.whl",
			"torch-2.7.1-cp311-cp311-win_amd64.whl",
			"torch-2.7.1-cp312-cp312-manylinux_2_28_x86_64.whl",
		}, "no wheel for glibc 2.27: its wheels need manylinux_2_28"},
		{"3.11", "manylinux_2_12_x86_64", []string{
			"numpy-2.0.0-cp311-cp311-manylinux2014_x86_64.whl",
			"numpy-2.0.0-cp311-cp311-manylinux_2_28_x86_64.whl",
		}, "no wheel for glibc 2.12: its wheels need manylinux2014"},
		{"3.13", "manylinux_2_35_x86_64", []string{
			"torch-2.0.0-cp39-cp39-manylinux1_x86_64.whl",
			"torch-2.0.0-cp310-cp310-manylinux1_x86_64.whl",
			"torch-2.0.0-cp311-cp311-manylinux1_x86_64.whl",
			"torch-2.0.0-cp313-cp313t-manylinux1_x86_64.whl",
		}, "no wheel for CPython 3.13: its wheels are for cp39, cp310, cp311, cp313-cp313t"},
		{"3.12", "macosx_11_0_arm64", []string{
			"jaxlib-0.4.30-cp312-cp312-macosx_12_0_arm64.whl",
			"jaxlib-0.4.30-cp312-cp312-macosx_10_14_x86_64.whl",
		}, "no wheel for macOS 11.0: its wheels need macosx_12_0"},
		{"3.12", "musllinux_1_1_x86_64", []string{
			"pydantic_core-2.0-cp312-cp312-musllinux_1_2_x86_64.whl",
			"pydantic_core-2.0-cp312-cp312-manylinux_2_17_x86_64.whl",
		}, "no wheel for musl 1.1: its wheels need musllinux_1_2"},
		{"3.11", "win_amd64", []string{
			"triton-3.0.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
			"triton-3.0.0-cp311-cp311-manylinux_2_17_aarch64.whl",
		}, "no wheel for win_amd64: its wheels are for manylinux2014_x86_64, manylinux_2_17_aarch64, manylinux_2_17_x86_64"},
		{"3.11", "linux_x86_64", []string{
			"numpy-2.0.0-cp311-cp311-manylinux_2_17_x86_64.whl",
		}, "no wheel for linux_x86_64: its wheels are for manylinux_2_17_x86_64"},
		{"3.11", "linux_x86_64", nil, "no files"},
	}
	for _, tt := range tests {
		s := mustTarget(t, tt.python, tt.platform)
		var wheels []Filename
		for _, w := range tt.wheels {
			f, err := ParseFilename(w)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := s.Rank(f.Tags); ok {
				t.Fatalf("%s fits %s", w, s.Target())
			}
			wheels = append(wheels, f)
		}
		if got := s.WhyNot(wheels); got != tt.want {
			t.Errorf("%s: WhyNot = %q\nwant %q", s.Target(), got, tt.want)
		}
	}
}

func TestListOf(t *testing.T) {
	got := listOf([]string{"cp310", "cp39", "cp39", "cp311", "cp38", "cp37", "cp36", "cp312", "cp313"})
	want := "cp36, cp37, cp38, cp39, cp310, cp311 and 2 more"
	if got != want {
		t.Errorf("listOf = %q, want %q", got, want)
	}
}

func FuzzParseFilename(f *testing.F) {
	for _, s := range []string{
		"torch-2.5.1+cu121-cp311-cp311-linux_x86_64.whl",
		"six-1.16.0-py2.py3-none-any.whl",
		"foo-1.0-1a-py3-none-any.whl",
		"numpy-2.0.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
	} {
		f.Add(s)
	}
	s := func() *Supported {
		s, err := NewSupported(Target{Python{3, 11, false}, Platform{OS: Linux, Arch: "x86_64", Glibc: Version2{2, 28}}})
		if err != nil {
			f.Fatal(err)
		}
		return s
	}()
	f.Fuzz(func(t *testing.T, name string) {
		w, err := ParseFilename(name)
		if err != nil {
			if _, ok := err.(*FilenameError); !ok {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		if len(w.Tags) == 0 || len(w.Tags) > maxTags {
			t.Fatalf("%d tags", len(w.Tags))
		}
		if CompareBuild(w.Build, w.Build) != 0 {
			t.Fatalf("build tag %q differs from itself", w.Build)
		}
		if _, ok := s.Rank(w.Tags); !ok {
			if why := s.WhyNot([]Filename{w}); why == "" {
				t.Fatal("empty reason")
			}
		}
		if !slices.ContainsFunc(w.Tags, func(tag Tag) bool { return strings.Contains(strings.ToLower(name), tag.Platform) }) {
			t.Fatalf("no tag's platform appears in the filename")
		}
	})
}

func FuzzParsePlatform(f *testing.F) {
	for _, s := range []string{"manylinux_2_35_x86_64", "musllinux_1_2_aarch64", "macosx_10_15_x86_64", "win32", "manylinux2014_ppc64le", "linux_armv7l"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePlatform(s)
		if err != nil {
			return
		}
		if len(p.Tags()) == 0 {
			t.Fatalf("%+v accepts no platform tag", p)
		}
		again, err := ParsePlatform(p.String())
		if err != nil || again != p {
			t.Fatalf("%q -> %+v -> %q -> %+v, %v", s, p, p.String(), again, err)
		}
	})
}

// TestRankIsPositionInTags holds Rank to its definition, a tag's first position in the
// list packaging generates, for every golden target: each listed tag, and every
// combination of their parts that the list does not hold.
func TestRankIsPositionInTags(t *testing.T) {
	files, err := filepath.Glob("testdata/tags/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no goldens: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txt")
		t.Run(name, func(t *testing.T) {
			python, platform, _ := strings.Cut(name, "-")
			s := mustTarget(t, python[2:3]+"."+python[3:], platform)
			want := map[Tag]int{}
			pys, abis := map[string]bool{}, map[string]bool{"cp39": true}
			plats := map[string]bool{"win_amd64": true, "manylinux_2_99_x86_64": true}
			for i, line := range readLines(t, file) {
				parts := strings.Split(line, "-")
				tag := Tag{parts[0], parts[1], parts[2]}
				if _, dup := want[tag]; !dup {
					want[tag] = i
				}
				pys[tag.Python], abis[tag.ABI], plats[tag.Platform] = true, true, true
			}
			for py := range pys {
				for abi := range abis {
					for plat := range plats {
						tag := Tag{py, abi, plat}
						got, ok := s.Rank([]Tag{tag})
						pos, listed := want[tag]
						if ok != listed || ok && got != pos {
							t.Fatalf("Rank(%s) = %d, %v; its first position in the list is %d, %v", tag, got, ok, pos, listed)
						}
					}
				}
			}
		})
	}
}

package index

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/depsolve/depsolve/cache"
	"github.com/depsolve/depsolve/pep425"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/resolver"
)

func target(t testing.TB, python, platform string) pep425.Target {
	t.Helper()
	py, err := pep425.ParsePython(python)
	if err != nil {
		t.Fatal(err)
	}
	plat, err := pep425.ParsePlatform(platform)
	if err != nil {
		t.Fatal(err)
	}
	return pep425.Target{Python: py, Platform: plat}
}

// newIndex returns an Index with fast retries, no prefetching and no .netrc,
// unless opts says otherwise.
func newIndex(t testing.TB, opts Options) *Index {
	t.Helper()
	if opts.Target == (pep425.Target{}) {
		opts.Target = target(t, "3.11", "manylinux_2_35_x86_64")
	}
	if opts.MaxPrefetch == 0 {
		opts.MaxPrefetch = -1
	}
	if opts.HTTP.Backoff == 0 {
		opts.HTTP.Backoff = time.Millisecond
	}
	if opts.HTTP.Netrc == "" {
		opts.HTTP.Netrc = filepath.Join(t.TempDir(), "no-netrc")
	}
	ix, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ix.Close)
	return ix
}

func openCache(t testing.TB, dir string) *cache.Cache {
	t.Helper()
	c, err := cache.Open(dir, cache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type releaseSummary struct {
	Version, RequiresPython, Unavailable string
	Yanked                               bool
}

func summarize(rs []resolver.Release) []releaseSummary {
	var out []releaseSummary
	for _, r := range rs {
		out = append(out, releaseSummary{r.Version.String(), r.RequiresPython.String(), r.Unavailable, r.Yanked})
	}
	return out
}

// addTorch publishes a small torch on index "pypi" of f.
func addTorch(t *testing.T, f *fakeIndex) {
	meta := func(v string) string {
		return metadataText("torch", v, "Requires-Python: >=3.9", "Requires-Dist: filelock", `Requires-Dist: sympy>=1.13; python_version >= "3.9"`)
	}
	f.add("pypi", makeWheel(t, "torch-2.7.1-cp311-cp311-manylinux_2_28_x86_64.whl", meta("2.7.1"), 0)).requires = ">=3.9"
	f.add("pypi", makeWheel(t, "torch-2.7.1-cp311-cp311-manylinux_2_28_aarch64.whl", meta("2.7.1"), 0)).requires = ">=3.9"
	f.add("pypi", makeWheel(t, "torch-2.7.1-cp312-cp312-manylinux_2_28_x86_64.whl", meta("2.7.1"), 0)).requires = ">=3.9"
	f.add("pypi", makeWheel(t, "torch-2.5.1-cp311-cp311-manylinux1_x86_64.whl", meta("2.5.1"), 0)).requires = ">=3.8"
	f.add("pypi", makeWheel(t, "torch-2.5.0-cp311-cp311-manylinux1_x86_64.whl", meta("2.5.0"), 0)).yanked = "broken CUDA build"
	f.add("pypi", makeWheel(t, "torch-2.6.0-cp313-cp313-manylinux_2_17_x86_64.whl", meta("2.6.0"), 0))
}

func TestReleasesJSONAndHTML(t *testing.T) {
	want := []releaseSummary{
		{"2.7.1", "", "no wheel for glibc 2.27: its wheels need manylinux_2_28", false},
		{"2.6.0", "", "no wheel for CPython 3.11: its wheels are for cp313", false},
		{"2.5.1", ">=3.8", "", false},
		{"2.5.0", "", "", true},
	}
	for _, htmlOnly := range []bool{false, true} {
		f := newFakeIndex(t)
		f.htmlOnly = htmlOnly
		addTorch(t, f)
		ix := newIndex(t, Options{IndexURL: f.url("pypi"), Target: target(t, "3.11", "manylinux_2_27_x86_64")})
		rs, err := ix.Releases(context.Background(), "torch")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, summarize(rs)); diff != "" {
			t.Errorf("htmlOnly=%v (-want +got):\n%s", htmlOnly, diff)
		}
	}
}

func TestReleasesUnknownProject(t *testing.T) {
	f := newFakeIndex(t)
	ix := newIndex(t, Options{IndexURL: f.url("pypi")})
	rs, err := ix.Releases(context.Background(), "no-such-thing")
	if err != nil || len(rs) != 0 {
		t.Errorf("Releases = %v, %v; want none and no error", rs, err)
	}
	if _, err := ix.Releases(context.Background(), "Not_Normalized"); err == nil {
		t.Errorf("Releases accepted a name that is not normalized")
	}
}

// TestPyTorchIndex: a static HTML index without metadata files, wheels tagged
// linux_x86_64 with local versions and %2B in their URLs; METADATA comes from
// range requests.
func TestPyTorchIndex(t *testing.T) {
	f := newFakeIndex(t)
	f.htmlOnly, f.noMetadata = true, true
	meta := metadataText("torch", "2.5.1+cu121", "Requires-Python: >=3.8.0",
		`Requires-Dist: nvidia-cuda-runtime-cu12==12.1.105; platform_system == "Linux" and platform_machine == "x86_64"`,
		`Requires-Dist: triton==3.1.0; platform_system == "Linux"`,
		"Provides-Extra: opt_einsum", `Requires-Dist: opt-einsum>=3.3; extra == "opt-einsum"`)
	good := f.add("cu121", makeWheel(t, "torch-2.5.1+cu121-cp311-cp311-linux_x86_64.whl", meta, 0))
	good.requires = ">=3.8.0"
	f.add("cu121", makeWheel(t, "torch-2.5.1+cu121-cp311-cp311-win_amd64.whl", meta, 0))
	f.add("cu121", makeWheel(t, "torch-2.5.1+cu121-cp310-cp310-linux_x86_64.whl", meta, 0))

	ix := newIndex(t, Options{IndexURL: f.url("cu121")})
	ctx := context.Background()
	rs, err := ix.Releases(ctx, "torch")
	if err != nil {
		t.Fatal(err)
	}
	want := []releaseSummary{{"2.5.1+cu121", ">=3.8.0", "", false}}
	if diff := cmp.Diff(want, summarize(rs)); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	f.requests()
	md, err := ix.Metadata(ctx, "torch", rs[0].Version)
	if err != nil {
		t.Fatal(err)
	}
	if md.Unavailable != "" || len(md.RequiresDist) != 3 || md.RequiresPython.String() != ">=3.8.0" ||
		!slices.Equal(md.ProvidesExtra, []string{"opt-einsum"}) {
		t.Errorf("Metadata = %+v", md)
	}
	reqs := f.requests()
	if len(reqs) != 1 || reqs[0] != "GET /files/cu121/torch-2.5.1%2Bcu121-cp311-cp311-linux_x86_64.whl bytes=-65536" {
		t.Errorf("metadata took requests %q, want one range read", reqs)
	}
	files, err := ix.Files(ctx, "torch", rs[0].Version)
	if err != nil {
		t.Fatal(err)
	}
	wantFiles := []File{{
		Index:          f.url("cu121"),
		Filename:       "torch-2.5.1+cu121-cp311-cp311-linux_x86_64.whl",
		URL:            f.srv.URL + "/files/cu121/torch-2.5.1%2Bcu121-cp311-cp311-linux_x86_64.whl",
		SHA256:         sha(good.data),
		RequiresPython: ">=3.8.0",
	}}
	if diff := cmp.Diff(wantFiles, files); diff != "" {
		t.Errorf("Files (-want +got):\n%s", diff)
	}
}

// TestMetadataSources: a PEP 658 file when there is one; else range reads,
// one request when METADATA is in the tail and two or three when it is not;
// else the whole wheel.
func TestMetadataSources(t *testing.T) {
	meta := metadataText("pkg", "1.0", "Requires-Dist: dep>=2")
	tests := []struct {
		name                 string
		noMetadata, noRanges bool
		padding              int
		want                 []string
	}{
		{"metadata file", false, false, 0, []string{"GET /files/pypi/pkg-1.0-py3-none-any.whl.metadata"}},
		{"tail range", true, false, 0, []string{"GET /files/pypi/pkg-1.0-py3-none-any.whl bytes=0-"}},
		{"ranges", true, false, 300 << 10, []string{
			"GET /files/pypi/pkg-1.0-py3-none-any.whl bytes=",
			"GET /files/pypi/pkg-1.0-py3-none-any.whl bytes=",
		}},
		{"bad ranges", true, false, 300 << 10, []string{
			"GET /files/pypi/pkg-1.0-py3-none-any.whl bytes=",
			"GET /files/pypi/pkg-1.0-py3-none-any.whl bytes=",
			"GET /files/pypi/pkg-1.0-py3-none-any.whl",
		}},
		{"download", true, true, 0, []string{
			"GET /files/pypi/pkg-1.0-py3-none-any.whl bytes=0-",
			"GET /files/pypi/pkg-1.0-py3-none-any.whl",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeIndex(t)
			f.noMetadata, f.noRanges = tt.noMetadata, tt.noRanges
			f.badRanges = tt.name == "bad ranges"
			f.add("pypi", makeWheel(t, "pkg-1.0-py3-none-any.whl", meta, tt.padding))
			ix := newIndex(t, Options{IndexURL: f.url("pypi")})
			ctx := context.Background()
			if _, err := ix.Releases(ctx, "pkg"); err != nil {
				t.Fatal(err)
			}
			f.requests()
			md, err := ix.Metadata(ctx, "pkg", pep440.MustParse("1.0"))
			if err != nil {
				t.Fatal(err)
			}
			if md.Unavailable != "" || len(md.RequiresDist) != 1 || md.RequiresDist[0].String() != "dep>=2" {
				t.Errorf("Metadata = %+v", md)
			}
			got := f.requests()
			if len(got) != len(tt.want) {
				t.Fatalf("requests %q, want %q", got, tt.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("request %d is %q, want %q…", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestSdistMetadata(t *testing.T) {
	tests := []struct {
		pkgInfo, unavailable string
		requires             int
	}{
		{"Metadata-Version: 2.2\nName: sd\nVersion: 1.0\nRequires-Dist: six\n", "", 1},
		{"Metadata-Version: 2.1\nName: sd\nVersion: 1.0\nRequires-Dist: six\n",
			"metadata needs a build; depsolve never runs package code (sd-1.0.tar.gz has Metadata-Version 2.1; only 2.2 and later can be trusted without a build)", 0},
		{"Metadata-Version: 2.4\nName: sd\nVersion: 1.0\nDynamic: Requires-Dist\n",
			"metadata needs a build; depsolve never runs package code (sd-1.0.tar.gz marks its dependencies Dynamic)", 0},
		{"Metadata-Version: 2.2\nName: other\nVersion: 1.0\n", `the core metadata of sd-1.0.tar.gz is for project "other"`, 0},
	}
	for _, tt := range tests {
		f := newFakeIndex(t)
		f.add("pypi", makeSdist(t, "sd-1.0.tar.gz", tt.pkgInfo))
		ix := newIndex(t, Options{IndexURL: f.url("pypi")})
		md, err := ix.Metadata(context.Background(), "sd", pep440.MustParse("1.0"))
		if err != nil {
			t.Fatal(err)
		}
		if md.Unavailable != tt.unavailable || len(md.RequiresDist) != tt.requires {
			t.Errorf("PKG-INFO %q: Metadata = %+v, want Unavailable %q", tt.pkgInfo, md, tt.unavailable)
		}
	}
}

func TestInvalidMetadataIsUnavailable(t *testing.T) {
	f := newFakeIndex(t)
	f.add("pypi", makeWheel(t, "bad-1.0-py3-none-any.whl", metadataText("bad", "1.0", "Requires-Dist: setuptools (>=18.5decorator)"), 0))
	f.add("pypi", makeWheel(t, "bad-2.0-py3-none-any.whl", metadataText("bad", "2.1"), 0))
	ix := newIndex(t, Options{IndexURL: f.url("pypi")})
	for v, want := range map[string]string{
		"1.0": "invalid Requires-Dist on line 4 of the metadata of bad-1.0-py3-none-any.whl",
		"2.0": `the core metadata of bad-2.0-py3-none-any.whl is for version "2.1"`,
	} {
		md, err := ix.Metadata(context.Background(), "bad", pep440.MustParse(v))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(md.Unavailable, want) {
			t.Errorf("bad %s: Unavailable = %q, want %q…", v, md.Unavailable, want)
		}
	}
}

func TestBestFile(t *testing.T) {
	f := newFakeIndex(t)
	meta := metadataText("np", "1.0")
	for _, name := range []string{
		"np-1.0.tar.gz",
		"np-1.0-py3-none-any.whl",
		"np-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
		"np-1.0-1-cp311-cp311-manylinux_2_28_x86_64.whl",
		"np-1.0-2-cp311-cp311-manylinux_2_28_x86_64.whl",
		"np-1.0-cp311-cp311-musllinux_1_2_x86_64.whl",
	} {
		if strings.HasSuffix(name, ".whl") {
			f.add("pypi", makeWheel(t, name, meta, 0))
		} else {
			f.add("pypi", makeSdist(t, name, "Metadata-Version: 2.2\nName: np\nVersion: 1.0\n"))
		}
	}
	ix := newIndex(t, Options{IndexURL: f.url("pypi")})
	files, err := ix.Files(context.Background(), "np", pep440.MustParse("1.0"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, fl := range files {
		got = append(got, fl.Filename)
	}
	want := []string{
		"np-1.0-2-cp311-cp311-manylinux_2_28_x86_64.whl",
		"np-1.0-1-cp311-cp311-manylinux_2_28_x86_64.whl",
		"np-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
		"np-1.0-py3-none-any.whl",
		"np-1.0.tar.gz",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	ix = newIndex(t, Options{IndexURL: f.url("pypi"), OnlyBinary: []string{":all:"}, NoBinary: []string{"other"}})
	files, err = ix.Files(context.Background(), "np", pep440.MustParse("1.0"))
	if err != nil || len(files) != 4 {
		t.Errorf("only-binary: %d files, %v", len(files), err)
	}
	ix = newIndex(t, Options{IndexURL: f.url("pypi"), NoBinary: []string{"np"}})
	files, err = ix.Files(context.Background(), "np", pep440.MustParse("1.0"))
	if err != nil || len(files) != 1 || files[0].Filename != "np-1.0.tar.gz" {
		t.Errorf("no-binary: %v, %v", files, err)
	}
	// Both select np: the list that names it outranks :all:, as in pip, and only-binary
	// wins a tie.
	for _, tc := range []struct {
		only, no []string
		want     int
	}{
		{[]string{":all:"}, []string{"np"}, 1},
		{[]string{"np"}, []string{":all:"}, 4},
		{[]string{"np"}, []string{"np"}, 4},
		{[]string{":all:"}, []string{":all:"}, 4},
	} {
		ix = newIndex(t, Options{IndexURL: f.url("pypi"), OnlyBinary: tc.only, NoBinary: tc.no})
		files, err = ix.Files(context.Background(), "np", pep440.MustParse("1.0"))
		if err != nil || len(files) != tc.want {
			t.Errorf("only-binary %v, no-binary %v: %d files, %v; want %d", tc.only, tc.no, len(files), err, tc.want)
		}
	}
}

// TestIndexStrategy: with first-index, a project the extra index has is never
// looked up on the default one; unsafe-best-match merges both.
func TestIndexStrategy(t *testing.T) {
	f := newFakeIndex(t)
	f.add("private", makeWheel(t, "internal_lib-1.0-py3-none-any.whl", metadataText("internal-lib", "1.0"), 0))
	f.add("pypi", makeWheel(t, "internal_lib-99.0-py3-none-any.whl", metadataText("internal-lib", "99.0"), 0))
	f.add("pypi", makeWheel(t, "six-1.16.0-py2.py3-none-any.whl", metadataText("six", "1.16.0"), 0))
	ctx := context.Background()

	ix := newIndex(t, Options{IndexURL: f.url("pypi"), ExtraIndexURLs: []string{f.url("private")}})
	rs, err := ix.Releases(ctx, "internal-lib")
	if err != nil || len(rs) != 1 || rs[0].Version.String() != "1.0" {
		t.Errorf("first-index: %v, %v", summarize(rs), err)
	}
	if reqs := f.requests(); !slices.Equal(reqs, []string{"GET /private/simple/internal-lib/"}) {
		t.Errorf("first-index asked %q", reqs)
	}
	rs, err = ix.Releases(ctx, "six")
	if err != nil || len(rs) != 1 {
		t.Errorf("six: %v, %v", summarize(rs), err)
	}
	files, err := ix.Files(ctx, "six", rs[0].Version)
	if err != nil || files[0].Index != f.url("pypi") {
		t.Errorf("six files %+v, %v", files, err)
	}

	ix = newIndex(t, Options{IndexURL: f.url("pypi"), ExtraIndexURLs: []string{f.url("private")}, Strategy: UnsafeBestMatch})
	rs, err = ix.Releases(ctx, "internal-lib")
	if err != nil || len(rs) != 2 || rs[0].Version.String() != "99.0" {
		t.Errorf("unsafe-best-match: %v, %v", summarize(rs), err)
	}
}

func TestFindLinksFolder(t *testing.T) {
	dir := t.TempDir()
	w := makeWheel(t, "local_pkg-0.1-py3-none-any.whl", metadataText("local-pkg", "0.1", "Requires-Dist: six"), 0)
	if err := os.WriteFile(filepath.Join(dir, w.filename), w.data, 0o644); err != nil {
		t.Fatal(err)
	}
	s := makeSdist(t, "local-pkg-0.2.tar.gz", "Metadata-Version: 2.2\nName: local-pkg\nVersion: 0.2\n")
	if err := os.WriteFile(filepath.Join(dir, s.filename), s.data, 0o644); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "README.txt"), []byte("not a distribution"), 0o644)
	ix := newIndex(t, Options{NoIndex: true, FindLinks: []string{dir}, Offline: true})
	ctx := context.Background()
	rs, err := ix.Releases(ctx, "local-pkg")
	if err != nil {
		t.Fatal(err)
	}
	want := []releaseSummary{{"0.2", "", "", false}, {"0.1", "", "", false}}
	if diff := cmp.Diff(want, summarize(rs)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	md, err := ix.Metadata(ctx, "local-pkg", pep440.MustParse("0.1"))
	if err != nil || len(md.RequiresDist) != 1 {
		t.Errorf("Metadata = %+v, %v", md, err)
	}
	files, err := ix.Files(ctx, "local-pkg", pep440.MustParse("0.1"))
	if err != nil || len(files) != 1 || files[0].SHA256 != sha(w.data) || files[0].Size != int64(len(w.data)) || files[0].Index != dir {
		t.Errorf("Files = %+v, %v", files, err)
	}
}

// A find-links folder of links (a shared wheelhouse linked in, a Nix or Bazel tree) is
// read through them: a link to a file is that file; one that cannot be followed is
// skipped with a warning naming it.
func TestFindLinksFolderFollowsSymlinks(t *testing.T) {
	store, dir := t.TempDir(), t.TempDir()
	w := makeWheel(t, "linked-0.1-py3-none-any.whl", metadataText("linked", "0.1", "Requires-Dist: six"), 0)
	target := filepath.Join(store, "blob")
	if err := os.WriteFile(target, w.data, 0o644); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		w.filename:                    target,
		"linked-0.2-py3-none-any.whl": filepath.Join(store, "gone"),
		"linked-0.3-py3-none-any.whl": "linked-0.3-py3-none-any.whl", // itself: a loop
		"subdir-link":                 store,
	}
	for name, to := range links {
		if err := os.Symlink(to, filepath.Join(dir, name)); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	var warnings []string
	ix := newIndex(t, Options{NoIndex: true, FindLinks: []string{dir}, Offline: true,
		Warn: func(msg string) { warnings = append(warnings, msg) }})
	ctx := context.Background()
	rs, err := ix.Releases(ctx, "linked")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]releaseSummary{{"0.1", "", "", false}}, summarize(rs)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	files, err := ix.Files(ctx, "linked", pep440.MustParse("0.1"))
	if err != nil || len(files) != 1 || files[0].Filename != w.filename || files[0].SHA256 != sha(w.data) {
		t.Errorf("Files = %+v, %v", files, err)
	}
	want := []string{
		"find-links " + dir + ": skipped linked-0.2-py3-none-any.whl, a symbolic link to a file that does not exist (" + filepath.Join(store, "gone") + ")",
		"find-links " + dir + ": skipped linked-0.3-py3-none-any.whl, a symbolic link that loops",
	}
	if diff := cmp.Diff(want, warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestFindLinksPage(t *testing.T) {
	f := newFakeIndex(t)
	w := f.add("flat", makeWheel(t, "jaxlib-0.4.30+cuda12.cudnn89-cp311-cp311-manylinux2014_x86_64.whl",
		metadataText("jaxlib", "0.4.30+cuda12.cudnn89"), 0))
	f.garbage["/jax_releases.html"] = `<html><body><a href="files/flat/jaxlib-0.4.30%2Bcuda12.cudnn89-cp311-cp311-manylinux2014_x86_64.whl">jaxlib</a>` +
		`<a href="files/flat/libtpu-0.1-py3-none-any.whl">libtpu</a></body></html>`
	ix := newIndex(t, Options{IndexURL: f.url("pypi"), FindLinks: []string{f.srv.URL + "/jax_releases.html"}})
	ctx := context.Background()
	rs, err := ix.Releases(ctx, "jaxlib")
	if err != nil || len(rs) != 1 || rs[0].Version.String() != "0.4.30+cuda12.cudnn89" {
		t.Fatalf("Releases = %v, %v", summarize(rs), err)
	}
	md, err := ix.Metadata(ctx, "jaxlib", rs[0].Version)
	if err != nil || md.Unavailable != "" {
		t.Errorf("Metadata = %+v, %v", md, err)
	}
	// The page gives no hash: Files computes it by downloading.
	files, err := ix.Files(ctx, "jaxlib", rs[0].Version)
	if err != nil || len(files) != 1 || files[0].SHA256 != sha(w.data) {
		t.Errorf("Files = %+v, %v", files, err)
	}
}

func TestPageCache(t *testing.T) {
	f := newFakeIndex(t)
	f.etags = true
	f.add("pypi", makeWheel(t, "six-1.16.0-py2.py3-none-any.whl", metadataText("six", "1.16.0"), 0))
	dir := t.TempDir()
	ctx := context.Background()
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	run := func(opts Options) []string {
		t.Helper()
		opts.IndexURL, opts.Cache, opts.Now = f.url("pypi"), openCache(t, dir), func() time.Time { return now }
		ix := newIndex(t, opts)
		if _, err := ix.Releases(ctx, "six"); err != nil {
			t.Fatal(err)
		}
		if _, err := ix.Releases(ctx, "missing"); err != nil {
			t.Fatal(err)
		}
		return f.requests()
	}
	if got := run(Options{}); len(got) != 2 {
		t.Errorf("cold run: %q", got)
	}
	// No max-age: the page is revalidated (it answers 304); the 404 stays fresh for
	// maxNotFoundAge.
	if got := run(Options{}); !slices.Equal(got, []string{"GET /pypi/simple/six/"}) {
		t.Errorf("revalidation: %q", got)
	}
	if got := run(Options{Offline: true}); len(got) != 0 {
		t.Errorf("offline run made requests %q", got)
	}
	f.cacheControl = "max-age=600"
	run(Options{Refresh: true})
	now = now.Add(time.Minute)
	if got := run(Options{}); len(got) != 0 {
		t.Errorf("fresh pages were fetched again: %q", got)
	}
	if got := run(Options{Refresh: true}); len(got) != 2 {
		t.Errorf("--refresh did not revalidate: %q", got)
	}
	now = now.Add(time.Hour)
	if got := run(Options{}); len(got) != 2 {
		t.Errorf("stale pages were not revalidated: %q", got)
	}

	ix := newIndex(t, Options{IndexURL: f.url("pypi"), Cache: openCache(t, dir), Offline: true})
	_, err := ix.Releases(ctx, "never-fetched")
	if !errors.Is(err, ErrOffline) || !strings.Contains(err.Error(), "/pypi/simple/never-fetched/") || Hint(err) == "" {
		t.Errorf("offline miss: %v (hint %q)", err, Hint(err))
	}
}

// TestNotFoundCached: a project an index does not have is asked once per run, and not
// again across runs for maxNotFoundAge unless the index says otherwise; --refresh asks.
func TestNotFoundCached(t *testing.T) {
	f := newFakeIndex(t)
	dir := t.TempDir()
	ctx := context.Background()
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	run := func(at time.Duration, opts Options) int {
		t.Helper()
		opts.IndexURL, opts.Cache, opts.Now = f.url("pypi"), openCache(t, dir), func() time.Time { return start.Add(at) }
		ix := newIndex(t, opts)
		for range 3 {
			if rs, err := ix.Releases(ctx, "markupsafe"); err != nil || len(rs) != 0 {
				t.Fatalf("Releases = %v, %v", rs, err)
			}
		}
		return len(f.requests())
	}
	for _, tc := range []struct {
		name string
		at   time.Duration
		opts Options
		want int
	}{
		{"cold", 0, Options{}, 1},
		{"warm", maxNotFoundAge - time.Minute, Options{}, 0},
		{"refresh", maxNotFoundAge - time.Minute, Options{Refresh: true}, 1},
		{"stale", 3 * maxNotFoundAge, Options{}, 1},
	} {
		if got := run(tc.at, tc.opts); got != tc.want {
			t.Errorf("%s run: %d requests, want %d", tc.name, got, tc.want)
		}
	}
	// An index that says how long its 404 holds is believed, up to maxNotFoundAge.
	f.cacheControl = "max-age=60"
	run(4*maxNotFoundAge, Options{Refresh: true})
	if got := run(4*maxNotFoundAge+2*time.Minute, Options{}); got != 1 {
		t.Errorf("a 404 past the index's max-age: %d requests, want 1", got)
	}
}

func TestMetadataCache(t *testing.T) {
	f := newFakeIndex(t)
	f.add("pypi", makeWheel(t, "a-1.0-py3-none-any.whl", metadataText("a", "1.0", "Requires-Dist: b"), 0))
	f.add("pypi", makeWheel(t, "b-1.0-py3-none-any.whl", metadataText("b", "1.0"), 0))
	f.noMetadata = true // b's comes from a range read
	f.add("pypi", &dist{filename: "placeholder-0-py3-none-any.whl", data: []byte("x")})
	dir := t.TempDir()
	ctx := context.Background()
	for i, want := range []int{4, 2} { // cold: 2 pages + 2 range reads; warm: 2 revalidations
		ix := newIndex(t, Options{IndexURL: f.url("pypi"), Cache: openCache(t, dir)})
		for _, name := range []string{"a", "b"} {
			md, err := ix.Metadata(ctx, name, pep440.MustParse("1.0"))
			if err != nil || md.Unavailable != "" {
				t.Fatalf("%s: %+v, %v", name, md, err)
			}
		}
		if got := f.requests(); len(got) != want {
			t.Errorf("run %d: requests %q, want %d", i, got, want)
		}
	}
	ix := newIndex(t, Options{IndexURL: f.url("pypi"), Cache: openCache(t, dir), Offline: true})
	if md, err := ix.Metadata(ctx, "b", pep440.MustParse("1.0")); err != nil || md.Unavailable != "" {
		t.Errorf("offline: %+v, %v", md, err)
	}
	if st := ix.Stats(); st.Requests != 0 || st.MetadataHits != 1 || st.PageCacheHits != 1 {
		t.Errorf("offline stats %+v", st)
	}
}

func TestCredentials(t *testing.T) {
	f := newFakeIndex(t)
	f.auth = "alice:s3cret"
	f.add("private", makeWheel(t, "priv-1.0-py3-none-any.whl", metadataText("priv", "1.0"), 0))
	ctx := context.Background()
	withCreds := strings.Replace(f.url("private"), "http://", "http://alice:s3cret@", 1)

	ix := newIndex(t, Options{IndexURL: withCreds})
	md, err := ix.Metadata(ctx, "priv", pep440.MustParse("1.0"))
	if err != nil || md.Unavailable != "" {
		t.Fatalf("with credentials in the URL: %+v, %v", md, err)
	}
	if got := ix.IndexURLs(); len(got) != 1 || strings.Contains(got[0], "s3cret") || !strings.Contains(got[0], "://****@") {
		t.Errorf("IndexURLs = %q", got)
	}
	files, err := ix.Files(ctx, "priv", pep440.MustParse("1.0"))
	if err != nil || strings.Contains(files[0].Index+files[0].URL, "s3cret") {
		t.Errorf("Files = %+v, %v", files, err)
	}

	netrc := filepath.Join(t.TempDir(), "netrc")
	os.WriteFile(netrc, []byte("machine 127.0.0.1\n  login alice\n  password s3cret\n"), 0o600)
	ix = newIndex(t, Options{IndexURL: f.url("private"), HTTP: HTTPOptions{Netrc: netrc}})
	if _, err := ix.Metadata(ctx, "priv", pep440.MustParse("1.0")); err != nil {
		t.Errorf("with .netrc: %v", err)
	}

	wrong := strings.Replace(f.url("private"), "http://", "http://alice:wrong-token@", 1)
	ix = newIndex(t, Options{IndexURL: wrong})
	_, err = ix.Releases(ctx, "priv")
	var he *HTTPError
	if !errors.As(err, &he) || he.StatusCode != 401 || strings.Contains(err.Error(), "wrong-token") || !strings.Contains(Hint(err), "credentials") {
		t.Errorf("wrong credentials: %v", err)
	}
}

func TestHTTPSPolicy(t *testing.T) {
	_, err := New(Options{Target: target(t, "3.11", "linux_x86_64"), IndexURL: "http://user:pw@mirror.example/simple/"})
	var pe *PolicyError
	if !errors.As(err, &pe) || strings.Contains(err.Error(), "pw") || !strings.Contains(err.Error(), "--trusted-host mirror.example") {
		t.Errorf("plain http accepted, or the error leaks: %v", err)
	}
	if _, err := New(Options{Target: target(t, "3.11", "linux_x86_64"), IndexURL: "http://mirror.example/simple/", TrustedHosts: []string{"mirror.example"}}); err != nil {
		t.Errorf("trusted host refused: %v", err)
	}
	if _, err := New(Options{Target: target(t, "3.11", "linux_x86_64"), IndexURL: "http://[::1]:8080/simple/"}); err != nil {
		t.Errorf("loopback refused: %v", err)
	}
	if _, err := New(Options{Target: target(t, "3.11", "linux_x86_64"), IndexURL: "ftp://mirror.example/simple/"}); err == nil {
		t.Errorf("ftp accepted")
	}
}

func TestPrefetch(t *testing.T) {
	// root -> a, b, c; each -> leaf; the metadata of a, b and c can only be
	// served once all three are asked for at the same time.
	f := newFakeIndex(t)
	f.add("pypi", makeWheel(t, "root-1.0-py3-none-any.whl", metadataText("root", "1.0",
		"Requires-Dist: a", "Requires-Dist: b>=1", "Requires-Dist: c<3", `Requires-Dist: win; sys_platform == "win32"`, `Requires-Dist: extra-only; extra == "x"`), 0))
	for _, name := range []string{"a", "b", "c"} {
		f.add("pypi", makeWheel(t, name+"-1.0-py3-none-any.whl", metadataText(name, "1.0", "Requires-Dist: leaf"), 0))
	}
	f.add("pypi", makeWheel(t, "c-3.0-py3-none-any.whl", metadataText("c", "3.0", "Requires-Dist: leaf"), 0))
	f.add("pypi", makeWheel(t, "leaf-1.0-py3-none-any.whl", metadataText("leaf", "1.0"), 0))
	f.add("pypi", makeWheel(t, "win-1.0-py3-none-any.whl", metadataText("win", "1.0"), 0))
	b := f.holdRequests(3, 0, func(path string) bool {
		return strings.HasSuffix(path, "-1.0-py3-none-any.whl.metadata") && strings.Contains("/a-/b-/c-", path[len("/files/pypi/"):len("/files/pypi/")+2])
	})
	ix := newIndex(t, Options{
		IndexURL: f.url("pypi"), MaxPrefetch: 100,
		Environment: map[string]string{"sys_platform": "linux", "python_version": "3.11", "platform_system": "Linux"},
	})
	ctx := context.Background()
	root, err := pep508.ParseRequirement("root>=1")
	if err != nil {
		t.Fatal(err)
	}
	ix.Prefetch(root)
	// A resolver's walk: one question at a time.
	for _, pv := range [][2]string{{"root", "1.0"}, {"a", "1.0"}, {"b", "1.0"}, {"c", "1.0"}, {"leaf", "1.0"}} {
		if _, err := ix.Releases(ctx, pv[0]); err != nil {
			t.Fatal(err)
		}
		if md, err := ix.Metadata(ctx, pv[0], pep440.MustParse(pv[1])); err != nil || md.Unavailable != "" {
			t.Fatalf("%s: %+v, %v", pv[0], md, err)
		}
	}
	if b.missed() {
		t.Errorf("the metadata of a, b and c was not fetched in parallel")
	}
	counts := map[string]int{}
	for _, r := range f.requests() {
		counts[r]++
		if counts[r] > 1 {
			t.Errorf("%s requested twice", r)
		}
		if strings.Contains(r, "/win/") || strings.Contains(r, "extra-only") || strings.Contains(r, "c-3.0") {
			t.Errorf("prefetched %s, which the target does not need", r)
		}
	}
}

// TestDefaultConcurrencyTakesAWave: the requests of one wave go out together under the
// default bound on requests in flight. A package such as torch has about 25
// dependencies, a requirements file or a solution's size lookups more; with a bound
// below the wave, its last requests waited a whole round trip for a slot.
func TestDefaultConcurrencyTakesAWave(t *testing.T) {
	const wave = 40
	f := newFakeIndex(t)
	var roots []pep508.Requirement
	for i := range wave {
		name := fmt.Sprintf("p%02d", i)
		f.add("pypi", makeWheel(t, name+"-1.0-py3-none-any.whl", metadataText(name, "1.0"), 0))
		roots = append(roots, pep508.Requirement{Name: name})
	}
	b := f.holdRequests(wave, 0, func(path string) bool { return strings.HasPrefix(path, "/pypi/simple/") })
	ix := newIndex(t, Options{IndexURL: f.url("pypi"), MaxPrefetch: 2 * wave})
	ix.Prefetch(roots...)
	for _, r := range roots {
		if _, err := ix.Releases(context.Background(), r.Name); err != nil {
			t.Fatal(err)
		}
	}
	if b.missed() {
		t.Errorf("the %d pages of one wave were not in flight together", wave)
	}
}

// TestRevalidationInOneWave: a run that revalidates a cached graph (--refresh, or pages
// past their max-age) sends the conditional requests of every level together: the
// pages of a chain root -> a -> b -> c can only be answered once all four are asked
// for at once. The answers are the same as without the speculation, and nothing is
// asked twice.
func TestRevalidationInOneWave(t *testing.T) {
	f := newFakeIndex(t)
	f.etags = true
	chain := []string{"root", "a", "b", "c"}
	for i, name := range chain {
		var lines []string
		if i+1 < len(chain) {
			lines = append(lines, "Requires-Dist: "+chain[i+1])
		}
		f.add("pypi", makeWheel(t, name+"-1.0-py3-none-any.whl", metadataText(name, "1.0", lines...), 0))
	}
	dir := t.TempDir()
	walk := func(opts Options) {
		t.Helper()
		opts.IndexURL, opts.Cache, opts.MaxPrefetch = f.url("pypi"), openCache(t, dir), 100
		ix := newIndex(t, opts)
		ix.Prefetch(pep508.Requirement{Name: "root"})
		// A resolver's walk: one question at a time.
		for _, name := range chain {
			rs, err := ix.Releases(context.Background(), name)
			if err != nil || len(rs) != 1 {
				t.Fatalf("%s: %v, %v", name, rs, err)
			}
			md, err := ix.Metadata(context.Background(), name, rs[0].Version)
			if err != nil || md.Unavailable != "" {
				t.Fatalf("%s: %+v, %v", name, md, err)
			}
		}
		ix.Close()
	}
	walk(Options{})
	f.requests()

	b := f.holdRequests(len(chain), 0, func(path string) bool { return strings.HasPrefix(path, "/pypi/simple/") })
	walk(Options{Refresh: true})
	if b.missed() {
		t.Errorf("the pages of the chain were revalidated one level after another")
	}
	var pages []string
	for _, r := range f.requests() {
		if !strings.HasPrefix(r, "GET /pypi/simple/") {
			t.Errorf("revalidating run asked for %s, which the cache holds", r)
		}
		pages = append(pages, r)
	}
	if len(pages) != len(chain) {
		t.Errorf("revalidating run asked %q, want each page once", pages)
	}
}

// TestConcurrentCallers: callers asking for the same thing at once share one
// request.
func TestConcurrentCallers(t *testing.T) {
	f := newFakeIndex(t)
	f.add("pypi", makeWheel(t, "six-1.16.0-py2.py3-none-any.whl", metadataText("six", "1.16.0"), 0))
	ix := newIndex(t, Options{IndexURL: f.url("pypi")})
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			_, err := ix.Metadata(context.Background(), "six", pep440.MustParse("1.16.0"))
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if got := f.requests(); len(got) != 2 {
		t.Errorf("requests %q, want the page and the metadata file once each", got)
	}
}

// TestRangeReadsLargeDirectory: a central directory bigger than the first
// read is fetched in one more request, zip64 included.
func TestRangeReadsLargeDirectory(t *testing.T) {
	for _, n := range []int{3000, 70000} { // 70000 entries make the file zip64
		if n > 3000 && testing.Short() {
			continue
		}
		f := newFakeIndex(t)
		f.noMetadata, f.htmlOnly = true, true // HTML: no size, so the first read is a suffix range
		d := makeWheelWithFiles(t, "big-1.0-py3-none-any.whl", metadataText("big", "1.0", "Requires-Dist: dep"), n)
		f.add("pypi", d)
		ix := newIndex(t, Options{IndexURL: f.url("pypi")})
		ctx := context.Background()
		if _, err := ix.Releases(ctx, "big"); err != nil {
			t.Fatal(err)
		}
		f.requests()
		md, err := ix.Metadata(ctx, "big", pep440.MustParse("1.0"))
		if err != nil || len(md.RequiresDist) != 1 {
			t.Fatalf("%d files: %+v, %v", n, md, err)
		}
		got := f.requests()
		if len(got) != 3 || !strings.HasSuffix(got[0], "bytes=-65536") {
			t.Errorf("%d files: requests %q; want the tail, the directory, METADATA", n, got)
		}
	}
}

func makeWheelWithFiles(t *testing.T, filename, metadata string, n int) *dist {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, data []byte) {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	add("big-1.0.dist-info/METADATA", []byte(metadata))
	for i := range n {
		add(fmt.Sprintf("big/m%05d.py", i), nil)
	}
	add("big-1.0.dist-info/RECORD", nil)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return &dist{filename: filename, data: buf.Bytes(), metadata: []byte(metadata)}
}

func TestFindLinksErrors(t *testing.T) {
	dir := t.TempDir()
	ix := newIndex(t, Options{NoIndex: true, FindLinks: []string{filepath.Join(dir, "missing")}})
	_, err := ix.Releases(context.Background(), "x")
	var le *LocationError
	if !errors.As(err, &le) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing folder: %v", err)
	}

	// A zip sdist, and a wheel that is not a zip.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("zs-1.0/PKG-INFO")
	w.Write([]byte("Metadata-Version: 2.3\nName: zs\nVersion: 1.0\nRequires-Dist: six\n"))
	zw.Close()
	os.WriteFile(filepath.Join(dir, "zs-1.0.zip"), buf.Bytes(), 0o644)
	os.WriteFile(filepath.Join(dir, "zs-2.0-py3-none-any.whl"), []byte("not a zip"), 0o644)
	ix = newIndex(t, Options{NoIndex: true, FindLinks: []string{"file://" + dir}})
	md, err := ix.Metadata(context.Background(), "zs", pep440.MustParse("1.0"))
	if err != nil || len(md.RequiresDist) != 1 {
		t.Errorf("zip sdist: %+v, %v", md, err)
	}
	md, err = ix.Metadata(context.Background(), "zs", pep440.MustParse("2.0"))
	if err != nil || !strings.Contains(md.Unavailable, "is not a readable wheel") {
		t.Errorf("broken wheel: %+v, %v", md, err)
	}
	if _, err := ix.Metadata(context.Background(), "zs", pep440.MustParse("3.0")); err == nil || !strings.Contains(err.Error(), "no such version on file://"+dir) { // the folder as given
		t.Errorf("missing version: %v", err)
	}
}

// A cached view is kept under what the binary selections leave the project, not each
// list's say: --only-binary :all: --no-binary np (np built) and --only-binary np
// --no-binary :all: (np a wheel) both select np in both lists, and shared a view.
func TestBinarySelectionViewsDiffer(t *testing.T) {
	f := newFakeIndex(t)
	f.add("pypi", makeWheel(t, "np-1.0-py3-none-any.whl", metadataText("np", "1.0"), 0))
	f.add("pypi", makeSdist(t, "np-1.0.tar.gz", "Metadata-Version: 2.2\nName: np\nVersion: 1.0\n"))
	c := openCache(t, t.TempDir())
	for _, tc := range []struct {
		only, no []string
		want     string
	}{
		{[]string{":all:"}, []string{"np"}, "np-1.0.tar.gz"},
		{[]string{"np"}, []string{":all:"}, "np-1.0-py3-none-any.whl"},
	} {
		ix := newIndex(t, Options{IndexURL: f.url("pypi"), Cache: c, OnlyBinary: tc.only, NoBinary: tc.no})
		files, err := ix.Files(context.Background(), "np", pep440.MustParse("1.0"))
		if err != nil || len(files) != 1 || files[0].Filename != tc.want {
			t.Errorf("only-binary %v, no-binary %v: %v, %v; want %s", tc.only, tc.no, files, err, tc.want)
		}
	}
}

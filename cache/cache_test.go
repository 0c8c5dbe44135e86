package cache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"
)

// warnings collects what a Cache warns about; safe for concurrent use.
type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) add(msg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, msg)
}

func (w *warnings) list() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.msgs...)
}

func openTest(t testing.TB, dir string, opts Options) (*Cache, *warnings) {
	t.Helper()
	w := new(warnings)
	opts.Warn = w.add
	c, err := Open(dir, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	return c, w
}

func digest(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

var fetched = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func samplePage(body string) Page {
	return Page{
		URL:          "https://pypi.example/simple/torch/",
		ContentType:  "application/vnd.pypi.simple.v1+json",
		ETag:         `"abc123"`,
		LastModified: "Sun, 01 Mar 2026 11:00:00 GMT",
		MaxAge:       10 * time.Minute,
		FetchedAt:    fetched,
		Body:         []byte(body),
	}
}

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	c, w := openTest(t, dir, Options{CreatedBy: "depsolve test"})

	page := samplePage(`{"name": "torch"}`)
	if err := c.PutPage("https://pypi.example/simple/torch/", page); err != nil {
		t.Fatal(err)
	}
	meta := []byte("Metadata-Version: 2.1\nName: torch\nVersion: 2.5.1\n")
	metaKey := MetadataKey(strings.ToUpper(digest(meta)))
	if err := c.PutMetadata(metaKey, meta); err != nil {
		t.Fatal(err)
	}
	distKey := DistKey(strings.Repeat("ab", 32))
	if err := c.PutMetadata(distKey, meta); err != nil {
		t.Fatal(err)
	}
	matrixKey := MatrixKey(digest([]byte("matrix source")))
	if err := c.PutMatrix(matrixKey, []byte("compiled")); err != nil {
		t.Fatal(err)
	}

	// A second handle, as a later process would open it.
	c2, w2 := openTest(t, dir, Options{})
	got, found, err := c2.GetPage("https://pypi.example/simple/torch/")
	if err != nil || !found {
		t.Fatalf("GetPage: found=%v err=%v", found, err)
	}
	if diff := cmp.Diff(page, got); diff != "" {
		t.Errorf("GetPage (-put +got):\n%s", diff)
	}
	for _, key := range []string{metaKey, distKey} {
		data, found, err := c2.GetMetadata(key)
		if err != nil || !found || !bytes.Equal(data, meta) {
			t.Errorf("GetMetadata(%s) = %q, %v, %v; want the metadata", key, data, found, err)
		}
	}
	compiled, found, err := c2.GetMatrix(matrixKey)
	if err != nil || !found || string(compiled) != "compiled" {
		t.Errorf("GetMatrix = %q, %v, %v", compiled, found, err)
	}
	if _, found, err := c2.GetPage("https://pypi.example/simple/numpy/"); found || err != nil {
		t.Errorf("GetPage of an absent page: found=%v err=%v", found, err)
	}

	info, err := c2.Info()
	if err != nil {
		t.Fatal(err)
	}
	if !info.Exists || info.Pages != 1 || info.Metadata != 2 || info.Matrices != 1 || info.Size == 0 ||
		info.CreatedBy != "depsolve test" || info.CreatedAt.IsZero() || info.Path != filepath.Join(dir, FileName) {
		t.Errorf("Info = %+v", info)
	}
	if all := append(w.list(), w2.list()...); len(all) != 0 {
		t.Errorf("warnings: %q", all)
	}
}

func TestOpenCreatesPrivateDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "depsolve")
	openTest(t, dir, Options{})
	for _, p := range []string{dir, filepath.Join(dir, FileName)} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		want := os.FileMode(0o600)
		if st.IsDir() {
			want = 0o700
		}
		if st.Mode().Perm()&^want != 0 {
			t.Errorf("%s has mode %v, want at most %v", p, st.Mode().Perm(), want)
		}
	}
}

func TestPageKeys(t *testing.T) {
	c, _ := openTest(t, t.TempDir(), Options{})
	page := samplePage("body")
	page.URL = "https://user:s3cret@pypi.example/simple/torch/#frag"
	if err := c.PutPage("https://__token__:s3cret@pypi.example/simple/torch/#x", page); err != nil {
		t.Fatal(err)
	}
	got, found, err := c.GetPage("https://pypi.example/simple/torch/")
	if err != nil || !found {
		t.Fatalf("GetPage without credentials: found=%v err=%v", found, err)
	}
	if got.URL != "https://pypi.example/simple/torch/" {
		t.Errorf("stored URL = %q, want it without userinfo or fragment", got.URL)
	}
	raw, err := os.ReadFile(c.Path())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("s3cret")) {
		t.Error("the cache file contains the credential")
	}

	// An empty Page.URL means the URL the page is stored under.
	page.URL = ""
	if err := c.PutPage("https://pypi.example/simple/numpy/?x=1", page); err != nil {
		t.Fatal(err)
	}
	got, _, _ = c.GetPage("https://pypi.example/simple/numpy/?x=1")
	if !regexp.MustCompile(`^https://pypi\.example/simple/numpy/\?x=sha256-[0-9a-f]{16}$`).MatchString(got.URL) {
		t.Errorf("stored URL = %q, want the query value as a fingerprint", got.URL)
	}
	if _, found, _ := c.GetPage("https://pypi.example/simple/numpy/"); found {
		t.Error("the query string is part of the key, yet a URL without it found the page")
	}
}

// A token in the query string is a credential too: the file holds it masked, and every
// token of one URL finds the same page (see the package comment).
func TestPageKeysMaskQueryTokens(t *testing.T) {
	c, _ := openTest(t, t.TempDir(), Options{})
	page := samplePage("body")
	page.URL = "https://mirror.example/simple/torch/?channel=nightly&token=t0ps3cret&access_code=hunter2"
	if err := c.PutPage("https://mirror.example/simple/torch/?channel=nightly&token=t0ps3cret&access_code=hunter2", page); err != nil {
		t.Fatal(err)
	}
	page.ParsedKey = ParsedKey(digest([]byte("parsed")))
	if err := c.PutPage("https://mirror.example/simple/numpy/?api_key=k3yv4lue", page); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(c.Path())
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"t0ps3cret", "k3yv4lue", "hunter2"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the cache file contains the query token %s", secret)
		}
	}
	got, found, err := c.GetPage("https://mirror.example/simple/torch/?channel=nightly&token=r0tated&access_code=hunter2")
	if err != nil || !found {
		t.Fatalf("GetPage with another token: found=%v err=%v", found, err)
	}
	if want := regexp.MustCompile(`^https://mirror\.example/simple/torch/\?channel=sha256-[0-9a-f]{16}&token=\*{4}&access_code=sha256-[0-9a-f]{16}$`); !want.MatchString(got.URL) {
		t.Errorf("stored URL = %q, want it to match %s", got.URL, want)
	}
	if _, found, _ := c.GetPage("https://mirror.example/simple/torch/?channel=stable&token=t0ps3cret&access_code=hunter2"); found {
		t.Error("a URL with another non-secret query value found the page")
	}
	if _, found, _ := c.GetPage("https://mirror.example/simple/numpy/?api_key=other"); !found {
		t.Error("the page stored with a head is not found with another key")
	}
}

func TestPutRejects(t *testing.T) {
	c, w := openTest(t, t.TempDir(), Options{})
	meta := []byte("Metadata-Version: 2.1\nName: x\n")
	farFuture := samplePage("b")
	farFuture.FetchedAt = time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
	negative := samplePage("b")
	negative.MaxAge = -time.Second
	badURL := samplePage("b")
	badURL.URL = "simple/x/"
	tests := []struct {
		name string
		put  func() error
	}{
		{"relative page URL", func() error { return c.PutPage("/simple/x/", samplePage("b")) }},
		{"unparsable page URL", func() error { return c.PutPage("https://x/%zz", samplePage("b")) }},
		{"relative Page.URL", func() error { return c.PutPage("https://x/simple/x/", badURL) }},
		{"zero fetch time", func() error { return c.PutPage("https://x/simple/x/", Page{Body: []byte("b")}) }},
		{"fetch time out of range", func() error { return c.PutPage("https://x/simple/x/", farFuture) }},
		{"negative max-age", func() error { return c.PutPage("https://x/simple/x/", negative) }},
		{"content hash mismatch", func() error { return c.PutMetadata(MetadataKey(digest([]byte("other"))), meta) }},
		{"empty metadata", func() error { return c.PutMetadata(MetadataKey(digest(nil)), nil) }},
		{"short digest", func() error { return c.PutMetadata(DistKey("abcd"), meta) }},
		{"non-hex digest", func() error { return c.PutMetadata(DistKey(strings.Repeat("g", 64)), meta) }},
		{"unknown key prefix", func() error { return c.PutMetadata("md5:"+strings.Repeat("a", 64), meta) }},
		{"matrix key form", func() error { return c.PutMatrix(DistKey(digest(meta)), []byte("x")) }},
		{"empty matrix", func() error { return c.PutMatrix(MatrixKey(digest(meta)), nil) }},
	}
	for _, tt := range tests {
		if err := tt.put(); !errors.Is(err, ErrRejected) {
			t.Errorf("%s: err = %v, want ErrRejected", tt.name, err)
		}
	}
	info, err := c.Info()
	if err != nil {
		t.Fatal(err)
	}
	if info.Pages+info.Metadata+info.Matrices != 0 {
		t.Errorf("rejected entries were stored: %+v", info)
	}
	for _, get := range []func() error{
		func() error { _, _, err := c.GetPage("relative/"); return err },
		func() error { _, _, err := c.GetMetadata("sha256:xyz"); return err },
		func() error { _, _, err := c.GetMatrix("dist-sha256:" + digest(meta)); return err },
	} {
		if err := get(); !errors.Is(err, ErrRejected) {
			t.Errorf("Get with a malformed key: err = %v, want ErrRejected", err)
		}
	}
	if got := w.list(); len(got) != 0 {
		t.Errorf("warnings: %q", got)
	}
}

func TestPageFresh(t *testing.T) {
	p := Page{FetchedAt: fetched, MaxAge: time.Minute}
	tests := []struct {
		now  time.Time
		want bool
	}{
		{fetched, true},
		{fetched.Add(59 * time.Second), true},
		{fetched.Add(time.Minute), false},
		{fetched.Add(-time.Second), false}, // clock went back: revalidate
	}
	for _, tt := range tests {
		if got := p.Fresh(tt.now); got != tt.want {
			t.Errorf("Fresh(%v) = %v, want %v", tt.now, got, tt.want)
		}
	}
	if (Page{FetchedAt: fetched}).Fresh(fetched) {
		t.Error("a page with max-age 0 is fresh")
	}
}

func TestNilCache(t *testing.T) {
	var c *Cache
	if err := c.PutPage("https://x/simple/a/", samplePage("b")); err != nil {
		t.Error(err)
	}
	if _, found, err := c.GetPage("https://x/simple/a/"); found || err != nil {
		t.Errorf("GetPage on nil: %v %v", found, err)
	}
	if err := c.PutMetadata(DistKey(digest(nil)), []byte("m")); err != nil {
		t.Error(err)
	}
	if _, found, err := c.GetMetadata(DistKey(digest(nil))); found || err != nil {
		t.Errorf("GetMetadata on nil: %v %v", found, err)
	}
	if err := c.PutMatrix(MatrixKey(digest(nil)), []byte("m")); err != nil {
		t.Error(err)
	}
	if _, found, err := c.GetMatrix(MatrixKey(digest(nil))); found || err != nil {
		t.Errorf("GetMatrix on nil: %v %v", found, err)
	}
}

func TestReadOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	ro, w := openTest(t, dir, Options{ReadOnly: true})
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a read-only Open created %s (stat: %v)", dir, err)
	}
	if _, found, err := ro.GetPage("https://x/simple/a/"); found || err != nil {
		t.Errorf("GetPage on a missing file: %v %v", found, err)
	}
	if err := ro.PutPage("https://x/simple/a/", samplePage("b")); !errors.Is(err, ErrReadOnly) {
		t.Errorf("PutPage on a read-only cache: %v, want ErrReadOnly", err)
	}
	info, err := ro.Info()
	if err != nil || info.Exists {
		t.Errorf("Info on a missing file = %+v, %v", info, err)
	}

	rw, _ := openTest(t, dir, Options{})
	if err := rw.PutPage("https://x/simple/a/", samplePage("b")); err != nil {
		t.Fatal(err)
	}
	if _, found, err := ro.GetPage("https://x/simple/a/"); !found || err != nil {
		t.Errorf("GetPage after another handle wrote: %v %v", found, err)
	}
	if info, err := ro.Info(); err != nil || !info.Exists || info.Pages != 1 {
		t.Errorf("Info = %+v, %v", info, err)
	}
	if got := w.list(); len(got) != 0 {
		t.Errorf("warnings: %q", got)
	}
}

// rawUpdate changes the cache file behind the package's back.
func rawUpdate(t *testing.T, path string, fn func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

func rawGet(t *testing.T, path string, bucket []byte, key string) []byte {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v []byte
	db.View(func(tx *bolt.Tx) error {
		v = bytes.Clone(tx.Bucket(bucket).Get([]byte(key)))
		return nil
	})
	return v
}

func TestDamagedEntries(t *testing.T) {
	dir := t.TempDir()
	c, w := openTest(t, dir, Options{})
	a, b := MatrixKey(digest([]byte("a"))), MatrixKey(digest([]byte("b")))
	if err := c.PutMatrix(a, []byte("compiled a")); err != nil {
		t.Fatal(err)
	}
	if err := c.PutPage("https://x/simple/p/", samplePage("page body")); err != nil {
		t.Fatal(err)
	}
	rawUpdate(t, c.Path(), func(tx *bolt.Tx) error {
		m := tx.Bucket(bucketMatrix)
		good := bytes.Clone(m.Get([]byte(a)))
		// A valid value under the wrong key.
		if err := m.Put([]byte(b), good); err != nil {
			return err
		}
		// One flipped bit.
		good[3] ^= 0x10
		if err := m.Put([]byte(a), good); err != nil {
			return err
		}
		// A well-sealed value whose payload is not a page.
		return tx.Bucket(bucketPages).Put([]byte("https://x/simple/p/"), seal("https://x/simple/p/", []byte{0xff}))
	})
	for _, key := range []string{a, b} {
		if v, found, err := c.GetMatrix(key); found || err != nil {
			t.Errorf("GetMatrix(%s) of a damaged value = %q, %v, %v; want a miss", key, v, found, err)
		}
		if v := rawGet(t, c.Path(), bucketMatrix, key); v != nil {
			t.Errorf("the damaged value under %s was not deleted", key)
		}
	}
	if _, found, err := c.GetPage("https://x/simple/p/"); found || err != nil {
		t.Errorf("GetPage of a malformed payload: %v %v", found, err)
	}
	if got := w.list(); len(got) != 2 || !strings.Contains(got[0], "damaged entry in the matrix bucket") || !strings.Contains(got[1], "pages bucket") {
		t.Errorf("warnings = %q, want one per bucket", got)
	}
	// The cache goes on working.
	if err := c.PutMatrix(a, []byte("compiled a")); err != nil {
		t.Fatal(err)
	}
	if v, found, _ := c.GetMatrix(a); !found || string(v) != "compiled a" {
		t.Errorf("GetMatrix after rewrite = %q, %v", v, found)
	}
}

func TestMetadataContentCheckOnRead(t *testing.T) {
	c, _ := openTest(t, t.TempDir(), Options{})
	meta := []byte("Metadata-Version: 2.1\nName: x\n")
	key := MetadataKey(digest(meta))
	// Sealed correctly but not the content the key names: only the hash check catches it.
	rawUpdate(t, c.Path(), func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMetadata).Put([]byte(key), seal(key, []byte("other")))
	})
	if v, found, err := c.GetMetadata(key); found || err != nil {
		t.Errorf("GetMetadata = %q, %v, %v; want a miss", v, found, err)
	}
}

func TestForeignFileReplaced(t *testing.T) {
	tests := []struct {
		name   string
		change func(tx *bolt.Tx) error
		warn   string
	}{
		{"other schema", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketMeta).Put(keySchema, binary.BigEndian.AppendUint64(nil, 99))
		}, "has schema version 99, not 1"},
		{"no meta bucket", func(tx *bolt.Tx) error { return tx.DeleteBucket(bucketMeta) }, "is not a depsolve cache"},
		{"missing bucket", func(tx *bolt.Tx) error { return tx.DeleteBucket(bucketPages) }, "has no pages bucket"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			c, _ := openTest(t, dir, Options{})
			if err := c.PutMatrix(MatrixKey(digest(nil)), []byte("x")); err != nil {
				t.Fatal(err)
			}
			rawUpdate(t, c.Path(), tt.change)

			ro, _ := openTest(t, dir, Options{ReadOnly: true})
			if info, err := ro.Info(); err != nil || info.Exists {
				t.Errorf("read-only Info of a foreign file = %+v, %v; want no cache", info, err)
			}

			c2, w := openTest(t, dir, Options{})
			if got := w.list(); len(got) != 1 || !strings.Contains(got[0], tt.warn) {
				t.Errorf("warnings = %q, want one containing %q", got, tt.warn)
			}
			info, err := c2.Info()
			if err != nil || !info.Exists || info.Matrices != 0 {
				t.Errorf("Info after the rebuild = %+v, %v", info, err)
			}
			if err := c2.PutMatrix(MatrixKey(digest(nil)), []byte("x")); err != nil {
				t.Fatal(err)
			}
			if _, found, _ := c2.GetMatrix(MatrixKey(digest(nil))); !found {
				t.Error("the rebuilt cache does not keep entries")
			}
			if names := dirNames(t, dir); len(names) != 1 {
				t.Errorf("files left in the cache dir: %q", names)
			}
		})
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestEmptyFileReplacedSilently(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	ro, _ := openTest(t, dir, Options{ReadOnly: true})
	if _, found, err := ro.GetMatrix(MatrixKey(digest(nil))); found || err != nil {
		t.Errorf("read-only GetMatrix on an empty file: %v %v", found, err)
	}
	c, w := openTest(t, dir, Options{})
	if err := c.PutMatrix(MatrixKey(digest(nil)), []byte("x")); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := c.GetMatrix(MatrixKey(digest(nil))); !found {
		t.Error("entry lost")
	}
	if got := w.list(); len(got) != 0 {
		t.Errorf("warnings: %q", got)
	}
}

func TestFileDeletedBetweenOperations(t *testing.T) {
	dir := t.TempDir()
	c, w := openTest(t, dir, Options{})
	if _, err := Clean(dir); err != nil {
		t.Fatal(err)
	}
	if _, found, err := c.GetPage("https://x/simple/a/"); found || err != nil {
		t.Errorf("GetPage after Clean: %v %v", found, err)
	}
	if err := c.PutPage("https://x/simple/a/", samplePage("b")); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := c.GetPage("https://x/simple/a/"); !found {
		t.Error("PutPage after Clean did not store the page")
	}
	if got := w.list(); len(got) != 0 {
		t.Errorf("warnings: %q", got)
	}
}

func TestOptions(t *testing.T) {
	if _, err := Open(t.TempDir(), Options{Timeout: -time.Second}); err == nil {
		t.Error("a negative timeout was accepted")
	}
	if _, err := Open("", Options{}); err == nil {
		t.Error("an empty directory was accepted")
	}
	c, _ := openTest(t, t.TempDir(), Options{})
	if c.timeout != DefaultTimeout {
		t.Errorf("zero Timeout gave %v, want DefaultTimeout", c.timeout)
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv(DirEnv, "/some/where")
	if got, err := DefaultDir(); err != nil || got != "/some/where" {
		t.Errorf("DefaultDir with %s set = %q, %v", DirEnv, got, err)
	}
	t.Setenv(DirEnv, "")
	base, err := os.UserCacheDir()
	if err != nil {
		t.Skipf("no user cache dir here: %v", err)
	}
	if got, err := DefaultDir(); err != nil || got != filepath.Join(base, "depsolve") {
		t.Errorf("DefaultDir = %q, %v; want %s/depsolve", got, err, base)
	}
}

func TestClean(t *testing.T) {
	dir := t.TempDir()
	openTest(t, dir, Options{})
	ours := []string{"cache-v0.db", FileName + ".corrupt-20260101T000000.000000000Z", FileName + ".tmp-123"}
	theirs := []string{"cache-v1.dbx", "notes.txt", "xcache-v1.db"} // sorted, as ReadDir lists them
	for _, name := range append(append([]string(nil), ours...), theirs...) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	removed, err := Clean(dir)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, name := range []string{"cache-v0.db", FileName, ours[1], ours[2]} {
		want = append(want, filepath.Join(dir, name))
	}
	if diff := cmp.Diff(want, removed); diff != "" {
		t.Errorf("Clean removed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(theirs, dirNames(t, dir)); diff != "" {
		t.Errorf("left in the dir (-want +got):\n%s", diff)
	}
	if removed, err := Clean(filepath.Join(dir, "missing")); err != nil || removed != nil {
		t.Errorf("Clean of a missing dir = %q, %v", removed, err)
	}
}

func TestNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, FileName), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, readOnly := range []bool{false, true} {
		w := new(warnings)
		if _, err := Open(dir, Options{ReadOnly: readOnly, Warn: w.add}); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("Open(ReadOnly: %v) with a directory in place of the file: %v", readOnly, err)
		}
		if got := w.list(); len(got) != 0 {
			t.Errorf("warnings: %q", got)
		}
	}
	if names := dirNames(t, dir); len(names) != 1 || names[0] != FileName {
		t.Errorf("the directory was touched: %q", names)
	}
}

// TestSharedReadHandle: the read handle a Get leaves open for the next ones must not
// keep a process reading a file that has left the path, nor keep another handle from
// writing.
func TestSharedReadHandle(t *testing.T) {
	dir := t.TempDir()
	reader, w := openTest(t, dir, Options{})
	const url = "https://x/simple/a/"
	if err := reader.PutPage(url, samplePage("old")); err != nil {
		t.Fatal(err)
	}
	if p, found, err := reader.GetPage(url); !found || err != nil || string(p.Body) != "old" {
		t.Fatalf("GetPage = %q %v %v", p.Body, found, err)
	}
	// Another process cleans the cache and writes a new file meanwhile.
	if _, err := Clean(dir); err != nil {
		t.Fatal(err)
	}
	writer, ww := openTest(t, dir, Options{Timeout: time.Second})
	if err := writer.PutPage(url, samplePage("new")); err != nil {
		t.Fatal(err)
	}
	if p, found, err := reader.GetPage(url); !found || err != nil || string(p.Body) != "new" {
		t.Errorf("GetPage after the file was replaced = %q %v %v, want the new file's page", p.Body, found, err)
	}
	// The reader's handle on the new file does not lock the writer out for good.
	if err := writer.PutPage(url, samplePage("newer")); err != nil {
		t.Fatal(err)
	}
	if got := append(w.list(), ww.list()...); len(got) != 0 {
		t.Errorf("warnings: %q", got)
	}
}

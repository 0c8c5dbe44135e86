package cache

import (
	"bytes"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// lastTxID is the ID of the last transaction committed to the file: each write
// transaction adds one.
func lastTxID(t *testing.T, path string) int {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var id int
	if err := db.View(func(tx *bolt.Tx) error { id = tx.ID(); return nil }); err != nil {
		t.Fatal(err)
	}
	return id
}

// waitFor polls cond under the commit queue's lock until it holds.
func waitFor(c *Cache, cond func(q *commits) bool) {
	for {
		c.commits.mu.Lock()
		ok := cond(&c.commits)
		c.commits.mu.Unlock()
		if ok {
			return
		}
		runtime.Gosched()
	}
}

// TestConcurrentPutsShareTransactions: the puts that arrive while a transaction commits
// are committed together in the next one, not one transaction (and two syncs) each.
// The test holds the write lock so that a burst of puts arrives while the first one's
// transaction waits for it; every entry is in the file afterwards.
func TestConcurrentPutsShareTransactions(t *testing.T) {
	dir := t.TempDir()
	c, w := openTest(t, dir, Options{})
	before := lastTxID(t, c.Path())
	const n = 50
	data := func(i int) []byte { return fmt.Appendf(nil, "Metadata-Version: 2.1\nName: p%d\nVersion: 1.0\n", i) }

	c.mu.Lock() // what a commit takes first: the puts below wait behind it
	var wg sync.WaitGroup
	put := func(i int) {
		defer wg.Done()
		if err := c.PutMetadata(MetadataKey(digest(data(i))), data(i)); err != nil {
			t.Error(err)
		}
	}
	wg.Add(1)
	go put(0)
	// The committer has taken the first put's batch and waits for the lock.
	waitFor(c, func(q *commits) bool { return q.committing != nil && q.next == nil })
	wg.Add(n - 1)
	for i := 1; i < n; i++ {
		go put(i)
	}
	// Each put adds its entry and the entry's last-use record.
	waitFor(c, func(q *commits) bool { return q.next != nil && len(q.next.entries) == 2*(n-1) })
	c.mu.Unlock()
	wg.Wait()

	if got := lastTxID(t, c.Path()) - before; got != 2 {
		t.Errorf("%d puts committed %d transactions, want 2 (the first put's, then all the others')", n, got)
	}
	for i := range n {
		got, found, err := c.GetMetadata(MetadataKey(digest(data(i))))
		if err != nil || !found || string(got) != string(data(i)) {
			t.Errorf("entry %d: found %v, err %v, data %q", i, found, err, got)
		}
	}
	if msgs := w.list(); len(msgs) != 0 {
		t.Errorf("warnings: %q", msgs)
	}
}

// TestFailedCommitReleasesEveryPut: a transaction that fails turns writing off and
// returns every put waiting for it; none hangs, and later puts return at once.
func TestFailedCommitReleasesEveryPut(t *testing.T) {
	dir := t.TempDir()
	c, w := openTest(t, dir, Options{Timeout: 50 * time.Millisecond})
	holdLock(t, c.Path(), false) // another process writes: every commit times out
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := fmt.Appendf(nil, "Name: p%d\n", i)
			if err := c.PutMetadata(MetadataKey(digest(d)), d); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if msgs := w.list(); len(msgs) != 1 {
		t.Errorf("warnings: %q, want one about the lock", msgs)
	}
}

// lockFile opens the cache file with bbolt directly, as another process would, and
// returns the function that closes it.
func lockFile(t *testing.T, path string) (release func()) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return func() { db.Close() }
}

// TestPutReturnsBeforeCommit: a put does not wait for its transaction, and the process
// reads what it put while the commit waits; Close waits for the commit, after which
// another process finds the entry.
func TestPutReturnsBeforeCommit(t *testing.T) {
	dir := t.TempDir()
	c, w := openTest(t, dir, Options{Timeout: 5 * time.Second, WriteBehind: true})
	release := lockFile(t, c.Path()) // another process writes: the commit waits for it
	meta := []byte("Metadata-Version: 2.1\nName: a\nVersion: 1\n")
	key := MetadataKey(digest(meta))
	if err := c.PutMetadata(key, meta); err != nil {
		t.Fatal(err)
	}
	if got, found, err := c.GetMetadata(key); !found || err != nil || string(got) != string(meta) {
		t.Errorf("GetMetadata while the put's commit waits = %q, %v, %v", got, found, err)
	}
	release()
	c.Close()
	if raw := rawGet(t, c.Path(), bucketMetadata, key); raw == nil {
		t.Error("the entry is not in the file after Close")
	}
	if got := w.list(); len(got) != 0 {
		t.Errorf("warnings: %q", got)
	}
}

// TestPendingEntriesBounded: past maxPendingBytes of entries not yet committed, a put
// waits for its commit, so a run whose commits cannot keep up holds no more than that.
func TestPendingEntriesBounded(t *testing.T) {
	dir := t.TempDir()
	c, w := openTest(t, dir, Options{Timeout: time.Minute, WriteBehind: true})
	release := lockFile(t, c.Path())
	const size = 1 << 20
	n := maxPendingBytes/size + 2
	value := func(i int) []byte { return bytes.Repeat([]byte{byte(i)}, size) }
	key := func(i int) string { return MatrixKey(digest(value(i))) }
	var stored atomic.Int32
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range n {
			if err := c.PutMatrix(key(i), value(i)); err != nil {
				t.Error(err)
			}
			stored.Add(1)
		}
	}()
	waitFor(c, func(q *commits) bool { return q.bytes > maxPendingBytes })
	select {
	case <-done:
		t.Fatal("every put returned while none could be committed")
	default:
	}
	if got := stored.Load(); int(got) >= n {
		t.Fatalf("%d puts of %d returned while none could be committed", got, n)
	}
	release()
	<-done
	c.Close()
	for i := range n {
		if raw := rawGet(t, c.Path(), bucketMatrix, key(i)); raw == nil {
			t.Errorf("entry %d is not in the file", i)
		}
	}
	if got := w.list(); len(got) != 0 {
		t.Errorf("warnings: %q", got)
	}
}

// TestWriteBehindFailedCommit: a put written behind whose commit fails returns at once;
// the failure warns once, by Close at the latest, and turns writing off: later puts
// queue nothing.
func TestWriteBehindFailedCommit(t *testing.T) {
	dir := t.TempDir()
	c, w := openTest(t, dir, Options{Timeout: 50 * time.Millisecond, WriteBehind: true})
	holdLock(t, c.Path(), false)
	data := []byte("Name: a\n")
	if err := c.PutMetadata(MetadataKey(digest(data)), data); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if got := w.list(); len(got) != 1 || !strings.Contains(got[0], "locked by another process") {
		t.Fatalf("warnings: %q, want one about the lock", got)
	}
	if err := c.PutMatrix(MatrixKey(digest(data)), data); err != nil {
		t.Fatal(err)
	}
	if n := c.commits.count.Load(); n != 0 {
		t.Errorf("%d entries queued after writing was turned off", n)
	}
	c.Close()
	if got := w.list(); len(got) != 1 {
		t.Errorf("warnings: %q, want still one", got)
	}
}

// TestReadsPassAWaitingCommit: while another process reads the file, a commit waits for
// it, and this process's reads go on meanwhile rather than queue behind the commit.
func TestReadsPassAWaitingCommit(t *testing.T) {
	dir := t.TempDir()
	c, w := openTest(t, dir, Options{Timeout: 5 * time.Second, WriteBehind: true})
	const stored = "https://x/simple/stored/"
	if err := c.PutPage(stored, samplePage("stored")); err != nil {
		t.Fatal(err)
	}
	c.Close()
	db, err := bolt.Open(c.Path(), 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.PutPage("https://x/simple/new/", samplePage("new")); err != nil {
		t.Fatal(err)
	}
	// The commit has begun its tries for the lock once it has taken c.mu.
	for c.mu.TryRLock() {
		c.mu.RUnlock()
		runtime.Gosched()
	}
	if p, found, err := c.GetPage(stored); !found || err != nil || string(p.Body) != "stored" {
		t.Errorf("GetPage while a commit waits = %q, %v, %v", p.Body, found, err)
	}
	if _, found, err := c.GetPage("https://x/simple/absent/"); found || err != nil {
		t.Errorf("GetPage of a missing page while a commit waits = %v, %v", found, err)
	}
	db.Close()
	c.Close()
	if got := w.list(); len(got) != 0 {
		t.Errorf("warnings: %q", got)
	}
}

// TestPageURLsListPendingPages: the pages a process has put are listed by its
// PageURLs before they are committed, in order with the stored ones; another process
// reading the file holds the commit back meanwhile.
func TestPageURLsListPendingPages(t *testing.T) {
	dir := t.TempDir()
	c, _ := openTest(t, dir, Options{Timeout: 5 * time.Second, WriteBehind: true})
	for _, u := range []string{"https://x/simple/a/", "https://x/simple/c/"} {
		if err := c.PutPage(u, samplePage(u)); err != nil {
			t.Fatal(err)
		}
	}
	c.Close()
	reader, err := bolt.Open(c.Path(), 0o600, &bolt.Options{ReadOnly: true}) // the commit waits for it
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	defer reader.Close()
	if err := c.PutPage("https://x/simple/b/", samplePage("b")); err != nil {
		t.Fatal(err)
	}
	got, err := c.PageURLs("https://x/simple/", 2)
	if want := []string{"https://x/simple/a/", "https://x/simple/b/"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("PageURLs = %q, %v; want %q", got, err, want)
	}
}

// TestPutsGatherForCommitDelay: the puts a run makes within commitDelay of each other
// share one transaction (two syncs), rather than one the first put starts at once.
func TestPutsGatherForCommitDelay(t *testing.T) {
	dir := t.TempDir()
	c, w := openTest(t, dir, Options{WriteBehind: true})
	before := lastTxID(t, c.Path())
	for i := range 20 {
		if err := c.PutPage(pageURL(i), samplePage(fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	c.Close()
	if got := lastTxID(t, c.Path()) - before; got != 1 {
		t.Errorf("20 puts in a row took %d transactions, want 1", got)
	}
	for i := range 20 {
		if _, found, err := c.GetPage(pageURL(i)); !found || err != nil {
			t.Errorf("page %d after Close: %v, %v", i, found, err)
		}
	}
	if got := w.list(); len(got) != 0 {
		t.Errorf("warnings: %q", got)
	}
}

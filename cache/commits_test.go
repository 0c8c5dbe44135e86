package cache

import (
	"fmt"
	"runtime"
	"sync"
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
	waitFor(c, func(q *commits) bool { return q.running && q.next == nil })
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

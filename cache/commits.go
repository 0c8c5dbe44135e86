package cache

import "sync"

// commits gathers the entries of concurrent puts into shared transactions. Every bbolt
// commit syncs the file twice (data, then meta), 1–10 ms each on a real disk, and
// holds the exclusive lock meanwhile; a cold run stores a few hundred entries, mostly in
// bursts as the answers of one wave of parallel requests come in. One transaction per
// put made the puts of a burst queue behind each other's syncs. Here a put joins the
// batch of the next transaction and waits until it is committed: while one transaction
// commits, the puts arriving meanwhile gather in the next, so a burst costs two or three
// commits rather than one per put, and no put waits for a timer.
//
// A put still returns only when its entries are in the file (or the write failed and
// turned writing off), as before: a read that follows it in this or another process
// finds them, and an exit right after it loses nothing. A failed transaction loses the
// entries of every put in it; as each failed write did alone before, it turns writing
// off for the rest of the run (see block), so no later put would have stored them.
type commits struct {
	mu      sync.Mutex
	next    *batch // the entries of the next transaction; nil when none waits
	running bool   // a committer goroutine is running (see run)
}

// A batch is the entries of one transaction, and done is closed once it is committed.
type batch struct {
	entries []entry
	done    chan struct{}
}

// wait adds entries to the next transaction, starting a committer when none runs, and
// returns once that transaction has ended.
func (q *commits) wait(c *Cache, entries []entry) {
	q.mu.Lock()
	if q.next == nil {
		q.next = &batch{done: make(chan struct{})}
	}
	b := q.next
	b.entries = append(b.entries, entries...)
	if !q.running {
		q.running = true
		go q.run(c)
	}
	q.mu.Unlock()
	<-b.done
}

// run commits the waiting batches, one transaction each, until none is left.
func (q *commits) run(c *Cache) {
	for {
		q.mu.Lock()
		b := q.next
		q.next = nil
		if b == nil {
			q.running = false
			q.mu.Unlock()
			return
		}
		q.mu.Unlock()
		c.commit(b.entries)
		close(b.done)
	}
}

package cache

import (
	"strings"
	"sync"
	"sync/atomic"
)

// commits gathers the entries of puts into shared transactions. Every bbolt commit
// syncs the file twice (data, then meta), 1–10 ms each on a real disk, and holds the
// exclusive lock meanwhile; a cold run stores a few hundred entries, mostly in bursts as
// the answers of one wave of parallel requests come in. A put joins the batch of the
// next transaction; one committer goroutine commits the batches in order, so while one
// transaction commits, the puts arriving meanwhile gather in the next, and a burst costs
// two or three commits rather than one per put, without a timer.
//
// A put waits until its transaction has ended, unless the Cache writes behind
// (Options.WriteBehind): a put that waited held up the resolution behind it by the
// syncs of its commit, several times per run. Until its transaction has ended an entry
// is pending: this process's reads find it here before they look in the file (see
// Cache.lookup), so a put is visible at once to the process that made it; other
// processes see it once committed. Close waits for every pending entry: a process that
// exits without it, or crashes, loses the entries not yet committed, never more, and
// never corrupts the file (each batch is one bbolt transaction). Pending entries cost
// memory until committed: past maxPendingBytes, a put waits for its commit.
//
// A failed transaction loses the entries of every put in it; as each failed write did
// alone before, it turns writing off for the rest of the run (see block), so no later
// put is queued.
type commits struct {
	mu         sync.Mutex
	next       *batch // the entries of the next transaction; nil when none waits
	committing *batch // the batch being committed; nil when the committer is idle
	pending    map[pendingKey]pendingValue
	bytes      int // of the values in pending
	// count is len(pending), read without mu, so that the reads of a run that stores
	// nothing (a warm run) skip the lock.
	count atomic.Int32
}

const maxPendingBytes = 16 << 20

type pendingKey struct{ bucket, key string }

// A pendingValue is the value of the latest put of a key, and the batch that commits it.
type pendingValue struct {
	value []byte // nil: the put deletes the key
	batch *batch
}

// A batch is the entries of one transaction, and done is closed once it has ended.
type batch struct {
	entries []entry
	done    chan struct{}
}

// add queues entries for the next transaction, starting the committer when it is idle,
// and waits for their commit unless the Cache writes behind and the pending entries
// have not grown past maxPendingBytes.
func (q *commits) add(c *Cache, entries []entry) {
	q.mu.Lock()
	if q.next == nil {
		q.next = &batch{done: make(chan struct{})}
	}
	b := q.next
	b.entries = append(b.entries, entries...)
	if q.pending == nil {
		q.pending = map[pendingKey]pendingValue{}
	}
	for _, e := range entries {
		k := pendingKey{string(e.bucket), e.key}
		q.bytes += len(e.value) - len(q.pending[k].value)
		q.pending[k] = pendingValue{e.value, b}
	}
	q.count.Store(int32(len(q.pending)))
	if q.committing == nil {
		q.committing = b
		q.next = nil
		go q.run(c, b)
	}
	wait := !c.behind || q.bytes > maxPendingBytes
	q.mu.Unlock()
	if wait {
		<-b.done
	}
}

// run commits b, then the batches queued meanwhile, one transaction each, until none is
// left.
func (q *commits) run(c *Cache, b *batch) {
	for b != nil {
		c.commit(b.entries)
		q.mu.Lock()
		for _, e := range b.entries {
			k := pendingKey{string(e.bucket), e.key}
			if v, ok := q.pending[k]; ok && v.batch == b {
				q.bytes -= len(v.value)
				delete(q.pending, k)
			}
		}
		q.count.Store(int32(len(q.pending)))
		close(b.done)
		b, q.next = q.next, nil
		q.committing = b
		q.mu.Unlock()
	}
}

// find returns the value of the pending put of key: value is nil for a deletion, and
// ok false when no put of key is pending.
func (q *commits) find(bucket []byte, key string) (value []byte, ok bool) {
	if q.count.Load() == 0 {
		return nil, false
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	v, ok := q.pending[pendingKey{string(bucket), key}]
	return v.value, ok
}

// keys returns the keys of bucket that pending puts store (not delete) and that start
// with prefix.
func (q *commits) keys(bucket []byte, prefix string) []string {
	if q.count.Load() == 0 {
		return nil
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []string
	for k, v := range q.pending {
		if k.bucket == string(bucket) && v.value != nil && strings.HasPrefix(k.key, prefix) {
			out = append(out, k.key)
		}
	}
	return out
}

// flush waits until every entry queued so far is committed (or its transaction failed).
func (q *commits) flush() {
	q.mu.Lock()
	last := q.next
	if last == nil {
		last = q.committing
	}
	q.mu.Unlock()
	if last != nil {
		<-last.done
	}
}

package cache

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// commits gathers the entries of puts into shared transactions. Every bbolt commit
// syncs the file twice (data, then meta), 1–10 ms each on a real disk, and holds the
// exclusive lock meanwhile: this process's reads wait for it too (see Cache.do). A cold
// run stores a few hundred entries as the answers of its waves of parallel requests
// come in. A put joins the batch of the next transaction, which one committer goroutine
// commits once the batch has gathered puts for commitDelay: a cold run of a few hundred
// milliseconds costs a handful of commits rather than one per burst (a cold tensorflow
// check at 50 ms a request made 67). A put that must not wait that long hurries it: a
// put of a Cache that does not write behind, one past maxPendingBytes, and Close.
//
// A put waits until its transaction has ended, unless the Cache writes behind
// (Options.WriteBehind): a put that waited held up the resolution behind it by the
// syncs of its commit, several times per run. Until its transaction has ended an entry
// is pending: this process's reads find it here before they look in the file (see
// Cache.lookup), so a put is visible at once to the process that made it; other
// processes see it once committed, commitDelay and a commit later at most. Close waits
// for every pending entry: a process that exits without it, or crashes, loses the
// entries not yet committed (those of the last commitDelay or so), never more, and
// never corrupts the file (each batch is one bbolt transaction). Pending entries cost
// memory until committed: past maxPendingBytes, a put waits for its commit.
//
// A failed transaction loses the entries of every put in it; as each failed write did
// alone before, it turns writing off for the rest of the run (see block), so no later
// put is queued.
type commits struct {
	mu         sync.Mutex
	next       *batch // the entries of the next transaction; nil when none waits
	committing *batch // the batch being committed; nil when none is
	running    bool   // the committer goroutine is running
	// hurry, sent on (without blocking), ends the committer's wait for more puts.
	hurry   chan struct{}
	pending map[pendingKey]pendingValue
	bytes   int // of the values in pending
	// count is len(pending), read without mu, so that the reads of a run that stores
	// nothing (a warm run) skip the lock.
	count atomic.Int32
}

const maxPendingBytes = 16 << 20

// commitDelay is how long a batch gathers puts before the committer commits it.
const commitDelay = 100 * time.Millisecond

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

// add queues entries for the next transaction, starting the committer when it is not
// running, and waits for their commit unless the Cache writes behind and the pending
// entries have not grown past maxPendingBytes.
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
	if q.hurry == nil {
		q.hurry = make(chan struct{}, 1)
	}
	if !q.running {
		q.running = true
		go q.run(c)
	}
	wait := !c.behind || q.bytes > maxPendingBytes
	if wait {
		q.hasten()
	}
	q.mu.Unlock()
	if wait {
		<-b.done
	}
}

// hasten ends the committer's wait for more puts. q.mu is held.
func (q *commits) hasten() {
	select {
	case q.hurry <- struct{}{}:
	default:
	}
}

// run commits the batches, one transaction each, each once it has gathered puts for
// commitDelay (or was hurried), until none is left.
func (q *commits) run(c *Cache) {
	for {
		select {
		case <-time.After(commitDelay):
		case <-q.hurry:
		}
		q.mu.Lock()
		b := q.next
		q.next, q.committing = nil, b
		if b == nil {
			q.running = false
			q.mu.Unlock()
			return
		}
		q.mu.Unlock()
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
		q.committing = nil
		close(b.done)
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
	} else {
		q.hasten()
	}
	q.mu.Unlock()
	if last != nil {
		<-last.done
	}
}

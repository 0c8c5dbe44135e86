package cache

import (
	"encoding/binary"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Eviction. Every entry of the pages, parsed, metadata, matrix, sizes and layers buckets has a
// last-use record in bucket "used" (made on demand): key = bucket name, a zero
// byte, the entry's key; sealed payload = the UTC day (days since 1970) the
// entry was last stored or read, 8 bytes big-endian. Prune deletes entries not
// used for a given time (a page with its head); Open prunes at most once a day
// (meta key "pruned-at", RFC 3339), entries unused for DefaultMaxUnused.
//
// Recording every read would turn each warm-run read into a write (an exclusive
// lock and two fsyncs). A read records its use only when the record is touchEvery
// or more old, in a write of its own: an entry read every day is written once a
// week, so a warm run writes nothing on most days. Last use is thus known to
// within a week: a prune with a limit under that may delete an entry read a few
// days ago (it is fetched again when next needed). An entry without a record
// (stored by a depsolve that kept none) gets one dated at the first prune that
// sees it, so it has DefaultMaxUnused from then.
//
// Deleting entries frees pages inside the file, which later writes reuse; the
// file does not shrink ("depsolve cache clean" removes it).

// DefaultMaxUnused is how long an entry stays unread before Open's daily prune
// deletes it.
const DefaultMaxUnused = 30 * 24 * time.Hour

// KeptAfterRead is how long the entries a run read stay in the cache at least, through
// the daily prunes of later runs, when that run wrote nothing: it found each entry's last
// use within touchEvery days (an older one it would have recorded, a write), and a prune
// deletes only entries unused for DefaultMaxUnused. A result drawn from the cache (package
// memo's) holds no longer: past it a run may find those entries gone.
const KeptAfterRead = DefaultMaxUnused - touchEvery*day

const (
	touchEvery  = 7 // days
	pruneEvery  = 24 * time.Hour
	usedKeySep  = "\x00"
	day         = 24 * time.Hour
	usedDaySize = 8
)

var (
	bucketUsed  = []byte("used")
	keyPrunedAt = []byte("pruned-at")
	// evictable are the buckets whose entries have last-use records.
	evictable = [][]byte{bucketPages, bucketParsed, bucketMetadata, bucketMatrix, bucketSizes, bucketLayers}
)

func usedKey(bucket []byte, key string) string { return string(bucket) + usedKeySep + key }

// dayOf is the UTC day number of t.
func dayOf(t time.Time) int64 { return t.Unix() / int64(day/time.Second) }

func (c *Cache) today() int64 { return dayOf(c.now()) }

func usedValue(bucket []byte, key string, dayNumber int64) entry {
	k := usedKey(bucket, key)
	return entry{bucketUsed, k, seal(k, binary.BigEndian.AppendUint64(nil, uint64(dayNumber)))}
}

// lastUse reads the last-use day of an entry; ok is false when it has no
// readable record.
func lastUse(tx *bolt.Tx, bucket []byte, key string) (dayNumber int64, ok bool) {
	b := tx.Bucket(bucketUsed)
	if b == nil {
		return 0, false
	}
	k := usedKey(bucket, key)
	return usedDay(k, b.Get([]byte(k)))
}

func usedDay(k string, v []byte) (dayNumber int64, ok bool) {
	if v == nil {
		return 0, false
	}
	payload, err := unseal(k, v)
	if err != nil || len(payload) != usedDaySize {
		return 0, false
	}
	return int64(binary.BigEndian.Uint64(payload)), true
}

// needsTouch reports whether a read of the entry should record its use: its
// record (a pending one first, see commits) is missing or touchEvery days old.
// It runs inside the read's transaction.
func (c *Cache) needsTouch(tx *bolt.Tx, bucket []byte, key string) bool {
	d, ok := lastUse(tx, bucket, key)
	if c.commits.count.Load() > 0 {
		k := usedKey(bucket, key)
		if v, pending := c.commits.find(bucketUsed, k); pending {
			d, ok = usedDay(k, v)
		}
	}
	return !ok || c.today()-d >= touchEvery
}

// touch records today as the last use of the entries read; best effort, like
// every write.
func (c *Cache) touch(uses ...entry) {
	if c.readOnly || len(uses) == 0 {
		return
	}
	today := c.today()
	values := make([]entry, 0, len(uses))
	for _, u := range uses {
		values = append(values, usedValue(u.bucket, u.key, today))
	}
	_ = c.putValues(values...)
}

// Prune deletes the entries not stored or read for maxUnused or longer (a
// page with its head) and the last-use records of entries gone, and returns
// how many entries it deleted. Entries without a record get one dated today.
func (c *Cache) Prune(maxUnused time.Duration) (int, error) {
	if c == nil {
		return 0, nil
	}
	if c.readOnly {
		return 0, ErrReadOnly
	}
	today := c.today()
	oldest := today - int64(maxUnused/day)
	removed := 0
	err := c.do(true, func(tx *bolt.Tx) error {
		removed = 0
		used, err := tx.CreateBucketIfNotExists(bucketUsed)
		if err != nil {
			return err
		}
		for _, name := range evictable {
			b := tx.Bucket(name)
			if b == nil {
				continue
			}
			var stale, unrecorded []string
			err := b.ForEach(func(k, _ []byte) error {
				switch d, ok := lastUse(tx, name, string(k)); {
				case !ok:
					unrecorded = append(unrecorded, string(k))
				case d < oldest:
					stale = append(stale, string(k))
				}
				return nil
			})
			if err != nil {
				return err
			}
			for _, k := range stale {
				if err := b.Delete([]byte(k)); err != nil {
					return err
				}
				if heads := tx.Bucket(bucketHeads); heads != nil && string(name) == string(bucketPages) {
					if err := heads.Delete([]byte(k)); err != nil {
						return err
					}
				}
				if err := used.Delete([]byte(usedKey(name, k))); err != nil {
					return err
				}
			}
			removed += len(stale)
			for _, k := range unrecorded {
				u := usedValue(name, k, today)
				if err := used.Put([]byte(u.key), u.value); err != nil {
					return err
				}
			}
		}
		if err := deleteOrphanRecords(tx, used); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keyPrunedAt, []byte(c.now().UTC().Format(time.RFC3339)))
	})
	if err != nil {
		return 0, c.block(true, err)
	}
	return removed, nil
}

// deleteOrphanRecords deletes the last-use records of entries no longer there
// (discarded as damaged, say).
func deleteOrphanRecords(tx *bolt.Tx, used *bolt.Bucket) error {
	var orphans [][]byte
	err := used.ForEach(func(k, _ []byte) error {
		name, key, ok := strings.Cut(string(k), usedKeySep)
		if b := tx.Bucket([]byte(name)); !ok || b == nil || b.Get([]byte(key)) == nil {
			orphans = append(orphans, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range orphans {
		if err := used.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// pruneIfDue runs Prune(DefaultMaxUnused) when the last prune is pruneEvery
// or more ago, or never was. Pruning is housekeeping: a failure only warns
// (through the write failure handling of every write).
func (c *Cache) pruneIfDue() {
	var last time.Time
	if err := c.view(func(tx *bolt.Tx) {
		last, _ = time.Parse(time.RFC3339, string(tx.Bucket(bucketMeta).Get(keyPrunedAt)))
	}); err != nil {
		return
	}
	if age := c.now().Sub(last); age >= 0 && age < pruneEvery {
		return
	}
	_, _ = c.Prune(DefaultMaxUnused)
}

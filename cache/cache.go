// Package cache is depsolve's on-disk cache: one bbolt file, cache-v1.db, in the cache
// directory. It holds index project pages (revalidated with ETag and max-age), core
// metadata keyed by hashes (kept for good) and the compiled compatibility matrix keyed by
// the hash of the data it was compiled from. Nothing else in depsolve imports bbolt, and
// no bbolt type crosses this package's API. The cache is only ever a cache: deleting the
// directory loses nothing but time.
//
// # Layout
//
// Bucket "meta":
//
//	schema      8 bytes, big-endian SchemaVersion
//	created-by  Options.CreatedBy of the process that created the file
//	created-at  RFC 3339 UTC time of creation (with nanoseconds since Generation)
//
// Bucket "pages": key is the project page URL without userinfo or fragment, and with the
// values of secret-looking query parameters (token, key, auth, signature, …: the rule of
// package redact) replaced by "****"; the stored Page.URL likewise. Credentials never
// reach the file, and a rotated token keeps its pages. The price: pages of one URL asked
// with two different tokens share one entry. That is accepted, as for userinfo: a token
// says who asks, not which page, and a server that answers two tokens with two different
// pages of one URL (per-user views of a private index) is served the last one stored,
// and revalidates it when stale. The other query values stay in the key as fingerprints
// (redact.KeyURL), never as written: any of them may be a secret.
// Payload: URL, ContentType, ETag, LastModified as uvarint-length-prefixed strings, MaxAge
// in nanoseconds and FetchedAt in Unix nanoseconds as varints, then Body
// length-prefixed.
//
// Bucket "metadata": key "sha256:<hex>" (MetadataKey) for metadata whose own bytes have
// that SHA-256, as a PEP 658/714 index announces it; PutMetadata verifies it. Key
// "file-sha256:<hex>" (DistKey) for metadata read out of the distribution file with that
// SHA-256, downloaded whole and checked by the caller (the file is not at hand here). Key
// "source-sha256:<hex>" (SourceKey) for metadata nothing checked, kept for the one index
// file it came from. Keys "dist-sha256:<hex>" of older depsolve versions, written for
// unchecked metadata too, are never read. Payload: the metadata file's bytes. GetMetadata checks a "sha256:" entry's hash again before returning it.
//
// Bucket "matrix": key "sha256:<hex>" (MatrixKey) of the embedded matrix data; payload:
// the compiled form, opaque to this package.
//
// Bucket "parsed" (made by the first PutParsed; a file without it is still schema 1):
// key "parsed-sha256:<hex>" (ParsedKey) of the SHA-256 of a page's parse input; payload:
// the parsed form, opaque to this package and tagged with the caller's encoding version.
// GetPageWithParsed reads a page and its parsed form in one transaction. The caller
// stores what it derives from parsed pages here too (GetParsed, PutParsed), keyed by the
// SHA-256 of all it was derived from: the index's views of projects.
//
// Bucket "heads" (made by the first PutPage of a page with a ParsedKey): key as in
// pages, for a page stored with the key of its parsed form. Payload: URL, ContentType,
// ETag, LastModified, MaxAge, FetchedAt as in pages, then the ParsedKey. PutPage writes
// page and head in one transaction (and deletes the head of a page stored without
// ParsedKey). Reading a head does not touch its page: a depsolve that predates heads,
// and so this entry format, may rewrite the page alone (a format 1 value), and the head
// then answers for the page it describes until that is stale (see encodeHead).
// GetPageWithParsed reads the head and the parsed form instead of the page: a warm run
// neither copies, checksums nor hashes page bodies, which for projects like torch run
// to megabytes; GetPageHead reads the head alone, for a caller that may need neither.
//
// Bucket "sizes" (made by the first PutSizes): the download and installed sizes of a
// distribution file, keyed as its metadata is (DistKey for a file checked whole,
// SourceKey for range reads nothing checked); payload: both sizes as uvarints.
//
// Bucket "layers" (made by the first PutLayer): key "layer-sha256:<hex>" (LayerKey) of a
// container image layer the caller read whole and checked against that digest; payload:
// what the caller found in it, opaque to this package.
//
// Bucket "used" (made on demand): the day each entry of pages, parsed, metadata,
// matrix, sizes and layers was last stored or read; meta key "pruned-at" says when entries unused for
// long were last deleted. See Prune in evict.go.
//
// Every value in pages, heads, metadata, matrix, parsed and used is sealed: a format byte (3), the payload,
// then a big-endian IEEE CRC-32 of the key's length, the key and the payload. A value
// that fails the check, torn by a crash or garbled on disk or handed back under the wrong
// key by a damaged tree, is a miss, is deleted, and is never returned. A value of
// another format byte (1 with a CRC-64/ECMA, 2 with a CRC-32C, of earlier depsolve
// versions) is a miss too, but left alone, without a warning: storing the entry again
// replaces it.
//
// # Schema
//
// The file name carries the schema version, so binaries of different schemas each keep
// their own file. A file at our name whose meta bucket is missing or names another
// version, or that lacks a bucket, is replaced by a new empty file, never migrated. A new
// file is always written under a temporary name and then linked into place, so the path
// never holds a half-initialized file.
//
// # Concurrency
//
// bbolt locks the whole file: a read-write handle takes an exclusive flock, a read-only
// one a shared flock. A process holding a read-write handle for a whole resolve would
// lock every other depsolve out, so no read-write handle outlives one operation: each
// commit opens the file read-write, runs one transaction and closes it. The puts of
// 100 ms (commitDelay) share one transaction; with Options.WriteBehind they return
// before it (see commits). Reads share one
// read-only handle: the Gets running at once, and those that follow within readLinger
// (5 ms) of the last one, use the same handle (each in its own transaction, copying the
// value out, as bbolt's bytes are valid only inside it); then it is closed. A warm run
// reads about a hundred entries in bursts a few milliseconds apart, and opening bbolt
// for each (open, flock, mmap, munmap, close) cost more than the reads. The trade-off:
// while a process reads, another process's Put waits for the shared lock until the
// reader pauses for readLinger (a burst of reads, not a whole run, unless the run never
// pauses); a Put of the reading process itself first closes its read handle. Before
// reusing the handle a Get checks that the path still names the file it has open, so a
// file moved aside or replaced by another process is not read on. On the development
// machine (BenchmarkGetPage, 4 KiB) a Get costs about 10 µs on the shared handle, 40 µs
// when it opens the file itself; a Put about 0.4–0.6 ms, mostly the fsyncs of the
// commit: small next to a network round trip. Any number of processes can share
// the cache: readers run together, writers take turns. Within a process a sync.RWMutex
// plays the same role, so goroutines do not poll each other's file locks.
//
// bbolt's lock timeout of zero waits forever, which would hang a pre-commit hook behind a
// stuck process; Options.Timeout of zero means DefaultTimeout here. The waiting is done
// by this package: each open is a single non-blocking lock attempt, retried after 1 ms,
// doubling to 16 ms, with jitter, until the timeout. bbolt's own wait polls every 50 ms,
// so every contended operation would wait at least that long. With eight processes each
// writing 300 entries back to back, a write took 0.4 ms at the median and under 5 ms at
// the 99th percentile (up to 150 ms with 50 ms polling); the worst took 0.8 s either way,
// as flock does not queue its waiters, far inside the 10 s default.
//
// # Failures
//
// A Get that cannot reach the cache returns an error (wrapping ErrLocked when the lock
// timed out); a caller that can use the network treats it as a miss, an --offline one
// reports it. A Put that cannot write does not fail: caching is best effort, so it warns
// once (Options.Warn) and later calls skip the cache at once instead of waiting for the
// lock again. After a lock timeout or a failed read the cache is off for both reads and
// writes for the rest of the run; after a failed write, for writes only.
//
// A damaged file (bbolt reports it invalid or with bad meta checksums, or panics on a
// garbled page, or faults on a page past the end of the file; debug.SetPanicOnFault turns
// the fault into a panic) is renamed to cache-v1.db.corrupt-<UTC time>, with a warning
// naming both paths, and a new empty file takes its place; the operation is then retried,
// so the run goes on. A read-only cache repairs nothing: it reports ErrCorrupt instead.
//
// Every Put checks what it stores (key form, content hash where the key is one, time
// ranges), so nothing malformed is written; what it rejects wraps ErrRejected.
//
// Caveats:
//   - bbolt has no checksums on data pages. A garble that still parses as valid pages
//     passes bbolt's checks; the per-value checksum catches it, but a page tree whose
//     garbled branch points back at itself would recurse until the stack overflows, which
//     no recover catches. Random bytes make that vanishingly unlikely.
//   - A handle bbolt panicked in is abandoned, not closed (its Close could block on locks
//     the panicking code held): the descriptor is closed, which releases the lock, but
//     the mapping stays until the process exits.
//   - Entries not read for DefaultMaxUnused are deleted by a prune that Open runs at most
//     once a day (see Prune); "depsolve cache clean" (Clean) removes the files.
//   - When several processes repair one file at once, each renames whatever is at the
//     path and checks afterwards that it took the file it found bad; a newer file taken
//     by mistake goes back, or is dropped if yet another has appeared. A new file can
//     lose the entries written in that instant; a damaged file is never kept.
package cache

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

const (
	// SchemaVersion is the layout described in the package comment.
	SchemaVersion = 1
	// FileName is the cache file's name in the cache directory.
	FileName = "cache-v1.db"
	// DefaultTimeout is how long an operation waits for the file lock when
	// Options.Timeout is zero.
	DefaultTimeout = 10 * time.Second
	// DirEnv names the environment variable that overrides DefaultDir.
	DirEnv = "DEPSOLVE_CACHE_DIR"

	corruptInfix = ".corrupt-"
)

var (
	// ErrLocked reports that another process held the cache file's lock for longer than
	// the timeout.
	ErrLocked = errors.New("cache is locked by another process")
	// ErrCorrupt reports a damaged cache file that a read-only cache may not repair.
	ErrCorrupt = errors.New("cache file is damaged")
	// ErrReadOnly reports a Put on a cache opened with Options.ReadOnly.
	ErrReadOnly = errors.New("cache is read-only")
	// ErrRejected reports an entry that is not fit to store: a malformed key, a content
	// hash that does not match, an out-of-range field.
	ErrRejected = errors.New("cache entry rejected")

	// errAbsent: a read-only cache has no usable file, so every lookup misses.
	errAbsent = errors.New("no cache file")
)

// Options configure Open. The zero value is a read-write cache with DefaultTimeout and
// no warnings.
type Options struct {
	// Timeout bounds each wait for the file lock. Zero means DefaultTimeout, never
	// "wait forever" (bbolt's meaning of zero); negative is an error.
	Timeout time.Duration
	// ReadOnly opens the file with shared locks only and never creates, repairs or writes
	// it; Puts return ErrReadOnly. For "depsolve cache info".
	ReadOnly bool
	// Warn receives one line for each thing the user should know about: a damaged file
	// moved aside, a foreign file replaced, a damaged entry dropped, the cache turned off
	// after a lock timeout or a failed write. It may be called from several goroutines
	// at once. Nil discards the warnings.
	Warn func(msg string)
	// CreatedBy is recorded in a file this process creates, e.g. "depsolve 0.3.0".
	CreatedBy string
	// Now is the clock of last-use records and pruning (see Prune); nil means
	// time.Now.
	Now func() time.Time
	// WriteBehind lets puts return before their entries are committed (this process's
	// reads find them at once; see commits), for a run that stores entries while it
	// waits for the network. The owner must then call Close before it exits. Without
	// it, a put returns once its entries are in the file.
	WriteBehind bool
}

// A Cache is a handle on the cache directory. Between operations it holds at most a
// read-only handle, closed readLinger after the last read, and, with
// Options.WriteBehind, the puts not yet committed: Close waits for those. Its methods
// are safe for concurrent use. A nil *Cache is valid and caches nothing: every Get
// misses and every Put does nothing.
type Cache struct {
	dir, path string
	timeout   time.Duration
	readOnly  bool
	behind    bool // Options.WriteBehind
	warn      func(string)
	createdBy string
	now       func() time.Time

	mu      sync.RWMutex // see "Concurrency" in the package comment
	reader  reader       // the read-only handle reads share
	gens    generations  // the generations reads saw
	commits commits      // the puts not yet committed

	stateMu  sync.Mutex
	broken   error           // set: every operation returns it at once
	noWrites error           // set: every write returns it at once
	warned   map[string]bool // warnings given once per Cache
}

// Open opens the cache in dir (created with mode 0700 if missing), creating cache-v1.db
// there, replacing it if its schema is foreign, or moving it aside if it is damaged.
// With ReadOnly it creates nothing, and a missing file is an empty cache. It fails with
// an error wrapping ErrLocked when another process holds the lock past the timeout, with
// ErrCorrupt on a damaged file in read-only mode, and with the I/O error otherwise; the
// caller then runs without a cache (a nil *Cache) or, offline, reports the error.
func Open(dir string, opts Options) (*Cache, error) {
	if dir == "" {
		return nil, errors.New("cache: no directory given")
	}
	timeout := opts.Timeout
	switch {
	case timeout == 0:
		timeout = DefaultTimeout
	case timeout < 0:
		return nil, fmt.Errorf("cache: negative lock timeout %v", timeout)
	}
	c := &Cache{
		dir:       dir,
		path:      filepath.Join(dir, FileName),
		timeout:   timeout,
		readOnly:  opts.ReadOnly,
		behind:    opts.WriteBehind,
		warn:      opts.Warn,
		createdBy: opts.CreatedBy,
		now:       opts.Now,
		warned:    map[string]bool{},
	}
	if c.now == nil {
		c.now = time.Now
	}
	if !c.readOnly {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("cache: %w", err)
		}
	}
	// An empty transaction creates, replaces or repairs the file as needed.
	if err := c.do(false, func(*bolt.Tx) error { return nil }); err != nil && !errors.Is(err, errAbsent) {
		return nil, err
	}
	if !c.readOnly {
		c.pruneIfDue()
	}
	return c, nil
}

// Close returns once every entry put so far is in the file, or its write failed (which
// warns and turns writing off, as a failed write does). The Cache stays usable. With
// Options.WriteBehind, a process that exits without Close loses the entries it put
// last (see commits).
func (c *Cache) Close() {
	if c == nil {
		return
	}
	c.commits.flush()
	// The shared read handle would hold its lock for readLinger more: another
	// process's writer need not wait for a Cache that is done.
	c.mu.Lock()
	c.reader.drop()
	c.mu.Unlock()
}

// generations remembers the generation of the first read and whether a later read saw
// another.
type generations struct {
	mu      sync.Mutex
	first   generation
	read    bool
	changed bool
}

type generation struct {
	createdAt string
	tx        int
}

func (g generation) String() string { return fmt.Sprintf("%s/%d", g.createdAt, g.tx) }

func (gs *generations) saw(createdAt string, tx int) {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	g := generation{createdAt, tx}
	switch {
	case !gs.read:
		gs.first, gs.read = g, true
	case g != gs.first:
		gs.changed = true
	}
}

// StableGeneration returns the generation (as Generation names it) the Cache's first
// read saw, and whether every read since saw it too and it is still the file's
// generation once the puts so far are committed: only then did the Cache read one
// state of the file, which nothing changed while it read. "" when nothing was read.
func (c *Cache) StableGeneration() (string, bool) {
	if c == nil {
		return "", false
	}
	now, err := c.Generation() // a read: it flushes the puts first, and is compared too
	c.gens.mu.Lock()
	defer c.gens.mu.Unlock()
	if !c.gens.read {
		return "", false
	}
	first := c.gens.first.String()
	return first, err == nil && !c.gens.changed && now == first
}

// Generation names the state of the cache file that reads see now: it changes with
// every transaction that writes to the file, and differs between files (a file made
// after another was cleaned or replaced). Two equal generations read at two times mean
// nothing was written in between. "" when there is no cache file (read-only).
func (c *Cache) Generation() (string, error) {
	if c == nil {
		return "", nil
	}
	c.commits.flush()
	var gen string
	err := c.view(func(tx *bolt.Tx) {
		gen = fmt.Sprintf("%s/%d", tx.Bucket(bucketMeta).Get(keyCreatedAt), tx.ID())
	})
	return gen, err
}

// Path returns the cache file's path.
func (c *Cache) Path() string { return c.path }

// DefaultDir returns $DEPSOLVE_CACHE_DIR if set, else depsolve in the user cache
// directory (os.UserCacheDir: $XDG_CACHE_HOME or ~/.cache on Linux).
func DefaultDir() (string, error) {
	if dir := os.Getenv(DirEnv); dir != "" {
		return dir, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("cache: no user cache directory (%w); set %s or pass --cache-dir", err, DirEnv)
	}
	return filepath.Join(base, "depsolve"), nil
}

func (c *Cache) warnf(format string, args ...any) {
	if c.warn != nil {
		c.warn(fmt.Sprintf(format, args...))
	}
}

// warnOnce gives the warning the first time kind comes up.
func (c *Cache) warnOnce(kind, msg string) {
	c.stateMu.Lock()
	first := !c.warned[kind]
	c.warned[kind] = true
	c.stateMu.Unlock()
	if first {
		c.warnf("%s", msg)
	}
}

// blocked returns the error that turned the cache off for this kind of operation, if any.
func (c *Cache) blocked(write bool) error {
	c.stateMu.Lock()
	defer c.stateMu.Unlock()
	if c.broken != nil {
		return c.broken
	}
	if write {
		return c.noWrites
	}
	return nil
}

// block turns the cache off after err: for writes only when a write failed for a reason
// other than the lock, otherwise entirely. It warns the first time and returns the error
// later calls will get.
func (c *Cache) block(write bool, err error) error {
	c.stateMu.Lock()
	defer c.stateMu.Unlock()
	switch {
	case c.broken != nil:
		return c.broken
	case write && !errors.Is(err, ErrLocked):
		if c.noWrites == nil {
			c.noWrites = err
			c.warnf("%v; continuing without writing to the cache", err)
		}
		return c.noWrites
	default:
		c.broken = err
		c.warnf("%v; continuing without the cache", err)
		return err
	}
}

// get returns a copy of the payload stored under key, or a miss. A value that fails its
// checksum or check (which sees the payload) is discarded.
func (c *Cache) get(bucket []byte, key string, check func(payload []byte) error) ([]byte, bool, error) {
	return c.getFirst(bucket, []string{key}, check)
}

// getFirst is get for the first of keys that holds a sound value, all read in one
// transaction: a lookup that tries a second key when the first misses costs no second
// transaction.
func (c *Cache) getFirst(bucket []byte, keys []string, check func(payload []byte) error) ([]byte, bool, error) {
	// A pending entry (a put, or a delete) needs no transaction, and so does not wait
	// for the commit that holds the file meanwhile; its last-use record is pending with
	// it. Only the keys before the first pending one are read from the file.
	var pendingValue []byte
	stored := len(keys)
	for i, key := range keys {
		if v, pending := c.commits.find(bucket, key); pending {
			pendingValue, stored = v, i
			break
		}
	}
	values := make([][]byte, stored)
	touch := make([]bool, stored)
	if stored > 0 {
		err := c.view(func(tx *bolt.Tx) {
			for i, key := range keys[:stored] {
				values[i] = c.lookup(tx, bucket, key)
				touch[i] = values[i] != nil && c.needsTouch(tx, bucket, key)
			}
		})
		if err != nil {
			return nil, false, err
		}
	}
	for i, key := range keys[:stored] {
		if payload, found := c.checked(bucket, key, values[i], check); found {
			if touch[i] {
				c.touch(entry{bucket: bucket, key: key})
			}
			return payload, true, nil
		}
	}
	if stored < len(keys) {
		payload, found := c.checked(bucket, keys[stored], pendingValue, check)
		return payload, found, nil
	}
	return nil, false, nil
}

// view runs fn in a read transaction. A missing file (read-only cache) runs nothing and
// is no error; a failure turns the cache off (see block).
func (c *Cache) view(fn func(tx *bolt.Tx)) error {
	err := c.do(false, func(tx *bolt.Tx) error {
		fn(tx)
		return nil
	})
	switch {
	case errors.Is(err, errAbsent):
		return nil
	case err != nil:
		return c.block(false, err)
	}
	return nil
}

// lookup returns the value under key, nil on a miss: the value of a pending put (see
// commits), else a copy of the stored one (bbolt's bytes die with the transaction). A
// bucket created on demand (parsed) may not exist yet: a miss too.
func (c *Cache) lookup(tx *bolt.Tx, bucket []byte, key string) []byte {
	if value, ok := c.commits.find(bucket, key); ok {
		return value
	}
	b := tx.Bucket(bucket)
	if b == nil {
		return nil
	}
	return bytes.Clone(b.Get([]byte(key)))
}

// checked returns the payload of a value read under key, or a miss for a nil value or
// one of another format. A value that fails its checksum or check (which sees the
// payload) is discarded.
func (c *Cache) checked(bucket []byte, key string, value []byte, check func(payload []byte) error) ([]byte, bool) {
	if value == nil {
		return nil, false
	}
	payload, err := unseal(key, value)
	if errors.Is(err, errOtherFormat) {
		return nil, false
	}
	if err == nil && check != nil {
		err = check(payload)
	}
	if err != nil {
		c.discard(bucket, key, value)
		return nil, false
	}
	return payload, true
}

// discard deletes a damaged value, unless another process has replaced it meanwhile.
func (c *Cache) discard(bucket []byte, key string, damaged []byte) {
	c.warnOnce("damaged "+string(bucket), fmt.Sprintf("discarded a damaged entry in the %s bucket of %s", bucket, c.path))
	if c.readOnly {
		return
	}
	err := c.do(true, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		if b != nil && bytes.Equal(b.Get([]byte(key)), damaged) {
			return b.Delete([]byte(key))
		}
		return nil
	})
	if err != nil {
		c.block(true, err)
	}
}

// put seals payload and stores it under key. Only a rejected entry or a read-only cache
// is an error; a failed write turns writing off (see block).
func (c *Cache) put(bucket []byte, key string, payload []byte) error {
	return c.putValues(entry{bucket, key, seal(key, payload)})
}

// An entry is one sealed value to store; a nil value deletes the key.
type entry struct {
	bucket []byte
	key    string
	value  []byte
}

// putValues stores the entries in one transaction, creating buckets as needed (see
// bucketParsed), and returns once they are committed, or, with Options.WriteBehind,
// at once (see commits). After a failed write it stores nothing.
func (c *Cache) putValues(entries ...entry) error {
	if c.readOnly {
		return ErrReadOnly
	}
	if c.blocked(true) != nil {
		return nil
	}
	today := c.today()
	for _, e := range entries {
		if len(e.key) > bolt.MaxKeySize || len(e.value) > bolt.MaxValueSize {
			return fmt.Errorf("%w: %s entry too large for bbolt (key %d bytes, value %d bytes)", ErrRejected, e.bucket, len(e.key), len(e.value))
		}
		if e.value != nil && slices.ContainsFunc(evictable, func(b []byte) bool { return bytes.Equal(b, e.bucket) }) {
			entries = append(entries, usedValue(e.bucket, e.key, today))
		}
	}
	c.commits.add(c, entries)
	return nil
}

// commit stores the entries, in order, in one transaction; a failure turns writing off
// (see block).
func (c *Cache) commit(entries []entry) {
	err := c.do(true, func(tx *bolt.Tx) error {
		for _, e := range entries {
			if e.value == nil {
				if b := tx.Bucket(e.bucket); b != nil {
					if err := b.Delete([]byte(e.key)); err != nil {
						return err
					}
				}
				continue
			}
			b, err := tx.CreateBucketIfNotExists(e.bucket)
			if err != nil {
				return err
			}
			if err := b.Put([]byte(e.key), e.value); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		c.block(true, err)
	}
}

// Info describes the cache for "depsolve cache info".
type Info struct {
	Path      string
	Exists    bool  // false: no usable file yet (only a read-only cache reports this)
	Size      int64 // bytes on disk
	CreatedBy string
	CreatedAt time.Time // zero if unrecorded
	Pages     int
	Metadata  int
	Matrices  int
	Parsed    int      // parsed forms of pages and what was derived from them (ParsedKey)
	Corrupt   []string // damaged files moved aside, oldest first
}

// Info reports the file's size, creator and number of entries per bucket (after
// committing those put so far, see Close), and the damaged files moved aside next to it.
func (c *Cache) Info() (Info, error) {
	c.commits.flush()
	info := Info{Path: c.path}
	entries, err := os.ReadDir(c.dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return Info{}, fmt.Errorf("cache: %w", err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), FileName+corruptInfix) {
			info.Corrupt = append(info.Corrupt, filepath.Join(c.dir, e.Name()))
		}
	}
	err = c.do(false, func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		info.CreatedBy = string(meta.Get(keyCreatedBy))
		if t, err := time.Parse(time.RFC3339, string(meta.Get(keyCreatedAt))); err == nil {
			info.CreatedAt = t
		}
		info.Pages = tx.Bucket(bucketPages).Stats().KeyN
		info.Metadata = tx.Bucket(bucketMetadata).Stats().KeyN
		info.Matrices = tx.Bucket(bucketMatrix).Stats().KeyN
		if b := tx.Bucket(bucketParsed); b != nil {
			info.Parsed = b.Stats().KeyN
		}
		return nil
	})
	switch {
	case errors.Is(err, errAbsent):
		return info, nil
	case err != nil:
		return Info{}, err
	}
	info.Exists = true
	if st, err := os.Stat(c.path); err == nil {
		info.Size = st.Size()
	}
	return info, nil
}

// cacheFileName matches the files this package, of any schema version, leaves in the
// cache directory.
var cacheFileName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^cache-v[0-9]+\.db(\.(corrupt|tmp)-.+)?$`) })

// Clean removes the cache files of every schema version from dir, with the damaged files
// moved aside and temporary files left by crashed processes, and returns the paths it
// removed. Other files in dir stay. Processes using the cache meanwhile keep working on
// the removed file and start a new one on their next operation.
func Clean(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	var removed []string
	for _, e := range entries {
		if !cacheFileName().MatchString(e.Name()) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("cache: %w", err)
		}
		removed = append(removed, path)
	}
	return removed, nil
}

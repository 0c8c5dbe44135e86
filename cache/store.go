package cache

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

var (
	bucketMeta     = []byte("meta")
	bucketPages    = []byte("pages")
	bucketMetadata = []byte("metadata")
	bucketMatrix   = []byte("matrix")
	dataBuckets    = [][]byte{bucketPages, bucketMetadata, bucketMatrix}
	// bucketParsed came after schema 1's files: it is created by the first PutParsed,
	// not required by checkSchema, so files without it stay in use.
	bucketParsed = []byte("parsed")
	// bucketHeads likewise: made by the first PutPage of a page with a ParsedKey.
	bucketHeads = []byte("heads")

	keySchema    = []byte("schema")
	keyCreatedBy = []byte("created-by")
	keyCreatedAt = []byte("created-at")
)

const (
	// tryOnce as bbolt's lock timeout turns its flock into one non-blocking attempt:
	// bbolt gives up as soon as it has waited longer than the timeout less its fixed
	// 50 ms retry interval. openDB does the waiting, polling far more often than that.
	tryOnce   = time.Nanosecond
	firstPoll = time.Millisecond
	maxPoll   = 16 * time.Millisecond

	// maxAttempts bounds the tries of one operation: a damaged file takes three (find
	// it and move it aside, create a new one, use it); races with other processes
	// repairing the same file may add one or two.
	maxAttempts = 6
)

// A fileProblem is something wrong with the file at the cache path that a repair fixes.
type fileProblem int

const (
	fileMissing fileProblem = iota + 1 // create one
	fileEmpty                          // zero bytes (a creator died before its first write): replace it
	fileForeign                        // a bbolt file without our schema: replace it
	fileCorrupt                        // bbolt rejected it or panicked reading it: move it aside
)

type fileError struct {
	problem fileProblem
	ident   os.FileInfo // the file that was examined; nil for fileMissing
	cause   error
}

func (e *fileError) Error() string { return e.cause.Error() }

var errEmptyFile = errors.New("empty file")

// A handle is one open bbolt handle with the descriptor under it, which is closed directly
// when bbolt panics: its own Close could then block on locks the panicking transaction
// still holds.
type handle struct {
	db       *bolt.DB
	file     *os.File
	ident    os.FileInfo
	panicked bool // abandoned: never Close it (see run); reader.mu
	users    int  // readers in a transaction on it; reader.mu
	// ours is set once a read transaction on the handle has passed checkSchema. A
	// file's schema never changes in place (a foreign file is replaced by a new one,
	// and reads check that the path still names the file they have open), so later
	// read transactions skip the check.
	ours atomic.Bool
	// createdAt is the file's created-at, read with the schema check (ours): with a
	// transaction's ID it makes the generation the transaction reads.
	createdAt atomic.Pointer[string]
}

// openDB opens the cache file read-only (shared lock) or read-write (exclusive lock),
// waiting up to c.timeout for the lock. It never creates the file: repairs do that, so
// the path only ever holds a complete, initialized file.
func (c *Cache) openDB(write bool) (*handle, error) {
	return c.openDBWaiting(write, time.Sleep)
}

// openDBWaiting is openDB that waits between its tries with wait.
func (c *Cache) openDBWaiting(write bool, wait func(time.Duration)) (*handle, error) {
	deadline := time.Now().Add(c.timeout)
	poll := firstPoll
	for {
		h, err := c.openOnce(write)
		if !errors.Is(err, bolterrors.ErrTimeout) {
			return h, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, fmt.Errorf("%w: %s (waited %v)", ErrLocked, c.path, c.timeout)
		}
		// Jitter keeps the processes waiting for one lock from polling in step.
		wait(min(poll/2+rand.N(poll), left))
		poll = min(2*poll, maxPoll)
	}
}

func (c *Cache) openOnce(write bool) (h *handle, err error) {
	h = new(handle)
	openFile := func(name string, flag int, perm os.FileMode) (*os.File, error) {
		f, err := os.OpenFile(name, flag&^os.O_CREATE, perm)
		if err != nil {
			return nil, err
		}
		info, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, err
		}
		if !info.Mode().IsRegular() {
			f.Close()
			return nil, &fs.PathError{Op: "open", Path: name, Err: errors.New("not a regular file")}
		}
		h.ident = info
		if info.Size() == 0 {
			f.Close()
			return nil, errEmptyFile
		}
		h.file = f
		return f, nil
	}
	defer func() {
		if r := recover(); r != nil {
			// Closing the descriptor releases the lock; the mapping bbolt made stays
			// until the process exits.
			if h.file != nil {
				h.file.Close()
			}
			h, err = nil, &fileError{fileCorrupt, h.ident, fmt.Errorf("bbolt panicked: %v", r)}
		}
	}()
	restore := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(restore)

	h.db, err = bolt.Open(c.path, 0o600, &bolt.Options{Timeout: tryOnce, ReadOnly: !write, OpenFile: openFile})
	switch {
	case err == nil:
		return h, nil
	case errors.Is(err, bolterrors.ErrTimeout):
		return nil, err
	case errors.Is(err, fs.ErrNotExist):
		return nil, &fileError{problem: fileMissing, cause: err}
	case errors.Is(err, errEmptyFile):
		return nil, &fileError{fileEmpty, h.ident, err}
	case rejectsContent(err):
		return nil, &fileError{fileCorrupt, h.ident, err}
	default:
		return nil, fmt.Errorf("cache %s: %w", c.path, err)
	}
}

// rejectsContent reports whether an error from bolt.Open is about what the file holds
// rather than about the system: bbolt reports bad content with its sentinels or with
// plain messages ("file size too small 5000"), and system trouble with errors that wrap
// an errno or a path error.
func rejectsContent(err error) bool {
	if errors.Is(err, bolterrors.ErrInvalid) || errors.Is(err, bolterrors.ErrChecksum) || errors.Is(err, bolterrors.ErrVersionMismatch) {
		return true
	}
	var errno syscall.Errno
	var pathErr *fs.PathError
	return !errors.As(err, &errno) && !errors.As(err, &pathErr)
}

// run runs fn in one transaction and closes the handle. A panic inside bbolt (it panics
// on many kinds of damaged page, and PanicOnFault turns a fault in the mapping into one)
// comes back as a fileCorrupt error.
func (h *handle) run(write bool, fn func(*bolt.Tx) error) error {
	panicked, err := h.tx(write, fn)
	if panicked {
		return err
	}
	if cerr := h.db.Close(); err == nil {
		err = cerr
	}
	return err
}

// tx runs fn in one transaction on h, which stays open unless bbolt panicked: then its
// descriptor is closed, and h must be abandoned, never closed.
func (h *handle) tx(write bool, fn func(*bolt.Tx) error) (panicked bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			h.file.Close()
			panicked, err = true, &fileError{fileCorrupt, h.ident, fmt.Errorf("bbolt panicked: %v", r)}
		}
	}()
	restore := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(restore)

	if write {
		return false, h.db.Update(fn)
	}
	return false, h.db.View(fn)
}

// checkSchema accepts only a file this package made with the current schema.
func checkSchema(tx *bolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return errors.New("is not a depsolve cache (no meta bucket)")
	}
	v := meta.Get(keySchema)
	if len(v) != 8 {
		return errors.New("has no schema version")
	}
	if n := binary.BigEndian.Uint64(v); n != SchemaVersion {
		return fmt.Errorf("has schema version %d, not %d", n, SchemaVersion)
	}
	for _, name := range dataBuckets {
		if tx.Bucket(name) == nil {
			return fmt.Errorf("has no %s bucket", name)
		}
	}
	return nil
}

// newFile writes a new, empty cache file to a temporary name in the cache directory and
// returns that name.
func (c *Cache) newFile() (string, error) {
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(c.dir, FileName+".tmp-*")
	if err != nil {
		return "", err
	}
	name := f.Name()
	if err := f.Close(); err != nil {
		os.Remove(name)
		return "", err
	}
	// Nobody else opens this name, so the lock is free; c.timeout only bounds the wait.
	// Nobody reads it before it is linked into place either, so one sync at the end
	// (db.Sync) does what bbolt's syncs of the growth and of the commit would.
	db, err := bolt.Open(name, 0o600, &bolt.Options{Timeout: c.timeout, NoSync: true, NoGrowSync: true})
	if err == nil {
		err = db.Update(func(tx *bolt.Tx) error {
			meta, err := tx.CreateBucket(bucketMeta)
			if err != nil {
				return err
			}
			for _, kv := range [][2][]byte{
				{keySchema, binary.BigEndian.AppendUint64(nil, SchemaVersion)},
				{keyCreatedBy, []byte(c.createdBy)},
				// With nanoseconds: it tells apart files made in one second (Generation).
				{keyCreatedAt, []byte(time.Now().UTC().Format(time.RFC3339Nano))},
				// Nothing in a new file is unused yet: its first prune is due in a day,
				// not at the Open that made it (a write transaction, two syncs).
				{keyPrunedAt, []byte(c.now().UTC().Format(time.RFC3339))},
			} {
				if err := meta.Put(kv[0], kv[1]); err != nil {
					return err
				}
			}
			for _, name := range dataBuckets {
				if _, err := tx.CreateBucket(name); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil {
			err = db.Sync()
		}
		if cerr := db.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}

// create puts a new cache file at the path unless another process already has: a hard
// link never replaces an existing name. On a file system without hard links it falls
// back to a rename, which may replace a file another process created an instant earlier
// (losing at most what that process wrote since).
func (c *Cache) create() error {
	tmp, err := c.newFile()
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	err = os.Link(tmp, c.path)
	if err == nil || errors.Is(err, fs.ErrExist) {
		return nil
	}
	return os.Rename(tmp, c.path)
}

// takeAway renames the file ident describes from the path to name and reports whether
// it did. Checking first and renaming after would race with another process repairing
// the same file; so it renames whatever is at the path and checks after. If that was a
// newer file another process had already put in place, it goes back, unless yet another
// has appeared meanwhile (then it is surplus and removed).
func (c *Cache) takeAway(ident os.FileInfo, name string) (bool, error) {
	if err := os.Rename(c.path, name); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		return false, err
	}
	if info, err := os.Stat(name); err == nil && ident != nil && os.SameFile(info, ident) {
		return true, nil
	}
	_ = os.Link(name, c.path) // fails only when the path is taken again: then drop ours
	os.Remove(name)
	return false, nil
}

// repair fixes what fe found, warning where the user loses cached data. It takes a bad
// file away; the next attempt finds the path empty and creates the new file.
func (c *Cache) repair(fe *fileError) error {
	switch fe.problem {
	case fileMissing:
		return c.create()
	case fileEmpty, fileForeign:
		name := fmt.Sprintf("%s.tmp-%d-%d", c.path, os.Getpid(), rand.Uint64())
		taken, err := c.takeAway(fe.ident, name)
		if taken {
			os.Remove(name)
			if fe.problem == fileForeign {
				c.warnf("cache file %s %v; replacing it with an empty cache", c.path, fe.cause)
			}
		}
		return err
	default: // fileCorrupt
		aside := c.path + corruptInfix + time.Now().UTC().Format("20060102T150405.000000000Z")
		taken, err := c.takeAway(fe.ident, aside)
		if taken {
			c.warnf("cache file %s is damaged (%s); moved it to %s and starting an empty cache", c.path, shorten(fe.cause.Error()), aside)
		}
		return err
	}
}

// shorten keeps a bbolt panic message (some list every free page) readable in a warning.
func shorten(s string) string {
	const limit = 200
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "…"
}

// do runs fn in one transaction on a handle of its own, opened and closed around it, and
// repairs the file when it is missing, foreign or damaged. On a read-only cache nothing
// is repaired: a missing, empty or foreign file gives errAbsent, a damaged one ErrCorrupt.
// Any other error means the cache cannot be used (ErrLocked, an I/O error).
func (c *Cache) do(write bool, fn func(*bolt.Tx) error) error {
	if err := c.blocked(write); err != nil {
		return err
	}
	// Within the process, readers share and a writer excludes, as the file locks do
	// between processes; this spares goroutines from polling each other's locks.
	if write {
		c.mu.Lock()
		defer c.mu.Unlock()
	} else {
		c.mu.RLock()
		defer c.mu.RUnlock()
	}
	for attempt := 1; ; attempt++ {
		err := c.attempt(write, fn)
		var fe *fileError
		if !errors.As(err, &fe) {
			return err
		}
		if c.readOnly {
			if fe.problem == fileCorrupt {
				return fmt.Errorf("%w: %s: %s", ErrCorrupt, c.path, shorten(fe.cause.Error()))
			}
			return errAbsent
		}
		if attempt == maxAttempts {
			return fmt.Errorf("cache %s: still unusable after %d repairs: %s", c.path, attempt-1, shorten(err.Error()))
		}
		if err := c.repair(fe); err != nil {
			return fmt.Errorf("cache %s: repair: %w", c.path, err)
		}
	}
}

func (c *Cache) attempt(write bool, fn func(*bolt.Tx) error) error {
	if !write {
		return c.attemptRead(fn)
	}
	// Our own shared lock would block our exclusive one; c.mu keeps readers out. While
	// another process holds the file, this one's readers need not wait with the writer
	// (and a commit written behind need not hold up the run's reads): between its
	// tries the writer lets them in, and drops the handle they opened before it tries
	// again.
	c.reader.drop()
	h, err := c.openDBWaiting(true, func(d time.Duration) {
		c.mu.Unlock()
		time.Sleep(d)
		c.mu.Lock()
		c.reader.drop()
	})
	if err != nil {
		return err
	}
	return h.run(true, func(tx *bolt.Tx) error {
		if err := checkSchema(tx); err != nil {
			return &fileError{fileForeign, h.ident, err}
		}
		return fn(tx)
	})
}

// readLinger is how long the read-only handle stays open after its last reader: a
// warm run reads a hundred entries in bursts a few milliseconds apart, and opening
// bbolt (open, flock, mmap, then munmap, close) cost more than the reads themselves.
// While it is open, other processes' writers wait for its shared lock (see
// "Concurrency" in the package comment).
const readLinger = 5 * time.Millisecond

// A reader is the read-only handle that concurrent and closely following reads share.
type reader struct {
	mu   sync.Mutex
	h    *handle
	idle *time.Timer // closes h readLinger after its last reader left
}

// attemptRead runs fn in a read transaction on the shared handle, opening one if none is
// open, or if the path no longer holds the file it has open (moved aside, replaced).
func (c *Cache) attemptRead(fn func(*bolt.Tx) error) error {
	h, err := c.reader.acquire(c)
	if err != nil {
		return err
	}
	panicked, err := h.tx(false, func(tx *bolt.Tx) error {
		if !h.ours.Load() {
			if err := checkSchema(tx); err != nil {
				return &fileError{fileForeign, h.ident, err}
			}
			created := string(tx.Bucket(bucketMeta).Get(keyCreatedAt))
			h.createdAt.Store(&created)
			h.ours.Store(true)
		}
		c.gens.saw(*h.createdAt.Load(), tx.ID())
		return fn(tx)
	})
	var fe *fileError
	c.reader.release(h, errors.As(err, &fe), panicked)
	return err
}

func (r *reader) acquire(c *Cache) (*handle, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.h != nil {
		if info, err := os.Stat(c.path); err == nil && os.SameFile(info, r.h.ident) {
			if r.idle != nil {
				r.idle.Stop()
			}
			r.h.users++
			return r.h, nil
		}
		r.detach()
	}
	h, err := c.openDB(false)
	if err != nil {
		return nil, err
	}
	h.users = 1
	r.h = h
	return h, nil
}

// release ends a reader's use of h; bad: the file turned out to lack the schema or to
// be damaged, so h is dropped for the repair.
func (r *reader) release(h *handle, bad, panicked bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	h.users--
	h.panicked = h.panicked || panicked
	switch {
	case r.h == h && bad:
		r.detach()
	case r.h != h: // detached meanwhile: the last reader closes it
		if h.users == 0 && !h.panicked {
			h.db.Close()
		}
	case h.users == 0:
		if r.idle == nil {
			r.idle = time.AfterFunc(readLinger, r.closeIdle)
		} else {
			r.idle.Reset(readLinger)
		}
	}
}

// detach stops sharing the open handle; its last reader closes it. r.mu is held.
func (r *reader) detach() {
	h := r.h
	r.h = nil
	if r.idle != nil {
		r.idle.Stop()
	}
	if h.users == 0 && !h.panicked {
		h.db.Close()
	}
}

func (r *reader) closeIdle() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.h != nil && r.h.users == 0 {
		r.detach()
	}
}

// drop closes the shared handle before a write; the caller holds Cache.mu exclusively,
// so no reader is using it.
func (r *reader) drop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.h != nil {
		r.detach()
	}
}

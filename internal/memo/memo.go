// Package memo lets `depsolve check` print the result of the last identical check again
// instead of resolving, when nothing that check depended on has changed: the way go test
// caches a test's result. A pre-commit hook checks the same files on every commit, and
// most commits change none of them.
//
// "Identical" and "nothing changed" are decided conservatively, never by guessing:
//   - the key is the executable's Go build ID, the current folder, the arguments and
//     whether stdout and stderr are terminals; any difference is another key;
//   - the record keeps what the run observed (package runlog): the content of every file
//     it read, what it found at every path it looked at, the value of every environment
//     variable it read (or that it was unset) and the home folder, all checked again
//     before reuse; the generation of the cache file (cache.Generation), unchanged from before
//     the run to after it, and still unchanged, in the cache whose folder holds the record
//     (not in a copy of it); and the time within which every cached
//     index page it used is fresh and the cache keeps what it read (a later run's daily
//     prune may delete it);
//   - a run that observed anything it cannot check again cheaply (a request to an index,
//     an image read, --detect, a find-links folder, a file that is not a regular file,
//     tracing with -v) is not recorded; nor is one that failed (exit status other than
//     0 and 1).
//
// A record holds the bytes the run printed and its exit status, and is replayed as they
// were. Records live in the memo folder of the cache directory, one file per key,
// renamed into place whole; a record that cannot be read or fails its checksum is a miss.
//
// Deviations from a fresh run, by design: a reused result is followed on stderr by a
// note saying so (not with -q), and DEPSOLVE_MEMO=off turns reuse and recording off.
package memo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/depsolve/depsolve/internal/runlog"
	"github.com/depsolve/depsolve/internal/wire"
	"github.com/depsolve/depsolve/reqfile"
)

// Env is the environment variable that turns the memo off: "off" (or any value but
// "", "on", "1", "true" and "yes": a value depsolve does not know resolves, the safe side).
const Env = "DEPSOLVE_MEMO"

// Off reports whether the environment turns the memo off.
func Off() bool {
	switch strings.ToLower(os.Getenv(Env)) {
	case "", "on", "1", "true", "yes":
		return false
	}
	return true
}

// An Invocation is what a process was started with that a check's result may depend
// on, besides what the run reads (the environment variables it reads are observations:
// a variable nothing reads, such as one a benchmark tool or git sets to a new value for
// every run, does not make another check).
type Invocation struct {
	Binary    string   // the executable's Go build ID (BuildID)
	Dir       string   // the current folder
	Args      []string // the arguments, the program name left out
	Terminals [2]bool  // whether stdout and stderr are terminals
}

// Key is the hex SHA-256 of everything in inv, each part length-prefixed so that no two
// invocations share a key.
func (inv Invocation) Key() string {
	b := wire.AppendString(nil, "depsolve memo 2")
	b = wire.AppendString(b, inv.Binary)
	b = wire.AppendString(b, inv.Dir)
	b = wire.AppendUvarint(b, uint64(len(inv.Args)))
	for _, a := range inv.Args {
		b = wire.AppendString(b, a)
	}
	for _, t := range inv.Terminals {
		b = append(b, boolByte(t))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// BuildID returns the Go build ID of the running executable, which changes with any
// change to the program, its dependencies or its embedded data; "" when it cannot be
// read. It reads the start of the file only: ELF puts the build ID note in the first
// page, other formats a marked string near the start of the text.
func BuildID() string {
	f, err := openRunningExecutable()
	if err != nil {
		return ""
	}
	defer f.Close()
	// An ELF note sits in the first page: most runs read 16 KiB, not the whole 64.
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, head[:16<<10])
	if id := buildIDIn(head[:n]); id != "" || n < 16<<10 {
		return id
	}
	m, _ := io.ReadFull(f, head[n:])
	return buildIDIn(head[:n+m])
}

// openRunningExecutable opens the file this process runs. Linux's /proc/self/exe is that
// file even when its path has since been given another (an upgrade in place), whose
// build ID would otherwise key the old program's results; elsewhere, the path.
func openRunningExecutable() (*os.File, error) {
	if f, err := os.Open("/proc/self/exe"); err == nil {
		return f, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return os.Open(exe)
}

var (
	// elfNote is the header of Go's ELF build ID note after its description size:
	// name size 4, then the size, type 4 and name "Go\0\0".
	elfNoteType = []byte{4, 0, 0, 0, 'G', 'o', 0, 0}
	marker      = []byte("\xff Go build ID: \"")
)

// buildIDIn finds the Go build ID in the start of an executable.
func buildIDIn(head []byte) string {
	if i := bytes.Index(head, marker); i >= 0 {
		rest := head[i+len(marker):]
		if j := bytes.IndexByte(rest, '"'); j > 0 {
			return string(rest[:j])
		}
	}
	for off := 0; ; {
		i := bytes.Index(head[off:], elfNoteType)
		if i < 0 {
			return ""
		}
		i += off
		off = i + 1
		if i < 8 || !bytes.Equal(head[i-8:i-4], []byte{4, 0, 0, 0}) {
			continue
		}
		size := int(head[i-4]) | int(head[i-3])<<8 | int(head[i-2])<<16 | int(head[i-1])<<24
		start := i + len(elfNoteType)
		if size <= 0 || size > 1024 || start+size > len(head) {
			continue
		}
		return string(head[start : start+size])
	}
}

// A Chunk is one write of the run to stdout or stderr.
type Chunk struct {
	Stderr bool
	Data   []byte
}

// A Record is a check's result and what it depended on.
type Record struct {
	Made time.Time // when the run ended
	// CacheDir is the cache directory the run read, and Generation the generation of
	// its file, the same before and after the run.
	CacheDir, Generation string
	// NotBefore and NotAfter bound the time within which the result holds: every cached
	// index page the run used is fresh, and the cache still holds what the run read from
	// it; both zero for no bound.
	NotBefore, NotAfter time.Time
	Observations        []runlog.Observation
	Exit                int
	Output              []Chunk
}

// Holds reports whether r still stands at now for a run that would read the cache in
// cacheDir: within its freshness, with every observation true again, and cacheDir the
// cache r read, its file at the generation gen reads. A record found in a copy of
// another cache's folder speaks of that other cache, whose generation says nothing of
// this one's.
func (r *Record) Holds(now time.Time, cacheDir string, gen func(dir string) (string, error)) bool {
	if r.CacheDir != cacheDir {
		return false
	}
	if !r.NotBefore.IsZero() && (now.Before(r.NotBefore) || !now.Before(r.NotAfter)) {
		return false
	}
	for _, o := range r.Observations {
		if !observedAgain(o) {
			return false
		}
	}
	g, err := gen(cacheDir)
	return err == nil && g != "" && g == r.Generation
}

// observedAgain looks at o's path again and reports whether it finds what o saw.
func observedAgain(o runlog.Observation) bool {
	switch o.Kind {
	case runlog.File:
		fi, err := os.Stat(o.Path)
		if err != nil || !fi.Mode().IsRegular() {
			return false
		}
		data, err := reqfile.ReadFile(o.Path)
		return err == nil && sha256.Sum256(data) == o.Digest
	case runlog.Missing:
		_, err := os.Stat(o.Path)
		return errors.Is(err, fs.ErrNotExist)
	case runlog.Present:
		fi, err := os.Stat(o.Path)
		return err == nil && !fi.IsDir()
	case runlog.Folder:
		fi, err := os.Stat(o.Path)
		return err == nil && fi.IsDir()
	case runlog.EnvSet:
		value, set := os.LookupEnv(o.Path)
		return set && sha256.Sum256([]byte(value)) == o.Digest
	case runlog.EnvUnset:
		_, set := os.LookupEnv(o.Path)
		return !set
	case runlog.HomeDir:
		home, err := os.UserHomeDir()
		return err == nil && sha256.Sum256([]byte(home)) == o.Digest
	}
	return false
}

// Replay writes r's output as the run wrote it.
func (r *Record) Replay(stdout, stderr io.Writer) {
	for _, c := range r.Output {
		if c.Stderr {
			stderr.Write(c.Data)
		} else {
			stdout.Write(c.Data)
		}
	}
}

// folder is where the records of a cache directory live.
func folder(cacheDir string) string { return filepath.Join(cacheDir, "memo") }

// recordName says whether name is a record's: its key, the hex SHA-256 Invocation.Key
// returns. The cache folder may be any folder (--cache-dir ., DEPSOLVE_CACHE_DIR=$HOME),
// whose memo folder may hold files that are not depsolve's: only records, and records
// being written (tempPrefix), are trimmed, counted or cleaned.
func recordName(name string) bool {
	return len(name) == 2*sha256.Size && strings.Trim(name, "0123456789abcdef") == ""
}

// tempPrefix starts the name of a record being written.
const tempPrefix = ".record-"

// maxRecords is how many records a cache directory keeps: storing one more removes the
// oldest. Each invocation (arguments, folder, environment) has its own.
const maxRecords = 256

// Load returns the record of key in cacheDir, or nil when there is none or it cannot
// be read whole (a miss, never an error: the run then resolves).
func Load(cacheDir, key string) *Record {
	data, err := os.ReadFile(filepath.Join(folder(cacheDir), key))
	if err != nil {
		return nil
	}
	r, err := decode(data)
	if err != nil {
		return nil
	}
	return r
}

// Store writes r as the record of key in cacheDir, replacing any, and removes the oldest
// records past maxRecords.
func Store(cacheDir, key string, r *Record) error {
	dir := folder(cacheDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := writeRecord(filepath.Join(dir, key), encode(r)); err != nil {
		return err
	}
	return trim(dir)
}

// writeRecord puts data at path through a temporary file renamed over it, so that a
// reader finds a whole record or none. Unlike lockfile.WriteFileAtomic it does not sync:
// a record a crash loses or tears is a miss (its checksum fails), and the syncs cost a
// check that resolves about 2 ms, half a warm check.
func writeRecord(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), tempPrefix+"*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// trim removes the oldest records of dir past maxRecords.
func trim(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) <= maxRecords {
		return err
	}
	type aged struct {
		name string
		mod  time.Time
	}
	var records []aged
	for _, e := range entries {
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() && recordName(e.Name()) {
			records = append(records, aged{e.Name(), info.ModTime()})
		}
	}
	slices.SortFunc(records, func(a, b aged) int { return a.mod.Compare(b.mod) })
	for _, r := range records[:max(0, len(records)-maxRecords)] {
		os.Remove(filepath.Join(dir, r.name))
	}
	return nil
}

// Count is the number of records kept in cacheDir.
func Count(cacheDir string) int {
	entries, _ := os.ReadDir(folder(cacheDir))
	n := 0
	for _, e := range entries {
		if e.Type().IsRegular() && recordName(e.Name()) {
			n++
		}
	}
	return n
}

// Clean removes the records of cacheDir, then their folder if nothing else is in it,
// and returns the folder ("" when it held no record). Anything else in the folder is
// not memo's, and is left (see recordName).
func Clean(cacheDir string) (string, error) {
	dir := folder(cacheDir)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return dir, err
	}
	removed := ""
	for _, e := range entries {
		if !e.Type().IsRegular() || !recordName(e.Name()) && !strings.HasPrefix(e.Name(), tempPrefix) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return dir, err
		}
		removed = dir
	}
	if err := os.Remove(dir); err == nil {
		removed = dir
	}
	return removed, nil
}

const format = "depsolve memo record 2"

// encode lays r out with the wire encoding, followed by the SHA-256 of all before it.
func encode(r *Record) []byte {
	b := wire.AppendString(nil, format)
	b = wire.AppendVarint(b, r.Made.UnixNano())
	b = wire.AppendString(b, r.CacheDir)
	b = wire.AppendString(b, r.Generation)
	b = appendTime(b, r.NotBefore)
	b = appendTime(b, r.NotAfter)
	b = wire.AppendUvarint(b, uint64(len(r.Observations)))
	for _, o := range r.Observations {
		b = append(b, byte(o.Kind))
		b = wire.AppendString(b, o.Path)
		if o.HasDigest() {
			b = append(b, o.Digest[:]...)
		}
	}
	b = wire.AppendVarint(b, int64(r.Exit))
	b = wire.AppendUvarint(b, uint64(len(r.Output)))
	for _, c := range r.Output {
		b = append(b, boolByte(c.Stderr))
		b = wire.AppendString(b, string(c.Data))
	}
	sum := sha256.Sum256(b)
	return append(b, sum[:]...)
}

func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return wire.AppendVarint(b, 0)
	}
	return wire.AppendVarint(b, t.UnixNano())
}

func readTime(r *wire.Reader) time.Time {
	if n := r.Varint(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

var errDamaged = errors.New("memo: damaged record")

func decode(data []byte) (*Record, error) {
	if len(data) < sha256.Size {
		return nil, errDamaged
	}
	body, sum := data[:len(data)-sha256.Size], data[len(data)-sha256.Size:]
	if got := sha256.Sum256(body); !bytes.Equal(got[:], sum) {
		return nil, errDamaged
	}
	rd := wire.NewReader(body)
	if rd.String() != format {
		return nil, fmt.Errorf("memo: not a record of format %q", format)
	}
	r := &Record{Made: time.Unix(0, rd.Varint())}
	r.CacheDir = rd.String()
	r.Generation = rd.String()
	r.NotBefore = readTime(rd)
	r.NotAfter = readTime(rd)
	for range rd.Count(2) {
		o := runlog.Observation{Kind: runlog.Kind(rd.Byte()), Path: rd.String()}
		if o.HasDigest() {
			for i := range o.Digest {
				o.Digest[i] = rd.Byte()
			}
		}
		r.Observations = append(r.Observations, o)
	}
	r.Exit = int(rd.Varint())
	for range rd.Count(2) {
		stderr := rd.Byte() == 1
		r.Output = append(r.Output, Chunk{Stderr: stderr, Data: []byte(rd.String())})
	}
	if err := rd.Done(); err != nil {
		return nil, err
	}
	return r, nil
}

// Recorder keeps what a run writes to stdout and stderr, in order, while passing it on.
// Its writers may be used from several goroutines.
type Recorder struct {
	mu     sync.Mutex
	chunks []Chunk
}

// Writer returns a writer that records what is written as stdout's (or stderr's) and
// writes it on to w. It keeps w's Fd, so that terminal checks see through it.
func (rec *Recorder) Writer(w io.Writer, stderr bool) io.Writer {
	return &recordingWriter{rec: rec, w: w, stderr: stderr}
}

// Output is what was written, in order.
func (rec *Recorder) Output() []Chunk {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return slices.Clone(rec.chunks)
}

type recordingWriter struct {
	rec    *Recorder
	w      io.Writer
	stderr bool
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	w.rec.mu.Lock()
	defer w.rec.mu.Unlock()
	w.rec.chunks = append(w.rec.chunks, Chunk{Stderr: w.stderr, Data: bytes.Clone(p)})
	return w.w.Write(p)
}

// Fd is the file descriptor of the writer written on to, or ^0 when it has none.
func (w *recordingWriter) Fd() uintptr {
	if f, ok := w.w.(interface{ Fd() uintptr }); ok {
		return f.Fd()
	}
	return ^uintptr(0)
}

// CacheDirArg returns the value of --cache-dir in args ("" when not given), as the
// command line parses it: "--cache-dir DIR" or "--cache-dir=DIR", the last one winning,
// none after "--".
func CacheDirArg(args []string) string {
	dir := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return dir
		case a == "--cache-dir" && i+1 < len(args):
			dir = args[i+1]
			i++
		case strings.HasPrefix(a, "--cache-dir="):
			dir = strings.TrimPrefix(a, "--cache-dir=")
		}
	}
	return dir
}

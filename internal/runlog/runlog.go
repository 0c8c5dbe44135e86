// Package runlog records what a run of depsolve read from outside the process, so that
// a later run can tell whether anything the first one depended on has changed (package
// memo reuses a check's result only then).
//
// It works as the standard library's internal/testlog does for go test's cache: the
// places that read files, ask the network or the machine call the hooks here, which do
// nothing until a command starts a Log. One Log is active per process: the command line
// runs one command, and tests that run commands in parallel run each in a process of its
// own (testscript). Engine and package tests start no Log.
//
// What a run observes, and so what a Log must hold for a result to be reused:
//   - every file read (its content) and every path looked at (whether it exists, is a
//     folder), relative paths as given: the current folder is part of memo's key;
//   - every environment variable read (Getenv, LookupEnv: its value, or that it is
//     unset), and the home folder (UserHomeDir);
//   - the cache it read (ReadCache), and the one state of it it read, which memo checks
//     again as a whole;
//   - how long the cached index pages the run used stay fresh (FreshBetween);
//   - anything that cannot be checked again cheaply makes the run unrepeatable: a
//     request to an index, a registry or image read, detection of the machine's GPUs,
//     a find-links folder, standard input.
//
// The arguments, the current folder and the binary are not logged: memo keys on them.
// TestEveryReadIsLogged lists the file-system, environment, process and network calls
// of the code a check runs and fails for one that calls none of these hooks.
package runlog

import (
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// A Log is what one run observed.
type Log struct {
	mu           sync.Mutex
	paths        map[string]Observation
	unrepeatable []string
	notBefore    time.Time
	notAfter     time.Time
	caches       map[string]string // cache directory -> the generation read
}

// An Observation is what a run saw at one path, or of one environment variable.
type Observation struct {
	// Path is the path looked at; for EnvSet and EnvUnset the variable's name, for
	// HomeDir "".
	Path string
	// Kind is what was there: a file read whole (Digest is its SHA-256), something
	// only looked at, nothing; a variable's value (Digest is its SHA-256) or its
	// absence; the home folder (Digest is the SHA-256 of its path).
	Kind   Kind
	Digest [sha256.Size]byte
}

// HasDigest says whether o's Digest means something.
func (o Observation) HasDigest() bool { return o.Kind == File || o.Kind == EnvSet || o.Kind == HomeDir }

// name is what o is about, as a reason names it: a path, $NAME, the home folder.
func (o Observation) name() string {
	switch o.Kind {
	case EnvSet, EnvUnset:
		return "$" + o.Path
	case HomeDir:
		return "the home folder"
	}
	return o.Path
}

// key tells apart a path and a variable of the same name: only a path's starts with "/".
func (o Observation) key() string {
	if name := o.name(); name != o.Path {
		return name
	}
	return "/" + o.Path
}

// Kind is what an Observation saw at its path.
type Kind uint8

const (
	Missing  Kind = iota + 1 // nothing at the path
	File                     // a file, read whole: Digest
	Present                  // something that is not a folder, looked at only
	Folder                   // a folder, looked at only
	EnvSet                   // an environment variable with a value: Digest
	EnvUnset                 // an environment variable not set
	HomeDir                  // the home folder (os.UserHomeDir): Digest of its path
)

var active atomic.Pointer[Log]

// Start makes a new Log the one the hooks record into, and returns it.
func Start() *Log {
	l := &Log{paths: map[string]Observation{}}
	active.Store(l)
	return l
}

// Stop ends the recording of l (if it is still the active Log).
func (l *Log) Stop() { active.CompareAndSwap(l, nil) }

// ReadFile records the outcome of reading the file at path whole: its content, or that
// nothing is there. Any other failure makes the run unrepeatable: it may not fail again.
func ReadFile(path string, data []byte, err error) {
	l := active.Load()
	if l == nil {
		return
	}
	switch {
	case err == nil:
		l.observe(Observation{Path: path, Kind: File, Digest: sha256.Sum256(data)})
	case errors.Is(err, fs.ErrNotExist):
		l.observe(Observation{Path: path, Kind: Missing})
	default:
		l.unrepeatableBecause("reading " + path + " failed")
	}
}

// ReadOpenFile records the outcome of reading the open file f, opened at path, whole:
// as ReadFile when f is a regular file. Anything else (a pipe, /dev/stdin, a device, a
// file of /proc) makes the run unrepeatable instead: reading it again to check it would
// consume it, or give other bytes.
func ReadOpenFile(path string, f *os.File, data []byte, err error) {
	if active.Load() == nil {
		return // spares the stat
	}
	if fi, statErr := f.Stat(); statErr != nil || !fi.Mode().IsRegular() {
		Unrepeatable("reading " + path + ", which is not a regular file")
		return
	}
	ReadFile(path, data, err)
}

// Stat records what a look at path (os.Stat) found.
func Stat(path string, fi fs.FileInfo, err error) {
	l := active.Load()
	if l == nil {
		return
	}
	switch {
	case err == nil && fi.IsDir():
		l.observe(Observation{Path: path, Kind: Folder})
	case err == nil:
		l.observe(Observation{Path: path, Kind: Present})
	case errors.Is(err, fs.ErrNotExist):
		l.observe(Observation{Path: path, Kind: Missing})
	default:
		l.unrepeatableBecause("looking at " + path + " failed")
	}
}

// LookupEnv is os.LookupEnv, told to the log.
func LookupEnv(name string) (string, bool) {
	value, set := os.LookupEnv(name)
	if l := active.Load(); l != nil {
		o := Observation{Path: name, Kind: EnvUnset}
		if set {
			o = Observation{Path: name, Kind: EnvSet, Digest: sha256.Sum256([]byte(value))}
		}
		l.observe(o)
	}
	return value, set
}

// Getenv is os.Getenv, told to the log.
func Getenv(name string) string {
	value, _ := LookupEnv(name)
	return value
}

// UserHomeDir is os.UserHomeDir, told to the log; a failure makes the run unrepeatable.
func UserHomeDir() (string, error) {
	home, err := os.UserHomeDir()
	if l := active.Load(); l != nil {
		if err != nil {
			l.unrepeatableBecause("finding the home folder failed")
		} else {
			l.observe(Observation{Kind: HomeDir, Digest: sha256.Sum256([]byte(home))})
		}
	}
	return home, err
}

// Unrepeatable says the run depended on something a later run cannot check again
// cheaply (why names it).
func Unrepeatable(why string) {
	if l := active.Load(); l != nil {
		l.unrepeatableBecause(why)
	}
}

// FreshBetween records that the run used a cached page that is fresh from fetched until
// stale: its result holds only while every page it used is.
func FreshBetween(fetched, stale time.Time) {
	l := active.Load()
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.notBefore.IsZero() || fetched.After(l.notBefore) {
		l.notBefore = fetched
	}
	if l.notAfter.IsZero() || stale.Before(l.notAfter) {
		l.notAfter = stale
	}
}

// Recording reports whether a Log records: a hook whose input costs something to
// compute asks first.
func Recording() bool { return active.Load() != nil }

// ReadCache records that the run read the cache in dir, all of it in the state
// generation names (cache.Cache.StableGeneration), unless stable is false: then the
// file changed while the run read it, and the run is unrepeatable.
func ReadCache(dir, generation string, stable bool) {
	l := active.Load()
	if l == nil {
		return
	}
	if !stable || generation == "" {
		l.unrepeatableBecause("the cache changed while the run read it")
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.caches == nil {
		l.caches = map[string]string{}
	}
	if seen, ok := l.caches[dir]; ok && seen != generation {
		l.addReason("the cache changed while the run read it")
	}
	l.caches[dir] = generation
}

// Cache returns the one cache the run read and the generation it read, and false when
// the run read no cache or several.
func (l *Log) Cache() (dir, generation string, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.caches) != 1 {
		return "", "", false
	}
	for dir, generation := range l.caches {
		return dir, generation, true
	}
	return "", "", false
}

func (l *Log) observe(o Observation) {
	l.mu.Lock()
	defer l.mu.Unlock()
	seen, ok := l.paths[o.key()]
	switch {
	case !ok || seen == o:
	case seen.Kind == File && o.Kind == Present:
		return // the content says more than a look
	case seen.Kind == Present && o.Kind == File:
	default: // two looks disagree: the path changed during the run
		l.addReason(o.name() + " changed during the run")
	}
	l.paths[o.key()] = o
}

func (l *Log) unrepeatableBecause(why string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.addReason(why)
}

// addReason keeps each reason once: a run of a thousand requests has one reason, not a
// thousand. l.mu is held.
func (l *Log) addReason(why string) {
	if !slices.Contains(l.unrepeatable, why) {
		l.unrepeatable = append(l.unrepeatable, why)
	}
}

// Observations are the paths and variables the run read or looked at, in a stable
// order (variables, paths, then the home folder; each by name).
func (l *Log) Observations() []Observation {
	l.mu.Lock()
	defer l.mu.Unlock()
	obs := make([]Observation, 0, len(l.paths))
	for _, o := range l.paths {
		obs = append(obs, o)
	}
	slices.SortFunc(obs, func(a, b Observation) int { return strings.Compare(a.key(), b.key()) })
	return obs
}

// Unrepeatable says why the run cannot be checked again cheaply; nil when it can.
func (l *Log) Unrepeatable() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.unrepeatable)
}

// Freshness is the time within which every cached page the run used is fresh; both
// zero when it used none.
func (l *Log) Freshness() (notBefore, notAfter time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.notBefore, l.notAfter
}

//go:build !slim

package index

import (
	"context"
	"errors"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/depsolve/depsolve/pep508"
)

func TestNetrc(t *testing.T) {
	n := &netrc{machines: map[string]netrcEntry{}}
	parseNetrc(`# comment
machine Mirror.Example login alice password one
machine mirror.example login bob password two
macdef init
  cd /pub
  machine evil.example login x password y

machine other.example
  login carol
  account acct
  password three
default login anon password guest
`, n)
	tests := []struct {
		host string
		want netrcEntry
	}{
		{"mirror.example", netrcEntry{"alice", "one"}},
		{"other.example", netrcEntry{"carol", "three"}},
		{"evil.example", netrcEntry{"anon", "guest"}},
		{"unknown.example", netrcEntry{"anon", "guest"}},
	}
	for _, tt := range tests {
		got, ok := n.lookup(tt.host)
		if !ok || got != tt.want {
			t.Errorf("lookup(%s) = %+v, %v; want %+v", tt.host, got, ok, tt.want)
		}
	}
	// Quoted tokens and backslash escapes are read as Python's netrc module (pip's) and
	// curl read them: the quotes are not part of the password. A keyword's value may be
	// on the next line.
	quoted := &netrc{machines: map[string]netrcEntry{}}
	parseNetrc("machine quoted.example login \"bob\" password \"p@ss word\"\n"+
		"machine escaped.example login eve password a\\ b\\\"c\n"+
		"machine split.example login\ncarol password\nthree\n", quoted)
	for host, want := range map[string]netrcEntry{
		"quoted.example":  {"bob", "p@ss word"},
		"escaped.example": {"eve", `a b"c`},
		"split.example":   {"carol", "three"},
	} {
		if got, ok := quoted.lookup(host); !ok || got != want {
			t.Errorf("lookup(%s) = %+v, %v; want %+v", host, got, ok, want)
		}
	}
	empty := readNetrc("/nonexistent/netrc")
	if _, ok := empty.lookup("mirror.example"); ok {
		t.Errorf("a missing .netrc has entries")
	}
}

func TestCachePolicy(t *testing.T) {
	tests := []struct {
		header string
		age    time.Duration
		store  bool
	}{
		{"", 0, true},
		{"max-age=600, public", 600 * time.Second, true},
		{"no-cache, max-age=600", 0, true},
		{"no-store", 0, false},
		{"max-age=-5", 0, true},
		{`max-age="60"`, time.Minute, true},
	}
	for _, tt := range tests {
		h := http.Header{}
		h.Set("Cache-Control", tt.header)
		age, store := cachePolicy(textproto.MIMEHeader(h))
		if age != tt.age || store != tt.store {
			t.Errorf("%q: %v, %v; want %v, %v", tt.header, age, store, tt.age, tt.store)
		}
	}
}

func TestParseContentRange(t *testing.T) {
	tests := []struct {
		in                 string
		start, last, total int64
		ok                 bool
	}{
		{"bytes 0-99/1000", 0, 99, 1000, true},
		{"bytes 900-999/1000", 900, 999, 1000, true},
		{"bytes 900-1000/1000", 0, 0, 0, false},
		{"bytes */1000", 0, 0, 0, false},
		{"bytes 5-4/10", 0, 0, 0, false},
		{"items 0-1/2", 0, 0, 0, false},
	}
	for _, tt := range tests {
		s, l, total, ok := parseContentRange(tt.in)
		if ok != tt.ok || ok && (s != tt.start || l != tt.last || total != tt.total) {
			t.Errorf("%q: %d %d %d %v", tt.in, s, l, total, ok)
		}
	}
}

func TestSelectionOf(t *testing.T) {
	tests := []struct {
		list []string
		name string
		want bool
	}{
		{nil, "numpy", false},
		{[]string{":all:"}, "numpy", true},
		{[]string{":all:", ":none:"}, "numpy", false},
		{[]string{"NumPy,scipy"}, "numpy", true},
		{[]string{":all:", ":none:", "Scipy"}, "numpy", false},
	}
	for _, tt := range tests {
		if got := selectionOf(tt.list, tt.name); got != tt.want {
			t.Errorf("selectionOf(%q, %s) = %v", tt.list, tt.name, got)
		}
	}
}

func TestParseStrategy(t *testing.T) {
	for in, want := range map[string]Strategy{"": FirstIndex, "first-index": FirstIndex, "unsafe-best-match": UnsafeBestMatch} {
		if got, err := ParseStrategy(in); err != nil || got != want {
			t.Errorf("ParseStrategy(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseStrategy("unsafe-first-match"); err == nil {
		t.Errorf("unsupported strategy accepted")
	}
}

// stallingTransport holds every request until its context ends, then takes a
// little longer to return, as a transport tearing down a connection does.
type stallingTransport struct {
	started  chan struct{}
	once     sync.Once
	inFlight atomic.Int32
}

func (s *stallingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	s.once.Do(func() { close(s.started) })
	<-req.Context().Done()
	time.Sleep(20 * time.Millisecond) // lets a Close that does not wait return first
	return nil, req.Context().Err()
}

// Close waits for the Index's own goroutines: a prefetch guess, and shared
// work whose caller has given up, may be in a request when Close is called,
// and must not touch the network or the cache after Close returns.
func TestCloseWaitsForWorkInFlight(t *testing.T) {
	for _, how := range []string{"prefetch", "abandoned call"} {
		t.Run(how, func(t *testing.T) {
			tr := &stallingTransport{started: make(chan struct{})}
			ix := newIndex(t, Options{IndexURL: "https://mirror.example/simple/", MaxPrefetch: 10})
			useTransport(ix, tr)
			if how == "prefetch" {
				// a guess the cache cannot answer waits for a call that needs the
				// network: one for another project lets it go
				ix.Prefetch(pep508.Requirement{Name: "torch"})
				go func() { _, _ = ix.Releases(context.Background(), "numpy") }() // ends with Close
			} else {
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan error)
				go func() {
					_, err := ix.Releases(ctx, "torch")
					done <- err
				}()
				<-tr.started
				cancel()
				if err := <-done; !errors.Is(err, context.Canceled) {
					t.Fatalf("Releases after its context ended: %v", err)
				}
			}
			<-tr.started
			ix.Close()
			if n := tr.inFlight.Load(); n != 0 {
				t.Errorf("Close returned with %d requests in flight", n)
			}
		})
	}
}

// What a killed run left behind goes on the next run's sweep; a live run's download,
// and files that are not downloads, stay.
func TestRemoveStaleDownloads(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	files := map[string]time.Time{
		"depsolve-dist-123": now.Add(-2 * time.Hour),
		"depsolve-dist-456": now.Add(-time.Minute),
		"notes.txt":         now.Add(-48 * time.Hour),
	}
	for name, mtime := range files {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	RemoveStaleDownloads(dir, now)
	var left []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if want := []string{"depsolve-dist-456", "notes.txt"}; !slices.Equal(left, want) {
		t.Errorf("left %v, want %v", left, want)
	}
}

// TestCallJoiningAGuessReadingTheCache: a call that joins a guess while the guess still
// reads the cache is not left waiting on a guess that then holds its work (a run that
// sends no request, --no-index, never lets held guesses go).
func TestCallJoiningAGuessReadingTheCache(t *testing.T) {
	ix := newIndex(t, Options{IndexURL: "https://mirror.example/simple/", MaxPrefetch: 10})
	reading, proceed := make(chan struct{}), make(chan struct{})
	j := job{key: "k", cached: func() (any, bool) {
		close(reading)
		<-proceed
		return nil, false
	}, fn: func(context.Context) (any, error) { return "done", nil }}
	go ix.guess(j, nil)
	<-reading
	got := make(chan any, 1)
	go func() {
		v, err := ix.shared(context.Background(), job{key: "k", fn: j.fn})
		if err != nil {
			v = err
		}
		got <- v
	}()
	for joined := false; !joined; {
		time.Sleep(time.Millisecond)
		ix.mu.Lock()
		joined = ix.flights["k"].wanted
		ix.mu.Unlock()
	}
	close(proceed)
	select {
	case v := <-got:
		if v != "done" {
			t.Errorf("the call got %v", v)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the call waits on a guess that holds its work")
	}
	ix.Close()
}

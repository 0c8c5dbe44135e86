package index

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// trickler is a hostile server: it sends a page one byte every interval, never
// stalling long enough for the stall timeout. It sends at most limit bytes of
// padding before the page itself, so that a client without a deadline gets a
// complete answer in the end (and the test fails rather than hangs).
func trickler(t *testing.T, interval time.Duration, limit int) *httptest.Server {
	page := "<!DOCTYPE html><html><body></body></html>"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		flusher := w.(http.Flusher)
		for range limit {
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
			flusher.Flush()
			select {
			case <-req.Context().Done():
				return
			case <-time.After(interval):
			}
		}
		w.Write([]byte(page))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// A body trickling in forever ends at the deadline, though no stall ever
// happens: an index failure, not retried, whose hint names --timeout.
func TestDeadlineTricklingBody(t *testing.T) {
	srv := trickler(t, 5*time.Millisecond, 400)
	ix := newIndex(t, Options{IndexURL: srv.URL + "/simple/", HTTP: HTTPOptions{Timeout: time.Minute, Deadline: 50 * time.Millisecond}})
	_, err := ix.Releases(context.Background(), "torch")
	var he *HTTPError
	var overdue *deadlineError
	if !errors.As(err, &he) || !errors.As(err, &overdue) {
		t.Fatalf("got %v; want an *HTTPError for the deadline", err)
	}
	if want := "GET " + srv.URL + "/simple/torch/: timed out: no complete answer within 50ms"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if hint := Hint(err); !strings.Contains(hint, "--timeout") {
		t.Errorf("hint %q does not name --timeout", hint)
	}
}

// The deadline covers the whole request: retries, and the waits between them.
func TestDeadlineCoversRetries(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Retry-After", "1")
		http.Error(w, "busy", http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	opts := HTTPOptions{Retries: 50, MaxBackoff: 20 * time.Millisecond, Deadline: 50 * time.Millisecond}
	ix := newIndex(t, Options{IndexURL: srv.URL + "/simple/", HTTP: opts})
	_, err := ix.Releases(context.Background(), "torch")
	var overdue *deadlineError
	var he *HTTPError
	if !errors.As(err, &overdue) || !errors.As(err, &he) || he.Attempts >= 51 {
		t.Fatalf("got %v; want the deadline to end the retries", err)
	}
}

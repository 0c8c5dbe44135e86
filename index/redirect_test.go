//go:build !slim

package index

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// authRecorder is a hostile server: it answers every request with a page
// listing nothing, and records the Authorization header each request carried.
type authRecorder struct {
	*httptest.Server
	mu   sync.Mutex
	auth []string // one per request, "" when none
}

func newAuthRecorder(t *testing.T) *authRecorder {
	r := &authRecorder{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.auth = append(r.auth, req.Header.Get("Authorization"))
		r.mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<!DOCTYPE html><html><body></body></html>"))
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *authRecorder) received() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.auth...)
}

// redirector sends every request on to target + the request's path.
func redirector(target string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		http.Redirect(w, req, target+req.URL.Path, http.StatusFound)
	})
}

// Credentials given for one origin are not sent to another port of the same
// host that a redirect points at; a redirect within the origin keeps them.
func TestRedirectKeepsCredentialsToTheirOrigin(t *testing.T) {
	other := newAuthRecorder(t)
	var mu sync.Mutex
	var ownAuth []string
	own := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		ownAuth = append(ownAuth, req.Header.Get("Authorization"))
		mu.Unlock()
		switch {
		case strings.HasPrefix(req.URL.Path, "/elsewhere/"):
			http.Redirect(w, req, other.URL+req.URL.Path, http.StatusFound)
		case strings.HasPrefix(req.URL.Path, "/moved/"):
			http.Redirect(w, req, "/here/", http.StatusMovedPermanently)
		default:
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<!DOCTYPE html><html><body></body></html>"))
		}
	}))
	t.Cleanup(own.Close)
	withCreds := func(path string) string {
		return strings.Replace(own.URL, "http://", "http://alice:s3cret@", 1) + path
	}
	ctx := context.Background()

	ix := newIndex(t, Options{IndexURL: withCreds("/elsewhere/simple/")})
	if _, err := ix.Releases(ctx, "torch"); err != nil {
		t.Fatal(err)
	}
	if got := other.received(); len(got) != 1 || got[0] != "" {
		t.Errorf("the other port received Authorization %q; want one request without it", got)
	}

	mu.Lock()
	ownAuth = nil
	mu.Unlock()
	ix = newIndex(t, Options{IndexURL: withCreds("/moved/simple/")})
	if _, err := ix.Releases(ctx, "torch"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(ownAuth) != 2 || ownAuth[0] == "" || ownAuth[1] != ownAuth[0] {
		t.Errorf("a redirect within the origin sent Authorization %q; want it on both requests", ownAuth)
	}
}

// An https index that redirects to plain http is refused before anything is
// sent there: an index failure (not a usage error) whose message is redacted.
func TestRedirectFromHTTPSToHTTPRefused(t *testing.T) {
	plain := newAuthRecorder(t)
	secure := httptest.NewTLSServer(redirector(plain.URL + "/?token=t0ps3cret&x="))
	t.Cleanup(secure.Close)
	indexURL := strings.Replace(secure.URL, "https://", "https://alice:s3cret@", 1) + "/simple/"
	ix := newIndex(t, Options{IndexURL: indexURL})
	useTransport(ix, secure.Client().Transport)

	_, err := ix.Releases(context.Background(), "torch")
	var he *HTTPError
	var pe *PolicyError
	var re *redirectError
	if !errors.As(err, &he) || errors.As(err, &pe) || !errors.As(err, &re) || !re.downgrade {
		t.Fatalf("got %#v; want an *HTTPError for a refused downgrade, not a *PolicyError", err)
	}
	if msg := err.Error() + Hint(err); strings.Contains(msg, "s3cret") || strings.Contains(msg, "t0ps3cret") ||
		!strings.Contains(err.Error(), "from https to plain HTTP") || !strings.Contains(Hint(err), "redirect to https") {
		t.Errorf("error %q, hint %q", err, Hint(err))
	}
	if got := plain.received(); len(got) != 0 {
		t.Errorf("the plain http server received %d requests (Authorization %q); want none", len(got), got)
	}
	if he.Attempts != 1 {
		t.Errorf("a refused redirect was retried: %d attempts", he.Attempts)
	}
}

// A redirect to plain http on a host the policy refuses is the index's
// failure: the user's URL was fine. The hint names --trusted-host.
func TestRedirectToUntrustedHTTPIsIndexFailure(t *testing.T) {
	srv := httptest.NewServer(redirector("http://mirror.example"))
	t.Cleanup(srv.Close)
	ix := newIndex(t, Options{IndexURL: srv.URL + "/simple/"})

	_, err := ix.Releases(context.Background(), "torch")
	var he *HTTPError
	var pe *PolicyError
	if !errors.As(err, &he) || errors.As(err, &pe) {
		t.Fatalf("got %#v; want an *HTTPError, not a *PolicyError", err)
	}
	if !strings.Contains(err.Error(), "http://mirror.example/simple/torch/") ||
		!strings.Contains(Hint(err), "--trusted-host mirror.example") {
		t.Errorf("error %q, hint %q", err, Hint(err))
	}
	ix = newIndex(t, Options{IndexURL: srv.URL + "/simple/", TrustedHosts: []string{"mirror.example"},
		HTTP: HTTPOptions{Retries: -1}})
	useTransport(ix, refuseDial{})
	_, err = ix.Releases(context.Background(), "torch")
	if !errors.Is(err, errDialRefused) {
		t.Errorf("a trusted host: %v; want the redirect followed", err)
	}
}

// useTransport sends the requests of ix through rt.
func useTransport(ix *Index, rt http.RoundTripper) { ix.client.transport.hc.Transport = rt }

var errDialRefused = errors.New("test transport: no network")

// refuseDial passes requests for loopback on to the default transport and fails
// the rest, so that a test can follow a redirect to a made-up host.
type refuseDial struct{}

func (refuseDial) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Hostname() != "127.0.0.1" {
		return nil, errDialRefused
	}
	return http.DefaultTransport.RoundTrip(req)
}

package index

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/depsolve/depsolve/redact"
)

func TestHint(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}
	dns := &net.DNSError{Err: "no such host", Name: "pypi.example", IsNotFound: true}
	cert := &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}
	u := "https://****@pypi.example:8443/simple/torch/"
	for _, tt := range []struct {
		err       error
		msg, hint string
	}{
		{&HTTPError{URL: u, StatusCode: 503, Status: "503 Service Unavailable", Attempts: 4},
			"GET " + u + ": 503 Service Unavailable (after 4 attempts)",
			"pypi.example:8443 failed on its side (503 Service Unavailable), not because of the input: run again later, or use a mirror with --index-url"},
		{&HTTPError{URL: u, StatusCode: 429, Status: "429 Too Many Requests", Attempts: 4},
			"GET " + u + ": 429 Too Many Requests (after 4 attempts)",
			"pypi.example:8443 is limiting the rate of requests: wait a while and run again"},
		{&HTTPError{URL: u, StatusCode: 401, Status: "401 Unauthorized", Attempts: 1},
			"GET " + u + ": 401 Unauthorized",
			"the index wants credentials: put them in the index URL, as USER:TOKEN@ before its host, or in ~/.netrc"},
		{&HTTPError{URL: u, StatusCode: 404, Status: "404 Not Found", Attempts: 1}, "GET " + u + ": 404 Not Found", ""},
		{&HTTPError{URL: u, Attempts: 4, Err: refused},
			"GET " + u + ": connection refused (after 4 attempts)",
			"nothing answers at pypi.example:8443: check the host and port of the index URL, and that the index is running"},
		{&HTTPError{URL: u, Attempts: 1, Err: fmt.Errorf("dial: %w", dns)},
			"GET " + u + ": host pypi.example not found (DNS)",
			"check the spelling of pypi.example in the index URL, and that this machine can resolve it (DNS, VPN)"},
		{&HTTPError{URL: u, Attempts: 1, Err: cert},
			"GET " + u + ": " + cert.Error(),
			"the certificate of pypi.example:8443 is not trusted here: add its CA to the system's trust store, or point SSL_CERT_FILE at it"},
		{&HTTPError{URL: u, Attempts: 3, Err: &stallError{time.Second}},
			"GET " + u + ": timed out: no data for 1s (after 3 attempts)",
			"pypi.example:8443 did not answer in time: check the network and any proxy (HTTPS_PROXY), or run again later"},
		{&HTTPError{URL: u, Attempts: 4, Err: &badBodyError{&digestError{got: "aa", want: "bb"}}},
			"GET " + u + ": file has sha256 aa, the index says bb (after 4 attempts)",
			"pypi.example:8443 serves a file whose SHA-256 is not the one its page lists (a broken mirror, or a proxy that changes files): run again later, or use another index"},
		{&HTTPError{URL: u, Attempts: 4, Err: &badBodyError{&digestError{got: "aa", want: "bb", from: "the requirement"}}},
			"GET " + u + ": file has sha256 aa, the requirement says bb (after 4 attempts)",
			"the file at the URL is not the one the requirement's hash names: correct the --hash (or #sha256=), or the URL"},
		{&HTTPError{URL: u, Attempts: 1, Err: context.Canceled}, "GET " + u + ": context canceled", ""},
		{&HTTPError{URL: u, Attempts: 4, Err: errors.New("connection reset by peer")},
			"GET " + u + ": connection reset by peer (after 4 attempts)", "check the network and the index URL"},
		{fmt.Errorf("resolver: %w", &OfflineError{What: "the page " + u}), "", "run once without --offline to fill the cache"},
		{errors.New("other"), "", ""},
	} {
		if tt.msg != "" && tt.err.Error() != tt.msg {
			t.Errorf("Error() = %q, want %q", tt.err.Error(), tt.msg)
		}
		got := Hint(tt.err)
		if got != tt.hint {
			t.Errorf("Hint(%v) = %q, want %q", tt.err, got, tt.hint)
		}
		// Every message is masked before it is shown: a hint holding an example URL
		// with credentials would show the mask, its "…" percent-encoded.
		if masked := redact.Text(got); masked != got {
			t.Errorf("Hint(%v) = %q reads %q once masked", tt.err, got, masked)
		}
	}
}

// A port nothing listens on, for real: the error and the hint say so.
func TestHintRefusedConnection(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ix := newIndex(t, Options{IndexURL: "http://" + addr + "/simple/", HTTP: HTTPOptions{Retries: 1, Backoff: time.Millisecond}})
	_, err = ix.Releases(context.Background(), "numpy")
	var he *HTTPError
	if !errors.As(err, &he) || he.Error() != "GET http://"+addr+"/simple/numpy/: connection refused (after 2 attempts)" ||
		Hint(err) != "nothing answers at "+addr+": check the host and port of the index URL, and that the index is running" {
		t.Errorf("got %v, hint %q", err, Hint(err))
	}
}

//go:build !slim

package index

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/depsolve/depsolve/internal/runlog"
	"github.com/depsolve/depsolve/redact"
)

// transport sends the client's requests over net/http. A slim build has none: its
// client fails every request with slim.ErrNeedsFull, and depsolve-full makes it.
type transport struct {
	hc *http.Client
}

func newTransport(c *client) *transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = c.opts.Concurrency // the default of 2 would reopen connections after every burst
	return &transport{hc: &http.Client{
		Transport: t,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 10 {
				return errors.New("stopped after 10 redirects")
			}
			return c.checkRedirect(req, via)
		},
	}}
}

// untrustedCertificate reports whether err is a TLS certificate this machine does not trust.
func untrustedCertificate(err error) bool {
	var cert *tls.CertificateVerificationError
	return errors.As(err, &cert)
}

// checkRedirect vets each hop of a redirect. An https request is never sent on
// over plain http, and plain http goes only where checkPolicy allows it; both
// refusals are failures of the index, not of the URL the user gave. net/http
// keeps the Authorization header for the same host name on any port and
// scheme; here it goes only to the origin it was chosen for.
func (c *client) checkRedirect(req *http.Request, via []*http.Request) error {
	to := req.URL
	if to.Scheme == "http" && slices.ContainsFunc(via, func(r *http.Request) bool { return r.URL.Scheme == "https" }) {
		return &redirectError{to: redact.URL(to.String()), toHost: to.Host, downgrade: true}
	}
	var pe *PolicyError
	if err := c.checkPolicy(to); errors.As(err, &pe) {
		return &redirectError{to: pe.URL, toHost: to.Host}
	} else if err != nil {
		return err
	}
	if origin(to) != origin(via[0].URL) {
		req.Header.Del("Authorization")
	}
	return nil
}

func retryable(err error) (bool, time.Duration) {
	var se *statusError
	if errors.As(err, &se) {
		switch se.code {
		case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
			http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true, se.retryAfter
		}
		return false, 0
	}
	var stall *stallError
	var bad *badBodyError
	var dns *net.DNSError
	var op *net.OpError
	var ne net.Error
	switch {
	case errors.As(err, &stall), errors.As(err, &bad):
		return true, 0
	case errors.As(err, &dns):
		return dns.IsTemporary || dns.IsTimeout, 0
	case errors.As(err, &op):
		return true, 0 // a connection that failed or broke: refused, reset, unreachable
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE):
		return true, 0
	case errors.As(err, &ne) && ne.Timeout():
		return true, 0
	}
	return false, 0
}

// send runs f with retries, returning the final answer's status and headers.
func (c *client) send(ctx context.Context, f fetch) (int, textproto.MIMEHeader, error) {
	u, err := url.Parse(f.url)
	if err != nil {
		return 0, nil, fmt.Errorf("%s: %v", redact.URL(f.url), err)
	}
	if err := c.checkPolicy(u); err != nil {
		return 0, nil, err
	}
	rctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var deadline *time.Timer
	startDeadline := func() {
		if deadline == nil {
			deadline = time.AfterFunc(c.opts.Deadline, func() { cancel(&deadlineError{c.opts.Deadline}) })
		}
	}
	defer func() {
		if deadline != nil {
			deadline.Stop()
		}
	}()
	started := time.Now()
	for attempt := 1; ; attempt++ {
		status, header, err := c.attempt(rctx, u, f, startDeadline)
		if err == nil {
			c.traceRequest(u, f, status, attempt, started, nil)
			return status, header, nil
		}
		again, after := retryable(err)
		if !again || attempt > c.opts.Retries || rctx.Err() != nil {
			err = c.failure(u, attempt, err, ctx, rctx)
			c.traceRequest(u, f, 0, attempt, started, err)
			return 0, nil, err
		}
		if c.trace != nil {
			c.trace(TraceEvent{Kind: "request", Detail: true, Text: fmt.Sprintf("GET %s attempt %d failed, retrying: %s", redact.URL(u.String()), attempt, redact.Text(err.Error()))})
		}
		if err := c.sleep(rctx, attempt, after); err != nil {
			err = c.failure(u, attempt, err, ctx, rctx)
			c.traceRequest(u, f, 0, attempt, started, err)
			return 0, nil, err
		}
		c.stats.retries.Add(1)
	}
}

// failure is the error of a request that failed for good: the caller's
// cancellation, else the request's deadline, else the last attempt's error.
func (c *client) failure(u *url.URL, attempts int, err error, ctx, rctx context.Context) error {
	var overdue *deadlineError
	switch cause := context.Cause(rctx); {
	case ctx.Err() != nil:
		err = ctx.Err()
	case errors.As(cause, &overdue):
		err = cause
	}
	e := &HTTPError{URL: redact.URL(u.String()), Attempts: attempts, Err: err}
	var se *statusError
	if errors.As(err, &se) {
		e.StatusCode, e.Status = se.code, se.status
	}
	return e
}

func (c *client) sleep(ctx context.Context, attempt int, retryAfter time.Duration) error {
	d := c.opts.Backoff << (attempt - 1)
	if d <= 0 || d > c.opts.MaxBackoff {
		d = c.opts.MaxBackoff
	}
	d = d/2 + rand.N(d) // jitter: 50% to 150%
	if retryAfter > d {
		d = retryAfter
	}
	d = min(d, c.opts.MaxBackoff)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// attempt sends one request under a stall watchdog and consumes its body.
// It calls started once it holds a connection slot.
func (c *client) attempt(ctx context.Context, u *url.URL, f fetch, started func()) (int, textproto.MIMEHeader, error) {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return 0, nil, ctx.Err()
	}
	defer func() { <-c.sem }()
	started()

	actx, cancel := context.WithCancel(ctx)
	defer cancel()
	var stalled atomic.Bool
	watchdog := time.AfterFunc(c.opts.Timeout, func() { stalled.Store(true); cancel() })
	defer watchdog.Stop()
	stallErr := func(err error) error {
		if stalled.Load() {
			return &stallError{c.opts.Timeout}
		}
		return err
	}

	req, err := http.NewRequestWithContext(actx, http.MethodGet, u.String(), nil)
	if err != nil {
		return 0, nil, err
	}
	for k, vs := range f.header {
		req.Header[k] = vs
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	if user := c.credentialsFor(u); user != nil {
		pw, _ := user.Password()
		req.SetBasicAuth(user.Username(), pw)
	}
	runlog.Unrepeatable("a request to an index")
	c.stats.requests.Add(1)
	if f.count != nil {
		f.count.Add(1)
	}
	resp, err := c.transport.hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its message repeats the URL, unredacted
		}
		return 0, nil, stallErr(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && !slices.Contains(f.accept, resp.StatusCode) {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
		return 0, nil, &statusError{resp.StatusCode, resp.Status, retryAfter(resp.Header)}
	}
	watchdog.Reset(c.opts.Timeout)
	body := &progressReader{r: resp.Body, progress: func(n int) {
		watchdog.Reset(c.opts.Timeout)
		c.stats.bytes.Add(int64(n))
	}}
	header := textproto.MIMEHeader(resp.Header)
	ans := answer{status: resp.StatusCode, header: header, contentLength: resp.ContentLength, url: resp.Request.URL.String()}
	if err := f.sink(ans, body); err != nil {
		return 0, nil, stallErr(err)
	}
	return resp.StatusCode, header, nil
}

func retryAfter(h http.Header) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return time.Until(t)
	}
	return 0
}

type progressReader struct {
	r        io.Reader
	progress func(int)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.progress(n)
	}
	return n, err
}

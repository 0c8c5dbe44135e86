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
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/depsolve/depsolve/redact"
)

// HTTPOptions tune the HTTP client. The zero value of each field means its
// default.
type HTTPOptions struct {
	// Timeout aborts an attempt that makes no progress (no response headers, or
	// no body bytes) for this long. Default 30s. It bounds stalls; Deadline
	// bounds transfers.
	Timeout time.Duration
	// Deadline bounds a whole request, from its first attempt to its complete
	// answer, retries and waits between them included: a server that trickles
	// a byte now and then never stalls, yet must not hold a run for ever.
	// Default DefaultDeadline. The clock starts when the request gets one of
	// the Concurrency slots, so time queued behind other requests does not count.
	Deadline time.Duration
	// Retries is the number of further attempts after a failure that may pass:
	// HTTP 429 and 5xx, connection resets, stalls, truncated or garbled bodies.
	// Default 3; negative means none.
	Retries int
	// Backoff is the wait before the first retry, doubled for each later one,
	// with ±50% jitter, at most MaxBackoff; a Retry-After header is honoured up
	// to MaxBackoff. Defaults 250ms and 10s.
	Backoff, MaxBackoff time.Duration
	// Size limits of a project page, a metadata file and a downloaded
	// distribution. Defaults 256 MiB, 16 MiB and 8 GiB.
	MaxPageSize, MaxMetadataSize, MaxDownloadSize int64
	// Concurrency bounds the requests in flight at once. Default 50, as uv's
	// downloads: a wave of prefetches (torch alone has about 25 dependencies) or a
	// solution's size lookups goes out whole, where a lower bound made its last
	// requests wait a round trip for a slot.
	Concurrency int
	// Transport replaces the default transport (a clone of
	// http.DefaultTransport keeping Concurrency idle connections per host).
	Transport http.RoundTripper
	// UserAgent is sent with every request. Default "depsolve".
	UserAgent string
	// Netrc is the .netrc file credentials come from when a URL has none.
	// Default $NETRC, else ~/.netrc. A missing file has no entries.
	Netrc string
}

// DefaultDeadline is HTTPOptions.Deadline when none is given: enough for an index
// page or a metadata file over a slow link, with retries, and short enough that a
// hanging index fails a CI job within minutes.
const DefaultDeadline = 60 * time.Second

func (o HTTPOptions) withDefaults() HTTPOptions {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.Timeout, 30*time.Second)
	def(&o.Deadline, DefaultDeadline)
	def(&o.Backoff, 250*time.Millisecond)
	def(&o.MaxBackoff, 10*time.Second)
	switch {
	case o.Retries == 0:
		o.Retries = 3
	case o.Retries < 0:
		o.Retries = 0
	}
	size := func(s *int64, v int64) {
		if *s <= 0 {
			*s = v
		}
	}
	size(&o.MaxPageSize, 256<<20)
	size(&o.MaxMetadataSize, 16<<20)
	size(&o.MaxDownloadSize, 8<<30)
	if o.Concurrency <= 0 {
		o.Concurrency = 50
	}
	if o.Transport == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = o.Concurrency // the default of 2 would reopen connections after every burst
		o.Transport = t
	}
	if o.UserAgent == "" {
		o.UserAgent = "depsolve"
	}
	return o
}

// Stats counts what an Index did. Requests counts HTTP attempts, retries
// included.
type Stats struct {
	Requests      int64 // HTTP requests sent
	Retries       int64 // of which retries
	Pages         int64 // project pages fetched with a body
	NotModified   int64 // project pages revalidated with a 304
	PageCacheHits int64 // project pages used from the cache without a request
	MetadataFiles int64 // PEP 658 metadata files fetched
	RangeRequests int64 // HTTP range reads of wheels
	Downloads     int64 // whole distributions downloaded
	MetadataHits  int64 // core metadata served from the cache
	SizeHits      int64 // wheel sizes served from the cache
	Bytes         int64 // response body bytes read
}

type stats struct {
	requests, retries, pages, notModified, pageHits, metadataFiles, ranges, downloads, metadataHits, sizeHits, bytes atomic.Int64
}

func (s *stats) snapshot() Stats {
	return Stats{
		Requests: s.requests.Load(), Retries: s.retries.Load(), Pages: s.pages.Load(),
		NotModified: s.notModified.Load(), PageCacheHits: s.pageHits.Load(),
		MetadataFiles: s.metadataFiles.Load(), RangeRequests: s.ranges.Load(),
		Downloads: s.downloads.Load(), MetadataHits: s.metadataHits.Load(), SizeHits: s.sizeHits.Load(), Bytes: s.bytes.Load(),
	}
}

// HTTPError is a request that failed for good: an unexpected status, or no
// usable response after every attempt.
type HTTPError struct {
	URL        string // redacted
	StatusCode int    // 0 when there was no usable response
	Status     string // "503 Service Unavailable"
	Attempts   int
	Err        error // the cause when there was no usable response
	// Cached is set for a page the cache holds a copy of (stale, or being
	// revalidated): an offline run would use that copy.
	Cached bool
}

func (e *HTTPError) Error() string {
	var b strings.Builder
	b.WriteString("GET ")
	b.WriteString(e.URL)
	b.WriteString(": ")
	switch {
	case e.StatusCode != 0:
		b.WriteString(e.Status)
	case connectionRefused(e.Err):
		b.WriteString("connection refused")
	case unknownHost(e.Err) != "":
		b.WriteString("host " + unknownHost(e.Err) + " not found (DNS)")
	default:
		// net/http errors embed the URL with only the password masked; a token
		// given as the username would still show, so mask the whole text.
		b.WriteString(redact.Text(e.Err.Error()))
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

func (e *HTTPError) Unwrap() error { return e.Err }

// hint says what to do about the failure, or "".
func (e *HTTPError) hint() string {
	host := "the index"
	if u, err := url.Parse(e.URL); err == nil && u.Host != "" {
		host = u.Host
	}
	var cert *tls.CertificateVerificationError
	var deadline *deadlineError
	var redirect *redirectError
	switch {
	case e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden:
		return "the index wants credentials: put them in the URL (https://USER:TOKEN@host/…) or in ~/.netrc"
	case e.StatusCode == http.StatusTooManyRequests:
		return host + " is limiting the rate of requests: wait a while and run again"
	case e.StatusCode >= 500:
		return host + " failed on its side (" + e.Status + "), not because of the input: run again later, or use a mirror with --index-url"
	case e.StatusCode != 0, errors.Is(e.Err, context.Canceled):
		return ""
	case connectionRefused(e.Err):
		return "nothing answers at " + host + ": check the host and port of the index URL, and that the index is running"
	case unknownHost(e.Err) != "":
		return "check the spelling of " + unknownHost(e.Err) + " in the index URL, and that this machine can resolve it (DNS, VPN)"
	case errors.As(e.Err, &deadline):
		return fmt.Sprintf("%s sent no complete answer within %v: for a slow index or link, raise the limit with --timeout (also $DEPSOLVE_TIMEOUT, or timeout in depsolve.toml)", host, deadline.deadline)
	case errors.As(e.Err, &redirect):
		return redirect.hint()
	case errors.As(e.Err, &cert):
		return "the certificate of " + host + " is not trusted here: add its CA to the system's trust store, or point SSL_CERT_FILE at it"
	case isTimeout(e.Err):
		return host + " did not answer in time: check the network and any proxy (HTTPS_PROXY), or run again later"
	}
	return "check the network and the index URL"
}

func connectionRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }

// unknownHost returns the host name a DNS lookup found no address for, or "".
func unknownHost(err error) string {
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsNotFound {
		return dns.Name
	}
	return ""
}

func isTimeout(err error) bool {
	var stall *stallError
	var deadline *deadlineError
	var ne net.Error
	return errors.As(err, &stall) || errors.As(err, &deadline) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// PolicyError is a URL the client refuses to use: plain HTTP to a host that is
// neither loopback nor trusted.
type PolicyError struct {
	URL  string // redacted
	Host string
}

func (e *PolicyError) Error() string {
	return fmt.Sprintf("refusing plain HTTP for %s: use https, or trust the host with --trusted-host %s", e.URL, e.Host)
}

// statusError is a response with an unexpected status, inside the retry loop.
type statusError struct {
	code       int
	status     string
	retryAfter time.Duration
}

func (e *statusError) Error() string { return e.status }

// stallError is an attempt that made no progress for the timeout.
type stallError struct{ timeout time.Duration }

func (e *stallError) Error() string {
	return fmt.Sprintf("timed out: no data for %v", e.timeout)
}

// deadlineError is a request with no complete answer within HTTPOptions.Deadline.
type deadlineError struct{ deadline time.Duration }

func (e *deadlineError) Error() string {
	return fmt.Sprintf("timed out: no complete answer within %v", e.deadline)
}

// redirectError is a redirect the client refuses to follow.
type redirectError struct {
	to        string // redacted
	toHost    string // host:port of the target
	downgrade bool   // from https to plain http; else plain http to a host neither loopback nor trusted
}

func (e *redirectError) Error() string {
	if e.downgrade {
		return "refusing a redirect from https to plain HTTP (" + e.to + ")"
	}
	return "refusing a redirect to plain HTTP on an untrusted host (" + e.to + ")"
}

func (e *redirectError) hint() string {
	if e.downgrade {
		return "the index sends https requests on to plain http, where packages and credentials travel unprotected: ask its operator to redirect to https, or give the https URL it should redirect to"
	}
	return "the index sends requests on to " + e.toHost + " over plain http: use an https URL, or, if that host is yours, trust it with --trusted-host " + e.toHost
}

// tooLargeError is a body, or a part of a file, over its size limit.
type tooLargeError struct {
	limit int64
	what  string // "the zip central directory of f.whl (… bytes) is"; "" for a response body
}

func (e *tooLargeError) Error() string {
	what := e.what
	if what == "" {
		what = "response"
	}
	return fmt.Sprintf("%s larger than the %s limit", what, sizeText(e.limit))
}

// badBodyError is a complete response whose content is wrong: a hash mismatch,
// a page that does not parse. It is retried: it may be a transfer error.
type badBodyError struct{ err error }

func (e *badBodyError) Error() string { return e.err.Error() }
func (e *badBodyError) Unwrap() error { return e.err }

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

type client struct {
	hc      *http.Client
	opts    HTTPOptions
	sem     chan struct{}
	credsMu sync.RWMutex
	creds   map[string]*url.Userinfo // host[:port] -> credentials from a configured or listed URL
	trusted map[string]bool          // host or host:port
	netrc   func() *netrc
	stats   *stats
	trace   func(TraceEvent) // Options.Trace
}

func newClient(opts HTTPOptions, trusted []string, st *stats) *client {
	opts = opts.withDefaults()
	c := &client{
		opts:    opts,
		sem:     make(chan struct{}, opts.Concurrency),
		creds:   map[string]*url.Userinfo{},
		trusted: map[string]bool{},
		stats:   st,
	}
	path := netrcPath(opts.Netrc)
	c.netrc = sync.OnceValue(func() *netrc { return readNetrc(path) })
	for _, h := range trusted {
		c.trusted[strings.ToLower(h)] = true
	}
	c.hc = &http.Client{
		Transport: opts.Transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 10 {
				return errors.New("stopped after 10 redirects")
			}
			return c.checkRedirect(req, via)
		},
	}
	return c
}

// addCredentials records the userinfo of a configured URL for its origin.
func (c *client) addCredentials(u *url.URL, user *url.Userinfo) {
	c.credsMu.Lock()
	defer c.credsMu.Unlock()
	if user != nil {
		if _, seen := c.creds[origin(u)]; !seen {
			c.creds[origin(u)] = user
		}
	}
}

// origin is the scheme, host and port of u, the only place credentials given
// for u are sent.
func origin(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[strings.ToLower(u.Scheme)]
	}
	return strings.ToLower(u.Scheme) + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
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

// checkPolicy allows https, and plain http only to loopback and trusted hosts.
func (c *client) checkPolicy(u *url.URL) error {
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		host := strings.ToLower(u.Hostname())
		if host == "localhost" || c.trusted[host] || c.trusted[strings.ToLower(u.Host)] {
			return nil
		}
		if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
			return nil
		}
		return &PolicyError{URL: redact.URL(u.String()), Host: u.Hostname()}
	}
	return fmt.Errorf("%s: unsupported URL scheme %q", redact.URL(u.String()), u.Scheme)
}

// fetch describes one GET.
type fetch struct {
	url    string // without userinfo
	header http.Header
	// accept lists the statuses besides 200 that are answers, not failures
	// (206, 304, 404, 410, 416).
	accept []int
	// sink consumes the body of an answer, once per attempt. An error of type
	// *badBodyError makes the attempt fail and be retried.
	sink func(resp *http.Response, body io.Reader) error
	// count is the stats counter of the request's kind.
	count *atomic.Int64
}

// do runs f with retries, returning the final answer's status and headers.
func (c *client) do(ctx context.Context, f fetch) (int, http.Header, error) {
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
func (c *client) attempt(ctx context.Context, u *url.URL, f fetch, started func()) (int, http.Header, error) {
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
	c.stats.requests.Add(1)
	if f.count != nil {
		f.count.Add(1)
	}
	resp, err := c.hc.Do(req)
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
	if err := f.sink(resp, body); err != nil {
		return 0, nil, stallErr(err)
	}
	return resp.StatusCode, resp.Header, nil
}

// credentialsFor picks the credentials for a request: those of a configured
// URL of the same origin, else the .netrc entry of the host.
func (c *client) credentialsFor(u *url.URL) *url.Userinfo {
	c.credsMu.RLock()
	user, ok := c.creds[origin(u)]
	c.credsMu.RUnlock()
	if ok {
		return user
	}
	if e, ok := c.netrc().lookup(u.Hostname()); ok && (e.login != "" || e.password != "") {
		return url.UserPassword(e.login, e.password)
	}
	return nil
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

// readLimited reads a whole body of at most limit bytes.
func readLimited(resp *http.Response, body io.Reader, limit int64) ([]byte, error) {
	if resp.ContentLength > limit {
		return nil, &tooLargeError{limit: limit}
	}
	data, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &tooLargeError{limit: limit}
	}
	return data, nil
}

// response is an answer read into memory.
type response struct {
	status int
	header http.Header
	body   []byte
	url    string // after redirects
}

// get fetches rawURL into memory; validate, when set, checks each answer
// inside the retry loop.
func (c *client) get(ctx context.Context, rawURL string, header http.Header, accept []int, limit int64, count *atomic.Int64, validate func(*response) error) (*response, error) {
	var got *response
	_, _, err := c.do(ctx, fetch{
		url: rawURL, header: header, accept: accept, count: count,
		sink: func(resp *http.Response, body io.Reader) error {
			data, err := readLimited(resp, body, limit)
			if err != nil {
				return err
			}
			r := &response{status: resp.StatusCode, header: resp.Header, body: data, url: resp.Request.URL.String()}
			if validate != nil {
				if err := validate(r); err != nil {
					return err
				}
			}
			got = r
			return nil
		},
	})
	return got, err
}

// stripUserinfo returns u without credentials, and the credentials.
func stripUserinfo(u *url.URL) (*url.URL, *url.Userinfo) {
	c := *u
	c.User = nil
	return &c, u.User
}

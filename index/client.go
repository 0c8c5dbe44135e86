package index

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"net/url"
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
	var deadline *deadlineError
	var redirect *redirectError
	var digest *digestError
	switch {
	case errors.As(e.Err, &digest) && digest.from != "":
		return "the file at the URL is not the one " + digest.from + "'s hash names: correct the --hash (or #sha256=), or the URL"
	case errors.As(e.Err, &digest):
		return host + " serves a file whose SHA-256 is not the one its page lists (a broken mirror, or a proxy that changes files): run again later, or use another index"
	case e.StatusCode == statusUnauthorized || e.StatusCode == statusForbidden:
		return "the index wants credentials: put them in the index URL, as USER:TOKEN@ before its host, or in ~/.netrc"
	case e.StatusCode == statusTooManyRequests:
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
	case untrustedCertificate(e.Err):
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

type client struct {
	opts    HTTPOptions
	sem     chan struct{}
	credsMu sync.RWMutex
	creds   map[string]*url.Userinfo // host[:port] -> credentials from a configured or listed URL
	trusted map[string]bool          // host or host:port
	netrc   func() *netrc
	stats   *stats
	trace   func(TraceEvent) // Options.Trace
	// transport sends the requests; a slim build has none (see package slim).
	transport *transport
	// sending, when set, is called before each request (Index.reachOut).
	sending func()
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
	c.transport = newTransport(c)
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
	header textproto.MIMEHeader
	// accept lists the statuses besides 200 that are answers, not failures
	// (206, 304, 404, 410, 416).
	accept []int
	// sink consumes the body of an answer, once per attempt. An error of type
	// *badBodyError makes the attempt fail and be retried.
	sink func(ans answer, body io.Reader) error
	// count is the stats counter of the request's kind.
	count *atomic.Int64
}

// answer is what a fetch's sink learns of a response besides its body.
type answer struct {
	status        int
	header        textproto.MIMEHeader
	contentLength int64  // -1 when unknown
	url           string // after redirects
}

// The HTTP statuses the index tells apart, named as net/http names them (a slim build
// links no net/http).
const (
	statusOK                  = 200
	statusPartialContent      = 206
	statusNotModified         = 304
	statusUnauthorized        = 401
	statusForbidden           = 403
	statusNotFound            = 404
	statusGone                = 410
	statusRangeNotSatisfiable = 416
	statusTooManyRequests     = 429
)

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

// readLimited reads a whole body of at most limit bytes.
func readLimited(ans answer, body io.Reader, limit int64) ([]byte, error) {
	if ans.contentLength > limit {
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
	header textproto.MIMEHeader
	body   []byte
	url    string // after redirects
}

// do sends f (send), telling sending first.
func (c *client) do(ctx context.Context, f fetch) (int, textproto.MIMEHeader, error) {
	if c.sending != nil {
		c.sending()
	}
	return c.send(ctx, f)
}

// get fetches rawURL into memory; validate, when set, checks each answer
// inside the retry loop.
func (c *client) get(ctx context.Context, rawURL string, header textproto.MIMEHeader, accept []int, limit int64, count *atomic.Int64, validate func(*response) error) (*response, error) {
	var got *response
	_, _, err := c.do(ctx, fetch{
		url: rawURL, header: header, accept: accept, count: count,
		sink: func(ans answer, body io.Reader) error {
			data, err := readLimited(ans, body, limit)
			if err != nil {
				return err
			}
			r := &response{status: ans.status, header: ans.header, body: data, url: ans.url}
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

package index

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/depsolve/depsolve/cache"
	"github.com/depsolve/depsolve/index/simple"
	"github.com/depsolve/depsolve/internal/runlog"
	"github.com/depsolve/depsolve/redact"
)

// notFoundType marks a cached "no such project" answer (404 or 410), so that
// an offline run knows an index lacks a name, which first-index needs.
const notFoundType = "depsolve/not-found"

// fetchedPage is a parsed page: an index's project page, a find-links page, or
// a find-links folder's listing.
type fetchedPage struct {
	files    []simple.File
	problems []string // what was wrong with files of the page (simple.Page.Problems)
	// key names what the page was parsed from (parsedKeyOf), when it is known: views of
	// the project are cached under it (see view.go).
	key string
	// unread marks a page read from the cache by its head alone (see loadPage): files
	// and problems are unset until decodePage reads its parsed form, which a project
	// whose view is cached never needs.
	unread bool
}

// fetchPage returns the page at pageURL, from the cache when it is fresh (or
// when offline), revalidated when it is stale. For an index page a 404 or 410
// is an answer: nil, the index has no such project. A find-links page is
// fetched once per Index.
func (ix *Index) fetchPage(ctx context.Context, pageURL string, isIndex bool) (*fetchedPage, error) {
	if isIndex {
		return ix.loadPage(ctx, pageURL, true, true)
	}
	v, err := ix.shared(ctx, job{key: "page " + pageURL, fn: func(ctx context.Context) (any, error) {
		ix.mu.Lock()
		fp := ix.pages[pageURL]
		ix.mu.Unlock()
		if fp != nil {
			return fp, nil
		}
		fp, err := ix.loadPage(ctx, pageURL, false, false)
		if err != nil {
			return nil, err
		}
		ix.warnProblems(pageURL, fp.problems)
		ix.mu.Lock()
		ix.pages[pageURL] = fp
		ix.mu.Unlock()
		return fp, nil
	}})
	if err != nil {
		return nil, err
	}
	return v.(*fetchedPage), nil
}

// loadPage returns the page at pageURL (see fetchPage). With lazy, a page the cache
// holds with a head and may be used as it is comes back unread (fetchedPage.unread).
func (ix *Index) loadPage(ctx context.Context, pageURL string, isIndex, lazy bool) (*fetchedPage, error) {
	if lazy {
		head, found, err := ix.opts.Cache.GetPageHead(pageURL)
		if err == nil && found && ix.usable(head) {
			ix.stats.pageHits.Add(1)
			ix.trace("cache", false, "page %s from the cache%s", redact.URL(pageURL), ix.cacheReason())
			return &fetchedPage{key: head.ParsedKey, unread: true}, nil
		}
	}
	cached, parsed, found, cacheErr := ix.opts.Cache.GetPageWithParsed(pageURL, parsedKey)
	if cacheErr != nil && ix.opts.Offline {
		return nil, fmt.Errorf("reading the cache for %s: %w", redact.URL(pageURL), cacheErr)
	}
	if found && ix.usable(cached) {
		fp, ok := ix.parseCached(pageURL, cached, parsed, isIndex, true)
		if !ok && cached.Body == nil {
			// Read from its head, with a parsed form this build cannot decode.
			cached, found, cacheErr = ix.opts.Cache.GetPage(pageURL)
			if cacheErr != nil && ix.opts.Offline {
				return nil, fmt.Errorf("reading the cache for %s: %w", redact.URL(pageURL), cacheErr)
			}
			parsed = nil
			fp, ok = ix.parseCached(pageURL, cached, nil, isIndex, true)
			ok = ok && found
		}
		if ok {
			ix.stats.pageHits.Add(1)
			ix.trace("cache", false, "page %s from the cache%s", redact.URL(pageURL), ix.cacheReason())
			return fp, nil
		}
		found = false // unreadable: fetch it again
	}
	if ix.opts.Offline {
		return nil, &OfflineError{What: "the page " + redact.URL(pageURL)}
	}
	if found && cached.Body == nil {
		// A 304 needs the body, to use and to store again.
		cached, found, _ = ix.opts.Cache.GetPage(pageURL)
	}
	var validator *cache.Page
	if found {
		validator = &cached
	}
	fp, err := ix.requestPage(ctx, pageURL, isIndex, validator, parsed)
	if err == errUnreadableCache {
		return ix.requestPage(ctx, pageURL, isIndex, nil, nil)
	}
	var he *HTTPError
	if found && errors.As(err, &he) {
		he.Cached = true
	}
	return fp, err
}

// cacheReason says why a cached page is used without asking the server.
func (ix *Index) cacheReason() string {
	if ix.opts.Offline {
		return " (offline)"
	}
	return " (fresh)"
}

// usable reports whether a cached page may be used without asking the server. A page
// used because it is fresh holds the run's answer only while it is (runlog.FreshBetween);
// offline, freshness does not count.
func (ix *Index) usable(p cache.Page) bool {
	if ix.opts.Offline {
		return true
	}
	if ix.opts.Refresh || !p.Fresh(ix.opts.Now()) {
		return false
	}
	runlog.FreshBetween(p.FetchedAt, p.FetchedAt.Add(p.MaxAge))
	return true
}

// maxCachedPage is the largest page body stored in the cache. The largest
// real project pages (torch on PyPI and on download.pytorch.org) are 1-2 MiB;
// a page past the cap is parsed as it streams in, and not stored.
const maxCachedPage = 16 << 20

// errUnreadableCache is a 304 for a cached page that no longer parses.
var errUnreadableCache = errors.New("cached page unreadable")

// requestPage fetches a page, conditionally when there is a cached copy (with
// its parsed form, if the cache has it).
func (ix *Index) requestPage(ctx context.Context, pageURL string, isIndex bool, cached *cache.Page, cachedParsed []byte) (*fetchedPage, error) {
	header := textproto.MIMEHeader{}
	header.Set("Accept", "text/html")
	if isIndex {
		header.Set("Accept", simple.Accept)
	}
	accept := []int{}
	if isIndex {
		accept = append(accept, statusNotFound, statusGone)
	}
	if cached != nil && (cached.ETag != "" || cached.LastModified != "") {
		if cached.ETag != "" {
			header.Set("If-None-Match", cached.ETag)
		}
		if cached.LastModified != "" {
			header.Set("If-Modified-Since", cached.LastModified)
		}
		accept = append(accept, statusNotModified)
	}
	var parsed *simple.Page
	var body []byte // nil when the page is too large to cache
	var finalURL string
	limit := ix.client.opts.MaxPageSize
	status, respHeader, err := ix.client.do(ctx, fetch{
		url: pageURL, header: header, accept: accept, count: &ix.stats.pages,
		sink: func(ans answer, r io.Reader) error {
			finalURL = ans.url
			if ans.status != statusOK {
				io.Copy(io.Discard, io.LimitReader(r, 64<<10)) // lets the connection be reused
				return nil
			}
			if ans.contentLength > limit {
				return &tooLargeError{limit: limit}
			}
			kept := &cappedBuffer{limit: maxCachedPage}
			if ans.contentLength > maxCachedPage {
				kept.over = true // known too large to cache: keep nothing
			}
			p, err := simple.ParseReader(finalURL, ans.header.Get("Content-Type"), io.TeeReader(&limitedReader{r: r, left: limit, limit: limit}, kept))
			var pe *simple.Error
			switch {
			case errors.As(err, &pe):
				return &badBodyError{fmt.Errorf("not a usable page: %w", err)}
			case err != nil:
				return err // the transfer failed, or the page is over the limit
			}
			parsed, body = p, kept.bytes()
			return nil
		},
	})
	if err != nil {
		return nil, err
	}
	resp := &response{status: status, header: respHeader, body: body, url: finalURL}
	now := ix.opts.Now()
	maxAge, store := cachePolicy(resp.header)
	switch resp.status {
	case statusNotModified:
		ix.stats.notModified.Add(1)
		refreshed := *cached
		refreshed.FetchedAt, refreshed.MaxAge = now, maxAge
		fp, ok := ix.parseCached(pageURL, refreshed, cachedParsed, isIndex, store)
		if !ok {
			return nil, errUnreadableCache
		}
		return fp, nil
	case statusNotFound, statusGone:
		if store {
			ix.putPage(pageURL, cache.Page{ContentType: notFoundType, MaxAge: notFoundMaxAge(resp.header, maxAge), FetchedAt: now})
		}
		return nil, nil
	}
	// A page over maxCachedPage is not cached: parsed again on every run, but
	// never read back whole, nor kept for good.
	if store && resp.body != nil {
		page := cache.Page{
			URL:          resp.url,
			ContentType:  resp.header.Get("Content-Type"),
			ETag:         resp.header.Get("ETag"),
			LastModified: resp.header.Get("Last-Modified"),
			MaxAge:       maxAge,
			FetchedAt:    now,
			Body:         resp.body,
		}
		// A base URL with credentials would put them into the parsed file URLs;
		// such a page is parsed again on every use instead. The parsed form goes
		// first: a page stored with its ParsedKey is read without its body.
		if u, err := url.Parse(resp.url); err == nil && u.User == nil {
			page.ParsedKey = ix.putParsed(resp.url, page.ContentType, resp.body, parsed)
		}
		ix.putPage(pageURL, page)
		return &fetchedPage{files: parsed.Files, problems: parsed.Problems, key: page.ParsedKey}, nil
	}
	return &fetchedPage{files: parsed.Files, problems: parsed.Problems}, nil
}

// parseCached reads a cached page, from its parsed form when the cache holds
// one (see parsedKey); ok is false when it does not parse (a page cached by
// another depsolve version, say, or one read from its head whose parsed form
// does not decode). A cached "not found" reads as a nil page for an index, and
// as unreadable for a find-links page. With store, a page read in full (not
// from its head: stored by an older depsolve, or just revalidated) is stored
// (again) with its ParsedKey, and its parsed form if it had none, so the next
// run reads neither its body nor parses it.
func (ix *Index) parseCached(pageURL string, p cache.Page, parsed []byte, isIndex, store bool) (*fetchedPage, bool) {
	if p.ContentType == notFoundType {
		return nil, isIndex
	}
	if parsed != nil {
		if page, err := simple.DecodeBinary(parsed); err == nil {
			if store && p.Body != nil {
				p.ParsedKey = parsedKey(p)
				ix.putPage(pageURL, p)
			}
			return &fetchedPage{files: page.Files, problems: page.Problems}, true
		}
	}
	if p.Body == nil {
		return nil, false
	}
	page, err := simple.Parse(p.URL, p.ContentType, p.Body)
	if err != nil {
		return nil, false
	}
	if store && ix.opts.Cache != nil {
		p.ParsedKey = ix.putParsed(p.URL, p.ContentType, p.Body, page)
		ix.putPage(pageURL, p)
	}
	return &fetchedPage{files: page.Files, problems: page.Problems}, true
}

// warnProblems reports what was wrong with files of a page: each time the page is
// read for a project (from the network, the cache or a view alike, so that a run says
// the same whether or not the cache is warm), which is once per project and Index.
func (ix *Index) warnProblems(pageURL string, problems []string) {
	for _, p := range problems {
		ix.warn(redact.URL(pageURL) + ": " + p)
	}
}

// parsedKey is the cache key of a cached page's parsed form: the SHA-256 of
// everything simple.Parse reads (base URL, Content-Type, body), so the entry
// cannot go stale or belong to another page. None for a "not found" page.
func parsedKey(p cache.Page) string {
	if p.ContentType == notFoundType {
		return ""
	}
	return parsedKeyOf(p.URL, p.ContentType, p.Body)
}

func parsedKeyOf(pageURL, contentType string, body []byte) string {
	h := sha256.New()
	var n [binary.MaxVarintLen64]byte
	for _, field := range [][]byte{[]byte(pageURL), []byte(contentType), body} {
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(field)))])
		h.Write(field)
	}
	return cache.ParsedKey(hex.EncodeToString(h.Sum(nil)))
}

// putParsed stores the parsed form of a page; best effort, like putPage. It
// returns the key, or "" when it was not stored.
func (ix *Index) putParsed(pageURL, contentType string, body []byte, page *simple.Page) string {
	key := parsedKeyOf(pageURL, contentType, body)
	if ix.opts.Cache == nil || ix.opts.Cache.PutParsed(key, page.AppendBinary(nil)) != nil {
		return ""
	}
	return key
}

// putPage stores a page; caching is best effort, so a refusal only loses time.
func (ix *Index) putPage(pageURL string, p cache.Page) {
	_ = ix.opts.Cache.PutPage(pageURL, p)
}

// cachePolicy reads Cache-Control: how long the answer stays fresh, and
// whether it may be stored at all.
func cachePolicy(h textproto.MIMEHeader) (maxAge time.Duration, store bool) {
	store = true
	for _, directive := range strings.Split(h.Get("Cache-Control"), ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(directive), "=")
		switch strings.ToLower(name) {
		case "no-store":
			store = false
		case "no-cache":
			return 0, store
		case "max-age":
			if secs, err := strconv.ParseInt(strings.Trim(value, `"`), 10, 64); err == nil && secs > 0 && secs < 1<<31 {
				maxAge = time.Duration(secs) * time.Second
			}
		}
	}
	return maxAge, store
}

// maxNotFoundAge is how long an index's "no such project" stays fresh in the cache when
// the index does not say: long enough that the runs of one session of work do not ask
// again for a name that is not there (a misspelling, an optional dependency's project
// on a private index), short enough that a project published meanwhile shows up soon
// (and --refresh asks at once).
const maxNotFoundAge = 10 * time.Minute

// notFoundMaxAge is the freshness of a 404 or 410 for a project page: the index's
// max-age up to maxNotFoundAge, or maxNotFoundAge when it sends no Cache-Control.
func notFoundMaxAge(h textproto.MIMEHeader, maxAge time.Duration) time.Duration {
	if h.Get("Cache-Control") == "" {
		return maxNotFoundAge
	}
	return min(maxAge, maxNotFoundAge)
}

// decodePage reads the parsed form of a page loadPage left unread. A parsed form that
// is gone (pruned) or does not decode (written by another depsolve version) is passed
// over: the page is loaded again without it.
func (ix *Index) decodePage(ctx context.Context, pg *sourcePage) error {
	if !pg.fp.unread {
		return nil
	}
	data, found, err := ix.opts.Cache.GetParsed(pg.fp.key)
	if err == nil && found {
		if page, err := simple.DecodeBinary(data); err == nil {
			pg.fp = &fetchedPage{files: page.Files, problems: page.Problems, key: pg.fp.key}
			return nil
		}
	}
	fp, err := ix.loadPage(ctx, pg.pageURL, true, false)
	if err != nil {
		return err
	}
	if fp == nil {
		fp = &fetchedPage{}
	}
	pg.fp = fp
	return nil
}

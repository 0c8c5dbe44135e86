package index

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/depsolve/depsolve/cache"
	"github.com/depsolve/depsolve/index/simple"
	"github.com/depsolve/depsolve/redact"
)

// notFoundType marks a cached "no such project" answer (404 or 410), so that
// an offline run knows an index lacks a name, which first-index needs.
const notFoundType = "depsolve/not-found"

// fetchedPage is a parsed page: an index's project page, a find-links page, or
// a find-links folder's listing.
type fetchedPage struct {
	files []simple.File
}

// fetchPage returns the page at pageURL, from the cache when it is fresh (or
// when offline), revalidated when it is stale. For an index page a 404 or 410
// is an answer: nil, the index has no such project. A find-links page is
// fetched once per Index.
func (ix *Index) fetchPage(ctx context.Context, pageURL string, isIndex bool) (*fetchedPage, error) {
	if isIndex {
		return ix.loadPage(ctx, pageURL, true)
	}
	v, err := ix.shared(ctx, "page "+pageURL, func(ctx context.Context) (any, error) {
		ix.mu.Lock()
		fp := ix.pages[pageURL]
		ix.mu.Unlock()
		if fp != nil {
			return fp, nil
		}
		fp, err := ix.loadPage(ctx, pageURL, false)
		if err != nil {
			return nil, err
		}
		ix.mu.Lock()
		ix.pages[pageURL] = fp
		ix.mu.Unlock()
		return fp, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*fetchedPage), nil
}

func (ix *Index) loadPage(ctx context.Context, pageURL string, isIndex bool) (*fetchedPage, error) {
	cached, found, cacheErr := ix.opts.Cache.GetPage(pageURL)
	if cacheErr != nil && ix.opts.Offline {
		return nil, fmt.Errorf("reading the cache for %s: %w", redact.URL(pageURL), cacheErr)
	}
	if found && (ix.opts.Offline || cached.Fresh(ix.opts.Now()) && !ix.opts.Refresh) {
		if fp, ok := parseCached(cached, isIndex); ok {
			ix.stats.pageHits.Add(1)
			return fp, nil
		}
		found = false // unreadable: fetch it again
	}
	if ix.opts.Offline {
		return nil, &OfflineError{What: "the page " + redact.URL(pageURL)}
	}
	var validator *cache.Page
	if found {
		validator = &cached
	}
	fp, err := ix.requestPage(ctx, pageURL, isIndex, validator)
	if err == errUnreadableCache {
		return ix.requestPage(ctx, pageURL, isIndex, nil)
	}
	return fp, err
}

// errUnreadableCache is a 304 for a cached page that no longer parses.
var errUnreadableCache = errors.New("cached page unreadable")

// requestPage fetches a page, conditionally when there is a cached copy.
func (ix *Index) requestPage(ctx context.Context, pageURL string, isIndex bool, cached *cache.Page) (*fetchedPage, error) {
	header := http.Header{}
	header.Set("Accept", "text/html")
	if isIndex {
		header.Set("Accept", simple.Accept)
	}
	accept := []int{}
	if isIndex {
		accept = append(accept, http.StatusNotFound, http.StatusGone)
	}
	if cached != nil && (cached.ETag != "" || cached.LastModified != "") {
		if cached.ETag != "" {
			header.Set("If-None-Match", cached.ETag)
		}
		if cached.LastModified != "" {
			header.Set("If-Modified-Since", cached.LastModified)
		}
		accept = append(accept, http.StatusNotModified)
	}
	var parsed *simple.Page
	resp, err := ix.client.get(ctx, pageURL, header, accept, ix.client.opts.MaxPageSize, &ix.stats.pages, func(r *response) error {
		if r.status != http.StatusOK {
			return nil
		}
		p, err := simple.Parse(r.url, r.header.Get("Content-Type"), r.body)
		if err != nil {
			return &badBodyError{fmt.Errorf("not a usable page: %w", err)}
		}
		parsed = p
		return nil
	})
	if err != nil {
		return nil, err
	}
	now := ix.opts.Now()
	maxAge, store := cachePolicy(resp.header)
	switch resp.status {
	case http.StatusNotModified:
		ix.stats.notModified.Add(1)
		fp, ok := parseCached(*cached, isIndex)
		if !ok {
			return nil, errUnreadableCache
		}
		if store {
			refreshed := *cached
			refreshed.FetchedAt, refreshed.MaxAge = now, maxAge
			ix.putPage(pageURL, refreshed)
		}
		return fp, nil
	case http.StatusNotFound, http.StatusGone:
		if store {
			ix.putPage(pageURL, cache.Page{ContentType: notFoundType, MaxAge: maxAge, FetchedAt: now})
		}
		return nil, nil
	}
	if store {
		ix.putPage(pageURL, cache.Page{
			URL:          resp.url,
			ContentType:  resp.header.Get("Content-Type"),
			ETag:         resp.header.Get("ETag"),
			LastModified: resp.header.Get("Last-Modified"),
			MaxAge:       maxAge,
			FetchedAt:    now,
			Body:         resp.body,
		})
	}
	return &fetchedPage{files: parsed.Files}, nil
}

// parseCached reads a cached page; ok is false when it does not parse (a page
// cached by another depsolve version, say). A cached "not found" reads as
// a nil page for an index, and as unreadable for a find-links page.
func parseCached(p cache.Page, isIndex bool) (*fetchedPage, bool) {
	if p.ContentType == notFoundType {
		return nil, isIndex
	}
	page, err := simple.Parse(p.URL, p.ContentType, p.Body)
	if err != nil {
		return nil, false
	}
	return &fetchedPage{files: page.Files}, true
}

// putPage stores a page; caching is best effort, so a refusal only loses time.
func (ix *Index) putPage(pageURL string, p cache.Page) {
	_ = ix.opts.Cache.PutPage(pageURL, p)
}

// cachePolicy reads Cache-Control: how long the answer stays fresh, and
// whether it may be stored at all.
func cachePolicy(h http.Header) (maxAge time.Duration, store bool) {
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

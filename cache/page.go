package cache

import (
	"bytes"
	"fmt"
	"net/url"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/depsolve/depsolve/redact"
)

// A Page is a project page of an index (PEP 503 HTML or PEP 691 JSON) as fetched, with
// what is needed to revalidate it.
type Page struct {
	// URL is where the body came from after redirects: the base for its relative links.
	// PutPage stores it as it stores the key (see pageKey: no userinfo, secret query
	// values masked); empty means the URL the page is stored under.
	URL          string
	ContentType  string
	ETag         string // the ETag response header, quotes included; "" if none
	LastModified string // the Last-Modified response header; "" if none
	// MaxAge is the Cache-Control max-age of the response; zero means the page must be
	// revalidated before every use. It is never negative.
	MaxAge time.Duration
	// FetchedAt is when the body was fetched or last revalidated (a 304 reply).
	FetchedAt time.Time
	// Body is nil in a page GetPageWithParsed read from its head (see ParsedKey).
	Body []byte
	// ParsedKey, set on a page given to PutPage, is the key (a ParsedKey) of its parsed
	// form. PutPage then stores a head beside the page, its fields without the body and
	// that key, from which GetPageWithParsed reads it without touching the body.
	// Reads set it only when they read the head.
	ParsedKey string
}

// Fresh reports whether the page may be used at now without revalidating it.
func (p Page) Fresh(now time.Time) bool {
	age := now.Sub(p.FetchedAt)
	return age >= 0 && age < p.MaxAge
}

// earliestFetch and latestFetch bound FetchedAt: UnixNano is defined inside them.
var (
	earliestFetch = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	latestFetch   = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// pageKey turns a page URL into its key: absolute, without userinfo or fragment, and
// with its query values as redact.KeyURL keys them: secret-looking ones masked
// (?token=t0ps3cret reads ?token=****), so a rotated token does not empty the cache, and
// the others fingerprinted, so they still tell pages apart (they can be part of what the
// page is) while a secret under an unforeseen name (?access_code=…) never lands in the
// file.
func pageKey(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" && u.Scheme != "file" {
		return "", fmt.Errorf("%w: page URL is not an absolute URL", ErrRejected)
	}
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	if u.RawQuery == "" || u.Host == "" {
		// redact.URL would take a host-less file: URL with an '@' for a malformed
		// one with userinfo; such a URL carries no credential to mask.
		return u.String(), nil
	}
	return redact.KeyURL(u.String()), nil
}

// writePageMeta and readPageMeta are the fields a page entry and its head share.
func writePageMeta(w *fieldWriter, p Page) {
	w.string(p.URL)
	w.string(p.ContentType)
	w.string(p.ETag)
	w.string(p.LastModified)
	w.int(int64(p.MaxAge))
	w.int(p.FetchedAt.UnixNano())
}

func readPageMeta(r *fieldReader) Page {
	return Page{
		URL:          r.string(),
		ContentType:  r.string(),
		ETag:         r.string(),
		LastModified: r.string(),
		MaxAge:       time.Duration(r.int()),
		FetchedAt:    time.Unix(0, r.int()).UTC(),
	}
}

func encodePage(p Page) []byte {
	var w fieldWriter
	writePageMeta(&w, p)
	w.bytes(p.Body)
	return w.b
}

// decodePage reverses encodePage. The Body it returns aliases b.
func decodePage(b []byte) (Page, error) {
	r := fieldReader{b: b}
	p := readPageMeta(&r)
	p.Body = r.bytes()
	if err := r.finish(); err != nil {
		return Page{}, err
	}
	if p.MaxAge < 0 {
		return Page{}, errMalformed
	}
	return p, nil
}

// GetPage returns the page stored for the URL pageURL (userinfo and fragment ignored).
// found is false on a miss. err is non-nil only when the cache could not be consulted
// (ErrLocked, ErrCorrupt on a read-only cache, an I/O error): a caller that may use the
// network treats it as a miss; an offline caller reports it.
func (c *Cache) GetPage(pageURL string) (p Page, found bool, err error) {
	if c == nil {
		return Page{}, false, nil
	}
	key, err := pageKey(pageURL)
	if err != nil {
		return Page{}, false, err
	}
	_, found, err = c.get(bucketPages, key, func(payload []byte) (err error) {
		p, err = decodePage(payload)
		return err
	})
	if !found {
		return Page{}, false, err
	}
	return p, true, nil
}

// PutPage stores p for the URL pageURL, replacing what was there. It returns an error
// wrapping ErrRejected when the page is not fit to store (no absolute URL, FetchedAt
// unset or outside 1970–2200, negative MaxAge) and ErrReadOnly on a read-only cache.
// Failing to write (lock timeout, full disk) is not an error: caching is best effort, so
// the cache warns once and stops writing for the rest of the run.
func (c *Cache) PutPage(pageURL string, p Page) error {
	if c == nil {
		return nil
	}
	key, err := pageKey(pageURL)
	if err != nil {
		return err
	}
	if p.URL == "" {
		p.URL = key
	} else if p.URL, err = pageKey(p.URL); err != nil {
		return err
	}
	if p.FetchedAt.Before(earliestFetch) || !p.FetchedAt.Before(latestFetch) {
		return fmt.Errorf("%w: page fetch time %v is unset or out of range", ErrRejected, p.FetchedAt)
	}
	if p.MaxAge < 0 {
		return fmt.Errorf("%w: page max-age %v is negative", ErrRejected, p.MaxAge)
	}
	if p.ParsedKey != "" && digestOf(p.ParsedKey, parsedPrefix) == "" {
		return fmt.Errorf("%w: parsed-page key %q is not parsed-sha256:<hex>", ErrRejected, p.ParsedKey)
	}
	value := seal(key, encodePage(p))
	if p.ParsedKey == "" {
		return c.putValues(entry{bucketPages, key, value}, entry{bucket: bucketHeads, key: key})
	}
	return c.putValues(entry{bucketPages, key, value}, entry{bucketHeads, key, seal(key, encodeHead(p))})
}

// A head is what GetPageWithParsed needs of a page whose parsed form is cached: its
// fields but the body, and the key of the parsed form. Every depsolve that writes
// values of this entryFormat writes a page and its head in one transaction, or deletes
// the head, so a head describes the page stored beside it. A depsolve that predates
// heads writes pages of format 1 only: a head of such a page goes on answering, with
// what the index said when it was stored, until it is stale; then the page reads as a
// miss and is fetched again. Reading the head alone keeps a warm run off the pages
// bucket, whose values, pages of megabytes, each cost the run up to 64 KiB of resident
// memory for the kernel's fault-around when touched at all.
func encodeHead(p Page) []byte {
	var w fieldWriter
	writePageMeta(&w, p)
	w.string(p.ParsedKey)
	return w.b
}

func decodeHead(b []byte) (Page, error) {
	r := fieldReader{b: b}
	p := readPageMeta(&r)
	p.ParsedKey = r.string()
	if err := r.finish(); err != nil {
		return Page{}, err
	}
	if p.MaxAge < 0 || digestOf(p.ParsedKey, parsedPrefix) == "" {
		return Page{}, errMalformed
	}
	return p, nil
}

// PageURLs lists the URLs of the stored pages (those of pending puts too, see commits)
// that start with prefix, in order, at most limit of them: the projects an index was asked about before (not-found answers
// included), for suggestions.
func (c *Cache) PageURLs(prefix string, limit int) ([]string, error) {
	if c == nil {
		return nil, nil
	}
	var out []string
	err := c.view(func(tx *bolt.Tx) {
		b := tx.Bucket(bucketPages)
		if b == nil {
			return
		}
		cur := b.Cursor()
		for k, _ := cur.Seek([]byte(prefix)); k != nil && bytes.HasPrefix(k, []byte(prefix)) && len(out) < limit; k, _ = cur.Next() {
			out = append(out, string(k))
		}
	})
	if pending := c.commits.keys(bucketPages, prefix); len(pending) > 0 {
		out = append(out, pending...)
		slices.Sort(out)
		out = slices.Compact(out)
		out = out[:min(len(out), limit)]
	}
	return out, err
}

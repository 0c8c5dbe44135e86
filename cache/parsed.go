package cache

import (
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"
)

const parsedPrefix = "parsed-sha256:"

// ParsedKey is the key of the parsed form of a page whose parse input (what the caller's
// parser reads: body, base URL, content type) has the SHA-256 hexDigest. The key names
// the input, so an entry never goes stale: the same input parses to the same result.
func ParsedKey(hexDigest string) string { return parsedPrefix + strings.ToLower(hexDigest) }

// GetPageWithParsed is GetPage that, in the same read transaction, also looks up the
// parsed form stored under parsedKey(p) for the page p it found; parsed is nil when there
// is none (or parsedKey returns a malformed key, such as ""). parsedKey runs inside the
// transaction, on a page that passed its checks. found and err mean what they mean for
// GetPage, and are about the page.
func (c *Cache) GetPageWithParsed(pageURL string, parsedKey func(Page) string) (p Page, parsed []byte, found bool, err error) {
	if c == nil {
		return Page{}, nil, false, nil
	}
	key, err := pageKey(pageURL)
	if err != nil {
		return Page{}, nil, false, err
	}
	var pageValue, parsedValue []byte
	var pageOK bool
	var pk string
	err = c.view(func(tx *bolt.Tx) {
		pageValue = lookup(tx, bucketPages, key)
		if pageValue == nil {
			return
		}
		payload, err := unseal(key, pageValue)
		if err != nil {
			return
		}
		if p, err = decodePage(payload); err != nil {
			return
		}
		pageOK = true
		if pk = parsedKey(p); digestOf(pk, parsedPrefix) != "" {
			parsedValue = lookup(tx, bucketParsed, pk)
		}
	})
	switch {
	case err != nil || pageValue == nil:
		return Page{}, nil, false, err
	case !pageOK:
		c.discard(bucketPages, key, pageValue)
		return Page{}, nil, false, nil
	}
	parsed, _ = c.checked(bucketParsed, pk, parsedValue, nil)
	return p, parsed, true, nil
}

// PutParsed stores the parsed form of a page under key (a ParsedKey), for good. Its
// content is opaque to the cache; the caller tags it with its own encoding version, so
// that an entry of another encoding reads as a miss. Errors are as for PutMatrix.
func (c *Cache) PutParsed(key string, parsed []byte) error {
	if c == nil {
		return nil
	}
	if digestOf(key, parsedPrefix) == "" {
		return fmt.Errorf("%w: parsed-page key %q is not parsed-sha256:<hex>", ErrRejected, key)
	}
	if len(parsed) == 0 {
		return fmt.Errorf("%w: empty parsed page for %s", ErrRejected, key)
	}
	return c.put(bucketParsed, key, parsed)
}

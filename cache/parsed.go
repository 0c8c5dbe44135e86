package cache

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"
)

const parsedPrefix = "parsed-sha256:"

// ParsedKey is the key of the parsed form of a page whose parse input (what the caller's
// parser reads: body, base URL, content type) has the SHA-256 hexDigest. The key names
// the input, so an entry never goes stale: the same input parses to the same result.
func ParsedKey(hexDigest string) string { return parsedPrefix + strings.ToLower(hexDigest) }

// GetPageWithParsed is GetPage that, in the same read transaction, also looks up the
// parsed form of the page it finds; parsed is nil when there is none. When the page was
// stored with a ParsedKey whose entry exists, it is read from its head: Body is nil (a
// caller that needs it, for a parsed form it cannot use or to revalidate, calls GetPage)
// and ParsedKey is set, and neither the body nor parsedKey is touched. Otherwise the
// whole page is read and the parsed form looked up under parsedKey(p), which runs inside
// the transaction, on a page that passed its checks (a malformed key, such as "", finds
// nothing). found and err mean what they mean for GetPage, and are about the page.
func (c *Cache) GetPageWithParsed(pageURL string, parsedKey func(Page) string) (p Page, parsed []byte, found bool, err error) {
	if c == nil {
		return Page{}, nil, false, nil
	}
	key, err := pageKey(pageURL)
	if err != nil {
		return Page{}, nil, false, err
	}
	var pageValue, headValue, parsedValue []byte
	var pageOK, fromHead bool
	var pk string
	var uses []entry
	noteUse := func(tx *bolt.Tx, bucket []byte, key string) {
		if c.needsTouch(tx, bucket, key) {
			uses = append(uses, entry{bucket: bucket, key: key})
		}
	}
	defer func() {
		if found {
			c.touch(uses...)
		}
	}()
	err = c.view(func(tx *bolt.Tx) {
		uses = nil
		if p, pk, headValue = c.readHead(tx, key); pk != "" {
			if parsedValue = c.lookup(tx, bucketParsed, pk); parsedValue != nil {
				fromHead = true
				noteUse(tx, bucketPages, key)
				noteUse(tx, bucketParsed, pk)
				return
			}
		}
		pageValue = c.lookup(tx, bucketPages, key)
		if pageValue == nil {
			return
		}
		payload, err := unseal(key, pageValue)
		if errors.Is(err, errOtherFormat) {
			pageValue = nil
		}
		if err != nil {
			return
		}
		if p, err = decodePage(payload); err != nil {
			return
		}
		pageOK = true
		noteUse(tx, bucketPages, key)
		if pk = parsedKey(p); digestOf(pk, parsedPrefix) != "" {
			if parsedValue = c.lookup(tx, bucketParsed, pk); parsedValue != nil {
				noteUse(tx, bucketParsed, pk)
			}
		}
	})
	if headValue != nil {
		c.discard(bucketHeads, key, headValue)
	}
	switch {
	case err != nil:
		return Page{}, nil, false, err
	case fromHead:
		parsed, _ = c.checked(bucketParsed, pk, parsedValue, nil)
		return p, parsed, true, nil
	case pageValue == nil:
		return Page{}, nil, false, nil
	case !pageOK:
		c.discard(bucketPages, key, pageValue)
		return Page{}, nil, false, nil
	}
	parsed, _ = c.checked(bucketParsed, pk, parsedValue, nil)
	return p, parsed, true, nil
}

// readHead reads the head of the page under key (see PutPage): the page without its
// body and the key of its parsed form, or pk "" when there is no head (or one of another
// format), from a pending put if there is one (see commits). damaged is a copy of a head
// that fails its checks, for the caller to discard.
func (c *Cache) readHead(tx *bolt.Tx, key string) (p Page, pk string, damaged []byte) {
	value, pending := c.commits.find(bucketHeads, key)
	if !pending {
		if heads := tx.Bucket(bucketHeads); heads != nil {
			value = heads.Get([]byte(key))
		}
	}
	if value == nil {
		return Page{}, "", nil
	}
	payload, err := unseal(key, value)
	if err == nil {
		p, err = decodeHead(payload)
	}
	switch {
	case errors.Is(err, errOtherFormat):
		return Page{}, "", nil
	case err != nil:
		return Page{}, "", bytes.Clone(value)
	}
	return p, p.ParsedKey, nil
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

// GetParsed returns what PutParsed stored under key. found and err mean what they mean
// for GetPage.
func (c *Cache) GetParsed(key string) (parsed []byte, found bool, err error) {
	if c == nil {
		return nil, false, nil
	}
	if digestOf(key, parsedPrefix) == "" {
		return nil, false, fmt.Errorf("%w: parsed-page key %q is not parsed-sha256:<hex>", ErrRejected, key)
	}
	return c.get(bucketParsed, key, nil)
}

// GetPageHead reads the page stored for pageURL from its head alone, neither its body
// nor its parsed form: Body is nil and ParsedKey set. found is false when no head
// describes the page stored now (one stored without a ParsedKey, say); the caller then
// reads it with GetPageWithParsed. err means what it means for GetPage.
func (c *Cache) GetPageHead(pageURL string) (p Page, found bool, err error) {
	if c == nil {
		return Page{}, false, nil
	}
	key, err := pageKey(pageURL)
	if err != nil {
		return Page{}, false, err
	}
	var pk string
	var damaged []byte
	var touch bool
	err = c.view(func(tx *bolt.Tx) {
		p, pk, damaged = c.readHead(tx, key)
		touch = pk != "" && c.needsTouch(tx, bucketPages, key)
	})
	if damaged != nil {
		c.discard(bucketHeads, key, damaged)
	}
	if err != nil || pk == "" {
		return Page{}, false, err
	}
	if touch {
		c.touch(entry{bucket: bucketPages, key: key})
	}
	return p, true, nil
}

// GetPageHeads reads the pages stored for pageURLs from their heads, as GetPageHead
// reads one, and in the same read transaction the parsed entry under derived(heads)
// (see GetParsed): what the caller derived from those pages, such as its view of a
// project. found is false, and derived is not called, unless every page has a head;
// parsed is nil when derived gives "" or names no entry. One transaction instead of
// one per page and one for the entry: a warm run reads a project so. err means what it
// means for GetPage.
func (c *Cache) GetPageHeads(pageURLs []string, derived func(heads []Page) string) (heads []Page, parsed []byte, found bool, err error) {
	if c == nil {
		return nil, nil, false, nil
	}
	keys := make([]string, len(pageURLs))
	for i, u := range pageURLs {
		if keys[i], err = pageKey(u); err != nil {
			return nil, nil, false, err
		}
	}
	var damaged []entry
	var uses []entry
	var parsedValue []byte
	var pk string
	err = c.view(func(tx *bolt.Tx) {
		heads, damaged, uses, parsedValue, found = make([]Page, len(keys)), nil, nil, nil, true
		for i, key := range keys {
			p, hk, bad := c.readHead(tx, key)
			if bad != nil {
				damaged = append(damaged, entry{bucket: bucketHeads, key: key, value: bad})
			}
			if hk == "" {
				found = false
				return
			}
			heads[i] = p
			if c.needsTouch(tx, bucketPages, key) {
				uses = append(uses, entry{bucket: bucketPages, key: key})
			}
		}
		if pk = derived(heads); digestOf(pk, parsedPrefix) == "" {
			return
		}
		if parsedValue = c.lookup(tx, bucketParsed, pk); parsedValue != nil && c.needsTouch(tx, bucketParsed, pk) {
			uses = append(uses, entry{bucket: bucketParsed, key: pk})
		}
	})
	for _, d := range damaged {
		c.discard(d.bucket, d.key, d.value)
	}
	if err != nil || !found {
		return nil, nil, false, err
	}
	parsed, ok := c.checked(bucketParsed, pk, parsedValue, nil)
	if !ok {
		uses = slices.DeleteFunc(uses, func(e entry) bool { return bytes.Equal(e.bucket, bucketParsed) })
	}
	c.touch(uses...)
	return heads, parsed, true, nil
}

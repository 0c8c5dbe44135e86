package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Key prefixes of the metadata and matrix buckets.
const (
	contentPrefix = "sha256:" // the SHA-256 of the stored bytes themselves
	// fileHashPrefix is for metadata from a whole distribution file whose SHA-256 was
	// checked. Depsolve before it wrote "dist-sha256:" for metadata it had not checked
	// (range reads, unhashed PEP 658 files); those entries are never read.
	fileHashPrefix = "file-sha256:"
	sourcePrefix   = "source-sha256:" // the SHA-256 of where unchecked metadata came from
)

// MetadataKey is the key of core metadata whose own bytes have the SHA-256 hexDigest:
// the hash a PEP 658/714 index gives for the ".metadata" file. PutMetadata recomputes it
// from the bytes and rejects a mismatch, so any index that gives the same hash may share
// the entry.
func MetadataKey(hexDigest string) string { return contentPrefix + strings.ToLower(hexDigest) }

// DistKey is the key of core metadata read out of a distribution file (wheel or sdist)
// whose SHA-256 is hexDigest, for a caller that downloaded the whole file and checked it
// against that digest: only then may another index that lists the same digest share the
// entry. The file is no longer at hand when the metadata is stored, so PutMetadata checks
// only the key's form.
func DistKey(hexDigest string) string { return fileHashPrefix + strings.ToLower(hexDigest) }

// SourceKey is the key of core metadata nothing could check: read by range requests
// (which bring a few parts of a wheel, never the whole to hash), or a PEP 658 file an
// index announced without a hash. Such metadata is only the word of the index that
// served it, so it is kept for that index's file and that index's claim alone: index is
// the index (or find-links location) the page came from, fileURL the file's URL, and
// claimedDigest the SHA-256 the page gives the file. A hostile index that lists a real
// wheel's digest next to metadata of its own thus never changes what another index's
// file is read as.
func SourceKey(index, fileURL, claimedDigest string) string {
	h := sha256.New()
	for _, field := range []string{index, fileURL, strings.ToLower(claimedDigest)} {
		// Length-prefixed, so that no two different triples hash the same input.
		fmt.Fprintf(h, "%d:%s", len(field), field)
	}
	return sourcePrefix + hex.EncodeToString(h.Sum(nil))
}

// MatrixKey is the key of a compiled matrix built from source data whose SHA-256 is
// hexDigest.
func MatrixKey(hexDigest string) string { return contentPrefix + strings.ToLower(hexDigest) }

// digestOf returns the lowercase hex digest after prefix, or "" if s is not prefix
// followed by exactly 64 lowercase hex digits.
func digestOf(s, prefix string) string {
	d, ok := strings.CutPrefix(s, prefix)
	if !ok || len(d) != 2*sha256.Size {
		return ""
	}
	for _, r := range d {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return ""
		}
	}
	return d
}

func checkMetadataKey(key string) error {
	for _, prefix := range []string{contentPrefix, fileHashPrefix, sourcePrefix} {
		if digestOf(key, prefix) != "" {
			return nil
		}
	}
	return fmt.Errorf("%w: metadata key %q is not sha256:<hex>, file-sha256:<hex> or source-sha256:<hex>", ErrRejected, key)
}

// GetMetadata returns the core metadata stored under key (MetadataKey, DistKey or
// SourceKey). found
// and err mean what they mean for GetPage.
func (c *Cache) GetMetadata(key string) (data []byte, found bool, err error) {
	if c == nil {
		return nil, false, nil
	}
	if err := checkMetadataKey(key); err != nil {
		return nil, false, err
	}
	return c.get(bucketMetadata, key, func(data []byte) error {
		if want := digestOf(key, contentPrefix); want != "" && contentDigest(data) != want {
			return errDamaged
		}
		return nil
	})
}

func contentDigest(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// PutMetadata stores core metadata under key (MetadataKey, DistKey or SourceKey), for
// good: an entry keyed by a hash never goes stale. It returns an error wrapping ErrRejected for a
// malformed key, empty data, or data whose SHA-256 is not the one a MetadataKey names,
// and ErrReadOnly on a read-only cache. Write failures are handled as in PutPage.
func (c *Cache) PutMetadata(key string, data []byte) error {
	if c == nil {
		return nil
	}
	if err := checkMetadataKey(key); err != nil {
		return err
	}
	if len(data) == 0 {
		return fmt.Errorf("%w: empty metadata for %s", ErrRejected, key)
	}
	if want := digestOf(key, contentPrefix); want != "" {
		if got := contentDigest(data); got != want {
			return fmt.Errorf("%w: metadata stored as %s has sha256:%s", ErrRejected, key, got)
		}
	}
	return c.put(bucketMetadata, key, data)
}

// GetMatrix returns the compiled matrix stored under key (a MatrixKey). found and err
// mean what they mean for GetPage.
func (c *Cache) GetMatrix(key string) (compiled []byte, found bool, err error) {
	if c == nil {
		return nil, false, nil
	}
	if digestOf(key, contentPrefix) == "" {
		return nil, false, fmt.Errorf("%w: matrix key %q is not sha256:<hex>", ErrRejected, key)
	}
	return c.get(bucketMatrix, key, nil)
}

// PutMatrix stores a compiled matrix under key (a MatrixKey of the source data it was
// compiled from). Entries for other keys stay: two depsolve builds with different data
// can share one cache. Errors are as for PutMetadata, without the content check: the
// compiled form does not hash to the key.
func (c *Cache) PutMatrix(key string, compiled []byte) error {
	if c == nil {
		return nil
	}
	if digestOf(key, contentPrefix) == "" {
		return fmt.Errorf("%w: matrix key %q is not sha256:<hex>", ErrRejected, key)
	}
	if len(compiled) == 0 {
		return fmt.Errorf("%w: empty compiled matrix for %s", ErrRejected, key)
	}
	return c.put(bucketMatrix, key, compiled)
}

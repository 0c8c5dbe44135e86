package cache

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// bucketSizes holds the sizes of distribution files and bucketLayers what a container
// image layer holds. Like bucketParsed they came after schema 1's files: each is made by
// its first Put, so older files stay in use.
var (
	bucketSizes  = []byte("sizes")
	bucketLayers = []byte("layers")
)

// Sizes are the sizes of one distribution file: Download is the file's own, Installed the
// sum of the uncompressed sizes of a wheel's entries (what installing it writes).
type Sizes struct {
	Download, Installed int64
}

// checkSizesKey accepts the keys whose digest names a distribution file: DistKey for
// sizes read from a file checked against its digest, SourceKey for sizes nothing checked.
func checkSizesKey(key string) error {
	if digestOf(key, fileHashPrefix) != "" || digestOf(key, sourcePrefix) != "" {
		return nil
	}
	return fmt.Errorf("%w: sizes key %q is not file-sha256:<hex> or source-sha256:<hex>", ErrRejected, key)
}

// GetSizes returns the sizes stored under the first of keys (DistKey or SourceKey, with
// the same meaning as for metadata) that holds them, all read in one transaction. found
// and err mean what they mean for GetPage.
func (c *Cache) GetSizes(keys ...string) (s Sizes, found bool, err error) {
	if c == nil {
		return Sizes{}, false, nil
	}
	for _, key := range keys {
		if err := checkSizesKey(key); err != nil {
			return Sizes{}, false, err
		}
	}
	payload, found, err := c.getFirst(bucketSizes, keys, func(payload []byte) error {
		_, err := decodeSizes(payload)
		return err
	})
	if !found || err != nil {
		return Sizes{}, false, err
	}
	s, _ = decodeSizes(payload)
	return s, true, nil
}

// PutSizes stores the sizes of a distribution file under key (DistKey or SourceKey), for
// good: a file named by its hash never changes size. It rejects a malformed key and
// negative sizes (errors wrap ErrRejected); write failures are handled as in PutPage.
func (c *Cache) PutSizes(key string, s Sizes) error {
	if c == nil {
		return nil
	}
	if err := checkSizesKey(key); err != nil {
		return err
	}
	if s.Download < 0 || s.Installed < 0 {
		return fmt.Errorf("%w: negative sizes %+v for %s", ErrRejected, s, key)
	}
	payload := binary.AppendUvarint(nil, uint64(s.Download))
	payload = binary.AppendUvarint(payload, uint64(s.Installed))
	return c.put(bucketSizes, key, payload)
}

func decodeSizes(payload []byte) (Sizes, error) {
	download, n := binary.Uvarint(payload)
	if n <= 0 || download > 1<<62 {
		return Sizes{}, errDamaged
	}
	installed, m := binary.Uvarint(payload[n:])
	if m <= 0 || n+m != len(payload) || installed > 1<<62 {
		return Sizes{}, errDamaged
	}
	return Sizes{Download: int64(download), Installed: int64(installed)}, nil
}

const layerPrefix = "layer-sha256:"

// LayerKey is the key of what was found in the container image layer whose (compressed,
// as a manifest names it) SHA-256 is hexDigest. The caller stores only findings of a
// layer it read whole and checked against that digest, so any image sharing the layer
// may share the entry.
func LayerKey(hexDigest string) string { return layerPrefix + strings.ToLower(hexDigest) }

// GetLayer returns the findings stored under key (a LayerKey): opaque to this package,
// tagged by the caller with its encoding version. found and err mean what they mean for
// GetPage.
func (c *Cache) GetLayer(key string) (findings []byte, found bool, err error) {
	if c == nil {
		return nil, false, nil
	}
	if digestOf(key, layerPrefix) == "" {
		return nil, false, fmt.Errorf("%w: layer key %q is not layer-sha256:<hex>", ErrRejected, key)
	}
	return c.get(bucketLayers, key, nil)
}

// PutLayer stores the findings of a layer under key (a LayerKey), for good, in one
// transaction: an entry is there whole or not at all. Errors are as for PutMatrix.
func (c *Cache) PutLayer(key string, findings []byte) error {
	if c == nil {
		return nil
	}
	if digestOf(key, layerPrefix) == "" {
		return fmt.Errorf("%w: layer key %q is not layer-sha256:<hex>", ErrRejected, key)
	}
	if len(findings) == 0 {
		return fmt.Errorf("%w: empty layer findings for %s", ErrRejected, key)
	}
	return c.put(bucketLayers, key, findings)
}

package cache

import (
	"encoding/binary"
	"errors"
	"hash/crc64"
	"sync"
)

// entryFormat is the first byte of every value in the pages, metadata and matrix buckets.
// A value with another first byte is treated like a damaged one: a miss.
const entryFormat = 1

// checksumSize is the length of the CRC-64 that ends every value.
const checksumSize = 8

// crcTable is built on first use, not at package init: the 32 KiB of tables crc64 makes
// would be paid by every run, `depsolve --version` included.
var crcTable = sync.OnceValue(func() *crc64.Table { return crc64.MakeTable(crc64.ECMA) })

// errDamaged reports a value whose envelope does not check out: torn, garbled, or stored
// under another key.
var errDamaged = errors.New("damaged entry")

// entryChecksum covers the key as well as the payload, so a value that a damaged page
// tree hands back under the wrong key is caught too.
func entryChecksum(key string, payload []byte) uint64 {
	var n [binary.MaxVarintLen64]byte
	table := crcTable()
	crc := crc64.Update(0, table, n[:binary.PutUvarint(n[:], uint64(len(key)))])
	crc = crc64.Update(crc, table, []byte(key))
	return crc64.Update(crc, table, payload)
}

// seal wraps payload for storage under key: format byte, payload, CRC-64 (big-endian).
func seal(key string, payload []byte) []byte {
	v := make([]byte, 0, 1+len(payload)+checksumSize)
	v = append(v, entryFormat)
	v = append(v, payload...)
	return binary.BigEndian.AppendUint64(v, entryChecksum(key, payload))
}

// unseal checks a stored value against key and returns its payload, which aliases value.
func unseal(key string, value []byte) ([]byte, error) {
	if len(value) < 1+checksumSize || value[0] != entryFormat {
		return nil, errDamaged
	}
	payload := value[1 : len(value)-checksumSize]
	if binary.BigEndian.Uint64(value[len(value)-checksumSize:]) != entryChecksum(key, payload) {
		return nil, errDamaged
	}
	return payload, nil
}

// fieldWriter and fieldReader implement the payload encoding of structured values:
// strings and byte slices as a uvarint length followed by the bytes, integers as varints.
type fieldWriter struct{ b []byte }

func (w *fieldWriter) bytes(p []byte) {
	w.b = binary.AppendUvarint(w.b, uint64(len(p)))
	w.b = append(w.b, p...)
}

func (w *fieldWriter) string(s string) { w.bytes([]byte(s)) }

func (w *fieldWriter) int(n int64) { w.b = binary.AppendVarint(w.b, n) }

// fieldReader remembers the first error; every later read returns a zero value.
type fieldReader struct {
	b   []byte
	err error
}

var errMalformed = errors.New("malformed payload")

func (r *fieldReader) bytes() []byte {
	if r.err != nil {
		return nil
	}
	n, k := binary.Uvarint(r.b)
	if k <= 0 || n > uint64(len(r.b)-k) {
		r.err = errMalformed
		return nil
	}
	p := r.b[k : k+int(n)]
	r.b = r.b[k+int(n):]
	return p
}

func (r *fieldReader) string() string { return string(r.bytes()) }

func (r *fieldReader) int() int64 {
	if r.err != nil {
		return 0
	}
	n, k := binary.Varint(r.b)
	if k <= 0 {
		r.err = errMalformed
		return 0
	}
	r.b = r.b[k:]
	return n
}

// finish reports the first error, or trailing bytes nobody read.
func (r *fieldReader) finish() error {
	if r.err == nil && len(r.b) != 0 {
		r.err = errMalformed
	}
	return r.err
}

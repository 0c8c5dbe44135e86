package cache

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
)

// entryFormat is the first byte of every sealed value. Format 1 ended values with a
// CRC-64/ECMA, which Go computes with tables at about 1 GB/s; format 2 with a CRC-32C,
// which the CPU computes (SSE4.2, ARMv8 CRC) some ten times faster, but whose tables Go
// builds at first use in 0.15 ms, as long as a warm run spends reading its cache; format
// 3 ends them with the IEEE CRC-32, as fast to compute (carry-less multiplication on
// amd64, ARMv8 CRC) and ready in 15 µs. A warm run checks every value it reads, views of
// projects like torch run to hundreds of KiB, and 32 bits still catch any torn write or
// garble but one in four billion. A value of another format is a miss (errOtherFormat),
// neither damaged nor read: it is replaced when its entry is stored again, or pruned.
const entryFormat = 3

// checksumSize is the length of the CRC-32 that ends every value.
const checksumSize = 4

var (
	// errDamaged reports a value whose envelope does not check out: torn, garbled, or
	// stored under another key.
	errDamaged = errors.New("damaged entry")
	// errOtherFormat reports a value sealed in another entryFormat, by another depsolve
	// version: a miss, not damage.
	errOtherFormat = errors.New("entry of another format")
)

// entryChecksum covers the key as well as the payload, so a value that a damaged page
// tree hands back under the wrong key is caught too.
func entryChecksum(key string, payload []byte) uint32 {
	// crc32 calls its CPU's implementation through a function value, so what it is
	// given escapes: the length and the key go in one allocation, not two.
	head := binary.AppendUvarint(make([]byte, 0, binary.MaxVarintLen64+len(key)), uint64(len(key)))
	crc := crc32.ChecksumIEEE(append(head, key...))
	return crc32.Update(crc, crc32.IEEETable, payload)
}

// seal wraps payload for storage under key: format byte, payload, CRC-32 (big-endian).
func seal(key string, payload []byte) []byte {
	v := make([]byte, 0, 1+len(payload)+checksumSize)
	v = append(v, entryFormat)
	v = append(v, payload...)
	return binary.BigEndian.AppendUint32(v, entryChecksum(key, payload))
}

// unseal checks a stored value against key and returns its payload, which aliases value.
// A value of another format gives errOtherFormat, whatever else is wrong with it.
func unseal(key string, value []byte) ([]byte, error) {
	if len(value) > 0 && value[0] != entryFormat {
		return nil, errOtherFormat
	}
	if len(value) < 1+checksumSize {
		return nil, errDamaged
	}
	payload := value[1 : len(value)-checksumSize]
	if binary.BigEndian.Uint32(value[len(value)-checksumSize:]) != entryChecksum(key, payload) {
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

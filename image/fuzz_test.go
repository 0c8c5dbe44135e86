package image

import (
	"bytes"
	"testing"
)

// FuzzDecodeFindings: the findings of a layer come from the cache; a damaged or
// foreign entry is an error, never a panic, and what decodes encodes back to the same
// findings.
func FuzzDecodeFindings(f *testing.F) {
	seed := &findings{records: []record{
		{kind: kindDist, path: "usr/lib/python3.11/site-packages/torch-2.5.1.dist-info", a: "torch", b: "2.5.1"},
		{kind: kindLib, path: "usr/local/cuda/lib64/libcudart.so.12", a: "libcudart", b: "12.4.127"},
	}}
	f.Add(seed.encode())
	f.Add((&findings{}).encode())
	f.Add([]byte{findingsEncoding, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decodeFindings(data)
		if err != nil {
			return
		}
		again, err := decodeFindings(got.encode())
		if err != nil || len(again.records) != len(got.records) {
			t.Fatalf("re-encoded findings read back as %v, %v", again, err)
		}
		for i := range got.records {
			if got.records[i] != again.records[i] {
				t.Fatalf("record %d: %+v, then %+v", i, got.records[i], again.records[i])
			}
		}
		if enc := got.encode(); !bytes.Equal(enc, again.encode()) {
			t.Fatalf("two encodings of the same findings differ")
		}
	})
}

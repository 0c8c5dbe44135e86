package cache

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// FuzzDecodePage: decodePage never panics on any payload, and what it accepts survives
// encoding and decoding again unchanged.
func FuzzDecodePage(f *testing.F) {
	f.Add(encodePage(samplePage(`{"files": []}`)))
	f.Add(encodePage(Page{}))
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, payload []byte) {
		p, err := decodePage(payload)
		if err != nil {
			return
		}
		again, err := decodePage(encodePage(p))
		if err != nil {
			t.Fatalf("re-encoded page does not decode: %v", err)
		}
		if diff := cmp.Diff(p, again, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
			t.Fatalf("round trip changed the page (-first +second):\n%s", diff)
		}
	})
}

// FuzzUnseal: unseal never panics, and accepts exactly what seal makes: a value it
// accepts is the sealed form of its payload.
func FuzzUnseal(f *testing.F) {
	f.Add("https://pypi.example/simple/torch/", seal("https://pypi.example/simple/torch/", []byte("payload")))
	f.Add("sha256:00", seal("sha256:01", []byte("payload")))
	f.Add("", []byte{entryFormat})
	f.Fuzz(func(t *testing.T, key string, value []byte) {
		payload, err := unseal(key, value)
		if err != nil {
			return
		}
		if !bytes.Equal(seal(key, payload), value) {
			t.Fatalf("unseal accepted %x, which is not seal of its payload", value)
		}
	})
}

// FuzzDecodeHead: decodeHead never panics, and what it accepts survives encoding and
// decoding again unchanged.
func FuzzDecodeHead(f *testing.F) {
	p := samplePage("")
	p.ParsedKey = ParsedKey(digest([]byte("input")))
	f.Add(encodeHead(p))
	f.Add(encodeHead(Page{ParsedKey: p.ParsedKey}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, payload []byte) {
		h, err := decodeHead(payload)
		if err != nil {
			return
		}
		again, err := decodeHead(encodeHead(h))
		if err != nil {
			t.Fatalf("re-encoded head does not decode: %v", err)
		}
		if diff := cmp.Diff(h, again, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
			t.Fatalf("round trip changed the head (-first +second):\n%s", diff)
		}
	})
}

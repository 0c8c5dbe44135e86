package wire

import (
	"math"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	var b []byte
	b = AppendUvarint(b, 0)
	b = AppendUvarint(b, math.MaxUint64)
	b = AppendVarint(b, -1)
	b = AppendVarint(b, math.MinInt64)
	b = AppendString(b, "")
	b = AppendString(b, "torch-2.5.1+cu121-cp311-cp311-linux_x86_64.whl")
	b = append(b, 7)
	b = AppendUvarint(b, 2)
	b = AppendString(b, "a")
	b = AppendString(b, "b")

	r := NewReader(b)
	if r.Uvarint() != 0 || r.Uvarint() != math.MaxUint64 || r.Varint() != -1 || r.Varint() != math.MinInt64 {
		t.Fatal("integers did not round-trip")
	}
	if r.String() != "" || r.String() != "torch-2.5.1+cu121-cp311-cp311-linux_x86_64.whl" || r.Byte() != 7 {
		t.Fatal("strings or byte did not round-trip")
	}
	n := r.Count(2)
	if n != 2 || r.String() != "a" || r.String() != "b" {
		t.Fatalf("list did not round-trip (n=%d)", n)
	}
	if err := r.Done(); err != nil {
		t.Fatal(err)
	}
}

func TestMalformed(t *testing.T) {
	tests := map[string][]byte{
		"truncated varint":  {0x80},
		"string too long":   {5, 'a'},
		"byte past the end": {},
		"huge count":        {0xff, 0xff, 0xff, 0xff, 0x0f},
		"varint overflow":   {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
	}
	for name, data := range tests {
		r := NewReader(data)
		switch name {
		case "byte past the end":
			r.Byte()
		case "huge count":
			r.Count(1)
		case "string too long":
			_ = r.String()
		default:
			r.Uvarint()
		}
		if r.Err() == nil {
			t.Errorf("%s: no error", name)
		}
		if r.Uvarint() != 0 || r.String() != "" {
			t.Errorf("%s: reads after an error are not zero", name)
		}
	}
	if err := NewReader([]byte{1}).Done(); err == nil {
		t.Error("left-over input is not an error")
	}
}

func FuzzReader(f *testing.F) {
	f.Add([]byte{0x03, 'a', 'b', 'c', 0x80})
	f.Add([]byte{0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(data)
		for i := 0; i < 8 && r.Err() == nil; i++ {
			_ = r.String()
			_ = r.Count(1)
			_ = r.Byte()
			_ = r.Varint()
		}
		_ = r.Done()
	})
}

// The readers that do not copy read what NewReader reads.
func TestReadersWithoutCopy(t *testing.T) {
	b := AppendString(AppendUvarint(nil, 300), "torch")
	for name, r := range map[string]*Reader{"NewStringReader": NewStringReader(string(b)), "NewReaderOwning": NewReaderOwning(b)} {
		if n, s := r.Uvarint(), r.String(); n != 300 || s != "torch" || r.Done() != nil {
			t.Errorf("%s: %d %q %v", name, n, s, r.Done())
		}
	}
	if r := NewReaderOwning(nil); r.Len() != 0 || r.Done() != nil {
		t.Errorf("NewReaderOwning(nil): %d bytes, %v", r.Len(), r.Done())
	}
}

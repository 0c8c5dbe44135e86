package compat

import (
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
)

// The cache holds the validated rows (cachedMatrix) in a compact binary form, several
// times faster to read back than JSON: a warm `depsolve check` decodes it on every run.
// The encoding follows the Go types: a struct is its fields in order (the fields of an
// embedded struct, like rowMeta, in place; fields tagged `cache:"-"` and other
// unexported ones left out), a slice its length and elements, a string its length and
// bytes (lengths as uvarints), an int a varint, a bool one byte. The types alone
// describe the layout, so compiledFormat, which is part of the cache key, changes with
// them.

var errMatrixCodec = errors.New("compat: malformed cached matrix")

// encodeMatrix appends the encoding of v, a value of the kinds above, to b.
func encodeMatrix(b []byte, v any) ([]byte, error) {
	return appendValue(b, reflect.ValueOf(v))
}

func appendValue(b []byte, v reflect.Value) ([]byte, error) {
	switch v.Kind() {
	case reflect.String:
		b = binary.AppendUvarint(b, uint64(v.Len()))
		return append(b, v.String()...), nil
	case reflect.Int:
		return binary.AppendVarint(b, v.Int()), nil
	case reflect.Bool:
		if v.Bool() {
			return append(b, 1), nil
		}
		return append(b, 0), nil
	case reflect.Slice:
		b = binary.AppendUvarint(b, uint64(v.Len()))
		var err error
		for i := range v.Len() {
			if b, err = appendValue(b, v.Index(i)); err != nil {
				return nil, err
			}
		}
		return b, nil
	case reflect.Struct:
		t := v.Type()
		var err error
		for i := range t.NumField() {
			if encoded(t.Field(i)) {
				if b, err = appendValue(b, v.Field(i)); err != nil {
					return nil, err
				}
			}
		}
		return b, nil
	}
	return nil, fmt.Errorf("compat: cannot encode a %s in the cached matrix", v.Type())
}

// encoded tells the struct fields the encoding holds.
func encoded(f reflect.StructField) bool {
	return (f.IsExported() || f.Anonymous) && f.Tag.Get("cache") != "-"
}

// decodeMatrix reads an encoding of encodeMatrix into *ptr; any other input is an
// error, never a panic. Strings share one copy of data.
func decodeMatrix(data []byte, ptr any) error {
	d := matrixDecoder{s: string(data)}
	d.value(reflect.ValueOf(ptr).Elem())
	if d.err == nil && d.s != "" {
		d.err = errMatrixCodec
	}
	return d.err
}

// matrixDecoder remembers the first error; after it, every read is a zero value.
type matrixDecoder struct {
	s   string
	err error
}

func (d *matrixDecoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	var n uint64
	for shift := 0; shift < 64; shift += 7 {
		if len(d.s) == 0 {
			break
		}
		c := d.s[0]
		d.s = d.s[1:]
		n |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return n
		}
	}
	d.err = errMatrixCodec
	return 0
}

func (d *matrixDecoder) value(v reflect.Value) {
	if d.err != nil {
		return
	}
	switch v.Kind() {
	case reflect.String:
		n := d.uvarint()
		if d.err != nil || n > uint64(len(d.s)) {
			d.err = errMatrixCodec
			return
		}
		v.SetString(d.s[:n])
		d.s = d.s[n:]
	case reflect.Int:
		u := d.uvarint()
		v.SetInt(int64(u>>1) ^ -int64(u&1))
	case reflect.Bool:
		switch {
		case d.s == "" || d.s[0] > 1:
			d.err = errMatrixCodec
		default:
			v.SetBool(d.s[0] == 1)
			d.s = d.s[1:]
		}
	case reflect.Slice:
		// Every element takes at least one byte: a garbled length cannot ask for more
		// memory than the input could describe.
		n := d.uvarint()
		if d.err != nil || n > uint64(len(d.s)) {
			d.err = errMatrixCodec
			return
		}
		if n == 0 {
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), int(n), int(n)))
		for i := range int(n) {
			d.value(v.Index(i))
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			if encoded(t.Field(i)) {
				d.value(v.Field(i))
			}
		}
	default:
		d.err = fmt.Errorf("compat: cannot decode a %s from the cached matrix", v.Type())
	}
}

package matrix

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/depsolve/depsolve/internal/wire"
)

// The cache holds the validated rows (cachedMatrix) in a compact binary form, several
// times faster to read back than JSON: a warm `depsolve check` decodes it on every run.
// The encoding follows the Go types: a struct is its fields in order (the fields of an
// embedded struct, like rowMeta, in place; fields tagged `cache:"-"` and other
// unexported ones left out), a slice its length and elements, a string its length and
// bytes (lengths as uvarints), an int a varint, a bool one byte. The types alone
// describe the layout, so compiledFormat, which is part of the cache key, changes with
// them.

var errMatrixCodec = errors.New("matrix: malformed cached matrix")

// encodeMatrix appends the encoding of v, a value of the kinds above, to b.
func encodeMatrix(b []byte, v any) ([]byte, error) {
	return appendValue(b, reflect.ValueOf(v))
}

func appendValue(b []byte, v reflect.Value) ([]byte, error) {
	switch v.Kind() {
	case reflect.String:
		return wire.AppendString(b, v.String()), nil
	case reflect.Int:
		return wire.AppendVarint(b, v.Int()), nil
	case reflect.Bool:
		if v.Bool() {
			return append(b, 1), nil
		}
		return append(b, 0), nil
	case reflect.Slice:
		b = wire.AppendUvarint(b, uint64(v.Len()))
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
	return nil, fmt.Errorf("matrix: cannot encode a %s in the cached matrix", v.Type())
}

// encoded tells the struct fields the encoding holds.
func encoded(f reflect.StructField) bool {
	return (f.IsExported() || f.Anonymous) && f.Tag.Get("cache") != "-"
}

// decodeMatrix reads an encoding of encodeMatrix into *ptr; any other input is an
// error, never a panic. Strings share one copy of data.
func decodeMatrix(data []byte, ptr any) error {
	r := wire.NewReader(data)
	if err := decodeValue(r, reflect.ValueOf(ptr).Elem()); err != nil {
		return err
	}
	if r.Done() != nil {
		return errMatrixCodec
	}
	return nil
}

// decodeValue reads one value of v's type; after a malformed input every read is a zero
// value, so the error is reported once, at the end.
func decodeValue(r *wire.Reader, v reflect.Value) error {
	switch v.Kind() {
	case reflect.String:
		v.SetString(r.String())
	case reflect.Int:
		v.SetInt(r.Varint())
	case reflect.Bool:
		switch c := r.Byte(); c {
		case 0, 1:
			v.SetBool(c == 1)
		default:
			return errMatrixCodec
		}
	case reflect.Slice:
		// Every element takes at least one byte: a garbled length cannot ask for more
		// memory than the input could describe.
		n := r.Count(1)
		if n == 0 {
			break
		}
		v.Set(reflect.MakeSlice(v.Type(), n, n))
		for i := range n {
			if err := decodeValue(r, v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			if encoded(t.Field(i)) {
				if err := decodeValue(r, v.Field(i)); err != nil {
					return err
				}
			}
		}
	default:
		return fmt.Errorf("matrix: cannot decode a %s from the cached matrix", v.Type())
	}
	if r.Err() != nil {
		return errMatrixCodec
	}
	return nil
}

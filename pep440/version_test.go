package pep440

import (
	"errors"
	"math"
	"slices"
	"testing"
)

func TestParseErrorOffset(t *testing.T) {
	for _, tc := range []struct {
		parse  func(string) error
		input  string
		offset int
	}{
		{func(s string) error { _, err := Parse(s); return err }, "1.0+_foo", 4},
		{func(s string) error { _, err := Parse(s); return err }, "  1.0 beta", 5},
		{func(s string) error { _, err := Parse(s); return err }, "french toast", 0},
		{func(s string) error { _, err := Parse(s); return err }, "1!", 2},
		{func(s string) error { _, err := ParseSpecifier(s); return err }, ">=1.0+local", 5},
		{func(s string) error { _, err := ParseSpecifier(s); return err }, "=>2.0", 0},
		{func(s string) error { _, err := ParseSpecifier(s); return err }, "~=1", 2},
		{func(s string) error { _, err := ParseSpecifierSet(s); return err }, ">=1.0, <2.0x", 11},
		{func(s string) error { _, err := ParseSpecifierSet(s); return err }, ">=1.0,, ==1.0.*.1", 13},
		{func(s string) error { _, err := ParseSpecifierSet(s); return err }, ">=1.0, === a b", 12},
	} {
		err := tc.parse(tc.input)
		var perr *ParseError
		if !errors.As(err, &perr) {
			t.Errorf("%q: error %v, want a *ParseError", tc.input, err)
			continue
		}
		if perr.Offset != tc.offset || perr.Input != tc.input {
			t.Errorf("%q: error at offset %d of %q (%v), want offset %d", tc.input, perr.Offset, perr.Input, err, tc.offset)
		}
	}
}

func TestOriginal(t *testing.T) {
	for _, tc := range []struct{ in, original, normalized string }{
		{"535.104.05", "535.104.05", "535.104.5"},
		{" 1.0-RC1 ", "1.0-RC1", "1.0rc1"},
		{"12.4.1", "12.4.1", "12.4.1"},
	} {
		v := MustParse(tc.in)
		if v.Original() != tc.original || v.String() != tc.normalized {
			t.Errorf("%q: Original %q, String %q; want %q, %q", tc.in, v.Original(), v, tc.original, tc.normalized)
		}
	}
	if got := MustParse("1.0+local").Public().Original(); got != "1.0" {
		t.Errorf("Public().Original() = %q, want 1.0", got)
	}
}

func TestZeroVersion(t *testing.T) {
	var zero Version
	if zero.String() != "0" || zero.Compare(MustParse("0.0")) != 0 || !Full().Contains(zero) {
		t.Errorf("zero Version = %q, want 0", zero)
	}
}

func TestLargeNumbers(t *testing.T) {
	ascending := []string{
		"18446744073709551614",
		"18446744073709551615", // MaxUint64
		"18446744073709551616",
		"99999999999999999999",
		"100000000000000000000",
		"100000000000000000000.0.1",
		"100000000000000000000.18446744073709551616",
		"1!0",
	}
	for i := range ascending {
		for j := range ascending {
			a, b := MustParse(ascending[i]), MustParse(ascending[j])
			if got, want := a.Compare(b), cmpInt(i, j); got != want {
				t.Errorf("Compare(%s, %s) = %d, want %d", a, b, got, want)
			}
		}
	}
	v := MustParse("0100000000000000000000.post18446744073709551615")
	if v.String() != "100000000000000000000.post18446744073709551615" {
		t.Errorf("String = %s", v)
	}
	if !slices.Equal(v.Release(), []int{math.MaxInt}) {
		t.Errorf("Release = %v, want MaxInt", v.Release())
	}
	// The bounds built from such versions need numbers past MaxUint64.
	for _, tc := range []struct{ spec, in, out string }{
		{"<=1.0.post18446744073709551615", "1.0.post18446744073709551615+x", "1.0.post18446744073709551616.dev0"},
		{">1.0.post18446744073709551615", "1.0.post18446744073709551616.dev0", "1.0.post18446744073709551615+x"},
		{"==18446744073709551615.*", "18446744073709551615.9", "18446744073709551616.dev0"},
		{">1.0.dev99999999999999999999", "1.0.dev100000000000000000000", "1.0.dev99999999999999999999+x"},
	} {
		set := mustSet(t, tc.spec)
		if !set.Contains(MustParse(tc.in)) || set.Contains(MustParse(tc.out)) {
			t.Errorf("%s (range %s): want %s in and %s out", tc.spec, set.Range(), tc.in, tc.out)
		}
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestNumberArithmetic(t *testing.T) {
	for _, tc := range []struct{ in, next string }{
		{"0", "1"},
		{"18446744073709551614", "18446744073709551615"},
		{"18446744073709551615", "18446744073709551616"},
		{"99999999999999999999", "100000000000000000000"},
		{"123456789012345678901239", "123456789012345678901240"},
	} {
		n, next := parseNumber(tc.in), parseNumber(tc.next)
		if got := n.inc(); cmpNumber(got, next) != 0 || got.String() != tc.next {
			t.Errorf("%s + 1 = %s, want %s", tc.in, got, tc.next)
		}
		if got := decrement(next); cmpNumber(got, n) != 0 || got.String() != tc.in {
			t.Errorf("%s - 1 = %s, want %s", tc.next, got, tc.in)
		}
	}
}

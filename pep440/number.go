package pep440

import (
	"math"
	"strconv"
	"strings"
)

// number is a non-negative integer of any size. PEP 440 puts no bound on its
// numbers and packaging (Python ints) accepts any, so values that do not fit in a
// uint64 keep their decimal digits instead of overflowing.
type number struct {
	small uint64 // the value, when big is ""
	big   string // decimal digits without leading zeros, for values above MaxUint64
}

// maxUint64Digits is MaxUint64 in decimal; numbers of that many digits compare
// with it as strings.
const maxUint64Digits = "18446744073709551615"

// parseNumber reads a run of ASCII digits.
func parseNumber(digits string) number {
	i := 0
	for i < len(digits)-1 && digits[i] == '0' {
		i++
	}
	digits = digits[i:]
	if len(digits) < len(maxUint64Digits) ||
		(len(digits) == len(maxUint64Digits) && digits <= maxUint64Digits) {
		n, _ := strconv.ParseUint(digits, 10, 64) // cannot fail: checked above
		return number{small: n}
	}
	return number{big: digits}
}

func cmpNumber(a, b number) int {
	if len(a.big)|len(b.big) == 0 {
		switch {
		case a.small < b.small:
			return -1
		case a.small > b.small:
			return 1
		}
		return 0
	}
	switch {
	case len(a.big) != len(b.big):
		// A big number has more digits than any small one (which has "" here).
		if len(a.big) < len(b.big) {
			return -1
		}
		return 1
	case a.big < b.big:
		return -1
	case a.big > b.big:
		return 1
	}
	return 0
}

func (n number) isZero() bool { return n.big == "" && n.small == 0 }

// inc returns n+1.
func (n number) inc() number {
	if n.big == "" {
		if n.small < math.MaxUint64 {
			return number{small: n.small + 1}
		}
		return number{big: "18446744073709551616"}
	}
	digits := []byte(n.big)
	i := len(digits) - 1
	for i >= 0 && digits[i] == '9' {
		digits[i] = '0'
		i--
	}
	if i < 0 {
		return number{big: "1" + string(digits)}
	}
	digits[i]++
	return number{big: string(digits)}
}

// decrement returns n-1 for n > 0.
func decrement(n number) number {
	if n.big == "" {
		return number{small: n.small - 1}
	}
	if n.big == "18446744073709551616" {
		return number{small: 1<<64 - 1}
	}
	digits := []byte(n.big)
	i := len(digits) - 1
	for digits[i] == '0' {
		digits[i] = '9'
		i--
	}
	digits[i]--
	return number{big: strings.TrimLeft(string(digits), "0")}
}

// asInt is n for the int-typed accessors, saturated at math.MaxInt.
func (n number) asInt() int {
	if n.big != "" || n.small > math.MaxInt {
		return math.MaxInt
	}
	return int(n.small)
}

func (n number) String() string { return string(n.appendTo(nil)) }

func (n number) appendTo(b []byte) []byte {
	if n.big != "" {
		return append(b, n.big...)
	}
	return strconv.AppendUint(b, n.small, 10)
}

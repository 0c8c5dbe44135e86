package dotted

import (
	"regexp"
	"testing"
)

// The rules Numbers stands for where depsolve checks such values, as regular
// expressions: the oracles it must agree with.
var rules = []struct {
	re                            *regexp.Regexp
	minParts, maxParts, maxDigits int
}{
	{regexp.MustCompile(`^[0-9]+\.[0-9]+(\.[0-9]+)?$`), 2, 3, 0},          // CUDA
	{regexp.MustCompile(`^[0-9]+\.[0-9]+$`), 2, 2, 0},                     // glibc
	{regexp.MustCompile(`^[0-9]{1,4}$`), 1, 1, 4},                         // driver branch
	{regexp.MustCompile(`^[0-9]{1,4}(\.[0-9]{1,4}){1,2}$`), 2, 3, 4},      // driver version
	{regexp.MustCompile(`^[0-9]+(\.[0-9]+)*$`), 1, int(^uint(0) >> 1), 0}, // any
}

func FuzzNumbers(f *testing.F) {
	for _, s := range []string{"", "1", "12.4", "12.4.1", "12.4.1.2", "550.54.15", "12345.1", "1..2", ".1", "1.", "a.1", "1.2\n", "١.٢", "0.0", "00001.2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, r := range rules {
			if got, want := Numbers(s, r.minParts, r.maxParts, r.maxDigits), r.re.MatchString(s); got != want {
				t.Errorf("Numbers(%q, %d, %d, %d) = %v, %s says %v", s, r.minParts, r.maxParts, r.maxDigits, got, r.re, want)
			}
		}
	})
}

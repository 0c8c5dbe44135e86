package engine

import (
	"fmt"
	"testing"

	"github.com/depsolve/depsolve/matrix"
	"github.com/depsolve/depsolve/pep440"
)

// The NVIDIA container runtime compares versions as semantic versions, which refuse a
// leading zero: a driver floor such as 580.65.06 must be written 580.65.6.
func TestNvidiaRequire(t *testing.T) {
	for _, tc := range []struct {
		driver string
		spans  []matrix.CapabilitySpan
		want   string
	}{
		{"580.65.06", nil, "driver>=580.65.6"},
		{"525.60.13", []matrix.CapabilitySpan{{Low: "5.0", High: "9.9"}}, "driver>=525.60.13,arch>=5.0,arch<10.0"},
		{"525.60.13", []matrix.CapabilitySpan{{Low: "7.5", High: "8.6"}, {Low: "9.0", Open: true}}, "driver>=525.60.13,arch>=7.5,arch<=8.6 driver>=525.60.13,arch>=9.0"},
		{"", []matrix.CapabilitySpan{{Low: "8.0", High: "8.0"}}, "arch>=8.0,arch<=8.0"},
	} {
		var v *pep440.Version
		if tc.driver != "" {
			d := pep440.MustParse(tc.driver)
			v = &d
		}
		if got := nvidiaRequire(v, tc.spans); got != tc.want {
			t.Errorf("nvidiaRequire(%s, %v) = %q, want %q", tc.driver, tc.spans, got, tc.want)
		}
	}
}

func termsText(terms [][]NodeSelectorRequirement) []string {
	var out []string
	for _, t := range terms {
		s := ""
		for _, r := range t {
			s += fmt.Sprintf("%s %s %v; ", r.Key[len("nvidia.com/"):], r.Operator, r.Values)
		}
		out = append(out, s)
	}
	return out
}

func TestNodeSelectorTerms(t *testing.T) {
	for _, tc := range []struct {
		driver string
		spans  []matrix.CapabilitySpan
		want   []string
	}{
		// A rev label may be "06": Gt compares it as the integer 6.
		{"580.65.06", nil, []string{
			"cuda.driver.major Gt [580]; ",
			"cuda.driver.major In [580]; cuda.driver.minor Gt [65]; ",
			"cuda.driver.major In [580]; cuda.driver.minor In [65]; cuda.driver.rev Gt [5]; ",
		}},
		{"580", nil, []string{"cuda.driver.major Gt [579]; "}},
		{"", []matrix.CapabilitySpan{{Low: "7.5", High: "8.6"}}, []string{
			"gpu.compute.major In [7]; gpu.compute.minor Gt [4]; ",
			"gpu.compute.major In [8]; gpu.compute.minor Lt [7]; ",
		}},
		{"", []matrix.CapabilitySpan{{Low: "8.0", Open: true}}, []string{
			"gpu.compute.major In [8]; ",
			"gpu.compute.major Gt [8]; ",
		}},
		{"", []matrix.CapabilitySpan{{Low: "8.6", High: "8.9"}}, []string{
			"gpu.compute.major In [8]; gpu.compute.minor Gt [5]; ",
		}},
		{"550", []matrix.CapabilitySpan{{Low: "5.0", High: "12.1"}}, []string{
			"cuda.driver.major Gt [549]; gpu.compute.major In [5]; ",
			"cuda.driver.major Gt [549]; gpu.compute.major Gt [5]; gpu.compute.major Lt [12]; ",
			"cuda.driver.major Gt [549]; gpu.compute.major In [12]; gpu.compute.minor Lt [2]; ",
		}},
	} {
		var v *pep440.Version
		if tc.driver != "" {
			d := pep440.MustParse(tc.driver)
			v = &d
		}
		got := termsText(nodeSelectorTerms(v, tc.spans))
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("nodeSelectorTerms(%s, %v):\n got %q\nwant %q", tc.driver, tc.spans, got, tc.want)
		}
	}
}

package pep440

import "testing"

var benchVersions = []string{
	"2.5.1", "2.5.1+cu121", "2.5.0", "2.4.1rc1", "535.104.05", "535.104.12", "12.4.1", "12.4",
	"9.1.0.70", "1!0.1", "1.26.4", "1.26.4.post1", "2.0.0.dev20240101", "0.20.1+cu124",
}

func BenchmarkCompare(b *testing.B) {
	vs := make([]Version, len(benchVersions))
	for i, s := range benchVersions {
		vs[i] = MustParse(s)
	}
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		n += vs[i%len(vs)].Compare(vs[(i+1)%len(vs)])
	}
	_ = n
}

func BenchmarkParseVersion(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := Parse(benchVersions[i%len(benchVersions)]); err != nil {
			b.Fatal(err)
		}
	}
}

var benchSets = []string{
	">=2.0", ">=1.21,<2.0", "==2.5.1", "~=12.4.0", "!=1.5.*,>=1.0,<3", ">=525.60.13", ">1.0.post1,<=2.0", "===1.0",
}

func BenchmarkParseSpecifierSet(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := ParseSpecifierSet(benchSets[i%len(benchSets)]); err != nil {
			b.Fatal(err)
		}
	}
}

func benchRanges(b *testing.B) []Range {
	var rs []Range
	for _, s := range benchSets {
		rs = append(rs, mustSet(b, s).Range())
	}
	// A few ranges of the shape a solver accumulates: many holes.
	many := Full()
	for _, v := range benchVersions {
		many = many.Difference(Exactly(MustParse(v)))
	}
	return append(rs, many, many.Complement())
}

func BenchmarkRangeIntersect(b *testing.B) {
	rs := benchRanges(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = rs[i%len(rs)].Intersect(rs[(i+3)%len(rs)])
	}
}

func BenchmarkRangeUnion(b *testing.B) {
	rs := benchRanges(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = rs[i%len(rs)].Union(rs[(i+3)%len(rs)])
	}
}

func BenchmarkRangeContains(b *testing.B) {
	rs := benchRanges(b)
	vs := make([]Version, len(benchVersions))
	for i, s := range benchVersions {
		vs[i] = MustParse(s)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = rs[i%len(rs)].Contains(vs[i%len(vs)])
	}
}

// The metadata of every release a solve looks at is parsed again on each warm run,
// so a specifier set costs its clauses' versions and ranges and little more: no
// fresh full range to intersect from, no second copy of the clauses, no text
// for a release already written in normal form.
func TestParseSpecifierSetAllocs(t *testing.T) {
	for _, tc := range []struct {
		set  string
		most float64
	}{
		{">=2.0", 4},        // the release, the version, the range, the clauses
		{">=1.21,<2.0", 10}, // as much again, <2.0's bound 2.0.dev0, and the intersection
	} {
		got := testing.AllocsPerRun(100, func() {
			if _, err := ParseSpecifierSet(tc.set); err != nil {
				t.Fatal(err)
			}
		})
		if got > tc.most {
			t.Errorf("ParseSpecifierSet(%q): %v allocations, want at most %v", tc.set, got, tc.most)
		}
	}
}

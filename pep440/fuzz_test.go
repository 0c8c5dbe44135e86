package pep440

import (
	"errors"
	"testing"
)

// The seed corpora are in testdata/fuzz/<target>/.

func FuzzParseVersion(f *testing.F) {
	f.Add("1.0.0-RC1")
	f.Add("535.104.05")
	f.Add("1!2.0.post3.dev4+Ubuntu-01")
	f.Add("99999999999999999999999999.18446744073709551615.18446744073709551616")
	probes := []Version{MustParse("0.dev0"), MustParse("1.0"), MustParse("1.0+local"), MustParse("1!0")}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			var perr *ParseError
			if !errors.As(err, &perr) || perr.Offset < 0 || perr.Offset > len(s) || perr.Input != s {
				t.Fatalf("Parse(%q): error %#v", s, err)
			}
			return
		}
		norm := v.String()
		w, err := Parse(norm)
		if err != nil || w.String() != norm || w.Compare(v) != 0 {
			t.Fatalf("Parse(%q) = %s, which reads back as %v, %v", s, norm, w, err)
		}
		if v.Compare(v) != 0 || v.Public().Compare(v) > 0 || v.BaseVersion().IsPrerelease() {
			t.Fatalf("%s: inconsistent parts", v)
		}
		for _, p := range probes {
			if v.Compare(p) != -p.Compare(v) {
				t.Fatalf("Compare(%s, %s) is not antisymmetric", v, p)
			}
		}
		if v.Local() == "" && v.afterLocals().Compare(v) <= 0 {
			t.Fatalf("%s: afterLocals %s is not above it", v, v.afterLocals())
		}
		if !Exactly(v).Contains(v) || Exactly(v).Complement().Contains(v) {
			t.Fatalf("%s: Exactly is wrong", v)
		}
		_, _, _ = v.Pre()
		_ = v.Release()
		_ = v.Epoch()
	})
}

func FuzzCompare(f *testing.F) {
	f.Add("1.0", "1.0.0")
	f.Add("1.0+a.1", "1.0+a0")
	f.Add("1.0.post1.dev2", "1.0.post1")
	f.Add("18446744073709551616", "18446744073709551615")
	f.Fuzz(func(t *testing.T, a, b string) {
		v, errV := Parse(a)
		w, errW := Parse(b)
		if errV != nil || errW != nil {
			return
		}
		c := v.Compare(w)
		if c != -w.Compare(v) || v.Equal(w) != (c == 0) {
			t.Fatalf("Compare(%s, %s) = %d, reverse %d", v, w, c, w.Compare(v))
		}
		lower, upper := v, w
		if c > 0 {
			lower, upper = w, v
		}
		between := span(atLeast(lower), bound{upper, inclusive})
		if !between.Contains(v) || !between.Contains(w) {
			t.Fatalf("[%s, %s] = %s misses an end", lower, upper, between)
		}
	})
}

func FuzzParseSpecifierSet(f *testing.F) {
	f.Add(">=1.0,<2.0,!=1.5.*")
	f.Add("~=2.0.1, ===foo")
	f.Add("==2.5.1+cu121")
	f.Add(">1.0.post1,<=1.0.post5")
	probes := []Version{MustParse("1.0"), MustParse("1.0rc1"), MustParse("1.0.post1+x"), MustParse("2!3")}
	f.Fuzz(func(t *testing.T, s string) {
		set, err := ParseSpecifierSet(s)
		if err != nil {
			var perr *ParseError
			if !errors.As(err, &perr) || perr.Offset < 0 || perr.Offset > len(s) || perr.Input != s {
				t.Fatalf("ParseSpecifierSet(%q): error %#v", s, err)
			}
			return
		}
		for _, spec := range set.specs {
			want := spec.version.String()
			if spec.wildcard {
				want += ".*"
			}
			if spec.op != "===" && spec.text != want {
				t.Fatalf("%q: clause %s has the text %q, not its normal form %q", s, spec, spec.text, want)
			}
		}
		back, err := ParseSpecifierSet(set.String())
		if err != nil || !back.Equal(set) || !back.Range().Equal(set.Range()) {
			t.Fatalf("%q: String %q reads back as %v, %v", s, set, back, err)
		}
		r := set.Range()
		for _, x := range []Range{r, r.Complement()} {
			got, err := parseRangeString(x.String())
			if err != nil || !got.Equal(x) {
				t.Fatalf("%q: Range String %q reads back as %v, %v", s, x, got, err)
			}
		}
		for _, v := range probes {
			if set.Contains(v) != r.Contains(v) {
				t.Fatalf("%q: Contains(%s) disagrees with its Range", s, v)
			}
			if set.Allows(v, PrereleasesInclude) && !set.Contains(v) {
				t.Fatalf("%q: Allows(%s) but not Contains", s, v)
			}
		}
		_ = set.Filter(probes, PrereleasesDefault)
		_ = set.FilterText([]string{"foo", s}, PrereleasesDefault)
		_ = set.Satisfiable(PrereleasesExclude)
	})
}

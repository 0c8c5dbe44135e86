package pep440

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// The vectors of testdata/pep440.json (see testdata/README.md for their source).

// item is a version given either as text or, upstream, as a parsed Version
// object ({"version_object": "1.1"}), whose text is its normalized form.
type item struct {
	Text   string
	Object bool
}

func (it *item) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &it.Text); err == nil {
		return nil
	}
	var obj struct {
		VersionObject string `json:"version_object"`
	}
	if err := json.Unmarshal(b, &obj); err != nil {
		return err
	}
	it.Text, it.Object = obj.VersionObject, true
	return nil
}

type conformance struct {
	Counts map[string]int `json:"counts"`
	Source struct {
		Commit string `json:"commit"`
	} `json:"source"`
	Versions struct {
		Valid           []string `json:"valid"`
		Invalid         []string `json:"invalid"`
		SortedAscending []string `json:"sorted_ascending"`
		Normalization   []struct {
			Input      string `json:"input"`
			Normalized string `json:"normalized"`
		} `json:"normalization"`
		Attributes []map[string]json.RawMessage `json:"attributes"`
		FromParts  []struct {
			Parts struct {
				Release []int  `json:"release"`
				Epoch   *int   `json:"epoch"`
				Pre     []any  `json:"pre"`
				Post    *int   `json:"post"`
				Dev     *int   `json:"dev"`
				Local   string `json:"local"`
			} `json:"parts"`
			Equals string `json:"equals"`
		} `json:"from_parts"`
	} `json:"versions"`
	Specifiers struct {
		Valid             []string                                   `json:"valid"`
		Invalid           []string                                   `json:"invalid"`
		StrNormalization  []struct{ Kind, Input, Expected string }   `json:"str_normalization"`
		OperatorVersion   []struct{ Spec, Operator, Version string } `json:"operator_version"`
		SpecifierSetMembs []struct {
			Spec    string   `json:"spec"`
			Length  *int     `json:"length"`
			Members []string `json:"members"`
		} `json:"specifier_set_members"`
		Equality []struct {
			Kind, Left, Right, Op string
			Expected              bool
		} `json:"equality"`
		Contains []struct {
			Test                 string `json:"test"`
			Kind                 string `json:"kind"`
			Specifier            string `json:"specifier"`
			Version              item   `json:"version"`
			SpecifierPrereleases *bool  `json:"specifier_prereleases"`
			Prereleases          *bool  `json:"prereleases"`
			Installed            *bool  `json:"installed"`
			Expected             bool   `json:"expected"`
		} `json:"contains"`
		Filter []struct {
			Test                 string `json:"test"`
			Kind                 string `json:"kind"`
			Specifier            string `json:"specifier"`
			SpecifierPrereleases *bool  `json:"specifier_prereleases"`
			Prereleases          *bool  `json:"prereleases"`
			Input                []item `json:"input"`
			Expected             []item `json:"expected"`
		} `json:"filter"`
		PrereleasesProperty []struct {
			Specifier string `json:"specifier"`
			Expected  bool   `json:"expected"`
		} `json:"prereleases_property"`
		SetRelations []struct {
			Relation, Left, Right string
			Expected              bool
		} `json:"set_relations"`
		Combine []struct {
			Left, Right, Expected string
		} `json:"combine"`
		Satisfiability []struct {
			Specifier            string `json:"specifier"`
			SpecifierPrereleases *bool  `json:"specifier_prereleases"`
			Unsatisfiable        bool   `json:"unsatisfiable"`
		} `json:"satisfiability"`
		SatisfiabilitySampleVersions []string `json:"satisfiability_sample_versions"`
		IntersectionPreserving       []struct {
			Spec1                  string   `json:"spec1"`
			Spec2                  string   `json:"spec2"`
			Input                  []string `json:"input"`
			ExpectedCombinedFilter []string `json:"expected_combined_filter"`
		} `json:"intersection_preserving"`
	} `json:"specifiers"`
}

const upstreamCommit = "053c884615f2e83d80705251b447769ec2599653"

func loadConformance(t testing.TB) *conformance {
	t.Helper()
	data, err := os.ReadFile("testdata/pep440.json")
	if err != nil {
		t.Fatal(err)
	}
	var c conformance
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	if c.Source.Commit != upstreamCommit {
		t.Fatalf("testdata/pep440.json comes from commit %s; the tests were written for %s", c.Source.Commit, upstreamCommit)
	}
	return &c
}

// tally counts the vectors of one section, and the checks made on them, and
// logs the counts, so that "go test -v -run Conformance" shows them.
type tally struct {
	t       *testing.T
	vectors int
	checks  int
}

// vector starts the checks of the next vector.
func (c *tally) vector() { c.vectors++ }

func (c *tally) check(ok bool, format string, args ...any) {
	c.t.Helper()
	c.checks++
	if !ok {
		c.t.Errorf(format, args...)
	}
}

// section runs the checks of one section; counts is the file's own count of
// its vectors, where it has one.
func section(t *testing.T, counts map[string]int, name string, f func(c *tally)) {
	t.Run(name, func(t *testing.T) {
		c := &tally{t: t}
		f(c)
		if c.vectors == 0 || c.checks < c.vectors {
			t.Fatalf("%d vectors, %d checks", c.vectors, c.checks)
		}
		if want, ok := counts[name]; ok && want != c.vectors {
			t.Fatalf("checked %d vectors; the file says it has %d", c.vectors, want)
		}
		if !t.Failed() {
			t.Logf("%s: %d/%d vectors pass (%d checks)", name, c.vectors, c.vectors, c.checks)
		}
	})
}

// policy maps packaging's prereleases argument (None/True/False).
func policy(b *bool) Prereleases {
	switch {
	case b == nil:
		return PrereleasesDefault
	case *b:
		return PrereleasesInclude
	}
	return PrereleasesExclude
}

// effectivePolicy folds packaging's two pre-release arguments, the one given to
// the Specifier/SpecifierSet and the one given to the call, into the one
// argument of Allows and Filter: the call's wins when set.
func effectivePolicy(onSpec, onCall *bool) Prereleases {
	if onCall != nil {
		return policy(onCall)
	}
	return policy(onSpec)
}

func mustSet(t testing.TB, s string) SpecifierSet {
	t.Helper()
	set, err := ParseSpecifierSet(s)
	if err != nil {
		t.Fatalf("ParseSpecifierSet(%q): %v", s, err)
	}
	return set
}

func TestConformanceVersions(t *testing.T) {
	c := loadConformance(t)
	v, counts := c.Versions, c.Counts

	section(t, counts, "versions.valid", func(c *tally) {
		for _, s := range v.Valid {
			c.vector()
			_, err := Parse(s)
			c.check(err == nil, "Parse(%q): %v", s, err)
		}
	})
	section(t, counts, "versions.invalid", func(c *tally) {
		for _, s := range v.Invalid {
			c.vector()
			_, err := Parse(s)
			var perr *ParseError
			c.check(errors.As(err, &perr), "Parse(%q) = %v, want a *ParseError", s, err)
		}
	})
	section(t, counts, "versions.sorted_ascending", func(c *tally) {
		vs := make([]Version, len(v.SortedAscending))
		for i, s := range v.SortedAscending {
			c.vector()
			vs[i] = MustParse(s)
		}
		for i := range vs {
			for j := range vs {
				want := 0
				switch {
				case i < j:
					want = -1
				case i > j:
					want = 1
				}
				got := vs[i].Compare(vs[j])
				c.check(got == want, "Compare(%s, %s) = %d, want %d", vs[i], vs[j], got, want)
			}
		}
	})
	section(t, counts, "versions.normalization", func(c *tally) {
		for _, n := range v.Normalization {
			c.vector()
			got, err := Parse(n.Input)
			c.check(err == nil && got.String() == n.Normalized, "Parse(%q) = %v, %v; want %s", n.Input, got, err, n.Normalized)
		}
	})
	section(t, counts, "versions.attributes", func(c *tally) {
		for _, attrs := range v.Attributes {
			c.vector()
			var text string
			if err := json.Unmarshal(attrs["version"], &text); err != nil {
				t.Fatal(err)
			}
			got := attributes(MustParse(text))
			for key, raw := range attrs {
				if key == "version" {
					continue
				}
				var want any
				if err := json.Unmarshal(raw, &want); err != nil {
					t.Fatal(err)
				}
				g, ok := got[key]
				c.check(ok && fmt.Sprint(g) == fmt.Sprint(want), "%s: %s = %v, want %v", text, key, g, want)
			}
		}
	})
	section(t, counts, "versions.from_parts", func(c *tally) {
		for _, fp := range v.FromParts {
			c.vector()
			var b strings.Builder
			p := fp.Parts
			if p.Epoch != nil {
				fmt.Fprintf(&b, "%d!", *p.Epoch)
			}
			for i, n := range p.Release {
				if i > 0 {
					b.WriteByte('.')
				}
				fmt.Fprint(&b, n)
			}
			if p.Pre != nil {
				fmt.Fprintf(&b, "%v%v", p.Pre[0], p.Pre[1])
			}
			if p.Post != nil {
				fmt.Fprintf(&b, ".post%d", *p.Post)
			}
			if p.Dev != nil {
				fmt.Fprintf(&b, ".dev%d", *p.Dev)
			}
			if p.Local != "" {
				b.WriteString("+" + p.Local)
			}
			got, err := Parse(b.String())
			c.check(err == nil && got.Equal(MustParse(fp.Equals)), "parts %s = %v, %v; want %s", b.String(), got, err, fp.Equals)
		}
	})
}

// attributes returns what packaging's Version attributes would be, keyed by
// their names, with nil for None.
func attributes(v Version) map[string]any {
	m := map[string]any{
		"public":         v.Public().String(),
		"base_version":   v.BaseVersion().String(),
		"epoch":          v.Epoch(),
		"release":        v.Release(),
		"local":          nil,
		"pre":            nil,
		"post":           nil,
		"dev":            nil,
		"is_prerelease":  v.IsPrerelease(),
		"is_postrelease": v.IsPostrelease(),
		"is_devrelease":  v.IsDevrelease(),
	}
	if l := v.Local(); l != "" {
		m["local"] = l
	}
	if letter, n, ok := v.Pre(); ok {
		m["pre"] = []any{letter, n}
	}
	if n, ok := v.Post(); ok {
		m["post"] = n
	}
	if n, ok := v.Dev(); ok {
		m["dev"] = n
	}
	return m
}

func TestConformanceSpecifiers(t *testing.T) {
	c := loadConformance(t)
	s, counts := c.Specifiers, c.Counts

	section(t, counts, "specifiers.valid", func(c *tally) {
		for _, text := range s.Valid {
			c.vector()
			_, err := ParseSpecifier(text)
			c.check(err == nil, "ParseSpecifier(%q): %v", text, err)
		}
	})
	section(t, counts, "specifiers.invalid", func(c *tally) {
		for _, text := range s.Invalid {
			c.vector()
			_, err := ParseSpecifier(text)
			var perr *ParseError
			c.check(errors.As(err, &perr), "ParseSpecifier(%q) = %v, want a *ParseError", text, err)
		}
	})
	section(t, counts, "specifiers.str_normalization", func(c *tally) {
		for _, n := range s.StrNormalization {
			c.vector()
			var got string
			if n.Kind == "Specifier" {
				spec, err := ParseSpecifier(n.Input)
				if err != nil {
					t.Fatal(err)
				}
				got = spec.String()
			} else {
				got = mustSet(t, n.Input).String()
			}
			c.check(got == n.Expected, "%s(%q).String() = %q, want %q", n.Kind, n.Input, got, n.Expected)
		}
	})
	section(t, counts, "specifiers.operator_version", func(c *tally) {
		for _, ov := range s.OperatorVersion {
			c.vector()
			spec, err := ParseSpecifier(ov.Spec)
			c.check(err == nil && spec.Operator() == ov.Operator && spec.Version() == ov.Version,
				"%q: operator %q version %q (%v), want %q %q", ov.Spec, spec.Operator(), spec.Version(), err, ov.Operator, ov.Version)
		}
	})
	section(t, counts, "specifiers.specifier_set_members", func(c *tally) {
		for _, m := range s.SpecifierSetMembs {
			c.vector()
			specs := mustSet(t, m.Spec).Specifiers()
			if m.Length != nil {
				c.check(len(specs) == *m.Length, "%q has %d members, want %d", m.Spec, len(specs), *m.Length)
				continue
			}
			got := []string{}
			for _, spec := range specs {
				got = append(got, spec.String())
			}
			slices.Sort(got)
			c.check(slices.Equal(got, m.Members), "%q members %q, want %q", m.Spec, got, m.Members)
		}
	})
	section(t, counts, "specifiers.equality", func(c *tally) {
		for _, e := range s.Equality {
			c.vector()
			var equal bool
			if e.Kind == "Specifier" {
				l, errL := ParseSpecifier(e.Left)
				r, errR := ParseSpecifier(e.Right)
				equal = errL == nil && errR == nil && l.Equal(r)
			} else {
				equal = mustSet(t, e.Left).Equal(mustSet(t, e.Right))
			}
			got := equal == (e.Op == "eq")
			c.check(got == e.Expected, "%s %q %s %q = %v, want %v", e.Kind, e.Left, e.Op, e.Right, got, e.Expected)
		}
	})
	section(t, counts, "specifiers.contains", func(c *tally) {
		for _, x := range s.Contains {
			c.vector()
			// Upstream builds Specifier or SpecifierSet(x.Specifier); a one-clause
			// set has the same contains() semantics as the clause.
			set, err := ParseSpecifierSet(x.Specifier)
			if err != nil {
				// test_contains_rejects_invalid_specifier: upstream fails to build it.
				c.check(!x.Expected, "%s: ParseSpecifierSet(%q): %v", x.Test, x.Specifier, err)
				continue
			}
			p := effectivePolicy(x.SpecifierPrereleases, x.Prereleases)
			v, verr := Parse(x.Version.Text)
			if verr == nil && x.Installed != nil && *x.Installed && v.IsPrerelease() {
				p = PrereleasesInclude
			}
			got := len(set.FilterText([]string{x.Version.Text}, p)) == 1
			if verr == nil {
				allows := set.Allows(v, p)
				c.check(allows == got, "%s: %q Allows(%q, %v) = %v but FilterText gives %v", x.Test, x.Specifier, x.Version.Text, p, allows, got)
			}
			c.check(got == x.Expected, "%s: %q contains %q (policy %v) = %v, want %v", x.Test, x.Specifier, x.Version.Text, p, got, x.Expected)
		}
	})
	section(t, counts, "specifiers.filter", func(c *tally) {
		for _, x := range s.Filter {
			c.vector()
			set := mustSet(t, x.Specifier)
			p := effectivePolicy(x.SpecifierPrereleases, x.Prereleases)
			var texts []string
			var vs []Version
			allVersions := true
			for _, in := range x.Input {
				texts = append(texts, in.Text)
				v, err := Parse(in.Text)
				allVersions = allVersions && err == nil
				vs = append(vs, v)
			}
			want := []string{}
			for _, e := range x.Expected {
				want = append(want, e.Text)
			}
			got := append([]string{}, set.FilterText(texts, p)...)
			c.check(slices.Equal(got, want), "%s: %q filter %q (policy %v) = %q, want %q", x.Test, x.Specifier, texts, p, got, want)
			if allVersions {
				gotVs := []string{}
				for _, v := range set.Filter(vs, p) {
					gotVs = append(gotVs, v.Original())
				}
				c.check(slices.Equal(gotVs, want), "%s: %q Filter %q (policy %v) = %q, want %q", x.Test, x.Specifier, texts, p, gotVs, want)
			}
		}
	})
	section(t, counts, "specifiers.prereleases_property", func(c *tally) {
		for _, x := range s.PrereleasesProperty {
			c.vector()
			spec, err := ParseSpecifier(x.Specifier)
			c.check(err == nil && spec.NamesPrerelease() == x.Expected, "%q NamesPrerelease = %v (%v), want %v", x.Specifier, spec.NamesPrerelease(), err, x.Expected)
		}
	})
	section(t, counts, "specifiers.set_relations", func(c *tally) {
		for _, x := range s.SetRelations {
			c.vector()
			l, r := mustSet(t, x.Left).Range(), mustSet(t, x.Right).Range()
			var got bool
			switch x.Relation {
			case "is_subset":
				got = l.Subset(r)
			case "is_superset":
				got = r.Subset(l)
			case "is_disjoint":
				got = l.Disjoint(r)
			default:
				t.Fatalf("unknown relation %q", x.Relation)
			}
			c.check(got == x.Expected, "%q %s %q = %v, want %v", x.Left, x.Relation, x.Right, got, x.Expected)
		}
	})
	section(t, counts, "specifiers.combine", func(c *tally) {
		for _, x := range s.Combine {
			c.vector()
			l, r := mustSet(t, x.Left), mustSet(t, x.Right)
			got := NewSpecifierSet(append(l.Specifiers(), r.Specifiers()...)...)
			c.check(got.Equal(mustSet(t, x.Expected)), "%q & %q = %q, want %q", x.Left, x.Right, got, x.Expected)
		}
	})
	section(t, counts, "specifiers.satisfiability", func(c *tally) {
		for _, x := range s.Satisfiability {
			c.vector()
			set := mustSet(t, x.Specifier)
			p := policy(x.SpecifierPrereleases)
			got := !set.Satisfiable(p)
			c.check(got == x.Unsatisfiable, "%q (policy %v) unsatisfiable = %v, want %v", x.Specifier, p, got, x.Unsatisfiable)
			if p == PrereleasesDefault && !strings.Contains(x.Specifier, "===") {
				empty := set.Range().IsEmpty()
				c.check(empty == x.Unsatisfiable, "%q Range %s: IsEmpty = %v, want %v", x.Specifier, set.Range(), empty, x.Unsatisfiable)
			}
		}
	})
	section(t, counts, "specifiers.intersection_preserving", func(c *tally) {
		for _, x := range s.IntersectionPreserving {
			c.vector()
			a, b := mustSet(t, x.Spec1), mustSet(t, x.Spec2)
			set := NewSpecifierSet(append(a.Specifiers(), b.Specifiers()...)...)
			got := append([]string{}, set.FilterText(x.Input, PrereleasesDefault)...)
			c.check(slices.Equal(got, x.ExpectedCombinedFilter), "%q & %q filter %q = %q, want %q", x.Spec1, x.Spec2, x.Input, got, x.ExpectedCombinedFilter)
		}
	})
}

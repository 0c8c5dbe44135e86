package resolver

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/depsolve/depsolve/input"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
)

type packseFile struct {
	Scenarios []packseScenario `json:"scenarios"`
}

type packseScenario struct {
	Name     string `json:"name"`
	Category string `json:"category"`
	Root     struct {
		Requires []string `json:"requires"`
	} `json:"root"`
	Packages    map[string]map[string]packseVersion `json:"packages"`
	Environment struct {
		Python           string   `json:"python"`
		AdditionalPython []string `json:"additional_python"`
	} `json:"environment"`
	Options struct {
		Python         *string  `json:"python"`
		Prereleases    bool     `json:"prereleases"`
		NoBuild        []string `json:"no_build"`
		NoBinary       []string `json:"no_binary"`
		Universal      bool     `json:"universal"`
		PythonPlatform *string  `json:"python_platform"`
		Resolution     *string  `json:"resolution"`
	} `json:"resolver_options"`
	Expected  packseExpected `json:"expected"`
	UVVariant *struct {
		Expected *packseExpected `json:"expected"`
	} `json:"uv_variant"`
}

type packseVersion struct {
	Requires       []string            `json:"requires"`
	Extras         map[string][]string `json:"extras"`
	RequiresPython *string             `json:"requires_python"`
	Yanked         bool                `json:"yanked"`
	Sdist          bool                `json:"sdist"`
	Wheel          bool                `json:"wheel"`
	WheelTags      []string            `json:"wheel_tags"`
}

type packseExpected struct {
	Satisfiable bool              `json:"satisfiable"`
	Packages    map[string]string `json:"packages"`
}

// packseDeviations are scenarios whose expectation depsolve disagrees with on
// purpose.
var packseDeviations = map[string]string{
	"python-less-than-current": "expects uv's rule of ignoring Requires-Python upper bounds; depsolve honours them, as pip does, because the target's Python is one version",
}

// skipReason says why a scenario cannot run at all, or "".
func (s *packseScenario) skipReason() string {
	if r, ok := packseDeviations[s.Name]; ok {
		return "deviation: " + r
	}
	switch {
	case s.Options.Universal:
		return "universal (forking) resolution"
	case s.Options.Resolution != nil:
		return "resolution strategy " + *s.Options.Resolution
	case len(s.Environment.AdditionalPython) > 0:
		return "several installed interpreters"
	}
	return ""
}

// filesReason says why a scenario needs real files, served by an index, rather
// than releases alone: which files a version has decides whether it is usable
// (TestPackseFiles runs those through internal/fakeindex and the index client).
// "" when releases alone decide.
func (s *packseScenario) filesReason() string {
	switch {
	case s.Options.PythonPlatform != nil:
		return "targets platform tags (" + *s.Options.PythonPlatform + ")"
	case len(s.Options.NoBuild) > 0 || len(s.Options.NoBinary) > 0:
		return "build options (--no-build / --no-binary)"
	}
	for _, vs := range s.Packages {
		for _, m := range vs {
			switch {
			case len(m.WheelTags) > 0:
				return "wheel tags decide which files are usable"
			case !m.Wheel:
				return "sdist only: metadata needs a build"
			}
		}
	}
	return ""
}

// loadPackse reads the scenarios of testdata/conformance.
func loadPackse(t testing.TB) []packseScenario {
	t.Helper()
	data, err := os.ReadFile("testdata/conformance/packse-scenarios.json")
	if err != nil {
		t.Fatal(err)
	}
	var f packseFile
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	return f.Scenarios
}

func (s *packseScenario) expected() (packseExpected, bool) {
	if s.UVVariant != nil && s.UVVariant.Expected != nil {
		return *s.UVVariant.Expected, true
	}
	return s.Expected, false
}

func (s *packseScenario) problem(t *testing.T) *Problem {
	idx := newFakeIndex()
	for name, versions := range s.Packages {
		for vtext, m := range versions {
			r := fakeRelease{Release: Release{Version: pep440.MustParse(vtext), Yanked: m.Yanked}}
			if m.RequiresPython != nil {
				set, err := pep440.ParseSpecifierSet(*m.RequiresPython)
				if err != nil {
					t.Fatal(err)
				}
				r.RequiresPython, r.md.RequiresPython = set, set
			}
			for _, req := range m.Requires {
				r.md.RequiresDist = append(r.md.RequiresDist, mustRequirement(t, req))
			}
			for extra, reqs := range m.Extras {
				r.md.ProvidesExtra = append(r.md.ProvidesExtra, extra)
				for _, req := range reqs {
					r.md.RequiresDist = append(r.md.RequiresDist, mustRequirement(t, withExtraMarker(req, extra)))
				}
			}
			idx.add(name, r)
		}
	}
	python := s.Environment.Python
	if s.Options.Python != nil {
		python = *s.Options.Python
	}
	pb := &Problem{
		Index:       idx,
		Environment: targetEnvironment(python),
		Virtual:     []Virtual{{Name: "@python", Version: pep440.MustParse(python), Origin: "from --python"}},
	}
	if s.Options.Prereleases {
		pb.Prereleases = PrereleasesAllow
	}
	for i, req := range s.Root.Requires {
		pb.Requirements = append(pb.Requirements, Requirement{Requirement: mustRequirement(t, req), Origin: input.Position{File: "requirements.txt", Line: i + 1}})
	}
	return pb
}

// withExtraMarker gates a requirement on an extra, as core metadata writes it.
func withExtraMarker(req, extra string) string {
	gate := fmt.Sprintf("extra == %q", extra)
	if base, marker, ok := strings.Cut(req, ";"); ok {
		return base + " ; (" + strings.TrimSpace(marker) + ") and " + gate
	}
	return req + " ; " + gate
}

// TestPackse runs the non-universal packse scenarios through a fake index and
// compares satisfiability and the installed set. Where uv's vendored copy
// changed the expectation (the pre-release policy), uv's is used. Run with -v for
// the per-category table.
func TestPackse(t *testing.T) {
	type tally struct{ passed, failed, skipped int }
	tallies := map[string]*tally{}
	var skips []string
	for _, s := range loadPackse(t) {
		if s.Options.Universal {
			continue
		}
		tl := tallies[s.Category]
		if tl == nil {
			tl = &tally{}
			tallies[s.Category] = tl
		}
		if reason := s.skipReason(); reason != "" {
			tl.skipped++
			skips = append(skips, fmt.Sprintf("%s/%s: %s", s.Category, s.Name, reason))
			continue
		}
		if s.filesReason() != "" {
			continue // TestPackseFiles
		}
		ok := t.Run(s.Name, func(t *testing.T) {
			res, ns, err := Resolve(context.Background(), s.problem(t))
			if err != nil {
				t.Fatal(err)
			}
			s.check(t, res, ns)
		})
		if ok {
			tl.passed++
		} else {
			tl.failed++
		}
	}
	cats := make([]string, 0, len(tallies))
	for c := range tallies {
		cats = append(cats, c)
	}
	slices.Sort(cats)
	var b strings.Builder
	fmt.Fprintf(&b, "%-22s %6s %6s %7s\n", "category", "passed", "failed", "skipped")
	for _, c := range cats {
		tl := tallies[c]
		fmt.Fprintf(&b, "%-22s %6d %6d %7d\n", c, tl.passed, tl.failed, tl.skipped)
	}
	b.WriteString("skipped:\n  " + strings.Join(skips, "\n  "))
	t.Log("\n" + b.String())
}

// check compares a resolution with the scenario's expectation: satisfiability and
// the installed set.
func (s *packseScenario) check(t *testing.T, res *Resolution, ns *NoSolution) {
	t.Helper()
	want, uv := s.expected()
	source := "packse"
	if uv {
		source = "uv's variant"
	}
	if (res != nil) != want.Satisfiable {
		if ns != nil {
			t.Fatalf("want a solution (%s), got none:\n%s", source, ns.Text())
		}
		t.Fatalf("want no solution (%s), got:\n%s", source, formatResolution(res))
	}
	if res == nil {
		t.Logf("explanation:\n%s", ns.Text())
		return
	}
	if len(want.Packages) == 0 {
		return
	}
	got := map[string]string{}
	for _, p := range res.Packages {
		got[p.Name] = p.Version.String()
	}
	for name, v := range want.Packages {
		name = pep508.NormalizeName(name)
		g, ok := got[name]
		if !ok || !pep440.MustParse(g).Equal(pep440.MustParse(v)) {
			t.Errorf("%s: got %q, want %s (%s)", name, g, v, source)
		}
		delete(got, name)
	}
	for name, v := range got {
		t.Errorf("unexpected %s %s", name, v)
	}
}

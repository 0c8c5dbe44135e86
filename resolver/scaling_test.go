package resolver

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime/metrics"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/depsolve/depsolve/pep440"
)

// Generated universes for scaling: they are built in code (fixed seeds) rather
// than stored, because they are large.

func newUniverse() *universe {
	return &universe{versions: map[Package][]pep440.Version{}, deps: map[Package]map[string]Dependencies{}}
}

func (u *universe) put(name, version string, deps ...Dependency) {
	p := Package{Name: name}
	v := pep440.MustParse(version)
	if u.deps[p] == nil {
		u.deps[p] = map[string]Dependencies{}
	}
	u.versions[p] = append(u.versions[p], v)
	u.deps[p][v.String()] = Dependencies{Requires: deps}
}

func (u *universe) sortVersions() {
	for p := range u.versions {
		slices.SortFunc(u.versions[p], func(a, b pep440.Version) int { return b.Compare(a) })
	}
}

func requires(name, spec string) Dependency {
	return Dependency{Package: Package{Name: name}, Range: rangeOf(spec), Cause: RequiresDist{spec}}
}

// randomUniverse: packages p000…p(n-1) with versions 1.0…m.0. Version v of p_i
// depends on up to four of the next twenty packages, each within a window of
// six versions around v shifted by up to twenty, so that two dependers of one
// package often allow disjoint windows ("conflicting upper bounds") and the
// solver has to backtrack (seed 1: about 120 conflicts). The root needs 20 of
// the first 50.
func randomUniverse(seed uint64, n, m int) *universe {
	r := rand.New(rand.NewPCG(seed, 0xdead))
	u := newUniverse()
	name := func(i int) string { return fmt.Sprintf("p%03d", i) }
	for i := range n {
		for v := 1; v <= m; v++ {
			var deps []Dependency
			for range r.IntN(5) {
				if i+1 >= n {
					break
				}
				j := i + 1 + r.IntN(min(20, n-i-1))
				center := min(max(v+r.IntN(41)-20, 1), m)
				lo, hi := max(center-3, 1), center+3
				deps = append(deps, requires(name(j), fmt.Sprintf(">=%d.0,<%d.0", lo, hi)))
			}
			u.put(name(i), fmt.Sprintf("%d.0", v), deps...)
		}
	}
	var rootDeps []Dependency
	for _, i := range r.Perm(min(50, n))[:min(20, n)] {
		rootDeps = append(rootDeps, requires(name(i), ""))
	}
	u.put("root", "1", rootDeps...)
	u.sortVersions()
	return u
}

// botoUniverse mimics boto3, botocore and awscli: every boto3 and awscli
// release pins one botocore minor (awscli exactly), botocore releases after 1.k
// need urllib3 2, and the root wants urllib3 <2; so the solver has to walk back
// through hundreds of releases (pip's "backtracking frenzy", pypa/pip#12274).
// With minBoto above k no release works and the solver must prove it.
func botoUniverse(releases, k, minBoto int) *universe {
	u := newUniverse()
	for _, v := range []string{"1.20.0", "1.21.0", "1.22.0", "1.24.0", "1.25.0", "1.26.0", "2.0.0", "2.1.0", "2.2.0"} {
		u.put("urllib3", v)
	}
	for _, v := range []string{"0.7.0", "0.10.0", "1.0.0"} {
		u.put("jmespath", v)
	}
	for i := range 5 {
		u.put("s3transfer", fmt.Sprintf("0.%d.0", i), requires("botocore", ">=1.0.0,<2.0.0"))
	}
	for minor := range releases {
		for patch := range 3 {
			urllib3 := ">=1.25.4,<2"
			if minor > k {
				urllib3 = ">=2.0,<3"
			}
			u.put("botocore", fmt.Sprintf("1.%d.%d", minor, patch), requires("urllib3", urllib3), requires("jmespath", ">=0.7.1,<2.0.0"))
		}
		s3 := fmt.Sprintf(">=0.%d.0,<0.%d.0", minor*5/releases, minor*5/releases+1)
		u.put("boto3", fmt.Sprintf("1.%d.0", minor), requires("botocore", fmt.Sprintf(">=1.%d.0,<1.%d.0", minor, minor+1)), requires("s3transfer", s3))
		u.put("awscli", fmt.Sprintf("1.%d.0", minor), requires("botocore", fmt.Sprintf("==1.%d.2", minor)), requires("s3transfer", s3))
	}
	boto3 := ""
	if minBoto > 0 {
		boto3 = fmt.Sprintf(">=1.%d.0", minBoto)
	}
	u.put("root", "1", requires("boto3", boto3), requires("awscli", ""), requires("urllib3", "<2"))
	u.sortVersions()
	return u
}

var scalingCases = []struct {
	name      string
	build     func() *universe
	solvable  bool
	wantBoto3 string
}{
	{"random-200x100", func() *universe { return randomUniverse(1, 200, 100) }, true, ""},
	{"boto-backtrack-500", func() *universe { return botoUniverse(500, 19, 0) }, true, "1.19.0"},
	{"boto-unsat-500", func() *universe { return botoUniverse(500, 19, 100) }, false, ""},
}

// TestScalingUniverses checks the answers on the generated universes (their
// speed is measured by BenchmarkScaling, never asserted).
func TestScalingUniverses(t *testing.T) {
	for _, c := range scalingCases {
		t.Run(c.name, func(t *testing.T) {
			u := c.build()
			root := Package{Name: "root"}
			sol, ns, err := Solve(context.Background(), u, root, pep440.MustParse("1"), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if (sol != nil) != c.solvable {
				t.Fatalf("solvable = %v, want %v", sol != nil, c.solvable)
			}
			if sol == nil {
				t.Logf("explanation:\n%s", ns.Text())
				return
			}
			if err := u.check(root, pep440.MustParse("1"), sol); err != nil {
				t.Fatal(err)
			}
			if c.wantBoto3 != "" {
				i := slices.IndexFunc(sol.Packages, func(s Selected) bool { return s.Package == Package{Name: "boto3"} })
				if i < 0 || sol.Packages[i].Version.String() != c.wantBoto3 {
					t.Errorf("boto3 not selected as %s: %+v", c.wantBoto3, sol.Packages)
				}
			}
		})
	}
}

// peakHeap samples the live heap while f runs and returns the highest value seen
// above the level before f started.
func peakHeap(f func()) uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := read()
	var peak uint64
	var mu sync.Mutex
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(200 * time.Microsecond)
		defer tick.Stop()
		for {
			v := read()
			mu.Lock()
			peak = max(peak, v)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	f()
	close(done)
	wg.Wait()
	peak = max(peak, read())
	if peak < base {
		return 0
	}
	return peak - base
}

// BenchmarkScaling reports ns/op and the peak live heap of one solve
// ("peak-heap-B") on the generated universes.
func BenchmarkScaling(b *testing.B) {
	for _, c := range scalingCases {
		u := c.build()
		b.Run(c.name, func(b *testing.B) {
			var peak uint64
			for b.Loop() {
				peak = max(peak, peakHeap(func() {
					if _, _, err := Solve(context.Background(), u, Package{Name: "root"}, pep440.MustParse("1"), Options{}); err != nil {
						b.Fatal(err)
					}
				}))
			}
			b.ReportMetric(float64(peak), "peak-heap-B")
		})
	}
}

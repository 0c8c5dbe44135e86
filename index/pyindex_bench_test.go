package index

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/depsolve/depsolve/input"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/resolver"
)

// BenchmarkPyindex times metadata retrieval against pyindex (the project's
// local PEP 503/691 index, ../shared/tools/pyindex) serving resolvelib's
// cheroot snapshot (testdata/cheroot) with 50 ms of latency per request, the
// way a resolver asks: one project at a time, releases then metadata, in
// breadth-first order from the requirements through the expected resolution.
// It reports requests per walk besides the time.
//
//	DEPSOLVE_PYINDEX=$PWD/../shared/tools/pyindex go test -run '^$' -bench Pyindex -benchtime 3x ./index/
//
// Without DEPSOLVE_PYINDEX (or python3) it is skipped, so go test ./... needs
// neither. DEPSOLVE_PYINDEX_LATENCY_MS overrides the latency;
// DEPSOLVE_PYINDEX_FLAGS adds pyindex serve flags, e.g. "--no-metadata" to
// make every metadata read a range read of the wheel, or "--html-only".
func BenchmarkPyindex(b *testing.B) {
	script := os.Getenv("DEPSOLVE_PYINDEX")
	if script == "" {
		b.Skip("DEPSOLVE_PYINDEX is not set to the pyindex script")
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		b.Skip("no python3")
	}
	latency := os.Getenv("DEPSOLVE_PYINDEX_LATENCY_MS")
	if latency == "" {
		latency = "50"
	}
	work := b.TempDir()
	site := filepath.Join(work, "site")
	if out, err := exec.Command(python, script, "build", "testdata/cheroot/snapshot.json", site).CombinedOutput(); err != nil {
		b.Fatalf("pyindex build: %v\n%s", err, out)
	}
	portFile := filepath.Join(work, "port")
	args := append([]string{script, "serve", site, "--port-file", portFile, "--latency-ms", latency}, strings.Fields(os.Getenv("DEPSOLVE_PYINDEX_FLAGS"))...)
	serve := exec.Command(python, args...)
	if err := serve.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { serve.Process.Kill(); serve.Wait() })
	var port []byte
	for deadline := time.Now().Add(30 * time.Second); len(port) == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatal("pyindex serve did not start")
		}
		port, _ = os.ReadFile(portFile)
	}
	indexURL := fmt.Sprintf("http://127.0.0.1:%s/pypi/simple/", strings.TrimSpace(string(port)))

	var want struct {
		Requested []string          `json:"requested"`
		Resolved  map[string]string `json:"resolved"`
	}
	data, err := os.ReadFile("testdata/cheroot/case.json")
	if err != nil {
		b.Fatal(err)
	}
	if err := json.Unmarshal(data, &want); err != nil {
		b.Fatal(err)
	}
	env := pep508.Environment{
		"python_version": "3.11", "python_full_version": "3.11.9", "sys_platform": "linux",
		"platform_system": "Linux", "platform_machine": "x86_64", "os_name": "posix",
		"implementation_name": "cpython", "platform_python_implementation": "CPython",
		"platform_release": "", "platform_version": "", "implementation_version": "3.11.9",
	}
	newIx := func(cacheDir string, prefetch bool) *Index {
		opts := Options{
			Target: target(b, "3.11", "manylinux_2_35_x86_64"), IndexURL: indexURL,
			Cache: openCache(b, cacheDir), Environment: env,
			// pyindex's server (Python's ThreadingHTTPServer) closes every
			// connection and listens with a backlog of 5: more connections at
			// once overflow it, and the kernel's SYN retry costs a second.
			HTTP: HTTPOptions{Concurrency: 4},
		}
		if !prefetch {
			opts.MaxPrefetch = -1
		}
		ix, err := New(opts)
		if err != nil {
			b.Fatal(err)
		}
		return ix
	}
	walk := func(ix *Index) {
		ctx := context.Background()
		var queue []string
		for _, r := range want.Requested {
			req, err := pep508.ParseRequirement(r)
			if err != nil {
				b.Fatal(err)
			}
			queue = append(queue, req.Key())
		}
		seen := map[string]bool{}
		for len(queue) > 0 {
			name := queue[0]
			queue = queue[1:]
			if seen[name] {
				continue
			}
			seen[name] = true
			if _, err := ix.Releases(ctx, name); err != nil {
				b.Fatal(err)
			}
			md, err := ix.Metadata(ctx, name, pep440.MustParse(want.Resolved[name]))
			if err != nil || md.Unavailable != "" {
				b.Fatalf("%s: %+v, %v", name, md, err)
			}
			for _, r := range md.RequiresDist {
				e := pep508.Environment{"extra": ""}
				for k, v := range env {
					e[k] = v
				}
				if ok, err := r.Marker.Evaluate(e); (r.Marker.IsEmpty() || ok && err == nil) && want.Resolved[r.Key()] != "" {
					queue = append(queue, r.Key())
				}
			}
		}
		if len(seen) != len(want.Resolved) {
			b.Fatalf("walked %d projects, want %d", len(seen), len(want.Resolved))
		}
	}
	report := func(b *testing.B, total Stats) {
		n := float64(b.N)
		b.ReportMetric(float64(total.Requests)/n, "requests/op")
		b.ReportMetric(float64(total.Pages)/n, "pages/op")
		b.ReportMetric(float64(total.MetadataFiles)/n, "metadata-files/op")
		b.ReportMetric(float64(total.MetadataHits)/n, "metadata-cache-hits/op")
		b.ReportMetric(float64(total.RangeRequests)/n, "range-reads/op")
	}
	add := func(total *Stats, s Stats) {
		total.Requests += s.Requests
		total.Pages += s.Pages
		total.MetadataFiles += s.MetadataFiles
		total.MetadataHits += s.MetadataHits
		total.RangeRequests += s.RangeRequests
	}
	for _, prefetch := range []bool{true, false} {
		name := "cold"
		if !prefetch {
			name = "cold-no-prefetch"
		}
		b.Run(name, func(b *testing.B) {
			var total Stats
			for range b.N {
				ix := newIx(b.TempDir(), prefetch)
				walk(ix)
				ix.Close()
				add(&total, ix.Stats())
			}
			report(b, total)
		})
	}
	// The same through the resolver: the requests a real solve makes,
	// backtracking included.
	resolve := func(b *testing.B, ix *Index) {
		pb := &resolver.Problem{
			Environment: env, Index: ix,
			Virtual: []resolver.Virtual{{Name: "@python", Version: pep440.MustParse("3.11.9")}},
		}
		for _, r := range want.Requested {
			req, err := pep508.ParseRequirement(r)
			if err != nil {
				b.Fatal(err)
			}
			pb.Requirements = append(pb.Requirements, resolver.Requirement{Requirement: req, Origin: input.Position{File: "cheroot"}})
		}
		res, ns, err := resolver.Resolve(context.Background(), pb)
		if err != nil || ns != nil {
			b.Fatalf("resolve: %v %v", ns, err)
		}
		got := map[string]string{}
		for _, p := range res.Packages {
			got[p.Name] = p.Version.String()
		}
		for name, v := range want.Resolved {
			if !pep440.MustParse(got[name]).Equal(pep440.MustParse(v)) {
				b.Fatalf("resolved %s %s, want %s", name, got[name], v)
			}
		}
	}
	b.Run("resolve-cold", func(b *testing.B) {
		var total Stats
		for range b.N {
			ix := newIx(b.TempDir(), true)
			resolve(b, ix)
			ix.Close()
			add(&total, ix.Stats())
		}
		report(b, total)
	})
	b.Run("resolve-warm", func(b *testing.B) {
		dir := b.TempDir()
		ix := newIx(dir, true)
		resolve(b, ix)
		ix.Close()
		var total Stats
		b.ResetTimer()
		for range b.N {
			ix := newIx(dir, true)
			resolve(b, ix)
			ix.Close()
			add(&total, ix.Stats())
		}
		report(b, total)
	})
	b.Run("warm", func(b *testing.B) {
		dir := b.TempDir()
		ix := newIx(dir, true)
		walk(ix) // fills the cache with everything the walk needs
		ix.Close()
		var total Stats
		b.ResetTimer()
		for range b.N {
			ix := newIx(dir, true)
			walk(ix)
			ix.Close()
			add(&total, ix.Stats())
		}
		report(b, total)
	})
}

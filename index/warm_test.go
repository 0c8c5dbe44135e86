package index

import (
	"context"
	"fmt"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
)

// warmFixture is an index of n projects, each of one wheel with PEP 658 metadata
// naming a few dependencies, and the options of an Index on a cache that a first run
// has filled with all of them.
func warmFixture(t testing.TB, n int) (Options, []string) {
	f := newFakeIndex(t)
	f.cacheControl = "max-age=600"
	var names []string
	for i := range n {
		name := fmt.Sprintf("p%d", i)
		names = append(names, name)
		f.add("pypi", makeWheel(t, name+"-1.0-py3-none-any.whl", metadataText(name, "1.0",
			"Requires-Python: >=3.9",
			fmt.Sprintf("Requires-Dist: p%d>=1.0,<3", (i+1)%n),
			fmt.Sprintf("Requires-Dist: p%d>=0.5; python_version < \"3.11\"", (i+2)%n),
			fmt.Sprintf("Requires-Dist: p%d!=0.9,>=0.1", (i+3)%n),
			"Requires-Dist: pytest>=7; extra == \"test\"",
			"Provides-Extra: test"), 0))
	}
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	opts := Options{IndexURL: f.url("pypi"), Cache: openCache(t, t.TempDir()), Now: func() time.Time { return now }}
	ix := newIndex(t, opts)
	readAll(t, ix, names)
	readSizes(t, ix, names)
	return opts, names
}

// readSizes asks for the sizes of each project's file, as a check does for its pins.
func readSizes(t testing.TB, ix *Index, names []string) {
	for _, name := range names {
		s, err := ix.Sizes(context.Background(), name, pep440.MustParse("1.0"))
		if err != nil || s.Installed == 0 {
			t.Fatalf("%s: sizes %+v, %v", name, s, err)
		}
	}
}

// readAll asks for each project's releases and its metadata, as a resolver does.
func readAll(t testing.TB, ix *Index, names []string) {
	ctx := context.Background()
	for _, name := range names {
		rs, err := ix.Releases(ctx, name)
		if err != nil || len(rs) != 1 {
			t.Fatalf("%s: %d releases, %v", name, len(rs), err)
		}
		md, err := ix.Metadata(ctx, name, pep440.MustParse("1.0"))
		if err != nil || md.Unavailable != "" || len(md.RequiresDist) != 4 {
			t.Fatalf("%s: %+v, %v", name, md, err)
		}
	}
}

func goroutinesCreated() uint64 {
	s := []metrics.Sample{{Name: "/sched/goroutines-created:goroutines"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// A warm cache answers the Index without a goroutine per answer: each one's stack grew
// by copying through the cache's frames, which cost more than the answer itself.
func TestWarmReadsStartNoGoroutines(t *testing.T) {
	const n = 20
	opts, names := warmFixture(t, n)
	for _, prefetch := range []bool{false, true} {
		t.Run(fmt.Sprintf("prefetch=%v", prefetch), func(t *testing.T) {
			opts := opts
			if prefetch {
				opts.MaxPrefetch, opts.Environment = 2000, benchEnvironment
			}
			ix := newIndex(t, opts)
			defer ix.Close()
			before := goroutinesCreated()
			readAll(t, ix, names)
			readSizes(t, ix, names)
			// The cache's idle timer for its read handle may start one, and the
			// runtime its own; a goroutine per project, metadata or sizes read, or
			// per guess, would be 3n or more.
			if created := goroutinesCreated() - before; created >= n/2 {
				t.Errorf("a warm read of %d projects started %d goroutines, want fewer than %d", n, created, n/2)
			}
			if s := ix.Stats(); s.Requests != 0 || s.MetadataHits != n || s.SizeHits != n {
				t.Errorf("stats %+v; want no requests, and %d metadata and size hits", s, n)
			}
		})
	}
}

// benchEnvironment is CPython 3.11 on x86-64 Linux.
var benchEnvironment = pep508.Environment{
	"python_version": "3.11", "python_full_version": "3.11.9", "sys_platform": "linux",
	"platform_system": "Linux", "platform_machine": "x86_64", "os_name": "posix",
	"implementation_name": "cpython", "platform_python_implementation": "CPython",
	"platform_release": "", "platform_version": "", "implementation_version": "3.11.9",
}

// BenchmarkWarmMetadata reads the releases and the metadata of 40 projects from a warm
// cache, as a warm check does, with prefetching off and on (then the Index guesses
// each dependency's pick while the reads go on, and is closed after them).
// go test ./index -run '^$' -bench WarmMetadata -benchmem
func BenchmarkWarmMetadata(b *testing.B) {
	opts, names := warmFixture(b, 40)
	b.Run("no-prefetch", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			readAll(b, newIndex(b, opts), names)
		}
	})
	opts.MaxPrefetch, opts.Environment = 2000, benchEnvironment
	b.Run("prefetch", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ix := newIndex(b, opts)
			readAll(b, ix, names)
			ix.Close()
		}
	})
}

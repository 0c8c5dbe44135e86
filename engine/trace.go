package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/depsolve/depsolve/index"
	"github.com/depsolve/depsolve/resolver"
)

// An Event is one thing a run did, for a user who asks to see how it got its answer
// (depsolve -v): a request, a page from the cache, the index a project comes from, a
// newer version passed over and why, the time a phase took.
type Event struct {
	// Verbosity is how much the user must ask for to see it: 1 for what explains a
	// run (-v), 2 for the detail (-vv).
	Verbosity int
	Kind      string // request, cache, index, skip or time
	Text      string // one line
}

// A Tracer is a Reporter that also hears the run's events. Calls may come from
// several goroutines at once.
type Tracer interface {
	Trace(Event)
}

// tracer is the Reporter as a Tracer, or nil: a run nobody traces builds no events.
func (s *session) tracer() Tracer {
	t, _ := s.report.(Tracer)
	return t
}

// indexTrace passes the index's events on.
func (s *session) indexTrace() func(index.TraceEvent) {
	t := s.tracer()
	if t == nil {
		return nil
	}
	return func(e index.TraceEvent) {
		level := 1
		if e.Detail {
			level = 2
		}
		t.Trace(Event{Verbosity: level, Kind: e.Kind, Text: e.Text})
	}
}

// phase times a phase of the run that asks the index: the returned function tells the
// time it took and the requests it made.
func (s *session) phase(name string, ix *index.Index) (done func()) {
	t := s.tracer()
	if t == nil {
		return func() {}
	}
	start, before := time.Now(), ix.Stats()
	return func() {
		after := ix.Stats()
		t.Trace(Event{Verbosity: 1, Kind: "time", Text: fmt.Sprintf("%s: %dms, %d requests, %d bytes read, %d pages from the cache",
			name, time.Since(start).Milliseconds(), after.Requests-before.Requests, after.Bytes-before.Bytes, after.PageCacheHits-before.PageCacheHits)})
	}
}

// traceSkipped tells, for each pin, the newer versions the resolution passed over and
// why: yanked, no file for the target, Requires-Python, a pre-release. A version the
// requirements themselves rule out is detail (-vv): that is what specifiers are for.
// The releases are those the resolution listed, held by the index: no request is made.
func (s *session) traceSkipped(ctx context.Context, ix *index.Index, res *resolver.Resolution, pre bool) {
	t := s.tracer()
	if t == nil {
		return
	}
	python := s.target.Python
	for _, p := range res.Packages {
		rels, err := ix.Releases(ctx, p.Name)
		if err != nil {
			continue // listed during the resolution; an error now only means cancellation
		}
		for _, r := range rels {
			if r.Version.Compare(p.Version) <= 0 {
				continue
			}
			level, why := 1, ""
			switch {
			case r.Unavailable != "":
				why = r.Unavailable
			case r.Yanked:
				why = "yanked"
			case python.Known() && !resolver.RequiresPythonAllows(r.RequiresPython, python.Version):
				why = fmt.Sprintf("Requires-Python %s excludes the target's Python %s", r.RequiresPython, python.Text)
			case r.Version.IsPrerelease() && !pre && !p.Version.IsPrerelease():
				why = "a pre-release, and a final release fits (--pre allows pre-releases)"
			default:
				level, why = 2, "ruled out by the requirements or the matrix"
			}
			t.Trace(Event{Verbosity: level, Kind: "skip", Text: fmt.Sprintf("%s %s: %s (%s %s selected)", p.Name, r.Version, why, p.Name, p.Version)})
		}
	}
}

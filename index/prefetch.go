package index

import (
	"maps"
	"slices"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/resolver"
)

// Prefetching makes a cold resolve cost about (depth of the graph) round trips
// rather than (number of packages) round trips. The resolver asks for one
// thing at a time; behind its back the Index guesses what it will ask next and
// fetches it in parallel:
//
//   - when the resolver lists a project's releases, the metadata of the version
//     it will most likely pick (the newest usable one) is fetched;
//   - when metadata arrives, the pages of its dependencies are fetched (with those
//     of the extras requirements ask of the project), and then the metadata of each
//     one's likely pick within the dependency's specifier;
//   - when the resolver asks for a version older than one it asked for before, it
//     has ruled that one out and is walking down the releases: the metadata of the
//     next few older versions is fetched beside the one asked for;
//   - while a stale cached page is revalidated, the cache is read on as if the
//     page had not changed: its view, its likely pick's metadata, and so on to
//     its dependencies, whose pages are revalidated at the same time (see
//     speculate). A revalidating run then costs about one round trip, not one
//     per level of the graph.
//
// Guesses share the memo and the in-flight de-duplication of real calls, so a
// real call for something being prefetched waits for it instead of asking
// again; the client's concurrency limit bounds the requests in flight;
// Options.MaxPrefetch bounds the number of guesses; failures are dropped (the
// real call will retry and report). Close stops it, and waits for the guesses
// in flight to end. What the cache answers is guessed at once, in the caller's
// goroutine (see guess): only guesses that need the network run behind its back,
// and only once the Index sends its first request (see start). Until then they are
// held: a warm run whose resolver settles on a version it has in the cache sends none
// of the requests for the older ones guessed beside it, and a cold run loses nothing,
// the resolver's first request coming a fraction of a millisecond after the first
// guesses.

// Prefetch starts fetching the pages of the given requirements, and the likely
// picks' metadata, without waiting for the network: the engine calls it with the root
// requirements before the resolver starts. What the cache answers it reads at once, in
// the caller's goroutine, so a warm run reads the graph once and the resolver finds it
// read; a goroutine reading beside the resolver cost a warm run of 37 packages a
// millisecond and a half of CPU (two readers waiting on each other) and saved no time
// on two cores. Guesses that need the network run behind its back, once a request
// has gone out.
func (ix *Index) Prefetch(reqs ...pep508.Requirement) {
	for _, r := range reqs {
		ix.prefetchRequirement(r, nil)
	}
}

// guess starts j, if the prefetch budget allows one more guess, without waiting for
// it, and then, when not nil, runs then on its result. A guess the cache answers runs
// in the caller's goroutine, then included: a warm run guesses its way through the
// whole graph in a few milliseconds, and a goroutine for each guess cost more than the
// guess. One that needs the network goes on in goroutines Close waits for: pending.
func (ix *Index) guess(j job, then func(v any)) (pending bool) {
	ix.mu.Lock()
	if ix.opts.MaxPrefetch < 0 || ix.prefetchN >= ix.opts.MaxPrefetch || ix.ctx.Err() != nil {
		ix.mu.Unlock()
		return false
	}
	ix.prefetchN++
	ix.mu.Unlock()
	f, landed := ix.start(j, true)
	switch {
	case then == nil:
	case landed:
		if f.err == nil {
			then(f.val)
		}
	case ix.track():
		go func() {
			defer ix.work.Done()
			if v, err := f.wait(ix.ctx); err == nil {
				then(v)
			}
		}()
	}
	return !landed
}

// prefetchRelease fetches the metadata of the newest usable version of p that
// spec allows.
func (ix *Index) prefetchRelease(p *project, spec pep440.SpecifierSet) {
	v, ok := ix.likelyPick(p, spec)
	if !ok {
		return
	}
	if _, done := ix.loadedMetadata(p.name, v); done {
		return
	}
	ix.guess(ix.metadataJob(p.name, v), nil) // a guess: failures are the real call's to report
}

// likelyPick is the version of p the resolver most likely picks within spec: the
// newest usable one.
func (ix *Index) likelyPick(p *project, spec pep440.SpecifierSet) (pep440.Version, bool) {
	picks := spec.Filter(ix.usableVersions(p), ix.opts.Prereleases)
	if len(picks) == 0 {
		return pep440.Version{}, false
	}
	return picks[0], true
}

// usableVersions lists the versions of p the resolver may pick for the target, newest
// first.
func (ix *Index) usableVersions(p *project) []pep440.Version {
	var versions []pep440.Version
	for _, r := range p.releases {
		if r.release.Unavailable == "" && !r.release.Yanked && ix.pythonAllows(r.release.RequiresPython) {
			versions = append(versions, r.release.Version)
		}
	}
	return versions
}

// olderGuesses is how many versions below the one asked for prefetchOlder fetches. A
// resolver that rules out a version usually rules out the next few for the same
// reason (they share a dependency the solution cannot have), each one a round trip
// when asked for one at a time; a window this wide walks down a typical run of them
// in one or two round trips, and wastes at most this many fetches (with their size
// reads) for each project the resolver walks down.
const olderGuesses = 4

// prefetchOlder fetches, when the resolver asks for version v of project name below a
// version of it that it asked for before (and so ruled out), the metadata of the next
// olderGuesses usable versions below v, beside v's: the resolver's next questions if
// v is ruled out too. A first question, even for an old version (a pin such as
// six<1.12), guesses nothing.
func (ix *Index) prefetchOlder(name string, v pep440.Version) {
	ix.mu.Lock()
	newest, asked := ix.asked[name]
	if !asked || v.Compare(newest) > 0 {
		ix.asked[name] = v
	}
	ix.mu.Unlock()
	if !asked || v.Compare(newest) >= 0 {
		return
	}
	p := ix.loadedProject(name)
	if p == nil {
		return
	}
	n := 0
	for _, w := range (pep440.SpecifierSet{}).Filter(ix.usableVersions(p), ix.opts.Prereleases) {
		if w.Compare(v) >= 0 {
			continue
		}
		if n++; n > olderGuesses {
			return
		}
		if _, done := ix.loadedMetadata(name, w); !done {
			ix.guess(ix.metadataJob(name, w), nil) // a guess: failures are the real call's to report
		}
	}
}

// prefetchDependencies fetches what the resolver will need after md, the metadata of a
// version of project name: its dependencies, with those of the extras that requirements
// ask of name (pandas[test] needs pytest, which the resolver asks for one page after
// another). Extras first asked of name after md landed are not guessed at.
func (ix *Index) prefetchDependencies(name string, md resolver.Metadata) {
	ix.mu.Lock()
	extras := ix.extras[name]
	ix.mu.Unlock()
	for _, r := range md.RequiresDist {
		ix.prefetchRequirement(r, extras)
	}
}

// prefetchRequirement fetches the page of r's project and its likely pick's metadata,
// when r's marker may hold for the target without extras or with one of extras, those
// asked of the project that depends on r.
func (ix *Index) prefetchRequirement(r pep508.Requirement, extras []string) {
	if r.URL != "" || !ix.applies(r.Marker, extras) {
		return
	}
	name := r.Key()
	ix.askExtras(name, r.Extras)
	if p := ix.loadedProject(name); p != nil {
		ix.prefetchRelease(p, r.Specifier)
		return
	}
	pending := ix.guess(ix.projectJob(name), func(v any) { ix.prefetchRelease(v.(*project), r.Specifier) })
	ix.mu.Lock()
	first := !ix.stale[name]
	ix.stale[name] = true
	ix.mu.Unlock()
	// Only a guess the cache could not answer may be a revalidation to read on past: a
	// warm run, answered from fresh pages, pays nothing for speculating.
	if pending && first && ix.track() {
		go func() {
			defer ix.work.Done()
			ix.speculate(name, r.Specifier)
		}()
	}
}

// speculate reads on in the cache past a stale page of project name while the
// guess beside it revalidates the page: its view, the likely pick within spec, that
// version's cached metadata, and then prefetches its dependencies, as if the page had
// not changed. Most revalidations answer 304, so the dependencies' pages are
// revalidated in the same round trip as the page rather than one round trip later.
// Nothing it reads is kept: the resolver is answered from the revalidated page, so a
// page that did change costs only requests. It reads only what needs no request,
// and does nothing when the page is fresh (the real load costs no request either),
// missing (a cold run), or not the project's only page (find-links, or
// several indexes merged).
func (ix *Index) speculate(name string, spec pep440.SpecifierSet) {
	findLinks, indexes := ix.sourcesOf(name)
	if ix.opts.Offline || len(findLinks) > 0 || len(indexes) == 0 || len(indexes) > 1 && ix.opts.Strategy == UnsafeBestMatch {
		return
	}
	src := indexes[0]
	pageURL := projectPageURL(src, name)
	head, found, err := ix.opts.Cache.GetPageHead(pageURL)
	if err != nil || !found || ix.usable(head) {
		return
	}
	pages := []sourcePage{{src, pageURL, &fetchedPage{key: head.ParsedKey, unread: true}}}
	p, _, ok := ix.cachedView(ix.viewKey(name, pages), name, pages)
	if !ok {
		return
	}
	v, ok := ix.likelyPick(p, spec)
	if !ok {
		return
	}
	r := p.find(v)
	if r.load() != nil {
		return
	}
	c := r.best()
	if c == nil || c.localPath != "" {
		return
	}
	if m, found, err := ix.cachedCoreMetadata(c); err == nil && found {
		if md := convert(name, v, c, m); md.Unavailable == "" {
			ix.prefetchDependencies(name, md)
		}
	}
}

// pythonAllows reports whether a Requires-Python admits the Environment's
// python_full_version; without one, every release is a candidate.
func (ix *Index) pythonAllows(spec pep440.SpecifierSet) bool {
	return ix.python == nil || spec.Contains(*ix.python)
}

// applies reports whether a dependency's marker may hold for the target without
// extras or with one of extras; with no Environment only unconditional dependencies do.
func (ix *Index) applies(m pep508.Marker, extras []string) bool {
	if m.IsEmpty() {
		return true
	}
	if ix.noExtras == nil {
		return false
	}
	if ok, err := m.Evaluate(ix.noExtras); err == nil && ok {
		return true
	}
	for _, e := range extras {
		withExtra := maps.Clone(ix.noExtras)
		withExtra["extra"] = e
		if ok, err := m.Evaluate(withExtra); err == nil && ok {
			return true
		}
	}
	return false
}

// askExtras records extras as asked of project name, for prefetchDependencies.
func (ix *Index) askExtras(name string, extras []string) {
	if len(extras) == 0 {
		return
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, e := range extras {
		if e = pep508.NormalizeExtra(e); !slices.Contains(ix.extras[name], e) {
			ix.extras[name] = append(ix.extras[name], e)
		}
	}
}

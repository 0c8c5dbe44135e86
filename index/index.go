package index

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/depsolve/depsolve/cache"
	"github.com/depsolve/depsolve/pep425"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/redact"
	"github.com/depsolve/depsolve/resolver"
)

// DefaultIndexURL is PyPI's simple API.
const DefaultIndexURL = "https://pypi.org/simple/"

// Strategy says how several indexes share a project.
type Strategy uint8

const (
	// FirstIndex takes a project from the first index that has a page for it and
	// never asks the later ones: a name registered on a public index cannot
	// shadow a private one (dependency confusion).
	FirstIndex Strategy = iota
	// UnsafeBestMatch merges the versions of every index; a version on several
	// indexes takes its files from the first. Unsafe: anyone who can publish
	// on any of the indexes can supply a newer version.
	UnsafeBestMatch
)

// ParseStrategy reads the --index-strategy values "first-index" and
// "unsafe-best-match".
func ParseStrategy(s string) (Strategy, error) {
	switch s {
	case "first-index", "":
		return FirstIndex, nil
	case "unsafe-best-match":
		return UnsafeBestMatch, nil
	}
	return 0, fmt.Errorf("index strategy %q: want first-index or unsafe-best-match", s)
}

// Options configure an Index.
type Options struct {
	// Target decides which files are usable. Required.
	Target pep425.Target
	// IndexURL is the default index; "" means DefaultIndexURL. ExtraIndexURLs
	// come before it, in order, as in uv. NoIndex drops every index, as pip's
	// --no-index ignores --index-url and --extra-index-url alike: the FindLinks
	// locations are all there is, for every project (PinnedIndexes are dropped too).
	IndexURL       string
	ExtraIndexURLs []string
	NoIndex        bool
	// PinnedIndexes take each project named (PEP 503) from the one index given (its
	// URL) and from nowhere else: no other index and no find-links location, whatever the
	// strategy, as uv's [tool.uv.sources] NAME = { index = ... } pins it. The index need
	// not be among the others (uv's explicit indexes serve only the projects pinned to them).
	PinnedIndexes map[string]string
	// FindLinks are local folders (paths or file: URLs) and HTML pages of links
	// (http(s) URLs). Their files join every project's, ahead of the indexes'.
	FindLinks []string
	Strategy  Strategy
	// TrustedHosts may be reached over plain HTTP (host or host:port).
	TrustedHosts []string
	// OnlyBinary and NoBinary take ":all:", ":none:" or project names, as pip's
	// options: OnlyBinary projects use wheels only, NoBinary projects sdists only.
	OnlyBinary, NoBinary []string
	// ExcludeNewer, when set, leaves out the files uploaded after it, and those whose
	// upload time the index does not give (PEP 700): a re-lock sees what the index held
	// then. FinalOnly makes every pre-release and development release unavailable.
	// Rule names the rule that sets them, as the reason of a release they rule out
	// cites it: "the policy's exclude-newer (policy.toml:31)".
	ExcludeNewer                    time.Time
	FinalOnly                       bool
	ExcludeNewerRule, FinalOnlyRule string
	// OnlyBinaryRule names the rule that makes OnlyBinary ":all:" where the user did
	// not ask for it ("your platform's policy (policy.toml:5, only-binary = true)"), as
	// the reason of a release left with only an sdist cites it; "" for the user's own.
	OnlyBinaryRule string
	// Cache holds pages and metadata between runs; nil caches nothing.
	Cache *cache.Cache
	// Offline answers from the cache and local folders only; anything else is
	// an error that says what is missing (errors.Is(err, ErrOffline)).
	Offline bool
	// Refresh revalidates every cached page, however fresh.
	Refresh bool
	// Environment, when set, lets prefetching skip dependencies whose marker is
	// false for the target. Nil: only dependencies without a marker are
	// prefetched.
	Environment pep508.Environment
	// Prereleases is the policy prefetching uses to guess which version the
	// resolver will pick.
	Prereleases pep440.Prereleases
	// MaxPrefetch bounds the speculative metadata fetches of one Index. Zero
	// means 2000; negative turns prefetching off.
	MaxPrefetch int
	// PrefetchSizes looks up the sizes of a release's wheel beside its metadata's
	// request (see prefetchSizes), for a caller that will ask Sizes of the versions
	// its resolver picks. A release fetched and then not picked costs a range read
	// for nothing.
	PrefetchSizes bool
	HTTP          HTTPOptions
	// TempDir holds whole-file downloads while their metadata is read; "" means the
	// system's temporary folder. RemoveStaleDownloads sweeps what a killed run left in it.
	TempDir string
	// Warn is told, one call at a time, what the index passes over that the user
	// should know of: a link in a find-links folder that cannot be followed, a file
	// of a page whose values cannot be right (left out; the page is still used).
	// Messages are one line each; values from a page in them are quoted. nil drops
	// them.
	Warn func(msg string)
	// Now is the clock for cache freshness; nil means time.Now.
	Now func() time.Time
	// Trace, when set, hears what the index does (TraceEvent), for a user who asks;
	// it may be called concurrently. nil drops the events unbuilt.
	Trace func(TraceEvent)
}

// ErrOffline is wrapped by the errors of an offline Index that needs the
// network.
var ErrOffline = errors.New("offline")

// OfflineError is something an offline run could not find in the cache.
type OfflineError struct {
	What string // "project page https://…/torch/", "metadata of torch-2.5.1-….whl"
}

func (e *OfflineError) Error() string {
	return e.What + " is not in the cache, and --offline forbids fetching it"
}

func (e *OfflineError) Unwrap() error { return ErrOffline }

// Hint returns advice for an error of this package, or "".
func Hint(err error) string {
	var he *HTTPError
	var pe *PolicyError
	var tl *tooLargeError
	var re *rangeError
	switch {
	case errors.Is(err, ErrOffline):
		return "run once without --offline to fill the cache"
	case errors.As(err, &tl):
		return "depsolve stops reading there, so that a broken or hostile server cannot exhaust memory or disk; check that the URL is a Python package index, or ask its operator about the file"
	case errors.As(err, &re):
		return "the server answers range requests wrongly; check that the URL is a Python package index, or ask its operator, or use another index"
	case errors.As(err, &pe):
		return "plain HTTP sends packages and credentials unprotected; prefer an https URL"
	case errors.As(err, &he):
		return he.hint()
	}
	return ""
}

// source is an index or a find-links location.
type source struct {
	display string   // redacted, for output
	base    *url.URL // index or find-links page URL, without userinfo
	dir     string   // find-links folder
	isIndex bool
}

// Index answers the resolver from package indexes and find-links. It
// implements resolver.Index. Its methods are safe for concurrent use. Close it
// when done, to stop prefetching.
type Index struct {
	opts      Options
	supported *pep425.Supported
	targetKey string // targetKeyOf(supported), for view keys
	client    *client
	stats     stats
	findLinks []*source
	indexes   []*source
	pinned    map[string]*source // by project: Options.PinnedIndexes

	ctx    context.Context // for shared work, which outlives any one caller
	cancel context.CancelFunc
	// work counts the goroutines doing I/O for the Index (shared work, prefetch
	// guesses), for Close to wait on. Each Add happens under mu while ctx is live,
	// and Close cancels ctx under mu: no Add can follow Close's Wait.
	work sync.WaitGroup

	python *pep440.Version // the Environment's python_full_version, for guesses
	// noExtras is the Environment with extra "", for guesses; nil without one.
	noExtras pep508.Environment

	mu        sync.Mutex
	flights   map[string]*flight // shared work in progress, by key
	projects  map[string]*project
	metadata  map[string]resolver.Metadata // name + " " + version
	pages     map[string]*fetchedPage      // find-links pages and folders by location
	hashes    map[string]digest            // computed hashes of files by URL
	sizes     map[string]cache.Sizes       // wheel sizes by URL
	prefetchN int
	// held is the work of the guesses the cache could not answer, until a request goes
	// out (reached): a run the cache answers whole sends none.
	held    []flightWork
	reached bool
	stale   map[string]bool // projects speculated on from a stale cached page (see speculate)
	// asked is, by project, the newest version the resolver asked the metadata of (see
	// prefetchOlder).
	asked map[string]pep440.Version
	// extras is, by project, the extras requirements ask of it, normalized (see
	// prefetchDependencies).
	extras map[string][]string

	warnMu sync.Mutex // Options.Warn is called one at a time
}

func (ix *Index) warn(msg string) {
	if ix.opts.Warn == nil {
		return
	}
	ix.warnMu.Lock()
	defer ix.warnMu.Unlock()
	ix.opts.Warn(msg)
}

var _ resolver.Index = (*Index)(nil)

// SourceError is a package source New refuses: what it is ("index URL"), its location
// as given in Options, so that the caller can say where it was given, and why.
type SourceError struct {
	Kind, Location string
	Err            error
}

func (e *SourceError) Error() string { return e.Kind + ": " + e.Err.Error() }
func (e *SourceError) Unwrap() error { return e.Err }

// New checks the options and returns an Index. It does no I/O.
func New(opts Options) (*Index, error) {
	supported, err := pep425.NewSupported(opts.Target)
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxPrefetch == 0 {
		opts.MaxPrefetch = 2000
	}
	ix := &Index{
		opts:      opts,
		supported: supported,
		targetKey: targetKeyOf(supported),
		flights:   map[string]*flight{},
		projects:  map[string]*project{},
		metadata:  map[string]resolver.Metadata{},
		pages:     map[string]*fetchedPage{},
		hashes:    map[string]digest{},
		sizes:     map[string]cache.Sizes{},
		stale:     map[string]bool{},
		asked:     map[string]pep440.Version{},
		extras:    map[string][]string{},
	}
	if opts.Environment != nil {
		ix.noExtras = maps.Clone(opts.Environment)
		ix.noExtras["extra"] = ""
	}
	if v, err := pep440.Parse(opts.Environment["python_full_version"]); err == nil {
		ix.python = &v
	}
	ix.client = newClient(opts.HTTP, opts.TrustedHosts, &ix.stats)
	ix.client.sending = ix.reachOut
	ix.client.trace = opts.Trace
	ix.ctx, ix.cancel = context.WithCancel(context.Background())

	for _, loc := range opts.FindLinks {
		s, err := ix.newSource(loc, false)
		if err != nil {
			return nil, &SourceError{Kind: "--find-links", Location: loc, Err: err}
		}
		ix.findLinks = append(ix.findLinks, s)
	}
	if opts.NoIndex {
		return ix, nil
	}
	def := opts.IndexURL
	if def == "" {
		def = DefaultIndexURL
	}
	urls := append(slices.Clone(opts.ExtraIndexURLs), def)
	seen := map[string]bool{}
	for _, raw := range urls {
		s, err := ix.newSource(raw, true)
		if err != nil {
			return nil, &SourceError{Kind: "index URL", Location: raw, Err: err}
		}
		if !seen[s.base.String()] {
			seen[s.base.String()] = true
			ix.indexes = append(ix.indexes, s)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(opts.PinnedIndexes)) {
		s, err := ix.newSource(opts.PinnedIndexes[name], true)
		if err != nil {
			return nil, &SourceError{Kind: "index URL of " + name, Location: opts.PinnedIndexes[name], Err: err}
		}
		if ix.pinned == nil {
			ix.pinned = map[string]*source{}
		}
		ix.pinned[name] = s
	}
	return ix, nil
}

// sourcesOf are the find-links locations and the indexes a project is looked for in.
func (ix *Index) sourcesOf(name string) (findLinks, indexes []*source) {
	if s, ok := ix.pinned[name]; ok {
		return nil, []*source{s}
	}
	return ix.findLinks, ix.indexes
}

func (ix *Index) newSource(loc string, isIndex bool) (*source, error) {
	if !isIndex && !strings.Contains(loc, "://") {
		abs, err := filepath.Abs(loc)
		if err != nil {
			return nil, err
		}
		// Shown as given, so that what records the folder (a lock, a report) is the same
		// in every checkout.
		return &source{display: loc, dir: abs}, nil
	}
	u, err := url.Parse(loc)
	if err != nil {
		// url.Parse's message quotes pieces of the raw URL (a password with '/' in it
		// reads as an "invalid port"), so it is not repeated here.
		return nil, fmt.Errorf("%s is not a valid URL: characters such as '/', '?', '#' and '@' in a user name or password must be percent-encoded (%%2F, %%3F, %%23, %%40)", redact.URL(loc))
	}
	if u.Scheme == "file" && !isIndex {
		return &source{display: redact.URL(loc), dir: u.Path}, nil
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%s: not an absolute http(s) URL", redact.URL(loc))
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("%s: port %s is not one of 1 to 65535", redact.URL(loc), p)
		}
	}
	base, user := stripUserinfo(u)
	base.Fragment, base.RawFragment = "", ""
	if isIndex && !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
		if base.RawPath != "" {
			base.RawPath += "/"
		}
	}
	if err := ix.client.checkPolicy(base); err != nil {
		return nil, err
	}
	ix.client.addCredentials(base, user)
	return &source{display: redact.URL(u.String()), base: base, isIndex: isIndex}, nil
}

// Close ends the Index: prefetching stops, and calls in flight or made later
// fail with context.Canceled. It returns once no request or cache write of the
// Index is running. The CLI defers it.
func (ix *Index) Close() {
	ix.mu.Lock()
	ix.cancel()
	ix.mu.Unlock()
	ix.work.Wait()
}

// track registers a goroutine of the Index's own (call done when it ends); false,
// with nothing registered, once the Index is closed.
func (ix *Index) track() bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.ctx.Err() != nil {
		return false
	}
	ix.work.Add(1)
	return true
}

// Stats reports what the Index has done so far.
func (ix *Index) Stats() Stats { return ix.stats.snapshot() }

// IndexURLs returns the indexes in the order they are asked, redacted.
func (ix *Index) IndexURLs() []string {
	var out []string
	for _, s := range ix.indexes {
		out = append(out, s.display)
	}
	return out
}

// A flight is shared work in progress: the callers that ask for its key meanwhile wait
// for its result.
type flight struct {
	done chan struct{}
	val  any
	err  error
	// wanted: a call that is no guess waits for it, so its work may not be held; set
	// under the Index's mu, which its owner takes to decide.
	wanted bool
}

// A job is work for shared: key names it, so that it runs once at a time; cached,
// when not nil, answers from what the Index and the cache hold, without the network,
// or says ok false; fn does the whole work.
type job struct {
	key    string
	cached func() (v any, ok bool)
	fn     func(ctx context.Context) (any, error)
}

// shared runs j once at a time: cached first, in the caller's goroutine, then, if it
// did not answer, fn in a goroutine of its own, detached from the caller's context
// (other callers may be waiting on it), which the caller waits for under ctx. A warm
// run answers nearly everything from the cache, and a goroutine for each answer cost
// more than the answer: its stack grew, by copying, through the frames of the cache
// and bbolt.
func (ix *Index) shared(ctx context.Context, j job) (any, error) {
	f, landed := ix.start(j, false)
	if landed {
		return f.val, f.err
	}
	return f.wait(ctx)
}

// A flightWork is the work of a flight, which a guess's flight holds until a request
// goes out.
type flightWork struct {
	key string
	f   *flight
	fn  func(ctx context.Context) (any, error)
}

// start is shared without the waiting: it returns the flight of j, landed when it
// ended in the caller's goroutine (cached answered, or the Index is closed), else
// running in a goroutine, started now or before. A guess that cached does not answer
// is held until the first request of the Index goes out (reachOut), or a call that is
// no guess joins its flight (and then it alone goes on: its work may need the cache
// only, as a project whose 404 is kept does): a run the cache answers whole sends no
// request for the guesses it never needed, such as older versions beside the one the
// resolver settles on.
func (ix *Index) start(j job, guess bool) (f *flight, landed bool) {
	if err := ix.ctx.Err(); err != nil {
		return &flight{err: err}, true // closed
	}
	ix.mu.Lock()
	if f := ix.flights[j.key]; f != nil {
		var wanted []flightWork
		if !guess {
			// Held already: it goes now. Not yet (its owner is reading the cache):
			// wanted keeps its owner from holding it.
			f.wanted = true
			if i := slices.IndexFunc(ix.held, func(w flightWork) bool { return w.f == f }); i >= 0 {
				wanted = []flightWork{ix.held[i]}
				ix.held = slices.Delete(ix.held, i, i+1)
			}
		}
		ix.mu.Unlock()
		ix.launch(wanted)
		return f, false
	}
	f = &flight{done: make(chan struct{})}
	ix.flights[j.key] = f
	ix.mu.Unlock()
	if j.cached != nil {
		if v, ok := j.cached(); ok {
			ix.land(j.key, f, v, nil)
			return f, true
		}
	}
	work := flightWork{j.key, f, j.fn}
	ix.mu.Lock()
	if guess && !ix.reached && !f.wanted {
		ix.held = append(ix.held, work)
		ix.mu.Unlock()
		return f, false
	}
	ix.mu.Unlock()
	ix.launch([]flightWork{work})
	return f, false
}

// reachOut lets the held guesses go, and those made later go at once: the client
// calls it before each request.
func (ix *Index) reachOut() {
	ix.mu.Lock()
	ix.reached = true
	held := ix.held
	ix.held = nil
	ix.mu.Unlock()
	ix.launch(held)
}

// launch runs each work in a goroutine of its own; once the Index is closed, its
// flight lands with the context's error instead.
func (ix *Index) launch(work []flightWork) {
	for _, w := range work {
		if !ix.track() {
			ix.land(w.key, w.f, nil, ix.ctx.Err())
			continue
		}
		go func() {
			defer ix.work.Done()
			v, err := w.fn(ix.ctx)
			ix.land(w.key, w.f, v, err)
		}()
	}
}

// land ends the flight f of key with its result.
func (ix *Index) land(key string, f *flight, v any, err error) {
	f.val, f.err = v, err
	ix.mu.Lock()
	delete(ix.flights, key)
	ix.mu.Unlock()
	close(f.done)
}

func (f *flight) wait(ctx context.Context) (any, error) {
	select {
	case <-f.done:
		return f.val, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Releases lists the versions of a project, newest first. A project no source
// knows has no releases: that is an answer, not an error.
func (ix *Index) Releases(ctx context.Context, name string) ([]resolver.Release, error) {
	p, err := ix.project(ctx, name)
	if err != nil {
		return nil, err
	}
	out := make([]resolver.Release, len(p.releases))
	for i, r := range p.releases {
		out[i] = r.release
	}
	return out, nil
}

// Files returns the files of version v a lockfile records for the target: its
// usable files, best first, leaving out yanked ones unless all are yanked.
func (ix *Index) Files(ctx context.Context, name string, v pep440.Version) ([]File, error) {
	r, err := ix.release(ctx, name, v)
	if err != nil {
		return nil, err
	}
	var out []File
	for _, c := range r.lockFiles() {
		f := c.File
		if f.SHA256 == "" {
			sum, size, err := ix.computeHash(ctx, c)
			if err != nil {
				return nil, err
			}
			f.SHA256, f.Size = sum, size
		}
		out = append(out, f)
	}
	return out, nil
}

// Yanked reports whether the index marks version v yanked: every file of it the target
// can use is. A version the index does not list is not.
func (ix *Index) Yanked(ctx context.Context, name string, v pep440.Version) (bool, error) {
	p, err := ix.project(ctx, name)
	if err != nil {
		return false, err
	}
	r := p.find(v)
	return r != nil && r.release.Yanked, nil
}

// SourceOnly names the source distribution an installer would build for version v on
// the target: the file it takes when no wheel of v is usable there; "" when one is.
func (ix *Index) SourceOnly(ctx context.Context, name string, v pep440.Version) (string, error) {
	r, err := ix.release(ctx, name, v)
	if err != nil {
		return "", err
	}
	best := r.best()
	if best == nil || strings.HasSuffix(strings.ToLower(best.Filename), ".whl") {
		return "", nil
	}
	return best.Filename, nil
}

func (ix *Index) release(ctx context.Context, name string, v pep440.Version) (*release, error) {
	p, err := ix.project(ctx, name)
	if err != nil {
		return nil, err
	}
	r := p.find(v)
	if r == nil {
		return nil, fmt.Errorf("%s %s: no such version on %s", name, v, p.where())
	}
	if err := r.load(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return r, nil
}

func (ix *Index) project(ctx context.Context, name string) (*project, error) {
	if name != pep508.NormalizeName(name) || name == "" {
		return nil, fmt.Errorf("project name %q is not PEP 503-normalized", name)
	}
	if p := ix.loadedProject(name); p != nil {
		return p, nil
	}
	v, err := ix.shared(ctx, ix.projectJob(name))
	if err != nil {
		return nil, err
	}
	return v.(*project), nil
}

// projectJob loads project name for shared, and keeps it.
func (ix *Index) projectJob(name string) job {
	keep := func(p *project) {
		ix.mu.Lock()
		ix.projects[name] = p
		ix.mu.Unlock()
	}
	return job{key: "project " + name, cached: func() (any, bool) {
		// A flight for the project may have ended since loadedProject was asked.
		if p := ix.loadedProject(name); p != nil {
			return p, true
		}
		p := ix.cachedProject(name)
		if p == nil {
			return nil, false
		}
		keep(p)
		return p, true
	}, fn: func(ctx context.Context) (any, error) {
		p, err := ix.loadProject(ctx, name)
		if err != nil {
			return nil, err
		}
		keep(p)
		return p, nil
	}}
}

// loadedProject is the project name as this Index has loaded it, or nil.
func (ix *Index) loadedProject(name string) *project {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.projects[name]
}

// cachedProject is loadProject for a project that a warm cache answers alone, or nil:
// a project of index pages whose heads are in the cache and usable as they are, and
// whose view is cached. It reads neither the pages nor their parsed forms.
func (ix *Index) cachedProject(name string) *project {
	findLinks, indexes := ix.sourcesOf(name)
	if len(findLinks) > 0 || len(indexes) == 0 {
		return nil
	}
	if ix.opts.Strategy == FirstIndex {
		// The first index's page, if it is cached with a head, is there: later
		// indexes are not asked. A cached "not found" has no head, and goes the long way.
		indexes = indexes[:1]
	}
	pages := make([]sourcePage, len(indexes))
	pageURLs := make([]string, len(indexes))
	for i, s := range indexes {
		pageURLs[i] = projectPageURL(s, name)
	}
	_, view, found, err := ix.opts.Cache.GetPageHeads(pageURLs, func(heads []cache.Page) string {
		for i, head := range heads {
			if !ix.usable(head) {
				return ""
			}
			pages[i] = sourcePage{indexes[i], pageURLs[i], &fetchedPage{key: head.ParsedKey, unread: true}}
		}
		return ix.viewKey(name, pages)
	})
	if err != nil || !found || view == nil {
		return nil
	}
	p, problems, ok := decodeView(view, name, pages)
	if !ok {
		return nil
	}
	// What loadProject tells of a project read this way.
	for _, pg := range pages {
		ix.stats.pageHits.Add(1)
		ix.trace("cache", false, "page %s from the cache%s", redact.URL(pg.pageURL), ix.cacheReason())
	}
	ix.traceSources(name, nil, pages)
	for i, pg := range pages {
		ix.warnProblems(pg.pageURL, problems[i])
	}
	return p
}

// loadProject gathers a project's files from find-links and the indexes the
// strategy allows. A project of index pages alone is read from its view when the
// cache holds one, and its view stored when not.
func (ix *Index) loadProject(ctx context.Context, name string) (*project, error) {
	findLinks, indexes := ix.sourcesOf(name)
	var lists []sourceFiles
	for _, s := range findLinks {
		files, err := ix.findLinksFiles(ctx, s)
		if err != nil {
			return nil, err
		}
		lists = append(lists, sourceFiles{s, files})
	}
	var pages []sourcePage
	switch ix.opts.Strategy {
	case UnsafeBestMatch:
		found := make([]*fetchedPage, len(indexes))
		g, gctx := errgroup.WithContext(ctx)
		for i, s := range indexes {
			g.Go(func() error {
				var err error
				found[i], err = ix.indexPage(gctx, s, name)
				return err
			})
		}
		if err := g.Wait(); err != nil {
			return nil, err
		}
		for i, fp := range found {
			if fp != nil {
				pages = append(pages, sourcePage{indexes[i], projectPageURL(indexes[i], name), fp})
			}
		}
	default:
		for _, s := range indexes {
			fp, err := ix.indexPage(ctx, s, name)
			if err != nil {
				return nil, err
			}
			if fp != nil {
				pages = append(pages, sourcePage{s, projectPageURL(s, name), fp})
				break // first-index: later indexes are never asked
			}
		}
	}
	ix.traceSources(name, lists, pages)
	viewable := len(lists) == 0 && len(pages) > 0
	if viewable {
		if key := ix.viewKey(name, pages); key != "" {
			if p, problems, ok := ix.cachedView(key, name, pages); ok {
				for i, pg := range pages {
					ix.warnProblems(pg.pageURL, problems[i])
				}
				return p, nil
			}
		}
	}
	for i := range pages {
		if err := ix.decodePage(ctx, &pages[i]); err != nil {
			return nil, err
		}
		ix.warnProblems(pages[i].pageURL, pages[i].fp.problems)
		lists = append(lists, sourceFiles{pages[i].src, pages[i].fp.files})
	}
	p, shareable := ix.buildProject(name, lists)
	if viewable && shareable {
		if key := ix.viewKey(name, pages); key != "" {
			ix.storeView(key, p, pages)
		}
	}
	return p, nil
}

// indexPage fetches a project's page from an index; nil when the index has
// no such project.
func (ix *Index) indexPage(ctx context.Context, s *source, name string) (*fetchedPage, error) {
	return ix.fetchPage(ctx, projectPageURL(s, name), true)
}

// projectPageURL is the URL of a project's page on an index.
func projectPageURL(s *source, name string) string {
	return s.base.JoinPath(name + "/").String()
}

// digest is a file's SHA-256 and size.
type digest struct {
	sum  string
	size int64
}

// computeHash finds the SHA-256 and size of a file its source lists no hash
// for (a find-links folder, most find-links pages) by reading the file: a
// lockfile records a hash for every file. Each file is read once per Index.
func (ix *Index) computeHash(ctx context.Context, c *candidate) (string, int64, error) {
	v, err := ix.shared(ctx, job{key: "hash " + c.URL, fn: func(ctx context.Context) (any, error) {
		ix.mu.Lock()
		d, ok := ix.hashes[c.URL]
		ix.mu.Unlock()
		if ok {
			return d, nil
		}
		var err error
		switch {
		case c.localPath != "":
			d.sum, d.size, err = hashFile(c.localPath)
		case ix.opts.Offline:
			err = &OfflineError{What: "the SHA-256 of " + redact.URL(c.URL) + ", which its source does not list,"}
		default:
			d.sum, d.size, err = ix.hashRemote(ctx, c)
		}
		if err != nil {
			return nil, err
		}
		ix.mu.Lock()
		ix.hashes[c.URL] = d
		ix.mu.Unlock()
		return d, nil
	}})
	if err != nil {
		return "", 0, err
	}
	d := v.(digest)
	return d.sum, d.size, nil
}

// selectionOf reads a pip-style ":all:"/":none:"/names list.
// Selects reports whether a list of --only-binary or --no-binary values (":all:",
// ":none:", project names, comma-separated or not, later ones editing earlier ones as
// pip does) selects the project name.
func Selects(list []string, name string) bool { return selectionOf(list, name) }

// binarySelection is what --only-binary and --no-binary leave a project, as pip's
// FormatControl decides when both select it: the list that names the project outranks
// the one that selects it by :all: (a platform's only-binary = true, and a project's
// --no-binary grpcio, build grpcio alone), and only-binary wins a tie.
func binarySelection(onlyBinary, noBinary []string, name string) (only, no bool) {
	only, no = selectionOf(onlyBinary, name), selectionOf(noBinary, name)
	if only && no {
		no = namesProject(noBinary, name) && !namesProject(onlyBinary, name)
		only = !no
	}
	return only, no
}

// namesProject reports whether a list of --only-binary or --no-binary values names the
// project itself, not only :all:.
func namesProject(list []string, name string) bool {
	for _, item := range list {
		for _, n := range strings.Split(item, ",") {
			if pep508.NormalizeName(strings.TrimSpace(n)) == name {
				return true
			}
		}
	}
	return false
}

func selectionOf(list []string, name string) bool {
	sel := false
	for _, item := range list {
		for _, n := range strings.Split(item, ",") {
			switch n = strings.TrimSpace(n); n {
			case ":all:":
				sel = true
			case ":none:":
				sel = false
			default:
				if pep508.NormalizeName(n) == name {
					sel = true
				}
			}
		}
	}
	return sel
}

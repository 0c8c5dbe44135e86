package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/depsolve/depsolve/cache"
	"github.com/depsolve/depsolve/index"
	"github.com/depsolve/depsolve/internal/runlog"
	"github.com/depsolve/depsolve/matrix"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/policy"
	"github.com/depsolve/depsolve/reqfile"
	"github.com/depsolve/depsolve/target"
)

// session is everything one run works with: the cache, the matrix, the target and
// where packages come from. It is built in the order of the data flow: cache, matrix,
// configuration, target, indexes.
type session struct {
	req      *Request
	report   Reporter
	cacheDir string
	cache    *cache.Cache
	matrix   *matrix.Matrix
	configs  []*target.Config
	target   *target.Target
	// lockOverrides are the values of the target a lock input records that flags
	// replaced, as warnings of the verdict.
	lockOverrides []Warning
	indexes       IndexSettings
	uv            uvSources // what [tool.uv.sources] ask on the target
	// unreadSettings are the warnings of the settings of other tools in the input files
	// that change what those tools resolve and that depsolve does not read.
	unreadSettings []Warning
	policy         *policy.Policy // nil: none
	fleet          *policy.Fleet  // the fleet of the target, when it is a fleet's
	fleetName      string         // "training/h100-580": --fleet's target, or the one a lock records
	// policyWarnings are the policy's warnings of this run, for the verdict.
	policyWarnings []Warning
	// unverifiable are the policy's rules on packages whose version depsolve cannot
	// read (policyRulesFor), violations of every solution.
	unverifiable   []Violation
	loosenedBudget bool // the policy-loosened warning of the budget was given
}

// openSession builds the session; without useCache it leaves the cache alone (Env only
// looks), and compiles the matrix from the embedded data.
func openSession(ctx context.Context, req *Request, files []*reqfile.File, useCache bool) (_ *session, err error) {
	if err := req.checkOptions(); err != nil {
		return nil, err
	}
	s := &session{req: req, report: req.reporter()}
	if s.cacheDir, err = CacheDir(req.CacheDir); err != nil {
		return nil, err
	}
	if useCache {
		if s.cache, err = openCache(s.report, s.cacheDir, req.Offline, req.Version); err != nil {
			return nil, err
		}
		defer func() {
			if err != nil {
				s.close()
			}
		}()
	}
	if s.matrix, err = loadMatrix(s.cache); err != nil {
		return nil, err
	}
	if s.configs, err = loadConfigs(req.Config); err != nil {
		return nil, err
	}
	if err := checkBinarySelections(req); err != nil {
		return nil, err
	}
	if err := checkTrustedHosts(req); err != nil {
		return nil, err
	}
	if s.policy, err = loadPolicy(ctx, req, s.configs, s.cacheDir); err != nil {
		return nil, err
	}
	declared, configs := req, s.configs
	if req.Fleet != "" {
		fleetReq := *req
		if s.fleet, fleetReq.Target, err = fleetTarget(req, s.policy); err != nil {
			return nil, err
		}
		declared, configs = &fleetReq, withoutNodeFacts(s.configs)
	}
	if s.target, s.lockOverrides, err = buildTarget(ctx, s.report, declared, s.matrix, configs, files, imageReader(ctx, s.report, req, s.configs, s.cache)); err != nil {
		return nil, err
	}
	if req.Fleet == "" {
		s.fleet, s.fleetName = s.recordedFleet(files)
	} else {
		s.fleetName = req.Fleet + "/" + req.FleetTarget
	}
	s.indexes = mergeIndexes(req, files, s.configs)
	s.uv = applicableUVSources(files, s.target.MarkerEnvironment())
	s.unreadSettings = unreadSettingWarnings(files)
	s.indexes.Pinned = s.uv.pinned
	return s, nil
}

// close ends the session: it waits until what the run put in the cache is written
// (puts return before, see cache.Close).
// close commits what the session put in the cache, and tells the run's log which state
// of the cache the session read.
func (s *session) close() {
	if s.cache == nil {
		return
	}
	if !runlog.Recording() {
		s.cache.Close()
		return
	}
	generation, stable := s.cache.StableGeneration()
	s.cache.Close()
	runlog.ReadCache(s.cacheDir, generation, stable)
}

// withoutNodeFacts are the configurations with what they say of the nodes (driver, GPUs,
// no GPU) left out: a fleet target's nodes are the policy's to declare, as target flags
// are refused beside --fleet; the project's [target] still gives the image and Python a
// fleet target leaves open.
func withoutNodeFacts(configs []*target.Config) []*target.Config {
	out := make([]*target.Config, len(configs))
	for i, c := range configs {
		cc := *c
		cc.Target.Driver, cc.Target.GPUs, cc.Target.CPU = target.Value{}, nil, target.Toggle{}
		out[i] = &cc
	}
	return out
}

// openCache opens the cache in dir for reading and writing. A cache that cannot be used
// is a warning, and the run goes on without it (a nil *cache.Cache), unless offline: then
// the cache is all there is, and the failure is an error.
func openCache(r Reporter, dir string, offline bool, version string) (*cache.Cache, error) {
	c, err := cache.Open(dir, cache.Options{
		Warn:      func(msg string) { r.Warn("cache: " + msg) },
		CreatedBy: "depsolve " + version,
		// Puts do not wait for their commits: whoever opens the cache closes it.
		WriteBehind: true,
	})
	if err == nil {
		return c, nil
	}
	problem := CacheProblem(dir, err)
	if offline {
		return nil, errors.New(problem + "; --offline needs the cache")
	}
	r.Warn(problem + "; going on without it")
	return nil, nil
}

// Matrix loads the compatibility matrix: its compiled form built into depsolve (see
// matrix.LoadCached).
func Matrix() (*matrix.Matrix, error) { return loadMatrix(nil) }

// loadMatrix loads the compatibility matrix: its compiled form built into depsolve, or,
// for a build whose compiled form is out of step, through the cache c (nil: none).
func loadMatrix(c *cache.Cache) (*matrix.Matrix, error) {
	m, _, err := matrix.LoadCached(c)
	if err != nil {
		return nil, fmt.Errorf("compatibility matrix: %w", err)
	}
	return m, nil
}

// CacheProblem says why the cache in dir cannot be used (cache.Open failed with err), in
// words.
func CacheProblem(dir string, err error) string {
	reason := strings.TrimPrefix(err.Error(), "cache: ")
	var pe *fs.PathError
	switch fi, statErr := lookAt(dir); {
	case statErr == nil && !fi.IsDir():
		reason = "it is a file"
	case errors.Is(err, fs.ErrPermission):
		reason = "permission denied"
	case errors.As(err, &pe):
		reason = pe.Err.Error()
	}
	return fmt.Sprintf("cannot use the cache folder %s: %s", dir, reason)
}

// CacheDir is the cache folder a run uses: dir, else $DEPSOLVE_CACHE_DIR, else the user
// cache folder.
func CacheDir(dir string) (string, error) {
	if dir != "" {
		return dir, nil
	}
	dir, err := cache.DefaultDir()
	if err != nil {
		return "", fmt.Errorf("cache: %w; give --cache-dir", err)
	}
	return dir, nil
}

// newIndex opens the package sources for the target.
func (s *session) newIndex(pre bool) (*index.Index, error) {
	strategy, err := index.ParseStrategy(s.indexes.Strategy.Value)
	if err != nil {
		return nil, &RequestError{Err: fmt.Errorf("%s: %w", s.indexes.Strategy.Origin, err)}
	}
	wt, err := wheelTarget(s.target)
	if err != nil {
		return nil, err
	}
	deadline, err := requestTimeout(s.req.Timeout, s.configs)
	if err != nil {
		return nil, err
	}
	opts := index.Options{
		Target:       wt,
		IndexURL:     s.indexes.IndexURL.Value,
		NoIndex:      s.indexes.NoIndex,
		Strategy:     strategy,
		TrustedHosts: s.indexes.TrustedHosts,
		OnlyBinary:   s.indexes.OnlyBinary,
		NoBinary:     s.indexes.NoBinary,
		Cache:        s.cache,
		Offline:      s.req.Offline,
		Refresh:      s.req.Refresh,
		Environment:  s.target.MarkerEnvironment(),
		HTTP:         index.HTTPOptions{UserAgent: "depsolve/" + s.req.Version, Deadline: deadline, Backoff: s.req.RetryBackoff},
		Warn:         s.report.Warn,
		Trace:        s.indexTrace(),
		// settle weighs the pins with Sizes
		PrefetchSizes: s.req.Sizes,
	}
	// Downloads go to the cache's own folder, where a run killed mid-download leaves its
	// file for the next run to sweep, rather than scattered in the system's temporary
	// folder. A cache folder that cannot be made leaves them in the latter.
	if tmp := filepath.Join(s.cacheDir, "tmp"); os.MkdirAll(tmp, 0o700) == nil {
		opts.TempDir = tmp
		index.RemoveStaleDownloads(tmp, time.Now())
	}
	opts.PinnedIndexes = pinnedURLs(s.indexes.Pinned)
	for _, e := range s.indexes.ExtraIndex {
		opts.ExtraIndexURLs = append(opts.ExtraIndexURLs, e.Value)
	}
	for _, l := range s.indexes.FindLinks {
		if err := checkFindLinksFolder(l); err != nil {
			return nil, err
		}
		opts.FindLinks = append(opts.FindLinks, l.Value)
	}
	if pre {
		opts.Prereleases = pep440.PrereleasesInclude
	}
	if err := s.applySupplyChain(&opts, pre); err != nil {
		return nil, err
	}
	ix, err := index.New(opts)
	if err != nil {
		return nil, &RequestError{Err: s.sourceOrigin(err)}
	}
	return ix, nil
}

// sourceOrigin names where a package source index.New refuses was given, when a file or
// the environment gave it: a flag's value is the user's own words already.
func (s *session) sourceOrigin(err error) error {
	var se *index.SourceError
	if !errors.As(err, &se) {
		return err
	}
	sources := append([]Sourced{s.indexes.IndexURL}, s.indexes.ExtraIndex...)
	sources = append(sources, s.indexes.FindLinks...)
	for _, name := range slices.Sorted(maps.Keys(s.indexes.Pinned)) {
		sources = append(sources, s.indexes.Pinned[name])
	}
	for _, src := range sources {
		if src.Value == se.Location && !strings.HasPrefix(src.Origin, "flag ") && src.Origin != "default" {
			return fmt.Errorf("%s: %w", src.Origin, err)
		}
	}
	return err
}

// checkFindLinksFolder refuses a local find-links location that is not a folder, as
// bad input at the place that gives it: the index would fail only when it first lists
// a project there, as an index failure.
func checkFindLinksFolder(l Sourced) error {
	dir := l.Value
	if strings.Contains(dir, "://") {
		u, err := url.Parse(dir)
		if err != nil || u.Scheme != "file" {
			return nil // a page, or a URL the index reports on
		}
		dir = u.Path
	}
	fail := func(format string, args ...any) error {
		return &RequestError{Err: fmt.Errorf("%s: "+format, append([]any{l.Origin}, args...)...)}
	}
	switch fi, err := lookAt(dir); {
	case errors.Is(err, fs.ErrNotExist):
		// A requirements file's relative path is pip's: beside the file when something is
		// there, else from the working folder (depsolve.toml's are beside it, flags' from
		// the working folder).
		if !strings.HasPrefix(l.Origin, "flag ") && !strings.Contains(l.Origin, ".toml") && !filepath.IsAbs(dir) {
			return &HintedError{Err: fail("the find-links folder %s does not exist", dir),
				Hint: "a relative path is looked for beside the file that names it, then in the working folder"}
		}
		return fail("the find-links folder %s does not exist", dir)
	case err == nil && !fi.IsDir():
		return fail("the find-links location %s is a file, not a folder of distribution files", dir)
	}
	return nil
}

// TimeoutEnv names the variable that sets the timeout of an index request.
const TimeoutEnv = "DEPSOLVE_TIMEOUT"

// requestTimeout is the deadline of one index request: asked (--timeout), else
// $DEPSOLVE_TIMEOUT (set for a CI job, it outranks a project's file), else the timeout
// of depsolve.toml or [tool.depsolve], else 0 for index.DefaultDeadline.
func requestTimeout(asked time.Duration, configs []*target.Config) (time.Duration, error) {
	if asked > 0 {
		return asked, nil
	}
	if env := runlog.Getenv(TimeoutEnv); env != "" {
		d, err := target.ParseTimeout(env)
		if err != nil {
			return 0, &target.InputError{Flag: "$" + TimeoutEnv, Msg: err.Error()}
		}
		return d, nil
	}
	for _, c := range configs {
		if c.Timeout > 0 {
			return c.Timeout, nil
		}
	}
	return 0, nil
}

// explain adds to an index failure what only the session knows: --offline would use the
// copy the cache holds of the page the index failed to give.
func (s *session) explain(err error) error {
	var he *index.HTTPError
	// 429 is Too Many Requests (net/http, which a slim build does not link, names it):
	// a failure of the server's side, as a 5xx is.
	if s.req.Offline || !errors.As(err, &he) || !he.Cached || he.StatusCode != 0 && he.StatusCode < 500 && he.StatusCode != 429 {
		return err
	}
	return &HintedError{Err: err, Hint: "the cache holds a copy of " + he.URL + " from an earlier run: --offline resolves from the cache alone, if it holds everything else this needs too"}
}

func (s *session) watch(activity string, ix *index.Index) (stop func()) {
	return s.report.Progress(activity, func() (int64, int64) {
		st := ix.Stats()
		return st.Requests, st.Bytes
	})
}

// announce tells what building the session found that the user should know before the
// answer: the target's notes, and the flags that replaced values a lock records.
func (s *session) announce() {
	for _, n := range s.target.Notes {
		s.report.Note(n)
	}
	for _, w := range s.lockOverrides {
		s.report.Warn(w.Text())
	}
}

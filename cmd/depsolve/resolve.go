package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/depsolve/depsolve/cache"
	"github.com/depsolve/depsolve/index"
	"github.com/depsolve/depsolve/matrix"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/reqfile"
	"github.com/depsolve/depsolve/resolver"
	"github.com/depsolve/depsolve/target"
	"golang.org/x/sync/errgroup"
)

// session is everything one command works with: the cache, the matrix, the target and
// where packages come from. It is built in the order of the data flow: cache, matrix,
// configuration, target, indexes.
type session struct {
	ui       *ui
	flags    *inputFlags
	cacheDir string
	cache    *cache.Cache
	matrix   *matrix.Matrix
	configs  []*target.Config
	target   *target.Target
	indexes  indexSettings
}

// openSession builds the session; without useCache it leaves the cache alone (env only
// looks), and compiles the matrix from the embedded data.
func openSession(ctx context.Context, u *ui, f *inputFlags, files []*reqfile.File, useCache bool) (*session, error) {
	s := &session{ui: u, flags: f}
	var err error
	if s.cacheDir, err = cacheDir(f.cacheDir); err != nil {
		return nil, err
	}
	if useCache {
		if s.cache, err = openCache(u, s.cacheDir, f.offline); err != nil {
			return nil, err
		}
	}
	if s.matrix, err = loadMatrix(s.cache); err != nil {
		return nil, err
	}
	if s.configs, err = loadConfigs(f); err != nil {
		return nil, err
	}
	if s.target, err = buildTarget(ctx, u, f, s.matrix, s.configs, files); err != nil {
		return nil, err
	}
	s.indexes = mergeIndexes(f, files, s.configs)
	return s, nil
}

// openCache opens the cache in dir for reading and writing. A cache that cannot be used
// is a warning, and the run goes on without it (a nil *cache.Cache), unless offline: then
// the cache is all there is, and the failure is an error.
func openCache(u *ui, dir string, offline bool) (*cache.Cache, error) {
	c, err := cache.Open(dir, cache.Options{
		Warn:      func(msg string) { u.warn("cache: %s", msg) },
		CreatedBy: "depsolve " + version,
	})
	if err == nil {
		return c, nil
	}
	problem := cacheProblem(dir, err)
	if offline {
		return nil, errors.New(problem + "; --offline needs the cache")
	}
	u.warn("%s; going on without it", problem)
	return nil, nil
}

// loadMatrix loads the compatibility matrix, compiled once and kept in the cache (c may
// be nil: then it is compiled from the embedded data).
func loadMatrix(c *cache.Cache) (*matrix.Matrix, error) {
	m, _, err := matrix.LoadCached(c)
	if err != nil {
		return nil, fmt.Errorf("compatibility matrix: %w", err)
	}
	return m, nil
}

// cacheProblem says why the cache in dir cannot be used, in words.
func cacheProblem(dir string, err error) string {
	reason := strings.TrimPrefix(err.Error(), "cache: ")
	var pe *fs.PathError
	switch fi, statErr := os.Stat(dir); {
	case statErr == nil && !fi.IsDir():
		reason = "it is a file"
	case errors.Is(err, fs.ErrPermission):
		reason = "permission denied"
	case errors.As(err, &pe):
		reason = pe.Err.Error()
	}
	return fmt.Sprintf("cannot use the cache folder %s: %s", dir, reason)
}

// cacheDir is --cache-dir, else $DEPSOLVE_CACHE_DIR, else the user cache folder.
func cacheDir(flag string) (string, error) {
	if flag != "" {
		return flag, nil
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
		return nil, usageError{err: fmt.Errorf("%s: %w", s.indexes.Strategy.Origin, err)}
	}
	wt, err := wheelTarget(s.target)
	if err != nil {
		return nil, err
	}
	deadline, err := requestTimeout(s.flags, s.configs)
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
		Offline:      s.flags.offline,
		Refresh:      s.flags.refresh,
		Environment:  s.target.MarkerEnvironment(),
		HTTP:         index.HTTPOptions{UserAgent: "depsolve/" + version, Deadline: deadline, Backoff: retryBackoff},
		Warn:         func(msg string) { s.ui.warn("%s", msg) },
	}
	// Downloads go to the cache's own folder, where a run killed mid-download leaves its
	// file for the next run to sweep, rather than scattered in the system's temporary
	// folder. A cache folder that cannot be made leaves them in the latter.
	if tmp := filepath.Join(s.cacheDir, "tmp"); os.MkdirAll(tmp, 0o700) == nil {
		opts.TempDir = tmp
		index.RemoveStaleDownloads(tmp, time.Now())
	}
	for _, e := range s.indexes.ExtraIndex {
		opts.ExtraIndexURLs = append(opts.ExtraIndexURLs, e.Value)
	}
	for _, l := range s.indexes.FindLinks {
		opts.FindLinks = append(opts.FindLinks, l.Value)
	}
	if pre {
		opts.Prereleases = pep440.PrereleasesInclude
	}
	ix, err := index.New(opts)
	if err != nil {
		return nil, usageError{err: err}
	}
	return ix, nil
}

// retryBackoff is the wait before an index request's first retry; zero keeps the
// index's default. The script tests shorten it (script_test.go): their failing
// indexes fail on purpose, and real backoff would only make the suite slow.
var retryBackoff time.Duration

// timeoutEnv names the variable that sets the timeout of an index request.
const timeoutEnv = "DEPSOLVE_TIMEOUT"

// requestTimeout is the deadline of one index request: --timeout, else $DEPSOLVE_TIMEOUT
// (set for a CI job, it outranks a project's file), else the timeout of depsolve.toml or
// [tool.depsolve], else 0 for index.DefaultDeadline.
func requestTimeout(f *inputFlags, configs []*target.Config) (time.Duration, error) {
	if f.timeout > 0 {
		return f.timeout, nil
	}
	if env := os.Getenv(timeoutEnv); env != "" {
		d, err := target.ParseTimeout(env)
		if err != nil {
			return 0, &target.InputError{Flag: "$" + timeoutEnv, Msg: err.Error()}
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

// outcome is what a resolution gave: a set of pins, or a proof that there is none with
// hints out of it.
type outcome struct {
	resolution *resolver.Resolution
	conflict   *resolver.NoSolution
	hints      []string
	warnings   []warning               // of a resolution: what it holds that the user should know
	files      map[string][]index.File // by name, for the pins: filled by withFiles
}

// resolve solves the requirements for the target. preferred holds the pins of an existing
// lock to keep where they are still allowed.
func (s *session) resolve(ctx context.Context, ix *index.Index, in *inputs, preferred map[string]pep440.Version) (*outcome, error) {
	tm := s.matrix.ForTarget(s.target)
	pb := &resolver.Problem{
		VirtualNames: matrix.VirtualDisplay,
		Requirements: resolverRequirements(in.requirements),
		Constraints:  resolverRequirements(in.constraints),
		Environment:  s.target.MarkerEnvironment(),
		Virtual:      s.target.Virtuals(),
		Index:        ix,
		Matrix:       tm,
		Preferred:    preferred,
	}
	if in.pre {
		pb.Prereleases = resolver.PrereleasesAllow
	}
	var roots []pep508.Requirement
	for _, r := range pb.Requirements {
		roots = append(roots, r.Requirement)
	}
	ix.Prefetch(roots...)
	pb.Requirements = append(pb.Requirements, requiresPython(in.files)...)

	stop := s.ui.watch("resolving:", s.progress(ix))
	defer stop()
	res, ns, err := resolver.Resolve(ctx, pb)
	if err != nil {
		return nil, s.explain(err)
	}
	out := &outcome{resolution: res, conflict: ns}
	if ns != nil {
		if out.hints, err = pb.Hints(ctx, ns); err != nil {
			s.ui.warn("no hints: %v", err)
		}
		out.hints = append(out.hints, requiresPythonHints(ns, s.target)...)
		return out, nil
	}
	for _, a := range append(tm.AdvisoriesFor(res.Version), tm.SolutionAdvisories(res.Packages)...) {
		out.warnings = append(out.warnings, advisoryWarning(a))
	}
	if !in.pre {
		out.warnings = append(out.warnings, unaskedPrereleases(res, in)...)
	}
	for _, w := range out.warnings {
		s.ui.warn("%s", w.text())
	}
	return out, nil
}

// advisoryWarning is a matrix advisory as the verdict carries it.
func advisoryWarning(a matrix.Advisory) warning {
	w := warning{Code: a.Code, Message: a.Text, Package: a.Package, Row: fmt.Sprintf("%s:%d", a.Cite.File, a.Cite.Line)}
	if a.Package != "" {
		if about := a.Package + " " + a.Version; !strings.HasPrefix(w.Message, about) {
			w.Message = about + ": " + w.Message
		}
		w.Show = "depsolve matrix " + a.Package + "==" + a.Version
	}
	for _, src := range a.Cite.Sources {
		w.Sources = append(w.Sources, src.ID+" "+src.URL)
	}
	return w
}

// unaskedPrereleases names the pre-releases in a solution that no requirement of the
// user's asked for. The resolver takes a pre-release when every final release in range
// is ruled out (as uv does); pip would refuse it without --pre, so the user hears of it.
func unaskedPrereleases(res *resolver.Resolution, in *inputs) []warning {
	named := map[string]bool{}
	for _, r := range append(append([]reqfile.Requirement(nil), in.requirements...), in.constraints...) {
		if r.Specifier.NamesPrerelease() {
			named[r.Key()] = true
		}
	}
	var out []warning
	for _, p := range res.Packages {
		if p.Version.IsPrerelease() && !named[p.Name] {
			out = append(out, warning{Code: warningUnaskedPrerelease, Package: p.Name, Message: fmt.Sprintf("%s %s is a pre-release: no final release of %s fits these requirements; pip would refuse it without --pre. Pin it (%s==%s) or pass --pre to accept it, or constrain %s to final releases to see why.",
				p.Name, p.Version, p.Name, p.Name, p.Version, p.Name)})
		}
	}
	return out
}

// explain adds to an index failure what only the session knows: --offline would use the
// copy the cache holds of the page the index failed to give.
func (s *session) explain(err error) error {
	var he *index.HTTPError
	if s.flags.offline || !errors.As(err, &he) || !he.Cached || he.StatusCode != 0 && he.StatusCode < 500 && he.StatusCode != http.StatusTooManyRequests {
		return err
	}
	return hintedError{err: err, hint: "the cache holds a copy of " + he.URL + " from an earlier run: --offline resolves from the cache alone, if it holds everything else this needs too"}
}

func (s *session) progress(ix *index.Index) progressSource {
	return func() (int64, int64) {
		st := ix.Stats()
		return st.Requests, st.Bytes
	}
}

// withFiles looks up the files of every pinned version usable on the target, best first.
func (s *session) withFiles(ctx context.Context, ix *index.Index, out *outcome) error {
	stop := s.ui.watch("hashing:", s.progress(ix))
	defer stop()
	files := make([][]index.File, len(out.resolution.Packages))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i, p := range out.resolution.Packages {
		g.Go(func() error {
			fs, err := ix.Files(gctx, p.Name, p.Version)
			files[i] = fs
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return s.explain(err)
	}
	out.files = map[string][]index.File{}
	for i, p := range out.resolution.Packages {
		out.files[p.Name] = files[i]
	}
	warnYanked(s.ui, out)
	return nil
}

// installFile is the file an installer takes for a pin: the best one for the target.
func (out *outcome) installFile(name string) (index.File, bool) {
	fs := out.files[name]
	if len(fs) == 0 {
		return index.File{}, false
	}
	return fs[0], true
}

// preferredFrom lists the exact pins of requirements (an existing lock), by name.
func preferredFrom(rs []reqfile.Requirement) map[string]pep440.Version {
	out := map[string]pep440.Version{}
	for _, r := range rs {
		if v, ok := r.Pin(); ok {
			out[r.Key()] = v
		}
	}
	return out
}

// isLock reports whether the inputs are a lock to verify as it is, rather than
// requirements to resolve: every requirement is an exact pin, and a file declares itself
// a lock (reqfile.File.DeclaresLock).
func isLock(in *inputs) bool {
	return len(in.requirements) > 0 &&
		!slices.ContainsFunc(in.requirements, func(r reqfile.Requirement) bool { _, ok := r.Pin(); return !ok }) &&
		slices.ContainsFunc(in.files, (*reqfile.File).DeclaresLock)
}

package index

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/depsolve/depsolve/index/simple"
	"github.com/depsolve/depsolve/internal/runlog"
	"github.com/depsolve/depsolve/pep425"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/resolver"
)

// File is one distribution file of a chosen version, as a lockfile records it.
type File struct {
	Index          string // the index or find-links location it came from, redacted
	Filename       string
	URL            string // without credentials
	SHA256         string // lower-case hex; "" only when the source gives none and it was not computed
	Size           int64  // bytes; 0 when unknown
	UploadTime     time.Time
	RequiresPython string
	Yanked         bool
	YankedReason   string
}

// candidate is a file of a project, parsed and ranked for the target.
type candidate struct {
	File
	version        pep440.Version
	wheel          *pep425.Filename // nil for an sdist
	rank           int              // the wheel's tag rank for the target
	hasMetadata    bool             // a PEP 658 metadata file exists
	metadataSHA256 string           // its SHA-256, if the page gives it
	localPath      string           // a file in a find-links folder
	sourceOrder    int              // position of its source in the project's lists
	// hashFrom names what gave File.SHA256 in a mismatch's message: "" for the index,
	// "the requirement" for a NAME @ URL line's --hash or #sha256=.
	hashFrom string
}

// release is one version of a project and its files.
type release struct {
	release resolver.Release
	usable  []*candidate // best first; empty when unavailable
	// requiresPython is the text release.RequiresPython was parsed from, for a view.
	requiresPython string
	lazy           *lazyFiles // a release read from a view: usable is set by load
}

// best is the file metadata is read from: the best usable file, avoiding
// yanked ones.
func (r *release) best() *candidate {
	for _, c := range r.usable {
		if !c.Yanked {
			return c
		}
	}
	if len(r.usable) > 0 {
		return r.usable[0]
	}
	return nil
}

// lockFiles are the usable files, without yanked ones unless all are yanked.
func (r *release) lockFiles() []*candidate {
	var out []*candidate
	for _, c := range r.usable {
		if !c.Yanked {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return r.usable
	}
	return out
}

type project struct {
	name     string
	releases []*release // newest first
	sources  []string   // where its files came from, redacted
}

func (p *project) find(v pep440.Version) *release {
	for _, r := range p.releases {
		if r.release.Version.Equal(v) {
			return r
		}
	}
	return nil
}

func (p *project) where() string {
	if len(p.sources) == 0 {
		return "no index or find-links location"
	}
	return strings.Join(p.sources, ", ")
}

// sourceFiles are the files one source lists.
type sourceFiles struct {
	src   *source
	files []simple.File
}

// buildProject turns the sources' files into releases. A version listed by
// several sources takes its files from the first of them. shareable is false when a
// file URL carried credentials: building the project handed them to the client, which
// a run that reads the project's view would not do.
func (ix *Index) buildProject(name string, lists []sourceFiles) (p *project, shareable bool) {
	p = &project{name: name}
	var all []*candidate
	memo := parseMemo{versions: map[string]versionResult{}, names: map[string]bool{}}
	for i, sf := range lists {
		n := 0
		for _, f := range sf.files {
			if c := ix.candidateOf(name, sf.src, f, &memo); c != nil {
				c.sourceOrder = i
				all = append(all, c)
				n++
			}
		}
		if n > 0 || sf.src.isIndex {
			p.sources = append(p.sources, sf.src.display)
		}
	}
	slices.SortStableFunc(all, func(a, b *candidate) int {
		if c := b.version.Compare(a.version); c != 0 {
			return c
		}
		return a.sourceOrder - b.sourceOrder
	})
	for start := 0; start < len(all); {
		end := start + 1
		for end < len(all) && all[end].version.Equal(all[start].version) {
			end++
		}
		group := all[start:end]
		first := group[0].sourceOrder
		group = slices.DeleteFunc(slices.Clone(group), func(c *candidate) bool { return c.sourceOrder != first })
		p.releases = append(p.releases, ix.buildRelease(name, group))
		start = end
	}
	return p, !memo.credentials
}

// parseMemo holds what the files of one project share, parsed once: a page of
// torch lists thousands of files but a few hundred versions, all of one name.
type parseMemo struct {
	versions map[string]versionResult // by version text as written
	names    map[string]bool          // wheel name as written -> is the project's
	wheels   pep425.FilenameParser    // expands each tag set once
	// credentials is set when a file URL may carry userinfo (see buildProject).
	credentials bool
}

type versionResult struct {
	v  pep440.Version
	ok bool
}

func (m *parseMemo) version(text string) (pep440.Version, bool) {
	r, seen := m.versions[text]
	if !seen {
		v, err := pep440.Parse(text)
		r = versionResult{v, err == nil}
		m.versions[text] = r
	}
	return r.v, r.ok
}

func (m *parseMemo) isProject(wheelName, project string) bool {
	is, seen := m.names[wheelName]
	if !seen {
		is = pep508.NormalizeName(wheelName) == project
		m.names[wheelName] = is
	}
	return is
}

// candidateOf parses a listed file; nil for a file of another project, an
// invalid version, or a kind of file depsolve does not use (eggs, installers).
func (ix *Index) candidateOf(name string, src *source, f simple.File, memo *parseMemo) *candidate {
	c := &candidate{File: File{
		Index:          src.display,
		Filename:       f.Filename,
		SHA256:         f.Hashes["sha256"],
		Size:           f.Size,
		UploadTime:     f.UploadTime,
		RequiresPython: f.RequiresPython,
		Yanked:         f.Yanked,
		YankedReason:   f.YankedReason,
	}}
	var versionText string
	switch {
	case strings.HasSuffix(f.Filename, ".whl"):
		w, err := memo.wheels.Parse(f.Filename)
		if err != nil || !memo.isProject(w.Name, name) {
			return nil
		}
		c.wheel, versionText = &w, w.Version
	case pep425.IsSdistFilename(f.Filename):
		s, err := pep425.ParseSdistFilename(f.Filename, name)
		if err != nil {
			return nil
		}
		versionText = s.Version
	default:
		return nil
	}
	v, ok := memo.version(versionText)
	if !ok {
		return nil
	}
	c.version = v
	if isPlainWebURL(f.URL) {
		// What url.Parse and String would give back; skipped as the costliest
		// part of listing a project with thousands of files.
		c.URL = f.URL
	} else {
		memo.credentials = memo.credentials || strings.Contains(f.URL, "@")
		if !ix.resolveURL(c, src, f.URL) {
			return nil
		}
	}
	c.hasMetadata = f.HasMetadata && c.localPath == ""
	c.metadataSHA256 = f.MetadataHashes["sha256"]
	return c
}

// isPlainWebURL reports whether an http(s) URL is in the form simple's parsers
// give every file URL (url.URL.String of an absolute URL) and has no userinfo,
// so that parsing and printing it again changes nothing: its characters are
// those String leaves unescaped in a path and query, with no '@' and no
// fragment (simple drops fragments).
func isPlainWebURL(s string) bool {
	rest, ok := strings.CutPrefix(s, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(s, "http://"); !ok {
			return false
		}
	}
	hostEnd := strings.IndexAny(rest, "/?")
	if hostEnd < 0 {
		hostEnd = len(rest)
	}
	host, port, hasPort := strings.Cut(rest[:hostEnd], ":")
	if host == "" || hasPort && port == "" {
		return false
	}
	for i := 0; i < len(host); i++ {
		if b := host[i]; !isAlnum(b) && b != '-' && b != '.' {
			return false
		}
	}
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return false
		}
	}
	for i := hostEnd; i < len(rest); i++ {
		if !plainURLByte[rest[i]] {
			return false
		}
	}
	return true
}

// plainURLByte marks the bytes isPlainWebURL accepts after the host.
var plainURLByte = func() (t [256]bool) {
	for b := range 256 {
		t[b] = isAlnum(byte(b)) || strings.IndexByte("-._~/:?+=&,;", byte(b)) >= 0
	}
	return t
}()

func isAlnum(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9'
}

// resolveURL sets the candidate's URL (without credentials, which go to the
// client) or local path; false when the URL is unusable.
func (ix *Index) resolveURL(c *candidate, src *source, raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	if u.Scheme == "file" {
		if src.dir == "" {
			return false // a page may not point at local files
		}
		c.localPath = u.Path
	} else {
		var user *url.Userinfo
		u, user = stripUserinfo(u)
		ix.client.addCredentials(u, user)
	}
	c.URL = u.String()
	return true
}

// needsBuild is the reason a version whose metadata only a build could give
// is unavailable.
const needsBuild = "metadata needs a build; depsolve never runs package code"

// buildRelease ranks the files of one version for the target.
func (ix *Index) buildRelease(name string, files []*candidate) *release {
	onlyBinary, noBinary := binarySelection(ix.opts.OnlyBinary, ix.opts.NoBinary, name)
	r := &release{}
	var rejected []pep425.Filename
	var sdists, wheels, newer, undated int
	excludeNewer := !ix.opts.ExcludeNewer.IsZero()
	finalOnly := ix.opts.FinalOnly && files[0].version.IsPrerelease()
	for _, c := range files {
		switch {
		case finalOnly:
			continue
		case excludeNewer && c.UploadTime.IsZero():
			undated++
			continue
		case excludeNewer && c.UploadTime.After(ix.opts.ExcludeNewer):
			newer++
			continue
		}
		if c.wheel != nil {
			wheels++
			if noBinary {
				continue
			}
			rank, ok := ix.supported.Rank(c.wheel.Tags)
			if !ok {
				rejected = append(rejected, *c.wheel)
				continue
			}
			c.rank = rank
		} else {
			sdists++
			if onlyBinary {
				continue
			}
		}
		r.usable = append(r.usable, c)
	}
	slices.SortStableFunc(r.usable, compareCandidates)
	r.release = resolver.Release{Version: files[0].version}
	yankedFrom := r.usable
	if len(r.usable) == 0 {
		yankedFrom = files
		switch {
		case finalOnly:
			r.release.Unavailable = "it is a pre-release, and " + ix.opts.FinalOnlyRule + " allows none"
		case len(rejected) > 0:
			r.release.Unavailable = ix.supported.WhyNot(rejected)
		case sdists > 0 && onlyBinary && ix.opts.OnlyBinaryRule != "":
			r.release.Unavailable = "it has only a source distribution, and " + ix.opts.OnlyBinaryRule + " allows wheels only"
		case sdists > 0 && onlyBinary:
			r.release.Unavailable = "it has only a source distribution, and binary-only was requested"
		case wheels > 0 && noBinary:
			r.release.Unavailable = "it has only wheels, and --no-binary excludes them"
		case newer > 0:
			r.release.Unavailable = "it was uploaded after " + ix.opts.ExcludeNewer.Format(time.DateOnly) + ", " + ix.opts.ExcludeNewerRule
		case undated > 0:
			r.release.Unavailable = "the index gives no upload time for its files, which " + ix.opts.ExcludeNewerRule + " needs"
		}
	}
	r.release.Yanked = !slices.ContainsFunc(yankedFrom, func(c *candidate) bool { return !c.Yanked })
	if best := r.best(); best != nil && best.RequiresPython != "" {
		// pip ignores a Requires-Python it cannot parse, and so does depsolve.
		if spec, err := pep440.ParseSpecifierSet(best.RequiresPython); err == nil {
			r.release.RequiresPython, r.requiresPython = spec, best.RequiresPython
		}
	}
	return r
}

// compareCandidates puts wheels first, by tag rank, then the higher build tag;
// then sdists, .tar.gz (the standard form, PEP 625) first; ties by filename.
func compareCandidates(a, b *candidate) int {
	if (a.wheel == nil) != (b.wheel == nil) {
		if a.wheel != nil {
			return -1
		}
		return 1
	}
	if a.wheel != nil {
		if c := cmp.Compare(a.rank, b.rank); c != 0 {
			return c
		}
		if c := pep425.CompareBuild(b.wheel.Build, a.wheel.Build); c != 0 {
			return c
		}
	} else if ag, bg := strings.HasSuffix(a.Filename, ".tar.gz"), strings.HasSuffix(b.Filename, ".tar.gz"); ag != bg {
		if ag {
			return -1
		}
		return 1
	}
	return strings.Compare(a.Filename, b.Filename)
}

// findLinksFiles lists the files of a find-links folder or page.
func (ix *Index) findLinksFiles(ctx context.Context, s *source) ([]simple.File, error) {
	if s.dir == "" {
		fp, err := ix.fetchPage(ctx, s.base.String(), false)
		if err != nil {
			return nil, err
		}
		return fp.files, nil
	}
	v, err := ix.shared(ctx, job{key: "dir " + s.dir, fn: func(context.Context) (any, error) {
		ix.mu.Lock()
		fp := ix.pages["dir "+s.dir]
		ix.mu.Unlock()
		if fp != nil {
			return fp, nil
		}
		// A folder's listing and its files' contents are more to compare than to read.
		runlog.Unrepeatable("a find-links folder")
		entries, err := os.ReadDir(s.dir)
		if err != nil {
			return nil, &LocationError{Location: s.dir, Err: err}
		}
		fp = &fetchedPage{}
		for _, e := range entries {
			path := filepath.Join(s.dir, e.Name())
			if !e.Type().IsRegular() && !ix.linksToFile(s.dir, e, path) {
				continue
			}
			fp.files = append(fp.files, simple.File{
				Filename: e.Name(),
				URL:      (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String(),
			})
		}
		ix.mu.Lock()
		ix.pages["dir "+s.dir] = fp
		ix.mu.Unlock()
		return fp, nil
	}})
	if err != nil {
		return nil, err
	}
	return v.(*fetchedPage).files, nil
}

// linksToFile reports whether the folder entry e is a symbolic link to a regular file,
// which is read as that file: wheelhouses are often trees of links. A link that cannot be
// followed is skipped with a warning, since the user put it there for a reason; a link to
// a folder is skipped quietly, as folders are.
func (ix *Index) linksToFile(dir string, e fs.DirEntry, path string) bool {
	if e.Type()&fs.ModeSymlink == 0 {
		return false
	}
	fi, err := os.Stat(path)
	if err == nil {
		return fi.Mode().IsRegular()
	}
	var why string
	var pe *fs.PathError
	switch {
	case errors.Is(err, syscall.ELOOP):
		why = "a symbolic link that loops"
	case errors.Is(err, fs.ErrNotExist):
		target, _ := os.Readlink(path)
		why = "a symbolic link to a file that does not exist (" + target + ")"
	case errors.As(err, &pe):
		why = "a symbolic link that cannot be followed: " + pe.Err.Error()
	default:
		why = "a symbolic link that cannot be followed: " + err.Error()
	}
	ix.warn(fmt.Sprintf("find-links %s: skipped %s, %s", dir, e.Name(), why))
	return false
}

// LocationError is a find-links folder that cannot be read.
type LocationError struct {
	Location string
	Err      error
}

func (e *LocationError) Error() string { return "find-links " + e.Location + ": " + e.Err.Error() }
func (e *LocationError) Unwrap() error { return e.Err }

package index

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"

	"github.com/depsolve/depsolve/cache"
	"github.com/depsolve/depsolve/internal/runlog"
	"github.com/depsolve/depsolve/pep440"
)

// Sizes are the sizes of the file a version installs from: the best usable file
// for the target, the one its metadata is read from.
type Sizes struct {
	Filename string
	// Download is the file's size in bytes: the index's (PEP 700 "size"), else
	// what the server said (Content-Range, Content-Length), else the file's own.
	Download int64
	// Installed is what installing the file writes, in bytes: the sum of the
	// uncompressed sizes of a wheel's entries, read from its zip central
	// directory. It is 0 when InstalledUnknown says why it cannot be known.
	Installed        int64
	InstalledUnknown string
}

// Sizes returns the sizes of the file version v of a project installs from. The
// installed size costs no request when the wheel's metadata was read by range
// requests or from the whole file (the central directory was read then); else
// it costs range requests of the wheel's tail (one, unless the directory is
// larger than the tail read), or the whole file where the server serves no
// ranges. It is cached for good under the file's hash: under the hash alone
// when the whole file was checked against it, else for this index's file only,
// as unchecked metadata is. A version without a usable file, or whose file is a
// source distribution, has InstalledUnknown set; only operational failures are
// errors.
func (ix *Index) Sizes(ctx context.Context, name string, v pep440.Version) (Sizes, error) {
	r, err := ix.release(ctx, name, v)
	if err != nil {
		return Sizes{}, err
	}
	c := r.best()
	if s, ok := sizesWithoutWheel(r, c); ok {
		return s, nil
	}
	got, err := ix.shared(ctx, ix.sizesJob(c, true))
	if errors.Is(err, errNoRanges) {
		// It joined a prefetch, which fetches no whole file.
		got, err = ix.shared(ctx, ix.sizesJob(c, true))
	}
	if err != nil {
		return Sizes{}, err
	}
	s := got.(cache.Sizes)
	return Sizes{Filename: c.Filename, Download: s.Download, Installed: s.Installed}, nil
}

// DirectWheelSizes returns the sizes of a wheel a requirement names by URL (the File
// of its DirectWheel), as Sizes does for an index's file: where its metadata was read
// by range requests or from the file, they cost nothing more.
func (ix *Index) DirectWheelSizes(ctx context.Context, f File) (Sizes, error) {
	u, err := url.Parse(f.URL)
	if err != nil {
		return Sizes{}, fmt.Errorf("direct URL: %w", err)
	}
	w, v, err := ParseDirectWheelName(f.Filename)
	if err != nil {
		return Sizes{}, err
	}
	c := &candidate{File: f, version: v, wheel: &w}
	if u.Scheme == "file" {
		c.localPath = u.Path // as ReadDirectWheel reads it
	}
	got, err := ix.shared(ctx, ix.sizesJob(c, true))
	if err != nil {
		return Sizes{}, err
	}
	s := got.(cache.Sizes)
	return Sizes{Filename: f.Filename, Download: s.Download, Installed: s.Installed}, nil
}

// SizesAtHand is what Sizes answers without a request or a wait: for a version of a
// project already listed, sizes read before or kept in the cache. ok is false when
// Sizes would have to ask an index; a caller asking for many versions then asks Sizes
// for those only, in goroutines of their own, instead of a goroutine for each (on a
// warm run every answer is at hand).
func (ix *Index) SizesAtHand(name string, v pep440.Version) (s Sizes, ok bool) {
	p := ix.loadedProject(name)
	if p == nil {
		return Sizes{}, false
	}
	r := p.find(v)
	if r == nil || r.load() != nil {
		return Sizes{}, false
	}
	c := r.best()
	if s, ok := sizesWithoutWheel(r, c); ok {
		return s, true
	}
	got, ok := ix.sizesJob(c, true).cached()
	if !ok {
		return Sizes{}, false
	}
	cs := got.(cache.Sizes)
	return Sizes{Filename: c.Filename, Download: cs.Download, Installed: cs.Installed}, true
}

// sizesWithoutWheel answers Sizes for a release whose best file c is no wheel: none
// (no usable file), or a source distribution.
func sizesWithoutWheel(r *release, c *candidate) (Sizes, bool) {
	switch {
	case c == nil:
		return Sizes{InstalledUnknown: "no usable file: " + r.release.Unavailable}, true
	case c.wheel == nil:
		return Sizes{Filename: c.Filename, Download: c.Size, InstalledUnknown: "a source distribution: only a build would tell, and depsolve never runs package code"}, true
	}
	return Sizes{}, false
}

// prefetchSizes starts the lookup of the sizes of version v of project name beside
// the request for its metadata, with Options.PrefetchSizes: the metadata of the
// release the resolver guesses or asks for comes before its decision, and its sizes
// then come with it rather than a round trip after the resolution. A wheel with a
// PEP 658 metadata file needs range reads of its own for its sizes; one without
// gives them with its metadata's range reads. The prefetch fetches no whole file
// (a server without ranges), and a failed one is not kept: the Sizes call that needs
// the sizes looks them up itself.
func (ix *Index) prefetchSizes(name string, v pep440.Version) {
	if !ix.opts.PrefetchSizes {
		return
	}
	r, err := ix.release(ix.ctx, name, v)
	if err != nil {
		return
	}
	if c := r.best(); c != nil && c.wheel != nil && c.hasMetadata && c.localPath == "" {
		ix.start(ix.sizesJob(c, false), true)
	}
}

// sizesJob looks up the sizes of the wheel c for shared; without wholeFile it fails
// with errNoRanges where only the whole file would tell.
func (ix *Index) sizesJob(c *candidate, wholeFile bool) job {
	return job{key: "sizes " + c.URL, cached: func() (any, bool) {
		ix.mu.Lock()
		s, ok := ix.sizes[c.URL]
		ix.mu.Unlock()
		if ok || c.localPath != "" {
			return s, ok
		}
		s, found, err := ix.cachedSizes(c)
		if err != nil || !found {
			return nil, false
		}
		ix.keepSizes(c, s)
		return s, true
	}, fn: func(ctx context.Context) (any, error) {
		s, err := ix.loadSizes(ctx, c, wholeFile)
		if err != nil {
			return nil, err
		}
		ix.keepSizes(c, s)
		return s, nil
	}}
}

func (ix *Index) loadSizes(ctx context.Context, c *candidate, wholeFile bool) (cache.Sizes, error) {
	if c.localPath != "" {
		return localSizes(c)
	}
	s, found, err := ix.cachedSizes(c)
	switch {
	case err != nil && ix.opts.Offline:
		return cache.Sizes{}, fmt.Errorf("reading the cache for the sizes of %s: %w", c.Filename, err)
	case found:
		return s, nil
	case ix.opts.Offline:
		return cache.Sizes{}, &OfflineError{What: "the installed size of " + c.Filename}
	}
	s, err = ix.rangeSizes(ctx, c)
	if err == nil {
		ix.storeSizes(c, unchecked, s)
		return s, nil
	}
	if err != errNoRanges || !wholeFile {
		return cache.Sizes{}, err
	}
	f, err := ix.download(ctx, c)
	if err != nil {
		return cache.Sizes{}, err
	}
	defer removeTemp(f)
	st, err := f.Stat()
	if err != nil {
		return cache.Sizes{}, err
	}
	zr, err := zip.NewReader(f, st.Size())
	if err != nil {
		return cache.Sizes{}, fmt.Errorf("%s is not a readable wheel: %w", c.Filename, err)
	}
	s, err = zipSizes(zr, c.Filename, st.Size())
	if err != nil {
		return cache.Sizes{}, err
	}
	ix.storeSizes(c, fileHashChecked, s)
	return s, nil
}

// cachedSizes reads the sizes of an index's file from the cache, the checked entry
// first. err is a failure to read the cache, which an offline run reports.
func (ix *Index) cachedSizes(c *candidate) (s cache.Sizes, found bool, err error) {
	keys := sizesKeys(c)
	if len(keys) == 0 {
		return cache.Sizes{}, false, nil
	}
	s, found, err = ix.opts.Cache.GetSizes(keys...)
	if found {
		ix.stats.sizeHits.Add(1)
	}
	return s, found, err
}

// rangeSizes reads a remote wheel's central directory with range requests.
func (ix *Index) rangeSizes(ctx context.Context, c *candidate) (cache.Sizes, error) {
	rf := &remoteFile{ctx: ctx, ix: ix, url: c.URL, name: c.Filename, size: -1, budget: rangeBudget(ix.client.opts.MaxMetadataSize)}
	if err := rf.fetchTail(c.Size); err != nil {
		return cache.Sizes{}, err
	}
	if err := rf.prefetchDirectory(); err != nil {
		return cache.Sizes{}, err
	}
	zr, err := zip.NewReader(rf, rf.size)
	if err != nil {
		return cache.Sizes{}, rf.explain(err)
	}
	return zipSizes(zr, c.Filename, rf.size)
}

// localSizes reads the central directory of a wheel in a find-links folder.
func localSizes(c *candidate) (cache.Sizes, error) {
	runlog.Unrepeatable(localArchive)
	zr, err := zip.OpenReader(c.localPath)
	if err != nil {
		return cache.Sizes{}, fmt.Errorf("%s is not a readable wheel: %w", c.localPath, err)
	}
	defer zr.Close()
	st, err := os.Stat(c.localPath)
	if err != nil {
		return cache.Sizes{}, err
	}
	return zipSizes(&zr.Reader, c.localPath, st.Size())
}

// errSizeOverflow: a central directory whose entries claim more bytes in all
// than an int64 holds, which no real wheel does.
var errSizeOverflow = errors.New("its zip central directory claims more than 8 EiB uncompressed")

// zipSizes sums the uncompressed sizes of a wheel's entries.
func zipSizes(zr *zip.Reader, file string, download int64) (cache.Sizes, error) {
	var installed uint64
	for _, f := range zr.File {
		if f.UncompressedSize64 > math.MaxInt64-installed {
			return cache.Sizes{}, fmt.Errorf("%s: %w", file, errSizeOverflow)
		}
		installed += f.UncompressedSize64
	}
	return cache.Sizes{Download: download, Installed: int64(installed)}, nil
}

// keepSizes remembers a wheel's sizes for this Index.
func (ix *Index) keepSizes(c *candidate, s cache.Sizes) {
	if c.Size > 0 {
		s.Download = c.Size
	}
	ix.mu.Lock()
	ix.sizes[c.URL] = s
	ix.mu.Unlock()
}

// noteSizes keeps the sizes of a wheel whose central directory was read for its
// metadata, so that asking for them costs nothing more. A directory that claims
// too much is left for Sizes to report.
func (ix *Index) noteSizes(c *candidate, check metadataCheck, zr *zip.Reader, download int64) {
	s, err := zipSizes(zr, c.Filename, download)
	if err != nil {
		return
	}
	ix.keepSizes(c, s)
	ix.storeSizes(c, check, s)
}

// sizesKeys are the cache keys of a file's sizes, the checked one first.
func sizesKeys(c *candidate) []string {
	if !isSHA256(c.SHA256) {
		return nil
	}
	return []string{cache.DistKey(c.SHA256), cache.SourceKey(c.Index, c.URL, c.SHA256)}
}

// storeSizes caches sizes as storeMetadata caches metadata: shared by the
// file's hash only when the whole file was checked against it.
func (ix *Index) storeSizes(c *candidate, check metadataCheck, s cache.Sizes) {
	switch {
	case c.localPath != "", !isSHA256(c.SHA256):
	case check == fileHashChecked:
		_ = ix.opts.Cache.PutSizes(cache.DistKey(c.SHA256), s)
	default:
		_ = ix.opts.Cache.PutSizes(cache.SourceKey(c.Index, c.URL, c.SHA256), s)
	}
}

package index

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"slices"

	"github.com/depsolve/depsolve/cache"
	"github.com/depsolve/depsolve/index/coremeta"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/resolver"
)

// Metadata returns what version v of a project needs, read from the core
// metadata of its best file for the target. A version whose metadata cannot be
// had without running package code, or is invalid, comes back with
// Unavailable set; only operational failures (network, cache) are errors.
func (ix *Index) Metadata(ctx context.Context, name string, v pep440.Version) (resolver.Metadata, error) {
	ix.prefetchOlder(name, v)
	if md, ok := ix.loadedMetadata(name, v); ok {
		return md, nil
	}
	got, err := ix.shared(ctx, ix.metadataJob(name, v))
	if err != nil {
		return resolver.Metadata{}, err
	}
	return got.(resolver.Metadata), nil
}

// loadedMetadata is the metadata of version v of project name as this Index has
// loaded it; ok is false when it has not.
func (ix *Index) loadedMetadata(name string, v pep440.Version) (md resolver.Metadata, ok bool) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	md, ok = ix.metadata[name+" "+v.String()]
	return md, ok
}

// metadataJob loads the metadata of version v of project name for shared, keeps it,
// and prefetches what its dependencies will need: only once it is kept, so that a
// guess that comes back to it finds it and does not wait for this job.
func (ix *Index) metadataJob(name string, v pep440.Version) job {
	key := name + " " + v.String()
	keep := func(md resolver.Metadata) {
		ix.mu.Lock()
		ix.metadata[key] = md
		ix.mu.Unlock()
		ix.prefetchDependencies(name, md)
	}
	return job{key: "metadata " + key, cached: func() (any, bool) {
		// A flight for the metadata may have ended since loadedMetadata was asked.
		if md, ok := ix.loadedMetadata(name, v); ok {
			return md, true
		}
		md, ok := ix.cachedMetadata(name, v)
		if ok {
			keep(md)
		}
		return md, ok
	}, fn: func(ctx context.Context) (any, error) {
		ix.prefetchSizes(name, v)
		md, err := ix.loadMetadata(ctx, name, v)
		if err != nil {
			return nil, err
		}
		keep(md)
		return md, nil
	}}
}

func (ix *Index) loadMetadata(ctx context.Context, name string, v pep440.Version) (resolver.Metadata, error) {
	r, err := ix.release(ctx, name, v)
	if err != nil {
		return resolver.Metadata{}, err
	}
	if r.release.Unavailable != "" {
		return resolver.Metadata{Unavailable: r.release.Unavailable}, nil
	}
	c := r.best()
	m, err := ix.coreMetadata(ctx, name, c)
	if err != nil {
		var bad *unusableError
		if errors.As(err, &bad) {
			return resolver.Metadata{Unavailable: bad.reason}, nil
		}
		return resolver.Metadata{}, err
	}
	return convert(name, v, c, m), nil
}

// cachedMetadata is loadMetadata for a version that needs no I/O but the cache's: of a
// project this Index has loaded, with its best file's metadata in the cache (or none to
// read, the version being unavailable). ok is false otherwise, and loadMetadata goes the
// long way, errors and all.
func (ix *Index) cachedMetadata(name string, v pep440.Version) (md resolver.Metadata, ok bool) {
	p := ix.loadedProject(name)
	if p == nil {
		return resolver.Metadata{}, false
	}
	r := p.find(v)
	if r == nil || r.load() != nil {
		return resolver.Metadata{}, false
	}
	if r.release.Unavailable != "" {
		return resolver.Metadata{Unavailable: r.release.Unavailable}, true
	}
	c := r.best()
	if c.localPath != "" {
		return resolver.Metadata{}, false
	}
	m, found, err := ix.cachedCoreMetadata(c)
	if err != nil || !found {
		return resolver.Metadata{}, false
	}
	return convert(name, v, c, m), true
}

// unusableError is a file whose metadata cannot be used: the version is
// unavailable, for the reason given.
type unusableError struct{ reason string }

func (e *unusableError) Error() string { return e.reason }

// coreMetadata returns the core metadata of a file: from the cache, a PEP 658
// metadata file, range reads of a wheel, or the whole file. Metadata that does not
// parse is an unusableError.
func (ix *Index) coreMetadata(ctx context.Context, name string, c *candidate) (*coremeta.Metadata, error) {
	var raw []byte
	var err error
	if c.localPath != "" {
		raw, err = ix.localMetadata(name, c)
	} else {
		m, found, cacheErr := ix.cachedCoreMetadata(c)
		switch {
		case cacheErr != nil && ix.opts.Offline:
			return nil, fmt.Errorf("reading the cache for the metadata of %s: %w", c.Filename, cacheErr)
		case found:
			return m, nil
		case ix.opts.Offline:
			return nil, &OfflineError{What: "the metadata of " + c.Filename}
		}
		raw, err = ix.fetchMetadata(ctx, name, c)
	}
	if err != nil {
		return nil, err
	}
	return parseCoreMetadata(c, raw)
}

// parseCoreMetadata parses the core metadata of c; what does not parse is an
// unusableError.
func parseCoreMetadata(c *candidate, raw []byte) (*coremeta.Metadata, error) {
	m, err := coremeta.Parse(raw)
	if err != nil {
		return nil, &unusableError{fmt.Sprintf("invalid core metadata in %s: %v", c.Filename, err)}
	}
	return m, nil
}

// fetchMetadata fetches the core metadata of an index's file, as coreMetadata says.
func (ix *Index) fetchMetadata(ctx context.Context, name string, c *candidate) ([]byte, error) {
	if c.wheel == nil {
		return ix.sdistMetadata(ctx, name, c)
	}
	if c.hasMetadata {
		data, err := ix.metadataFile(ctx, c)
		if err != nil {
			return nil, err
		}
		if data != nil {
			return data, nil
		}
	}
	data, err := ix.rangeMetadata(ctx, name, c)
	check := unchecked
	if err == errNoRanges {
		data, err = ix.downloadWheelMetadata(ctx, name, c)
		check = fileHashChecked
	}
	if err != nil {
		return nil, err
	}
	ix.storeMetadata(c, check, data)
	return data, nil
}

// cachedCoreMetadata reads the core metadata of a file from the cache. A good index's
// own hashed PEP 658 file wins; then metadata checked against the file's hash; then what
// this index's file gave unchecked before. err is the first failure to read the cache,
// which an offline run reports.
func (ix *Index) cachedCoreMetadata(c *candidate) (m *coremeta.Metadata, found bool, err error) {
	// Made one at a time: the first is nearly always there, and a SourceKey costs a
	// hash.
	keys := func(yield func(string) bool) {
		if isSHA256(c.metadataSHA256) && c.hasMetadata && !yield(cache.MetadataKey(c.metadataSHA256)) {
			return
		}
		if isSHA256(c.SHA256) && yield(cache.DistKey(c.SHA256)) {
			yield(cache.SourceKey(c.Index, c.URL, c.SHA256))
		}
	}
	for k := range keys {
		data, found, gerr := ix.opts.Cache.GetMetadata(k)
		if gerr != nil && err == nil {
			err = gerr
		}
		if found {
			if m, perr := coremeta.Parse(data); perr == nil {
				ix.stats.metadataHits.Add(1)
				ix.trace("cache", true, "metadata of %s from the cache", c.Filename)
				return m, true, nil
			}
		}
	}
	return nil, false, err
}

// metadataCheck is what core metadata about to be cached was checked against, which
// decides who may share it.
type metadataCheck uint8

const (
	// unchecked: range reads of a wheel, or a PEP 658 file without a hash. Only
	// the serving index vouches for it.
	unchecked metadataCheck = iota
	// ownHashChecked: a PEP 658 file that matched the hash its page gave.
	ownHashChecked
	// fileHashChecked: read from a whole download, which download checked
	// against the file's hash.
	fileHashChecked
)

// storeMetadata caches metadata that parses. Checked metadata is shared by its hash
// with every index that lists the same hash; unchecked metadata is kept for this
// index's file and claimed hash alone, so that a hostile index claiming a real
// wheel's hash cannot change what another index's wheel requires. Without a file
// hash nothing names the bytes, and only a metadata file's own hash can key them.
func (ix *Index) storeMetadata(c *candidate, check metadataCheck, data []byte) {
	if _, err := coremeta.Parse(data); err != nil {
		return
	}
	switch {
	case check == ownHashChecked && isSHA256(c.metadataSHA256):
		_ = ix.opts.Cache.PutMetadata(cache.MetadataKey(c.metadataSHA256), data)
	case !isSHA256(c.SHA256):
	case check == fileHashChecked:
		_ = ix.opts.Cache.PutMetadata(cache.DistKey(c.SHA256), data)
	default:
		_ = ix.opts.Cache.PutMetadata(cache.SourceKey(c.Index, c.URL, c.SHA256), data)
	}
}

// metadataFile fetches a PEP 658 metadata file and checks its hash. It
// returns nil data when the server does not have it after all (some proxies
// announce metadata files they do not serve).
func (ix *Index) metadataFile(ctx context.Context, c *candidate) ([]byte, error) {
	u, err := url.Parse(c.URL)
	if err != nil {
		return nil, err
	}
	u.Path += ".metadata"
	if u.RawPath != "" {
		u.RawPath += ".metadata" // keeps %2B for '+', which S3 reads as a space
	}
	accept := []int{statusNotFound, statusForbidden, statusGone}
	resp, err := ix.client.get(ctx, u.String(), nil, accept, ix.client.opts.MaxMetadataSize, &ix.stats.metadataFiles, func(r *response) error {
		if r.status != statusOK {
			return nil
		}
		if c.metadataSHA256 != "" {
			sum := sha256.Sum256(r.body)
			if got := hex.EncodeToString(sum[:]); got != c.metadataSHA256 {
				return &badBodyError{fmt.Errorf("metadata file has sha256 %s, the index says %s", got, c.metadataSHA256)}
			}
		}
		if _, err := coremeta.Parse(r.body); err != nil {
			return &badBodyError{fmt.Errorf("metadata file: %w", err)}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if resp.status != statusOK {
		return nil, nil
	}
	check := unchecked
	if c.metadataSHA256 != "" {
		check = ownHashChecked
	}
	ix.storeMetadata(c, check, resp.body)
	return resp.body, nil
}

// convert checks parsed core metadata against the file it came from and turns it
// into the resolver's terms. Problems make the version unavailable.
func convert(name string, v pep440.Version, c *candidate, m *coremeta.Metadata) resolver.Metadata {
	bad := func(format string, args ...any) resolver.Metadata {
		return resolver.Metadata{Unavailable: fmt.Sprintf(format, args...)}
	}
	if !m.Supported() {
		return bad("the core metadata of %s has Metadata-Version %s, newer than depsolve reads", c.Filename, m.MetadataVersion)
	}
	if got := pep508.NormalizeName(m.Name); got != name {
		return bad("the core metadata of %s is for project %q", c.Filename, m.Name)
	}
	if mv, err := pep440.Parse(m.Version); err != nil || !mv.Equal(v) {
		return bad("the core metadata of %s is for version %q", c.Filename, m.Version)
	}
	if c.wheel == nil {
		switch {
		case !m.AtLeast(2, 2):
			return bad("%s (%s has Metadata-Version %s; only 2.2 and later can be trusted without a build)", needsBuild, c.Filename, m.MetadataVersion)
		case m.IsDynamic("requires-dist"), m.IsDynamic("requires-python"), m.IsDynamic("provides-extra"):
			return bad("%s (%s marks its dependencies Dynamic)", needsBuild, c.Filename)
		}
	}
	var md resolver.Metadata
	if len(m.RequiresDist) > 0 {
		// Grown by append, the list cost twice its size again in copies: some
		// projects list hundreds of dependencies, mostly for extras.
		md.RequiresDist = make([]pep508.Requirement, 0, len(m.RequiresDist))
	}
	for _, f := range m.RequiresDist {
		r, err := pep508.ParseRequirement(f.Value)
		if err != nil {
			return bad("invalid Requires-Dist on line %d of the metadata of %s: %v", f.Line, c.Filename, err)
		}
		md.RequiresDist = append(md.RequiresDist, r)
	}
	if m.RequiresPython.Value != "" {
		spec, err := pep440.ParseSpecifierSet(m.RequiresPython.Value)
		if err != nil {
			return bad("invalid Requires-Python on line %d of the metadata of %s: %v", m.RequiresPython.Line, c.Filename, err)
		}
		md.RequiresPython = spec
	}
	for _, e := range m.ProvidesExtra {
		if e = pep508.NormalizeExtra(e); !slices.Contains(md.ProvidesExtra, e) {
			md.ProvidesExtra = append(md.ProvidesExtra, e)
		}
	}
	return md
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

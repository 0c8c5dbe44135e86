package index

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"

	"github.com/depsolve/depsolve/cache"
	"github.com/depsolve/depsolve/index/coremeta"
	"github.com/depsolve/depsolve/pep425"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/resolver"
)

// DirectWheel is a wheel that a requirement names by URL (NAME @ URL): the one release
// of its project the resolver may take, read from the wheel itself.
type DirectWheel struct {
	// Release is Unavailable, with the reason, when the wheel does not install on the
	// target or its metadata cannot be used.
	Release  resolver.Release
	Metadata resolver.Metadata
	File     File // URL without credentials; SHA256 the one given, "" if none
}

// ReadDirectWheel reads the wheel at rawURL (http, https or file) that a requirement on
// project name names: its version from the file name, its core metadata with range
// requests as for an index's wheels (the whole file where the server serves no
// ranges), or, when sha256 is given, from the whole file checked against it, as pip
// checks a --hash. A file name that is not a wheel's is an error; the caller checks
// the name and version first (ParseDirectWheelName).
func (ix *Index) ReadDirectWheel(ctx context.Context, name, rawURL, sha256 string) (DirectWheel, error) {
	c, err := ix.directCandidate(rawURL, sha256)
	if err != nil {
		return DirectWheel{}, err
	}
	w, v, filename := *c.wheel, c.version, c.Filename
	d := DirectWheel{Release: resolver.Release{Version: v}, File: c.File}
	if _, ok := ix.supported.Rank(w.Tags); !ok {
		d.Release.Unavailable = fmt.Sprintf("the wheel %s named by URL does not install on the target: %s", filename, ix.supported.WhyNot([]pep425.Filename{w}))
		return d, nil
	}
	raw, err := ix.directMetadata(ctx, name, c)
	var m *coremeta.Metadata
	if err == nil {
		m, err = parseCoreMetadata(c, raw)
	}
	var bad *unusableError
	switch {
	case errors.As(err, &bad):
		d.Release.Unavailable, d.Metadata.Unavailable = bad.reason, bad.reason
		return d, nil
	case err != nil:
		return DirectWheel{}, err
	}
	d.Metadata = convert(name, v, c, m)
	d.Release.RequiresPython = d.Metadata.RequiresPython
	d.Release.Unavailable = d.Metadata.Unavailable
	return d, nil
}

// DirectWheelHash returns the SHA-256 and size of the wheel at rawURL, for a
// requirement that gives no hash for it, reading the file whole (once per Index): a lock
// records a hash for every file, and pip's hash-checking mode refuses a line without
// one.
func (ix *Index) DirectWheelHash(ctx context.Context, rawURL string) (string, int64, error) {
	c, err := ix.directCandidate(rawURL, "")
	if err != nil {
		return "", 0, err
	}
	return ix.computeHash(ctx, c)
}

// directCandidate is the wheel at rawURL as a candidate to read: its file name, version
// and tags, its URL without fragment or credentials (those go to the client), or its
// local path.
func (ix *Index) directCandidate(rawURL, sha256 string) (*candidate, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("direct URL: %w", err)
	}
	u.Fragment, u.RawFragment = "", ""
	filename := path.Base(u.Path)
	w, v, err := ParseDirectWheelName(filename)
	if err != nil {
		return nil, err
	}
	c := &candidate{File: File{Filename: filename, SHA256: sha256}, version: v, wheel: &w, hashFrom: "the requirement"}
	switch u.Scheme {
	case "file":
		c.localPath = u.Path
		c.URL = u.String()
	case "http", "https":
		var user *url.Userinfo
		u, user = stripUserinfo(u)
		ix.client.addCredentials(u, user)
		c.URL = u.String()
	default:
		return nil, fmt.Errorf("direct URL %s: depsolve reads wheels over http, https or from file URLs", c.Filename)
	}
	return c, nil
}

// ParseDirectWheelName reads a wheel's file name: its tags, and its version.
func ParseDirectWheelName(filename string) (pep425.Filename, pep440.Version, error) {
	w, err := pep425.ParseFilename(filename)
	if err != nil {
		return w, pep440.Version{}, err
	}
	v, err := pep440.Parse(w.Version)
	if err != nil {
		return w, v, fmt.Errorf("wheel %s: invalid version %q: %w", filename, w.Version, err)
	}
	return w, v, nil
}

// directMetadata reads the METADATA of a wheel named by URL. With a hash, the metadata
// cached under it is used, else the whole file is fetched and checked: range reads
// cannot check a hash.
func (ix *Index) directMetadata(ctx context.Context, name string, c *candidate) ([]byte, error) {
	if c.localPath != "" {
		return ix.localMetadata(name, c)
	}
	if c.SHA256 != "" {
		data, found, err := ix.opts.Cache.GetMetadata(cache.DistKey(c.SHA256))
		if err == nil && found {
			if _, perr := coremeta.Parse(data); perr == nil {
				ix.stats.metadataHits.Add(1)
				return data, nil
			}
		}
	}
	if ix.opts.Offline {
		return nil, &OfflineError{What: "the metadata of " + c.Filename}
	}
	if c.SHA256 != "" {
		data, err := ix.downloadWheelMetadata(ctx, name, c)
		if err == nil {
			ix.storeMetadata(c, fileHashChecked, data)
		}
		return data, err
	}
	data, err := ix.rangeMetadata(ctx, name, c)
	if err == errNoRanges {
		data, err = ix.downloadWheelMetadata(ctx, name, c)
	}
	return data, err
}

package index

import (
	"context"
	"slices"
	"strings"

	"github.com/depsolve/depsolve/resolver"
)

// What a conflict's report asks of the index beyond the resolver's questions: where a
// project was looked for, which projects the run has met, and what first-index passed
// over. The index answers; the caller decides what to say.

// Locations are where projects are looked for, in the order asked: the find-links
// locations, then the indexes; redacted.
func (ix *Index) Locations() []string {
	var out []string
	for _, s := range ix.findLinks {
		out = append(out, s.display)
	}
	return append(out, ix.IndexURLs()...)
}

// LocationsOf are where the project name is looked for, in the order asked, redacted:
// Locations, or the one index the project is pinned to (Options.PinnedIndexes).
func (ix *Index) LocationsOf(name string) []string {
	if s, ok := ix.pinned[name]; ok {
		return []string{s.display}
	}
	return ix.Locations()
}

// Sources names where a project's files came from (redacted): the find-links locations
// that list it and the index it was taken from (every index that has it, with
// UnsafeBestMatch).
func (ix *Index) Sources(ctx context.Context, name string) ([]string, error) {
	p, err := ix.project(ctx, name)
	if err != nil {
		return nil, err
	}
	return slices.Clone(p.sources), nil
}

// Known lists, sorted, the projects this Index has found releases of so far and those
// whose pages the cache holds from the indexes (which may be not-found answers): names a
// misspelt one may have meant, to be confirmed before they are offered.
func (ix *Index) Known() []string {
	ix.mu.Lock()
	var out []string
	for name, p := range ix.projects {
		if len(p.releases) > 0 {
			out = append(out, name)
		}
	}
	ix.mu.Unlock()
	for _, s := range ix.indexes {
		base := s.base.String()
		urls, err := ix.opts.Cache.PageURLs(base, maxKnownCached)
		if err != nil {
			break // the cache is only a cache: suggest from the run alone
		}
		for _, u := range urls {
			if name, ok := strings.CutSuffix(strings.TrimPrefix(u, base), "/"); ok && name != "" && !strings.Contains(name, "/") {
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// maxKnownCached bounds the cached project names Known reads from one index.
const maxKnownCached = 100_000

// Listing is what one index has of a project.
type Listing struct {
	Index    string // redacted
	Releases []resolver.Release
}

// PassedOver lists what the indexes after the first one that has a project have of it:
// the releases FirstIndex never considers. Nil with UnsafeBestMatch, which considers
// them all.
func (ix *Index) PassedOver(ctx context.Context, name string) ([]Listing, error) {
	if ix.opts.Strategy != FirstIndex {
		return nil, nil
	}
	var out []Listing
	found := false
	_, indexes := ix.sourcesOf(name)
	for _, s := range indexes {
		fp, err := ix.indexPage(ctx, s, name)
		if err != nil {
			return nil, err
		}
		if fp == nil {
			continue
		}
		if !found {
			found = true
			continue
		}
		pg := sourcePage{s, projectPageURL(s, name), fp}
		if err := ix.decodePage(ctx, &pg); err != nil {
			return nil, err
		}
		p, _ := ix.buildProject(name, []sourceFiles{{s, pg.fp.files}})
		l := Listing{Index: s.display}
		for _, r := range p.releases {
			l.Releases = append(l.Releases, r.release)
		}
		out = append(out, l)
	}
	return out, nil
}

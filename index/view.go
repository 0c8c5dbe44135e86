package index

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/depsolve/depsolve/cache"
	"github.com/depsolve/depsolve/index/simple"
	"github.com/depsolve/depsolve/internal/wire"
	"github.com/depsolve/depsolve/pep425"
	"github.com/depsolve/depsolve/pep440"
)

// A project view is a project as buildProject makes it for one target, cached so that a
// warm run reads what it uses instead of every file of every page: setuptools and
// botocore list hundreds of releases, torch thousands of files, of which a run ranks
// all and uses a few. The view holds each release's verdict (version, yanked,
// Requires-Python, why it is unavailable) and, encoded apart and decoded only when the
// release is asked for, its usable files. Its key is a digest of everything
// buildProject reads (the pages' content keys, the sources, the target's tags, the
// binary selections), so, like a parsed page, it never goes stale.

// viewVersion is the first byte of a view. Change it with the encoding or with what
// buildProject makes of a page: a view of another version reads as a miss. Its key
// also names simple.BinaryVersion, which changes with what parsing makes of a page.
const viewVersion = 1

// File flags in a view.
const (
	viewYanked = 1 << iota
	viewHasMetadata
	viewUploadTime
)

// sourcePage is an index's page for a project.
type sourcePage struct {
	src     *source
	pageURL string
	fp      *fetchedPage
}

// viewKey is the cache key of the view of project name built from pages; "" when a
// page has no content key (parsed here from a body too large to cache, or read from a
// find-links folder), so there is nothing to name the view by.
func (ix *Index) viewKey(name string, pages []sourcePage) string {
	if ix.opts.Cache == nil {
		return ""
	}
	h := sha256.New()
	field := func(s string) {
		h.Write(wire.AppendString(nil, s))
	}
	field("depsolve project view")
	h.Write([]byte{viewVersion, simple.BinaryVersion})
	field(name)
	field(ix.targetKey)
	// What the selections leave the project, not each list's say: a view kept when both
	// selected it (and none of its files was usable) is not one for the rule that
	// settles such a tie now.
	field(fmt.Sprint(binarySelection(ix.opts.OnlyBinary, ix.opts.NoBinary, name)))
	field(fmt.Sprint(ix.opts.ExcludeNewer.UTC().Format(time.RFC3339Nano), ix.opts.FinalOnly, ix.opts.ExcludeNewerRule, ix.opts.FinalOnlyRule, ix.opts.OnlyBinaryRule))
	for _, pg := range pages {
		if pg.fp.key == "" {
			return ""
		}
		field(pg.src.display)
		field(pg.fp.key)
	}
	return cache.ParsedKey(hex.EncodeToString(h.Sum(nil)))
}

// targetKeyOf is a digest of what of the target a view depends on: the tags files are
// ranked by, and the target WhyNot explains rejections with.
func targetKeyOf(s *pep425.Supported) string {
	h := sha256.New()
	fmt.Fprintf(h, "%#v", s.Target())
	// What wire.AppendString(nil, t.String()) gives, in one buffer for the
	// hundreds of tags of a manylinux target.
	var field []byte
	for t := range s.All() {
		field = wire.AppendUvarint(field[:0], uint64(len(t.Python)+len(t.ABI)+len(t.Platform)+2))
		field = append(append(append(append(append(field, t.Python...), '-'), t.ABI...), '-'), t.Platform...)
		h.Write(field)
	}
	return string(h.Sum(nil))
}

// storeView caches the view of p; best effort, like putPage.
func (ix *Index) storeView(key string, p *project, pages []sourcePage) {
	_ = ix.opts.Cache.PutParsed(key, appendView(nil, p, pages))
}

// appendView encodes p, built from pages, and the problems of each page.
func appendView(b []byte, p *project, pages []sourcePage) []byte {
	b = append(b, viewVersion)
	b = wire.AppendUvarint(b, uint64(len(p.sources)))
	for _, s := range p.sources {
		b = wire.AppendString(b, s)
	}
	b = wire.AppendUvarint(b, uint64(len(pages)))
	for _, pg := range pages {
		b = wire.AppendString(b, pg.src.display)
		b = wire.AppendUvarint(b, uint64(len(pg.fp.problems)))
		for _, s := range pg.fp.problems {
			b = wire.AppendString(b, s)
		}
	}
	b = wire.AppendUvarint(b, uint64(len(p.releases)))
	var files []byte
	for _, r := range p.releases {
		b = wire.AppendString(b, r.release.Version.String())
		var flags byte
		if r.release.Yanked {
			flags |= viewYanked
		}
		b = append(b, flags)
		b = wire.AppendString(b, r.requiresPython)
		b = wire.AppendString(b, r.release.Unavailable)
		files = appendCandidates(files[:0], r.usable)
		b = wire.AppendString(b, string(files))
	}
	return b
}

func appendCandidates(b []byte, cs []*candidate) []byte {
	b = wire.AppendUvarint(b, uint64(len(cs)))
	for _, c := range cs {
		b = wire.AppendUvarint(b, uint64(c.sourceOrder))
		b = wire.AppendString(b, c.Filename)
		b = wire.AppendString(b, c.URL)
		b = wire.AppendString(b, c.SHA256)
		b = wire.AppendVarint(b, c.Size)
		b = wire.AppendString(b, c.RequiresPython)
		var flags byte
		if c.Yanked {
			flags |= viewYanked
		}
		if c.hasMetadata {
			flags |= viewHasMetadata
		}
		if !c.UploadTime.IsZero() {
			flags |= viewUploadTime
		}
		b = append(b, flags)
		b = wire.AppendString(b, c.YankedReason)
		b = wire.AppendString(b, c.metadataSHA256)
		b = wire.AppendVarint(b, int64(c.rank))
		if flags&viewUploadTime != 0 {
			t, _ := c.UploadTime.MarshalBinary() // fails only for a zone offset no parser gives
			b = wire.AppendString(b, string(t))
		}
	}
	return b
}

// cachedView reads the view under key; ok is false when there is none, or it does not
// decode (another version's, say). problems are those of each page, in order.
func (ix *Index) cachedView(key string, name string, pages []sourcePage) (p *project, problems [][]string, ok bool) {
	data, found, err := ix.opts.Cache.GetParsed(key)
	if err != nil || !found {
		return nil, nil, false
	}
	return decodeView(data, name, pages)
}

// decodeView decodes a view. It takes data over: the view's strings share it, so
// nothing may change it afterwards.
func decodeView(data []byte, name string, pages []sourcePage) (*project, [][]string, bool) {
	if len(data) == 0 || data[0] != viewVersion {
		return nil, nil, false
	}
	r := wire.NewReaderOwning(data[1:])
	p := &project{name: name}
	if n := r.Count(1); n > 0 {
		p.sources = make([]string, n)
		for i := range p.sources {
			p.sources[i] = r.String()
		}
	}
	if r.Count(1) != len(pages) {
		return nil, nil, false
	}
	problems := make([][]string, len(pages))
	displays := make([]string, len(pages))
	for i := range pages {
		displays[i] = r.String()
		if n := r.Count(1); n > 0 {
			problems[i] = make([]string, n)
			for j := range problems[i] {
				problems[i][j] = r.String()
			}
		}
	}
	n := r.Count(5) // the smallest encoded release
	p.releases = make([]*release, n)
	// One allocation for all releases, and one for their files: projects list
	// hundreds of releases.
	releases, lazies := make([]release, n), make([]lazyFiles, n)
	// Releases of a project mostly share a few Requires-Python texts.
	specs := map[string]pep440.SpecifierSet{}
	for i := range p.releases {
		v, err := pep440.Parse(r.String())
		if err != nil {
			r.Fail()
		}
		lazies[i].sources = displays
		rel := &releases[i]
		rel.release.Version, rel.lazy = v, &lazies[i]
		rel.release.Yanked = r.Byte()&viewYanked != 0
		if text := r.String(); text != "" {
			spec, seen := specs[text]
			if !seen {
				var err error
				if spec, err = pep440.ParseSpecifierSet(text); err != nil {
					r.Fail()
				}
				specs[text] = spec
			}
			rel.requiresPython, rel.release.RequiresPython = text, spec
		}
		rel.release.Unavailable = r.String()
		rel.lazy.encoded = r.String()
		if r.Err() != nil {
			return nil, nil, false
		}
		p.releases[i] = rel
	}
	if r.Done() != nil {
		return nil, nil, false
	}
	return p, problems, true
}

// lazyFiles are a cached release's usable files, decoded on first use.
type lazyFiles struct {
	once    sync.Once
	sources []string // the display of each page, by sourceOrder
	encoded string
	err     error
}

// load decodes the usable files of a release read from a view, once.
func (r *release) load() error {
	if r.lazy == nil {
		return nil
	}
	r.lazy.once.Do(func() {
		var ok bool
		if r.usable, ok = r.lazy.decode(r.release.Version); !ok {
			r.lazy.err = fmt.Errorf("the cached files of version %s do not decode: the cache is damaged (depsolve cache clean empties it)", r.release.Version)
		}
		r.lazy.encoded = ""
	})
	return r.lazy.err
}

func (l *lazyFiles) decode(v pep440.Version) ([]*candidate, bool) {
	r := wire.NewStringReader(l.encoded)
	n := r.Count(12) // the smallest encoded file
	out := make([]*candidate, 0, n)
	for range n {
		order := r.Uvarint()
		c := &candidate{version: v, sourceOrder: int(order)}
		c.Filename = r.String()
		c.URL = r.String()
		c.SHA256 = r.String()
		c.Size = r.Varint()
		c.RequiresPython = r.String()
		flags := r.Byte()
		c.Yanked = flags&viewYanked != 0
		c.hasMetadata = flags&viewHasMetadata != 0
		c.YankedReason = r.String()
		c.metadataSHA256 = r.String()
		c.rank = int(r.Varint())
		if flags&viewUploadTime != 0 {
			var t time.Time
			if err := t.UnmarshalBinary([]byte(r.String())); err != nil {
				r.Fail()
			}
			c.UploadTime = t
		}
		if order >= uint64(len(l.sources)) {
			r.Fail()
		}
		if r.Err() != nil {
			return nil, false
		}
		c.Index = l.sources[order]
		if w, err := pep425.ParseFilename(c.Filename); err == nil {
			c.wheel = &w
		}
		out = append(out, c)
	}
	if r.Done() != nil {
		return nil, false
	}
	return out, true
}

package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/depsolve/depsolve/index"
	"github.com/depsolve/depsolve/pep425"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/redact"
	"github.com/depsolve/depsolve/reqfile"
	"github.com/depsolve/depsolve/resolver"
)

// WarningUnverifiableURL is the code of a requirement pinned by a URL whose dependencies
// depsolve cannot read without building or checking out the project (a VCS URL, a
// source archive, a folder): it is pinned as given, and nothing it needs is checked.
const WarningUnverifiableURL = "unverifiable-direct-url"

// directRefs are the requirements that name their distribution by URL (NAME @ URL) and
// apply on the target, by PEP 503 name. A wheel is read (index.ReadDirectWheel) and is
// the one release of its project; anything else is opaque: pinned as given.
type directRefs struct {
	wheels map[string]directWheel
	opaque map[string]opaqueRef
}

type directWheel struct {
	index.DirectWheel
	url string // as written, without its fragment
}

type opaqueRef struct {
	url     string
	version pep440.Version // from a source archive's name
	known   bool           // version was read
	origin  reqfile.Position
	kind    string // "a VCS checkout", "a source archive", "a local folder"
}

// opaqueVersion is what the resolver sees as the version of an opaque reference whose
// version is unknown: it has one release, and every requirement on it is unpinned, so
// the number stands for nothing.
var opaqueVersion = pep440.MustParse("0")

// resolveDirect takes the requirements that name URLs out of the index's hands. Those
// whose marker is false on the target install nothing and are dropped, as pip and uv
// skip them (uv export and pip-compile write such lines); an unnamed one that applies is
// bad input. A wheel URL becomes NAME==VERSION, its release and metadata read from the
// wheel; any other URL is pinned as given, and every requirement on its project loses
// its version bounds, with a warning, since nothing can check them without a build.
func (s *session) resolveDirect(ctx context.Context, ix *index.Index, in *inputs) (*directRefs, error) {
	env := s.target.MarkerEnvironment()
	d := &directRefs{wheels: map[string]directWheel{}, opaque: map[string]opaqueRef{}}
	var kept []reqfile.Requirement
	for _, r := range in.requirements {
		if (r.URL != "" || r.Unnamed()) && !pinApplies(r, env) {
			continue
		}
		if err := d.add(ctx, s, ix, r); err != nil {
			return nil, err
		}
		kept = append(kept, r)
	}
	in.requirements = kept
	kept = nil
	for _, c := range in.constraints {
		if c.URL != "" && !pinApplies(c, env) {
			continue
		}
		if err := unresolvable(c); err != nil {
			return nil, err
		}
		kept = append(kept, c)
	}
	in.constraints = kept
	for i, r := range in.requirements {
		in.requirements[i] = d.rewrite(r)
	}
	return d, nil
}

// warnings are the warnings of the opaque references, by name.
func (d *directRefs) warnings() []Warning {
	if d == nil {
		return nil
	}
	var out []Warning
	for _, name := range slices.Sorted(maps.Keys(d.opaque)) {
		out = append(out, d.opaqueWarning(name))
	}
	return out
}

// add records the URL of r, if it names one.
func (d *directRefs) add(ctx context.Context, s *session, ix *index.Index, r reqfile.Requirement) error {
	if r.Unnamed() {
		return unresolvable(r)
	}
	if r.URL == "" {
		return nil
	}
	name := r.Key()
	bad := func(msg, hint string) error { return r.Error(msg, hint) }
	if prev := d.urlOf(name); prev != "" && prev != withoutFragment(r.URL) {
		return bad(fmt.Sprintf("%s is required from two URLs: %s and %s", name, redact.URL(prev), redact.URL(withoutFragment(r.URL))),
			"name one URL for the project")
	}
	u, err := url.Parse(r.URL)
	if err != nil {
		return bad("invalid URL: "+err.Error(), "")
	}
	if u.Scheme == "file" && u.Path != "" {
		// Read as an unavailable wheel (a conflict) or pinned as given (ok), a path that
		// names nothing would fail only at the install.
		if local := filepath.FromSlash(u.Path); isMissing(local) {
			return bad(local+" does not exist", "a local path or file: URL names a file or folder on this machine: build it first, or require the project by version from an index")
		}
	}
	filename := path.Base(u.Path)
	switch {
	case strings.Contains(u.Scheme, "+") || slices.Contains([]string{"git", "hg", "svn", "bzr"}, u.Scheme):
		d.opaque[name] = opaqueRef{url: withoutFragment(r.URL), origin: origin(r), kind: "a VCS checkout (" + u.Scheme + ")"}
	case strings.HasSuffix(filename, ".whl"):
		w, v, err := index.ParseDirectWheelName(filename)
		if err != nil {
			return bad(err.Error(), "a wheel URL ends in the wheel's file name, NAME-VERSION-TAGS.whl")
		}
		if pep508.NormalizeName(w.Name) != name {
			return bad(fmt.Sprintf("the URL names a wheel of %s, not of %s", w.Name, r.Name), "give the project's own name before @")
		}
		dw, err := ix.ReadDirectWheel(ctx, name, r.URL, sha256Of(r, u))
		if err != nil {
			return s.explain(err)
		}
		dw.Release.Version = v
		d.wheels[name] = directWheel{DirectWheel: dw, url: withoutFragment(r.URL)}
	case pep425.IsSdistFilename(filename):
		o := opaqueRef{url: withoutFragment(r.URL), origin: origin(r), kind: "a source archive"}
		if sd, err := pep425.ParseSdistFilename(filename, name); err == nil {
			if v, err := pep440.Parse(sd.Version); err == nil {
				o.version, o.known = v, true
			}
		}
		d.opaque[name] = o
	default:
		d.opaque[name] = opaqueRef{url: withoutFragment(r.URL), origin: origin(r), kind: "a local folder or an archive depsolve cannot read"}
	}
	return nil
}

// opaqueRef is the opaque reference of project name, if it is one.
func (d *directRefs) opaqueRef(name string) (opaqueRef, bool) {
	if d == nil {
		return opaqueRef{}, false
	}
	o, ok := d.opaque[name]
	return o, ok
}

func (d *directRefs) urlOf(name string) string {
	if d == nil {
		return ""
	}
	if w, ok := d.wheels[name]; ok {
		return w.url
	}
	return d.opaque[name].url
}

// rewrite is r as the resolver takes it: a wheel URL as an exact pin of the wheel's
// version, and any requirement on an opaque reference without version bounds.
func (d *directRefs) rewrite(r reqfile.Requirement) reqfile.Requirement {
	name := r.Key()
	if w, ok := d.wheels[name]; ok && r.URL != "" {
		spec, err := pep440.ParseSpecifierSet("==" + w.Release.Version.String())
		if err == nil {
			r.URL, r.Specifier = "", spec
		}
		return r
	}
	if _, ok := d.opaque[name]; ok {
		r.URL, r.Specifier = "", pep440.SpecifierSet{}
	}
	return r
}

// opaqueWarning is the warning of an opaque reference.
func (d *directRefs) opaqueWarning(name string) Warning {
	o := d.opaque[name]
	return Warning{Code: WarningUnverifiableURL, Package: name, Message: fmt.Sprintf(
		"%s @ %s (%s) is pinned as given: it is %s, whose version and dependencies depsolve cannot read without building it (it never runs package code), so what it needs is not checked, and version bounds other requirements put on %s are ignored",
		name, redact.URL(o.url), o.origin, o.kind, name)}
}

func withoutFragment(raw string) string {
	s, _, _ := strings.Cut(raw, "#")
	return s
}

// sha256Of is the SHA-256 a requirement gives for its file: a --hash, else the URL's
// #sha256= fragment, as pip reads them; "" for none.
func sha256Of(r reqfile.Requirement, u *url.URL) string {
	for _, h := range r.Hashes {
		if hex, ok := strings.CutPrefix(h, "sha256:"); ok {
			return hex
		}
	}
	if frag, err := url.ParseQuery(u.Fragment); err == nil {
		return strings.ToLower(frag.Get("sha256"))
	}
	return ""
}

// index gives the resolver the direct references' releases in place of the index's.
func (d *directRefs) index(ix resolver.Index) resolver.Index {
	if d == nil || len(d.wheels)+len(d.opaque) == 0 {
		return ix
	}
	return directIndex{Index: ix, d: d}
}

type directIndex struct {
	resolver.Index
	d *directRefs
}

func (x directIndex) Releases(ctx context.Context, name string) ([]resolver.Release, error) {
	if w, ok := x.d.wheels[name]; ok {
		return []resolver.Release{w.Release}, nil
	}
	if o, ok := x.d.opaque[name]; ok {
		return []resolver.Release{{Version: o.resolverVersion()}}, nil
	}
	return x.Index.Releases(ctx, name)
}

func (x directIndex) Metadata(ctx context.Context, name string, v pep440.Version) (resolver.Metadata, error) {
	if w, ok := x.d.wheels[name]; ok {
		return w.Metadata, nil
	}
	if _, ok := x.d.opaque[name]; ok {
		return resolver.Metadata{}, nil
	}
	md, err := x.Index.Metadata(ctx, name, v)
	if err != nil || !slices.ContainsFunc(md.RequiresDist, func(r pep508.Requirement) bool { _, ok := x.d.opaque[r.Key()]; return ok }) {
		return md, err
	}
	md.RequiresDist = slices.Clone(md.RequiresDist)
	for i, r := range md.RequiresDist {
		if _, ok := x.d.opaque[r.Key()]; ok {
			md.RequiresDist[i].Specifier, md.RequiresDist[i].URL = pep440.SpecifierSet{}, ""
		}
	}
	return md, nil
}

func (o opaqueRef) resolverVersion() pep440.Version {
	if !o.known {
		return opaqueVersion
	}
	return o.version
}

// annotate marks the pins of direct references in a solution: their URL, the wheel's
// file, and no version for an opaque reference whose version is unknown.
func (d *directRefs) annotate(packages []Package) {
	if d == nil {
		return
	}
	for i := range packages {
		p := &packages[i]
		if w, ok := d.wheels[p.Name]; ok {
			p.DirectURL = w.url
			p.Files = []index.File{w.File}
		}
		if o, ok := d.opaque[p.Name]; ok {
			p.DirectURL, p.Unverified, p.versionUnknown = o.url, true, !o.known
		}
	}
}

// isMissing reports whether nothing is at path.
func isMissing(path string) bool {
	_, err := lookAt(path)
	return errors.Is(err, fs.ErrNotExist)
}

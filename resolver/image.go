package resolver

import "github.com/depsolve/depsolve/pep440"

// An ImagePackage is a Python distribution the base image ships installed, read from
// the image: a fixed fact, like the target's. It restricts its package to the image's
// release (any local build of it) if something requires the package, and never requires
// it: a requirement the installed release does not satisfy is a conflict naming the
// image, not a silent re-pin.
type ImagePackage struct {
	Name     string // PEP 503
	Version  pep440.Version
	Image    string // the reference, with its digest: "nvidia/cuda:…@sha256:…"
	Location string // the site-packages folder: "/usr/local/lib/python3.11/site-packages"
}

// ImageFact is the cause of an ImagePackage's edge of the root: "the base image
// nvidia/cuda:…@sha256:… ships torch 2.5.1 (/usr/local/lib/python3.11/site-packages)".
type ImageFact struct {
	Image, Name, Version, Spec, Location string
}

func (c ImageFact) Written() string       { return c.Spec }
func (c ImageFact) Note() string          { return c.Location }
func (c ImageFact) Citations() []Citation { return nil }
func (c ImageFact) State(e RootEdge) string {
	return "the base image " + c.Image + " ships " + c.Name + " " + c.Version + e.Note
}

// imageDependency is the root's edge of an installed package: its public version, so
// that the index's build of the image's release (torch 2.5.1+cu124 for an image's
// 2.5.1) satisfies it.
func imageDependency(p ImagePackage) (Dependency, error) {
	public := p.Version.Public().String()
	spec, err := pep440.ParseSpecifier("==" + public)
	if err != nil {
		return Dependency{}, err
	}
	return Dependency{
		Package: Package{Name: p.Name}, Range: spec.Range(), Constrains: true,
		Cause: ImageFact{Image: p.Image, Name: p.Name, Version: p.Version.String(), Spec: spec.String(), Location: p.Location},
	}, nil
}

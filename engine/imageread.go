package engine

import (
	"context"
	"slices"
	"strings"

	"github.com/depsolve/depsolve/cache"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/resolver"
	"github.com/depsolve/depsolve/target"
)

// imageReader reads the base image itself when that is cheap or asked for: an image on
// disk (oci:DIR, docker-archive:FILE) always; an image in a registry only with
// Request.ReadImage or a configuration's read-image = true, since its first read downloads every layer (the cache keeps what
// each layer holds, by digest, so later reads fetch no layer), and never offline: the
// image's manifest is not cached, so an offline run knows the image by its tag, with a
// note.
func imageReader(ctx context.Context, r Reporter, req *Request, configs []*target.Config, c *cache.Cache) target.ImageReader {
	readRegistry := req.ReadImage || slices.ContainsFunc(configs, func(c *target.Config) bool { return c.ReadImage.On })
	return func(ref string, _ target.Origin) (*target.ImageContents, error) {
		local := strings.HasPrefix(ref, "oci:") || strings.HasPrefix(ref, "docker-archive:")
		switch {
		case !local && !readRegistry:
			return nil, nil
		case !local && req.Offline:
			r.Note("base image " + ref + ": not read with --offline (reading it asks the registry for its manifest); its tag says what it holds")
			return nil, nil
		}
		return readImage(ctx, ref, c, req.RetryBackoff)
	}
}

// imagePackages are the packages the base image was read to ship, as the solver's fixed
// facts; none when the image was known by its tag alone.
func imagePackages(t *target.Target) []resolver.ImagePackage {
	img := t.ImageRead
	if img == nil {
		return nil
	}
	display := img.Ref
	if !strings.Contains(display, "@") {
		display += "@" + img.Digest
	}
	var out []resolver.ImagePackage
	for _, ins := range t.Preinstalled {
		v, err := pep440.Parse(ins.Version)
		if ins.Location == "" || err != nil {
			continue // the tag's, not the image's; image.Read parsed every version it reports
		}
		out = append(out, resolver.ImagePackage{Name: ins.Name, Version: v, Image: display, Location: ins.Location})
	}
	return out
}

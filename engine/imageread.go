package engine

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/depsolve/depsolve/cache"
	"github.com/depsolve/depsolve/image"
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
		img, err := image.Read(ctx, ref, image.Options{Cache: c, Backoff: req.RetryBackoff})
		if err != nil {
			return nil, imageError(err)
		}
		return imageContents(ref, img), nil
	}
}

// imageError sorts a failure to read an image: a reference that does not parse or an
// image that does not exist is the user's input; a registry that fails is operational,
// with what to do about it.
func imageError(err error) error {
	var refErr *image.RefError
	var notFound *image.NotFoundError
	var access *image.AccessError
	switch {
	case errors.As(err, &refErr), errors.As(err, &notFound):
		return &target.InputError{Msg: err.Error()}
	case errors.As(err, &access):
		return &HintedError{Err: err, Hint: access.Hint()}
	}
	return err
}

// imageContents is what the target takes of an image that was read.
func imageContents(ref string, img *image.Image) *target.ImageContents {
	fact := func(f image.Fact) target.ImageFact { return target.ImageFact{Value: f.Value, Source: f.Source} }
	c := &target.ImageContents{
		Ref: ref, Digest: img.Digest, Platform: img.Platform,
		CUDA: fact(img.CUDA), CuDNN: fact(img.CUDNN), Python: fact(img.PythonVersion), GLibc: fact(img.Glibc),
		Notes: img.Notes,
	}
	for _, l := range img.Layers {
		c.Layers = append(c.Layers, target.ImageLayer{DiffID: l.DiffID, Size: l.Size, Unpacked: l.Unpacked})
		c.Size += l.Size
		c.Unpacked += l.Unpacked
	}
	for _, d := range img.Python {
		c.Installed = append(c.Installed, target.Installed{Name: d.Name, Version: d.Version.String(), Location: d.Location})
	}
	for _, l := range img.CUDALibs {
		name := strings.SplitN(l.Name, "_", 2)[0] // libcudnn_ops is cuDNN's
		if !slices.Contains(c.Libraries, name) {
			c.Libraries = append(c.Libraries, name)
		}
	}
	slices.Sort(c.Libraries)
	return c
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

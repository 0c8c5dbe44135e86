//go:build !slim

package engine

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/depsolve/depsolve/cache"
	"github.com/depsolve/depsolve/image"
	"github.com/depsolve/depsolve/target"
)

// readImage reads the base image ref names; a slim build leaves image reading to
// depsolve-full (see package slim), and this file out.
func readImage(ctx context.Context, ref string, c *cache.Cache, backoff time.Duration) (*target.ImageContents, error) {
	img, err := image.Read(ctx, ref, image.Options{Cache: c, Backoff: backoff})
	if err != nil {
		return nil, imageError(err)
	}
	return imageContents(ref, img), nil
}

// imageLayerIDs are the layer diff IDs of the image ref names (image.LayerIDs).
func imageLayerIDs(ctx context.Context, ref string, backoff time.Duration) ([]string, error) {
	return image.LayerIDs(ctx, ref, image.Options{Backoff: backoff})
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

package target

import (
	"errors"
	"fmt"
	"strings"
)

// ImageContents is what reading a base image itself found (package image does the
// reading; the engine decides when). Its facts outrank what the image's tag implies.
type ImageContents struct {
	Ref    string // as the target names the image
	Digest string // the manifest's digest, sha256:…
	// Platform is the image's os/arch[/variant], from its config: "linux/amd64".
	Platform string
	// Each fact with where in the image it was found ("env CUDA_VERSION",
	// "/usr/lib/x86_64-linux-gnu/libc.so.6"); an empty Value is unknown.
	CUDA, CuDNN, Python, GLibc ImageFact
	// Installed are the Python distributions installed in the image, each with its
	// site-packages folder (Installed.Location).
	Installed []Installed
	// Libraries are the names of the CUDA libraries the image ships: "libcudart",
	// "libcublas", …, sorted, without duplicates.
	Libraries []string
	// Layers are the image's layers, bottom first; Size is their bytes as stored, and
	// Unpacked the bytes of their tar streams (what the image holds on a disk).
	Layers         []ImageLayer
	Size, Unpacked int64
	Notes          []string
}

// ImageLayer is one layer of an image that was read.
type ImageLayer struct {
	DiffID         string // sha256:… of its tar stream: the same layer in another image has the same
	Size, Unpacked int64  // bytes as stored (what a pull downloads), and of its tar stream
}

// ImageFact is a version the image gives, and where in it.
type ImageFact struct {
	Value, Source string
}

// ImageReader reads the base image ref names, whose origin is where the target names
// it. A nil *ImageContents with a nil error leaves the image to its tag (the reader
// chose not to read it). A bad reference or a missing image is an *InputError, which
// Build places at the origin; anything else is returned as it is.
type ImageReader func(ref string, origin Origin) (*ImageContents, error)

// BuildReading is Build, with the base image read by read where read reads it (nil: never).
func BuildReading(cat Catalog, defaults Defaults, read ImageReader, decls ...Declaration) (*Target, error) {
	return build(cat, defaults, read, decls)
}

// readImage reads the base image; false when the reader left it to its tag.
func (b *targetBuilder) readImage(ref string, at Origin, place func(*InputError)) (*ImageContents, error) {
	if b.read == nil {
		if isLocalImageRef(ref) {
			return nil, placed(&InputError{Msg: fmt.Sprintf("image %s: an image on disk must be read, and nothing reads images here", ref)}, place)
		}
		return nil, nil
	}
	contents, err := b.read(ref, at)
	if err != nil {
		var ie *InputError
		if errors.As(err, &ie) {
			return nil, placed(ie, place)
		}
		return nil, err
	}
	return contents, nil
}

func placed(e *InputError, place func(*InputError)) *InputError {
	if e.Pos.File == "" && e.Flag == "" {
		place(e)
	}
	return e
}

// isLocalImageRef says whether ref names an image on disk (an OCI layout, a docker
// save tarball) rather than in a registry: such an image has no tag to fall back on.
func isLocalImageRef(ref string) bool {
	return strings.HasPrefix(ref, "oci:") || strings.HasPrefix(ref, "docker-archive:")
}

// readImageTarget is what a base image that was read implies: its own facts, and for
// those it does not give, what its tag implies (tag, when the reference has one the
// catalog reads).
func readImageTarget(c *ImageContents, tag imageTarget, tagRead bool, origin Origin) imageTarget {
	it := imageTarget{linux: true}
	if tagRead {
		it.decl, it.musl, it.cudnn = tag.decl, tag.musl, tag.cudnn
		it.arch = tag.arch
	}
	at := func(source string) Origin {
		o := origin
		o.Detail = c.Ref + " (read: " + source + ")"
		return o
	}
	set := func(v *Value, f ImageFact) {
		if f.Value != "" {
			*v = Value{Text: f.Value, Origin: at(f.Source)}
		}
	}
	set(&it.decl.CUDA, c.CUDA)
	set(&it.decl.GLibc, c.GLibc)
	if c.Python.Value != "" {
		set(&it.decl.Python, c.Python)
		it.decl.Implementation = Value{Text: "cpython", Origin: at(c.Python.Source)}
	}
	if c.GLibc.Value != "" {
		it.musl = ""
	}
	if major, _, _ := strings.Cut(c.CuDNN.Value, "."); major != "" {
		it.cudnn = major
	}
	if os, rest, _ := strings.Cut(c.Platform, "/"); os != "" {
		it.linux = os == "linux"
		if arch, err := dockerArch(os + "/" + rest); err == nil {
			it.arch = arch
		}
	}
	for _, ins := range c.Installed {
		ins.Origin = origin
		ins.Origin.Detail = c.Ref + " (read)"
		it.preinstalled = append(it.preinstalled, ins)
	}
	it.notes = append(it.notes, fmt.Sprintf("base image %s read (%s): %d layers, %d Python packages installed, CUDA %s, cuDNN %s, Python %s, glibc %s",
		c.Ref, c.Digest, len(c.Layers), len(c.Installed), orUnknown(c.CUDA.Value), orUnknown(c.CuDNN.Value), orUnknown(c.Python.Value), orUnknown(c.GLibc.Value)))
	for _, n := range c.Notes {
		it.notes = append(it.notes, "base image "+c.Ref+": "+n)
	}
	return it
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// readImage reads [target] read-image: true or false.
func (p *configParser) readImage(t map[string]any) (Toggle, error) {
	raw, ok := t["read-image"]
	if !ok {
		return Toggle{}, nil
	}
	on, isBool := raw.(bool)
	if !isBool {
		return Toggle{}, p.errorf("target.read-image", true, "read-image must be true or false, not %s", TOMLTypeName(raw))
	}
	return Toggle{Set: true, On: on, Origin: p.origin("target.read-image")}, nil
}

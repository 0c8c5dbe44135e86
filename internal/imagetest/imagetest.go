// Package imagetest builds small container images for tests: a random filler layer and
// a layer of the files given (installed Python distributions, CUDA libraries), with
// the configuration's environment set, written to an OCI layout or pushed to a registry.
package imagetest

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// SitePackages is where Dist installs a distribution.
const SitePackages = "usr/local/lib/python3.11/site-packages/"

// File is one file of the image's files layer.
type File struct {
	Name, Body string
}

// Dist is the METADATA of a distribution installed in SitePackages.
func Dist(name, version string) File {
	return File{
		Name: SitePackages + strings.ReplaceAll(name, "-", "_") + "-" + version + ".dist-info/METADATA",
		Body: "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n",
	}
}

// Lib is a CUDA library file (libcudart.so.12.4.127) in the CUDA toolkit's folder.
func Lib(file string) File {
	return File{Name: "usr/local/cuda/lib64/" + file, Body: "\x7fELF"}
}

// Image is a linux/amd64 image of a 1 KiB random layer and a layer of files, with env
// (NAME=VALUE each) in its configuration.
func Image(env []string, files ...File) (v1.Image, error) {
	filler, err := random.Layer(1024, "application/vnd.docker.image.rootfs.diff.tar.gzip")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Name: f.Name, Mode: 0o644, Size: int64(len(f.Body)), Typeflag: tar.TypeReg}); err != nil {
			return nil, err
		}
		if _, err := tw.Write([]byte(f.Body)); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	filesLayer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		return nil, err
	}
	img, err := mutate.AppendLayers(empty.Image, filler, filesLayer)
	if err != nil {
		return nil, err
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cfg = cfg.DeepCopy()
	cfg.OS, cfg.Architecture = "linux", "amd64"
	cfg.Config.Env = env
	return mutate.ConfigFile(img, cfg)
}

// Over is img with a layer of a file of size random bytes over it, as NVIDIA builds a
// devel image FROM its runtime image. The layer's tar stream is the file and 1536 bytes
// (its header and the end of the archive) where size is a multiple of 512.
func Over(img v1.Image, size int64) (v1.Image, error) {
	l, err := random.Layer(size, "application/vnd.docker.image.rootfs.diff.tar.gzip")
	if err != nil {
		return nil, err
	}
	return mutate.AppendLayers(img, l)
}

// WriteLayout writes img to an OCI image layout in dir, tagged tag (the
// org.opencontainers.image.ref.name annotation) when tag is not "", beside the images
// the layout already holds.
func WriteLayout(dir, tag string, img v1.Image) error {
	p, err := layout.FromPath(dir)
	if err != nil {
		p, err = layout.Write(dir, empty.Index)
	}
	if err != nil {
		return fmt.Errorf("OCI layout %s: %w", dir, err)
	}
	var opts []layout.Option
	if tag != "" {
		opts = append(opts, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": tag}))
	}
	return p.AppendImage(img, opts...)
}

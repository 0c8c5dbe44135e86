package main

import (
	"archive/tar"
	"bytes"
	"encoding/pem"
	"io"
	"time"

	"github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"golang.org/x/crypto/x509roots/fallback/bundle"
)

// The image is the static binaries (depsolve, and depsolve-full beside it, to which it
// hands runs that need the network) on an empty base, plus what they need to run there: CA
// certificates (to reach https indexes), a non-root user with a home for the cache, and
// /tmp. One image per Linux architecture, under one index tagged with the version.

const (
	imageUser   = "65532" // the conventional "nonroot" uid and gid of distroless images
	imageHome   = "/home/depsolve"
	imageBinary = "/usr/local/bin/depsolve"
	imageFull   = "/usr/local/bin/depsolve-full"
	caBundle    = "/etc/ssl/certs/ca-certificates.crt"
)

type imagePlatform struct {
	goarch   string
	binaries pair
}

// imageLabels are the OCI annotations (as image labels) the image carries.
func imageLabels(rel release) map[string]string {
	return map[string]string{
		"org.opencontainers.image.title":       "depsolve",
		"org.opencontainers.image.description": summary,
		"org.opencontainers.image.version":     rel.version,
		"org.opencontainers.image.revision":    rel.commit,
		"org.opencontainers.image.source":      sourceURL,
		"org.opencontainers.image.url":         sourceURL,
		"org.opencontainers.image.licenses":    rel.license.expression,
		"org.opencontainers.image.created":     rel.epoch.Format(time.RFC3339),
	}
}

// writeImage writes an OCI image layout at dir whose index.json names one image index,
// annotated with the version as its ref name (skopeo's oci:DIR:VERSION).
func writeImage(dir string, rel release, platforms []imagePlatform) error {
	certs, err := caCertificates()
	if err != nil {
		return err
	}
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, p := range platforms {
		img, err := platformImage(rel, p, certs)
		if err != nil {
			return err
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{
			Add:        img,
			Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: p.goarch}},
		})
	}
	idx = mutate.Annotations(idx, imageLabels(rel)).(v1.ImageIndex)
	path, err := layout.Write(dir, empty.Index)
	if err != nil {
		return err
	}
	return path.AppendIndex(idx, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": rel.version}))
}

func platformImage(rel release, p imagePlatform, certs []byte) (v1.Image, error) {
	var buf bytes.Buffer
	if err := writeRootFS(&buf, rel.epoch, p.binaries, certs); err != nil {
		return nil, err
	}
	tarBytes := buf.Bytes()
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(tarBytes)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	base := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	img, err := mutate.Append(base, mutate.Addendum{
		Layer:   layer,
		History: v1.History{Created: v1.Time{Time: rel.epoch}, CreatedBy: "depsolve scripts/release", Comment: "depsolve " + rel.version},
	})
	if err != nil {
		return nil, err
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cfg = cfg.DeepCopy()
	cfg.OS, cfg.Architecture = "linux", p.goarch
	cfg.Created = v1.Time{Time: rel.epoch}
	cfg.Config = v1.Config{
		Entrypoint: []string{imageBinary},
		User:       imageUser + ":" + imageUser,
		WorkingDir: "/work",
		Env: []string{
			"PATH=/usr/local/bin:/usr/bin:/bin",
			"HOME=" + imageHome,
			"SSL_CERT_FILE=" + caBundle,
		},
		Labels: imageLabels(rel),
	}
	return mutate.ConfigFile(img, cfg)
}

// writeRootFS writes the image's one layer: folders, then files, all dated epoch.
func writeRootFS(w io.Writer, epoch time.Time, bins pair, certs []byte) error {
	tw := tar.NewWriter(w)
	dir := func(name string, mode int64, uid int) error {
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: mode, Uid: uid, Gid: uid, ModTime: epoch, Format: tar.FormatPAX})
	}
	file := func(name string, mode int64, data []byte) error {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(data)), ModTime: epoch, Format: tar.FormatPAX}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	const nonroot = 65532
	steps := []func() error{
		func() error { return dir("etc", 0o755, 0) },
		func() error { return dir("etc/ssl", 0o755, 0) },
		func() error { return dir("etc/ssl/certs", 0o755, 0) },
		func() error { return dir("home", 0o755, 0) },
		func() error { return dir("home/depsolve", 0o755, nonroot) },
		func() error { return dir("tmp", 0o1777, 0) },
		func() error { return dir("usr", 0o755, 0) },
		func() error { return dir("usr/local", 0o755, 0) },
		func() error { return dir("usr/local/bin", 0o755, 0) },
		func() error { return dir("work", 0o755, nonroot) },
		func() error {
			return file("etc/passwd", 0o644, []byte("root:x:0:0:root:/root:/sbin/nologin\ndepsolve:x:65532:65532:depsolve:"+imageHome+":/sbin/nologin\n"))
		},
		func() error { return file("etc/group", 0o644, []byte("root:x:0:\ndepsolve:x:65532:\n")) },
		func() error { return file(caBundle[1:], 0o644, certs) },
		func() error { return file(imageBinary[1:], 0o755, bins.slim) },
		func() error { return file(imageFull[1:], 0o755, bins.full) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return tw.Close()
}

// caCertificates is the Mozilla (NSS) root store in PEM, from the Go module
// golang.org/x/crypto/x509roots/fallback at the version go.sum pins: the same bytes on
// every build machine, updated by a go get. Roots NSS trusts only with a constraint
// (certificates issued before a distrust date) are left out, as a PEM bundle cannot
// carry the constraint.
func caCertificates() ([]byte, error) {
	var b bytes.Buffer
	for root := range bundle.Roots() {
		if root.Constraint != nil {
			continue
		}
		if err := pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: root.Certificate}); err != nil {
			return nil, err
		}
	}
	return b.Bytes(), nil
}

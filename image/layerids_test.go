package image

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// diffIDs are an image's diff IDs as the test builds them.
func diffIDs(t *testing.T, img v1.Image) []string {
	t.Helper()
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range cfg.RootFS.DiffIDs {
		ids = append(ids, h.String())
	}
	return ids
}

// LayerIDs reads the manifest and the configuration, never a layer, from a registry
// that wants credentials, an OCI layout and a docker save tarball; the IDs are those
// Read gives each layer.
func TestLayerIDs(t *testing.T) {
	ctx := context.Background()
	img := cudaImage(t, cudaEnv)
	want := diffIDs(t, img)
	s := serveRegistry(t, basicAuth("alice", "s3cret-token"))
	r, _ := name.ParseReference(s.host + "/nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04")
	if err := remote.Write(r, img, remote.WithAuth(&authn.Basic{Username: "alice", Password: "s3cret-token"})); err != nil {
		t.Fatal(err)
	}
	s.requests()
	config := t.TempDir()
	auth := base64.StdEncoding.EncodeToString([]byte("alice:s3cret-token"))
	if err := os.WriteFile(filepath.Join(config, "config.json"), []byte(`{"auths":{"`+s.host+`":{"auth":"`+auth+`"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", config)

	got, err := LayerIDs(ctx, r.String(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("registry: %q, want %q", got, want)
	}
	cfgDigest, _ := img.ConfigName()
	for _, req := range s.requests() {
		if strings.Contains(req, "/blobs/") && !strings.HasSuffix(req, "/blobs/"+cfgDigest.String()) {
			t.Errorf("request %s: a layer was fetched; want the manifest and the configuration only", req)
		}
	}
	read, err := Read(ctx, r.String(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range read.Layers {
		if l.DiffID != want[i] {
			t.Errorf("Read: layer %d's diff ID %s, want %s", i, l.DiffID, want[i])
		}
	}

	dir := filepath.Join(t.TempDir(), "layout")
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(img, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": "12.4.1-cudnn-runtime-ubuntu22.04"})); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(t.TempDir(), "cuda.tar")
	tag, _ := name.NewTag("nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04")
	if err := tarball.WriteToFile(archive, tag, img); err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"oci:" + dir + ":12.4.1-cudnn-runtime-ubuntu22.04", "docker-archive:" + archive + ":nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04"} {
		got, err := LayerIDs(ctx, ref, Options{})
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("%s: %q, %v; want %q", ref, got, err, want)
		}
	}

	for ref, what := range map[string]string{
		"oci:" + dir + ":12.4.1-cudnn-devel-ubuntu22.04": "no image tagged 12.4.1-cudnn-devel-ubuntu22.04 in the layout",
		s.host + "/nvidia/cuda:missing":                  "no such image on the registry",
	} {
		_, err := LayerIDs(ctx, ref, Options{})
		var nf *NotFoundError
		if !errors.As(err, &nf) || !strings.Contains(err.Error(), what) {
			t.Errorf("%s: %v (%T), want a *NotFoundError saying %q", ref, err, err, what)
		}
	}

	noDockerConfig(t)
	_, err = LayerIDs(ctx, r.String(), Options{Backoff: 1})
	var ae *AccessError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusUnauthorized || strings.Contains(fmt.Sprint(err), "s3cret") {
		t.Errorf("without credentials: %v (%T), want an *AccessError with status 401 and no secret", err, err)
	}
}

// An image whose configuration lists other layers than its manifest is broken: Read
// says so rather than give layers diff IDs that are not theirs.
func TestReadDiffIDsMismatch(t *testing.T) {
	img := cudaImage(t, cudaEnv)
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cfg = cfg.DeepCopy()
	cfg.RootFS.DiffIDs = cfg.RootFS.DiffIDs[1:]
	broken, err := mutate.ConfigFile(img, cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "layout")
	if _, err := layout.Write(dir, empty.Index); err != nil {
		t.Fatal(err)
	}
	p, _ := layout.FromPath(dir)
	if err := p.AppendImage(broken); err != nil {
		t.Fatal(err)
	}
	_, err = Read(context.Background(), "oci:"+dir, Options{})
	var ce *ContentError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "the manifest lists 5 layers and the configuration 4 (rootfs.diff_ids)") {
		t.Errorf("%v (%T), want a *ContentError saying the layers disagree", err, err)
	}
}

package image

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"

	"github.com/depsolve/depsolve/cache"
)

// hugeLayer writes an uncompressed tar layer with a METADATA among a file of
// size bytes of zeros, generated as it is written.
func hugeLayer(w io.Writer, size int64) error {
	tw := tar.NewWriter(w)
	meta := metadataOf("torch", "2.5.1")
	if err := tw.WriteHeader(&tar.Header{Name: site + "torch-2.5.1.dist-info/METADATA", Mode: 0o644, Size: int64(len(meta)), Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	io.WriteString(tw, meta)
	if err := tw.WriteHeader(&tar.Header{Name: site + "torch/lib/libtorch_cuda.so", Mode: 0o644, Size: size, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	zeros := make([]byte, 64<<10)
	for left := size; left > 0; left -= int64(len(zeros)) {
		if _, err := tw.Write(zeros[:min(left, int64(len(zeros)))]); err != nil {
			return err
		}
	}
	return tw.Close()
}

type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// TestReadHugeLayer: a layer far larger than what Read may hold is streamed,
// never buffered. The registry generates it as it sends it.
func TestReadHugeLayer(t *testing.T) {
	noDockerConfig(t)
	const size = 256 << 20
	h, n := sha256.New(), &counter{}
	if err := hugeLayer(io.MultiWriter(h, n), size); err != nil {
		t.Fatal(err)
	}
	layerDigest := v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(h.Sum(nil))}
	config, _ := json.Marshal(v1.ConfigFile{OS: "linux", Architecture: "amd64", RootFS: v1.RootFS{Type: "layers", DiffIDs: []v1.Hash{layerDigest}}})
	configSum := sha256.Sum256(config)
	configDigest := v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(configSum[:])}
	manifest, _ := json.Marshal(v1.Manifest{
		SchemaVersion: 2, MediaType: "application/vnd.oci.image.manifest.v1+json",
		Config: v1.Descriptor{MediaType: "application/vnd.oci.image.config.v1+json", Size: int64(len(config)), Digest: configDigest},
		Layers: []v1.Descriptor{{MediaType: "application/vnd.oci.image.layer.v1.tar", Size: n.n, Digest: layerDigest}},
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v2/":
		case "/v2/huge/manifests/1":
			w.Header().Set("Content-Type", "application/vnd.oci.image.manifest.v1+json")
			w.Write(manifest)
		case "/v2/huge/blobs/" + configDigest.String():
			w.Write(config)
		case "/v2/huge/blobs/" + layerDigest.String():
			w.Header().Set("Content-Length", fmt.Sprint(n.n))
			hugeLayer(w, size)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	got, err := Read(context.Background(), strings.TrimPrefix(srv.URL, "http://")+"/huge:1", Options{Cache: openCache(t, t.TempDir())})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Python) != 1 || got.Python[0].Name != "torch" {
		t.Errorf("python %+v", got.Python)
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("read a %d MiB layer allocating %.1f MiB in all (server included)", n.n>>20, float64(allocated)/(1<<20))
	if allocated > 32<<20 {
		t.Errorf("reading a %d MiB layer allocated %d MiB: it was buffered", n.n>>20, allocated>>20)
	}
}

// TestReadBrokenLayerCachesNothing: a layer that fails its check is a
// *ContentError, and nothing of it is cached.
func TestReadBrokenLayerCachesNothing(t *testing.T) {
	img := cudaImage(t, cudaEnv)
	dir := filepath.Join(t.TempDir(), "layout")
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	m, _ := img.Manifest()
	broken := m.Layers[3].Digest
	blob := filepath.Join(dir, "blobs", "sha256", broken.Hex)
	data, err := os.ReadFile(blob)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)-1] ^= 0xff
	if err := os.WriteFile(blob, data, 0o644); err != nil {
		t.Fatal(err)
	}
	c := openCache(t, t.TempDir())
	_, err = Read(context.Background(), "oci:"+dir, Options{Cache: c})
	var ce *ContentError
	if !errors.As(err, &ce) || ce.Layer != broken.String() {
		t.Fatalf("%v (%T), want a *ContentError for layer %s", err, err, broken)
	}
	if _, found, _ := c.GetLayer(cache.LayerKey(broken.Hex)); found {
		t.Error("the broken layer's findings were cached")
	}
	if _, found, _ := c.GetLayer(cache.LayerKey(m.Layers[0].Digest.Hex)); !found {
		t.Error("the good layer below it was not cached")
	}
}

// TestReadHugeMetadata: a METADATA over the limit is left out with a note, not read.
func TestReadHugeMetadata(t *testing.T) {
	img := cudaImage(t, cudaEnv)
	dir := filepath.Join(t.TempDir(), "layout")
	p, _ := layout.Write(dir, empty.Index)
	if err := p.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	got, err := Read(context.Background(), "oci:"+dir, Options{MaxMetadataSize: 40})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Python) != 0 || !strings.Contains(strings.Join(got.Notes, "\n"), "over the 40-byte limit; left out") {
		t.Errorf("python %+v, notes %q", got.Python, got.Notes)
	}
}

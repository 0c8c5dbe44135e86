package image

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/depsolve/depsolve/cache"
)

// file is one tar entry of a test layer; link makes it a symbolic link.
type file struct {
	name, body, link string
}

func metadataOf(name, version string) string {
	return "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n\nA description.\n"
}

// libc is enough of a libc.so.6 for its version string to be found.
var libc = "\x7fELF\x00junk\x00GNU C Library (Ubuntu GLIBC 2.35-0ubuntu3.8) stable release version 2.35.\n\x00more"

func tarLayer(t testing.TB, files ...file) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		h := &tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.body)), Typeflag: tar.TypeReg}
		if f.link != "" {
			h = &tar.Header{Name: f.name, Mode: 0o777, Linkname: f.link, Typeflag: tar.TypeSymlink}
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(f.body))
	}
	tw.Close()
	data := buf.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

const site = "usr/local/lib/python3.11/site-packages/"

// cudaImage is a CUDA runtime image with Python packages installed over it, one
// removed again by a whiteout, and a random layer between.
func cudaImage(t testing.TB, env []string) v1.Image {
	t.Helper()
	filler, err := random.Layer(2048, "application/vnd.docker.image.rootfs.diff.tar.gzip")
	if err != nil {
		t.Fatal(err)
	}
	layers := []v1.Layer{
		tarLayer(t,
			file{name: "usr/lib/x86_64-linux-gnu/libc.so.6", body: libc},
			file{name: "usr/bin/python3.10", body: "ELF"},
		),
		tarLayer(t,
			file{name: "usr/local/cuda-12.4/targets/x86_64-linux/lib/libcudart.so.12.4.127", body: "ELF"},
			file{name: "usr/local/cuda-12.4/targets/x86_64-linux/lib/libcudart.so.12", link: "libcudart.so.12.4.127"},
			file{name: "usr/lib/x86_64-linux-gnu/libcudnn.so.9.1.0", body: "ELF"},
			file{name: "usr/lib/x86_64-linux-gnu/libnccl.so.2.21.5", body: "ELF"},
			file{name: "usr/local/cuda-11.8/lib64/libcublas.so.11.11.3.6", body: "ELF"},
		),
		filler,
		tarLayer(t,
			file{name: "./usr/local/bin/python3.11", body: "ELF"},
			file{name: site + "torch-2.5.1.dist-info/METADATA", body: metadataOf("torch", "2.5.1+cu124")},
			file{name: site + "numpy-1.26.4.dist-info/METADATA", body: metadataOf("numpy", "1.26.4")},
			file{name: site + "Six-1.16.0.dist-info/METADATA", body: metadataOf("Six", "1.16.0")},
			file{name: site + "broken-1.0.dist-info/METADATA", body: "not metadata at all"},
			file{name: site + "torch/lib/libtorch.so", body: "ELF"},
		),
		tarLayer(t,
			file{name: site + ".wh.Six-1.16.0.dist-info"},
			file{name: "usr/local/cuda-11.8/.wh..wh..opq"},
		),
	}
	return linuxImage(t, env, map[string]string{"maintainer": "NVIDIA CORPORATION <cudatools@nvidia.com>"}, layers...)
}

// linuxImage is an image of layers for linux/amd64 with env and labels in its config.
func linuxImage(t testing.TB, env []string, labels map[string]string, layers ...v1.Layer) v1.Image {
	t.Helper()
	img, err := mutate.AppendLayers(empty.Image, layers...)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cfg = cfg.DeepCopy()
	cfg.OS, cfg.Architecture = "linux", "amd64"
	cfg.Config.Env = env
	cfg.Config.Labels = labels
	if img, err = mutate.ConfigFile(img, cfg); err != nil {
		t.Fatal(err)
	}
	return img
}

var cudaEnv = []string{
	"PATH=/usr/local/bin:/usr/bin",
	"CUDA_VERSION=12.4.1",
	"NV_CUDNN_VERSION=9.1.0.70",
	"NVIDIA_REQUIRE_CUDA=cuda>=12.4 brand=tesla,driver>=470,driver<471",
	"PYTHON_VERSION=3.11.9",
}

// served is an in-process registry that logs the requests it answers.
type served struct {
	srv  *httptest.Server
	host string
	mu   sync.Mutex
	log  []string
}

func serveRegistry(t testing.TB, wrap func(http.Handler) http.Handler) *served {
	t.Helper()
	s := &served{}
	var h http.Handler = registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	if wrap != nil {
		h = wrap(h)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.log = append(s.log, r.Method+" "+r.URL.Path)
		s.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(s.srv.Close)
	s.host = strings.TrimPrefix(s.srv.URL, "http://")
	return s
}

func (s *served) push(t testing.TB, repoTag string, img v1.Image, opts ...remote.Option) string {
	t.Helper()
	ref := s.host + "/" + repoTag
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img, opts...); err != nil {
		t.Fatal(err)
	}
	s.requests()
	return ref
}

// requests returns the log and clears it.
func (s *served) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.log
	s.log = nil
	return out
}

// noDockerConfig points the default keychain at an empty configuration.
func noDockerConfig(t *testing.T) {
	t.Setenv("DOCKER_CONFIG", t.TempDir())
}

func openCache(t testing.TB, dir string) *cache.Cache {
	t.Helper()
	c, err := cache.Open(dir, cache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func checkCUDAImage(t *testing.T, got *Image) {
	t.Helper()
	var dists []string
	for _, d := range got.Python {
		dists = append(dists, d.Name+"=="+d.Version.String()+" "+d.Location)
	}
	wantDists := []string{
		"numpy==1.26.4 /usr/local/lib/python3.11/site-packages",
		"torch==2.5.1+cu124 /usr/local/lib/python3.11/site-packages",
	}
	if fmt.Sprint(dists) != fmt.Sprint(wantDists) {
		t.Errorf("python packages %q, want %q (six was removed by a whiteout)", dists, wantDists)
	}
	var libs []string
	for _, l := range got.CUDALibs {
		libs = append(libs, l.Name+" "+l.Version+" "+l.Path)
	}
	wantLibs := []string{
		"libcudart 12 /usr/local/cuda-12.4/targets/x86_64-linux/lib/libcudart.so.12",
		"libcudart 12.4.127 /usr/local/cuda-12.4/targets/x86_64-linux/lib/libcudart.so.12.4.127",
		"libcudnn 9.1.0 /usr/lib/x86_64-linux-gnu/libcudnn.so.9.1.0",
		"libnccl 2.21.5 /usr/lib/x86_64-linux-gnu/libnccl.so.2.21.5",
	}
	if fmt.Sprint(libs) != fmt.Sprint(wantLibs) {
		t.Errorf("CUDA libraries\n%q\nwant\n%q\n(cuda-11.8 was made opaque)", libs, wantLibs)
	}
	if got.Platform != "linux/amd64" || len(got.Layers) != 5 {
		t.Errorf("platform %q, %d layers", got.Platform, len(got.Layers))
	}
	for _, l := range got.Layers {
		if !strings.HasPrefix(l.Digest, "sha256:") || l.Size <= 0 {
			t.Errorf("layer %+v", l)
		}
	}
	if got.Labels["maintainer"] == "" {
		t.Errorf("labels %v", got.Labels)
	}
	if len(got.Notes) == 0 || !strings.Contains(got.Notes[0], "/broken-1.0.dist-info/METADATA: core metadata: no Metadata-Version field; left out") {
		t.Errorf("notes %q, want the first about the broken METADATA", got.Notes)
	}
	if got.Glibc != (Fact{"2.35", "/usr/lib/x86_64-linux-gnu/libc.so.6"}) {
		t.Errorf("glibc %+v", got.Glibc)
	}
}

func TestReadRegistry(t *testing.T) {
	noDockerConfig(t)
	ctx := context.Background()
	s := serveRegistry(t, nil)
	ref := s.push(t, "nvidia/cuda:12.4.1-cudnn-runtime", cudaImage(t, cudaEnv))
	dir := t.TempDir()

	got, err := Read(ctx, ref, Options{Cache: openCache(t, dir)})
	if err != nil {
		t.Fatal(err)
	}
	checkCUDAImage(t, got)
	want := map[string]Fact{
		"cuda":   {"12.4.1", "env CUDA_VERSION"},
		"cudnn":  {"9.1.0.70", "env NV_CUDNN_VERSION"},
		"python": {"3.11.9", "env PYTHON_VERSION"},
	}
	if f := map[string]Fact{"cuda": got.CUDA, "cudnn": got.CUDNN, "python": got.PythonVersion}; fmt.Sprint(f) != fmt.Sprint(want) {
		t.Errorf("facts %v, want %v", f, want)
	}
	if got.RequireCUDA != "cuda>=12.4 brand=tesla,driver>=470,driver<471" || got.Env["CUDA_VERSION"] != "12.4.1" {
		t.Errorf("env %v", got.Env)
	}
	blobs := func(log []string) (n int) {
		for _, l := range log {
			for _, layer := range got.Layers {
				if strings.HasSuffix(l, "/blobs/"+layer.Digest) {
					n++
				}
			}
		}
		return n
	}
	if n := blobs(s.requests()); n != 5 {
		t.Errorf("cold read: %d layer requests, want 5", n)
	}

	again, err := Read(ctx, ref, Options{Cache: openCache(t, dir)})
	if err != nil {
		t.Fatal(err)
	}
	checkCUDAImage(t, again)
	if n := blobs(s.requests()); n != 0 {
		t.Errorf("warm read: %d layer requests, want none", n)
	}
	for i, l := range again.Layers {
		if !l.Cached {
			t.Errorf("warm read: layer %s not from the cache", l.Digest)
		}
		if l.Unpacked <= 0 || l.Unpacked != got.Layers[i].Unpacked {
			t.Errorf("layer %s: unpacked %d bytes warm, %d cold; want the tar stream's size both times", l.Digest, l.Unpacked, got.Layers[i].Unpacked)
		}
	}
}

// TestReadFactsFromFiles: without the environment, the versions come from the
// image's files.
func TestReadFactsFromFiles(t *testing.T) {
	noDockerConfig(t)
	s := serveRegistry(t, nil)
	ref := s.push(t, "plain:1", cudaImage(t, []string{"PATH=/usr/bin"}))
	got, err := Read(context.Background(), ref, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkCUDAImage(t, got)
	want := map[string]Fact{
		"cuda":   {"12.4", "/usr/local/cuda-12.4/targets/x86_64-linux/lib/libcudart.so.12.4.127"},
		"cudnn":  {"9.1.0", "/usr/lib/x86_64-linux-gnu/libcudnn.so.9.1.0"},
		"python": {"3.11", "/usr/local/bin/python3.11"},
	}
	if f := map[string]Fact{"cuda": got.CUDA, "cudnn": got.CUDNN, "python": got.PythonVersion}; fmt.Sprint(f) != fmt.Sprint(want) {
		t.Errorf("facts %v, want %v", f, want)
	}
	if len(got.Notes) != 2 || got.Notes[1] != "several Python interpreters (3.10, 3.11); took the newest, 3.11" {
		t.Errorf("notes %q, want one on the interpreters", got.Notes)
	}
}

func TestReadOCILayoutAndArchive(t *testing.T) {
	ctx := context.Background()
	img := cudaImage(t, cudaEnv)
	dir := filepath.Join(t.TempDir(), "layout")
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(img, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": "12.4.1"})); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(t.TempDir(), "cuda.tar")
	tag, _ := name.NewTag("nvidia/cuda:12.4.1")
	if err := tarball.WriteToFile(archive, tag, img); err != nil {
		t.Fatal(err)
	}
	digest, _ := img.Digest()
	for _, ref := range []string{"oci:" + dir, "oci:" + dir + ":12.4.1", "oci:" + dir + "@" + digest.String(), "docker-archive:" + archive, "docker-archive:" + archive + ":nvidia/cuda:12.4.1"} {
		got, err := Read(ctx, ref, Options{})
		if err != nil {
			t.Errorf("%s: %v", ref, err)
			continue
		}
		checkCUDAImage(t, got)
		if got.CUDA.Value != "12.4.1" {
			t.Errorf("%s: CUDA %+v", ref, got.CUDA)
		}
	}
}

func TestReadBadReferences(t *testing.T) {
	noDockerConfig(t)
	ctx := context.Background()
	s := serveRegistry(t, nil)
	dir := t.TempDir()
	p, err := layout.Write(filepath.Join(dir, "layout"), empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(cudaImage(t, nil), layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": "v1"})); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ref  string
		want any
		text string
	}{
		{"", &RefError{}, "empty"},
		{"nvidia/cuda:12.4.1:extra", &RefError{}, "nvidia/cuda:12.4.1:extra"},
		{"Nvidia/CUDA:12", &RefError{}, "Nvidia/CUDA:12"},
		{"alice:s3cret@registry.example/x:1", &RefError{}, "****@registry.example/x:1"},
		{"oci:", &RefError{}, "no layout folder"},
		{"docker-archive:", &RefError{}, "no file"},
		{s.host + "/nvidia/cuda:missing", &NotFoundError{}, "no such image on the registry"},
		{"oci:" + filepath.Join(dir, "nowhere"), &NotFoundError{}, "no OCI layout folder"},
		{"oci:" + dir, &NotFoundError{}, "no OCI layout in the folder"},
		{"oci:" + filepath.Join(dir, "layout") + ":v2", &NotFoundError{}, "no image tagged v2"},
		{"docker-archive:" + filepath.Join(dir, "missing.tar"), &NotFoundError{}, "no docker save tarball"},
	} {
		_, err := Read(ctx, tc.ref, Options{})
		var ok bool
		switch tc.want.(type) {
		case *RefError:
			var e *RefError
			ok = errors.As(err, &e)
		case *NotFoundError:
			var e *NotFoundError
			ok = errors.As(err, &e)
		}
		if !ok || !strings.Contains(fmt.Sprint(err), tc.text) || strings.Contains(fmt.Sprint(err), "s3cret") {
			t.Errorf("%q: %v (%T), want a %T mentioning %q", tc.ref, err, err, tc.want, tc.text)
		}
	}
}

func basicAuth(user, password string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if u, p, ok := r.BasicAuth(); !ok || u != user || p != password {
				w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
				http.Error(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`, http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func TestReadCredentials(t *testing.T) {
	ctx := context.Background()
	s := serveRegistry(t, basicAuth("alice", "s3cret-token"))
	r, _ := name.ParseReference(s.host + "/private/cuda:1")
	if err := remote.Write(r, cudaImage(t, cudaEnv), remote.WithAuth(&authn.Basic{Username: "alice", Password: "s3cret-token"})); err != nil {
		t.Fatal(err)
	}
	ref := r.String()

	noDockerConfig(t)
	_, err := Read(ctx, ref, Options{Backoff: 1})
	var ae *AccessError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusUnauthorized || !strings.Contains(ae.Hint(), "log in") {
		t.Fatalf("without credentials: %v (%T), want an *AccessError with status 401", err, err)
	}

	config := t.TempDir()
	auth := base64.StdEncoding.EncodeToString([]byte("alice:s3cret-token"))
	if err := os.WriteFile(filepath.Join(config, "config.json"), []byte(`{"auths":{"`+s.host+`":{"auth":"`+auth+`"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", config)
	got, err := Read(ctx, ref, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkCUDAImage(t, got)
	if text := fmt.Sprintf("%+v", got); strings.Contains(text, "s3cret") || strings.Contains(text, auth) {
		t.Errorf("the image read carries the credentials: %s", text)
	}
}

// TestReadFailingRegistry: a registry that fails is an *AccessError, whose
// message masks the URLs in it.
func TestReadFailingRegistry(t *testing.T) {
	noDockerConfig(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "upstream https://admin:hunter2@mirror.internal/v2/ failed", http.StatusInternalServerError)
	}))
	defer srv.Close()
	_, err := Read(context.Background(), strings.TrimPrefix(srv.URL, "http://")+"/nvidia/cuda:12", Options{Backoff: 1})
	var ae *AccessError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusInternalServerError {
		t.Fatalf("%v (%T), want an *AccessError with status 500", err, err)
	}
	if strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "mirror.internal") {
		t.Errorf("message %q: want the URL shown, its password masked", err)
	}
}

func withPlatform(t *testing.T, img v1.Image, arch string) v1.Image {
	t.Helper()
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cfg = cfg.DeepCopy()
	cfg.Architecture = arch
	cfg.Config.Env = append(cfg.Config.Env, "ARCH="+arch)
	img, err = mutate.ConfigFile(img, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestReadPlatform: an index yields the image of the platform asked for; a
// single image of another platform is read, with a note.
func TestReadPlatform(t *testing.T) {
	noDockerConfig(t)
	ctx := context.Background()
	s := serveRegistry(t, nil)
	base := cudaImage(t, cudaEnv)
	amd, arm := withPlatform(t, base, "amd64"), withPlatform(t, base, "arm64")
	idx := mutate.AppendManifests(empty.Index,
		mutate.IndexAddendum{Add: amd, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}},
		mutate.IndexAddendum{Add: arm, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "arm64"}}},
	)
	r, _ := name.ParseReference(s.host + "/multi:1")
	if err := remote.WriteIndex(r, idx); err != nil {
		t.Fatal(err)
	}
	got, err := Read(ctx, r.String(), Options{Platform: "linux/arm64"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Platform != "linux/arm64" || got.Env["ARCH"] != "arm64" || len(got.Notes) != 1 {
		t.Errorf("linux/arm64 from an index: platform %q, env %v, notes %q", got.Platform, got.Env, got.Notes)
	}
	single := s.push(t, "single:arm", arm)
	got, err = Read(ctx, single, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if last := got.Notes[len(got.Notes)-1]; last != "the image is for linux/arm64, not linux/amd64" {
		t.Errorf("notes %q, want one saying the platform differs", got.Notes)
	}
}

// An image's notes and facts hold paths from its layers and values of its environment,
// which whoever built the image chose: their control characters are escaped, as they
// are printed on the terminal.
func TestNotesAreEscaped(t *testing.T) {
	noDockerConfig(t)
	s := serveRegistry(t, nil)
	img := linuxImage(t, []string{"NV_CUDNN_VERSION=9\x1b[2J"}, nil, tarLayer(t,
		file{name: site + "evil\x1b[2J\nok: all good-1.0.dist-info/METADATA", body: "not metadata at all"},
		file{name: "usr/\x1b[31m/site-packages/six-1.16.0.dist-info/METADATA", body: metadataOf("six", "1.16.0")},
		file{name: "usr/lib/\x1b[31m/libcudart.so.12.4.127", body: "ELF"},
	))
	got, err := Read(context.Background(), s.push(t, "evil:1", img), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Notes) != 1 || !strings.Contains(got.Notes[0], `evil\x1b[2J\nok: all good-1.0.dist-info/METADATA: `) {
		t.Errorf("notes %q, want the METADATA's path escaped", got.Notes)
	}
	if len(got.Python) != 1 || got.Python[0].Location != `/usr/\x1b[31m/site-packages` {
		t.Errorf("installed %+v, want six's folder escaped", got.Python)
	}
	if got.CUDA.Source != `/usr/lib/\x1b[31m/libcudart.so.12.4.127` {
		t.Errorf("CUDA from %q, want the library's path escaped", got.CUDA.Source)
	}
	if got.CUDNN.Value != `9\x1b[2J` {
		t.Errorf("cuDNN %q, want the variable's value escaped", got.CUDNN.Value)
	}
}

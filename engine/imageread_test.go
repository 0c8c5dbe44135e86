package engine_test

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/depsolve/depsolve/engine"
	"github.com/depsolve/depsolve/internal/imagetest"
	"github.com/depsolve/depsolve/target"
)

// privateRegistry is an in-process registry that wants basic auth (alice, s3cret) and
// logs the path of every request.
type privateRegistry struct {
	host string
	mu   sync.Mutex
	log  []string
}

func (p *privateRegistry) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.log
	p.log = nil
	return out
}

func servePrivateRegistry(t *testing.T) *privateRegistry {
	p := &privateRegistry{}
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.log = append(p.log, r.URL.Path)
		p.mu.Unlock()
		if u, pw, ok := r.BasicAuth(); !ok || u != "alice" || pw != "s3cret" {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			http.Error(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`, http.StatusUnauthorized)
			return
		}
		reg.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.host = strings.TrimPrefix(srv.URL, "http://")
	return p
}

func (p *privateRegistry) push(t *testing.T, repoTag string, img v1.Image) string {
	t.Helper()
	r, err := name.ParseReference(p.host + "/" + repoTag)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img, remote.WithAuth(&authn.Basic{Username: "alice", Password: "s3cret"})); err != nil {
		t.Fatal(err)
	}
	p.take()
	return r.String()
}

// dockerLogin points $DOCKER_CONFIG at a config.json holding the registry's credentials.
func dockerLogin(t *testing.T, host string) {
	dir := t.TempDir()
	auth := base64.StdEncoding.EncodeToString([]byte("alice:s3cret"))
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"auths":{"`+host+`":{"auth":"`+auth+`"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", dir)
}

var goldenEnv = []string{"CUDA_VERSION=12.4.1", "NV_CUDNN_VERSION=9.1.0.70", "PYTHON_VERSION=3.11.9"}

// A golden image in a registry that wants credentials, read with ReadImage: its
// environment gives the target's CUDA and Python, the torch it ships is a fixed fact
// that torch==2.5.1 conflicts with, the second run fetches no layer, and the
// credentials appear nowhere.
func TestCheckReadsRegistryImage(t *testing.T) {
	reg := servePrivateRegistry(t)
	img, err := imagetest.Image(goldenEnv, imagetest.Dist("torch", "2.4.0"), imagetest.Lib("libcudart.so.12.4.127"))
	if err != nil {
		t.Fatal(err)
	}
	ref := reg.push(t, "golden/torch:1", img)
	digest, _ := img.Digest()
	dockerLogin(t, reg.host)

	req := offline(t.TempDir())
	req.Offline, req.ReadImage = false, true // the wheels are a local folder: no index is asked
	req.Target.Python = target.Value{}
	req.Target.BaseImage = given(ref, "--base-image")
	v, err := engine.Check(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != engine.Conflict {
		t.Fatalf("status %s, want a conflict: the image ships torch 2.4.0", v.Status)
	}
	want := "the base image " + ref + "@" + digest.String() + " ships torch 2.4.0 (/usr/local/lib/python3.11/site-packages)"
	if text := v.Conflict.Text(); !strings.Contains(text, want) {
		t.Errorf("the explanation does not say %q:\n%s", want, text)
	}
	if got := v.Target.CUDA; got.Text != "12.4.1" || got.Origin.String() != "base image "+ref+" (read: env CUDA_VERSION)" {
		t.Errorf("cuda %q from %s, want 12.4.1 from the image's env", got.Text, got.Origin)
	}
	if got := v.Target.Python; got.Text != "3.11.9" {
		t.Errorf("python %q from %s, want the image's 3.11.9", got.Text, got.Origin)
	}
	layerRequests := func() (n int) {
		for _, p := range reg.take() {
			if strings.Contains(p, "/blobs/") {
				n++
			}
		}
		return n
	}
	if n := layerRequests(); n < 2 {
		t.Errorf("first run: %d blob requests, want the config and the layers", n)
	}

	if _, err := engine.Check(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if n := layerRequests(); n > 1 { // the config blob only
		t.Errorf("second run: %d blob requests, want only the config's: the layers are cached", n)
	}

	t.Setenv("DOCKER_CONFIG", t.TempDir())
	_, err = engine.Check(context.Background(), req)
	var hinted *engine.HintedError
	var input *target.InputError
	switch {
	case err == nil || !errors.As(err, &hinted) || errors.As(err, &input):
		t.Fatalf("without credentials: %v (%T), want an operational error with a hint", err, err)
	case !strings.Contains(hinted.Hint, "log in"):
		t.Errorf("hint %q, want: log in", hinted.Hint)
	case strings.Contains(err.Error(), "s3cret"):
		t.Errorf("the error shows the password: %v", err)
	}
}

// An image that ships the release the requirements pin resolves, keeping it; a
// reference that does not parse and an image that does not exist are bad input at the
// flag; a registry that fails is an operational error with its URL's password masked.
func TestCheckImageErrors(t *testing.T) {
	reg := servePrivateRegistry(t)
	img, err := imagetest.Image(goldenEnv, imagetest.Dist("torch", "2.5.1"))
	if err != nil {
		t.Fatal(err)
	}
	ref := reg.push(t, "golden/torch:2", img)
	dockerLogin(t, reg.host)
	check := func(image string) (engine.Verdict, error) {
		req := offline(t.TempDir())
		req.Offline, req.ReadImage = false, true
		req.Target.BaseImage = given(image, "--base-image")
		req.RetryBackoff = time.Millisecond
		return engine.Check(context.Background(), req)
	}
	if v, err := check(ref); err != nil || v.Status != engine.OK {
		t.Fatalf("an image that ships torch 2.5.1: %v, %v; want ok", v.Status, err)
	}
	for _, bad := range []string{reg.host + "/Golden/torch:2", reg.host + "/golden/torch:missing"} {
		_, err := check(bad)
		var input *target.InputError
		if !errors.As(err, &input) || input.Flag != "--base-image" {
			t.Errorf("%s: %v (%T), want an input error at --base-image", bad, err, err)
		}
	}

	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "upstream https://admin:hunter2@mirror.internal/v2/ failed", http.StatusInternalServerError)
	}))
	defer failing.Close()
	_, err = check(strings.TrimPrefix(failing.URL, "http://") + "/nvidia/cuda:12.4.1-runtime-ubuntu22.04")
	var input *target.InputError
	if err == nil || errors.As(err, &input) || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("a failing registry: %v, want an operational error, the password masked", err)
	}
}

// [target] read-image = true in the configuration reads a registry image as the flag
// does: the torch the image ships conflicts with the requirements' torch.
func TestCheckReadImageFromConfig(t *testing.T) {
	reg := servePrivateRegistry(t)
	img, err := imagetest.Image(goldenEnv, imagetest.Dist("torch", "2.4.0"))
	if err != nil {
		t.Fatal(err)
	}
	ref := reg.push(t, "golden/torch:3", img)
	dockerLogin(t, reg.host)
	config := filepath.Join(t.TempDir(), "depsolve.toml")
	if err := os.WriteFile(config, []byte("[target]\nbase-image = \""+ref+"\"\nread-image = true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	req := offline(t.TempDir())
	req.Offline, req.Config = false, config
	req.Target.Python = target.Value{}
	v, err := engine.Check(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if want := " ships torch 2.4.0 "; v.Status != engine.Conflict || !strings.Contains(v.Conflict.Text(), want) {
		t.Fatalf("status %s, want a conflict saying %q: the configuration asks to read the image", v.Status, want)
	}
	if got := v.Target.Python; got.Text != "3.11.9" {
		t.Errorf("python %q from %s, want the image's 3.11.9", got.Text, got.Origin)
	}
}

// Constraints reads a registry base image with ReadImage, as check does: a golden image
// whose tag says nothing of its CUDA adds its toolkit's driver floor only once read.
func TestConstraintsReadsRegistryImage(t *testing.T) {
	reg := servePrivateRegistry(t)
	img, err := imagetest.Image([]string{"CUDA_VERSION=12.8.0", "PYTHON_VERSION=3.11.9"}, imagetest.Lib("libcudart.so.12.8.57"))
	if err != nil {
		t.Fatal(err)
	}
	ref := reg.push(t, "golden/base:1", img)
	dockerLogin(t, reg.host)
	lock := filepath.Join(t.TempDir(), "requirements.lock")
	if err := os.WriteFile(lock, []byte("torch==2.5.1+cu124\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	req := engine.Request{Requirements: []string{lock}, Target: target.Declaration{
		BaseImage: given(ref, "--base-image"), Driver: given("570.86.10", "--driver"),
	}}
	baseImageFloor := func(d engine.Deployment) string {
		for _, f := range d.DriverFacts {
			if f.Package == "" {
				return f.Version
			}
		}
		return ""
	}

	d, err := engine.Constraints(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got := baseImageFloor(d); got != "" || d.Target.CUDA.Known() {
		t.Errorf("not read: the base image's CUDA is %q (fact %q), want unknown: its tag does not say", d.Target.CUDA.Text, got)
	}
	if n := len(reg.take()); n != 0 {
		t.Errorf("not read: %d registry requests, want none", n)
	}

	req.ReadImage = true
	if d, err = engine.Constraints(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if got := baseImageFloor(d); got != "12.8.0" {
		t.Errorf("read: the driver floors name the base image's CUDA %q, want 12.8.0 from its env", got)
	}
}

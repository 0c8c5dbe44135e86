package engine_test

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/depsolve/depsolve/engine"
	"github.com/depsolve/depsolve/internal/imagetest"
)

// cudaPair is a runtime image and the devel image built FROM it: the runtime image's
// layers and two more, whose bytes the test counts from the layers themselves.
type cudaPair struct {
	runtime, devel v1.Image
	unpacked, pull int64 // of the devel image's own layers
}

func newCUDAPair(t *testing.T) cudaPair {
	t.Helper()
	runtime, err := imagetest.Image(goldenEnv, imagetest.Lib("libcudart.so.12.4.127"))
	if err != nil {
		t.Fatal(err)
	}
	p := cudaPair{runtime: runtime}
	var added []v1.Layer
	for _, size := range []int64{40_000, 90_000} {
		l, err := random.Layer(size, types.DockerLayer)
		if err != nil {
			t.Fatal(err)
		}
		rc, err := l.Uncompressed()
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		stored, err := l.Size()
		if err != nil {
			t.Fatal(err)
		}
		p.unpacked += n
		p.pull += stored
		added = append(added, l)
	}
	if p.devel, err = mutate.AppendLayers(runtime, added...); err != nil {
		t.Fatal(err)
	}
	return p
}

const (
	develTag   = "12.4.1-cudnn-devel-ubuntu22.04"
	runtimeTag = "12.4.1-cudnn-runtime-ubuntu22.04"
)

// checkDevel checks the example's wheels (nothing is built) on the base image ref.
func checkDevel(t *testing.T, ref, cacheDir string, offlineRun bool) engine.Verdict {
	t.Helper()
	req := offline(cacheDir)
	req.Offline, req.ReadImage, req.Sizes = offlineRun, true, true
	req.Target.BaseImage = given(ref, "--base-image")
	v, err := engine.Check(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != engine.OK {
		t.Fatalf("%s: status %s, want ok", ref, v.Status)
	}
	return v
}

func develFinding(t *testing.T, v engine.Verdict) engine.Warning {
	t.Helper()
	for _, w := range v.Warnings {
		if w.Code == engine.WarningDevelBaseImage {
			return w
		}
	}
	t.Fatalf("no %s finding in %+v", engine.WarningDevelBaseImage, v.Warnings)
	return engine.Warning{}
}

// A devel image read from a registry that wants credentials: the bytes at stake are
// exactly what its own layers hold unpacked, and what pulling them downloads; the
// credentials appear nowhere.
func TestDevelBaseBytesFromRegistry(t *testing.T) {
	reg := servePrivateRegistry(t)
	p := newCUDAPair(t)
	runtime := reg.push(t, "nvidia/cuda:"+runtimeTag, p.runtime)
	devel := reg.push(t, "nvidia/cuda:"+develTag, p.devel)
	dockerLogin(t, reg.host)
	cacheDir := t.TempDir()

	w := develFinding(t, checkDevel(t, devel, cacheDir, false))
	want := ": " + runtime + " is the same image without them, 2 layers and " + engine.HumanBytes(p.pull) + " less to pull (" + engine.HumanBytes(p.unpacked) + " installed at stake)"
	if w.Bytes != p.unpacked || !strings.HasSuffix(w.Message, want) {
		t.Errorf("bytes %d, message %q; want %d bytes, a message ending %q", w.Bytes, w.Message, p.unpacked, want)
	}
	if strings.Contains(w.Message, "s3cret") || strings.Contains(w.Message, "alice") {
		t.Errorf("the finding shows the credentials: %s", w.Message)
	}

	// Warm, the devel image's layers come from the cache, with what each holds unpacked.
	if again := develFinding(t, checkDevel(t, devel, cacheDir, false)); again.Bytes != p.unpacked || again.Message != w.Message {
		t.Errorf("warm: %q, %d bytes; want what the cold run said", again.Message, again.Bytes)
	}
}

// The finding stands when the runtime image cannot be compared, and says why: one that
// does not exist; one that was not the devel image's base (its layers are not the devel
// image's first), with what each image has that the other lacks, read without fetching
// a layer of it. A runtime tag with the very same layers leaves nothing to drop, and no
// finding.
func TestDevelBaseBytesNotGiven(t *testing.T) {
	reg := servePrivateRegistry(t)
	p := newCUDAPair(t)
	dockerLogin(t, reg.host)
	other, err := imagetest.Image(goldenEnv, imagetest.Dist("six", "1.16.0"))
	if err != nil {
		t.Fatal(err)
	}
	missing := reg.push(t, "lone/nvidia/cuda:"+develTag, p.devel)
	reg.push(t, "rebuilt/nvidia/cuda:"+runtimeTag, other)
	rebuilt := reg.push(t, "rebuilt/nvidia/cuda:"+develTag, p.devel)
	reg.push(t, "retagged/nvidia/cuda:"+runtimeTag, p.devel)
	retagged := reg.push(t, "retagged/nvidia/cuda:"+develTag, p.devel)

	w := develFinding(t, checkDevel(t, missing, t.TempDir(), false))
	want := "; the bytes at stake are not given, since the runtime image could not be read: image " + reg.host + "/lone/nvidia/cuda:" + runtimeTag + ": no such image on the registry (MANIFEST_UNKNOWN)"
	if w.Bytes != 0 || !strings.HasSuffix(w.Message, want) {
		t.Errorf("no runtime image: bytes %d, message %q; want no bytes, a message ending %q", w.Bytes, w.Message, want)
	}

	reg.take()
	w = develFinding(t, checkDevel(t, rebuilt, t.TempDir(), false))
	otherLayers, _ := other.Layers()
	for _, path := range reg.take() {
		for _, l := range otherLayers {
			if d, _ := l.Digest(); strings.HasSuffix(path, "/blobs/"+d.String()) {
				t.Errorf("fetched %s, a layer of the runtime image: its manifest and configuration are enough", path)
			}
		}
	}
	want = ": its runtime flavor is " + reg.host + "/rebuilt/nvidia/cuda:" + runtimeTag + ", but the bytes at stake are not given: that image's layers are not the first layers of " + rebuilt + ", which was not built FROM it; " + rebuilt + " has 4 layers it lacks ("
	if w.Bytes != 0 || !strings.Contains(w.Message, want) || !strings.HasSuffix(w.Message, "), and it has 2 of its own") {
		t.Errorf("another runtime image: bytes %d, message %q; want no bytes, and %q", w.Bytes, w.Message, want)
	}

	v := checkDevel(t, retagged, t.TempDir(), false)
	for _, w := range v.Warnings {
		if w.Code == engine.WarningDevelBaseImage {
			t.Errorf("the same layers under the runtime tag: %s", w.Message)
		}
	}
}

// Offline, a devel image in an OCI layout is compared with the runtime image of the same
// layout; a layout without it leaves the finding without bytes, saying so.
func TestDevelBaseBytesFromLayoutOffline(t *testing.T) {
	p := newCUDAPair(t)
	dir := filepath.Join(t.TempDir(), "cuda")
	if err := imagetest.WriteLayout(dir, runtimeTag, p.runtime); err != nil {
		t.Fatal(err)
	}
	if err := imagetest.WriteLayout(dir, develTag, p.devel); err != nil {
		t.Fatal(err)
	}
	w := develFinding(t, checkDevel(t, "oci:"+dir+":"+develTag, t.TempDir(), true))
	want := ": oci:" + dir + ":" + runtimeTag + " is the same image without them, 2 layers and " + engine.HumanBytes(p.pull) + " less to pull"
	if w.Bytes != p.unpacked || !strings.Contains(w.Message, want) {
		t.Errorf("bytes %d, message %q; want %d bytes, and %q", w.Bytes, w.Message, p.unpacked, want)
	}

	lone := filepath.Join(t.TempDir(), "lone")
	if err := imagetest.WriteLayout(lone, develTag, p.devel); err != nil {
		t.Fatal(err)
	}
	w = develFinding(t, checkDevel(t, "oci:"+lone+":"+develTag, t.TempDir(), true))
	want = "; the bytes at stake are not given, since the runtime image could not be read: image oci:" + lone + ":" + runtimeTag + ": no image tagged " + runtimeTag + " in the layout"
	if w.Bytes != 0 || !strings.HasSuffix(w.Message, want) {
		t.Errorf("no runtime image in the layout: bytes %d, message %q; want no bytes, a message ending %q", w.Bytes, w.Message, want)
	}
}

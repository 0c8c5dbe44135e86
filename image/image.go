package image

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/depsolve/depsolve/cache"
	"github.com/depsolve/depsolve/internal/printable"
	"github.com/depsolve/depsolve/internal/runlog"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/redact"
)

// Options configure Read. The zero value reads linux/amd64 images with the user's
// registry credentials and no cache.
type Options struct {
	// Platform picks the image of a multi-platform index: "os/arch[/variant]"; "" means
	// linux/amd64.
	Platform string
	// Cache keeps what each layer holds, by the layer's digest; nil keeps nothing.
	Cache *cache.Cache
	// Keychain gives registry credentials; nil means ~/.docker/config.json
	// ($DOCKER_CONFIG) and its credential helpers.
	Keychain authn.Keychain
	// Transport carries registry requests; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Backoff is the first wait before retrying a failed registry request; 0 means 1s.
	Backoff time.Duration
	// MaxMetadataSize bounds each dist-info METADATA read; 0 means 1 MiB. A larger one is
	// left out, with a note.
	MaxMetadataSize int64
	// MaxFindings bounds what one layer may yield (distributions, libraries, whiteouts);
	// 0 means 100,000. More is a *ContentError.
	MaxFindings int
}

// Image is what Read found in an image.
type Image struct {
	Ref      string // as given to Read
	Digest   string // the manifest's digest, sha256:…
	Platform string // os/arch[/variant], from the config
	Env      map[string]string
	Labels   map[string]string
	Layers   []Layer
	Python   []Dist // installed distributions, by name then location
	CUDALibs []Lib  // by name, then path
	// Derived facts; a zero Fact is unknown. The environment wins over the files.
	CUDA          Fact   // CUDA_VERSION, else libcudart's major.minor
	CUDNN         Fact   // NV_CUDNN_VERSION, else libcudnn's version
	PythonVersion Fact   // PYTHON_VERSION, else the interpreter's python3.N
	Glibc         Fact   // libc-X.Y.so, else libc.so.6's version string
	RequireCUDA   string // NVIDIA_REQUIRE_CUDA, as written
	// Notes are what was passed over: a METADATA too large or invalid, several
	// interpreters; one line each, its control characters escaped (they quote the image).
	Notes []string
}

// Layer is one layer of the image, bottom first.
type Layer struct {
	Digest    string // sha256:…, of the layer as stored (compressed)
	DiffID    string // sha256:…, of its tar stream: the configuration's rootfs.diff_ids
	Size      int64  // bytes, as stored
	Unpacked  int64  // bytes of its tar stream, uncompressed: what it adds to a disk, give or take
	MediaType string
	Cached    bool // its findings came from the cache; it was not read
}

// Dist is a Python distribution installed in the image.
type Dist struct {
	Name     string // PEP 503-normalized
	Version  pep440.Version
	Location string // the site-packages folder, /usr/local/lib/python3.11/site-packages
}

// Lib is a CUDA library file.
type Lib struct {
	Name    string // libcudart, libcudnn, libcublasLt, libnccl, …
	Version string // from the file name: 12.4.127, 9.1.0, 12
	Path    string // /usr/local/cuda-12.4/targets/x86_64-linux/lib/libcudart.so.12.4.127
}

// Fact is a version the image gives, and where it came from.
type Fact struct {
	Value  string // "" when unknown
	Source string // "env CUDA_VERSION", "/usr/lib/x86_64-linux-gnu/libc.so.6"
}

// openReader opens the image ref names for the platform opts asks for, with the reader
// that reads it and reports its failures.
func openReader(ctx context.Context, ref string, opts Options) (v1.Image, *reader, *v1.Platform, error) {
	// An image, in a registry or on disk, is more to compare than to read.
	runlog.Unrepeatable("reading a container image")
	plat, err := platform(opts)
	if err != nil {
		return nil, nil, nil, err
	}
	img, display, remoteRead, err := open(ctx, ref, *plat, opts)
	if err != nil {
		return nil, nil, nil, err
	}
	return img, &reader{ctx: ctx, ref: display, remote: remoteRead, opts: opts}, plat, nil
}

// Read reads the image ref names (see the package comment for the forms).
func Read(ctx context.Context, ref string, opts Options) (*Image, error) {
	if opts.MaxMetadataSize == 0 {
		opts.MaxMetadataSize = 1 << 20
	}
	if opts.MaxFindings == 0 {
		opts.MaxFindings = 100_000
	}
	img, r, plat, err := openReader(ctx, ref, opts)
	if err != nil {
		return nil, err
	}
	out, err := r.read(img)
	if err != nil {
		return nil, err
	}
	if got, err := v1.ParsePlatform(out.Platform); err == nil && !got.Satisfies(*plat) {
		out.Notes = append(out.Notes, fmt.Sprintf("the image is for %s, not %s", out.Platform, plat.String()))
	}
	// Notes quote the image's paths and configuration, which whoever built it chose,
	// and are printed on the terminal.
	for i, n := range out.Notes {
		out.Notes[i] = printable.Escape(n)
	}
	return out, nil
}

// platform is the platform opts ask for.
func platform(opts Options) (*v1.Platform, error) {
	plat, err := v1.ParsePlatform(cmpOr(opts.Platform, "linux/amd64"))
	if err != nil {
		return nil, fmt.Errorf("platform %q: %w; want os/arch[/variant], e.g. linux/amd64", opts.Platform, err)
	}
	return plat, nil
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// open resolves a reference to an image. display is the reference as messages show it.
func open(ctx context.Context, ref string, plat v1.Platform, opts Options) (img v1.Image, display string, remoteRead bool, err error) {
	switch {
	case strings.TrimSpace(ref) == "":
		return nil, ref, false, &RefError{Ref: ref, Reason: "empty"}
	case strings.HasPrefix(ref, "oci:"):
		img, err := openLayout(ref, strings.TrimPrefix(ref, "oci:"), plat)
		return img, ref, false, err
	case strings.HasPrefix(ref, "docker-archive:"):
		img, err := openArchive(ref, strings.TrimPrefix(ref, "docker-archive:"))
		return img, ref, false, err
	}
	display = maskUserinfo(ref)
	bare := strings.TrimPrefix(ref, "docker://")
	r, err := name.ParseReference(bare)
	if err != nil {
		if !strings.Contains(bare, "@") {
			_, err = name.NewTag(bare) // says which part is wrong, where ParseReference does not
		}
		reason := strings.ReplaceAll(err.Error(), bare, maskUserinfo(bare))
		if reason == "could not parse reference: "+maskUserinfo(bare) {
			reason = "not a valid reference"
		}
		return nil, display, true, &RefError{Ref: display, Reason: reason}
	}
	keychain := opts.Keychain
	if keychain == nil {
		keychain = authn.DefaultKeychain
	}
	transport := opts.Transport
	if transport == nil {
		transport = http.DefaultTransport
	}
	img, err = remote.Image(r,
		remote.WithContext(ctx),
		remote.WithAuthFromKeychain(keychain),
		remote.WithPlatform(plat),
		remote.WithTransport(transport),
		remote.WithUserAgent("depsolve"),
		remote.WithRetryBackoff(remote.Backoff{Duration: cmpDur(opts.Backoff, time.Second), Factor: 3, Jitter: 0.1, Steps: 3}),
	)
	if err != nil {
		return nil, display, true, remoteError(display, err)
	}
	return img, display, true, nil
}

// maskUserinfo masks the credentials someone wrote into a registry reference
// (user:password@registry/…), which are never valid there but must not be shown.
func maskUserinfo(ref string) string {
	bare, scheme := ref, ""
	if i := strings.Index(ref, "://"); i >= 0 {
		scheme, bare = ref[:i+3], ref[i+3:]
	}
	at := strings.Index(bare, "@")
	if at < 0 || strings.ContainsAny(bare[:at], "/") || strings.HasPrefix(bare[at+1:], "sha256:") {
		return ref
	}
	return scheme + redact.Mask + bare[at:]
}

func cmpDur(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// openLayout finds an image in an OCI layout: by digest, by tag (the ref.name
// annotation), or the only one; an index is narrowed to the platform.
func openLayout(ref, rest string, plat v1.Platform) (v1.Image, error) {
	dir, tag, digest := rest, "", ""
	if d, h, ok := strings.Cut(rest, "@"); ok {
		dir, digest = d, h
	} else if i := strings.LastIndex(rest, ":"); i >= 0 && !strings.ContainsAny(rest[i+1:], `/\`) {
		dir, tag = rest[:i], rest[i+1:]
	}
	if dir == "" {
		return nil, &RefError{Ref: ref, Reason: "no layout folder after oci:"}
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, &NotFoundError{Ref: ref, What: fmt.Sprintf("no OCI layout folder %s (%v)", dir, unwrapPath(err))}
	}
	// A folder with no index.json is no layout at all: the folder named is the wrong
	// one, not a layout whose content is broken.
	if _, err := os.Stat(filepath.Join(dir, "index.json")); errors.Is(err, fs.ErrNotExist) {
		return nil, &NotFoundError{Ref: ref, What: fmt.Sprintf("no OCI layout in the folder %s (it has no index.json)", dir)}
	}
	ii, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, &ContentError{Ref: ref, Err: fmt.Errorf("%s is not a readable OCI image layout: %w", dir, err)}
	}
	var want *v1.Hash
	if digest != "" {
		h, err := v1.NewHash(digest)
		if err != nil {
			return nil, &RefError{Ref: ref, Reason: "digest " + digest + ": " + err.Error()}
		}
		want = &h
	}
	return pickImage(ref, ii, tag, want, plat)
}

// pickImage chooses the image of an index that the tag or digest names (or the
// only one), descending into nested indexes by platform.
func pickImage(ref string, ii v1.ImageIndex, tag string, want *v1.Hash, plat v1.Platform) (v1.Image, error) {
	im, err := ii.IndexManifest()
	if err != nil {
		return nil, &ContentError{Ref: ref, Err: err}
	}
	var picked []v1.Descriptor
	for _, d := range im.Manifests {
		switch {
		case want != nil && d.Digest == *want,
			tag != "" && d.Annotations["org.opencontainers.image.ref.name"] == tag,
			want == nil && tag == "":
			picked = append(picked, d)
		}
	}
	if len(picked) > 1 {
		var onPlatform []v1.Descriptor
		for _, d := range picked {
			if d.Platform != nil && d.Platform.Satisfies(plat) {
				onPlatform = append(onPlatform, d)
			}
		}
		picked = onPlatform
	}
	switch {
	case len(picked) == 0 && tag != "":
		return nil, &NotFoundError{Ref: ref, What: "no image tagged " + tag + " in the layout"}
	case len(picked) == 0 && want != nil:
		return nil, &NotFoundError{Ref: ref, What: "no image " + want.String() + " in the layout"}
	case len(picked) == 0:
		return nil, &NotFoundError{Ref: ref, What: "no image for " + plat.String() + " in the layout"}
	case len(picked) > 1:
		return nil, &RefError{Ref: ref, Reason: fmt.Sprintf("the layout holds %d images for %s; name one with :TAG or @sha256:DIGEST", len(picked), plat.String())}
	}
	d := picked[0]
	if d.MediaType.IsIndex() {
		child, err := ii.ImageIndex(d.Digest)
		if err != nil {
			return nil, &ContentError{Ref: ref, Err: err}
		}
		return pickImage(ref, child, "", nil, plat)
	}
	img, err := ii.Image(d.Digest)
	if err != nil {
		return nil, &ContentError{Ref: ref, Err: err}
	}
	return img, nil
}

// openArchive reads a `docker save` tarball; FILE:REPO:TAG picks one of several images.
func openArchive(ref, rest string) (v1.Image, error) {
	file, tagText := rest, ""
	if _, err := os.Stat(rest); err != nil {
		if f, t, ok := strings.Cut(rest, ":"); ok {
			file, tagText = f, t
		}
	}
	if file == "" {
		return nil, &RefError{Ref: ref, Reason: "no file after docker-archive:"}
	}
	if _, err := os.Stat(file); err != nil {
		return nil, &NotFoundError{Ref: ref, What: fmt.Sprintf("no docker save tarball %s (%v)", file, unwrapPath(err))}
	}
	var tag *name.Tag
	if tagText != "" {
		t, err := name.NewTag(tagText)
		if err != nil {
			return nil, &RefError{Ref: ref, Reason: "tag " + tagText + ": " + err.Error()}
		}
		tag = &t
	}
	img, err := tarball.ImageFromPath(file, tag)
	if err != nil {
		if tag != nil && strings.Contains(err.Error(), "not found") {
			return nil, &NotFoundError{Ref: ref, What: "no image tagged " + tagText + " in " + file}
		}
		return nil, &ContentError{Ref: ref, Err: fmt.Errorf("%s is not a readable docker save tarball: %w", file, err)}
	}
	return img, nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// reader reads one image.
type reader struct {
	ctx    context.Context
	ref    string
	remote bool
	opts   Options
}

func (r *reader) fail(layer string, err error) error {
	if r.ctx.Err() != nil {
		return r.ctx.Err()
	}
	if r.remote {
		var ce *ContentError
		if !errors.As(err, &ce) {
			return remoteError(r.ref, err)
		}
	}
	var ce *ContentError
	if errors.As(err, &ce) {
		return err
	}
	return &ContentError{Ref: r.ref, Layer: layer, Err: err}
}

func (r *reader) read(img v1.Image) (*Image, error) {
	digest, err := img.Digest()
	if err != nil {
		return nil, r.fail("", err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, r.fail("", err)
	}
	manifest, err := img.Manifest()
	if err != nil {
		return nil, r.fail("", err)
	}
	out := &Image{Ref: r.ref, Digest: digest.String(), Env: map[string]string{}, Labels: map[string]string{}}
	out.Platform = cfg.OS + "/" + cfg.Architecture
	if cfg.Variant != "" {
		out.Platform += "/" + cfg.Variant
	}
	for _, kv := range cfg.Config.Env {
		k, v, _ := strings.Cut(kv, "=")
		out.Env[k] = v
	}
	for k, v := range cfg.Config.Labels {
		out.Labels[k] = v
	}
	if n := len(cfg.RootFS.DiffIDs); n != len(manifest.Layers) {
		// A runtime refuses such an image; its layers could not be told apart from
		// another image's by content.
		return nil, &ContentError{Ref: r.ref, Err: fmt.Errorf("the manifest lists %d layers and the configuration %d (rootfs.diff_ids): the image is broken", len(manifest.Layers), n)}
	}
	var all []*findings
	for i, d := range manifest.Layers {
		l := Layer{Digest: d.Digest.String(), DiffID: cfg.RootFS.DiffIDs[i].String(), Size: d.Size, MediaType: string(d.MediaType)}
		f, cached, err := r.layer(img, d)
		if err != nil {
			return nil, err
		}
		l.Cached = cached
		l.Unpacked = f.unpacked()
		out.Layers = append(out.Layers, l)
		all = append(all, f)
	}
	merge(out, all)
	sort.Strings(out.Notes)
	return out, nil
}

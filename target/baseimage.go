package target

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/depsolve/depsolve/redact"
)

// imageRef is a parsed container image reference.
type imageRef struct {
	registry string // "docker.io", "nvcr.io", "registry.example.com:5000"
	repo     string // "nvidia/cuda", "library/python"
	tag      string // "" when none
	digest   string // "sha256:…"; "" when none
}

var (
	repoComponentRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$`) })
	imageTagRE      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`) })
	imageDigestRE   = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$`)
	})
)

func checkImageReference(s string) error {
	if isLocalImageRef(s) {
		return nil // package image reads its path when the image is read
	}
	_, err := parseImageReference(s)
	return err
}

// parseImageReference reads [registry/]repository[:tag][@digest] as Docker does: the first
// component is a registry when it has a '.' or ':' or is "localhost"; Docker Hub's aliases
// (index.docker.io, registry-1.docker.io) are docker.io, whose one-component names are
// "library/…". An image pinned by digest alone cannot say which CUDA, Python or glibc it
// holds, so it is refused.
func parseImageReference(s string) (imageRef, error) {
	var r imageRef
	rest := s
	if user, host, ok := strings.Cut(rest, "@"); ok && !strings.Contains(user, "/") && !imageDigestRE().MatchString(host) {
		// user:password@registry/…: never valid, and never to be shown.
		return r, fmt.Errorf("image %q: a reference carries no user name or password: log in to the registry with docker login (depsolve reads ~/.docker/config.json)", redact.Mask+"@"+host)
	}
	if name, digest, ok := strings.Cut(rest, "@"); ok {
		if !imageDigestRE().MatchString(digest) {
			return r, fmt.Errorf("image %q: bad digest %q", s, digest)
		}
		rest, r.digest = name, digest
	}
	if i := strings.LastIndexByte(rest, ':'); i > strings.LastIndexByte(rest, '/') {
		rest, r.tag = rest[:i], rest[i+1:]
		if !imageTagRE().MatchString(r.tag) {
			return r, fmt.Errorf("image %q: bad tag %q", s, r.tag)
		}
	}
	parts := strings.Split(rest, "/")
	if len(parts) > 1 && (strings.ContainsAny(parts[0], ".:") || parts[0] == "localhost") {
		r.registry, parts = parts[0], parts[1:]
	}
	switch r.registry {
	case "", "index.docker.io", "registry-1.docker.io":
		r.registry = "docker.io"
	}
	if r.registry == "docker.io" && len(parts) == 1 {
		parts = []string{"library", parts[0]}
	}
	for _, p := range parts {
		if !repoComponentRE().MatchString(p) {
			return r, fmt.Errorf("image %q: %q is not a valid repository name component (lower-case letters, digits, separators)", s, p)
		}
	}
	r.repo = strings.Join(parts, "/")
	if r.tag == "" && r.digest != "" {
		return r, fmt.Errorf("image %q: cannot tell CUDA, Python or glibc from a digest; give the tag too (%s:TAG@%s), or give --cuda, --python and --glibc instead", s, r.repo, r.digest)
	}
	return r, nil
}

// SameImage reports whether two image references name the same image as Docker reads
// them: docker.io, index.docker.io and registry-1.docker.io are one registry, where
// "nvidia/cuda" is "docker.io/nvidia/cuda" and "python" is "library/python". Tags and
// digests must be the same. An image on disk (oci:, docker-archive:) is the same only as
// itself, as written.
func SameImage(a, b string) bool {
	if a == b {
		return true
	}
	if isLocalImageRef(a) || isLocalImageRef(b) {
		return false
	}
	ra, errA := parseImageReference(a)
	rb, errB := parseImageReference(b)
	return errA == nil && errB == nil && ra == rb
}

// ImageFacts is what the catalog knows of an nvidia/cuda tag.
type ImageFacts struct {
	CUDA  string // toolkit version, "12.4.1"
	CuDNN string // "9", "" when none or not known
	OS    string // "ubuntu22.04"
	GLibc string // "2.35"; "" when the OS is not in the matrix
}

// Catalog is what building a target asks of the compatibility matrix: the names of GPU
// models and the facts of nvidia/cuda tags and operating systems are curated data, which
// package matrix loads. The interface keeps this package free of the matrix (matrix
// imports target, never the reverse); (*matrix.Matrix).Catalog implements it.
type Catalog interface {
	GPUCapability(name string) (string, bool) // "H100" -> "9.0"
	GPUNames() []string                       // every model name and alias, for "did you mean"
	CUDAImage(tag string) (ImageFacts, bool)  // "12.4.1-cudnn-runtime-ubuntu22.04"
	OSGlibc(os string) (string, bool)         // "ubuntu22.04", "debian12", "rockylinux9", "ubi9"
	// FrameworkImage: a release of a framework image ("nvcr.io/nvidia/pytorch", "25.12"),
	// and the releases of the image the matrix knows.
	FrameworkImage(image, release string) (FrameworkImageFacts, []string, bool)
}

// imageTarget is what a base image implies about the target. The platform tag is left to
// the caller, who may know the architecture from elsewhere.
type imageTarget struct {
	decl  Declaration // every value From FromBaseImage; Platform empty
	linux bool        // a Linux image
	arch  string      // from the Dockerfile's FROM --platform; "" when not given
	musl  string      // "1.2" for an Alpine image
	cudnn string      // the cuDNN major of an nvidia/cuda image, "" for none or unknown
	notes []string
	// glibcNotes say only that the image's glibc is unknown: moot, and left out, when a
	// higher source gives the glibc (--glibc, a manylinux --platform).
	glibcNotes []string

	preinstalled []Installed
	warnings     []ImageWarning
}

// baseImageTarget reads what the image reference implies: for nvidia/cuda (any registry,
// nvcr.io included) the CUDA toolkit and glibc from the matrix; for Docker Hub's python
// images the Python version and, when the tag names the Debian or Alpine release, the C
// library; for ubuntu, debian, rockylinux and ubi images the glibc. dockerPlatform is the
// Dockerfile's FROM --platform ("linux/arm64"), if any.
func baseImageTarget(ref string, origin Origin, dockerPlatform string, cat Catalog) (imageTarget, error) {
	r, err := parseImageReference(ref)
	if err != nil {
		return imageTarget{}, err
	}
	it := imageTarget{linux: true}
	set := func(v *Value, text string) { *v = Value{Text: text, Origin: origin} }
	switch {
	case isCUDAImage(r):
		if r.tag == "" {
			return imageTarget{}, fmt.Errorf("image %q: nvidia/cuda has no default tag; give one, e.g. nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04", ref)
		}
		facts, ok := cat.CUDAImage(r.tag)
		if !ok {
			it.notes = append(it.notes, fmt.Sprintf("base image %s: tag %q names no CUDA version: CUDA and glibc unknown (give --cuda and --glibc)", ref, r.tag))
			break
		}
		set(&it.decl.CUDA, facts.CUDA)
		it.cudnn = facts.CuDNN
		// An OS the matrix has no glibc for is the matrix's to say (unchecked-target).
		switch {
		case facts.GLibc != "":
			set(&it.decl.GLibc, facts.GLibc)
		case facts.OS == "":
			it.glibcNotes = append(it.glibcNotes, fmt.Sprintf("base image %s: the tag names no OS; glibc unknown (give --glibc)", ref))
		}
	case isFrameworkImage(r):
		frameworkImage(ref, r, origin, cat, &it)
	case r.registry == "docker.io" && r.repo == "library/python":
		pythonImage(ref, r.tag, origin, cat, &it)
	case isDistroImage(r):
		os, ok := distroOS(r)
		if glibc, known := cat.OSGlibc(os); ok && known {
			set(&it.decl.GLibc, glibc)
		} else {
			it.glibcNotes = append(it.glibcNotes, fmt.Sprintf("base image %s: its glibc is unknown (give --glibc)", ref))
		}
	default:
		it.linux = false
		it.notes = append(it.notes, fmt.Sprintf("base image %s: depsolve knows nothing of this image; Python, platform, glibc and CUDA come from other settings", ref))
	}
	if dockerPlatform != "" && it.linux {
		arch, err := dockerArch(dockerPlatform)
		if err != nil {
			it.notes = append(it.notes, fmt.Sprintf("base image %s: %v; architecture unknown", ref, err))
		} else {
			it.arch = arch
		}
	}
	return it, nil
}

// dockerArch turns a Docker platform ("linux/arm64", "linux/amd64", "linux/arm/v7") into the
// architecture of a Linux wheel tag.
func dockerArch(p string) (string, error) {
	parts := strings.Split(p, "/")
	if parts[0] != "linux" || len(parts) < 2 {
		return "", fmt.Errorf("platform %q is not a Linux platform", p)
	}
	switch parts[1] {
	case "amd64":
		return "x86_64", nil
	case "arm64":
		return "aarch64", nil
	case "arm":
		return "armv7l", nil
	case "386":
		return "i686", nil
	case "ppc64le", "s390x", "riscv64":
		return parts[1], nil
	}
	return "", fmt.Errorf("platform %q has no Linux wheel architecture depsolve knows", p)
}

// DockerPlatform is the Docker platform ("linux/arm64") whose images run Linux wheels of
// the architecture arch ("aarch64"), as a Dockerfile's FROM --platform names it; false
// for one depsolve knows no Docker platform of.
func DockerPlatform(arch string) (string, bool) {
	p, ok := map[string]string{"x86_64": "linux/amd64", "aarch64": "linux/arm64", "armv7l": "linux/arm/v7", "i686": "linux/386",
		"ppc64le": "linux/ppc64le", "s390x": "linux/s390x", "riscv64": "linux/riscv64"}[arch]
	return p, ok
}

// debianReleases are the Debian codenames the python images put in their tags.
var debianReleases = map[string]string{"buster": "debian10", "bullseye": "debian11", "bookworm": "debian12", "trixie": "debian13"}

// ubuntuReleases are the codenames the ubuntu images also answer to.
var ubuntuReleases = map[string]string{"bionic": "ubuntu18.04", "focal": "ubuntu20.04", "jammy": "ubuntu22.04", "noble": "ubuntu24.04"}

var (
	pythonImageTagRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^([0-9]+(?:\.[0-9]+(?:\.[0-9]+)?)?(?:(?:a|b|rc)[0-9]+)?)(?:-(.*))?$`)
	})
	alpineRE        = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^alpine(?:3\.([0-9]+))?$`) })
	ubuntuVersionRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{2}\.04$`) })
)

// pythonImage reads a Docker Hub python tag: <version>[-slim][-<debian codename>|-alpine[3.N]].
// A tag without a release follows whatever Debian is current when it is pulled, so its glibc
// is left unknown. Alpine 3.13 and later ship musl 1.2.
func pythonImage(ref, tag string, origin Origin, cat Catalog, it *imageTarget) {
	m := pythonImageTagRE().FindStringSubmatch(tag)
	if m == nil {
		it.notes = append(it.notes, fmt.Sprintf("base image %s: tag not understood; Python and glibc unknown", ref))
		return
	}
	d := &it.decl
	version, variant := m[1], m[2]
	switch strings.Count(version, ".") {
	case 0:
		it.notes = append(it.notes, fmt.Sprintf("base image %s: the tag gives no Python minor version; Python unknown", ref))
	default:
		d.Python = Value{Text: version, Origin: origin}
		d.Implementation = Value{Text: "cpython", Origin: origin}
	}
	release := variant[strings.LastIndexByte(variant, '-')+1:]
	if am := alpineRE().FindStringSubmatch(release); am != nil {
		if minor, err := strconv.Atoi(am[1]); err == nil && minor < 13 {
			it.notes = append(it.notes, fmt.Sprintf("base image %s: Alpine before 3.13 has musl 1.1, which musllinux wheels do not target; platform unknown", ref))
			return
		}
		it.musl = "1.2"
		return
	}
	os, ok := debianReleases[release]
	if !ok {
		it.glibcNotes = append(it.glibcNotes, fmt.Sprintf("base image %s: the tag names no Debian release, and the image follows the current one; glibc unknown (use a tag such as %s-slim-bookworm, or give --glibc)", ref, version))
		return
	}
	if glibc, known := cat.OSGlibc(os); known {
		d.GLibc = Value{Text: glibc, Origin: origin}
	} else {
		it.glibcNotes = append(it.glibcNotes, fmt.Sprintf("base image %s: the glibc of %s is not in the matrix (give --glibc)", ref, os))
	}
}

var ubiRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^ubi([0-9]+)(?:-minimal|-micro|-init)?$`) })

// isDistroImage says whether the image is a plain OS: ubuntu, debian, rockylinux, or Red
// Hat's UBI (ubi9, ubi9/ubi-minimal, redhat/ubi9).
func isDistroImage(r imageRef) bool {
	switch r.repo[strings.LastIndexByte(r.repo, '/')+1:] {
	case "ubuntu", "debian", "rockylinux":
		return true
	}
	_, ok := ubiRelease(r)
	return ok
}

func ubiRelease(r imageRef) (string, bool) {
	for _, part := range strings.Split(r.repo, "/") {
		if m := ubiRE().FindStringSubmatch(part); m != nil {
			return m[1], true
		}
	}
	return "", false
}

// distroOS names the OS of a distribution image as the matrix does ("ubuntu22.04",
// "debian12", "rockylinux9", "ubi9"); false when the tag does not say which release.
func distroOS(r imageRef) (string, bool) {
	tag, _, _ := strings.Cut(r.tag, "-") // bookworm-slim, 22.04-minimal
	switch r.repo[strings.LastIndexByte(r.repo, '/')+1:] {
	case "ubuntu":
		if os, ok := ubuntuReleases[tag]; ok {
			return os, true
		}
		return "ubuntu" + tag, ubuntuVersionRE().MatchString(tag)
	case "debian":
		if os, ok := debianReleases[tag]; ok {
			return os, true
		}
		return "debian" + tag, digits(tag)
	case "rockylinux":
		major, _, _ := strings.Cut(tag, ".")
		return "rockylinux" + major, digits(major)
	}
	// UBI names its release in the repository; the tag is a point release.
	major, ok := ubiRelease(r)
	return "ubi" + major, ok
}

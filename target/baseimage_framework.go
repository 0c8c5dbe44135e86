package target

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// FrameworkImageFacts is what the matrix knows of one release of a framework image such
// as NGC's nvcr.io/nvidia/pytorch:25.12-py3.
type FrameworkImageFacts struct {
	CUDA    string // the toolkit: "13.1.0"
	Python  string // "3.12"
	Package string // the framework it preinstalls, PEP 503: "torch"
	Version string // as the image's pip reports it: "2.10.0a0+b4e4ee81d3"
	Row     string // the matrix row: "data/images.toml:120"
}

// Installed is a package a base image ships installed.
type Installed struct {
	Name    string // PEP 503
	Version string
	Origin  Origin
	// Location is the site-packages folder the image has it in, when the image was
	// read ("/usr/local/lib/python3.11/site-packages"); "" when its tag says it.
	Location string
}

// ImageWarning is something about the base image that the user should know, with a
// stable code (README).
type ImageWarning struct {
	Code    string
	Message string
}

// Warning codes of base images.
const (
	// WarningUnknownImageRelease: an NGC framework image whose release the matrix has no
	// row for; its CUDA, Python and framework are unknown.
	WarningUnknownImageRelease = "unknown-image-release"
	// WarningImagePreinstalls: the base image ships a framework installed (Installed);
	// depsolve resolves the requirements as pip would install them on top of it.
	WarningImagePreinstalls = "image-preinstalls"
)

var (
	ngcTagRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^([0-9]{2}\.[0-9]{2})-py3(?:-.+)?$`)
	})
	pytorchTagRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^([0-9]+\.[0-9]+\.[0-9]+)-cuda([0-9]+\.[0-9]+)-cudnn([0-9]+)-(runtime|devel)$`)
	})
)

// ngcFrameworkImages are NGC's framework images that preinstall a Python framework,
// whose tags are YY.MM-py3.
var ngcFrameworkImages = map[string]bool{"nvidia/pytorch": true}

// isFrameworkImage says whether r is a framework image depsolve reads: NGC's
// nvcr.io/nvidia/pytorch, or the PyTorch project's pytorch/pytorch (Docker Hub, ghcr.io).
func isFrameworkImage(r imageRef) bool {
	return r.registry == "nvcr.io" && ngcFrameworkImages[r.repo] ||
		r.repo == "pytorch/pytorch" && (r.registry == "docker.io" || r.registry == "ghcr.io")
}

// frameworkImage reads an NGC release from the matrix, or a pytorch/pytorch tag, which
// names its torch, CUDA and cuDNN (2.5.1-cuda12.4-cudnn9-runtime).
func frameworkImage(ref string, r imageRef, origin Origin, cat Catalog, it *imageTarget) {
	set := func(v *Value, text string) { *v = Value{Text: text, Origin: origin} }
	if r.registry == "nvcr.io" {
		image := r.registry + "/" + r.repo
		m := ngcTagRE().FindStringSubmatch(r.tag)
		if m == nil {
			it.notes = append(it.notes, fmt.Sprintf("base image %s: tag %q is not an NGC release tag (YY.MM-py3); CUDA, Python and glibc unknown", ref, r.tag))
			return
		}
		facts, known, ok := cat.FrameworkImage(image, m[1])
		if !ok {
			it.warnings = append(it.warnings, ImageWarning{Code: WarningUnknownImageRelease, Message: fmt.Sprintf(
				"base image %s: the matrix has no row for NGC release %s (it knows %s); its CUDA, Python and framework are unknown: give --cuda and --python",
				ref, m[1], knownList(known))})
			return
		}
		set(&it.decl.CUDA, facts.CUDA)
		set(&it.decl.Python, facts.Python)
		set(&it.decl.Implementation, "cpython")
		it.preinstalled = append(it.preinstalled, Installed{Name: facts.Package, Version: facts.Version, Origin: origin})
		it.notes = append(it.notes, fmt.Sprintf("base image %s: NGC release %s ships CUDA %s, Python %s and %s %s [%s]; glibc unknown (give --glibc)",
			ref, m[1], facts.CUDA, facts.Python, facts.Package, facts.Version, facts.Row))
		return
	}
	m := pytorchTagRE().FindStringSubmatch(r.tag)
	if m == nil {
		it.notes = append(it.notes, fmt.Sprintf("base image %s: tag %q is not TORCH-cudaX.Y-cudnnN-runtime|devel; CUDA and torch unknown", ref, r.tag))
		return
	}
	set(&it.decl.CUDA, m[2])
	it.cudnn = m[3]
	it.preinstalled = append(it.preinstalled, Installed{Name: "torch", Version: m[1], Origin: origin})
	it.notes = append(it.notes, fmt.Sprintf("base image %s: the tag names torch %s, CUDA %s and cuDNN %s; its Python (conda) and glibc are unknown (give --python and --glibc)", ref, m[1], m[2], m[3]))
}

func knownList(releases []string) string {
	if len(releases) == 0 {
		return "none"
	}
	return strings.Join(releases, ", ")
}

package matrix

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/target"
)

var ngcReleaseRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{2}\.[0-9]{2}$`) })

// frameworkImages indexes the [[framework_image]] rows by image and release. An
// advisory row is shown by depsolve matrix but is never a lookup result.
func (c *compiler) frameworkImages(doc *document) map[string]*fwImageRow {
	fwImages := map[string]*fwImageRow{}
	for i := range doc.FwImage {
		r := &doc.FwImage[i]
		if !ngcReleaseRE().MatchString(r.Release) {
			c.errorf(r.Pos, "framework_image", "release", "%q is not a YY.MM release", r.Release)
			continue
		}
		_, cok := c.version(r.Pos, "framework_image", "cuda", r.CUDA)
		_, pok := c.version(r.Pos, "framework_image", "python", r.Python)
		_, vok := c.version(r.Pos, "framework_image", "version", r.Version)
		if !cok || !pok || !vok || r.Advisory {
			continue
		}
		if r.Package != pep508.NormalizeName(r.Package) {
			c.errorf(r.Pos, "framework_image", "package", "%q is not a normalized project name", r.Package)
			continue
		}
		key := r.Image + " " + r.Release
		if _, dup := fwImages[key]; dup {
			c.errorf(r.Pos, "framework_image", "release", "%s %s already defined", r.Image, r.Release)
		}
		fwImages[key] = r
	}
	return fwImages
}

// FrameworkImage is what the matrix knows of one release of a framework image
// ("nvcr.io/nvidia/pytorch", "25.12"), with the releases it knows of that image.
func (c catalog) FrameworkImage(image, release string) (target.FrameworkImageFacts, []string, bool) {
	var known []string
	for key := range c.m.fwImages() {
		if img, rel, _ := strings.Cut(key, " "); img == image {
			known = append(known, rel)
		}
	}
	slices.Sort(known)
	r, ok := c.m.fwImages()[image+" "+release]
	if !ok {
		return target.FrameworkImageFacts{}, known, false
	}
	cite := c.m.cite(&r.rowMeta)
	return target.FrameworkImageFacts{CUDA: r.CUDA, Python: r.Python, Package: r.Package, Version: r.Version,
		Row: fmt.Sprintf("%s:%d", cite.File, cite.Line)}, known, true
}

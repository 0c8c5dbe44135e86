package engine

import (
	"fmt"

	"github.com/depsolve/depsolve/pep425"
	"github.com/depsolve/depsolve/target"
)

// imageWarnings are the base image's warnings, and one for each package the image ships
// installed that the solution installs at another version: pip replaces the image's
// build (NGC's torch is built for the image) with the one the lock pins.
func imageWarnings(t *target.Target, packages []Package) []Warning {
	var out []Warning
	for _, w := range t.Warnings {
		out = append(out, Warning{Code: w.Code, Message: w.Message})
	}
	for _, ins := range t.Preinstalled {
		for _, p := range packages {
			if p.Name != ins.Name || p.VersionText() == ins.Version {
				continue
			}
			out = append(out, Warning{Code: target.WarningImagePreinstalls, Package: p.Name, Version: p.VersionText(), Message: fmt.Sprintf(
				"the %s ships %s %s installed; installing this lock replaces it with %s %s, as pip would; to keep the image's build, require no %s the image's does not satisfy, or choose an image whose %s fits",
				ins.Origin, ins.Name, ins.Version, p.Name, p.VersionText(), ins.Name, ins.Name)})
		}
	}
	return out
}

// WarningLibcUnknown is the code of a Linux target whose C library (glibc or musl) is
// unknown: its platform tag is the plain linux_ARCH, which no manylinux or musllinux
// wheel matches.
const WarningLibcUnknown = "libc-unknown"

// libcWarnings warns of a Linux target with no known C library: the verdict then stands
// on source builds and plain linux wheels only, and pins what pip in the real image would
// not choose (a wheel it can install there is refused here).
func libcWarnings(t *target.Target) []Warning {
	p := t.Platform.Platform
	if !t.Platform.Known() || p.OS != pep425.Linux || !p.Glibc.IsZero() || !p.Musl.IsZero() {
		return nil
	}
	return []Warning{{Code: WarningLibcUnknown, Message: fmt.Sprintf(
		"the target's C library is unknown (platform %s, %s): manylinux and musllinux wheels, which need a known glibc or musl, were not considered, so a package with only such wheels for the target resolves to a source build or to none; give --glibc, a --platform such as manylinux_2_35_%s, or a base image whose tag names its OS release",
		t.Platform.Text, t.Platform.Origin, p.Arch)}}
}

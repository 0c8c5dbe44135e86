package engine

import (
	"fmt"

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

package engine

import (
	"fmt"
	"slices"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/resolver"
)

// imageHints say what to do about a conflict that a package the base image ships is in.
// The image's release is fixed, so the index's nearest versions are no way out: where
// the index has the release, the requirements must admit it, or another image must ship
// one they do; where no index has it (NGC builds its own torch, 2.10.0a0+…), nothing
// that requires the package can be solved on that image, so the ways out are to leave
// it to the image or to build on a plain CUDA base that takes it from the index. Each
// package the image ships that the conflict is about is in shipped, so that the nearest
// versions are not offered for it.
func imageHints(ns *resolver.NoSolution, cuda string) (hints []string, shipped map[string]bool) {
	shipped = map[string]bool{}
	for _, in := range ns.External() {
		fact, ok := in.Dependency.Cause.(resolver.ImageFact)
		if !ok || shipped[fact.Name] {
			continue
		}
		shipped[fact.Name] = true
		image := fmt.Sprintf("the base image %s ships %s %s", fact.Image, fact.Name, fact.Version)
		if !missingFromIndex(ns.Versions(resolver.Package{Name: fact.Name}), fact.Version) {
			hints = append(hints, fmt.Sprintf("%s, which stays installed: require a %s its release satisfies, or choose an image that ships the %s the requirements want", image, fact.Name, fact.Name))
			continue
		}
		plain := "a plain CUDA base (an nvidia/cuda image)"
		if cuda != "" {
			plain = fmt.Sprintf("a plain CUDA base (an nvidia/cuda image of CUDA %s)", cuda)
		}
		hints = append(hints, fmt.Sprintf("%s, a build no index serves: to keep it, drop %s from the requirements, with every package that requires %s (take those from the image too); or build on %s and take %s from the index",
			image, fact.Name, fact.Name, plain, fact.Name))
	}
	return hints, shipped
}

// missingFromIndex reports whether the index lists versions of the package, yet no
// build of the image's release: false when it lists none, since then it has not said.
func missingFromIndex(listed []pep440.Version, version string) bool {
	v, err := pep440.Parse(version)
	if err != nil || len(listed) == 0 {
		return false
	}
	public := v.Public()
	return !slices.ContainsFunc(listed, func(l pep440.Version) bool { return l.Public().Equal(public) })
}

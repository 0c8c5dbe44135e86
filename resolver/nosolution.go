package resolver

import (
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/resolver/pubgrub"
)

// NoSolution is the proof that the root's requirements cannot all be met: the
// core's derivation tree (Root, RootPackage, RootVersion, Versions, External),
// with what reports need to name virtual packages. It is a result, not an
// error; Lines and Text explain it.
type NoSolution struct {
	*pubgrub.NoSolution[Package, pep440.Version, pep440.Range]
	// VirtualNames names the virtual packages in the report; Resolve sets it from
	// Problem.VirtualNames.
	VirtualNames VirtualNames
}

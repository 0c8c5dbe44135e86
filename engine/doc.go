// Package engine is depsolve as a library: the commands of the CLI as functions that
// take a Request and return typed results. Check resolves requirements for a target (or
// verifies a lock as it is) and returns a Verdict; Lock does the same and writes the
// lockfile; Env says what a run would use and where each value came from; Matrix loads
// the compatibility matrix. cmd/depsolve is a thin layer over it: cobra flags become a
// Request, a Verdict becomes text or JSON and an exit code.
//
// The name says what the package is, the machine the commands run on, as crane is to
// go-containerregistry: it owns the run of one command (the session: cache, matrix,
// configuration, target, indexes, built in the order of the data flow), the inputs and
// the precedence of the indexes they name, the resolution, and the verification of a
// lock. It prints nothing: what a run has to tell while it works (warnings, notes,
// progress) goes to the Request's Reporter, and the rest is in the result.
//
// "No solution" is a result (Verdict.Status is Conflict), not an error. Errors are typed:
// bad input is a *reqfile.Error, a *target.InputError, a *resolver.RequirementError, an
// *index.PolicyError or a *RequestError; anything else is operational (the index, the
// network, the cache).
//
// A slim build (package internal/slim) reads no image (imageread_slim.go) and sends no
// request (package index): what needs either fails with slim.ErrNeedsFull, which Check
// and the other commands return as it is, never as a warning, a size left unknown or a
// hint left out, so that the CLI hands the run over to depsolve-full and the user sees
// the complete answer.
package engine

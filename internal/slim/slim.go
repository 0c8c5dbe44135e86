// Package slim names what a slim build of depsolve leaves out. The depsolve a release
// installs is built with the tag "slim": it links neither the network stack, nor the
// HTML parser, nor the image libraries, whose package initialisation every run paid
// (--version: 2.6 -> 2.0 ms; a warm check's peak RSS 18 -> 14 MB, on the 2-core
// development VM), and answers a warm check from the cache alone. A run that needs
// what it left out fails with ErrNeedsFull, and the command hands the run over to
// depsolve-full, the complete build installed beside it, as git hands https to
// git-remote-https.
//
// The packages that own the network, HTML pages and images keep their code in files
// built without the tag; their slim counterparts only return ErrNeedsFull. A default
// build (go install, go run, the tests) is complete and never returns it.
package slim

import "errors"

// ErrNeedsFull is wrapped by the errors of a slim build's run that needs the network,
// an image read or an HTML page parsed: the complete build, depsolve-full, does it.
var ErrNeedsFull = errors.New("this needs the network, an image read or an HTML page, which this depsolve leaves to depsolve-full")

// Package slim names what a slim build of depsolve leaves out. The depsolve a release
// installs is built with the tag "slim": it links neither the network stack, nor the
// HTML parser, nor the image libraries, nor html/template (the HTML size report), whose
// package initialisation and size every run paid (--version: 2.3 -> 1.6 ms; a warm
// check's peak RSS 18 -> 13 MB, on the 2-core development VM), and answers a warm check
// from the cache alone. A run that needs
// what it left out fails with ErrNeedsFull, and the command hands the run over to
// depsolve-full, the complete build installed beside it, as git hands https to
// git-remote-https.
//
// The packages that own the network, HTML pages, images and the HTML report keep their
// code in files built without the tag; their slim counterparts only return ErrNeedsFull. A default
// build (go install, go run, the tests) is complete and never returns it.
package slim

import "errors"

// ErrNeedsFull is wrapped by the errors of a slim build's run that needs the network,
// an image read, an HTML page parsed or the HTML report written: the complete build,
// depsolve-full, does it.
var ErrNeedsFull = errors.New("this needs the network, an image read or HTML, which this depsolve leaves to depsolve-full")

// Command depsolve resolves Python dependencies for CUDA stacks: it checks that a set of
// requirements installs consistently on a target (Python, platform, glibc, NVIDIA driver,
// GPU, CUDA base image) and explains every conflict chain by chain down to its root cause.
//
// Built with the tag slim, it is the front a release installs as depsolve (front_slim.go):
// it runs the commands that only read, with their output held, and hands a run that
// needs the network, an image read or HTML (slim.ErrNeedsFull), or a command that
// writes files, over to depsolve-full, the default build beside it. A cold run pays that
// one exec (1-2 ms); a warm one starts without the network stack's initialisation. The
// default build (go install, go run, the tests) runs everything itself (front.go).
package main

import (
	"os"
	"runtime/debug"
)

func main() {
	tuneGC()
	os.Exit(front(os.Args[1:], os.Stdout, os.Stderr))
}

// tuneGC makes the collector run less often than Go's default (GOGC=100): a run lives for
// tens of milliseconds and allocates mostly while decoding index pages, so collections
// cost more than the memory they free (measured: a warm check of a 46-package set took
// about a third less time at GOGC=400). A soft limit of 1 GiB keeps large resolutions
// bounded. GOGC and GOMEMLIMIT set in the environment win.
func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(400)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(1 << 30)
	}
}

// Command depsolve resolves Python dependencies for CUDA stacks: it checks that a set of
// requirements installs consistently on a target (Python, platform, glibc, NVIDIA driver,
// GPU, CUDA base image) and explains every conflict chain by chain down to its root cause.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

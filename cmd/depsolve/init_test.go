package main

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"testing"
)

// TestPackageInitIsSmall checks that depsolve's packages do little before main: every
// run pays for their initialisation, `depsolve --version` included, so tables (compiled
// regular expressions) are built on first use. Measured in a child process (this test
// binary, running no test) by the runtime's own init trace.
func TestPackageInitIsSmall(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	line := regexp.MustCompile(`(?m)^init (github\.com/depsolve/depsolve/\S*) @.* (\d+) bytes, (\d+) allocs$`)
	total, totalBytes := 0, 0
	for _, m := range line.FindAllStringSubmatch(string(out), -1) {
		bytes, _ := strconv.Atoi(m[2])
		n, _ := strconv.Atoi(m[3])
		total += n
		totalBytes += bytes
		t.Logf("%s: %d allocations, %d bytes", m[1], n, bytes)
	}
	if total == 0 {
		t.Fatalf("no init trace of depsolve's packages in:\n%s", out)
	}
	// Before tables were built lazily: some 4,300 (target alone 3,244).
	if total > 500 {
		t.Errorf("depsolve's packages allocate %d times at init, want at most 500", total)
	}
	// Before the cache's CRC tables (32 KiB) were built on first use: some 56 KiB in this
	// test binary, 23 KiB after (test-only packages included).
	if totalBytes > 32<<10 {
		t.Errorf("depsolve's packages allocate %d bytes at init, want at most 32 KiB", totalBytes)
	}
}

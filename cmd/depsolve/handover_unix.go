//go:build slim && unix

package main

import (
	"os"
	"syscall"
)

// execFull replaces this process with depsolve-full: its exit code is the run's own, and
// signals reach it directly. It returns only when the exec fails.
func execFull(full string, args []string) (int, error) {
	return 0, syscall.Exec(full, append([]string{full}, args...), os.Environ())
}

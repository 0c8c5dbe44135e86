//go:build slim && !unix

package main

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
)

// execFull runs depsolve-full as a child with this process's standard files and
// environment, and returns its exit code. A process cannot replace itself here, so this
// one waits, leaving Ctrl-C to the child, which stops its own run.
func execFull(full string, args []string) (int, error) {
	signal.Ignore(os.Interrupt)
	cmd := exec.Command(full, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return exitErr.ExitCode(), nil
	}
	return 0, err
}

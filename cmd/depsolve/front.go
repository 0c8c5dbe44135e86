//go:build !slim

package main

import (
	"os"

	"github.com/spf13/cobra"
)

// front runs the command line. This is the complete build (depsolve-full in a release):
// it runs every command itself. A slim build's front may hand a run over to it.
func front(args []string, stdout, stderr *os.File) int { return run(args, stdout, stderr) }

// leftToFull is false: the complete build leaves nothing to another.
func leftToFull(*cobra.Command) bool { return false }

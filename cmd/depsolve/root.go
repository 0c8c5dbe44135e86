package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// Exit codes, as promised in the CLI contract.
const (
	exitOK       = 0 // consistent / success
	exitConflict = 1 // the requirements have no solution for the target
	exitUsage    = 2 // bad input or usage
	exitFailure  = 3 // index, network or cache failure
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

// usageError marks errors caused by what the user typed, so they exit with exitUsage.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func newRootCommand(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "depsolve",
		Short: "Resolve Python dependencies for CUDA stacks, and explain every conflict",
		Long: `depsolve answers one question for people who ship Python/CUDA stacks:
will this set of requirements install, consistently, on this target (Python,
platform, glibc, NVIDIA driver, GPU, CUDA base image), and if not, why exactly?

It resolves requirements.txt, constraints and pyproject.toml with a PubGrub
solver that knows a curated CUDA/driver/framework compatibility matrix, and
explains each conflict as a numbered chain of facts down to its root cause.`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetVersionTemplate("depsolve {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	return root
}

func run(args []string, stdout, stderr io.Writer) int {
	root := newRootCommand(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, "depsolve:", err)
	var usage usageError
	if errors.As(err, &usage) {
		return exitUsage
	}
	return exitFailure
}

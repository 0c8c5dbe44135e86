package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"

	"github.com/depsolve/depsolve/engine"
	"github.com/depsolve/depsolve/index"
	"github.com/depsolve/depsolve/internal/memo"
	"github.com/depsolve/depsolve/internal/printable"
	"github.com/depsolve/depsolve/internal/slim"
	"github.com/depsolve/depsolve/redact"
	"github.com/depsolve/depsolve/reqfile"
	"github.com/depsolve/depsolve/resolver"
	"github.com/depsolve/depsolve/target"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Exit codes, as promised in the CLI contract.
const (
	exitOK       = 0 // consistent / success
	exitConflict = 1 // the requirements have no solution for the target
	exitUsage    = 2 // bad input or usage
	exitFailure  = 3 // index, network or cache failure
	// exitInterrupted is what a shell reports for a program SIGINT ended (128+2): the
	// run stopped because it was asked to, which is no verdict and no failure.
	exitInterrupted = 130
	// exitNeedsFull never leaves the process: it is a run that needs what a slim build
	// leaves out (slim.ErrNeedsFull), which the slim front hands over to depsolve-full
	// (front_slim.go). A complete build never meets it.
	exitNeedsFull = -1
)

// usageError marks errors caused by what the user typed, so they exit with exitUsage.
type usageError struct {
	err     error
	command string // "depsolve check", for the pointer to --help; "" for none
}

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(cmd *cobra.Command, format string, args ...any) error {
	return usageError{err: fmt.Errorf(format, args...), command: cmd.CommandPath()}
}

// exitStatus is returned by a command that has already told the user everything (a
// conflict, or an error it rendered as JSON): run exits with it and prints nothing more.
type exitStatus int

func (s exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// exitCode maps an error to the exit code the CLI contract promises: what the user wrote
// (flags, requirement files, depsolve.toml, a Dockerfile, an index URL the client refuses)
// is 2; anything operational (index, network, cache, the matrix data) is 3.
func exitCode(err error) int {
	var status exitStatus
	var usage usageError
	var reqErr *reqfile.Error
	var inputErr *target.InputError
	var policyErr *index.PolicyError
	var requirementErr *resolver.RequirementError
	var requestErr *engine.RequestError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, slim.ErrNeedsFull):
		return exitNeedsFull
	case errors.As(err, &status):
		return int(status)
	case errors.As(err, &usage), errors.As(err, &requestErr), errors.As(err, &reqErr), errors.As(err, &inputErr), errors.As(err, &policyErr), errors.As(err, &requirementErr):
		return exitUsage
	}
	return exitFailure
}

// errorText renders err for stderr: a file error with its line and caret, then a hint
// when the failing package gives one. Credentials are masked.
func errorText(err error) string {
	var b strings.Builder
	var reqErr *reqfile.Error
	var inputErr *target.InputError
	var usage usageError
	switch {
	case errors.Is(err, context.Canceled):
		return "depsolve: interrupted\n"
	case errors.As(err, &reqErr):
		b.WriteString(reqErr.ErrorWithContext())
	case errors.As(err, &inputErr) && inputErr.Source != "":
		// An error on a line of a file reads as a requirements file's does.
		b.WriteString(inputErr.ErrorWithContext())
	default:
		b.WriteString("depsolve: " + err.Error() + "\n")
	}
	if h := index.Hint(err); h != "" {
		b.WriteString("hint: " + h + "\n")
	}
	var hinted *engine.HintedError
	if errors.As(err, &hinted) {
		b.WriteString("hint: " + hinted.Hint + "\n")
	}
	if errors.As(err, &usage) && usage.command != "" {
		fmt.Fprintf(&b, "Run '%s --help' for usage.\n", usage.command)
	}
	// Messages quote values from outside with %q, but not all of them (a file name
	// given on the command line, say): no character of one may drive the terminal.
	return redact.Text(printable.EscapeLines(b.String()))
}

// newRootCommand builds the command tree; the flags of its subcommands wait in the
// lazyFlags it returns until the run says which command it needs them for.
func newRootCommand(stdout, stderr io.Writer) (*cobra.Command, lazyFlags) {
	flags := lazyFlags{}
	root := &cobra.Command{
		Use:   "depsolve",
		Short: "Resolve Python dependencies for CUDA stacks, and explain every conflict",
		Long: `depsolve answers one question for people who ship Python/CUDA stacks:
will this set of requirements install, consistently, on this target (Python,
platform, glibc, NVIDIA driver, GPU, CUDA base image), and if not, why exactly?

It resolves requirements.txt, constraints and pyproject.toml with a PubGrub
solver that knows a curated CUDA/driver/framework compatibility matrix, and
explains each conflict as a numbered chain of facts down to its root cause.

Exit status: 0 consistent, 1 conflict, 2 bad input or usage,
3 index, network or cache failure, 130 interrupted (Ctrl-C).`,
		Example: `  depsolve check --python 3.11.9 --driver 550.54.15 --gpu H100
  depsolve lock requirements.txt -o requirements.lock --base-image nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04
  depsolve tree --invert --package numpy
  depsolve why nvidia-cudnn-cu12 -v
  depsolve env --detect
  depsolve matrix torch==2.5.1
  source <(depsolve completion bash)`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          unknownSubcommand,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if showVersion, _ := cmd.Flags().GetBool("version"); showVersion {
				return printVersion(stdout)
			}
			return cmd.Help()
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.Flags().BoolP("version", "V", false, "print the version, the commit, the Go version and the matrix data's hash and date")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageError{err: err, command: cmd.CommandPath()}
	})
	root.PersistentPreRunE = refuseEmptyValues
	root.AddCommand(
		newCheckCommand(stdout, stderr, flags),
		newTreeCommand(stdout, stderr, flags),
		newWhyCommand(stdout, stderr, flags),
		newLockCommand(stdout, stderr, flags),
		newEnvCommand(stdout, stderr, flags),
		newMatrixCommand(stdout, stderr, flags),
		newSizeCommand(stdout, stderr, flags),
		newConstraintsCommand(stdout, stderr, flags),
		newInitCommand(stdout, stderr, flags),
		newCacheCommand(stdout, stderr),
		newVersionCommand(stdout),
	)
	return root, flags
}

// refuseEmptyValues refuses an argument or a flag given an empty value: what an unset
// variable in a script gives (check "$FILE", --python "$PY"). Taken as not given, a flag
// would fall back on a default or a file (the default Python, PyPI, requirements.lock),
// and the user would not get what they asked for; an empty argument is no file name.
func refuseEmptyValues(cmd *cobra.Command, args []string) error {
	if cmd.Name() == cobra.ShellCompRequestCmd || cmd.Name() == cobra.ShellCompNoDescRequestCmd {
		return nil // the word being completed may well be empty
	}
	for i, a := range args {
		if strings.TrimSpace(a) == "" {
			return usagef(cmd, "argument %d is empty: give a value, or leave it out (an unset variable in a script?)", i+1)
		}
	}
	var err error
	cmd.Flags().Visit(func(f *pflag.Flag) {
		var values []string
		switch v := f.Value.(type) {
		case pflag.SliceValue:
			values = v.GetSlice()
		default:
			if f.Value.Type() != "string" {
				return
			}
			values = []string{v.String()}
		}
		if err == nil && slices.ContainsFunc(values, func(v string) bool { return strings.TrimSpace(v) == "" }) {
			name := "--" + f.Name
			if f.Shorthand != "" {
				name = "-" + f.Shorthand + " (" + name + ")"
			}
			err = usagef(cmd, "%s is given an empty value (a variable left unset?): give a value, or leave the flag out", name)
		}
	})
	return err
}

// lazyFlags holds the registration of each command's flags until a run needs them. A
// run uses one command, and registering the flags of all of them (pflag values, usage
// strings, completion functions) allocated some 110 KiB at every start. The cache
// command's two flags are registered at once: finding a command below it reads them.
type lazyFlags map[*cobra.Command]func()

// register registers cmd's flags, once.
func (l lazyFlags) register(cmd *cobra.Command) {
	if add, ok := l[cmd]; ok {
		delete(l, cmd)
		add()
	}
}

// registerFor registers the flags of the command args name, as cobra will find it: run
// (check ...), asked for help (help check) or completed by a shell (__complete check
// --f). Other commands keep none: cobra reads only the names, uses and short
// descriptions of commands it does not run, for the root's help and the suggestions
// for a mistyped command.
func (l lazyFlags) registerFor(root *cobra.Command, args []string) {
	if len(args) > 0 {
		switch args[0] {
		case "help", cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd:
			args = args[1:]
		}
	}
	if cmd, _, _ := root.Find(args); cmd != nil {
		l.register(cmd)
	}
}

// withoutCompletionCommand spares a run of one of depsolve's commands the `completion`
// command, which cobra builds at every Execute (four shells' scripts, each with its
// help) although only the root's help, `help` and shell completion show or run it: a
// run whose first argument is anything else (a flag, a mistyped command a suggestion
// may name) keeps it.
func withoutCompletionCommand(root *cobra.Command, args []string) {
	if len(args) == 0 {
		return
	}
	for _, c := range root.Commands() {
		if c.Name() != "help" && (c.Name() == args[0] || c.HasAlias(args[0])) {
			root.CompletionOptions.DisableDefaultCmd = true
			return
		}
	}
}

// unknownSubcommand rejects arguments to a command that only has subcommands, with the
// closest names cobra can suggest.
func unknownSubcommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's default, which it sets only on its own path
	}
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return usageError{err: errors.New(msg), command: cmd.CommandPath()}
}

// argsAtMost is cobra.MaximumNArgs as a usage error.
func argsAtMost(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return usagef(cmd, "%s takes at most %d argument(s), got %d: %s", cmd.CommandPath(), n, len(args), strings.Join(args, " "))
		}
		return nil
	}
}

// run executes the command line. The first SIGINT cancels the run, which then removes
// what it was writing (downloads, a lock's temporary file) and exits 130; a second one,
// should that cleaning hang, kills the process as SIGINT does by default.
func run(args []string, stdout, stderr io.Writer) int {
	// `depsolve --version` alone answers before the command tree is built: registering
	// every command's flags costs more than the answer (scripts/bench.sh times it).
	if len(args) == 1 && (args[0] == "--version" || args[0] == "-V") {
		return finish(printVersion(stdout), stderr)
	}
	if len(args) > 0 && args[0] == "check" && !memo.Off() {
		return checkThroughMemo(args, stdout, stderr)
	}
	return runCommand(args, stdout, stderr)
}

// runCommand executes the command line args.
func runCommand(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	context.AfterFunc(ctx, stop)
	root, flags := newRootCommand(stdout, stderr)
	if cmd, _, _ := root.Find(args); cmd != nil && leftToFull(cmd) {
		return exitNeedsFull // before anything is read or printed
	}
	flags.registerFor(root, args)
	withoutCompletionCommand(root, args)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil && ctx.Err() != nil {
		io.WriteString(stderr, "depsolve: interrupted\n")
		return exitInterrupted
	}
	return finish(err, stderr)
}

// finish reports the error a command ended with, unless it has told the user already,
// and returns the exit code.
func finish(err error, stderr io.Writer) int {
	code := exitCode(err)
	var status exitStatus
	if err != nil && !errors.As(err, &status) {
		io.WriteString(stderr, errorText(err))
	}
	return code
}

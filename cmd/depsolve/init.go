package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/depsolve/depsolve/engine"
)

func newInitCommand(stdout, stderr io.Writer, flags lazyFlags) *cobra.Command {
	f := &inputFlags{}
	var force bool
	var hooksRev, fleet string
	var pf policyFlags
	cmd := &cobra.Command{
		Use:   "init PACKAGE...",
		Short: "Write a project's starting point: requirements, target, lock, Dockerfile, pre-commit hooks",
		Long: `Init writes, in the current folder, a working starting point for a project that
ships the given top-level packages on the target's golden image:

  requirements.in          the packages, and where they come from
  depsolve.toml            the target (the flags, or an existing depsolve.toml;
                           with --fleet, the fleet's first target) and the policy
  requirements.lock        the lock, as the depsolve-lock hook writes it
  Dockerfile               installs the lock on the golden image (--base-image,
                           or the fleet's first allowed image)
                           with pip --require-hashes --no-deps, wheels only; the
                           final stage has no build tools and does not run as root
  .pre-commit-config.yaml  depsolve's hooks, depsolve-check and depsolve-lock

A file that already says the same is left as it is, so running init again
changes nothing. A file that differs (you edited it) is never replaced without
--force: init names it and writes nothing. Index credentials are never
written: give them to pip and depsolve through PIP_INDEX_URL, netrc or a
keyring.

The hooks are pinned at this depsolve's release; a development build needs
--hooks-rev.

Exit status: 0 written, 1 conflict (the packages cannot all be met on the
target: the lock is not written, the other files are), 2 bad input or usage
(a file that differs), 3 index, network or cache failure.`,
		Example: `  depsolve init torch transformers --base-image nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04 --python 3.10 --driver 550.54.15 --gpu H100
  depsolve init torch transformers --policy policy.toml --fleet inference
  depsolve init 'torch==2.5.1' numpy --base-image registry.example.com/golden/cuda12:2026.1 --python 3.11 --force`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef(cmd, "name the project's top-level packages, such as: depsolve init torch transformers")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			u, err := f.ui(cmd, stdout, stderr)
			if err != nil {
				return err
			}
			req := engine.InitRequest{Request: f.request(nil), Packages: args, Force: force, HooksRev: hooksRev}
			req.Fleet = fleet
			if err := pf.apply(&req.Request); err != nil {
				return err
			}
			return runInit(cmd.Context(), u, req)
		},
	}
	flags[cmd] = func() {
		f.registerIndexes(cmd.Flags())
		f.registerTimeout(cmd.Flags())
		f.registerTarget(cmd.Flags())
		f.registerOutput(cmd.Flags())
		cmd.Flags().Lookup("quiet").Usage = "print nothing but the explanation on conflict (and errors)"
		cmd.Flags().BoolVar(&force, "force", false, "replace files that differ from what init writes")
		cmd.Flags().StringVar(&pf.policy, "policy", "", "start under the platform's policy `PATH|URL#sha256=HEX`, which depsolve.toml then names (default: policy in depsolve.toml)")
		cmd.Flags().StringVar(&fleet, "fleet", "", "start on the policy's fleet `NAME`: its first target, on its golden image")
		cmd.Flags().StringVar(&hooksRev, "hooks-rev", "", "pin depsolve's pre-commit hooks at `REV`, a tag or commit (default: this depsolve's release tag)")
		completeTargetFlags(cmd)
	}
	return cmd
}

func runInit(ctx context.Context, u *ui, req engine.InitRequest) error {
	req.Reporter = u
	req.Sizes = true
	if req.HooksRev == "" {
		info, _ := debug.ReadBuildInfo()
		if v := releaseVersion(info); v != "devel" {
			req.HooksRev = "v" + v
		} else {
			return usageError{err: fmt.Errorf("this depsolve is a development build: give --hooks-rev with the tag or commit of depsolve's hooks to pin"), command: "depsolve init"}
		}
	}
	out, err := engine.Init(ctx, req)
	if err != nil {
		return err
	}
	for _, file := range out.Files {
		if !u.quiet {
			u.errorf("%s %s\n", file.Action, file.Path)
		}
	}
	if out.Conflict != nil {
		printConflict(u, "the packages cannot all be met for "+targetSummary(out.Target)+"; requirements.lock is not written", explanation(u, out.Conflict), out.Hints)
		return exitStatus(exitConflict)
	}
	// A solution the policy refuses, or over the size budget, is a conflict too: the
	// lock is not written, and saying "locked" would pass it off as done.
	if out.Status == engine.Conflict {
		target := targetSummary(out.Target) + "; requirements.lock is not written"
		switch {
		case len(out.Violations) > 0:
			printConflict(u, "the solution breaks your platform's policy on "+target, violationsText(out.Violations), out.Hints)
		case out.OverBudget():
			printOverBudget(u, out.Verdict, target)
		}
		return exitStatus(exitConflict)
	}
	if !u.quiet {
		printLockSummary(u, out.Locked)
	}
	return nil
}

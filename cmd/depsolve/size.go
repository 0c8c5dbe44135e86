package main

import (
	"context"
	"errors"
	"io"

	"github.com/spf13/cobra"

	"github.com/depsolve/depsolve/engine"
)

func newSizeCommand(stdout, stderr io.Writer) *cobra.Command {
	f := &inputFlags{}
	format := newFormatFlag("text", "text", "json")
	var htmlOut string
	cmd := &cobra.Command{
		Use:   "size [FILE...] [--html REPORT.html]",
		Short: "Show what the solution weighs, and the bloat an image would carry",
		Long: `Size resolves the requirements for the target, as check does, and prints what
each pin weighs: the download size and the installed size (the sum of a
wheel's entries, read from its zip central directory with a range request, or
from the whole file where the index serves no ranges; cached for good). The
table is sorted by installed size, with the total and each CUDA family.

Findings follow, each with the bytes at stake and its fix: NVIDIA wheels that
bring copies of libraries the base image already ships, CUDA wheels on a
target without a GPU, two CUDA families in one solution, a devel base image
under a solution that builds nothing.

--html writes a self-contained report: an SVG treemap of the packages (and the
base image, where its size is known) with the table; it opens without a
network. --max-image-size (or max-image-size in depsolve.toml) makes a
solution over the budget a conflict, with the breakdown.

Exit status: 0 ok, 1 conflict or over the budget, 2 bad input or usage,
3 index, network or cache failure, 130 interrupted (Ctrl-C).`,
		Example: `  # What torch weighs on an H100 image, largest first
  depsolve size --base-image nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04 --gpu H100

  # The treemap, and a budget
  depsolve size --html size.html --max-image-size 8GB`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			u := newUI(stdout, stderr, f.noColor, f.quiet)
			err := runSize(cmd.Context(), u, f, format.value, htmlOut, args)
			var status exitStatus
			if err != nil && format.value == "json" && !errors.As(err, &status) {
				return failJSON(u, nil, err)
			}
			return err
		},
	}
	f.registerSources(cmd.Flags())
	f.registerTimeout(cmd.Flags())
	f.registerTarget(cmd.Flags())
	f.registerBudget(cmd.Flags())
	f.registerOutput(cmd.Flags())
	cmd.Flags().StringVar(&htmlOut, "html", "", "also write the HTML report (an SVG treemap and the table) to `FILE`")
	format.register(cmd, "output `FORMAT`: text, or json (the check report, with sizes)")
	completeTargetFlags(cmd)
	return cmd
}

func runSize(ctx context.Context, u *ui, f *inputFlags, format, htmlOut string, args []string) error {
	req := f.request(args)
	req.Reporter = u
	req.Sizes = true
	req.ListFiles = format == "json"
	v, err := engine.Check(ctx, req)
	if err != nil {
		if format == "json" && v.Target != nil {
			return failJSON(u, v.Target, err)
		}
		return err
	}
	target := targetSummary(v.Target)
	if v.Sizes != nil && htmlOut != "" {
		page, err := writeHTMLReport(v, target)
		if err != nil {
			return err
		}
		if err := engine.WriteReport(htmlOut, page); err != nil {
			return err
		}
	}
	if format == "json" {
		return writeVerdict(u, v)
	}
	switch {
	case v.Conflict != nil:
		printConflict(u, "the requirements cannot all be met for "+target, explanation(u, v.Conflict), v.Hints)
		return exitStatus(exitConflict)
	case len(v.Findings) > 0:
		printConflict(u, v.InputNames()+" does not install as pinned on "+target, findingsChain(v), v.Hints)
		return exitStatus(exitConflict)
	}
	printSizeTable(u, v)
	if v.OverBudget() {
		u.print("\n")
		printOverBudget(u, v, target)
		return exitStatus(exitConflict)
	}
	return nil
}

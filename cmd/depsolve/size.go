package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/depsolve/depsolve/engine"
)

func newSizeCommand(stdout, stderr io.Writer, flags lazyFlags) *cobra.Command {
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

Exit status: 0 ok, 1 conflict, over the budget or against the platform's
policy (policy in depsolve.toml), 2 bad input or usage,
3 index, network or cache failure, 130 interrupted (Ctrl-C).`,
		Example: `  # What torch weighs on an H100 image, largest first
  depsolve size --base-image nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04 --gpu H100

  # The treemap, and a budget
  depsolve size --html size.html --max-image-size 8GB`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			u, err := f.ui(cmd, stdout, stderr)
			if err != nil {
				return err
			}
			err = runSize(cmd.Context(), u, f, format.value, htmlOut, args)
			return jsonFailure(u, format.value, err)
		},
	}
	flags[cmd] = func() {
		f.registerResolve(cmd.Flags())
		cmd.Flags().Lookup("quiet").Usage = "print only the size line (installed and download totals), or the explanation on conflict"
		cmd.Flags().StringVar(&htmlOut, "html", "", "also write the HTML report (an SVG treemap and the table) to `FILE`")
		format.register(cmd, "output `FORMAT`: text, or json (the check report, with sizes)")
		completeTargetFlags(cmd)
	}
	return cmd
}

func runSize(ctx context.Context, u *ui, f *inputFlags, format, htmlOut string, args []string) error {
	req := f.request(args)
	held := &heldWarnings{ui: u}
	req.Reporter = u
	if format != "json" {
		req.Reporter = held
	}
	req.Sizes = true
	req.Report = htmlOut
	req.ListFiles = format == "json"
	v, err := engine.Check(ctx, req)
	if err != nil {
		held.flush(nil)
		if format == "json" && v.Target != nil {
			return failJSON(u, v.Target, err)
		}
		return err
	}
	target := targetSummary(v.Target)
	if v.Sizes != nil && htmlOut != "" {
		page, err := writeHTMLReport(v, target)
		if err != nil {
			held.flush(nil)
			return err
		}
		if err := engine.WriteReport(htmlOut, page); err != nil {
			held.flush(nil)
			return err
		}
	}
	if format == "json" {
		return writeVerdict(u, v)
	}
	switch {
	case v.Conflict != nil:
		held.flush(nil)
		printConflict(u, "the requirements cannot all be met for "+target, explanation(u, v.Conflict), v.Hints)
		return exitStatus(exitConflict)
	case len(v.Findings) > 0:
		held.flush(nil)
		printConflict(u, v.InputNames()+" does not install as pinned on "+target, findingsChain(v), v.Hints)
		return exitStatus(exitConflict)
	}
	// The table says what the findings and the size of the base image are: the same
	// warnings on stderr, or as hints under the budget, would say it again.
	held.flush(tabled(v.Warnings))
	// A solution the platform's policy refuses (a base image it does not allow, a
	// download over its budget) is a conflict here as in check and in size's JSON.
	breaksPolicy := func() error {
		printConflict(u, "the solution breaks your platform's policy on "+target, violationsText(v.Violations), v.Hints)
		return exitStatus(exitConflict)
	}
	if u.quiet {
		switch {
		case v.OverBudget():
			printOverBudget(u, v, target)
			return exitStatus(exitConflict)
		case len(v.Violations) > 0:
			return breaksPolicy()
		}
		u.printf("%s\n", v.Sizes.Summary())
		return nil
	}
	printSizeTable(u, v)
	switch {
	case v.OverBudget():
		u.print("\n")
		printConflict(u, "the image would exceed its size budget for "+target, v.Budget.Breakdown(v.Sizes), untabledHints(v))
		return exitStatus(exitConflict)
	case len(v.Violations) > 0:
		u.print("\n")
		return breaksPolicy()
	}
	return nil
}

// heldWarnings is a Reporter that keeps the warnings back until the output is known, so
// that size prints on stderr only those its table does not say.
type heldWarnings struct {
	*ui
	held []string
}

func (h *heldWarnings) Warn(msg string) { h.held = append(h.held, msg) }

// flush prints the warnings held, less those in shown.
func (h *heldWarnings) flush(shown map[string]bool) {
	for _, msg := range h.held {
		if !shown[msg] {
			h.ui.Warn(msg)
		}
	}
	h.held = nil
}

// tabled is the text of the warnings printSizeTable prints: the size findings, and the
// base image whose size is not known.
func tabled(ws []engine.Warning) map[string]bool {
	shown := map[string]bool{}
	for _, w := range ws {
		if w.Code == engine.WarningBaseImageSizeUnknown {
			shown[w.Text()] = true
		}
	}
	for _, w := range sizeFindings(ws) {
		shown[w.Text()] = true
	}
	return shown
}

// untabledHints are the hints of an over-budget verdict less the findings' fixes, which
// the table's findings already give.
func untabledHints(v engine.Verdict) []string {
	found := map[string]bool{}
	for _, w := range sizeFindings(v.Warnings) {
		found[w.Code+": "+w.Text()] = true
	}
	var hints []string
	for _, h := range v.Hints {
		if !found[h] {
			hints = append(hints, h)
		}
	}
	return hints
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/depsolve/depsolve/engine"
	"github.com/depsolve/depsolve/resolver"
)

func newTreeCommand(stdout, stderr io.Writer, flags lazyFlags) *cobra.Command {
	f := &inputFlags{}
	format := newFormatFlag("text", "text", "dot", "mermaid")
	var opts engine.TreeOptions
	cmd := &cobra.Command{
		Use:   "tree [FILE...]",
		Short: "Print the solution as a tree of requirements",
		Long: `Tree resolves the requirements as check does and prints the solution as a tree:
each requirement of yours, with its specifier and file:line, and below it what
it depends on, with the specifier of each dependency. A package whose
dependencies are already shown is marked (*). With --invert, each package
is followed by what requires it, down to your requirements.

--format dot and --format mermaid print the same graph for Graphviz and for
Mermaid (GitHub renders it in Markdown): an arrow for each requirement, from
the package that requires to the package required.

When no set of versions works, tree prints the conflict as check does.

Exit status: 0 solved, 1 conflict or a solution the platform's policy
(policy in depsolve.toml) refuses, printed after the tree, 2 bad input or
usage, 3 index, network or cache failure, 130 interrupted (Ctrl-C).`,
		Example: `  depsolve tree requirements.txt --python 3.11.9 --driver 550.54.15
  depsolve tree --invert --package numpy
  depsolve tree --depth 1
  depsolve tree --format dot | dot -Tsvg > deps.svg`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			u, err := f.ui(cmd, stdout, stderr)
			if err != nil {
				return err
			}
			if !cmd.Flags().Changed("depth") {
				opts.Depth = -1
			} else if opts.Depth < 0 {
				return usagef(cmd, "--depth %d: want 0 or more levels", opts.Depth)
			}
			v, err := solve(cmd.Context(), u, f, args)
			if err != nil {
				return err
			}
			trees, err := v.Tree(opts)
			if err != nil {
				return err
			}
			switch format.value {
			case "dot", "mermaid":
				// A drawing followed by a conflict is no drawing: as check --graph, the
				// conflict alone.
				if printUnfitSolution(u, v) {
					return exitStatus(exitConflict)
				}
				d := solutionDrawing(trees, opts.Invert)
				if format.value == "dot" {
					u.print(d.dot())
				} else {
					u.print(d.mermaid())
				}
				return nil
			}
			u.print(treeText(trees, opts.Invert))
			return unfitAfter(u, v)
		},
	}
	flags[cmd] = func() {
		cmd.Flags().BoolVar(&opts.Invert, "invert", false, "show what requires each package, down to your requirements")
		cmd.Flags().Var((*levelsValue)(&opts.Depth), "depth", "show `N` levels below the roots (default: all)")
		repeatable(cmd.Flags(), &opts.Packages, "package", "", "start the tree at package `NAME` (repeatable)")
		f.registerSources(cmd.Flags())
		f.registerTimeout(cmd.Flags())
		f.registerTarget(cmd.Flags())
		f.registerOutput(cmd.Flags())
		cmd.Flags().Lookup("quiet").Usage = quietWithoutVerdict
		format.register(cmd, "output `FORMAT`: text, dot (Graphviz) or mermaid")
		completeTargetFlags(cmd)
	}
	return cmd
}

// maxWhyPaths bounds what why prints: past a few dozen paths, depsolve tree --invert
// (which shows each package once) reads better.
const maxWhyPaths = 50

func newWhyCommand(stdout, stderr io.Writer, flags lazyFlags) *cobra.Command {
	f := &inputFlags{}
	cmd := &cobra.Command{
		Use:   "why PACKAGE [FILE...]",
		Short: "Show which requirements bring a package into the solution",
		Long: `Why resolves the requirements as check does and prints each path from one of
your requirements to PACKAGE: the requirement's file:line and specifier, then
each package on the way with its version and the specifier it puts on the next.

When no set of versions works, why prints the conflict as check does.

Exit status: 0 solved, 1 conflict or a solution the platform's policy (policy
in depsolve.toml) refuses, printed after the paths, 2 bad input or usage
(PACKAGE is not in the solution), 3 index, network or cache failure, 130 interrupted (Ctrl-C).`,
		Example: `  depsolve why numpy
  depsolve why nvidia-cudnn-cu12 requirements.txt --python 3.11.9 --driver 550.54.15`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef(cmd, "%s needs the PACKAGE to explain", cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			u, err := f.ui(cmd, stdout, stderr)
			if err != nil {
				return err
			}
			v, err := solve(cmd.Context(), u, f, args[1:])
			if err != nil {
				return err
			}
			paths, more, err := v.Why(args[0], maxWhyPaths)
			if err != nil {
				return err
			}
			u.print(whyText(paths, more))
			return unfitAfter(u, v)
		},
	}
	flags[cmd] = func() {
		f.registerSources(cmd.Flags())
		f.registerTimeout(cmd.Flags())
		f.registerTarget(cmd.Flags())
		f.registerOutput(cmd.Flags())
		cmd.Flags().Lookup("quiet").Usage = quietWithoutVerdict
		completeTargetFlags(cmd)
	}
	return cmd
}

// quietWithoutVerdict is what -q does for tree and why, which print no verdict line.
const quietWithoutVerdict = "print no warnings or notes, and only the explanation on conflict"

// solve resolves for tree and why. A verdict that is no solution is printed as check
// prints it, and the command exits 1.
func solve(ctx context.Context, u *ui, f *inputFlags, args []string) (engine.Verdict, error) {
	req := f.request(args)
	req.Reporter = u
	v, err := engine.Check(ctx, req)
	if err != nil {
		return v, err
	}
	if printNoSolution(u, v) {
		return v, exitStatus(exitConflict)
	}
	return v, nil
}

// unfitAfter prints, after what tree or why showed, that the platform's policy refuses
// the solution or that it is over the size budget, as check says it, and exits 1 then:
// the solution shown is not one check lets through.
func unfitAfter(u *ui, v engine.Verdict) error {
	if len(v.Violations) == 0 && !v.OverBudget() {
		return nil
	}
	u.print("\n")
	printUnfitSolution(u, v)
	return exitStatus(exitConflict)
}

// treeText draws the trees as uv tree does, with the specifier of each requirement and
// the file:line of the user's.
func treeText(trees []*engine.TreeNode, inverted bool) string {
	var b strings.Builder
	repeated := false
	var draw func(n *engine.TreeNode, parent, indent, branch string)
	draw = func(n *engine.TreeNode, parent, indent, branch string) {
		b.WriteString(indent + branch + nodeLabel(n, parent, inverted))
		if n.Repeated {
			b.WriteString(" (*)")
			repeated = true
		}
		b.WriteString("\n")
		childIndent := indent
		switch branch {
		case "├── ":
			childIndent += "│   "
		case "└── ":
			childIndent += "    "
		}
		for i, c := range n.Children {
			next := "├── "
			if i == len(n.Children)-1 {
				next = "└── "
			}
			draw(c, n.Name, childIndent, next)
		}
	}
	for _, t := range trees {
		draw(t, "", "", "")
	}
	if repeated {
		b.WriteString("(*) its dependencies are shown above\n")
	}
	return b.String()
}

// nodeLabel is "numpy 1.26.4 (<2 from requirements.txt:2)": the package, then each
// requirement that joins it to its parent. Inverted, a package's requirements are on
// its parent ("torch 2.5.1 (numpy<2)"), and a requirement of the user's is its own
// node ("requirements.txt:2: numpy<2").
func nodeLabel(n *engine.TreeNode, parent string, inverted bool) string {
	if n.Name == "" {
		e := n.Edges[0]
		return edgeOrigin(e) + ": " + requirementText(parent, e)
	}
	label := n.Name + " " + n.Version.String()
	var parts []string
	for _, e := range n.Edges {
		switch {
		case inverted:
			parts = append(parts, requirementText(parent, e))
		case e.From == "":
			parts = append(parts, strings.TrimSpace(extrasText(e)+e.Specifier+" from "+edgeOrigin(e)))
		case e.Specifier != "" || len(e.Extras) > 0:
			parts = append(parts, extrasText(e)+e.Specifier)
		}
	}
	if len(parts) > 0 {
		label += " (" + strings.Join(parts, ", ") + ")"
	}
	return label
}

// requirementText is the requirement an edge states: "torch[cuda]==2.5.1".
func requirementText(name string, e resolver.Edge) string {
	return name + extrasText(e) + e.Specifier
}

func extrasText(e resolver.Edge) string {
	if len(e.Extras) == 0 {
		return ""
	}
	return "[" + strings.Join(e.Extras, ",") + "]"
}

// edgeOrigin is where a requirement of the user's is written; one the inputs give no
// line for (a pyproject.toml's requires-python) is named as theirs.
func edgeOrigin(e resolver.Edge) string {
	if e.Origin.IsZero() {
		return "your requirements"
	}
	return e.Origin.LineOnly().String()
}

// whyText prints one path a line: "requirements.txt:1: torch==2.5.1 -> torch 2.5.1
// needs numpy<2 -> numpy 1.26.4".
func whyText(paths [][]engine.Hop, more bool) string {
	var b strings.Builder
	for _, path := range paths {
		first := path[0]
		b.WriteString(edgeOrigin(first.Edge) + ": " + requirementText(first.Name, first.Edge))
		for i, h := range path {
			if i > 0 {
				b.WriteString(" needs " + requirementText(h.Name, h.Edge))
			}
			fmt.Fprintf(&b, " -> %s %s", h.Name, h.Version)
		}
		b.WriteString("\n")
	}
	if more {
		fmt.Fprintf(&b, "(only the %d shortest paths are shown; depsolve tree --invert --package %s shows every package on them once)\n", len(paths), paths[0][len(paths[0])-1].Name)
	}
	return b.String()
}

// levelsValue is --depth: a whole number of levels, said so when it is not one (pflag's
// own int flag answers with strconv's wording).
type levelsValue int

func (l *levelsValue) String() string { return strconv.Itoa(int(*l)) }
func (l *levelsValue) Type() string   { return "int" }

func (l *levelsValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		return errors.New("want a whole number of levels, such as 2")
	}
	*l = levelsValue(n)
	return nil
}

package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/depsolve/depsolve/engine"
	"github.com/depsolve/depsolve/redact"
	"github.com/depsolve/depsolve/target"
	"github.com/spf13/cobra"
)

func newEnvCommand(stdout, stderr io.Writer, flags lazyFlags) *cobra.Command {
	f := &inputFlags{}
	format := newFormatFlag("text", "text", "json")
	cmd := &cobra.Command{
		Use:   "env [FILE...]",
		Short: "Show the effective target, the indexes and the cache, and where each value came from",
		Long: `Env prints what check and lock would use: every target value (Python,
platform, glibc, driver, GPUs, CUDA, base image) with the place it came from,
the package indexes with theirs, and the cache folder. It takes the same flags
as check, so that a check command line works with env in its place; those
about resolving (--pre, --refresh, --timeout, --max-image-size, --policy,
--fleet, --all-fleets) and -v change nothing here, --offline only leaves a
registry base image unread (--read-image), and -q leaves the notes and
warnings out. FILE (optional here) adds the index options written in a
requirements file, and the target a lock records (a requirements lock's
header, a pylock.toml).

Sources win in this order: ` + target.Precedence + `.
Python and platform default to ` + engine.DefaultPython + ` and ` + engine.DefaultPlatform + ` when no source gives
them: fixed values, so that every machine resolves alike.`,
		Example: `  # What does this machine look like to depsolve?
  depsolve env --detect

  # The target a base image implies, as JSON
  depsolve env --base-image nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04 --format json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			u, err := f.ui(cmd, stdout, stderr)
			if err != nil {
				return err
			}
			err = runEnv(cmd.Context(), u, f, format.value, args)
			return jsonFailure(u, format.value, err)
		},
	}
	flags[cmd] = func() {
		f.registerResolve(cmd.Flags())
		cmd.Flags().Lookup("quiet").Usage = "leave out the notes and warnings"
		(&policyFlags{}).register(cmd.Flags())
		format.register(cmd, "output `FORMAT`: text or json")
		completeTargetFlags(cmd)
	}
	return cmd
}

type envReport struct {
	Precedence string     `json:"precedence"`
	Target     []envValue `json:"target"`
	Indexes    envIndexes `json:"indexes"`
	Cache      sourced    `json:"cache"`
	Notes      []string   `json:"notes"`
	// Warnings are what check warns of the target (unchecked-target, the base image's
	// codes), with the same codes and shape as the check report's.
	Warnings []reportWarning `json:"warnings"`
}

type envValue struct {
	Name   string `json:"name"`
	Value  string `json:"value"` // "" when unknown
	Origin string `json:"origin"`
}

type envIndexes struct {
	IndexURL      sourced   `json:"index-url"`
	ExtraIndexURL []sourced `json:"extra-index-url"`
	FindLinks     []sourced `json:"find-links"`
	NoIndex       bool      `json:"no-index"`
	Strategy      sourced   `json:"index-strategy"`
}

func runEnv(ctx context.Context, u *ui, f *inputFlags, format string, args []string) error {
	req := f.request(args)
	req.Reporter = u
	env, err := engine.Env(ctx, req)
	if err != nil {
		return err
	}
	r := envReport{Precedence: target.Precedence, Notes: append([]string{}, env.Target.Notes...)}
	warnings := &report{Warnings: []reportWarning{}}
	for _, w := range env.Target.Warnings {
		warnings.addWarnings([]engine.Warning{{Code: w.Code, Message: w.Message}})
	}
	warnings.addWarnings(env.Unchecked)
	r.Warnings = warnings.Warnings
	defaults := []string{}
	for _, st := range env.Target.Settings() {
		v := envValue{Name: st.Name, Value: st.Value, Origin: st.Origin.String()}
		if st.Value == "" {
			v.Origin = ""
		}
		if st.Origin.From == target.FromDefault && st.Name != "implementation" {
			defaults = append(defaults, st.Name+" "+st.Value)
		}
		r.Target = append(r.Target, v)
	}
	if len(defaults) > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("%s: depsolve's fixed defaults, the same on every machine; give --python and --platform, or [target] in depsolve.toml, to describe your target",
			strings.Join(defaults, ", ")))
	}
	r.Indexes = envIndexes{
		IndexURL:      displayed(env.Indexes.IndexURL),
		ExtraIndexURL: displayedAll(env.Indexes.ExtraIndex),
		FindLinks:     displayedAll(env.Indexes.FindLinks),
		NoIndex:       env.Indexes.NoIndex,
		Strategy:      sourced(env.Indexes.Strategy),
	}
	r.Cache = sourced(env.Cache)

	if format == "json" {
		return writeJSON(u, r)
	}
	var rows [][3]string // section headings have only a first cell
	row := func(name, value, origin string) { rows = append(rows, [3]string{"  " + name, value, origin}) }
	rows = append(rows, [3]string{"target"})
	for _, v := range r.Target {
		value := v.Value
		if value == "" {
			value = "unknown"
		}
		row(v.Name, value, v.Origin)
	}
	rows = append(rows, [3]string{"indexes"})
	if r.Indexes.NoIndex {
		row("index-url", "none", "--no-index")
	} else {
		row("index-url", r.Indexes.IndexURL.Value, r.Indexes.IndexURL.Origin)
	}
	for _, e := range r.Indexes.ExtraIndexURL {
		row("extra-index-url", e.Value, e.Origin)
	}
	for _, l := range r.Indexes.FindLinks {
		row("find-links", l.Value, l.Origin)
	}
	row("index-strategy", r.Indexes.Strategy.Value, r.Indexes.Strategy.Origin)
	var b strings.Builder
	writeTable(&b, rows)
	fmt.Fprintf(&b, "cache: %s (%s)\n", r.Cache.Value, r.Cache.Origin)
	fmt.Fprintf(&b, "precedence: %s\n", target.Precedence)
	if !u.quiet {
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "%s %s\n", u.dim("note:"), n)
		}
		for _, w := range r.Warnings {
			fmt.Fprintf(&b, "%s %s\n", u.yellow("warning:"), w.Message)
		}
	}
	u.print(b.String())
	return nil
}

// sourced is a setting and its origin as the JSON report writes them.
type sourced struct {
	Value  string `json:"value"`
	Origin string `json:"origin"`
}

// displayed is a setting as printed: credentials masked.
func displayed(s engine.Sourced) sourced { return sourced{redact.URL(s.Value), s.Origin} }

func displayedAll(list []engine.Sourced) []sourced {
	out := []sourced{}
	for _, s := range list {
		out = append(out, displayed(s))
	}
	return out
}

// writeTable aligns the cells of rows in columns two spaces apart, without trailing
// blanks. A row whose later cells are empty is written as its first cell.
func writeTable(b *strings.Builder, rows [][3]string) {
	var width [2]int
	for _, r := range rows {
		if r[1] == "" {
			continue
		}
		width[0] = max(width[0], len(r[0]))
		width[1] = max(width[1], len(r[1]))
	}
	for _, r := range rows {
		line := r[0]
		if r[1] != "" {
			line = fmt.Sprintf("%-*s  %-*s  %s", width[0], r[0], width[1], r[1], r[2])
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
}

package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/depsolve/depsolve/engine"
	"github.com/depsolve/depsolve/matrix"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/resolver"
	"github.com/depsolve/depsolve/target"
	"github.com/spf13/cobra"
)

func newMatrixCommand(stdout, stderr io.Writer, flags lazyFlags) *cobra.Command {
	var noColor, coverage bool
	format := newFormatFlag("text", "text", "json")
	cmd := &cobra.Command{
		Use:   "matrix [PKG[==VER]]",
		Short: "Show what the compatibility matrix says about a package, with sources",
		Long: `Matrix prints the rows of depsolve's curated compatibility matrix about a
package: its CUDA variants and the indexes they come from, the NVIDIA driver
each build needs, the GPU architectures compiled in, the pairings with other
packages (torchvision with torch, torch with triton, numpy with old torch), and
notes, each with the data row and the public sources it rests on. With ==VER,
only the rows that apply to that version.

PKG may also be @driver or @cuda (driver floors and CUDA toolkits), @gpu (GPU
architectures and models) or @glibc (operating systems and image flavors);
without PKG, every package. Rows marked advisory rest on unverified sources:
they warn and never constrain a resolution.

The matrix is compiled when depsolve is built, and read from the binary: it
needs no cache. With --format json, the rows are a list of objects (table,
package, versions, fields, advisory, sources), in data order.

--coverage prints, instead of rows, what the matrix has checked: per framework
the releases its variant rows cover and their CUDA variants, and the CUDA
toolkits of NVIDIA's Table 3. A release outside it is warned about as
unchecked-release; scripts/matrix-gaps lists what an index has beyond it
(data/README.md: adding a release).`,
		Example: `  depsolve matrix torch==2.5.1
  depsolve matrix torchvision
  depsolve matrix @driver
  depsolve matrix @gpu --format json
  depsolve matrix --coverage`,
		Args: argsAtMost(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			u := newUI(stdout, stderr, noColor, false)
			noteIgnoredCacheDir(cmd, u)
			name, v, err := parsePackageArg(cmd, args)
			if err != nil {
				return err
			}
			m, err := engine.Matrix()
			if err != nil {
				return err
			}
			if coverage {
				if len(args) > 0 {
					return usagef(cmd, "--coverage takes no package")
				}
				return printCoverage(u, m.Coverage(), format.value == "json")
			}
			rows := m.Describe(name, v)
			if format.value == "json" {
				return writeJSON(u, matrixJSON(rows))
			}
			if len(rows) == 0 {
				u.errorf("the matrix has no rows about %s\n", strings.Join(args, " "))
				return nil
			}
			printRows(u, rows)
			return nil
		},
	}
	flags[cmd] = func() {
		cmd.Flags().BoolVar(&noColor, "no-color", false, "never colour the output (also: $NO_COLOR)")
		cmd.Flags().BoolVar(&coverage, "coverage", false, "list the framework releases and CUDA toolkits the matrix covers")
		registerIgnoredCacheDir(cmd)
		format.register(cmd, "output `FORMAT`: text, or json (a list of rows with their sources)")
	}
	return cmd
}

// parsePackageArg reads PKG[==VER].
func parsePackageArg(cmd *cobra.Command, args []string) (string, *pep440.Version, error) {
	if len(args) == 0 {
		return "", nil, nil
	}
	name, ver, pinned := strings.Cut(args[0], "==")
	name = strings.TrimSpace(name)
	if !strings.HasPrefix(name, "@") {
		if !pep508.ValidName(name) {
			return "", nil, usagef(cmd, "%q: want a project name, optionally with ==VERSION", args[0])
		}
		name = pep508.NormalizeName(name)
	}
	if !pinned {
		return name, nil, nil
	}
	v, err := pep440.Parse(strings.TrimSpace(ver))
	var pe *pep440.ParseError
	if errors.As(err, &pe) {
		return "", nil, usagef(cmd, "%q: %q is not a version: %s", args[0], strings.TrimSpace(ver), pe.Msg)
	}
	if err != nil {
		return "", nil, usagef(cmd, "%q: %v", args[0], err)
	}
	return name, &v, nil
}

func printRows(u *ui, rows []matrix.Row) {
	var b strings.Builder
	for i, r := range rows {
		if i > 0 {
			b.WriteByte('\n')
		}
		head := r.Package
		if r.Versions != "" {
			head += " " + r.Versions
		}
		fmt.Fprintf(&b, "%s  %s ", u.bold(head), r.Table)
		for _, c := range r.Citations {
			fmt.Fprintf(&b, "[%d]", c.Number)
		}
		if r.Advisory {
			b.WriteString("  " + u.yellow("advisory: warns, never constrains"))
		}
		b.WriteByte('\n')
		width := 0
		for _, f := range r.Fields {
			width = max(width, len(f.Key))
		}
		for _, f := range r.Fields {
			fmt.Fprintf(&b, "    %-*s  %s\n", width, f.Key, f.Value)
		}
	}
	if sources := resolver.SourcesText(matrix.Sources(rows)); sources != "" {
		b.WriteString("\n" + sources + "\n")
	}
	u.print(b.String())
}

type matrixRowJSON struct {
	Table    string            `json:"table"`
	Package  string            `json:"package"`
	Versions string            `json:"versions"`
	Fields   []matrixFieldJSON `json:"fields"`
	Advisory bool              `json:"advisory"`
	Sources  []matrixCiteJSON  `json:"sources"`
}

type matrixFieldJSON struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type matrixCiteJSON struct {
	File    string             `json:"file"`
	Line    int                `json:"line"`
	Tag     string             `json:"tag"`
	Detail  string             `json:"detail,omitempty"`
	Sources []matrixSourceJSON `json:"sources"`
}

type matrixSourceJSON struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

func matrixJSON(rows []matrix.Row) []matrixRowJSON {
	out := []matrixRowJSON{}
	for _, r := range rows {
		jr := matrixRowJSON{Table: r.Table, Package: r.Package, Versions: r.Versions, Advisory: r.Advisory,
			Fields: []matrixFieldJSON{}, Sources: []matrixCiteJSON{}}
		for _, f := range r.Fields {
			jr.Fields = append(jr.Fields, matrixFieldJSON{f.Key, f.Value})
		}
		for _, c := range r.Cites {
			srcs := []matrixSourceJSON{}
			for _, s := range c.Sources {
				srcs = append(srcs, matrixSourceJSON{s.ID, s.Title, s.URL})
			}
			jr.Sources = append(jr.Sources, matrixCiteJSON{File: c.File, Line: c.Line, Tag: string(c.Tag), Detail: c.Detail, Sources: srcs})
		}
		out = append(out, jr)
	}
	return out
}

type coverageJSON struct {
	Package  string   `json:"package"`
	Releases []string `json:"releases"`
	CUDA     []string `json:"cuda"`
}

// printCoverage prints one block per package: the releases covered and the CUDA
// versions, the toolkits for @cuda.
func printCoverage(u *ui, cov []matrix.Coverage, asJSON bool) error {
	if asJSON {
		out := []coverageJSON{}
		for _, c := range cov {
			out = append(out, coverageJSON{Package: c.Package, Releases: append([]string{}, c.Releases...), CUDA: append([]string{}, c.CUDA...)})
		}
		return writeJSON(u, out)
	}
	var b strings.Builder
	for i, c := range cov {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(u.bold(c.Package) + "\n")
		if c.Package == target.VirtualCUDA {
			fmt.Fprintf(&b, "    toolkits  %s\n", strings.Join(c.CUDA, ", "))
			continue
		}
		releases := make([]string, len(c.Releases))
		for i, r := range c.Releases {
			releases[i] = cmp.Or(r, "every release")
		}
		fmt.Fprintf(&b, "    releases  %s\n", strings.Join(releases, ", "))
		if len(c.CUDA) > 0 {
			fmt.Fprintf(&b, "    cuda      %s\n", strings.Join(c.CUDA, ", "))
		}
	}
	u.print(b.String())
	return nil
}

// registerIgnoredCacheDir keeps --cache-dir, hidden, on a command that read only the
// compiled matrix from the cache: it is built into depsolve now, and a script that
// passes the flag goes on working.
func registerIgnoredCacheDir(cmd *cobra.Command) {
	cmd.Flags().String("cache-dir", "", "ignored: the compiled matrix is built into depsolve")
	_ = cmd.Flags().MarkHidden("cache-dir")
}

// noteIgnoredCacheDir says, when --cache-dir was given, that the command ignores it.
func noteIgnoredCacheDir(cmd *cobra.Command, u *ui) {
	if cmd.Flags().Changed("cache-dir") {
		u.note("--cache-dir is ignored: the compiled matrix is built into depsolve, and %s reads no cache", cmd.CommandPath())
	}
}

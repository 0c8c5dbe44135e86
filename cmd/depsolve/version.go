package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/depsolve/depsolve/matrix"
)

// version and commit are stamped by scripts/release.sh (-ldflags "-X main.version=…
// -X main.commit=…"). Other builds fall back on what the Go toolchain recorded: the module
// version for `go install …@v0.2.0`, the VCS revision for a build in a git checkout.
var (
	version = ""
	commit  = ""
)

func newVersionCommand(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, the commit, the Go version and the matrix data's hash and date",
		Long: `Print what this binary is: its version and commit, the Go toolchain that built
it, and the compatibility matrix it carries (the SHA-256 of the embedded data and
the newest date among the sources the data cites). Two binaries with the same
matrix hash give the same verdicts. depsolve --version prints the same.`,
		Example: `  depsolve version
  depsolve --version`,
		Args: argsAtMost(0),
		RunE: func(*cobra.Command, []string) error {
			return printVersion(stdout)
		},
	}
}

func printVersion(w io.Writer) error {
	stamp := matrix.EmbeddedDataStamp()
	info, _ := debug.ReadBuildInfo()
	date := "cites no dated source"
	if stamp.Date != "" {
		date = "sources up to " + stamp.Date
	}
	_, err := fmt.Fprintf(w, "depsolve %s\ncommit: %s\ngo: %s %s/%s\nmatrix data: sha256:%s (%s)\n",
		releaseVersion(info), releaseCommit(info), runtime.Version(), runtime.GOOS, runtime.GOARCH, stamp.Hash, date)
	return err
}

// releaseVersion is the stamped version, else the module version the toolchain recorded
// (without Go's "v", as Python versions are written), else "devel".
func releaseVersion(info *debug.BuildInfo) string {
	v := version
	if v == "" && info != nil && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	if v == "" {
		return "devel"
	}
	if rest, ok := strings.CutPrefix(v, "v"); ok && rest != "" && rest[0] >= '0' && rest[0] <= '9' {
		return rest
	}
	return v
}

// releaseCommit is the stamped commit, else the VCS revision the toolchain recorded (with
// "-dirty" for uncommitted changes), else "unknown".
func releaseCommit(info *debug.BuildInfo) string {
	if commit != "" {
		return commit
	}
	var revision, modified string
	if info != nil {
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.modified":
				modified = s.Value
			}
		}
	}
	switch {
	case revision == "":
		return "unknown"
	case modified == "true":
		return revision + "-dirty"
	}
	return revision
}

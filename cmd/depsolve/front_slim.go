//go:build slim

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/spf13/cobra"
)

// front runs the command line in this slim build when it can, and hands it over to
// depsolve-full, the complete build beside it, when it cannot (see package slim). A
// command that writes files goes over at once, before anything is read or printed. A
// read-only one runs here with everything it prints held back: should it need what
// this build leaves out, nothing it held is printed and the run goes over, so the user
// sees one run's output only; otherwise the held output is printed as it was written.
func front(args []string, stdout, stderr *os.File) int {
	if asksRefresh(args) || namesReadOnceFile(args) {
		return handOver(args, stderr, nil)
	}
	held := &heldOutput{}
	code := run(args, held.writer(stdout), held.writer(stderr))
	if code == exitNeedsFull {
		return handOver(args, stderr, held.errorReport(stdout))
	}
	held.release()
	return code
}

// asksRefresh reports whether the command line gives --refresh, which revalidates every
// page: such a run needs the network from its first page on, and trying it here first
// only cost its start and cache reads (4 ms of a 17 ms revalidation on the 2-core
// development VM). A token that only looks like the flag (a flag's value) costs a run
// handed over that could have run here, never a wrong answer.
func asksRefresh(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "--refresh", "--refresh=true", "--refresh=1":
			return true
		}
	}
	return false
}

// namesReadOnceFile reports whether an argument (or the value of a --flag=value) names
// a file that is neither a regular file nor a folder: a pipe (check <(…), check
// /dev/stdin) or a device, which gives its content to the first reader only. Read
// here, and the run handed over, depsolve-full would read it empty and resolve nothing:
// "ok: 0 packages consistent". Such a run goes over before anything is read. A token
// that only names such a file by chance (a flag's value of /dev/null) costs a run
// handed over that could have run here, never a wrong answer.
func namesReadOnceFile(args []string) bool {
	for _, a := range args {
		if a == "--" {
			continue // what follows are file names too
		}
		if strings.HasPrefix(a, "-") {
			_, value, ok := strings.Cut(a, "=")
			if !ok {
				continue
			}
			a = value
		}
		if fi, err := os.Stat(a); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
			return true
		}
	}
	return false
}

// runHere are the commands a slim build runs itself: those that only read (files, the
// cache) and print, which may run twice if they need depsolve-full after all. Any other
// command, a new one included, is left to depsolve-full.
var runHere = map[string]bool{
	"depsolve": true, "depsolve version": true, "depsolve help": true,
	"depsolve check": true, "depsolve tree": true, "depsolve why": true, "depsolve size": true,
	"depsolve env": true, "depsolve matrix": true, "depsolve constraints": true,
	"depsolve cache": true, "depsolve cache dir": true, "depsolve cache info": true,
}

func leftToFull(cmd *cobra.Command) bool { return !runHere[cmd.CommandPath()] }

// fullName is the file name of the complete build.
func fullName() string {
	if runtime.GOOS == "windows" {
		return "depsolve-full.exe"
	}
	return "depsolve-full"
}

// handOver runs depsolve-full with this run's arguments, environment and standard
// files, and returns its exit code; where the platform allows (execFull), depsolve-full
// replaces this process. depsolve-full is looked for beside this executable, symbolic
// links resolved: pipx and other installers link depsolve into a folder of its own.
// When none runs, report (the --format json error object this run held, or nil) is
// printed on stdout, as --format json promises one object there whatever the outcome.
func handOver(args []string, stderr io.Writer, report []byte) int {
	code := runFull(args, stderr)
	if code == exitNoFull {
		os.Stdout.Write(report)
		return exitFailure
	}
	return code
}

// exitNoFull is runFull's code for a run that found no depsolve-full to run, and told
// stderr why.
const exitNoFull = -2

func runFull(args []string, stderr io.Writer) int {
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		fmt.Fprintf(stderr, "depsolve: this run needs depsolve-full, the complete depsolve, and the folder of this executable is unknown: %v\n", err)
		return exitNoFull
	}
	full := filepath.Join(filepath.Dir(exe), fullName())
	if fi, err := os.Stat(full); err != nil || fi.IsDir() {
		fmt.Fprintf(stderr, "depsolve: %s, which this depsolve leaves to depsolve-full, the complete depsolve; there is none at %s\n"+
			"hint: reinstall depsolve from a release, which installs both files side by side; or build the complete depsolve alone from a clone of its repository (go install ./cmd/depsolve), which needs no helper\n", whatNeedsFull(args), full)
		return exitNoFull
	}
	code, err := execFull(full, args)
	if err != nil {
		fmt.Fprintf(stderr, "depsolve: running %s: %v\n", full, err)
		return exitNoFull
	}
	return code
}

// whatNeedsFull says why the run of args needs depsolve-full: a command this build
// leaves to it whole (one that writes or removes files) needs nothing of the network, and
// saying so would send the user looking for a network problem.
func whatNeedsFull(args []string) string {
	root, _ := newRootCommand(io.Discard, io.Discard)
	if cmd, _, _ := root.Find(args); cmd != nil && leftToFull(cmd) {
		return cmd.CommandPath() + " changes files"
	}
	return "this run needs the network, an image read or HTML"
}

// heldOutput keeps what a run writes to stdout and stderr, in the order it was written,
// until release prints it.
type heldOutput struct {
	mu     sync.Mutex
	chunks []heldChunk
}

type heldChunk struct {
	to   *os.File
	data []byte
}

// writer is a writer that holds what is written for f, and stands for f as a terminal
// (isTerminal), so that colour and the progress line are decided as on f itself.
func (h *heldOutput) writer(f *os.File) io.Writer { return &heldWriter{held: h, file: f} }

// errorReport is what the run held for stdout when it is one JSON value, the error
// object --format json prints for a run that failed (here: for want of depsolve-full);
// nil otherwise, as text a run printed before it failed is no answer.
func (h *heldOutput) errorReport(stdout *os.File) []byte {
	var out []byte
	for _, c := range h.chunks {
		if c.to == stdout {
			out = append(out, c.data...)
		}
	}
	if len(out) == 0 || !json.Valid(out) {
		return nil
	}
	return out
}

func (h *heldOutput) release() {
	for _, c := range h.chunks {
		c.to.Write(c.data)
	}
	h.chunks = nil
}

type heldWriter struct {
	held *heldOutput
	file *os.File
}

func (w *heldWriter) Write(p []byte) (int, error) {
	w.held.mu.Lock()
	defer w.held.mu.Unlock()
	w.held.chunks = append(w.held.chunks, heldChunk{w.file, append([]byte(nil), p...)})
	return len(p), nil
}

func (w *heldWriter) Fd() uintptr { return w.file.Fd() }

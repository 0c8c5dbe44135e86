package target

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/depsolve/depsolve/internal/runlog"
)

// System is what detection asks of the machine: run a command, read a file. LocalSystem is the
// real one; tests give recorded outputs.
type System interface {
	// Run runs a command and returns what it printed. A command that is not installed
	// returns an error matching exec.ErrNotFound; one that exits non-zero returns an error
	// with an ExitCode() int method.
	Run(ctx context.Context, name string, args ...string) (stdout, stderr []byte, err error)
	// ReadFile reads a file; a missing file returns an error matching fs.ErrNotExist.
	ReadFile(name string) ([]byte, error)
}

// LocalSystem runs commands on this machine, each for at most commandTimeout: nvidia-smi can
// hang for minutes when the driver is wedged.
type LocalSystem struct{}

const commandTimeout = 20 * time.Second

// Run runs name with args and returns its output.
func (LocalSystem) Run(ctx context.Context, name string, args ...string) ([]byte, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	return stdout.Bytes(), stderr.Bytes(), err
}

// ReadFile reads a file of this machine.
func (LocalSystem) ReadFile(name string) ([]byte, error) { return os.ReadFile(name) }

// detection gathers the detected values and what went wrong while detecting them.
type detection struct {
	ctx      context.Context
	sys      System
	capOf    func(name string) (string, bool)
	decl     Declaration
	warnings []string
}

// Detect reads the machine's NVIDIA driver and GPUs, Python and C library through sys
// (LocalSystem{} for this machine). What cannot be detected stays unknown, with a warning
// naming the probe that failed and why; detection never fails as a whole. The matrix names
// the compute capability of GPUs nvidia-smi cannot give it for (drivers before 510).
func Detect(ctx context.Context, sys System, cat Catalog) (Declaration, []string) {
	// What the machine answers (its driver, its GPUs, which Python is on the PATH) is
	// not a file a later run could compare.
	runlog.Unrepeatable("detecting the machine (--detect)")
	return detect(ctx, sys, cat.GPUCapability)
}

func detect(ctx context.Context, sys System, capOf func(name string) (string, bool)) (Declaration, []string) {
	d := &detection{ctx: ctx, sys: sys, capOf: capOf}
	d.nvidia()
	d.python()
	if plat := d.decl.Platform.Text; plat == "" || strings.HasPrefix(plat, "linux_") {
		d.libc()
	}
	return d.decl, d.warnings
}

func (d *detection) warnf(format string, args ...any) {
	d.warnings = append(d.warnings, fmt.Sprintf(format, args...))
}

func detected(detail, text string) Value {
	return Value{Text: text, Origin: Origin{From: FromDetection, Detail: detail}}
}

// ran is the outcome of one command.
type ran struct {
	out      string // stdout and stderr, in that order
	err      error
	exitCode int // -1 when the command did not run or did not exit normally
}

func (d *detection) run(name string, args ...string) ran {
	stdout, stderr, err := d.sys.Run(d.ctx, name, args...)
	r := ran{out: string(stdout) + string(stderr), err: err, exitCode: -1}
	var exit interface{ ExitCode() int }
	switch {
	case err == nil:
		r.exitCode = 0
	case errors.As(err, &exit):
		r.exitCode = exit.ExitCode()
	}
	return r
}

func (r ran) notFound() bool {
	return errors.Is(r.err, exec.ErrNotFound) || errors.Is(r.err, fs.ErrNotExist)
}

// failure describes a failed run in a few words for a warning: the reason, or the first
// line the command printed and its exit status.
func (r ran) failure() string {
	switch {
	case errors.Is(r.err, context.DeadlineExceeded):
		return "did not answer in time"
	case r.notFound():
		return "is not installed"
	case r.exitCode < 0:
		return r.err.Error()
	}
	line := firstLine(r.out)
	if r.exitCode == 0 {
		return fmt.Sprintf("printed %q, which depsolve does not understand", line)
	}
	if line == "" {
		return fmt.Sprintf("exited with status %d", r.exitCode)
	}
	return fmt.Sprintf("exited with status %d: %s", r.exitCode, line)
}

func firstLine(s string) string {
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return line
		}
	}
	return ""
}

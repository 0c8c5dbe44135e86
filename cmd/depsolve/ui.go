package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/depsolve/depsolve/engine"
	"github.com/depsolve/depsolve/internal/printable"
	"github.com/depsolve/depsolve/internal/runlog"
	"github.com/depsolve/depsolve/redact"
)

// ui writes to the user. Colour and the progress line appear only on a terminal: a CI log
// or a pre-commit hook gets plain text, and NO_COLOR (https://no-color.org) or --no-color
// turns colour off everywhere. CLICOLOR_FORCE=1 asks for colour off a terminal (for a
// pager that understands it); NO_COLOR and --no-color still win.
//
// Everything printed goes through redact.Text: whatever a message embeds, a credential in
// an index URL never reaches the screen or a log.
type ui struct {
	out, err io.Writer
	color    bool // colour on stdout
	progress bool // a live progress line on stderr
	quiet    bool
	// verbosity is how many -v were given: the engine's events up to it are printed.
	verbosity int

	mu       sync.Mutex
	lastLine int // width of the progress line on screen, to erase it
}

// isTerminal reports whether w is a terminal: an *os.File, or a writer that stands for
// one (the slim front's held output).
func isTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

func newUI(stdout, stderr io.Writer, noColor, quiet bool) *ui {
	noColorEnv := runlog.Getenv("NO_COLOR") != "" // "present and not an empty string"
	force := runlog.Getenv("CLICOLOR_FORCE")
	return &ui{
		out:      stdout,
		err:      stderr,
		color:    !noColor && !noColorEnv && (isTerminal(stdout) || force != "" && force != "0"),
		progress: !quiet && isTerminal(stderr),
		quiet:    quiet,
	}
}

func (u *ui) paint(code, s string) string {
	if !u.color || s == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (u *ui) bold(s string) string   { return u.paint("1", s) }
func (u *ui) red(s string) string    { return u.paint("1;31", s) }
func (u *ui) green(s string) string  { return u.paint("1;32", s) }
func (u *ui) yellow(s string) string { return u.paint("33", s) }
func (u *ui) cyan(s string) string   { return u.paint("36", s) }
func (u *ui) dim(s string) string    { return u.paint("2", s) }

// print writes a result to stdout.
func (u *ui) print(s string) {
	u.clearStatus()
	io.WriteString(u.out, redact.Text(s))
}

// printf writes a result line to stdout.
func (u *ui) printf(format string, args ...any) { u.print(fmt.Sprintf(format, args...)) }

// errorf writes a diagnostic to stderr, whatever -q says.
func (u *ui) errorf(format string, args ...any) {
	u.clearStatus()
	io.WriteString(u.err, redact.Text(fmt.Sprintf(format, args...)))
}

// status rewrites the progress line on stderr; it does nothing off a terminal.
func (u *ui) status(format string, args ...any) {
	if !u.progress {
		return
	}
	line := redact.Text(fmt.Sprintf(format, args...))
	u.mu.Lock()
	defer u.mu.Unlock()
	pad := max(u.lastLine-len(line), 0)
	fmt.Fprintf(u.err, "\r%s%*s", line, pad, "")
	u.lastLine = len(line)
}

// clearStatus erases the progress line before ordinary output.
func (u *ui) clearStatus() {
	if !u.progress {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.lastLine > 0 {
		fmt.Fprintf(u.err, "\r%*s\r", u.lastLine, "")
		u.lastLine = 0
	}
}

// warn prints a warning on stderr, unless -q.
func (u *ui) warn(format string, args ...any) {
	if u.quiet {
		return
	}
	u.errorf("%s "+format+"\n", append([]any{u.yellow("warning:")}, args...)...)
}

// note prints something the user should know on stderr, unless -q.
func (u *ui) note(format string, args ...any) {
	if u.quiet {
		return
	}
	u.errorf("%s "+format+"\n", append([]any{u.dim("note:")}, args...)...)
}

// Warn, Note and Progress make the ui the engine's Reporter.
func (u *ui) Warn(msg string) { u.warn("%s", msg) }
func (u *ui) Note(msg string) { u.note("%s", msg) }
func (u *ui) Progress(activity string, counters func() (requests, bytes int64)) (stop func()) {
	return u.watch(activity, counters)
}

// Trace makes the ui the engine's Tracer: an event the user asked for (-v, -vv) is one
// line on stderr, "kind: text". The text may hold values from an index page.
func (u *ui) Trace(e engine.Event) {
	if e.Verbosity > u.verbosity {
		return
	}
	u.errorf("%s %s\n", u.dim(e.Kind+":"), printable.Escape(e.Text))
}

// progressSource is what the progress line reports on (the index's counters).
type progressSource func() (requests, bytes int64)

// watch shows a progress line while work fetches from the network, on a terminal only,
// until the returned function is called. Nothing appears while everything comes from
// the cache.
func (u *ui) watch(what string, src progressSource) (stop func()) {
	if !u.progress {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(150 * time.Millisecond)
		defer tick.Stop()
		spinner := []string{"|", "/", "-", `\`}
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			case <-tick.C:
				if reqs, n := src(); reqs > 0 {
					u.status("%s %s %d requests, %s", spinner[i%len(spinner)], what, reqs, engine.HumanBytes(n))
				}
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		u.clearStatus()
	}
}

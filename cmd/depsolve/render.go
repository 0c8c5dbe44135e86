package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/depsolve/depsolve/engine"
	"github.com/depsolve/depsolve/redact"
	"github.com/depsolve/depsolve/reqfile"
	"github.com/depsolve/depsolve/resolver"
	"github.com/depsolve/depsolve/target"
)

// reportSchemaVersion is the version of the --format json report of check, which
// docs/depsolve.schema.json describes. It changes when a field changes meaning or goes
// away; a new field does not change it.
const reportSchemaVersion = 1

// report is the --format json object of the CLI contract (DESIGN.md), described by
// docs/depsolve.schema.json. status, target, packages and warnings are always there;
// explanation, steps, sources and hints only for a conflict (findings for a lock that
// does not install as pinned), error only for an error. sources is depsolve's addition
// to DESIGN.md's shape: the matrix rows the explanation cites as [n], for tools that
// link them; the explanation is the chain alone, without the text's Sources block.
type report struct {
	SchemaVersion int                `json:"schema_version"`
	Status        string             `json:"status"` // ok, conflict or error
	Target        *reportTarget      `json:"target"`
	Packages      []reportPkg        `json:"packages"`
	Warnings      []reportWarning    `json:"warnings"`
	Explanation   *string            `json:"explanation,omitempty"`
	Steps         *[]reportStep      `json:"steps,omitempty"`
	Findings      *[]reportFinding   `json:"findings,omitempty"`
	Lock          *reportLock        `json:"lock,omitempty"`
	Violations    *[]reportViolation `json:"violations,omitempty"`
	Sources       *[]reportSource    `json:"sources,omitempty"`
	Hints         *[]string          `json:"hints,omitempty"`
	Error         *reportError       `json:"error,omitempty"`
	Sizes         *reportSizes       `json:"sizes,omitempty"`  // sizereport.go
	Budget        *reportBudget      `json:"budget,omitempty"` // sizereport.go
}

// reportWarning is an engine.Warning as JSON lists it under "warnings" (text output
// prints it on stderr as it arises). Code is stable: tools and policies match on it.
type reportWarning struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Package string   `json:"package,omitempty"` // PEP 503; absent for the target itself
	Version string   `json:"version,omitempty"` // of package, where the warning is about one release
	Sources []string `json:"sources"`           // "S1 https://…": the references of its matrix row
	Bytes   int64    `json:"bytes,omitempty"`   // installed bytes at stake (a size finding)
}

// reportStep is one line of the explanation: the premises, each citing sources by
// number, and the conclusion they lead to (resolver.Line).
type reportStep struct {
	Number     int             `json:"number,omitempty"` // set when a later step refers to it
	Connective string          `json:"connective"`
	Premises   []reportPremise `json:"premises"`
	Conclusion string          `json:"conclusion"`
	Branch     bool            `json:"branch,omitempty"` // the step starts a separate branch
}

type reportPremise struct {
	Text    string `json:"text"`
	Ref     int    `json:"ref,omitempty"` // the number of the step it concludes
	Sources []int  `json:"sources"`       // the numbers of the sources it cites
}

// reportFinding is what stops a lock installing as pinned, at the pin to fix.
type reportFinding struct {
	Message string `json:"message"`
	Package string `json:"package"`
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
}

// reportLock is what verifying a lock established (engine.LockCheck); only for a lock.
type reportLock struct {
	Pins          int  `json:"pins"`
	Complete      bool `json:"complete"`
	HashesChecked bool `json:"hashes_checked"`
}

// reportSource is one cited matrix row: the n of "[n]", where the row is, and the
// references it gives.
type reportSource struct {
	Number     int                  `json:"number"`
	File       string               `json:"file"`
	Line       int                  `json:"line,omitempty"`
	References []resolver.Reference `json:"references"`
}

// reportOrigin is one known target value and where it came from, as env prints it.
type reportOrigin struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Origin string `json:"origin"`
}

type reportTarget struct {
	Python   string   `json:"python"`
	Platform string   `json:"platform"`
	Driver   *string  `json:"driver"`
	GPUs     []string `json:"gpus"` // compute capabilities, lowest first
	CUDA     *string  `json:"cuda"`
	// Origins are the known values of the target with where each came from.
	Origins []reportOrigin `json:"origins"`
}

type reportPkg struct {
	Name    string   `json:"name"`
	Version string   `json:"version"`
	Index   string   `json:"index"`
	File    string   `json:"file"`
	SHA256  string   `json:"sha256"`
	Size    int64    `json:"size"`
	SDist   bool     `json:"sdist"` // File is a source distribution: installing it builds it
	Via     []string `json:"via"`
	URL     string   `json:"url,omitempty"` // the URL of a NAME @ URL requirement
}

type reportError struct {
	Message string `json:"message"`
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
}

func newReport(status string, t *target.Target) *report {
	r := &report{SchemaVersion: reportSchemaVersion, Status: status, Packages: []reportPkg{}, Warnings: []reportWarning{}}
	if t == nil {
		return r
	}
	r.Target = &reportTarget{Python: t.Python.Text, Platform: t.Platform.Text, GPUs: []string{}, Origins: []reportOrigin{}}
	for _, st := range t.Settings() {
		if st.Value != "" {
			r.Target.Origins = append(r.Target.Origins, reportOrigin{Name: st.Name, Value: st.Value, Origin: st.Origin.String()})
		}
	}
	// GPUs come in the order given; the same fleet gives the same bytes.
	gpus := slices.IndexFunc(r.Target.Origins, func(o reportOrigin) bool { return o.Name == "gpu" })
	if gpus >= 0 {
		end := gpus
		for end < len(r.Target.Origins) && r.Target.Origins[end].Name == "gpu" {
			end++
		}
		slices.SortStableFunc(r.Target.Origins[gpus:end], func(a, b reportOrigin) int { return strings.Compare(a.Value, b.Value) })
	}
	if t.Driver.Known() {
		r.Target.Driver = &t.Driver.Text
	}
	if t.CUDA.Known() {
		r.Target.CUDA = &t.CUDA.Text
	}
	for _, cc := range t.Capabilities() {
		r.Target.GPUs = append(r.Target.GPUs, cc.String())
	}
	return r
}

// addPackages lists the pins with the file an installer takes for each (the best one for
// the target). Pins come sorted by name from the resolver.
func (r *report) addPackages(packages []engine.Package) {
	for _, p := range packages {
		rp := reportPkg{Name: p.Name, Version: p.VersionText(), Via: p.Via, URL: redact.URL(p.DirectURL)}
		if rp.Via == nil {
			rp.Via = []string{}
		}
		if f, ok := p.InstallFile(); ok {
			rp.Index, rp.File, rp.SHA256, rp.Size = redact.URL(f.Index), f.Filename, f.SHA256, f.Size
			rp.SDist = !strings.HasSuffix(f.Filename, ".whl")
		}
		r.Packages = append(r.Packages, rp)
	}
}

// addWarnings lists the warnings of a verdict, each with its sources (a list, never null).
func (r *report) addWarnings(ws []engine.Warning) {
	for _, w := range ws {
		rw := reportWarning{Code: w.Code, Message: w.Message, Package: w.Package, Version: w.Version, Sources: []string{}, Bytes: w.Bytes}
		if w.Row != nil {
			for _, src := range w.Row.Sources {
				rw.Sources = append(rw.Sources, src.ID+" "+src.URL)
			}
		}
		r.Warnings = append(r.Warnings, rw)
	}
}

// setConflict reports the solver's proof that no solution exists: the chain as text
// (without the Sources block, which sources holds), as steps, and the rows it cites.
func (r *report) setConflict(ns *resolver.NoSolution, hints []string) {
	lines := ns.Lines()
	cited := resolver.Sources(lines)
	chain := strings.TrimSuffix(resolver.Text(lines), "\n\n"+resolver.SourcesText(cited))
	steps := []reportStep{}
	for _, l := range lines {
		st := reportStep{Number: l.Number, Connective: l.Connective, Conclusion: l.Conclusion, Branch: l.Break, Premises: []reportPremise{}}
		for _, p := range l.Premises {
			rp := reportPremise{Text: p.Text, Ref: p.Ref, Sources: []int{}}
			for _, c := range p.Citations {
				rp.Sources = append(rp.Sources, c.Number)
			}
			st.Premises = append(st.Premises, rp)
		}
		steps = append(steps, st)
	}
	r.Steps = &steps
	r.setExplanation(chain, hints)
	sources := []reportSource{}
	for _, c := range cited {
		refs := c.Sources
		if refs == nil {
			refs = []resolver.Reference{}
		}
		sources = append(sources, reportSource{Number: c.Number, File: c.Row.File, Line: c.Row.Line, References: refs})
	}
	r.Sources = &sources
}

// setFindings reports what stops a lock installing as pinned, numbered as the text
// prints it, each at its pin.
func (r *report) setFindings(v engine.Verdict) {
	findings := []reportFinding{}
	for _, fd := range v.Findings {
		rf := reportFinding{Message: fd.Msg, Package: fd.Name}
		rf.File, rf.Line = fd.Origin.File, fd.Origin.Line
		if fd.Origin.IsZero() {
			rf.File = v.InputNames()
		}
		findings = append(findings, rf)
	}
	r.Findings = &findings
	r.setExplanation(findingsChain(v), v.Hints)
	r.Sources = &[]reportSource{}
}

// setViolations reports a solution that breaks the platform's policy: the violations
// numbered as the text prints them, each citing the policy's line.
func (r *report) setViolations(v engine.Verdict) {
	chain, cited := violationsChain(v.Violations)
	violations := []reportViolation{}
	for _, vi := range v.Violations {
		violations = append(violations, reportViolation{Code: vi.Code, Message: vi.Message, File: vi.Rule.Row.File, Line: vi.Rule.Row.Line})
	}
	r.Violations = &violations
	r.setExplanation(chain, v.Hints)
	sources := []reportSource{}
	for _, c := range cited {
		refs := c.Sources
		if refs == nil {
			refs = []resolver.Reference{}
		}
		sources = append(sources, reportSource{Number: c.Number, File: c.Row.File, Line: c.Row.Line, References: refs})
	}
	r.Sources = &sources
}

// reportViolation is one rule of the platform's policy a solution breaks.
type reportViolation struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
}

func (r *report) setExplanation(text string, hints []string) {
	r.Status = "conflict"
	r.Explanation = &text
	if hints == nil {
		hints = []string{}
	}
	r.Hints = &hints
}

func (r *report) setError(err error) {
	r.Status = "error"
	e := &reportError{Message: redact.Text(err.Error())}
	var reqErr *reqfile.Error
	var inputErr *target.InputError
	var requirementErr *resolver.RequirementError
	switch {
	case errors.As(err, &reqErr):
		e.Message, e.File, e.Line = redact.Text(reqErr.Msg), reqErr.Pos.File, reqErr.Pos.Line
	case errors.As(err, &requirementErr) && !requirementErr.Origin.IsZero():
		e.Message, e.File, e.Line = redact.Text(requirementErr.Message()), requirementErr.Origin.File, requirementErr.Origin.Line
	case errors.As(err, &inputErr) && inputErr.Pos.File != "":
		e.Message, e.File, e.Line = redact.Text(inputErr.Msg), inputErr.Pos.File, inputErr.Pos.Line
	}
	r.Error = e
}

// write prints the report: one indented JSON object, the same bytes for the same input.
func (r *report) write(u *ui) error { return writeJSON(u, r) }

// writeJSON prints v on stdout as indented JSON, without HTML escaping, credentials
// masked.
func writeJSON(u *ui, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	u.printJSON(b.Bytes())
	return nil
}

// jsonFailure is what a command that prints JSON returns for err: an error is reported
// as JSON (failJSON) when the format is json; an exit status, and anything in text
// mode, is returned as it is.
func jsonFailure(u *ui, format string, err error) error {
	var status exitStatus
	if err != nil && format == "json" && !errors.As(err, &status) {
		return failJSON(u, nil, err)
	}
	return err
}

// failJSON reports an error as JSON on stdout (and as text on stderr), and returns the
// exit status it maps to.
func failJSON(u *ui, t *target.Target, err error) error {
	r := newReport("error", t)
	r.setError(err)
	if werr := r.write(u); werr != nil {
		return werr
	}
	u.errorf("%s", errorText(err))
	return exitStatus(exitCode(err))
}

// explanation renders the numbered chain, coloured on a terminal: the numbers and the
// connectives in bold. The prose is the resolver's; only the escapes are added here.
func explanation(u *ui, ns *resolver.NoSolution) string {
	lines := ns.Lines()
	text := resolver.Text(lines)
	if !u.color {
		return text
	}
	out := strings.Split(text, "\n")
	i := 0
	for j, l := range out {
		if l == "" || i >= len(lines) {
			continue
		}
		conn := lines[i].Connective
		if k := strings.Index(l, conn); k >= 0 {
			out[j] = u.bold(l[:k]) + u.bold(conn) + l[k+len(conn):]
		}
		i++
	}
	return strings.Join(out, "\n")
}

// printConflict prints a conflict as text: the verdict, the chain, the hints. With -q,
// only the chain.
func printConflict(u *ui, headline, chain string, hints []string) {
	if u.quiet {
		u.print(chain + "\n")
		return
	}
	u.printf("%s %s\n\n%s\n", u.red("conflict:"), headline, chain)
	if len(hints) > 0 {
		u.print("\n")
		for _, h := range hints {
			u.printf("%s %s\n", u.cyan("hint:"), h)
		}
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// targetSummary names the target in one line, as the verdict prints it:
// "Python 3.11.9, manylinux_2_35_x86_64, driver 550.54.15, H100 (sm_90)". Values that are
// depsolve's defaults say so.
func targetSummary(t *target.Target) string {
	var parts []string
	add := func(prefix string, v target.Value) {
		if !v.Known() {
			return
		}
		s := prefix + v.Text
		if v.Origin.From == target.FromDefault {
			s += " (default)"
		}
		parts = append(parts, s)
	}
	add("Python ", t.Python.Value)
	add("", t.Platform.Value)
	switch {
	case t.CPU.On:
		parts = append(parts, "no GPU")
	case !t.Driver.Known() && len(t.GPUs) == 0:
		parts = append(parts, "no driver or GPU given")
	default:
		if t.Driver.Known() {
			add("driver ", t.Driver.Value)
		} else {
			parts = append(parts, "driver unknown")
		}
		for _, g := range t.GPUs {
			parts = append(parts, engine.GPUSummary(g))
		}
	}
	add("CUDA ", t.CUDA.Value)
	return strings.Join(parts, ", ")
}

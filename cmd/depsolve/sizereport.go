package main

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/depsolve/depsolve/engine"
)

// reportSizes is the "sizes" object of the JSON report: what the solution weighs.
type reportSizes struct {
	Download  int64           `json:"download"`  // bytes, the pins whose sizes are known
	Installed int64           `json:"installed"` // bytes
	Packages  []reportPkgSize `json:"packages"`  // by name
	Families  []reportFamily  `json:"families"`  // by CUDA major
	Base      *reportBase     `json:"base"`      // null without a base image
}

type reportPkgSize struct {
	Name             string `json:"name"`
	Version          string `json:"version"`
	File             string `json:"file"`
	Download         int64  `json:"download"`
	Installed        int64  `json:"installed"`
	InstalledUnknown string `json:"installed_unknown,omitempty"` // why installed is not known (then 0)
	CUDA             *int   `json:"cuda"`                        // the CUDA major of the build; null for none
}

type reportFamily struct {
	CUDA      int      `json:"cuda"`
	Packages  []string `json:"packages"`
	Download  int64    `json:"download"`
	Installed int64    `json:"installed"`
}

type reportBase struct {
	Image     string `json:"image"`
	Installed *int64 `json:"installed"` // null: not known from the reference
}

// reportBudget is the "budget" object: the size budget and how the image compares.
type reportBudget struct {
	Limit   int64  `json:"limit"`   // bytes
	Origin  string `json:"origin"`  // "flag --max-image-size", "depsolve.toml:3"
	Counted int64  `json:"counted"` // bytes compared with limit
	Over    bool   `json:"over"`
}

// addSizes adds what the verdict weighs, and its budget, to the report.
func (r *report) addSizes(v engine.Verdict) {
	if v.Sizes != nil {
		s := &reportSizes{Download: v.Sizes.Download, Installed: v.Sizes.Installed, Packages: []reportPkgSize{}, Families: []reportFamily{}}
		for _, p := range v.Sizes.Packages {
			rp := reportPkgSize{Name: p.Name, Version: p.Version, File: p.File, Download: p.Download, Installed: p.Installed, InstalledUnknown: p.InstalledUnknown}
			if p.CUDAFamily != 0 {
				rp.CUDA = &p.CUDAFamily
			}
			s.Packages = append(s.Packages, rp)
		}
		for _, f := range v.Sizes.Families {
			s.Families = append(s.Families, reportFamily{CUDA: f.Major, Packages: f.Packages, Download: f.Download, Installed: f.Installed})
		}
		if b := v.Sizes.Base; b != nil {
			s.Base = &reportBase{Image: b.Image}
			if b.Installed > 0 {
				s.Base.Installed = &b.Installed
			}
		}
		r.Sizes = s
	}
	if b := v.Budget; b != nil {
		r.Budget = &reportBudget{Limit: b.Limit, Origin: b.Origin, Counted: b.Counted, Over: b.Over}
	}
}

// largestSummary names the five largest pins, as "; largest: NAME VERSION SIZE, …", by
// installed size; a pin whose installed size is unknown shows its download size. It is
// "" when no pin's size is known.
func largestSummary(s *engine.SizeReport) string {
	var largest []string
	for _, p := range s.Largest() {
		if len(largest) == 5 {
			break
		}
		switch {
		case p.Installed > 0:
			largest = append(largest, fmt.Sprintf("%s %s %s", p.Name, p.Version, engine.HumanBytes(p.Installed)))
		case p.Download > 0:
			largest = append(largest, fmt.Sprintf("%s %s %s to download", p.Name, p.Version, engine.HumanBytes(p.Download)))
		}
	}
	if len(largest) == 0 {
		return ""
	}
	return "; largest: " + strings.Join(largest, ", ")
}

// printOverBudget prints an over-budget verdict as a conflict: the breakdown, then the
// findings' fixes as hints.
func printOverBudget(u *ui, v engine.Verdict, target string) {
	printConflict(u, "the image would exceed its size budget for "+target, v.Budget.Breakdown(v.Sizes), v.Hints)
}

// printSizeTable prints the breakdown as a table, largest first, then the totals, each
// CUDA family, and the findings with bytes at stake.
func printSizeTable(u *ui, v engine.Verdict) {
	s := v.Sizes
	tw := tabwriter.NewWriter(u.out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "INSTALLED\tDOWNLOAD\tCUDA\t PACKAGE")
	for _, p := range s.Largest() {
		cuda := "-"
		if p.CUDAFamily != 0 {
			cuda = fmt.Sprint(p.CUDAFamily)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t %s\n", installedColumn(p), downloadColumn(p), cuda, pinName(p))
	}
	fmt.Fprintf(tw, "%s\t%s\t\t %s\n", engine.HumanBytes(s.Installed), engine.HumanBytes(s.Download), totalLabel(s))
	for _, f := range s.Families {
		fmt.Fprintf(tw, "%s\t%s\t%d\t %s\n", engine.HumanBytes(f.Installed), engine.HumanBytes(f.Download), f.Major, familyLabel(s, f))
	}
	tw.Flush()
	if b := s.Base; b != nil && !v.OverBudget() { // else the budget's breakdown names it
		if b.Installed > 0 {
			u.printf("base image %s: %s\n", b.Image, engine.HumanBytes(b.Installed))
		} else {
			u.printf("base image %s: size not known from its reference (not counted)\n", b.Image)
		}
	}
	for _, p := range s.Unknown() {
		u.printf("%s: installed size unknown: %s\n", pinName(p), p.InstalledUnknown)
	}
	found := sizeFindings(v.Warnings)
	if len(found) > 0 {
		u.print("\nfindings:\n")
		for _, w := range found {
			at := "bytes unknown"
			if w.Bytes > 0 {
				at = engine.HumanBytes(w.Bytes)
			}
			u.printf("  %s  %s: %s\n", at, w.Code, w.Text())
		}
	}
	if b := v.Budget; b != nil && !b.Over {
		u.printf("\n%s within the budget of %s (%s)\n", u.green("ok:"), engine.HumanBytes(b.Limit), b.Origin)
	}
}

// totalLabel names the table's total: "total, 25 packages", and how many pins it leaves
// out for want of an installed size, as the size line says it.
func totalLabel(s *engine.SizeReport) string {
	return sumLabel("total, "+plural(len(s.Packages), "package", "packages"), s, func(string) bool { return true })
}

// familyLabel names a CUDA family's row: "CUDA 12 family, 14 packages", and how many of
// them its sums leave out.
func familyLabel(s *engine.SizeReport, f engine.FamilySize) string {
	label := fmt.Sprintf("CUDA %d family, %s", f.Major, plural(len(f.Packages), "package", "packages"))
	return sumLabel(label, s, func(name string) bool { return slices.Contains(f.Packages, name) })
}

func sumLabel(label string, s *engine.SizeReport, in func(name string) bool) string {
	installed, download := 0, 0
	for _, p := range s.Unknown() {
		if in(p.Name) {
			installed++
			if downloadColumn(p) == "?" {
				download++
			}
		}
	}
	switch {
	case download > 0:
		label += fmt.Sprintf(" (installed size unknown for %d, download for %d)", installed, download)
	case installed > 0:
		label += fmt.Sprintf(" (installed size unknown for %d)", installed)
	}
	return label
}

// pinName is a pin as the table names it: "torch 2.5.1", or the name alone for a NAME @
// URL pin whose version is not known (a VCS checkout).
func pinName(p engine.PackageSize) string {
	if p.Version == "" {
		return p.Name
	}
	return p.Name + " " + p.Version
}

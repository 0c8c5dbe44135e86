package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/depsolve/depsolve/engine"
	"github.com/depsolve/depsolve/internal/treemap"
	"github.com/depsolve/depsolve/matrix"
)

// The HTML report is one self-contained file: inline CSS, an inline SVG treemap whose
// boxes carry their details in <title> (the browser's tooltip, no script), and the table.
// It names nothing outside itself, so it opens without a network, and the same verdict
// gives the same bytes.

const (
	mapWidth  = 960
	mapHeight = 540
)

// familyColours are the treemap's fills: packages of no CUDA family, then CUDA 11, 12,
// 13 and later; the base image has its own.
var familyColours = map[int]string{0: "#8da0cb", 11: "#fc8d62", 12: "#66c2a5", 13: "#e78ac3"}

const baseColour = "#b3b3b3"

type htmlBox struct {
	X, Y, W, H string
	Fill       string
	Title      string // the tooltip
	Label      string // "" when the box is too small to hold one
	Sub        string
	LabelX     string
	LabelY     string
	SubY       string
}

type htmlRow struct {
	Name, Version, CUDA, Installed, Download, File string
}

type htmlFinding struct{ Bytes, Code, Message string }

type htmlReport struct {
	Target    string
	Installed string
	Download  string
	Count     string // "25 packages"
	Budget    string
	Over      bool
	Boxes     []htmlBox
	Width     int
	Height    int
	Legend    []htmlLegend
	Rows      []htmlRow
	Families  []htmlRow
	Notes     []string
	Findings  []htmlFinding
}

type htmlLegend struct{ Fill, Text string }

// htmlPage is parsed on first use: every run would pay for it at init.

// writeHTMLReport renders the verdict's sizes as the HTML report.
func writeHTMLReport(v engine.Verdict, target string) ([]byte, error) {
	s := v.Sizes
	rep := htmlReport{Target: target, Installed: engine.HumanBytes(s.Installed), Download: engine.HumanBytes(s.Download),
		Count: plural(len(s.Packages), "package", "packages"), Width: mapWidth, Height: mapHeight}
	if b := v.Budget; b != nil {
		rep.Over = b.Over
		if b.Over {
			rep.Budget = fmt.Sprintf("Over the budget of %s (%s) by %s.", engine.HumanBytes(b.Limit), b.Origin, engine.HumanBytes(b.Counted-b.Limit))
		} else {
			rep.Budget = fmt.Sprintf("Within the budget of %s (%s).", engine.HumanBytes(b.Limit), b.Origin)
		}
	}
	type item struct {
		bytes       int64
		fill, title string
		label, sub  string
	}
	var items []item
	if b := s.Base; b != nil && b.Installed > 0 {
		items = append(items, item{b.Installed, baseColour, "base image " + b.Image + ": " + engine.HumanBytes(b.Installed), "base image", engine.HumanBytes(b.Installed)})
	}
	seen := map[int]bool{}
	for _, p := range s.Largest() {
		rep.Rows = append(rep.Rows, htmlRow{Name: p.Name, Version: p.Version, CUDA: cudaColumn(p.CUDAFamily), Installed: installedColumn(p), Download: downloadColumn(p), File: p.File})
		if p.Installed <= 0 {
			continue
		}
		seen[p.CUDAFamily] = true
		title := fmt.Sprintf("%s %s: %s installed, %s to download", p.Name, p.Version, engine.HumanBytes(p.Installed), engine.HumanBytes(p.Download))
		if p.CUDAFamily != 0 {
			title += fmt.Sprintf(" (CUDA %d)", p.CUDAFamily)
		}
		items = append(items, item{p.Installed, colourOf(p.CUDAFamily), title, p.Name, engine.HumanBytes(p.Installed)})
	}
	weights := make([]float64, len(items))
	for i, it := range items {
		weights[i] = float64(it.bytes)
	}
	// Larger first, as the layout wants them; Largest already sorted the packages, and
	// the base image, when counted, is placed first whatever it weighs.
	for i, r := range treemap.Layout(weights, treemap.Rect{W: mapWidth, H: mapHeight}) {
		it := items[i]
		box := htmlBox{X: num(r.X), Y: num(r.Y), W: num(r.W), H: num(r.H), Fill: it.fill, Title: it.title}
		if r.W >= 60 && r.H >= 30 {
			box.Label, box.Sub = shorten(it.label, r.W), it.sub
			box.LabelX, box.LabelY, box.SubY = num(r.X+4), num(r.Y+14), num(r.Y+27)
		}
		rep.Boxes = append(rep.Boxes, box)
	}
	if s.Base != nil && s.Base.Installed > 0 {
		rep.Legend = append(rep.Legend, htmlLegend{baseColour, "base image"})
	}
	for _, major := range slices.Sorted(maps.Keys(seen)) {
		rep.Legend = append(rep.Legend, htmlLegend{colourOf(major), familyName(major)})
	}
	for _, f := range s.Families {
		rep.Families = append(rep.Families, htmlRow{Name: familyLabel(s, f), CUDA: fmt.Sprint(f.Major), Installed: engine.HumanBytes(f.Installed), Download: engine.HumanBytes(f.Download)})
	}
	rep.Families = append(rep.Families, htmlRow{Name: totalLabel(s), Installed: engine.HumanBytes(s.Installed), Download: engine.HumanBytes(s.Download)})
	switch b := s.Base; {
	case b != nil && b.Installed > 0:
		// The treemap draws it, but a box's size is no number: the table says it, as
		// the text report does. Its download is not known: nothing pulls it here.
		rep.Families = append(rep.Families, htmlRow{Name: "base image " + b.Image, Installed: engine.HumanBytes(b.Installed)})
	case b != nil:
		rep.Notes = append(rep.Notes, "The base image "+b.Image+" is not drawn: its size is not known from its reference.")
	}
	if u := s.Unknown(); len(u) > 0 {
		var names []string
		for _, p := range u {
			names = append(names, p.Name+" ("+p.InstalledUnknown+")")
		}
		rep.Notes = append(rep.Notes, "Not drawn, installed size unknown: "+strings.Join(names, "; ")+".")
	}
	for _, w := range sizeFindings(v.Warnings) {
		bytes := "bytes unknown"
		if w.Bytes > 0 {
			bytes = engine.HumanBytes(w.Bytes)
		}
		rep.Findings = append(rep.Findings, htmlFinding{Bytes: bytes, Code: w.Code, Message: w.Text()})
	}
	return renderHTMLReport(rep)
}

func colourOf(major int) string {
	if c, ok := familyColours[major]; ok {
		return c
	}
	return "#a6d854" // a CUDA family newer than the colours above
}

func familyName(major int) string {
	if major == 0 {
		return "no CUDA"
	}
	return fmt.Sprintf("CUDA %d", major)
}

func cudaColumn(major int) string {
	if major == 0 {
		return "-"
	}
	return fmt.Sprint(major)
}

func installedColumn(p engine.PackageSize) string {
	if p.InstalledUnknown != "" {
		return "?"
	}
	return engine.HumanBytes(p.Installed)
}

// downloadColumn is "?" for a pin whose file was not looked up (offline, without the
// cache): its 0 is no size.
func downloadColumn(p engine.PackageSize) string {
	if p.File == "" && p.InstalledUnknown != "" {
		return "?"
	}
	return engine.HumanBytes(p.Download)
}

// num writes a coordinate with one decimal, so the same layout gives the same bytes.
func num(f float64) string { return fmt.Sprintf("%.1f", f) }

// shorten cuts a label to what a box of width w holds (about 6.5 pixels a character).
func shorten(label string, w float64) string {
	fit := int((w - 8) / 6.5)
	if len(label) <= fit || fit < 2 {
		return label
	}
	return label[:fit-1] + "…"
}

// bloatCodes are the codes of the findings about the image's bloat.
var bloatCodes = []string{engine.WarningBaseImageDuplicate, engine.WarningDevelBaseImage, matrix.AdvisoryCUDAWheelsOnCPUTarget, matrix.AdvisoryCUDAFamilyMix}

// sizeFindings are the warnings about the image's bloat: those with bytes at stake, and
// those whose bytes are not known (a base image known by its tag, sizes not looked up
// offline), which the findings list all the same.
func sizeFindings(ws []engine.Warning) []engine.Warning {
	var out []engine.Warning
	for _, w := range ws {
		if w.Bytes > 0 || slices.Contains(bloatCodes, w.Code) {
			out = append(out, w)
		}
	}
	return out
}

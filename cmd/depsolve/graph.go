package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/depsolve/depsolve/engine"
	"github.com/depsolve/depsolve/internal/printable"
	"github.com/depsolve/depsolve/resolver"
)

// drawing is a graph to print as Graphviz DOT or Mermaid: nodes in the order they were
// added, each edge once.
type drawing struct {
	name  string // DOT's graph name
	nodes []drawnNode
	ids   map[string]int // node key -> index in nodes
	edges []drawnEdge
	seen  map[drawnEdge]bool
}

type nodeShape uint8

const (
	shapeBox     nodeShape = iota // a package; a fact of a derivation
	shapeRound                    // the user's requirements; a conclusion
	shapeHexagon                  // the derivation's final conclusion: no solution
)

type drawnNode struct {
	label string
	shape nodeShape
}

type drawnEdge struct {
	from, to int
	label    string
}

func newDrawing(name string) *drawing {
	return &drawing{name: name, ids: map[string]int{}, seen: map[drawnEdge]bool{}}
}

// node returns the index of the node with key, adding it the first time. Labels come
// from index pages and requirement files: they are escaped (package printable).
func (d *drawing) node(key, label string, shape nodeShape) int {
	if i, ok := d.ids[key]; ok {
		return i
	}
	d.ids[key] = len(d.nodes)
	d.nodes = append(d.nodes, drawnNode{label: printable.Escape(label), shape: shape})
	return len(d.nodes) - 1
}

func (d *drawing) edge(from, to int, label string) {
	e := drawnEdge{from, to, printable.Escape(label)}
	if !d.seen[e] {
		d.seen[e] = true
		d.edges = append(d.edges, e)
	}
}

// dot writes the drawing for Graphviz.
func (d *drawing) dot() string {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n\trankdir=LR;\n\tnode [fontname=\"Helvetica\"];\n", d.name)
	shapes := map[nodeShape]string{shapeBox: "box", shapeRound: "ellipse", shapeHexagon: "hexagon"}
	for i, n := range d.nodes {
		fmt.Fprintf(&b, "\tn%d [label=%s, shape=%s];\n", i, dotQuote(n.label), shapes[n.shape])
	}
	for _, e := range d.edges {
		fmt.Fprintf(&b, "\tn%d -> n%d", e.from, e.to)
		if e.label != "" {
			fmt.Fprintf(&b, " [label=%s]", dotQuote(e.label))
		}
		b.WriteString(";\n")
	}
	b.WriteString("}\n")
	return b.String()
}

func dotQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// mermaid writes the drawing as a Mermaid flowchart.
func (d *drawing) mermaid() string {
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	for i, n := range d.nodes {
		open, closing := "[", "]"
		switch n.shape {
		case shapeRound:
			open, closing = "(", ")"
		case shapeHexagon:
			open, closing = "{{", "}}"
		}
		fmt.Fprintf(&b, "    n%d%s%s%s\n", i, open, mermaidQuote(n.label), closing)
	}
	for _, e := range d.edges {
		if e.label == "" {
			fmt.Fprintf(&b, "    n%d --> n%d\n", e.from, e.to)
			continue
		}
		fmt.Fprintf(&b, "    n%d -->|%s| n%d\n", e.from, mermaidQuote(e.label), e.to)
	}
	return b.String()
}

// mermaidQuote makes a label Mermaid reads as text whatever it holds: quoted, with
// its quotes and the characters Mermaid treats as markup as entity codes.
func mermaidQuote(s string) string {
	return `"` + strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;", "\n", "<br>").Replace(s) + `"`
}

// solutionDrawing draws the packages of the trees with an arrow for each requirement,
// from the package that requires (or the user's requirements) to the package required.
func solutionDrawing(trees []*engine.TreeNode, inverted bool) *drawing {
	d := newDrawing("solution")
	user := func() int { return d.node("", "your requirements", shapeRound) }
	pkg := func(n *engine.TreeNode) int {
		return d.node(n.Name, n.Name+" "+n.Version.String(), shapeBox)
	}
	userEdges := func(to int, es []resolver.Edge) {
		for _, e := range es {
			if e.From == "" {
				d.edge(user(), to, strings.TrimSpace(extrasText(e)+e.Specifier+" "+e.Origin.LineOnly().String()))
			}
		}
	}
	var walk func(n *engine.TreeNode, parent int)
	walk = func(n *engine.TreeNode, parent int) {
		if n.Name == "" {
			userEdges(parent, n.Edges)
			return
		}
		self := pkg(n)
		if parent >= 0 {
			from, to := parent, self
			if inverted {
				from, to = self, parent
			}
			for _, e := range n.Edges {
				d.edge(from, to, extrasText(e)+e.Specifier)
			}
		} else {
			userEdges(self, n.Edges)
		}
		for _, c := range n.Children {
			walk(c, self)
		}
	}
	for _, t := range trees {
		walk(t, -1)
	}
	return d
}

// derivationDrawing draws the proof of a conflict: each fact and each conclusion once,
// with an arrow from the two statements a conclusion is drawn from to the conclusion,
// ending at "your requirements cannot be satisfied".
func derivationDrawing(ns *resolver.NoSolution) *drawing {
	d := newDrawing("conflict")
	text := ns.Statements()
	var walk func(in *resolver.Incompatibility) int
	walk = func(in *resolver.Incompatibility) int {
		key := fmt.Sprintf("%p", in)
		if i, ok := d.ids[key]; ok {
			return i
		}
		shape := shapeBox
		switch {
		case in == ns.Root:
			shape = shapeHexagon
		case in.Left != nil: // derived from two premises
			shape = shapeRound
		}
		self := d.node(key, text[in], shape)
		if in.Left != nil {
			for _, premise := range []*resolver.Incompatibility{in.Left, in.Right} {
				d.edge(walk(premise), self, "")
			}
		}
		return self
	}
	walk(ns.Root)
	return d
}

// runCheckGraph is check --graph: the derivation of a conflict, or the solution, drawn
// in format (dot or mermaid). A lock that does not install as pinned, and a solution
// the policy refuses or that is over the size budget, have no derivation to draw: they
// are printed as text.
func runCheckGraph(ctx context.Context, u *ui, f *inputFlags, pf *policyFlags, format string, args []string) error {
	req := f.request(args)
	req.Reporter = u
	if err := pf.apply(&req); err != nil {
		return err
	}
	v, err := engine.Check(ctx, req)
	if err != nil {
		return err
	}
	var d *drawing
	switch {
	case v.Conflict != nil:
		d = derivationDrawing(v.Conflict)
	case printNoSolution(u, v), printUnfitSolution(u, v):
		return exitStatus(exitConflict)
	default:
		trees, err := v.Tree(engine.TreeOptions{Depth: -1})
		if err != nil {
			return err
		}
		d = solutionDrawing(trees, false)
	}
	if format == "mermaid" {
		u.print(d.mermaid())
	} else {
		u.print(d.dot())
	}
	if v.Conflict != nil {
		return exitStatus(exitConflict)
	}
	return nil
}

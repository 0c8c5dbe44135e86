package engine

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/resolver"
)

// TreeOptions shape the trees of Verdict.Tree.
type TreeOptions struct {
	// Invert turns the trees upside down: a package's children are what requires it,
	// down to the user's requirements.
	Invert bool
	// Depth is how many levels below the roots are shown; negative for all.
	Depth int
	// Packages are the roots, in any spelling of their names. Without them the roots
	// are what the user requires, or inverted, the packages that require nothing.
	Packages []string
}

// A TreeNode is one package in a tree of the solution, or, inverted, one requirement
// of the user's (Name "").
type TreeNode struct {
	Name    string // PEP 503; "" for the user's requirement in Edges
	Version pep440.Version
	// Edges join the node to its parent: the parent's requirements on the package
	// (inverted: the package's requirements on the parent). A root's are the user's
	// requirements on it (inverted: none, as they are its children).
	Edges    []resolver.Edge
	Children []*TreeNode
	// Repeated marks a package whose children are shown where it first appears, in
	// this tree or an earlier one (uv's "(*)"): a solution is a graph, and trees that
	// repeat every shared subtree grow exponentially.
	Repeated bool
}

// Tree is the solution of an OK verdict as trees of requirements, in a stable order:
// roots and children by name.
func (v *Verdict) Tree(opts TreeOptions) ([]*TreeNode, error) {
	g := newSolutionGraph(v.Packages)
	roots, err := g.roots(opts)
	if err != nil {
		return nil, err
	}
	expanded := map[string]bool{}
	var grow func(n *TreeNode, depth int)
	grow = func(n *TreeNode, depth int) {
		next := g.children(n.Name, opts.Invert)
		switch {
		case len(next) == 0, opts.Depth >= 0 && depth >= opts.Depth:
		case expanded[n.Name]:
			n.Repeated = true
		default:
			expanded[n.Name] = true
			n.Children = next
			for _, c := range next {
				grow(c, depth+1)
			}
		}
	}
	for _, r := range roots {
		grow(r, 0)
	}
	return roots, nil
}

// A Hop is one step of a path from the user's requirements to a package: the
// requirement Edge brings in Name at Version.
type Hop struct {
	Name    string
	Version pep440.Version
	Edge    resolver.Edge
}

// Why lists the paths by which the requirements bring name into the solution, each
// from one of the user's requirements (the first hop's Edge.Origin) down to the
// package; shortest first. A package many paths lead to gets the first maxPaths of
// them, and more says that others exist.
func (v *Verdict) Why(name string, maxPaths int) (paths [][]Hop, more bool, err error) {
	g := newSolutionGraph(v.Packages)
	key := pep508.NormalizeName(name)
	if _, ok := g.byName[key]; !ok {
		return nil, false, g.notInSolution(name)
	}
	// Enumerating stops past a bound: the paths of a dense graph are exponential in
	// number, and a reader wants the shortest few.
	const enumerated = 1000
	onPath := map[string]bool{}
	var all [][]Hop
	var walk func(name string, below []Hop)
	walk = func(name string, below []Hop) {
		if len(all) >= enumerated || onPath[name] {
			return
		}
		onPath[name] = true
		defer delete(onPath, name)
		p := g.byName[name]
		for _, e := range p.RequiredBy {
			path := append([]Hop{{Name: name, Version: p.Version, Edge: e}}, below...)
			if e.From == "" {
				all = append(all, path)
				continue
			}
			walk(e.From, path)
		}
	}
	walk(key, nil)
	slices.SortStableFunc(all, func(a, b []Hop) int {
		return cmp.Or(cmp.Compare(len(a), len(b)), cmp.Compare(pathKey(a), pathKey(b)))
	})
	if len(all) > maxPaths {
		return all[:maxPaths], true, nil
	}
	return all, false, nil
}

// pathKey orders paths of one length: by where they start, then by the packages
// they pass.
func pathKey(p []Hop) string {
	var b strings.Builder
	for _, h := range p {
		b.WriteString(h.Edge.Origin.String() + "\x00" + h.Name + "\x00" + h.Edge.Specifier + "\x00")
	}
	return b.String()
}

// solutionGraph indexes a solution's packages and their requirements both ways.
type solutionGraph struct {
	byName   map[string]*Package
	names    []string            // sorted
	requires map[string][]string // the packages each requires, sorted
}

func newSolutionGraph(packages []Package) *solutionGraph {
	g := &solutionGraph{byName: map[string]*Package{}, requires: map[string][]string{}}
	for i := range packages {
		p := &packages[i]
		g.byName[p.Name] = p
		g.names = append(g.names, p.Name)
		for _, e := range p.RequiredBy {
			if e.From != "" && !slices.Contains(g.requires[e.From], p.Name) {
				g.requires[e.From] = append(g.requires[e.From], p.Name)
			}
		}
	}
	slices.Sort(g.names)
	for _, rs := range g.requires {
		slices.Sort(rs)
	}
	return g
}

func (g *solutionGraph) notInSolution(name string) error {
	return &RequestError{Err: fmt.Errorf("%s is not in the solution for this target: nothing the requirements need on it is called that (depsolve tree lists the %d %s that are)", name, len(g.names), plural(len(g.names), "package", "packages"))}
}

// roots are the packages the trees start from.
func (g *solutionGraph) roots(opts TreeOptions) ([]*TreeNode, error) {
	var names []string
	switch {
	case len(opts.Packages) > 0:
		for _, n := range opts.Packages {
			key := pep508.NormalizeName(n)
			if _, ok := g.byName[key]; !ok {
				return nil, g.notInSolution(n)
			}
			if !slices.Contains(names, key) {
				names = append(names, key)
			}
		}
		slices.Sort(names)
	case opts.Invert:
		for _, n := range g.names {
			if len(g.requires[n]) == 0 {
				names = append(names, n)
			}
		}
	default:
		for _, n := range g.names {
			if slices.ContainsFunc(g.byName[n].RequiredBy, isUserEdge) {
				names = append(names, n)
			}
		}
	}
	out := make([]*TreeNode, len(names))
	for i, n := range names {
		p := g.byName[n]
		out[i] = &TreeNode{Name: n, Version: p.Version}
		if !opts.Invert {
			out[i].Edges = filterEdges(p.RequiredBy, isUserEdge)
		}
	}
	return out, nil
}

// children are the packages name requires (inverted: what requires name, the user's
// requirements as nodes of their own, first).
func (g *solutionGraph) children(name string, invert bool) []*TreeNode {
	if name == "" {
		return nil
	}
	var out []*TreeNode
	if invert {
		p := g.byName[name]
		for _, e := range p.RequiredBy {
			switch {
			case e.From == "":
				out = append(out, &TreeNode{Edges: []resolver.Edge{e}})
			case len(out) == 0 || out[len(out)-1].Name != e.From:
				from := g.byName[e.From]
				out = append(out, &TreeNode{Name: e.From, Version: from.Version, Edges: []resolver.Edge{e}})
			default:
				last := out[len(out)-1]
				last.Edges = append(last.Edges, e)
			}
		}
		return out
	}
	for _, dep := range g.requires[name] {
		p := g.byName[dep]
		out = append(out, &TreeNode{Name: dep, Version: p.Version, Edges: filterEdges(p.RequiredBy, func(e resolver.Edge) bool { return e.From == name })})
	}
	return out
}

func isUserEdge(e resolver.Edge) bool { return e.From == "" }

func filterEdges(es []resolver.Edge, keep func(resolver.Edge) bool) []resolver.Edge {
	var out []resolver.Edge
	for _, e := range es {
		if keep(e) {
			out = append(out, e)
		}
	}
	return out
}

package engine

import (
	"strings"
	"testing"

	"github.com/depsolve/depsolve/input"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/resolver"
)

// A dependency cycle (a needs b, b needs a) is legal in Python metadata: trees show
// each package's dependencies once and why's paths never go round.
func TestTreeAndWhyWithCycle(t *testing.T) {
	v := Verdict{Packages: []Package{
		{Name: "a", Version: pep440.MustParse("1"), RequiredBy: []resolver.Edge{{Origin: input.Position{File: "requirements.txt", Line: 1}, Specifier: ">=1"}, {From: "b"}}},
		{Name: "b", Version: pep440.MustParse("2"), RequiredBy: []resolver.Edge{{From: "a", Specifier: "<3"}}},
		{Name: "c", Version: pep440.MustParse("3"), RequiredBy: []resolver.Edge{{From: "a"}, {From: "b"}}},
	}}
	trees, err := v.Tree(TreeOptions{Depth: -1})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := treeShape(trees), "a(b(a* c) c)"; got != want {
		t.Errorf("tree %s, want %s", got, want)
	}
	trees, err = v.Tree(TreeOptions{Depth: 1, Invert: true, Packages: []string{"C"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := treeShape(trees), "c(a b)"; got != want {
		t.Errorf("inverted tree %s, want %s", got, want)
	}

	paths, more, err := v.Why("c", 10)
	if err != nil || more {
		t.Fatalf("Why: more %v, err %v", more, err)
	}
	var got []string
	for _, p := range paths {
		var names []string
		for _, h := range p {
			names = append(names, h.Name)
		}
		got = append(got, strings.Join(names, ">"))
	}
	if want := "a>c a>b>c"; strings.Join(got, " ") != want {
		t.Errorf("paths %q, want %s", got, want)
	}
	if _, _, err := v.Why("d", 10); err == nil {
		t.Error("Why of a package not in the solution: no error")
	}
	if _, more, _ := v.Why("c", 1); !more {
		t.Error("Why with room for one of two paths: more is false")
	}
}

// treeShape writes trees as "name(children)", a repeated package with "*".
func treeShape(nodes []*TreeNode) string {
	var parts []string
	for _, n := range nodes {
		s := n.Name
		if n.Repeated {
			s += "*"
		}
		if len(n.Children) > 0 {
			s += "(" + treeShape(n.Children) + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

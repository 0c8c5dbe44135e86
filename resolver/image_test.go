package resolver

import (
	"context"
	"strings"
	"testing"

	"github.com/depsolve/depsolve/pep440"
)

// A package the base image ships is a fixed fact: a requirement its release does not
// satisfy is a conflict that names the image and where the package is installed, and a
// requirement it satisfies takes the index's build of that release, never another one.
func TestImagePackages(t *testing.T) {
	shipped := ImagePackage{Name: "torch", Version: pep440.MustParse("2.5.1+cu124"), Image: "nvidia/cuda:12.4.1@sha256:abc",
		Location: "/usr/local/lib/python3.11/site-packages"}

	pb := policyProblem(t, []string{"torch>=2.6"})
	pb.Image = []ImagePackage{shipped}
	_, ns, err := Resolve(context.Background(), pb)
	if err != nil || ns == nil {
		t.Fatalf("torch>=2.6 on an image that ships torch 2.5.1: want no solution, got %v", err)
	}
	want := "the base image nvidia/cuda:12.4.1@sha256:abc ships torch 2.5.1+cu124 (/usr/local/lib/python3.11/site-packages)"
	if text := ns.Text(); !strings.Contains(text, want) {
		t.Errorf("the explanation does not say %q:\n%s", want, text)
	}

	pb = policyProblem(t, []string{"torch", "numpy"})
	pb.Image = []ImagePackage{shipped}
	res, ns, err := Resolve(context.Background(), pb)
	if err != nil || ns != nil {
		t.Fatalf("torch on an image that ships torch 2.5.1: want a solution, got %v, %v", err, ns)
	}
	for _, p := range res.Packages {
		if p.Name == "torch" && p.Version.String() != "2.5.1" {
			t.Errorf("torch pinned at %s; the image ships 2.5.1", p.Version)
		}
	}
}

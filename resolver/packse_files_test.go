package resolver_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/depsolve/depsolve/index"
	"github.com/depsolve/depsolve/input"
	"github.com/depsolve/depsolve/internal/fakeindex"
	"github.com/depsolve/depsolve/pep425"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/resolver"
)

// TestPackseFiles runs the packse scenarios in which the files decide: wheel tags,
// sdist-only versions, --no-build and --no-binary (pip's --only-binary and
// --no-binary), a target platform. Each scenario's versions are served as real
// files by internal/fakeindex, and the index client decides which files the
// target can use, as it does for the CLI.
func TestPackseFiles(t *testing.T) {
	ran := 0
	for _, s := range resolver.LoadPackse(t) {
		if s.SkipReason() != "" || s.FilesReason() == "" {
			continue
		}
		ran++
		t.Run(s.Name, func(t *testing.T) {
			pb := packseFilesProblem(t, &s)
			res, ns, err := resolver.Resolve(context.Background(), pb)
			if err != nil {
				t.Fatal(err)
			}
			s.Check(t, res, ns)
		})
	}
	if ran == 0 {
		t.Fatal("no scenario needs files; the selection is broken")
	}
}

// packseFilesProblem serves s's packages as files and returns the problem of its
// root requirements over the index client.
func packseFilesProblem(t *testing.T, s *resolver.PackseScenario) *resolver.Problem {
	t.Helper()
	snap := &fakeindex.Snapshot{Packages: map[string]map[string]*fakeindex.Entry{}}
	for name, versions := range s.Packages {
		snap.Packages[name] = map[string]*fakeindex.Entry{}
		for v, m := range versions {
			if len(m.Extras) > 0 {
				t.Fatalf("%s %s: extras: the fake index writes no Provides-Extra", name, v)
			}
			e := &fakeindex.Entry{RequiresDist: m.Requires}
			if m.RequiresPython != nil {
				e.RequiresPython = *m.RequiresPython
			}
			if m.Sdist {
				e.Sdist = json.RawMessage("true")
			}
			if m.Yanked {
				e.Yanked = json.RawMessage("true")
			}
			switch {
			case !m.Wheel:
				e.Wheels = []fakeindex.WheelSpec{}
			case len(m.WheelTags) > 0:
				for _, tag := range m.WheelTags {
					e.Wheels = append(e.Wheels, fakeindex.WheelSpec{Filename: fmt.Sprintf("%s-%s-%s.whl", strings.ReplaceAll(name, "-", "_"), v, tag)})
				}
			}
			snap.Packages[name][v] = e
		}
	}
	built, err := fakeindex.Build(snap)
	if err != nil {
		t.Fatal(err)
	}
	srv := fakeindex.Serve(built, fakeindex.Options{})
	t.Cleanup(srv.Close)

	python := s.Environment.Python
	if s.Options.Python != nil {
		python = *s.Options.Python
	}
	platform := "manylinux_2_35_x86_64"
	if s.Options.PythonPlatform != nil {
		// uv's "x86_64-manylinux2014" is the wheel tag manylinux2014_x86_64.
		arch, libc, _ := strings.Cut(*s.Options.PythonPlatform, "-")
		platform = libc + "_" + arch
	}
	py, err := pep425.ParsePython(python)
	if err != nil {
		t.Fatal(err)
	}
	plat, err := pep425.ParsePlatform(platform)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.New(index.Options{
		Target:      pep425.Target{Python: py, Platform: plat},
		IndexURL:    srv.IndexURL("pypi"),
		OnlyBinary:  s.Options.NoBuild,
		NoBinary:    s.Options.NoBinary,
		MaxPrefetch: -1,
		HTTP:        index.HTTPOptions{Backoff: time.Millisecond},
		TempDir:     t.TempDir(),
	})
	if err != nil {
		t.Fatal(err)
	}
	version := pep440.MustParse(python)
	short := fmt.Sprintf("%d.%d", version.Release()[0], version.Release()[1])
	pb := &resolver.Problem{
		Index: ix,
		Environment: pep508.Environment{
			"implementation_name": "cpython", "os_name": "posix", "platform_machine": "x86_64",
			"platform_python_implementation": "CPython", "platform_system": "Linux", "sys_platform": "linux",
			"python_version": short, "python_full_version": short + ".0", "implementation_version": short + ".0",
		},
		Virtual: []resolver.Virtual{{Name: "@python", Version: version, Origin: "from --python"}},
	}
	for i, req := range s.Root.Requires {
		r, err := pep508.ParseRequirement(req)
		if err != nil {
			t.Fatal(err)
		}
		pb.Requirements = append(pb.Requirements, resolver.Requirement{Requirement: r, Origin: input.Position{File: "requirements.txt", Line: i + 1}})
	}
	return pb
}

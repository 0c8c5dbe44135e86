package engine

import (
	"strings"
	"testing"

	"github.com/depsolve/depsolve/target"
)

// TestScaffoldRecordsReadImage: a lock made reading the golden image in its registry is
// remade by the hook from depsolve.toml, which must ask for the same read.
func TestScaffoldRecordsReadImage(t *testing.T) {
	m, err := Matrix()
	if err != nil {
		t.Fatal(err)
	}
	tgt, err := target.Build(m.Catalog(), target.Defaults{Python: DefaultPython, Platform: DefaultPlatform}, target.Declaration{
		Python:    target.Flag("--python", "3.12"),
		BaseImage: target.Flag("--base-image", "python:3.12-slim-bookworm"),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, read := range []bool{false, true} {
		files, err := Scaffold(Project{Packages: []string{"numpy"}, Target: tgt, HooksRev: "v0.2.0", ReadImage: read})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if f.Path != InitConfig {
				continue
			}
			if got := strings.Contains(string(f.Content), "\nread-image = true\n"); got != read {
				t.Errorf("ReadImage %v: depsolve.toml says read-image = true: %v\n%s", read, got, f.Content)
			}
		}
	}
}

package policy

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/depsolve/depsolve/target"
)

// FuzzParse: a policy file is a platform team's, fetched from a URL or read from disk;
// whatever it holds, Parse never panics, and what it refuses is an InputError in the
// file, at a line of it.
func FuzzParse(f *testing.F) {
	for _, path := range []string{"testdata/policy.toml", "../examples/policy/policy.toml"} {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("[[deny]]\npackage = \"torch\"\nversions = \"<2.6\"\n"))
	f.Add([]byte("[budget]\nmax-image-size = \"8 GB\"\n[strict]\nerrors = [\"note\"]\n"))
	f.Add([]byte("[fleet.a]\n[[fleet.a.target]]\nname = 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := Parse("policy.toml", data, testCodes)
		if err == nil {
			return
		}
		var ie *target.InputError
		if !errors.As(err, &ie) {
			t.Fatalf("%T: %v", err, err)
		}
		if ie.Pos.File != "policy.toml" {
			t.Fatalf("error in %q: %v", ie.Pos.File, err)
		}
		if lines := strings.Count(string(data), "\n") + 1; ie.Pos.Line > lines {
			t.Fatalf("line %d of a %d-line file: %v", ie.Pos.Line, lines, err)
		}
	})
}

package reqfile

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkParse10000Lines parses a 10,000-line file of the kinds of lines real
// files have: pins with markers, comments, continued lines with hashes, extras.
func BenchmarkParse10000Lines(b *testing.B) {
	var sb strings.Builder
	for i := range 10000 {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&sb, "package-%d==1.%d.0 ; python_version >= \"3.9\" and sys_platform == \"linux\"  # via something\n", i, i%97)
		case 1:
			fmt.Fprintf(&sb, "# comment line %d\n", i)
		case 2:
			fmt.Fprintf(&sb, "pkg-%d[extra-a,extra-b]>=2.0,<3 \\\n", i)
		case 3:
			fmt.Fprintf(&sb, "    --hash=sha256:%064x\n", i)
		}
	}
	data := sb.String()
	opts := Options{FS: newFS("requirements.txt", data), LookupEnv: env()}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := Parse("requirements.txt", opts)
		if err != nil {
			b.Fatal(err)
		}
		if len(f.Requirements) != 5000 {
			b.Fatalf("%d requirements", len(f.Requirements))
		}
	}
}

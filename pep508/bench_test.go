package pep508

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// benchmarkLines returns 10,000 requirement lines: the real-world lines of
// testdata/corpus-requirements.txt, then the valid conformance strings,
// repeated as needed.
func benchmarkLines(b *testing.B) []string {
	f, err := os.Open("testdata/corpus-requirements.txt")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var pool []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
			pool = append(pool, line)
		}
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	for _, c := range loadVectors(b).Requirements.Valid {
		pool = append(pool, c.Input)
	}
	lines := make([]string, 10000)
	for i := range lines {
		lines[i] = pool[i%len(pool)]
	}
	return lines
}

// BenchmarkParseRequirement10k parses 10,000 requirement lines per
// iteration; ns/op divided by 10,000 is the cost of one line.
func BenchmarkParseRequirement10k(b *testing.B) {
	lines := benchmarkLines(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, line := range lines {
			if _, err := ParseRequirement(line); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(lines)), "ns/line")
}

func BenchmarkEvaluate(b *testing.B) {
	m, err := ParseMarker(`platform_system == "Linux" and platform_machine == "x86_64" and python_version >= "3.9" and python_version < "3.13" or extra == "gpu"`)
	if err != nil {
		b.Fatal(err)
	}
	env := Environment{"platform_system": "Linux", "platform_machine": "x86_64", "python_version": "3.12", "extra": "gpu"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Evaluate(env); err != nil {
			b.Fatal(err)
		}
	}
}

// Every Requires-Dist of every release a solve looks at is parsed again on each warm
// run, so a requirement costs its specifier set, its marker's one allocation per
// chain, and little more: no specifier text put together again when it is written
// without spaces, no set of extras for a short list.
func TestParseRequirementAllocs(t *testing.T) {
	for _, tc := range []struct {
		requirement string
		most        float64
	}{
		{`pytest>=7; extra == "test"`, 6},
		{`numpy>=1.21,<2.0; python_version < "3.11" and platform_system == "Linux"`, 15},
		{`accelerate[torch,testing]>=0.26.0`, 7},
	} {
		got := testing.AllocsPerRun(100, func() {
			if _, err := ParseRequirement(tc.requirement); err != nil {
				t.Fatal(err)
			}
		})
		if got > tc.most {
			t.Errorf("ParseRequirement(%q): %v allocations, want at most %v", tc.requirement, got, tc.most)
		}
	}
}

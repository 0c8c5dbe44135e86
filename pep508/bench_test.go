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

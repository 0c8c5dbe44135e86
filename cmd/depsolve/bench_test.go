package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkCommandTree measures what every run but --version pays before it does
// anything: the commands and their flags, built and parsed (here for `check --help`).
func BenchmarkCommandTree(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if code := run([]string{"check", "--help"}, io.Discard, io.Discard); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}

// BenchmarkWarmCheckEmpty measures the fixed cost of a warm check: everything but the
// resolution, for a requirements file that lists nothing, on a cache the first run filled.
func BenchmarkWarmCheckEmpty(b *testing.B) {
	dir := b.TempDir()
	reqs := filepath.Join(dir, "requirements.txt")
	if err := os.WriteFile(reqs, nil, 0o644); err != nil {
		b.Fatal(err)
	}
	args := []string{"check", reqs, "-q", "--offline", "--python", "3.11.9", "--platform", "manylinux_2_35_x86_64", "--cache-dir", filepath.Join(dir, "cache")}
	if code := run(args, io.Discard, io.Discard); code != exitOK {
		b.Fatalf("exit %d", code)
	}
	b.ReportAllocs()
	for b.Loop() {
		if code := run(args, io.Discard, io.Discard); code != exitOK {
			b.Fatalf("exit %d", code)
		}
	}
}

package main

import (
	"io"
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

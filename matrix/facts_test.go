package matrix

import (
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/target"
)

// testFacts is a target as the rules tests write it: the platform facts, and the value
// of each virtual package it has as text ("" for none).
type testFacts struct {
	OS, Machine                 string
	Python, Driver, CUDA, Glibc string
	GPUs                        []string
	CPU                         bool
}

// forFacts applies m to the target f describes, as ForTarget does to a built one.
func forFacts(m *Matrix, f testFacts) *TargetMatrix {
	tm := &TargetMatrix{m: m, t: targetFacts{OS: f.OS, Machine: f.Machine, CPU: f.CPU}, virtuals: map[string]pep440.Version{}}
	for name, text := range map[string]string{target.VirtualPython: f.Python, target.VirtualDriver: f.Driver, target.VirtualCUDA: f.CUDA, target.VirtualGlibc: f.Glibc} {
		if text != "" {
			tm.virtuals[name] = pep440.MustParse(text)
		}
	}
	for _, cc := range f.GPUs {
		tm.gpus = append(tm.gpus, pep440.MustParse(cc))
	}
	return tm
}

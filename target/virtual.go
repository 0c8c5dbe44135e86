package target

import (
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/resolver"
)

// The virtual packages the solver sees for a target. Each has exactly one version, the
// target's value; a target that does not know a value has no such package.
const (
	VirtualPython = "@python" // the full Python version, "3.11.9"
	VirtualDriver = "@driver" // the NVIDIA driver, "535.104.05"
	VirtualCUDA   = "@cuda"   // the CUDA toolkit of the base image, "12.4.1"
	VirtualGlibc  = "@glibc"  // "2.35"
)

// VirtualGPU is the virtual package of the i-th GPU of a fleet ("@gpu:0"); its version is
// the compute capability ("9.0"). A fleet has one per distinct compute capability.
func VirtualGPU(i int) string { return "@gpu:" + strconv.Itoa(i) }

// Virtuals are the target's facts as the resolver takes them (resolver.Problem.Virtual):
// the virtualPackages, sorted by name, each with where its value came from as an
// explanation prints it ("from --driver", "detected by nvidia-smi") and, for a GPU, the
// models of that compute capability ("NVIDIA GeForce RTX 5090"), so that a conflict reads
// "your target's GPU 0 compute capability is 12.0 (NVIDIA GeForce RTX 5090, from --gpu)".
func (t *Target) Virtuals() []resolver.Virtual {
	origins := map[string]Origin{
		VirtualPython: t.Python.Origin,
		VirtualDriver: t.Driver.Origin,
		VirtualCUDA:   t.CUDA.Origin,
		VirtualGlibc:  t.GLibc.Origin,
	}
	labels := map[string]string{}
	for i, cc := range t.Capabilities() {
		name := VirtualGPU(i)
		var models []string
		for _, g := range t.GPUs {
			v, err := pep440.Parse(g.Capability)
			if err != nil || !v.Equal(cc) {
				continue
			}
			if _, ok := origins[name]; !ok {
				origins[name] = g.Origin
			}
			if _, isCapability := readCapability(g.Name); !isCapability && !slices.Contains(models, g.Name) {
				models = append(models, g.Name)
			}
		}
		labels[name] = join(models)
	}
	vp := t.virtualPackages()
	out := make([]resolver.Virtual, 0, len(vp))
	for _, name := range slices.Sorted(maps.Keys(vp)) {
		out = append(out, resolver.Virtual{Name: name, Version: vp[name], Origin: origins[name].phrase(), Label: labels[name]})
	}
	return out
}

// phrase is the origin as an explanation prints it after a value: "from --driver", "from
// depsolve.toml:3", "from base image nvidia/cuda:12.4.1-runtime-ubuntu22.04", "detected
// by nvidia-smi", "by default"; "" when unknown.
func (o Origin) phrase() string {
	switch o.From {
	case FromFlag:
		return "from " + o.Detail
	case FromConfig, FromPyproject, FromBaseImage:
		return "from " + o.String()
	case FromLock:
		return "from " + lineString(o.Pos)
	case FromDetection:
		return "detected by " + o.Detail
	case FromDefault:
		if o.Detail != "" {
			return fmt.Sprintf("by default (%s)", o.Detail)
		}
		return "by default"
	}
	return ""
}

package engine

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/depsolve/depsolve/matrix"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/reqfile"
	"github.com/depsolve/depsolve/target"
)

// Deployment is what the image a lock is installed in needs from the node it runs on,
// and the forms a container runtime and a scheduler check it in.
type Deployment struct {
	Lock   string
	Target *target.Target // the lock's target: its header, then the request's flags over it
	Fleet  string         // the fleet target the lock records ("training/h100-580"); "" for none
	Pins   int            // the pins that apply on the target
	// GPU is false for a lock made for a target without a GPU (gpu: none): it needs
	// nothing of the node's GPUs, and the rest is empty.
	GPU bool
	matrix.NodeNeeds
	// CapabilitySpans are NodeNeeds.Capabilities as runs of compute capabilities; none
	// when no row of the matrix narrows them.
	CapabilitySpans []matrix.CapabilitySpan
	// NvidiaRequire is the NVIDIA container runtime's requirement expression (the syntax of
	// NVIDIA_REQUIRE_CUDA and every NVIDIA_REQUIRE_* variable, which it checks when the
	// container starts) for the driver and the capability of GPU 0; "" when nothing is needed.
	NvidiaRequire string
	// NodeSelectorTerms are a Kubernetes node affinity over the labels NVIDIA GPU Feature
	// Discovery puts on a node: the node must match one term, and every requirement of it.
	NodeSelectorTerms [][]NodeSelectorRequirement
}

// NodeSelectorRequirement is one requirement of a Kubernetes node selector term.
type NodeSelectorRequirement struct {
	Key      string   `json:"key"`
	Operator string   `json:"operator"` // In, Gt, Lt
	Values   []string `json:"values"`
}

// The labels of GPU Feature Discovery that node affinities test: the driver version's
// parts, and the compute capability of the node's GPUs.
const (
	LabelDriverMajor  = "nvidia.com/cuda.driver.major"
	LabelDriverMinor  = "nvidia.com/cuda.driver.minor"
	LabelDriverRev    = "nvidia.com/cuda.driver.rev"
	LabelComputeMajor = "nvidia.com/gpu.compute.major"
	LabelComputeMinor = "nvidia.com/gpu.compute.minor"
)

// Constraints reads a lock (a requirements lock or a pylock.toml, req.Requirements[0]) and
// says what its image needs from a node: the least NVIDIA driver and the compute
// capabilities its pins run on. The target is the one the lock records; the request's
// target flags outrank it. Without a recorded target, the flags and depsolve's defaults
// apply.
func Constraints(ctx context.Context, req Request) (Deployment, error) {
	if len(req.Requirements) != 1 {
		return Deployment{}, &RequestError{Err: fmt.Errorf("give one lock, got %d files", len(req.Requirements))}
	}
	path := req.Requirements[0]
	d := Deployment{Lock: path}
	r := req.reporter()
	file, err := reqfile.Parse(path, reqfile.Options{Extras: req.Extras, Groups: req.Groups, LookupEnv: noEnv})
	if err != nil {
		return d, err
	}
	if file.Format != reqfile.FormatPylock && len(file.TargetHeader) == 0 {
		r.Note(fmt.Sprintf("%s records no target (depsolve lock writes it in the header): the target flags and depsolve's defaults apply", path))
	}
	d.Fleet, _ = recordedFleetName(file)
	m, err := Matrix()
	if err != nil {
		return d, err
	}
	// A flag that replaces a value the lock records is what the flags are for here, so
	// the overrides a check warns about are not reported.
	if d.Target, _, err = buildTarget(ctx, r, &req, m, nil, []*reqfile.File{file}, imageReader(ctx, r, &req, nil, nil)); err != nil {
		return d, err
	}
	for _, n := range d.Target.Notes {
		r.Note(n)
	}
	var pins []matrix.Pin
	env := d.Target.MarkerEnvironment()
	for _, rq := range file.Requirements {
		if !pinApplies(rq, env) {
			continue
		}
		v, ok := rq.Pin()
		if !ok {
			return d, &RequestError{Err: fmt.Errorf("%s: %s is not pinned with ==: depsolve constraints reads a lock, such as depsolve lock writes", origin(rq), rq.Line)}
		}
		pins = append(pins, matrix.Pin{Name: rq.Key(), Version: v})
	}
	d.Pins = len(pins)
	if d.GPU = !d.Target.CPU.On; !d.GPU {
		return d, ctx.Err()
	}
	d.NodeNeeds = m.NodeNeeds(d.Target, pins)
	if len(d.CapabilityFacts) > 0 {
		d.CapabilitySpans = matrix.CapabilitySpans(d.Capabilities)
	}
	d.NvidiaRequire = nvidiaRequire(d.Driver, d.CapabilitySpans)
	d.NodeSelectorTerms = nodeSelectorTerms(d.Driver, d.CapabilitySpans)
	return d, ctx.Err()
}

func noEnv(string) (string, bool) { return "", false }

// semverDriver writes a driver version as the NVIDIA container runtime compares it: a
// semantic version, which allows no leading zeros (580.65.06 is 580.65.6).
func semverDriver(v pep440.Version) string {
	parts := make([]string, len(v.Release()))
	for i, n := range v.Release() {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ".")
}

// nvidiaRequire is the expression: space-separated alternatives, each a comma-separated
// conjunction, one alternative per run of capabilities, each with the driver floor.
func nvidiaRequire(driver *pep440.Version, spans []matrix.CapabilitySpan) string {
	var driverFactor string
	if driver != nil {
		driverFactor = "driver>=" + semverDriver(*driver)
	}
	if len(spans) == 0 {
		return driverFactor
	}
	var alternatives []string
	for _, s := range spans {
		factors := []string{}
		if driverFactor != "" {
			factors = append(factors, driverFactor)
		}
		factors = append(factors, "arch>="+s.Low)
		switch major, minor := splitCapability(s.High); {
		case s.Open:
		case minor == 9:
			factors = append(factors, "arch<"+strconv.Itoa(major+1)+".0")
		default:
			factors = append(factors, "arch<="+s.High)
		}
		alternatives = append(alternatives, strings.Join(factors, ","))
	}
	return strings.Join(alternatives, " ")
}

// nodeSelectorTerms are the node affinity: every term of the driver floor with every term
// of the capability runs. Labels are integers to Gt and Lt, so a version floor is a few
// terms (a newer major; the same major and a newer minor; …).
func nodeSelectorTerms(driver *pep440.Version, spans []matrix.CapabilitySpan) [][]NodeSelectorRequirement {
	var driverTerms [][]NodeSelectorRequirement
	if driver != nil {
		driverTerms = versionAtLeast(driver.Release(), LabelDriverMajor, LabelDriverMinor, LabelDriverRev)
	}
	var ccTerms [][]NodeSelectorRequirement
	for _, s := range spans {
		ccTerms = append(ccTerms, capabilityTerms(s)...)
	}
	switch {
	case len(ccTerms) == 0:
		return driverTerms
	case len(driverTerms) == 0:
		return ccTerms
	}
	var out [][]NodeSelectorRequirement
	for _, d := range driverTerms {
		for _, c := range ccTerms {
			out = append(out, append(append([]NodeSelectorRequirement{}, d...), c...))
		}
	}
	return out
}

func in(key string, n int) NodeSelectorRequirement {
	return NodeSelectorRequirement{Key: key, Operator: "In", Values: []string{strconv.Itoa(n)}}
}

func gt(key string, n int) NodeSelectorRequirement {
	return NodeSelectorRequirement{Key: key, Operator: "Gt", Values: []string{strconv.Itoa(n)}}
}

func lt(key string, n int) NodeSelectorRequirement {
	return NodeSelectorRequirement{Key: key, Operator: "Lt", Values: []string{strconv.Itoa(n)}}
}

// versionAtLeast are the terms of "version >= floor" over one label per release part:
// for 525.60.13, major > 525; or major 525 and minor > 60; or 525, 60 and rev > 12.
func versionAtLeast(floor []int, labels ...string) [][]NodeSelectorRequirement {
	for len(floor) > 0 && floor[len(floor)-1] == 0 {
		floor = floor[:len(floor)-1] // 12.0 is >= 12: no term for the zero parts
	}
	var out [][]NodeSelectorRequirement
	var same []NodeSelectorRequirement
	for i, n := range floor {
		if i == len(labels) {
			break
		}
		bound := n
		if i == len(floor)-1 {
			bound = n - 1 // the last part may equal the floor's
		}
		out = append(out, append(append([]NodeSelectorRequirement{}, same...), gt(labels[i], bound)))
		same = append(same, in(labels[i], n))
	}
	return out
}

// capabilityTerms are the terms of one run of capabilities over the major and minor labels.
func capabilityTerms(s matrix.CapabilitySpan) [][]NodeSelectorRequirement {
	lowMajor, lowMinor := splitCapability(s.Low)
	highMajor, highMinor := splitCapability(s.High)
	fromMinor := func(major, minor int) []NodeSelectorRequirement {
		t := []NodeSelectorRequirement{in(LabelComputeMajor, major)}
		if minor > 0 {
			t = append(t, gt(LabelComputeMinor, minor-1))
		}
		return t
	}
	if lowMajor == highMajor && !s.Open {
		t := fromMinor(lowMajor, lowMinor)
		if highMinor < 9 {
			t = append(t, lt(LabelComputeMinor, highMinor+1))
		}
		return [][]NodeSelectorRequirement{t}
	}
	out := [][]NodeSelectorRequirement{fromMinor(lowMajor, lowMinor)}
	if s.Open {
		return append(out, []NodeSelectorRequirement{gt(LabelComputeMajor, lowMajor)})
	}
	if highMajor > lowMajor+1 {
		out = append(out, []NodeSelectorRequirement{gt(LabelComputeMajor, lowMajor), lt(LabelComputeMajor, highMajor)})
	}
	last := []NodeSelectorRequirement{in(LabelComputeMajor, highMajor)}
	if highMinor < 9 {
		last = append(last, lt(LabelComputeMinor, highMinor+1))
	}
	return append(out, last)
}

// splitCapability reads "8.6" as CapabilitySpans writes it.
func splitCapability(cc string) (major, minor int) {
	a, b, _ := strings.Cut(cc, ".")
	major, _ = strconv.Atoi(a)
	minor, _ = strconv.Atoi(b)
	return major, minor
}

package target

import "fmt"

// From is the kind of place a target value came from. The constants are in precedence
// order: when two sources give the same value, the one listed first wins. The zero From
// is the origin of an unknown value.
type From int

const (
	FromFlag      From = iota + 1 // a command-line flag
	FromLock                      // the target a lock input records: checked on it unless a flag says otherwise
	FromConfig                    // depsolve.toml
	FromPyproject                 // [tool.depsolve] in pyproject.toml
	FromBaseImage                 // implied by the base image (--base-image, base-image, the Dockerfile's FROM)
	FromDetection                 // --detect: nvidia-smi, /proc/driver/nvidia/version, python3, glibc
	FromDefault                   // depsolve's default
)

// Origin says where one target value came from, for `depsolve env` and for explanations.
type Origin struct {
	From   From
	Pos    Position // the config line, or the Dockerfile FROM, when there is one
	Detail string   // the flag ("--python"), the detector ("nvidia-smi") or the image reference
}

// String renders the origin as `depsolve env` prints it.
func (o Origin) String() string {
	switch o.From {
	case FromFlag:
		return "flag " + o.Detail
	case FromConfig:
		return lineString(o.Pos)
	case FromLock:
		return lineString(o.Pos) + " (the lock's target)"
	case FromPyproject:
		return fmt.Sprintf("%s [tool.depsolve]:%d", o.Pos.File, o.Pos.Line)
	case FromBaseImage:
		if o.Pos.File != "" {
			return fmt.Sprintf("base image %s (%s)", o.Detail, lineString(o.Pos))
		}
		return "base image " + o.Detail
	case FromDetection:
		return "detected (" + o.Detail + ")"
	case FromDefault:
		if o.Detail != "" {
			return "default (" + o.Detail + ")"
		}
		return "default"
	}
	return "unknown"
}

// lineString is where p is, to the line: "depsolve.toml:3".
func lineString(p Position) string {
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// Value is one target setting as one source states it. An empty Text says nothing.
type Value struct {
	Text   string
	Origin Origin
}

// Known reports whether the value was given.
func (v Value) Known() bool { return v.Text != "" }

// Toggle is a yes/no setting as one source states it.
type Toggle struct {
	Set, On bool
	Origin  Origin
}

// GPU is one GPU model in the target fleet.
type GPU struct {
	Name       string // as given: "H100", "sm_90", "NVIDIA H100 80GB HBM3"
	Capability string // compute capability, "9.0"; "" when unknown
	Count      int    // devices of this model (detection sees each one); 1 when declared
	Origin     Origin
}

// Declaration is what one source says about the target. Empty values say nothing, so a
// lower source may fill them.
type Declaration struct {
	Python         Value // "3.11.9", or "3.11"
	Implementation Value // "cpython"
	Platform       Value // a wheel platform tag: "manylinux_2_35_x86_64", "linux_x86_64", "macosx_14_0_arm64", "win_amd64"
	GLibc          Value // "2.35"
	Driver         Value // "535.104.05"
	CUDA           Value // the CUDA toolkit in the image: "12.4.1"
	BaseImage      Value // "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04"
	Dockerfile     Value // a path whose final FROM names the base image
	GPUs           []GPU // a non-nil list replaces every lower source's list
	CPU            Toggle
	// BuildArgs are the Dockerfile's --build-arg values, NAME=VALUE each; the
	// highest-precedence source that gives any gives them all.
	BuildArgs []Value
}

// Flag is a value given by a command-line flag ("--python"); a flag left empty gives
// the zero Value, which says nothing.
func Flag(name, text string) Value {
	if text == "" {
		return Value{}
	}
	return Value{Text: text, Origin: Origin{From: FromFlag, Detail: name}}
}

// FlagGPUs are the GPUs of a repeatable flag ("--gpu H100 --gpu sm_80"); nil for none, so
// that an absent flag says nothing.
func FlagGPUs(name string, values []string) []GPU {
	var gpus []GPU
	for _, v := range values {
		gpus = append(gpus, GPU{Name: v, Count: 1, Origin: Origin{From: FromFlag, Detail: name}})
	}
	return gpus
}

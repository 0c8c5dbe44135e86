package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/depsolve/depsolve/engine"
	"github.com/depsolve/depsolve/matrix"
)

func newConstraintsCommand(stdout, stderr io.Writer, flags lazyFlags) *cobra.Command {
	f := &inputFlags{}
	format := newFormatFlag("text", "text", "json", "k8s")
	cmd := &cobra.Command{
		Use:   "constraints LOCK",
		Short: "Print what the image of a lock needs from the node it runs on",
		Long: `Constraints reads a lock (requirements.lock or pylock.toml, as depsolve lock
writes it) and prints what an image that installs it needs from the node
it runs on, from the compatibility matrix:

  - the least NVIDIA driver: the highest driver floor of its pins' CUDA
    builds and of the base image's CUDA toolkit;
  - the compute capabilities every GPU must have: those all of its CUDA builds
    run on (SASS, or PTX the driver compiles);
  - the NVIDIA container runtime's requirement expression for both, to set as
    NVIDIA_REQUIRE_CUDA or any NVIDIA_REQUIRE_* variable of the image (the
    runtime refuses to start the container on a node that fails it; it checks
    the compute capability of the first GPU);
  - a Kubernetes node affinity over the labels of NVIDIA GPU Feature Discovery
    (nvidia.com/cuda.driver.major, .minor, .rev, nvidia.com/gpu.compute.major,
    .minor).

The target is the one the lock records (its header, or [tool.depsolve]);
target flags override it. Its base image is read as check reads it: an
image on disk (oci:DIR, docker-archive:FILE) always, one in a registry only
with --read-image, which downloads its layers on every run (constraints
keeps no cache). A lock made for a target without a GPU needs nothing of
the node's GPUs. --format json prints one object; --format k8s prints the
node affinity as YAML, to paste into a pod spec.

Exit status: 0 printed, 2 bad input or usage (a lock that is not one: an
unpinned line).`,
		Example: `  depsolve constraints requirements.lock
  depsolve constraints pylock.toml --format json
  depsolve constraints requirements.lock --format k8s >> deployment-affinity.yaml`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef(cmd, "%s takes one lock, got %d arguments", cmd.CommandPath(), len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			u, err := f.ui(cmd, stdout, stderr)
			if err != nil {
				return err
			}
			if f.verbose > 0 {
				return usagef(cmd, "-v (--verbose) traces index requests and the resolution, and constraints makes neither: it reads the lock, its base image and the compatibility matrix")
			}
			if f.detect {
				return usagef(cmd, "--detect describes this machine, and constraints what the image of a lock needs of any node: to check this machine against the lock, run depsolve check %s --detect", args[0])
			}
			noteIgnoredCacheDir(cmd, u)
			return runConstraints(cmd.Context(), u, f, format.value, args)
		},
	}
	flags[cmd] = func() {
		registerIgnoredCacheDir(cmd)
		f.registerTarget(cmd.Flags())
		_ = cmd.Flags().MarkHidden("detect")
		f.registerOutput(cmd.Flags())
		cmd.Flags().Lookup("quiet").Usage = "print no warnings or notes on stderr"
		// Registered with the output flags, it has nothing to trace here: hidden, and refused.
		_ = cmd.Flags().MarkHidden("verbose")
		format.register(cmd, "output `FORMAT`: text, json, or k8s (the node affinity as YAML)")
		completeTargetFlags(cmd)
	}
	return cmd
}

func runConstraints(ctx context.Context, u *ui, f *inputFlags, format string, args []string) error {
	req := f.request(args)
	req.Reporter = u
	d, err := engine.Constraints(ctx, req)
	if err != nil {
		return err
	}
	switch format {
	case "json":
		return writeJSON(u, deploymentJSON(d))
	case "k8s":
		u.print(nodeAffinityYAML(d.NodeSelectorTerms))
		return nil
	}
	printDeployment(u, d)
	return nil
}

type deploymentReport struct {
	Lock         string                             `json:"lock"`
	Target       *reportTarget                      `json:"target"`
	Pins         int                                `json:"pins"`
	Driver       *string                            `json:"driver"`
	DriverFacts  []needJSON                         `json:"driver_because"`
	Capabilities []capabilityJSON                   `json:"compute_capabilities"`
	CapFacts     []needJSON                         `json:"compute_capabilities_because"`
	Require      string                             `json:"nvidia_require_cuda"`
	Affinity     [][]engine.NodeSelectorRequirement `json:"node_selector_terms"`
	Notes        []string                           `json:"notes"`
}

type needJSON struct {
	Package string   `json:"package,omitempty"`
	Version string   `json:"version"`
	Need    string   `json:"need"`
	Reason  string   `json:"reason"`
	Rows    []string `json:"rows"`
}

type capabilityJSON struct {
	Low  string  `json:"low"`
	High *string `json:"high"` // null: and every newer capability
}

func deploymentJSON(d engine.Deployment) deploymentReport {
	r := deploymentReport{
		Lock: d.Lock, Target: newReport("ok", d.Target).Target, Pins: d.Pins,
		DriverFacts: needsJSON(d.DriverFacts), Capabilities: []capabilityJSON{}, CapFacts: needsJSON(d.CapabilityFacts),
		Require: d.NvidiaRequire, Affinity: d.NodeSelectorTerms, Notes: d.Notes,
	}
	if d.Driver != nil {
		s := d.Driver.Original()
		r.Driver = &s
	}
	for _, s := range d.CapabilitySpans {
		c := capabilityJSON{Low: s.Low}
		if !s.Open {
			c.High = &s.High
		}
		r.Capabilities = append(r.Capabilities, c)
	}
	if r.Affinity == nil {
		r.Affinity = [][]engine.NodeSelectorRequirement{}
	}
	if r.Notes == nil {
		r.Notes = []string{}
	}
	return r
}

func needsJSON(facts []matrix.NeedFact) []needJSON {
	out := []needJSON{}
	for _, f := range facts {
		n := needJSON{Package: f.Package, Version: f.Version, Need: f.Need, Reason: f.Reason, Rows: []string{}}
		for _, c := range f.Cites {
			n.Rows = append(n.Rows, fmt.Sprintf("%s:%d", c.File, c.Line))
		}
		out = append(out, n)
	}
	return out
}

func printDeployment(u *ui, d engine.Deployment) {
	u.printf("%s (%s) for %s\n", d.Lock, plural(d.Pins, "pin", "pins"), targetSummary(d.Target))
	if d.Fleet != "" {
		u.printf("fleet target: %s\n", d.Fleet)
	}
	if !d.GPU {
		u.printf("no GPU: %s says the target has none, so the image needs nothing of the node's GPUs\n", d.Target.CPU.Origin)
		return
	}
	if d.Driver != nil {
		u.printf("%s >=%s\n", u.bold("NVIDIA driver:"), d.Driver.Original())
	} else {
		u.printf("%s none needed: no pin is a CUDA build the matrix knows\n", u.bold("NVIDIA driver:"))
	}
	printFacts(u, d.DriverFacts)
	if len(d.CapabilitySpans) > 0 {
		u.printf("%s %s\n", u.bold("compute capability:"), d.Capabilities)
	} else {
		u.printf("%s not narrowed: the matrix has no architecture rows for these builds\n", u.bold("compute capability:"))
	}
	printFacts(u, d.CapabilityFacts)
	if d.NvidiaRequire != "" {
		u.printf("%s %s\n", u.bold("NVIDIA_REQUIRE_CUDA:"), d.NvidiaRequire)
	}
	for _, n := range d.Notes {
		u.printf("note: %s\n", n)
	}
	if len(d.NodeSelectorTerms) > 0 {
		u.printf("%s\n%s", u.bold("Kubernetes node affinity (GPU Feature Discovery labels):"), nodeAffinityYAML(d.NodeSelectorTerms))
	}
}

// printFacts prints the rules behind a need, one line per distinct rule: the runtime
// wheels of one CUDA family all say the same.
func printFacts(u *ui, facts []matrix.NeedFact) {
	type line struct {
		what []string
		rule string
	}
	var lines []*line
	byRule := map[string]*line{}
	for _, f := range facts {
		what := f.Package + " " + f.Version
		if f.Package == "" {
			what = "the base image's CUDA " + f.Version
		}
		var rows []string
		for _, c := range f.Cites {
			rows = append(rows, fmt.Sprintf("%s:%d", c.File, c.Line))
		}
		rule := f.Need + ": " + f.Reason + " " + u.dim("("+strings.Join(rows, ", ")+")")
		if l, ok := byRule[rule]; ok {
			l.what = append(l.what, what)
			continue
		}
		byRule[rule] = &line{what: []string{what}, rule: rule}
		lines = append(lines, byRule[rule])
	}
	for _, l := range lines {
		u.printf("  %s %s\n", strings.Join(l.what, ", "), l.rule)
	}
}

// nodeAffinityYAML is the affinity block of a pod spec.
func nodeAffinityYAML(terms [][]engine.NodeSelectorRequirement) string {
	if len(terms) == 0 {
		return "# depsolve: the lock needs nothing of the node's GPUs\n"
	}
	var b strings.Builder
	b.WriteString("affinity:\n  nodeAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n      nodeSelectorTerms:\n")
	for _, t := range terms {
		b.WriteString("        - matchExpressions:\n")
		for _, r := range t {
			quoted := make([]string, len(r.Values))
			for i, v := range r.Values {
				quoted[i] = `"` + v + `"`
			}
			fmt.Fprintf(&b, "            - {key: %s, operator: %s, values: [%s]}\n", r.Key, r.Operator, strings.Join(quoted, ", "))
		}
	}
	return b.String()
}

package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/depsolve/depsolve/engine"
	"github.com/depsolve/depsolve/policy"
	"github.com/depsolve/depsolve/resolver"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// policyFlags are the flags that name the platform's policy and its fleets.
type policyFlags struct {
	policy    string
	fleets    []string
	allFleets bool
}

func (p *policyFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&p.policy, "policy", "", "resolve under the platform's policy `PATH|URL#sha256=HEX` (default: policy in depsolve.toml)")
	repeatable(fs, &p.fleets, "fleet", "", "check every target of the policy's fleet `NAME` (repeatable)")
	fs.BoolVar(&p.allFleets, "all-fleets", false, "check every target of every fleet the policy names")
}

// apply puts the policy flag into req.
func (p *policyFlags) apply(req *engine.Request) error {
	if p.policy == "" {
		return nil
	}
	ref, err := policy.ParseFlag("--policy", p.policy)
	req.Policy = ref
	return err
}

func (p *policyFlags) fleetRun() bool { return len(p.fleets) > 0 || p.allFleets }

// contradiction refuses --fleet with --all-fleets: the fleets named would be all that
// run, and a failing fleet left out would pass unseen.
func (p *policyFlags) contradiction(cmd *cobra.Command) error {
	if len(p.fleets) > 0 && p.allFleets {
		return usagef(cmd, "--fleet %s names the fleets to run, and --all-fleets asks for every fleet: give one of them", p.fleets[0])
	}
	return nil
}

// fleetReport is the --format json object of a fleet check: one report per target.
type fleetReport struct {
	SchemaVersion int           `json:"schema_version"`
	Status        string        `json:"status"` // ok, or conflict when any target fails
	Targets       []fleetTarget `json:"targets"`
}

type fleetTarget struct {
	Fleet string `json:"fleet"`
	Name  string `json:"name"`
	*report
}

func runFleetCheck(ctx context.Context, u *ui, req engine.Request, fleets []string, format string) error {
	verdicts, err := engine.CheckFleets(ctx, req, fleets)
	if err != nil {
		return err
	}
	failed := false
	for _, fv := range verdicts {
		failed = failed || fv.Verdict.Status != engine.OK
	}
	if format == "json" {
		fr := fleetReport{SchemaVersion: reportSchemaVersion, Status: "ok", Targets: []fleetTarget{}}
		if failed {
			fr.Status = "conflict"
		}
		for _, fv := range verdicts {
			fr.Targets = append(fr.Targets, fleetTarget{Fleet: fv.Fleet, Name: fv.Target, report: verdictReport(fv.Verdict)})
		}
		if err := writeJSON(u, fr); err != nil {
			return err
		}
	} else {
		tw := tabwriter.NewWriter(u.out, 0, 4, 2, ' ', 0)
		for _, fv := range verdicts {
			fmt.Fprintf(tw, "%s/%s\t%s\t%s\n", fv.Fleet, fv.Target, fv.Verdict.Status, firstFact(fv.Verdict))
		}
		tw.Flush()
	}
	if failed {
		return exitStatus(exitConflict)
	}
	return nil
}

// firstFact is what a fleet's table says of a verdict: the target, and for a conflict
// the first fact of its chain.
func firstFact(v engine.Verdict) string {
	switch {
	case v.Conflict != nil:
		if lines := v.Conflict.Lines(); len(lines) > 0 {
			return strings.SplitN(resolver.Text(lines[:1]), "\n", 2)[0]
		}
	case len(v.Violations) > 0:
		return v.Violations[0].Message
	case len(v.Findings) > 0:
		return v.FindingText(v.Findings[0])
	case v.OverBudget():
		return strings.SplitN(v.Budget.Breakdown(v.Sizes), "\n", 2)[0]
	}
	return plural(len(v.Packages), "package", "packages") + " for " + targetSummary(v.Target)
}

// violationsChain numbers how a solution breaks the policy, and the rows it cites.
func violationsChain(vs []engine.Violation) (string, []resolver.Citation) {
	var lines []string
	var cited []resolver.Citation
	for i, v := range vs {
		c := v.Rule
		c.Number = len(cited) + 1
		cited = append(cited, c)
		lines = append(lines, fmt.Sprintf("(%d) %s [%d]", i+1, v.Message, c.Number))
	}
	return strings.Join(lines, "\n"), cited
}

// violationsText is the chain of violations as text prints it: with the policy's lines
// it cites, as an explanation lists the matrix rows it cites.
func violationsText(vs []engine.Violation) string {
	chain, cited := violationsChain(vs)
	return chain + "\n\n" + resolver.SourcesText(cited)
}

// runFleetLock writes a lock per fleet target and tells of each, its label on the stream
// its result goes to (a conflict on stdout, a lock's summary on stderr); any conflict
// exits 1 once every target is done.
func runFleetLock(ctx context.Context, u *ui, req engine.LockRequest, fleets []string) error {
	locks, err := engine.LockFleets(ctx, req, fleets)
	if err != nil {
		return err
	}
	var failed error
	for _, fl := range locks {
		if fl.Locked.Status == engine.Conflict {
			u.printf("%s/%s:\n", fl.Fleet, fl.Target)
		} else {
			u.errorf("%s/%s:\n", fl.Fleet, fl.Target)
		}
		if err := printLocked(u, fl.Locked); err != nil {
			failed = err
		}
	}
	return failed
}

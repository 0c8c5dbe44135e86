package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/depsolve/depsolve/lockfile"
	"github.com/depsolve/depsolve/policy"
	"github.com/depsolve/depsolve/reqfile"
)

// FleetVerdict is the verdict for one target of a fleet.
type FleetVerdict struct {
	Fleet, Target string
	Verdict       Verdict
}

// FleetLocked is the lock of one target of a fleet.
type FleetLocked struct {
	Fleet, Target string
	Locked        Locked
}

// CheckFleets checks the requirements on every target of the named fleets of the
// policy (every fleet it names when fleets is empty), in the policy's order. An error
// stops the run, naming the target.
func CheckFleets(ctx context.Context, req Request, fleets []string) ([]FleetVerdict, error) {
	targets, err := fleetTargets(ctx, &req, fleets)
	if err != nil {
		return nil, err
	}
	var out []FleetVerdict
	for _, t := range targets {
		r := req
		r.Fleet, r.FleetTarget = t[0], t[1]
		r.Reporter = fleetTargetReporter(req.Reporter, t[0]+"/"+t[1])
		v, err := Check(ctx, r)
		if err != nil {
			return out, fmt.Errorf("fleet %s target %s: %w", t[0], t[1], err)
		}
		out = append(out, FleetVerdict{Fleet: t[0], Target: t[1], Verdict: v})
	}
	return out, nil
}

// LockFleets writes a lock for every target of the named fleets (every fleet when
// fleets is empty). req.Output names each lock with {fleet} and {target} in it
// ("locks/{target}.txt"); it must hold {target} when there are several targets.
func LockFleets(ctx context.Context, req LockRequest, fleets []string) ([]FleetLocked, error) {
	targets, err := fleetTargets(ctx, &req.Request, fleets)
	if err != nil {
		return nil, err
	}
	if len(targets) > 1 && !strings.Contains(req.Output, "{target}") {
		if req.Output == "" { // not -o "", which nobody wrote
			return nil, &RequestError{Err: fmt.Errorf("with %d fleet targets each lock needs its own file: give -o with {target} in it, as in -o 'locks/{target}.txt'", len(targets))}
		}
		return nil, &RequestError{Err: fmt.Errorf("-o %q: with %d fleet targets each lock needs its own file; put {target} in it, as in -o 'locks/{target}.txt'", req.Output, len(targets))}
	}
	// Two fleets may name a target alike: without {fleet} the second lock would replace
	// the first, and keep its pins, with nothing said.
	outputs := make([]string, len(targets))
	for i, t := range targets {
		outputs[i] = strings.NewReplacer("{fleet}", t[0], "{target}", t[1]).Replace(req.Output)
		if j := slices.Index(outputs[:i], outputs[i]); j >= 0 {
			return nil, &RequestError{Err: fmt.Errorf("-o %q: fleet targets %s/%s and %s/%s would both be written to %s; put {fleet} in it too, as in -o 'locks/{fleet}-{target}.txt'",
				req.Output, targets[j][0], targets[j][1], t[0], t[1], outputs[i])}
		}
	}
	var out []FleetLocked
	for i, t := range targets {
		r := req
		r.Fleet, r.FleetTarget = t[0], t[1]
		r.Output = outputs[i]
		r.Reporter = fleetTargetReporter(req.Reporter, t[0]+"/"+t[1])
		l, err := Lock(ctx, r)
		if err != nil {
			return out, fmt.Errorf("fleet %s target %s: %w", t[0], t[1], err)
		}
		out = append(out, FleetLocked{Fleet: t[0], Target: t[1], Locked: l})
	}
	return out, nil
}

// fleetTargets lists the fleet and target names of the named fleets, or of every fleet.
func fleetTargets(ctx context.Context, req *Request, fleets []string) ([][2]string, error) {
	cacheDir, err := CacheDir(req.CacheDir)
	if err != nil {
		return nil, err
	}
	configs, err := loadConfigs(req.Config)
	if err != nil {
		return nil, err
	}
	pol, err := loadPolicy(ctx, req, configs, cacheDir)
	if err != nil {
		return nil, err
	}
	if pol == nil || len(pol.Fleets) == 0 {
		return nil, &RequestError{Err: fmt.Errorf("no policy with fleets: give --policy, or policy = \"…\" in depsolve.toml, naming one with [[fleet]] tables")}
	}
	if len(fleets) == 0 {
		fleets = pol.FleetNames()
	}
	var out [][2]string
	// A fleet named twice (--fleet a --fleet a) runs once.
	for i, name := range fleets {
		if slices.Contains(fleets[:i], name) {
			continue
		}
		f, ok := pol.Fleet(name)
		if !ok {
			return nil, &RequestError{Err: fmt.Errorf("--fleet %s: %s names no such fleet; its fleets: %s", name, pol.File, strings.Join(pol.FleetNames(), ", "))}
		}
		for _, t := range f.Targets {
			out = append(out, [2]string{f.Name, t.Name})
		}
	}
	return out, nil
}

// fleetField is the field of a lock's header that records the fleet target the lock
// was made for ("fleet: training/h100-580"), so that checking the lock later applies
// that fleet's rules (its golden images) without --fleet.
const fleetField = "fleet"

// lockFields are what a lock records of its target: the fleet target it is, then the
// target's values.
func (s *session) lockFields() []lockfile.Field {
	fields := targetFields(s.target)
	// A fleet target a lock input records, whose values flags replaced, is no longer
	// the target locked for: the header would name it beside another's driver or GPUs.
	if s.fleetName != "" && (s.req.Fleet != "" || len(s.lockOverrides) == 0) {
		fields = append([]lockfile.Field{{Name: fleetField, Value: s.fleetName}}, fields...)
	}
	return fields
}

// recordedFleetName is the fleet target a lock input records, and where; "" when none.
func recordedFleetName(f *reqfile.File) (string, reqfile.Position) {
	if f.Format == reqfile.FormatPylock {
		if f.Tool == nil {
			return "", reqfile.Position{}
		}
		name, _ := f.Tool.Values[fleetField].(string)
		return name, f.Tool.Pos(fleetField)
	}
	for _, fd := range f.TargetHeader {
		if fd.Name == fleetField {
			return fd.Value, fd.Pos
		}
	}
	return "", reqfile.Position{}
}

// recordedFleet is the fleet target the lock inputs record, with its fleet in the
// policy. A fleet target the policy does not name (renamed, or another policy's) is
// said, and then only the policy's own rules apply.
func (s *session) recordedFleet(files []*reqfile.File) (*policy.Fleet, string) {
	for _, f := range files {
		name, at := recordedFleetName(f)
		if name == "" {
			continue
		}
		if s.policy == nil {
			return nil, name
		}
		fleet, targetName, _ := strings.Cut(name, "/")
		if fl, ok := s.policy.Fleet(fleet); ok && slices.ContainsFunc(fl.Targets, func(t policy.FleetTarget) bool { return t.Name == targetName }) {
			return fl, name
		}
		s.report.Warn(fmt.Sprintf("%s: the lock was made for fleet target %s, which %s does not name; the policy's rules for every project apply", at, name, s.policy.File))
		return nil, name
	}
	return nil, ""
}

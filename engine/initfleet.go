package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/depsolve/depsolve/policy"
	"github.com/depsolve/depsolve/redact"
	"github.com/depsolve/depsolve/target"
)

// initPolicy is the policy a starting point names in depsolve.toml: --policy, or the
// one an existing depsolve.toml names. With --fleet NAME it also sets the target init
// starts from (fleetStart).
func initPolicy(ctx context.Context, req *InitRequest) (policy.Ref, error) {
	configs, err := loadConfigs(req.Config)
	if err != nil {
		return policy.Ref{}, err
	}
	ref := policyRef(&req.Request, configs)
	if req.Fleet == "" {
		return ref, nil
	}
	cacheDir, err := CacheDir(req.CacheDir)
	if err != nil {
		return ref, err
	}
	pol, err := loadPolicy(ctx, &req.Request, configs, cacheDir)
	if err != nil {
		return ref, err
	}
	return ref, fleetStart(req, pol)
}

// fleetStart makes the fleet's first target the target init starts from, on the
// fleet's golden image: the target's base-image, else the first image the fleet (or
// the policy) allows. A project ships one image, so it gets one lock, for that target;
// `depsolve check --fleet NAME` checks it on the others. depsolve.toml then declares
// the target, so that the hooks and a plain `depsolve lock` resolve for it too.
func fleetStart(req *InitRequest, pol *policy.Policy) error {
	if pol != nil {
		if f, ok := pol.Fleet(req.Fleet); ok && req.FleetTarget == "" {
			req.FleetTarget = f.Targets[0].Name
		}
	}
	f, decl, err := fleetTarget(&req.Request, pol)
	if err != nil {
		return err
	}
	if images := pol.ImagesFor(f); !decl.BaseImage.Known() && images.Set() && len(images.Value) > 0 {
		decl.BaseImage = target.Value{Text: images.Value[0], Origin: target.Origin{From: target.FromConfig, Pos: pol.At(images.Line), Detail: "images"}}
	}
	// Target flags are refused beside --fleet, so the way out is in the policy: the
	// usual "give --base-image" would only be refused in turn.
	if !decl.BaseImage.Known() {
		i := slices.IndexFunc(f.Targets, func(t policy.FleetTarget) bool { return t.Name == req.FleetTarget })
		return &RequestError{Err: fmt.Errorf("the golden image is unknown: fleet %s's target %s (%s) names no base-image, and neither the fleet nor %s lists images; add base-image to the target, or images to the fleet or to [images]", f.Name, req.FleetTarget, pol.At(f.Targets[i].Line), pol.File)}
	}
	req.Target, req.Fleet, req.FleetTarget = decl, "", ""
	return nil
}

// policyLine is depsolve.toml's policy key for ref; "" without a policy.
func policyLine(ref policy.Ref) (string, error) {
	values := []string{ref.Path}
	line := fmt.Sprintf("policy = \"%s\"\n", ref.Path)
	switch {
	case ref.URL != "":
		values = []string{redact.URL(ref.URL), ref.SHA256}
		line = fmt.Sprintf("policy = { url = \"%s\", sha256 = \"%s\" }\n", values[0], values[1])
	case ref.Path == "":
		return "", nil
	}
	for _, v := range values {
		if strings.ContainsAny(v, "\"\\") || !isPrintableASCII(v) {
			return "", &RequestError{Err: fmt.Errorf("policy %q: depsolve init writes only printable ASCII without quotes or backslashes into depsolve.toml", v)}
		}
	}
	return line, nil
}

package engine_test

import (
	"context"
	"slices"
	"testing"

	"github.com/depsolve/depsolve/engine"
	"github.com/depsolve/depsolve/matrix"
)

// The warnings told while resolving stay in the verdict when it is a conflict, for Check
// and for Lock alike: a JSON report lists them under "warnings" whatever the status.
func TestConflictKeepsWarnings(t *testing.T) {
	req := offline(t.TempDir())
	req.Target.Driver = given("470.82.01", "--driver")
	req.Target.CUDA = given("14.0.0", "--cuda")
	unchecked := func(w engine.Warning) bool { return w.Code == matrix.AdvisoryUncheckedTarget }

	v, err := engine.Check(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != engine.Conflict || v.Conflict == nil {
		t.Fatalf("check: status %s, want a conflict", v.Status)
	}
	if !slices.ContainsFunc(v.Warnings, unchecked) {
		t.Errorf("check's conflict: no %s warning among %+v", matrix.AdvisoryUncheckedTarget, v.Warnings)
	}

	l, err := engine.Lock(context.Background(), engine.LockRequest{Request: req, Output: "-"})
	if err != nil {
		t.Fatal(err)
	}
	if l.Status != engine.Conflict || l.Conflict == nil {
		t.Fatalf("lock: status %s, want a conflict", l.Status)
	}
	if !slices.ContainsFunc(l.Warnings, unchecked) {
		t.Errorf("lock's conflict: no %s warning among %+v", matrix.AdvisoryUncheckedTarget, l.Warnings)
	}
}

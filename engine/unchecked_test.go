package engine_test

import (
	"context"
	"slices"
	"testing"

	"github.com/depsolve/depsolve/engine"
	"github.com/depsolve/depsolve/matrix"
)

// A CUDA toolkit the matrix has no family for is never a silent "ok": the verdict carries
// an unchecked-target warning that cites no row (the data has none), and Env lists the
// same warning, so that `depsolve env` and check give the same reason.
func TestUncheckedTargetInVerdictAndEnv(t *testing.T) {
	cache := t.TempDir()
	req := offline(cache)
	req.Target.CUDA = given("14.0.0", "--cuda")
	v, err := engine.Check(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != engine.OK {
		t.Fatalf("status %s, want ok", v.Status)
	}
	i := slices.IndexFunc(v.Warnings, func(w engine.Warning) bool { return w.Code == matrix.AdvisoryUncheckedTarget })
	if i < 0 {
		t.Fatalf("no %s warning among %+v", matrix.AdvisoryUncheckedTarget, v.Warnings)
	}
	w := v.Warnings[i]
	want := "CUDA 14.0.0 (flag --cuda) is not in the matrix, which has no CUDA 14.x family: the NVIDIA driver it needs (its family's floor, its Table 3 driver, forward compatibility) is not checked"
	if w.Row != nil || w.Package != "" || w.Text() != want {
		t.Errorf("warning %+v, text %q; want no row, no package and text %q", w, w.Text(), want)
	}

	req.Requirements = nil
	env, err := engine.Env(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if len(env.Unchecked) != 1 || env.Unchecked[0].Text() != want {
		t.Errorf("env's unchecked values %+v, want the check's warning", env.Unchecked)
	}
}

package resolver

import (
	"context"
	"testing"

	"github.com/depsolve/depsolve/pep440"
)

func TestProfBoto(t *testing.T) {
	u := botoUniverse(500, 19, 0)
	_, _, err := Solve(context.Background(), u, Package{Name: "root"}, pep440.MustParse("1"), Options{})
	if err != nil {
		t.Fatal(err)
	}
}

package treemap

import (
	"math"
	"testing"
)

// The rectangles tile the bounds (areas add up, none overlaps, all inside), each area is
// proportional to its weight, and the squarified rows keep the worst aspect ratio of the
// paper's example at its published value.
func TestLayout(t *testing.T) {
	weights := []float64{6, 6, 4, 3, 2, 2, 1}
	bounds := Rect{W: 6, H: 4}
	rs := Layout(weights, bounds)
	for i, r := range rs {
		if got, want := r.W*r.H, weights[i]; math.Abs(got-want) > 1e-9 {
			t.Errorf("rect %d area %g, want %g", i, got, want)
		}
		if r.X < -1e-9 || r.Y < -1e-9 || r.X+r.W > bounds.W+1e-9 || r.Y+r.H > bounds.H+1e-9 {
			t.Errorf("rect %d %+v outside %+v", i, r, bounds)
		}
		for j := range i {
			o := rs[j]
			if r.X+1e-9 < o.X+o.W && o.X+1e-9 < r.X+r.W && r.Y+1e-9 < o.Y+o.H && o.Y+1e-9 < r.Y+r.H {
				t.Errorf("rects %d %+v and %d %+v overlap", i, r, j, o)
			}
		}
	}
	worstRatio := 0.0
	for _, r := range rs {
		worstRatio = math.Max(worstRatio, math.Max(r.W/r.H, r.H/r.W))
	}
	// Bruls et al.'s example, worked by hand: 6,6 in a 3×4 column (ratio 1.5); 4,3 in a
	// row of height 7/3 across the remaining 3; 2 and 2 alone, each 1.2 wide; the 1 is
	// left a 0.6×5/3 strip, the worst ratio, 25/9.
	if math.Abs(worstRatio-25.0/9) > 1e-9 {
		t.Errorf("worst aspect ratio %g, want 25/9", worstRatio)
	}
}

func TestLayoutZeroAndEmpty(t *testing.T) {
	rs := Layout([]float64{0, 5, -1}, Rect{X: 1, Y: 2, W: 10, H: 10})
	if rs[0] != (Rect{X: 1, Y: 2}) || rs[2] != (Rect{X: 1, Y: 2}) {
		t.Errorf("zero and negative weights: %+v", rs)
	}
	if rs[1] != (Rect{X: 1, Y: 2, W: 10, H: 10}) {
		t.Errorf("the one positive weight fills the bounds: %+v", rs[1])
	}
	if got := Layout(nil, Rect{W: 1, H: 1}); len(got) != 0 {
		t.Errorf("no weights: %+v", got)
	}
}

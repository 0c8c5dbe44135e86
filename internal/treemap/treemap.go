// Package treemap lays out weighted items as a squarified treemap (Bruls, Huizing and
// van Wijk, 2000): rectangles whose areas are proportional to the weights, filled row by
// row along the shorter side of what is left, so that they stay close to squares.
package treemap

import "math"

// Rect is a rectangle: its top-left corner, width and height.
type Rect struct{ X, Y, W, H float64 }

// Layout places weights (positive, largest first, as the algorithm wants them) in
// bounds; the i-th rectangle is for weights[i]. A weight of zero or less gets an empty
// rectangle at bounds' corner.
func Layout(weights []float64, bounds Rect) []Rect {
	out := make([]Rect, len(weights))
	var total float64
	for _, w := range weights {
		if w > 0 {
			total += w
		}
	}
	if total == 0 || bounds.W <= 0 || bounds.H <= 0 {
		for i := range out {
			out[i] = Rect{X: bounds.X, Y: bounds.Y}
		}
		return out
	}
	scale := bounds.W * bounds.H / total
	var idx []int
	var areas []float64
	for i, w := range weights {
		if w > 0 {
			idx = append(idx, i)
			areas = append(areas, w*scale)
		} else {
			out[i] = Rect{X: bounds.X, Y: bounds.Y}
		}
	}
	free := bounds
	for start := 0; start < len(areas); {
		side := math.Min(free.W, free.H)
		end := start + 1
		for end < len(areas) && worst(areas[start:end+1], side) <= worst(areas[start:end], side) {
			end++
		}
		free = place(areas[start:end], idx[start:end], free, out)
		start = end
	}
	return out
}

// worst is the largest aspect ratio in a row of areas laid along a side of length side.
func worst(row []float64, side float64) float64 {
	var sum, hi float64
	lo := math.Inf(1)
	for _, a := range row {
		sum += a
		hi = math.Max(hi, a)
		lo = math.Min(lo, a)
	}
	s2, sum2 := side*side, sum*sum
	return math.Max(s2*hi/sum2, sum2/(s2*lo))
}

// place lays a row along the shorter side of free and returns what is left.
func place(row []float64, idx []int, free Rect, out []Rect) Rect {
	var sum float64
	for _, a := range row {
		sum += a
	}
	if free.W >= free.H { // a column at the left
		w := sum / free.H
		y := free.Y
		for k, a := range row {
			h := a / w
			out[idx[k]] = Rect{X: free.X, Y: y, W: w, H: h}
			y += h
		}
		return Rect{X: free.X + w, Y: free.Y, W: free.W - w, H: free.H}
	}
	h := sum / free.W // a row at the top
	x := free.X
	for k, a := range row {
		w := a / h
		out[idx[k]] = Rect{X: x, Y: free.Y, W: w, H: h}
		x += w
	}
	return Rect{X: free.X, Y: free.Y + h, W: free.W, H: free.H - h}
}

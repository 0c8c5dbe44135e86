//go:build !slim

package engine

// refuseReadOnce is the slim build's seam (readonce_slim.go): a complete build reads
// every file itself, so it has no run to hand over.
func refuseReadOnce(string) error { return nil }

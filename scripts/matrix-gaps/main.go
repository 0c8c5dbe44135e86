// Command matrix-gaps lists what a package index has that depsolve's compatibility
// matrix does not cover: framework releases no [[variant]] row covers, torch companions
// no [[constraint]] pairs with torch, CUDA builds of a covered release whose CUDA its row
// does not list, and CUDA toolkits (from NVIDIA's runtime wheels) with no Table 3 row.
// It reads an index snapshot, the JSON that ../shared/tools/pyindex serves and
// internal/fakeindex reads ({"packages": {"torch": {"2.11.0": {...}}}}):
//
//	go run ./scripts/matrix-gaps SNAPSHOT.json
//
// Exit status: 0 when the matrix covers everything, 1 when it prints gaps (one
// "package version: what is missing" line each), 2 on bad usage or a bad snapshot.
// data/README.md says how to close a gap.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"

	"github.com/depsolve/depsolve/matrix"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: matrix-gaps SNAPSHOT.json")
		return 2
	}
	index, err := readSnapshot(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "matrix-gaps: %v\n", err)
		return 2
	}
	m, _, err := matrix.Load()
	if err != nil {
		fmt.Fprintf(stderr, "matrix-gaps: %v\n", err)
		return 2
	}
	gaps := m.Gaps(index)
	for _, g := range gaps {
		fmt.Fprintln(stdout, g)
	}
	if len(gaps) > 0 {
		return 1
	}
	return 0
}

// readSnapshot reads the versions of every project of a snapshot file.
func readSnapshot(path string) (map[string][]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var snap struct {
		Packages map[string]map[string]json.RawMessage `json:"packages"`
	}
	if err := json.Unmarshal(data, &snap); err != nil {
		return nil, fmt.Errorf("%s: not an index snapshot: %v", path, err)
	}
	if snap.Packages == nil {
		return nil, fmt.Errorf("%s: not an index snapshot: no \"packages\" object", path)
	}
	index := map[string][]string{}
	for name, versions := range snap.Packages {
		index[name] = slices.Sorted(maps.Keys(versions))
	}
	return index, nil
}

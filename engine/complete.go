package engine

import (
	"slices"
	"strings"

	"github.com/depsolve/depsolve/matrix"
)

// GPUModels are the GPU model names (and their aliases) the matrix knows whose name
// starts with prefix, ignoring case, sorted: what --gpu takes besides sm_XY. It reads the
// embedded matrix, not the cache: a shell asking for completions must not create one.
func GPUModels(prefix string) ([]string, error) {
	m, _, err := matrix.Load()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, name := range m.Catalog().GPUNames() {
		if strings.HasPrefix(strings.ToLower(name), strings.ToLower(prefix)) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

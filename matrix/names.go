package matrix

import "slices"

// PackageNames lists, sorted, the projects the matrix has rows for (PEP 503): names a
// user is likely to mean, for "did you mean" on a project no index has.
func (m *Matrix) PackageNames() []string {
	return slices.Clone(m.packageNames())
}

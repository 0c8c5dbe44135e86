package engine

import (
	"net/url"
	"path/filepath"
	"strings"

	"github.com/depsolve/depsolve/lockfile"
)

// relativeLocalFiles records each file of a find-links folder given as a relative path
// by its path relative to the lock's folder (output; "-" is the working folder), not by
// its absolute file: URL, so that the lock is the same in every checkout. A file of a
// folder given as an absolute path or a file: URL keeps its URL, as the folder was
// given. locked are lockPackages(packages): the same packages and files, in order.
func relativeLocalFiles(locked []lockfile.Package, packages []Package, output string) error {
	dir := "."
	if output != "-" {
		dir = filepath.Dir(output)
	}
	lockDir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	for i, p := range packages {
		for j, f := range p.Files {
			if f.Index == "" || filepath.IsAbs(f.Index) || strings.Contains(f.Index, "://") {
				continue
			}
			u, err := url.Parse(f.URL)
			if err != nil || u.Scheme != "file" {
				continue
			}
			rel, err := filepath.Rel(lockDir, filepath.FromSlash(u.Path))
			if err != nil {
				return err
			}
			lf := &locked[i].Files[j]
			lf.Path, lf.URL = filepath.ToSlash(rel), ""
		}
	}
	return nil
}

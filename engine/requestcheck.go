package engine

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/depsolve/depsolve/reqfile"
	"github.com/depsolve/depsolve/target"
)

// checkOptions refuses options that contradict each other, rather than quietly letting
// one win.
func (r *Request) checkOptions() error {
	if r.Offline && r.Refresh {
		return &target.InputError{Flag: "--refresh", Msg: "--offline and --refresh contradict each other: --offline never asks an index, and --refresh revalidates every cached page with it; give one of them"}
	}
	return nil
}

// checkSelections refuses --extra and --group when no input file can have them: a
// requirements file has neither, and ignoring them would resolve less than was asked.
func checkSelections(req *Request, in *inputs) error {
	for _, f := range in.files {
		if filepath.Base(f.Path) == "pyproject.toml" || reqfile.IsPylock(f.Path) {
			return nil
		}
	}
	for _, s := range []struct {
		flag, instead string
		names         []string
	}{
		{"--extra", "write the extra on the requirement line instead (NAME[%s])", req.Extras},
		{"--group", "list the group's requirements in a requirements file of their own (-r), or give the pyproject.toml that declares %q", req.Groups},
	} {
		if len(s.names) > 0 {
			return &target.InputError{Flag: s.flag, Msg: fmt.Sprintf("%q: only a pyproject.toml or a pylock.toml has optional dependencies or dependency groups, and the inputs (%s) are requirements files; %s", s.names[0], strings.Join(in.paths(), ", "), fmt.Sprintf(s.instead, s.names[0]))}
		}
	}
	return nil
}

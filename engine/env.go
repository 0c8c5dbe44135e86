package engine

import (
	"context"
	"os"

	"github.com/depsolve/depsolve/cache"
	"github.com/depsolve/depsolve/reqfile"
	"github.com/depsolve/depsolve/target"
)

// Environment is what Check and Lock would use for a request, each value with where it
// came from.
type Environment struct {
	Target  *target.Target // Target.Settings() lists its values with their origins
	Indexes IndexSettings
	Cache   Sourced // the cache folder
	// Unchecked are the target's values the matrix cannot place, as check and lock warn
	// of them (code unchecked-target).
	Unchecked []Warning
}

// Env says what Check and Lock would use for req, without resolving and without opening
// the cache. Requirement files are read only when req names some: for the index options
// they set and the target a pylock.toml records.
func Env(ctx context.Context, req Request) (Environment, error) {
	var files []*reqfile.File
	if len(req.Requirements) > 0 {
		in, err := loadInputs(req.reporter(), &req)
		if err != nil {
			return Environment{}, err
		}
		files = in.files
	}
	s, err := openSession(ctx, &req, files, false)
	if err != nil {
		return Environment{}, err
	}
	env := Environment{Target: s.target, Indexes: s.indexes, Cache: Sourced{s.cacheDir, cacheOrigin(req.CacheDir)}}
	for _, a := range s.matrix.UncheckedTarget(s.target) {
		env.Unchecked = append(env.Unchecked, advisoryWarning(a))
	}
	return env, nil
}

func cacheOrigin(dir string) string {
	switch {
	case dir != "":
		return "flag --cache-dir"
	case os.Getenv(cache.DirEnv) != "":
		return "$" + cache.DirEnv
	}
	return "default"
}

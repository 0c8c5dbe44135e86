package lockfile

import (
	"fmt"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/depsolve/depsolve/internal/tomlpos"
)

// ReadPylock reads a PEP 751 lock file: its packages (name, version, index, files) and
// the target WritePylock records under [tool.depsolve], in file order. Keys it does not
// know are ignored, as PEP 751 asks of readers; a lock-version other than 1.x is an
// error, as PEP 751 asks too.
func ReadPylock(data []byte) (*Lock, error) {
	type file struct {
		Name       string            `toml:"name"`
		URL        string            `toml:"url"`
		Path       string            `toml:"path"`
		Size       int64             `toml:"size"`
		UploadTime time.Time         `toml:"upload-time"`
		Hashes     map[string]string `toml:"hashes"`
	}
	var doc struct {
		LockVersion string `toml:"lock-version"`
		Packages    []struct {
			Name    string `toml:"name"`
			Version string `toml:"version"`
			Index   string `toml:"index"`
			Wheels  []file `toml:"wheels"`
			Sdist   *file  `toml:"sdist"`
			Archive *struct {
				URL string `toml:"url"`
			} `toml:"archive"`
		} `toml:"packages"`
		Tool struct {
			Depsolve map[string]any `toml:"depsolve"`
		} `toml:"tool"`
	}
	if de := tomlpos.CheckDepth(string(data)); de != nil {
		return nil, fmt.Errorf("pylock: %w", de)
	}
	md, err := toml.Decode(string(data), &doc)
	if err != nil {
		return nil, fmt.Errorf("pylock: %w", err)
	}
	if major, _, _ := strings.Cut(doc.LockVersion, "."); major != "1" {
		return nil, fmt.Errorf("pylock: lock-version %q: only 1.x is understood", doc.LockVersion)
	}
	l := &Lock{}
	for _, p := range doc.Packages {
		pkg := Package{Name: p.Name, Version: p.Version, Index: p.Index}
		if p.Archive != nil {
			pkg.DirectURL = p.Archive.URL
		}
		files := p.Wheels
		if p.Sdist != nil {
			files = append(files, *p.Sdist)
		}
		for _, f := range files {
			lf := File{Name: f.Name, URL: f.URL, SHA256: f.Hashes["sha256"], Size: f.Size}
			if lf.Name == "" {
				lf.Name = fileBase(f.URL + f.Path)
			}
			if !f.UploadTime.IsZero() {
				lf.UploadTime = f.UploadTime.UTC().Format(time.RFC3339Nano)
			}
			pkg.Files = append(pkg.Files, lf)
		}
		l.Packages = append(l.Packages, pkg)
	}
	for _, k := range md.Keys() {
		if len(k) != 3 || k[0] != "tool" || k[1] != "depsolve" {
			continue
		}
		if v, ok := doc.Tool.Depsolve[k[2]].(string); ok {
			l.Target = append(l.Target, Field{Name: k[2], Value: v})
		}
	}
	return l, nil
}

// fileBase is the last path segment of a URL or path.
func fileBase(s string) string {
	return s[strings.LastIndexAny(s, "/\\")+1:]
}

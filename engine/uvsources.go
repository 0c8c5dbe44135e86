package engine

import (
	"fmt"
	"net/url"
	"path"
	"strings"

	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/reqfile"
)

// WarningUVSourceNotFollowed is the code of a [tool.uv.sources] entry depsolve does
// not follow: a workspace member (depsolve reads one project), a pin to a flat
// index, or a source of a project that is only a dependency of a dependency (which
// uv does not follow either). The project is then taken from the indexes as any other.
const WarningUVSourceNotFollowed = "uv-source-not-followed"

// WarningSettingNotRead is the code of a setting of another tool in a project's
// pyproject.toml ([tool.uv], [tool.pip-tools]) that changes what that tool resolves
// and that depsolve does not read: the verdict may differ from that tool's.
const WarningSettingNotRead = "setting-not-read"

// unreadSettingWarnings are the files' settings that depsolve does not read, as
// warnings of the verdict.
func unreadSettingWarnings(files []*reqfile.File) []Warning {
	var out []Warning
	for _, f := range files {
		for _, w := range f.UnreadSettings {
			out = append(out, Warning{Code: WarningSettingNotRead, Message: w.String()})
		}
	}
	return out
}

// uvSources is what a project's [tool.uv.sources] ask on the target: the index each
// pinned project comes from alone, and the URL of each project uv takes from a url,
// git or path source.
type uvSources struct {
	pinned   map[string]Sourced // index URL by project; Origin is the source's file:line
	urls     map[string]reqfile.UVSource
	warnings []Warning
}

// applicableUVSources picks, for each project the files' [tool.uv.sources] name, the
// first source whose marker holds on the target, as uv does; a project with none is
// taken from the indexes. The first file that names a project decides it.
func applicableUVSources(files []*reqfile.File, env pep508.Environment) uvSources {
	u := uvSources{pinned: map[string]Sourced{}, urls: map[string]reqfile.UVSource{}}
	decided := map[string]bool{}
	for _, f := range files {
		for _, src := range f.UVSources {
			if decided[src.Package] || !sourceApplies(src, env) {
				continue
			}
			decided[src.Package] = true
			switch {
			case !src.Workspace && src.Undeclared:
				// uv applies a project's sources to the requirements it declares, never to
				// the dependencies of its dependencies (astral-sh/uv#8253).
				u.warnings = append(u.warnings, Warning{Code: WarningUVSourceNotFollowed, Package: src.Package, Message: fmt.Sprintf(
					"%s: the project requires %s nowhere (not in its dependencies, extras or groups), and uv applies sources only to the project's own requirements: it is taken from the indexes, as uv takes it; add it to the project's dependencies for the source to apply", src.Pos, src.Package)})
			case src.Workspace:
				u.warnings = append(u.warnings, Warning{Code: WarningUVSourceNotFollowed, Package: src.Package, Message: fmt.Sprintf(
					"%s: %s is a member of the uv workspace, which depsolve does not follow: it is taken from the indexes; check its own pyproject.toml too", src.Pos, src.Package)})
			case src.Index != "":
				ix, _ := f.UVIndexNamed(src.Index)
				if ix.Flat {
					u.warnings = append(u.warnings, Warning{Code: WarningUVSourceNotFollowed, Package: src.Package, Message: fmt.Sprintf(
						"%s: %s is pinned to the flat index %s, which depsolve does not pin to: it is taken from the indexes and find-links locations with the other projects", src.Pos, src.Package, src.Index)})
					continue
				}
				u.pinned[src.Package] = Sourced{ix.URL, src.Pos.String()}
			default:
				u.urls[src.Package] = src
			}
		}
	}
	return u
}

// sourceApplies decides a source's marker as pinApplies decides a pin's.
func sourceApplies(src reqfile.UVSource, env pep508.Environment) bool {
	applies, err := src.Marker.Decide(env, nil)
	return err != nil || applies
}

// applyURLs makes the requirements on projects with a url, git or path source name
// that URL (NAME @ URL), as uv installs them. A version bound the requirement puts on a
// wheel stays, as a constraint the wheel's version must meet.
func (u uvSources) applyURLs(in *inputs) {
	for i, r := range in.requirements {
		src, ok := u.urls[r.Key()]
		if !ok || r.URL != "" {
			continue
		}
		if !r.Specifier.IsEmpty() && isWheelURL(src.URL) {
			in.constraints = append(in.constraints, r)
		}
		r.URL = src.URL
		in.requirements[i] = r
	}
}

func isWheelURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && strings.HasSuffix(path.Base(u.Path), ".whl")
}

// uvIndexSettings are the index options of a file's [[tool.uv.index]], in the order
// written: the default index (default = true), the other indexes uv asks before it,
// and the flat ones, which are find-links locations. Explicit indexes serve only the
// projects pinned to them (uvSources.pinned).
func uvIndexSettings(f *reqfile.File) (def Sourced, extra, links []Sourced) {
	for _, ix := range f.UVIndexes {
		s := Sourced{ix.URL, ix.Pos.LineOnly().String()}
		switch {
		case ix.Explicit:
		case ix.Flat:
			links = append(links, s)
		case ix.Default:
			if def.Value == "" {
				def = s
			}
		default:
			extra = append(extra, s)
		}
	}
	return def, extra, links
}

// pinnedURLs are the pinned indexes as index.Options takes them.
func pinnedURLs(pinned map[string]Sourced) map[string]string {
	if len(pinned) == 0 {
		return nil
	}
	out := make(map[string]string, len(pinned))
	for name, s := range pinned {
		out[name] = s.Value
	}
	return out
}

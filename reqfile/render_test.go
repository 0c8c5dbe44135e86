package reqfile

import (
	"fmt"
	"strings"
)

// render prints everything Parse returned, one fact a line, for golden files.
func render(f *File) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("path %s", f.Path)
	if f.IndexURL != "" {
		line("index-url %s", f.IndexURL)
	}
	for _, u := range f.ExtraIndexURLs {
		line("extra-index-url %s", u)
	}
	if f.NoIndex {
		line("no-index")
	}
	for _, u := range f.FindLinks {
		line("find-links %s", u)
	}
	for _, h := range f.TrustedHosts {
		line("trusted-host %s", h)
	}
	for _, flag := range []struct {
		name string
		on   bool
	}{{"pre", f.Pre}, {"prefer-binary", f.PreferBinary}, {"require-hashes", f.RequireHashes}} {
		if flag.on {
			line("%s", flag.name)
		}
	}
	for _, set := range []struct {
		name  string
		names []string
	}{{"all-releases", f.AllReleases}, {"only-final", f.OnlyFinal}, {"only-binary", f.OnlyBinary}, {"no-binary", f.NoBinary}} {
		if len(set.names) > 0 {
			line("%s %s", set.name, strings.Join(set.names, ","))
		}
	}
	if s := f.RequiresPython.String(); s != "" {
		line("requires-python %s %s", f.RequiresPythonPos, s)
	}
	for _, list := range []struct {
		kind string
		reqs []Requirement
	}{{"requirement", f.Requirements}, {"constraint", f.Constraints}, {"editable", f.Editables}} {
		for _, r := range list.reqs {
			line("%s %s %s", list.kind, r.Pos, renderRequirement(r))
		}
	}
	for _, ix := range f.UVIndexes {
		line("uv-index %s name=%q url=%s explicit=%t default=%t flat=%t", ix.Pos, ix.Name, ix.URL, ix.Explicit, ix.Default, ix.Flat)
	}
	for _, src := range f.UVSources {
		line("uv-source %s %s index=%q url=%q workspace=%t marker=%q", src.Pos, src.Package, src.Index, src.URL, src.Workspace, src.Marker.String())
	}
	for _, w := range f.UnreadSettings {
		line("unread-setting %s", w)
	}
	for _, w := range f.Warnings {
		line("warning %s", w)
	}
	return b.String()
}

func renderRequirement(r Requirement) string {
	var parts []string
	name := r.Name
	if name == "" {
		name = "(unnamed)"
	}
	if len(r.Extras) > 0 {
		name += "[" + strings.Join(r.Extras, ",") + "]"
	}
	parts = append(parts, name)
	if s := r.Specifier.String(); s != "" {
		parts = append(parts, s)
	}
	if r.URL != "" {
		parts = append(parts, "@ "+r.URL)
	}
	if !r.Marker.IsEmpty() {
		parts = append(parts, "; "+r.Marker.String())
	}
	if n := len(r.Hashes); n > 0 {
		parts = append(parts, fmt.Sprintf("(%d hashes, first %s)", n, r.Hashes[0]))
	}
	return strings.Join(parts, " ")
}

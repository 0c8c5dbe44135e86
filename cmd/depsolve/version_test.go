package main

import (
	"runtime/debug"
	"testing"
)

func TestReleaseVersionAndCommit(t *testing.T) {
	tests := []struct {
		name                       string
		stampedVersion, stampedRev string
		info                       *debug.BuildInfo
		wantVersion, wantCommit    string
	}{
		{"stamped by release.sh", "0.2.0", "3f2a9c", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "0.2.0", "3f2a9c"},
		{"go install …@v0.2.0", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.2.0"}}, "0.2.0", "unknown"},
		{"go install …@pseudo-version", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20260101120000-3f2a9c0d1e2f"}}, "0.0.0-20260101120000-3f2a9c0d1e2f", "unknown"},
		{"go build in a clean checkout", "", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.modified", Value: "false"}}}, "devel", "abc123"},
		{"go build with uncommitted changes", "", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.modified", Value: "true"}}}, "devel", "abc123-dirty"},
		{"no build information", "", "", nil, "devel", "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			version, commit = tt.stampedVersion, tt.stampedRev
			t.Cleanup(func() { version, commit = "", "" })
			if got := releaseVersion(tt.info); got != tt.wantVersion {
				t.Errorf("version %q, want %q", got, tt.wantVersion)
			}
			if got := releaseCommit(tt.info); got != tt.wantCommit {
				t.Errorf("commit %q, want %q", got, tt.wantCommit)
			}
		})
	}
}

// A build that is not stamped (go build, go install) still names itself to indexes (the
// User-Agent) and in the cache it creates: "depsolve devel", never "depsolve ".
func TestRequestCarriesReleaseVersionWhenUnstamped(t *testing.T) {
	version = ""
	info, _ := debug.ReadBuildInfo()
	got := (&inputFlags{}).request(nil).Version
	if want := releaseVersion(info); got != want || got == "" {
		t.Errorf("Request.Version %q, want %q", got, want)
	}
}

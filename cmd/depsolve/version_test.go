package main

import (
	"io"
	"runtime"
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

// `depsolve --version` prints constants: the matrix data's stamp is computed when the data
// changes (matrix's TestEmbeddedDataStampIsCurrent), not by reading and scanning the
// embedded data on every run, which cost several times a hello-world's start-up.
func TestVersionReadsNoMatrixData(t *testing.T) {
	printVersion(io.Discard) // the build information, read once, is not what is measured
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if err := printVersion(io.Discard); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	// the embedded data is about 170 KiB; the printed lines and build information a few
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 32<<10 {
		t.Errorf("printVersion allocated %d bytes, want at most 32 KiB: does it read the matrix data?", allocated)
	}
}

// `depsolve --version` alone answers before the command tree is built: registering every
// command's flags (pflag formats each default) cost more than printing the answer.
func TestVersionFlagAloneBuildsNoCommands(t *testing.T) {
	for _, flag := range []string{"--version", "-V"} {
		run([]string{flag}, io.Discard, io.Discard)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if code := run([]string{flag}, io.Discard, io.Discard); code != exitOK {
			t.Fatalf("%s: exit %d", flag, code)
		}
		runtime.ReadMemStats(&after)
		// the command tree takes some 400 KiB; the answer a few
		if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 32<<10 {
			t.Errorf("depsolve %s allocated %d bytes, want at most 32 KiB: does it build the commands?", flag, allocated)
		}
	}
}

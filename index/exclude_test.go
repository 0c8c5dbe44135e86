package index

import (
	"context"
	"testing"
	"time"
)

// exclude-newer leaves out the files uploaded after its date and those without an
// upload time, and a release left without files says why, citing the rule; FinalOnly
// makes pre-releases unavailable, citing its rule. Views cached without the options
// are not reused with them.
func TestExcludeNewerAndFinalOnly(t *testing.T) {
	f := newFakeIndex(t)
	old := makeWheel(t, "np-1.0-py3-none-any.whl", metadataText("np", "1.0"), 0)
	fresh := makeWheel(t, "np-2.0-py3-none-any.whl", metadataText("np", "2.0"), 0)
	fresh.uploaded = "2026-11-02T08:00:00Z"
	undated := makeWheel(t, "np-3.0-py3-none-any.whl", metadataText("np", "3.0"), 0)
	undated.uploaded = "none"
	pre := makeWheel(t, "np-4.0rc1-py3-none-any.whl", metadataText("np", "4.0rc1"), 0)
	for _, d := range []*dist{old, fresh, undated, pre} {
		f.add("pypi", d)
	}
	c := openCache(t, t.TempDir())
	ctx := context.Background()

	plain := newIndex(t, Options{IndexURL: f.url("pypi"), Cache: c})
	rs, err := plain.Releases(ctx, "np")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Unavailable != "" {
			t.Errorf("without the options, %s is unavailable: %s", r.Version, r.Unavailable)
		}
	}

	ix := newIndex(t, Options{IndexURL: f.url("pypi"), Cache: c,
		ExcludeNewer: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), ExcludeNewerRule: "the policy's exclude-newer (policy.toml:31)",
		FinalOnly: true, FinalOnlyRule: "the policy's pre-releases = \"never\" (policy.toml:30)"})
	rs, err = ix.Releases(ctx, "np")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"1.0":    "",
		"2.0":    "it was uploaded after 2026-10-01, the policy's exclude-newer (policy.toml:31)",
		"3.0":    "the index gives no upload time for its files, which the policy's exclude-newer (policy.toml:31) needs",
		"4.0rc1": "it is a pre-release, and the policy's pre-releases = \"never\" (policy.toml:30) allows none",
	}
	for _, r := range rs {
		if w := want[r.Version.String()]; r.Unavailable != w {
			t.Errorf("%s: unavailable %q, want %q", r.Version, r.Unavailable, w)
		}
	}
	if len(rs) != len(want) {
		t.Errorf("%d releases, want %d", len(rs), len(want))
	}
}

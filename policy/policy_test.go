package policy

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/target"
)

var testCodes = []string{"note", "unasked-prerelease", "unchecked-release"}

func TestParseFixture(t *testing.T) {
	data, err := os.ReadFile("testdata/policy.toml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse("policy.toml", data, testCodes)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(p.FleetNames(), ","); got != "training,inference" {
		t.Errorf("fleets %s", got)
	}
	training, _ := p.Fleet("training")
	if len(training.Targets) != 2 || training.Targets[1].Name != "gh200-560" {
		t.Fatalf("training targets %+v", training.Targets)
	}
	d := training.Targets[0].Target
	if d.Driver.Text != "550.54.15" || d.Driver.Origin.Pos.Line != 10 || d.GPUs[0].Name != "H100" {
		t.Errorf("h100-550: %+v", d)
	}
	if len(p.Deny) != 1 || p.Deny[0].Line != 28 || p.Deny[0].Package != "torch" || !p.Deny[0].Versions.Contains(mustVersion(t, "2.5.1")) {
		t.Errorf("deny %+v", p.Deny)
	}
	if len(p.Require) != 1 || p.Require[0].Package != "numpy" {
		t.Errorf("require %+v", p.Require)
	}
	if !p.OnlyBinary.Value || p.PreReleases.Value != PreReleasesNever || !p.ExcludeNewer.Value.Equal(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("supply chain %+v %+v %+v", p.OnlyBinary, p.PreReleases, p.ExcludeNewer)
	}
	if p.MaxImageSize.Value != 8e9 || p.MaxDownloadSize.Value != 4<<30 || p.MaxDownloadSize.Line != 50 {
		t.Errorf("budget %+v %+v", p.MaxImageSize, p.MaxDownloadSize)
	}
	if !p.IsLocked("supply-chain.indexes") || p.IsLocked("supply-chain.only-binary") {
		t.Errorf("locked %v", p.Locked)
	}
	if p.At(p.Deny[0].Line).String() != "policy.toml:28" {
		t.Errorf("At: %s", p.At(p.Deny[0].Line))
	}
}

// Bad input is an error at its line and column, that says what is wrong and what to
// write instead.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, doc, pos, msg string
	}{
		{"unknown top key", "[[fleet]]\nname = \"a\"\n[[fleet.target]]\nname = \"x\"\n[suply-chain]\n", "policy.toml:5:1", `unknown key "suply-chain" in the policy's top level; known keys: budget, deny, fleet`},
		{"unknown key in a table", "[supply-chain]\nonly-binary = true\nexclude_newer = \"2026-01-01\"\n", "policy.toml:3:1", `unknown key "exclude_newer" in [supply-chain]`},
		{"unknown key in a fleet target", "[[fleet]]\nname = \"a\"\n[[fleet.target]]\nname = \"x\"\n[[fleet.target]]\nname = \"y\"\ngpu = \"H100\"\n", "policy.toml:7:1", `unknown key "gpu" in [fleet[0].target[1]]`},
		{"bad versions", "[[deny]]\npackage = \"torch\"\nversions = \"<<2.6\"\nreason = \"r\"\n", "policy.toml:3:12", `versions "<<2.6"`},
		{"bad package", "[[deny]]\npackage = \"torch 2\"\nversions = \"<2.6\"\nreason = \"r\"\n", "policy.toml:2:11", `package "torch 2" is not a project name`},
		{"rule without reason", "[[deny]]\npackage = \"torch\"\nversions = \"<2.6\"\n", "policy.toml:1:1", `deny[0] has no reason`},
		{"bad link", "[[deny]]\npackage = \"torch\"\nversions = \"<2.6\"\nreason = \"r\"\nlink = \"ghsa\"\n", "policy.toml:5:8", `link "ghsa": want an https:// URL`},
		{"bad index URL", "[supply-chain]\nindexes = [\"https://pypi.org/simple\", \"pypi\"]\n", "policy.toml:2:39", `indexes[1] "pypi" is not an index URL`},
		{"index with credentials", "[supply-chain]\nindexes = [\"https://u:secret@host/simple\"]\n", "policy.toml:2:12", `holds credentials`},
		{"bad date", "[supply-chain]\nexclude-newer = \"next week\"\n", "policy.toml:2:17", `exclude-newer "next week" is not a date`},
		{"bad pre-releases", "[supply-chain]\npre-releases = \"sometimes\"\n", "policy.toml:2:16", `pre-releases "sometimes": want "never" or "if-needed"`},
		{"after a byte order mark", "\ufeff[supply-chain]\r\npre-releases = \"sometimes\"\r\n", "policy.toml:2:16", `pre-releases "sometimes": want "never" or "if-needed"`},
		{"bad driver", "[[fleet]]\nname = \"a\"\n[[fleet.target]]\nname = \"x\"\ndriver = \"550\"\n", "policy.toml:5:10", `driver: "550" is a driver branch, not a driver version`},
		{"bad python", "[[fleet]]\nname = \"a\"\n[[fleet.target]]\nname = \"x\"\npython = 3.11\n", "policy.toml:5:10", `python must be a string, not a float`},
		{"fleet without targets", "[[fleet]]\nname = \"a\"\n", "policy.toml:1:1", `fleet "a" has no targets`},
		{"two fleets of one name", "[[fleet]]\nname = \"a\"\n[[fleet.target]]\nname = \"x\"\n[[fleet]]\nname = \"a\"\n[[fleet.target]]\nname = \"x\"\n", "policy.toml:6:8", `a second fleet named "a"`},
		{"target name with a slash", "[[fleet]]\nname = \"a\"\n[[fleet.target]]\nname = \"x/y\"\n", "policy.toml:4:8", `target name "x/y"`},
		{"fleet name out of the folder", "[[fleet]]\nname = \"../../x\"\n[[fleet.target]]\nname = \"x\"\n", "policy.toml:2:8", `fleet name "../../x"`},
		{"fleet name with a slash", "[[fleet]]\nname = \"a/b\"\n[[fleet.target]]\nname = \"x\"\n", "policy.toml:2:8", `fleet name "a/b"`},
		{"fleet name ..", "[[fleet]]\nname = \"..\"\n[[fleet.target]]\nname = \"x\"\n", "policy.toml:2:8", `may not be . or ..`},
		{"target name ..", "[[fleet]]\nname = \"a\"\n[[fleet.target]]\nname = \"..\"\n", "policy.toml:4:8", `may not be . or ..`},
		{"target name with a control character", "[[fleet]]\nname = \"a\"\n[[fleet.target]]\nname = \"x\\u001b[2J\"\n", "policy.toml:4:8", `control characters`},
		{"image outside the golden ones", "[[fleet]]\nname = \"a\"\n[[fleet.target]]\nname = \"x\"\nbase-image = \"ubuntu:22.04\"\n[images]\nallowed = [\"nvidia/cuda:12.4.1-runtime-ubuntu22.04\"]\n", "policy.toml:5:14", `uses base image ubuntu:22.04, which is not one of the images policy.toml:7 allows`},
		{"no golden images", "[images]\nallowed = []\n", "policy.toml:2:11", `allowed is empty: no base image could pass`},
		{"a fleet with no images", "[[fleet]]\nname = \"a\"\nimages = []\n[[fleet.target]]\nname = \"x\"\n", "policy.toml:3:10", `images is empty`},
		{"size of the wrong type", "[budget]\nmax-image-size = true\n", "policy.toml:2:18", `max-image-size must be a size such as "8GB" or a number of bytes, not a boolean`},
		{"bad size", "[budget]\nmax-download-size = \"lots\"\n", "policy.toml:2:21", `"lots" is not a size`},
		{"unknown strict code", "[strict]\nerrors = [\"unchecked\"]\n", "policy.toml:2:11", `"unchecked" is not a warning code; did you mean "unchecked-release"?`},
		{"unknown locked key", "locked = [\"deny\"]\n", "policy.toml:1:11", `"deny" is not a setting a project could loosen`},
		{"one-cuda-family not a boolean", "[rules]\none-cuda-family = \"yes\"\n", "policy.toml:2:19", `one-cuda-family must be true or false, not a string`},
		{"rules not a table", "rules = [\"one-cuda-family\"]\n", "policy.toml:1:9", `rules must be a table ([rules]), not an array`},
		{"unknown rule", "[rules]\none-family = true\n", "policy.toml:2:1", `unknown key "one-family" in [rules]; known keys: one-cuda-family`},
		{"TOML syntax", "[supply-chain\n", "policy.toml:", "table name"},
		{"too deep", "x = " + strings.Repeat("[", 200) + strings.Repeat("]", 200) + "\n", "policy.toml:1:", "nest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("policy.toml", []byte(tc.doc), testCodes)
			var ie *target.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("got %v, want an *target.InputError", err)
			}
			if got := ie.Pos.String(); !strings.HasPrefix(got, tc.pos) {
				t.Errorf("at %s, want %s: %v", got, tc.pos, err)
			}
			if !strings.Contains(ie.Msg, tc.msg) {
				t.Errorf("message %q does not say %q", ie.Msg, tc.msg)
			}
		})
	}
}

// rules.one-cuda-family is read with its line, for citations; absent, it is off.
func TestParseOneCUDAFamily(t *testing.T) {
	p, err := Parse("policy.toml", []byte("[supply-chain]\nonly-binary = true\n\n[rules]\none-cuda-family = true\n"), testCodes)
	if err != nil {
		t.Fatal(err)
	}
	if !p.OneCUDAFamily.Value || p.OneCUDAFamily.Line != 5 {
		t.Errorf("one-cuda-family %+v, want true at line 5", p.OneCUDAFamily)
	}
	p, err = Parse("policy.toml", []byte("[rules]\none-cuda-family = false\n"), testCodes)
	if err != nil {
		t.Fatal(err)
	}
	if p.OneCUDAFamily.Value || !p.OneCUDAFamily.Set() {
		t.Errorf("one-cuda-family %+v, want false, set", p.OneCUDAFamily)
	}
}

func mustVersion(t *testing.T, s string) pep440.Version {
	t.Helper()
	v, err := pep440.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// The example policy of examples/policy parses, and says what its README says.
func TestExamplePolicy(t *testing.T) {
	data, err := os.ReadFile("../examples/policy/policy.toml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse("policy.toml", data, testCodes)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Fleets) != 2 || len(p.Fleets[0].Targets)+len(p.Fleets[1].Targets) != 3 || p.Deny[0].Line != 32 {
		t.Errorf("fleets %v, deny at line %d", p.FleetNames(), p.Deny[0].Line)
	}
	if !p.OneCUDAFamily.Value {
		t.Errorf("rules.one-cuda-family %+v, want true", p.OneCUDAFamily)
	}
}

// exclude-newer written as a TOML local date or date-time (unquoted) is UTC, as the
// quoted form is, whatever the machine's time zone: the decoder gave it the machine's
// offset, so a lock made in California saw seven hours more of the index than one made
// in CI. The zone is the process's, so the test runs itself again under another one.
func TestExcludeNewerLocalDateIsUTC(t *testing.T) {
	const child = "DEPSOLVE_TEST_EXCLUDE_NEWER_TZ"
	if os.Getenv(child) == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestExcludeNewerLocalDateIsUTC$")
		cmd.Env = append(os.Environ(), child+"=1", "TZ=America/Los_Angeles")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("under TZ=America/Los_Angeles: %v\n%s", err, out)
		}
		return
	}
	if _, offset := time.Now().Zone(); offset == 0 {
		t.Skip("no zoneinfo for America/Los_Angeles: the zone is UTC, which proves nothing")
	}
	for doc, want := range map[string]time.Time{
		"exclude-newer = 2026-10-01":                time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC),
		"exclude-newer = 2026-10-01T12:30:00":       time.Date(2026, 10, 1, 12, 30, 0, 0, time.UTC),
		"exclude-newer = \"2026-10-01\"":            time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC),
		"exclude-newer = 2026-10-01T12:30:00+02:00": time.Date(2026, 10, 1, 10, 30, 0, 0, time.UTC),
	} {
		p, err := Parse("policy.toml", []byte("[supply-chain]\n"+doc+"\n"), testCodes)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.ExcludeNewer.Value; !got.Equal(want) {
			t.Errorf("%s: %s, want %s", doc, got.UTC(), want)
		}
	}
}

// A rule's reason is shown inside explanations: its control characters are escaped, so
// that a policy (which may come from a server) cannot recolour the terminal or print a
// line of its own.
func TestRuleReasonIsEscaped(t *testing.T) {
	doc := "[[deny]]\npackage = \"torch\"\nversions = \"<2\"\nreason = \"old\\u001b[31m\\nok: all good\"\n"
	p, err := Parse("policy.toml", []byte(doc), testCodes)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.Deny[0].Reason, `old\x1b[31m\nok: all good`; got != want {
		t.Errorf("reason %q, want %q", got, want)
	}
}

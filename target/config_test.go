package target

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func configOrigin(file string, line int, key string) Origin {
	return Origin{From: FromConfig, Pos: Position{File: file, Line: line}, Detail: key}
}

func TestLoadConfigs(t *testing.T) {
	dir := filepath.Join("testdata", "config")
	configs, err := LoadConfigs(dir)
	if err != nil {
		t.Fatal(err)
	}
	toml := filepath.Join(dir, "depsolve.toml")
	py := filepath.Join(dir, "pyproject.toml")
	pyOrigin := func(line int, key string) Origin {
		return Origin{From: FromPyproject, Pos: Position{File: py, Line: line}, Detail: "tool.depsolve." + key}
	}
	want := []*Config{{
		File:     toml,
		IndexURL: Value{"https://pypi.org/simple", configOrigin(toml, 2, "index-url")},
		ExtraIndexURLs: []Value{
			{"https://download.pytorch.org/whl/cu124", configOrigin(toml, 3, "extra-index-url")},
		},
		FindLinks: []Value{
			{filepath.Join(dir, "wheels"), configOrigin(toml, 6, "find-links")},
			{"https://example.com/links.html", configOrigin(toml, 6, "find-links")},
		},
		IndexStrategy: Value{"first-index", configOrigin(toml, 7, "index-strategy")},
		Target: Declaration{
			Python: Value{"3.11.9", configOrigin(toml, 10, "target.python")},
			Driver: Value{"550.54.15", configOrigin(toml, 11, "target.driver")},
			GPUs: []GPU{
				{Name: "H100", Count: 1, Origin: configOrigin(toml, 12, "target.gpus")},
				{Name: "sm_80", Count: 1, Origin: configOrigin(toml, 12, "target.gpus")},
			},
			BaseImage: Value{"nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04", configOrigin(toml, 13, "target.base-image")},
		},
	}, {
		File:     py,
		IndexURL: Value{"https://mirror.example.com/simple", pyOrigin(10, "index-url")},
		Target: Declaration{
			Python:     Value{"3.12", pyOrigin(13, "target.python")},
			Platform:   Value{"manylinux_2_28_aarch64", pyOrigin(14, "target.platform")},
			CPU:        Toggle{Set: true, On: true, Origin: pyOrigin(15, "target.cpu")},
			Dockerfile: Value{filepath.Join(dir, "docker", "Dockerfile"), pyOrigin(16, "target.dockerfile")},
		},
	}}
	if diff := cmp.Diff(want, configs); diff != "" {
		t.Errorf("LoadConfigs (-want +got):\n%s", diff)
	}
	if got := configs[1].Target.Python.Origin.String(); got != py+" [tool.depsolve]:13" {
		t.Errorf("pyproject origin renders as %q", got)
	}
}

func TestLoadConfigsNone(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte("[project]\nname = \"x\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	configs, err := LoadConfigs(dir)
	if err != nil || len(configs) != 0 {
		t.Errorf("LoadConfigs = %v, %v; want nothing", configs, err)
	}
}

func TestParseConfigInlineTable(t *testing.T) {
	c, err := ParseConfig("depsolve.toml", []byte("target = { python = \"3.10.14\", cpu = false }\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Target.Python.Text != "3.10.14" || c.Target.Python.Origin.Pos.Line != 1 || !c.Target.CPU.Set || c.Target.CPU.On {
		t.Errorf("got %+v", c.Target)
	}
}

func TestParseConfigPolicy(t *testing.T) {
	c, err := ParseConfig("proj/depsolve.toml", []byte("policy = \"../org/policy.toml\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Policy.Path.Text != "org/policy.toml" || c.Policy.Path.Origin.Pos.Line != 1 {
		t.Errorf("path: %+v", c.Policy)
	}
	c, err = ParseConfig("depsolve.toml", []byte("[policy]\nurl = \"https://example.com/policy.toml\"\nsha256 = \"ab\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Policy.URL.Text != "https://example.com/policy.toml" || c.Policy.SHA256.Text != "ab" || c.Policy.SHA256.Origin.Pos.Line != 3 {
		t.Errorf("url: %+v", c.Policy)
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name, file, text string
		want             string // the whole error text, with the line (ErrorWithContext)
	}{
		// A quoted key holding a dot is one key, and the error points at it.
		{"quoted key with a dot", "depsolve.toml", "[target]\npython = \"3.11\"\n\"python.x\" = 1\n",
			"depsolve.toml:3:1: unknown key \"python.x\" in [target]; known keys: base-image, cpu, cuda, dockerfile, driver, glibc, gpus, platform, python, read-image\n    3 | \"python.x\" = 1\n      | ^\n"},
		{"unknown key", "depsolve.toml", "index-url = \"https://x\"\nindex_url = \"https://y\"\n",
			"depsolve.toml:2:1: unknown key \"index_url\" in the depsolve table; known keys: extra-index-url, find-links, index-strategy, index-url, max-image-size, no-binary, no-build, only-binary, policy, target, timeout\n    2 | index_url = \"https://y\"\n      | ^\n"},
		{"unknown target key", "depsolve.toml", "[target]\npython = \"3.11.9\"\n  gpu = [\"H100\"]\n",
			"depsolve.toml:3:3: unknown key \"gpu\" in [target]; known keys: base-image, cpu, cuda, dockerfile, driver, glibc, gpus, platform, python, read-image\n    3 |   gpu = [\"H100\"]\n      |   ^\n"},
		{"unknown pyproject key", "pyproject.toml", "[tool.depsolve.target]\npythn = \"3.11\"\n",
			"pyproject.toml:2:1: unknown key \"pythn\" in [tool.depsolve.target]; known keys: base-image, cpu, cuda, dockerfile, driver, glibc, gpus, platform, python, read-image\n    2 | pythn = \"3.11\"\n      | ^\n"},
		{"after a byte order mark", "depsolve.toml", "\ufeff[target]\r\npython = 3.10\r\n",
			"depsolve.toml:2:10: python must be a string, not a float (quote it: python = \"…\")\n    2 | python = 3.10\n      |          ^\n"},
		{"float python", "depsolve.toml", "[target]\npython = 3.10\n",
			"depsolve.toml:2:10: python must be a string, not a float (quote it: python = \"…\")\n    2 | python = 3.10\n      |          ^\n"},
		{"bad python", "depsolve.toml", "[target]\npython = \"3.x\"\n",
			"depsolve.toml:2:10: python: \"3.x\" is not a Python version (want 3.11.9 or 3.11)\n    2 | python = \"3.x\"\n      |          ^\n"},
		{"bad platform", "depsolve.toml", "[target]\nplatform = \"manylinux_2_35_amd64\"\n",
			"depsolve.toml:2:12: platform: platform \"manylinux_2_35_amd64\": unknown Linux architecture \"amd64\" (Linux tags say x86_64)\n    2 | platform = \"manylinux_2_35_amd64\"\n      |            ^\n"},
		{"bad gpu", "depsolve.toml", "[target]\ngpus = [\"H100\", \"sm_9\"]\n",
			"depsolve.toml:2:8: gpus: \"sm_9\" is not a compute capability (want sm_90 or 9.0) or a GPU model name\n    2 | gpus = [\"H100\", \"sm_9\"]\n      |        ^\n"},
		{"gpus not a list", "depsolve.toml", "[target]\ngpus = \"H100\"\n",
			"depsolve.toml:2:8: gpus must be an array of strings, not a string\n    2 | gpus = \"H100\"\n      |        ^\n"},
		{"cpu not bool", "depsolve.toml", "[target]\ncpu = \"yes\"\n",
			"depsolve.toml:2:7: cpu must be true or false, not a string\n    2 | cpu = \"yes\"\n      |       ^\n"},
		{"read-image not bool", "depsolve.toml", "[target]\nread-image = \"yes\"\n",
			"depsolve.toml:2:14: read-image must be true or false, not a string\n    2 | read-image = \"yes\"\n      |              ^\n"},
		{"cpu and gpus", "depsolve.toml", "[target]\ngpus = [\"A100\"]\ncpu = true\n",
			"depsolve.toml:3:1: cpu = true, yet gpus lists GPUs\n    3 | cpu = true\n      | ^\n"},
		{"image and dockerfile", "depsolve.toml", "[target]\nbase-image = \"python:3.12\"\ndockerfile = \"Dockerfile\"\n",
			"depsolve.toml:3:1: give base-image or dockerfile, not both\n    3 | dockerfile = \"Dockerfile\"\n      | ^\n"},
		{"digest only", "depsolve.toml", "[target]\nbase-image = \"nvidia/cuda@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"\n",
			"depsolve.toml:2:14: base-image: image \"nvidia/cuda@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\": cannot tell CUDA, Python or glibc from a digest; give the tag too (nvidia/cuda:TAG@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef), or give --cuda, --python and --glibc instead\n    2 | base-image = \"nvidia/cuda@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"\n      |              ^\n"},
		{"index strategy", "depsolve.toml", "index-strategy = \"best\"\n",
			"depsolve.toml:1:18: index-strategy \"best\": want \"first-index\" or \"unsafe-best-match\"\n    1 | index-strategy = \"best\"\n      |                  ^\n"},
		{"timeout not a duration", "depsolve.toml", "timeout = \"soon\"\n",
			"depsolve.toml:1:11: timeout: \"soon\" is not a number of seconds (60, 2.5) or a duration (90s, 1m30s)\n    1 | timeout = \"soon\"\n      |           ^\n"},
		{"timeout zero", "depsolve.toml", "timeout = 0\n",
			"depsolve.toml:1:11: timeout: \"0\": a timeout must be more than zero\n    1 | timeout = 0\n      |           ^\n"},
		{"timeout type", "pyproject.toml", "[tool.depsolve]\ntimeout = [60]\n",
			"pyproject.toml:2:11: timeout must be a number of seconds or a duration such as \"90s\", not an array\n    2 | timeout = [60]\n      |           ^\n"},
		{"policy URL without a pin", "depsolve.toml", "policy = \"https://example.com/policy.toml\"\n",
			"depsolve.toml:1:10: a policy URL must be pinned: write policy = { url = \"https://example.com/policy.toml\", sha256 = \"…\" } with the sha256 of the file you reviewed\n    1 | policy = \"https://example.com/policy.toml\"\n      |          ^\n"},
		{"policy URL without its sha256", "depsolve.toml", "policy = { url = \"https://example.com/policy.toml\" }\n",
			"depsolve.toml:1:10: policy = { url = \"https://…\", sha256 = \"…\" } needs both keys\n    1 | policy = { url = \"https://example.com/policy.toml\" }\n      |          ^\n"},
		{"policy unknown key", "depsolve.toml", "policy = { url = \"https://example.com/p.toml\", sha = \"x\" }\n",
			"depsolve.toml:1:48: unknown key \"sha\" in [policy]; known keys: sha256, url\n    1 | policy = { url = \"https://example.com/p.toml\", sha = \"x\" }\n      |                                                ^\n"},
		{"target not a table", "depsolve.toml", "target = \"gpu\"\n",
			"depsolve.toml:1:10: target must be a table ([target]), not a string\n    1 | target = \"gpu\"\n      |          ^\n"},
		{"tool.depsolve not a table", "pyproject.toml", "[tool]\ndepsolve = 1\n",
			"pyproject.toml:2:12: [tool.depsolve] must be a table\n    2 | depsolve = 1\n      |            ^\n"},
		{"empty string", "depsolve.toml", "[target]\ndriver = \" \"\n",
			"depsolve.toml:2:10: driver is empty\n    2 | driver = \" \"\n      |          ^\n"},
		{"empty list item", "depsolve.toml", "find-links = [\"\"]\n",
			"depsolve.toml:1:14: find-links[0] is empty\n    1 | find-links = [\"\"]\n      |              ^\n"},
		{"list item type", "depsolve.toml", "extra-index-url = [1]\n",
			"depsolve.toml:1:19: extra-index-url[0] must be a string, not an integer\n    1 | extra-index-url = [1]\n      |                   ^\n"},
		{"syntax", "depsolve.toml", "[target]\npython = \"3.11\n",
			"depsolve.toml:2:15: strings cannot contain newlines\n    2 | python = \"3.11\n      |               ^\n"},
		// Columns count characters, as reqfile's do and an editor shows: "Ä" is one.
		{"column after a non-ASCII character", "depsolve.toml", "target = { gpus = [\"Ä100\"], python = \"3.x\" }\n",
			"depsolve.toml:1:38: python: \"3.x\" is not a Python version (want 3.11.9 or 3.11)\n    1 | target = { gpus = [\"Ä100\"], python = \"3.x\" }\n      |                                      ^\n"},
		{"syntax error after a non-ASCII character", "depsolve.toml", "# Ä\n[target]\npython = \"Ä\" \"3.11\"\n",
			"depsolve.toml:3:14: expected a top-level item to end with a newline, comment, or EOF, but got '\"' instead\n    3 | python = \"Ä\" \"3.11\"\n      |              ^\n"},
		{"multi-line value", "depsolve.toml", "[target]\ngpus = [\n  \"H100\",\n  \"bad gpu 1.\",\n  \"9\",\n]\n",
			"depsolve.toml:2:8: gpus: \"9\" is not a compute capability (want sm_90 or 9.0) or a GPU model name\n    2 | gpus = [\n      |        ^\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig(tt.file, []byte(tt.text))
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("got %v, want *InputError", err)
			}
			if got := ie.ErrorWithContext(); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// The timeout key takes seconds, as a TOML number or a string, or a duration.
func TestParseConfigTimeout(t *testing.T) {
	for text, want := range map[string]time.Duration{
		"timeout = 90\n":        90 * time.Second,
		"timeout = 2.5\n":       2500 * time.Millisecond,
		"timeout = \"1m30s\"\n": 90 * time.Second,
		"timeout = \" 45 \"\n":  45 * time.Second,
	} {
		c, err := ParseConfig("depsolve.toml", []byte(text))
		if err != nil {
			t.Errorf("%q: %v", text, err)
		} else if c.Timeout != want {
			t.Errorf("%q: timeout %v, want %v", text, c.Timeout, want)
		}
	}
}

func TestParseTimeout(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"60": time.Minute, "2.5": 2500 * time.Millisecond, "90s": 90 * time.Second, "1m30s": 90 * time.Second, "250ms": 250 * time.Millisecond,
	} {
		if got, err := ParseTimeout(in); err != nil || got != want {
			t.Errorf("ParseTimeout(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "soon", "0", "-1", "-5s", "0s", "NaN", "-Inf", "Inf", "1e300", "9999999999h"} {
		if got, err := ParseTimeout(in); err == nil {
			t.Errorf("ParseTimeout(%q) = %v; want an error", in, got)
		}
	}
}

// TestConfigTooDeep: a depsolve.toml, or a pyproject.toml that config discovery finds
// in the working folder, nested 8,000 arrays deep is refused at the bracket past the
// bound, before the decoder and the key scan (which took 1 GB at that depth) run.
func TestConfigTooDeep(t *testing.T) {
	nested := strings.Repeat("[", 8000) + strings.Repeat("]", 8000)
	dir := t.TempDir()
	for name, text := range map[string]string{
		"depsolve.toml":  "[target]\ngpus = " + nested + "\n",
		"pyproject.toml": "[tool.depsolve.target]\ngpus = " + nested + "\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ParseConfig(name, []byte(text))
		var ie *InputError
		if want := name + ":2:108: arrays and inline tables nest deeper than 100\n"; !errors.As(err, &ie) || !strings.HasPrefix(ie.ErrorWithContext(), want) {
			t.Errorf("got %v, want *InputError %q", err, want)
		}
	}
	if err := os.Remove(filepath.Join(dir, "depsolve.toml")); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := LoadConfigs(dir)
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("LoadConfigs allocated %d bytes", n)
	}
	if err == nil || !strings.Contains(err.Error(), "nest deeper than 100") {
		t.Errorf("LoadConfigs: got %v", err)
	}
}

func FuzzParseConfig(f *testing.F) {
	for _, name := range []string{"depsolve.toml", "pyproject.toml"} {
		data, err := os.ReadFile(filepath.Join("testdata", "config", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(name, data)
	}
	f.Add("depsolve.toml", []byte("target = { python = \"3.11\", gpus = [\"sm_90\"] }\n"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if name != "pyproject.toml" {
			name = "depsolve.toml"
		}
		c, err := ParseConfig(name, data)
		var ie *InputError
		if err != nil && !errors.As(err, &ie) {
			t.Fatalf("error %v is not an *InputError", err)
		}
		if ie != nil && ie.Pos.Line < 1 {
			t.Errorf("error without a line: %v", err)
		}
		if c == nil {
			return
		}
		for _, v := range []Value{c.Target.Python, c.Target.Platform, c.Target.Driver} {
			if v.Known() && v.Origin.Pos.Line < 1 {
				t.Errorf("value %q without a line", v.Text)
			}
		}
		if strings.Contains(c.Target.Python.Text, " ") {
			t.Errorf("python %q accepted", c.Target.Python.Text)
		}
	})
}

// TestCheckBinaryValue: --only-binary and --no-binary take :all:, :none: or PEP 508
// project names, whose letters are ASCII (a case-folding regular expression took the
// Kelvin sign for a k).
func TestCheckBinaryValue(t *testing.T) {
	for value, ok := range map[string]bool{
		":all:": true, ":none:": true, "numpy": true, "Flash_Attn": true, "a.b-c": true,
		"": false, "-numpy": false, "numpy-": false, "num py": false, ":any:": false,
		"\u212aeras": false, "\u017fix": false,
	} {
		if err := CheckBinaryValue(value); (err == nil) != ok {
			t.Errorf("CheckBinaryValue(%q) = %v, want ok %v", value, err, ok)
		}
	}
}

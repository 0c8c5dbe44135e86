package coremeta

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseFiles(t *testing.T) {
	tests := []struct {
		file string
		want Metadata
	}{
		{"torch.METADATA", Metadata{
			MetadataVersion: "2.1", Name: "torch", Version: "2.5.1+cu121",
			RequiresPython: Field{">=3.8.0", 13},
			RequiresDist: []Field{
				{"filelock", 14}, {"typing-extensions>=4.8.0", 15}, {"networkx", 16}, {"jinja2", 17}, {"fsspec", 18},
				{`nvidia-cuda-nvrtc-cu12==12.1.105; platform_system == "Linux" and platform_machine == "x86_64"`, 19},
				{`triton==3.1.0; platform_system == "Linux" and platform_machine == "x86_64" and python_version < "3.13"`, 20},
				{`setuptools; python_version >= "3.12"`, 21},
				{`sympy==1.13.1; python_version >= "3.9"`, 22},
				{`opt-einsum>=3.3; extra == "opt-einsum"`, 23},
				{`optree>=0.12.0; extra == "optree"`, 24},
			},
			ProvidesExtra: []string{"optree", "opt-einsum"},
		}},
		// Folded headers, a CRLF file, UTF-8 in values, UNKNOWN fields, a body.
		{"folded.METADATA", Metadata{
			MetadataVersion: "2.1", Name: "café-utils", Version: "1.0",
			RequiresDist: []Field{
				{`requests >=2.0 ; python_version >= "3.8"  and platform_system != "Windows"`, 9},
				{"idna", 11},
			},
		}},
		// setuptools before 2022: no blank line before the body.
		{"nobody-separator.PKG-INFO", Metadata{
			MetadataVersion: "1.0", Name: "oldpkg", Version: "0.1",
		}},
		{"sdist-dynamic.PKG-INFO", Metadata{
			MetadataVersion: "2.2", Name: "dyn", Version: "3.0",
			RequiresPython: Field{">=3.9", 4},
			Dynamic:        []string{"requires-dist", "license"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for in, want := range map[string]string{
		"":                                       "no Metadata-Version",
		"Name: x\nVersion: 1\n":                  "no Metadata-Version",
		"Metadata-Version: 2.1\nVersion: 1\n":    "no Name",
		"Metadata-Version: 2.1\nName: UNKNOWN\n": "no Name",
		"Metadata-Version: 2.1\nName: x\n\nVersion: 1\n": "no Version", // after the blank line it is body
	} {
		_, err := Parse([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want %q", in, err, want)
		}
	}
}

func TestVersionChecks(t *testing.T) {
	tests := []struct {
		version        string
		atLeast22, sup bool
	}{
		{"1.0", false, true}, {"2.1", false, true}, {"2.2", true, true}, {"2.10", true, true},
		{"3.0", true, false}, {"two", false, false}, {"2", false, false},
	}
	for _, tt := range tests {
		m := &Metadata{MetadataVersion: tt.version}
		if got := m.AtLeast(2, 2); got != tt.atLeast22 {
			t.Errorf("%s: AtLeast(2, 2) = %v", tt.version, got)
		}
		if got := m.Supported(); got != tt.sup {
			t.Errorf("%s: Supported() = %v", tt.version, got)
		}
	}
}

func TestIsDynamic(t *testing.T) {
	m, err := Parse([]byte("Metadata-Version: 2.2\nName: a\nVersion: 1\nDynamic: Requires-Dist\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !m.IsDynamic("requires-dist") || !m.IsDynamic("Requires-Dist") || m.IsDynamic("Requires-Python") {
		t.Errorf("Dynamic = %q", m.Dynamic)
	}
}

func TestInvalidUTF8(t *testing.T) {
	m, err := Parse([]byte("Metadata-Version: 2.1\nName: caf\xe9\nVersion: 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "caf\uFFFD" {
		t.Errorf("Name = %q", m.Name)
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.*")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		if m.Name == "" || m.Version == "" || m.MetadataVersion == "" {
			t.Fatalf("required field empty: %+v", m)
		}
		for _, r := range m.RequiresDist {
			if r.Line < 1 || strings.Contains(r.Value, "\n") || r.Value != strings.TrimSpace(r.Value) {
				t.Fatalf("Requires-Dist %+v", r)
			}
		}
	})
}

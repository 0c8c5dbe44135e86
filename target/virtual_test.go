package target

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The resolver gets the target's facts with their origins as explanations print them,
// drivers as written and GPUs with their models.
func TestVirtuals(t *testing.T) {
	target, err := Build(fakeCatalog{}, Defaults{},
		Declaration{Driver: Flag("--driver", "580.65.06"), GPUs: FlagGPUs("--gpu", []string{"NVIDIA H100 80GB HBM3", "sm_80", "H100", "9.0"})},
		Declaration{Python: Value{Text: "3.11.9", Origin: Origin{From: FromConfig, Pos: Position{File: "depsolve.toml", Line: 3}}}},
		Declaration{GLibc: Value{Text: "2.35", Origin: Origin{From: FromDetection, Detail: "ldd"}}},
	)
	if err != nil {
		t.Fatal(err)
	}
	type virtual struct{ Name, Version, Origin, Label string }
	var got []virtual
	for _, v := range target.Virtuals() {
		got = append(got, virtual{v.Name, v.Version.Original(), v.Origin, v.Label})
	}
	want := []virtual{
		{"@driver", "580.65.06", "from --driver", ""},
		{"@glibc", "2.35", "detected by ldd", ""},
		{"@gpu:0", "8.0", "from --gpu", ""},
		{"@gpu:1", "9.0", "from --gpu", "NVIDIA H100 80GB HBM3 and H100"},
		{"@python", "3.11.9", "from depsolve.toml:3", ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Virtuals (-want +got):\n%s", diff)
	}
}

func TestOriginPhrase(t *testing.T) {
	for _, tc := range []struct {
		o    Origin
		want string
	}{
		{Origin{From: FromFlag, Detail: "--driver"}, "from --driver"},
		{Origin{From: FromConfig, Pos: Position{File: "depsolve.toml", Line: 3}}, "from depsolve.toml:3"},
		{Origin{From: FromPyproject, Pos: Position{File: "pyproject.toml", Line: 12}}, "from pyproject.toml [tool.depsolve]:12"},
		{Origin{From: FromBaseImage, Detail: "nvidia/cuda:12.4.1-runtime-ubuntu22.04", Pos: Position{File: "Dockerfile", Line: 5}}, "from base image nvidia/cuda:12.4.1-runtime-ubuntu22.04 (Dockerfile:5)"},
		{Origin{From: FromDetection, Detail: "nvidia-smi"}, "detected by nvidia-smi"},
		{Origin{From: FromDefault}, "by default"},
		{Origin{}, ""},
	} {
		if got := tc.o.phrase(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.o, got, tc.want)
		}
	}
}

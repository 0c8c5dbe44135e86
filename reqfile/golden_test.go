package reqfile

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// The corpus files parse as pip reads them; the golden files hold every
// requirement with its position.
func TestGolden(t *testing.T) {
	for _, tt := range []struct {
		golden, path   string
		extras, groups []string
	}{
		{"vllm-cuda", "testdata/corpus/vllm/requirements/cuda.txt", nil, nil},
		{"keras-jax-cuda", "testdata/corpus/keras/requirements-jax-cuda.txt", nil, nil},
		{"tgi-hashes", "testdata/corpus/tgi/requirements.txt", nil, nil},
		{"tensorflow-models", "testdata/corpus/tensorflow-models/requirements.txt", nil, nil},
		{"synthetic-extras", "testdata/corpus/synthetic-extras/pyproject.toml", []string{"export", "logging"}, nil},
		{"open-instruct", "testdata/corpus/open-instruct/pyproject.toml", []string{"code"}, []string{"cuda12", "dev"}},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			f, err := Parse(tt.path, Options{Extras: tt.extras, Groups: tt.groups, LookupEnv: env()})
			if err != nil {
				t.Fatal(describe(err))
			}
			got := render(f)
			file := filepath.Join("testdata", "golden", tt.golden+".golden")
			if *update {
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s; rerun with -update and review the diff:\n%s", tt.path, file, got)
			}
		})
	}
}

// The TGI export has 637 --hash options (counted with grep) on 62 requirements.
func TestHashCount(t *testing.T) {
	f, err := Parse("testdata/corpus/tgi/requirements.txt", Options{LookupEnv: env()})
	if err != nil {
		t.Fatal(describe(err))
	}
	n := 0
	for _, r := range f.Requirements {
		n += len(r.Hashes)
	}
	if len(f.Requirements) != 62 || n != 637 {
		t.Errorf("%d requirements with %d hashes, want 62 with 637", len(f.Requirements), n)
	}
}

package matrix

import (
	"errors"
	"github.com/depsolve/depsolve/internal/dotted"
	"strings"
	"testing"

	"github.com/depsolve/depsolve/pep440"
)

func FuzzGPU(f *testing.F) {
	m := loadDataMatrix(f)
	for _, s := range []string{"NVIDIA H100 80GB HBM3", "Tesla T4", "sm_90", "sm_120a", "12.0", "GeForce RTX 4090", "RTX 6000", "", "sm_0", "0.0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		g, ok := m.GPU(name)
		if !ok {
			return
		}
		if _, known := m.gpu().archNames[g.CC]; !known || g.Arch == "" {
			t.Errorf("GPU(%q) = %+v: capability not in the arch table", name, g)
		}
	})
}

func FuzzBaseImage(f *testing.F) {
	m := loadDataMatrix(f)
	for _, s := range []string{"nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04", "nvcr.io/nvidia/cuda:13.0.1-base-ubi9@sha256:00", "12.1.0-runtime", "nvidia/cuda:", ":", "@", "1.2--"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ref string) {
		img, ok := m.BaseImage(ref)
		if !ok {
			return
		}
		if !dotted.Numbers(img.CUDA, 2, 3, 0) || !strings.HasPrefix(img.Tag, img.CUDA) {
			t.Errorf("BaseImage(%q) = %+v", ref, img)
		}
		if img.Glibc != "" {
			if g, _ := m.Catalog().OSGlibc(img.OS); g != img.Glibc {
				t.Errorf("BaseImage(%q): glibc %q, OS %q has %q", ref, img.Glibc, img.OS, g)
			}
		}
	})
}

func FuzzCUDA(f *testing.F) {
	m := loadDataMatrix(f)
	for _, s := range []string{"12.4.1", "13", "10.2.89", "11.0", "1!12.4", "12.4.post1", "99999999999999999999.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, version string) {
		r, ok := m.CUDA(version)
		if ok && r.FloorLinux == "" && r.Release == "" {
			t.Errorf("CUDA(%q) = %+v: found but empty", version, r)
		}
	})
}

// FuzzLoadFS feeds one more data file to the strict loader: it must load or fail with
// errors that name a line of that file, never panic; what loads is applied to a target.
func FuzzLoadFS(f *testing.F) {
	for _, s := range []string{
		"[[gpu]]\nname = \"X1\"\ncc = \"9.0\"\ntag = \"verified\"\nsource = [\"X\"]\n",
		"[[arch]]\ncc = \"9.0\"\nname = \"Hopper\"\ntag = \"verified\"\nsource = [\"X\"]\n",
		"[[build]]\npackage = \"torch\"\nversions = \"==2.5.*\"\nos = \"linux\"\ncuda = \"12.4\"\ntag = \"verified\"\nsource = [\"X\"]\n",
		"[[archs]]\npackage = \"torch\"\ncuda = [\"12.4\"]\nos = \"linux\"\nmachine = \"x86_64\"\nsass = [\"9.0a\"]\nptx = [\"9.0\"]\ntag = \"corroborated\"\nsource = [\"X\"]\n",
		"[[constraint]]\npackage = \"a\"\nrequires = \"@python\"\nrange = \"<3.12\"\nreason = \"r\"\ntag = \"verified\"\nsource = [\"X\"]\n",
		"[[note]]\npackage = \"a\"\nos = \"linux\"\nwhen = [\"cuda-build\", \"@gpu <7.5\", \"@cuda\"]\ntext = \"t\"\ntag = \"verified\"\nsource = [\"X\"]\n",
		"[x]\n", "a = 1\n", "[[source]]\nid = \"X\"\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		m, _, err := loadFS(withFile("fuzz.toml", text))
		if err == nil {
			tm := forFacts(m, testFacts{OS: "linux", Machine: "x86_64", Python: "3.11.9", Driver: "550.54.15", CUDA: "12.4.1", GPUs: []string{"6.1", "9.0"}})
			tm.Rules("torch", pep440.MustParse("2.5.1"))
			tm.AdvisoriesFor(func(string) (pep440.Version, bool) { return pep440.MustParse("2.5.1+cu121"), true })
			m.Describe("", nil)
			return
		}
		var de *DataError
		if !errors.As(err, &de) || de.Line < 1 || !strings.HasPrefix(de.File, "data/") {
			t.Errorf("error %v: want a *DataError with a file and line", err)
		}
	})
}

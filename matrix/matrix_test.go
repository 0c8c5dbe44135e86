package matrix

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/target"
)

func loadDataMatrix(t testing.TB) *Matrix {
	t.Helper()
	m, warns, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	for _, w := range warns {
		t.Errorf("Load warning: %s", w)
	}
	return m
}

func TestLoadEmbeddedDataHasNoWarnings(t *testing.T) {
	m := loadDataMatrix(t)
	if len(m.Hash()) != 64 {
		t.Errorf("Hash() = %q, want 64 hex digits", m.Hash())
	}
}

// metaRows visits every row of the document that carries a tag and sources, with the
// name of its table.
func metaRows(doc *document, visit func(table string, meta *rowMeta)) {
	dv := reflect.ValueOf(doc).Elem()
	for i := range dv.NumField() {
		table := dv.Type().Field(i).Tag.Get("toml")
		rows := dv.Field(i)
		for j := range rows.Len() {
			if meta, ok := rows.Index(j).Addr().Interface().(interface{ rowMetaOf() *rowMeta }); ok {
				visit(table, meta.rowMetaOf())
			}
		}
	}
}

func (m *rowMeta) rowMetaOf() *rowMeta { return m }

// The acceptance criterion: every fact that constrains has a source and is verified or
// corroborated. The loader enforces it; this checks the loaded data independently.
func TestEveryHardRowHasSource(t *testing.T) {
	m := loadDataMatrix(t)
	n := 0
	metaRows(m.doc, func(table string, meta *rowMeta) {
		n++
		at := fmt.Sprintf("%s:%d [[%s]]", meta.Pos.File, meta.Pos.Line, table)
		if len(meta.Source) == 0 {
			t.Errorf("%s: no source", at)
		}
		for _, id := range meta.Source {
			if _, ok := m.sources()[id]; !ok {
				t.Errorf("%s: unknown source %q", at, id)
			}
		}
		if !meta.Advisory && Tag(meta.Tag) != Verified && Tag(meta.Tag) != Corroborated {
			t.Errorf("%s: a constraining row tagged %q", at, meta.Tag)
		}
	})
	if n < 400 {
		t.Errorf("only %d rows visited: does metaRows still see every table?", n)
	}
}

// TestDataCoverage checks that the data covers what the matrix promises, and logs the
// row counts per table and tag (go test -run TestDataCoverage -v).
func TestDataCoverage(t *testing.T) {
	m := loadDataMatrix(t)
	counts := map[string]map[Tag]int{}
	metaRows(m.doc, func(table string, meta *rowMeta) {
		if counts[table] == nil {
			counts[table] = map[Tag]int{}
		}
		counts[table][Tag(meta.Tag)]++
	})
	for _, table := range slices.Sorted(maps.Keys(counts)) {
		c := counts[table]
		t.Logf("%-14s %3d rows: %3d verified, %3d corroborated, %3d unverified", table, c[Verified]+c[Corroborated]+c[Unverified], c[Verified], c[Corroborated], c[Unverified])
	}
	t.Logf("%-14s %3d rows", "source", len(m.doc.Source))

	tm := forFacts(m, testFacts{OS: "linux", Machine: "x86_64", Driver: "550.54.15", GPUs: []string{"9.0"}})
	for minor := 0; minor <= 14; minor++ {
		v := pep440.MustParse(fmt.Sprintf("2.%d.0", minor))
		var driver, gpu bool
		for _, r := range tm.rules("torch", v) {
			driver = driver || r.pkg == target.VirtualDriver
			gpu = gpu || r.pkg == target.VirtualGPU(0)
		}
		if !driver {
			t.Errorf("torch %s from PyPI: no driver rule", v)
		}
		if !gpu && minor != 11 { // 2.11's arch lists are not in the facts
			t.Errorf("torch %s from PyPI: no GPU rule", v)
		}
	}
	for _, name := range []string{"A100", "H100", "H200", "L4", "L40S", "T4", "V100", "A10G", "RTX 3090", "RTX 4090", "RTX 5090", "GTX 1080 Ti", "B200", "GB200"} {
		if _, ok := m.GPU(name); !ok {
			t.Errorf("GPU %q is not in the data", name)
		}
	}
}

// minimalData is the least data that loads: the principles the rules cite, and a source.
var minimalData = fstest.MapFS{
	"sources.toml": {Data: []byte("[[source]]\nid = \"X\"\ntitle = \"t\"\nurl = \"https://example.com\"\n")},
	"cuda.toml": {Data: []byte(`[[principle]]
id = "sass-binary-compat"
text = "t"
tag = "verified"
source = ["X"]

[[principle]]
id = "ptx-jit"
text = "t"
tag = "verified"
source = ["X"]

[[principle]]
id = "table3-full-features"
text = "t"
tag = "verified"
source = ["X"]

[[principle]]
id = "forward-compat"
text = "t"
tag = "verified"
source = ["X"]

[[principle]]
id = "companion-cuda-major"
text = "t"
tag = "verified"
source = ["X"]

[[family]]
major = 12
driver_linux = "525.60.13"
driver_windows = "527.41"
tag = "verified"
source = ["X"]
`)},
}

func withFile(name, text string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for k, v := range minimalData {
		fsys[k] = v
	}
	fsys[name] = &fstest.MapFile{Data: []byte(text)}
	return fsys
}

func TestLoadMinimalData(t *testing.T) {
	if _, warns, err := loadFS(minimalData); err != nil || len(warns) != 0 {
		t.Fatalf("loadFS(minimal) = %v, %v", warns, err)
	}
}

func TestLoadRejects(t *testing.T) {
	tests := []struct {
		name, text string
		line       int
		msg        string
	}{
		{"unknown key", "[[gpu]]\nname = \"X1\"\ncc = \"9.0\"\nalias = \"x\"\ntag = \"verified\"\nsource = [\"X\"]\n", 4, `unknown key "alias"`},
		{"unknown table", "[[gpus]]\nname = \"X1\"\n", 1, "unknown table [[gpus]]"},
		{"no source", "[[family]]\nmajor = 13\ndriver_linux = \"580.65.06\"\ntag = \"verified\"\n", 1, "no source"},
		{"empty source", "[[family]]\nmajor = 13\ndriver_linux = \"580.65.06\"\ntag = \"verified\"\nsource = []\n", 1, "no source"},
		{"unknown source", "[[family]]\nmajor = 13\ndriver_linux = \"580.65.06\"\ntag = \"verified\"\nsource = [\"S99\"]\n", 5, `unknown source id "S99"`},
		{"no tag", "[[family]]\nmajor = 13\ndriver_linux = \"580.65.06\"\nsource = [\"X\"]\n", 1, "no tag"},
		{"bad tag", "[[family]]\nmajor = 13\ndriver_linux = \"580.65.06\"\ntag = \"sure\"\nsource = [\"X\"]\n", 4, `"sure" is not verified`},
		{"unverified hard row", "[[constraint]]\npackage = \"a\"\nrequires = \"b\"\nrange = \"<2\"\nreason = \"r\"\ntag = \"unverified\"\nsource = [\"X\"]\n", 6, "must not constrain"},
		{"missing key", "[[toolkit]]\nversion = \"12.4.1\"\ndriver_linux = \"550.54.15\"\ntag = \"verified\"\nsource = [\"X\"]\n", 1, `missing required key "name"`},
		{"bad driver", "[[toolkit]]\nversion = \"12.4.1\"\nname = \"n\"\ndriver_linux = \"550.x\"\ntag = \"verified\"\nsource = [\"X\"]\n", 4, "driver_linux"},
		{"bad specifier", "[[build]]\npackage = \"torch\"\nversions = \"=>2\"\nos = \"linux\"\ncuda = \"12.4\"\ntag = \"verified\"\nsource = [\"X\"]\n", 3, "versions"},
		{"unknown family", "[[build]]\npackage = \"torch\"\nos = \"linux\"\ncuda = \"9.2\"\ntag = \"verified\"\nsource = [\"X\"]\n", 4, "driver floor is unknown"},
		{"build neither CUDA nor cpu", "[[build]]\npackage = \"torch\"\nos = \"windows\"\ncuda = \"none\"\ntag = \"verified\"\nsource = [\"X\"]\n", 4, `"none" is not a CUDA version like "12.4", "13" or "cpu" (a CPU-only build)`},
		{"overlapping CPU and CUDA builds", "[[build]]\npackage = \"torch\"\nos = \"linux\"\ncuda = \"cpu\"\ntag = \"verified\"\nsource = [\"X\"]\n\n[[build]]\npackage = \"torch\"\nversions = \"==2.5.*\"\nos = \"linux\"\ncuda = \"12.1\"\ntag = \"verified\"\nsource = [\"X\"]\n", 10, "overlaps the row at data/case.toml:1"},
		{"build local label", "[[build]]\npackage = \"torch\"\nlocal = \"+cpu\"\nos = \"linux\"\ncuda = \"cpu\"\ntag = \"verified\"\nsource = [\"X\"]\n", 3, `"+cpu": use "" (versions without a local label), "*" (any), or the start of a label's first segment`},
		{"overlapping builds", "[[build]]\npackage = \"torch\"\nversions = \">=2\"\nos = \"linux\"\ncuda = \"12.4\"\ntag = \"verified\"\nsource = [\"X\"]\n\n[[build]]\npackage = \"torch\"\nversions = \"==2.5.*\"\nos = \"linux\"\ncuda = \"12.1\"\ntag = \"verified\"\nsource = [\"X\"]\n", 11, "overlaps the row at data/case.toml:1"},
		{"range and forbids", "[[constraint]]\npackage = \"a\"\nrequires = \"b\"\nrange = \"<2\"\nforbids = true\nreason = \"r\"\ntag = \"verified\"\nsource = [\"X\"]\n", 5, "not both"},
		{"unknown virtual", "[[constraint]]\npackage = \"a\"\nrequires = \"@kernel\"\nrange = \"<6\"\nreason = \"r\"\ntag = \"verified\"\nsource = [\"X\"]\n", 3, "not a virtual package"},
		{"bad branch", "[[forward_compat]]\ntoolkits = \"==13.0.2\"\nbranches = [\"R550\"]\ntag = \"verified\"\nsource = [\"X\"]\n", 3, `"R550" is not a driver branch like "535"`},
		{"overlapping forward_compat", "[[forward_compat]]\ntoolkits = \">=13.0\"\nbranches = [\"550\"]\ntag = \"verified\"\nsource = [\"X\"]\n\n[[forward_compat]]\ntoolkits = \"==13.0.2\"\nbranches = [\"535\"]\ntag = \"verified\"\nsource = [\"X\"]\n", 8, "overlaps the row at data/case.toml:1"},
		{"plain table", "[gpu]\nname = \"X1\"\n", 1, "rows are written [[table]]"},
		{"wrong type", "[[gpu]]\nname = \"X1\"\ncc = 9.0\ntag = \"verified\"\nsource = [\"X\"]\n", 3, "incompatible types"},
		{"toml syntax", "[[gpu]]\nname = \"X1\n", 2, ""},
		{"cc not an arch", "[[gpu]]\nname = \"X1\"\ncc = \"9.0\"\ntag = \"verified\"\nsource = [\"X\"]\n", 3, "not a compute capability of an [[arch]] row"},
		{"bad capability", "[[archs]]\npackage = \"torch\"\ncuda = [\"12.4\"]\nos = \"linux\"\nmachine = \"x86_64\"\nsass = [\"sm_90\"]\ntag = \"verified\"\nsource = [\"X\"]\n", 6, `"sm_90" is not a compute capability`},
		{"index without placeholder", "[[index]]\npackage = \"torch\"\nurl = \"https://download.pytorch.org/whl/cu124\"\ntag = \"verified\"\nsource = [\"X\"]\n", 3, "{variant}"},
		{"unknown note condition", "[[note]]\npackage = \"torch\"\nwhen = [\"cuda-base-image\"]\ntext = \"t\"\ntag = \"verified\"\nsource = [\"X\"]\n", 3, `"cuda-base-image": a condition is "cuda-build" or one of @python`},
		{"note condition on a GPU index", "[[note]]\npackage = \"torch\"\nwhen = [\"@gpu:0 <7.5\"]\ntext = \"t\"\ntag = \"verified\"\nsource = [\"X\"]\n", 3, `"@gpu:0 <7.5"`},
		{"note condition specifier", "[[note]]\npackage = \"torch\"\nwhen = [\"@driver <=>525\"]\ntext = \"t\"\ntag = \"verified\"\nsource = [\"X\"]\n", 3, "[[note]] when:"},
		{"note when is a list", "[[note]]\npackage = \"torch\"\nwhen = \"@cuda\"\ntext = \"t\"\ntag = \"verified\"\nsource = [\"X\"]\n", 3, "incompatible types"},
		{"note os", "[[note]]\npackage = \"torch\"\nos = \"Linux\"\ntext = \"t\"\ntag = \"verified\"\nsource = [\"X\"]\n", 3, `"Linux" is not one of linux, windows, darwin`},
		{"note machine", "[[note]]\npackage = \"torch\"\nmachine = \"arm64\"\ntext = \"t\"\ntag = \"verified\"\nsource = [\"X\"]\n", 3, `"arm64" is not one of x86_64, aarch64`},
		{"advisory family", "[[family]]\nmajor = 13\ndriver_linux = \"580.65.06\"\nadvisory = true\ntag = \"unverified\"\nsource = [\"X\"]\n", 4, "cannot be advisory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := loadFS(withFile("case.toml", tc.text))
			if err == nil {
				t.Fatal("loaded")
			}
			var de *DataError
			if !errors.As(err, &de) {
				t.Fatalf("%v: not a *DataError", err)
			}
			if de.File != "data/case.toml" || de.Line != tc.line || !strings.Contains(de.Msg, tc.msg) {
				t.Errorf("got %s:%d: %s\nwant data/case.toml:%d: …%s…", de.File, de.Line, de.Msg, tc.line, tc.msg)
			}
			if want := strings.Split(tc.text, "\n")[tc.line-1]; de.Text != want {
				t.Errorf("quoted line %q, want %q", de.Text, want)
			}
			// The line shows as every error about a line of a file shows it, numbered.
			if want := fmt.Sprintf("\n%5d | %s", tc.line, de.Text); !strings.HasSuffix(de.Error(), want) {
				t.Errorf("error\n%s\nshould end in the numbered line%s", de.Error(), want)
			}
		})
	}
}

func TestLoadReportsEveryError(t *testing.T) {
	text := "[[family]]\nmajor = 13\ndriver_linux = \"580.65.06\"\ntag = \"verified\"\n\n[[family]]\nmajor = 11\ndriver_linux = \"450.80.02\"\nsource = [\"X\"]\n"
	_, _, err := loadFS(withFile("case.toml", text))
	if err == nil || !strings.Contains(err.Error(), "case.toml:1:") || !strings.Contains(err.Error(), "case.toml:6:") {
		t.Errorf("want errors at lines 1 and 6, got %v", err)
	}
}

func TestLoadWarnsAboutUncitedSource(t *testing.T) {
	_, warns, err := loadFS(withFile("more.toml", "[[source]]\nid = \"Y\"\ntitle = \"t\"\nurl = \"https://example.com/y\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != 1 || warns[0].File != "data/more.toml" || warns[0].Line != 1 || !strings.Contains(warns[0].Msg, `"Y"`) {
		t.Errorf("warnings = %v", warns)
	}
}

func TestGPU(t *testing.T) {
	m := loadDataMatrix(t)
	tests := []struct{ name, model, cc string }{
		{"NVIDIA H100 80GB HBM3", "H100", "9.0"},
		{"NVIDIA H100 PCIe", "H100", "9.0"},
		{"h100", "H100", "9.0"},
		{"NVIDIA H200", "H200", "9.0"},
		{"NVIDIA GH200 480GB", "GH200", "9.0"},
		{"NVIDIA A100-SXM4-80GB", "A100", "8.0"},
		{"NVIDIA A100 80GB PCIe", "A100", "8.0"},
		{"NVIDIA A10G", "A10G", "8.6"},
		{"NVIDIA A10", "A10", "8.6"},
		{"NVIDIA L4", "L4", "8.9"},
		{"NVIDIA L40S", "L40S", "8.9"},
		{"Tesla T4", "T4", "7.5"},
		{"NVIDIA T4", "T4", "7.5"},
		{"Tesla V100-SXM2-16GB", "V100", "7.0"},
		{"NVIDIA GeForce RTX 3090", "RTX 3090", "8.6"},
		{"NVIDIA GeForce RTX 3090 Ti", "RTX 3090 Ti", "8.6"},
		{"NVIDIA H800", "H800", "9.0"},
		{"NVIDIA H20", "H20", "9.0"},
		{"NVIDIA A800-SXM4-80GB", "A800", "8.0"},
		{"NVIDIA L20", "L20", "8.9"},
		{"NVIDIA H100 NVL", "H100", "9.0"},
		{"NVIDIA GeForce GTX 1660 SUPER", "GTX 1660", "7.5"},
		{"NVIDIA GeForce GTX 1650 Ti", "GTX 1650", "7.5"},
		{"NVIDIA GeForce RTX 3050 Laptop GPU", "RTX 3050", "8.6"},
		{"NVIDIA GeForce RTX 3070", "RTX 3070", "8.6"},
		{"Jetson AGX Thor", "Jetson T5000", "11.0"},
		{"GeForce RTX 4090", "RTX 4090", "8.9"},
		{"NVIDIA GeForce RTX 5090", "RTX 5090", "12.0"},
		{"rtx  4070-ti", "RTX 4070 Ti", "8.9"},
		{"NVIDIA GeForce GTX 1080 Ti", "GTX 1080 Ti", "6.1"},
		{"GeForce GTX 1080", "GTX 1080", "6.1"},
		{"NVIDIA B200", "B200", "10.0"},
		{"NVIDIA GB200", "GB200", "10.0"},
		{"NVIDIA RTX 6000 Ada Generation", "RTX 6000 Ada", "8.9"},
		{"Quadro RTX 6000", "Quadro RTX 6000", "7.5"},
		{"NVIDIA RTX PRO 6000 Blackwell Server Edition", "RTX PRO 6000 Blackwell", "12.0"},
		{"NVIDIA DGX Spark", "GB10", "12.1"},
		{"sm_90", "sm_90", "9.0"},
		{"sm_120", "sm_120", "12.0"},
		{"8.6", "8.6", "8.6"},
	}
	for _, tc := range tests {
		g, ok := m.GPU(tc.name)
		if !ok || g.Name != tc.model || g.CC != tc.cc {
			t.Errorf("GPU(%q) = %q %q %v, want %q %q", tc.name, g.Name, g.CC, ok, tc.model, tc.cc)
		}
		if ok && (g.Arch == "" || g.Cite.File == "" || len(g.Cite.Sources) == 0) {
			t.Errorf("GPU(%q): arch %q, cite %+v", tc.name, g.Arch, g.Cite)
		}
	}
	for _, name := range []string{"", "RTX 6000", "NVIDIA", "Radeon RX 7900", "H1000", "sm_", "sm_99", "4.0", "A100A",
		// Two models in one name are not the first of them: the second would go unchecked.
		"A100,RTX 5090", "A100 RTX 5090", "H100;A100", "NVIDIA H100 / H200"} {
		if g, ok := m.GPU(name); ok {
			t.Errorf("GPU(%q) = %+v, want not found", name, g)
		}
	}
}

func TestBaseImage(t *testing.T) {
	m := loadDataMatrix(t)
	tests := []struct {
		ref                            string
		cuda, flavor, cudnn, os, glibc string
	}{
		{"nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04", "12.4.1", "cudnn-runtime", "9", "ubuntu22.04", "2.35"},
		{"12.8.1-cudnn-devel-ubuntu24.04", "12.8.1", "cudnn-devel", "9", "ubuntu24.04", "2.39"},
		{"docker.io/nvidia/cuda:12.6.3-base-ubuntu20.04@sha256:0123", "12.6.3", "base", "", "ubuntu20.04", "2.31"},
		{"nvcr.io/nvidia/cuda:13.0.1-runtime-ubi9", "13.0.1", "runtime", "", "ubi9", "2.34"},
		{"nvidia/cuda:11.8.0-cudnn8-devel-ubuntu22.04", "11.8.0", "cudnn8-devel", "8", "ubuntu22.04", "2.35"},
		{"nvidia/cuda:12.2.2-devel-rockylinux8", "12.2.2", "devel", "", "rockylinux8", "2.28"},
		{"nvidia/cuda:12.4.1-runtime-centos7", "12.4.1", "runtime", "", "centos7", ""},
		{"nvidia/cuda:12.9.0-tensorrt-runtime-ubuntu24.04", "12.9.0", "tensorrt-runtime", "", "ubuntu24.04", "2.39"},
		{"nvidia/cuda:12.1.0-runtime", "12.1.0", "runtime", "", "", ""},
	}
	for _, tc := range tests {
		img, ok := m.BaseImage(tc.ref)
		got := []string{img.CUDA, img.Flavor, img.CUDNN, img.OS, img.Glibc}
		want := []string{tc.cuda, tc.flavor, tc.cudnn, tc.os, tc.glibc}
		if !ok || !slices.Equal(got, want) {
			t.Errorf("BaseImage(%q) = %q %v, want %q", tc.ref, got, ok, want)
		}
	}
	for _, ref := range []string{"python:3.11-slim", "nvidia/cuda", "nvidia/cuda:latest", "ghcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04", "", "12-base"} {
		if img, ok := m.BaseImage(ref); ok {
			t.Errorf("BaseImage(%q) = %+v, want not an nvidia/cuda tag", ref, img)
		}
	}
}

func TestCUDA(t *testing.T) {
	m := loadDataMatrix(t)
	tests := []struct {
		version, release, linux, windows, floorLinux, floorWindows string
		advisory                                                   bool
	}{
		{"12.4.1", "12.4 Update 1", "550.54.15", "551.78", "525.60.13", "527.41", false},
		{"12.4", "12.4 GA", "550.54.14", "551.61", "525.60.13", "527.41", false},
		{"11.8.0", "11.8 GA", "520.61.05", "520.06", "450.80.02", "452.39", false},
		{"11.0.2", "11.0.2 GA", "450.51.05", "451.48", "450.51.05", "451.48", false},
		{"10.2.89", "10.2.89", "440.33", "441.22", "440.33", "441.22", false},
		{"13.0.2", "13.0 Update 2", "580.95.05", "", "580.65.06", "580", false},
		{"13.3.0", "13.3 GA", "610.43.02", "", "580.65.06", "580", true},
		{"12.7", "", "", "", "525.60.13", "527.41", false},
	}
	for _, tc := range tests {
		r, ok := m.CUDA(tc.version)
		got := []string{r.Release, r.DriverLinux, r.DriverWindows, r.FloorLinux, r.FloorWindows}
		want := []string{tc.release, tc.linux, tc.windows, tc.floorLinux, tc.floorWindows}
		if !ok || !slices.Equal(got, want) || r.Advisory != tc.advisory {
			t.Errorf("CUDA(%q) = %q advisory=%v ok=%v, want %q advisory=%v", tc.version, got, r.Advisory, ok, want, tc.advisory)
		}
		if ok && len(r.Archs) == 0 {
			t.Errorf("CUDA(%q): no architectures", tc.version)
		}
	}
	if r, _ := m.CUDA("13.0.0"); !slices.Contains(r.Archs, "7.5") || slices.Contains(r.Archs, "7.0") {
		t.Errorf("CUDA 13.0 archs = %v: want 7.5 and newer only (R7)", r.Archs)
	}
	for _, v := range []string{"9.2", "not a version", "12.4.1+local", "12.4rc1", ""} {
		if r, ok := m.CUDA(v); ok {
			t.Errorf("CUDA(%q) = %+v, want unknown", v, r)
		}
	}
}

func TestOSGlibc(t *testing.T) {
	m := loadDataMatrix(t)
	for os, want := range map[string]string{"ubuntu22.04": "2.35", "ubuntu24.04": "2.39", "rockylinux9": "2.34", "ubi8": "2.28", "debian12": "2.36"} {
		if got, ok := m.Catalog().OSGlibc(os); !ok || got != want {
			t.Errorf("osGLibc(%q) = %q %v, want %q", os, got, ok, want)
		}
	}
	if g, ok := m.Catalog().OSGlibc("centos7"); ok {
		t.Errorf("osGLibc(centos7) = %q: not in the data", g)
	}
}

func TestFrameworkImage(t *testing.T) {
	m := loadDataMatrix(t)
	f, known, ok := m.Catalog().FrameworkImage("nvcr.io/nvidia/pytorch", "25.12")
	if !ok || f.CUDA != "13.1.0" || f.Python != "3.12" || f.Package != "torch" || f.Version != "2.10.0a0+b4e4ee81d3" || !strings.HasPrefix(f.Row, "data/images.toml:") {
		t.Errorf("FrameworkImage(25.12) = %+v %v", f, ok)
	}
	if !slices.Contains(known, "25.12") {
		t.Errorf("known releases %q lack 25.12", known)
	}
	if _, _, ok := m.Catalog().FrameworkImage("nvcr.io/nvidia/pytorch", "19.01"); ok {
		t.Errorf("FrameworkImage(19.01): not in the data")
	}
}

// TestLoadChecksEveryTable: an empty row of any table is told each thing it lacks: its
// tag, its source and every key the schema requires (data/README.md), by name.
func TestLoadChecksEveryTable(t *testing.T) {
	required := map[string][]string{
		"family":          {"driver_linux", "major"},
		"toolkit":         {"driver_linux", "name", "version"},
		"toolkit_archs":   {"sass", "toolkits"},
		"forward_compat":  {"branches", "toolkits"},
		"principle":       {"id", "text"},
		"arch":            {"cc", "name"},
		"gpu":             {"cc", "name"},
		"gpu_driver":      {"cc", "driver_linux or driver_windows", "reason"},
		"image_flavor":    {"name"},
		"os":              {"glibc", "name"},
		"framework_image": {"cuda", "image", "package", "python", "release", "version"},
		"build":           {"cuda", "os", "package"},
		"local_cuda":      {"digits", "package", "prefix"},
		"archs":           {"cuda", "machine", "os", "package", "sass"},
		"gpu_floor":       {"cc", "package", "reason"},
		"constraint":      {"package", "reason", "requires"},
		"variant":         {"package"},
		"index":           {"package", "url"},
		"note":            {"package", "text"},
	}
	seen := map[string]bool{}
	for _, tb := range tables() {
		if tb.name == "source" {
			continue
		}
		seen[tb.name] = true
		keys, ok := required[tb.name]
		if !ok {
			t.Errorf("table [[%s]] has no required keys in this test: add them", tb.name)
			continue
		}
		_, _, err := loadFS(withFile("case.toml", "[["+tb.name+"]]\n"))
		if err == nil {
			t.Errorf("[[%s]] with no keys loaded", tb.name)
			continue
		}
		want := []string{"[[" + tb.name + "]]: no tag", "[[" + tb.name + "]]: no source"}
		for _, k := range keys {
			want = append(want, fmt.Sprintf("[[%s]]: missing required key %q", tb.name, k))
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("[[%s]] with no keys: %v\nwant %q", tb.name, err, w)
			}
		}
		if n := strings.Count(err.Error(), "missing required key"); n != len(keys) {
			t.Errorf("[[%s]] with no keys: %d missing keys reported, want %d:\n%v", tb.name, n, len(keys), err)
		}
	}
	for name := range required {
		if !seen[name] {
			t.Errorf("table [[%s]] is not in the schema", name)
		}
	}
}

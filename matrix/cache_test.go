package matrix

import (
	"fmt"
	"maps"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/depsolve/depsolve/cache"
	"github.com/depsolve/depsolve/data"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/resolver"
	"github.com/depsolve/depsolve/target"
)

// A run decodes the embedded compiled form: the data's facts, without a read of the
// cache or a write to it.
func TestLoadCachedDecodesTheEmbeddedForm(t *testing.T) {
	c, err := cache.Open(t.TempDir(), cache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, warns, err := LoadCached(c)
	if err != nil || len(warns) != 0 {
		t.Fatalf("LoadCached = %v, %v", warns, err)
	}
	if g, _ := m.GPU("H100"); g.CC != "9.0" || m.Hash() != EmbeddedDataStamp().Hash {
		t.Errorf("H100 %q, hash %s", g.CC, m.Hash())
	}
	if in, err := c.Info(); err != nil || in.Matrices != 0 {
		t.Errorf("the cache holds %d compiled matrices (%v), want none", in.Matrices, err)
	}
}

// withoutEmbeddedCompiled makes LoadCached go the way of a build whose compiled form
// does not decode: through the cache.
func withoutEmbeddedCompiled(t *testing.T) {
	embedded := embeddedCompiled
	t.Cleanup(func() { embeddedCompiled = embedded })
	embeddedCompiled = nil
}

func TestLoadCached(t *testing.T) {
	withoutEmbeddedCompiled(t)
	c, err := cache.Open(t.TempDir(), cache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, warns, err := LoadCached(c)
	if err != nil || len(warns) != 0 {
		t.Fatalf("LoadCached (miss) = %v, %v", warns, err)
	}
	key := cache.MatrixKey(m.Hash())
	blob, found, err := c.GetMatrix(key)
	if err != nil || !found {
		t.Fatalf("compiled form not stored under %s: %v %v", key, found, err)
	}

	// A hit is what LoadCached returns: change a row in the cached form and see it.
	cm, err := decodeEverything(blob)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cm.Doc.GPU {
		if cm.Doc.GPU[i].Name == "H100" {
			cm.Doc.GPU[i].CC = "8.0"
		}
	}
	if err := c.PutMatrix(key, encodeMatrix(&cm)); err != nil {
		t.Fatal(err)
	}
	hit, _, err := LoadCached(c)
	if err != nil {
		t.Fatal(err)
	}
	if g, _ := hit.GPU("H100"); g.CC != "8.0" {
		t.Errorf("cached form not used: H100 is %q", g.CC)
	}
	if hit.Hash() != m.Hash() {
		t.Errorf("hash %s from the cache, %s from the data", hit.Hash(), m.Hash())
	}

	// An unusable entry is a miss: the data is parsed again and the entry replaced.
	if err := c.PutMatrix(key, []byte("{not this encoding")); err != nil {
		t.Fatal(err)
	}
	again, _, err := LoadCached(c)
	if err != nil {
		t.Fatal(err)
	}
	if g, _ := again.GPU("H100"); g.CC != "9.0" {
		t.Errorf("after a damaged entry: H100 is %q", g.CC)
	}
	if blob, _, _ := c.GetMatrix(key); string(blob) == "{not this encoding" {
		t.Error("the damaged entry was not replaced")
	}

	if m, _, err := LoadCached(nil); err != nil || m == nil {
		t.Errorf("LoadCached(nil) = %v, %v", m, err)
	}
}

// The cache key changes with any byte of the data, so the compiled form is rebuilt when
// the data changes.
func TestDataHashFollowsTheData(t *testing.T) {
	files, err := readDataFiles(data.FS)
	if err != nil {
		t.Fatal(err)
	}
	base := hashDataFiles(files)
	edited := append([]dataFile(nil), files...)
	edited[0].text += " "
	renamed := append([]dataFile(nil), files...)
	renamed[0].name += "x"
	for name, fs := range map[string][]dataFile{"edited": edited, "renamed": renamed, "dropped": files[1:]} {
		if hashDataFiles(fs) == base {
			t.Errorf("%s data: same hash", name)
		}
	}
	if hashDataFiles(files) != base {
		t.Error("hash is not deterministic")
	}
}

// Loading the compiled matrix: from the TOML, from the bbolt cache, and the decoding of
// the cached form alone.
func BenchmarkLoadTOML(b *testing.B) {
	for b.Loop() {
		if _, _, err := loadFS(data.FS); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadEmbedded(b *testing.B) {
	for b.Loop() {
		if _, _, err := LoadCached(nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadCached(b *testing.B) {
	embedded := embeddedCompiled
	b.Cleanup(func() { embeddedCompiled = embedded })
	embeddedCompiled = nil
	c, err := cache.Open(b.TempDir(), cache.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := LoadCached(c); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := LoadCached(c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeCompiled(b *testing.B) {
	m, warns, err := Load()
	if err != nil {
		b.Fatal(err)
	}
	blob := encodeMatrix(&cachedMatrix{Doc: *m.doc, Warnings: warns})
	b.SetBytes(int64(len(blob)))
	for b.Loop() {
		cm, err := decodeEverything(blob)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := compile(&cm.Doc, m.Hash(), noLines); err != nil {
			b.Fatal(err)
		}
	}
}

// The cached form reads back as the rows it was made from, position key maps aside.
func TestMatrixCodecRoundTrip(t *testing.T) {
	m, warns, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	want := cachedMatrix{Doc: *m.doc, Warnings: warns}
	got, err := decodeEverything(encodeMatrix(&want))
	want.Doc = groupedByPackage(&want.Doc)
	if err != nil {
		t.Fatal(err)
	}
	ignoreKeys := cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Keys" }, cmp.Ignore())
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(cachedMatrix{}, document{}), cmpopts.EquateEmpty(), ignoreKeys, exporter); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if len(got.Doc.GPU) == 0 || got.Doc.GPU[0].Tag == "" || got.Doc.GPU[0].Pos.Line == 0 {
		t.Errorf("embedded row fields lost: %+v", got.Doc.GPU)
	}
	blob := encodeMatrix(&want)
	if _, err := decodeMatrix(blob[:len(blob)-1]); err == nil {
		t.Error("a truncated form decodes")
	}
}

// exporter lets cmp read the unexported row types.
var exporter = cmp.Exporter(func(reflect.Type) bool { return true })

// FuzzDecodeMatrix: decodeMatrix never panics, and what it accepts survives encoding
// and decoding again unchanged.
func FuzzDecodeMatrix(f *testing.F) {
	m, warns, err := Load()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(encodeMatrix(&cachedMatrix{Doc: *m.doc, Warnings: warns}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		cm, err := decodeEverything(data)
		if err != nil {
			return
		}
		first := encodeMatrix(&cm)
		again, err := decodeEverything(first)
		if err != nil {
			t.Fatalf("re-encoded form does not decode: %v", err)
		}
		if second := encodeMatrix(&again); string(second) != string(first) {
			t.Fatal("round trip changed the rows")
		}
	})
}

// A warm check compiles the cached matrix on every run: each distinct specifier and
// capability interval of the rows is made into a range once (some 190 specifiers among
// 550), and CUDA versions and capabilities are read without regular expressions.
// Measured in allocations, which a timing on a shared machine is not: before, compiling
// took some 8,800; after, about 4,220. The bound leaves room for the data to grow.
func TestCompileCachedMatrixAllocations(t *testing.T) {
	m, _, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(5, func() {
		if _, err := compile(m.doc, m.Hash(), noLines); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("compiling the matrix: %.0f allocations", allocs)
	if allocs > 5500 {
		t.Errorf("compiling the matrix took %.0f allocations, want at most 5,500", allocs)
	}
}

// The CUDA versions of the data: "12.4" or "13", nothing else.
func TestCUDAVersionFields(t *testing.T) {
	for _, tt := range []struct {
		in           string
		major, minor string
		ok           bool
	}{
		{"12.4", "12", "4", true}, {"13", "13", "", true}, {"9.0", "9", "0", true},
		{"", "", "", false}, {"12.", "", "", false}, {".4", "", "", false}, {"12.4.1", "", "", false},
		{"cpu", "", "", false}, {"12.x", "", "", false}, {"١٢.٤", "", "", false}, {" 12.4", "", "", false},
	} {
		major, minor, ok := cudaVersionFields(tt.in)
		if ok != tt.ok || ok && (major != tt.major || minor != tt.minor) {
			t.Errorf("cudaVersionFields(%q) = %q, %q, %v; want %q, %q, %v", tt.in, major, minor, ok, tt.major, tt.minor, tt.ok)
		}
	}
}

// Compute capabilities as the data writes them: "9.0", "9.0a", "10.0f", nothing else.
func TestParseCapability(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want capability
		ok   bool
	}{
		{"9.0", capability{major: 9}, true}, {"8.6", capability{major: 8, minor: 6}, true},
		{"9.0a", capability{major: 9, suffix: "a"}, true}, {"10.0f", capability{major: 10, suffix: "f"}, true},
		{"", capability{}, false}, {"9", capability{}, false}, {"9.", capability{}, false}, {".0", capability{}, false},
		{"9.10", capability{}, false}, {"9.0b", capability{}, false}, {"9.0af", capability{}, false},
		{"sm_90", capability{}, false}, {"9.0 ", capability{}, false},
	} {
		got, ok := parseCapability(tt.in)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("parseCapability(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// warmCheckPins are the resolution of corpus/transformers-torch (torch 2.5, Python 3.11,
// manylinux_2_35_x86_64): what a warm check asks the matrix about.
var warmCheckPins = strings.Fields(`certifi 2026.6.17 charset-normalizer 3.4.9 filelock 3.32.0
	fsspec 2026.4.0 hf-xet 1.5.2 huggingface-hub 0.36.0 idna 3.18 jinja2 3.1.6 markupsafe 3.0.2
	mpmath 1.3.0 networkx 3.6.1 numpy 2.2.6 nvidia-cublas-cu12 12.4.5.8 nvidia-cuda-cupti-cu12 12.4.127
	nvidia-cuda-nvrtc-cu12 12.4.127 nvidia-cuda-runtime-cu12 12.4.127 nvidia-cudnn-cu12 9.1.0.70
	nvidia-cufft-cu12 11.2.1.3 nvidia-curand-cu12 10.3.5.147 nvidia-cusolver-cu12 11.6.1.9
	nvidia-cusparse-cu12 12.3.1.170 nvidia-nccl-cu12 2.21.5 nvidia-nvjitlink-cu12 12.4.127
	nvidia-nvtx-cu12 12.4.127 packaging 26.2 pyyaml 6.0.2 regex 2025.9.1 requests 2.34.2
	safetensors 0.8.0 sympy 1.13.1 tokenizers 0.20.3 torch 2.5.1 tqdm 4.69.0 transformers 4.46.3
	triton 3.1.0 typing-extensions 4.16.0 urllib3 2.7.0`)

// BenchmarkWarmCheckMatrix is the matrix's share of a warm check: the compiled matrix
// read from the cache, applied to the target, and asked for the rules and advisories of
// every package of the resolution.
func BenchmarkWarmCheckMatrix(b *testing.B) {
	check := warmCheckMatrix(b)
	for b.Loop() {
		check()
	}
}

// warmCheckMatrix returns what a warm check of corpus/transformers-torch asks of the
// matrix, on a filled cache.
func warmCheckMatrix(tb testing.TB) func() {
	c, err := cache.Open(tb.TempDir(), cache.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	if _, _, err := LoadCached(c); err != nil {
		tb.Fatal(err)
	}
	decl := target.Declaration{Python: target.Flag("--python", "3.11"), Platform: target.Flag("--platform", "manylinux_2_35_x86_64")}
	var pins []resolver.Pin
	for i := 0; i < len(warmCheckPins); i += 2 {
		pins = append(pins, resolver.Pin{Name: warmCheckPins[i], Version: pep440.MustParse(warmCheckPins[i+1])})
	}
	selected := func(name string) (pep440.Version, bool) {
		for _, p := range pins {
			if p.Name == name {
				return p.Version, true
			}
		}
		return pep440.Version{}, false
	}
	return func() {
		m, _, err := LoadCached(c)
		if err != nil {
			tb.Fatal(err)
		}
		tgt, err := target.Build(m.Catalog(), target.Defaults{}, decl)
		if err != nil {
			tb.Fatal(err)
		}
		tm := m.ForTarget(tgt)
		for _, p := range pins {
			tm.RulesFor(p.Name, p.Version, nil)
		}
		tm.AdvisoriesFor(selected)
		tm.SolutionAdvisories(pins)
	}
}

// A build whose generated stamp is not its data's would read and write another data's
// compiled form under that stamp: it stores nothing, and compiles its own data.
func TestLoadCachedStoresNothingUnderAStaleStamp(t *testing.T) {
	withoutEmbeddedCompiled(t)
	c, err := cache.Open(t.TempDir(), cache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	current := embeddedDataStamp
	t.Cleanup(func() { embeddedDataStamp = current })
	embeddedDataStamp.Hash = strings.Repeat("0", 64)
	m, _, err := LoadCached(c)
	if err != nil {
		t.Fatal(err)
	}
	if m.Hash() != current.Hash {
		t.Errorf("matrix hash %s, want the data's %s", m.Hash(), current.Hash)
	}
	for _, hash := range []string{embeddedDataStamp.Hash, current.Hash} {
		if _, found, err := c.GetMatrix(cache.MatrixKey(hash)); found || err != nil {
			t.Errorf("an entry stored under %s (%v)", hash, err)
		}
	}
}

// Every field of every row, the warnings and the positions survive the cached form: a
// field a row's fields method leaves out reads back as its zero value here. Each field
// gets a value of its own, so two fields swapped show too.
func TestMatrixCodecKeepsEveryField(t *testing.T) {
	var want cachedMatrix
	n := 0
	var fill func(v reflect.Value)
	fill = func(v reflect.Value) {
		n++
		switch v.Kind() {
		case reflect.String:
			v.SetString(fmt.Sprint("s", n))
		case reflect.Int:
			v.SetInt(int64(-n))
		case reflect.Bool:
			v.SetBool(n%2 == 0)
		case reflect.Slice:
			v.Set(reflect.MakeSlice(v.Type(), 2, 2))
			fill(v.Index(0))
			fill(v.Index(1))
		case reflect.Struct:
			for i := range v.NumField() {
				fill(v.Field(i))
			}
		case reflect.Map: // rowPos.Keys, which only errors quote
		default:
			t.Fatalf("a %s in the rows: teach codec.go and this test about it", v.Type())
		}
	}
	fill(reflect.ValueOf(&want).Elem())
	got, err := decodeEverything(encodeMatrix(&want))
	want.Doc = groupedByPackage(&want.Doc)
	if err != nil {
		t.Fatal(err)
	}
	ignoreKeys := cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Keys" }, cmp.Ignore())
	if diff := cmp.Diff(want, got, exporter, ignoreKeys); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

// BenchmarkDecodeMatrix is the decoding of the cached form alone.
func BenchmarkDecodeMatrix(b *testing.B) {
	m, warns, err := Load()
	if err != nil {
		b.Fatal(err)
	}
	blob := encodeMatrix(&cachedMatrix{Doc: *m.doc, Warnings: warns})
	b.SetBytes(int64(len(blob)))
	for b.Loop() {
		if _, err := decodeMatrix(blob); err != nil {
			b.Fatal(err)
		}
	}
}

// Decoding the cached matrix copies none of its bytes: the rows' strings point into the
// entry the cache returned (a copy of its own that nobody else holds). Another copy cost
// every warm run some 85 KiB, a fifth of what it allocated.
func TestDecodeMatrixCopiesNoEntry(t *testing.T) {
	m, warns, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	blob := encodeMatrix(&cachedMatrix{Doc: *m.doc, Warnings: warns})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cr, err := decodeMatrix(blob)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := cr.tables(1<<sharedTableCount - 1); !ok {
		t.Fatal("a shared table does not decode")
	}
	for _, name := range cr.names {
		if _, ok := cr.packageTables(name); !ok {
			t.Fatalf("the rows of %s do not decode", name)
		}
	}
	runtime.ReadMemStats(&after)
	// measured: the rows take about 1.5 times the entry, and a copy added 1
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 2*uint64(len(blob)) {
		t.Errorf("decoding a %d-byte entry allocated %d bytes, want at most twice the entry: does it copy the entry?", len(blob), allocated)
	}
}

// A warm run reads the index of the cached matrix and decodes a table or a package's
// rows only when compile asks for them. Decoding every row on every run cost some
// 123 KB, 1.4 times the entry; the index is a few KB.
func TestDecodeMatrixReadsOnlyTheIndex(t *testing.T) {
	m, warns, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	blob := encodeMatrix(&cachedMatrix{Doc: *m.doc, Warnings: warns})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := decodeMatrix(blob); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("decoding the index of a %d-byte entry: %d bytes", len(blob), allocated)
	if allocated > uint64(len(blob))/10 {
		t.Errorf("decoding a %d-byte entry allocated %d bytes, want at most a tenth of it: are the rows decoded before they are asked for?", len(blob), allocated)
	}
}

// A section of the cached form that does not decode is a damaged part: the part comes
// from the data, and the other parts still from the cache.
func TestLazyMatrixOfAMalformedSectionIsTheData(t *testing.T) {
	m := loadDataMatrix(t)
	doc := *m.doc
	doc.GPU = slices.Clone(doc.GPU)
	for i := range doc.GPU {
		if doc.GPU[i].Name == "A100" {
			doc.GPU[i].CC = "8.9" // a change the cached form shows, where it is used
		}
	}
	blob := encodeMatrix(&cachedMatrix{Doc: doc})
	cr, err := decodeMatrix(blob)
	if err != nil {
		t.Fatal(err)
	}
	torch, _ := slices.BinarySearch(cr.names, "torch")
	for _, s := range []span{cr.shared[tableOS].span, cr.packages[torch]} {
		for i := s.start; i < s.end; i++ {
			blob[i] = 0xff // a uvarint longer than 64 bits
		}
	}
	lazy := compileLazily(cr, m.Hash())
	if g, ok := lazy.GPU("A100"); !ok || g.CC != "8.9" {
		t.Errorf("A100 from the cache: %+v, %v; want the cached 8.9", g, ok)
	}
	if diff := cmp.Diff(m.Describe("", nil), lazy.Describe("", nil), cmpopts.IgnoreSliceElements(func(r Row) bool { return r.Table == "gpu" })); diff != "" {
		t.Errorf("Describe with a malformed os table (-data +cache):\n%s", diff)
	}
	for _, v := range []string{"2.5.1", "2.5.1+cu118"} {
		if diff := cmp.Diff(ruleStrings(forFacts(m, linuxGPU), "torch", v), ruleStrings(forFacts(lazy, linuxGPU), "torch", v)); diff != "" {
			t.Errorf("rules of torch %s from a malformed section (-data +cache):\n%s", v, diff)
		}
	}
}

// A matrix read from the cache, compiled part by part on first use, says what the one
// compiled from the data at once says: every row as depsolve matrix shows it, the
// coverage, the package names, and the rules of every package release the rows name.
func TestLazyMatrixIsTheCompiledMatrix(t *testing.T) {
	eager := loadDataMatrix(t)
	lazy := compileLazily(cachedRowsOf(t, eager.doc), eager.Hash())
	if diff := cmp.Diff(eager.Describe("", nil), lazy.Describe("", nil)); diff != "" {
		t.Errorf("Describe (-eager +lazy):\n%s", diff)
	}
	if diff := cmp.Diff(eager.Coverage(), lazy.Coverage()); diff != "" {
		t.Errorf("Coverage (-eager +lazy):\n%s", diff)
	}
	if diff := cmp.Diff(eager.PackageNames(), lazy.PackageNames()); diff != "" {
		t.Errorf("PackageNames (-eager +lazy):\n%s", diff)
	}
	for _, facts := range []testFacts{linuxGPU, noGPU, {OS: "linux", Machine: "aarch64", Driver: "550.54.15", GPUs: []string{"7.0", "12.0"}}} {
		fresh := compileLazily(cachedRowsOf(t, eager.doc), eager.Hash())
		for _, name := range eager.PackageNames() {
			for _, v := range []string{"2.5.1", "2.5.1+cu118", "0.20.1", "2.16.1", "1.26.4", "0.4.30"} {
				if diff := cmp.Diff(ruleStrings(forFacts(eager, facts), name, v), ruleStrings(forFacts(fresh, facts), name, v)); diff != "" {
					t.Errorf("%+v: rules of %s %s (-eager +lazy):\n%s", facts, name, v, diff)
				}
			}
		}
	}
}

// The cache holds only rows that compiled; rows damaged after that do not decide: the
// part they are in comes from the data.
func TestLazyMatrixOfDamagedRowsIsTheData(t *testing.T) {
	m := loadDataMatrix(t)
	rows := func() *document {
		cm, err := decodeEverything(encodeMatrix(&cachedMatrix{Doc: *m.doc}))
		if err != nil {
			t.Fatal(err)
		}
		return &cm.Doc
	}
	gpus, builds, archs := rows(), rows(), rows()
	for i := range gpus.GPU {
		if gpus.GPU[i].Name == "H100" {
			gpus.GPU[i].CC = "no capability"
		}
	}
	if g, ok := compileLazily(cachedRowsOf(t, gpus), m.Hash()).GPU("H100"); !ok || g.CC != "9.0" {
		t.Errorf("H100 from damaged rows: %+v, %v; want 9.0", g, ok)
	}
	for i := range builds.Build {
		if builds.Build[i].Package == "torch" {
			builds.Build[i].Versions = "not a specifier"
		}
	}
	// The archs rows of a package compile on their own, when a target with GPUs asks.
	for i := range archs.Archs {
		if archs.Archs[i].Package == "torch" {
			archs.Archs[i].SASS = []string{"sm_90"}
		}
	}
	for _, doc := range []*document{builds, archs} {
		for _, v := range []string{"2.5.1", "2.5.1+cu118"} {
			want := ruleStrings(forFacts(m, linuxGPU), "torch", v)
			if diff := cmp.Diff(want, ruleStrings(forFacts(compileLazily(cachedRowsOf(t, doc), m.Hash()), linuxGPU), "torch", v)); diff != "" {
				t.Errorf("rules of torch %s from damaged rows (-data +damaged):\n%s", v, diff)
			}
		}
	}
}

// The solver may ask from several goroutines; the first asks compile, once.
func TestLazyMatrixConcurrentUse(t *testing.T) {
	m := loadDataMatrix(t)
	lazy := compileLazily(cachedRowsOf(t, m.doc), m.Hash())
	want := ruleStrings(forFacts(m, linuxGPU), "torch", "2.5.1")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			tm := forFacts(lazy, linuxGPU)
			if got := ruleStrings(tm, "torch", "2.5.1"); !slices.Equal(got, want) {
				t.Errorf("rules %q, want %q", got, want)
			}
			tm.AdvisoriesFor(func(string) (pep440.Version, bool) { return pep440.Version{}, false })
		})
	}
	wg.Wait()
}

// A warm check reads the compiled matrix from the cache and asks it about the packages
// of its resolution: it decodes and compiles the few parts it reads. Measured in
// allocations and bytes (BenchmarkWarmCheckMatrix): with the reflective decoder and
// everything compiled on every run, some 5,700 allocations; compiled part by part,
// about 760 and 296 KB; with the rows decoded part by part too, about 770 and 206 KB
// (of which the cache's copy of the entry is 86 KB). The bounds leave room for the data
// to grow.
func TestWarmCheckMatrixAllocations(t *testing.T) {
	check := warmCheckMatrix(t)
	allocs := testing.AllocsPerRun(10, check)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const runs = 10
	for range runs {
		check()
	}
	runtime.ReadMemStats(&after)
	bytes := (after.TotalAlloc - before.TotalAlloc) / runs
	t.Logf("a warm check's matrix: %.0f allocations, %d bytes", allocs, bytes)
	if allocs > 1000 {
		t.Errorf("a warm check's matrix took %.0f allocations, want at most 1,000", allocs)
	}
	if bytes > 240_000 {
		t.Errorf("a warm check's matrix allocated %d bytes, want at most 240,000: does it decode rows it does not read?", bytes)
	}
}

// decodeEverything decodes every section of an encoding of encodeMatrix, the package
// tables one package after another, in name order.
func decodeEverything(data []byte) (cachedMatrix, error) {
	cr, err := decodeMatrix(data)
	if err != nil {
		return cachedMatrix{}, err
	}
	doc, ok := cr.tables(1<<sharedTableCount - 1)
	cm := cachedMatrix{Doc: *doc, Warnings: cr.warnings}
	for _, name := range cr.names {
		rows, decoded := cr.packageTables(name)
		ok = ok && decoded
		appendPackageTables(&cm.Doc, rows)
	}
	if !ok {
		return cachedMatrix{}, errMatrixCodec
	}
	return cm, nil
}

// groupedByPackage is doc with the rows of its package tables in the order the cached
// form keeps them: by package name, then in table order.
func groupedByPackage(doc *document) document {
	grouped := *doc
	grouped.Build, grouped.LocalCUDA, grouped.Archs, grouped.GPUFloor = nil, nil, nil, nil
	grouped.Constraint, grouped.Variant, grouped.Index, grouped.Note = nil, nil, nil, nil
	docs := packageDocuments(doc)
	for _, name := range slices.Sorted(maps.Keys(packageDocuments(doc))) {
		if rows := docs[name]; rows != nil {
			appendPackageTables(&grouped, rows)
		}
	}
	return grouped
}

func appendPackageTables(doc, rows *document) {
	doc.Build = append(doc.Build, rows.Build...)
	doc.LocalCUDA = append(doc.LocalCUDA, rows.LocalCUDA...)
	doc.Archs = append(doc.Archs, rows.Archs...)
	doc.GPUFloor = append(doc.GPUFloor, rows.GPUFloor...)
	doc.Constraint = append(doc.Constraint, rows.Constraint...)
	doc.Variant = append(doc.Variant, rows.Variant...)
	doc.Index = append(doc.Index, rows.Index...)
	doc.Note = append(doc.Note, rows.Note...)
}

// cachedRowsOf is doc as a run reads it from the cache.
func cachedRowsOf(tb testing.TB, doc *document) *cachedRows {
	tb.Helper()
	cr, err := decodeMatrix(encodeMatrix(&cachedMatrix{Doc: *doc}))
	if err != nil {
		tb.Fatal(err)
	}
	return cr
}

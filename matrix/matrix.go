package matrix

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"

	"github.com/depsolve/depsolve/cache"
	"github.com/depsolve/depsolve/data"
	"github.com/depsolve/depsolve/input"
)

// Tag is a row's confidence, as in the fact files.
type Tag string

// The confidence tags.
const (
	Verified     Tag = "verified"     // read in the primary source
	Corroborated Tag = "corroborated" // two or more independent copies agree
	Unverified   Tag = "unverified"   // one third-party source, an inference, or a conflict
)

// Source is an entry of data/sources.toml.
type Source struct {
	ID    string
	Title string
	URL   string
}

// Cite says where a fact comes from: its row in the data and the sources the row cites.
type Cite struct {
	File    string // "data/torch.toml"
	Line    int    // the row's [[table]] line
	Tag     Tag
	Sources []Source
	Detail  string // the row's cite: section, commit, wording
}

// Warning is a problem in the data that does not stop it from loading.
type Warning struct {
	File string
	Line int
	Msg  string
}

func (w Warning) String() string { return fmt.Sprintf("%s:%d: %s", w.File, w.Line, w.Msg) }

// DataError is a row the strict loader rejects. Load returns every one it finds, joined
// (errors.Join); errors.As finds the first.
type DataError struct {
	File string
	Line int
	Text string // the offending line
	Msg  string
}

// Error names the row's place and shows its line as every error about a line of a
// file does (input.Excerpt), numbered; a row's problem has no column.
func (e *DataError) Error() string {
	s := fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	if e.Text != "" {
		s += "\n" + strings.TrimSuffix(input.Excerpt(e.Line, e.Text, 0), "\n")
	}
	return s
}

// Matrix is the compiled matrix. It is immutable and safe for concurrent use.
//
// Each part is compiled on first use (LoadCached) or all at once (Load, which reports
// every error of the data): a warm check reads the rows of a few packages of the
// hundreds in the data.
type Matrix struct {
	hash string
	// doc is every row of a matrix compiled at once (Load); nil for one read from the
	// cache, whose rows are read part by part (rows, packages).
	doc *document
	// rows is a document holding the shared tables of set (and maybe others).
	rows func(set tableSet) *document
	// machines are the machines the verified package rows name (namesMachine).
	machines func() []string

	sources    func() map[string]Source
	cuda       func() *cudaTables
	tk         func() *toolkitTables
	gpu        func() *gpuTables
	gpuDrivers func() []*gpuDriver
	images     func() *imageTables
	fwImages   func() map[string]*fwImageRow // "image release" -> the release's row
	packages   *packageTable
}

// cudaTables are the principles the rules cite and the CUDA families' driver floors.
type cudaTables struct {
	principles map[string]*principleRow
	families   map[int]*family
}

// toolkitTables are the facts of CUDA toolkit releases: Table 3, the architectures each
// compiles for, forward compatibility.
type toolkitTables struct {
	toolkits []*toolkit
	tkArchs  []*toolkitArchs
	// forwardCompat: the driver branches toolkit releases run on through forward
	// compatibility (R5), in data order.
	forwardCompat []*forwardCompat
}

type gpuTables struct {
	archNames map[string]*archRow // compute capability ("9.0") -> architecture
	gpus      map[string]*gpuRow  // normalized name words -> model
}

type imageTables struct {
	flavors map[string]*flavor
	oses    map[string]*osRow
}

// packageTable is the rows about each package, by normalized name.
type packageTable struct {
	names func() []string // sorted
	// compile compiles the rows of one package (LoadCached: a check reads a few of the
	// packages of the data); nil when compiled holds them all (Load).
	compile  func(name string) *packageRows
	mu       sync.Mutex
	compiled map[string]*packageRows
}

// packageRows is the rows about package name, or nil when the data has none.
func (m *Matrix) packageRows(name string) *packageRows {
	t := m.packages
	if _, found := slices.BinarySearch(t.names(), name); !found {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	rows, ok := t.compiled[name]
	if !ok {
		rows = t.compile(name)
		t.compiled[name] = rows
	}
	return rows
}

// packageNames are the packages the matrix has rows about, sorted.
func (m *Matrix) packageNames() []string { return m.packages.names() }

// Hash is the hex SHA-256 the matrix was compiled from: the embedded files and the
// compiled-form version. It keys the compiled form in the cache.
func (m *Matrix) Hash() string { return m.hash }

// Load reads, validates and compiles the embedded data. The loader is strict: an unknown
// table or key, a row without a source or tag, an unverified row not marked advisory, a
// malformed version is an error naming file:line. Warnings are problems that do not stop
// the data from loading (a source nothing cites).
func Load() (*Matrix, []Warning, error) { return loadFS(data.FS) }

// loadFS is Load for the *.toml files at the root of fsys.
func loadFS(fsys fs.FS) (*Matrix, []Warning, error) {
	files, err := readDataFiles(fsys)
	if err != nil {
		return nil, nil, err
	}
	return loadFiles(files)
}

// LoadCached is Load for a run: the compiled form of the embedded data, which go
// generate ./matrix writes beside the data (embeddedCompiled), decoded in place; its rows
// are compiled part by part as they are first asked about (compileLazily). A cold run
// does not compile the data (about 10 ms), and no run reads the compiled form from the
// cache (86 KB, and its checksum): measured, 12 ms less before a cold run's first
// request, and 0.4-0.7 ms less for a warm one.
//
// The generated files are not checked against the data here: reading and hashing the
// data cost a warm run more than decoding the compiled form.
// TestEmbeddedCompiledIsCurrent and TestEmbeddedDataStampIsCurrent fail until they agree
// with the data (go generate ./matrix after editing it); until then a build decides with
// the facts they were generated from.
//
// Only a compiled form that does not decode (a build whose encoding changed without go
// generate) goes the old way: through the cache c (nil: none), under the hash of the
// embedded data (cache.MatrixKey), compiling the data on a miss. A read that fails or
// returns something unusable is a miss; a build whose stamp is stale too stores nothing.
func LoadCached(c *cache.Cache) (*Matrix, []Warning, error) {
	hash := embeddedDataStamp.Hash
	if cr, err := decodeMatrix(embeddedCompiled); err == nil {
		return compileLazily(cr, hash), cr.warnings, nil
	}
	key := cache.MatrixKey(hash)
	if blob, found, err := c.GetMatrix(key); err == nil && found {
		if cr, err := decodeMatrix(blob); err == nil {
			return compileLazily(cr, hash), cr.warnings, nil
		}
	}
	m, warns, err := Load()
	if err != nil {
		return nil, nil, err
	}
	if m.hash != hash {
		return m, warns, nil
	}
	blob := encodeMatrix(&cachedMatrix{Doc: *m.doc, Warnings: warns})
	// A failed write is reported by the cache itself (Options.Warn) and costs only time.
	_ = c.PutMatrix(key, blob)
	return m, warns, nil
}

// cachedMatrix is the payload of the cache's matrix bucket.
type cachedMatrix struct {
	Doc      document
	Warnings []Warning
}

// dataFile is one matrix file: its name as shown in messages ("data/torch.toml") and text.
type dataFile struct {
	name string
	text string
}

// readDataFiles reads the *.toml files at the root of fsys in name order.
func readDataFiles(fsys fs.FS) ([]dataFile, error) {
	names, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, fmt.Errorf("matrix: listing the matrix data: %w", err)
	}
	files := make([]dataFile, 0, len(names))
	for _, name := range names { // fs.Glob returns names in lexical order
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("matrix: reading the matrix data: %w", err)
		}
		files = append(files, dataFile{name: "data/" + name, text: string(b)})
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("matrix: no matrix data (*.toml) found")
	}
	return files, nil
}

// hashDataFiles is the hex SHA-256 of the compiled-form version and every file's name
// and text, each length-prefixed so no two inputs share a hash.
func hashDataFiles(files []dataFile) string {
	h := sha256.New()
	fmt.Fprintf(h, "%d:%s", len(compiledFormat), compiledFormat)
	for _, f := range files {
		fmt.Fprintf(h, "%d:%s%d:%s", len(f.name), f.name, len(f.text), f.text)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func loadFiles(files []dataFile) (*Matrix, []Warning, error) {
	doc, warns, err := parseDocument(files)
	if err != nil {
		return nil, nil, err
	}
	texts := map[string][]string{}
	for _, f := range files {
		texts[f.name] = strings.Split(f.text, "\n")
	}
	lines := func(file string, line int) string {
		if ls := texts[file]; line >= 1 && line <= len(ls) {
			return strings.TrimRight(ls[line-1], "\r")
		}
		return ""
	}
	m, err := compile(doc, hashDataFiles(files), lines)
	if err != nil {
		return nil, nil, err
	}
	return m, warns, nil
}

// noLines quotes nothing: the compiled form from the cache has no text to quote (and,
// having been compiled once already, no errors to report).
func noLines(string, int) string { return "" }

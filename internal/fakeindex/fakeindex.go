// Package fakeindex serves a Python package index from a JSON snapshot, in process, for
// tests and the bundled example. It speaks what real indexes speak: PEP 691 JSON (when
// the client asks for it in Accept), PEP 503 HTML, PEP 658/714 metadata files, HTTP
// range requests on wheels, and ETags. Wheels are stub wheels built on the fly: a real zip
// with METADATA, WHEEL and RECORD and no code, with fixed timestamps so that their bytes,
// and so their sha256 hashes, are the same on every run.
//
// The snapshot schema is the one of ../shared/tools/pyindex, so the same snapshot can be
// served to depsolve here and to pip there:
//
//	{"packages": {NAME: {VERSION: {
//	    "requires_python": ">=3.9", "requires_dist": ["numpy>=1.22", …],
//	    "wheels": [{"filename": "x-1.0-py3-none-any.whl", "payload": 1000000}],   // default: one py3-none-any wheel; []: none;
//	                                       // payload: a data file of that many zero bytes
//	    "sdist": true, "yanked": false | "reason",
//	    "index": "pypi" | ["pypi", "pytorch-cu121"]}}}}
//
// Each index is served under /<index>/simple/; files under /files/<index>/<filename>.
package fakeindex

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/depsolve/depsolve/pep508"
)

// Snapshot is the decoded JSON snapshot.
type Snapshot struct {
	Packages map[string]map[string]*Entry `json:"packages"`
}

// Entry is one version of one package.
type Entry struct {
	RequiresPython string          `json:"requires_python,omitempty"`
	RequiresDist   []string        `json:"requires_dist,omitempty"`
	Wheels         []WheelSpec     `json:"wheels,omitempty"`
	Sdist          json.RawMessage `json:"sdist,omitempty"` // true, or an object (corpus snapshots)
	Yanked         json.RawMessage `json:"yanked,omitempty"`
	Index          json.RawMessage `json:"index,omitempty"`
}

// WheelSpec names one wheel of a version.
type WheelSpec struct {
	Filename string `json:"filename"`
	// Payload adds a data file of that many bytes (zeros, so it compresses well) to the
	// wheel, for a known installed size far from the download size.
	Payload int `json:"payload,omitempty"`
}

// File is one built distribution file.
type File struct {
	Index          string
	Project        string // PEP 503-normalized
	Version        string
	Filename       string
	Data           []byte
	SHA256         string
	Metadata       []byte // core metadata (wheels only; sdists carry PKG-INFO inside)
	RequiresPython string
	Yanked         *string // nil: not yanked; else the reason (maybe empty)
}

// Index is a built snapshot: every file of every project on every index.
type Index struct {
	// Files by index, then by project, in a stable order.
	Files map[string]map[string][]*File
	// Display names by normalized project name.
	Names map[string]string
}

var nameSeparators = regexp.MustCompile(`[-_.]+`)

func distName(name string) string { return nameSeparators.ReplaceAllString(name, "_") }

// Load reads a snapshot file.
func Load(path string) (*Snapshot, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &s, nil
}

var extraInMarker = regexp.MustCompile(`extra\s*==\s*['"]([^'"]+)['"]`)

func metadataText(name, version string, e *Entry) string {
	lines := []string{"Metadata-Version: 2.1", "Name: " + name, "Version: " + version}
	if e.RequiresPython != "" {
		lines = append(lines, "Requires-Python: "+e.RequiresPython)
	}
	seen := map[string]bool{}
	for _, req := range e.RequiresDist {
		for _, m := range extraInMarker.FindAllStringSubmatch(req, -1) {
			if !seen[m[1]] {
				seen[m[1]] = true
				lines = append(lines, "Provides-Extra: "+m[1])
			}
		}
	}
	for _, req := range e.RequiresDist {
		lines = append(lines, "Requires-Dist: "+req)
	}
	return strings.Join(lines, "\n") + "\n\n"
}

func recordLine(path string, data []byte) string {
	sum := sha256.Sum256(data)
	return fmt.Sprintf("%s,sha256=%s,%d", path, base64.RawURLEncoding.EncodeToString(sum[:]), len(data))
}

func wheelTags(filename string) []string {
	parts := strings.Split(strings.TrimSuffix(filename, ".whl"), "-")
	if len(parts) < 5 {
		return []string{"py3-none-any"}
	}
	py, abi, plat := parts[len(parts)-3], parts[len(parts)-2], parts[len(parts)-1]
	var tags []string
	for _, p := range strings.Split(py, ".") {
		for _, a := range strings.Split(abi, ".") {
			for _, pl := range strings.Split(plat, ".") {
				tags = append(tags, p+"-"+a+"-"+pl)
			}
		}
	}
	return tags
}

var fixedTime = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

func wheelBytes(name, version string, tags []string, meta string, payload int) ([]byte, error) {
	di := distName(name) + "-" + version + ".dist-info"
	var wheel strings.Builder
	wheel.WriteString("Wheel-Version: 1.0\nGenerator: depsolve-fakeindex\nRoot-Is-Purelib: true\n")
	for _, t := range tags {
		wheel.WriteString("Tag: " + t + "\n")
	}
	files := []struct {
		path string
		data []byte
	}{
		{di + "/METADATA", []byte(meta)},
		{di + "/WHEEL", []byte(wheel.String())},
	}
	if payload > 0 {
		files = append(files, struct {
			path string
			data []byte
		}{distName(name) + "/payload.bin", make([]byte, payload)})
	}
	var record strings.Builder
	for _, f := range files {
		record.WriteString(recordLine(f.path, f.data) + "\n")
	}
	record.WriteString(di + "/RECORD,,\n")
	files = append(files, struct {
		path string
		data []byte
	}{di + "/RECORD", []byte(record.String())})

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.path, Method: zip.Deflate, Modified: fixedTime})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func sdistBytes(name, version, meta string) ([]byte, string, error) {
	base := distName(name) + "-" + version
	pkgInfo := []byte(strings.Replace(meta, "Metadata-Version: 2.1", "Metadata-Version: 2.2", 1))
	var buf bytes.Buffer
	gz, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, "", err
	}
	gz.ModTime = fixedTime
	tw := tar.NewWriter(gz)
	if err := tw.WriteHeader(&tar.Header{Name: base + "/PKG-INFO", Mode: 0o644, Size: int64(len(pkgInfo)), ModTime: fixedTime, Format: tar.FormatPAX}); err != nil {
		return nil, "", err
	}
	if _, err := tw.Write(pkgInfo); err != nil {
		return nil, "", err
	}
	if err := tw.Close(); err != nil {
		return nil, "", err
	}
	if err := gz.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), base + ".tar.gz", nil
}

// indexesOf decodes the "index" field: a name, a list of names, or absent ("pypi").
func indexesOf(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 {
		return []string{"pypi"}, nil
	}
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, fmt.Errorf("index must be a string or a list of strings: %s", raw)
	}
	return many, nil
}

// hasSdist reads the "sdist" field as pyindex does: any truthy JSON value (true, or the
// corpus snapshot's file object) publishes one.
func hasSdist(raw json.RawMessage) bool {
	switch strings.TrimSpace(string(raw)) {
	case "", "false", "null", "0", `""`, "{}", "[]":
		return false
	}
	return true
}

func yankedOf(raw json.RawMessage) (*string, error) {
	if len(raw) == 0 || string(raw) == "false" || string(raw) == "null" {
		return nil, nil
	}
	if string(raw) == "true" {
		empty := ""
		return &empty, nil
	}
	var reason string
	if err := json.Unmarshal(raw, &reason); err != nil {
		return nil, fmt.Errorf("yanked must be a boolean or a reason: %s", raw)
	}
	return &reason, nil
}

// Build turns a snapshot into files.
func Build(s *Snapshot) (*Index, error) {
	ix := &Index{Files: map[string]map[string][]*File{}, Names: map[string]string{}}
	names := make([]string, 0, len(s.Packages))
	for n := range s.Packages {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		key := pep508.NormalizeName(name)
		ix.Names[key] = name
		versions := make([]string, 0, len(s.Packages[name]))
		for v := range s.Packages[name] {
			versions = append(versions, v)
		}
		sort.Strings(versions)
		for _, version := range versions {
			e := s.Packages[name][version]
			if e == nil {
				e = &Entry{}
			}
			indexes, err := indexesOf(e.Index)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", name, version, err)
			}
			yanked, err := yankedOf(e.Yanked)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", name, version, err)
			}
			meta := metadataText(name, version, e)
			wheels := e.Wheels
			if wheels == nil {
				wheels = []WheelSpec{{Filename: distName(name) + "-" + version + "-py3-none-any.whl"}}
			}
			var files []*File
			for _, w := range wheels {
				data, err := wheelBytes(name, version, wheelTags(w.Filename), meta, w.Payload)
				if err != nil {
					return nil, err
				}
				files = append(files, &File{Filename: w.Filename, Data: data, Metadata: []byte(meta)})
			}
			if hasSdist(e.Sdist) {
				data, fn, err := sdistBytes(name, version, meta)
				if err != nil {
					return nil, err
				}
				files = append(files, &File{Filename: fn, Data: data})
			}
			for _, index := range indexes {
				if ix.Files[index] == nil {
					ix.Files[index] = map[string][]*File{}
				}
				for _, f := range files {
					sum := sha256.Sum256(f.Data)
					c := *f
					c.Index, c.Project, c.Version = index, key, version
					c.SHA256 = hex.EncodeToString(sum[:])
					c.RequiresPython = e.RequiresPython
					c.Yanked = yanked
					ix.Files[index][key] = append(ix.Files[index][key], &c)
				}
			}
		}
	}
	return ix, nil
}

// WriteFindLinks writes every file of one index into dir, as a --find-links folder.
func (ix *Index) WriteFindLinks(index, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, files := range ix.Files[index] {
		for _, f := range files {
			if err := os.WriteFile(filepath.Join(dir, f.Filename), f.Data, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

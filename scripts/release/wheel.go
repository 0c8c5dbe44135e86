package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
)

// The wheels carry the binaries as scripts, as ruff's and uv's do: pip, uv and pipx put
// them on PATH as `depsolve` and `depsolve-full`, side by side (pipx links them from
// its venv, where depsolve finds depsolve-full), and no Python code runs.

const (
	summary   = "Resolve Python dependencies for CUDA stacks, and explain every conflict"
	sourceURL = "https://github.com/depsolve/depsolve"
)

// wheelName is the PEP 427 file name: one py3-none wheel per platform, whose tag may be
// a compressed tag set (manylinux_2_17_x86_64.musllinux_1_1_x86_64).
func wheelName(version, platform string) string {
	return fmt.Sprintf("depsolve-%s-py3-none-%s.whl", version, platform)
}

func writeWheel(w io.Writer, rel release, t target, bins pair) error {
	dataDir := "depsolve-" + rel.version + ".data"
	distInfo := "depsolve-" + rel.version + ".dist-info"
	files := []archiveFile{
		{name: dataDir + "/scripts/" + t.exe("depsolve"), data: bins.slim, mode: 0o755},
		{name: dataDir + "/scripts/" + t.exe("depsolve-full"), data: bins.full, mode: 0o755},
		{name: distInfo + "/METADATA", data: wheelMetadata(rel), mode: 0o644},
		{name: distInfo + "/WHEEL", data: wheelInfo(t.wheelPlatform), mode: 0o644},
		{name: distInfo + "/licenses/LICENSE", data: rel.license.text, mode: 0o644},
	}
	files = append(files, archiveFile{name: distInfo + "/RECORD", data: wheelRecord(files, distInfo+"/RECORD"), mode: 0o644})
	return writeZip(w, "", files, rel.epoch)
}

// wheelMetadata is the core metadata (version 2.4, for License-Expression and
// License-File); the README is the project description PyPI shows.
func wheelMetadata(rel release) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "Metadata-Version: 2.4\nName: depsolve\nVersion: %s\nSummary: %s\n", rel.version, summary)
	fmt.Fprintf(&b, "License-Expression: %s\nLicense-File: LICENSE\n", rel.license.expression)
	fmt.Fprintf(&b, "Project-URL: Source, %s\n", sourceURL)
	// The wheel holds no Python code; Python only installs it. 3.8 is the oldest the
	// installers in use (pip, uv, pipx) still run on.
	b.WriteString("Requires-Python: >=3.8\n")
	b.WriteString("Keywords: cuda,pytorch,dependency-resolution,lockfile,requirements\n")
	b.WriteString("Classifier: Environment :: Console\n")
	b.WriteString("Classifier: Intended Audience :: Developers\n")
	b.WriteString("Classifier: Topic :: Software Development :: Build Tools\n")
	b.WriteString("Description-Content-Type: text/markdown\n\n")
	b.Write(rel.readme)
	return b.Bytes()
}

// wheelInfo is the WHEEL file: not purelib (the payload is platform-specific), and one
// Tag line per tag of the compressed tag set.
func wheelInfo(platform string) []byte {
	var b bytes.Buffer
	b.WriteString("Wheel-Version: 1.0\nGenerator: depsolve scripts/release\nRoot-Is-Purelib: false\n")
	for p := range strings.SplitSeq(platform, ".") {
		fmt.Fprintf(&b, "Tag: py3-none-%s\n", p)
	}
	return b.Bytes()
}

// wheelRecord is RECORD: every file's urlsafe, unpadded base64 sha256 and size, and
// RECORD itself without either.
func wheelRecord(files []archiveFile, recordName string) []byte {
	var b bytes.Buffer
	for _, f := range files {
		sum := sha256.Sum256(f.data)
		fmt.Fprintf(&b, "%s,sha256=%s,%d\n", f.name, base64.RawURLEncoding.EncodeToString(sum[:]), len(f.data))
	}
	fmt.Fprintf(&b, "%s,,\n", recordName)
	return b.Bytes()
}

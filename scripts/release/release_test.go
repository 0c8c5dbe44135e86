package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/layout"
)

var testEpoch = time.Unix(1767323045, 0).UTC()

func testRelease(t *testing.T) release {
	t.Helper()
	return release{
		version: "0.2.0rc1",
		commit:  strings.Repeat("ab", 20),
		epoch:   testEpoch,
		root:    t.TempDir(),
		license: license{text: []byte("MIT License\n"), expression: "MIT"},
		readme:  []byte("# depsolve\n"),
	}
}

// A wheel pip, uv and pipx accept: the binaries as executable scripts side by side,
// RECORD hashing every other file, the tags of the compressed tag set in WHEEL, every
// entry dated epoch.
func TestWheel(t *testing.T) {
	rel := testRelease(t)
	bins := pair{slim: []byte("\x7fELF slim, not really"), full: []byte("\x7fELF full, not really")}
	var buf bytes.Buffer
	if err := writeWheel(&buf, rel, targets[0], bins); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	contents := map[string][]byte{}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		contents[f.Name], _ = io.ReadAll(rc)
		rc.Close()
		if !f.Modified.Equal(testEpoch) {
			t.Errorf("%s dated %v, want %v", f.Name, f.Modified, testEpoch)
		}
		wantMode := os.FileMode(0o644)
		if strings.Contains(f.Name, "/scripts/") {
			wantMode = 0o755
		}
		if f.Mode() != wantMode {
			t.Errorf("%s has mode %v, want %v", f.Name, f.Mode(), wantMode)
		}
	}
	const script, full = "depsolve-0.2.0rc1.data/scripts/depsolve", "depsolve-0.2.0rc1.data/scripts/depsolve-full"
	const record = "depsolve-0.2.0rc1.dist-info/RECORD"
	if !bytes.Equal(contents[script], bins.slim) || !bytes.Equal(contents[full], bins.full) {
		t.Errorf("%s and %s are not the slim and the complete binary", script, full)
	}
	if names[len(names)-1] != record {
		t.Errorf("the last entry is %s, want RECORD", names[len(names)-1])
	}
	recorded := map[string]bool{}
	for line := range strings.Lines(string(contents[record])) {
		fields := strings.Split(strings.TrimSuffix(line, "\n"), ",")
		if len(fields) != 3 {
			t.Fatalf("RECORD line %q", line)
		}
		recorded[fields[0]] = true
		if fields[0] == record {
			if fields[1] != "" || fields[2] != "" {
				t.Errorf("RECORD's own line %q has a hash or size", line)
			}
			continue
		}
		sum := sha256.Sum256(contents[fields[0]])
		if want := "sha256=" + base64.RawURLEncoding.EncodeToString(sum[:]); fields[1] != want {
			t.Errorf("RECORD %s: hash %s, want %s", fields[0], fields[1], want)
		}
		if want := len(contents[fields[0]]); fields[2] != strconv.Itoa(want) {
			t.Errorf("RECORD %s: size %s, want %d", fields[0], fields[2], want)
		}
	}
	for _, n := range names {
		if !recorded[n] {
			t.Errorf("RECORD does not list %s", n)
		}
	}
	wheel := string(contents["depsolve-0.2.0rc1.dist-info/WHEEL"])
	for _, want := range []string{"Root-Is-Purelib: false\n", "Tag: py3-none-manylinux_2_17_x86_64\n", "Tag: py3-none-manylinux2014_x86_64\n", "Tag: py3-none-musllinux_1_1_x86_64\n"} {
		if !strings.Contains(wheel, want) {
			t.Errorf("WHEEL lacks %q:\n%s", want, wheel)
		}
	}
	metadata := string(contents["depsolve-0.2.0rc1.dist-info/METADATA"])
	for _, want := range []string{"Metadata-Version: 2.4\n", "Name: depsolve\n", "Version: 0.2.0rc1\n", "Summary: ", "License-Expression: MIT\n", "License-File: LICENSE\n", "Requires-Python: >=3.8\n", "\n\n# depsolve\n"} {
		if !strings.Contains(metadata, want) {
			t.Errorf("METADATA lacks %q:\n%s", want, metadata)
		}
	}
	if got := string(contents["depsolve-0.2.0rc1.dist-info/licenses/LICENSE"]); got != "MIT License\n" {
		t.Errorf("licenses/LICENSE is %q", got)
	}
	if name := wheelName(rel.version, targets[4].wheelPlatform); name != "depsolve-0.2.0rc1-py3-none-win_amd64.whl" {
		t.Errorf("wheel name %s", name)
	}
}

// Archives hold the binary executable and the rest readable, owned by root and dated
// epoch, under one folder; the same files give the same bytes.
func TestTarGz(t *testing.T) {
	files := []archiveFile{{name: "depsolve", data: []byte("bin"), mode: 0o755}, {name: "LICENSE", data: []byte("MIT License\n"), mode: 0o644}}
	var first, second bytes.Buffer
	if err := writeTarGz(&first, "depsolve_0.2.0_linux_amd64", files, testEpoch); err != nil {
		t.Fatal(err)
	}
	if err := writeTarGz(&second, "depsolve_0.2.0_linux_amd64", files, testEpoch); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Error("the same files gave different archives")
	}
	gz, err := gzip.NewReader(&first)
	if err != nil {
		t.Fatal(err)
	}
	if !gz.ModTime.IsZero() || gz.Name != "" {
		t.Errorf("gzip header carries %q dated %v", gz.Name, gz.ModTime)
	}
	tr := tar.NewReader(gz)
	want := map[string]int64{"depsolve_0.2.0_linux_amd64/": 0o755, "depsolve_0.2.0_linux_amd64/depsolve": 0o755, "depsolve_0.2.0_linux_amd64/LICENSE": 0o644}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		mode, ok := want[hdr.Name]
		if !ok {
			t.Errorf("unexpected entry %s", hdr.Name)
		}
		delete(want, hdr.Name)
		if hdr.Mode != mode || hdr.Uid != 0 || hdr.Gid != 0 || hdr.Uname != "" || !hdr.ModTime.Equal(testEpoch) {
			t.Errorf("%s: mode %o uid %d gid %d uname %q time %v", hdr.Name, hdr.Mode, hdr.Uid, hdr.Gid, hdr.Uname, hdr.ModTime)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing entries: %v", want)
	}
}

func TestSettingsRejectBadInput(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "README.md"), []byte("# depsolve\n"), 0o644)
	commit := strings.Repeat("0f", 20)
	tests := []struct {
		name, version, commit, targets, license string
		epoch                                   int64
		want                                    string
	}{
		{"git tag spelling", "v0.2.0", commit, "", "MIT License\n", 1, "give the normalized public PEP 440 version (0.2.0)"},
		{"unnormalized", "0.2.0-rc.1", commit, "", "MIT License\n", 1, "(0.2.0rc1)"},
		{"local version", "0.2.0+cu124", commit, "", "MIT License\n", 1, "(0.2.0)"},
		{"not a version", "latest", commit, "", "MIT License\n", 1, `-version "latest"`},
		{"short commit", "0.2.0", "0f0f0f0", "", "MIT License\n", 1, "full hex commit hash"},
		{"no epoch", "0.2.0", commit, "", "MIT License\n", -1, "-epoch is required"},
		{"unknown target", "0.2.0", commit, "linux/riscv64", "MIT License\n", 1, `unknown target "linux/riscv64"; known: linux/amd64,`},
		{"no LICENSE", "0.2.0", commit, "", "", 1, "add the project's LICENSE first"},
		{"unrecognised LICENSE", "0.2.0", commit, "", "All rights reserved.\n", 1, "give its SPDX expression with -license-expression"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(filepath.Join(root, "LICENSE"))
			if tt.license != "" {
				os.WriteFile(filepath.Join(root, "LICENSE"), []byte(tt.license), 0o644)
			}
			_, _, err := settings(tt.version, tt.commit, tt.epoch, root, tt.targets, "")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
	os.WriteFile(filepath.Join(root, "LICENSE"), []byte("  Apache License\n  Version 2.0, January 2004\n"), 0o644)
	rel, chosen, err := settings("0.2.0", commit, 1767323045, root, "linux/arm64,linux/amd64,linux/arm64", "")
	if err != nil {
		t.Fatal(err)
	}
	if rel.license.expression != "Apache-2.0" || len(chosen) != 2 || chosen[0].String() != "linux/arm64" || !rel.epoch.Equal(testEpoch) {
		t.Errorf("settings: licence %q, targets %v, epoch %v", rel.license.expression, chosen, rel.epoch)
	}
}

// The SBOM lists every module linked into the binary, a replaced one as its replacement,
// with go.sum's hash in hex.
func TestSBOM(t *testing.T) {
	rel := testRelease(t)
	h1 := sha256.Sum256([]byte("tree"))
	info := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Path:      "github.com/depsolve/depsolve/cmd/depsolve",
		Main:      debug.Module{Path: "github.com/depsolve/depsolve", Version: "(devel)"},
		Deps: []*debug.Module{
			{Path: "github.com/spf13/cobra", Version: "v1.10.2", Sum: "h1:" + base64.StdEncoding.EncodeToString(h1[:])},
			{Path: "golang.org/x/sys", Version: "v0.50.0", Replace: &debug.Module{Path: "example.com/sys", Version: "v0.50.1"}},
		},
		Settings: []debug.BuildSetting{{Key: "CGO_ENABLED", Value: "0"}},
	}
	bins := pair{slim: []byte("slim binary"), full: []byte("binary")}
	bom := sbomOf(info, rel, targets[0], bins)
	if len(bom.Components) != 2 {
		t.Fatalf("components %+v", bom.Components)
	}
	cobra, sys := bom.Components[0], bom.Components[1]
	if cobra.Name != "github.com/spf13/cobra" || cobra.Version != "v1.10.2" || cobra.PURL != "pkg:golang/github.com/spf13/cobra@v1.10.2?type=module" {
		t.Errorf("cobra: %+v", cobra)
	}
	if len(cobra.Hashes) != 1 || cobra.Hashes[0].Content != hex.EncodeToString(h1[:]) {
		t.Errorf("cobra hashes %+v", cobra.Hashes)
	}
	if sys.Name != "example.com/sys" || sys.Version != "v0.50.1" || len(sys.Properties) != 1 || sys.Properties[0].Value != "golang.org/x/sys@v0.50.0" {
		t.Errorf("replaced module: %+v", sys)
	}
	if got := bom.Dependencies[0].DependsOn; len(got) != 2 || got[0] != cobra.BOMRef {
		t.Errorf("dependencies %v", got)
	}
	if bom.Metadata.Timestamp != "2026-01-02T03:04:05Z" || bom.Metadata.Component.Version != "0.2.0rc1" {
		t.Errorf("metadata %+v", bom.Metadata)
	}
	if again := sbomOf(info, rel, targets[0], bins); again.SerialNumber != bom.SerialNumber {
		t.Errorf("serial numbers %s and %s for the same binaries", bom.SerialNumber, again.SerialNumber)
	}
	full, slim := sha256.Sum256(bins.full), sha256.Sum256(bins.slim)
	main := bom.Metadata.Component
	if len(main.Hashes) != 1 || main.Hashes[0].Content != hex.EncodeToString(full[:]) ||
		!slices.Contains(main.Properties, cdxProperty{Name: "depsolve:slim:sha256", Value: hex.EncodeToString(slim[:])}) {
		t.Errorf("the binaries' hashes: %+v %+v", main.Hashes, main.Properties)
	}
}

// The image layout reads back through go-containerregistry: one image per platform,
// with the entrypoint, the non-root user, the labels and the files of the layer.
func TestImage(t *testing.T) {
	rel := testRelease(t)
	platforms := []imagePlatform{
		{goarch: "amd64", binaries: pair{slim: []byte("amd64 binary"), full: []byte("amd64 full binary")}},
		{goarch: "arm64", binaries: pair{slim: []byte("arm64 binary"), full: []byte("arm64 full binary")}},
	}
	dirs := []string{filepath.Join(t.TempDir(), "image"), filepath.Join(t.TempDir(), "image")}
	for _, dir := range dirs {
		if err := writeImage(dir, rel, platforms); err != nil {
			t.Fatal(err)
		}
	}
	first, _ := os.ReadFile(filepath.Join(dirs[0], "index.json"))
	second, _ := os.ReadFile(filepath.Join(dirs[1], "index.json"))
	if !bytes.Equal(first, second) {
		t.Errorf("two writes differ:\n%s\n%s", first, second)
	}
	top, err := layout.ImageIndexFromPath(dirs[0])
	if err != nil {
		t.Fatal(err)
	}
	topManifest, err := top.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(topManifest.Manifests) != 1 || topManifest.Manifests[0].Annotations["org.opencontainers.image.ref.name"] != "0.2.0rc1" {
		t.Fatalf("index.json: %+v", topManifest.Manifests)
	}
	idx, err := top.ImageIndex(topManifest.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Manifests) != 2 {
		t.Fatalf("%d images, want 2", len(im.Manifests))
	}
	for i, desc := range im.Manifests {
		if desc.Platform == nil || desc.Platform.OS != "linux" || desc.Platform.Architecture != platforms[i].goarch {
			t.Errorf("image %d platform %+v", i, desc.Platform)
		}
		img, err := idx.Image(desc.Digest)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		c := cfg.Config
		if len(c.Entrypoint) != 1 || c.Entrypoint[0] != "/usr/local/bin/depsolve" || c.User != "65532:65532" || !cfg.Created.Equal(testEpoch) || cfg.Architecture != platforms[i].goarch {
			t.Errorf("config: entrypoint %v user %q created %v arch %s", c.Entrypoint, c.User, cfg.Created, cfg.Architecture)
		}
		for k, v := range map[string]string{"org.opencontainers.image.version": "0.2.0rc1", "org.opencontainers.image.revision": rel.commit, "org.opencontainers.image.source": "https://github.com/depsolve/depsolve"} {
			if c.Labels[k] != v {
				t.Errorf("label %s = %q, want %q", k, c.Labels[k], v)
			}
		}
		layers, err := img.Layers()
		if err != nil || len(layers) != 1 {
			t.Fatalf("layers %v, %v", layers, err)
		}
		rc, err := layers[0].Uncompressed()
		if err != nil {
			t.Fatal(err)
		}
		tr := tar.NewReader(rc)
		seen := map[string]bool{}
		for {
			hdr, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			seen[hdr.Name] = true
			want, binary := map[string][]byte{
				"usr/local/bin/depsolve":      platforms[i].binaries.slim,
				"usr/local/bin/depsolve-full": platforms[i].binaries.full,
			}[hdr.Name]
			if binary {
				data, _ := io.ReadAll(tr)
				if !bytes.Equal(data, want) || hdr.Mode != 0o755 {
					t.Errorf("%s: %q mode %o", hdr.Name, data, hdr.Mode)
				}
			}
		}
		rc.Close()
		for _, want := range []string{"etc/passwd", "etc/group", "etc/ssl/certs/ca-certificates.crt", "home/depsolve/", "tmp/", "work/", "usr/local/bin/depsolve", "usr/local/bin/depsolve-full"} {
			if !seen[want] {
				t.Errorf("the layer lacks %s", want)
			}
		}
	}
}

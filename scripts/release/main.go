// Command release builds depsolve's release artifacts into one folder (scripts/release.sh
// runs it; README.md, section "Releasing", has the commands around it):
//
//	depsolve_VERSION_OS_ARCH.tar.gz (.zip for Windows)   the static binaries, LICENSE, README.md
//	depsolve-VERSION-py3-none-PLATFORM.whl                the binaries as scripts, for pip, uvx, pipx
//	depsolve_VERSION_OS_ARCH.cdx.json                     CycloneDX SBOM of each target's binaries
//	image/                                                OCI image layout (linux/amd64, linux/arm64)
//	checksums.txt                                         sha256 of every file above
//
// Each target has two binaries, side by side everywhere: depsolve, built with the tag
// slim, which starts faster and answers a warm check alone, and
// depsolve-full, the complete build, to which depsolve hands a run that needs the
// network, an image or an HTML page (package internal/slim).
//
// The same source, version, commit and epoch give the same bytes: binaries are built with
// CGO off, -trimpath and no VCS stamping (the commit is passed in), and every archive
// entry, zip timestamp and image date is the epoch (SOURCE_DATE_EPOCH).
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/depsolve/depsolve/pep440"
)

// target is one platform depsolve is released for.
type target struct {
	goos, goarch string
	// wheelPlatform is the wheel's platform tag. The binary is static, so one wheel serves
	// glibc and musl Linux alike; Go 1.26 needs macOS 12 or newer.
	wheelPlatform string
}

var targets = []target{
	{"linux", "amd64", "manylinux_2_17_x86_64.manylinux2014_x86_64.musllinux_1_1_x86_64"},
	{"linux", "arm64", "manylinux_2_17_aarch64.manylinux2014_aarch64.musllinux_1_1_aarch64"},
	{"darwin", "amd64", "macosx_12_0_x86_64"},
	{"darwin", "arm64", "macosx_12_0_arm64"},
	{"windows", "amd64", "win_amd64"},
	{"windows", "arm64", "win_arm64"},
}

func (t target) String() string { return t.goos + "/" + t.goarch }

// exe is the file name on the target of the binary named name.
func (t target) exe(name string) string {
	if t.goos == "windows" {
		return name + ".exe"
	}
	return name
}

// pair is a target's two binaries: depsolve (slim) and depsolve-full (the default build).
type pair struct{ slim, full []byte }

// release is what every artifact is stamped with.
type release struct {
	version string    // a normalized PEP 440 version: 0.2.0, 0.2.0rc1
	commit  string    // the full commit hash the binaries are built from
	epoch   time.Time // every timestamp in every artifact
	root    string    // the repository: cmd/depsolve, LICENSE, README.md
	license license
	readme  []byte // README.md, in the archives and as the wheels' description
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		var usage usageError
		if errors.As(err, &usage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type usageError struct{ error }

func run(args []string) error {
	flags := flag.NewFlagSet("release", flag.ContinueOnError)
	version := flags.String("version", "", "the release version, a normalized PEP 440 version (0.2.0, not v0.2.0)")
	commit := flags.String("commit", "", "the full commit hash the release is built from")
	epoch := flags.Int64("epoch", -1, "the time stamped on every file, in seconds since 1970 (SOURCE_DATE_EPOCH)")
	out := flags.String("out", "dist", "the folder to write; it must not exist")
	root := flags.String("root", ".", "the repository")
	only := flags.String("targets", "", "comma-separated OS/ARCH to build (default: all of "+targetList()+")")
	licenseExpr := flags.String("license-expression", "", "the SPDX licence expression for the wheels' metadata (default: recognised from LICENSE)")
	if err := flags.Parse(args); err != nil {
		return usageError{err}
	}
	rel, chosen, err := settings(*version, *commit, *epoch, *root, *only, *licenseExpr)
	if err != nil {
		return usageError{err}
	}
	if _, err := os.Stat(*out); err == nil {
		return usageError{fmt.Errorf("%s exists; remove it first, so that nothing stale is published with this release", *out)}
	}
	work, err := os.MkdirTemp("", "depsolve-release-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if err := build(rel, chosen, *out, work); err != nil {
		os.RemoveAll(*out)
		return err
	}
	return nil
}

func settings(version, commit string, epoch int64, root, only, licenseExpr string) (release, []target, error) {
	var rel release
	v, err := pep440.Parse(version)
	switch {
	case version == "":
		return rel, nil, errors.New("-version is required")
	case err != nil:
		return rel, nil, fmt.Errorf("-version %q: %v", version, err)
	case v.String() != version || v.Local() != "":
		return rel, nil, fmt.Errorf("-version %q: give the normalized public PEP 440 version (%s), as wheel file names and PyPI spell it", version, v.Public())
	}
	if !regexp.MustCompile(`^[0-9a-f]{40}([0-9a-f]{24})?$`).MatchString(commit) {
		return rel, nil, fmt.Errorf("-commit %q: want the full hex commit hash (git rev-parse HEAD)", commit)
	}
	if epoch < 0 {
		return rel, nil, errors.New("-epoch is required: the commit time (git log -1 --format=%ct) or $SOURCE_DATE_EPOCH")
	}
	chosen := targets
	if only != "" {
		chosen = nil
		for name := range strings.SplitSeq(only, ",") {
			i := slices.IndexFunc(targets, func(t target) bool { return t.String() == name })
			if i < 0 {
				return rel, nil, fmt.Errorf("-targets: unknown target %q; known: %s", name, targetList())
			}
			if !slices.Contains(chosen, targets[i]) {
				chosen = append(chosen, targets[i])
			}
		}
	}
	lic, err := readLicense(filepath.Join(root, "LICENSE"), licenseExpr)
	if err != nil {
		return rel, nil, err
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		return rel, nil, err
	}
	return release{version: version, commit: commit, epoch: time.Unix(epoch, 0).UTC(), root: root, license: lic, readme: readme}, chosen, nil
}

func targetList() string {
	var names []string
	for _, t := range targets {
		names = append(names, t.String())
	}
	return strings.Join(names, ",")
}

func build(rel release, chosen []target, out, work string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	var linux []imagePlatform
	for _, t := range chosen {
		dir := filepath.Join(work, t.goos+"_"+t.goarch)
		slimBin, fullBin := filepath.Join(dir, t.exe("depsolve")), filepath.Join(dir, t.exe("depsolve-full"))
		if err := goBuild(rel, t, slimBin, "slim"); err != nil {
			return err
		}
		if err := goBuild(rel, t, fullBin, ""); err != nil {
			return err
		}
		var bins pair
		var err error
		if bins.slim, err = os.ReadFile(slimBin); err != nil {
			return err
		}
		if bins.full, err = os.ReadFile(fullBin); err != nil {
			return err
		}
		base := fmt.Sprintf("depsolve_%s_%s_%s", rel.version, t.goos, t.goarch)
		files := []archiveFile{
			{name: t.exe("depsolve"), data: bins.slim, mode: 0o755},
			{name: t.exe("depsolve-full"), data: bins.full, mode: 0o755},
			{name: "LICENSE", data: rel.license.text, mode: 0o644},
			{name: "README.md", data: rel.readme, mode: 0o644},
		}
		if t.goos == "windows" {
			err = writeFile(filepath.Join(out, base+".zip"), func(w io.Writer) error { return writeZip(w, base, files, rel.epoch) })
		} else {
			err = writeFile(filepath.Join(out, base+".tar.gz"), func(w io.Writer) error { return writeTarGz(w, base, files, rel.epoch) })
		}
		if err != nil {
			return err
		}
		whl := wheelName(rel.version, t.wheelPlatform)
		if err := writeFile(filepath.Join(out, whl), func(w io.Writer) error { return writeWheel(w, rel, t, bins) }); err != nil {
			return err
		}
		if err := writeFile(filepath.Join(out, base+".cdx.json"), func(w io.Writer) error { return writeSBOM(w, rel, t, fullBin, bins) }); err != nil {
			return err
		}
		if t.goos == "linux" {
			linux = append(linux, imagePlatform{goarch: t.goarch, binaries: bins})
		}
	}
	if len(linux) > 0 {
		if err := writeImage(filepath.Join(out, "image"), rel, linux); err != nil {
			return fmt.Errorf("image: %w", err)
		}
	}
	return writeChecksums(out)
}

// goBuild builds cmd/depsolve for t with the build tags given ("" for none): static (CGO
// off), without the build machine's paths (-trimpath) or VCS state (-buildvcs=false: the
// commit is stamped instead), stripped of its symbol table (the build information the
// SBOM reads stays).
func goBuild(rel release, t target, out, tags string) error {
	ldflags := fmt.Sprintf("-s -w -X main.version=%s -X main.commit=%s", rel.version, rel.commit)
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-tags="+tags, "-ldflags", ldflags, "-o", out, "./cmd/depsolve")
	cmd.Dir = rel.root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+t.goos, "GOARCH="+t.goarch, "GOFLAGS=-mod=readonly")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building %s: %w", t, err)
	}
	return nil
}

// writeFile writes a file through fill, removing it when fill fails.
func writeFile(path string, fill func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := fill(f); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return f.Close()
}

// writeChecksums writes checksums.txt: the sha256 of every file under out, in
// `sha256sum -c` format, sorted by path.
func writeChecksums(out string) error {
	var b strings.Builder
	err := filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(out, path)
		sum := sha256.Sum256(data)
		fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(sum[:]), filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "checksums.txt"), []byte(b.String()), 0o644)
}

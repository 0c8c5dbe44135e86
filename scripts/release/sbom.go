package main

import (
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"time"
)

// The SBOM is CycloneDX 1.6 JSON, written from the build information the Go linker
// put in the binary (what `go version -m` prints): exactly the modules linked into it,
// with the versions and go.sum hashes they were built from.

type cdxBOM struct {
	BOMFormat    string          `json:"bomFormat"`
	SpecVersion  string          `json:"specVersion"`
	SerialNumber string          `json:"serialNumber"`
	Version      int             `json:"version"`
	Metadata     cdxMetadata     `json:"metadata"`
	Components   []cdxComponent  `json:"components"`
	Dependencies []cdxDependency `json:"dependencies"`
}

type cdxMetadata struct {
	Timestamp string       `json:"timestamp"`
	Tools     cdxTools     `json:"tools"`
	Component cdxComponent `json:"component"`
}

type cdxTools struct {
	Components []cdxComponent `json:"components"`
}

type cdxComponent struct {
	Type       string        `json:"type"`
	BOMRef     string        `json:"bom-ref,omitempty"`
	Name       string        `json:"name"`
	Version    string        `json:"version,omitempty"`
	PURL       string        `json:"purl,omitempty"`
	Hashes     []cdxHash     `json:"hashes,omitempty"`
	Licenses   []cdxLicense  `json:"licenses,omitempty"`
	Properties []cdxProperty `json:"properties,omitempty"`
}

type cdxHash struct {
	Alg     string `json:"alg"`
	Content string `json:"content"`
}

type cdxLicense struct {
	Expression string `json:"expression"`
}

type cdxProperty struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type cdxDependency struct {
	Ref       string   `json:"ref"`
	DependsOn []string `json:"dependsOn"`
}

// writeSBOM describes the binaries of t by the build information of depsolve-full, at
// path: the slim depsolve links a subset of its modules.
func writeSBOM(w io.Writer, rel release, t target, path string, bins pair) error {
	info, err := buildinfo.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading the build information of %s: %w", path, err)
	}
	bom := sbomOf(info, rel, t, bins)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(bom)
}

func sbomOf(info *debug.BuildInfo, rel release, t target, bins pair) cdxBOM {
	sum := sha256.Sum256(bins.full)
	slimSum := sha256.Sum256(bins.slim)
	main := cdxComponent{
		Type:     "application",
		BOMRef:   modulePURL(info.Path, rel.version) + "&goos=" + t.goos + "&goarch=" + t.goarch,
		Name:     "depsolve",
		Version:  rel.version,
		PURL:     modulePURL(info.Path, rel.version) + "&goos=" + t.goos + "&goarch=" + t.goarch,
		Hashes:   []cdxHash{{Alg: "SHA-256", Content: hex.EncodeToString(sum[:])}},
		Licenses: []cdxLicense{{Expression: rel.license.expression}},
		Properties: []cdxProperty{
			{Name: "go:toolchain", Value: info.GoVersion},
			{Name: "vcs:revision", Value: rel.commit},
			// The hashes are depsolve-full's; the slim depsolve beside it is this one.
			{Name: "depsolve:slim:sha256", Value: hex.EncodeToString(slimSum[:])},
		},
	}
	for _, s := range info.Settings {
		main.Properties = append(main.Properties, cdxProperty{Name: "go:build:" + s.Key, Value: s.Value})
	}
	bom := cdxBOM{
		BOMFormat:    "CycloneDX",
		SpecVersion:  "1.6",
		SerialNumber: serialNumber(sha256.Sum256(append(sum[:], slimSum[:]...))),
		Version:      1,
		Metadata: cdxMetadata{
			Timestamp: rel.epoch.Format(time.RFC3339),
			Tools:     cdxTools{Components: []cdxComponent{{Type: "application", Name: "depsolve scripts/release", Version: rel.version}}},
			Component: main,
		},
		Components:   []cdxComponent{},
		Dependencies: []cdxDependency{{Ref: main.BOMRef, DependsOn: []string{}}},
	}
	for _, dep := range info.Deps {
		m := dep
		if dep.Replace != nil {
			m = dep.Replace
		}
		c := cdxComponent{Type: "library", BOMRef: modulePURL(m.Path, m.Version), Name: m.Path, Version: m.Version, PURL: modulePURL(m.Path, m.Version)}
		if h, ok := strings.CutPrefix(m.Sum, "h1:"); ok {
			// go.sum's h1: hash, the SHA-256 of the module's file tree (dirhash), in hex.
			if raw, err := base64.StdEncoding.DecodeString(h); err == nil {
				c.Hashes = []cdxHash{{Alg: "SHA-256", Content: hex.EncodeToString(raw)}}
			}
		}
		if dep.Replace != nil {
			c.Properties = []cdxProperty{{Name: "go:module:replaces", Value: dep.Path + "@" + dep.Version}}
		}
		bom.Components = append(bom.Components, c)
		bom.Dependencies[0].DependsOn = append(bom.Dependencies[0].DependsOn, c.BOMRef)
	}
	return bom
}

// modulePURL is the package URL of a Go module version.
func modulePURL(path, version string) string {
	return "pkg:golang/" + path + "@" + version + "?type=module"
}

// serialNumber is a version 4 shaped UUID made from the binaries' hash rather than at
// random: the same binaries get the same SBOM.
func serialNumber(sum [32]byte) string {
	u := sum[:16]
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

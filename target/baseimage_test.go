package target

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const testDigest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestParseImageReference(t *testing.T) {
	tests := []struct {
		ref  string
		want imageRef
		err  string
	}{
		{ref: "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04", want: imageRef{"docker.io", "nvidia/cuda", "12.4.1-cudnn-runtime-ubuntu22.04", ""}},
		{ref: "docker.io/nvidia/cuda:12.4.1-base-ubuntu22.04", want: imageRef{"docker.io", "nvidia/cuda", "12.4.1-base-ubuntu22.04", ""}},
		{ref: "index.docker.io/nvidia/cuda:12.4.1-base-ubuntu22.04", want: imageRef{"docker.io", "nvidia/cuda", "12.4.1-base-ubuntu22.04", ""}},
		{ref: "nvcr.io/nvidia/cuda:12.8.1-devel-ubuntu24.04", want: imageRef{"nvcr.io", "nvidia/cuda", "12.8.1-devel-ubuntu24.04", ""}},
		{ref: "python:3.11-slim", want: imageRef{"docker.io", "library/python", "3.11-slim", ""}},
		{ref: "localhost:5000/team/img:1", want: imageRef{"localhost:5000", "team/img", "1", ""}},
		{ref: "ubuntu", want: imageRef{"docker.io", "library/ubuntu", "", ""}},
		{ref: "nvidia/cuda:12.4.1-base-ubuntu22.04@" + testDigest, want: imageRef{"docker.io", "nvidia/cuda", "12.4.1-base-ubuntu22.04", testDigest}},
		{ref: "nvidia/cuda@" + testDigest, err: "cannot tell CUDA, Python or glibc from a digest; give the tag too (nvidia/cuda:TAG@" + testDigest + ")"},
		{ref: "nvidia/cuda@sha256:abc", err: `bad digest "sha256:abc"`},
		{ref: "nvidia/cuda:-x", err: `bad tag "-x"`},
		{ref: "NVIDIA/cuda:12.4.1", err: `"NVIDIA" is not a valid repository name component`},
		{ref: "", err: `"" is not a valid repository name component`},
	}
	for _, tt := range tests {
		got, err := parseImageReference(tt.ref)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("parseImageReference(%q) error %v, want one containing %q", tt.ref, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseImageReference(%q): %v", tt.ref, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(imageRef{})); diff != "" {
			t.Errorf("parseImageReference(%q) (-want +got):\n%s", tt.ref, diff)
		}
	}
}

// A policy's golden images are matched as Docker reads references: Docker Hub's
// spellings of one image are the same image; another tag, digest or registry is not.
func TestSameImage(t *testing.T) {
	cuda := "nvidia/cuda:12.4.1-runtime-ubuntu22.04"
	tests := []struct {
		a, b string
		want bool
	}{
		{cuda, cuda, true},
		{cuda, "docker.io/" + cuda, true},
		{cuda, "index.docker.io/" + cuda, true},
		{"python:3.11-slim", "docker.io/library/python:3.11-slim", true},
		{cuda, "nvcr.io/" + cuda, false},
		{cuda, "nvidia/cuda:12.4.1-devel-ubuntu22.04", false},
		{cuda, cuda + "@" + testDigest, false},
		{cuda + "@" + testDigest, "docker.io/" + cuda + "@" + testDigest, true},
		{"oci:./img", "oci:./img", true},
		{"oci:./img", "oci:img", false},
	}
	for _, tt := range tests {
		if got := SameImage(tt.a, tt.b); got != tt.want {
			t.Errorf("SameImage(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestBaseImageTarget(t *testing.T) {
	origin := Origin{From: FromBaseImage, Detail: "x"}
	tests := []struct {
		ref, dockerPlatform             string
		python, glibc, cuda, arch, musl string
		cudnn                           string
		linux                           bool
		notes                           []string
	}{
		{ref: "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04", cuda: "12.4.1", glibc: "2.35", cudnn: "9", linux: true},
		{ref: "nvidia/cuda:12.4.1-base", cuda: "12.4.1", linux: true,
			notes: []string{"base image nvidia/cuda:12.4.1-base: the tag names no OS; glibc unknown (give --glibc)"}},
		{ref: "nvidia/cuda:latest", linux: true,
			notes: []string{`base image nvidia/cuda:latest: tag "latest" names no CUDA version: CUDA and glibc unknown (give --cuda and --glibc)`}},
		{ref: "nvidia/cuda:12.4.1-runtime-ubuntu22.04", dockerPlatform: "linux/arm64", cuda: "12.4.1", glibc: "2.35", arch: "aarch64", linux: true},
		{ref: "nvidia/cuda:12.4.1-runtime-ubuntu22.04", dockerPlatform: "windows/amd64", cuda: "12.4.1", glibc: "2.35", linux: true,
			notes: []string{`base image nvidia/cuda:12.4.1-runtime-ubuntu22.04: platform "windows/amd64" is not a Linux platform; architecture unknown`}},
		{ref: "python:3.11.9-bookworm", python: "3.11.9", glibc: "2.36", linux: true},
		{ref: "python:3.10-slim-bullseye", python: "3.10", glibc: "2.31", linux: true},
		{ref: "python:3.13-slim-trixie", python: "3.13", linux: true,
			notes: []string{"base image python:3.13-slim-trixie: the glibc of debian13 is not in the matrix (give --glibc)"}},
		{ref: "python:3-alpine", musl: "1.2", linux: true,
			notes: []string{"base image python:3-alpine: the tag gives no Python minor version; Python unknown"}},
		{ref: "python:3.8-alpine3.12", python: "3.8", linux: true,
			notes: []string{"base image python:3.8-alpine3.12: Alpine before 3.13 has musl 1.1, which musllinux wheels do not target; platform unknown"}},
		{ref: "python:3.12-alpine3.20", python: "3.12", musl: "1.2", linux: true},
		{ref: "python:latest", linux: true,
			notes: []string{"base image python:latest: tag not understood; Python and glibc unknown"}},
		{ref: "python", linux: true,
			notes: []string{"base image python: tag not understood; Python and glibc unknown"}},
		{ref: "debian:bookworm-slim", glibc: "2.36", linux: true},
		{ref: "debian:11", glibc: "2.31", linux: true},
		{ref: "ubuntu:24.04", glibc: "2.39", linux: true},
		{ref: "ubuntu:latest", linux: true, notes: []string{"base image ubuntu:latest: its glibc is unknown (give --glibc)"}},
		{ref: "rockylinux:9.3", glibc: "2.34", linux: true},
		{ref: "registry.access.redhat.com/ubi9/ubi-minimal:9.4", glibc: "2.34", linux: true},
		{ref: "redhat/ubi9:latest", glibc: "2.34", linux: true},
		{ref: "mcr.microsoft.com/windows/servercore:ltsc2022",
			notes: []string{"base image mcr.microsoft.com/windows/servercore:ltsc2022: depsolve knows nothing of this image; Python, platform, glibc and CUDA come from other settings"}},
	}
	for _, tt := range tests {
		it, err := baseImageTarget(tt.ref, origin, tt.dockerPlatform, fakeCatalog{})
		if err != nil {
			t.Errorf("%s: %v", tt.ref, err)
			continue
		}
		got := []string{it.decl.Python.Text, it.decl.GLibc.Text, it.decl.CUDA.Text, it.arch, it.musl, it.cudnn}
		want := []string{tt.python, tt.glibc, tt.cuda, tt.arch, tt.musl, tt.cudnn}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: python, glibc, cuda, arch, musl, cudnn (-want +got):\n%s", tt.ref, diff)
		}
		if it.linux != tt.linux {
			t.Errorf("%s: linux %v, want %v", tt.ref, it.linux, tt.linux)
		}
		if diff := cmp.Diff(tt.notes, slices.Concat(it.notes, it.glibcNotes)); diff != "" {
			t.Errorf("%s: notes (-want +got):\n%s", tt.ref, diff)
		}
	}
}

func TestBaseImageTargetErrors(t *testing.T) {
	for ref, want := range map[string]string{
		"nvidia/cuda":               "nvidia/cuda has no default tag",
		"nvidia/cuda@" + testDigest: "cannot tell CUDA, Python or glibc from a digest",
		// Credentials are no part of a reference, and the error does not show them.
		"alice:s3cret@registry.example.com/x:1": `image "****@registry.example.com/x:1": a reference carries no user name or password`,
	} {
		_, err := baseImageTarget(ref, Origin{}, "", fakeCatalog{})
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: error %v, want one containing %q", ref, err, want)
		}
	}
}

func TestDockerArch(t *testing.T) {
	for p, want := range map[string]string{"linux/amd64": "x86_64", "linux/arm64/v8": "aarch64", "linux/arm/v7": "armv7l", "linux/ppc64le": "ppc64le", "linux/386": "i686", "linux/mips64le": "", "linux": "", "darwin/arm64": ""} {
		got, err := dockerArch(p)
		if got != want || (err != nil) != (want == "") {
			t.Errorf("dockerArch(%q) = %q, %v; want %q", p, got, err, want)
		}
	}
}

// DockerPlatform is what a Dockerfile's FROM --platform writes for a wheel architecture,
// and reading it back gives that architecture.
func TestDockerPlatformRoundTrip(t *testing.T) {
	for _, arch := range []string{"x86_64", "aarch64", "armv7l", "i686", "ppc64le", "s390x", "riscv64"} {
		p, ok := DockerPlatform(arch)
		if !ok {
			t.Errorf("DockerPlatform(%q): none", arch)
			continue
		}
		if back, err := dockerArch(p); err != nil || back != arch {
			t.Errorf("dockerArch(%q) = %q, %v; want %q", p, back, err, arch)
		}
	}
}

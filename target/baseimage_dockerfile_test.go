package target

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseDockerfileFiles(t *testing.T) {
	tests := []struct {
		file string
		want DockerfileBase
	}{
		{"multistage.Dockerfile", DockerfileBase{
			Image: "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04",
			Pos:   Position{File: "multistage.Dockerfile", Line: 8, Col: 6},
			Via:   []string{"runtime"},
		}},
		{"platform.Dockerfile", DockerfileBase{
			Image:    "nvcr.io/nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04",
			Platform: "linux/arm64",
			Pos:      Position{File: "platform.Dockerfile", Line: 2},
		}},
		{"heredoc.Dockerfile", DockerfileBase{
			Image: "python:3.11-slim-bookworm",
			Pos:   Position{File: "heredoc.Dockerfile", Line: 1, Col: 6},
		}},
		{"escape.Dockerfile", DockerfileBase{
			Image: "nvidia/cuda:12.6.3-runtime-ubuntu24.04",
			Pos:   Position{File: "escape.Dockerfile", Line: 3},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "dockerfile", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseDockerfile(tt.file, data, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parseDockerfile (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseDockerfileInline(t *testing.T) {
	tests := []struct {
		name, text, image, platform string
	}{
		{"lower-case instruction and alias", "from nvidia/cuda:12.1.1-base-ubuntu22.04 as Base\nfrom BASE\n", "nvidia/cuda:12.1.1-base-ubuntu22.04", ""},
		{"default if unset", "ARG V\nFROM nvidia/cuda:${V:-12.2.2}-runtime-ubuntu22.04\n", "nvidia/cuda:12.2.2-runtime-ubuntu22.04", ""},
		{"default if empty", "ARG V=\nFROM nvidia/cuda:${V:-12.2.2}-runtime-ubuntu22.04\n", "nvidia/cuda:12.2.2-runtime-ubuntu22.04", ""},
		{"dash keeps an empty value", "ARG V=\nARG W=x\nFROM img${V-y}${W-z}\n", "imgx", ""},
		{"plus form", "ARG SLIM=1\nFROM python:3.12${SLIM:+-slim}\n", "python:3.12-slim", ""},
		{"plus form unset", "ARG SLIM\nFROM python:3.12${SLIM:+-slim}\n", "python:3.12", ""},
		{"arg default from arg", "ARG MAJOR=12\nARG FULL=${MAJOR}.4.1\nFROM nvidia/cuda:$FULL-base-ubuntu22.04\n", "nvidia/cuda:12.4.1-base-ubuntu22.04", ""},
		{"quoted default", "ARG IMG='nvidia/cuda:12.4.1-base-ubuntu22.04'\nFROM \"$IMG\"\n", "nvidia/cuda:12.4.1-base-ubuntu22.04", ""},
		{"stage ARG does not reach FROM", "ARG T=a\nFROM x:$T AS one\nARG T=b\nFROM y:$T\n", "y:a", ""},
		{"byte order mark", "\ufeffFROM ubuntu:22.04 AS base\r\nFROM base\r\n", "ubuntu:22.04", ""},
		{"crlf and comments", "# a comment\r\nFROM \\\r\n# inside\r\n  ubuntu:22.04\r\n", "ubuntu:22.04", ""},
		{"builder platform is unknown", "FROM --platform=${TARGETPLATFORM} ubuntu:24.04\n", "ubuntu:24.04", ""},
		{"platform from the followed stage", "FROM --platform=linux/amd64 ubuntu:22.04 AS a\nFROM a\n", "ubuntu:22.04", "linux/amd64"},
		{"escaped dollar", "FROM img:a\\$b\n", "img:a$b", ""},
		{"single quotes do not expand", "ARG X=1\nFROM 'img:$X'\n", "img:$X", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseDockerfile("Dockerfile", []byte(tt.text), nil)
			if err != nil {
				t.Fatal(err)
			}
			if got.Image != tt.image || got.Platform != tt.platform {
				t.Errorf("got image %q platform %q, want %q %q", got.Image, got.Platform, tt.image, tt.platform)
			}
		})
	}
}

func TestParseDockerfileErrors(t *testing.T) {
	tests := []struct {
		name, text string
		line, col  int
		msg        string
	}{
		{"no from", "# nothing\nRUN true\n", 1, 0, "no FROM instruction"},
		{"arg without default", "ARG CUDA\nFROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04\n", 2, 6, "ARG CUDA (line 1) has no default"},
		{"undeclared arg", "FROM nvidia/cuda:$CUDA\n", 1, 6, "$CUDA is not declared by an ARG before the first FROM"},
		{"scratch", "FROM golang AS b\nFROM scratch\nCOPY --from=b /x /x\n", 2, 6, "built FROM scratch"},
		{"scratch through alias", "FROM scratch AS s\nFROM s\n", 1, 6, "built FROM scratch"},
		{"extra words", "FROM a b\n", 1, 8, `found "b"`},
		{"extra words after a non-ASCII one", "FROM ä b\n", 1, 8, `found "b"`}, // columns count characters
		{"empty", "FROM\n", 1, 0, "FROM needs an image"},
		{"empty after substitution", "ARG E=\nFROM $E\n", 2, 6, "empty after substitution"},
		{"pattern substitution", "ARG V=1\nFROM x:${V%.*}\n", 2, 6, "only reads"},
		{"bad arg name", "ARG 1x=2\nFROM a\n", 1, 5, "not a valid name"},
		{"builder arg in image", "FROM nvidia/cuda:${TARGETARCH}\n", 1, 6, "set by the builder"},
		{"unterminated quote", "FROM \"img\n", 1, 6, "unterminated"},
		{"unterminated brace", "ARG X=1\nFROM ${X\n", 2, 6, "unterminated ${"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseDockerfile("Dockerfile", []byte(tt.text), nil)
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("got %v, want *InputError", err)
			}
			if ie.Pos.Line != tt.line || ie.Pos.Col != tt.col || !strings.Contains(ie.Msg, tt.msg) {
				t.Errorf("got %d:%d %q, want %d:%d containing %q", ie.Pos.Line, ie.Pos.Col, ie.Msg, tt.line, tt.col, tt.msg)
			}
		})
	}
}

func TestParseDockerfileErrorShowsLine(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "dockerfile", "noarg-default.Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = parseDockerfile("Dockerfile", data, nil)
	want := "Dockerfile:2:6: FROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04: ARG CUDA (line 1) has no default: give it one, or pass --build-arg CUDA=VALUE (or --base-image)\n" +
		"    2 | FROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04\n" +
		"      |      ^\n"
	var ie *InputError
	if !errors.As(err, &ie) || ie.ErrorWithContext() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}

func FuzzParseDockerfile(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "dockerfile", "*"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		base, err := parseDockerfile("Dockerfile", data, nil)
		if err == nil && base.Image == "" {
			t.Errorf("no error and no image")
		}
		var ie *InputError
		if err != nil && !errors.As(err, &ie) {
			t.Errorf("error %v is not an *InputError", err)
		}
	})
}

func TestParseDockerfilePython(t *testing.T) {
	tests := []struct {
		name, text string
		buildArgs  map[string]string
		python     string
		line       int
		notes      int
	}{
		{"stage ARG default", "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nARG PYTHON_VERSION=3.11\nRUN apt-get install python$PYTHON_VERSION\n", nil, "3.11", 2, 0},
		{"ENV", "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nENV PYTHON_VERSION=3.10.14 PATH=/x\n", nil, "3.10.14", 2, 0},
		{"legacy ENV form", "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nENV PYTHON_VERSION 3.12\n", nil, "3.12", 2, 0},
		{"ENV from another ARG", "FROM ubuntu:22.04\nARG PY=3.9\nENV PYTHON_VERSION=${PY}\n", nil, "3.9", 3, 0},
		{"global ARG redeclared in the stage", "ARG PYTHON_VERSION=3.11\nFROM ubuntu:22.04\nARG PYTHON_VERSION\n", nil, "3.11", 3, 0},
		{"global ARG alone does not reach the stage", "ARG PYTHON_VERSION=3.11\nFROM ubuntu:22.04\n", nil, "", 0, 0},
		{"build arg wins over the default", "FROM ubuntu:22.04\nARG PYTHON_VERSION=3.11\n", map[string]string{"PYTHON_VERSION": "3.12"}, "3.12", 2, 0},
		{"ENV wins over ARG", "FROM ubuntu:22.04\nENV PYTHON_VERSION=3.10\nARG PYTHON_VERSION=3.11\n", nil, "3.10", 2, 0},
		{"ENV inherited from the stage built on", "FROM ubuntu:22.04 AS base\nENV PYTHON_VERSION=3.10\nFROM base\nRUN true\n", nil, "3.10", 2, 0},
		{"ARG not inherited", "FROM ubuntu:22.04 AS base\nARG PYTHON_VERSION=3.10\nFROM base\n", nil, "", 0, 0},
		{"an earlier stage's does not count", "FROM python:3.9 AS build\nENV PYTHON_VERSION=3.9\nFROM ubuntu:22.04\n", nil, "", 0, 0},
		{"unused build arg", "FROM ubuntu:22.04\n", map[string]string{"NOPE": "1"}, "", 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseDockerfile("Dockerfile", []byte(tt.text), tt.buildArgs)
			if err != nil {
				t.Fatal(err)
			}
			if got.Python != tt.python || got.PythonPos.Line != tt.line || len(got.Notes) != tt.notes {
				t.Errorf("got Python %q at line %d, notes %q; want %q at line %d, %d notes", got.Python, got.PythonPos.Line, got.Notes, tt.python, tt.line, tt.notes)
			}
		})
	}
}

func TestParseDockerfileBuildArgInFrom(t *testing.T) {
	got, err := parseDockerfile("Dockerfile", []byte("ARG CUDA\nFROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04\n"), map[string]string{"CUDA": "12.6.3"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "nvidia/cuda:12.6.3-runtime-ubuntu22.04"; got.Image != want {
		t.Errorf("image %q, want %q", got.Image, want)
	}
}

// Package target is the machine and image a lock is for: what flags, config files
// (depsolve.toml, [tool.depsolve]), --detect and a base image say, merged into one Target
// whose every value carries its origin. The compatibility matrix that applies to a target
// is package matrix.
//
// # Basics
//
// Build merges Declarations (one per source: Flag values, a Config's Target, Detect's
// result) with Defaults into a *Target, checking and parsing each value once: the versions
// as pep440.Version, the platform tag as a pep425.Platform (the one platform parser, which
// the index uses too), the GPUs as compute capabilities. Settings, MarkerEnvironment and
// Virtuals present the result; matrix.(*Matrix).ForTarget reads the parsed values.
//
// # Dependencies
//
// Package matrix imports target, never the reverse. What building a target needs of the
// curated data (GPU model names, nvidia/cuda tags, the glibc of an OS) it asks through
// the Catalog interface, which (*matrix.Matrix).Catalog implements and the CLI passes to
// Build and Detect. Tests use a fake catalog, so they do not move with the data.
//
// # Caveats
//
//   - A Target is built once: its parsed fields (VersionValue.Version,
//     PlatformValue.Platform, Capabilities) are set by Build; a Target written by hand
//     has none, and a Text changed after Build is not parsed again.
//   - Build reads the Dockerfile a declaration names (bounded in size); nothing else in
//     this package does I/O except Detect (LocalSystem runs commands, 20 s each) and
//     LoadConfigs.
//
// # The target
//
// A Target is the Python version and implementation, the wheel platform (OS, architecture,
// libc), the glibc version, the NVIDIA driver, the GPUs of the fleet (each a compute
// capability), and the CUDA toolkit of the base image. Each value carries its Origin. The
// solver sees the known values as virtual packages with one version each: @python
// (3.11.9), @driver (535.104.05, which PEP 440 prints as 535.104.5), @cuda (12.4.1),
// @glibc (2.35) and @gpu:0, @gpu:1, … one per distinct compute capability, lowest first.
// An unknown value has no package and constrains nothing; `depsolve env` prints it as
// unknown. A CPU-only target (--cpu, cpu = true, or detection finding no GPU) has neither
// @driver nor @gpu packages.
//
// Values come from, in this order of precedence (the first that gives a value wins):
//
//  1. flags: --python, --platform, --glibc, --driver, --gpu NAME|sm_XY (repeatable),
//     --cuda, --cpu, --base-image, --dockerfile;
//  2. depsolve.toml;
//  3. [tool.depsolve] in pyproject.toml;
//  4. the base image: what nvidia/cuda:TAG, python:TAG, ubuntu, debian, rockylinux and ubi
//     images imply (CUDA toolkit, glibc, Python); the base image itself is the one named
//     by the first of the sources above, as base-image or as the final FROM of a Dockerfile;
//  5. --detect: nvidia-smi, /proc/driver/nvidia/version, the local python3, getconf/ldd;
//  6. defaults: implementation cpython.
//
// The base image outranks detection because it describes the container the packages
// install into, while detection describes the host: for glibc and Python the image is the
// truth, and the driver and GPUs, which only the host knows, are never implied by an image.
//
// The platform and glibc are reconciled: linux_x86_64 with glibc 2.35 is
// manylinux_2_35_x86_64; when a platform tag and a glibc from different sources disagree,
// the higher-precedence one wins and the other is rewritten or dropped, with a note; from
// one source, it is an error. A Linux image's architecture is the Dockerfile's FROM
// --platform, else that of a detected Linux platform (Docker builds for the host), else
// x86_64, assumed with a note. A Python version without a patch level ("3.11") is kept as
// written and compares as 3.11.0, with a note.
//
// The PEP 508 marker environment (MarkerEnvironment) holds python_version,
// python_full_version, implementation_name, platform_python_implementation,
// implementation_version (CPython only), sys_platform, platform_system, os_name and
// platform_machine, as CPython reports them on such a machine, for the values the target
// knows. platform_release and platform_version describe a kernel, which a target never
// pins: they are always absent, and pep508 reports a marker reading them as undefined.
//
// # Configuration
//
// depsolve.toml, or the [tool.depsolve] table of pyproject.toml (same keys):
//
//	index-url = "https://pypi.org/simple"
//	extra-index-url = ["https://download.pytorch.org/whl/cu124"]
//	find-links = ["./wheels"]          # relative paths are relative to the file's folder
//	index-strategy = "first-index"     # or "unsafe-best-match"
//	timeout = 60                       # seconds per index request, or a duration: "90s"
//
//	[target]
//	python = "3.11.9"                  # or "3.11"
//	platform = "manylinux_2_35_x86_64" # also musllinux_1_2_aarch64, linux_x86_64, macosx_14_0_arm64, win_amd64
//	glibc = "2.35"
//	driver = "550.54.15"
//	gpus = ["H100", "sm_80"]           # model names as nvidia-smi prints them, or sm_XY / X.Y
//	cuda = "12.4.1"                    # the image's CUDA toolkit
//	base-image = "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04"
//	dockerfile = "Dockerfile"          # instead of base-image: its final FROM
//	cpu = false                        # true: no GPU
//
// Every value is a string except cpu (a boolean), timeout (also a number) and the lists. An unknown key, a wrong
// type or a malformed value is an error that names file:line:col and shows the line.
//
// # Detection
//
// --detect runs `nvidia-smi --query-gpu=driver_version,compute_cap,name --format=csv`.
// A driver older than 510 rejects the compute_cap field; detection asks again without it
// and names the capability from the matrix's GPU models. "No devices were found" (exit 6)
// means no GPU. When nvidia-smi is missing or fails (the driver does not answer: exit 9;
// a library/driver mismatch: exit 18; a hang: a 20 s timeout), the driver version is read
// from /proc/driver/nvidia/version and the GPUs stay unknown; with neither, the machine has
// no NVIDIA driver and is CPU-only. MIG mode changes nothing: --query-gpu lists physical
// GPUs. python3 gives the Python version, implementation and platform; `getconf
// GNU_LIBC_VERSION`, else `ldd --version`, gives glibc (or musl). Every failure is a
// warning naming the probe, and its values stay unknown.
//
// # Base images
//
// A reference is [registry/]repository[:tag][@digest]; docker.io and nvcr.io spellings of
// nvidia/cuda are the same image. A digest alone cannot say what the image holds and is an
// error: give the tag too. nvidia/cuda tags give the CUDA toolkit and, through the OS part
// (ubuntu22.04), glibc. Docker Hub python tags give the Python version, and glibc when the
// tag names the Debian release (python:3.11-slim-bookworm: glibc 2.36) or musl 1.2 for
// Alpine 3.13 and later; a tag without a release follows whatever Debian is current, so
// its glibc stays unknown. A Dockerfile's final stage is followed through stage aliases,
// and ARGs declared before the first FROM are substituted with their defaults or the
// build args (Declaration.BuildArgs, as docker build --build-arg). The final stage's
// PYTHON_VERSION (ARG or ENV, ENV inherited from the stage it is built FROM) is the
// Python version, more specific than the image's tag. Other images imply nothing, with a
// note.
package target

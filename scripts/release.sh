#!/usr/bin/env bash
# Builds depsolve's release artifacts from the checked-out commit into dist/ (README.md,
# section "Releasing"): archives, Python wheels, SBOMs, an OCI image layout, checksums.txt.
#
#   scripts/release.sh VERSION      VERSION as PyPI spells it (0.2.0, 0.3.0rc1); the git tag is vVERSION
#
# No network but the Go module proxy. Reproducible: the same commit gives the same bytes on
# any machine with the same Go toolchain (see scripts/release/main.go).
# Environment:
#   DEPSOLVE_RELEASE_TARGETS      comma-separated OS/ARCH (default: all six)
#   DEPSOLVE_RELEASE_OUT          the folder to write (default dist; it must not exist)
#   DEPSOLVE_LICENSE_EXPRESSION   SPDX expression, when LICENSE's heading is not recognised
#   SOURCE_DATE_EPOCH             the timestamp of every file (default: the commit's time)
set -euo pipefail

if [ $# -ne 1 ]; then
	echo "usage: scripts/release.sh VERSION   (e.g. 0.2.0)" >&2
	exit 2
fi
cd "$(dirname "$0")/.."

if [ -n "$(git status --porcelain)" ]; then
	echo "release: the working tree has changes (git status); a release is built from a commit, so commit or stash them" >&2
	exit 2
fi
commit=$(git rev-parse HEAD)
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct HEAD)}

go run -trimpath ./scripts/release -version "$1" -commit "$commit" -epoch "$epoch" \
	-out "${DEPSOLVE_RELEASE_OUT:-dist}" -targets "${DEPSOLVE_RELEASE_TARGETS:-}" \
	-license-expression "${DEPSOLVE_LICENSE_EXPRESSION:-}"
echo "release: wrote ${DEPSOLVE_RELEASE_OUT:-dist}/ for depsolve $1 at $commit"

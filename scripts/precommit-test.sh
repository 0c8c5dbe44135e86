#!/usr/bin/env bash
# Runs depsolve's pre-commit hooks (.pre-commit-hooks.yaml) for real, with pre-commit, in
# a throwaway project that resolves the bundled example (examples/cuda) from a local
# find-links folder: no network but the Go module proxy (pre-commit builds the hooks with
# `go install ./...`). Checks, and exits non-zero on the first surprise:
#   1. `pre-commit try-repo` runs depsolve-check: passes on a consistent requirements.txt,
#      fails (depsolve exit 1, a conflict) on a conflicting one;
#   2. `pre-commit run` with the project's .pre-commit-config.yaml (hook args given there):
#      depsolve-lock fails when the lock changed and passes when it is up to date, and
#      depsolve-check fails for a target driver too old for the CUDA 12.4 build of torch.
#
# try-repo clones a git repository at a commit; for a dirty tree it commits tracked changes
# only (`git add -u`), so new files would be missing. This script therefore commits a copy
# of the working tree (tracked and untracked files, minus ignored ones) to a temporary
# repository and points pre-commit at that.
#
# Installs Debian's pre-commit package when pre-commit is missing (apt-get, as root or via
# sudo). pre-commit's golang language uses the `go` on PATH ("system") when there is one;
# /usr/local/go/bin is added so it never downloads a toolchain. About 30 s with a warm Go
# build cache.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)

if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then
	export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null || { echo "precommit-test: no go on PATH" >&2; exit 2; }
if ! command -v pre-commit >/dev/null; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq pre-commit >/dev/null
fi
echo "precommit-test: $(pre-commit --version), $(go version)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Reuse the module cache: pre-commit sets GOPATH to its environment folder (and deletes
# its pkg/ afterwards), which would otherwise download every module on every install.
GOMODCACHE=$(go env GOMODCACHE)
export GOMODCACHE
export PRE_COMMIT_HOME="$work/pre-commit-home"
export DEPSOLVE_CACHE_DIR="$work/depsolve-cache"
git_commit() { git -c user.name=precommit-test -c user.email=precommit-test@localhost -c commit.gpgsign=false commit -q "$@"; }

# A committed copy of the working tree, for try-repo and for the config's `repo:`.
src="$work/depsolve"
mkdir "$src"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard |
	while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
	tar --null -T - -cf -) | tar -xf - -C "$src"
(cd "$src" && git init -q && git add -A && git_commit -m "working tree of $repo")
rev=$(git -C "$src" rev-parse HEAD)

# The project under test: the example's requirements and wheels, the target in depsolve.toml.
proj="$work/project"
mkdir "$proj"
cp -R "$repo/examples/cuda/wheels" "$proj/wheels"
cat >"$proj/depsolve.toml" <<'EOF'
[target]
python = "3.11.9"
platform = "manylinux_2_35_x86_64"
driver = "550.54.15"
EOF
consistent='--no-index
--find-links wheels
torch==2.5.1
torchvision
numpy<2
'
printf '%s' "$consistent" >"$proj/requirements.txt"
(cd "$proj" && git init -q && git add -A && git_commit -m fixture)

fail() {
	echo "precommit-test: FAIL: $*" >&2
	[ -f "$work/out" ] && sed 's/^/    | /' "$work/out" >&2
	exit 1
}
# run NAME WANT-STATUS COMMAND...: runs COMMAND in the project, output in $work/out.
run() {
	local name=$1 want=$2 status=0
	shift 2
	(cd "$proj" && "$@") >"$work/out" 2>&1 || status=$?
	if [ "$want" = 0 ] && [ "$status" != 0 ]; then fail "$name: exit $status, want 0"; fi
	if [ "$want" != 0 ] && [ "$status" = 0 ]; then fail "$name: passed, want a failure"; fi
	echo "precommit-test: ok: $name"
}
expect() { grep -qF -- "$1" "$work/out" || fail "output lacks: $1"; }

# 1. try-repo: the hook as the manifest defines it, settings from the project's files.
run "try-repo depsolve-check, consistent requirements" 0 \
	pre-commit try-repo "$src" depsolve-check --ref "$rev" --files requirements.txt
expect "depsolve check"
expect "Passed"

# torch 2.5.1 pins sympy==1.13.1 (Python >= 3.9): sympy>=1.13.2 cannot be installed with it.
printf '%ssympy>=1.13.2\n' "$consistent" >"$proj/requirements.txt"
run "try-repo depsolve-check, conflicting requirements" 1 \
	pre-commit try-repo "$src" depsolve-check --ref "$rev" --files requirements.txt
expect "Failed"
expect "- exit code: 1"
expect "sympy ==1.13.1"
printf '%s' "$consistent" >"$proj/requirements.txt"

# 2. pre-commit run with a config that pins the hooks' flags in args.
cat >"$proj/.pre-commit-config.yaml" <<EOF
repos:
  - repo: $src
    rev: $rev
    hooks:
      - id: depsolve-check
        args: [--offline, --driver, "550.54.15"]
      - id: depsolve-lock
        args: [--offline]
EOF
run "first lock (new file: pre-commit sees no diff of an untracked file)" 0 \
	pre-commit run --all-files
[ -f "$proj/requirements.lock" ] || fail "depsolve-lock wrote no requirements.lock"
grep -q '^torch==2\.5\.1' "$proj/requirements.lock" || fail "requirements.lock does not pin torch==2.5.1"
grep -q -- '--hash=sha256:' "$proj/requirements.lock" || fail "requirements.lock has no hashes"
(cd "$proj" && git add -A && git_commit -m lock)

run "lock up to date" 0 pre-commit run --all-files
expect "depsolve lock"

# numpy>=2 moves numpy to 2.2.6 (a bare "numpy" would keep the locked 1.26.4, as
# pip-compile keeps pins that are still allowed): the lock changes, so the hook must fail.
printf -- '--no-index\n--find-links wheels\ntorch==2.5.1\ntorchvision\nnumpy>=2\n' >"$proj/requirements.txt"
run "lock out of date after a requirements change" 1 pre-commit run depsolve-lock --all-files
expect "files were modified by this hook"
grep -q '^numpy==2\.2\.6' "$proj/requirements.lock" || fail "requirements.lock was not regenerated (numpy==2.2.6)"
(cd "$proj" && git add -A && git_commit -m "numpy 2")
run "lock up to date again (identical bytes for identical input)" 0 pre-commit run depsolve-lock --all-files

# args win over depsolve.toml: a driver older than the CUDA 12.4 build's floor.
sed -i 's/"550.54.15"/"470.82.01"/' "$proj/.pre-commit-config.yaml"
(cd "$proj" && git add -A && git_commit -m "old driver")
run "depsolve-check with driver 470.82.01" 1 pre-commit run depsolve-check --all-files
expect "- exit code: 1"
expect "525.60.13"

# 3. depsolve init's .pre-commit-config.yaml, pointed at the copy of this tree: its hooks
#    pass on the project init wrote (the lock init wrote is what depsolve-lock writes).
init="$work/init"
mkdir "$init"
cp -R "$repo/examples/cuda/wheels" "$init/wheels"
(cd "$repo" && go build -o "$work/depsolve-bin" ./cmd/depsolve) || fail "go build ./cmd/depsolve"
(cd "$init" && "$work/depsolve-bin" init torch==2.5.1 torchvision 'numpy<2' --no-index --find-links wheels \
	--python 3.11.9 --driver 550.54.15 --base-image python:3.11-slim-bookworm --hooks-rev "$rev" -q) >"$work/out" 2>&1 ||
	{ cat "$work/out" >&2; fail "depsolve init"; }
grep -q '^FROM python:3.11-slim-bookworm' "$init/Dockerfile" || fail "the Dockerfile is not on the golden image"
sed -i "s|repo: https://github.com/depsolve/depsolve|repo: $src|" "$init/.pre-commit-config.yaml"
(cd "$init" && git init -q && git add -A && git_commit -m init)
proj=$init run "pre-commit run on depsolve init's project" 0 pre-commit run --all-files
expect "depsolve check"
expect "depsolve lock"
[ -z "$(git -C "$init" status --porcelain)" ] || fail "the hooks changed files init wrote"

echo "precommit-test: all passed"

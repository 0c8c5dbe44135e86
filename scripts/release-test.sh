#!/usr/bin/env bash
# Builds the release (scripts/release.sh) twice, from two copies of the working tree at
# different paths, and checks the artifacts offline. Exits non-zero on the first surprise:
#   1. both builds give byte-identical files (binaries, archives, wheels, SBOMs, image);
#   2. every line of checksums.txt checks (sha256sum -c), and every artifact has a line;
#   3. the wheel installs into a fresh venv with `pip install --no-index`; its depsolve
#      prints the release's version and commit, and resolves the bundled example (exit 0)
#      and explains a conflict (exit 1); depsolve-full is installed beside it, depsolve
#      hands a cold check against an index over HTTP to it, answers the warm check alone
#      with depsolve-full gone, and without it fails a cold one (exit 3) naming it;
#   4. each archive holds depsolve and depsolve-full; each SBOM lists exactly the modules
#      linked into depsolve-full (`go version -m`; depsolve's are a subset of them), each
#      at the version go.sum has for it;
#   5. the OCI layout, read back as plain JSON: one image per Linux target, entrypoint,
#      non-root user, CA certificates, labels (version, revision, source), and the
#      binaries in the layer are the archive's;
#   6. the no-Go pre-commit hooks: depsolve-check-system with the venv's depsolve on PATH
#      and no go, and a `repo: local` language: python hook that pre-commit installs from
#      the wheel (pip pointed at dist/ with PIP_FIND_LINKS, PIP_NO_INDEX).
#   7. pipx, offline (pip pointed at dist/), with no go on PATH: `pipx install
#      depsolve==VERSION` puts a depsolve in PIPX_BIN_DIR that prints the release's version
#      and resolves the bundled example; `pipx run --spec depsolve==VERSION depsolve` passes
#      depsolve's exit 1 (a conflict) through; `pipx uninstall` removes it. uv and uvx
#      are not tested: no registry reachable here ships uv (README, section "Install").
#
# DEPSOLVE_RELEASE_TARGETS picks the targets (default linux/amd64, which CI runs; "all"
# for all six). Needs python3 with venv, sha256sum, pre-commit and pipx (each installed
# with apt-get when missing, as scripts/precommit-test.sh does). About a minute for
# linux/amd64 with a warm Go build cache.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
targets=${DEPSOLVE_RELEASE_TARGETS:-linux/amd64}
[ "$targets" = all ] && targets=""
version=0.0.1rc1

if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then
	export PATH="/usr/local/go/bin:$PATH"
fi
missing=()
command -v pre-commit >/dev/null || missing+=(pre-commit)
command -v pipx >/dev/null || missing+=(pipx)
if [ ${#missing[@]} -gt 0 ]; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() {
	echo "release-test: FAIL: $*" >&2
	[ -f "$work/out" ] && sed 's/^/    | /' "$work/out" >&2
	exit 1
}
ok() { echo "release-test: ok: $*"; }
git_commit() {
	GIT_AUTHOR_DATE=2026-01-02T03:04:05Z GIT_COMMITTER_DATE=2026-01-02T03:04:05Z \
		git -c user.name=release-test -c user.email=release-test@localhost -c commit.gpgsign=false commit -q "$@"
}

# A committed copy of the working tree (tracked and untracked files, minus ignored ones):
# release.sh builds only from a clean commit. Same files and dates give the same commit.
copy_tree() {
	mkdir -p "$1"
	(cd "$repo" && git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		tar --null -T - -cf -) | tar -xf - -C "$1"
	# The project has no LICENSE yet, and release.sh refuses to ship without one: the
	# copies get a placeholder so that the rest can be checked.
	[ -f "$1/LICENSE" ] || printf 'MIT License\n\nPlaceholder for release-test.sh.\n' >"$1/LICENSE"
	(cd "$1" && git init -q && git add -A && git_commit -m "working tree of $repo")
}
build() {
	copy_tree "$1"
	(cd "$1" && DEPSOLVE_RELEASE_TARGETS=$targets scripts/release.sh "$version") >"$work/out" 2>&1 ||
		fail "scripts/release.sh in $1"
}
build "$work/a/depsolve"
build "$work/b/elsewhere/depsolve"
a=$work/a/depsolve/dist
b=$work/b/elsewhere/depsolve/dist
commit=$(git -C "$work/a/depsolve" rev-parse HEAD)

# 1. Reproducible: every file of both builds has the same bytes.
diff -r "$a" "$b" >"$work/out" 2>&1 || fail "the two builds differ"
ok "two builds from different paths are byte-identical ($(cd "$a" && find . -type f | wc -l) files)"

# 2. Checksums.
(cd "$a" && sha256sum -c --quiet checksums.txt) >"$work/out" 2>&1 || fail "sha256sum -c checksums.txt"
(cd "$a" && find . -type f ! -name checksums.txt | sed 's|^\./||' | sort) >"$work/files"
cut -d' ' -f3- "$a/checksums.txt" | sort | diff "$work/files" - >"$work/out" || fail "checksums.txt does not list every file"
ok "checksums.txt: $(wc -l <"$a/checksums.txt") files check"
(cd "$a" && find . -maxdepth 1 -type f ! -name checksums.txt -printf 'release-test: size: %s  %f\n' | sort -k4)
echo "release-test: size: $(du -sb "$a/image" | cut -f1)  image/ (OCI layout)"

# 3. The wheel in a fresh venv, offline. pip picks the one wheel whose tags fit this machine.
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q --no-index --find-links "$a" depsolve >"$work/out" 2>&1 ||
	fail "pip install --no-index depsolve"
ds=$work/venv/bin/depsolve
"$ds" --version >"$work/out" 2>&1 || fail "depsolve --version"
grep -qx "depsolve $version" "$work/out" || fail "--version does not say depsolve $version"
grep -qx "commit: $commit" "$work/out" || fail "--version does not say commit $commit"
grep -q '^matrix data: sha256:[0-9a-f]\{64\} ' "$work/out" || fail "--version has no matrix data hash"
example=(--no-index --find-links "$repo/examples/cuda/wheels" --offline --python 3.11.9 --platform manylinux_2_35_x86_64)
(cd "$repo" && DEPSOLVE_CACHE_DIR="$work/cache" "$ds" check examples/cuda/requirements.txt "${example[@]}" --driver 550.54.15) >"$work/out" 2>&1 ||
	fail "the wheel's depsolve on the bundled example"
status=0
(cd "$repo" && DEPSOLVE_CACHE_DIR="$work/cache" "$ds" check examples/cuda/requirements.txt "${example[@]}" --driver 470.82.01) >"$work/out" 2>&1 || status=$?
[ "$status" = 1 ] || fail "the bundled example with driver 470.82.01: exit $status, want 1 (a conflict)"
grep -q '525.60.13' "$work/out" || fail "the conflict does not name the driver floor 525.60.13"
ok "the wheel installs offline; its depsolve says $version at $commit and resolves the bundled example"

# The wheel's depsolve is the slim build: a cold check against an index over HTTP (a PEP
# 503 tree of the example's wheels, served by python's http.server) goes to depsolve-full
# beside it; the warm check it answers alone.
full=$work/venv/bin/depsolve-full
[ -x "$full" ] || fail "the wheel installs no depsolve-full beside depsolve"
python3 - "$repo/examples/cuda/wheels" "$work/simple" <<'PY'
import hashlib, html, os, re, sys
wheels, root = sys.argv[1:]
projects = {}
for f in sorted(os.listdir(wheels)):
    projects.setdefault(re.sub(r"[-_.]+", "-", f.split("-")[0]).lower(), []).append(f)
for name, files in projects.items():
    os.makedirs(os.path.join(root, "simple", name))
    with open(os.path.join(root, "simple", name, "index.html"), "w") as page:
        page.write("<!DOCTYPE html><html><body>\n")
        for f in files:
            sha256 = hashlib.sha256(open(os.path.join(wheels, f), "rb").read()).hexdigest()
            page.write(f'<a href="../../files/{html.escape(f)}#sha256={sha256}">{html.escape(f)}</a>\n')
        page.write("</body></html>\n")
os.symlink(wheels, os.path.join(root, "files"))
PY
python3 -u -m http.server --bind 127.0.0.1 --directory "$work/simple" 0 >"$work/http.log" 2>&1 &
http_pid=$!
trap 'kill $http_pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do grep -q 'port [0-9]' "$work/http.log" && break; sleep 0.1; done
port=$(sed -n 's/.* port \([0-9]*\).*/\1/p' "$work/http.log" | head -1)
[ -n "$port" ] || fail "python3 -m http.server did not start"
over_http=(examples/cuda/requirements.txt --index-url "http://127.0.0.1:$port/simple/" --python 3.11.9 --platform manylinux_2_35_x86_64 --driver 550.54.15)
(cd "$repo" && DEPSOLVE_CACHE_DIR="$work/http-cache" "$ds" check "${over_http[@]}") >"$work/out" 2>&1 ||
	fail "a cold check over HTTP through the wheel's depsolve (handed to depsolve-full)"
mv "$full" "$work/depsolve-full.away"
(cd "$repo" && DEPSOLVE_CACHE_DIR="$work/http-cache" "$ds" check "${over_http[@]}" --offline) >"$work/out" 2>&1 ||
	fail "a warm check by the wheel's depsolve without depsolve-full"
status=0
(cd "$repo" && DEPSOLVE_CACHE_DIR="$work/cold-cache" "$ds" check "${over_http[@]}") >"$work/out" 2>&1 || status=$?
[ "$status" = 3 ] && grep -q "there is none at $full" "$work/out" ||
	fail "a cold check without depsolve-full: exit $status, want 3 and a message naming $full"
mv "$work/depsolve-full.away" "$full"
kill "$http_pid"
ok "the wheel's depsolve hands a cold check over HTTP to depsolve-full and answers the warm one alone"

# 4. The SBOMs against the binaries' build information and go.sum.
for archive in "$a"/depsolve_*.tar.gz "$a"/depsolve_*.zip; do
	[ -e "$archive" ] || continue
	base=$(basename "$archive")
	base=${base%.tar.gz}
	base=${base%.zip}
	mkdir -p "$work/x/$base"
	case $archive in
	*.zip) python3 -m zipfile -e "$archive" "$work/x" ;;
	*) tar -xzf "$archive" -C "$work/x" ;;
	esac
	for exe in depsolve depsolve-full; do
		[ -f "$work/x/$base/$exe" ] || [ -f "$work/x/$base/$exe.exe" ] || fail "$base has no $exe"
	done
	bin=$(ls "$work/x/$base"/depsolve-full*)
	go version -m "$bin" | awk '$1 == "dep" || $1 == "=>" { print $2, $3 }' | sort >"$work/linked"
	python3 - "$a/$base.cdx.json" >"$work/listed" <<'PY' || fail "$base.cdx.json is not a CycloneDX BOM"
import json, sys
bom = json.load(open(sys.argv[1]))
assert bom["bomFormat"] == "CycloneDX" and bom["specVersion"] == "1.6", "not CycloneDX 1.6"
for c in bom["components"]:
    print(c["name"], c["version"])
PY
	sort -o "$work/listed" "$work/listed"
	diff "$work/linked" "$work/listed" >"$work/out" || fail "$base.cdx.json does not list the modules go version -m reports"
	[ -s "$work/listed" ] || fail "$base.cdx.json lists no modules"
	while read -r path ver; do
		grep -q "^$path $ver " "$repo/go.sum" || fail "$base.cdx.json: $path $ver is not in go.sum"
	done <"$work/listed"
done
ok "each archive holds depsolve and depsolve-full; each SBOM lists the $(wc -l <"$work/listed") modules linked into depsolve-full, at go.sum's versions"

# 5. The OCI layout, read as plain JSON (not through the library that wrote it).
python3 - "$a/image" "$version" "$commit" "$work/x" >"$work/out" 2>&1 <<'PY' || fail "the OCI layout"
import hashlib, io, json, os, sys, tarfile
layout, version, commit, extracted = sys.argv[1:]
def blob(digest):
    alg, hexd = digest.split(":")
    data = open(os.path.join(layout, "blobs", alg, hexd), "rb").read()
    assert hashlib.sha256(data).hexdigest() == hexd, f"blob {digest} does not match its digest"
    return data
assert json.load(open(os.path.join(layout, "oci-layout")))["imageLayoutVersion"] == "1.0.0"
top = json.load(open(os.path.join(layout, "index.json")))
[ref] = top["manifests"]
assert ref["annotations"]["org.opencontainers.image.ref.name"] == version, ref
index = json.loads(blob(ref["digest"]))
assert index["mediaType"] == "application/vnd.oci.image.index.v1+json"
arches = sorted(m["platform"]["architecture"] for m in index["manifests"])
want = sorted(d.split("_")[-1] for d in os.listdir(extracted) if "_linux_" in d)
assert arches == want, f"image platforms {arches}, archives {want}"
for m in index["manifests"]:
    manifest = json.loads(blob(m["digest"]))
    config = json.loads(blob(manifest["config"]["digest"]))
    c = config["config"]
    assert c["Entrypoint"] == ["/usr/local/bin/depsolve"], c["Entrypoint"]
    assert c["User"] == "65532:65532", c["User"]
    labels = c["Labels"]
    assert labels["org.opencontainers.image.version"] == version, labels
    assert labels["org.opencontainers.image.revision"] == commit, labels
    assert labels["org.opencontainers.image.source"] == "https://github.com/depsolve/depsolve", labels
    [layer] = manifest["layers"]
    files = {}
    with tarfile.open(fileobj=io.BytesIO(blob(layer["digest"]))) as tf:
        for member in tf.getmembers():
            files[member.name] = member
            if member.isfile():
                files[member.name + "#data"] = tf.extractfile(member).read()
    arch = m["platform"]["architecture"]
    for exe in ("depsolve", "depsolve-full"):
        binary = open(os.path.join(extracted, f"depsolve_{version}_linux_{arch}", exe), "rb").read()
        assert files[f"usr/local/bin/{exe}#data"] == binary, f"{arch}: the image's {exe} is not the archive's"
        assert files[f"usr/local/bin/{exe}"].mode == 0o755
    assert files["etc/ssl/certs/ca-certificates.crt#data"].count(b"BEGIN CERTIFICATE") > 100, "too few CA certificates"
    assert b"depsolve:x:65532:65532:" in files["etc/passwd#data"]
    assert files["home/depsolve"].uid == 65532
    print(f"image linux/{arch}: entrypoint, user, labels, binaries and CA certificates check")
PY
ok "the OCI layout reads back: $(grep -c 'check$' "$work/out") image(s), entrypoint, user, labels, binaries"

# 6. The pre-commit hooks that need no Go, on a project with the bundled example.
proj=$work/project
mkdir "$proj"
cp -R "$repo/examples/cuda/wheels" "$proj/wheels"
printf -- '--no-index\n--find-links wheels\ntorch==2.5.1\ntorchvision\nnumpy<2\n' >"$proj/requirements.txt"
printf '[target]\npython = "3.11.9"\nplatform = "manylinux_2_35_x86_64"\ndriver = "550.54.15"\n' >"$proj/depsolve.toml"
(cd "$proj" && git init -q && git add -A && git_commit -m fixture)
src=$work/a/depsolve
rev=$(git -C "$src" rev-parse HEAD)
nogo_path=$work/venv/bin:/usr/bin:/bin
export PRE_COMMIT_HOME=$work/pre-commit-home DEPSOLVE_CACHE_DIR=$work/cache
command -v pre-commit >/dev/null || fail "no pre-commit"
precommit=$(command -v pre-commit)
PATH=$nogo_path command -v go >/dev/null && fail "go is on the no-Go PATH $nogo_path"
(cd "$proj" && PATH=$nogo_path "$precommit" try-repo "$src" depsolve-check-system --ref "$rev" --files requirements.txt) >"$work/out" 2>&1 ||
	fail "try-repo depsolve-check-system with the wheel's depsolve on PATH and no go"
grep -q Passed "$work/out" || fail "depsolve-check-system did not pass"
ok "depsolve-check-system passes with the wheel's depsolve on PATH and no go"

cat >"$proj/.pre-commit-config.yaml" <<YAML
repos:
  - repo: local
    hooks:
      - id: depsolve-check
        name: depsolve check
        entry: depsolve check
        language: python
        additional_dependencies: [depsolve==$version]
        files: (^|/)(requirements[^/]*\\.(txt|in)|constraints[^/]*\\.txt|pyproject\\.toml|depsolve\\.toml)$
        pass_filenames: false
        require_serial: true
        args: [--offline, --driver, "470.82.01"]
YAML
(cd "$proj" && git add -A && git_commit -m "local hook")
status=0
(cd "$proj" && PATH=/usr/bin:/bin PIP_NO_INDEX=1 PIP_FIND_LINKS=$a "$precommit" run --all-files) >"$work/out" 2>&1 || status=$?
grep -q -- "- exit code: 1" "$work/out" || fail "the repo: local language: python hook (depsolve==$version from dist/): exit $status, want the hook to fail with depsolve's exit 1"
grep -q '525.60.13' "$work/out" || fail "the repo: local hook's conflict does not name 525.60.13"
ok "a repo: local language: python hook installs depsolve==$version from the wheel and explains a conflict"

# 7. pipx, offline and without go, in its own home; pip, under pipx, picks this machine's
# wheel from dist/ as it would from PyPI. pipx first tries to upgrade the pip, setuptools
# and wheel of its shared venv; offline that fails, pipx says so and goes on with the ones
# the venv has.
started=$SECONDS
pipx=$(command -v pipx) || fail "no pipx"
export PIPX_HOME=$work/pipx-home PIPX_BIN_DIR=$work/pipx-bin
pipx_offline() { PATH=/usr/bin:/bin PIP_NO_INDEX=1 PIP_FIND_LINKS=$a "$pipx" "$@"; }
pipx_offline install "depsolve==$version" >"$work/out" 2>&1 || fail "pipx install depsolve==$version"
ds=$PIPX_BIN_DIR/depsolve
[ -x "$ds" ] || fail "pipx install left no depsolve in PIPX_BIN_DIR"
"$ds" --version >"$work/out" 2>&1 || fail "pipx's depsolve --version"
grep -qx "depsolve $version" "$work/out" || fail "pipx's depsolve --version does not say depsolve $version"
(cd "$repo" && PATH=/usr/bin:/bin "$ds" check examples/cuda/requirements.txt "${example[@]}" --driver 550.54.15) >"$work/out" 2>&1 ||
	fail "pipx's depsolve on the bundled example"
status=0
(cd "$repo" && pipx_offline run --spec "depsolve==$version" depsolve check examples/cuda/requirements.txt "${example[@]}" --driver 470.82.01) >"$work/out" 2>&1 || status=$?
[ "$status" = 1 ] || fail "pipx run --spec depsolve==$version, the bundled example with driver 470.82.01: exit $status, want 1 (a conflict)"
grep -q '525.60.13' "$work/out" || fail "pipx run: the conflict does not name the driver floor 525.60.13"
pipx_offline uninstall depsolve >"$work/out" 2>&1 || fail "pipx uninstall depsolve"
[ -e "$ds" ] && fail "pipx uninstall left $ds"
ok "pipx ($("$pipx" --version)) installs, runs and uninstalls the wheel offline without go ($((SECONDS - started)) s)"

echo "release-test: all passed"

#!/usr/bin/env bash
# compare-pip.sh: depsolve's resolution against pip's, on the same local index.
#
# For every satisfiable case of scripts/harness.py (resolvelib conformance indexes, the
# bundled CUDA example, the lock-derived corpus), it builds the index with
# ../shared/tools/pyindex, then
#   1. runs pip's resolver (`pyindex pip INDEX requirements.txt`, pip install --dry-run);
#   2. serves the same tree (`pyindex serve`) and runs
#      `depsolve lock` against it;
#   3. compares the chosen versions (PEP 440 equality), and, for resolvelib, prints where
#      depsolve differs from the resolution upstream asserts (pip 23.2 cannot solve some
#      of those cases; there depsolve is held to upstream's answer alone);
#   4. checks that the lock installs: pip install --dry-run --require-hashes --no-deps -r LOCK.
# Prints a table; exits 1 if depsolve fails or differs, or a lock does not install.
#
# Usage: scripts/compare-pip.sh [CASE-GLOB]   e.g. 'corpus/*' or 'resolvelib/cheroot'
# Needs python3 with pip >= 22.2 (--dry-run) and Go. SHARED (default ../shared beside the
# repository) locates the shared reference data; DEPSOLVE (default: built from this tree)
# the binary to test; TARGET extra target flags for depsolve, e.g.
# TARGET='--driver 560.35.03 --gpu H100' (pip knows no target: a case that pip resolves and
# depsolve refuses on such a target is either a fixed false "ok" or a false alarm, to be
# told apart by reading depsolve.out). Takes about 2 minutes, most of it pip.
set -euo pipefail

name=compare-pip
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"
filter=${1:-*/*}
python3 "$repo/scripts/harness.py" gen "$shared" "$repo" "$work/gen"


failed=0
printf '%-36s %-9s %-9s %-8s %s\n' CASE PIP DEPSOLVE SAME LOCK-INSTALLS
for dir in "$work"/gen/cases/$filter/; do
	[ -f "$dir/requirements.txt" ] || continue
	name=${dir#"$work/gen/cases/"}
	name=${name%/}
	key=$(cat "$dir/index")
	py=$(cat "$dir/python")
	ix="$work/ix/$key"
	[ -d "$ix" ] || python3 "$pyindex" build "$work/gen/snapshots/$key.json" "$ix" >/dev/null

	pip_status=ok
	python3 "$pyindex" pip "$ix" "$dir/requirements.txt" --python-version "$py" >"$dir/pip.out" 2>&1 || pip_status=fail

	serve "$ix"
	ds_status=ok
	"$depsolve" lock "$dir/requirements.txt" -o "$dir/lock.txt" --index-url "$url" \
		--python "$py" --platform manylinux_2_35_x86_64 ${TARGET:-} --cache-dir "$work/cache" -q >"$dir/depsolve.out" 2>&1 || ds_status="exit$?"

	# SAME: pip and depsolve chose the same versions; where pip failed on a case upstream
	# asserts satisfiable, depsolve is compared with upstream's resolution (SAME=upstream).
	same=-
	installs=-
	if [ "$ds_status" = ok ]; then
		expected=()
		[ -f "$dir/expected.txt" ] && expected=("$dir/expected.txt")
		pip_out="$dir/pip.out"
		[ "$pip_status" = ok ] || pip_out=-
		if python3 "$repo/scripts/harness.py" diff "$pip_out" "$dir/lock.txt" "${expected[@]}" >"$dir/diff.out"; then
			same=yes
			[ "$pip_status" = ok ] || same=upstream
		else
			same=NO
		fi
		# The lock names the served index (--index-url), so this runs while it is up.
		installs=ok
		python3 "$pyindex" pip --python-version "$py" -- "$ix" "$dir/lock.txt" --require-hashes --no-deps \
			>"$dir/install.out" 2>&1 || installs=FAIL
	fi
	stop
	printf '%-36s %-9s %-9s %-8s %s\n' "$name" "$pip_status" "$ds_status" "$same" "$installs"
	[ ! -s "$dir/diff.out" ] || cat "$dir/diff.out"
	if [ "$pip_status" != ok ]; then
		grep -m1 '^ERROR: ResolutionImpossible\|^ERROR' "$dir/pip.out" | sed 's/^/    pip.out| /' || true
	fi
	if [ "$ds_status" != ok ] || [ "$same" = NO ] || [ "$installs" != ok ]; then
		failed=1
		for out in depsolve.out install.out; do
			if [ -f "$dir/$out" ] && ! grep -q '^pip resolved' "$dir/$out"; then
				sed "s/^/    $out| /" "$dir/$out" | grep -v '^    [a-z.]*| warning:' | head -20 || true
			fi
		done
	fi
done
exit $failed

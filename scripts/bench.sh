#!/usr/bin/env bash
# bench.sh: times `depsolve check` against pip's resolver on the same local index.
#
# Cases (scripts/harness.py): the resolvelib cases on real PyPI snapshots (2020), the
# lock-derived corpus and the bundled CUDA example. Each index is built once with
# ../shared/tools/pyindex and served with its handler (harness.py serve: `pyindex serve`
# with a listen backlog that does not drop connections); then, on that one server:
#   pip      the resolution `pyindex pip` runs: pip install --dry-run --report
#            --ignore-installed --no-cache-dir --only-binary=:all: (a fresh pip each run);
#   pip-w    the same with pip's HTTP cache (--cache-dir) filled by an earlier run;
#   cold     depsolve check with an empty --cache-dir (emptied before every run);
#   warm     depsolve check with the cache of an earlier run. The server sends
#            Cache-Control: max-age=600 as PyPI does with its simple pages, so within
#            10 minutes nothing is fetched: pages and metadata come from the cache;
#   refresh  warm plus --refresh: every page is fetched again (this server answers
#            200 with the whole page, never 304), metadata still from the cache;
#   offline  warm plus --offline: no request at all, and no revalidation logic;
#   RSS      the peak resident memory of one warm check, in MB (GNU time's %M; "-"
#            without /usr/bin/time): the goal is 15 MB for a set of 50 packages.
# Prints the median of each, and the ratios pip/cold, pip/warm and pip-w/warm. The same run
# also times a hello-world Go program built with the same toolchain (go on PATH) and
# `depsolve --version`, and prints each depsolve figure as a multiple of hello-world's:
# ratios measured in one run hold across machines, absolute times do not.
#
# Usage: scripts/bench.sh [CASE-GLOB]      e.g. 'corpus/*'
# Uses hyperfine when present (Debian: apt-get install hyperfine), else a loop timed with
# date +%s%N. RUNS (default 10) runs of each depsolve measure, PIP_RUNS (default 3) of
# pip. SHARED (default ../shared beside the repository) locates the reference data,
# DEPSOLVE (default: built from this tree) the binary. About 5 minutes on 2 cores.
set -euo pipefail

name=bench
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"
runs=${RUNS:-10}
pip_runs=${PIP_RUNS:-3}
python3 "$repo/scripts/harness.py" gen "$shared" "$repo" "$work/gen" 2>/dev/null

max_age=600

# median RUNS PREPARE COMMAND: prints the median wall time of COMMAND in seconds, running
# PREPARE (a shell command, or "") before each run. A failing COMMAND aborts the bench.
if command -v hyperfine >/dev/null; then
	timer="hyperfine $(hyperfine --version | cut -d' ' -f2)"
	median() {
		local prepare=()
		[ -z "$2" ] || prepare=(--prepare "$2")
		# its warnings (outliers, a slow first run) would break up the table
		# -N: no shell in between, which would outweigh a run of a few milliseconds
		hyperfine -N --runs "$1" "${prepare[@]}" --style none --export-json "$work/h.json" "$3" \
			>/dev/null 2>"$work/h.err" || { cat "$work/h.err" >&2; return 1; }
		python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$work/h.json"
	}
else
	timer="date +%s%N loop"
	median() {
		local times=() t0 t1
		for _ in $(seq "$1"); do
			[ -z "$2" ] || bash -c "$2" || return 1
			t0=$(date +%s%N)
			bash -c "$3" >/dev/null 2>&1 || { echo "bench: failed: $3" >&2; return 1; }
			t1=$(date +%s%N)
			times+=($((t1 - t0)))
		done
		printf '%s\n' "${times[@]}" | sort -n |
			awk '{t[NR]=$1} END {m = NR%2 ? t[(NR+1)/2] : (t[NR/2]+t[NR/2+1])/2; printf "%.4f\n", m/1e9}'
	}
fi
ratio() { python3 -c 'import sys; print("%.0fx" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }
# times DURATION: DURATION as a multiple of hello-world's
times() { python3 -c 'import sys; print("%.1fx" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$hello_s"; }

mkdir "$work/hello"
printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello, world") }\n' >"$work/hello/main.go"
(cd "$work/hello" && go mod init hello >/dev/null 2>&1 && go build -o hello .)
hello_s=$(median "$runs" "" "$work/hello/hello")
version_s=$(median "$runs" "" "$depsolve --version")

platforms=(--platform linux_x86_64 --platform manylinux1_x86_64 --platform manylinux2010_x86_64 --platform manylinux2014_x86_64)
for n in $(seq 5 35); do platforms+=(--platform "manylinux_2_${n}_x86_64"); done

echo "bench: $timer; depsolve median of $runs runs, pip median of $pip_runs; $(nproc) CPUs; $(go version)"
echo "hello-world $hello_s s; depsolve --version $version_s s = $(times "$version_s") hello-world"
echo "times in seconds; COLD/H ... OFFLINE/H: the same as multiples of hello-world"
printf '%-36s %4s %6s %6s %6s %6s %7s %7s %8s %8s %10s %7s %7s %9s %9s %5s\n' \
	CASE PKGS PIP PIP-W COLD WARM REFRESH OFFLINE PIP/COLD PIP/WARM PIP-W/WARM COLD/H WARM/H REFRESH/H OFFLINE/H RSS
for dir in "$work"/gen/cases/${1:-*/*}/; do
	[ -f "$dir/requirements.txt" ] || continue
	key=$(cat "$dir/index")
	# resolvelib's hand-written indexes (a few packages) are too small to time
	[[ $key == resolvelib-pypi-* || $key != resolvelib-* ]] || continue
	name=${dir#"$work/gen/cases/"}
	name=${name%/}
	py=$(cat "$dir/python")
	reqs="$dir/requirements.txt"
	ix="$work/ix/$key"
	[ -d "$ix" ] || python3 "$pyindex" build "$work/gen/snapshots/$key.json" "$ix" >/dev/null
	serve "$ix"

	pip_cmd="python3 -m pip install --dry-run --ignore-installed --report $work/report.json \
--disable-pip-version-check --quiet --index-url $url --only-binary=:all: --target $work/target \
--python-version $py ${platforms[*]} -r $reqs"
	check="$depsolve check $reqs --index-url $url --python $py --platform manylinux_2_35_x86_64 -q"
	$check --cache-dir "$work/warm" >/dev/null 2>&1 || { echo "bench: $name: depsolve check failed" >&2; exit 1; }
	pip_s=$(median "$pip_runs" "" "$pip_cmd --no-cache-dir")
	rm -rf "$work/pip-cache"
	$pip_cmd --cache-dir "$work/pip-cache" 2>/dev/null
	pipw_s=$(median "$pip_runs" "" "$pip_cmd --cache-dir $work/pip-cache")
	pkgs=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["install"]))' "$work/report.json")
	cold_s=$(median "$runs" "rm -rf $work/cold" "$check --cache-dir $work/cold")
	warm_s=$(median "$runs" "" "$check --cache-dir $work/warm")
	refresh_s=$(median "$runs" "" "$check --cache-dir $work/warm --refresh")
	offline_s=$(median "$runs" "" "$check --cache-dir $work/warm --offline")
	rss=-
	if [ -x /usr/bin/time ]; then
		rss=$(/usr/bin/time -f %M $check --cache-dir "$work/warm" 2>&1 >/dev/null | tail -1 |
			awk '{printf "%.1f", $1 / 1024}')
	fi
	stop
	printf '%-36s %4s %6s %6s %6s %6s %7s %7s %8s %8s %10s %7s %7s %9s %9s %5s\n' "$name" "$pkgs" "$pip_s" "$pipw_s" "$cold_s" \
		"$warm_s" "$refresh_s" "$offline_s" "$(ratio "$pip_s" "$cold_s")" "$(ratio "$pip_s" "$warm_s")" \
		"$(ratio "$pipw_s" "$warm_s")" "$(times "$cold_s")" "$(times "$warm_s")" "$(times "$refresh_s")" \
		"$(times "$offline_s")" "$rss"
done

#!/usr/bin/env bash
# bench.sh: times `depsolve check` against pip's resolver on the same local index.
#
# Cases (scripts/harness.py): the resolvelib cases on real PyPI snapshots (2020), the
# lock-derived corpus and the bundled CUDA example. Each index is built once with
# ../shared/tools/pyindex and served with `pyindex serve` (pages carry an ETag and a
# revalidation is answered 304); then, on that one server:
#   pip      the resolution `pyindex pip` runs: pip install --dry-run --report
#            --ignore-installed --no-cache-dir --only-binary=:all: (a fresh pip each run);
#   pip-w    the same with pip's HTTP cache (--cache-dir) filled by an earlier run;
#   cold     depsolve check with an empty --cache-dir (emptied before every run);
#   warm     depsolve check with the cache of an earlier run, run again as before: the
#            result of the identical earlier check is given again (depsolve check
#            --help, package internal/memo), as a pre-commit hook sees it. The server
#            sends Cache-Control: max-age=600 as PyPI does with its simple pages, so
#            within 10 minutes nothing is fetched and the kept result holds;
#   resolve  warm with DEPSOLVE_MEMO=off: the check resolves, pages and metadata from
#            the cache (what warm costs once anything the check read has changed);
#   reval    resolve plus --refresh: every page is revalidated (If-None-Match,
#            answered 304), metadata still from the cache;
#   offline  resolve plus --offline: no request at all, and no revalidation logic;
#   RSS      the peak resident memory of one resolve, in MB (GNU time's %M; "-"
#            without /usr/bin/time): the goal is 15 MB for a set of 50 packages.
# Prints the median of each, and the ratios pip/cold, pip/warm, pip/resolve and
# pip-w/warm. The same run also times a hello-world Go program built with the same
# toolchain (go on PATH) and `depsolve --version` (START_RUNS runs each, default 300:
# a millisecond is within the noise of ten), and prints each depsolve figure as a
# multiple of hello-world's: ratios measured in one run hold across machines, absolute
# times do not.
# A second table serves each index again with every answer delayed RTT (default 50 ms,
# a distant index) and times cold and reval (LAT_RUNS runs each, default 3) against the
# issue's bounds, with DEPTH the longest requirement chain of the solution (from the
# `via` of `check --format json`): cold ≤ 2 × DEPTH × RTT, and reval ≤ 2 × resolve +
# DEPTH × RTT (one round trip per wave of parallel requests, a wave per level).
#
# Usage: scripts/bench.sh [CASE-GLOB]      e.g. 'corpus/*'
# Uses hyperfine when present (Debian: apt-get install hyperfine), else a loop timed with
# date +%s%N. RUNS (default 10) runs of each depsolve measure, PIP_RUNS (default 3) of
# pip. SHARED (default ../shared beside the repository) locates the reference data,
# DEPSOLVE (default: the slim depsolve built from this tree, depsolve-full beside it, as a
# release installs them) the binary. About 10 minutes on 2 cores.
set -euo pipefail

name=bench
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"
runs=${RUNS:-10}
pip_runs=${PIP_RUNS:-3}
lat_runs=${LAT_RUNS:-3}
rtt_ms=${RTT_MS:-50}
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
# of A B: A as a multiple of B
of() { python3 -c 'import sys; print("%.2f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }
# depth JSON: the longest requirement chain in the solution `check --format json` printed
depth() {
	python3 -c '
import json, sys
pkgs = {p["name"]: p.get("via") or [] for p in json.load(open(sys.argv[1]))["packages"]}
memo = {}
def level(name, seen):
    if name not in memo:
        parents = [v for v in pkgs[name] if v in pkgs and v not in seen]
        memo[name] = 1 + max((level(v, seen | {name}) for v in parents), default=0)
    return memo[name]
print(max((level(n, frozenset()) for n in pkgs), default=0))' "$1"
}
# times DURATION: DURATION as a multiple of hello-world's
times() { python3 -c 'import sys; print("%.1fx" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$hello_s"; }

mkdir "$work/hello"
printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello, world") }\n' >"$work/hello/main.go"
(cd "$work/hello" && go mod init hello >/dev/null 2>&1 && go build -o hello .)
start_runs=${START_RUNS:-300}
hello_s=$(median "$start_runs" "" "$work/hello/hello")
version_s=$(median "$start_runs" "" "$depsolve --version")

platforms=(--platform linux_x86_64 --platform manylinux1_x86_64 --platform manylinux2010_x86_64 --platform manylinux2014_x86_64)
for n in $(seq 5 35); do platforms+=(--platform "manylinux_2_${n}_x86_64"); done

echo "bench: $timer; depsolve median of $runs runs, pip median of $pip_runs; $(nproc) CPUs; $(go version)"
echo "hello-world $hello_s s; depsolve --version $version_s s = $(times "$version_s") hello-world"
echo "times in seconds; COLD/H ... OFFLINE/H: the same as multiples of hello-world"
printf '%-36s %4s %6s %6s %6s %6s %7s %7s %7s %8s %8s %7s %10s %7s %7s %6s %7s %9s %5s\n' \
	CASE PKGS PIP PIP-W COLD WARM RESOLVE REVAL OFFLINE PIP/COLD PIP/WARM PIP/RES PIP-W/WARM COLD/H WARM/H RES/H REVAL/H OFFLINE/H RSS
latency_rows=()
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
	export DEPSOLVE_MEMO=off
	resolve_s=$(median "$runs" "" "$check --cache-dir $work/warm")
	reval_s=$(median "$runs" "" "$check --cache-dir $work/warm --refresh")
	offline_s=$(median "$runs" "" "$check --cache-dir $work/warm --offline")
	rss=-
	if [ -x /usr/bin/time ]; then
		rss=$(/usr/bin/time -f %M $check --cache-dir "$work/warm" 2>&1 >/dev/null | tail -1 |
			awk '{printf "%.1f", $1 / 1024}')
	fi
	unset DEPSOLVE_MEMO
	$check --cache-dir "$work/warm" --format json >"$work/check.json" 2>/dev/null
	d=$(depth "$work/check.json")
	stop

	serve "$ix" "$rtt_ms"
	check_far="$depsolve check $reqs --index-url $url --python $py --platform manylinux_2_35_x86_64 -q"
	cold50_s=$(median "$lat_runs" "rm -rf $work/far" "$check_far --cache-dir $work/far")
	reval50_s=$(median "$lat_runs" "" "$check_far --cache-dir $work/far --refresh")
	stop
	cold_bound=$(python3 -c 'import sys; print(2 * int(sys.argv[1]) * float(sys.argv[2]) / 1000)' "$d" "$rtt_ms")
	reval_bound=$(python3 -c 'import sys; print(2 * float(sys.argv[1]) + int(sys.argv[2]) * float(sys.argv[3]) / 1000)' "$resolve_s" "$d" "$rtt_ms")
	latency_rows+=("$(printf '%-36s %5s %7s %9s %7s %7s %10s %7s' "$name" "$d" "$cold50_s" \
		"$(printf %.3f "$cold_bound")" "$(of "$cold50_s" "$cold_bound")" "$reval50_s" "$(printf %.3f "$reval_bound")" \
		"$(of "$reval50_s" "$reval_bound")")")
	printf '%-36s %4s %6s %6s %6s %6s %7s %7s %7s %8s %8s %7s %10s %7s %7s %6s %7s %9s %5s\n' "$name" "$pkgs" "$pip_s" "$pipw_s" \
		"$cold_s" "$warm_s" "$resolve_s" "$reval_s" "$offline_s" "$(ratio "$pip_s" "$cold_s")" "$(ratio "$pip_s" "$warm_s")" \
		"$(ratio "$pip_s" "$resolve_s")" "$(ratio "$pipw_s" "$warm_s")" "$(times "$cold_s")" "$(times "$warm_s")" \
		"$(times "$resolve_s")" "$(times "$reval_s")" "$(times "$offline_s")" "$rss"
done

echo
echo "each answer delayed ${rtt_ms} ms: cold and reval against the issue's bounds (ratio ≤ 1 meets it)"
printf '%-36s %5s %7s %9s %7s %7s %10s %7s\n' CASE DEPTH COLD 2·D·RTT RATIO REVAL 2W+D·RTT RATIO
printf '%s\n' "${latency_rows[@]}"

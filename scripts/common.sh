# common.sh: the set-up compare-pip.sh and bench.sh share. Source it after setting
# `name` (for messages); it defines repo, shared, pyindex, work (a temporary folder
# removed on exit, with the index server in $server stopped), depsolve (built from
# this tree unless DEPSOLVE names a binary: the slim depsolve a release installs, with
# depsolve-full beside it), and serve/stop for the index server.
# shellcheck shell=bash
: "${name:?set name before sourcing common.sh}"

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
shared=${SHARED:-$repo/../shared}
pyindex="$shared/tools/pyindex"
[ -f "$pyindex" ] || { echo "$name: $pyindex not found; set SHARED" >&2; exit 2; }

work=$(mktemp -d)
server=""
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	[ -z "$server" ] || kill "$server" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

depsolve=${DEPSOLVE:-}
if [ -z "$depsolve" ]; then
	depsolve="$work/depsolve"
	# as scripts/release.sh builds them: without cgo, static binaries that start without
	# the dynamic loader (about 1 ms of a `depsolve --version` of 4 on 2 shared cores);
	# depsolve is the slim build users run, which hands what needs the network to
	# depsolve-full beside it (a cold run pays that one exec), so that is what is timed
	(cd "$repo" && CGO_ENABLED=0 go build -tags slim -o "$depsolve" ./cmd/depsolve &&
		CGO_ENABLED=0 go build -o "$work/depsolve-full" ./cmd/depsolve)
fi

# serve INDEXDIR [LATENCY_MS]: serves it in the background with `pyindex serve` (pages
# with an ETag, answered 304 when revalidated), with Cache-Control max-age=$max_age when
# max_age is set, and every answer delayed LATENCY_MS when given; sets $server and $url.
serve() {
	rm -f "$work/port"
	python3 "$pyindex" serve "$1" --port-file "$work/port" ${max_age:+--max-age "$max_age"} \
		--latency-ms "${2:-0}" >/dev/null 2>&1 &
	server=$!
	for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
	[ -s "$work/port" ] || { echo "$name: the index server did not start" >&2; exit 3; }
	# shellcheck disable=SC2034 # read by the scripts that source this one
	url="http://127.0.0.1:$(cat "$work/port")/pypi/simple/"
}
stop() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; server=""; }

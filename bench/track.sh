#!/usr/bin/env bash
# track under load: 100,000 issues across 20 projects with comments (bench/track_bench.c writes
# them in bulk), then wrk against the issue view page, GET /rest/api/2/issue/{key}, and two
# searches: `project = X AND status = "In Progress" ORDER BY updated DESC` and a `text ~`
# search, all as a member of every project (not a site administrator, so the browse restriction
# applies), with a personal access token.
# Targets (median latency): issue JSON < 5 ms, issue page < 10 ms, each search < 50 ms.
#
# usage: bench/track.sh
# environment:
#   WEFT_BIN              the binary (default: build/weft under the repository root)
#   WEFT_BENCH_TRACK_BIN  the generator (default: build/bench/track_bench); nothing is built
#   ISSUES, PROJECTS, COMMENTS   the data (default 100000, 20, 2 comments an issue)
#   ENGINE                sqlite (default) or postgres (a throw-away cluster from scripts/pg.sh)
#   WRK_THREADS, WRK_CONNECTIONS, WRK_DURATION   wrk -t, -c, -d (default 1, 1, 10s: latency,
#                         not throughput, is what the targets are about)
#   BENCH_STRICT          1: exit 1 when a target is missed (default: report only)
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WEFT_BIN=${WEFT_BIN:-$ROOT/build/weft}
GEN=${WEFT_BENCH_TRACK_BIN:-$ROOT/build/bench/track_bench}
ISSUES=${ISSUES:-100000}
PROJECTS=${PROJECTS:-20}
COMMENTS=${COMMENTS:-2}
ENGINE=${ENGINE:-sqlite}
WRK_THREADS=${WRK_THREADS:-1}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-1}
WRK_DURATION=${WRK_DURATION:-10s}
BENCH_STRICT=${BENCH_STRICT:-0}

die() {
	echo "bench/track: $*" >&2
	exit 1
}

command -v wrk >/dev/null 2>&1 || die "wrk is not installed (scripts/deps.sh installs it)"
command -v curl >/dev/null 2>&1 || die "curl is not installed"
for bin in WEFT_BIN GEN; do
	case ${!bin} in /*) ;; *) printf -v "$bin" '%s' "$(pwd)/${!bin}" ;; esac
	[ -x "${!bin}" ] || die "no program at ${!bin}: build it first (ninja -C build)"
done
for var in ISSUES PROJECTS COMMENTS; do
	case ${!var} in '' | *[!0-9]*) die "$var must be a number, got '${!var}'" ;; esac
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/weft-bench-track.XXXXXX") || die "cannot create a directory"
chmod 755 "$TMP"
WEFT_PID=
cleanup() {
	local rc=$?
	trap - EXIT
	if [ -n "$WEFT_PID" ]; then
		kill -TERM "$WEFT_PID" 2>/dev/null
		wait "$WEFT_PID" 2>/dev/null
	fi
	[ "$ENGINE" = postgres ] && "$ROOT/scripts/pg.sh" stop "$TMP/pg" 2>/dev/null
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

case $ENGINE in
sqlite) URL="sqlite://$TMP/track.db" ;;
postgres) URL=$("$ROOT/scripts/pg.sh" start "$TMP/pg") || die "cannot start PostgreSQL" ;;
*) die "ENGINE is sqlite or postgres, got '$ENGINE'" ;;
esac

echo "bench/track: generating $ISSUES issues in $PROJECTS projects ($COMMENTS comments each) on $ENGINE" >&2
"$GEN" --db "$URL" --issues "$ISSUES" --projects "$PROJECTS" --comments "$COMMENTS" >"$TMP/gen.out" ||
	die "the generator failed"
TOKEN=$(sed -n 's/^token=//p' "$TMP/gen.out")
PROJECT=$(sed -n 's/^project=//p' "$TMP/gen.out")
ISSUE=$(sed -n 's/^issue=//p' "$TMP/gen.out")
echo "generated in $(sed -n 's/^seconds=//p' "$TMP/gen.out") s"

"$WEFT_BIN" serve track --data "$TMP/data" --track-db "$URL" --track-listen 127.0.0.1:0 \
	>"$TMP/weft.out" 2>"$TMP/weft.err" &
WEFT_PID=$!
for _ in $(seq 200); do
	BASE=$(sed -n 's/^track listening on //p' "$TMP/weft.out")
	[ -n "$BASE" ] && break
	sleep 0.1
done
[ -n "$BASE" ] || die "weft did not start: $(tail -3 "$TMP/weft.err")"

q() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
SEARCH1="$BASE/rest/api/2/search?jql=$(q "project = $PROJECT AND status = \"In Progress\" ORDER BY updated DESC")"
SEARCH2="$BASE/rest/api/2/search?jql=$(q 'text ~ zebra')"

missed=0
# measure NAME TARGET_MS URL: one wrk run; prints the median and p99 latency.
measure() {
	local name=$1 target=$2 url=$3 status
	status=$(curl -s -o "$TMP/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$url")
	[ "$status" = 200 ] || die "$name: $url answers $status: $(head -c 200 "$TMP/body")"
	wrk -t "$WRK_THREADS" -c "$WRK_CONNECTIONS" -d "$WRK_DURATION" --latency \
		-H "Authorization: Bearer $TOKEN" "$url" >"$TMP/wrk.out" 2>&1 || die "wrk failed on $url"
	local p50 p99 rps
	p50=$(awk '$1 == "50%" { print $2 }' "$TMP/wrk.out")
	p99=$(awk '$1 == "99%" { print $2 }' "$TMP/wrk.out")
	rps=$(awk '$1 == "Requests/sec:" { print $2 }' "$TMP/wrk.out")
	local ms
	ms=$(python3 -c 'import re,sys
v, u = re.match(r"([0-9.]+)(us|ms|s)", sys.argv[1]).groups()
print(float(v) * {"us": 0.001, "ms": 1, "s": 1000}[u])' "$p50")
	local verdict=ok
	python3 -c "import sys; sys.exit(0 if $ms < $target else 1)" || { verdict=MISSED; missed=1; }
	printf '%-28s median %8s (target < %3d ms: %s)  p99 %8s  %s req/s\n' "$name" "$p50" "$target" \
		"$verdict" "$p99" "$rps"
}

echo "wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION, $ENGINE, $ISSUES issues:"
measure "issue page /browse/$ISSUE" 10 "$BASE/browse/$ISSUE"
measure "GET issue/$ISSUE" 5 "$BASE/rest/api/2/issue/$ISSUE"
measure "search project+status" 50 "$SEARCH1"
measure "search text ~ zebra" 50 "$SEARCH2"
[ "$BENCH_STRICT" = 1 ] && [ "$missed" = 1 ] && exit 1
exit 0

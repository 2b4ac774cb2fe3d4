#!/usr/bin/env bash
# Idle memory of `weft serve` (hub and track, SQLite, fresh data directory): VmRSS once start-up
# is over and before any request, split into anonymous memory (heap, thread stacks, SQLite page
# caches) and file-backed pages (the program and the shared libraries it touched), with the
# largest mappings. A measurement, not a timed test: nothing is asserted.
#
# usage: bench/rss.sh          environment: WEFT_BIN (default build/weft), SETTLE_S (default 3)
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WEFT_BIN=${WEFT_BIN:-$ROOT/build/weft}
SETTLE_S=${SETTLE_S:-3}
[ -x "$WEFT_BIN" ] || { echo "bench/rss: no program at $WEFT_BIN" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/weft-bench-rss.XXXXXX") || exit 1
PID=
cleanup() {
	[ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

"$WEFT_BIN" serve --data "$TMP/data" --hub-listen 127.0.0.1:0 --track-listen 127.0.0.1:0 \
	>"$TMP/out" 2>"$TMP/err" &
PID=$!
for _ in $(seq 100); do
	[ "$(grep -c 'listening on' "$TMP/out")" = 2 ] && break
	sleep 0.1
done
[ "$(grep -c 'listening on' "$TMP/out")" = 2 ] || { echo "bench/rss: weft did not start" >&2; exit 1; }
sleep "$SETTLE_S"

status=/proc/$PID/status
printf 'idle RSS of weft serve (hub + track, SQLite): %s kB\n' "$(awk '/^VmRSS/ {print $2}' "$status")"
awk '/^(RssAnon|RssFile|Threads)/ {printf "  %-9s %8s %s\n", $1, $2, $3}' "$status"
echo "  largest mappings (kB resident):"
awk '/^[0-9a-f]+-[0-9a-f]+ / {name = ($6 == "" ? "[anonymous]" : $6)}
     /^Rss:/ {rss[name] += $2}
     END {for (n in rss) if (rss[n] >= 200) printf "  %8d  %s\n", rss[n], n}' \
	"/proc/$PID/smaps" | sort -rn

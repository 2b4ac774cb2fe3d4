#!/usr/bin/env bash
# Idle memory of `weft serve` (hub and track, SQLite, fresh data directory): VmRSS once start-up
# is over and before any request, split by what holds it: the program's and the shared
# libraries' pages (file pages, and the pages their relocations and data made private), the
# malloc heap and glibc's per-thread arenas (SQLite's page caches and schemas, the compiled
# templates and routes, the libraries' own state), the threads' stacks (found by each thread's
# stack pointer), other anonymous mappings, and the SQLite WAL indexes. A measurement, not a
# timed test: nothing is asserted.
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
awk '/^(RssAnon|RssFile|RssShmem|Threads)/ {printf "  %-9s %8s %s\n", $1, $2, $3}' "$status"
printf '  threads by name:'
for task in /proc/"$PID"/task/*; do cat "$task/comm"; done | sort | uniq -c |
	awk '{printf " %s %s", $1, $2} END {print ""}'

# Each thread's stack pointer (the second-to-last field of /proc/PID/task/TID/syscall) names the
# mapping that is its stack.
for task in /proc/"$PID"/task/*; do awk '{print $(NF - 1)}' "$task/syscall"; done >"$TMP/sp"
cp "/proc/$PID/smaps" "$TMP/smaps"

awk -v program="$(readlink -f "$WEFT_BIN")" '
function hex(s,    i, n) {
	s = tolower(s); sub(/^0x/, "", s); n = 0
	for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return n
}
function flush() {
	if (range == "") return
	if (name ~ /\.so(\.|$)/ || name == program) {
		key = (name == program ? "the program" : name)
		file[key] += rss - anon; priv[key] += anon; total[key] += rss
		libfile += rss - anon; libpriv += anon
	} else if (name == "[heap]") {
		heap += rss
	} else if (name ~ /-shm$/) {
		shm += rss
	} else if (name == "[stack]" || is_stack) {
		stacks += rss; nstacks++
	} else if (name == "" && arena_start) {
		arenas += rss; narenas++
	} else if (name == "") {
		other += rss
	} else {
		misc += rss
	}
}
FNR == NR { sp[++nsp] = hex($1); next }
/^[0-9a-f]+-[0-9a-f]+ / {
	flush()
	range = $1; perm = $2; name = ""
	for (i = 6; i <= NF; i++) name = name (i > 6 ? " " : "") $i
	split(range, ends, "-"); lo = hex(ends[1]); hi = hex(ends[2])
	is_stack = 0
	for (i = 1; i <= nsp; i++) if (sp[i] >= lo && sp[i] < hi) is_stack = 1
	# glibc puts a thread arena at the start of a 64 MiB-aligned reservation.
	arena_start = (name == "" && perm == "rw-p" && lo % 67108864 == 0)
	rss = 0; anon = 0
	next
}
/^Rss:/ { rss = $2 }
/^Anonymous:/ { anon = $2 }
END {
	flush()
	printf "  by kind (kB resident):\n"
	printf "  %8d  program and libraries, file pages (shared with the page cache)\n", libfile
	printf "  %8d  program and libraries, private pages (relocations, .data, .bss)\n", libpriv
	printf "  %8d  malloc heap (main arena)\n", heap
	printf "  %8d  malloc arenas of other threads (%d)\n", arenas, narenas
	printf "  %8d  thread stacks (%d)\n", stacks, nstacks
	printf "  %8d  other anonymous mappings (large allocations, libraries'\'' own)\n", other
	printf "  %8d  SQLite WAL indexes (-shm, shared)\n", shm
	if (misc) printf "  %8d  other files\n", misc
	printf "  program and libraries of 100 kB or more (total = file + private):\n"
	for (k in total) if (total[k] >= 100)
		printf "  %8d = %5d + %4d  %s\n", total[k], file[k], priv[k], k | "sort -rn"
}' "$TMP/sp" "$TMP/smaps"

#!/usr/bin/env bash
# The job queue: enqueue and run N no-op jobs on SQLite and on PostgreSQL, jobs per second for
# each (end to end, and the enqueue rate alone), and the wake-up latency of an idle worker
# (enqueue → handler start, median and p99; on PostgreSQL also when only NOTIFY can wake it, as
# for a job enqueued on another node). bench/jobs_bench.c does the measuring; this script
# gives it a fresh SQLite file and a throw-away PostgreSQL cluster (scripts/pg.sh), removed
# afterwards whatever happens.
# Targets: >= 5,000 jobs/s on SQLite (end to end, workers running while jobs are enqueued);
# median wake-up < 5 ms (both engines).
#
# usage: bench/jobs.sh
# environment:
#   WEFT_BENCH_JOBS_BIN  the benchmark program (default: build/bench/jobs_bench under the
#                        repository root); nothing is built: run `ninja -C build` first
#   JOBS                 jobs per throughput phase (default 100000)
#   WORKERS              worker threads (default 2)
#   BATCH                jobs per enqueueing transaction (default 100)
#   LATENCY_SAMPLES      wake-up samples (default 500)
#   ENGINES              which engines, in order (default "sqlite postgres")
#   BENCH_TIMEOUT        seconds one engine's run may take before it is stopped (default 900)
#   BENCH_DIR            where the SQLite file and the cluster go (default ${TMPDIR:-/tmp}; as
#                        root it must be traversable by the postgres user)
#   BENCH_STRICT         1: exit 1 when a target is missed (default: report only)
# The PostgreSQL cluster of scripts/pg.sh runs with fsync and synchronous_commit off: its figures
# are those of a database that does not wait for the disk. SQLite runs as weft runs it (WAL,
# synchronous = NORMAL: commits do not wait for the disk either, checkpoints do).
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${WEFT_BENCH_JOBS_BIN:-$ROOT/build/bench/jobs_bench}
JOBS=${JOBS:-100000}
WORKERS=${WORKERS:-2}
BATCH=${BATCH:-100}
LATENCY_SAMPLES=${LATENCY_SAMPLES:-500}
ENGINES=${ENGINES:-sqlite postgres}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-900}
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}}
BENCH_STRICT=${BENCH_STRICT:-0}
SQLITE_TARGET=5000 # jobs/s
WAKEUP_TARGET=5    # ms, median
PG_START_TIMEOUT=120

die() {
	echo "bench/jobs: $*" >&2
	exit 1
}

# --- prerequisites -----------------------------------------------------------------------------
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
[ -x "$BIN" ] || die "no benchmark program at $BIN: build it with \`ninja -C build\` (or set WEFT_BENCH_JOBS_BIN)"
command -v timeout >/dev/null 2>&1 || die "timeout (coreutils) is not installed"
for var in JOBS WORKERS BATCH LATENCY_SAMPLES BENCH_TIMEOUT; do
	case ${!var} in '' | *[!0-9]*) die "$var must be a number, got '${!var}'" ;; esac
done
for engine in $ENGINES; do
	case $engine in sqlite | postgres) ;; *) die "ENGINES lists sqlite and postgres, got '$engine'" ;; esac
done
[ -d "$BENCH_DIR" ] || die "BENCH_DIR $BENCH_DIR is not a directory"

# --- clean-up ----------------------------------------------------------------------------------
TMP=$(mktemp -d "$BENCH_DIR/weft-bench-jobs.XXXXXX") || die "cannot create a temporary directory"
PG_DIR=
CHILD_PID=

# shellcheck disable=SC2317 # (called by the trap)
cleanup() {
	local rc=$?
	trap - EXIT
	if [ -n "$CHILD_PID" ]; then
		kill -TERM "$CHILD_PID" 2>/dev/null
		wait "$CHILD_PID" 2>/dev/null
	fi
	# The cluster goes before the directory; pg.sh stop is safe on a half-made one.
	[ -z "$PG_DIR" ] || timeout 60 "$ROOT/scripts/pg.sh" stop "$PG_DIR" || echo "bench/jobs: could not remove the cluster in $PG_DIR" >&2
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# Runs a command in the background, bounded by SECONDS, and waits for it, so that a signal to
# this script reaches the trap at once (and the trap stops the command).
# bounded SECONDS OUT_FILE COMMAND...: its exit status; stdout goes to OUT_FILE.
bounded() {
	local secs=$1 out=$2 rc
	shift 2
	timeout --kill-after=10 "$secs" "$@" >"$out" </dev/null &
	CHILD_PID=$!
	wait "$CHILD_PID"
	rc=$?
	CHILD_PID=
	[ "$rc" -ne 124 ] || echo "bench/jobs: $1 did not finish within $secs s; stopped" >&2
	return "$rc"
}

# field LINE KEY: the value of KEY=value in LINE.
field() {
	printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}

# --- runs --------------------------------------------------------------------------------------
run_engine() { # ENGINE URL
	local engine=$1 url=$2
	echo "--- $engine: jobs_bench --jobs $JOBS --workers $WORKERS --batch $BATCH --latency-samples $LATENCY_SAMPLES" >&2
	if ! bounded "$BENCH_TIMEOUT" "$TMP/$engine.out" "$BIN" --db "$url" --jobs "$JOBS" \
		--workers "$WORKERS" --batch "$BATCH" --latency-samples "$LATENCY_SAMPLES"; then
		cat "$TMP/$engine.out"
		echo "bench/jobs: the $engine run failed" >&2
		return 1
	fi
	cat "$TMP/$engine.out"
}

declare -A CONCURRENT DRAIN WAKEUP NOTIFY
FAILED=
for engine in $ENGINES; do
	case $engine in
	sqlite)
		mkdir -p "$TMP/sqlite"
		url="sqlite://$TMP/sqlite/jobs.db"
		;;
	postgres)
		PG_DIR=$(mktemp -d "$BENCH_DIR/weft-bench-pg.XXXXXX") || die "cannot create a directory for the cluster"
		# pg.sh's own start is bounded (30 s); this bounds initdb and the rest as well.
		if ! bounded "$PG_START_TIMEOUT" "$TMP/pg.url" "$ROOT/scripts/pg.sh" start "$PG_DIR"; then
			echo "bench/jobs: the PostgreSQL cluster did not start" >&2
			FAILED="$FAILED $engine"
			continue
		fi
		url=$(cat "$TMP/pg.url")
		;;
	esac
	if run_engine "$engine" "$url" >"$TMP/$engine.lines"; then
		cat "$TMP/$engine.lines"
		CONCURRENT[$engine]=$(grep ' mode=concurrent ' "$TMP/$engine.lines")
		DRAIN[$engine]=$(grep ' mode=drain ' "$TMP/$engine.lines")
		WAKEUP[$engine]=$(grep ' wakeup_path=local ' "$TMP/$engine.lines")
		NOTIFY[$engine]=$(grep ' wakeup_path=notify ' "$TMP/$engine.lines")
	else
		cat "$TMP/$engine.lines"
		FAILED="$FAILED $engine"
	fi
	if [ "$engine" = postgres ]; then
		timeout 60 "$ROOT/scripts/pg.sh" stop "$PG_DIR" || echo "bench/jobs: could not stop the cluster in $PG_DIR" >&2
		PG_DIR=
	fi
done

# --- report ------------------------------------------------------------------------------------
echo
printf '%-9s %12s %12s %12s %12s %10s %10s\n' engine 'jobs/s' 'enqueue/s' 'drain/s' \
	'drain-enq/s' 'wake-med' 'wake-p99'
MISSED=
for engine in $ENGINES; do
	c=${CONCURRENT[$engine]:-}
	d=${DRAIN[$engine]:-}
	w=${WAKEUP[$engine]:-}
	if [ -z "$c" ] || [ -z "$w" ]; then
		printf '%-9s %s\n' "$engine" "(no result)"
		MISSED="$MISSED $engine"
		continue
	fi
	printf '%-9s %12s %12s %12s %12s %8s ms %8s ms\n' "$engine" "$(field "$c" jobs_per_s)" \
		"$(field "$c" enqueue_per_s)" "$(field "$d" jobs_per_s)" "$(field "$d" enqueue_per_s)" \
		"$(field "$w" median_ms)" "$(field "$w" p99_ms)"
	n=${NOTIFY[$engine]:-}
	[ -z "$n" ] || printf '%-9s %51s %8s ms %8s ms\n' "" "(woken by NOTIFY, as from another node)" \
		"$(field "$n" median_ms)" "$(field "$n" p99_ms)"
done
echo "(jobs/s: end to end, $WORKERS workers running while the main thread enqueues $JOBS jobs in" \
	"transactions of $BATCH; drain/s: the same jobs enqueued first, then run; wake-up: enqueue" \
	"→ handler start, commit included, idle workers, $LATENCY_SAMPLES samples)"

verdict() { # VALUE OP TARGET: yes or no
	awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN {
		ok = (op == ">=") ? (v + 0 >= t + 0) : (v + 0 < t + 0)
		print (v != "" && ok) ? "yes" : "no"
	}'
}

SUMMARY=
ALL_OK=yes
for engine in $ENGINES; do
	c=${CONCURRENT[$engine]:-}
	w=${WAKEUP[$engine]:-}
	if [ -z "$c" ] || [ -z "$w" ]; then
		SUMMARY="$SUMMARY $engine: failed;"
		ALL_OK=no
		continue
	fi
	med=$(field "$w" median_ms)
	med_ok=$(verdict "$med" '<' "$WAKEUP_TARGET")
	n=${NOTIFY[$engine]:-}
	if [ -n "$n" ]; then # the other node's wake-up counts too
		med="$med/$(field "$n" median_ms)"
		[ "$(verdict "$(field "$n" median_ms)" '<' "$WAKEUP_TARGET")" = yes ] || med_ok=no
	fi
	[ "$med_ok" = yes ] || ALL_OK=no
	if [ "$engine" = sqlite ]; then
		jps=$(field "$c" jobs_per_s)
		jps_ok=$(verdict "$jps" '>=' "$SQLITE_TARGET")
		[ "$jps_ok" = yes ] || ALL_OK=no
		SUMMARY="$SUMMARY sqlite $jps jobs/s (target >= $SQLITE_TARGET: $jps_ok), median wake-up $med ms (target < $WAKEUP_TARGET ms: $med_ok);"
	else
		SUMMARY="$SUMMARY postgres $(field "$c" jobs_per_s) jobs/s (no target), median wake-up $med ms in process/by NOTIFY (target < $WAKEUP_TARGET ms: $med_ok);"
	fi
done
echo "bench/jobs:${SUMMARY%;}"
[ -z "$FAILED" ] || echo "bench/jobs: failed:$FAILED" >&2

if [ -n "$FAILED" ] || [ -n "$MISSED" ]; then
	exit 1
fi
if [ "$BENCH_STRICT" = 1 ] && [ "$ALL_OK" != yes ]; then
	exit 1
fi
exit 0

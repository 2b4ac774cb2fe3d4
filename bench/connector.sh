#!/usr/bin/env bash
# The connector's backfill and soft sync on a repository of COMMITS commits (30 % naming an issue
# key, one in ten a merge; bench/lib/make_repo.sh --keys), in one run:
#   (1) git log --all --format=%H%x00%B on the mirror: the floor;
#   (2) a full sync of the already-fetched mirror into a fresh track database (a streamed git log
#       without file counts, key extraction, batched storing): connector_bench. File counts are
#       counted where they are shown (src/track/dvcs/files.h), not by the sync: what that costs is
#       (2f), every keyed commit's files counted and stored as the panel does on their first view
#       (pages of 50; a later view reads the stored counts);
#   (3) the initial fetch of the mirror over HTTP from weft hub (git fetch, as a sync runs it);
# the ratios (2)/(1) and (3)/(1), and the median of PUSHES soft syncs after a push of one commit
# each (from the start of the sync job's work to the commit stored; the webhook's HTTP hop, the
# queue's wake-up and the fetch over HTTP are not in it: issue 13's figure from the webhook's
# arrival is bench/panel.sh's, with PANEL_TRACE=1). Targets: (2) <= 2 x (1) on SQLite, <= 3 x on PostgreSQL; soft
# sync < 50 ms. Times are wall clock and, in brackets, CPU (user + system) of the process.
#
# usage: bench/connector.sh
# environment:
#   BUILD         the build folder (default: build under the repository root); nothing is built
#   COMMITS       commits in the generated history (default 100000)
#   PUSHES        soft syncs measured (default 21)
#   WEFT_BENCH_PG_URL  a PostgreSQL database URL to measure (2) on PostgreSQL too (it is
#                 emptied: give a throw-away one, e.g. from scripts/pg.sh createdb)
#   REPO_CACHE    where the generated repository is kept between runs and build folders (default:
#                 build-cache/bench-repos under the repository root; bench/lib/cached_repo.sh)
#   BENCH_STRICT  1: exit 1 when a target is missed (default: report only)
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
COMMITS=${COMMITS:-100000}
PUSHES=${PUSHES:-21}
BENCH_STRICT=${BENCH_STRICT:-0}
REPO_CACHE=${REPO_CACHE:-$ROOT/build-cache/bench-repos}
WEFT_BIN=$BUILD/weft
BENCH_BIN=$BUILD/bench/connector_bench

die() {
	echo "bench/connector: $*" >&2
	exit 1
}

for tool in git curl python3; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed"
done
[ -x "$WEFT_BIN" ] || die "no weft binary at $WEFT_BIN (build it, or set BUILD)"
[ -x "$BENCH_BIN" ] || die "no connector_bench at $BENCH_BIN (build it, or set BUILD)"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/weft-bench-connector.XXXXXX")
WEFT_PID=
. "$ROOT/bench/lib/serve.sh"
cleanup() {
	bench_stop "$WEFT_PID" TERM
	rm -rf "$TMP"
}
trap cleanup EXIT

# --- the repository, generated once per size ---------------------------------------------------
SOURCE=$(bash "$ROOT/bench/lib/cached_repo.sh" "$REPO_CACHE" --keys "$COMMITS") ||
	die "cannot generate the repository"

# timed CMD...: runs it, keeps its stdout in $TMP/out, sets WALL and CPU (seconds)
timed() {
	/usr/bin/time -f '%e %U %S' -o "$TMP/time" "$@" >"$TMP/out" || die "failed: $*: $(cat "$TMP/out")"
	read -r WALL user sys <"$TMP/time"
	CPU=$(python3 -c "print(round($user + $sys, 2))")
}
ratio() { python3 -c "print(round($1 / $2, 2))"; }

# --- (3) the initial fetch over HTTP from hub ---------------------------------------------------
mkdir -p "$TMP/hub"
bench_weft_start "$WEFT_BIN" "$TMP/hub"
bench_weft_repo history "$SOURCE" >/dev/null
timed "$BENCH_BIN" --fetch "$WEFT_URL/bench/history.git" --mirror "$TMP/mirror.git"
FETCH_WALL=$WALL FETCH_CPU=$CPU
bench_stop "$WEFT_PID" TERM
WEFT_PID=
[ "$(git --git-dir="$TMP/mirror.git" rev-list --all --count)" = "$COMMITS" ] ||
	die "the fetched mirror lacks commits"

# --- (1) git log on the mirror -------------------------------------------------------------------
timed sh -c "git --git-dir='$TMP/mirror.git' log --all --format=%H%x00%B >/dev/null"
LOG_WALL=$WALL LOG_CPU=$CPU

# --- (2) a full sync of the fetched mirror, then soft syncs after one-commit pushes ---------------
cp -r "$TMP/mirror.git" "$TMP/soft.git"
timed "$BENCH_BIN" --db "$TMP/track.db" --mirror "$TMP/soft.git" --pushes "$PUSHES"
SQLITE_WALL=$WALL SQLITE_CPU=$CPU
SOFT_MS=$(sed -n 's/^soft_ms=//p' "$TMP/out")
LINKED=$(sed -n 's/^commits=//p' "$TMP/out")
[ "$LINKED" = "$COMMITS" ] || die "the full sync linked $LINKED commits, not $COMMITS"
# connector_bench's own clock for the full sync alone (the soft syncs and set-up excluded)
SQLITE_SYNC=$(sed -n 's/^seconds=//p' "$TMP/out")
FILES_S=$(sed -n 's/^files_seconds=//p' "$TMP/out")
FILES_N=$(sed -n 's/^files_commits=//p' "$TMP/out")
FILES_COUNTED=$(sed -n 's/^files_counted=//p' "$TMP/out")
[ "$FILES_COUNTED" = "$FILES_N" ] || die "the panel counted $FILES_COUNTED of $FILES_N keyed commits"

missed=0
echo "repository: $COMMITS commits ($(git --git-dir="$TMP/mirror.git" rev-list --all --merges --count) merges)"
echo "(1) git log --all --format=%H%x00%B:   ${LOG_WALL} s  [cpu ${LOG_CPU} s]"
echo "(2) full sync, SQLite:                 ${SQLITE_SYNC} s  [process cpu ${SQLITE_CPU} s, with $PUSHES soft syncs]"
r=$(ratio "$SQLITE_SYNC" "$LOG_WALL")
echo "    (2)/(1) = $r (target <= 2)"
python3 -c "import sys; sys.exit(0 if $r <= 2 else 1)" || missed=1
echo "(2f) files of the $FILES_N keyed commits, first views: ${FILES_S} s (SQLite), $(python3 -c "print(round($FILES_S * 1000 / (($FILES_N + 49) // 50), 1))") ms a page of 50"
if [ -n "${WEFT_BENCH_PG_URL:-}" ]; then
	timed "$BENCH_BIN" --db "$WEFT_BENCH_PG_URL" --mirror "$TMP/mirror.git"
	PG_SYNC=$(sed -n 's/^seconds=//p' "$TMP/out")
	r=$(ratio "$PG_SYNC" "$LOG_WALL")
	echo "(2) full sync, PostgreSQL:             ${PG_SYNC} s  [process cpu ${CPU} s]"
	echo "    (2)/(1) = $r (target <= 3)"
	python3 -c "import sys; sys.exit(0 if $r <= 3 else 1)" || missed=1
fi
echo "(3) initial fetch over HTTP from hub:  ${FETCH_WALL} s  [git cpu not counted: a child]"
echo "    (3)/(1) = $(ratio "$FETCH_WALL" "$LOG_WALL")"
echo "soft sync after a one-commit push, median of $PUSHES: ${SOFT_MS} ms (target < 50)"
python3 -c "import sys; sys.exit(0 if $SOFT_MS < 50 else 1)" || missed=1
[ "$BENCH_STRICT" = 1 ] && [ "$missed" = 1 ] && exit 1
exit 0

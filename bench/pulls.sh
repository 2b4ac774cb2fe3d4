#!/usr/bin/env bash
# Pull requests on a large repository: on a history of COMMITS commits (bench/lib/make_repo.sh),
# a pull request of PR_COMMITS commits touching PR_FILES files; the median time of its page, its
# diff page and its diffstat API over REQUESTS sequential requests with wrk (one connection), and
# the time of its merge with a merge commit. Targets: medians < 50 ms, merge < 500 ms.
#
# usage: bench/pulls.sh
# environment:
#   WEFT_BIN      the binary (default: build/weft under the repository root); nothing is built
#   COMMITS       commits of the main history (default 100000)
#   PR_COMMITS    commits of the pull request (default 1000)
#   PR_FILES      files the pull request touches (default 500)
#   REQUESTS      requests measured per URL (default 100)
#   BENCH_STRICT  1: exit 1 when a target is missed (default: report only)
# Needs wrk, git, curl and python3; installs nothing.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WEFT_BIN=${WEFT_BIN:-$ROOT/build/weft}
COMMITS=${COMMITS:-100000}
PR_COMMITS=${PR_COMMITS:-1000}
PR_FILES=${PR_FILES:-500}
REQUESTS=${REQUESTS:-100}
BENCH_STRICT=${BENCH_STRICT:-0}
TARGET_MS=50
MERGE_TARGET_MS=500

die() {
	echo "bench/pulls: $*" >&2
	exit 1
}

for tool in wrk git curl python3; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed"
done
case $WEFT_BIN in /*) ;; *) WEFT_BIN=$(pwd)/$WEFT_BIN ;; esac
[ -x "$WEFT_BIN" ] || die "no weft binary at $WEFT_BIN (build it, or set WEFT_BIN)"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/weft-bench-pulls.XXXXXX")
WEFT_PID=
cleanup() {
	[ -n "$WEFT_PID" ] && kill "$WEFT_PID" 2>/dev/null && wait "$WEFT_PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

# --- the repository ----------------------------------------------------------------------------
SRC=$TMP/source.git
"$ROOT/bench/lib/make_repo.sh" "$SRC" "$COMMITS" || die "bench/lib/make_repo.sh failed"
# The pull request's branch: PR_COMMITS commits from main's tip, commit i changing file
# i % PR_FILES (each file gets a few lines), so that the diff spans PR_FILES files.
python3 - "$PR_COMMITS" "$PR_FILES" <<'PY' | git --git-dir="$SRC" fast-import --quiet || die "cannot add the branch"
import sys
n, files = int(sys.argv[1]), int(sys.argv[2])
out = sys.stdout.buffer
start = 1700000000
contents = {}
for i in range(1, n + 1):
    f = i % files
    contents[f] = contents.get(f, b"") + b"line %d of the pull request\n" % i
    msg = b"Pull request change %d\n" % i
    out.write(b"commit refs/heads/feature/big\n")
    out.write(b"author Bench Author <bench@example.com> %d +0000\n" % (start + i))
    out.write(b"committer Bench Author <bench@example.com> %d +0000\n" % (start + i))
    out.write(b"data %d\n%s" % (len(msg), msg))
    if i == 1:
        out.write(b"from refs/heads/main^0\n")
    body = contents[f]
    out.write(b"M 100644 inline pr/file%03d.txt\ndata %d\n%s\n" % (f, len(body), body))
PY
echo "history: $(git --git-dir="$SRC" rev-list --count main) commits on main," \
	"$(git --git-dir="$SRC" rev-list --count main..feature/big) on feature/big"

# --- the server --------------------------------------------------------------------------------
DATA=$TMP/data
printf 'bench-secret-pw\n' | "$WEFT_BIN" hub admin create-user bench --email bench@example.com \
	--display-name Bench --data "$DATA" >/dev/null || die "cannot create the user"
"$WEFT_BIN" serve hub --data "$DATA" --hub-listen 127.0.0.1:0 >"$TMP/out" 2>"$TMP/err" &
WEFT_PID=$!
URL=
for _ in $(seq 100); do
	URL=$(grep -Eo 'hub listening on http://[0-9.:]+' "$TMP/out" "$TMP/err" 2>/dev/null |
		head -n 1 | sed 's/.*listening on //')
	[ -n "$URL" ] && break
	sleep 0.1
done
[ -n "$URL" ] || die "weft did not start: $(cat "$TMP/err")"
AUTH=(-u bench:bench-secret-pw)
status=$(curl -s -o "$TMP/create.json" -w '%{http_code}' "${AUTH[@]}" \
	-H 'content-type: application/json' -d '{"scm":"git","is_private":false}' \
	"$URL/2.0/repositories/bench/big")
[ "$status" = 200 ] || [ "$status" = 201 ] || die "cannot create the repository: $status"
BARE=$(ls -d "$DATA"/repos/*/*.git | head -n 1)
git --git-dir="$BARE" fetch -q "$SRC" 'refs/heads/*:refs/heads/*' || die "cannot fill the repository"

status=$(curl -s -o "$TMP/pr.json" -w '%{http_code}' "${AUTH[@]}" \
	-H 'content-type: application/json' \
	-d '{"title": "Big", "source": {"branch": {"name": "feature/big"}}}' \
	"$URL/2.0/repositories/bench/big/pullrequests")
[ "$status" = 201 ] || die "cannot create the pull request: $status $(cat "$TMP/pr.json")"

# --- measuring ---------------------------------------------------------------------------------
. "$ROOT/bench/lib/wrk_median.sh"

# median URL: the 50th percentile latency over one connection, of REQUESTS requests or of what
# 20 s allow, whichever ends first, in ms.
median() {
	wrk_median bench/pulls "$1" "$REQUESTS" 20
}

# What is measured must be the real thing: the diffstat names PR_FILES files.
files=$(curl -s "$URL/2.0/repositories/bench/big/pullrequests/1/diffstat?pagelen=5000" |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["size"])')
[ "$files" = "$PR_FILES" ] || die "the diffstat has $files files, not $PR_FILES"

PAGE_MS=$(median "$URL/bench/big/pull-requests/1")
DIFF_MS=$(median "$URL/bench/big/pull-requests/1/diff")
STAT_MS=$(median "$URL/2.0/repositories/bench/big/pullrequests/1/diffstat")
for v in "$PAGE_MS" "$DIFF_MS" "$STAT_MS"; do
	[ -n "$v" ] || die "a measurement failed"
done
MERGE_S=$(curl -s -o "$TMP/merge.json" -w '%{time_total}' "${AUTH[@]}" -X POST \
	-H 'content-type: application/json' -d '{"merge_strategy": "merge_commit"}' \
	"$URL/2.0/repositories/bench/big/pullrequests/1/merge")
grep -q '"MERGED"' "$TMP/merge.json" || die "the merge failed: $(head -c 300 "$TMP/merge.json")"
MERGE_MS=$(awk -v s="$MERGE_S" 'BEGIN { printf "%.1f", s * 1000 }')

echo "pull request page:            median ${PAGE_MS} ms over $REQUESTS requests"
echo "pull request diff page:       median ${DIFF_MS} ms over $REQUESTS requests"
echo "diffstat API:                 median ${STAT_MS} ms over $REQUESTS requests"
echo "merge (merge commit):         ${MERGE_MS} ms"
missed=0
for v in "$PAGE_MS" "$DIFF_MS" "$STAT_MS"; do
	awk -v v="$v" -v t="$TARGET_MS" 'BEGIN { exit !(v < t) }' || missed=1
done
awk -v v="$MERGE_MS" -v t="$MERGE_TARGET_MS" 'BEGIN { exit !(v < t) }' || missed=1
if [ "$missed" = 0 ]; then
	echo "targets: medians < ${TARGET_MS} ms, merge < ${MERGE_TARGET_MS} ms: met"
else
	echo "targets: medians < ${TARGET_MS} ms, merge < ${MERGE_TARGET_MS} ms: MISSED"
	[ "$BENCH_STRICT" = 1 ] && exit 1
fi
exit 0

#!/usr/bin/env bash
# The commits page of a large history: the median time of GET /{workspace}/{repo}/commits (and of
# the API's GET /2.0/repositories/{workspace}/{repo}/commits) on a repository of COMMITS commits,
# over REQUESTS sequential requests with wrk (one connection). Target: median < 20 ms with
# 100,000 commits.
#
# usage: bench/commits.sh
# environment:
#   WEFT_BIN      the binary (default: build/weft under the repository root); nothing is built
#   COMMITS       commits in the generated history (default 100000)
#   REQUESTS      requests measured per URL (default 200)
#   BENCH_STRICT  1: exit 1 when the target is missed (default: report only)
# The repository comes from bench/lib/make_repo.sh when it exists, otherwise from git fast-import
# here. Needs wrk, git, curl and python3; installs nothing.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WEFT_BIN=${WEFT_BIN:-$ROOT/build/weft}
COMMITS=${COMMITS:-100000}
REQUESTS=${REQUESTS:-200}
BENCH_STRICT=${BENCH_STRICT:-0}
TARGET_MS=20

die() {
	echo "bench/commits: $*" >&2
	exit 1
}

for tool in wrk git curl python3; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed"
done
case $WEFT_BIN in /*) ;; *) WEFT_BIN=$(pwd)/$WEFT_BIN ;; esac
[ -x "$WEFT_BIN" ] || die "no weft binary at $WEFT_BIN (build it, or set WEFT_BIN)"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/weft-bench-commits.XXXXXX")
WEFT_PID=
cleanup() {
	[ -n "$WEFT_PID" ] && kill "$WEFT_PID" 2>/dev/null && wait "$WEFT_PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

# --- the history -------------------------------------------------------------------------------
# A linear history of $COMMITS commits, each changing one of 100 files, one minute apart.
generate() {
	local dir=$1
	git init -q --bare "$dir" || return 1
	python3 - "$COMMITS" <<'PY' | git --git-dir="$dir" fast-import --quiet || return 1
import sys
n = int(sys.argv[1])
out = sys.stdout.buffer
start = 1500000000
for i in range(1, n + 1):
    body = b"change %d\n" % i
    msg = b"Change number %d\n\nA generated commit for the benchmark.\n" % i
    out.write(b"commit refs/heads/main\nmark :%d\n" % i)
    out.write(b"author Bench Author <bench@example.com> %d +0000\n" % (start + 60 * i))
    out.write(b"committer Bench Author <bench@example.com> %d +0000\n" % (start + 60 * i))
    out.write(b"data %d\n%s" % (len(msg), msg))
    if i > 1:
        out.write(b"from :%d\n" % (i - 1))
    out.write(b"M 100644 inline file%02d.txt\ndata %d\n%s\n" % (i % 100, len(body), body))
PY
}

SRC=$TMP/source.git
if [ -x "$ROOT/bench/lib/make_repo.sh" ]; then
	"$ROOT/bench/lib/make_repo.sh" "$SRC" "$COMMITS" || die "bench/lib/make_repo.sh failed"
else
	generate "$SRC" || die "cannot generate the repository"
fi
echo "history: $(git --git-dir="$SRC" rev-list --count --all) commits"

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

# A public repository (anonymous requests: no password hashing in the measurement), filled by
# fetching the generated history into its bare repository.
status=$(curl -s -o "$TMP/create.json" -w '%{http_code}' -u bench:bench-secret-pw \
	-H 'content-type: application/json' -d '{"scm":"git","is_private":false}' \
	"$URL/2.0/repositories/bench/history")
[ "$status" = 200 ] || [ "$status" = 201 ] || die "cannot create the repository: $status"
BARE=$(ls -d "$DATA"/repos/*/*.git | head -n 1)
git --git-dir="$BARE" fetch -q "$SRC" 'refs/heads/*:refs/heads/*' || die "cannot fill the repository"

# --- measuring ---------------------------------------------------------------------------------
. "$ROOT/bench/lib/wrk_median.sh"

# median URL [COUNT]: the 50th percentile latency of COUNT (default REQUESTS) requests over one
# connection, in ms.
median() {
	wrk_median bench/commits "$1" "${2:-$REQUESTS}" 120
}

# A cursor 30,000 commits deep, as following "Older" / next a thousand times would give.
CURSOR=$(curl -s "$URL/2.0/repositories/bench/history/commits?page=3000&pagelen=10" |
	python3 -c 'import json, sys, urllib.parse as u; n = json.load(sys.stdin)["next"]; print(u.parse_qs(u.urlparse(n).query)["page"][0])')

# What is measured must be the real page: 30 commits, the newest first.
rows=$(curl -s "$URL/bench/history/commits" | grep -c 'class="commit-summary">Change number')
[ "$rows" = 30 ] || die "the commits page shows $rows commits, not 30"
curl -s "$URL/bench/history/commits" | grep -q "Change number $COMMITS<" ||
	die "the commits page does not start with the newest commit"

PAGE_MS=$(median "$URL/bench/history/commits")
API_MS=$(median "$URL/2.0/repositories/bench/history/commits")
CURSOR_MS=$(median "$URL/bench/history/commits?page=$CURSOR")
SKIP_MS=$(median "$URL/bench/history/commits?page=1000" 20)
for v in "$PAGE_MS" "$API_MS" "$CURSOR_MS" "$SKIP_MS"; do
	[ -n "$v" ] || die "a measurement failed"
done
echo "commits page (30 commits):                  median ${PAGE_MS} ms over $REQUESTS requests"
echo "commits API (10 commits):                   median ${API_MS} ms over $REQUESTS requests"
echo "commits page at a cursor 30,000 deep:       median ${CURSOR_MS} ms over $REQUESTS requests"
echo "commits page=1000 (walks 29,970 to skip):   median ${SKIP_MS} ms over 20 requests"
ok=$(awk -v v="$PAGE_MS" -v t="$TARGET_MS" 'BEGIN { print (v < t) ? 1 : 0 }')
if [ "$ok" = 1 ]; then
	echo "target: commits page median < ${TARGET_MS} ms: met"
else
	echo "target: commits page median < ${TARGET_MS} ms: MISSED"
	[ "$BENCH_STRICT" = 1 ] && exit 1
fi
exit 0

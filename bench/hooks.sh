#!/usr/bin/env bash
# Webhook delivery: (1) PUSHES pushes of one commit each with the real git client, and for each
# the time from `git push` returning to the receiver (tests/integration/hook_receiver.py, a
# Python HTTP/1.1 server) having its repo:push request: median and p99 (targets: median < 20 ms,
# p99 < 100 ms); (2) deliveries per second: QUEUED repo:push events recorded with `weft hook
# post-receive` while weft is stopped, then weft started and the time from the receiver's first
# to its last request (target: >= 1,000/s on SQLite).
#
# usage: bench/hooks.sh
# environment:
#   WEFT_BIN        the binary (default: build/weft under the repository root)
#   PUSHES, QUEUED  (default 200, 1000)
#   BENCH_STRICT    1: exit 1 when a target is missed (default: report only)
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WEFT_BIN=${WEFT_BIN:-$ROOT/build/weft}
PUSHES=${PUSHES:-200}
QUEUED=${QUEUED:-1000}
BENCH_STRICT=${BENCH_STRICT:-0}

die() {
	echo "bench/hooks: $*" >&2
	exit 1
}

for tool in git python3 curl; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed"
done
case $WEFT_BIN in /*) ;; *) WEFT_BIN=$(pwd)/$WEFT_BIN ;; esac
[ -x "$WEFT_BIN" ] || die "no program at $WEFT_BIN: build it first (ninja -C build)"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/weft-bench-hooks.XXXXXX") || die "cannot create a directory"
WEFT_PID=
RECV_PID=
cleanup() {
	local rc=$?
	trap - EXIT
	for pid in $WEFT_PID $RECV_PID; do
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT INT TERM

DATA=$TMP/data
PASSWORD=bench-password-1
printf '%s\n' "$PASSWORD" | "$WEFT_BIN" hub admin create-user bench --email bench@example.com \
	--data "$DATA" >/dev/null 2>&1 || die "cannot create the user"

start_weft() {
	: >"$TMP/weft.out"
	"$WEFT_BIN" serve hub --data "$DATA" --hub-listen 127.0.0.1:0 --log-level warn \
		--webhook-allowed-hosts 127.0.0.1/32 >"$TMP/weft.out" 2>"$TMP/weft.err" &
	WEFT_PID=$!
	local i
	for i in $(seq 200); do
		BASE=$(sed -n 's/^hub listening on //p' "$TMP/weft.out")
		[ -n "$BASE" ] && return 0
		sleep 0.05
	done
	die "weft did not start: $(tail -n 5 "$TMP/weft.err")"
}
stop_weft() {
	kill -TERM "$WEFT_PID"
	wait "$WEFT_PID" 2>/dev/null
	WEFT_PID=
}

python3 "$ROOT/tests/integration/hook_receiver.py" "$TMP/port" "$TMP/received.jsonl" &
RECV_PID=$!
for i in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.05; done
RECEIVER=http://127.0.0.1:$(cat "$TMP/port")
: >>"$TMP/received.jsonl"

start_weft
api() {
	curl -sf -u "bench:$PASSWORD" -H 'Content-Type: application/json' "$@"
}
api -d '{"scm": "git", "is_private": true}' "$BASE/2.0/repositories/bench/demo" \
	>"$TMP/repo.json" || die "cannot create the repository"
api -d "{\"url\": \"$RECEIVER/hook\", \"events\": [\"repo:push\"], \"secret\": \"s\"}" \
	"$BASE/2.0/repositories/bench/demo/hooks" >/dev/null || die "cannot create the webhook"

export HOME=$TMP/home GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
mkdir -p "$HOME"
git config --global user.name Bench
git config --global user.email bench@example.com
git config --global init.defaultBranch main
WORK=$TMP/work
git init -q "$WORK"
REMOTE=${BASE/http:\/\//http://bench:$PASSWORD@}/bench/demo.git

received() {
	wc -l <"$TMP/received.jsonl" | tr -d ' '
}

# (1) latency: push, then wait for the request; t_received - t_push_returned.
: >"$TMP/latency.txt"
for i in $(seq "$PUSHES"); do
	echo "$i" >>"$WORK/file.txt"
	git -C "$WORK" add file.txt && git -C "$WORK" commit -qm "commit $i"
	before=$(received)
	git -C "$WORK" push -q "$REMOTE" main 2>>"$TMP/git.err" || die "git push failed: $(tail -n 3 "$TMP/git.err")"
	returned=$(date +%s%3N)
	for j in $(seq 2000); do
		[ "$(received)" -gt "$before" ] && break
		sleep 0.005
	done
	[ "$(received)" -gt "$before" ] || die "push $i: no delivery within 10 s"
	# Negative: the request arrived before git push returned (the hook ran inside the push).
	python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])][-1]; print("%.3f" % (r["t"] - float(sys.argv[2])))' \
		"$TMP/received.jsonl" "$returned" >>"$TMP/latency.txt"
done
read -r MEDIAN P99 EARLY < <(python3 -c 'import sys
raw = [float(l) for l in open(sys.argv[1])]
v = sorted(raw)
q = lambda p: v[min(len(v) - 1, int(round(p * (len(v) - 1))))]
print("%.1f %.1f %d" % (q(0.5), q(0.99), sum(1 for x in raw if x <= 0)))' "$TMP/latency.txt")
stop_weft

# (2) throughput: QUEUED events recorded by the hook while weft is stopped, then sent.
REPO_ID=$(python3 - "$DATA/hub.db" <<'PY'
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT id FROM repositories").fetchone()[0])
PY
)
A=$(git -C "$WORK" rev-parse HEAD~1)
B=$(git -C "$WORK" rev-parse HEAD)
: >"$TMP/received.jsonl"
for i in $(seq "$QUEUED"); do
	if [ $((i % 2)) = 1 ]; then echo "$B $A refs/heads/main"; else echo "$A $B refs/heads/main"; fi |
		WEFT_HUB_DB=$DATA/hub.db WEFT_REPOSITORY_ID=$REPO_ID WEFT_PUSH_ACTOR=1 \
			WEFT_HOOK_BASE_URL=$BASE WEFT_REPOS_DIR=$DATA/repos "$WEFT_BIN" hook post-receive
done
start_weft
for j in $(seq 6000); do
	[ "$(received)" -ge "$QUEUED" ] && break
	sleep 0.01
done
[ "$(received)" -ge "$QUEUED" ] || die "only $(received) of $QUEUED deliveries arrived within 60 s"
RATE=$(python3 -c 'import json,sys
t = [json.loads(l)["t"] for l in open(sys.argv[1])]
print("%.0f" % ((len(t) - 1) / ((max(t) - min(t)) / 1000.0)))' "$TMP/received.jsonl")

echo "bench/hooks: push -> receiver: median ${MEDIAN} ms, p99 ${P99} ms over $PUSHES pushes (targets < 20, < 100); $EARLY arrived before git push returned (negative lead times, kept signed)"
echo "bench/hooks: deliveries: ${RATE}/s with $QUEUED queued events (target >= 1000/s, SQLite)"
missed=0
python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) < 20 and float(sys.argv[2]) < 100 and float(sys.argv[3]) >= 1000 else 1)' \
	"$MEDIAN" "$P99" "$RATE" || missed=1
[ "$BENCH_STRICT" = 1 ] && [ "$missed" = 1 ] && exit 1
exit 0

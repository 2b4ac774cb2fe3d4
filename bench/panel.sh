#!/usr/bin/env bash
# The development panel, end to end on one machine: hub and track in one `weft serve`, a hub
# account linked to track with `weft track dvcs link` (client credentials), then
#  (a) PUSHES pushes with real git, each of one commit naming PROJ-1: the time from `git push`
#      returning to the commit showing in GET /rest/dev-status/1.0/issue/detail (polled every
#      2 ms over one keep-alive connection): median and p99. Targets < 100 ms and < 250 ms.
#  (b) the issue page with its panel for PROJ-2, with COMMITS linked commits (rows written
#      straight into track's store): wrk's median. Target < 10 ms. For scale on a busy machine,
#      the same page of PROJ-3, which has nothing linked, is measured the same way.
#
# usage: bench/panel.sh
# environment:
#   WEFT_BIN        the binary (default: build/weft under the repository root); nothing is built.
#                   (a) needs the connector's linking and syncing (issue 13) in that binary.
#   PUSHES          pushes measured in (a) (default 200; 0 skips (a))
#   COMMITS         linked commits of the issue in (b) (default 1000)
#   ENGINE          sqlite (default) or postgres (a throw-away cluster from scripts/pg.sh)
#   WRK_DURATION    wrk -d for (b) (default 10s; one thread, one connection)
#   BENCH_STRICT    1: exit 1 when a target is missed (default: report only)
#   PANEL_TRACE     1: weft logs at debug level, and (a) also prints where the time went: the
#                   webhook's arrival after `git push` returned, and the median of each step of
#                   track's sync runs (the "dvcs sync" lines of the log); and issue 13's soft-sync
#                   figure: from the webhook's arrival at track (its log line less its handler's
#                   time) to the commit stored by the sync run that began after it (that run's
#                   end less its pull-request and end steps), median and p99, target < 50 ms
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WEFT_BIN=${WEFT_BIN:-$ROOT/build/weft}
PUSHES=${PUSHES:-200}
COMMITS=${COMMITS:-1000}
ENGINE=${ENGINE:-sqlite}
WRK_DURATION=${WRK_DURATION:-10s}
BENCH_STRICT=${BENCH_STRICT:-0}
PANEL_TRACE=${PANEL_TRACE:-0}
LOG_LEVEL=info
[ "$PANEL_TRACE" = 1 ] && LOG_LEVEL=debug

die() {
	echo "bench/panel: $*" >&2
	exit 1
}
. "$ROOT/bench/lib/serve.sh"

for tool in wrk curl git python3; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (scripts/deps.sh installs it)"
done
case $WEFT_BIN in /*) ;; *) WEFT_BIN=$(pwd)/$WEFT_BIN ;; esac
[ -x "$WEFT_BIN" ] || die "no program at $WEFT_BIN: build it first (ninja -C build)"
for var in PUSHES COMMITS; do
	case ${!var} in '' | *[!0-9]*) die "$var must be a number, got '${!var}'" ;; esac
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/weft-bench-panel.XXXXXX") || die "cannot create a directory"
chmod 755 "$TMP"
DATA=$TMP/data
WEFT_PID=
cleanup() {
	local rc=$?
	trap - EXIT
	[ -n "$WEFT_PID" ] && bench_stop "$WEFT_PID" TERM
	[ "$ENGINE" = postgres ] && "$ROOT/scripts/pg.sh" stop "$TMP/pg" 2>/dev/null
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

DBS=()
case $ENGINE in
sqlite) ;;
postgres)
	"$ROOT/scripts/pg.sh" start "$TMP/pg" >/dev/null || die "cannot start PostgreSQL"
	HUB_DB=$("$ROOT/scripts/pg.sh" createdb "$TMP/pg" hub) || die "no hub database"
	TRACK_DB=$("$ROOT/scripts/pg.sh" createdb "$TMP/pg" track) || die "no track database"
	DBS=(--hub-db "$HUB_DB" --track-db "$TRACK_DB")
	;;
*) die "ENGINE is sqlite or postgres, got '$ENGINE'" ;;
esac
# sql TEXT: statements on track's database.
sql() {
	if [ "$ENGINE" = postgres ]; then
		psql -qAt -v ON_ERROR_STOP=1 "$TRACK_DB" -c "$1" >/dev/null
	else
		sqlite3 -bail "$DATA/track.db" ".timeout 5000" "$1" >/dev/null
	fi
}
weft() {
	timeout 120 "$WEFT_BIN" "$@" --data "$DATA" "${DBS[@]}"
}

# --- the two services, a user on each, a project with two issues -------------------------------

PASSWORD=bench-password-123
printf '%s\n' "$PASSWORD" | weft hub admin create-user ann --email ann@example.com \
	--display-name Ann >/dev/null 2>"$TMP/err" || die "hub user: $(cat "$TMP/err")"
printf '%s\n' "$PASSWORD" | weft track admin create-user ann --email ann@example.com \
	--display-name Ann --admin >/dev/null 2>"$TMP/err" || die "track user: $(cat "$TMP/err")"
"$WEFT_BIN" serve --data "$DATA" "${DBS[@]}" --hub-listen 127.0.0.1:0 --track-listen 127.0.0.1:0 \
	--webhook-allowed-hosts 127.0.0.1/32 --log-level "$LOG_LEVEL" >"$TMP/weft.out" 2>"$TMP/weft.err" &
WEFT_PID=$!
for _ in $(seq 300); do
	HUB=$(sed -n 's/^hub listening on //p' "$TMP/weft.out")
	TRACK=$(sed -n 's/^track listening on //p' "$TMP/weft.out")
	[ -n "$HUB" ] && [ -n "$TRACK" ] && break
	sleep 0.1
done
[ -n "$TRACK" ] || die "weft did not start: $(tail -3 "$TMP/weft.err")"

curl -sf -u "ann@example.com:$PASSWORD" -H 'Content-Type: application/json' \
	-d '{"key":"PROJ","name":"Panel bench","projectTypeKey":"software"}' \
	"$TRACK/rest/api/2/project" >/dev/null || die "cannot create the project"
for n in 1 2 3; do
	curl -sf -u "ann@example.com:$PASSWORD" -H 'Content-Type: application/json' \
		-d "{\"fields\":{\"project\":{\"key\":\"PROJ\"},\"summary\":\"Issue $n\"}}" \
		"$TRACK/rest/api/2/issue" >"$TMP/issue$n.json" || die "cannot create PROJ-$n"
done
ID1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$TMP/issue1.json")

# A session (for the page) and an API token (for the dev-status API: Basic email:token, cheap).
JAR=$TMP/jar
csrf() { grep -o 'name="csrf" value="[0-9a-f]*"' "$1" | head -n 1 | sed 's/.*value="//; s/"$//'; }
curl -s -b "$JAR" -c "$JAR" -o "$TMP/login.html" "$TRACK/login"
curl -s -b "$JAR" -c "$JAR" -o /dev/null --data-urlencode "csrf=$(csrf "$TMP/login.html")" \
	--data-urlencode login=ann --data-urlencode "password=$PASSWORD" "$TRACK/login"
curl -s -b "$JAR" -c "$JAR" -o "$TMP/tokens.html" "$TRACK/account/tokens"
curl -s -b "$JAR" -c "$JAR" -o "$TMP/token.html" --data-urlencode "csrf=$(csrf "$TMP/tokens.html")" \
	--data-urlencode label=bench --data-urlencode kind=api_token "$TRACK/account/tokens"
TOKEN=$(sed -n 's|.*<code id="new-token">\([^<]*\)</code>.*|\1|p' "$TMP/token.html" | head -n 1)
[ -n "$TOKEN" ] || die "no API token"
SESSION=$(awk '$6 == "track_session" { print $6 "=" $7 }' "$JAR" | head -n 1)
[ -n "$SESSION" ] || die "no session"

missed=0
verdict() { # verdict VALUE TARGET: "ok" or "MISSED" (and remembers a miss)
	if python3 -c "import sys; sys.exit(0 if $1 < $2 else 1)"; then echo ok; else
		missed=1
		echo MISSED
	fi
}

# --- (a) push to panel -------------------------------------------------------------------------

if [ "$PUSHES" -gt 0 ]; then
	curl -sf -u "ann:$PASSWORD" -H 'Content-Type: application/json' -d '{"scm":"git","is_private":true}' \
		"$HUB/2.0/repositories/ann/app" >/dev/null || die "cannot create the repository"
	weft hub admin create-consumer ann --name "Jira DVCS" --callback "$TRACK/secure/admin/dvcs/callback" \
		--private --scopes "repository:admin webhook account team pullrequest" >"$TMP/consumer.out" 2>&1 ||
		die "cannot create the consumer: $(cat "$TMP/consumer.out")"
	KEY=$(sed -n 's/^key=//p' "$TMP/consumer.out")
	SECRET=$(sed -n 's/^secret=//p' "$TMP/consumer.out")
	weft track dvcs link --host-url "$HUB" --account ann --key "$KEY" <<<"$SECRET" >"$TMP/link.out" 2>&1 ||
		die "weft track dvcs link failed: $(cat "$TMP/link.out")"
	git init -q -b main "$TMP/work" || die "git init"
	git -C "$TMP/work" remote add origin "${HUB/http:\/\//http://ann:$PASSWORD@}/ann/app.git"

	python3 - "$TMP/work" "$TRACK/rest/dev-status/1.0/issue/detail?issueId=$ID1&applicationType=bitbucket&dataType=repository" \
		"ann@example.com:$TOKEN" "$PUSHES" "$TMP/pushes.txt" >"$TMP/push.out" <<'PY' || die "the push loop failed: $(tail -3 "$TMP/push.out")"
import base64, http.client, statistics, subprocess, sys, time, urllib.parse
work, url, cred, pushes, times = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
marks = open(times, "w")  # per push: wall ms when git push started, returned, and the commit showed
u = urllib.parse.urlsplit(url)
conn = http.client.HTTPConnection(u.hostname, u.port)
auth = {"Authorization": "Basic " + base64.b64encode(cred.encode()).decode()}
env = {"GIT_AUTHOR_NAME": "Ann", "GIT_AUTHOR_EMAIL": "ann@example.com", "GIT_COMMITTER_NAME": "Ann",
       "GIT_COMMITTER_EMAIL": "ann@example.com", "PATH": "/usr/bin:/bin", "HOME": work}
def git(*args):
    return subprocess.run(["git", "-C", work] + list(args), env=env, check=True,
                          capture_output=True, text=True).stdout.strip()
def shows(hash_):
    conn.request("GET", u.path + "?" + u.query, headers=auth)
    r = conn.getresponse()
    body = r.read().decode()
    if r.status != 200:
        sys.exit("detail answered %d: %s" % (r.status, body[:200]))
    return hash_ in body
def push_and_wait(n, limit):
    with open(work + "/file.txt", "a") as f:
        f.write("change %d\n" % n)
    git("add", "file.txt")
    git("commit", "-q", "-m", "PROJ-1 change %d" % n)
    h = git("rev-parse", "HEAD")
    started = time.time()
    git("push", "-q", "origin", "main")
    t0 = time.monotonic()
    returned = time.time()
    while not shows(h):
        if time.monotonic() - t0 > limit:
            sys.exit("commit %d did not show within %d s" % (n, limit))
        time.sleep(0.002)
    elapsed = (time.monotonic() - t0) * 1000
    marks.write("%d %.3f %.3f %.3f\n" % (n, started * 1000, returned * 1000, returned * 1000 + elapsed))
    return elapsed
push_and_wait(0, 120)  # the first push: the repository's first sync after linking
ms = sorted(push_and_wait(n, 30) for n in range(1, pushes + 1))
p99 = ms[min(len(ms) - 1, int(round(0.99 * len(ms))) - 1)]
print("median=%.1f p99=%.1f max=%.1f min=%.1f" % (statistics.median(ms), p99, ms[-1], ms[0]))
PY
	read -r median p99 <<<"$(sed -n 's/^median=\([0-9.]*\) p99=\([0-9.]*\).*/\1 \2/p' "$TMP/push.out")"
	echo "(a) $PUSHES pushes, git push returning -> commit in dev-status detail ($ENGINE): $(cat "$TMP/push.out")"
	printf '    median %s ms (target < 100: %s), p99 %s ms (target < 250: %s)\n' "$median" \
		"$(verdict "$median" 100)" "$p99" "$(verdict "$p99" 250)"
	[ "$PANEL_TRACE" = 1 ] && python3 - "$TMP/pushes.txt" "$TMP/weft.err" <<'PY'
import datetime, re, statistics, sys
pushes = [tuple(float(x) for x in line.split()) for line in open(sys.argv[1]) if not line.startswith("0 ")]
def wall(stamp):  # the log's "2026-01-01T10:00:00.123+00:00" as epoch ms
    return datetime.datetime.fromisoformat(stamp).timestamp() * 1000
hooks, jobs, syncs = [], [], []
for line in open(sys.argv[2]):
    m = re.match(r"(\S+) debug dvcs (webhook|sync) (.*)", line)
    if not m:
        continue
    fields = dict(kv.split("=", 1) for kv in m.group(3).split() if "=" in kv)
    kind = hooks if m.group(2) == "webhook" else jobs if "job" in fields else syncs
    kind.append((wall(m.group(1)), fields))
def med(values):
    return "%.1f" % statistics.median(values) if values else "-"
# Each push's first webhook after the push started, and the first sync run that began after it.
arrive, ended, shown, stored = [], [], [], []
for _, started, returned, visible in pushes:
    h = next(((t, f) for t, f in hooks if t >= started - 1), None)
    s = next(((t, f) for t, f in syncs if h is not None and t - float(f["total"]) >= h[0] - 1), None)
    if h is not None:
        arrive.append(h[0] - returned)
    if s is not None:
        ended.append(s[0] - returned)
        # the webhook's arrival (its line is written as it answers) to the commit stored: the
        # run's end less the steps after the walk and the settling (pull requests, the end)
        stored.append(s[0] - float(s[1].get("pulls", 0)) - float(s[1].get("end", 0)) -
                      (h[0] - float(h[1]["took"])))
    shown.append(visible - returned)
print("    trace (ms, medians over %d pushes; negative: before `git push` returned):" % len(pushes))
print("      webhook at track %s, its handler %s; the job queue's wait %s; the next sync run ends"
      " %s; the commit shows %s" % (med(arrive), med([float(f["took"]) for _, f in hooks]),
      med([float(f["queued"]) for _, f in jobs]), med(ended), med(shown)))
stored.sort()
if stored:
    p99 = stored[min(len(stored) - 1, int(round(0.99 * len(stored))) - 1)]
    print("    soft sync, webhook's arrival -> commit stored by its sync (issue 13; %d pushes):"
          " median %.1f ms (target < 50: %s), p99 %.1f ms" % (len(stored), statistics.median(stored),
          "ok" if statistics.median(stored) < 50 else "MISSED", p99))
steps = ["start", "token", "fetch", "walk", "settle", "pulls", "end", "total"]
print("      sync run steps (%d runs): %s" % (len(syncs), ", ".join(
    "%s %s" % (k, med([float(f[k]) for _, f in syncs if k in f])) for k in steps)))
PY
fi

# --- (b) the issue page with 1,000 linked commits ----------------------------------------------

if [ "$ENGINE" = postgres ]; then
	series="generate_series(1, $COMMITS) AS s(i)"
	hash="lpad(to_hex(s.i), 40, 'f')"
else
	series="(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $COMMITS) SELECT i FROM n) AS s"
	hash="printf('%040x', s.i)"
fi
sql "INSERT INTO dvcs_accounts (host_kind, site_url, api_url, account, oauth_key, oauth_secret, status, created_at, updated_at) VALUES ('weft', 'http://bench.example', 'http://bench.example/2.0', 'bench', 'k', 's', 'ok', 0, 0);
INSERT INTO dvcs_repos (account_id, slug, name, linked, created_at, updated_at) SELECT id, 'bulk', 'bulk', 1, 0, 0 FROM dvcs_accounts WHERE account = 'bench';
INSERT INTO dvcs_commits (hash, author_name, author_email, authored_at, message, file_count) SELECT $hash, 'Ann', 'ann@example.com', 1705320000000 + s.i * 1000, 'PROJ-2 bulk commit <b>' || s.i || '</b>', 3 FROM $series;
INSERT INTO dvcs_repo_commits (repo_id, commit_id) SELECT r.id, c.id FROM dvcs_repos r, dvcs_commits c WHERE r.slug = 'bulk' AND c.message LIKE 'PROJ-2 bulk%';
INSERT INTO dvcs_commit_keys (issue_key, commit_id) SELECT 'PROJ-2', id FROM dvcs_commits WHERE message LIKE 'PROJ-2 bulk%';" ||
	die "cannot write the linked commits"
status=$(curl -s -o "$TMP/page.html" -w '%{http_code}' -H "Cookie: $SESSION" "$TRACK/browse/PROJ-2")
[ "$status" = 200 ] || die "the issue page answers $status"
grep -q "data-dev=\"commits\">$COMMITS</a>" "$TMP/page.html" || die "the panel does not count $COMMITS commits"
# page KEY: wrk on the issue page; sets p50, p99, rps and ms (the median in ms).
page() {
	wrk -t 1 -c 1 -d "$WRK_DURATION" --latency -H "Cookie: $SESSION" "$TRACK/browse/$1" >"$TMP/wrk.out" 2>&1 ||
		die "wrk failed"
	p50=$(awk '$1 == "50%" { print $2 }' "$TMP/wrk.out")
	p99=$(awk '$1 == "99%" { print $2 }' "$TMP/wrk.out")
	rps=$(awk '$1 == "Requests/sec:" { print $2 }' "$TMP/wrk.out")
	ms=$(python3 -c 'import re,sys
v, u = re.match(r"([0-9.]+)(us|ms|s)", sys.argv[1]).groups()
print(float(v) * {"us": 0.001, "ms": 1, "s": 1000}[u])' "$p50")
}
echo "(b) the issue page with its panel ($ENGINE), wrk -t1 -c1 -d$WRK_DURATION:"
page PROJ-2
printf '    PROJ-2, %s linked commits: median %s (target < 10 ms: %s), p99 %s, %s req/s\n' "$COMMITS" \
	"$p50" "$(verdict "$ms" 10)" "$p99" "$rps"
page PROJ-3
printf '    PROJ-3, nothing linked:      median %s, p99 %s, %s req/s\n' "$p50" "$p99" "$rps"

[ "$BENCH_STRICT" = 1 ] && [ "$missed" = 1 ] && exit 1
exit 0

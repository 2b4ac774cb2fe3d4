# The connector's sync engine (issue 13) against a real hub in its own process: a push with keys
# in messages and branch names → linked commits with their keys; the same commits in a second
# repository stored once; a force push unlinking what it dropped; the webhook target's refusals
# (unknown repository, wrong signature); a webhook lost while track was down → the periodic sync
# brings the commits; hub down during a sync → the error shown, retried, done once hub is back;
# track's weft serve killed with SIGKILL five times during a backfill of 100,000 commits → every
# commit linked exactly once, none missing (compared with git rev-list on hub's repository).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dvcs_lib.sh"
. "$(dirname "$0")/repos_lib.sh"

dvcs_stores sync
create_user alice
dvcs_team ops Operations alice

# Both services keep their port across restarts: the account names hub's URL, and hub's hooks
# name track's.
HUB_PORT=$(free_port)
TRACK_PORT=$(free_port)
start_track() {
	weft_launch track serve track --data "$DATA" --track-listen "127.0.0.1:$TRACK_PORT" \
		"${TRACK_DB[@]}" --job-lease 3 --dvcs-sync-interval 10 || bail "track did not start"
	TRACK_PID=$WEFT_PID
	TRACK=$TRACK_URL
	HUB_URL=$HUB
}
dvcs_start_hub
start_track

dvcs_repos alice ops/r1 ops/r2 ops/big
BIG_DIR=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["workspace"]["uuid"].strip("{}") + "/" + j["uuid"].strip("{}"))' "$RESP_BODY")
BIG_DIR=$DATA/repos/$BIG_DIR.git
dvcs_consumer ops Track "$TRACK"

synced() { # SLUG COMMITS: the repository's last sync is done with COMMITS linked commits
	repo_line "$1" | grep -q " sync=done commits=$2 "
}
linked_to() { # SLUG: the commits linked to the repository, as stored
	track_sql "SELECT COUNT(*) FROM dvcs_repo_commits rc JOIN dvcs_repos r ON r.id = rc.repo_id WHERE r.slug = '$1'"
}

dvcs_link ops
eventually "discovery links r1, r2 and big with their hooks, and syncs them (empty)" 30 eval \
	'[ "$(dvcs list </dev/null; grep -cE " hook=ok sync=done commits=0 " "$RUN_OUT")" = 3 ]'

# --- a push with keys in messages and branch names ------------------------------------------------

dvcs_work
commit "PROJ-1 the first change"
commit "fix abc-2 as well"
commit "nothing to link"
git checkout -q -b feature/proj-7-login
commit "login form"
git checkout -q main
git push -q "$AUTH_URL/ops/r1.git" main feature/proj-7-login 2>"$TEST_TMP/push.err" ||
	bail "push to r1 failed: $(cat "$TEST_TMP/push.err")"
cd "$TEST_TMP" || bail "cd"
eventually "the push's webhook syncs r1: 4 commits" 30 synced r1 4
check "3 issue keys found in r1" eval 'repo_line r1 | grep -q " issues=3"'
check "PROJ-1 links one commit" test "$(track_sql "SELECT COUNT(*) FROM dvcs_commit_keys WHERE issue_key = 'PROJ-1'")" = 1
check "abc-2 links as ABC-2" test "$(track_sql "SELECT COUNT(*) FROM dvcs_commit_keys WHERE issue_key = 'ABC-2'")" = 1
check "the branch feature/proj-7-login links PROJ-7" \
	test "$(track_sql "SELECT COUNT(*) FROM dvcs_branch_keys k JOIN dvcs_branches b ON b.id = k.branch_id WHERE k.issue_key = 'PROJ-7' AND b.name = 'feature/proj-7-login'")" = 1
check "the commits carry author and email, and no file count (the views count theirs)" \
	test "$(track_sql "SELECT COUNT(*) FROM dvcs_commits WHERE author_name = 'Alice Liddell' AND author_email = 'alice@example.com' AND file_count IS NULL AND is_merge = 0")" = 4
check "a mirror of r1 is under the data directory" eval 'ls -d "$DATA"/dvcs/*.git >/dev/null'
check "the token is in no file of the mirrors" eval '! grep -rqs "x-token-auth" "$DATA/dvcs"'

# --- the same commits in a second repository are stored once --------------------------------------

(cd "$WORK" && git push -q "$AUTH_URL/ops/r2.git" main feature/proj-7-login 2>/dev/null) ||
	bail "push to r2 failed"
eventually "r2 syncs the same 4 commits" 30 synced r2 4
check "each commit is stored once" test "$(track_sql "SELECT COUNT(*) FROM dvcs_commits")" = 4
check "and linked to both repositories" test "$(track_sql "SELECT COUNT(*) FROM dvcs_repo_commits")" = 8

# --- a force push drops a commit ------------------------------------------------------------------

(cd "$WORK" && commit "PROJ-5 soon dropped from r1" &&
	git push -q "$AUTH_URL/ops/r1.git" main 2>/dev/null && git push -q "$AUTH_URL/ops/r2.git" main 2>/dev/null) ||
	bail "the push of PROJ-5 failed"
eventually "r1 has 5 commits" 30 synced r1 5
eventually "r2 has 5 commits" 30 synced r2 5
(cd "$WORK" && git reset -q --hard HEAD~1 && echo other >other.txt && git add other.txt &&
	git commit -q -m "PROJ-8 instead" && git push -q --force "$AUTH_URL/ops/r1.git" main 2>/dev/null) ||
	bail "the force push failed"
eventually "after the force push r1 has 5 commits: one dropped, one added" 30 synced r1 5
check "the dropped commit is no longer r1's" \
	test "$(track_sql "SELECT COUNT(*) FROM dvcs_repo_commits rc JOIN dvcs_commits c ON c.id = rc.commit_id JOIN dvcs_repos r ON r.id = rc.repo_id WHERE r.slug = 'r1' AND c.message LIKE 'PROJ-5 soon%'")" = 0
check "but stays stored with its key, since r2 has it" \
	test "$(track_sql "SELECT COUNT(*) FROM dvcs_commits c JOIN dvcs_commit_keys k ON k.commit_id = c.id WHERE k.issue_key = 'PROJ-5'")" = 1
check "r1's links are exactly what git lists on hub" \
	test "$(linked_to r1)" = "$(cd "$WORK" && git rev-list --count main feature/proj-7-login)"

# --- a branch deleted on hub goes from the mirror (the in-process fetch prunes) ---------------------

branches_named() {
	track_sql "SELECT COUNT(*) FROM dvcs_branches b JOIN dvcs_repos r ON r.id = b.repo_id WHERE r.slug = 'r1' AND b.name = '$1'"
}
(cd "$WORK" && git push -q "$AUTH_URL/ops/r1.git" main:refs/heads/tmp/short-lived 2>/dev/null) ||
	bail "the push of a new branch failed"
eventually "the new branch of r1 is synced" 30 eval '[ "$(branches_named tmp/short-lived)" = 1 ]'
(cd "$WORK" && git push -q "$AUTH_URL/ops/r1.git" :refs/heads/tmp/short-lived 2>/dev/null) ||
	bail "the deletion of the branch failed"
eventually "the branch deleted on hub is gone from r1's branches" 30 eval \
	'[ "$(branches_named tmp/short-lived)" = 0 ]'
check "r1 keeps its commits" \
	test "$(linked_to r1)" = "$(cd "$WORK" && git rev-list --count main feature/proj-7-login)"

# --- the webhook target's refusals -----------------------------------------------------------------

R1_ID=$(repo_line r1 | sed 's/^repo id=\([0-9]*\) .*/\1/')
req -H 'X-Event-Key: repo:push' -H 'X-Hub-Signature: sha256=00' -d '{}' \
	"$TRACK/rest/bitbucket/1.0/repository/$R1_ID/sync"
expect_status 401 "a delivery with a wrong signature: 401"
req -H 'X-Event-Key: repo:push' -d '{}' "$TRACK/rest/bitbucket/1.0/repository/$R1_ID/sync"
expect_status 401 "a delivery without a signature: 401"
req -H 'X-Event-Key: repo:push' -H 'X-Hub-Signature: sha256=00' -d '{}' \
	"$TRACK/rest/bitbucket/1.0/repository/99999/sync"
expect_status 404 "a delivery for an unknown repository: 404"
req -H 'X-Event-Key: repo:push' -d '{}' "$TRACK/rest/bitbucket/1.0/repository/abc/sync"
expect_status 404 "a delivery for a malformed repository id: 404"

# --- a webhook lost while track was down -------------------------------------------------------------

stop_pid "$TRACK_PID"
(cd "$WORK" && commit "PROJ-9 while track sleeps" && git push -q "$AUTH_URL/ops/r1.git" main 2>/dev/null) ||
	bail "push while track is down failed"
start_track
eventually "back up, track syncs the commit pushed while it was down" 40 synced r1 6
check "PROJ-9 links it" test "$(track_sql "SELECT COUNT(*) FROM dvcs_commit_keys WHERE issue_key = 'PROJ-9'")" = 1

# --- hub down during a sync ---------------------------------------------------------------------------

stop_pid "$HUB_PID"
dvcs sync ops/r2 </dev/null
eventually "with hub down, r2's sync fails with git's reason" 30 eval \
	'repo_line r2 | grep -q " sync=failed .* error=.*git fetch of .*r2.git"'
dvcs_start_hub
eventually "hub back: the retried sync of r2 is done" 60 synced r2 5

# --- a push shows from its webhook before the sync; the sync keeps only what hub has ---------------

# track without job workers: the webhooks arrive, the syncs they queue wait.
start_track_idle() {
	weft_launch track serve track --data "$DATA" --track-listen "127.0.0.1:$TRACK_PORT" \
		"${TRACK_DB[@]}" --workers 0 || bail "track did not start"
	TRACK_PID=$WEFT_PID
	TRACK=$TRACK_URL
	HUB_URL=$HUB
}
printf '%s\n' "$(password_of alice)" | timeout 60 "$WEFT_BIN" track admin create-user alice \
	--email alice@example.com --display-name Alice --admin --data "$DATA" "${TRACK_DB[@]}" \
	>/dev/null 2>"$TEST_TMP/err" || bail "track user: $(cat "$TEST_TMP/err")"
TAUTH=(-u "alice@example.com:$(password_of alice)")
req "${TAUTH[@]}" -H 'Content-Type: application/json' \
	-d '{"key":"PROJ","name":"Panel","projectTypeKey":"software"}' "$TRACK/rest/api/2/project"
[ "$RESP_STATUS" = 201 ] || bail "cannot create PROJ (status $RESP_STATUS)"
req "${TAUTH[@]}" -H 'Content-Type: application/json' \
	-d '{"fields":{"project":{"key":"PROJ"},"summary":"Shown at once"}}' "$TRACK/rest/api/2/issue"
[ "$RESP_STATUS" = 201 ] || bail "cannot create PROJ-1 (status $RESP_STATUS)"
ISSUE1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$RESP_BODY")
# detail_lists HASH TIMES [FILES]: PROJ-1's dev-status detail lists HASH TIMES times (with FILES as
# its file count; "none": without one, as a commit not synchronized yet)
detail_lists() {
	req "${TAUTH[@]}" "$TRACK/rest/dev-status/1.0/issue/detail?issueId=$ISSUE1&applicationType=bitbucket&dataType=repository"
	[ "$RESP_STATUS" = 200 ] && python3 -c 'import json,sys
j = json.load(open(sys.argv[1]))
found = [c for d in j["detail"] for r in d["repositories"] for c in r["commits"] if c["id"] == sys.argv[2]]
files = found[0].get("fileCount", "none") if found else None
sys.exit(0 if len(found) == int(sys.argv[3]) and sys.argv[4] in ("", str(files)) else 1)' \
		"$RESP_BODY" "$1" "$2" "${3:-}"
}
FIRST=$(track_sql "SELECT c.hash FROM dvcs_commits c JOIN dvcs_commit_keys k ON k.commit_id = c.id WHERE k.issue_key = 'PROJ-1'")
check "PROJ-1's dev-status detail counts its commit's files from the mirror, in both repositories" \
	detail_lists "$FIRST" 2 1
check "…and stores the count for the next view" \
	test "$(track_sql "SELECT file_count FROM dvcs_commits WHERE hash = '$FIRST'")" = 1
pending_syncs() { track_sql "SELECT COUNT(*) FROM jobs WHERE kind = 'dvcs.sync' AND state = 'pending'"; }
comments_are() { # N: PROJ-1 has N comments
	req "${TAUTH[@]}" "$TRACK/rest/api/2/issue/PROJ-1/comment" &&
		python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["total"] == int(sys.argv[2]) else 1)' \
			"$RESP_BODY" "$1"
}
stop_pid "$TRACK_PID"
start_track_idle
(cd "$WORK" && commit "PROJ-1 #comment shown before the sync" &&
	git push -q "$AUTH_URL/ops/r1.git" main 2>/dev/null) || bail "the push of the shown commit failed"
SHOWN=$(git -C "$WORK" rev-parse HEAD)
eventually "the pushed commit is on PROJ-1's dev-status detail before any sync ran" 30 detail_lists "$SHOWN" 1 none
check "…its sync waits in the queue" test "$(pending_syncs)" -ge 1
check "…and no comment was written from the payload" comments_are 0
(cd "$WORK" && commit "PROJ-1 soon gone" && git push -q "$AUTH_URL/ops/r1.git" main 2>/dev/null &&
	GONE=$(git rev-parse HEAD) && echo "$GONE" >"$TEST_TMP/gone" && git reset -q --hard HEAD~1 &&
	commit "PROJ-1 pushed over it" && git push -q --force "$AUTH_URL/ops/r1.git" main 2>/dev/null) ||
	bail "the force push over the stale commit failed"
GONE=$(cat "$TEST_TMP/gone")
OVER=$(git -C "$WORK" rev-parse HEAD)
eventually "the commit pushed over is shown" 30 detail_lists "$OVER" 1 none
eventually "…and so is the one it replaced, from its (now stale) payload" 30 detail_lists "$GONE" 1
stop_pid "$TRACK_PID"
start_track
eventually "the sync confirms the pushed commits from the mirror: file counts from git" 30 \
	eval 'detail_lists "$SHOWN" 1 1 && detail_lists "$OVER" 1 1'
eventually "…and the stale payload's commit is gone" 30 detail_lists "$GONE" 0
check "no provisional row is left" test "$(track_sql "SELECT COUNT(*) FROM dvcs_repo_commits WHERE provisional_at IS NOT NULL")" = 0
check "no commit is stored twice" test "$(track_sql "SELECT COUNT(*) - COUNT(DISTINCT hash) FROM dvcs_commits")" = 0
check "r1's links are exactly what git lists on hub" \
	test "$(linked_to r1)" = "$(cd "$WORK" && git rev-list --count main feature/proj-7-login)"
eventually "the smart commit ran once: one comment on PROJ-1" 30 comments_are 1
FINISHED=$(track_sql "SELECT sync_finished_at FROM dvcs_repos WHERE slug = 'r1'")
dvcs sync ops/r1 </dev/null
eventually "r1 synced again" 30 eval \
	'[ "$(track_sql "SELECT sync_finished_at FROM dvcs_repos WHERE slug = '"'r1'"' AND sync_state = '"'done'"'")" -gt "$FINISHED" ]'
check "…still one comment" comments_are 1

# --- SIGKILL during a backfill of 100,000 commits, five times --------------------------------------------

# Generated once for every build folder (make check runs this test in two): the source tree's
# build-cache/, or WEFT_TEST_REPO_CACHE.
BIG_SRC=$(bash "$IT_DIR/../../bench/lib/cached_repo.sh" \
	"${WEFT_TEST_REPO_CACHE:-$IT_DIR/../../build-cache/bench-repos}" --keys 100000) ||
	bail "cannot generate the 100,000-commit repository"
# Hub's repository gets the generated one's objects and branches as they are, what a push of it
# would leave on disk, without git fetch's 8 CPU-seconds of counting and indexing them again.
cp -R "$BIG_SRC/objects/." "$BIG_DIR/objects/" && chmod -R u+w "$BIG_DIR/objects" &&
	git --git-dir="$BIG_SRC" for-each-ref --format='create %(refname) %(objectname)' refs/heads |
	git --git-dir="$BIG_DIR" update-ref --stdin || bail "cannot fill big"
BIG_COUNT=$(git --git-dir="$BIG_DIR" rev-list --all --count)
dvcs sync --full ops/big </dev/null || bail "cannot queue big's sync"
for n in 1 2 3 4 5; do
	for _ in $(seq 120); do
		c=$(track_sql "SELECT sync_commits FROM dvcs_repos WHERE slug = 'big'" 2>/dev/null)
		[ "${c:-0}" -gt $((n * 2000)) ] && break
		sleep 0.25
	done
	kill -KILL "$TRACK_PID"
	wait_exit "$TRACK_PID" 5
	# The dead node's claim would keep the job for the rest of its lease (3 s, the shortest that
	# holds under load: at 1 s a busy machine's heartbeats come late and the job is taken over
	# again and again): end it now, as time would, and the restarted node takes the job over.
	track_sql "UPDATE jobs SET lease_expires = 0 WHERE kind = 'dvcs.sync' AND state = 'running'" >/dev/null
	diag "killed track during the backfill at ${c:-0} commits"
	start_track
done
POLL_MS=1000 eventually "after five kills the backfill of big is done" 400 synced big "$BIG_COUNT"
check "every commit of big is linked exactly once, none missing" \
	test "$(linked_to big)" = "$BIG_COUNT"
check "the links are the hashes git lists" eval \
	'[ "$(track_sql "SELECT c.hash FROM dvcs_commits c JOIN dvcs_repo_commits rc ON rc.commit_id = c.id JOIN dvcs_repos r ON r.id = rc.repo_id WHERE r.slug = '"'big'"' ORDER BY c.hash" | md5sum)" = "$(git --git-dir="$BIG_DIR" rev-list --all | sort | md5sum)" ]'
check "30 % of big's commits name a key" \
	test "$(track_sql "SELECT COUNT(DISTINCT k.commit_id) FROM dvcs_commit_keys k JOIN dvcs_repo_commits rc ON rc.commit_id = k.commit_id JOIN dvcs_repos r ON r.id = rc.repo_id WHERE r.slug = 'big'")" = 30000

done_testing

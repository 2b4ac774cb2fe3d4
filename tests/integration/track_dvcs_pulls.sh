# The connector's pull requests and builds against a real hub (one `weft serve` with both
# services, separate databases): a pull request with keys in its title, its source branch and a
# commit, linked by the command line and synced through API 2.0; merged and declined on hub,
# which the webhooks bring at once; a build status posted on hub, stored through its webhook and
# read again by the next sync; a sync run twice stores nothing twice.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dvcs_lib.sh"
. "$(dirname "$0")/repos_lib.sh"

dvcs_stores dvcs
for tool in git python3; do
	command -v "$tool" >/dev/null 2>&1 || bail "the connector's tests need $tool"
done
[ ${#TRACK_DB[@]} -gt 0 ] || command -v sqlite3 >/dev/null 2>&1 || bail "these tests need sqlite3"

create_user alice
create_user bob
dvcs_consumer alice "Jira DVCS" http://127.0.0.1:9 "repository:admin webhook pullrequest account project"

dvcs_serve

# wait_for DESCRIPTION QUERY EXPECTED: passes once QUERY gives EXPECTED, within 30 s.
wait_for() {
	local got deadline=$(($(now_ms) + 30000))
	while [ "$(now_ms)" -lt "$deadline" ]; do
		got=$(track_sql "$2" 2>/dev/null)
		if [ "$got" = "$3" ]; then
			pass "$1"
			return 0
		fi
		sleep 0.1
	done
	fail "$1" "expected '$3', got '$got'; sync: $(track_sql "SELECT sync_state, sync_error FROM dvcs_repos")"
	show_server_output
	return 1
}

# post_json METHOD URL [BODY]: as alice.
post_json() {
	if [ $# -ge 3 ]; then
		as alice -X "$1" -H 'Content-Type: application/json' --data "$3" "$2"
	else
		as alice -X "$1" "$2"
	fi
}

json_get() {
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
		"$RESP_BODY" "$1"
}

# --- a repository with a pull request naming keys ----------------------------------------------

create_repo demo false
API=$HUB_URL/2.0/repositories/alice/demo
git_home
REMOTE="http://alice:$(password_of alice)@${HUB_URL#http://}/alice/demo.git"
WORK=$TEST_TMP/work
in_work() {
	(cd "$WORK" && "$@") >"$TEST_TMP/git.out" 2>&1
}
git init -q "$WORK" && printf 'one\n' >"$WORK/a.txt" && in_work git add a.txt &&
	in_work git commit -q -m "First commit" && in_work git push -q "$REMOTE" main &&
	in_work git checkout -q -b feature/abc-2-login && printf 'two\n' >"$WORK/b.txt" &&
	in_work git add b.txt && in_work git commit -q -m "abc-3: the login form" &&
	in_work git push -q "$REMOTE" feature/abc-2-login &&
	in_work git checkout -q -b other main && printf 'three\n' >"$WORK/c.txt" &&
	in_work git add c.txt && in_work git commit -q -m "Unrelated work" &&
	in_work git push -q "$REMOTE" other || bail "cannot push: $(cat "$TEST_TMP/git.out")"
SOURCE=$(cd "$WORK" && git rev-parse feature/abc-2-login)

post_json POST "$API/pullrequests" '{"title": "ABC-1 Fix the login", "description": "Also XYZ-9", "source": {"branch": {"name": "feature/abc-2-login"}}}'
[ "$RESP_STATUS" = 201 ] || bail "cannot create the pull request: $RESP_STATUS $(cat "$RESP_BODY")"
PR=$(json_get 'j["id"]')
as bob -X POST "$API/pullrequests/$PR/approve"
[ "$RESP_STATUS" = 200 ] || bail "bob cannot approve: $RESP_STATUS $(cat "$RESP_BODY")"

# --- link, discovery, sync ------------------------------------------------------------------

dvcs_link alice
pass "weft track dvcs link links alice's account"
wait_for "the sync stores the pull request with its state" \
	"SELECT number || ' ' || state || ' ' || title FROM dvcs_pulls" "$PR OPEN ABC-1 Fix the login"
check "its keys: the title's, the source branch's and its commit's, not the description's" \
	test "$(track_sql "SELECT issue_key FROM dvcs_pull_keys ORDER BY issue_key" | tr '\n' ' ')" = "ABC-1 ABC-2 ABC-3 "
check "author, branches and the link to hub's page" test \
	"$(track_sql "SELECT author_name || '|' || source_branch || '|' || destination_branch || '|' || url FROM dvcs_pulls")" = \
	"User alice|feature/abc-2-login|main|$HUB_URL/alice/demo/pull-requests/$PR"
check "reviewers carry approvals from participants" \
	grep -qF '"name":"User bob","approved":true' <(track_sql "SELECT reviewers FROM dvcs_pulls")
wait_for "the sync's end: pulls_synced_at and the count" \
	"SELECT sync_state || ' ' || sync_pulls || ' ' || CASE WHEN pulls_synced_at > 0 THEN 1 ELSE 0 END FROM dvcs_repos WHERE slug = 'demo'" \
	"done 1 1"

# --- webhooks: a build status and a merge -----------------------------------------------------

post_json POST "$API/commit/$SOURCE/statuses/build" '{"key": "ci", "state": "INPROGRESS", "name": "Build #1", "url": "https://ci.example.com/1"}'
[ "$RESP_STATUS" = 201 ] || bail "cannot post a build status: $RESP_STATUS"
wait_for "a build status posted on hub arrives through its webhook" \
	"SELECT commit_hash || ' ' || key || ' ' || state || ' ' || name FROM dvcs_builds" \
	"$SOURCE ci INPROGRESS Build #1"
post_json POST "$API/commit/$SOURCE/statuses/build" '{"key": "ci", "state": "SUCCESSFUL", "url": "https://ci.example.com/1"}'
wait_for "its update too" "SELECT state FROM dvcs_builds WHERE key = 'ci'" "SUCCESSFUL"

post_json POST "$API/pullrequests/$PR/merge" '{"merge_strategy": "merge_commit"}'
[ "$RESP_STATUS" = 200 ] || bail "cannot merge: $RESP_STATUS $(cat "$RESP_BODY")"
wait_for "merged on hub: MERGED after the webhook" "SELECT state FROM dvcs_pulls WHERE number = $PR" MERGED
check "the webhook kept the commit's key" \
	test "$(track_sql "SELECT COUNT(*) FROM dvcs_pull_keys WHERE issue_key = 'ABC-3'")" = 1

post_json POST "$API/pullrequests" '{"title": "Other things", "source": {"branch": {"name": "other"}}}'
[ "$RESP_STATUS" = 201 ] || bail "cannot create the second pull request: $RESP_STATUS"
OTHER=$(json_get 'j["id"]')
wait_for "a pull request created on hub arrives through its webhook" \
	"SELECT state FROM dvcs_pulls WHERE number = $OTHER" OPEN
post_json POST "$API/pullrequests/$OTHER/decline"
wait_for "declined on hub: DECLINED after the webhook" \
	"SELECT state FROM dvcs_pulls WHERE number = $OTHER" DECLINED

# --- the next sync: the truth again, nothing twice ----------------------------------------------

track_sql "DELETE FROM dvcs_builds" >/dev/null
track_sql "UPDATE dvcs_pulls SET state = 'OPEN' WHERE number = $OTHER" >/dev/null
timeout 60 "$WEFT_BIN" track dvcs sync --full alice/demo --data "$DATA" "${TRACK_DB[@]}" \
	>"$TEST_TMP/sync.out" 2>&1 || fail "weft track dvcs sync --full" "$(cat "$TEST_TMP/sync.out")"
wait_for "a full sync reads the states from hub again" \
	"SELECT state FROM dvcs_pulls WHERE number = $OTHER AND updated_at > 0 AND (SELECT sync_state FROM dvcs_repos WHERE slug = 'demo') = 'done'" \
	DECLINED
wait_for "and the build statuses of the pull requests' source commits" \
	"SELECT state FROM dvcs_builds WHERE commit_hash = '$SOURCE'" SUCCESSFUL
check "every pull request once, every key once" test \
	"$(track_sql "SELECT (SELECT COUNT(*) FROM dvcs_pulls) || ' ' || (SELECT COUNT(*) FROM dvcs_pull_keys)")" = "2 3"

done_testing

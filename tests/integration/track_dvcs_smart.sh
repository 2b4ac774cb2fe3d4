# Smart commits end to end (issue 14) against a real hub in the same test: a team's repositories
# linked with `weft track dvcs link`, a commit "PROJ-1 #comment started #time 1h" pushed with real
# git, and on track the comment (linking back to the commit on hub) and the work log written once,
# as the track user with the author's email; still once after a full and a soft resync, the same
# commit on a second branch, and the same commit pushed to a second repository.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dvcs_lib.sh"
. "$(dirname "$0")/repos_lib.sh"

dvcs_stores smart
create_user alice
dvcs_team ops Operations alice
# On track, tia (a site administrator) has the address alice commits with.
printf 'tia-password-123\n' | timeout 60 "$WEFT_BIN" track admin create-user tia \
	--email alice@example.com --display-name Tia --admin --data "$DATA" "${TRACK_DB[@]}" \
	>"$TEST_TMP/tia.out" 2>&1 || bail "cannot create tia on track: $(cat "$TEST_TMP/tia.out")"

dvcs_serve --job-lease 5

dvcs_repos alice ops/r1 ops/r2

# tia METHOD URL [BODY]: a request to track as tia.
tia() {
	if [ $# -gt 2 ]; then
		req -u tia:tia-password-123 -X "$1" -H 'Content-Type: application/json' \
			--data-binary "$3" "$2"
	else
		req -u tia:tia-password-123 -X "$1" "$2"
	fi
}
API=$TRACK_URL/rest/api/2
tia POST "$API/project" '{"key": "PROJ", "name": "Project", "projectTypeKey": "software"}'
[ "$RESP_STATUS" = 201 ] || bail "cannot create the project PROJ (status $RESP_STATUS)"
tia POST "$API/issue" '{"fields": {"project": {"key": "PROJ"}, "summary": "First",
	"issuetype": {"name": "Task"}}}'
[ "$RESP_STATUS" = 201 ] || bail "cannot create PROJ-1 (status $RESP_STATUS): $(cat "$RESP_BODY")"

dvcs_consumer ops Tracker "$TRACK"

# idle: no sync, discovery or smart-commit job is pending or running (the periodic job always is).
idle() { dvcs_idle 'dvcs\.(sync|discover|smart)'; }
synced() {
	repo_line "$1" | grep -Eq " sync=done commits=$2 " && idle
}

# Both repositories start with the same README, as the walkthrough's repository does: smart
# commits run for what a soft sync finds new, not for what was there when the link was made.
dvcs_work
echo hello >README && git add README && git commit -qm "README" || bail "cannot commit"
for repo in ops/r1 ops/r2; do
	git push -q "$AUTH_URL/$repo.git" main || bail "cannot push to $repo"
done

dvcs_link ops
eventually "ops/r1 is linked, hooked and synced" 30 eval \
	'repo_line r1 | grep -q " linked=1 smart_commits=1 deleted=0 hook=ok sync=done " && idle'
eventually "and ops/r2" 30 eval \
	'repo_line r2 | grep -q " linked=1 smart_commits=1 deleted=0 hook=ok sync=done " && idle'

# counts: "COMMENTS WORKLOGS SECONDS" of PROJ-1 on track.
counts() {
	tia GET "$API/issue/PROJ-1/comment" >/dev/null
	local comments
	comments=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"])' "$RESP_BODY")
	tia GET "$API/issue/PROJ-1/worklog"
	python3 -c 'import json,sys
j = json.load(open(sys.argv[1]))
print(sys.argv[2], j["total"], sum(w["timeSpentSeconds"] for w in j["worklogs"]))' "$RESP_BODY" "$comments"
}

echo more >>README && git commit -qam "Start on the first issue" \
	-m "PROJ-1 #comment started #time 1h" || bail "cannot commit"
HASH=$(git rev-parse HEAD)
git push -q "$AUTH_URL/ops/r1.git" main || bail "cannot push to ops/r1"

eventually "the push's webhook brings the commit to track and its commands run" 30 eval \
	'[ "$(counts)" = "1 1 3600" ]'
tia GET "$API/issue/PROJ-1/comment"
expect_json "j['comments'][0]['author']['name'] == 'tia' and j['comments'][0]['body'].startswith('started') and '$HUB_URL/ops/r1/commits/$HASH' in j['comments'][0]['body']" \
	"the comment is tia's, says started, and links back to the commit on hub"
tia GET "$API/issue/PROJ-1/worklog"
expect_json "j['worklogs'][0]['author']['name'] == 'tia' and j['worklogs'][0]['timeSpentSeconds'] == 3600" \
	"the work log is tia's hour"

dvcs sync --full ops/r1 </dev/null || fail "sync --full ops/r1" "$(cat "$RUN_OUT" "$RUN_ERR")"
eventually "a full resync of ops/r1 finishes" 30 synced r1 2
dvcs sync ops/r1 </dev/null || fail "sync ops/r1" "$(cat "$RUN_OUT" "$RUN_ERR")"
eventually "a soft resync of ops/r1 finishes" 30 synced r1 2
check "after a full and a soft resync: still one comment and one work log" \
	test "$(counts)" = "1 1 3600"

git push -q "$AUTH_URL/ops/r1.git" main:other || fail "pushing the commit on a second branch"
eventually "the second branch is synced" 30 eval 'synced r1 2'
git push -q "$AUTH_URL/ops/r2.git" main || fail "pushing the same commit to ops/r2"
eventually "ops/r2 syncs the same commit" 30 synced r2 2
check "after the commit on a second branch and in a second repository: still once" \
	test "$(counts)" = "1 1 3600"

# A new commit runs; its bad command does not stop the good one.
echo again >>README && git commit -qam "PROJ-1 #time 30m more #nosuch" || bail "cannot commit"
HASH2=$(git rev-parse HEAD)
git push -q "$AUTH_URL/ops/r2.git" main || fail "pushing a second commit to ops/r2"
eventually "the second commit's work log is added, once" 30 eval '[ "$(counts)" = "1 2 5400" ]'
tia GET "$TRACK_URL/admin/mail"
cp "$RESP_BODY" "$TEST_TMP/mail.html"
check "the unknown transition is mailed to the author, held in track's outbox" eval \
	'grep -q "alice@example.com" "$RESP_BODY" && grep -q "Smart commit errors in commit ${HASH2:0:12}" "$RESP_BODY" && grep -q "No transition &#39;nosuch&#39;\\|No transition .nosuch." "$RESP_BODY"'

done_testing

# Unlinking an account whose grant is dead (issue 13), against a real hub in its own process: the
# grant revoked on hub → a fresh token is asked for first (hub refuses the refresh token too); the
# OAuth consumer deleted on hub → the unlink still ends (data and mirrors gone) and names each
# webhook it left on hub (repository and URL) in weft track dvcs unlink's output, in list, and on
# the DVCS accounts page; hub's delivery of a push through such a hook is answered 410 with why,
# in hub's delivery log; "Deleted on the host" forgets it. Hub down at unlink: the same report.
# A grant still alive: an access token hub no longer takes, or one expired by track's record, is
# refreshed and the hooks are removed, none left.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dvcs_lib.sh"
. "$(dirname "$0")/repos_lib.sh"
. "$(dirname "$0")/accounts_lib.sh"

dvcs_stores unlink
create_user alice
dvcs_team ops Operations alice

HUB_PORT=$(free_port) # kept across hub's restart: the account names hub's URL
dvcs_start_hub
printf 'alice-track-pw-1\n' | timeout 60 "$WEFT_BIN" track admin create-user alice \
	--email alice@example.com --admin --data "$DATA" "${TRACK_DB[@]}" >"$TEST_TMP/err" 2>&1 ||
	bail "track user: $(cat "$TEST_TMP/err")"
weft_launch track serve track --data "$DATA" --track-listen 127.0.0.1:0 \
	"${TRACK_DB[@]}" --job-lease 5 || bail "track did not start"
TRACK=$TRACK_URL
HUB_URL=$HUB

dvcs_repos alice ops/r1 ops/r2

# drop_hooks WS/REPO: deletes track's hooks of the repository on hub, as its administrator would.
drop_hooks() {
	local uuid
	as alice "$HUB/2.0/repositories/$1/hooks"
	for uuid in $(python3 -c 'import json,sys
for h in json.load(open(sys.argv[1])).get("values", []):
    print(h["uuid"].strip("{}"))' "$RESP_BODY"); do
		as alice -X DELETE "$HUB/2.0/repositories/$1/hooks/%7B$uuid%7D"
	done
}
link_ops() {
	dvcs_link ops
	eventually "$1" 30 eval \
		'[ "$(dvcs_listing | grep -cE " slug=r[12] .* hook=ok sync=done ")" = 2 ]'
}
JAR=$TEST_TMP/hub.jar
dvcs_sign_in "$JAR" "$HUB" alice "$(password_of alice)"

# --- the grant revoked on hub: a fresh token is asked for first; refused, the hooks are named --------

# track_login: alice's session on track's pages in $TJAR.
TJAR=$TEST_TMP/track.jar
dvcs_sign_in "$TJAR" "$TRACK" alice alice-track-pw-1
# forget_all: "Deleted on the host" for every webhook the page lists.
forget_all() {
	local id
	req -b "$TJAR" -c "$TJAR" "$TRACK/secure/admin/dvcs"
	for id in $(grep -o 'left-hooks/[0-9]*/forget' "$RESP_BODY" | grep -o '[0-9]\+'); do
		req -b "$TJAR" -c "$TJAR" "$TRACK/secure/admin/dvcs"
		req -b "$TJAR" -c "$TJAR" --data-urlencode "csrf=$(csrf_of_body)" \
			"$TRACK/secure/admin/dvcs/left-hooks/$id/forget"
	done
}

dvcs_consumer ops "Tracker one" "$TRACK"
link_ops "linked with the first consumer: r1 and r2 hooked and synced"
req -b "$JAR" -c "$JAR" "$HUB/account/settings/applications"
GRANT=$(grep -o '/account/settings/applications/[0-9]*/revoke' "$RESP_BODY" | head -n 1 | grep -o '[0-9]\+')
req -b "$JAR" -c "$JAR" --data-urlencode "csrf=$(csrf_of_body)" "$HUB/account/settings/applications/$GRANT/revoke"
expect_status 303 "alice revokes track's grant on hub: its tokens no longer work"
dvcs unlink ops </dev/null
check "unlink with the revoked grant: exit 0, unlinked" \
	eval '[ "$RUN_RC" = 0 ] && grep -q "^unlinked ops$" "$RUN_OUT"'
check "the refresh was tried: hub refused its refresh token, and both hooks are named" \
	eval '[ "$(grep -cE "^webhook left on the host: ops/r[12] at $HUB posts to $TRACK/rest/bitbucket/1.0/repository/[0-9]+/sync \(the host refused track.s authorization \(The refresh token is not valid.\)\); delete it there$" "$RUN_OUT")" = 2 ]'
check "hub still has track's hooks on ops/r1 and ops/r2" \
	eval '[ "$(hooks ops/r1)" = 1 ] && [ "$(hooks ops/r2)" = 1 ]'
drop_hooks ops/r1
drop_hooks ops/r2
req -b "$TJAR" -c "$TJAR" "$TRACK/secure/admin/dvcs"
LEFT_ID=$(grep -o 'left-hooks/[0-9]*/forget' "$RESP_BODY" | head -n 1 | grep -o '[0-9]\+')
req -b "$TJAR" -c "$TJAR" --data-urlencode "csrf=$(csrf_of_body)" \
	"$TRACK/secure/admin/dvcs/left-hooks/$LEFT_ID/forget"
expect_status 303 "Deleted on the host (the administrator removed it there): back to the page"
check "one webhook is left in the list" test "$(dvcs_listing | grep -c '^left_hook ')" = 1
req -b "$TJAR" -c "$TJAR" "$TRACK/secure/admin/dvcs"
req -b "$TJAR" -c "$TJAR" --data-urlencode "csrf=$(csrf_of_body)" \
	"$TRACK/secure/admin/dvcs/left-hooks/$LEFT_ID/forget"
expect_status 404 "forgetting it again: 404"
forget_all
check "none is left" eval '! dvcs_listing | grep -q "^left_hook "'

# --- the consumer deleted on hub: the unlink ends and names the hooks it left ---------------------------

dvcs_consumer ops "Tracker two" "$TRACK"
link_ops "linked again with a second consumer: r1 and r2 hooked and synced"
dvcs_work
commit "PROJ-1 one"
cd "$TEST_TMP" || bail "cd"
git -C "$WORK" push -q "$AUTH_URL/ops/r1.git" main 2>/dev/null || bail "push failed"
eventually "the push syncs r1: a mirror on disk" 30 eval \
	'dvcs_listing | grep -q " slug=r1 .* sync=done commits=1 " && ls -d "$DATA"/dvcs/*.git'
R1_ID=$(dvcs_listing | sed -n 's/^repo id=\([0-9]*\) .* slug=r1 .*/\1/p')
req -b "$JAR" -c "$JAR" "$HUB/ops/settings/oauth-consumers"
CONSUMER=$(python3 -c 'import re,sys
body = open(sys.argv[1]).read()
for m in re.finditer(r"/ops/settings/oauth-consumers/(\d+)\"[^<]*>([^<]*)<", body):
    if "Tracker two" in m.group(2):
        print(m.group(1))' "$RESP_BODY")
[ -n "$CONSUMER" ] || bail "cannot find the consumer Tracker two on hub's page"
req -b "$JAR" -c "$JAR" "$HUB/ops/settings/oauth-consumers/$CONSUMER"
req -b "$JAR" -c "$JAR" --data-urlencode "csrf=$(csrf_of_body)" "$HUB/ops/settings/oauth-consumers/$CONSUMER/delete"
expect_status 303 "alice deletes the consumer on hub"
dvcs unlink ops </dev/null
check "unlink exits 0 and says unlinked" eval '[ "$RUN_RC" = 0 ] && grep -q "^unlinked ops$" "$RUN_OUT"'
for slug in r1 r2; do
	check "unlink names the webhook left on ops/$slug, its URL and why" \
		grep -Eq "^webhook left on the host: ops/$slug at $HUB posts to $TRACK/rest/bitbucket/1.0/repository/[0-9]+/sync \(the host refused track's authorization .*\); delete it there$" "$RUN_OUT"
done
check "list shows both as left_hook lines" \
	eval '[ "$(dvcs_listing | grep -cE "^left_hook id=[0-9]+ repo=ops/r[12] site=$HUB url=$TRACK/rest/bitbucket/1.0/repository/[0-9]+/sync reason=the host refused")" = 2 ]'
check "the account and its repositories are gone" eval '! dvcs_listing | grep -Eq "name=ops | slug=r[12] "'
check "its mirrors are deleted" eval '! ls -d "$DATA"/dvcs/*.git'
check "hub still has the hook on ops/r1" test "$(hooks ops/r1)" = 1

# The DVCS accounts page names them.
req -b "$TJAR" -c "$TJAR" "$TRACK/secure/admin/dvcs"
expect_status 200 "the DVCS accounts page loads"
check "the page lists the webhooks left on the host, with repository, URL and why" python3 -c 'import re,sys
body = open(sys.argv[1]).read()
assert "Webhooks left on the host" in body, "no section"
rows = re.findall(r"<tr id=\"left-hook-\d+\" class=\"dvcs-left-hook\">(.*?)</tr>", body, re.S)
assert len(rows) == 2, rows
for slug, row in zip(["r1", "r2"], rows):
    assert "ops/" + slug in row, row
    assert sys.argv[2] + "/rest/bitbucket/1.0/repository/" in row, row
    assert "the host refused track&#39;s authorization" in row or "the host refused track&#x27;s authorization" in row, row' \
	"$RESP_BODY" "$TRACK"

# hub delivers a push through the hook left on r1: 410, and its delivery log says why.
(cd "$WORK" && commit "two") || bail "commit"
git -C "$WORK" push -q "$AUTH_URL/ops/r1.git" main 2>/dev/null || bail "push failed"
attempt() {
	hub_sql "SELECT a.status || ' ' || a.response_body FROM hook_attempts a JOIN hook_deliveries d ON d.id = a.delivery_id WHERE d.event = 'repo:push' ORDER BY a.id DESC LIMIT 1"
}
eventually "hub's delivery to the hook left on r1 is answered 410" 30 eval '[ "$(attempt | cut -d" " -f1)" = 410 ]'
check "hub's delivery log shows why: unlinked, delete the webhook" \
	eval 'attempt | grep -q "unlinked from the tracker, which could not remove this webhook from the host. Delete the webhook."'
req -H 'X-Event-Key: repo:push' -d '{}' "$TRACK/rest/bitbucket/1.0/repository/$R1_ID/sync"
expect_status 410 "an unsigned delivery to the left hook's URL: 410 too"
req -H 'X-Event-Key: repo:push' -d '{}' "$TRACK/rest/bitbucket/1.0/repository/99999/sync"
expect_status 404 "a never-known repository id: still 404"

drop_hooks ops/r1
drop_hooks ops/r2
forget_all
check "both forgotten" eval '! dvcs_listing | grep -q "^left_hook "'
check "forgotten, the left hooks' URLs are unknown again: 404" eval \
	'[ "$(curl -s -o /dev/null -w "%{http_code}" -H "X-Event-Key: repo:push" -d "{}" "$TRACK/rest/bitbucket/1.0/repository/$R1_ID/sync")" = 404 ]'

# --- hub down at unlink: the same report ---------------------------------------------------------------

dvcs_consumer ops "Tracker three" "$TRACK"
link_ops "linked with a third consumer: r1 and r2 hooked and synced"
stop_pid "$HUB_PID"
dvcs unlink ops </dev/null
check "with hub down, unlink exits 0 and names both webhooks: the host could not be reached" \
	eval '[ "$RUN_RC" = 0 ] && [ "$(grep -cE "^webhook left on the host: ops/r[12] at $HUB posts to .*\(the host could not be reached .*\); delete it there$" "$RUN_OUT")" = 2 ]'
check "and its data is gone" eval '! dvcs_listing | grep -Eq "name=ops | slug=r[12] "'
dvcs_start_hub
check "hub, back, still has the hooks" eval '[ "$(hooks ops/r1)" = 1 ] && [ "$(hooks ops/r2)" = 1 ]'
drop_hooks ops/r1
drop_hooks ops/r2
forget_all

# --- a token hub no longer takes, whose refresh works: the hooks go ----------------------------------

# unlinked_clean DESC: unlink exited 0, named no webhook left on the host, and hub has none of track's
unlinked_clean() {
	check "$1: exit 0, unlinked, no webhook left" eval \
		'[ "$RUN_RC" = 0 ] && grep -q "^unlinked ops$" "$RUN_OUT" && ! grep -q "webhook left" "$RUN_OUT"'
	check "…hub has no hook of track's on ops/r1 or ops/r2" eval \
		'[ "$(hooks ops/r1)" = 0 ] && [ "$(hooks ops/r2)" = 0 ]'
	check "…none is listed as left, and the account is gone" eval \
		'! dvcs_listing | grep -Eq "^left_hook |name=ops | slug=r[12] "'
}
dvcs_consumer ops "Tracker four" "$TRACK"
link_ops "linked with a fourth consumer: r1 and r2 hooked and synced"
hub_sql "DELETE FROM oauth_tokens WHERE kind = 'access'" >/dev/null
dvcs unlink ops </dev/null
unlinked_clean "hub refuses the access token, its refresh token works"

dvcs_consumer ops "Tracker five" "$TRACK"
link_ops "linked with a fifth consumer: r1 and r2 hooked and synced"
track_sql "UPDATE dvcs_accounts SET token_expires_at = 1" >/dev/null
dvcs unlink ops </dev/null
unlinked_clean "the stored access token expired: refreshed first"

done_testing

# The connector's linking (issue 13) against a real hub in the same test: `weft track dvcs link`
# by the client-credentials grant, its refusals (unknown account, already linked, wrong secret,
# no admin rights) storing nothing, discovery with auto-link on and off, exactly one webhook per
# linked repository on hub after three refreshes and a planted duplicate, unlink removing the
# hooks, and a revoked grant marking the account auth_failed with nothing deleted.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dvcs_lib.sh"
. "$(dirname "$0")/repos_lib.sh"
. "$(dirname "$0")/accounts_lib.sh"

dvcs_stores link
create_user alice
create_user bob
dvcs_team ops Operations alice

dvcs_serve --job-lease 5

dvcs_repos alice ops/r1 ops/r2 alice/a1
pass "hub has the team ops with r1 and r2, and alice's a1"

dvcs_consumer bob "Bob's tracker" "$TRACK"
BOB_KEY=$KEY
BOB_SECRET=$SECRET
dvcs_consumer alice "Alice's tracker" "$TRACK"

link() {
	local secret=$1
	shift
	dvcs link --host-url "$HUB_URL" "$@" <<<"$secret"
}
# refused DESC STDERR_ERE: the last command exited 2 with that one line and printed nothing.
refused() {
	if [ "$RUN_RC" = 2 ] && [ ! -s "$RUN_OUT" ] && [ "$(wc -l <"$RUN_ERR")" = 1 ] &&
		grep -Eq "$2" "$RUN_ERR"; then
		pass "$1"
	else
		fail "$1" "rc=$RUN_RC out=$(cat "$RUN_OUT") err=$(cat "$RUN_ERR")"
	fi
}
discovery_idle() { dvcs_idle 'dvcs\.discover'; }

# --- refusals: nothing stored ------------------------------------------------------------------

dvcs link --host-url "$HUB_URL" --account ops --key "$KEY" </dev/null
refused "no secret on standard input: exit 2" 'no OAuth secret on standard input'
link "$SECRET" --account nosuch --key "$KEY"
refused "an unknown account: Invalid user/team account" 'Invalid user/team account'
link "$SECRET" --account 'bad name' --key "$KEY"
refused "a malformed account: Invalid user/team account" 'Invalid user/team account'
link "wrong$SECRET" --account ops --key "$KEY"
refused "a wrong secret: the OAuth failure" 'authentication with the host has failed.*OAuth settings'
link "$BOB_SECRET" --account ops --key "$BOB_KEY"
refused "a consumer whose owner cannot see ops: Invalid user/team account" 'Invalid user/team account'
dvcs link --account ops --key "$KEY" --host-url "ftp://example.com" <<<"$SECRET"
refused "a host URL that is not http(s): refused" 'Host URL'
dvcs link --account ops --key "$KEY" </dev/null
refused "link without --host-url: refused" 'needs --host-url'
check "nothing was stored by the refused links" test -z "$(dvcs_listing)"

# --- linking ops with auto-link on ---------------------------------------------------------------

link "$SECRET" --account ops --key "$KEY"
if [ "$RUN_RC" = 0 ] && grep -q '^linked ops (account [0-9]*)' "$RUN_OUT"; then
	pass "link ops: exit 0, says it linked"
else
	fail "link ops: exit 0, says it linked" "rc=$RUN_RC $(cat "$RUN_OUT" "$RUN_ERR")"
fi
check "the account is ok with its defaults" eval 'dvcs_listing | grep -q "^account id=[0-9]* name=ops site=$HUB_URL status=ok auto_link=1 smart_commits=1$"'
link "$SECRET" --account OPS --key "$KEY"
refused "linking ops again (any case): Account is already integrated" 'Account is already integrated'

eventually "discovery stores r1 and r2, linked, with their hook" 30 eval \
	'[ "$(dvcs_listing | grep -cE " slug=r[12] linked=1 smart_commits=1 deleted=0 hook=ok ")" = 2 ]'
check "a1 (alice's own) is not among ops's repositories" eval '! dvcs_listing | grep -q " slug=a1 "'
check "hub has exactly one hook of track on ops/r1" test "$(hooks ops/r1)" = 1
check "and on ops/r2" test "$(hooks ops/r2)" = 1
R1_ID=$(repo_line r1 | sed 's/^repo id=\([0-9]*\) .*/\1/')
as alice "$HUB_URL/2.0/repositories/ops/r1/hooks"
expect_json "j['values'][0]['url'] == '$TRACK_URL/rest/bitbucket/1.0/repository/$R1_ID/sync' and j['values'][0]['secret_set'] and sorted(j['values'][0]['events']) == sorted(['repo:push', 'pullrequest:created', 'pullrequest:updated', 'pullrequest:fulfilled', 'pullrequest:rejected', 'repo:commit_status_created', 'repo:commit_status_updated'])" \
	"the hook points at the repository's sync target, with a secret and the seven events"
# A full one: still queued as full, or already taken by the sync job (which clears the flag).
check "a linked repository never synced gets a full sync" eval \
	'repo_line r1 | grep -Eq " sync=(queued full=1|running |done |failed )"'
check "track stores the hook secret sealed, not as it is" test -z "$(grep -rl 'sha256' "$DATA/track.db" 2>/dev/null)"

# A stale duplicate planted on hub, and three refreshes.
as alice -H 'Content-Type: application/json' \
	-d "{\"url\": \"$TRACK_URL/rest/bitbucket/1.0/repository/$R1_ID/sync\", \"active\": true, \"events\": [\"repo:push\"], \"description\": \"stale\"}" \
	"$HUB_URL/2.0/repositories/ops/r1/hooks"
[ "$RESP_STATUS" = 201 ] || fail "planting a duplicate hook on hub" "status $RESP_STATUS"
check "the planted duplicate makes two" test "$(hooks ops/r1)" = 2
for n in 1 2 3; do
	dvcs sync ops </dev/null
	if [ "$RUN_RC" = 0 ] && grep -q "queued a refresh of ops" "$RUN_OUT"; then
		pass "refresh $n of ops queued"
	else
		fail "refresh $n of ops queued" "$(cat "$RUN_OUT" "$RUN_ERR")"
	fi
	eventually "refresh $n ran" 30 discovery_idle
done
check "after three refreshes: exactly one hook on ops/r1" test "$(hooks ops/r1)" = 1
check "and exactly one on ops/r2" test "$(hooks ops/r2)" = 1
check "no repository was stored twice" test "$(dvcs_listing | grep -c '^repo ')" = 2

# Someone edits the kept hook on hub. Deactivated with events dropped: the next refresh mends it
# in place (the same hook, the same secret). Its secret cleared: a new signed hook replaces it.
# r1_hook FIELD: a field of track's one hook on ops/r1, as hub lists it.
r1_hook() {
	as alice "$HUB_URL/2.0/repositories/ops/r1/hooks"
	python3 -c 'import json,sys
h=[h for h in json.load(open(sys.argv[1]))["values"] if "/rest/bitbucket/" in h["url"]][0]
print(h[sys.argv[2]] if sys.argv[2] != "events" else len(set(h["events"])))' "$RESP_BODY" "$1"
}
refresh_ops() {
	dvcs sync ops </dev/null
	eventually "$1" 30 discovery_idle
}
R1_HOOK=$(r1_hook uuid)
R1_HOOK_PATH="$HUB_URL/2.0/repositories/ops/r1/hooks/$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$R1_HOOK")"
as alice -X PUT -H 'Content-Type: application/json' \
	-d "{\"url\": \"$TRACK_URL/rest/bitbucket/1.0/repository/$R1_ID/sync\", \"active\": false, \"events\": [\"repo:push\"]}" \
	"$R1_HOOK_PATH"
[ "$RESP_STATUS" = 200 ] || fail "deactivating track's hook on hub" "status $RESP_STATUS $(cat "$RESP_BODY")"
check "the edited hook is inactive with one event" test "$(r1_hook active)/$(r1_hook events)" = "False/1"
refresh_ops "a refresh after the edit ran"
check "the refresh made the same hook active again" test "$(r1_hook uuid)/$(r1_hook active)" = "$R1_HOOK/True"
check "with the seven events" test "$(r1_hook events)" = 7
check "still signed, still one hook" test "$(r1_hook secret_set)/$(hooks ops/r1)" = "True/1"
as alice -X PUT -H 'Content-Type: application/json' \
	-d "{\"url\": \"$TRACK_URL/rest/bitbucket/1.0/repository/$R1_ID/sync\", \"active\": true, \"events\": [\"repo:push\"], \"secret\": null}" \
	"$R1_HOOK_PATH"
check "the hook's secret is cleared on hub" test "$(r1_hook secret_set)" = False
refresh_ops "a refresh after the secret was cleared ran"
check "an unsigned hook is replaced by a new signed one" \
	test "$(hooks ops/r1)/$(r1_hook secret_set)/$(r1_hook events)" = "1/True/7"
check "the new hook is another hook" test "$(r1_hook uuid)" != "$R1_HOOK"

# A repository gone from hub is marked deleted on the next refresh.
as alice -X DELETE "$HUB_URL/2.0/repositories/ops/r2"
[ "$RESP_STATUS" = 204 ] || fail "deleting ops/r2 on hub" "status $RESP_STATUS"
dvcs sync ops </dev/null
eventually "a repository gone from the host is marked deleted" 30 eval 'repo_line r2 | grep -q " deleted=1 "'

dvcs sync ops/nosuch </dev/null
refused "sync of an unknown repository: refused" 'ops has no repository nosuch'
dvcs sync nobody </dev/null
refused "sync of an unknown account: refused" 'no linked account nobody'
dvcs sync --full ops/r1 </dev/null
check "sync --full ops/r1 queues a full sync" eval '[ "$RUN_RC" = 0 ] && grep -q "queued a full sync of ops/r1" "$RUN_OUT"'

# --- alice with auto-link off --------------------------------------------------------------------

link "$SECRET" --account alice --key "$KEY" --no-auto-link --no-smart-commits
check "link alice --no-auto-link --no-smart-commits: exit 0" test "$RUN_RC" = 0
eventually "discovery stores a1 unlinked, without a hook" 30 eval \
	'repo_line a1 | grep -q " linked=0 smart_commits=0 deleted=0 hook=none sync=never "'
check "hub has no hook of track on alice/a1" test "$(hooks alice/a1)" = 0

# --- unlink --------------------------------------------------------------------------------------

dvcs unlink ops </dev/null
check "unlink ops: exit 0" eval '[ "$RUN_RC" = 0 ] && grep -q "^unlinked ops" "$RUN_OUT"'
check "ops and its repositories are gone from the list" eval '! dvcs_listing | grep -Eq "name=ops | slug=r[12] "'
# eval: the count is taken again on each try, not once when the line is read.
eventually "the running serve removes ops/r1's hook from hub" 30 eval '[ "$(hooks ops/r1)" = 0 ]'
dvcs unlink ops </dev/null
refused "unlinking ops again: no linked account" 'no linked account ops'
check "alice stays linked" eval 'dvcs_listing | grep -q " name=alice .* status=ok "'

# --- a revoked grant ------------------------------------------------------------------------------

JAR=$TEST_TMP/alice.jar
dvcs_sign_in "$JAR" "$HUB" alice "$(password_of alice)"
req -b "$JAR" -c "$JAR" "$HUB_URL/account/settings/applications"
GRANT=$(python3 -c 'import re,sys
for row in open(sys.argv[1]).read().split("<tr class=\"oauth-application\">")[1:]:
    if "Alice&#39;s tracker" in row or "Alice'"'"'s tracker" in row:
        print(re.search(r"/account/settings/applications/(\d+)/revoke", row).group(1))' "$RESP_BODY")
req -b "$JAR" -c "$JAR" --data-urlencode "csrf=$(csrf_of_body)" "$HUB_URL/account/settings/applications/$GRANT/revoke"
expect_status 303 "alice revokes track's grant on hub's Integrated applications"
dvcs sync alice </dev/null
eventually "the account shows auth_failed after the next refresh" 30 eval \
	'dvcs_listing | grep -q "name=alice .* status=auth_failed .*last_error=The authentication with the host has failed"'
check "nothing was deleted: a1 is still there" eval 'repo_line a1 | grep -q " deleted=0 "'

done_testing

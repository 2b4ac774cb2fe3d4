# The connector's DVCS accounts page and admin REST API (issue 13) against a real hub in the same
# process (two services, two databases): the page and who may see it, the link form's
# validation (nothing stored on a refusal), the consent flow with curl (Add → hub's Confirm access
# → Grant → track's callback → the account), the callback's refusals, discovery with auto-link on
# and off, the repository and account actions of the page, what the page shows of syncs (progress,
# errors in full, no admin permission, gone from the host, smart-commit errors paged), the JSON
# the page polls, every /rest/bitbucket/1.0/ resource with its shapes and errors, Reset OAuth
# settings and Delete.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dvcs_lib.sh"
. "$(dirname "$0")/accounts_lib.sh"

dvcs_stores dvcs

printf 'owner-pass-123\n' | timeout 60 "$WEFT_BIN" hub admin create-user owner --email owner@example.com \
	--data "$DATA" "${HUB_DB[@]}" >"$TEST_TMP/cli.out" 2>&1 || bail "hub create-user: $(cat "$TEST_TMP/cli.out")"
timeout 60 "$WEFT_BIN" hub admin create-team acme --owner owner --data "$DATA" "${HUB_DB[@]}" \
	>"$TEST_TMP/cli.out" 2>&1 || bail "hub create-team: $(cat "$TEST_TMP/cli.out")"
for user in alice bob; do
	admin=()
	[ "$user" = alice ] && admin=(--admin)
	printf '%s-password-123\n' "$user" | timeout 60 "$WEFT_BIN" track admin create-user "$user" \
		--email "$user@example.com" --data "$DATA" "${TRACK_DB[@]}" "${admin[@]}" \
		>"$TEST_TMP/cli.out" 2>&1 || bail "track create-user $user: $(cat "$TEST_TMP/cli.out")"
done

weft_launch "hub track" serve --data "$DATA" --hub-listen 127.0.0.1:0 --track-listen 127.0.0.1:0 \
	"${HUB_DB[@]}" "${TRACK_DB[@]}" || bail "weft serve did not start"
T=$TRACK_URL
R=$T/rest/bitbucket/1.0
PAGE=/secure/admin/dvcs
CALLBACK=$T$PAGE/callback

hub_repo() {
	req -u owner:owner-pass-123 -H 'Content-Type: application/json' \
		-d '{"scm": "git", "is_private": true}' "$HUB_URL/2.0/repositories/acme/$1"
	[ "$RESP_STATUS" = 200 ] || bail "cannot create acme/$1 on hub (status $RESP_STATUS)"
}
hub_repo api
hub_repo web
dvcs_consumer acme "Jira DVCS" "$T" "account repository:admin pullrequest webhook"

dvcs_sign_in "$TEST_TMP/alice.jar" "$T" alice alice-password-123
dvcs_sign_in "$TEST_TMP/bob.jar" "$T" bob bob-password-123
dvcs_sign_in "$TEST_TMP/owner.jar" "$HUB_URL" owner owner-pass-123

page() {
	req -b "$TEST_TMP/$1.jar" -c "$TEST_TMP/$1.jar" "$T$2"
}
# submit USER ACTION FIELDS...: the page's CSRF token, then the form posted to ACTION.
submit() {
	local user=$1 action=$2 token f
	shift 2
	page "$user" "$PAGE"
	token=$(csrf_of_body)
	local args=(--data-urlencode "csrf=$token")
	for f in "$@"; do args+=(--data-urlencode "$f"); done
	req -b "$TEST_TMP/$user.jar" -c "$TEST_TMP/$user.jar" "${args[@]}" "$T$action"
}
api() {
	req -u alice:alice-password-123 "$@"
}
# jpost PATH BODY: a JSON POST to the REST API as alice.
jpost() {
	api -H 'Content-Type: application/json' --data-binary "$2" "$R/$1"
}
jget() {
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
		"$RESP_BODY" "$1"
}
lacks() {
	! grep -qF -- "$1" "$RESP_BODY"
}
# onward: the link of the last answer's "Continue to weft hub" (the way to hub's consent page).
onward() {
	python3 -c 'import html,re,sys; m=re.search(r"id=\"dvcs-continue\" href=\"([^\"]*)\"", open(sys.argv[1]).read()); print(html.unescape(m.group(1)) if m else "")' "$RESP_BODY"
}
# consent [URL]: follows URL (by default the last answer's way on to hub) to hub's consent page, grants access there, and
# brings hub's redirect back to track's callback with alice's session.
consent() {
	local to=${1:-$(onward)}
	req -b "$TEST_TMP/owner.jar" -c "$TEST_TMP/owner.jar" "$to"
	[ "$RESP_STATUS" = 200 ] || { fail "hub shows its consent page" "status $RESP_STATUS for $to"; return; }
	local token fields=()
	token=$(csrf_of_body)
	fields=(--data-urlencode "csrf=$token" --data-urlencode "action=grant")
	for f in client_id response_type redirect_uri state; do
		v=$(python3 -c 'import html,re,sys; m=re.search(r"name=\"%s\" value=\"([^\"]*)\"" % sys.argv[2], open(sys.argv[1]).read()); print(html.unescape(m.group(1)) if m else "")' "$RESP_BODY" "$f")
		[ -n "$v" ] && fields+=(--data-urlencode "$f=$v")
	done
	req -b "$TEST_TMP/owner.jar" -c "$TEST_TMP/owner.jar" "${fields[@]}" "$HUB_URL/site/oauth2/authorize"
	to=$(resp_header Location)
	page alice "${to#"$T"}"
}
# wait_for EXPR: polls GET repositories until EXPR (Python over j) holds, at most 30 s.
wait_for() {
	local i
	for i in $(seq 1 60); do
		api "$R/repositories"
		[ "$RESP_STATUS" = 200 ] && [ "$(jget "$1")" = True ] && return 0
		sleep 0.5
	done
	return 1
}

# --- the page, and who may see it ----------------------------------------------------------------

page alice "$PAGE"
expect_status 200 "an administrator opens Administration › Applications › DVCS accounts"
expect_html "…an HTML page"
expect_body_contains 'Link a Bitbucket Cloud or weft hub account' "…with the link form"
expect_body_contains "value=\"$HUB_URL\"" "…the configured hub URL prefilled"
expect_body_contains 'name="auto_link" type="checkbox" value="true" checked' "…Auto link new repositories checked by default"
expect_body_contains 'name="smart_commits" type="checkbox" value="true" checked' "…Enable smart commits checked by default"
expect_body_contains 'No account is linked yet' "…and no account yet"
expect_body_contains '/static/dvcs.js' "…and its script, a file (CSP)"
page alice /admin
expect_body_contains 'href="/secure/admin/dvcs"' "the administration's tabs link to it"
page bob "$PAGE"
expect_status 404 "a user who is not a site administrator gets 404"
req "$T$PAGE"
expect_status 303 "an anonymous visitor is sent to sign in"
page bob "$PAGE/progress"
expect_status 404 "…the progress JSON likewise"
req -b "$TEST_TMP/alice.jar" "$T/static/dvcs.js"
expect_status 200 "the page's script is served"

# --- the link form: refusals change nothing --------------------------------------------------------

submit alice "$PAGE/accounts" host=weft "site_url=$HUB_URL" account= "oauth_key=$KEY" "oauth_secret=$SECRET" auto_link=true
expect_status 400 "an empty account is refused with 400"
expect_body_contains 'Team or user account' "…the message names the field"
expect_body_contains "value=\"$KEY\"" "…the form keeps what was typed"
lacks "$SECRET" && pass "…but never the secret" || fail "…but never the secret"
submit alice "$PAGE/accounts" host=weft "site_url=ftp://example.com" account=acme "oauth_key=$KEY" "oauth_secret=$SECRET"
expect_status 400 "a host URL that is not http(s) is refused"
expect_body_contains 'Host URL' "…saying what to fix"
submit alice "$PAGE/accounts" host=gitlab account=acme "oauth_key=$KEY" "oauth_secret=$SECRET"
expect_status 400 "an unknown host is refused"
expect_body_contains 'Choose the host' "…saying what to fix"
submit alice "$PAGE/accounts" host=weft "site_url=$HUB_URL" account=acme "oauth_key=$KEY" oauth_secret=
expect_status 400 "an empty secret is refused"
submit alice "$PAGE/accounts" host=weft "site_url=$HUB_URL" account=acme "oauth_key=$KEY" "oauth_secret=$SECRET" auto_link=maybe
expect_status 400 "a checkbox that is not true or false is refused"
req -b "$TEST_TMP/alice.jar" -d host=weft -d account=acme "$T$PAGE/accounts"
expect_status 403 "the form without its CSRF token is refused"
submit bob "$PAGE/accounts" host=weft "site_url=$HUB_URL" account=acme "oauth_key=$KEY" "oauth_secret=$SECRET"
expect_status 404 "bob may not post it"
check "none of the refusals stored an account" test "$(track_sql 'SELECT count(*) FROM dvcs_accounts')" = 0

# --- linking through hub's consent ----------------------------------------------------------------

submit alice "$PAGE/accounts" host=weft "site_url=$HUB_URL/" account=acme "oauth_key=$KEY" "oauth_secret=$SECRET" auto_link=true smart_commits=true
expect_status 200 "Add answers a page that sends the administrator on…"
expect_header Cache-Control 'no-store' "…never cached (it carries the consent's state)"
expect_body_contains '/static/dvcs.js' "…whose script follows the link at once"
LOCATION=$(onward)
case $LOCATION in
"$HUB_URL/site/oauth2/authorize?client_id=$KEY&response_type=code&redirect_uri="*"&state="*) pass "…to hub's authorize page with the key, the callback and a state" ;;
*) fail "…to hub's authorize page with the key, the callback and a state" "$LOCATION" ;;
esac
check "the account waits for access" test "$(track_sql "SELECT status FROM dvcs_accounts WHERE account = 'acme'")" = pending
check "its secret is sealed, not stored as typed" test "$(track_sql "SELECT count(*) FROM dvcs_accounts WHERE oauth_secret = '$SECRET'")" = 0
consent
expect_status 303 "after Grant access, track's callback…"
case $(resp_header Location) in
"$PAGE?done=linked#account-"[0-9]*) pass "…sends back to the page, at the account" ;;
*) fail "…sends back to the page, at the account" "$(resp_header Location)" ;;
esac
ORG=$(resp_header Location | sed 's/.*#account-//')
page alice "$PAGE?done=linked"
expect_body_contains 'The account is linked' "the page says the account is linked"
expect_body_contains '>acme</a>' "…and lists acme"
expect_body_contains 'data-dvcs-watch="true"' "…watching for its repositories to appear"
if wait_for 'sorted(r["slug"] for r in j["repositories"]) == ["api", "web"]'; then
	pass "discovery lists the account's two repositories"
else
	fail "discovery lists the account's two repositories" "$(cat "$RESP_BODY")"
fi
API_ID=$(jget '[r["id"] for r in j["repositories"] if r["slug"] == "api"][0]')
WEB_ID=$(jget '[r["id"] for r in j["repositories"] if r["slug"] == "web"][0]')
expect_json 'all(r["linked"] and r["smartcommitsEnabled"] for r in j["repositories"])' "auto-link on: both are linked with smart commits"

submit alice "$PAGE/accounts" host=weft "site_url=$HUB_URL" account=ACME "oauth_key=$KEY" "oauth_secret=$SECRET" auto_link=true
expect_status 409 "linking the same account again (any case) is refused with 409"
expect_body_contains 'Account is already integrated' "…with connector.md's words"
req -b "$TEST_TMP/alice.jar" "$CALLBACK?error=access_denied&state=abc"
expect_status 400 "a denied consent comes back as an error on the form"
expect_body_contains 'Access was not granted' "…saying so"
req -b "$TEST_TMP/alice.jar" "$CALLBACK?code=abc&state=not-a-state"
expect_status 400 "a state no pending account has is refused"
expect_body_contains 'belongs to no account waiting for access' "…saying so"
req -b "$TEST_TMP/alice.jar" "$CALLBACK"
expect_status 400 "a callback without code or state is refused"
req -b "$TEST_TMP/alice.jar" "$CALLBACK?error=server_error&error_description=%3Cscript%3Ebad%3C%2Fscript%3E"
expect_body_contains '&lt;script&gt;bad' "the host's error words are shown escaped"
req -b "$TEST_TMP/bob.jar" "$CALLBACK?code=abc&state=x"
expect_status 404 "bob may not use the callback"

# --- the admin REST API --------------------------------------------------------------------------

api "$R/repositories"
expect_status 200 "GET repositories"
expect_json 'all(set(r) >= {"id", "orgId", "name", "slug", "linked", "smartcommitsEnabled", "repositoryUrl", "sync"} and set(r["sync"]) >= {"finished", "changesetCount", "jiraCount", "startTime", "finishTime", "error"} for r in j["repositories"])' "…each repository carries Jira's fields and its sync"
expect_json "all(r['orgId'] == $ORG for r in j['repositories'])" "…orgId is the linked account"
api "$R/repository/$API_ID"
expect_status 200 "GET repository/{id}"
expect_json "j['id'] == $API_ID and j['slug'] == 'api' and j['name'] == 'api' and j['repositoryUrl'] == '$HUB_URL/acme/api'" "…its id, slug, name and URL on hub"
api "$R/repository/999999"
expect_status 404 "an unknown repository is 404"
expect_api_error track "…in Jira's errorMessages shape"
api "$R/repository/abc"
expect_status 400 "an id that is not a number is 400"
req -u bob:bob-password-123 "$R/repositories"
expect_status 403 "a user who is not a site administrator gets 403"
expect_api_error track "…in Jira's errorMessages shape"
req "$R/repositories"
expect_status 401 "an anonymous caller gets 401"

jpost "repository/$WEB_ID/autolink" '{"payload": false}'
expect_status 200 "autolink false"
expect_json 'j["repository"]["linked"] is False and j["callBackUrl"].endswith("/rest/bitbucket/1.0/repository/%d/sync" % j["repository"]["id"])' "…answers the registration: the repository unlinked and the hook's URL"
jpost "repository/$WEB_ID/autolink" '{"payload": "true"}'
expect_json 'j["repository"]["linked"] is True' "autolink with the text \"true\", as Jira's page sends it, links again"
jpost "repo/$WEB_ID/autolink" '{"payload": "false"}'
expect_json 'j["repository"]["linked"] is False' "…and under Jira's own path repo/{id}/autolink"
jpost "repository/$WEB_ID/autolink" '{"payload": 3}'
expect_status 400 "a payload that is not a boolean is 400"
expect_api_error track "…in Jira's errorMessages shape"
jpost "repository/$WEB_ID/autolink" '{}'
expect_status 400 "a body without payload is 400"
api -X POST "$R/repository/$WEB_ID/autolink"
expect_status 400 "no body at all is 400"
jpost "repository/$WEB_ID/autolink" '{"payload": tru'
expect_status 400 "a body that is not JSON is 400"
jpost "repository/999999/autolink" '{"payload": true}'
expect_status 404 "autolink of an unknown repository is 404"
jpost "repository/$API_ID/smarts" '{"payload": false}'
expect_status 204 "smarts false: 204"
api "$R/repository/$API_ID"
expect_json 'j["smartcommitsEnabled"] is False' "…smart commits are off"
jpost "repo/$API_ID/smart" '{"payload": true}'
expect_status 204 "…and on again under Jira's path repo/{id}/smart"
api "$R/repository/$API_ID"
expect_json 'j["smartcommitsEnabled"] is True' "…they are on"

api -X POST "$R/repository/$API_ID/softsync"
expect_status 200 "softsync answers the repository"
expect_json "j['id'] == $API_ID and 'sync' in j" "…with its sync"
api -X POST "$R/repository/$API_ID/fullsync"
expect_status 200 "fullsync answers the repository"
api -X POST "$R/repository/$WEB_ID/softsync"
expect_status 409 "a sync of an unlinked repository is refused with 409"
expect_api_error track "…in Jira's errorMessages shape"
api -X POST "$R/repository/999999/fullsync"
expect_status 404 "a sync of an unknown repository is 404"
req -u bob:bob-password-123 -X POST "$R/repository/$API_ID/softsync"
expect_status 403 "bob may not start a sync"

api "$R/organizations"
expect_status 200 "GET organizations"
expect_json "j['organizations'][0]['id'] == $ORG and j['organizations'][0]['name'] == 'acme' and j['organizations'][0]['autolinkNewRepos'] is True and len(j['organizations'][0]['repositories']) == 2" "…the account with its defaults and repositories"
jpost "org/$ORG/autolink" '{"payload": false}'
expect_status 204 "org/{id}/autolink false: 204"
jpost "org/$ORG/globalsmarts" '{"payload": false}'
expect_status 204 "org/{id}/globalsmarts false: 204"
api "$R/organization/$ORG"
expect_json 'j["autolinkNewRepos"] is False and j["smartcommitsOnNewRepos"] is False' "…both defaults are off"
api "$R/organization/999999"
expect_status 404 "an unknown organization is 404"
api -X POST "$R/organization/999999/syncRepoList"
expect_status 404 "syncRepoList of an unknown organization is 404"

hub_repo docs
api -X POST "$R/organization/$ORG/syncRepoList"
expect_status 204 "syncRepoList: 204"
if wait_for 'any(r["slug"] == "docs" for r in j["repositories"])'; then
	pass "…discovery finds the new repository"
else
	fail "…discovery finds the new repository" "$(cat "$RESP_BODY")"
fi
expect_json '[(r["linked"], r["smartcommitsEnabled"]) for r in j["repositories"] if r["slug"] == "docs"] == [(False, False)]' "auto-link off: it is stored unlinked, smart commits off"
DOCS_ID=$(jget '[r["id"] for r in j["repositories"] if r["slug"] == "docs"][0]')

# --- the page's actions ---------------------------------------------------------------------------

submit alice "$PAGE/accounts/$ORG/defaults" auto_link=true smart_commits=true
expect_status 303 "the account's defaults are saved from the page"
api "$R/organization/$ORG"
expect_json 'j["autolinkNewRepos"] is True and j["smartcommitsOnNewRepos"] is True' "…both on again"
submit alice "$PAGE/accounts/$ORG/refresh"
expect_status 303 "Refresh list"
check "…back to the page with its notice" sh -c "grep -qi '^location: $PAGE?done=refresh#account-$ORG' '$RESP_HEADERS'"
submit alice "$PAGE/repos/$WEB_ID" linked=true smart_commits=true
expect_status 303 "a repository's Linked checkbox is saved"
api "$R/repository/$WEB_ID"
expect_json 'j["linked"] is True' "…it is linked"
submit alice "$PAGE/repos/$WEB_ID" smart_commits=true
api "$R/repository/$WEB_ID"
expect_json 'j["linked"] is False and j["smartcommitsEnabled"] is True' "an unchecked box unlinks it, the other stays"
submit alice "$PAGE/repos/$API_ID/sync" full=true
expect_status 303 "Sync (full) from the page"
check "…a full one" test "$(track_sql "SELECT count(*) FROM dvcs_repos WHERE id = $API_ID AND (sync_full = 1 OR sync_state IN ('running', 'done', 'failed'))")" = 1
submit alice "$PAGE/repos/$WEB_ID/sync"
expect_status 409 "Sync of an unlinked repository re-renders the page with 409"
expect_body_contains 'is not linked' "…saying why"
submit alice "$PAGE/repos/999999/sync"
expect_status 404 "Sync of an unknown repository is 404"
submit alice "$PAGE/repos/$WEB_ID" linked=perhaps
expect_status 400 "a checkbox that is not true or false is 400"

# --- what the page shows of syncs -------------------------------------------------------------------

# docs is unlinked: no sync job touches it while the test puts it in each state.
track_sql "UPDATE dvcs_repos SET sync_state = 'running', sync_commits = 12340, sync_pulls = 3, sync_issues = 870, sync_started_at = 1700000000000 WHERE id = $DOCS_ID" >/dev/null
page alice "$PAGE"
expect_body_contains 'Synchronizing: 12,340 commits, 3 pull requests, 870 issues found' "a running sync shows its progress in words"
check "…and a progress bar" sh -c "grep -A3 'id=\"repo-$DOCS_ID\"' '$RESP_BODY' >/dev/null && grep -q '<progress class=\"dvcs-progress\" max=\"100\"></progress>' '$RESP_BODY'"
expect_body_contains "data-repo-id=\"$DOCS_ID\" data-sync-state=\"running\"" "…its row marked running for the script"
page alice "$PAGE/progress"
expect_status 200 "the progress JSON"
expect_json "[(r['state'], r['busy'], r['text']) for r in j['repositories'] if r['id'] == $DOCS_ID] == [('running', True, 'Synchronizing: 12,340 commits, 3 pull requests, 870 issues found')]" "…says the same"
expect_header Cache-Control 'no-store' "…and is never cached"
track_sql "UPDATE dvcs_repos SET sync_state = 'failed', sync_finished_at = 1700000100000, sync_error = 'git fetch failed: fatal: unable to access
the second line <b>of</b> the error', hook_status = 'no_admin', deleted = 1 WHERE id = $DOCS_ID" >/dev/null
page alice "$PAGE"
expect_body_contains 'Synchronization failed at 2023-11-14' "a failed sync says so"
check "…with its error in full, escaped" sh -c "grep -q 'the second line &lt;b&gt;of&lt;/b&gt; the error' '$RESP_BODY' && grep -q 'git fetch failed: fatal: unable to access' '$RESP_BODY'"
expect_body_contains 'no admin permission' "a repository whose hook could not be installed is marked no admin permission"
expect_body_contains 'gone from the host' "a repository gone from the host is marked"
page alice "$PAGE/progress"
expect_json "[r['error'].splitlines()[1] for r in j['repositories'] if r['id'] == $DOCS_ID] == ['the second line <b>of</b> the error']" "the progress JSON carries the error in full"
api "$R/repository/$DOCS_ID"
expect_json 'j["deleted"] is True and j["adminPermission"] is False and j["sync"]["finished"] is True and j["sync"]["error"].startswith("git fetch failed") and j["sync"]["finishTime"] == 1700000100000' "the REST API says the same"

for i in $(seq 1 30); do
	printf "INSERT INTO dvcs_smart_runs (commit_hash, issue_key, command_index, repo_id, command, outcome, error, created_at) VALUES ('%040d', 'ACME-%d', 0, %s, 'resolve', 'error', 'No transition named resolve for ACME-%d', %d);\n" \
		"$i" "$i" "$DOCS_ID" "$i" "$((1700000000000 + i * 1000))"
done >"$TEST_TMP/smart.sql"
printf "INSERT INTO dvcs_smart_runs (commit_hash, issue_key, command_index, repo_id, command, outcome, created_at) VALUES ('%040d', 'ACME-99', 0, %s, 'comment', 'done', 1800000000000);\n" 99 "$DOCS_ID" >>"$TEST_TMP/smart.sql"
if [ ${#TRACK_DB[@]} -gt 0 ]; then
	psql -q "${TRACK_DB[1]}" -f "$TEST_TMP/smart.sql" >/dev/null
else
	sqlite3 "$DATA/track.db" <"$TEST_TMP/smart.sql"
fi
page alice "$PAGE"
expect_body_contains 'No transition named resolve for ACME-30' "the smart-commit errors are listed"
check "…newest first, a page of 25" sh -c "grep -o 'No transition named resolve for ACME-[0-9]*' '$RESP_BODY' | head -n 1 | grep -q 'ACME-30$' && [ \$(grep -c 'No transition named resolve' '$RESP_BODY') = 25 ]"
expect_body_contains '1–25 of 30' "…with a pager"
lacks 'ACME-99' && pass "…only the failed ones" || fail "…only the failed ones"
page alice "$PAGE?startAt=25"
check "the next page has the 5 oldest" sh -c "[ \$(grep -c 'No transition named resolve' '$RESP_BODY') = 5 ] && grep -q 'ACME-1<' '$RESP_BODY'"

# --- Reset OAuth settings, then Delete --------------------------------------------------------------

submit alice "$PAGE/accounts/$ORG/oauth" oauth_key= oauth_secret=
expect_status 400 "Reset OAuth settings without a key and secret is refused"
expect_body_contains 'needs the new OAuth key and secret' "…saying what to fix"
check "…and the account is still linked" test "$(track_sql "SELECT status FROM dvcs_accounts WHERE id = $ORG")" = ok
submit alice "$PAGE/accounts/999999/oauth" "oauth_key=$KEY" "oauth_secret=$SECRET"
expect_status 404 "Reset OAuth settings of an unknown account is 404"
submit alice "$PAGE/accounts/$ORG/oauth" "oauth_key=$KEY" "oauth_secret=$SECRET"
expect_status 200 "Reset OAuth settings sends to hub's consent again"
AGAIN=$(onward)
check "…the account waits for access again" test "$(track_sql "SELECT status FROM dvcs_accounts WHERE id = $ORG")" = pending
api -X POST "$R/organization/$ORG/syncRepoList"
expect_status 409 "meanwhile a refresh is refused with 409"
consent "$AGAIN"
expect_status 303 "granting again links it again"
check "…the account is linked" test "$(track_sql "SELECT status FROM dvcs_accounts WHERE id = $ORG")" = ok
api "$R/repositories"
expect_json 'len(j["repositories"]) == 3' "…its repositories stayed"

page alice "$PAGE/accounts/$ORG/delete"
expect_status 200 "Delete asks for confirmation first"
expect_body_contains 'Delete the account acme?' "…naming the account"
expect_body_contains '3 repositories' "…and what goes with it"
page alice "$PAGE/accounts/999999/delete"
expect_status 404 "the confirmation of an unknown account is 404"
submit bob "$PAGE/accounts/$ORG/delete"
expect_status 404 "bob may not delete it"
submit alice "$PAGE/accounts/$ORG/delete"
expect_status 303 "Delete"
check "…back to the page with its notice" sh -c "grep -qi '^location: $PAGE?done=deleted' '$RESP_HEADERS'"
page alice "$PAGE?done=deleted"
expect_body_contains 'No account is linked yet' "the account is gone from the page"
api "$R/repositories"
expect_json 'j["repositories"] == []' "…and from the REST API"

done_testing

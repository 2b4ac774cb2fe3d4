# The connector's consent flow in a real browser (tests/browser/track_dvcs.mjs): an administrator
# of track opens Administration › Applications › DVCS accounts, fills the link form with a hub
# team's OAuth consumer, signs in on hub, sees hub's "Confirm access to your account", grants,
# comes back to the page with the account and finds its repository listed. hub's user, team,
# repository and consumer and track's administrator come from the command line and the API;
# both services run in one `weft serve` with databases of their own.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dvcs_lib.sh"
. "$IT_DIR/browser_lib.sh"

dvcs_stores dvcs-browser
browser_check_deps

printf 'owner pass phrase\n' | timeout 60 "$WEFT_BIN" hub admin create-user owner --email owner@example.com \
	--data "$DATA" "${HUB_DB[@]}" >"$TEST_TMP/cli.out" 2>&1 || bail "hub create-user: $(cat "$TEST_TMP/cli.out")"
timeout 60 "$WEFT_BIN" hub admin create-team acme --owner owner --data "$DATA" "${HUB_DB[@]}" \
	>"$TEST_TMP/cli.out" 2>&1 || bail "hub create-team: $(cat "$TEST_TMP/cli.out")"
printf 'the admin pass phrase\n' | timeout 60 "$WEFT_BIN" track admin create-user root_admin --admin \
	--email root_admin@example.com --data "$DATA" "${TRACK_DB[@]}" >"$TEST_TMP/cli.out" 2>&1 ||
	bail "track create-user: $(cat "$TEST_TMP/cli.out")"

weft_launch "hub track" serve --data "$DATA" --hub-listen 127.0.0.1:0 --track-listen 127.0.0.1:0 \
	"${HUB_DB[@]}" "${TRACK_DB[@]}" || bail "weft serve did not start"

req -u 'owner:owner pass phrase' -H 'Content-Type: application/json' \
	-d '{"scm": "git", "is_private": true}' "$HUB_URL/2.0/repositories/acme/backend"
expect_status 200 "hub: the team's repository acme/backend"
timeout 60 "$WEFT_BIN" hub admin create-consumer acme --name "Jira DVCS" \
	--callback "$TRACK_URL/secure/admin/dvcs/callback" --private \
	--scopes "account repository:admin pullrequest webhook" --data "$DATA" "${HUB_DB[@]}" \
	>"$TEST_TMP/consumer.out" 2>&1 || bail "create-consumer: $(cat "$TEST_TMP/consumer.out")"

browser_run track_dvcs.mjs HUB_URL="$HUB_URL" TRACK_URL="$TRACK_URL" TEAM=acme REPO=backend \
	HUB_USERNAME=owner HUB_PASSWORD='owner pass phrase' TRACK_ADMIN_USERNAME=root_admin \
	TRACK_ADMIN_PASSWORD='the admin pass phrase' \
	OAUTH_KEY="$(sed -n 's/^key=//p' "$TEST_TMP/consumer.out")" \
	OAUTH_SECRET="$(sed -n 's/^secret=//p' "$TEST_TMP/consumer.out")"

done_testing

# hub's OAuth pages in a real browser (tests/browser/hub_oauth.mjs): a consumer added in a team's
# settings, the consent page seen by another administrator of the team, Grant access to the
# callback, Integrated applications and Revoke access. The team and users come from the command
# line; the second administrator joins the Administrators group through the 1.0 groups API.
. "$(dirname "$0")/lib.sh"
. "$IT_DIR/browser_lib.sh"

hub_store oauth-browser
browser_check_deps

create_user() {
	printf '%s\n' "$2" | timeout 60 "$WEFT_BIN" hub admin create-user "$1" --email "$1@example.com" \
		--data "$DATA" "${HUB_DB[@]}" >"$TEST_TMP/user.out" 2>&1 || bail "cannot create $1: $(cat "$TEST_TMP/user.out")"
}
create_user alice "alice's pass phrase"
create_user bob "bob's pass phrase"
timeout 60 "$WEFT_BIN" hub admin create-team acme --owner alice --data "$DATA" "${HUB_DB[@]}" \
	>"$TEST_TMP/team.out" 2>&1 || bail "cannot create the team: $(cat "$TEST_TMP/team.out")"

start_weft --data "$DATA" "${HUB_DB[@]}" || bail "weft did not start"
req -u "alice:alice's pass phrase" -X PUT -H 'Content-Type: application/json' -d '{}' \
	"$HUB_URL/1.0/groups/acme/administrators/members/bob"
expect_status 200 "bob joins the team's Administrators"

browser_run hub_oauth.mjs HUB_URL="$HUB_URL" TEAM=acme HUB_ADMIN_USERNAME=alice \
	HUB_ADMIN_PASSWORD="alice's pass phrase" HUB_USERNAME=bob HUB_PASSWORD="bob's pass phrase"

done_testing

# hub's teams end to end over HTTP: `weft hub admin create-team`, then signing in, creating a team
# with a member, adding a user to Developers, inviting an unknown address, signing up with it and
# confirming it (the links read from the administrators' outbox page) to join the team and group;
# the last-administrator rule, plan limits, CSRF, who sees which page (404, 403, sign in), groups,
# invitations revoked and re-sent, renaming and deleting a team.
. "$(dirname "$0")/lib.sh"

hub_store teams
diag "hub's database: ${HUB_DB[1]:-$DATA/hub.db}"
PASSWORD="correct horse battery"

# --- the command line --------------------------------------------------------------------------

# admin ARGS...: `weft hub admin ARGS…` on this file's store, the password on standard input.
admin() {
	RUN_OUT=$TEST_TMP/admin.out
	RUN_ERR=$TEST_TMP/admin.err
	printf '%s\n' "$PASSWORD" | timeout 60 "$WEFT_BIN" hub admin "$@" --data "$DATA" \
		"${HUB_DB[@]}" >"$RUN_OUT" 2>"$RUN_ERR"
	RUN_RC=$?
}

run_diag() {
	diag "exit status: $RUN_RC" "stdout: $(head -c 400 "$RUN_OUT")" "stderr: $(head -c 400 "$RUN_ERR")"
}

for name in alice bob carol dave erin; do
	extra=()
	[ "$name" = alice ] && extra=(--admin)
	admin create-user "$name" --email "$name@example.com" "${extra[@]}"
	[ "$RUN_RC" = 0 ] || { run_diag; bail "create-user $name failed"; }
done

forget_response
admin create-team ops --name "Operations" --owner carol
if [ "$RUN_RC" = 0 ] && grep -Eq '^created team ops \(Operations\) \{[0-9a-f-]{36}\}' "$RUN_OUT"; then
	pass "create-team ops --name Operations --owner carol: exit 0, prints the team"
else
	fail "create-team ops --name Operations --owner carol: exit 0, prints the team"
	run_diag
fi
# expect_team_refused DESC STDERR_ERE ARGS...: exit 2, one line on stderr, nothing on stdout.
expect_team_refused() {
	local desc=$1 pattern=$2
	shift 2
	admin create-team "$@"
	if [ "$RUN_RC" = 2 ] && [ "$(grep -c '' "$RUN_ERR")" = 1 ] &&
		grep -Eiq -- "$pattern" "$RUN_ERR" && [ ! -s "$RUN_OUT" ]; then
		pass "$desc"
	else
		fail "$desc" "expected exit 2, one line matching /$pattern/"
		run_diag
	fi
}
expect_team_refused "create-team ops again: exit 2, taken" 'Team ID: ops is already taken' \
	ops --owner carol
expect_team_refused "create-team with a username's slug: exit 2, taken" 'Team ID: bob is already' \
	bob --owner carol
expect_team_refused "create-team Ops (upper case): exit 2, one line on Team ID" 'Team ID' \
	Ops --owner carol
expect_team_refused "create-team with a reserved name: exit 2" 'reserved' teams --owner carol
expect_team_refused "create-team with an unknown owner: exit 2" 'owner.*nobody' x --owner nobody
expect_team_refused "create-team without --owner: exit 2" 'owner' x

# --- the server ----------------------------------------------------------------------------------

weft_launch hub serve hub --data "$DATA" --hub-listen 127.0.0.1:0 "${HUB_DB[@]}" ||
	bail "weft serve hub did not start"

csrf_of_body() {
	grep -o 'name="csrf" value="[0-9a-f]*"' "$RESP_BODY" | head -n 1 | sed 's/.*value="//; s/"$//'
}

# sign_in NAME: signs NAME in with the cookie jar $TEST_TMP/NAME.jar and keeps the session's CSRF
# token in CSRF_NAME.
sign_in() {
	local jar=$TEST_TMP/$1.jar token
	req -b "$jar" -c "$jar" "$HUB_URL/login"
	token=$(csrf_of_body)
	req -b "$jar" -c "$jar" --data-urlencode "csrf=$token" --data-urlencode "login=$1" \
		--data-urlencode "password=$PASSWORD" "$HUB_URL/login"
	[ "$RESP_STATUS" = 303 ] || return 1
	req -b "$jar" "$HUB_URL/teams"
	printf -v "CSRF_$1" '%s' "$(csrf_of_body)"
}

# get NAME PATH: GET as NAME ("anon": nobody).
get() {
	if [ "$1" = anon ]; then
		req "$HUB_URL$2"
	else
		req -b "$TEST_TMP/$1.jar" "$HUB_URL$2"
	fi
}

# post NAME PATH FIELD=VALUE...: a form POST as NAME with the session's CSRF token.
post() {
	local name=$1 path=$2 token_var="CSRF_$1" args=()
	shift 2
	args=(--data-urlencode "csrf=${!token_var}")
	for f in "$@"; do
		args+=(--data-urlencode "$f")
	done
	req -b "$TEST_TMP/$name.jar" "${args[@]}" "$HUB_URL$path"
}

# expect_redirect PATH_PREFIX DESC: a 303 to a Location that starts with PATH_PREFIX.
expect_redirect() {
	local location
	location=$(resp_header Location) || location=
	if [ "$RESP_STATUS" = 303 ] && [[ $location == *"$HUB_URL$1"* || $location == "$1"* ]]; then
		pass "$2"
	else
		fail "$2" "expected 303 to $1, got $RESP_STATUS to '$location'"
	fi
}

expect_body_lacks() {
	if grep -qF -- "$1" "$RESP_BODY"; then
		fail "$2" "expected the body not to contain '$1'"
	else
		pass "$2"
	fi
}

# newest_link PREFIX: the newest link of the outbox (the administrators' mail page, read as
# alice) whose path starts with PREFIX, as a path.
newest_link() {
	get alice /admin/mail
	grep -o "$1[0-9a-f]\{64\}" "$RESP_BODY" | head -n 1
}

sign_in alice || bail "alice cannot sign in"
sign_in bob || bail "bob cannot sign in"
sign_in dave || bail "dave cannot sign in"

# --- creating a team with a member --------------------------------------------------------------

get alice /teams
expect_status 200 "GET /teams signed in is 200"
expect_body_contains 'href="/teams/new"' "the teams page offers Create team"
get alice /
expect_body_contains 'href="/teams">Teams</a>' "the top bar links to Teams for signed-in users"
get alice /teams/new
expect_status 200 "GET /teams/new is 200"
expect_body_contains 'name="members"' "the form has a members field"

post alice /teams/new "name=Acme & <b>Co</b>" "id=acme" "members=bob"
expect_redirect "/acme?notice=created" "POST /teams/new creates acme and goes to its page"
get alice /acme
expect_status 200 "GET /acme is 200"
expect_body_contains 'Acme &amp; &lt;b&gt;Co&lt;/b&gt;' "the team's name is escaped"
expect_body_lacks '<b>Co</b>' "no raw HTML of the name"
expect_body_contains 'href="/bob"' "bob, added in the form, is a member"
expect_body_contains 'There are no repositories in this team' "the repositories' empty state"
expect_body_contains 'This team has no projects yet' "the projects' empty state"
get alice /teams
expect_body_contains 'href="/acme"' "acme is in alice's teams"
get bob /teams
expect_body_contains 'href="/acme"' "acme is in bob's teams"
get alice /acme/settings/groups/administrators
expect_body_contains '<span class="muted small">alice</span>' "alice administers acme"

# refusals keep what was typed and create nothing
post alice /teams/new "name=Typed name" "id=Bad ID"
expect_refused 400 "Team ID:" "a team ID with upper case and a space is refused (400, Team ID)"
expect_body_contains 'value="Typed name"' "the refused form keeps the typed name"
expect_body_contains 'value="Bad ID"' "the refused form keeps the typed team ID"
post alice /teams/new "name=Clash" "id=bob"
expect_refused 409 "Team ID: bob is already taken" "a team ID that is a username is 409"
post alice /teams/new "name=Admin" "id=admin"
expect_refused 400 "reserved" "a reserved team ID is refused"
post alice /teams/new "name=Ghost" "id=ghost" "members=bob nobody_at_all"
expect_refused 404 "nobody_at_all" "an unknown member is refused, naming it"
get anon /ghost
expect_status 404 "the refused team ghost does not exist"

# --- groups: add by username, invite an unknown address ----------------------------------------

post alice /acme/settings/groups/developers/members "member=erin"
expect_redirect "/acme/settings/groups/developers?notice=added" "adding erin to Developers by username"
post alice /acme/settings/groups/developers/members "member=newbie@example.com"
expect_redirect "/acme/settings/groups/developers?notice=invited" "an unknown address gets an invitation"
get alice /acme/settings/groups/developers
expect_body_contains '<span class="muted small">erin</span>' "erin is in Developers"
expect_body_contains 'newbie@example.com' "the invited address is listed on the group"
get alice /acme/settings/groups
expect_body_contains 'Pending invitations' "the groups page has pending invitations"
expect_body_contains '<td>newbie@example.com</td>' "the invitation is pending"
post alice /acme/settings/groups/developers/members "member=erin"
expect_refused 409 "already" "adding erin twice is refused"
expect_body_contains 'value="erin"' "the refused form keeps what was typed"

INVITE=$(newest_link /invitations/)
if [ -n "$INVITE" ]; then
	pass "the outbox page shows the invitation link"
else
	fail "the outbox page shows the invitation link"
fi
get anon "$INVITE"
expect_status 200 "the invitation link opens for anybody"
expect_body_contains 'Join Acme' "it names the team"
expect_body_contains "/login?next=$INVITE" "it offers to sign in and come back"
get dave "$INVITE"
expect_status 403 "dave, signed in with another address, is refused (403)"
expect_body_contains 'not a confirmed address of your account dave' "the refusal says why"
post dave "$INVITE"
expect_status 403 "dave cannot accept it either"
get dave /acme/settings
expect_status 404 "dave did not join"

# sign up with the invited address, then confirm it
J_NEW=$TEST_TMP/newbie.jar
req -b "$J_NEW" -c "$J_NEW" "$HUB_URL/signup"
token=$(csrf_of_body)
req -b "$J_NEW" -c "$J_NEW" --data-urlencode "csrf=$token" --data-urlencode "username=newbie" \
	--data-urlencode "email=newbie@example.com" --data-urlencode "password=$PASSWORD" \
	"$HUB_URL/signup"
expect_redirect "/dashboard" "newbie signs up with the invited address"
req -b "$J_NEW" "$HUB_URL/teams"
CSRF_newbie=$(csrf_of_body)
get newbie "$INVITE"
expect_status 403 "before confirming, the link asks to confirm the address"
expect_body_contains 'confirm that address first' "and says so"
CONFIRM=$(newest_link /confirm/)
get newbie "$CONFIRM"
expect_status 200 "newbie follows the confirmation link"
get newbie /acme
expect_body_contains 'href="/newbie"' "newbie is now a member of acme"
get alice /acme/settings/groups/developers
expect_body_contains '<span class="muted small">newbie</span>' "and of Developers"
get anon "$INVITE"
expect_status 404 "the invitation link is used up"

# --- the last administrator ----------------------------------------------------------------------

post alice /acme/settings/groups/administrators/members/alice/remove
expect_refused 409 "at least one administrator" "removing the last administrator from the group is 409"
post alice /acme/settings/members/alice/remove
expect_refused 409 "at least one administrator" "removing the last administrator from the team is 409"
post alice /acme/settings/groups/administrators "name=Administrators" "permission=write"
expect_refused 409 "at least one administrator" "demoting the last administrators' group is 409"
post alice /acme/settings/groups/administrators/delete
expect_refused 409 "at least one administrator" "deleting the last administrators' group is 409"
get alice /acme/settings/groups/administrators
expect_body_contains '<span class="muted small">alice</span>' "alice still administers acme"
post alice /acme/settings/groups/administrators/members "member=bob@example.com"
expect_redirect "/acme/settings/groups/administrators?notice=added" "bob joins Administrators by his address"
post alice /acme/settings/groups/administrators/members/bob/remove
expect_redirect "/acme/settings/groups/administrators?notice=removed" "with two administrators, one may go"

# --- who sees what ---------------------------------------------------------------------------------

get dave /acme/settings
expect_status 404 "a non-member gets 404 on team settings"
get dave /acme/settings/groups
expect_status 404 "a non-member gets 404 on user groups"
post dave /acme/settings/groups "name=Intruders" "permission=admin"
expect_status 404 "a non-member's POST to user groups is 404"
get bob /acme/settings
expect_status 403 "a member gets 403 on admin-only settings"
get bob /acme/settings/groups
expect_status 403 "a member gets 403 on user groups"
get anon /acme/settings/groups
if [ "$RESP_STATUS" = 303 ] && resp_header Location | grep -q '/login?next='; then
	pass "an anonymous visitor of team settings is sent to sign in"
else
	fail "an anonymous visitor of team settings is sent to sign in" "got $RESP_STATUS"
fi
get anon /teams
if [ "$RESP_STATUS" = 303 ] && resp_header Location | grep -q '/login?next='; then
	pass "an anonymous visitor of /teams is sent to sign in"
else
	fail "an anonymous visitor of /teams is sent to sign in" "got $RESP_STATUS"
fi
get anon /acme
expect_status 200 "anybody may view a team's page"
expect_body_lacks 'href="/bob"' "but not its members"
get anon /no-such-team
expect_status 404 "no such workspace: 404"
get anon /bob
expect_status 200 "a personal workspace's page"
expect_body_contains 'Personal workspace' "shows what it is"

# --- CSRF ---------------------------------------------------------------------------------------------

req -b "$TEST_TMP/alice.jar" --data-urlencode "name=No token" --data-urlencode "id=notoken" \
	"$HUB_URL/teams/new"
expect_status 403 "POST /teams/new without the csrf field is 403"
req -b "$TEST_TMP/alice.jar" --data-urlencode "csrf=$CSRF_bob" --data-urlencode "name=Bad" \
	--data-urlencode "id=badtoken" "$HUB_URL/teams/new"
expect_status 403 "POST /teams/new with another session's token is 403"
get anon /notoken
expect_status 404 "nothing was created"

# --- groups --------------------------------------------------------------------------------------------

post alice /acme/settings/groups "name=QA Team!" "permission=read" "auto_add=1"
expect_redirect "/acme/settings/groups/qa-team?notice=group_created" "a group's slug comes from its name"
post alice /acme/settings/groups "name=qa--team" "permission=write"
expect_refused 409 "Group name:" "a second group with the same slug is 409"
expect_body_contains 'value="qa--team"' "the refused form keeps the name"
post alice /acme/settings/groups "name=!!!" "permission=write"
expect_refused 400 "Group name:" "a name without letters or digits is 400"
post alice /acme/settings/groups/qa-team "name=Quality" "permission=write"
expect_redirect "/acme/settings/groups/qa-team?notice=saved" "renaming and changing the level"
get alice /acme/settings/groups
expect_body_contains '/acme/settings/groups/qa-team">Quality</a>' "the group is renamed, its address kept"
post alice /acme/settings/groups/qa-team/delete
expect_redirect "/acme/settings/groups?notice=group_deleted" "deleting a group"

# invitations revoked and sent again
post alice /acme/settings/groups/developers/members "member=x@example.com"
FIRST=$(newest_link /invitations/)
get alice /acme/settings/groups
ID=$(grep -o 'action="/acme/settings/invitations/[0-9]*/resend"' "$RESP_BODY" | head -n 1 | tr -dc 0-9)
post alice "/acme/settings/invitations/$ID/resend"
expect_redirect "/acme/settings/groups?notice=resent" "re-sending an invitation"
SECOND=$(newest_link /invitations/)
get anon "$FIRST"
expect_status 404 "the first link stops working"
get anon "$SECOND"
expect_status 200 "the new link works"
post alice "/acme/settings/invitations/$ID/revoke"
expect_redirect "/acme/settings/groups?notice=revoked" "revoking the invitation"
get anon "$SECOND"
expect_status 404 "a revoked invitation's link is dead"

# --- plans --------------------------------------------------------------------------------------------

get bob /admin/plans
expect_status 404 "the plans page is for site administrators only"
post alice /admin/plans "name=Duo" "max_private=" "max_members=2"
expect_redirect "/admin/plans" "a site administrator defines the plan Duo (2 members)"
post alice /admin/plans "name=duo" "max_members=1"
expect_refused 409 "Plan name:" "plan names are unique"
get alice /admin/plans
PLAN=$(grep -o 'action="/admin/plans/[0-9]*"' "$RESP_BODY" | head -n 1 | tr -dc 0-9)
post alice /teams/new "name=Duo team" "id=duo"
expect_redirect "/duo?notice=created" "alice creates the team duo"
post alice /admin/plans/assign "team=duo" "plan=$PLAN"
expect_redirect "/admin/plans" "duo gets the plan Duo"
post alice /admin/plans/assign "team=acme" "plan=$PLAN"
expect_refused 429 "Duo" "acme has too many members for Duo"
post alice /duo/settings/groups/developers/members "member=bob"
expect_redirect "/duo/settings/groups/developers?notice=added" "the second member fits"
post alice /duo/settings/groups/developers/members "member=carol"
expect_refused 429 "at most 2 members" "the third member is refused, naming the limit"
expect_body_contains 'Duo' "and the plan"
post alice /duo/settings/groups/developers/members "member=someone@example.com"
expect_refused 429 "Duo" "an invitation is refused too"
get alice /duo/settings
expect_body_contains '2 of 2' "team settings show the plan's use"

# --- renaming and deleting ----------------------------------------------------------------------------

post alice /acme/settings "name=Acme Renamed"
expect_redirect "/acme/settings?notice=renamed" "renaming a team"
get anon /acme
expect_body_contains 'Acme Renamed' "the new name shows"
post alice /acme/settings "name="
expect_refused 400 "Team name:" "an empty name is refused"
post alice /duo/settings/delete "confirm=nope"
expect_refused 400 "Confirm:" "deleting needs the team ID typed"
post alice /duo/settings/delete "confirm=duo"
expect_redirect "/teams?notice=deleted" "deleting duo"
get anon /duo
expect_status 404 "duo is gone"

done_testing

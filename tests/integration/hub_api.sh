# hub's workspaces and groups APIs end to end, in Bitbucket's shapes: GET /2.0/workspaces (roles,
# q, paging through next), one workspace, its members and permissions, the caller's permissions,
# the 1.0 groups API (create, update, delete, members), who may do what (401, 403, 404); then the
# npm `bitbucket` client (tests/conformance/bitbucket.mjs) against the same server, its TAP lines
# passed through.
. "$(dirname "$0")/lib.sh"

hub_store api

# admin PASSWORD_LINE ARGS...: `weft hub admin ARGS…` on this file's store (no input for "-");
# sets RUN_RC, RUN_OUT, RUN_ERR.
admin() {
	local input=$1
	shift
	RUN_OUT=$TEST_TMP/admin.out
	RUN_ERR=$TEST_TMP/admin.err
	if [ "$input" = - ]; then
		timeout 60 "$WEFT_BIN" hub admin "$@" --data "$DATA" "${HUB_DB[@]}" \
			>"$RUN_OUT" 2>"$RUN_ERR" </dev/null
	else
		printf '%s\n' "$input" | timeout 60 "$WEFT_BIN" hub admin "$@" --data "$DATA" \
			"${HUB_DB[@]}" >"$RUN_OUT" 2>"$RUN_ERR"
	fi
	RUN_RC=$?
}

password_of() {
	printf '%s-secret-pw' "$1"
}

# create_user NAME: creates NAME (NAME@example.com) and sets UUID[NAME] (without braces).
declare -A UUID
create_user() {
	admin "$(password_of "$1")" create-user "$1" --email "$1@example.com" --display-name "User $1"
	local uuid
	uuid=$(grep -Eo '\{[0-9a-f-]{36}\}' "$RUN_OUT" | tr -d '{}')
	if [ "$RUN_RC" != 0 ] || [ -z "$uuid" ]; then
		diag "create-user $1: exit $RUN_RC" "$(cat "$RUN_OUT" "$RUN_ERR")"
		bail "cannot create user $1"
	fi
	UUID[$1]=$uuid
}

forget_response
for user in olivia mark nina colin; do
	create_user "$user"
done
pass "created the users olivia, mark, nina and colin with weft hub admin create-user"

weft_launch hub serve hub --data "$DATA" --hub-listen 127.0.0.1:0 "${HUB_DB[@]}" ||
	bail "weft serve hub did not start"

# as USER CURL_ARGS...: one request with USER's Basic credentials.
as() {
	local user=$1
	shift
	req -u "$user:$(password_of "$user")" "$@"
}

# A team "acme" owned by olivia: with the command line when it has create-team, otherwise through
# the web form (never with SQL).
create_team_with_form() {
	local jar=$TEST_TMP/olivia.jar token
	req -b "$jar" -c "$jar" "$HUB_URL/login"
	token=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$RESP_BODY" | head -n 1 | sed 's/.*value="//; s/"$//')
	req -b "$jar" -c "$jar" --data-urlencode "csrf=$token" --data-urlencode "login=olivia" \
		--data-urlencode "password=$(password_of olivia)" "$HUB_URL/login"
	req -b "$jar" -c "$jar" "$HUB_URL/teams/new"
	[ "$RESP_STATUS" = 200 ] || return 1
	token=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$RESP_BODY" | head -n 1 | sed 's/.*value="//; s/"$//')
	req -b "$jar" -c "$jar" --data-urlencode "csrf=$token" --data-urlencode "id=acme" \
		--data-urlencode "name=Acme Rockets" "$HUB_URL/teams/new"
	case $RESP_STATUS in 200 | 201 | 302 | 303) ;; *) return 1 ;; esac
	as olivia "$HUB_URL/2.0/workspaces/acme"
	[ "$RESP_STATUS" = 200 ]
}

if "$WEFT_BIN" hub admin --help 2>&1 | grep -q create-team; then
	admin - create-team acme --name "Acme Rockets" --owner olivia
	if [ "$RUN_RC" = 0 ]; then
		pass "weft hub admin create-team acme --owner olivia"
	else
		fail "weft hub admin create-team acme --owner olivia" "exit $RUN_RC" "$(cat "$RUN_ERR")"
		bail "no team to test with"
	fi
elif create_team_with_form; then
	pass "olivia created the team acme with the form at /teams/new"
else
	fail "olivia creates the team acme with the form at /teams/new (no create-team command)"
	bail "no team to test with"
fi

# Mark joins the team through the API itself: by account_id, with an empty body.
as olivia -X PUT "$HUB_URL/1.0/groups/acme/developers/members/${UUID[mark]}"
expect_status 200 "PUT /1.0/groups/acme/developers/members/{account_id} without a body: 200"
expect_json 'j["type"] == "user" and j["uuid"] == "{'"${UUID[mark]}"'}" and j["account_id"] == "'"${UUID[mark]}"'" and j["is_team"] is False' \
	"… answers with the user added (type user, braced uuid, account_id)"

# --- who may call ------------------------------------------------------------------------------

req "$HUB_URL/2.0/workspaces"
expect_status 401 "GET /2.0/workspaces without credentials: 401"
expect_header WWW-Authenticate '^Basic realm=' "… with WWW-Authenticate: Basic"
expect_api_error hub "… and Bitbucket's error body"
req -u "mark:wrong-password" "$HUB_URL/2.0/workspaces"
expect_status 401 "GET /2.0/workspaces with a wrong password: 401"
for path in /2.0/workspaces/acme /2.0/workspaces/acme/members /2.0/workspaces/acme/permissions \
	/2.0/user/permissions/workspaces /1.0/groups/acme; do
	req "$HUB_URL$path"
	expect_status 401 "GET $path without credentials: 401"
done

for path in /2.0/workspaces/acme /2.0/workspaces/acme/members \
	"/2.0/workspaces/acme/members/%7B${UUID[mark]}%7D" /2.0/workspaces/acme/permissions \
	/1.0/groups/acme /1.0/groups/acme/developers/members /2.0/workspaces/olivia; do
	as nina "$HUB_URL$path"
	expect_status 404 "GET $path as a non-member: 404"
done
expect_api_error hub "… with Bitbucket's error body"
as nina "$HUB_URL/2.0/workspaces/no-such-team"
expect_status 404 "GET /2.0/workspaces/no-such-team: 404"
expect_json 'j["type"] == "error" and "message" in j["error"]' "… with Bitbucket's error body"

as mark --data-urlencode "name=Mark's group" "$HUB_URL/1.0/groups/acme"
expect_status 403 "POST /1.0/groups/acme as a member without admin: 403"
expect_api_error hub "… with Bitbucket's error body"
as mark -X PUT -H 'Content-Type: application/json' -d '{"permission": "admin"}' \
	"$HUB_URL/1.0/groups/acme/developers/"
expect_status 403 "PUT /1.0/groups/acme/developers/ as a member without admin: 403"
as mark -X DELETE "$HUB_URL/1.0/groups/acme/developers/"
expect_status 403 "DELETE /1.0/groups/acme/developers/ as a member without admin: 403"
as mark -X PUT -d '{}' -H 'Content-Type: application/json' \
	"$HUB_URL/1.0/groups/acme/administrators/members/${UUID[mark]}"
expect_status 403 "PUT …/administrators/members/{mark} as mark himself: 403"
as mark -X DELETE "$HUB_URL/1.0/groups/acme/developers/members/${UUID[mark]}"
expect_status 403 "DELETE …/developers/members/{mark} as mark himself: 403"
as nina --data-urlencode "name=x" "$HUB_URL/1.0/groups/acme"
expect_status 404 "POST /1.0/groups/acme as a non-member: 404"
req --data-urlencode "name=x" "$HUB_URL/1.0/groups/acme"
expect_status 401 "POST /1.0/groups/acme without credentials: 401"

# --- GET /2.0/workspaces ----------------------------------------------------------------------

WS_SHAPE='j["type"] == "workspace" and re.fullmatch(r"\{[0-9a-f-]{36}\}", j["uuid"]) and isinstance(j["slug"], str) and isinstance(j["name"], str) and isinstance(j["is_private"], bool) and j["created_on"].endswith("+00:00") and all(j["links"][k]["href"].startswith("'"$HUB_URL"'/") for k in ("self", "html", "avatar", "members", "owners", "projects", "repositories", "snippets"))'
# ws_shape EXPR: WS_SHAPE for the workspace object at EXPR.
ws_shape() {
	printf '(lambda j: %s)(%s)' "$WS_SHAPE" "$1"
}
PAGE_SHAPE='isinstance(j["values"], list) and isinstance(j["pagelen"], int) and j["page"] >= 1'

as olivia "$HUB_URL/2.0/workspaces"
expect_status 200 "GET /2.0/workspaces as olivia: 200"
expect_header Content-Type '^application/json' "… JSON"
expect_json "$PAGE_SHAPE and j['size'] == 2 and [w['slug'] for w in j['values']] == ['olivia', 'acme']" \
	"… her personal workspace, then acme (size 2)"
re_ws_all="all((lambda re: $(ws_shape w))(__import__('re')) for w in j['values'])"
expect_json "$re_ws_all" "… each a workspace: type, braced uuid, slug, name, is_private, dates, absolute links"
expect_json 'all(w["links"]["self"]["href"] == "'"$HUB_URL"'/2.0/workspaces/" + w["slug"] for w in j["values"])' \
	"… links.self is /2.0/workspaces/{slug}"
expect_json '"next" not in j and "previous" not in j' "… one page: no next"

as olivia "$HUB_URL/2.0/workspaces?pagelen=1"
expect_json "j['pagelen'] == 1 and j['page'] == 1 and j['size'] == 2 and len(j['values']) == 1 and j['values'][0]['slug'] == 'olivia' and j['next'].startswith('$HUB_URL/2.0/workspaces?')" \
	"GET /2.0/workspaces?pagelen=1: one value and an absolute next"
NEXT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["next"])' "$RESP_BODY" 2>/dev/null)
as olivia "$NEXT"
expect_json "j['page'] == 2 and len(j['values']) == 1 and j['values'][0]['slug'] == 'acme' and 'next' not in j and j['previous'].startswith('$HUB_URL/')" \
	"following next verbatim: page 2 holds acme, has previous and no next"
as olivia "$HUB_URL/2.0/workspaces?pagelen=1&page=3"
expect_json "j['values'] == [] and 'next' not in j" "page 3 of 2: no values, no next"
as olivia "$HUB_URL/2.0/workspaces?pagelen=0"
expect_status 400 "GET /2.0/workspaces?pagelen=0: 400"
expect_api_error hub "… with Bitbucket's error body"
# Every list reads page and pagelen through one helper (web/paging.c), with one range.
as olivia "$HUB_URL/2.0/workspaces?page=1000000"
expect_json "j['values'] == [] and j['page'] == 1000000 and 'next' not in j" "page=1000000: the last page number, empty"
as olivia "$HUB_URL/2.0/workspaces?page=1000001"
expect_status 400 "page=1000001: 400, as on every other list"
expect_json "j['error']['message'] == 'page must be a whole number from 1 to 1000000.'" "… naming the range"
as olivia "$HUB_URL/2.0/workspaces?page=9223372036854775808&pagelen=100"
expect_status 400 "page beyond 64 bits: 400"

as mark "$HUB_URL/2.0/workspaces?role=owner"
expect_json "[w['slug'] for w in j['values']] == ['mark']" "role=owner as mark: his personal workspace only"
as mark "$HUB_URL/2.0/workspaces?role=member"
expect_json "[w['slug'] for w in j['values']] == ['mark', 'acme']" "role=member as mark: his own and acme"
as olivia "$HUB_URL/2.0/workspaces?role=owner"
expect_json "[w['slug'] for w in j['values']] == ['olivia', 'acme']" "role=owner as olivia (acme's administrator): both"
as mark "$HUB_URL/2.0/workspaces?role=collaborator"
expect_json "j['size'] == 2" "role=collaborator as mark: every workspace (a member is at least a collaborator)"
as mark "$HUB_URL/2.0/workspaces?role=king"
expect_status 400 "role=king: 400"

as mark "$HUB_URL/2.0/workspaces?q=slug%3D%22acme%22"
expect_json "[w['slug'] for w in j['values']] == ['acme'] and j['size'] == 1" 'q=slug="acme": acme alone'
as mark "$HUB_URL/2.0/workspaces?q=slug+%3D+%22acme%22"
expect_json "[w['slug'] for w in j['values']] == ['acme']" 'q=slug+%3D+%22acme%22 (as node-bitbucket encodes it): acme'
as mark "$HUB_URL/2.0/workspaces?q=name+~+%22ROCKET%22+OR+slug+%3D+%22mark%22&sort=-slug"
expect_json "[w['slug'] for w in j['values']] == ['mark', 'acme']" 'q=name ~ "ROCKET" OR slug = "mark", sort=-slug'
as mark "$HUB_URL/2.0/workspaces?q=slug%3D"
expect_status 400 'q=slug= (no value): 400'
expect_json 'j["error"]["message"].startswith("Invalid query")' "… saying the query is invalid"
as mark "$HUB_URL/2.0/workspaces?q=owner%3D%22x%22"
expect_status 400 'q=owner="x" (no such field): 400'
as mark "$HUB_URL/2.0/workspaces?sort=nothing"
expect_status 400 'sort=nothing: 400'

# --- one workspace ---------------------------------------------------------------------------

as mark "$HUB_URL/2.0/workspaces/acme"
expect_status 200 "GET /2.0/workspaces/acme as a member: 200"
expect_json "(lambda re: $(ws_shape j))(__import__('re')) and j['slug'] == 'acme' and j['name'] == 'Acme Rockets'" \
	"… the workspace object"
ACME_UUID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["uuid"][1:-1])' "$RESP_BODY" 2>/dev/null)
as mark "$HUB_URL/2.0/workspaces/%7B$ACME_UUID%7D"
expect_json "j['slug'] == 'acme'" "GET /2.0/workspaces/%7B{uuid}%7D: the same workspace"
as mark "$HUB_URL/2.0/workspaces/acme/"
expect_status 200 "GET /2.0/workspaces/acme/ (trailing slash): 200"
as mark "$HUB_URL/2.0/workspaces/mark"
expect_json "j['slug'] == 'mark' and j['type'] == 'workspace'" "GET /2.0/workspaces/mark (his own): 200"

# --- members and permissions -----------------------------------------------------------------

MEMBERSHIP='j["type"] == "workspace_membership" and j["user"]["type"] == "user" and j["workspace"]["type"] == "workspace" and j["links"]["self"]["href"].startswith("'"$HUB_URL"'/2.0/workspaces/")'
membership() {
	printf '(lambda j: %s)(%s)' "$MEMBERSHIP" "$1"
}
as mark "$HUB_URL/2.0/workspaces/acme/members"
expect_status 200 "GET /2.0/workspaces/acme/members: 200"
expect_json "$PAGE_SHAPE and all($(membership m) for m in j['values'])" "… a page of workspace_membership objects"
expect_json "sorted(m['user']['nickname'] for m in j['values']) == ['mark', 'olivia'] and j['size'] == 2" \
	"… olivia and mark"
expect_json "all(m['workspace']['slug'] == 'acme' and m['user']['uuid'] == '{' + m['user']['account_id'] + '}' for m in j['values'])" \
	"… each with the workspace and the user (uuid = {account_id})"
as mark "$HUB_URL/2.0/workspaces/acme/members?pagelen=1"
expect_json "len(j['values']) == 1 and 'next' in j" "members?pagelen=1: one value and next"

as mark "$HUB_URL/2.0/workspaces/acme/members/%7B${UUID[olivia]}%7D"
expect_status 200 "GET …/members/%7B{uuid}%7D: 200"
expect_json "$(membership j) and j['user']['uuid'] == '{${UUID[olivia]}}'" "… olivia's membership"
expect_json "j['links']['self']['href'] == '$HUB_URL/2.0/workspaces/acme/members/%7B${UUID[olivia]}%7D'" \
	"… links.self is that address, braces escaped"
as mark "$HUB_URL/2.0/workspaces/acme/members/${UUID[olivia]}"
expect_json "j['user']['nickname'] == 'olivia'" "GET …/members/{account_id}: 200, olivia"
as mark "$HUB_URL/2.0/workspaces/acme/members/%7B${UUID[nina]}%7D"
expect_status 404 "GET …/members/{nina} (not a member): 404"
expect_api_error hub "… with Bitbucket's error body"
as mark "$HUB_URL/2.0/workspaces/acme/members/%7B00000000-0000-4000-8000-000000000000%7D"
expect_status 404 "GET …/members/{unknown uuid}: 404"
as mark "$HUB_URL/2.0/workspaces/mark/members/%7B${UUID[mark]}%7D"
expect_json "j['user']['nickname'] == 'mark' and j['workspace']['slug'] == 'mark'" \
	"GET /2.0/workspaces/mark/members/{mark}: a personal workspace's member is its user"
as mark "$HUB_URL/2.0/workspaces/mark/members"
expect_json "[m['user']['nickname'] for m in j['values']] == ['mark']" "GET /2.0/workspaces/mark/members: mark alone"

as mark "$HUB_URL/2.0/workspaces/acme/permissions"
expect_status 200 "GET /2.0/workspaces/acme/permissions: 200"
expect_json "all($(membership m) for m in j['values'])" "… workspace_membership objects"
expect_json "sorted((m['user']['nickname'], m['permission']) for m in j['values']) == [('mark', 'member'), ('olivia', 'owner')]" \
	"… olivia owner, mark member"
as mark "$HUB_URL/2.0/workspaces/acme/permissions?q=permission%3D%22owner%22"
expect_json "[m['user']['nickname'] for m in j['values']] == ['olivia']" 'permissions?q=permission="owner": olivia'
as mark "$HUB_URL/2.0/workspaces/mark/permissions"
expect_json "[(m['user']['nickname'], m['permission']) for m in j['values']] == [('mark', 'owner')]" \
	"GET /2.0/workspaces/mark/permissions: mark, owner"

as mark "$HUB_URL/2.0/user/permissions/workspaces"
expect_status 200 "GET /2.0/user/permissions/workspaces: 200"
expect_json "$PAGE_SHAPE and all($(membership m) for m in j['values'])" "… workspace_membership objects"
expect_json "[(m['workspace']['slug'], m['permission']) for m in j['values']] == [('mark', 'owner'), ('acme', 'member')]" \
	"… mark owner of his own, member of acme"
expect_json "all(m['user']['uuid'] == '{${UUID[mark]}}' for m in j['values'])" "… each about mark"
as mark "$HUB_URL/2.0/user/permissions/workspaces?q=workspace.slug%3D%22acme%22"
expect_json "[m['workspace']['slug'] for m in j['values']] == ['acme']" 'user/permissions/workspaces?q=workspace.slug="acme"'

# --- groups ------------------------------------------------------------------------------------

GROUP='j["type"] == "group" and isinstance(j["name"], str) and isinstance(j["slug"], str) and j["permission"] in ("read", "write", "admin") and isinstance(j["auto_add"], bool) and isinstance(j["members"], list) and j["owner"]["is_team"] is True and j["owner"]["username"] == "acme" and j["full_slug"] == "acme:" + j["slug"]'
group() {
	printf '(lambda j: %s)(%s)' "$GROUP" "$1"
}
as mark "$HUB_URL/1.0/groups/acme"
expect_status 200 "GET /1.0/groups/acme as a member: 200"
expect_json "isinstance(j, list) and all($(group g) for g in j)" "… a JSON array of groups (not paginated)"
expect_json "sorted((g['slug'], g['permission']) for g in j) == [('administrators', 'admin'), ('developers', 'write')]" \
	"… administrators (admin) and developers (write)"
expect_json "[u['nickname'] for g in j if g['slug'] == 'developers' for u in g['members']] == ['mark']" \
	"… developers holds mark"
as mark "$HUB_URL/1.0/groups/acme/"
expect_status 200 "GET /1.0/groups/acme/ (trailing slash): 200"
as mark "$HUB_URL/1.0/groups/mark"
expect_json "j == []" "GET /1.0/groups/mark (a personal workspace): []"

as olivia --data-urlencode "name=The Designers" "$HUB_URL/1.0/groups/acme"
expect_status 200 "POST /1.0/groups/acme name=The Designers: 200"
expect_json "$(group j) and j['slug'] == 'the-designers' and j['name'] == 'The Designers' and j['permission'] == 'read' and j['auto_add'] is False and j['members'] == []" \
	"… the group: slug the-designers, permission read, no members"
as olivia --data-urlencode "name=The  designers!" "$HUB_URL/1.0/groups/acme"
expect_status 409 "POST a name with the same slug: 409"
expect_api_error hub "… with Bitbucket's error body"
as olivia -X POST "$HUB_URL/1.0/groups/acme"
expect_status 400 "POST /1.0/groups/acme without a body: 400 (name is required)"
as olivia --data-urlencode "name=Ops" --data-urlencode "permission=owner" "$HUB_URL/1.0/groups/acme"
expect_status 400 "POST with permission=owner: 400"
as olivia --data-urlencode "name=Ops" --data-urlencode "permission=admin" \
	--data-urlencode "auto_add=true" "$HUB_URL/1.0/groups/acme"
expect_json "j['slug'] == 'ops' and j['permission'] == 'admin' and j['auto_add'] is True" \
	"POST with permission=admin and auto_add=true: both kept"
as olivia --data-urlencode "name=x" "$HUB_URL/1.0/groups/olivia"
expect_status 409 "POST /1.0/groups/olivia (a personal workspace has no groups): 409"

as olivia -X PUT -H 'Content-Type: application/json' \
	-d '{"name": "Designers", "permission": "write", "auto_add": true}' \
	"$HUB_URL/1.0/groups/acme/the-designers/"
expect_status 200 "PUT /1.0/groups/acme/the-designers/ {name, permission, auto_add}: 200"
expect_json "$(group j) and j['slug'] == 'the-designers' and j['name'] == 'Designers' and j['permission'] == 'write' and j['auto_add'] is True" \
	"… renamed (the slug stays), write, auto_add"
as olivia -X PUT "$HUB_URL/1.0/groups/acme/the-designers"
expect_json "j['name'] == 'Designers' and j['permission'] == 'write'" "PUT without a body: 200, nothing changed"
as olivia -X PUT -H 'Content-Type: application/json' -d '{"permission": "owner"}' \
	"$HUB_URL/1.0/groups/acme/the-designers/"
expect_status 400 "PUT {permission: owner}: 400"
as olivia -X PUT -H 'Content-Type: application/json' -d '{"name": ' \
	"$HUB_URL/1.0/groups/acme/the-designers/"
expect_status 400 "PUT with malformed JSON: 400"
as olivia -X PUT -H 'Content-Type: application/json' -d '{"name": "x"}' \
	"$HUB_URL/1.0/groups/acme/nope/"
expect_status 404 "PUT /1.0/groups/acme/nope/: 404"
as olivia "$HUB_URL/1.0/groups/acme/the-designers"
expect_json "$(group j) and j['name'] == 'Designers'" "GET /1.0/groups/acme/the-designers: the group"

as olivia -X PUT -H 'Content-Type: application/json' -d '{}' \
	"$HUB_URL/1.0/groups/acme/the-designers/members/%7B${UUID[nina]}%7D/"
expect_status 200 "PUT …/the-designers/members/%7B{nina}%7D/ with {}: 200"
expect_json "j['type'] == 'user' and j['nickname'] == 'nina' and j['uuid'] == '{${UUID[nina]}}'" "… answers with nina"
as olivia -X PUT -H 'Content-Type: application/json' -d '{}' \
	"$HUB_URL/1.0/groups/acme/the-designers/members/${UUID[nina]}"
expect_status 409 "PUT nina again: 409"
as olivia -X PUT "$HUB_URL/1.0/groups/acme/the-designers/members/${UUID[colin]}"
expect_status 200 "PUT …/members/{colin's account_id} without a body: 200"
as olivia -X PUT "$HUB_URL/1.0/groups/acme/the-designers/members/%7B00000000-0000-4000-8000-000000000000%7D"
expect_status 404 "PUT an unknown account: 404"
as olivia -X PUT "$HUB_URL/1.0/groups/acme/nope/members/${UUID[colin]}"
expect_status 404 "PUT a member of an unknown group: 404"
as mark "$HUB_URL/1.0/groups/acme/the-designers/members"
expect_status 200 "GET …/the-designers/members: 200"
expect_json "isinstance(j, list) and sorted(u['nickname'] for u in j) == ['colin', 'nina'] and all(u['type'] == 'user' for u in j)" \
	"… an array of users: colin and nina"
as nina "$HUB_URL/2.0/workspaces/acme"
expect_status 200 "nina, added to a group, is a member: GET /2.0/workspaces/acme is 200"
as nina "$HUB_URL/2.0/workspaces/acme/members/${UUID[nina]}"
expect_status 200 "… and GET …/members/{her account_id} is 200"

as olivia -X DELETE "$HUB_URL/1.0/groups/acme/the-designers/members/%7B${UUID[nina]}%7D"
expect_status 204 "DELETE …/the-designers/members/{nina}: 204"
expect_header Content-Type '^text/plain' "… with Content-Type text/plain"
expect_body_empty "… and no body"
as olivia -X DELETE "$HUB_URL/1.0/groups/acme/the-designers/members/%7B${UUID[nina]}%7D"
expect_status 404 "DELETE nina again: 404"
as olivia "$HUB_URL/1.0/groups/acme/the-designers/members"
expect_json "[u['nickname'] for u in j] == ['colin']" "… colin is left"
as olivia -X DELETE "$HUB_URL/1.0/groups/acme/administrators/members/${UUID[olivia]}"
expect_status 409 "DELETE the last administrator from administrators: 409"
expect_api_error hub "… with Bitbucket's error body"

as olivia -X DELETE "$HUB_URL/1.0/groups/acme/the-designers/"
expect_status 204 "DELETE /1.0/groups/acme/the-designers/: 204"
expect_header Content-Type '^text/plain' "… with Content-Type text/plain"
expect_body_empty "… and no body"
as olivia "$HUB_URL/1.0/groups/acme/the-designers"
expect_status 404 "GET the deleted group: 404"
as olivia -X DELETE "$HUB_URL/1.0/groups/acme/the-designers"
expect_status 404 "DELETE it again: 404"
as olivia "$HUB_URL/1.0/groups/acme"
expect_json "sorted(g['slug'] for g in j) == ['administrators', 'developers', 'ops']" "GET /1.0/groups/acme: the rest"

# --- the npm bitbucket client ------------------------------------------------------------------

run_conformance bitbucket.mjs HUB_URL="$HUB_URL" HUB_USERNAME=mark HUB_PASSWORD="$(password_of mark)" \
	HUB_WORKSPACE=acme HUB_WORKSPACES=2 HUB_HIDDEN_WORKSPACE=olivia

done_testing

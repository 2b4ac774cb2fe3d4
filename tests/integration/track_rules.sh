# track's rules that Jira clients rely on: comment visibility ({"type": "role"}) stored, refused
# to authors without the role, and enforced on every read path (comment list and get in v2 and
# v3, fields.comment of issue and search, JQL comment ~ and text ~, the issue page); assignees
# only with the Assignable user permission (API, create, edit, the issue page, the assignable
# list); numbers sent as JSON strings; Server-style user?username= / user?key= lookups.

. "$(dirname "$0")/track_env.sh"

# TEST: alice administers it (site administrator too), bob a Developer, carol a User, dave
# nothing. erin: a second Administrators member who is no site administrator.
json alice POST "$API/project" '{"key":"TEST","name":"Test project","projectTypeKey":"software"}'
[ "$RESP_STATUS" = 201 ] || bail "cannot create TEST"
json alice POST "$API/project/TEST/role/10001" '{"user":["bob"]}'
json alice POST "$API/project/TEST/role/10000" '{"user":["carol"]}'
json carol POST "$API/issue" '{"fields":{"project":{"key":"TEST"},"summary":"Visible to all"}}'
[ "$RESP_STATUS" = 201 ] || bail "cannot create TEST-1"

# --- comment visibility -------------------------------------------------------------------------

json bob POST "$API/issue/TEST-1/comment" '{"body":"developers wombat","visibility":{"type":"role","value":"Developers"}}'
expect_status 201 "a Developer restricts a comment to Developers: 201"
expect_json 'j["visibility"] == {"type": "role", "value": "Developers", "identifier": "Developers"} and j["jsdPublic"] is False' \
	"…and the answer carries the visibility"
DEV_CID=$(jget 'j["id"]')
json carol POST "$API/issue/TEST-1/comment" '{"body":"x","visibility":{"type":"role","value":"Developers"}}'
expect_status 400 "a User may not restrict to Developers"
expect_json 'j["errors"]["commentLevel"] == "You are currently not a member of the project role: Developers."' \
	"…Jira's message under errors.commentLevel"
json bob POST "$API/issue/TEST-1/comment" '{"body":"x","visibility":{"type":"group","value":"jira-administrators"}}'
expect_status 400 "a group visibility is refused (track has no groups)"
expect_json '"does not exist" in j["errors"]["commentLevel"]' "…saying so"
json bob POST "$API/issue/TEST-1/comment" '{"body":"x","visibility":{"type":"role","value":"Managers"}}'
expect_status 400 "an unknown role is refused"
json alice POST "$API/issue/TEST-1/comment" '{"body":"admins echidna","visibility":{"type":"role","value":"administrators"}}'
expect_status 201 "an Administrator restricts to Administrators (any case)"
ADM_CID=$(jget 'j["id"]')
json carol POST "$API/issue/TEST-1/comment" '{"body":"open platypus"}'
expect_status 201 "an open comment"
OPEN_CID=$(jget 'j["id"]')

# comment list, v2 and v3
as carol "$API/issue/TEST-1/comment"
expect_json 'j["total"] == 1 and [c["id"] for c in j["comments"]] == ["'"$OPEN_CID"'"]' \
	"carol (Users) lists only the open comment"
as bob "$T/rest/api/3/issue/TEST-1/comment"
expect_json 'j["total"] == 2 and [c["id"] for c in j["comments"]] == ["'"$DEV_CID"'", "'"$OPEN_CID"'"]' \
	"bob (Developers) lists his role's and the open one (v3)"
as alice "$T/rest/api/latest/issue/TEST-1/comment"
expect_json 'j["total"] == 3' "alice (site administrator) lists all three (latest)"
# one comment
as carol "$API/issue/TEST-1/comment/$DEV_CID"
expect_status 404 "carol cannot GET the Developers' comment"
expect_api_error track "…in Jira's error shape"
as carol "$T/rest/api/3/issue/TEST-1/comment/$ADM_CID"
expect_status 404 "…nor the Administrators' one (v3)"
as bob "$API/issue/TEST-1/comment/$DEV_CID"
expect_status 200 "bob GETs the Developers' comment"
json carol PUT "$API/issue/TEST-1/comment/$DEV_CID" '{"body":"overwritten"}'
expect_status 404 "carol cannot edit a comment she cannot see"
as carol -X DELETE "$API/issue/TEST-1/comment/$DEV_CID"
expect_status 404 "…nor delete it"
# fields.comment of the issue and of search results
as carol "$API/issue/TEST-1?fields=comment"
expect_json '[c["body"] for c in j["fields"]["comment"]["comments"]] == ["open platypus"] and j["fields"]["comment"]["total"] == 1' \
	"fields.comment of the issue shows carol the open comment only"
as bob "$API/issue/TEST-1?fields=comment"
expect_json 'sorted(c["body"] for c in j["fields"]["comment"]["comments"]) == ["developers wombat", "open platypus"]' \
	"…and bob his role's too"
json carol POST "$API/search" '{"jql":"key = TEST-1","fields":["comment"]}'
expect_json '[c["body"] for c in j["issues"][0]["fields"]["comment"]["comments"]] == ["open platypus"]' \
	"fields.comment of a search result follows the same rule"
# JQL comment ~ and text ~
search_keys() { # USER JQL: the keys the search API finds
	json "$1" POST "$API/search" "{\"jql\":\"$2\",\"fields\":[\"summary\"]}"
	jget '",".join(i["key"] for i in j["issues"])'
}
check "comment ~ finds the open comment for carol" test "$(search_keys carol 'comment ~ platypus')" = TEST-1
check "comment ~ hides the Developers' comment from carol" test "$(search_keys carol 'comment ~ wombat')" = ""
check "text ~ hides it too" test "$(search_keys carol 'text ~ wombat')" = ""
check "comment ~ hides the Administrators' comment from bob" test "$(search_keys bob 'comment ~ echidna')" = ""
check "comment ~ finds the Developers' comment for bob" test "$(search_keys bob 'comment ~ wombat')" = TEST-1
check "text ~ finds it for bob" test "$(search_keys bob 'text ~ wombat')" = TEST-1
check "comment ~ finds every comment for a site administrator" test "$(search_keys alice 'comment ~ echidna')" = TEST-1
as carol "$T/rest/api/3/search/jql?jql=comment%20~%20wombat&fields=summary"
expect_json 'j["issues"] == []' "search/jql (v3) hides it from carol"
# the issue page
page carol "/browse/TEST-1"
expect_body_contains 'open platypus' "the issue page shows carol the open comment"
check "…but not the Developers' one" sh -c "! grep -q 'developers wombat' '$RESP_BODY'"
check "…nor the Administrators' one" sh -c "! grep -q 'admins echidna' '$RESP_BODY'"
check "…and offers her no role she does not hold" sh -c "! grep -q '<option value=\"developers\">' '$RESP_BODY'"
page bob "/browse/TEST-1"
expect_body_contains 'developers wombat' "bob sees the Developers' comment on the page"
expect_body_contains 'Developers only' "…marked as restricted"
check "…not the Administrators' one" sh -c "! grep -q 'admins echidna' '$RESP_BODY'"
submit bob "/browse/TEST-1" "/browse/TEST-1/comments" "body=page numbat" "visibility=developers"
expect_status 303 "bob comments for Developers from the page"
as carol "$API/issue/TEST-1/comment"
check "…carol does not get it" sh -c "! grep -q 'page numbat' '$RESP_BODY'"
as bob "$API/issue/TEST-1/comment"
expect_json '[c["visibility"]["value"] for c in j["comments"] if c["body"] == "page numbat"] == ["Developers"]' \
	"…stored with its visibility"
submit carol "/browse/TEST-1" "/browse/TEST-1/comments" "body=sneaky" "visibility=administrators"
expect_status 400 "carol cannot restrict to a role she does not hold from the page"
expect_body_contains 'not a member of the project role' "…told why"
# lifting and keeping a restriction
json bob PUT "$API/issue/TEST-1/comment/$DEV_CID" '{"body":"developers wombat, edited"}'
expect_json 'j["visibility"]["value"] == "Developers"' "an edit without visibility keeps it"
json bob PUT "$API/issue/TEST-1/comment/$DEV_CID" '{"body":"now kookaburra","visibility":null}'
expect_json '"visibility" not in j' "visibility null lifts it"
as carol "$API/issue/TEST-1/comment/$DEV_CID"
expect_status 200 "…and carol reads it"
check "comment ~ follows" test "$(search_keys carol "comment ~ kookaburra")" = TEST-1

# --- assignees ----------------------------------------------------------------------------------

as alice "$API/user/assignable/search?project=TEST"
expect_json 'sorted(u["name"] for u in j) == ["alice", "bob"]' \
	"assignable users: Developers and Administrators, not Users"
json alice PUT "$API/issue/TEST-1/assignee" '{"name":"carol"}'
expect_status 400 "assigning a User is 400"
expect_json 'j == {"errorMessages": [], "errors": {"assignee": "User '"'carol'"' cannot be assigned issues."}}' \
	"…with Jira's message"
json alice PUT "$API/issue/TEST-1/assignee" '{"name":"dave"}'
expect_status 400 "assigning someone outside the project is 400"
json alice POST "$API/issue" '{"fields":{"project":{"key":"TEST"},"summary":"x","assignee":{"name":"dave"}}}'
expect_status 400 "creating with such an assignee is 400"
expect_json '"cannot be assigned" in j["errors"]["assignee"]' "…under errors.assignee"
json alice PUT "$API/issue/TEST-1" '{"fields":{"assignee":{"name":"carol"}}}'
expect_status 400 "editing to such an assignee is 400"
json alice PUT "$API/issue/TEST-1/assignee" '{"name":"bob"}'
expect_status 204 "assigning a Developer is 204"
BOB_UID=$(as alice "$API/user?username=bob" >/dev/null; jget 'j["accountId"]')

page alice "/browse/TEST-1"
assignee_options() { # the assignee select's option labels on the last page
	grep -o '<select id="assignee".*</select>' "$RESP_BODY" | grep -o '>[^<]*</option>' |
		sed 's/^>//; s/<.*//' | tr '\n' ','
}
check "the issue page offers assignable users only" test "$(assignee_options)" = "Unassigned,Alice${TRACK_NAME_SUFFIX:-},Bob${TRACK_NAME_SUFFIX:-},"

# --- numbers as JSON strings --------------------------------------------------------------------

json bob POST "$API/issue/TEST-1/worklog" '{"timeSpentSeconds":"1800"}'
expect_status 201 "timeSpentSeconds as a string is accepted"
expect_json 'j["timeSpentSeconds"] == 1800' "…as the number"
json bob POST "$API/issue/TEST-1/worklog" '{"timeSpentSeconds":"half an hour"}'
expect_status 400 "…but not any string"
json alice POST "$API/issue" '{"fields":{"project":{"id":'"$(as alice "$API/project/TEST" >/dev/null; jget 'j["id"]')"'},"issuetype":{"id":10002},"priority":{"id":2},"summary":"ids as numbers"}}'
expect_status 201 "project, issuetype and priority ids as JSON numbers"
json alice POST "$API/search" '{"jql":"project = TEST","startAt":"1","maxResults":"1","fields":["summary"]}'
expect_json 'j["startAt"] == 1 and j["maxResults"] == 1 and len(j["issues"]) == 1' \
	"startAt and maxResults as strings in a search body"
as bob "$API/issue/TEST-1/transitions"
START=$(jget '[t["id"] for t in j["transitions"] if t["name"] == "Start Progress"][0]')
json bob POST "$API/issue/TEST-1/transitions" "{\"transition\":{\"id\":$START}}"
expect_status 204 "a transition id as a number"

# --- Server-style user lookups ------------------------------------------------------------------

as bob "$API/user?username=carol"
expect_status 200 "user?username="
expect_json 'j["name"] == "carol" and j["displayName"].startswith("Carol")' "…is carol"
as bob "$API/user?key=carol"
expect_json 'j["key"] == "carol"' "user?key="
as bob "$API/user?username=nobody-here"
expect_status 404 "an unknown username is 404"
expect_json 'j["errorMessages"] == ["The user named '"'nobody-here'"' does not exist."]' "…in Jira Server's words"
as bob "$API/user?accountId=$BOB_UID"
expect_json 'j["name"] == "bob"' "user?accountId= still works"

done_testing

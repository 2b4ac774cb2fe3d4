# track's per-issue resources and metadata over the Jira API (v2, latest and v3): createmeta
# (projectKeys, projectIds, issuetypeNames, expand=projects.issuetypes.fields; the route no
# longer falls into issue/{key}), createmeta/{project}/issuetypes[/{id}], editmeta; work logs
# by id with adjustEstimate (auto, leave, new, manual) and who may change them; watchers (the
# reporter and commenters by default) and votes, fields.watches and fields.votes; statuscategory
# and user/assignable/multiProjectSearch; permissions and mypermissions; then the npm
# jira.js clients (tests/conformance/jira_meta.mjs).

. "$(dirname "$0")/track_env.sh"

# TEST and OTHER: bob a Developer of TEST, carol a User of TEST, dave nothing.
json alice POST "$API/project" '{"key":"TEST","name":"Test project","projectTypeKey":"software"}'
[ "$RESP_STATUS" = 201 ] || bail "cannot create TEST"
TEST_ID=$(jget 'j["id"]')
json alice POST "$API/project" '{"key":"OTHER","name":"Other project","projectTypeKey":"software"}'
json alice POST "$API/project/TEST/role/10001" '{"user":["bob"]}'
json alice POST "$API/project/TEST/role/10000" '{"user":["carol"]}'
json bob POST "$API/issue" '{"fields":{"project":{"key":"TEST"},"summary":"First"}}'
[ "$RESP_STATUS" = 201 ] || bail "cannot create TEST-1"

# --- createmeta and editmeta --------------------------------------------------------------------

as bob "$API/issue/createmeta"
expect_status 200 "GET issue/createmeta (not taken for an issue key)"
expect_json 'j["expand"] == "projects" and [p["key"] for p in j["projects"]] == ["TEST"]' \
	"…lists the projects bob may create issues in"
expect_json 'all("fields" not in t for t in j["projects"][0]["issuetypes"]) and "Bug" in [t["name"] for t in j["projects"][0]["issuetypes"]]' \
	"…with their issue types, without fields unless expanded"
as alice "$T/rest/api/latest/issue/createmeta?projectIds=$TEST_ID&issuetypeNames=Story&expand=projects.issuetypes.fields"
expect_json '[p["key"] for p in j["projects"]] == ["TEST"] and [t["name"] for t in j["projects"][0]["issuetypes"]] == ["Story"]' \
	"projectIds and issuetypeNames filter (latest)"
expect_json 'set(j["projects"][0]["issuetypes"][0]["fields"]) >= {"summary", "issuetype", "project", "priority", "assignee", "labels", "description"}' \
	"expand=projects.issuetypes.fields gives the fields"
expect_json 'j["projects"][0]["issuetypes"][0]["fields"]["summary"]["required"] is True and j["projects"][0]["issuetypes"][0]["fields"]["priority"]["defaultValue"]["name"] == "Medium"' \
	"…required flags and defaults"
as alice "$T/rest/api/3/issue/createmeta?projectKeys=OTHER,TEST&issuetypeIds=10005&expand=projects.issuetypes.fields"
expect_json '[p["key"] for p in j["projects"]] == ["OTHER", "TEST"] and j["projects"][1]["issuetypes"][0]["fields"]["parent"]["required"] is True' \
	"a comma list of projectKeys (v3); sub-tasks need their parent"
as dave "$API/issue/createmeta"
expect_json 'j["projects"] == []' "dave may create nowhere: no projects"
as bob "$API/issue/createmeta/TEST/issuetypes?maxResults=2&startAt=1"
expect_json 'j["startAt"] == 1 and j["maxResults"] == 2 and len(j["issueTypes"]) == 2 and j["total"] >= 5' \
	"createmeta/TEST/issuetypes pages the types"
as bob "$API/issue/createmeta/$TEST_ID/issuetypes/10002"
expect_json '"summary" in [f["fieldId"] for f in j["fields"]] and all("key" in f and "operations" in f for f in j["fields"])' \
	"createmeta/{id}/issuetypes/10002 lists the Task's fields"
as bob "$API/issue/createmeta/TEST/issuetypes/99999"
expect_status 404 "an unknown issue type is 404"
as dave "$API/issue/createmeta/TEST/issuetypes"
expect_status 404 "a project dave cannot see is 404"
as bob "$API/issue/createmeta/OTHER/issuetypes"
expect_status 404 "…as is one bob has no role in"

as bob "$API/issue/TEST-1/editmeta"
expect_status 200 "GET issue/TEST-1/editmeta"
expect_json '"summary" in j["fields"] and "comment" in j["fields"] and "project" not in j["fields"]' \
	"…the editable fields"
as carol "$T/rest/api/3/issue/TEST-1/editmeta"
expect_json 'j == {"fields": {}}' "carol (Users) may edit nothing: no fields (v3)"
as dave "$API/issue/TEST-1/editmeta"
expect_status 404 "dave cannot see the issue: 404"

# --- work logs by id -----------------------------------------------------------------------------

json alice PUT "$API/issue/TEST-1" '{"fields":{"timetracking":{"originalEstimate":"8h"}}}'
json bob POST "$API/issue/TEST-1/worklog?adjustEstimate=manual&reduceBy=3h" '{"timeSpentSeconds":3600}'
expect_status 201 "a work log with adjustEstimate=manual&reduceBy=3h"
WID=$(jget 'j["id"]')
remaining() { as alice "$API/issue/TEST-1?fields=timetracking" >/dev/null; jget 'j["fields"]["timetracking"].get("remainingEstimateSeconds")'; }
spent() { as alice "$API/issue/TEST-1?fields=timetracking" >/dev/null; jget 'j["fields"]["timetracking"].get("timeSpentSeconds", 0)'; }
check "…lowers the remaining estimate by 3h" test "$(remaining)" = $((5 * 3600))
as carol "$T/rest/api/3/issue/TEST-1/worklog/$WID"
expect_status 200 "GET worklog/{id} (v3) for anyone who may browse"
expect_json 'j["id"] == "'"$WID"'" and j["timeSpentSeconds"] == 3600 and j["comment"]["type"] == "doc"' "…the work log, comment in ADF"
json bob PUT "$API/issue/TEST-1/worklog/$WID" '{"timeSpentSeconds":"5400","comment":"longer"}'
expect_status 200 "PUT worklog/{id} (auto)"
expect_json 'j["timeSpentSeconds"] == 5400 and j["comment"] == "longer"' "…changed"
check "…time spent follows" test "$(spent)" = 5400
check "…the estimate drops by the difference" test "$(remaining)" = $((5 * 3600 - 1800))
json bob PUT "$T/rest/api/latest/issue/TEST-1/worklog/$WID?adjustEstimate=leave" '{"timeSpent":"2h"}'
expect_status 200 "PUT with adjustEstimate=leave (latest)"
check "…leaves the estimate" test "$(remaining)" = $((5 * 3600 - 1800))
json bob PUT "$API/issue/TEST-1/worklog/$WID?adjustEstimate=manual&reduceBy=1h" '{"timeSpent":"2h"}'
expect_status 400 "manual is refused on an edit, as in Jira"
json bob PUT "$API/issue/TEST-1/worklog/$WID?adjustEstimate=new" '{"timeSpent":"2h"}'
expect_status 400 "new without newEstimate is 400"
expect_json 'j["errorMessages"] == ["You must supply a valid new estimate."]' "…in Jira's words"
json bob PUT "$API/issue/TEST-1/worklog/$WID?adjustEstimate=sideways" '{"timeSpent":"2h"}'
expect_status 400 "an unknown adjustEstimate is 400"
json carol PUT "$API/issue/TEST-1/worklog/$WID" '{"timeSpent":"1m"}'
expect_status 403 "a User may not change work logs"
json alice POST "$API/project/TEST/role/10001" '{"user":["dave"]}'
json dave PUT "$API/issue/TEST-1/worklog/$WID" '{"timeSpent":"1m"}'
expect_status 403 "another Developer may not change bob's work log"
as dave -X DELETE "$API/issue/TEST-1/worklog/$WID"
expect_status 403 "…nor delete it"
as bob -X DELETE "$API/issue/TEST-1/worklog/$WID?adjustEstimate=new&newEstimate=1d"
expect_status 204 "DELETE worklog/{id} with adjustEstimate=new"
check "…time spent back to 0" test "$(spent)" = 0
check "…the estimate is the new one (1d = 8h)" test "$(remaining)" = $((8 * 3600))
as bob "$API/issue/TEST-1/worklog/$WID"
expect_status 404 "the deleted work log is 404"
expect_json 'j["errorMessages"] == ["Cannot find worklog with id: '"'$WID'"'."]' "…in Jira's words"
as bob "$API/issue/TEST-1/worklog/abc"
expect_status 404 "a non-numeric id is 404"

# --- watchers and votes -------------------------------------------------------------------------

json carol POST "$API/issue" '{"fields":{"project":{"key":"TEST"},"summary":"Watch me"}}'
WKEY=$(jget 'j["key"]')
as bob "$API/issue/$WKEY/watchers"
expect_status 200 "GET watchers"
expect_json '[u["name"] for u in j["watchers"]] == ["carol"] and j["watchCount"] == 1 and j["isWatching"] is False' \
	"the reporter watches a new issue"
json bob POST "$API/issue/$WKEY/comment" '{"body":"on it"}'
as bob "$T/rest/api/3/issue/$WKEY/watchers"
expect_json 'sorted(u["name"] for u in j["watchers"]) == ["bob", "carol"] and j["isWatching"] is True' \
	"a commenter watches too (v3)"
as carol -X DELETE "$API/issue/$WKEY/watchers?accountId=$(as alice "$API/user?username=carol" >/dev/null; jget 'j["accountId"]')"
expect_status 204 "carol stops watching (DELETE ?accountId=)"
as carol -X POST "$API/issue/$WKEY/watchers"
expect_status 204 "POST watchers without a body: the caller watches"
json carol POST "$API/issue/$WKEY/watchers" '"bob"'
expect_status 403 "a User may not add someone else"
json alice POST "$API/issue/$WKEY/watchers" '"dave"'
expect_status 204 "a project administrator adds dave (a Developer now)"
json alice POST "$API/project/OTHER/role/10000" '{"user":["carol"]}'
json alice POST "$API/issue" '{"fields":{"project":{"key":"OTHER"},"summary":"Elsewhere"}}'
OKEY=$(jget 'j["key"]')
json alice POST "$API/issue/$OKEY/watchers" '"bob"'
expect_status 400 "a watcher must be able to see the issue"
expect_json '"does not have permission to view" in j["errorMessages"][0]' "…saying so"
as alice "$API/issue/$WKEY?fields=watches,votes"
expect_json 'j["fields"]["watches"]["watchCount"] == 3 and j["fields"]["watches"]["isWatching"] is False and j["fields"]["votes"]["votes"] == 0' \
	"fields.watches and fields.votes"
as carol -X POST "$API/issue/$WKEY/votes"
expect_status 400 "the reporter cannot vote"
expect_json 'j["errorMessages"] == ["You cannot vote for an issue you have reported."]' "…in Jira's words"
as bob -X POST "$API/issue/$WKEY/votes"
expect_status 204 "bob votes"
as carol "$T/rest/api/latest/issue/$WKEY/votes"
expect_json 'j["votes"] == 1 and j["hasVoted"] is False and [u["name"] for u in j["voters"]] == ["bob"]' \
	"GET votes (latest)"
as bob -X DELETE "$API/issue/$WKEY/votes"
expect_status 204 "bob takes his vote back"
as dave "$API/issue/$OKEY/votes"
expect_status 404 "votes of an issue dave cannot see: 404"

# --- status categories and assignable users of several projects ---------------------------------

as carol "$API/statuscategory"
expect_status 200 "GET statuscategory"
expect_json '[(c["id"], c["key"]) for c in j] == [(2, "new"), (4, "indeterminate"), (3, "done")] and j[0]["name"] == "To Do"' \
	"…To Do, In Progress, Done with Jira's ids"
as carol "$T/rest/api/3/statuscategory/done"
expect_json 'j["id"] == 3 and j["colorName"] == "green"' "statuscategory/done (v3)"
as carol "$API/statuscategory/4"
expect_json 'j["key"] == "indeterminate"' "statuscategory/4"
as carol "$API/statuscategory/7"
expect_status 404 "an unknown status category is 404"
json alice POST "$API/project/OTHER/role/10001" '{"user":["bob"]}'
as alice "$API/user/assignable/multiProjectSearch?projectKeys=TEST,OTHER"
expect_status 200 "GET user/assignable/multiProjectSearch"
expect_json 'sorted(u["name"] for u in j) == ["alice", "bob"]' \
	"…users assignable in both projects (dave is a Developer of TEST only)"
as alice "$T/rest/api/latest/user/assignable/multiProjectSearch?projectKeys=TEST&query=da"
expect_json '[u["name"] for u in j] == ["dave"]' "…with query= (latest)"
as alice "$API/user/assignable/multiProjectSearch?projectKeys=TEST&accountId=$(as alice "$API/user?username=bob" >/dev/null; jget 'j["accountId"]')"
expect_json '[u["name"] for u in j] == ["bob"]' "…and accountId="
as carol "$API/user/assignable/multiProjectSearch?projectKeys=TEST,OTHER"
expect_status 200 "carol may browse both"
as dave "$API/user/assignable/multiProjectSearch?projectKeys=TEST,OTHER"
expect_status 404 "dave cannot see OTHER: 404"
as alice "$API/user/assignable/multiProjectSearch"
expect_status 400 "projectKeys is required"

# --- permissions and mypermissions --------------------------------------------------------------

as carol "$API/permissions"
expect_json '{"BROWSE_PROJECTS", "CREATE_ISSUES", "EDIT_ISSUES", "ASSIGNABLE_USER", "ADMINISTER"} <= set(j["permissions"])' \
	"GET permissions lists Jira's keys"
as carol "$API/mypermissions?permissions=BROWSE_PROJECTS,EDIT_ISSUES,ADD_COMMENTS,ASSIGNABLE_USER&projectKey=TEST"
expect_status 200 "GET mypermissions in TEST"
expect_json '{k: v["havePermission"] for k, v in j["permissions"].items()} == {"BROWSE_PROJECTS": True, "EDIT_ISSUES": False, "ADD_COMMENTS": True, "ASSIGNABLE_USER": False}' \
	"…carol (Users) browses and comments, may not edit, cannot be assigned"
as bob "$T/rest/api/3/mypermissions?permissions=EDIT_ISSUES,ASSIGNABLE_USER,ADMINISTER_PROJECTS&issueKey=TEST-1"
expect_json '{k: v["havePermission"] for k, v in j["permissions"].items()} == {"EDIT_ISSUES": True, "ASSIGNABLE_USER": True, "ADMINISTER_PROJECTS": False}' \
	"…bob (Developers) in an issue's context (v3)"
as dave "$API/mypermissions?permissions=BROWSE_PROJECTS&projectKey=OTHER"
expect_status 404 "a project the caller cannot browse is 404"
as carol "$API/mypermissions?permissions=ADMINISTER_PROJECTS,BROWSE_PROJECTS"
expect_json 'j["permissions"]["BROWSE_PROJECTS"]["havePermission"] is True and j["permissions"]["ADMINISTER_PROJECTS"]["havePermission"] is False' \
	"…without context: held in any project"
as alice "$API/mypermissions?permissions=ADMINISTER"
expect_json 'j["permissions"]["ADMINISTER"]["havePermission"] is True' "ADMINISTER for a site administrator"
as carol "$API/mypermissions"
expect_status 400 "permissions= is required"
as carol "$API/mypermissions?permissions=FLY"
expect_status 400 "an unknown key is 400"

# --- the npm jira.js clients ---------------------------------------------------------------------

run_conformance jira_meta.mjs TRACK_URL="$T" JIRA_EMAIL=alice@example.com \
	JIRA_TOKEN="${TOKEN[alice]}" JIRA_PROJECT=TEST JIRA_ISSUE=TEST-1

done_testing

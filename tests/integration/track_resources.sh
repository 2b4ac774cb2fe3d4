# track's per-issue resources and metadata over the Jira API (v2, latest and v3): createmeta
# (projectKeys, projectIds, issuetypeNames, expand=projects.issuetypes.fields; the route no
# longer falls into issue/{key}), createmeta/{project}/issuetypes[/{id}], editmeta; then the
# npm jira.js clients (tests/conformance/jira_meta.mjs).

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

# --- the npm jira.js clients ---------------------------------------------------------------------

run_conformance jira_meta.mjs TRACK_URL="$T" JIRA_EMAIL=alice@example.com \
	JIRA_TOKEN="${TOKEN[alice]}" JIRA_PROJECT=TEST JIRA_ISSUE=TEST-1

done_testing

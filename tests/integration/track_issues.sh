# track's projects and issues over the Jira REST API: project (list, search, get, create), project
# roles, issue create / get (fields, expand) / edit (fields and update operations) / delete /
# assignee, transitions, comments, work logs, field, issuetype, status, priority, resolution,
# assignable users, schemes, categories; the /latest and /3 aliases with ADF in v3; permission
# refusals by role (Users, Developers, Administrators, nobody) with Jira's 404 message; deleted
# numbers never given again. The pages and the jira.js clients: track_pages.sh.

. "$(dirname "$0")/track_env.sh"

# --- projects and roles ------------------------------------------------------------------------

json alice POST "$API/project" '{"key":"TEST","name":"Test project","projectTypeKey":"software","leadAccountId":null}'
expect_status 201 "POST project as a site administrator is 201"
expect_json 'j["key"] == "TEST" and isinstance(j["id"], int) and j["self"].startswith("http://")' \
	"project create answers {self, id (a number), key}"
json alice POST "$API/project" '{"key":"OTHER","name":"Other project","projectTypeKey":"software"}'
expect_status 201 "a second project"
json alice POST "$API/project" '{"key":"TEST","name":"Again","projectTypeKey":"software"}'
expect_status 400 "a taken key is 400"
expect_json '"projectKey" in j["errors"] and j["errorMessages"] == []' "…with errors.projectKey"
json alice POST "$API/project" '{"key":"te-st","name":"Bad","projectTypeKey":"software"}'
expect_status 400 "a bad key is 400"
expect_json '"2 to 10 characters" in j["errors"]["projectKey"]' "…naming the rule"
json bob POST "$API/project" '{"key":"BOB","name":"Bob","projectTypeKey":"software"}'
expect_status 403 "POST project as a plain user is 403"

accountid() {
	as alice "$API/user/search?query=$1"
	jget 'j[0]["accountId"]'
}
BOB_ID=$(accountid bob)
CAROL_ID=$(accountid carol)
json alice POST "$API/project/TEST/role/10001" "{\"user\":[\"$BOB_ID\"]}"
expect_status 200 "bob joins Developers by accountId"
expect_json 'j["name"] == "Developers" and [a["displayName"] for a in j["actors"]] == ["Bob"]' \
	"the role lists its actors"
json alice POST "$API/project/TEST/role/10000" '{"user":["carol"]}'
expect_status 200 "carol joins Users by name"
json bob POST "$API/project/TEST/role/10000" '{"user":["dave"]}'
expect_status 403 "a developer may not change roles"
as alice "$API/project/TEST/role"
expect_json 'sorted(j) == ["Administrators", "Developers", "Users"]' "GET project/TEST/role"

as alice "$API/project"
expect_status 200 "GET project"
expect_json '[p["key"] for p in j] == ["OTHER", "TEST"]' "…lists every project for a site administrator"
as bob "$API/project"
expect_json '[p["key"] for p in j] == ["TEST"]' "…and only browsable ones for bob"
as dave "$API/project/search"
expect_json 'j["values"] == [] and j["total"] == 0 and j["isLast"] is True' "project/search is empty for dave"
as bob "$API/project/TEST"
expect_status 200 "GET project/TEST as a developer"
expect_json 'j["key"] == "TEST" and "Sub-task" in [t["name"] for t in j["issueTypes"]] and j["lead"]["name"] == "alice"' \
	"…with issueTypes and the lead"
as dave "$API/project/TEST"
expect_status 404 "GET project/TEST as nobody is 404"
expect_api_error track "…in Jira's error shape"
as bob "$T/rest/api/latest/project/OTHER"
expect_status 404 "a project bob has no role in is 404"

# --- issues --------------------------------------------------------------------------------------

json carol POST "$API/issue" '{"fields":{"project":{"key":"TEST"},"issuetype":{"name":"Bug"},"summary":"Crash on start","description":"It *crashes*.","labels":["crash","startup"],"priority":{"name":"High"}}}'
expect_status 201 "carol (Users) creates an issue: 201"
expect_json 'j["key"] == "TEST-1" and j["id"].isdigit() and j["self"].endswith("/rest/api/2/issue/" + j["id"])' \
	"…{id, key, self}"
ISSUE_ID=$(jget 'j["id"]')
json bob POST "$API/issue" '{"fields":{"project":{"key":"TEST"},"summary":""}}'
expect_status 400 "an empty summary is 400"
expect_json 'j["errors"] == {"summary": "You must specify a summary of the issue."}' "…with Jira's field error"
json bob POST "$API/issue" '{"fields":{"project":{"key":"TEST"},"summary":"two\nlines"}}'
expect_status 400 "a summary with a newline is 400"
json bob POST "$API/issue" '{"fields":{"project":{"key":"TEST"},"summary":"x","labels":["has space"]}}'
expect_json '"labels" in j["errors"]' "a label with a space is errors.labels"
json bob POST "$API/issue" '{"fields":{"project":{"key":"TEST"},"summary":"x","issuetype":{"name":"Sub-task"}}}'
expect_json '"parent" in j["errors"]' "a sub-task without a parent is errors.parent"
json bob POST "$API/issue" '{"fields":{"project":{"key":"TEST"},"summary":"x","priority":{"name":"Urgent"}}}'
expect_json '"priority" in j["errors"]' "an unknown priority is errors.priority"
json dave POST "$API/issue" '{"fields":{"project":{"key":"TEST"},"summary":"x"}}'
expect_status 400 "dave may not create issues in TEST"
expect_json '"project" in j["errors"]' "…errors.project"
json bob POST "$API/issue" "{\"fields\":{\"project\":{\"id\":\"$(as alice "$API/project/TEST" >/dev/null; jget 'j["id"]')\"},\"summary\":\"Sub\",\"issuetype\":{\"id\":\"10005\"},\"parent\":{\"key\":\"TEST-1\"},\"assignee\":{\"accountId\":\"$BOB_ID\"}}}"
expect_status 201 "a sub-task by project id and type id, assigned by accountId"

# Modify reporter is the Administrators': carol (Users) files as herself only.
json carol POST "$API/issue" '{"fields":{"project":{"key":"TEST"},"summary":"as the lead","reporter":{"name":"alice"}}}'
expect_status 400 "carol (Users) may not file an issue as alice"
expect_json 'j["errors"] == {"reporter": "Field '"'reporter'"' cannot be set. It is not on the appropriate screen, or unknown."} and j["errorMessages"] == []' \
	"…with Jira's field error"
json bob PUT "$API/issue/TEST-1" '{"fields":{"reporter":{"name":"bob"}}}'
expect_status 400 "bob (Developers) may not change the reporter"
expect_json '"reporter" in j["errors"]' "…errors.reporter"

# A parent bob may not see (OTHER-1) answers as one that does not exist.
json alice POST "$API/issue" '{"fields":{"project":{"key":"OTHER"},"summary":"Hidden from bob"}}'
expect_status 201 "alice files OTHER-1"
json bob POST "$API/issue" '{"fields":{"project":{"key":"TEST"},"summary":"Sub","issuetype":{"name":"Sub-task"},"parent":{"key":"OTHER-1"}}}'
expect_status 400 "a sub-task of a parent bob may not see: 400"
hidden_parent=$(cat "$RESP_BODY")
json bob POST "$API/issue" '{"fields":{"project":{"key":"TEST"},"summary":"Sub","issuetype":{"name":"Sub-task"},"parent":{"key":"OTHER-99"}}}'
expect_status 400 "a sub-task of a missing parent: 400"
check "…the same answer for both" test "$hidden_parent" = "$(cat "$RESP_BODY")"
expect_json 'j["errors"] == {"parent": "Could not find issue by id or key."}' "…Could not find issue"

as bob "$API/issue/TEST-1"
expect_status 200 "GET issue/TEST-1"
expect_json 'j["key"] == "TEST-1" and j["fields"]["summary"] == "Crash on start" and j["fields"]["status"]["statusCategory"]["key"] == "new" and j["fields"]["priority"]["name"] == "High" and j["fields"]["labels"] == ["crash", "startup"] and j["fields"]["reporter"]["name"] == "carol" and j["fields"]["assignee"] is None and j["fields"]["subtasks"][0]["key"] == "TEST-2"' \
	"…with its fields"
expect_json '__import__("re").match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$", j["fields"]["created"])' \
	"…timestamps in Jira's format"
as bob "$API/issue/$ISSUE_ID?fields=summary,status"
expect_json 'sorted(j["fields"]) == ["status", "summary"]' "fields=summary,status (comma list) by id"
as bob "$API/issue/TEST-1?fields=summary&fields=labels&expand=renderedFields"
expect_json 'sorted(j["fields"]) == ["labels", "summary"] and "<em>crashes</em>" in j["renderedFields"]["description"]' \
	"repeated fields= and renderedFields"
as bob "$API/issue/test-1?fields=*all,-comment"
expect_json '"comment" not in j["fields"] and "summary" in j["fields"]' "*all,-comment; keys in any case"
as dave "$API/issue/TEST-1"
expect_status 404 "GET an issue dave may not browse is 404"
expect_json 'j["errorMessages"] == ["Issue does not exist or you do not have permission to see it."]' "…with Jira's message"
as bob "$API/issue/TEST-999"
expect_status 404 "a missing issue is 404 too"
expect_json 'j["errorMessages"] == ["Issue does not exist or you do not have permission to see it."]' "…with the same message"
req "$API/issue/TEST-1"
expect_status 401 "anonymous callers are asked to authenticate"
req -u "bob:bob-password-123" "$API/issue/TEST-1?fields=summary"
expect_status 200 "Basic username:password works too"
as bob "$API/issue/TEST-1?fields=status"
ICON=$(jget 'j["fields"]["status"]["iconUrl"]')
req "$ICON"
expect_status 200 "iconUrl links resolve"

# v3: rich text in ADF both ways; v2 shows the same text as Markdown
json bob POST "$T/rest/api/3/issue" '{"fields":{"project":{"key":"TEST"},"summary":"Rich","description":{"type":"doc","version":1,"content":[{"type":"heading","attrs":{"level":2},"content":[{"type":"text","text":"Steps"}]},{"type":"paragraph","content":[{"type":"text","text":"press "},{"type":"text","text":"start","marks":[{"type":"code"}]}]}]}}}'
expect_status 201 "POST /rest/api/3/issue with an ADF description"
expect_json '"/rest/api/3/issue/" in j["self"]' "…self under /rest/api/3"
RICH=$(jget 'j["key"]')
as bob "$API/issue/$RICH?fields=description"
expect_json 'j["fields"]["description"] == "## Steps\n\npress `start`"' "v2 shows the description as Markdown"
as bob "$T/rest/api/3/issue/$RICH?fields=description"
expect_json 'j["fields"]["description"]["type"] == "doc" and j["fields"]["description"]["content"][0]["type"] == "heading"' \
	"v3 shows it as ADF"
as bob "$T/rest/api/latest/issue/$RICH?fields=description"
expect_json 'isinstance(j["fields"]["description"], str)' "/latest is v2"

json bob PUT "$API/issue/TEST-1?notifyUsers=false" '{"fields":{"summary":"Crash on start-up"},"update":{"labels":[{"add":"p1"},{"remove":"startup"}]}}'
expect_status 204 "PUT issue with fields and update operations: 204"
expect_body_empty "…and no body"
json bob PUT "$API/issue/TEST-1" '{"update":{}}'
expect_status 204 "an empty update is fine"
json bob PUT "$API/issue/TEST-1" '{"fields":{"summary":""}}'
expect_status 400 "an edit to an empty summary is 400"
expect_json '"summary" in j["errors"]' "…errors.summary"
json carol PUT "$API/issue/TEST-1" '{"fields":{"summary":"carol edits"}}'
expect_status 403 "Users may not edit issues"
expect_api_error track "…in Jira's error shape"
json bob PUT "$API/issue/TEST-1/assignee" "{\"accountId\":\"$CAROL_ID\"}"
expect_status 400 "carol (Users only) cannot be assigned"
expect_json 'j == {"errorMessages": [], "errors": {"assignee": "User '"'carol'"' cannot be assigned issues."}}' \
	"…with Jira's message under errors.assignee"
json bob PUT "$API/issue/TEST-1/assignee" "{\"accountId\":\"$(accountid alice)\"}"
expect_status 204 "PUT assignee by accountId"
json bob PUT "$API/issue/TEST-1/assignee" '{"name":"bob"}'
expect_status 204 "PUT assignee by name"
json bob PUT "$API/issue/TEST-1/assignee" '{"name":"nobody-here"}'
expect_status 400 "an unknown assignee is 400"
as bob "$API/issue/TEST-1?expand=changelog"
expect_json 'j["fields"]["summary"] == "Crash on start-up" and j["fields"]["labels"] == ["crash", "p1"] and j["fields"]["assignee"]["name"] == "bob"' \
	"the edits are there"
expect_json '[i["field"] for h in j["changelog"]["histories"] for i in h["items"]] == ["summary", "labels", "labels", "assignee", "assignee"] and j["changelog"]["histories"][0]["author"]["name"] == "bob"' \
	"expand=changelog lists every change with its author"
expect_json 'j["changelog"]["startAt"] == 0 and j["changelog"]["total"] == len(j["changelog"]["histories"]) >= 2' \
	"…with its paging fields"
SECOND=$(jget 'j["changelog"]["histories"][1]["id"]')
TOTAL=$(jget 'j["changelog"]["total"]')
as bob "$API/issue/TEST-1/changelog?startAt=1&maxResults=1"
expect_json 'j["startAt"] == 1 and j["maxResults"] == 1 and j["total"] == '"$TOTAL"' and [h["id"] for h in j["values"]] == ["'"$SECOND"'"] and j["isLast"] == ('"$TOTAL"' == 2)' \
	"GET changelog pages the history by startAt and maxResults"
as dave "$API/issue/TEST-1/changelog"
expect_status 404 "…and only for those who may browse the issue"

# --- transitions ---------------------------------------------------------------------------------

as bob "$API/issue/TEST-1/transitions"
expect_status 200 "GET transitions"
expect_json '[t["name"] for t in j["transitions"]] == ["Start Progress", "Done"] and j["transitions"][0]["to"]["name"] == "In Progress"' \
	"…those available from To Do"
START=$(jget '[t["id"] for t in j["transitions"] if t["name"] == "Start Progress"][0]')
DONE=$(jget '[t["id"] for t in j["transitions"] if t["name"] == "Done"][0]')
json carol POST "$API/issue/TEST-1/transitions" "{\"transition\":{\"id\":\"$START\"}}"
expect_status 403 "Users may not transition"
json bob POST "$API/issue/TEST-1/transitions" "{\"transition\":{\"id\":$START}}"
expect_status 204 "Start Progress with an integer id: 204"
json bob POST "$API/issue/TEST-1/transitions" "{\"transition\":{\"id\":\"$START\"}}"
expect_status 400 "a transition not available now is 400"
expect_api_error track "…in Jira's error shape"
json bob POST "$API/issue/TEST-1/transitions" "{\"transition\":{\"id\":\"$DONE\"},\"fields\":{\"resolution\":{\"name\":\"Won't Do\"}},\"update\":{\"comment\":[{\"add\":{\"body\":\"closing\"}}]}}"
expect_status 204 "Done with a resolution and a comment"
as bob "$API/issue/TEST-1"
expect_json 'j["fields"]["status"]["name"] == "Done" and j["fields"]["resolution"]["name"] == "Won'"'"'t Do" and j["fields"]["resolutiondate"] is not None and j["fields"]["comment"]["comments"][-1]["body"] == "closing"' \
	"…the issue is resolved and commented"
as bob "$API/issue/TEST-1/transitions"
REOPEN=$(jget '[t["id"] for t in j["transitions"] if t["name"] == "Reopen"][0]')
json bob POST "$API/issue/TEST-1/transitions" "{\"transition\":{\"id\":\"$REOPEN\"}}"
as bob "$API/issue/TEST-1"
expect_json 'j["fields"]["status"]["name"] == "To Do" and j["fields"]["resolution"] is None and j["fields"]["resolutiondate"] is None' \
	"Reopen clears the resolution"

# --- comments ------------------------------------------------------------------------------------

json carol POST "$API/issue/TEST-1/comment" '{"body":"I see it too"}'
expect_status 201 "carol comments: 201"
expect_json 'j["body"] == "I see it too" and j["author"]["name"] == "carol" and j["self"].startswith("http")' "…the comment"
CID=$(jget 'j["id"]')
json carol POST "$API/issue/TEST-1/comment" '{"body":""}'
expect_status 400 "an empty comment is 400"
as carol "$API/issue/TEST-1/comment"
expect_json 'j["total"] == 2 and j["startAt"] == 0 and [c["body"] for c in j["comments"]] == ["closing", "I see it too"]' "GET comments"
as carol "$T/rest/api/3/issue/TEST-1/comment/$CID"
expect_json 'j["body"]["type"] == "doc" and j["body"]["content"][0]["content"][0]["text"] == "I see it too"' "v3 comment body in ADF"
json bob PUT "$API/issue/TEST-1/comment/$CID" '{"body":"edited by bob"}'
expect_status 403 "a developer may not edit someone else's comment"
json carol PUT "$API/issue/TEST-1/comment/$CID" '{"body":"edited"}'
expect_status 200 "the author edits it"
expect_json 'j["body"] == "edited"' "…the new body"
json alice PUT "$API/issue/TEST-1/comment/$CID" '{"body":"edited by the admin"}'
expect_status 200 "a project administrator edits anyone's"
json alice POST "$T/rest/api/3/issue/TEST-1/comment" '{"body":{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"from ADF","marks":[{"type":"strong"}]}]}]}}'
expect_status 201 "POST a v3 comment in ADF"
ADF_CID=$(jget 'j["id"]')
as alice "$API/issue/TEST-1/comment/$ADF_CID"
expect_json 'j["body"] == "**from ADF**"' "…stored as Markdown"
as bob -X DELETE "$API/issue/TEST-1/comment/$CID"
expect_status 403 "a developer may not delete someone else's comment"
as carol -X DELETE "$API/issue/TEST-1/comment/$CID"
expect_status 204 "the author deletes it, edited by others or not"
as alice -X DELETE "$API/issue/TEST-1/comment/$ADF_CID"
expect_status 204 "DELETE comment: 204"
as alice "$API/issue/TEST-1/comment/$ADF_CID"
expect_status 404 "…it is gone"
as dave "$API/issue/TEST-1/comment"
expect_status 404 "comments of an issue dave may not browse: 404"

# --- work logs -----------------------------------------------------------------------------------

json bob PUT "$API/issue/TEST-1" '{"fields":{"timetracking":{"originalEstimate":"1d"}}}'
expect_status 204 "an original estimate of 1d"
json bob POST "$API/issue/TEST-1/worklog" '{"timeSpent":"1h 30m","started":"2024-06-03T08:21:01.273+0000","comment":"digging"}'
expect_status 201 "POST worklog with timeSpent: 201"
expect_json 'j["timeSpentSeconds"] == 5400 and j["timeSpent"] == "1h 30m" and j["started"] == "2024-06-03T08:21:01.273+0000" and j["author"]["name"] == "bob"' \
	"…the work log"
json bob POST "$API/issue/TEST-1/worklog" '{"timeSpentSeconds":3600}'
expect_status 201 "POST worklog with timeSpentSeconds"
json bob POST "$API/issue/TEST-1/worklog" '{"timeSpent":"soon"}'
expect_status 400 "a bad duration is 400"
json carol POST "$API/issue/TEST-1/worklog" '{"timeSpentSeconds":60}'
expect_status 403 "Users may not log work"
as bob "$API/issue/TEST-1/worklog"
expect_json 'j["total"] == 2 and [w["timeSpentSeconds"] for w in j["worklogs"]] == [5400, 3600]' "GET worklog"
as bob "$API/issue/TEST-1?fields=timetracking,timespent,timeestimate"
expect_json 'j["fields"]["timespent"] == 9000 and j["fields"]["timeestimate"] == 28800 - 9000 and j["fields"]["timetracking"]["remainingEstimate"] == "5h 30m"' \
	"time spent adds up and the remaining estimate goes down"
as bob "$API/issue/TEST-1?fields=worklog&expand=transitions"
expect_json 'j["fields"]["worklog"]["total"] == 2 and j["fields"]["worklog"]["worklogs"][0]["comment"] == "digging" and [t["name"] for t in j["transitions"]] == ["Start Progress", "Done"]' \
	"the worklog field and expand=transitions"

# --- the global lists ----------------------------------------------------------------------------

for path in field issuetype status priority resolution projectCategory; do
	as bob "$API/$path"
	expect_status 200 "GET $path"
done
as bob "$API/field"
expect_json 'any(f["id"] == "summary" and "summary" in f["clauseNames"] for f in j)' "field lists summary with its JQL name"
as bob "$API/status/in%20progress"
expect_json 'j["name"] == "In Progress" and j["statusCategory"]["key"] == "indeterminate"' "GET status by name"
as bob "$API/priority"
expect_json '[p["name"] for p in j] == ["Highest", "High", "Medium", "Low", "Lowest"]' "the five priorities in order"
as bob "$API/permissionscheme"
expect_json 'len(j["permissionSchemes"]) == 1' "permissionscheme"
as bob "$API/issuesecurityschemes"
expect_json 'j == {"issueSecuritySchemes": []}' "issuesecurityschemes"
as bob "$API/user/assignable/search?issueKey=TEST-1"
expect_json 'sorted(u["name"] for u in j) == ["alice", "bob"]' "assignable users: Developers and Administrators"
as dave "$API/user/assignable/search?issueKey=TEST-1"
expect_status 404 "…not for dave"
as bob "$T/rest/api/9/issuetype"
expect_status 404 "an unknown API version is 404"

# --- moves, old keys, deletes --------------------------------------------------------------------

json bob POST "$API/issue" '{"fields":{"project":{"key":"TEST"},"summary":"To be deleted"}}'
DEL_KEY=$(jget 'j["key"]')
as bob -X DELETE "$API/issue/$DEL_KEY"
expect_status 403 "a developer may not delete issues"
as alice -X DELETE "$API/issue/TEST-1"
expect_status 400 "deleting an issue with subtasks needs deleteSubtasks=true"
as alice -X DELETE "$API/issue/$DEL_KEY"
expect_status 204 "an administrator deletes: 204"
as alice "$API/issue/$DEL_KEY"
expect_status 404 "…it is gone"
json bob POST "$API/issue" '{"fields":{"project":{"key":"TEST"},"summary":"After the delete"}}'
expect_json 'j["key"] != "'"$DEL_KEY"'"' "a deleted issue's number is not given again"

# --- bulk create ---------------------------------------------------------------------------------

json alice POST "$API/project" '{"key":"BULK","name":"Bulk","projectTypeKey":"software"}'
expect_status 201 "a project for bulk creation"
json alice POST "$API/issue/bulk" '{"issueUpdates":[{"fields":{"project":{"key":"BULK"},"summary":"First"}},{"fields":{"project":{"key":"BULK"},"summary":""}},{"fields":{"project":{"key":"BULK"},"summary":"Third","labels":["bulk"]}}]}'
expect_status 201 "POST issue/bulk with one bad issue of three is 201"
expect_json '[i["key"] for i in j["issues"]] == ["BULK-1", "BULK-2"] and all(i["self"].endswith("/issue/" + i["id"]) for i in j["issues"])' \
	"…creates the two good ones, in order, as {id, key, self}"
expect_json 'len(j["errors"]) == 1 and j["errors"][0]["failedElementNumber"] == 1 and j["errors"][0]["status"] == 400 and "summary" in j["errors"][0]["elementErrors"]["errors"]' \
	"…and reports the bad one by position with its field error"
as alice "$API/issue/BULK-2"
expect_json 'j["fields"]["summary"] == "Third" and j["fields"]["labels"] == ["bulk"]' "…the created issues have their fields"
json alice POST "$API/issue/bulk" '{"issueUpdates":[{"fields":{"project":{"key":"NOPE"},"summary":"x"}},"not an object"]}'
expect_status 400 "POST issue/bulk where nothing can be created is 400"
expect_json '[e["failedElementNumber"] for e in j["errors"]] == [0, 1] and j["issues"] == []' "…listing every failure"
json alice POST "$API/issue/bulk" '{"issueUpdates":[]}'
expect_status 400 "an empty issueUpdates is 400"
json alice POST "$API/issue/bulk" "{\"issueUpdates\":[$(python3 -c 'print(",".join(["{\"fields\":{\"project\":{\"key\":\"BULK\"},\"summary\":\"x\"}}"] * 51))')]}"
expect_status 400 "more than 50 issues at once is 400"
as alice "$API/search?jql=project%3DBULK"
expect_json 'j["total"] == 2' "…and the refused requests created nothing"

done_testing

# track's JQL search over HTTP: GET and POST /rest/api/2/search (startAt, maxResults and its cap,
# total, fields), search/jql (token paging, isLast, ids only by default, unbounded queries
# refused), the /latest and /3 aliases (ADF in v3), every field and operator against a small set
# of issues made through the API, full-text search kept in step with edits and comments, browse
# permission (nobody sees a project they have no role in, not even that it exists), Jira's error
# messages with positions, and the search page (results, sort links, readable errors).

TRACK_NAME_SUFFIX=" Tester"
. "$(dirname "$0")/track_lib.sh"

# as USER [CURL_ARGS...] URL: USER's Basic credentials (username:password, not a token).
as() {
	local user=$1
	shift
	req -u "$user@example.com:$user-password-123" "$@"
}
must() { # must STATUS DESC: bail out when the last request did not answer STATUS
	[ "$RESP_STATUS" = "$1" ] || bail "$2: status $RESP_STATUS: $(head -c 300 "$RESP_BODY")"
}
urlq() { # urlq TEXT: TEXT percent-encoded for a query string (ASCII)
	local s=$1 out='' c i
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		[a-zA-Z0-9.~_-]) out+=$c ;;
		*) printf -v c '%%%02X' "'$c" && out+=$c ;;
		esac
	done
	printf '%s' "$out"
}

# --- the issues ----------------------------------------------------------------------------------

json alice POST "$API/project" '{"key":"TEST","name":"Test project","projectTypeKey":"software"}'
must 201 "create TEST"
json alice POST "$API/project" '{"key":"PRIV","name":"Private project","projectTypeKey":"software"}'
must 201 "create PRIV"
json alice POST "$API/project/TEST/role/10001" '{"user":["bob"]}'
must 200 "bob joins Developers"
json alice POST "$API/project/TEST/role/10000" '{"user":["carol"]}'
must 200 "carol joins Users"
json alice POST "$API/project/TEST/role/10001" '{"user":["carol"]}'
must 200 "carol joins Developers too (assignees need the Assignable user permission)"

# issue BODY: creates an issue as bob, echoes its key.
issue() {
	json "${2:-bob}" POST "$API/issue" "$1"
	must 201 "create an issue: $1"
	jget 'j["key"]'
}
K1=$(issue '{"fields":{"project":{"key":"TEST"},"issuetype":{"name":"Bug"},"summary":"Disk full on the server","description":"The disk is *full* again.","labels":["ops","disk"],"priority":{"name":"High"},"assignee":{"name":"bob"}}}')
K2=$(issue '{"fields":{"project":{"key":"TEST"},"issuetype":{"name":"Task"},"summary":"Write documentation","labels":["docs"],"priority":{"name":"Low"}}}')
K3=$(issue '{"fields":{"project":{"key":"TEST"},"issuetype":{"name":"Story"},"summary":"Login page","description":"Users log in here.","assignee":{"name":"carol"}}}')
P1=$(issue '{"fields":{"project":{"key":"PRIV"},"issuetype":{"name":"Bug"},"summary":"Disk secret","labels":["ops"]}}' alice)
check "the issues have the keys they should" test "$K1 $K2 $K3 $P1" = "TEST-1 TEST-2 TEST-3 PRIV-1"

# transition KEY NAME: runs the transition called NAME.
transition() {
	as bob "$API/issue/$1/transitions"
	local id
	id=$(jget "[t['id'] for t in j['transitions'] if t['name'] == '$2'][0]")
	json bob POST "$API/issue/$1/transitions" "{\"transition\":{\"id\":\"$id\"}}"
	must 204 "transition $1 $2"
}
transition TEST-2 "Start Progress"
transition TEST-3 "Done"
json carol POST "$API/issue/TEST-3/comment" '{"body":"The quarterly report mentions a zebra."}'
must 201 "comment on TEST-3"

# --- every field and operator --------------------------------------------------------------------

# finds USER JQL EXPECTED and refused JQL MESSAGE queue checks that run_checks then makes in one
# Python process (a process per check is slow): GET search as USER answers the keys EXPECTED (in
# order, comma-separated), or 400 with MESSAGE as the only errorMessage (as bob).
CHECKS=$TEST_TMP/checks
: >"$CHECKS"
finds() { printf 'finds\t%s\t%s\t%s\n' "$1" "$2" "$3" >>"$CHECKS"; }
refused() { printf 'refused\tbob\t%s\t%s\n' "$1" "$2" >>"$CHECKS"; }
run_checks() {
	local verdict desc why
	while IFS=$'\t' read -r verdict desc why; do
		if [ "$verdict" = ok ]; then pass "$desc"; else fail "$desc" "$why"; fi
	done < <(python3 - "$API" "$CHECKS" <<'PY'
import base64, json, sys, urllib.error, urllib.parse, urllib.request
api, checks = sys.argv[1], sys.argv[2]
for line in open(checks, encoding='utf-8'):
    kind, user, jql, expected = line.rstrip('\n').split('\t')
    auth = base64.b64encode(f'{user}@example.com:{user}-password-123'.encode()).decode()
    url = f'{api}/search?fields=summary&jql=' + urllib.parse.quote(jql, safe='')
    r = urllib.request.Request(url, headers={'Authorization': 'Basic ' + auth})
    try:
        with urllib.request.urlopen(r, timeout=10) as resp:
            status, body = resp.status, json.load(resp)
    except urllib.error.HTTPError as e:
        status, body = e.code, json.load(e)
    if kind == 'finds':
        desc = f'{jql} ({user}) finds [{expected}]'
        got = ','.join(i['key'] for i in body.get('issues', [])) if status == 200 else None
        ok, why = got == expected, f'status {status}, got [{got}]: {json.dumps(body)[:200]}'
    else:
        desc = f'{jql} is refused: {expected}'
        want = {'errorMessages': [expected], 'errors': {}}
        ok, why = status == 400 and body == want, f'status {status}: {json.dumps(body)[:300]}'
    print('ok' if ok else 'not', desc.replace('\t', ' '), '' if ok else why, sep='\t')
PY
	)
}

finds bob 'project = TEST' TEST-3,TEST-2,TEST-1
finds bob 'project = "Test project" ORDER BY key ASC' TEST-1,TEST-2,TEST-3
finds bob 'project in (test) order by issuekey desc' TEST-3,TEST-2,TEST-1
finds bob 'project != TEST' ''
finds bob 'status = "In Progress"' TEST-2
finds bob "status = 'to do'" TEST-1
finds bob 'status != Done ORDER BY key' TEST-1,TEST-2
finds bob 'status in ("To Do", "In Progress") ORDER BY key' TEST-1,TEST-2
finds bob 'status not in ("To Do") ORDER BY key' TEST-2,TEST-3
finds bob 'statusCategory = done' TEST-3
finds bob 'statusCategory in ("To Do", indeterminate) ORDER BY key' TEST-1,TEST-2
finds bob 'type = Bug' TEST-1
finds bob 'issuetype in (Task, Story) ORDER BY key' TEST-2,TEST-3
finds bob 'priority = High' TEST-1
finds bob 'priority > Medium' TEST-1
finds bob 'priority <= Medium ORDER BY priority' TEST-3,TEST-2
finds bob 'priority >= Low AND priority < High ORDER BY priority DESC' TEST-3,TEST-2
finds bob 'assignee = bob' TEST-1
finds bob 'assignee = currentUser()' TEST-1
finds carol 'assignee = currentUser()' TEST-3
finds bob 'assignee = "carol@example.com"' TEST-3
finds bob 'assignee = "Carol Tester"' TEST-3
finds bob 'assignee is EMPTY' TEST-2
finds bob 'assignee is not empty ORDER BY assignee ASC' TEST-1,TEST-3
finds bob 'assignee in (EMPTY, carol) ORDER BY key' TEST-2,TEST-3
finds bob 'assignee != bob' TEST-3
finds bob 'reporter = bob ORDER BY key' TEST-1,TEST-2,TEST-3
finds bob 'reporter = currentUser() AND assignee = currentUser()' TEST-1
finds bob 'labels = ops' TEST-1
finds bob 'labels in (docs, disk) ORDER BY key' TEST-1,TEST-2
finds bob 'labels not in (docs) ORDER BY key' TEST-1
finds bob 'labels != disk' TEST-2
finds bob 'labels is EMPTY' TEST-3
finds bob 'labels is not EMPTY ORDER BY key' TEST-1,TEST-2
finds bob 'resolution = Done' TEST-3
finds bob 'resolution = Unresolved ORDER BY key' TEST-1,TEST-2
finds bob 'resolution is EMPTY ORDER BY key' TEST-1,TEST-2
finds bob 'resolution is not EMPTY' TEST-3
finds bob 'resolutiondate is not empty' TEST-3
finds bob 'resolutiondate > -1h' TEST-3
finds bob 'created > -1d ORDER BY key' TEST-1,TEST-2,TEST-3
finds bob 'created < -1d' ''
finds bob 'created >= startOfDay(-1) AND created <= endOfDay() ORDER BY key' TEST-1,TEST-2,TEST-3
finds bob 'updated <= now() AND updated > "2020-01-01" ORDER BY key' TEST-1,TEST-2,TEST-3
finds bob 'updated < "2020/01/01 10:00"' ''
finds bob 'key = TEST-2' TEST-2
finds bob 'issuekey in (TEST-1, test-3) ORDER BY key' TEST-1,TEST-3
finds bob 'key > TEST-1 ORDER BY key' TEST-2,TEST-3
finds bob 'key <= TEST-2 ORDER BY key' TEST-1,TEST-2
finds bob 'key != TEST-1 ORDER BY key' TEST-2,TEST-3
finds bob 'summary ~ disk' TEST-1
finds bob 'summary ~ "DISK server"' TEST-1
finds bob 'summary ~ "doc*"' TEST-2
finds bob 'summary !~ disk ORDER BY key' TEST-2,TEST-3
finds bob 'description ~ full' TEST-1
finds bob 'description is EMPTY' TEST-2
finds bob 'description is not EMPTY ORDER BY key' TEST-1,TEST-3
finds bob 'text ~ zebra' TEST-3
finds bob 'text ~ "log"' TEST-3
finds bob 'NOT status = Done AND project = TEST ORDER BY key' TEST-1,TEST-2
finds bob '(priority = High OR priority = Low) AND project = TEST ORDER BY key' TEST-1,TEST-2
finds bob 'priority = High OR priority = Low AND status = Done' TEST-1
finds bob 'project = TEST AND NOT (labels = ops OR labels = docs)' TEST-3

run_checks
: >"$CHECKS"

# The full-text index follows edits.
json bob PUT "$API/issue/TEST-2" '{"fields":{"summary":"Write zebra documentation"}}'
must 204 "edit TEST-2"
finds bob 'summary ~ zebra' TEST-2
finds bob 'text ~ zebra ORDER BY key' TEST-2,TEST-3
finds bob 'summary ~ write AND summary ~ documentation' TEST-2

# --- browse permission -------------------------------------------------------------------------

finds alice 'summary ~ disk ORDER BY key' PRIV-1,TEST-1
finds alice 'labels = ops ORDER BY key' PRIV-1,TEST-1
finds bob 'labels = ops' TEST-1
finds dave 'summary ~ disk' ''
finds dave 'ORDER BY created' ''
finds carol 'text ~ disk' TEST-1
run_checks
: >"$CHECKS"
as bob "$API/search?jql=$(urlq 'project = PRIV')"
expect_status 400 "a project bob may not browse is 400 for him"
expect_json 'j["errorMessages"] == ["The value '"'PRIV'"' does not exist for the field '"'project'"'."]' \
	"…as if it did not exist"
as alice "$API/search?jql=$(urlq 'project = PRIV')"
expect_json 'j["total"] == 1' "…while alice finds its issue"
as dave "$API/search?jql=$(urlq 'key = PRIV-1')"
expect_status 400 "dave may not name an issue he cannot see"
expect_json '"does not exist" in j["errorMessages"][0]' "…it does not exist for him"
req "$API/search?jql=project%20%3D%20TEST"
expect_status 401 "anonymous search is 401"

# --- errors ------------------------------------------------------------------------------------

refused 'project IN (TEST, PRIV AND status = Done' \
	"Error in the JQL Query: Expecting ')' but got 'AND'. (line 1, character 24)"
refused 'project = TEST AND (status = Done' \
	"Error in the JQL Query: Expecting ')' before the end of the query."
refused 'project = TEST status = Done' \
	"Error in the JQL Query: Expecting either 'OR' or 'AND' but got 'status'. (line 1, character 16)"
refused 'summary ~ "open' \
	"Error in the JQL Query: The quoted string 'open' has not been completed. (line 1, character 11)"
refused 'foo = bar' "Field 'foo' does not exist or you do not have permission to view it."
refused 'status ~ Done' "The operator '~' is not supported by the 'status' field."
refused 'status = Nope' "The value 'Nope' does not exist for the field 'status'."
refused 'assignee = nobody' "The value 'nobody' does not exist for the field 'assignee'."
refused 'project = NOPE' "The value 'NOPE' does not exist for the field 'project'."
refused 'key = TEST-99' "An issue with key 'TEST-99' does not exist for field 'key'."
refused 'created > yesterday' \
	"Date value 'yesterday' for field 'created' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'."
run_checks
json bob POST "$API/search" '{"jql":"project = TEST AND"}'
expect_status 400 "POST search with a bad query is 400"
expect_json 'j["errorMessages"] == ["Error in the JQL Query: Expecting a field name before the end of the query."]' \
	"…with the parser's message"

# --- paging, fields, POST, aliases ---------------------------------------------------------------

as bob "$API/search?jql=$(urlq 'project = TEST ORDER BY key')&maxResults=2"
expect_status 200 "GET search with maxResults=2"
expect_json 'j["startAt"] == 0 and j["maxResults"] == 2 and j["total"] == 3 and [i["key"] for i in j["issues"]] == ["TEST-1", "TEST-2"]' \
	"…{startAt, maxResults, total, issues}"
expect_json 'j["expand"] == "schema,names" and j["issues"][0]["fields"]["status"]["name"] == "To Do" and j["issues"][0]["self"].startswith("http")' \
	"…with each issue in Jira's shape"
as bob "$API/search?jql=$(urlq 'project = TEST ORDER BY key')&maxResults=2&startAt=2"
expect_json 'j["startAt"] == 2 and j["total"] == 3 and [i["key"] for i in j["issues"]] == ["TEST-3"]' "startAt=2 gives the last one"
as bob "$API/search?jql=$(urlq 'project = TEST')&maxResults=1000"
expect_json 'j["maxResults"] == 100 and len(j["issues"]) == 3' "maxResults is capped at 100"
as bob "$API/search?jql=$(urlq 'key = TEST-1')&fields=summary,labels"
expect_json 'sorted(j["issues"][0]["fields"]) == ["labels", "summary"]' "fields= picks the fields"
json bob POST "$API/search" '{"jql":"project = TEST ORDER BY key DESC","startAt":1,"maxResults":1,"fields":["summary","status"]}'
expect_status 200 "POST search"
expect_json 'j["startAt"] == 1 and j["maxResults"] == 1 and j["total"] == 3 and j["issues"][0]["key"] == "TEST-2" and sorted(j["issues"][0]["fields"]) == ["status", "summary"]' \
	"…reads jql, startAt, maxResults and fields from the body"
json bob POST "$API/search" '{"jql":"key = TEST-1","fields":"summary","expand":["changelog"]}'
expect_json 'list(j["issues"][0]["fields"]) == ["summary"] and "changelog" in j["issues"][0]' \
	"…fields as a string and expand as a list"
as bob "$T/rest/api/latest/search?jql=$(urlq 'key = TEST-1')"
expect_json 'j["total"] == 1 and j["issues"][0]["fields"]["description"] == "The disk is *full* again."' \
	"/rest/api/latest/search is the v2 resource"
as bob "$T/rest/api/3/search?jql=$(urlq 'key = TEST-1')"
expect_json 'j["issues"][0]["fields"]["description"]["type"] == "doc"' "/rest/api/3/search gives ADF"

as bob "$API/search/jql?jql=$(urlq 'project = TEST ORDER BY key')&maxResults=2"
expect_status 200 "GET search/jql"
expect_json 'j["isLast"] is False and j["issues"] == [{"id": j["issues"][0]["id"]}, {"id": j["issues"][1]["id"]}] and "total" not in j' \
	"…ids only, isLast false, no total"
TOKEN=$(jget 'j["nextPageToken"]')
as bob "$API/search/jql?jql=$(urlq 'project = TEST ORDER BY key')&maxResults=2&nextPageToken=$TOKEN&fields=summary"
expect_json 'j["isLast"] is True and "nextPageToken" not in j and [i["key"] for i in j["issues"]] == ["TEST-3"]' \
	"…the token gives the next page"
json bob POST "$T/rest/api/3/search/jql" '{"jql":"project = TEST","fields":["summary"],"maxResults":5}'
expect_json 'j["isLast"] is True and len(j["issues"]) == 3 and j["issues"][0]["fields"]["summary"]' "POST /rest/api/3/search/jql"
as bob "$API/search/jql?jql="
expect_status 400 "search/jql refuses an unbounded query"
expect_api_error track "…in Jira's error shape"
as bob "$API/search/jql?jql=$(urlq 'project = TEST')&nextPageToken=abc"
expect_status 400 "…and a malformed token"

# --- paging values out of range: clamped in one place (web/paging.c), never overflowing ----------

HUGE=9223372036854775807
as bob "$API/search?jql=$(urlq 'project = TEST')&maxResults=0"
expect_json 'j["maxResults"] == 0 and j["issues"] == [] and j["total"] == 3' \
	"maxResults=0: no issues, only the total (as Jira)"
json bob POST "$API/search" '{"jql":"project = TEST","maxResults":0}'
expect_json 'j["maxResults"] == 0 and j["issues"] == [] and j["total"] == 3' "…in a POST body too"
as bob "$API/search?jql=$(urlq 'project = TEST')&startAt=$HUGE&maxResults=$HUGE"
expect_json 'j["startAt"] == 2147483647 and j["maxResults"] == 100 and j["issues"] == [] and j["total"] == 3' \
	"startAt and maxResults of 2^63-1: clamped, an empty page"
as bob "$API/search?jql=$(urlq 'project = TEST')&startAt=99999999999999999999999&maxResults=-5"
expect_json 'j["startAt"] == 2147483647 and j["maxResults"] == 50 and j["issues"] == []' \
	"…beyond 64 bits, and a negative maxResults (the default)"
json bob POST "$API/search" "{\"jql\":\"project = TEST\",\"startAt\":$HUGE,\"maxResults\":$HUGE}"
expect_json 'j["startAt"] == 2147483647 and j["maxResults"] == 100 and j["issues"] == []' "…in a POST body"
as bob "$API/search/jql?jql=$(urlq 'project = TEST')&nextPageToken=$HUGE"
expect_json 'j["issues"] == [] and j["isLast"] is True and "nextPageToken" not in j' \
	"search/jql: a token of 2^63-1 is past the end"
as bob "$API/search/jql?jql=$(urlq 'project = TEST')&maxResults=0"
expect_json 'j["issues"] == [] and "nextPageToken" not in j' "…maxResults=0 gives no token to loop on"
as bob "$API/project/search?startAt=$HUGE"
expect_status 200 "project/search?startAt=2^63-1 (UBSan found the overflow here)"
expect_json 'j["startAt"] == 2147483647 and j["values"] == [] and j["isLast"] is True and "nextPage" not in j' \
	"…an empty last page"
as bob "$API/project/search?maxResults=0"
expect_json 'j["values"] == [] and j["total"] == 1 and "nextPage" not in j' "project/search?maxResults=0: the total alone"
as bob "$API/issue/TEST-3/comment?startAt=$HUGE&maxResults=$HUGE"
expect_json 'j["startAt"] == 2147483647 and j["comments"] == [] and j["total"] == 1' "comments: clamped"
as bob "$API/issue/TEST-3/comment?maxResults=0"
expect_json 'j["comments"] == [] and j["total"] == 1' "comments?maxResults=0: the total alone"
as bob "$API/issue/TEST-3/worklog?startAt=$HUGE&maxResults=$HUGE"
expect_json 'j["startAt"] == 2147483647 and j["worklogs"] == []' "worklogs: clamped"
as bob "$API/issue/TEST-3/changelog?startAt=$HUGE&maxResults=$HUGE"
expect_json 'j["startAt"] == 2147483647 and j["values"] == [] and j["isLast"] is True' "changelog: clamped"
as bob "$API/user/search?query=tester&startAt=$HUGE"
expect_json 'j == []' "user/search?startAt=2^63-1: an empty list, not an error"
as bob "$T/issues/?jql=$(urlq 'project = TEST')&startAt=$HUGE"
expect_status 200 "the search page at startAt=2^63-1"
as bob "$T/browse/TEST-3?tab=comments&startAt=$HUGE"
expect_status 200 "the issue page's comments tab at startAt=2^63-1"

# --- the search page -----------------------------------------------------------------------------

as bob "$T/issues/?jql=$(urlq 'project = TEST ORDER BY key')"
expect_status 200 "the search page"
expect_html "…is HTML"
expect_body_contains 'href="/browse/TEST-1"' "…links its results"
expect_body_contains 'Issues 1–3 of 3' "…counts them"
expect_body_contains 'aria-sort="ascending"' "…marks the sorted column"
expect_body_contains "project%20%3D%20TEST%20ORDER%20BY%20key%20DESC" "…and the key header sorts descending next"
expect_body_contains "project%20%3D%20TEST%20ORDER%20BY%20updated%20ASC" "…another header sorts by its field"
as bob "$T/issues/?jql=$(urlq 'project = TEST AND (')"
expect_status 400 "a bad query on the page is 400"
expect_body_contains "Expecting a field name before the end of the query." "…showing the parser's message"
as dave "$T/issues/?jql=$(urlq 'text ~ disk')"
expect_body_contains "No issues match" "dave's search page shows nothing"

# --- statements per page: a page loads its issues in batches, not one by one ---------------------

# statements_of: the statement count the access log gives the last request (by its request id).
statements_of() {
	local id
	id=$(resp_header X-Request-Id)
	sed -n "s/.*request_id=$id .* statements=\([0-9]*\).*/\1/p" "$WEFT_ERR" | head -n 1
}
json alice POST "$API/project" '{"key":"BULK","name":"Bulk project","projectTypeKey":"software"}'
must 201 "create BULK"
for n in $(seq 1 50); do
	json alice POST "$API/issue" "{\"fields\":{\"project\":{\"key\":\"BULK\"},\"issuetype\":{\"name\":\"Task\"},\"summary\":\"Bulk issue $n\",\"labels\":[\"l$n\",\"bulk\"],\"assignee\":{\"name\":\"alice\"}}}"
	must 201 "create bulk issue $n"
done
json alice POST "$API/issue" '{"fields":{"project":{"key":"BULK"},"issuetype":{"name":"Sub-task"},"parent":{"key":"BULK-1"},"summary":"A part of the first"}}'
must 201 "create a sub-task of BULK-1"
for n in 2 3 4; do
	json alice POST "$API/issueLink" "{\"type\":{\"name\":\"Blocks\"},\"inwardIssue\":{\"key\":\"BULK-1\"},\"outwardIssue\":{\"key\":\"BULK-$n\"}}"
	must 201 "link BULK-1 to BULK-$n"
done
# The bound: a fixed number of statements per page (28: the issues, their users, types,
# statuses, labels, sub-tasks, watchers, votes, links and attachments each in one batch), and a
# page of 50 costs no more than a page of 5 but for the batches a longer id list may split into.
for version in 2 3; do
	as alice "$T/rest/api/$version/search?jql=$(urlq 'project = BULK AND issuetype = Task ORDER BY key')&maxResults=5"
	few=$(statements_of)
	as alice "$T/rest/api/$version/search?jql=$(urlq 'project = BULK AND issuetype = Task ORDER BY key')&maxResults=50"
	expect_json '[l["outwardIssue"]["key"] for l in j["issues"][0]["fields"]["issuelinks"]] == ["BULK-2", "BULK-3", "BULK-4"] and [l["inwardIssue"]["key"] for l in j["issues"][3]["fields"]["issuelinks"]] == ["BULK-1"]' \
		"v$version: the page's issue links, loaded with it"
	expect_json 'len(j["issues"]) == 50 and j["total"] == 50 and j["issues"][0]["fields"]["subtasks"][0]["key"] == "BULK-51" and j["issues"][0]["fields"]["assignee"]["name"] == "alice" and j["issues"][49]["fields"]["labels"] == ["bulk", "l50"] and j["issues"][0]["fields"]["issuetype"]["name"] == "Task"' \
		"v$version: a page of 50 issues with their users, types, labels and sub-tasks"
	count=$(statements_of)
	if [ -n "$count" ] && [ -n "$few" ] && [ "$count" -le 28 ] && [ "$count" -le $((few + 2)) ]; then
		pass "v$version: …in $count statements (5 issues: $few; at most 28, whatever the page size)"
	else
		fail "v$version: …in at most 28 statements, as a page of 5" "the access log says statements=${count:-?} (5 issues: ${few:-?})"
	fi
done
as alice "$API/search/jql?jql=$(urlq 'project = BULK ORDER BY key')&maxResults=50&fields=summary"
count=$(statements_of)
expect_json 'len(j["issues"]) == 50' "search/jql: a page of 50"
if [ -n "$count" ] && [ "$count" -le 28 ]; then
	pass "…in $count statements"
else
	fail "search/jql: at most 28 statements" "the access log says statements=${count:-?}"
fi
as alice "$T/issues/?jql=$(urlq 'project = BULK ORDER BY key')"
count=$(statements_of)
expect_body_contains 'href="/browse/BULK-1"' "the search page lists the bulk issues"
if [ -n "$count" ] && [ "$count" -le 28 ]; then
	pass "…in $count statements"
else
	fail "the search page: at most 28 statements" "the access log says statements=${count:-?}"
fi

# --- the npm jira.js clients ---------------------------------------------------------------------

run_conformance jira_search.mjs TRACK_URL="$T" JIRA_EMAIL=bob@example.com \
	JIRA_TOKEN=bob-password-123 JIRA_PROJECT=TEST

done_testing

# Issue links over the Jira API (v2, latest and v3): the link types (read by anyone, written by
# site administrators), POST issueLink with Jira's body (and its comment), GET and DELETE
# issueLink/{id}, fields.issuelinks on both issues showing only what the caller may browse, the
# "Link" history on both, who may link (Link issues on the outward issue's project), every error
# answer, links going with a deleted issue, JQL linkedIssues() and issueLinkType; remote links;
# then the npm jira.js clients (tests/conformance/jira_links.mjs).

. "$(dirname "$0")/track_env.sh"

urlq() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
keys_of_search() { # keys_of_search USER JQL: the keys the search gives, comma-joined
	as "$1" "$API/search?jql=$(urlq "$2")&fields=summary" >/dev/null
	jget '",".join(sorted(i["key"] for i in j["issues"]))'
}

# TEST: bob a Developer, carol a User; OTHER: only alice (site administrator) sees it.
json alice POST "$API/project" '{"key":"TEST","name":"Test project","projectTypeKey":"software"}'
[ "$RESP_STATUS" = 201 ] || bail "cannot create TEST"
json alice POST "$API/project" '{"key":"OTHER","name":"Other project","projectTypeKey":"software"}'
json alice POST "$API/project/TEST/role/10001" '{"user":["bob"]}'
json alice POST "$API/project/TEST/role/10000" '{"user":["carol"]}'
for n in 1 2 3 4 5; do
	json bob POST "$API/issue" "{\"fields\":{\"project\":{\"key\":\"TEST\"},\"summary\":\"Issue $n\"}}"
	[ "$RESP_STATUS" = 201 ] || bail "cannot create TEST-$n"
done
json alice POST "$API/issue" '{"fields":{"project":{"key":"OTHER"},"summary":"Secret <b>work</b>"}}'
[ "$RESP_STATUS" = 201 ] || bail "cannot create OTHER-1"

# --- link types ----------------------------------------------------------------------------------

for v in 2 latest 3; do
	as carol "$T/rest/api/$v/issueLinkType"
	expect_json '[(t["name"], t["inward"], t["outward"]) for t in j["issueLinkTypes"]] == [("Blocks", "is blocked by", "blocks"), ("Cloners", "is cloned by", "clones"), ("Duplicate", "is duplicated by", "duplicates"), ("Relates", "relates to", "relates to")]' \
		"GET issueLinkType ($v): Jira's four default types"
done
expect_json 'j["issueLinkTypes"][0]["id"] == "10000" and j["issueLinkTypes"][0]["self"].endswith("/rest/api/3/issueLinkType/10000")' \
	"…with string ids and self links"
as dave "$API/issueLinkType/10002"
expect_json 'j["name"] == "Duplicate" and j["outward"] == "duplicates"' "GET issueLinkType/10002"
as dave "$API/issueLinkType/99999"
expect_status 404 "an unknown type is 404"
expect_api_error track "…with Jira's error body"
as dave "$API/issueLinkType/abc"
expect_status 404 "a malformed id is 404"
req "$API/issueLinkType"
expect_status 401 "anonymous callers are asked to sign in"

json bob POST "$API/issueLinkType" '{"name":"Depends","inward":"is depended on by","outward":"depends on"}'
expect_status 403 "only a site administrator creates a link type"
json alice POST "$API/issueLinkType" '{"name":" Depends ","inward":"is depended on by","outward":"depends on"}'
expect_status 201 "POST issueLinkType"
expect_json 'j["name"] == "Depends" and j["inward"] == "is depended on by"' "…trimmed, as given"
DEP=$(jget 'j["id"]')
json alice POST "$API/issueLinkType" '{"name":"depends","inward":"a","outward":"b"}'
expect_status 400 "a name in use (any case) is 400"
expect_json '"name" in j["errors"]' "…under errors.name"
json alice POST "$API/issueLinkType" '{"name":"Half","inward":"a"}'
expect_json '"outward" in j["errors"]' "a missing outward phrase is errors.outward"
json alice POST "$API/issueLinkType" "{\"name\":\"$(printf 'x%.0s' $(seq 300))\",\"inward\":\"a\",\"outward\":\"b\"}"
expect_status 400 "a name over 255 bytes is 400"
json alice POST "$API/issueLinkType" '{"name":7,"inward":"a","outward":"b"}'
expect_json 'j["errors"].get("name")' "a name that is not a string is errors.name"
json alice PUT "$API/issueLinkType/$DEP" '{"outward":"needs"}'
expect_status 200 "PUT issueLinkType/{id}"
expect_json 'j["outward"] == "needs" and j["name"] == "Depends"' "…changes only what is given"
json alice PUT "$API/issueLinkType/$DEP" '{"name":"Blocks"}'
expect_status 400 "renaming onto another type's name is 400"
as alice -X DELETE "$API/issueLinkType/$DEP"
expect_status 204 "DELETE issueLinkType/{id}"
as alice "$API/issueLinkType/$DEP"
expect_status 404 "…it is gone"
as alice -X DELETE "$API/issueLinkType/$DEP"
expect_status 404 "…deleting it again is 404"

# --- creating links ------------------------------------------------------------------------------

BLOCKS='{"type":{"name":"Blocks"},"inwardIssue":{"key":"TEST-1"},"outwardIssue":{"key":"TEST-2"}}'
json bob POST "$API/issueLink" "$BLOCKS"
expect_status 201 "POST issueLink: TEST-1 blocks TEST-2"
expect_body_empty "…with no body, as Jira"
LINK=$(resp_header Location | sed 's|.*/issueLink/||' | tr -d '\r')
check "…Location names the link" test -n "$LINK"
json bob POST "$API/issueLink" "$BLOCKS"
expect_status 201 "the same link again is 201 too"
as bob "$API/issue/TEST-1?fields=issuelinks"
expect_json 'len(j["fields"]["issuelinks"]) == 1' "…and makes no second link"
expect_json 'j["fields"]["issuelinks"][0]["id"] == "'"$LINK"'" and j["fields"]["issuelinks"][0]["type"]["name"] == "Blocks" and j["fields"]["issuelinks"][0]["outwardIssue"]["key"] == "TEST-2" and "inwardIssue" not in j["fields"]["issuelinks"][0]' \
	"TEST-1's issuelinks: outwardIssue TEST-2 (TEST-1 blocks TEST-2)"
expect_json 'set(j["fields"]["issuelinks"][0]["outwardIssue"]["fields"]) == {"summary", "status", "priority", "issuetype"} and j["fields"]["issuelinks"][0]["outwardIssue"]["fields"]["status"]["name"] == "To Do" and j["fields"]["issuelinks"][0]["outwardIssue"]["fields"]["issuetype"]["name"] == "Task"' \
	"…the linked issue with summary, status, priority and issue type"
expect_json 'j["fields"]["issuelinks"][0]["self"].endswith("/rest/api/2/issueLink/'"$LINK"'") and j["fields"]["issuelinks"][0]["outwardIssue"]["self"].endswith("/rest/api/2/issue/" + j["fields"]["issuelinks"][0]["outwardIssue"]["id"])' \
	"…and self links"
as carol "$T/rest/api/3/issue/TEST-2"
expect_json '[(l["type"]["inward"], l["inwardIssue"]["key"]) for l in j["fields"]["issuelinks"]] == [("is blocked by", "TEST-1")]' \
	"TEST-2's issuelinks (v3): inwardIssue TEST-1 (TEST-2 is blocked by TEST-1)"
as bob "$API/issue/TEST-1?expand=changelog"
expect_json '[(i["field"], i["to"], i["toString"]) for h in j["changelog"]["histories"] for i in h["items"] if i["field"] == "Link"] == [("Link", "TEST-2", "This issue blocks TEST-2")]' \
	"TEST-1's history: Link 'This issue blocks TEST-2', once"
as bob "$API/issue/TEST-2/changelog"
expect_json '[i["toString"] for h in j["values"] for i in h["items"] if i["field"] == "Link"] == ["This issue is blocked by TEST-1"]' \
	"TEST-2's history: 'This issue is blocked by TEST-1'"

as bob "$API/issueLink/$LINK"
expect_status 200 "GET issueLink/{id}"
expect_json 'j["id"] == "'"$LINK"'" and j["type"]["outward"] == "blocks" and j["inwardIssue"]["key"] == "TEST-1" and j["outwardIssue"]["key"] == "TEST-2" and j["outwardIssue"]["fields"]["summary"] == "Issue 2"' \
	"…inwardIssue TEST-1, outwardIssue TEST-2, as posted"

json bob POST "$T/rest/api/3/issueLink" '{"type":{"id":10003},"inwardIssue":{"id":"'"$(as bob "$API/issue/TEST-3" >/dev/null; jget 'j["id"]')"'"},"outwardIssue":{"key":"test-4"},"comment":{"body":{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"Related, see there"}]}]}}}'
expect_status 201 "POST issueLink (v3) by type id, issue id, lower-case key, with an ADF comment"
as bob "$API/issue/TEST-4/comment"
expect_json '[c["body"] for c in j["comments"]] == ["Related, see there"]' "…the comment is on the outward issue"
as bob "$API/issue/TEST-3?fields=issuelinks"
expect_json '[(l["type"]["name"], l["outwardIssue"]["key"]) for l in j["fields"]["issuelinks"]] == [("Relates", "TEST-4")]' \
	"…and the link is there"

# --- refusals ------------------------------------------------------------------------------------

json carol POST "$API/issueLink" '{"type":{"name":"Blocks"},"inwardIssue":{"key":"TEST-3"},"outwardIssue":{"key":"TEST-5"}}'
expect_status 403 "carol (Users) may not link issues: 403"
expect_api_error track "…with Jira's error body"
json dave POST "$API/issueLink" '{"type":{"name":"Blocks"},"inwardIssue":{"key":"TEST-3"},"outwardIssue":{"key":"TEST-5"}}'
expect_status 404 "dave cannot see TEST: 404"
expect_json '"Issue does not exist or you do not have permission to see it." in j["errorMessages"]' "…the message for a missing issue"
json bob POST "$API/issueLink" '{"type":{"name":"Blocks"},"inwardIssue":{"key":"TEST-3"},"outwardIssue":{"key":"OTHER-1"}}'
expect_status 404 "bob cannot see OTHER-1: 404, as if it were missing"
json bob POST "$API/issueLink" '{"type":{"name":"Blocks"},"inwardIssue":{"key":"TEST-3"},"outwardIssue":{"key":"NOPE-9"}}'
expect_status 404 "a missing issue: 404"
json bob POST "$API/issueLink" '{"type":{"name":"Blocks"},"inwardIssue":{"key":"TEST-3"},"outwardIssue":{"key":"TEST-3"}}'
expect_status 400 "an issue linked to itself: 400"
expect_json '"You cannot link an issue to itself." in j["errorMessages"]' "…in Jira's words"
json bob POST "$API/issueLink" '{"type":{"name":"Nope"},"inwardIssue":{"key":"TEST-3"},"outwardIssue":{"key":"TEST-5"}}'
expect_status 400 "an unknown link type: 400"
expect_json '"type" in j["errors"]' "…under errors.type"
json bob POST "$API/issueLink" '{"type":{"name":"Blocks"},"outwardIssue":{"key":"TEST-5"}}'
expect_status 400 "no inwardIssue: 400"
expect_json '"inwardIssue" in j["errors"]' "…under errors.inwardIssue"
json bob POST "$API/issueLink" '{"inwardIssue":{"key":"TEST-3"},"outwardIssue":{"key":"TEST-5"}}'
expect_json '"type" in j["errors"]' "no type: errors.type"
json bob POST "$API/issueLink" '[1]'
expect_status 400 "a body that is not an object: 400"
expect_api_error track "…with Jira's error body"
json bob POST "$API/issueLink" '{"type":{"name":"Blocks"},"inwardIssue":{"key":"TEST-3"},"outwardIssue":{"key":"TEST-5"},"comment":{"body":""}}'
expect_status 400 "an empty comment: 400"
as bob "$API/issue/TEST-5?fields=issuelinks"
expect_json 'j["fields"]["issuelinks"] == []' "…and nothing was linked (one transaction)"
json bob POST "$API/issueLink" '{"type":{"name":"Blocks"},"inwardIssue":{"key":"TEST-3"},"outwardIssue":{"key":"TEST-5"},"comment":{"body":"x","visibility":{"type":"role","value":"Administrators"}}}'
expect_status 400 "a comment visibility bob may not use: 400"

# --- what each caller sees -----------------------------------------------------------------------

json alice POST "$API/issueLink" '{"type":{"name":"Duplicate"},"inwardIssue":{"key":"TEST-1"},"outwardIssue":{"key":"OTHER-1"}}'
expect_status 201 "alice links TEST-1 to OTHER-1"
as alice "$API/issue/OTHER-1?fields=issuelinks"
SECRET_LINK=$(jget 'j["fields"]["issuelinks"][0]["id"]')
as alice "$API/issue/TEST-1?fields=issuelinks"
expect_json 'sorted(l.get("outwardIssue", {}).get("key") for l in j["fields"]["issuelinks"]) == ["OTHER-1", "TEST-2"]' \
	"alice sees both of TEST-1's links"
as bob "$API/issue/TEST-1?fields=issuelinks"
expect_json '[l["outwardIssue"]["key"] for l in j["fields"]["issuelinks"]] == ["TEST-2"]' \
	"bob sees only the link to an issue he may browse"
as bob "$API/search?jql=$(urlq 'key = TEST-1')&fields=issuelinks"
expect_json '[l["outwardIssue"]["key"] for l in j["issues"][0]["fields"]["issuelinks"]] == ["TEST-2"]' \
	"…in search results too"
as bob "$API/issueLink/$SECRET_LINK"
expect_status 404 "GET issueLink/{id} of that link: 404 for bob"
as bob -X DELETE "$API/issueLink/$SECRET_LINK"
expect_status 404 "…and bob cannot delete it"
as bob "$API/issueLink/99999999"
expect_status 404 "GET issueLink of no link: 404"
as bob "$API/issueLink/x1"
expect_status 404 "a malformed link id: 404"

# --- JQL -----------------------------------------------------------------------------------------

check "issue in linkedIssues(TEST-1) (bob)" test "$(keys_of_search bob 'issue in linkedIssues(TEST-1)')" = "TEST-2"
check "…as alice, OTHER-1 too" test "$(keys_of_search alice 'issue in linkedIssues(TEST-1)')" = "OTHER-1,TEST-2"
check "linkedIssues(TEST-2, \"is blocked by\")" test "$(keys_of_search bob 'issue in linkedIssues(TEST-2, "is blocked by")')" = "TEST-1"
check "linkedIssues(TEST-1, \"is blocked by\") finds nothing" test "$(keys_of_search bob 'issue in linkedIssues(TEST-1, "is blocked by")')" = ""
check "linkedIssues(TEST-1, blocks)" test "$(keys_of_search bob 'issue in linkedIssues(TEST-1, blocks)')" = "TEST-2"
check "issue not in linkedIssues(TEST-1) within TEST" test "$(keys_of_search bob 'project = TEST AND issue not in linkedIssues(TEST-1)')" = "TEST-1,TEST-3,TEST-4,TEST-5"
check "issue in (linkedIssues(TEST-3), TEST-5)" test "$(keys_of_search bob 'issue in (linkedIssues(TEST-3), TEST-5)')" = "TEST-4,TEST-5"
check "issueLinkType = blocks" test "$(keys_of_search bob 'issueLinkType = blocks')" = "TEST-1"
check "issueLinkType = \"is blocked by\"" test "$(keys_of_search bob 'issueLinkType = "IS BLOCKED BY"')" = "TEST-2"
check "issueLinkType in (\"relates to\", duplicates)" test "$(keys_of_search bob 'issueLinkType in ("relates to", duplicates)')" = "TEST-1,TEST-3,TEST-4"
check "issueLinkType != \"relates to\" within TEST" test "$(keys_of_search bob 'project = TEST AND issueLinkType != "relates to"')" = "TEST-1,TEST-2,TEST-5"
as bob "$API/search?jql=$(urlq 'issue in linkedIssues(OTHER-1)')"
expect_status 400 "linkedIssues of an issue bob cannot see: 400"
expect_json 'j["errorMessages"] == ["An issue with key '"'"'OTHER-1'"'"' does not exist for field '"'"'issue'"'"'."]' "…as for a missing key"
as bob "$API/search?jql=$(urlq 'issue in linkedIssues(TEST-1, "explodes")')"
expect_status 400 "linkedIssues with an unknown phrase: 400"
as bob "$API/search?jql=$(urlq 'issueLinkType = explodes')"
expect_status 400 "issueLinkType with an unknown phrase: 400"
expect_json 'j["errorMessages"] == ["The value '"'"'explodes'"'"' does not exist for the field '"'"'issueLinkType'"'"'."]' "…Jira's message"

# --- removing links ------------------------------------------------------------------------------

as carol -X DELETE "$API/issueLink/$LINK"
expect_status 403 "carol may not delete a link: 403"
as bob -X DELETE "$T/rest/api/latest/issueLink/$LINK"
expect_status 204 "bob deletes TEST-1 → TEST-2 (latest)"
as bob "$API/issueLink/$LINK"
expect_status 404 "…it is gone"
as bob "$API/issue/TEST-2?expand=changelog&fields=issuelinks"
expect_json 'j["fields"]["issuelinks"] == []' "…from both issues"
expect_json '[(i["from"], i["fromString"], i["to"]) for h in j["changelog"]["histories"] for i in h["items"] if i["field"] == "Link"][-1] == ("TEST-1", "This issue is blocked by TEST-1", None)' \
	"…and TEST-2's history says it was removed"
as bob -X DELETE "$API/issueLink/$LINK"
expect_status 404 "deleting it again: 404"

as alice -X DELETE "$API/issue/TEST-4"
expect_status 204 "alice deletes TEST-4"
as bob "$API/issue/TEST-3?fields=issuelinks"
expect_json 'j["fields"]["issuelinks"] == []' "…its link with TEST-3 went with it"

# --- the issue page: the Links section, add and remove ---------------------------------------------

page bob /browse/TEST-5
expect_body_contains 'action="/browse/TEST-5/links"' "bob (Developer) has the add-link form on TEST-5"
submit bob /browse/TEST-5 /browse/TEST-5/links "link=10000-in" "issue=test-3"
expect_status 303 "the form links TEST-5 'is blocked by' TEST-3"
page bob /browse/TEST-5
expect_body_contains '<h3 class="small muted">is blocked by</h3>' "…the page groups it under its phrase"
expect_body_contains '<a href="/browse/TEST-3"><code>TEST-3</code></a> Issue 3 <span class="badge status-new">To Do</span>' \
	"…with the issue's key, summary and status"
as bob "$API/issue/TEST-3?fields=issuelinks"
expect_json '[(l["type"]["name"], l["outwardIssue"]["key"]) for l in j["fields"]["issuelinks"]] == [("Blocks", "TEST-5")]' \
	"…TEST-3 blocks TEST-5, as the API shows"
PAGE_LINK=$(jget 'j["fields"]["issuelinks"][0]["id"]')
submit bob /browse/TEST-5 /browse/TEST-5/links "link=10000-out" "issue=OTHER-1"
expect_status 400 "linking to an issue bob cannot see is refused on the page"
expect_body_contains "Issue OTHER-1 does not exist or you do not have permission to see it." "…with the reason"
submit bob /browse/TEST-5 /browse/TEST-5/links "link=10000-out" "issue=TEST-5"
expect_body_contains "You cannot link an issue to itself." "linking TEST-5 to itself is refused"
submit bob /browse/TEST-5 /browse/TEST-5/links "link=blocks" "issue=TEST-3"
expect_body_contains "Choose how the issues are linked." "a malformed choice is refused"
submit bob /browse/TEST-5 /browse/TEST-5/links "link=10000-out" "issue="
expect_status 400 "an empty key is refused"
req -b "$TEST_TMP/bob.jar" --data-urlencode "link=10000-out" --data-urlencode "issue=TEST-3" "$T/browse/TEST-5/links"
expect_status 403 "the form without its CSRF token is 403"
page carol /browse/TEST-5
expect_body_contains 'href="/browse/TEST-3"' "carol sees the link"
if grep -q 'action="/browse/TEST-5/links' "$RESP_BODY"; then
	fail "…but has no add or remove form" "the page offers carol a link form"
else
	pass "…but has no add or remove form"
fi
submit carol /browse/TEST-5 /browse/TEST-5/links "link=10000-out" "issue=TEST-3"
expect_status 403 "carol's post to the form is 403"
json bob POST "$API/issue/TEST-5/remotelink" '{"relationship":"see <also>","object":{"url":"https://example.com/?a=1&b=\"x\"","title":"<script>alert(1)</script>","summary":"<b>s</b>"}}'
page bob /browse/TEST-5
expect_body_contains '<a href="https://example.com/?a&#61;1&amp;b&#61;&quot;x&quot;" rel="noopener nofollow">&lt;script&gt;alert(1)&lt;/script&gt;</a>' \
	"a remote link shows escaped, rel=\"noopener nofollow\""
expect_body_contains 'see &lt;also&gt;' "…its relationship escaped too"
submit bob /browse/TEST-5 "/browse/TEST-5/links/$PAGE_LINK/delete"
expect_status 303 "Remove takes the link away"
as bob "$API/issue/TEST-3?fields=issuelinks"
expect_json 'j["fields"]["issuelinks"] == []' "…from both issues"
submit bob /browse/TEST-5 "/browse/TEST-5/links/$PAGE_LINK/delete"
expect_status 404 "removing it again is 404"
submit bob /browse/TEST-1 "/browse/TEST-1/links/$SECRET_LINK/delete"
expect_status 404 "bob cannot remove a link to an issue he cannot see"

# --- remote links --------------------------------------------------------------------------------

RL="$API/issue/TEST-1/remotelink"
json bob POST "$RL" '{"globalId":"system=http://ci.example.com&id=1","application":{"type":"com.example.ci","name":"CI"},"relationship":"built by","object":{"url":"https://ci.example.com/build/1","title":"Build <1>","summary":"green","icon":{"url16x16":"https://ci.example.com/i.png","title":"CI"}}}'
expect_status 201 "POST remotelink"
expect_json 'isinstance(j["id"], int) and j["self"].endswith("/issue/TEST-1/remotelink/%d" % j["id"])' "…answers {id (a number), self}"
RID=$(jget 'j["id"]')
as carol "$RL"
expect_json 'len(j) == 1 and j[0]["globalId"] == "system=http://ci.example.com&id=1" and j[0]["application"] == {"type": "com.example.ci", "name": "CI"} and j[0]["relationship"] == "built by" and j[0]["object"] == {"url": "https://ci.example.com/build/1", "title": "Build <1>", "summary": "green", "icon": {"url16x16": "https://ci.example.com/i.png", "title": "CI"}}' \
	"GET remotelink (carol may browse): Jira's shape"
json bob POST "$T/rest/api/3/issue/TEST-1/remotelink" '{"globalId":"system=http://ci.example.com&id=1","object":{"url":"http://ci.example.com/build/1b","title":"Build 1 again"}}'
expect_status 200 "POST with a known globalId (v3) updates: 200"
expect_json 'j["id"] == '"$RID" "…the same link"
as bob "$RL?globalId=$(urlq 'system=http://ci.example.com&id=1')"
expect_json 'j["object"]["title"] == "Build 1 again" and "summary" not in j["object"] and "relationship" not in j' "GET ?globalId= gives that link, replaced"
as bob "$RL?globalId=nope"
expect_status 404 "…an unknown globalId is 404"
json bob POST "$RL" '{"object":{"url":"https://example.com/doc","title":"Design doc"}}'
expect_status 201 "a link without a globalId"
RID2=$(jget 'j["id"]')
as bob "$T/rest/api/latest/issue/TEST-1/remotelink/$RID2"
expect_json 'j["object"]["url"] == "https://example.com/doc" and "globalId" not in j' "GET remotelink/{id} (latest)"
json bob PUT "$RL/$RID2" '{"object":{"url":"https://example.com/doc2","title":"Design doc 2"}}'
expect_status 204 "PUT remotelink/{id}"
as bob "$RL/$RID2"
expect_json 'j["object"]["title"] == "Design doc 2"' "…changed"
for body in '{"object":{"url":"javascript:alert(1)","title":"x"}}' '{"object":{"url":"ftp://example.com/x","title":"x"}}' '{"object":{"url":"https://","title":"x"}}' '{"object":{"url":"https://exa mple.com","title":"x"}}' '{"object":{"title":"x"}}'; do
	json bob POST "$RL" "$body"
	expect_status 400 "refused: $body"
	expect_json '"url" in j["errors"]' "…under errors.url"
done
json bob POST "$RL" '{"object":{"url":"https://example.com"}}'
expect_json 'j["errors"].get("title") == "'"'"'title'"'"' is required."' "no title: errors.title"
json bob POST "$RL" "{\"object\":{\"url\":\"https://example.com\",\"title\":\"$(printf 't%.0s' $(seq 300))\"}}"
expect_status 400 "a title over 255 bytes: 400"
json bob POST "$RL" '{"object":{"url":"https://example.com","title":"x","icon":{"url16x16":"data:image/png;base64,AA"}}}'
expect_json '"icon.url16x16" in j["errors"]' "an icon that is not http(s): errors.icon.url16x16"
json bob POST "$RL" '{"object":"https://example.com"}'
expect_json '"object" in j["errors"]' "object not an object: errors.object"
json bob POST "$RL" '{"object":{"url":"https://example.com","title":["x"]}}'
expect_json '"title" in j["errors"]' "a title that is not a string: errors.title"
json bob POST "$RL" '{"globalId":"g2","object":{"url":"https://example.com/2","title":"two"}}'
json bob PUT "$RL/$RID2" '{"globalId":"g2","object":{"url":"https://example.com/2","title":"two"}}'
expect_status 400 "PUT onto another link's globalId: 400"
json carol POST "$RL" '{"object":{"url":"https://example.com","title":"x"}}'
expect_status 403 "carol (Users) may not add a remote link"
as carol -X DELETE "$RL/$RID2"
expect_status 403 "…nor delete one"
as dave "$RL"
expect_status 404 "dave cannot see the issue: 404"
as bob "$API/issue/TEST-2/remotelink/$RID2"
expect_status 404 "a link of another issue: 404"
as bob "$RL/abc"
expect_status 404 "a malformed link id: 404"
as bob -X DELETE "$RL"
expect_status 400 "DELETE remotelink without globalId: 400"
as bob -X DELETE "$RL?globalId=g2"
expect_status 204 "DELETE remotelink?globalId="
as bob -X DELETE "$RL/$RID2"
expect_status 204 "DELETE remotelink/{id}"
as bob "$RL"
expect_json '[l["id"] for l in j] == ['"$RID"']' "…the others are gone"
as bob "$API/issue/TEST-1/changelog"
expect_json '[i["toString"] for h in j["values"] for i in h["items"] if i["field"] == "RemoteIssueLink"][0] == "This issue links to \"Build <1>\""' \
	"the history records remote links"

# --- the npm jira.js clients ---------------------------------------------------------------------

run_conformance jira_links.mjs TRACK_URL="$T" JIRA_EMAIL=alice@example.com \
	JIRA_TOKEN="${TOKEN[alice]}" JIRA_PROJECT=TEST

done_testing

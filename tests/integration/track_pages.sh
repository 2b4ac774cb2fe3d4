# track's project and issue pages over HTTP with sessions and CSRF: the project list and create
# form, the project page with filters, the issue view (transition buttons, assignee and priority
# in place, Comments / Work log / History tabs, the development panel's place), create and edit
# forms, moves (the old key redirects; the API answers for it), project settings (roles,
# statuses, transitions), refusals by role; then the npm jira.js clients (tests/conformance/
# jira.mjs: Version2Client of jira.js 5.4 and the 6.2 cloud client).

. "$(dirname "$0")/track_env.sh"

# What the pages need: projects TEST and OTHER, bob a Developer and carol a User of TEST, TEST-1.
json alice POST "$API/project" '{"key":"TEST","name":"Test project","projectTypeKey":"software"}'
[ "$RESP_STATUS" = 201 ] || bail "cannot create TEST"
json alice POST "$API/project" '{"key":"OTHER","name":"Other project","projectTypeKey":"software"}'
json alice POST "$API/project/TEST/role/10001" '{"user":["bob"]}'
json alice POST "$API/project/TEST/role/10000" '{"user":["carol"]}'
json carol POST "$API/issue" '{"fields":{"project":{"key":"TEST"},"summary":"Crash on start"}}'
[ "$RESP_STATUS" = 201 ] || bail "cannot create TEST-1"
as bob "$API/issue/TEST-1/transitions"
START=$(jget '[t["id"] for t in j["transitions"] if t["name"] == "Start Progress"][0]')

# --- the web pages, with sessions and CSRF -------------------------------------------------------

page bob /projects
expect_status 200 "GET /projects"
expect_body_contains '/browse/TEST' "…lists TEST for bob"
page dave /projects
expect_body_contains 'not in any project' "…and nothing for dave"
submit alice /projects /projects key=web name="Web project" description="From the form"
expect_status 303 "creating a project with the form (key in any case) redirects"
check "…to the project page" test "$(resp_header Location)" = /browse/WEB
submit alice /projects /projects key=WEB name="Again"
expect_status 400 "a taken key re-renders the form with 400"
expect_body_contains 'already exists' "…saying why"
submit bob /projects /projects key=BOBS name="Bob's"
expect_status 404 "bob may not create projects (the form is not there for him)"
req -b "$TEST_TMP/alice.jar" -d key=NOCSRF -d name=x "$T/projects"
expect_status 403 "a form without its CSRF token is 403"

page bob "/browse/TEST"
expect_status 200 "the project page"
expect_body_contains 'TEST-1' "…lists the issues"
page bob "/browse/TEST?status=10000&type=10003&assignee=unassigned"
expect_status 200 "…with filters"
expect_body_contains 'selected>To Do' "…the chosen status stays selected"
page dave "/browse/TEST"
expect_status 404 "dave gets 404 for the project page"

submit bob /browse/TEST/create /browse/TEST/create type=10001 summary="Made in the browser" \
	description="Some **bold** text" priority=2 assignee=0 labels="ui web"
expect_status 303 "the create form makes an issue"
NEW_KEY=$(resp_header Location | sed 's|^/browse/||')
check "…and leads to it" test -n "$NEW_KEY"
submit bob /browse/TEST/create /browse/TEST/create summary=""
expect_status 400 "an empty summary re-renders the form"
expect_body_contains 'You must specify a summary of the issue.' "…with Jira's message"
page dave /browse/TEST/create
expect_status 404 "dave may not see the create form"

page bob "/browse/$NEW_KEY"
expect_status 200 "the issue view"
expect_html "…is HTML"
expect_body_contains '<strong>bold</strong>' "…the description rendered from Markdown"
expect_body_contains 'Start Progress' "…a button per available transition"
expect_body_contains 'data-panel="development"' "…and the place of the development panel"
page carol "/browse/$NEW_KEY"
check "carol sees no transition buttons" sh -c "! grep -q '/transition\"' '$RESP_BODY'"
submit carol "/browse/$NEW_KEY" "/browse/$NEW_KEY/transition" transition=1
expect_status 403 "…and may not post one"
page dave "/browse/$NEW_KEY"
expect_status 404 "dave gets 404 for the issue view"

page bob "/browse/$NEW_KEY"
START_ID=$(grep -o 'name="transition" value="[0-9]*"' "$RESP_BODY" | head -n 1 | grep -o '[0-9]*')
submit bob "/browse/$NEW_KEY" "/browse/$NEW_KEY/transition" "transition=$START_ID"
expect_status 303 "a transition button moves the issue"
page bob "/browse/$NEW_KEY"
expect_body_contains 'status-indeterminate">In Progress' "…now In Progress"
submit bob "/browse/$NEW_KEY" "/browse/$NEW_KEY/transition" "transition=$START_ID"
expect_status 400 "a transition no longer available shows the issue again with 400…"
expect_body_contains 'is not valid for this issue' "…and the reason"
page bob "/browse/$NEW_KEY"
BOB_UID=$(grep -o '<option value="[0-9]*"[^>]*>Bob</option>' "$RESP_BODY" | head -n 1 | grep -o 'value="[0-9]*"' | grep -o '[0-9]*')
submit bob "/browse/$NEW_KEY" "/browse/$NEW_KEY/assignee" "assignee=$BOB_UID"
expect_status 303 "the assignee form"
submit bob "/browse/$NEW_KEY" "/browse/$NEW_KEY/priority" priority=1
expect_status 303 "the priority form"
as bob "$API/issue/$NEW_KEY"
expect_json 'j["fields"]["assignee"]["name"] == "bob" and j["fields"]["priority"]["name"] == "Highest" and j["fields"]["labels"] == ["ui", "web"] and j["fields"]["issuetype"]["name"] == "Story"' \
	"assignee and priority set in place, the rest from the create form"
submit carol "/browse/$NEW_KEY" "/browse/$NEW_KEY/comments" body="Looks *fine* <script>alert(1)</script>"
expect_status 303 "carol comments from the page"
page bob "/browse/$NEW_KEY?tab=comments"
expect_body_contains '<em>fine</em>' "the comment is rendered"
check "…without the script" sh -c "! grep -q '<script>alert' '$RESP_BODY'"
check "bob sees no Delete button on carol's comment" sh -c "! grep -q '/comments/[0-9]*/delete' '$RESP_BODY'"
page carol "/browse/$NEW_KEY?tab=comments"
CID=$(grep -o "/browse/$NEW_KEY/comments/[0-9]*/delete" "$RESP_BODY" | head -n 1 | grep -o '/comments/[0-9]*' | grep -o '[0-9]*')
check "carol sees a Delete button on hers" test -n "$CID"
expect_body_contains "/browse/$NEW_KEY/comments/$CID/edit" "…and an Edit form"
submit bob "/browse/$NEW_KEY" "/browse/$NEW_KEY/comments/$CID/edit" body="Bob was here"
expect_status 403 "bob may not edit carol's comment"
submit carol "/browse/$NEW_KEY" "/browse/$NEW_KEY/comments/$CID/edit" body="Looks **great**"
expect_status 303 "carol edits her comment from the page"
page bob "/browse/$NEW_KEY?tab=comments"
expect_body_contains '<strong>great</strong>' "…the new text is rendered"
expect_body_contains '(edited)' "…it is marked edited"
submit carol "/browse/$NEW_KEY" "/browse/$NEW_KEY/comments/$CID/edit" body="   "
expect_status 400 "a blank edit shows the issue again with 400"
submit alice "/browse/$NEW_KEY" "/browse/$NEW_KEY/comments/$CID/edit" body="Tidied by an admin"
expect_status 303 "a project administrator edits anyone's comment"
as bob "$API/issue/$NEW_KEY/comment/$CID"
expect_json 'j["body"] == "Tidied by an admin" and j["updateAuthor"]["name"] == "alice"' "…the API shows the edit and who made it"
submit bob "/browse/$NEW_KEY" "/browse/$NEW_KEY/comments/$CID/delete"
expect_status 403 "bob may not delete carol's comment"
submit carol "/browse/$NEW_KEY" "/browse/$NEW_KEY/comments/$CID/delete"
expect_status 303 "carol deletes her comment"
as carol "$API/issue/$NEW_KEY/comment"
expect_json 'j["total"] == 0' "…it is gone"
submit bob "/browse/$NEW_KEY" "/browse/$NEW_KEY/worklog" spent="2h 15m" comment="pairing"
expect_status 303 "bob logs work from the page"
page bob "/browse/$NEW_KEY?tab=worklog"
expect_body_contains '2h 15m' "the Work log tab lists it"
page bob "/browse/$NEW_KEY?tab=history"
expect_body_contains '<td>priority</td>' "the History tab lists the changes"

not_in_body() {
	! grep -qF -- "$1" "$RESP_BODY"
}

# --- watchers and votes on the page ----------------------------------------------------------------

page alice "/browse/$NEW_KEY"
expect_body_contains '>Watch</button>' "the People card offers alice to watch"
submit alice "/browse/$NEW_KEY" "/browse/$NEW_KEY/watch" on=1
expect_status 303 "alice watches from the page"
as alice "$API/issue/$NEW_KEY/watchers"
expect_json 'j["isWatching"] is True' "…the API agrees"
page alice "/browse/$NEW_KEY"
expect_body_contains '>Stop watching</button>' "…and the button turns into Stop watching"
submit alice "/browse/$NEW_KEY" "/browse/$NEW_KEY/watch"
as alice "$API/issue/$NEW_KEY/watchers"
expect_json 'j["isWatching"] is False' "Stop watching from the page"
page bob "/browse/$NEW_KEY"
check "the reporter gets no Vote button" not_in_body '>Vote</button>'
submit bob "/browse/$NEW_KEY" "/browse/$NEW_KEY/vote" on=1
expect_status 400 "a reporter's vote is refused"
expect_body_contains 'You cannot vote for an issue you have reported.' "…with the reason on the page"
submit alice "/browse/$NEW_KEY" "/browse/$NEW_KEY/vote" on=1
expect_status 303 "alice votes from the page"
as alice "$API/issue/$NEW_KEY/votes"
expect_json 'j["votes"] == 1 and j["hasVoted"] is True' "…one vote, hers"
submit alice "/browse/$NEW_KEY" "/browse/$NEW_KEY/vote"
as alice "$API/issue/$NEW_KEY/votes"
expect_json 'j["votes"] == 0' "Remove vote from the page"
page bob "/browse/$NEW_KEY/edit"
expect_status 200 "the edit form"
expect_body_contains 'value="Made in the browser"' "…filled in"
submit bob "/browse/$NEW_KEY/edit" "/browse/$NEW_KEY/edit" type=10001 summary="Edited in the browser" \
	description="new text" priority=3 assignee=0 labels="web"
expect_status 303 "saving the edit form"
as bob "$API/issue/$NEW_KEY"
expect_json 'j["fields"]["summary"] == "Edited in the browser" and j["fields"]["labels"] == ["web"] and j["fields"]["assignee"] is None' "…the edits are there"
page carol "/browse/$NEW_KEY/edit"
expect_status 403 "Users may not open the edit form"

# the tabs page their entries, 50 at a time
for i in $(seq 1 51); do
	json carol POST "$API/issue/TEST-1/comment" "{\"body\":\"note number $i.\"}"
done
page bob "/browse/TEST-1?tab=comments"
expect_body_contains '1–50 of 51' "the Comments tab shows the first 50 of 51"
check "…not the 51st" sh -c "! grep -q 'note number 51\.' '$RESP_BODY'"
expect_body_contains 'rel="next"' "…and links to the rest"
page bob "/browse/TEST-1?tab=comments&startAt=50"
expect_body_contains 'note number 51.' "the next page shows the 51st"
expect_body_contains 'rel="prev"' "…and links back"

# moving: a new key, the old one redirects in the browser and answers in the API
json alice POST "$API/project/WEB/role/10001" '{"user":["bob"]}'
submit bob "/browse/$NEW_KEY/edit" "/browse/$NEW_KEY/move" project=OTHER
expect_status 400 "moving into a project bob cannot create in is refused"
submit bob "/browse/$NEW_KEY/edit" "/browse/$NEW_KEY/move" project=WEB
expect_status 303 "moving to WEB"
check "…leads to WEB-1" test "$(resp_header Location)" = /browse/WEB-1
page bob "/browse/$NEW_KEY"
expect_status 301 "the old key redirects"
check "…to the new one" test "$(resp_header Location)" = /browse/WEB-1
as bob "$API/issue/$NEW_KEY"
expect_json 'j["key"] == "WEB-1" and j["fields"]["project"]["key"] == "WEB"' "the API answers for the old key with the issue"
as bob "$API/issue/WEB-1"
expect_json 'j["key"] == "WEB-1" and j["fields"]["summary"] == "Edited in the browser"' "…and for the new key"
page bob "/browse/WEB-1"
expect_status 200 "the new key's page"

# settings: roles and the workflow
page bob /browse/TEST/settings
expect_status 403 "a developer may not open the settings"
page alice /browse/TEST/settings
expect_status 200 "the settings page"
expect_body_contains 'Start Progress' "…lists the workflow"
submit alice /browse/TEST/settings /browse/TEST/settings/roles user=dave role=users
expect_status 303 "adding dave to Users"
page dave /browse/TEST
expect_status 200 "…dave now sees the project"
submit alice /browse/TEST/settings /browse/TEST/settings/roles/remove user=dave role=users
expect_status 303 "removing dave"
page dave /browse/TEST
expect_status 404 "…dave no longer sees it"
submit alice /browse/TEST/settings /browse/TEST/settings/roles/remove user=alice role=administrators
expect_status 400 "the last administrator stays"
submit alice /browse/TEST/settings /browse/TEST/settings/statuses name="In Review" category=indeterminate
expect_status 303 "adding a status"
page alice /browse/TEST/settings
REVIEW_ID=$(grep -o '<option value="[0-9]*">In Review</option>' "$RESP_BODY" | head -n 1 | grep -o '[0-9]*')
submit alice /browse/TEST/settings /browse/TEST/settings/transitions name="Send to review" from=3 \
	"to=$REVIEW_ID" resolution=keep
expect_status 303 "adding a transition"
submit alice /browse/TEST/settings /browse/TEST/settings/transitions name="Nowhere" from=3 to=3 resolution=keep
expect_status 400 "a transition to the same status is refused"
json bob POST "$API/issue" '{"fields":{"project":{"key":"TEST"},"summary":"Review me"}}'
RKEY=$(jget 'j["key"]')
json bob POST "$API/issue/$RKEY/transitions" "{\"transition\":{\"id\":\"$START\"}}"
as bob "$API/issue/$RKEY/transitions"
expect_json '"Send to review" in [t["name"] for t in j["transitions"]]' "the new transition is available from In Progress"

# --- the npm jira.js clients ---------------------------------------------------------------------

run_conformance jira.mjs TRACK_URL="$T" JIRA_EMAIL=alice@example.com \
	JIRA_TOKEN="${TOKEN[alice]}" JIRA_PROJECT=JSC

done_testing

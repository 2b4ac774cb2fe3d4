# Pull requests end to end with the real git over smart HTTP: the post-receive hint for a new
# branch; create through the API and the form (refusals: same branch, nothing ahead, a second open
# one); the list, overview, commits and diff pages; pushes of new commits (activity, approvals
# kept); inline comments that turn outdated when their line changes; replies, edits and deletes;
# approvals and requests for changes (not on one's own); merges with each strategy (history
# checked with git log in fresh clones) and the source branch closed; a conflicting pair refused
# naming the file; decline with a reason; deleting a source branch declines; the dashboard.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/repos_lib.sh"
. "$(dirname "$0")/pulls_lib.sh"

pulls_setup pulls
EVENTS='["pullrequest:created", "pullrequest:updated", "pullrequest:approved", "pullrequest:unapproved", "pullrequest:fulfilled", "pullrequest:rejected", "pullrequest:comment_created", "pullrequest:comment_updated", "pullrequest:comment_deleted", "pullrequest:changes_request_created", "pullrequest:changes_request_removed"]'
as alice -H 'Content-Type: application/json' -d "{\"url\": \"http://127.0.0.1:$(cat "$TEST_TMP/receiver.port")/hook\", \"description\": \"pull requests\", \"active\": true, \"events\": $EVENTS}" \
	"$HUB_URL/2.0/repositories/alice/demo/hooks"
[ "$RESP_STATUS" = 201 ] || bail "cannot create the webhook (status $RESP_STATUS): $(cat "$RESP_BODY")"
HOSTPORT=${HUB_URL#http://}
API=$HUB_URL/2.0/repositories/alice/demo

git_home
REMOTE="http://alice:$(password_of alice)@$HOSTPORT/alice/demo.git"
WORK=$TEST_TMP/work

# in_work CMD...: runs a command in the working copy, quietly.
in_work() {
	(cd "$WORK" && "$@") >"$TEST_TMP/git.out" 2>&1
}

# commit_file FILE TEXT MESSAGE: writes TEXT to FILE and commits it.
commit_file() {
	printf '%s\n' "$2" >"$WORK/$1" && in_work git add "$1" && in_work git commit -q -m "$3"
}

# json_get EXPR: prints the Python expression over j, the last body.
json_get() {
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
		"$RESP_BODY" "$1"
}

# post_json USER METHOD URL [BODY]
post_json() {
	local user=$1 method=$2 url=$3
	if [ $# -ge 4 ]; then
		as "$user" -X "$method" -H 'Content-Type: application/json' --data "$4" "$url"
	else
		as "$user" -X "$method" "$url"
	fi
}

# --- content -----------------------------------------------------------------------------------

git init -q "$WORK" || bail "git init"
seq 1 20 >"$WORK/lines.txt"
commit_file README.md "# Demo" "First commit" && in_work git add lines.txt &&
	in_work git commit -q -m "Lines" && in_work git push -q "$REMOTE" main ||
	bail "cannot push main: $(cat "$TEST_TMP/git.out")"
pass "pushed main over HTTP"

in_work git checkout -q -b feature/x && commit_file feature.txt "feature one" "Add the feature" ||
	bail "cannot commit on feature/x"
(cd "$WORK" && git push "$REMOTE" feature/x) >"$TEST_TMP/push.out" 2>&1 ||
	bail "cannot push feature/x: $(cat "$TEST_TMP/push.out")"
check "a new branch's push prints where to create a pull request" \
	grep -qF "remote: Create pull request for feature/x:" "$TEST_TMP/push.out"
check "the hint's URL is the form with the branch as source" \
	grep -qF "$HUB_URL/alice/demo/pull-requests/new?source=feature%2Fx" "$TEST_TMP/push.out"

# --- create: refusals, then the API ------------------------------------------------------------

post_json alice POST "$API/pullrequests" '{"title": "Same", "source": {"branch": {"name": "main"}}}'
expect_status 400 "a pull request from main to main: 400"
expect_body_contains "same branch" "it says the branches are the same"
in_work git branch behind main && in_work git push -q "$REMOTE" behind
post_json alice POST "$API/pullrequests" '{"title": "Nothing", "source": {"branch": {"name": "behind"}}}'
expect_status 400 "a pull request with no commits ahead: 400"
expect_body_contains "no changes" "it says there is nothing to merge"
post_json alice POST "$API/pullrequests" '{"title": "Ghost", "source": {"branch": {"name": "nope"}}}'
expect_status 400 "a pull request from a branch that does not exist: 400"
post_json anon POST "$API/pullrequests" '{"title": "Anon", "source": {"branch": {"name": "feature/x"}}}' 2>/dev/null
req -X POST -H 'Content-Type: application/json' \
	--data '{"title": "Anon", "source": {"branch": {"name": "feature/x"}}}' "$API/pullrequests"
expect_status 401 "anonymous callers cannot create one"

post_json alice POST "$API/pullrequests" \
	'{"title": "Add the <b>feature</b>", "description": "It **works**.\n\n<script>alert(1)</script>", "source": {"branch": {"name": "feature/x"}}, "reviewers": [{"username": "bob"}], "close_source_branch": true}'
expect_status 201 "POST /pullrequests: 201"
expect_json 'j["id"] == 1 and j["state"] == "OPEN" and j["destination"]["branch"]["name"] == "main" and j["source"]["branch"]["name"] == "feature/x"' \
	"number 1, open, from feature/x into the main branch"
expect_json '[r["nickname"] for r in j["reviewers"]] == ["bob"] and j["author"]["nickname"] == "alice" and j["close_source_branch"] is True' \
	"bob reviews; alice is the author; the source branch closes on merge"
expect_json '"<script>" not in j["summary"]["html"] and "<strong>works</strong>" in j["summary"]["html"]' \
	"the description renders as safe Markdown"
check "the answer has a Location" test -n "$(resp_header Location)"

post_json alice POST "$API/pullrequests" '{"title": "Again", "source": {"branch": {"name": "feature/x"}}}'
expect_status 409 "a second open pull request for the same pair: 409"
expect_body_contains "already an open pull request" "it says one is open already"

as bob "$API/pullrequests/1"
expect_status 200 "GET /pullrequests/1 (bob reads a public repository)"
as bob "$API/pullrequests/99"
expect_status 404 "an unknown number: 404"
as bob "$API/pullrequests?state=OPEN&q=source.branch.name+%3D+%22feature%2Fx%22"
expect_json 'j["size"] == 1 and j["values"][0]["id"] == 1' "the list filters with q"
as bob "$API/pullrequests?state=MERGED"
expect_json 'j["size"] == 0' "no merged ones yet"

post_json alice PUT "$API/pullrequests/1" '{"title": "Add the feature"}'
expect_status 200 "PUT /pullrequests/1 changes the title"
expect_json 'j["title"] == "Add the feature" and j["reviewers"][0]["nickname"] == "bob"' \
	"the title changed and the reviewers stayed"
post_json carol PUT "$API/pullrequests/1" '{"title": "Mine now"}'
expect_status 403 "someone else who may not write cannot edit it"

# --- pages -------------------------------------------------------------------------------------

as bob "$HUB_URL/alice/demo/pull-requests"
expect_status 200 "the list page"
expect_body_contains "Add the feature" "it lists the pull request"
as bob "$HUB_URL/alice/demo/pull-requests/1"
expect_status 200 "the pull request page"
expect_body_contains "feature/x" "it shows the branches"
check "it shows the state badge" grep -q 'pull-state[^>]*>OPEN<' "$RESP_BODY"
lacks "<script>alert(1)" && pass "the description's script is not on the page" ||
	fail "the description's script is on the page"
as bob "$HUB_URL/alice/demo/pull-requests/1/diff"
expect_status 200 "the diff page"
expect_body_contains "feature.txt" "it shows the changed file"
lacks "README.md" && pass "only what the branch changed (against the merge base)" ||
	fail "the diff shows files the branch did not change"
as bob "$HUB_URL/alice/demo/pull-requests/1/commits"
expect_body_contains "Add the feature" "the commits tab lists the branch's commit"

as bob "$API/pullrequests/1/diffstat"
expect_json 'j["size"] == 1 and j["values"][0]["new"]["path"] == "feature.txt"' "GET …/diffstat"
as bob "$API/pullrequests/1/diff"
expect_body_contains "+feature one" "GET …/diff is the raw diff"
as bob "$API/pullrequests/1/commits"
expect_json 'len(j["values"]) == 1 and j["values"][0]["message"].startswith("Add the feature")' \
	"GET …/commits: the one commit ahead"
as bob "$API/pullrequests/1/patch"
expect_status 200 "GET …/patch"

# --- review ------------------------------------------------------------------------------------

post_json alice POST "$API/pullrequests/1/approve"
expect_status 400 "the author cannot approve their own pull request"
post_json bob POST "$API/pullrequests/1/approve"
expect_status 200 "bob approves"
expect_json 'j["type"] == "participant" and j["approved"] is True and j["user"]["nickname"] == "bob"' \
	"the participant object says approved"
post_json carol POST "$API/pullrequests/1/request-changes"
expect_status 200 "carol requests changes"
post_json carol DELETE "$API/pullrequests/1/request-changes"
expect_status 204 "and takes it back"
post_json carol POST "$API/pullrequests/1/approve"
post_json carol DELETE "$API/pullrequests/1/approve"
expect_status 204 "carol approves and takes it back"

# --- comments ----------------------------------------------------------------------------------

post_json bob POST "$API/pullrequests/1/comments" '{"content": {"raw": "Looks *good* <img src=x onerror=alert(1)>"}}'
expect_status 201 "a general comment: 201"
GENERAL=$(json_get 'j["id"]')
expect_json '"onerror" not in j["content"]["html"] and "<em>good</em>" in j["content"]["html"]' \
	"its Markdown renders safely"
post_json bob POST "$API/pullrequests/1/comments" \
	'{"content": {"raw": "Why one?"}, "inline": {"path": "feature.txt", "to": 1}}'
expect_status 201 "an inline comment on feature.txt line 1"
INLINE=$(json_get 'j["id"]')
expect_json 'j["inline"] == {"path": "feature.txt", "from": None, "to": 1}' "it keeps its place"
post_json alice POST "$API/pullrequests/1/comments" \
	"{\"content\": {\"raw\": \"Because.\"}, \"parent\": {\"id\": $INLINE}}"
expect_status 201 "alice replies"
expect_json "j[\"parent\"][\"id\"] == $INLINE and j[\"inline\"][\"path\"] == \"feature.txt\"" \
	"the reply sits on the same line"
post_json alice PUT "$API/pullrequests/1/comments/$GENERAL" '{"content": {"raw": "Edited by alice"}}'
expect_status 200 "the repository's administrator may edit any comment"
post_json bob POST "$API/pullrequests/1/comments" '{"content": {"raw": "Scratch that"}}'
SCRATCH=$(json_get 'j["id"]')
post_json bob DELETE "$API/pullrequests/1/comments/$SCRATCH"
expect_status 204 "its author deletes a comment"
post_json carol DELETE "$API/pullrequests/1/comments/$GENERAL"
expect_status 403 "someone else may not delete it"
post_json bob PUT "$API/pullrequests/1/comments/$GENERAL" '{"content": {"raw": "Looks good"}}'
expect_status 200 "its author edits it"
as bob "$API/pullrequests/1/comments"
expect_json 'j["size"] == 4 and sum(1 for c in j["values"] if c["deleted"]) == 1' \
	"four comments listed, one of them deleted"

as bob "$HUB_URL/alice/demo/pull-requests/1/diff"
check "the inline comment shows under its line" \
	python3 -c 'import sys,re; s=open(sys.argv[1]).read(); sys.exit(0 if re.search(r"diff-comment.*?Why one\?", s, re.S) and "Outdated comments" not in s else 1)' "$RESP_BODY"

# --- a push of new commits ---------------------------------------------------------------------

commit_file feature.txt "feature one, changed" "Change the feature" &&
	in_work git push -q "$REMOTE" feature/x || bail "cannot push to feature/x: $(cat "$TEST_TMP/git.out")"
NEW_TIP=$(cd "$WORK" && git rev-parse HEAD)
as bob "$API/pullrequests/1"
expect_json "j[\"source\"][\"commit\"][\"hash\"] == \"$NEW_TIP\"" "the push moved the pull request's source"
expect_json '[p for p in j["participants"] if p["user"]["nickname"] == "bob"][0]["approved"] is True' \
	"bob's approval stays"
as bob "$API/pullrequests/1/activity"
expect_json "any('update' in v and v['update'].get('changes', {}).get('source', {}).get('new') == '$NEW_TIP' for v in j['values'])" \
	"the activity has the push"
expect_json 'any("approval" in v for v in j["values"]) and any("comment" in v for v in j["values"])' \
	"and the approval and the comments"
as bob "$HUB_URL/alice/demo/pull-requests/1/diff"
check "the inline comment is outdated now: its line changed" \
	python3 -c 'import sys; s=open(sys.argv[1]).read(); i=s.find("Outdated comments"); sys.exit(0 if i >= 0 and s.find("Why one?", i) > i else 1)' "$RESP_BODY"

# --- merge (merge commit), the source branch closed --------------------------------------------

as carol -X POST "$API/pullrequests/1/merge"
expect_status 403 "carol, who may only read, cannot merge"
post_json alice POST "$API/pullrequests/1/merge" '{"type": "pullrequest_merge_parameters", "merge_strategy": "merge_commit", "message": "Merge the feature"}'
expect_status 200 "alice merges with a merge commit"
expect_json 'j["state"] == "MERGED" and len(j["merge_commit"]["hash"]) == 40 and j["closed_by"]["nickname"] == "alice"' \
	"merged, with the merge commit and who closed it"
MERGE1=$(json_get 'j["merge_commit"]["hash"]')
git clone -q "$REMOTE" "$TEST_TMP/clone1" 2>"$TEST_TMP/clone.err" || bail "clone: $(cat "$TEST_TMP/clone.err")"
check "main is at the merge commit" test "$(git -C "$TEST_TMP/clone1" rev-parse main)" = "$MERGE1"
check "the merge commit has two parents, the second the source tip" \
	test "$(git -C "$TEST_TMP/clone1" rev-parse 'main^2')" = "$NEW_TIP"
check "with the message asked for" \
	test "$(git -C "$TEST_TMP/clone1" log -1 --format=%s main)" = "Merge the feature"
check "the source branch is closed" \
	test -z "$(git -C "$TEST_TMP/clone1" ls-remote --heads origin feature/x)"
post_json alice POST "$API/pullrequests/1/merge"
expect_status 400 "merging it again: 400"
as bob "$API/pullrequests?state=MERGED"
expect_json 'j["size"] == 1' "the merged list has it"

# --- squash and fast-forward -------------------------------------------------------------------

in_work git checkout -q main && in_work git pull -q "$REMOTE" main &&
	in_work git checkout -q -b squash-me && commit_file s1.txt one "Squash one" &&
	commit_file s2.txt two "Squash two" && in_work git push -q "$REMOTE" squash-me ||
	bail "cannot push squash-me"
post_json alice POST "$API/pullrequests" '{"title": "Squash me", "source": {"branch": {"name": "squash-me"}}}'
SQUASH=$(json_get 'j["id"]')
post_json alice POST "$API/pullrequests/$SQUASH/merge" '{"merge_strategy": "squash"}'
expect_status 200 "a squash merge"
SQUASHED=$(json_get 'j["merge_commit"]["hash"]')
git clone -q "$REMOTE" "$TEST_TMP/clone2" 2>/dev/null
check "the squash is one commit with one parent, the old main" \
	test "$(git -C "$TEST_TMP/clone2" rev-list --parents -n 1 main)" = "$SQUASHED $MERGE1"
check "with both files" test -f "$TEST_TMP/clone2/s1.txt" -a -f "$TEST_TMP/clone2/s2.txt"
check "the source branch stays (not asked to close)" \
	test -n "$(git -C "$TEST_TMP/clone2" ls-remote --heads origin squash-me)"

in_work git checkout -q -b ff-me "$SQUASHED" 2>/dev/null || in_work git fetch -q "$REMOTE" main
in_work git checkout -q -B ff-me FETCH_HEAD 2>/dev/null || (cd "$WORK" && git fetch -q "$REMOTE" main && git checkout -q -B ff-me FETCH_HEAD)
commit_file ff.txt ff "Fast forward me" && in_work git push -q "$REMOTE" ff-me || bail "cannot push ff-me"
FF_TIP=$(cd "$WORK" && git rev-parse HEAD)
post_json alice POST "$API/pullrequests" '{"title": "FF", "source": {"branch": {"name": "ff-me"}}}'
FF=$(json_get 'j["id"]')
post_json alice POST "$API/pullrequests/$FF/merge" '{"merge_strategy": "fast_forward", "close_source_branch": true}'
expect_status 200 "a fast-forward merge"
git clone -q "$REMOTE" "$TEST_TMP/clone3" 2>/dev/null
check "main is the source tip itself" test "$(git -C "$TEST_TMP/clone3" rev-parse main)" = "$FF_TIP"

# --- a conflicting pair ------------------------------------------------------------------------

(cd "$WORK" && git fetch -q "$REMOTE" main && git checkout -q -B left FETCH_HEAD) &&
	commit_file lines.txt "left" "Left" && in_work git push -q "$REMOTE" left &&
	in_work git checkout -q -B right left~1 && commit_file lines.txt "right" "Right" &&
	in_work git push -q "$REMOTE" right || bail "cannot push the conflicting pair"
post_json alice POST "$API/pullrequests" '{"title": "Right into left", "source": {"branch": {"name": "right"}}, "destination": {"branch": {"name": "left"}}}'
expect_status 201 "a pull request that conflicts can be opened"
CONFLICT=$(json_get 'j["id"]')
as alice "$HUB_URL/alice/demo/pull-requests/$CONFLICT"
expect_body_contains "lines.txt" "its page names the file in conflict"
lacks 'action="/alice/demo/pull-requests/'"$CONFLICT"'/merge"' && pass "and offers no merge button" ||
	fail "the page offers a merge despite the conflict"
post_json alice POST "$API/pullrequests/$CONFLICT/merge"
expect_status 409 "merging it is refused: 409"
expect_body_contains "lines.txt" "naming the file"
git ls-remote "$REMOTE" refs/heads/left >"$TEST_TMP/left.txt"
check "left did not move" grep -q "$(cd "$WORK" && git rev-parse left)" "$TEST_TMP/left.txt"

# --- decline, and a deleted source branch ------------------------------------------------------

post_json carol POST "$API/pullrequests/$CONFLICT/decline"
expect_status 403 "carol cannot decline alice's pull request"
post_json alice POST "$API/pullrequests/$CONFLICT/decline" '{"reason": "Conflicts everywhere"}'
expect_status 200 "alice declines it"
expect_json 'j["state"] == "DECLINED" and j["reason"] == "Conflicts everywhere"' "declined, with the reason"
post_json alice POST "$API/pullrequests" '{"title": "Left into main", "source": {"branch": {"name": "left"}}}'
LEFT=$(json_get 'j["id"]')
in_work git push -q "$REMOTE" --delete left
as alice "$API/pullrequests/$LEFT"
expect_json 'j["state"] == "DECLINED" and "deleted" in j["reason"]' "deleting its source branch declined it"

# --- the form and the dashboard ----------------------------------------------------------------

jar=$TEST_TMP/alice.jar
req -b "$jar" -c "$jar" "$HUB_URL/login"
token=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$RESP_BODY" | head -n 1 | sed 's/.*value="//; s/"$//')
req -b "$jar" -c "$jar" --data-urlencode "csrf=$token" --data-urlencode "login=alice" \
	--data-urlencode "password=$(password_of alice)" "$HUB_URL/login"
(cd "$WORK" && git fetch -q "$REMOTE" main && git checkout -q -B page-branch FETCH_HEAD) &&
	commit_file more.txt more "More from the page" && in_work git push -q "$REMOTE" page-branch
req -b "$jar" "$HUB_URL/alice/demo/pull-requests/new?source=page-branch"
expect_status 200 "the create form"
check "it preselects the source branch" grep -q 'value="page-branch" selected' "$RESP_BODY"
token=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$RESP_BODY" | head -n 1 | sed 's/.*value="//; s/"$//')
req -b "$jar" --data-urlencode "csrf=$token" --data-urlencode "source=page-branch" \
	--data-urlencode "destination=main" --data-urlencode "title=" --data-urlencode "reviewers=bob" \
	"$HUB_URL/alice/demo/pull-requests/new"
expect_status 303 "the form creates a pull request"
LOCATION=$(resp_header Location)
req -b "$jar" "$HUB_URL$LOCATION"
expect_body_contains "More from the page" "its title is the single commit's summary"
req -b "$jar" --data-urlencode "csrf=$token" --data-urlencode "source=main" \
	--data-urlencode "destination=main" "$HUB_URL/alice/demo/pull-requests/new"
expect_status 400 "the form refuses the same branch"
expect_body_contains "same branch" "saying why"
req -b "$jar" --data-urlencode "csrf=$token" --data-urlencode "text=From the **page**" \
	"$HUB_URL$LOCATION/comments"
expect_status 303 "a comment through the page"
req -b "$jar" "$HUB_URL$LOCATION"
expect_body_contains "<strong>page</strong>" "it shows on the overview"
req -b "$jar" "$HUB_URL/dashboard"
expect_body_contains "More from the page" "the dashboard lists alice's open pull request"

as bob -o /dev/null "$HUB_URL/login"
jar=$TEST_TMP/bob.jar
req -b "$jar" -c "$jar" "$HUB_URL/login"
token=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$RESP_BODY" | head -n 1 | sed 's/.*value="//; s/"$//')
req -b "$jar" -c "$jar" --data-urlencode "csrf=$token" --data-urlencode "login=bob" \
	--data-urlencode "password=$(password_of bob)" "$HUB_URL/login"
req -b "$jar" "$HUB_URL/dashboard"
expect_body_contains "More from the page" "bob's dashboard has it to review"

# --- the branching model and "create branch" from an issue -----------------------------------

as bob "$API/branching-model"
expect_json 'j["type"] == "branching_model" and j["development"]["name"] == "main" and [t["kind"] for t in j["branch_types"]] == ["feature", "bugfix", "hotfix", "release"]' \
	"GET …/branching-model: the defaults"
as bob "$API/branching-model/settings"
expect_status 403 "bob may not read the settings"
post_json alice PUT "$API/branching-model/settings" '{"development": {"name": "develop", "use_mainbranch": false}, "branch_types": [{"kind": "bugfix", "prefix": "fix/"}, {"kind": "hotfix", "enabled": false}]}'
expect_status 200 "PUT …/branching-model/settings"
expect_json 'j["development"]["name"] == "develop" and {t["kind"]: (t["prefix"], t["enabled"]) for t in j["branch_types"]}["bugfix"] == ("fix/", True)' \
	"the development branch and the bugfix prefix changed"
post_json alice PUT "$API/branching-model/settings" '{"branch_types": [{"kind": "feature", "prefix": "bad..prefix/"}]}'
expect_status 400 "a prefix git refuses: 400"
as bob "$API/branching-model"
expect_json '"hotfix" not in [t["kind"] for t in j["branch_types"]]' "a type switched off leaves the model"
post_json alice PUT "$API/branching-model/settings" '{"development": {"use_mainbranch": true}}'

jar=$TEST_TMP/alice.jar
req -b "$jar" "$HUB_URL/branch/create?issueKey=PROJ-12&issueType=Bug&issueSummary=Crash%20when%20the%20name%20has%20~%5E%3A%20and%20*%20%E2%80%94%20Caf%C3%A9"
expect_status 200 "the create-branch page"
check "it prefills the name from the issue" grep -q 'value="fix/PROJ-12-crash-when-the-name-has-and-café"' "$RESP_BODY"
check "it suggests the bugfix type for a bug" grep -q 'value="fix/" selected' "$RESP_BODY"
check "it offers alice's repository" grep -q 'value="alice/demo"' "$RESP_BODY"
check "branch from: the development branch (the main branch)" grep -q 'id="from" name="from" type="text" maxlength="255" value="main"' "$RESP_BODY"
token=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$RESP_BODY" | head -n 1 | sed 's/.*value="//; s/"$//')
req -b "$jar" --data-urlencode "csrf=$token" --data-urlencode "repository=alice/demo" \
	--data-urlencode "type=feature/" --data-urlencode "name=fix/PROJ-12-crash" \
	--data-urlencode "from=main" "$HUB_URL/branch/create?issueKey=PROJ-12"
expect_status 201 "Create makes the branch"
expect_body_contains "git fetch &amp;&amp; git checkout feature/PROJ-12-crash" "and shows how to check it out"
git ls-remote "$REMOTE" refs/heads/feature/PROJ-12-crash >"$TEST_TMP/created.txt"
check "the branch is in the repository" test -s "$TEST_TMP/created.txt"
req -b "$jar" --data-urlencode "csrf=$token" --data-urlencode "repository=alice/demo" \
	--data-urlencode "type=feature/" --data-urlencode "name=PROJ-12-crash" \
	--data-urlencode "from=main" "$HUB_URL/branch/create"
expect_status 409 "the same name again: 409"
as alice "$HUB_URL/alice/demo/branches"
expect_body_contains "/branch/create?repository=alice/demo" "the branches page has a Create branch button"

# --- the npm bitbucket client ------------------------------------------------------------------

for b in conf-merge conf-decline; do
	(cd "$WORK" && git fetch -q "$REMOTE" main && git checkout -q -B "$b" FETCH_HEAD) &&
		commit_file "$b.txt" "$b" "Conformance $b" && in_work git push -q "$REMOTE" "$b" ||
		bail "cannot push $b"
done
run_conformance bitbucket_pulls.mjs HUB_URL="$HUB_URL" HUB_USERNAME=alice \
	HUB_PASSWORD="$(password_of alice)" REVIEWER=bob REVIEWER_PASSWORD="$(password_of bob)" \
	HUB_WORKSPACE=alice HUB_REPO=demo

# --- webhooks ----------------------------------------------------------------------------------

# received KEY: the receiver got an event KEY whose pullrequest is an A.10 object.
received() {
	python3 - "$TEST_TMP/receiver.log" "$1" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["headers"].get("X-Event-Key") == sys.argv[2]:
        b = json.loads(e["body"])
        pr = b.get("pullrequest", {})
        if pr.get("type") == "pullrequest" and "repository" in b and "actor" in b:
            sys.exit(0)
sys.exit(1)
PY
}
for _ in $(seq 1 100); do
	received pullrequest:comment_created && received pullrequest:rejected && break
	sleep 0.2
done
for key in created updated approved unapproved fulfilled rejected comment_created \
	comment_updated comment_deleted changes_request_created changes_request_removed; do
	check "the webhook received pullrequest:$key" received "pullrequest:$key"
done

done_testing

# Pull requests' page forms and lists, with real git over smart HTTP: the title and description
# edit form on the pull request page (author and writers only, CSRF, refusals change nothing, an
# "update" activity and pullrequest:updated as the API's PUT); the dashboard (its pull requests and
# its repositories) and /2.0/pullrequests/{user} drop what the viewer lost access to (a grant
# removed, a group left); and
# /branch/create keeps an issue's fields URL-encoded in its form's action, so that a summary with
# spaces, quotes, slashes, & and # survives a refusal and prefills bugfix/KEY-summary-words, and
# one with ? + % survives signing in on the way (the link followed while signed out of hub).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/repos_lib.sh"
. "$(dirname "$0")/pulls_lib.sh"

pulls_setup pulls_forms
create_repo secret true
as alice -H 'Content-Type: application/json' -d "{\"url\": \"http://127.0.0.1:$(cat "$TEST_TMP/receiver.port")/hook\", \"description\": \"pull requests\", \"active\": true, \"events\": [\"pullrequest:updated\"]}" \
	"$HUB_URL/2.0/repositories/alice/demo/hooks"
[ "$RESP_STATUS" = 201 ] || bail "cannot create the webhook (status $RESP_STATUS)"
HOSTPORT=${HUB_URL#http://}
API=$HUB_URL/2.0/repositories/alice/demo

git_home
WORK=$TEST_TMP/work

in_work() {
	(cd "$WORK" && "$@") >"$TEST_TMP/git.out" 2>&1
}

# remote USER REPO: the repository's URL with USER's credentials.
remote() {
	printf 'http://%s:%s@%s/alice/%s.git' "$1" "$(password_of "$1")" "$HOSTPORT" "$2"
}

# push_branch USER REPO BRANCH: a new commit on BRANCH from main, pushed by USER.
push_branch() {
	local file=${3//\//-}.txt
	(cd "$WORK" && git checkout -q -B "$3" main && printf '%s\n' "$3" >"$file" &&
		git add "$file" && git commit -q -m "Work on $3" && git push -q "$(remote "$1" "$2")" "$3") \
		>"$TEST_TMP/git.out" 2>&1 || bail "cannot push $3 to $2: $(cat "$TEST_TMP/git.out")"
}

json_get() {
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
		"$RESP_BODY" "$1"
}

# sign_in USER: a session in $TEST_TMP/USER.jar.
sign_in() {
	local jar=$TEST_TMP/$1.jar token
	req -b "$jar" -c "$jar" "$HUB_URL/login"
	token=$(csrf_token)
	req -b "$jar" -c "$jar" --data-urlencode "csrf=$token" --data-urlencode "login=$1" \
		--data-urlencode "password=$(password_of "$1")" "$HUB_URL/login"
	[ "$RESP_STATUS" = 303 ] || bail "$1 cannot sign in (status $RESP_STATUS)"
}

# csrf_token: the form token of the last page.
csrf_token() {
	grep -o 'name="csrf" value="[0-9a-f]*"' "$RESP_BODY" | head -n 1 | sed 's/.*value="//; s/"$//'
}

# edit USER ID TITLE DESCRIPTION: the edit form of pull request ID, posted with USER's session.
edit() {
	local jar=$TEST_TMP/$1.jar token
	req -b "$jar" "$HUB_URL/alice/demo/pull-requests/$2"
	token=$(csrf_token)
	req -b "$jar" --data-urlencode "csrf=$token" --data-urlencode "title=$3" \
		--data-urlencode "description=$4" "$HUB_URL/alice/demo/pull-requests/$2/edit"
}

# grant REPO USER PERMISSION: alice's access form on alice/REPO.
grant() {
	local token
	req -b "$TEST_TMP/alice.jar" "$HUB_URL/alice/$1/admin/access"
	token=$(csrf_token)
	req -b "$TEST_TMP/alice.jar" --data-urlencode "csrf=$token" --data-urlencode "kind=user" \
		--data-urlencode "name=$2" --data-urlencode "permission=$3" \
		"$HUB_URL/alice/$1/admin/access"
	[ "$RESP_STATUS" = 303 ] || bail "cannot give $2 $3 on $1 (status $RESP_STATUS)"
}

git init -q "$WORK" || bail "git init"
printf '# Demo\n' >"$WORK/README.md"
in_work git add README.md && in_work git commit -q -m "First commit" &&
	in_work git push -q "$(remote alice demo)" main && in_work git push -q "$(remote alice secret)" main ||
	bail "cannot push main: $(cat "$TEST_TMP/git.out")"
for u in alice bob carol; do sign_in "$u"; done

# --- editing the title and description on the page -------------------------------------------

push_branch alice demo feature/edit
as alice -X POST -H 'Content-Type: application/json' \
	-d '{"title": "First title", "description": "First text", "source": {"branch": {"name": "feature/edit"}}}' \
	"$API/pullrequests"
[ "$RESP_STATUS" = 201 ] || bail "cannot open the pull request: $(cat "$RESP_BODY")"
ID=$(json_get 'j["id"]')
PAGE=/alice/demo/pull-requests/$ID

req -b "$TEST_TMP/alice.jar" "$HUB_URL$PAGE"
expect_body_contains "action=\"$PAGE/edit\"" "the author sees the edit form"
expect_body_contains '>First text</textarea>' "prefilled with the description"
req -b "$TEST_TMP/carol.jar" "$HUB_URL$PAGE"
check "a reader who is not the author sees no edit form" lacks "$PAGE/edit"

edit alice "$ID" 'A "better" <title> & more' $'New **text**\n\n<script>x()</script>'
expect_status 303 "the author saves the form"
check "back to the pull request" test "$(resp_header Location)" = "$PAGE"
as alice "$API/pullrequests/$ID"
expect_json 'j["title"] == "A \"better\" <title> & more" and j["description"] == "New **text**\n\n<script>x()</script>"' \
	"the API reads the new title and description"
req -b "$TEST_TMP/alice.jar" "$HUB_URL$PAGE"
expect_body_contains 'A &quot;better&quot; &lt;title&gt; &amp; more' "the page shows the title escaped"
expect_body_contains '<strong>text</strong>' "and the description as Markdown"
check "with no script from the description" lacks '<script>x()'
as alice "$API/pullrequests/$ID/activity"
expect_json 'any("update" in v and v["update"]["title"] == "A \"better\" <title> & more" for v in j["values"])' \
	"the activity has the update"

edit alice "$ID" "" "Emptied"
expect_status 303 "an empty title goes back to the page"
check "with the message" grep -q "error=title" <<<"$(resp_header Location)"
req -b "$TEST_TMP/alice.jar" "$HUB_URL$(resp_header Location)"
expect_body_contains 'role="alert">title:' "the page shows why"
edit alice "$ID" "$(printf 'Bad\001title')" "Control"
expect_status 303 "a control character in the title is refused"
edit alice "$ID" "$(head -c 300 /dev/zero | tr '\0' t)" "Long"
expect_status 303 "a title of 300 characters is refused"
as alice "$API/pullrequests/$ID"
expect_json 'j["title"] == "A \"better\" <title> & more" and j["description"].startswith("New **text**")' \
	"the refusals changed nothing"

edit carol "$ID" "Carol's title" "Carol's text"
check "carol, who may only read, is refused" test "$RESP_STATUS" = 303 -o "$RESP_STATUS" = 403
as alice "$API/pullrequests/$ID"
expect_json 'j["title"] == "A \"better\" <title> & more"' "carol changed nothing"
req -b "$TEST_TMP/alice.jar" --data-urlencode "title=No token" "$HUB_URL$PAGE/edit"
expect_status 403 "without the CSRF token: 403"
as alice "$API/pullrequests/$ID"
expect_json 'j["title"] == "A \"better\" <title> & more"' "and nothing changed"

grant demo bob write
edit bob "$ID" "Bob's title" "Bob, a writer, edits"
expect_status 303 "bob, who may write, saves the form"
as alice "$API/pullrequests/$ID"
expect_json 'j["title"] == "Bob'"'"'s title" and j["description"] == "Bob, a writer, edits"' \
	"a writer's edit is made"

received_updated() {
	python3 - "$TEST_TMP/receiver.log" <<'PY'
import json, sys
titles = set()
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["headers"].get("X-Event-Key") == "pullrequest:updated":
        titles.add(json.loads(e["body"])["pullrequest"]["title"])
sys.exit(0 if {'A "better" <title> & more', "Bob's title"} <= titles else 1)
PY
}
for _ in $(seq 1 100); do received_updated && break; sleep 0.2; done
check "pullrequest:updated reached the webhook for each edit" received_updated

as alice -X POST -H 'Content-Type: application/json' -d '{}' "$API/pullrequests/$ID/decline"
edit alice "$ID" "After decline" "Closed"
expect_status 303 "a closed pull request cannot be edited"
as alice "$API/pullrequests/$ID"
expect_json 'j["title"] == "Bob'"'"'s title"' "its title stays"

# --- the dashboard re-checks read access -------------------------------------------------------

grant secret bob write
grant secret carol read
push_branch bob secret feature/secret
as bob -X POST -H 'Content-Type: application/json' \
	-d '{"title": "Secret work of bob", "source": {"branch": {"name": "feature/secret"}}, "reviewers": [{"username": "carol"}]}' \
	"$HUB_URL/2.0/repositories/alice/secret/pullrequests"
[ "$RESP_STATUS" = 201 ] || bail "bob cannot open a pull request in secret: $(cat "$RESP_BODY")"

req -b "$TEST_TMP/bob.jar" "$HUB_URL/dashboard"
expect_body_contains "Secret work of bob" "bob's dashboard lists his pull request in secret"
expect_body_contains '<a href="/alice/secret">alice/secret</a> <span class="badge">private</span>' "…and secret under his repositories"
req -b "$TEST_TMP/carol.jar" "$HUB_URL/dashboard"
expect_body_contains "Secret work of bob" "carol's lists it to review"
expect_body_contains 'href="/alice/secret"' "…and secret, which she may read, under her repositories"
as bob "$HUB_URL/2.0/pullrequests/bob"
expect_json '"Secret work of bob" in [v["title"] for v in j["values"]]' "/2.0/pullrequests/bob lists it for bob"

grant secret bob none
grant secret carol none
req -b "$TEST_TMP/bob.jar" "$HUB_URL/dashboard"
expect_status 200 "bob's dashboard after he lost access"
check "no longer lists the pull request of secret" lacks "Secret work of bob"
check "…nor secret under his repositories" lacks 'href="/alice/secret"'
req -b "$TEST_TMP/carol.jar" "$HUB_URL/dashboard"
check "nor does carol's to review" lacks "Secret work of bob"
check "…nor secret under her repositories" lacks 'href="/alice/secret"'
req -b "$TEST_TMP/alice.jar" "$HUB_URL/dashboard"
check "alice's dashboard lists her repositories, the last pushed first" python3 -c 'import re, sys; sys.exit(0 if re.findall(r"class=\"dashboard-repo\"><a href=\"(/alice/[a-z]+)\"", open(sys.argv[1]).read())[:2] == ["/alice/secret", "/alice/demo"] else 1)' "$RESP_BODY"
as bob "$HUB_URL/2.0/pullrequests/bob"
expect_json '"Secret work of bob" not in [v["title"] for v in j["values"]]' "nor /2.0/pullrequests/bob for bob"
req "$HUB_URL/2.0/pullrequests/bob"
expect_json '"Secret work of bob" not in [v["title"] for v in j["values"]]' "nor for anonymous callers"
as alice "$HUB_URL/2.0/pullrequests/bob"
expect_json '"Secret work of bob" in [v["title"] for v in j["values"]]' "alice, who owns secret, still sees it"
grant secret carol read
req -b "$TEST_TMP/carol.jar" "$HUB_URL/dashboard"
expect_body_contains "Secret work of bob" "carol sees it again once she may read again"

# form USER PATH FIELD=VALUE…: a form posted by USER with their session's token.
form() {
	local jar=$TEST_TMP/$1.jar path=$2 token field args=()
	shift 2
	req -b "$jar" "$HUB_URL/dashboard"
	token=$(csrf_token)
	for field in "$@"; do args+=(--data-urlencode "$field"); done
	req -b "$jar" --data-urlencode "csrf=$token" "${args[@]}" "$HUB_URL$path"
	[ "$RESP_STATUS" = 303 ] || bail "$1 cannot post $path (status $RESP_STATUS)"
}
form alice /teams/new "name=Crew" "id=crew" "members="
form alice /repo/create "workspace=crew" "name=vault" "access=private" "scm=git"
form alice /crew/vault/admin/access "kind=group" "name=developers" "permission=read"
form alice /crew/settings/groups/developers/members "member=carol"
req -b "$TEST_TMP/carol.jar" "$HUB_URL/dashboard"
expect_body_contains 'href="/crew/vault"' "carol, in a group that may read crew/vault, has it under her repositories"
form alice /crew/settings/groups/developers/members/carol/remove
req -b "$TEST_TMP/carol.jar" "$HUB_URL/dashboard"
check "…and no longer once she left the group" lacks 'href="/crew/vault"'

# --- /branch/create keeps the issue's fields encoded -------------------------------------------

SUMMARY='Fix the "quoted" a/b path & #hash — Café 100%'
ENCODED=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$SUMMARY")
req -b "$TEST_TMP/alice.jar" "$HUB_URL/branch/create?issueKey=PROJ-12&issueType=Bug&issueSummary=$ENCODED"
expect_status 200 "the create-branch page for a bug"
check "the name is prefilled bugfix/PROJ-12-summary-words" \
	grep -q 'value="bugfix/PROJ-12-fix-the-quoted-a-b-path-hash-café-100"' "$RESP_BODY"
# form_action: the form's action, HTML entities decoded.
form_action() {
	python3 -c 'import html, re, sys; m = re.search(r"<form method=\"post\" action=\"(/branch/create[^\"]*)\"", open(sys.argv[1]).read()); print(html.unescape(m.group(1)) if m else "")' "$RESP_BODY"
}
ACTION=$(form_action)
check "the action keeps each field URL-encoded" test "$ACTION" = "/branch/create?issueKey=PROJ-12&issueType=Bug&issueSummary=$ENCODED"
token=$(csrf_token)
req -b "$TEST_TMP/alice.jar" --data-urlencode "csrf=$token" --data-urlencode "repository=alice/demo" \
	--data-urlencode "type=bugfix/" --data-urlencode "name=bugfix/PROJ-12-fix-the-quoted-a-b-path-hash-café-100" \
	--data-urlencode "from=no-such-branch" "$HUB_URL$ACTION"
expect_status 400 "a refusal shows the form again"
check "with the whole summary" python3 -c 'import html, sys; sys.exit(0 if "For PROJ-12: " + sys.argv[2] in html.unescape(open(sys.argv[1]).read()) else 1)' "$RESP_BODY" "$SUMMARY"
check "and the same action" test "$(form_action)" = "$ACTION"
req -b "$TEST_TMP/alice.jar" --data-urlencode "csrf=$token" --data-urlencode "repository=alice/demo" \
	--data-urlencode "type=bugfix/" --data-urlencode "name=bugfix/PROJ-12-fix-the-quoted-a-b-path-hash-café-100" \
	--data-urlencode "from=main" "$HUB_URL$ACTION"
expect_status 201 "Create makes the branch"
git ls-remote "$(remote alice demo)" "refs/heads/bugfix/PROJ-12-fix-the-quoted-a-b-path-hash-café-100" >"$TEST_TMP/created.txt"
check "the branch is in the repository" test -s "$TEST_TMP/created.txt"
# Someone not signed in to hub follows track's link: signing in leads back to the same form, with
# the whole summary (? + & # % and non-ASCII included).
SUMMARY2='Why? 1+1 & 50% #2 — naïve'
ENCODED2=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$SUMMARY2")
LINK="/branch/create?issueKey=PROJ-13&issueType=Bug&issueSummary=$ENCODED2"
JAR=$TEST_TMP/dave.jar
req -c "$JAR" -H 'Accept: text/html' "$HUB_URL$LINK"
expect_status 303 "signed out, the link asks to sign in"
req -b "$JAR" -c "$JAR" "$HUB_URL$(resp_header Location)"
token=$(csrf_token)
NEXT=$(python3 -c 'import html, re, sys; print(html.unescape(re.search(r"name=\"next\" value=\"([^\"]*)\"", open(sys.argv[1]).read()).group(1)))' "$RESP_BODY")
check "the sign-in form keeps the link as where to go next" test "$NEXT" = "$LINK"
req -b "$JAR" -c "$JAR" --data-urlencode "csrf=$token" --data-urlencode "login=alice" \
	--data-urlencode "password=$(password_of alice)" --data-urlencode "next=$NEXT" "$HUB_URL/login"
expect_status 303 "alice signs in"
check "…and is sent back to the link" test "$(resp_header Location)" = "$LINK"
req -b "$JAR" "$HUB_URL$(resp_header Location)"
expect_status 200 "the create-branch page after signing in"
check "with the whole summary" python3 -c 'import html, sys; sys.exit(0 if "For PROJ-13: " + sys.argv[2] in html.unescape(open(sys.argv[1]).read()) else 1)' "$RESP_BODY" "$SUMMARY2"
check "and its action keeps it URL-encoded" test "$(form_action)" = "$LINK"
check "the name is prefilled from it" grep -q 'value="bugfix/PROJ-13-why-1-1-50-2-naïve"' "$RESP_BODY"
req -b "$TEST_TMP/alice.jar" "$HUB_URL/branch/create?issueKey=PROJ-7&issueType=Story&issueSummary=Add%20a%2Fb%20~%5E%3A%20%5B%3F%5D%20*%20..%20dots"
check "another type gets feature/, with what git refuses dropped" \
	grep -q 'value="feature/PROJ-7-add-a-b-dots"' "$RESP_BODY"

done_testing

# track's development panel and dev-status API over HTTP, against rows a sync would have written
# (inserted here directly): the summary and detail resources (E.1, E.2) under 1.0 and latest,
# their parameters and permissions (Users role 403, outsiders 404, anonymous 401), the panel on
# the issue page only for holders of View development tools, Create branch (hidden, one host,
# a choice of several), the detail views (grouped by repository, private flag, hostile commit
# messages escaped, links to the host, paging), the summary the page polls, old keys after a move,
# and a statement count that stays the same for 1 and for 20 repositories.

. "$(dirname "$0")/track_env.sh"

must() { # must STATUS DESC: bail out when the last request did not answer STATUS
	[ "$RESP_STATUS" = "$1" ] || bail "$2: status $RESP_STATUS: $(head -c 300 "$RESP_BODY")"
}
# sql TEXT: runs statements on track's database (either engine).
sql() {
	if [ ${#TRACK_DB[@]} -gt 0 ]; then
		psql -qAt -v ON_ERROR_STOP=1 "${TRACK_DB[1]}" -c "$1" >/dev/null || bail "sql: $1"
	else
		sqlite3 -bail "$DATA/track.db" ".timeout 5000" "$1" >/dev/null || bail "sql: $1"
	fi
}
# statements_of: the statement count the access log gives the last request (by its request id).
statements_of() {
	local id
	id=$(resp_header X-Request-Id)
	sed -n "s/.*request_id=$id .* statements=\([0-9]*\).*/\1/p" "$WEFT_ERR" | head -n 1
}
DS=$T/rest/dev-status/1.0/issue

json alice POST "$API/project" '{"key":"TEST","name":"Test project","projectTypeKey":"software"}'
must 201 "create TEST"
json alice POST "$API/project" '{"key":"MOVE","name":"Moved to","projectTypeKey":"software"}'
must 201 "create MOVE"
json alice POST "$API/project/TEST/role/10001" '{"user":["bob"]}'
json alice POST "$API/project/MOVE/role/10001" '{"user":["bob"]}'
json alice POST "$API/project/TEST/role/10000" '{"user":["carol"]}'
for n in 1 2 3 4; do
	json bob POST "$API/issue" "{\"fields\":{\"project\":{\"key\":\"TEST\"},\"issuetype\":{\"name\":\"Bug\"},\"summary\":\"Crash & burn <$n>\"}}"
	must 201 "create TEST-$n"
done
as bob "$API/issue/TEST-1"
ID1=$(jget 'j["id"]')

# --- no account linked: an empty panel without Create branch ------------------------------------

page bob /browse/TEST-1
expect_status 200 "the issue page"
expect_body_contains 'data-dev-summary="/browse/TEST-1/development/summary"' "…shows bob the panel, which polls its summary"
expect_body_contains '/static/dev-panel.js' "…with the polling script"
check "…without Create branch while no account is linked" bash -c "! grep -q 'Create branch' '$RESP_BODY'"
as bob "$DS/summary?issueId=$ID1"
expect_status 200 "the summary with nothing linked"
expect_json 'j["errors"] == [] and j["summary"]["repository"]["overall"]["count"] == 0 and j["summary"]["repository"]["byInstanceType"] == {} and j["summary"]["pullrequest"]["overall"]["state"] is None' \
	"…counts nothing"

# --- what a sync would have stored ---------------------------------------------------------------

repo_id() { echo "(SELECT id FROM dvcs_repos WHERE slug = '$1')"; }
commit_id() { echo "(SELECT id FROM dvcs_commits WHERE hash = '$1')"; }
account_sql() { # account_sql SITE NAME
	echo "INSERT INTO dvcs_accounts (host_kind, site_url, api_url, account, oauth_key, oauth_secret, status, created_at, updated_at) VALUES ('weft', '$1', '$1/2.0', '$2', 'k', 's', 'ok', 0, 0);"
}
repo_sql() { # repo_sql ACCOUNT SLUG PRIVATE LINKED DELETED
	echo "INSERT INTO dvcs_repos (account_id, slug, name, is_private, linked, deleted, created_at, updated_at) VALUES ((SELECT id FROM dvcs_accounts WHERE account = '$1'), '$2', 'Repo $2', $3, $4, $5, 0, 0);"
}
commit_sql() { # commit_sql REPO HASH SECONDS KEY MESSAGE
	echo "INSERT INTO dvcs_commits (hash, author_name, author_email, authored_at, message, file_count) VALUES ('$2', 'Ann Author', 'ann@example.com', $((1705320000 + $3))000, '$5', 2) ON CONFLICT DO NOTHING;
INSERT INTO dvcs_repo_commits (repo_id, commit_id) VALUES ($(repo_id "$1"), $(commit_id "$2"));
INSERT INTO dvcs_commit_keys (issue_key, commit_id) VALUES ('$4', $(commit_id "$2")) ON CONFLICT DO NOTHING;"
}
HOSTILE='<script>alert(1)</script> TEST-1 <b>fix</b> & done'
sql "$(account_sql http://hub.example team)
$(repo_sql team app 0 1 0)
$(repo_sql team secret 1 1 0)
$(repo_sql team unlinked 0 0 0)
$(commit_sql app aaaaaaaaaa01 10 TEST-1 "$HOSTILE")
$(commit_sql secret aaaaaaaaaa02 20 TEST-1 'TEST-1 second')
$(commit_sql unlinked aaaaaaaaaa03 30 TEST-1 'TEST-1 not linked')
INSERT INTO dvcs_branches (repo_id, name, head, updated_at) VALUES ($(repo_id app), 'feature/TEST-1-a&b', 'aaaaaaaaaa01', 1705320100000);
INSERT INTO dvcs_branch_keys (issue_key, branch_id) VALUES ('TEST-1', (SELECT id FROM dvcs_branches WHERE name = 'feature/TEST-1-a&b'));
INSERT INTO dvcs_pulls (repo_id, number, title, state, author_name, source_branch, destination_branch, reviewers, comment_count, url, created_at, updated_at) VALUES ($(repo_id app), 7, '<i>TEST-1</i> login', 'MERGED', 'Ann Author', 'feature/TEST-1-a&b', 'main', '[{\"name\": \"Rita Reviewer\", \"approved\": true}, {\"name\": \"Sam\", \"approved\": false}]', 3, 'http://hub.example/team/app/pull-requests/7', 0, 1705320200000);
INSERT INTO dvcs_pulls (repo_id, number, title, state, author_name, source_branch, destination_branch, url, created_at, updated_at) VALUES ($(repo_id app), 8, 'TEST-1 again', 'OPEN', 'Ann Author', 'x', 'main', 'http://hub.example/team/app/pull-requests/8', 0, 1705320300000);
INSERT INTO dvcs_pull_keys (issue_key, pull_id) SELECT 'TEST-1', id FROM dvcs_pulls;
INSERT INTO dvcs_builds (repo_id, commit_hash, key, name, state, url, updated_at) VALUES ($(repo_id app), 'aaaaaaaaaa01', 'ci', 'CI <build>', 'SUCCESSFUL', 'https://ci.example/1', 1705320400000);
INSERT INTO dvcs_builds (repo_id, commit_hash, key, name, state, url, updated_at) VALUES ($(repo_id app), 'aaaaaaaaaa01', 'lint', 'Lint', 'FAILED', 'https://ci.example/2', 1705320400000);"

# --- the dev-status API (E.1, E.2) ---------------------------------------------------------------

for base in "$DS" "$T/rest/dev-status/latest/issue"; do
	as bob "$base/summary?issueId=$ID1"
	expect_status 200 "summary under ${base#"$T"}"
	expect_json '(s := j["summary"]) is not None and j["errors"] == [] and s["repository"]["overall"]["count"] == 2 and s["repository"]["overall"]["dataType"] == "repository" and s["repository"]["overall"]["lastUpdated"].startswith("2024-01-15T12:00:20.000") and s["repository"]["byInstanceType"] == {"bitbucket": {"count": 2, "name": "Bitbucket Cloud"}}' \
		"…counts the commits of linked repositories, with the latest date, under the instance type bitbucket"
done
expect_json '(p := j["summary"]["pullrequest"]["overall"]) is not None and p["count"] == 2 and p["state"] == "OPEN" and p["stateCount"] == 1 and p["open"] is True and p["details"] == {"openCount": 1, "mergedCount": 1, "declinedCount": 0, "total": 2}' \
	"…the pull requests with the badge OPEN before MERGED"
expect_json 'j["summary"]["branch"]["overall"]["count"] == 1 and j["summary"]["build"]["overall"]["count"] == 2 and j["summary"]["build"]["overall"]["successfulBuildCount"] == 1 and j["summary"]["build"]["overall"]["failedBuildCount"] == 1 and "review" in j["summary"] and "deployment-environment" in j["summary"]' \
	"…branches, builds (successful and failed), and the empty review and deployment kinds"

as bob "$DS/detail?issueId=$ID1&applicationType=bitbucket&dataType=repository"
expect_status 200 "detail of the repositories"
expect_json '(d := j["detail"]) is not None and len(d) == 1 and d[0]["_instance"]["type"] == "bitbucket" and d[0]["_instance"]["baseUrl"] == "http://hub.example" and [r["name"] for r in d[0]["repositories"]] == ["Repo secret", "Repo app"] and d[0]["pullRequests"] == [] and d[0]["branches"] == []' \
	"…one instance, the commits grouped by linked repository, newest first"
expect_json '(c := j["detail"][0]["repositories"][1]["commits"][0]) is not None and c["id"] == "aaaaaaaaaa01" and c["displayId"] == "aaaaaaa" and c["message"] == "<script>alert(1)</script> TEST-1 <b>fix</b> & done" and c["url"] == "http://hub.example/team/app/commits/aaaaaaaaaa01" and c["author"]["name"] == "Ann Author" and c["fileCount"] == 2 and c["merge"] is False and c["authorTimestamp"].startswith("2024-01-15T12:00:10")' \
	"…each commit with its message as data, link, author, date and file count"
as bob "$DS/detail?issueId=$ID1&applicationType=bitbucket&dataType=branch"
expect_json '(b := j["detail"][0]["branches"][0]) is not None and b["name"] == "feature/TEST-1-a&b" and b["createPullRequestUrl"] == "http://hub.example/team/app/pull-requests/new?source=feature%2FTEST-1-a%26b" and b["lastCommit"]["id"] == "aaaaaaaaaa01" and b["repository"]["name"] == "Repo app"' \
	"detail of the branches: last commit and Create pull request on the host"
as bob "$DS/detail?issueId=$ID1&applicationType=bitbucket&dataType=pullrequest"
expect_json '(p := j["detail"][0]["pullRequests"]) is not None and [x["id"] for x in p] == ["#8", "#7"] and p[1]["status"] == "MERGED" and p[1]["name"] == "<i>TEST-1</i> login" and p[1]["commentCount"] == 3 and p[1]["reviewers"] == [{"name": "Rita Reviewer", "avatar": "", "approved": True}, {"name": "Sam", "avatar": "", "approved": False}] and p[1]["source"]["branch"] == "feature/TEST-1-a&b" and p[1]["destination"]["branch"] == "main" and p[1]["url"] == "http://hub.example/team/app/pull-requests/7"' \
	"detail of the pull requests: state, reviewers and approvals, comment count"
as bob "$DS/detail?issueId=$ID1&applicationType=bitbucket&dataType=build"
expect_json '(b := j["detail"][0]["builds"]) is not None and sorted((x["name"], x["state"], x["url"]) for x in b) == [("CI <build>", "SUCCESSFUL", "https://ci.example/1"), ("Lint", "FAILED", "https://ci.example/2")]' \
	"detail of the builds: state and link"
as bob "$DS/detail?issueId=$ID1&applicationType=github&dataType=repository"
expect_json 'j == {"errors": [], "detail": []}' "another instance type has nothing"

as bob "$DS/detail?issueId=$ID1&applicationType=bitbucket&dataType=commits"
expect_status 400 "an unknown dataType is 400"
expect_body_contains 'dataType' "…naming the parameter"
as bob "$DS/detail?issueId=$ID1&applicationType=bitbucket"
expect_status 400 "a missing dataType is 400"
as bob "$DS/summary"
expect_status 400 "a missing issueId is 400"
as bob "$DS/summary?issueId=TEST-1"
expect_status 400 "an issue key instead of the id is 400"
as bob "$DS/summary?issueId=99999999"
expect_status 404 "no such issue is 404"
expect_body_contains 'Issue does not exist or you do not have permission to see it.' "…in Jira's words"
as carol "$DS/summary?issueId=$ID1"
expect_status 403 "a Users-role member (no View development tools) gets 403 on the summary"
as carol "$DS/detail?issueId=$ID1&applicationType=bitbucket&dataType=repository"
expect_status 403 "…and on the detail"
as dave "$DS/summary?issueId=$ID1"
expect_status 404 "someone outside the project gets 404"
req "$DS/summary?issueId=$ID1"
expect_status 401 "anonymous callers are asked to authenticate"
as alice "$DS/summary?issueId=$ID1"
expect_status 200 "a site administrator may"

# --- the panel on the issue page ---------------------------------------------------------------

page bob /browse/TEST-1
expect_body_contains 'data-dev="commits">2</a>' "the panel counts the commits"
expect_body_contains 'data-dev="pull_state">OPEN</span>' "…shows the pull-request badge"
expect_body_contains 'data-dev="builds_failed">1</span>' "…and failed builds"
expect_body_contains 'href="/browse/TEST-1/development?show=commits"' "…each count opening its detail view"
expect_body_contains 'href="http://hub.example/branch/create?issueKey&#61;TEST-1&amp;issueType&#61;Bug&amp;issueSummary&#61;Crash%20%26%20burn%20%3C1%3E"' \
	"…and Create branch on the linked host, URL-encoded"
page carol /browse/TEST-1
expect_status 200 "carol sees the issue"
check "…but no panel" bash -c "! grep -q 'data-panel=\"development\"' '$RESP_BODY'"
page carol /browse/TEST-1/development
expect_status 403 "…and no detail view"
page carol /browse/TEST-1/development/summary
expect_status 403 "…nor its summary"
page dave /browse/TEST-1/development
expect_status 404 "the detail view is 404 for outsiders"

page bob "/browse/TEST-1/development?show=commits"
expect_status 200 "the commits view"
check "…escapes the hostile message" grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$RESP_BODY"
check "…which never appears as markup" bash -c "! grep -qF '<script>alert' '$RESP_BODY'"
expect_body_contains 'href="http://hub.example/team/app/commits/aaaaaaaaaa01"' "…links each commit to the host"
expect_body_contains 'team/secret</a> <span class="badge">Private</span>' "…shows the host's private flag per repository"
expect_body_contains 'Ann Author' "…with its author"
check "…not the unlinked repository" bash -c "! grep -q 'team/unlinked' '$RESP_BODY'"
page bob "/browse/TEST-1/development?show=branches"
expect_body_contains 'href="http://hub.example/team/app/pull-requests/new?source&#61;feature%2FTEST-1-a%26b">Create pull request' "the branches view links Create pull request"
page bob "/browse/TEST-1/development?show=pulls"
expect_body_contains '&lt;i&gt;TEST-1&lt;/i&gt; login' "the pull requests view escapes titles"
expect_body_contains 'Rita Reviewer ✓ approved' "…and shows approvals"
page bob "/browse/TEST-1/development?show=builds"
expect_body_contains 'href="https://ci.example/1">CI &lt;build&gt;</a>' "the builds view links each build"

# live update: the summary the page polls follows what a sync stores
page bob /browse/TEST-1/development/summary
expect_json 'j["commits"] == 2 and j["pull_state"] == "OPEN" and j["builds_successful"] == 1' "the polled summary"
sql "$(commit_sql app aaaaaaaaaa04 40 TEST-1 'TEST-1 pushed while the page is open')"
page bob /browse/TEST-1/development/summary
expect_json 'j["commits"] == 3' "…counts a commit as soon as it is stored"

# a commit a push webhook stored before the sync read it (provisional.c's rows): its file count is
# not known yet, so the panel says it is being synchronized and dev-status claims no file count
sql "INSERT INTO dvcs_commits (hash, author_name, author_email, authored_at, message, file_count, is_merge, provisional) VALUES ('cccccccccc01', 'Ann Author', 'ann@example.com', 1705320045000, 'TEST-1 from the webhook', 0, 0, 1);
INSERT INTO dvcs_repo_commits (repo_id, commit_id, provisional_at) VALUES ($(repo_id app), $(commit_id cccccccccc01), 1705320046000);
INSERT INTO dvcs_commit_keys (issue_key, commit_id) VALUES ('TEST-1', $(commit_id cccccccccc01));
UPDATE dvcs_branches SET head = 'cccccccccc01' WHERE name = 'feature/TEST-1-a&b';"
page bob /browse/TEST-1/development/summary
expect_json 'j["commits"] == 4 and j["commits_syncing"] == "1 being synchronized"' "the polled summary counts a provisional commit as being synchronized"
page bob /browse/TEST-1
expect_body_contains 'data-dev="commits_syncing">1 being synchronized</span>' "…and so does the panel"
page bob "/browse/TEST-1/development?show=commits"
# row_has HASH TEXT: the commits view's table row of HASH holds TEXT
row_has() { tr -d '\n' <"$RESP_BODY" | grep -o "<tr><td><a href=\"[^\"]*/commits/$1\">.*" | sed 's,</tr>.*,,' | grep -qF "$2"; }
check "…the commits view shows it as being synchronized" row_has cccccccccc01 'Being synchronized'
row_lacks() { ! row_has "$@"; }
check "…not as a commit of 0 files" row_lacks cccccccccc01 '<td>0</td>'
check "…while a synchronized commit shows its file count" row_has aaaaaaaaaa04 '<td>2</td>'
as bob "$DS/detail?issueId=$ID1&applicationType=bitbucket&dataType=repository"
expect_json '(cs := {c["id"]: c for r in j["detail"][0]["repositories"] for c in r["commits"]}) is not None and "fileCount" not in cs["cccccccccc01"] and cs["cccccccccc01"]["message"] == "TEST-1 from the webhook" and cs["aaaaaaaaaa04"]["fileCount"] == 2' \
	"dev-status lists the provisional commit without a file count, the others with theirs"
as bob "$DS/detail?issueId=$ID1&applicationType=bitbucket&dataType=branch"
expect_json '(c := j["detail"][0]["branches"][0]["lastCommit"]) is not None and c["id"] == "cccccccccc01" and "fileCount" not in c' \
	"…and a branch whose last commit is provisional without one either"
sql "UPDATE dvcs_commits SET provisional = 0, file_count = 3 WHERE hash = 'cccccccccc01';
UPDATE dvcs_repo_commits SET provisional_at = NULL WHERE commit_id = $(commit_id cccccccccc01);"
page bob /browse/TEST-1/development/summary
expect_json 'j["commits"] == 4 and j["commits_syncing"] == ""' "once the sync confirms it, nothing is being synchronized"
as bob "$DS/detail?issueId=$ID1&applicationType=bitbucket&dataType=repository"
expect_json '[c["fileCount"] for r in j["detail"][0]["repositories"] for c in r["commits"] if c["id"] == "cccccccccc01"] == [3]' \
	"…and dev-status gives the mirror's file count"
# a commit whose files were never counted, and no mirror holds it (these rows were written by hand:
# no repository here has one): the views show no count for it, and still show
sql "UPDATE dvcs_commits SET file_count = NULL WHERE hash = 'cccccccccc01';"
page bob "/browse/TEST-1/development?show=commits"
check "a commit no mirror holds shows as not counted in the commits view" row_has cccccccccc01 'dev-uncounted'
check "…not as a commit of 0 files" row_lacks cccccccccc01 '<td>0</td>'
as bob "$DS/detail?issueId=$ID1&applicationType=bitbucket&dataType=repository"
expect_json '(cs := {c["id"]: c for r in j["detail"][0]["repositories"] for c in r["commits"]}) is not None and "fileCount" not in cs["cccccccccc01"] and cs["aaaaaaaaaa04"]["fileCount"] == 2' \
	"…and dev-status lists it without a file count"
as bob "$DS/detail?issueId=$ID1&applicationType=bitbucket&dataType=branch"
expect_json '(c := j["detail"][0]["branches"][0]["lastCommit"]) is not None and c["id"] == "cccccccccc01" and "fileCount" not in c' \
	"…as the last commit of its branch too"
sql "UPDATE dvcs_commits SET file_count = 3 WHERE hash = 'cccccccccc01';"

# several accounts: Create branch becomes a choice
sql "$(account_sql https://bitbucket.example other)"
page bob /browse/TEST-1
expect_body_contains '<summary class="button button-small">Create branch</summary>' "two linked accounts: Create branch is a choice"
expect_body_contains 'href="https://bitbucket.example/branch/create?issueKey&#61;TEST-1' "…including the second host"

# --- old keys after a move -----------------------------------------------------------------------

sql "$(commit_sql app bbbbbbbbbb01 50 TEST-2 'TEST-2 before the move')"
submit bob /browse/TEST-2 /browse/TEST-2/move project=MOVE
expect_status 303 "TEST-2 moves to MOVE"
sql "$(commit_sql app bbbbbbbbbb02 60 MOVE-1 'MOVE-1 after the move')"
as bob "$API/issue/MOVE-1"
ID2=$(jget 'j["id"]')
as bob "$DS/summary?issueId=$ID2"
expect_json 'j["summary"]["repository"]["overall"]["count"] == 2' "the old key's commits still count after a move"
page bob /browse/TEST-2/development
expect_status 301 "the old key's detail view redirects"

# --- paging, and statements that do not grow with repositories -----------------------------------

ID3=$(as bob "$API/issue/TEST-3" && jget 'j["id"]')
ID4=$(as bob "$API/issue/TEST-4" && jget 'j["id"]')
# fill KEY REPOS COMMITS: repositories r<KEY>-N, each with COMMITS commits, a branch, a pull
# request and a build naming KEY.
fill() {
	local key=$1 text='' r c
	for r in $(seq 1 "$2"); do
		text+="$(repo_sql team "r$key-$r" 0 1 0)
INSERT INTO dvcs_branches (repo_id, name, head, updated_at) VALUES ($(repo_id "r$key-$r"), '$key-b', 'h$key-$r-1', 1);
INSERT INTO dvcs_branch_keys (issue_key, branch_id) SELECT '$key', id FROM dvcs_branches WHERE repo_id = $(repo_id "r$key-$r");
INSERT INTO dvcs_pulls (repo_id, number, title, state, author_name, source_branch, destination_branch, url, created_at, updated_at) VALUES ($(repo_id "r$key-$r"), 1, '$key', 'OPEN', 'A', 'b', 'main', 'http://pr', 0, 1);
INSERT INTO dvcs_pull_keys (issue_key, pull_id) SELECT '$key', id FROM dvcs_pulls WHERE repo_id = $(repo_id "r$key-$r");
INSERT INTO dvcs_builds (repo_id, commit_hash, key, name, state, url, updated_at) VALUES ($(repo_id "r$key-$r"), 'h$key-$r-1', 'ci', 'CI', 'INPROGRESS', 'http://ci', 1);
"
		for c in $(seq 1 "$3"); do
			text+="$(commit_sql "r$key-$r" "h$key-$r-$c" "$((r * 100 + c))" "$key" "$key commit $c")
"
		done
	done
	sql "$text"
}
fill TEST-3 1 3
fill TEST-4 20 3

page bob "/browse/TEST-4/development?show=commits"
expect_body_contains '1–50 of 60' "60 commits: the first page shows 50"
expect_body_contains 'rel="next" href="/browse/TEST-4/development?show&#61;commits&amp;startAt&#61;50"' "…and links to the next"
page bob "/browse/TEST-4/development?show=commits&startAt=50"
expect_body_contains '51–60 of 60' "…which shows the rest"
as bob "$DS/detail?issueId=$ID4&applicationType=bitbucket&dataType=repository"
expect_json 'sum(len(r["commits"]) for r in j["detail"][0]["repositories"]) == 60 and len(j["detail"][0]["repositories"]) == 20' \
	"the API's detail has all 60 commits of the 20 repositories"

same_statements() { # same_statements DESC URL1 URL2 CURL_ARGS...: equal counts for 1 and 20 repos
	local desc=$1 u1=$2 u20=$3 one twenty
	shift 3
	req "$@" "$u1"
	one=$(statements_of)
	req "$@" "$u20"
	twenty=$(statements_of)
	if [ -n "$one" ] && [ "$one" = "$twenty" ]; then
		pass "$desc: $one statements for 1 repository and for 20"
	else
		fail "$desc: as many statements for 1 repository as for 20" "1: ${one:-?}, 20: ${twenty:-?}"
	fi
}
BOB=(-u "bob@example.com:${TOKEN[bob]}")
same_statements "the summary" "$DS/summary?issueId=$ID3" "$DS/summary?issueId=$ID4" "${BOB[@]}"
for type in repository branch pullrequest build; do
	same_statements "the $type detail" "$DS/detail?issueId=$ID3&applicationType=bitbucket&dataType=$type" \
		"$DS/detail?issueId=$ID4&applicationType=bitbucket&dataType=$type" "${BOB[@]}"
done
same_statements "the issue page with its panel" "$T/browse/TEST-3" "$T/browse/TEST-4" -b "$TEST_TMP/bob.jar"
same_statements "the commits view" "$T/browse/TEST-3/development?show=commits" \
	"$T/browse/TEST-4/development?show=commits" -b "$TEST_TMP/bob.jar"

done_testing

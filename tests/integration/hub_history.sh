# History end to end: content pushed with the real git (over file://, straight into the bare
# repository); the commits pages (paging, branches with '/', escaping), the commit page (message,
# parents, diff with line numbers, binary files), the branches page (ahead / behind, tags); the
# refs, commits, commit, diff, diffstat, patch and merge-base API with curl (Bitbucket's reversed
# A..B, cursors, include / exclude as query and as form, errors in Bitbucket's shape that change
# nothing, who may write); then the npm `bitbucket` client (tests/conformance/bitbucket_history.mjs).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/repos_lib.sh"

hub_store history
command -v git >/dev/null 2>&1 || bail "the history tests need git"

# one_line_has ERE: the last body, its lines joined, matches ERE.
one_line_has() {
	tr -d '\n' <"$RESP_BODY" | grep -qE -- "$1"
}

# no_line_starting TEXT: no line of the last body starts with TEXT.
no_line_starting() {
	! grep -q "^$1" "$RESP_BODY"
}

forget_response
create_user alice
create_user bob
pass "created the users alice and bob"

weft_launch hub serve hub --data "$DATA" --hub-listen 127.0.0.1:0 "${HUB_DB[@]}" ||
	bail "weft serve hub did not start"

create_repo demo true
create_repo pub false
create_repo empty true
create_repo devonly true
pass "created the repositories demo (private), pub (public), empty and devonly"

# --- content, pushed with git over file:// -----------------------------------------------------

WORK=$TEST_TMP/work
make_content() {
	git init -q -b main "$WORK" &&
		cd "$WORK" &&
		git config user.name 'Alice & "Ex" Ample' && git config user.email alice@example.com &&
		for i in $(seq 1 35); do
			printf 'line %s\n' "$i" >>log.txt &&
				git add log.txt &&
				GIT_COMMITTER_DATE="@$((1700000000 + 60 * i)) +0000" \
					GIT_AUTHOR_DATE="@$((1700000000 + 60 * i)) +0000" \
					git commit -q -m "Commit $i <script>alert($i)</script>" -m "Body of $i & more." ||
				return 1
		done &&
		git checkout -q -b feature/x &&
		printf 'feature\n' >feature.txt && head -c 200 /dev/urandom >blob.bin &&
		printf '\0' >>blob.bin && git add feature.txt blob.bin &&
		GIT_COMMITTER_DATE="@1700100000 +0000" GIT_AUTHOR_DATE="@1700100000 +0000" \
			git commit -q -m 'A feature' &&
		git checkout -q main &&
		printf 'line 36\n' >>log.txt &&
		GIT_COMMITTER_DATE="@1700200000 +0000" GIT_AUTHOR_DATE="@1700200000 +0000" \
			git commit -q -am 'Main moves on' &&
		git tag v1 HEAD~1 && git tag -a v2 -m 'Release <two>' &&
		git push -q "file://${GIT_DIR_OF[demo]}" main feature/x v1 v2 2>"$TEST_TMP/push.err" &&
		git push -q "file://${GIT_DIR_OF[pub]}" main 2>>"$TEST_TMP/push.err" &&
		git push -q "file://${GIT_DIR_OF[devonly]}" main:refs/heads/dev 2>>"$TEST_TMP/push.err"
}
(make_content) || bail "cannot push the test content: $(cat "$TEST_TMP/push.err")"
MAIN=$(git -C "$WORK" rev-parse main)
MAIN1=$(git -C "$WORK" rev-parse main~1)
FEAT=$(git -C "$WORK" rev-parse feature/x)
ROOT=$(git -C "$WORK" rev-list --max-parents=0 main)
pass "pushed 36 commits on main, feature/x and two tags with git over file://"

API=$HUB_URL/2.0/repositories/alice/demo

# --- pages -------------------------------------------------------------------------------------

as alice "$HUB_URL/alice/demo/commits"
expect_status 200 "GET /alice/demo/commits: 200"
expect_html "the commits page is HTML"
check "it shows 30 commits" test "$(grep -c 'class="commit-summary"' "$RESP_BODY")" = 30
expect_body_contains 'Main moves on' "the newest commit first"
expect_body_contains 'Commit 35 &lt;script&gt;' "messages are escaped"
check "no raw <script> from a message" lacks '<script>alert'
expect_body_contains 'Alice &amp; &quot;Ex&quot; Ample' "author names are escaped"
older=$(grep -o 'href="[^"]*" rel="next"' "$RESP_BODY" | sed 's/^href="//; s/" rel="next"$//; s/&amp;/\&/g; s/&#61;/=/g')
check "an Older link" test -n "$older"
as alice "$HUB_URL$older"
check "the older page holds the 6 oldest" test "$(grep -c 'class="commit-summary"' "$RESP_BODY")" = 6
expect_body_contains 'Commit 1 &lt;script&gt;' "down to the first commit"
check "and no Older link there" lacks 'rel="next"'

as alice "$HUB_URL/alice/demo/commits/branch/feature%2Fx"
expect_status 200 "GET …/commits/branch/feature%2Fx: 200"
expect_body_contains 'A feature' "the branch's own commit"
check "not main's newer one" lacks 'Main moves on'
as alice "$HUB_URL/alice/demo/commits?branch=feature/x"
expect_body_contains 'A feature' "?branch=feature/x: the same"
as alice "$HUB_URL/alice/demo/commits/branch/nope"
expect_status 404 "an unknown branch: 404"
as alice "$HUB_URL/alice/demo/commits?page=zzz"
expect_status 400 "a bad page: 400"

as alice "$HUB_URL/alice/demo/commits/$FEAT"
expect_status 200 "GET …/commits/{hash} (feature): 200"
expect_body_contains 'feature.txt' "the diff lists feature.txt"
expect_body_contains 'Binary file: not shown.' "blob.bin is noted as binary"
expect_body_contains "${MAIN1:0:12}" "the parent is linked"
as alice "$HUB_URL/alice/demo/commits/${MAIN:0:10}"
expect_status 200 "a short hash: 200"
expect_body_contains '<td class="ln"></td><td class="ln">36</td><td><code>line 36</code>' "an added line with its new line number"
expect_body_contains '<td class="ln">35</td><td class="ln">35</td>' "context lines carry both numbers"
check "a raw diff link on the page" grep -qF "href=\"/alice/demo/diff/$MAIN\"" "$RESP_BODY"
jar=$TEST_TMP/alice.jar
req -c "$jar" "$HUB_URL/login"
token=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$RESP_BODY" | head -n 1 | sed 's/.*value="//; s/"$//')
req -b "$jar" -c "$jar" --data-urlencode "csrf=$token" --data-urlencode "login=alice" \
	--data-urlencode "password=$(password_of alice)" "$HUB_URL/login"
req -b "$jar" "$HUB_URL/alice/demo/diff/$MAIN"
expect_status 200 "the raw diff with a browser session: 200"
expect_header Content-Type '^text/plain' "as text/plain"
expect_body_contains '+line 36' "the commit's diff"
req -b "$jar" "$HUB_URL/alice/demo/commits/$MAIN"
expect_status 200 "the commit page with a browser session: 200"
as alice "$HUB_URL/alice/demo/commits/${ROOT}"
expect_body_contains 'none (the first commit)' "the root commit has no parents"
as alice "$HUB_URL/alice/demo/commits/0000000000000000000000000000000000000000"
expect_status 404 "an unknown commit: 404"
as alice "$HUB_URL/alice/demo/commits/not-a-hash"
expect_status 404 "something that is no hash: 404"

as alice "$HUB_URL/alice/demo/branches"
expect_status 200 "GET /alice/demo/branches: 200"
expect_body_contains 'feature/x' "feature/x is listed"
expect_body_contains 'main branch' "main is marked as the main branch"
check "feature/x: 1 behind, 1 ahead" one_line_has '<td class="num">1</td> *<td class="num">1</td>'
expect_body_contains 'v2' "tags are listed"

as alice "$HUB_URL/alice/empty/commits"
expect_status 200 "the commits page of an empty repository: 200"
expect_body_contains 'no commits' "says there are none"
as alice "$HUB_URL/alice/empty/branches"
expect_body_contains 'no branches' "and no branches"

as alice "$HUB_URL/alice/devonly/commits"
expect_status 200 "a repository without its main branch (only dev): 200"
expect_body_contains 'no commits' "nothing on the main branch"
as alice "$HUB_URL/alice/devonly/commits/branch/dev"
expect_body_contains 'Main moves on' "dev's commits on its own page"

req "$HUB_URL/alice/demo/commits"
check "anonymous on a private repository: not 200" test "$RESP_STATUS" != 200
as bob "$HUB_URL/alice/demo/commits"
expect_status 404 "an outsider on a private repository: 404"
req "$HUB_URL/alice/pub/commits"
expect_status 200 "anonymous on a public repository: 200"

# --- commits API -------------------------------------------------------------------------------

as alice "$API/commits?pagelen=10"
expect_status 200 "GET …/commits: 200"
expect_json 'len(j["values"]) == 10 and j["pagelen"] == 10 and "next" in j' "a page of 10 with next"
expect_json "j['values'][0]['hash'] == '$MAIN'" "newest first: main's tip (all refs)"
expect_json 'j["values"][0]["type"] == "commit" and j["values"][0]["author"]["raw"] == "Alice & \"Ex\" Ample <alice@example.com>"' "commit objects with author.raw"
expect_json 'j["values"][0]["author"]["user"]["nickname"] == "alice"' "author.user: the hub user of that confirmed email"
expect_json 'j["values"][0]["summary"]["type"] == "rendered" and "<script>" not in j["values"][0]["summary"]["html"]' "summary.html is rendered safely"
seen=0
url="$API/commits?pagelen=10"
while [ -n "$url" ] && [ "$seen" -lt 20 ]; do
	as alice "$url"
	python3 -c 'import json,sys; [print(v["hash"]) for v in json.load(open(sys.argv[1]))["values"]]' "$RESP_BODY" >>"$TEST_TMP/hashes"
	url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("next", ""))' "$RESP_BODY")
	seen=$((seen + 1))
done
check "following next: all 37 commits once each" test "$(sort -u "$TEST_TMP/hashes" | wc -l)" = 37 -a "$(wc -l <"$TEST_TMP/hashes")" = 37

as alice "$API/commits/feature%2Fx?exclude=main"
expect_json "[v['hash'] for v in j['values']] == ['$FEAT']" "commits/feature%2Fx?exclude=main: the feature's own commit"
as alice "$API/commits?include=main&exclude=feature%2Fx"
expect_json "[v['hash'] for v in j['values']] == ['$MAIN']" "include=main&exclude=feature/x: main's own commit"
as alice "$API/commits?include=main,feature/x&pagelen=2"
expect_json "[v['hash'] for v in j['values']] == ['$MAIN', '$FEAT']" "a comma list of includes"
as alice -X POST --data-urlencode 'include=feature/x' --data-urlencode 'exclude=main' "$API/commits"
expect_json "[v['hash'] for v in j['values']] == ['$FEAT']" "POST …/commits with a form body: the same walk"
as alice -X POST --data-urlencode 'exclude=feature/x' "$API/commits/main?pagelen=1"
expect_json "[v['hash'] for v in j['values']] == ['$MAIN'] and 'next' not in j" "POST …/commits/main"
as alice "$API/commits/main?path=feature.txt"
expect_json 'j["values"] == []' "path=feature.txt on main: none"
as alice "$API/commits?path=feature.txt"
expect_json "[v['hash'] for v in j['values']] == ['$FEAT']" "path=feature.txt on all refs: the feature"
as alice "$API/commits/nope"
expect_status 404 "an unknown revision: 404"
expect_api_error hub "in Bitbucket's error shape"
as alice "$API/commits?page=f1-xyz"
expect_status 400 "a forged cursor: 400"
expect_api_error hub "in Bitbucket's error shape"
as alice "$API/commits?pagelen=1000"
expect_status 400 "pagelen over 100: 400"

as alice "$API/commit/${MAIN:0:7}"
expect_status 200 "GET …/commit/{short hash}: 200"
expect_json "j['hash'] == '$MAIN' and j['parents'][0]['hash'] == '$MAIN1'" "the commit and its parent"
expect_json 'all(k in j["links"] for k in ["self", "html", "diff", "patch", "comments", "approve", "statuses"])' "the commit's links"
expect_json 'j["repository"]["full_name"] == "alice/demo"' "its repository"
as alice "$API/commit/main"
expect_status 404 "…/commit/{branch name}: 404 (a hash is needed)"
as alice "$API/commit/deadbeef"
expect_status 404 "an unknown hash: 404"

# --- diff API ----------------------------------------------------------------------------------

as alice "$API/diff/$MAIN"
expect_status 200 "GET …/diff/{commit}: 200"
expect_header Content-Type '^text/plain' "as text/plain"
expect_body_contains '+line 36' "the commit against its parent"
as alice "$API/diff/feature%2Fx..main"
expect_body_contains '+feature' "A..B: A (feature/x) is the new side"
check "topic diff: main's own change stays out" lacks 'line 36'
expect_body_contains 'GIT binary patch' "binary patches by default"
as alice "$API/diff/feature%2Fx..main?topic=false"
expect_body_contains '-line 36' "topic=false: against main itself"
as alice "$API/diff/feature%2Fx..main?binary=false"
check "binary=false: no binary patch" lacks 'GIT binary patch'
as alice "$API/diff/feature%2Fx..main?path=feature.txt"
check "path=feature.txt: only that file" lacks 'blob.bin'
as alice "$API/diff/$MAIN?context=0"
check "context=0: no context lines" no_line_starting ' line 35'
as alice "$API/diff/nope..main"
expect_status 404 "an unknown side: 404"
expect_api_error hub "in Bitbucket's error shape"
as alice "$API/diff/a..b..c"
check "a spec of three: 400 or 404" test "$RESP_STATUS" = 400 -o "$RESP_STATUS" = 404
as alice "$API/diff/$MAIN?context=abc"
expect_status 400 "context=abc: 400"

as alice "$API/diffstat/feature%2Fx..main"
expect_status 200 "GET …/diffstat/A..B: 200"
expect_json 'j["pagelen"] == 500 and sorted((v["status"], v["new"]["path"]) for v in j["values"]) == [("added", "blob.bin"), ("added", "feature.txt")]' "two added files, pagelen 500"
expect_json 'all(v["type"] == "diffstat" and v["old"] is None for v in j["values"])' "diffstat objects, old null for added files"
as alice "$API/diffstat/$MAIN"
expect_json 'j["values"][0]["status"] == "modified" and j["values"][0]["lines_added"] == 1 and j["values"][0]["old"]["path"] == "log.txt"' "a modification with its counts"
as alice "$API/patch/$MAIN"
expect_body_contains 'Subject: [PATCH] Main moves on' "GET …/patch/{commit}: a mail-style patch"
as alice "$API/merge-base/feature%2Fx..main"
expect_json "j['hash'] == '$MAIN1'" "GET …/merge-base/A..B: the common ancestor"

# --- refs API ----------------------------------------------------------------------------------

as alice "$API/refs/branches"
expect_json '[v["name"] for v in j["values"]] == ["feature/x", "main"] and j["size"] == 2' "GET …/refs/branches: by name"
expect_json 'j["values"][1]["type"] == "branch" and j["values"][1]["merge_strategies"] == ["merge_commit", "squash", "fast_forward"] and j["values"][1]["default_merge_strategy"] == "merge_commit"' "the branch shape"
expect_json "j['values'][1]['target']['hash'] == '$MAIN' and j['values'][1]['target']['type'] == 'commit'" "target: the full commit"
as alice "$API/refs/branches?q=name+~+%22feat%22"
expect_json '[v["name"] for v in j["values"]] == ["feature/x"]' "q=name ~ \"feat\""
as alice "$API/refs/branches?sort=-name"
expect_json '[v["name"] for v in j["values"]] == ["main", "feature/x"]' "sort=-name"
as alice "$API/refs"
expect_json '[v["type"] for v in j["values"]] == ["branch", "branch", "tag", "tag"]' "GET …/refs: branches and tags"
as alice "$API/refs/tags/v2"
expect_json "j['type'] == 'tag' and j['message'] == 'Release <two>\n' and j['target']['hash'] == '$MAIN' and j['tagger']['raw'].startswith('Alice')" "an annotated tag with its message"
as alice "$API/refs/branches/feature%2Fx"
expect_json "j['name'] == 'feature/x' and j['target']['hash'] == '$FEAT'" "GET …/refs/branches/feature%2Fx"
as alice "$API/refs/branches/nope"
expect_status 404 "an unknown branch: 404"

refs_before=$(git --git-dir="${GIT_DIR_OF[demo]}" for-each-ref | md5sum)
as alice -H 'Content-Type: application/json' -d "{\"name\": \"feature/new\", \"target\": {\"hash\": \"${MAIN1:0:8}\"}}" "$API/refs/branches"
expect_status 201 "POST …/refs/branches with a short hash: 201"
expect_json "j['name'] == 'feature/new' and j['target']['hash'] == '$MAIN1'" "the new branch"
check "git sees it" test "$(git --git-dir="${GIT_DIR_OF[demo]}" rev-parse feature/new)" = "$MAIN1"
refs_before=$(git --git-dir="${GIT_DIR_OF[demo]}" for-each-ref | md5sum)
for body in '{"name": "feature/new", "target": {"hash": "'"$MAIN"'"}}' \
	'{"name": "bad..name", "target": {"hash": "'"$MAIN"'"}}' \
	'{"name": "x", "target": {"hash": "main"}}' '{"name": "x"}' '[1]' \
	'{"name": "x", "target": {"hash": "ffffffffff"}}'; do
	as alice -H 'Content-Type: application/json' -d "$body" "$API/refs/branches"
	case $RESP_STATUS in
	400 | 404 | 409) pass "refused: $body ($RESP_STATUS)" ;;
	*) fail "refused: $body" "status $RESP_STATUS" ;;
	esac
done
expect_api_error hub "in Bitbucket's error shape"
check "the refused requests changed nothing" test "$(git --git-dir="${GIT_DIR_OF[demo]}" for-each-ref | md5sum)" = "$refs_before"
as alice -X DELETE "$API/refs/branches/main"
expect_status 400 "DELETE the main branch: 400"
as alice -X DELETE "$API/refs/branches/feature%2Fnew"
expect_status 204 "DELETE …/refs/branches/feature%2Fnew: 204"
check "gone from git" test -z "$(git --git-dir="${GIT_DIR_OF[demo]}" for-each-ref refs/heads/feature/new)"
as alice -X DELETE "$API/refs/branches/feature%2Fnew"
expect_status 404 "again: 404"

as alice -H 'Content-Type: application/json' -d "{\"name\": \"v3\", \"target\": {\"hash\": \"$MAIN\"}, \"message\": \"Three\"}" "$API/refs/tags"
expect_status 201 "POST …/refs/tags with a message: 201"
expect_json 'j["type"] == "tag" and j["message"] == "Three" and j["tagger"]["raw"] == "User alice <alice@example.com>"' "an annotated tag by the caller"
as alice -X DELETE "$API/refs/tags/v3"
expect_status 204 "DELETE …/refs/tags/v3: 204"

# Who may write: anonymous 401, a reader 403 (public repository), an outsider 404.
req -H 'Content-Type: application/json' -d "{\"name\": \"x\", \"target\": {\"hash\": \"$MAIN\"}}" "$HUB_URL/2.0/repositories/alice/pub/refs/branches"
expect_status 401 "anonymous POST …/refs/branches: 401"
as bob -H 'Content-Type: application/json' -d "{\"name\": \"x\", \"target\": {\"hash\": \"$MAIN\"}}" "$HUB_URL/2.0/repositories/alice/pub/refs/branches"
expect_status 403 "a reader's POST …/refs/branches: 403"
as bob -X DELETE "$HUB_URL/2.0/repositories/alice/pub/refs/branches/main"
expect_status 403 "a reader's DELETE: 403"
as bob "$API/refs/branches"
expect_status 404 "an outsider on a private repository's refs: 404"
req "$HUB_URL/2.0/repositories/alice/pub/refs/branches"
expect_status 200 "anonymous reads a public repository's refs"
check "nothing changed in pub" test "$(git --git-dir="${GIT_DIR_OF[pub]}" for-each-ref | wc -l)" = 1

# The API's ref changes are recorded like pushes (push.h): created, then deleted.
PUSH_SQL="SELECT count(*) FROM push_refs WHERE ref IN ('refs/heads/feature/new', 'refs/tags/v3')"
rows=
if [ "${WEFT_TEST_ENGINE:-sqlite}" = postgres ]; then
	rows=$(psql "$(cat "$TEST_TMP/hub-db.url")" -qAtc "$PUSH_SQL" 2>/dev/null)
elif command -v sqlite3 >/dev/null 2>&1; then
	rows=$(sqlite3 "$DATA/hub.db" "$PUSH_SQL")
fi
if [ -n "$rows" ]; then
	check "the branch and tag changes are recorded as pushes (4 ref updates)" test "$rows" = 4
fi

# --- a push after the pages were read --------------------------------------------------------
# The server keeps repositories open between requests and remembers directory listings' last
# commits per commit: what a push adds shows at once, even from a new pack, and nothing is stale.

req "$HUB_URL/alice/pub/src/main/"
expect_status 200 "the public repository's root listing, read before the push"
req "$HUB_URL/alice/pub/commits"
expect_body_contains 'Main moves on' "and its commits, the newest being 'Main moves on'"
(
	cd "$WORK" && git checkout -q main &&
		printf 'pushed later\n' >later.txt && git add later.txt &&
		GIT_COMMITTER_DATE="@1700300000 +0000" GIT_AUTHOR_DATE="@1700300000 +0000" \
			git commit -q -m 'Pushed after the pages were read' &&
		git push -q "file://${GIT_DIR_OF[pub]}" main 2>"$TEST_TMP/push.err" &&
		git --git-dir="${GIT_DIR_OF[pub]}" repack -adq
) || bail "cannot push the later commit: $(cat "$TEST_TMP/push.err")"
LATER=$(git -C "$WORK" rev-parse main)
req "$HUB_URL/alice/pub/commits"
expect_body_contains 'Pushed after the pages were read' "the commits page shows the pushed commit at once"
req "$HUB_URL/alice/pub/src/main/"
expect_body_contains 'later.txt' "the root listing shows the pushed file"
check "with the pushed commit as its last commit" grep -q "Pushed after the pages were read" "$RESP_BODY"
req "$HUB_URL/2.0/repositories/alice/pub/diff/$LATER"
expect_status 200 "the pushed commit's diff (its objects only in the new pack): 200"
expect_body_contains '+pushed later' "with the added line"
req "$HUB_URL/alice/pub/commits/$LATER"
expect_body_contains 'later.txt' "and its commit page lists later.txt"

# --- the npm bitbucket client ------------------------------------------------------------------

run_conformance bitbucket_history.mjs HUB_URL="$HUB_URL" HUB_USERNAME=alice \
	HUB_PASSWORD="$(password_of alice)" HUB_WORKSPACE=alice HUB_REPO=demo

stop_server "the server stops cleanly (status 0, no sanitizer report)"

done_testing

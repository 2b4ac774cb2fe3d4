# Source browsing end to end: content pushed with the real git (over file://, straight into the
# bare repository) and with POST /src; the overview page (README rendered safely, clone URL, next
# steps of an empty repository), directory and file pages (text, binary, huge, image and Unicode
# names, branches with '/'), raw files that never render on our origin, the src and filehistory
# API with curl; then the npm `bitbucket` client (tests/conformance/bitbucket_source.mjs).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/repos_lib.sh"

hub_store source
command -v git >/dev/null 2>&1 || bail "the source tests need git"

forget_response
create_user alice
create_user bob
pass "created the users alice and bob"

weft_launch hub serve hub --data "$DATA" --hub-listen 127.0.0.1:0 "${HUB_DB[@]}" ||
	bail "weft serve hub did not start"

create_repo demo true
create_repo empty true
create_repo other false
pass "created the repositories demo, empty and other"

# --- content, pushed with git over file:// -----------------------------------------------------

WORK=$TEST_TMP/work
UNICODE_NAME='ünïcødé файл.txt'
make_content() {
	git init -q -b main "$WORK" &&
		cd "$WORK" &&
		git config user.name 'Alice Example' && git config user.email alice@example.com &&
		cat >README.md <<'EOF' &&
# Demo project

Some *text*. <script>alert("xss")</script>

<img src=x onerror=alert(2)>

[click](javascript:alert(3)) and [fine](https://example.com/)
EOF
		mkdir -p dir/sub && printf 'deep\n' >dir/sub/deep.txt && printf 'a\n' >dir/a.txt &&
		printf 'unicode <b>body</b>\n' >"$UNICODE_NAME" &&
		printf '<html><script>alert(1)</script></html>\n' >page.html &&
		printf '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n' >pic.svg &&
		printf 'one\ntwo & <three>\n' >notes.txt &&
		printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82' >logo.png &&
		head -c 3000 /dev/urandom >data.bin && printf '\0' >>data.bin &&
		python3 -c 'import sys; sys.stdout.write(("x" * 99 + "\n") * 90000)' >big.txt &&
		git add -A && git commit -q -m 'First <commit> & more' &&
		printf 'two\n' >>notes.txt && git commit -q -am 'Second: notes' &&
		git checkout -q -b feature/x && printf 'feature\n' >feature.txt && git add feature.txt &&
		git commit -q -m 'A feature' && git checkout -q main &&
		git push -q "file://${GIT_DIR_OF[demo]}" main feature/x 2>"$TEST_TMP/push.err"
}
(make_content) || bail "cannot push the test content: $(cat "$TEST_TMP/push.err")"
MAIN_HASH=$(git -C "$WORK" rev-parse main)
pass "pushed main and feature/x with git over file://"

# --- the overview ------------------------------------------------------------------------------

as alice "$HUB_URL/alice/demo"
expect_status 200 "GET /alice/demo as its owner: 200"
expect_html "the overview is HTML"
expect_body_contains '<h1>Demo project</h1>' "the README is rendered from Markdown"
check "the README's <script> is not on the page" lacks '<script>alert'
check "the README's <img onerror> is not on the page" lacks 'onerror'
check "the README's javascript: link is gone" lacks 'href="javascript'
expect_body_contains '<a href="https://example.com/">fine</a>' "the README's safe link stays"
expect_body_contains "://alice@" "the clone URL carries the viewer's username"
expect_body_contains "/alice/demo.git" "the clone URL ends in /alice/demo.git"
expect_body_contains 'data-copy-target="clone-url"' "a copy button for the clone URL"
expect_body_contains '<script src="/static/copy.js"' "its script is a static file (CSP)"
expect_body_contains 'href="/alice/demo/admin"' "a link to the settings for its admin"
expect_body_contains 'href="/alice/demo/commits"' "a link to the commits"
expect_body_contains 'href="/alice/demo/branches"' "a link to the branches"
expect_body_contains 'href="/alice/demo/src/feature%2Fx/"' "the branch selector encodes feature/x as one segment"
expect_body_contains 'Second: notes' "the recent commits"
expect_body_contains 'First &lt;commit&gt; &amp; more' "commit messages are escaped"
expect_body_contains 'href="/alice/demo/src/main/dir/"' "the root listing links the directory"
req "$HUB_URL/static/copy.js"
expect_header Content-Type '^text/javascript' "GET /static/copy.js: JavaScript"

as bob "$HUB_URL/alice/demo"
expect_status 404 "an outsider gets 404 for the private repository"
as bob "$HUB_URL/alice/demo/raw/main/notes.txt"
expect_status 404 "and for its raw files"
# The clone URL opened in a browser leads to the repository's page.
as alice "$HUB_URL/alice/demo.git"
expect_status 301 "GET /alice/demo.git (a browser, no git service): 301"
expect_header Location '/alice/demo$' "to the repository's page"
as bob "$HUB_URL/alice/demo.git"
expect_status 404 "but not for an outsider of the private repository: 404"
as alice "$HUB_URL/alice/nope.git"
expect_status 404 "a missing repository's .git: 404"

as alice "$HUB_URL/alice/empty"
expect_status 200 "GET the empty repository: 200"
expect_body_contains 'This repository is empty' "the empty state"
expect_body_contains 'git clone ' "next steps: clone it"
expect_body_contains 'git remote add origin ' "next steps: add existing files"
expect_body_contains 'git push -u origin --all' "next steps: push an existing repository"
as alice "$HUB_URL/alice/empty/src"
expect_status 404 "the empty repository has no source to browse"

# --- directories and files ---------------------------------------------------------------------

as alice "$HUB_URL/alice/demo/src"
expect_status 302 "GET /alice/demo/src: redirect"
expect_header Location '/alice/demo/src/main/$' "to the main branch's root"
as alice "$HUB_URL/alice/demo/src/main/"
expect_status 200 "the root directory page"
expect_body_contains 'big.txt' "lists the files"
as alice "$HUB_URL/alice/demo/src/main/dir/sub/"
expect_status 200 "a nested directory"
expect_body_contains 'deep.txt' "its file"
expect_body_contains 'href="/alice/demo/src/main/dir/"' "breadcrumbs link the parents"
expect_body_contains 'First &lt;commit&gt; &amp; more' "the last commit of each entry"
as alice "$HUB_URL/alice/demo/src/main/notes.txt"
expect_status 200 "a text file's page"
expect_body_contains 'id="L2"' "line numbers"
expect_body_contains 'two &amp; &lt;three&gt;' "escaped content"
expect_body_contains 'href="/alice/demo/raw/main/notes.txt"' "the raw link"
encoded=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$UNICODE_NAME")
as alice "$HUB_URL/alice/demo/src/main/$encoded"
expect_status 200 "a Unicode file name's page"
expect_body_contains "$UNICODE_NAME" "shows the name"
expect_body_contains 'unicode &lt;b&gt;body&lt;/b&gt;' "and the escaped content"
as alice "$HUB_URL/alice/demo/src/main/data.bin"
expect_body_contains 'binary file' "a binary file is offered for download"
as alice "$HUB_URL/alice/demo/src/main/big.txt"
expect_body_contains 'too large to display' "a huge file is too large to display"
as alice "$HUB_URL/alice/demo/src/main/logo.png"
expect_body_contains '<img src="/alice/demo/raw/main/logo.png"' "an image is shown from its raw URL"
as alice "$HUB_URL/alice/demo/src/feature%2Fx/"
expect_status 200 "the root of branch feature/x"
expect_body_contains 'href="/alice/demo/src/feature%2Fx/feature.txt"' "its file, linked under the encoded branch"
as alice "$HUB_URL/alice/demo/src/$MAIN_HASH/dir/a.txt"
expect_status 200 "a file at a commit hash"
as alice "$HUB_URL/alice/demo/src/main/nope.txt"
expect_status 404 "a missing path: 404"
as alice "$HUB_URL/alice/demo/src/no-such-branch/"
expect_status 404 "a missing branch: 404"
as alice "$HUB_URL/alice/demo/src/main/..%2F..%2Fetc/passwd"
expect_status 400 "a path with '..': 400"

# --- raw files ---------------------------------------------------------------------------------

as alice "$HUB_URL/alice/demo/raw/main/notes.txt"
expect_status 200 "raw text file"
expect_header Content-Type '^text/plain; charset=utf-8$' "as text/plain"
expect_header X-Content-Type-Options '^nosniff$' "with nosniff"
expect_header Content-Security-Policy 'sandbox' "with a sandbox CSP"
check "the exact bytes" cmp -s "$RESP_BODY" "$WORK/notes.txt"
etag=$(resp_header ETag)
as alice -H "If-None-Match: $etag" "$HUB_URL/alice/demo/raw/main/notes.txt"
expect_status 304 "If-None-Match with its ETag: 304"
as alice "$HUB_URL/alice/demo/raw/main/page.html"
expect_header Content-Type '^text/plain' "an HTML file is never served as HTML"
as alice "$HUB_URL/alice/demo/raw/main/pic.svg"
expect_header Content-Type '^text/plain' "nor an SVG as an image"
as alice "$HUB_URL/alice/demo/raw/main/logo.png"
expect_header Content-Type '^image/png$' "a PNG is an image"
as alice "$HUB_URL/alice/demo/raw/main/data.bin"
expect_header Content-Disposition '^attachment' "a binary file is a download"
check "its exact bytes" cmp -s "$RESP_BODY" "$WORK/data.bin"
as alice "$HUB_URL/alice/demo/raw/main/big.txt"
check "a huge file's raw bytes are complete (streamed)" cmp -s "$RESP_BODY" "$WORK/big.txt"
expect_header ETag '^"[0-9a-f]{40}"$' "with the blob's ETag"
as alice -H "If-None-Match: $(resp_header ETag)" "$HUB_URL/alice/demo/raw/main/big.txt"
expect_status 304 "and 304 for it"
as alice -I "$HUB_URL/alice/demo/raw/main/big.txt"
expect_status 200 "HEAD of a streamed raw file"
as alice "$HUB_URL/alice/demo/raw/main/$encoded"
expect_header Content-Disposition "filename\\*=UTF-8''" "a Unicode name in Content-Disposition"

# --- the src API -------------------------------------------------------------------------------

API=$HUB_URL/2.0/repositories/alice/demo
as alice "$API/src"
expect_status 302 "GET …/src: a redirect"
expect_header Location "^$HUB_URL/2.0/repositories/alice/demo/src/$MAIN_HASH/\$" "to the main branch tip's root"
as alice -L "$API/src?pagelen=3"
expect_status 200 "following it"
expect_json 'j["pagelen"] == 3 and len(j["values"]) == 3 and "next" in j and j["size"] == 9' "a page of the root listing"
expect_json 'all(v["type"] in ("commit_file", "commit_directory") and v["commit"]["hash"] == "'"$MAIN_HASH"'" for v in j["values"])' "commit_file and commit_directory items at the tip"
as alice "$API/src/main/"
expect_json '{v["path"]: v["type"] for v in j["values"]}["dir"] == "commit_directory"' "dir is a commit_directory"
expect_json '[v for v in j["values"] if v["path"] == "notes.txt"][0]["size"] == '"$(wc -c <"$WORK/notes.txt")" "notes.txt with its size"
expect_json '[v for v in j["values"] if v["path"] == "logo.png"][0]["mimetype"] == "image/png"' "logo.png with its mimetype"
as alice "$API/src/main/dir%2Fsub%2Fdeep.txt"
expect_status 200 "a file whose path arrives as one encoded segment"
expect_header Content-Type '^text/plain$' "text/plain without charset"
expect_header Content-Disposition '^attachment' "as an attachment"
check "its bytes" grep -qx deep "$RESP_BODY"
as alice "$API/src/main/dir/sub/deep.txt?format=meta"
expect_json 'j["type"] == "commit_file" and j["path"] == "dir/sub/deep.txt" and j["size"] == 5 and j["links"]["self"]["href"].startswith("'"$HUB_URL"'/")' "format=meta: a commit_file"
as alice "$API/src/main/dir?format=meta"
expect_json 'j["type"] == "commit_directory" and j["path"] == "dir"' "format=meta of a directory"
as alice "$API/src/main/?max_depth=3&pagelen=100"
expect_json '"dir/sub/deep.txt" in [v["path"] for v in j["values"]]' "max_depth=3 reaches dir/sub/deep.txt"
as alice "$API/src/main/?q=path+~+%22dir%22&sort=-path"
expect_json '[v["path"] for v in j["values"]] == ["dir"]' "q= filters the listing"
as alice "$API/src/feature%2Fx/"
expect_json '"feature.txt" in [v["path"] for v in j["values"]]' "the root of feature/x (encoded, trailing slash)"
as alice "$API/src/main/nope/x.txt"
expect_status 404 "a missing path: 404"
expect_api_error hub "in Bitbucket's error shape"
expect_json 'j["error"]["message"] == "No such file or directory: nope/x.txt"' "with Bitbucket's message"
as alice "$API/src/main/big.txt"
check "a huge raw file through the API" cmp -s "$RESP_BODY" "$WORK/big.txt"
as alice "$API/src/main/data.bin"
expect_header Content-Type '^application/octet-stream$' "a binary file: application/octet-stream"
as alice "$HUB_URL/2.0/repositories/alice/empty/src"
expect_status 404 "…/src of an empty repository: 404"

# --- POST src ----------------------------------------------------------------------------------

as alice --data-urlencode 'message=Add via API' --data-urlencode 'branch=main' \
	--data-urlencode 'author=Carol Writer <carol@example.com>' \
	--data-urlencode 'api/new.txt=made by the API' --data-urlencode 'files=notes.txt' "$API/src"
expect_status 201 "POST …/src (urlencoded): 201"
expect_header Content-Type '^text/plain' "an empty 201 is text/plain"
expect_header Location "^$HUB_URL/2.0/repositories/alice/demo/commit/[0-9a-f]{40}\$" "Location names the new commit"
new_hash=$(resp_header Location)
new_hash=${new_hash##*/}
git --git-dir="${GIT_DIR_OF[demo]}" log -1 --format='%an <%ae>|%s|%P' main >"$TEST_TMP/log" 2>&1
check "the commit is main's tip, with its author, message and parent" \
	grep -qx "Carol Writer <carol@example.com>|Add via API|$MAIN_HASH" "$TEST_TMP/log"
check "and its tree" test "$(git --git-dir="${GIT_DIR_OF[demo]}" show main:api/new.txt)" = 'made by the API'
check "notes.txt was deleted" test -z "$(git --git-dir="${GIT_DIR_OF[demo]}" ls-tree main notes.txt)"
as alice -F 'message=multipart' -F 'branch=topic/new' -F "upload.bin=@$WORK/data.bin" "$API/src"
expect_status 201 "POST …/src (multipart, with a file, on a new branch): 201"
check "the new branch holds the uploaded bytes" cmp -s "$WORK/data.bin" \
	<(git --git-dir="${GIT_DIR_OF[demo]}" show topic/new:upload.bin)
# x-attributes in a part's Content-Disposition (A.7): curl -F cannot write that parameter, so
# the body is written by hand, in the form Bitbucket documents (x-attributes:"...").
printf -- '--XyZ\r\nContent-Disposition: form-data; name="message"\r\n\r\nmodes\r\n--XyZ\r\nContent-Disposition: form-data; name="branch"\r\n\r\ntopic/new\r\n--XyZ\r\nContent-Disposition: attachment; name="bin/run.sh"; filename="run.sh"; x-attributes:"executable"\r\n\r\n#!/bin/sh\n\r\n--XyZ\r\nContent-Disposition: form-data; name="run-link"; x-attributes:"link"\r\n\r\nbin/run.sh\r\n--XyZ--\r\n' >"$TEST_TMP/modes.body"
as alice -H 'Content-Type: multipart/form-data; boundary=XyZ' --data-binary "@$TEST_TMP/modes.body" "$API/src"
expect_status 201 "POST …/src with x-attributes executable and link: 201"
git --git-dir="${GIT_DIR_OF[demo]}" ls-tree topic/new bin/run.sh run-link upload.bin >"$TEST_TMP/modes" 2>&1
check "x-attributes:executable makes mode 100755" grep -q '^100755 blob [0-9a-f]*	bin/run.sh$' "$TEST_TMP/modes"
check "x-attributes:link makes a symbolic link (120000)" grep -q '^120000 blob [0-9a-f]*	run-link$' "$TEST_TMP/modes"
check "a part without x-attributes stays 100644" grep -q '^100644 blob [0-9a-f]*	upload.bin$' "$TEST_TMP/modes"
check "the link points at its target" test "$(git --git-dir="${GIT_DIR_OF[demo]}" cat-file blob topic/new:run-link)" = bin/run.sh
printf -- '--XyZ\r\nContent-Disposition: form-data; name="x.txt"; x-attributes:"sticky"\r\n\r\nx\r\n--XyZ--\r\n' >"$TEST_TMP/bad.body"
as alice -H 'Content-Type: multipart/form-data; boundary=XyZ' --data-binary "@$TEST_TMP/bad.body" "$API/src"
expect_status 400 "an unknown x-attributes value: 400"
as alice --data-urlencode 'branch=main' --data-urlencode "parents=$MAIN_HASH" \
	--data-urlencode 'x.txt=x' "$API/src"
expect_status 409 "a parent that is not the branch's tip: 409"
as alice --data-urlencode 'branch=main' --data-urlencode '../escape.txt=x' "$API/src"
expect_status 400 "a path with '..': 400"
as alice --data-urlencode 'author=nobody' --data-urlencode 'x.txt=x' "$API/src"
expect_status 400 "an author that is not 'Name <email>': 400"
as bob --data-urlencode 'x.txt=x' "$API/src"
expect_status 404 "an outsider cannot commit: 404"
req --data-urlencode 'x.txt=x' "$API/src"
expect_status 401 "anonymous: 401"
as alice --data-urlencode 'message=first' --data-urlencode 'README.md=# Hello' \
	"$HUB_URL/2.0/repositories/alice/empty/src"
expect_status 201 "the first commit of an empty repository through POST …/src"
as alice "$HUB_URL/alice/empty"
expect_body_contains '<h1>Hello</h1>' "its overview now shows the README"

as alice --data-urlencode 'branch=trunk' --data-urlencode 'trunk.txt=t' \
	"$HUB_URL/2.0/repositories/alice/other/src"
expect_status 201 "POST …/src on a new branch trunk of an empty repository"
req "$HUB_URL/alice/other"
expect_status 200 "without a main branch, the overview (anonymous, public repository) …"
expect_body_contains 'Branch: <strong>trunk</strong>' "… shows the first branch"
expect_body_contains 'trunk.txt' "… and its files"
check "the anonymous viewer's clone URL has no username" lacks '://alice@'
req "$HUB_URL/2.0/repositories/alice/other/src"
expect_header Location "^$HUB_URL/2.0/repositories/alice/other/src/[0-9a-f]{40}/\$" "…/src redirects to trunk's tip"

# --- filehistory -------------------------------------------------------------------------------

as alice "$API/filehistory/$new_hash/README.md"
expect_status 200 "GET …/filehistory/{commit}/README.md"
expect_json 'len(j["values"]) == 1 and j["values"][0]["commit"]["hash"] == "'"$(git -C "$WORK" rev-parse main~1)"'"' "one version, from the first commit"
as alice "$API/filehistory/feature%2Fx/notes.txt?pagelen=1"
expect_json 'len(j["values"]) == 1 and j["values"][0]["type"] == "commit_file" and "next" in j' "notes.txt on feature/x: a page of one, with next"
next=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["next"])' "$RESP_BODY")
as alice "$next"
expect_json 'len(j["values"]) == 1 and "next" not in j' "following next: the last version"

# --- the npm bitbucket client ------------------------------------------------------------------

run_conformance bitbucket_source.mjs HUB_URL="$HUB_URL" HUB_USERNAME=alice \
	HUB_PASSWORD="$(password_of alice)" HUB_WORKSPACE=alice HUB_REPO=demo

# The server ends with status 0 and without a sanitizer's report (the sanitized build's run).
stop_server "the server stops cleanly (status 0, no sanitizer report)"

done_testing

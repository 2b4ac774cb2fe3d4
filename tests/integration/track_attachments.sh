# track's attachments: POST issue/{key}/attachments (multipart, X-Atlassian-Token required, one
# or several files, v2, latest and v3), attachment/{id} (GET, DELETE), attachment/meta, the
# content and thumbnail URLs with the headers that keep an uploaded HTML or SVG file from running
# in track's origin, fields.attachment and the changelog, who may read and delete, storage by
# content hash (dedup; the sweep removes what no attachment refers to, also after an issue is
# deleted), a 200 MB file up and down with bounded memory, a SIGKILL during an upload (no row, no
# temporary file), the size limit (413, nothing stored), the issue page's section and form, and
# the npm jira.js clients (tests/conformance/jira_attachments.mjs).

. "$(dirname "$0")/track_env.sh"

ATT=$DATA/attachments
# restart_track [FLAGS...]: the track server again on the same data, with FLAGS.
restart_track() {
	stop_pid "$WEFT_PID"
	weft_launch track serve track --data "$DATA" --track-listen 127.0.0.1:0 "${TRACK_DB[@]}" "$@" ||
		bail "weft serve track did not start again"
	T=$TRACK_URL
	API=$T/rest/api/2
}
restart_track --attachment-max-size $((210 * 1024 * 1024))

blobs() { find "$ATT/blobs" -type f 2>/dev/null | wc -l; }
temps() { find "$ATT/tmp" -type f 2>/dev/null | wc -l; }
count_attachments() { # count_attachments KEY: how many the issue has, as alice sees it
	as alice "$API/issue/$1?fields=attachment" >/dev/null
	jget 'len(j["fields"]["attachment"])'
}
# settle COMMAND EXPECTED: waits up to 10 s for COMMAND's output to be EXPECTED (the sweep is a
# job); prints the last output.
settle() {
	local i out
	for i in $(seq 100); do
		out=$($1)
		[ "$out" = "$2" ] && break
		sleep 0.1
	done
	echo "$out"
}
# upload USER KEY CURL_ARGS...: POST the multipart form to the API with the token header.
upload() {
	local user=$1 key=$2
	shift 2
	as "$user" -H 'X-Atlassian-Token: no-check' "$@" "$API/issue/$key/attachments"
}

# TEST: bob a Developer, carol a User, dave nothing.
json alice POST "$API/project" '{"key":"TEST","name":"Test project","projectTypeKey":"software"}'
[ "$RESP_STATUS" = 201 ] || bail "cannot create TEST"
json alice POST "$API/project/TEST/role/10001" '{"user":["bob"]}'
json alice POST "$API/project/TEST/role/10000" '{"user":["carol"]}'
for s in First Second Third; do
	json bob POST "$API/issue" "{\"fields\":{\"project\":{\"key\":\"TEST\"},\"summary\":\"$s\"}}"
	[ "$RESP_STATUS" = 201 ] || bail "cannot create an issue"
done

printf 'hello, attachments\n' >"$TEST_TMP/hello.txt"

# --- uploads ------------------------------------------------------------------------------------

as bob -F "file=@$TEST_TMP/hello.txt" "$API/issue/TEST-1/attachments"
expect_status 403 "an upload without X-Atlassian-Token is refused"
expect_json 'j["errorMessages"] == ["XSRF check failed"]' "…with Jira's message"
as bob -H 'X-Atlassian-Token: wrong' -F "file=@$TEST_TMP/hello.txt" "$API/issue/TEST-1/attachments"
expect_status 403 "…as is one with another value"
check "…and nothing is stored" test "$(blobs)/$(count_attachments TEST-1)" = 0/0

upload bob TEST-1 -F "file=@$TEST_TMP/hello.txt;type=text/plain"
expect_status 200 "POST issue/TEST-1/attachments"
expect_json 'len(j) == 1 and j[0]["filename"] == "hello.txt" and j[0]["size"] == 19 and j[0]["mimeType"] == "text/plain"' \
	"…answers the array of new attachments"
expect_json 'isinstance(j[0]["id"], str) and j[0]["self"].endswith("/rest/api/2/attachment/" + j[0]["id"]) and j[0]["author"]["name"] == "bob" and j[0]["created"].endswith("+0000")' \
	"…each with id, self, author and created, as Jira"
expect_json 'j[0]["content"].endswith("/secure/attachment/" + j[0]["id"] + "/hello.txt") and "thumbnail" not in j[0]' \
	"…the content URL, no thumbnail for text"
HELLO=$(jget 'j[0]["id"]')
HELLO_URL=$(jget 'j[0]["content"]')
check "one stored file" test "$(blobs)" = 1

printf '<html><body><script>document.title="ran"</script>x</body></html>' >"$TEST_TMP/page.html"
printf '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>' >"$TEST_TMP/pic.svg"
python3 -c 'import sys, zlib, struct
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)' "$TEST_TMP/dot.png"
as carol -H 'X-Atlassian-Token: no-check' -F "file=@$TEST_TMP/page.html;type=text/html" \
	-F "file=@$TEST_TMP/pic.svg;type=image/svg+xml" -F "file=@$TEST_TMP/dot.png;type=image/png" \
	-F "comment=ignored" "$T/rest/api/3/issue/TEST-1/attachments"
expect_status 200 "three files in one upload (v3), by carol (Users role)"
expect_json '[a["filename"] for a in j] == ["page.html", "pic.svg", "dot.png"]' "…in their order"
expect_json '"thumbnail" not in j[0] and "thumbnail" not in j[1] and j[2]["thumbnail"].endswith("/secure/thumbnail/" + j[2]["id"] + "/dot.png")' \
	"…a thumbnail for the PNG only (never for SVG)"
expect_json 'j[0]["self"].split("/rest/api/")[1].startswith("3/")' "…self under the request's version"
PAGE_ID=$(jget 'j[0]["id"]')
SVG_ID=$(jget 'j[1]["id"]')
PNG_ID=$(jget 'j[2]["id"]')
PAGE_URL=$(jget 'j[0]["content"]')
SVG_URL=$(jget 'j[1]["content"]')
PNG_THUMB=$(jget 'j[2]["thumbnail"]')

cp "$TEST_TMP/hello.txt" "$TEST_TMP/again.txt"
as bob -H 'X-Atlassian-Token: nocheck' -F "file=@$TEST_TMP/again.txt" "$T/rest/api/latest/issue/TEST-2/attachments"
expect_status 200 "the same bytes under another name, on another issue (latest, nocheck)"
AGAIN=$(jget 'j[0]["id"]')
check "…are stored once (4 files for 5 attachments)" test "$(blobs)" = 4

# A hostile file name: path parts and control characters go, the rest stays (UTF-8 too).
boundary=weftboundary
printf -- '--%s\r\nContent-Disposition: form-data; name="file"; filename="../..\\etc/r\xc3\xa9\001\033\177sum\xc3\xa9 v1.txt"\r\nContent-Type: Text/Plain; charset=utf-8\r\n\r\nname test\r\n--%s--\r\n' \
	"$boundary" "$boundary" >"$TEST_TMP/hostile.body"
upload bob TEST-3 -H "Content-Type: multipart/form-data; boundary=$boundary" --data-binary "@$TEST_TMP/hostile.body"
expect_status 200 "a file whose name has path parts and control characters"
expect_json 'j[0]["filename"] == "r\u00e9sum\u00e9 v1.txt" and j[0]["mimeType"] == "text/plain"' \
	"…is stored as its last component without control characters (type in lower case)"
NAMED=$(jget 'j[0]["id"]')
NAMED_URL=$(jget 'j[0]["content"]')

upload bob TEST-1 -H 'Content-Type: multipart/form-data; boundary=x' --data-binary $'--x\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nno end'
expect_status 400 "a body without its closing boundary is 400"
upload bob TEST-1 -F "other=@$TEST_TMP/hello.txt"
expect_status 400 "a body without a 'file' part is 400"
expect_json '"file" in j["errorMessages"][0]' "…saying which field to use"
upload bob TEST-1 -H 'Content-Type: application/json' --data-binary '{}'
expect_status 400 "a body that is not multipart is 400"
check "…none of them stored anything" test "$(blobs)/$(temps)" = 5/0
upload dave TEST-1 -F "file=@$TEST_TMP/hello.txt"
expect_status 404 "dave, who cannot browse TEST, gets 404"

# --- reading ------------------------------------------------------------------------------------

as carol "$API/attachment/$HELLO"
expect_status 200 "GET attachment/{id}"
expect_json 'j["id"] == '"$HELLO"' and j["filename"] == "hello.txt" and j["mimeType"] == "text/plain" and j["size"] == 19 and j["properties"] == {} and j["author"]["displayName"].startswith("Bob")' \
	"…Jira's AttachmentMetadata (numeric id)"
as dave "$API/attachment/$HELLO"
expect_status 404 "dave cannot see it: 404"
expect_api_error track "…in Jira's error shape"
as bob "$API/attachment/99999999"
expect_status 404 "an unknown id is 404"
as bob "$API/attachment/meta"
expect_json 'j == {"enabled": True, "uploadLimit": 210 * 1024 * 1024}' "GET attachment/meta: enabled and the limit"

as carol "$HELLO_URL"
expect_status 200 "the content URL"
check "…every byte" cmp -s "$RESP_BODY" "$TEST_TMP/hello.txt"
expect_header Content-Length '^19$' "…with its length"
expect_header Content-Disposition "^attachment; filename=\"hello.txt\"; filename\\*=UTF-8''hello.txt$" \
	"…as a download"
expect_header X-Content-Type-Options '^nosniff$' "…never sniffed"
expect_header Content-Security-Policy "^sandbox; default-src 'none'$" "…in a sandbox"
as dave "$HELLO_URL"
expect_status 404 "dave cannot read the content: 404"
req "$HELLO_URL"
check "anonymous callers must sign in" test "$RESP_STATUS" = 401 -o "$RESP_STATUS" = 303

as bob "$PAGE_URL"
expect_status 200 "the HTML file"
expect_header Content-Disposition '^attachment;' "…downloads, never shows inline"
expect_header Content-Security-Policy "^sandbox; default-src 'none'$" "…and could not run a script if it did"
as bob "$SVG_URL"
expect_header Content-Disposition '^attachment;' "the SVG downloads too"
expect_header Content-Security-Policy "^sandbox; default-src 'none'$" "…in a sandbox"
as bob "$T/secure/thumbnail/$SVG_ID/pic.svg"
expect_status 404 "an SVG has no thumbnail"
as bob "$PNG_THUMB"
expect_status 200 "the PNG's thumbnail"
expect_header Content-Disposition '^inline; filename="dot.png"' "…shows inline"
expect_header Content-Type '^image/png$' "…as a PNG"
check "…the image itself (weft makes no smaller copies)" cmp -s "$RESP_BODY" "$TEST_TMP/dot.png"
as bob "$API/attachment/content/$HELLO"
check "attachment/content/{id} serves the bytes" cmp -s "$RESP_BODY" "$TEST_TMP/hello.txt"
as bob "$API/attachment/thumbnail/$PNG_ID"
check "attachment/thumbnail/{id} serves the image" cmp -s "$RESP_BODY" "$TEST_TMP/dot.png"
as bob "$NAMED_URL"
expect_header Content-Disposition "^attachment; filename=\"r__sum__ v1.txt\"; filename\\*=UTF-8''r%C3%A9sum%C3%A9%20v1.txt$" \
	"a name outside ASCII: an ASCII filename= and the exact one in filename*"
[ "$RESP_STATUS" = 200 ] || diag "$(cat "$RESP_BODY")"

as bob "$API/issue/TEST-1?fields=attachment"
expect_json '[a["filename"] for a in j["fields"]["attachment"]] == ["hello.txt", "page.html", "pic.svg", "dot.png"]' \
	"fields.attachment lists the issue's attachments"
as bob "$API/issue/TEST-1?expand=changelog"
expect_json '[i["toString"] for h in j["changelog"]["histories"] for i in h["items"] if i["field"] == "Attachment"] == ["hello.txt", "page.html", "pic.svg", "dot.png"]' \
	"the changelog has an Attachment item for each"
as bob "$API/search?jql=project%3DTEST%20ORDER%20BY%20key&fields=attachment,summary"
expect_json '[len(i["fields"]["attachment"]) for i in j["issues"]] == [4, 1, 1]' "search results carry fields.attachment"

# --- deleting ------------------------------------------------------------------------------------

as carol -X DELETE "$API/attachment/$HELLO"
expect_status 403 "carol (Users) may not delete bob's attachment"
expect_json '"permission" in j["errorMessages"][0]' "…Jira's message"
as dave -X DELETE "$API/attachment/$HELLO"
expect_status 404 "dave may not even see it"
as carol -X DELETE "$API/attachment/$PAGE_ID"
expect_status 204 "carol deletes her own"
as bob "$API/attachment/$PAGE_ID"
expect_status 404 "…it is gone"
check "…and so is its file, once the sweep ran" test "$(settle blobs 4)" = 4
as bob -X DELETE "$API/attachment/$HELLO"
expect_status 204 "bob deletes hello.txt"
check "…its content stays: again.txt has the same bytes" test "$(settle blobs 4)" = 4
as bob "$T/secure/attachment/$AGAIN/again.txt"
check "…and still reads" cmp -s "$RESP_BODY" "$TEST_TMP/hello.txt"
as alice -X DELETE "$T/rest/api/3/attachment/$AGAIN"
expect_status 204 "a site administrator deletes anyone's (v3)"
check "…the last reference: the file goes" test "$(settle blobs 3)" = 3
as bob "$API/issue/TEST-1?expand=changelog"
expect_json '[i["fromString"] for h in j["changelog"]["histories"] for i in h["items"] if i["field"] == "Attachment" and i["to"] is None] == ["page.html", "hello.txt"]' \
	"deletions are in the changelog"

# --- the issue page -----------------------------------------------------------------------------

page bob /browse/TEST-1
expect_status 200 "the issue page"
expect_body_contains 'id="attachments"' "…has an Attachments section"
expect_body_contains "/secure/attachment/$PNG_ID/dot.png" "…linking each attachment"
expect_body_contains 'enctype="multipart/form-data"' "…and an upload form"
expect_body_contains '/static/attachments.js' "…enhanced by drag and drop"
token=$(csrf_of_body)
printf 'from the page\n' >"$TEST_TMP/form.txt"
req -b "$TEST_TMP/bob.jar" -F "csrf=$token" -F "file=@$TEST_TMP/form.txt" "$T/browse/TEST-1/attachments"
expect_status 303 "uploading through the page's form"
expect_header Location '/browse/TEST-1#attachments$' "…returns to the issue"
req -b "$TEST_TMP/bob.jar" -F "csrf=0000" -F "file=@$TEST_TMP/form.txt" "$T/browse/TEST-1/attachments"
expect_status 403 "…a wrong CSRF token is refused"
check "…and stores nothing" test "$(count_attachments TEST-1)" = 3
page bob /browse/TEST-1
expect_body_contains 'form.txt' "the page lists the new one"
FORM_ID=$(as bob "$API/issue/TEST-1?fields=attachment" >/dev/null; jget '[a["id"] for a in j["fields"]["attachment"] if a["filename"] == "form.txt"][0]')
submit bob /browse/TEST-1 "/browse/TEST-1/attachments/$FORM_ID/delete"
expect_status 303 "deleting through the page"
check "…deleted" test "$(count_attachments TEST-1)" = 2
page carol /browse/TEST-3
check "carol's page offers no delete button for bob's attachment" \
	test "$(grep -c "attachments/$NAMED/delete" "$RESP_BODY")" = 0
page bob /browse/TEST-3
check "…bob's does" test "$(grep -c "attachments/$NAMED/delete" "$RESP_BODY")" = 1

# --- 200 MB, streamed both ways ------------------------------------------------------------------

head -c $((200 * 1024 * 1024)) /dev/urandom >"$TEST_TMP/big.bin"
hwm_before=$(awk '/VmHWM/ {print $2}' "/proc/$WEFT_PID/status")
CURL_MAX_TIME=300 upload bob TEST-2 -F "file=@$TEST_TMP/big.bin"
expect_status 200 "a 200 MB upload"
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$WEFT_PID/status")
if [ $((${hwm:-999999} - ${hwm_before:-0})) -lt $((30 * 1024)) ]; then
	pass "…while the server's peak memory grew by less than 30 MB (VmHWM $hwm_before → $hwm kB)"
else
	fail "…while the server's peak memory grew by less than 30 MB" "VmHWM $hwm_before → $hwm kB"
fi
BIG_URL=$(jget 'j[0]["content"]')
check "…its hash names the stored file" test -f "$ATT/blobs/$(sha256sum "$TEST_TMP/big.bin" | cut -c1-2)/$(sha256sum "$TEST_TMP/big.bin" | cut -d' ' -f1)"
hwm_before=$(awk '/VmHWM/ {print $2}' "/proc/$WEFT_PID/status")
CURL_MAX_TIME=300 as bob "$BIG_URL"
expect_status 200 "downloading it"
check "…every byte" cmp -s "$RESP_BODY" "$TEST_TMP/big.bin"
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$WEFT_PID/status")
if [ $((${hwm:-999999} - ${hwm_before:-0})) -lt $((30 * 1024)) ]; then
	pass "…while the server's peak memory grew by less than 30 MB (VmHWM $hwm_before → $hwm kB)"
else
	fail "…while the server's peak memory grew by less than 30 MB" "VmHWM $hwm_before → $hwm kB"
fi
forget_response

# --- the npm jira.js clients -----------------------------------------------------------------------

run_conformance jira_attachments.mjs TRACK_URL="$T" JIRA_EMAIL=bob@example.com \
	JIRA_TOKEN="${TOKEN[bob]}" JIRA_ISSUE=TEST-3

# --- SIGKILL during an upload ------------------------------------------------------------------------

before=$(count_attachments TEST-3)
stored=$(blobs)
curl -sS -u "bob@example.com:${TOKEN[bob]}" -H 'X-Atlassian-Token: no-check' --limit-rate 2M \
	-F "file=@$TEST_TMP/big.bin" "$API/issue/TEST-3/attachments" >/dev/null 2>&1 &
slow=$!
own_pid "$slow"
sleep 2
kill -KILL "$WEFT_PID"
wait_exit "$WEFT_PID" 5
wait "$slow" 2>/dev/null
forget_pid "$slow"
restart_track --attachment-max-size 1048576
check "after a SIGKILL during an upload: no temporary file" test "$(temps)" = 0
check "…no attachment" test "$(count_attachments TEST-3)" = "$before"
check "…no stored file" test "$(blobs)" = "$stored"

# --- the size limit -------------------------------------------------------------------------------

head -c $((1024 * 1024)) /dev/urandom >"$TEST_TMP/limit.bin"
upload bob TEST-3 -F "file=@$TEST_TMP/limit.bin"
expect_status 200 "a file of exactly --attachment-max-size is taken"
head -c $((3 * 1024 * 1024)) /dev/urandom >"$TEST_TMP/over.bin"
upload bob TEST-3 -F "file=@$TEST_TMP/over.bin"
expect_status 413 "a larger one gets 413"
expect_json 'j["errorMessages"] == ["The field file exceeds its maximum permitted size of 1048576 bytes."]' \
	"…with Jira's message"
check "…and nothing is stored" test "$(count_attachments TEST-3)/$(blobs)/$(temps)" = "$((before + 1))/$((stored + 1))/0"

# --- deleting an issue ---------------------------------------------------------------------------

stored=$(blobs)
as alice -X DELETE "$API/issue/TEST-2"
expect_status 204 "deleting TEST-2, which holds the 200 MB file"
check "…the sweep removes its file" test "$(settle blobs $((stored - 1)))" = $((stored - 1))

done_testing

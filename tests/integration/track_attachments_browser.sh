# Attachments that must not run, in headless Chromium (tests/browser/track_attachments.mjs): an
# HTML and an SVG file with script uploaded on the issue page, their content URLs (and the SVG's
# thumbnail URL) opened without any script running, and a file dropped on the page. Before it,
# with curl, the thumbnail's bounds: only a PNG, JPEG, GIF, WebP or BMP of at most 5 MiB has one
# (the image itself); any other file, or a larger image, answers 404 as Jira does.
#
# Needs node, /usr/bin/chromium (or CHROMIUM) and tests/browser/node_modules (browser_lib.sh).
. "$(dirname "$0")/track_store.sh"
. "$IT_DIR/browser_lib.sh"
diag "track's database: ${TRACK_DB[1]:-$DATA/track.db}"

browser_check_deps

USER_NAME=ada
USER_PASSWORD="ada's pass phrase"
printf '%s\n' "$USER_PASSWORD" | timeout 60 "$WEFT_BIN" track admin create-user "$USER_NAME" \
	--email ada@example.com --admin --data "$DATA" "${TRACK_DB[@]}" >"$TEST_TMP/create-user.out" 2>&1 ||
	bail "create-user: $(cat "$TEST_TMP/create-user.out")"
weft_launch track serve track --data "$DATA" --track-listen 127.0.0.1:0 "${TRACK_DB[@]}" ||
	bail "weft serve track did not start"
T=$TRACK_URL
API=$T/rest/api/2

as_ada() { req -u "$USER_NAME:$USER_PASSWORD" "$@"; }
as_ada -H 'Content-Type: application/json' \
	--data-binary '{"key":"ATT","name":"Attachments","projectTypeKey":"software"}' "$API/project"
[ "$RESP_STATUS" = 201 ] || bail "cannot create project ATT: $RESP_STATUS $(cat "$RESP_BODY")"
as_ada -H 'Content-Type: application/json' \
	--data-binary '{"fields":{"project":{"key":"ATT"},"summary":"Files that must not run"}}' "$API/issue"
[ "$RESP_STATUS" = 201 ] || bail "cannot create ATT-1: $RESP_STATUS $(cat "$RESP_BODY")"

# --- thumbnails: the image itself up to 5 MiB, else 404 -------------------------------------------

# png N FILE: a file of N bytes that starts as a PNG does.
png() {
	{ printf '\211PNG\r\n\032\n'; head -c $(($1 - 8)) /dev/zero; } >"$2"
}
png $((5 * 1024 * 1024)) "$TEST_TMP/at-bound.png"
png $((5 * 1024 * 1024 + 1)) "$TEST_TMP/over-bound.png"
printf 'just text\n' >"$TEST_TMP/notes.txt"
as_ada -H 'Content-Type: application/json' \
	--data-binary '{"fields":{"project":{"key":"ATT"},"summary":"Images"}}' "$API/issue"
as_ada -H 'X-Atlassian-Token: no-check' -F "file=@$TEST_TMP/at-bound.png;type=image/png" \
	-F "file=@$TEST_TMP/over-bound.png;type=image/png" -F "file=@$TEST_TMP/notes.txt;type=text/plain" \
	"$API/issue/ATT-2/attachments"
expect_status 200 "a PNG of 5 MiB, one a byte larger and a text file are attached"
expect_json '"thumbnail" in j[0] and "thumbnail" not in j[1] and "thumbnail" not in j[2]' \
	"… only the PNG of at most 5 MiB has a thumbnail in its JSON"
AT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["id"])' "$RESP_BODY")
OVER=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[1]["id"])' "$RESP_BODY")
TEXT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[2]["id"])' "$RESP_BODY")
as_ada "$T/secure/thumbnail/$AT/at-bound.png"
expect_status 200 "the 5 MiB PNG's thumbnail is 200"
check "… the image itself" cmp -s "$RESP_BODY" "$TEST_TMP/at-bound.png"
expect_header Content-Security-Policy "sandbox" "… under the sandbox CSP"
for path in "secure/thumbnail/$OVER/over-bound.png" "rest/api/2/attachment/thumbnail/$OVER" \
	"secure/thumbnail/$TEXT/notes.txt" "rest/api/2/attachment/thumbnail/$TEXT"; do
	as_ada "$T/$path"
	expect_status 404 "GET /$path (over the bound, or not an image) is 404"
done
expect_api_error track "… in Jira's error shape over the API"
expect_json '"no thumbnail" in j["errorMessages"][0]' "… saying there is no thumbnail"
as_ada "$T/rest/api/2/attachment/thumbnail/$AT"
expect_status 200 "attachment/thumbnail/{id} of the 5 MiB PNG is 200"

# --- in Chromium ---------------------------------------------------------------------------------

browser_run track_attachments.mjs TRACK_URL="$TRACK_URL" TRACK_USERNAME="$USER_NAME" \
	TRACK_PASSWORD="$USER_PASSWORD" ISSUE_KEY=ATT-1

done_testing

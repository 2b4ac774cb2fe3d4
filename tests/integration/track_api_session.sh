# Jira Server's cookie sign-in (/rest/auth/1/session and /rest/auth/latest/session) with curl and a
# cookie jar: POST signs in (the JSESSIONID cookie, Path=/rest, HttpOnly, SameSite=Strict; Jira's
# session and loginInfo), a wrong password is 401 Login failed and counts in loginInfo, throttling
# as the sign-in form's; GET describes the session; the cookie signs in the API with the user's
# permissions and never a page, a page's cookie never the API; Jira's XSRF check on what it may
# change; DELETE ends it; a new password or a deactivation ends it too.

. "$(dirname "$0")/track_env.sh"
. "$IT_DIR/accounts_lib.sh"

CLEAN_IP=127.0.0.1
SESSION=$T/rest/auth/1/session

# api JAR CURL_ARGS... URL: a request with the API session cookies of JAR (kept up to date).
api() {
	local jar=$1
	shift
	req --interface $CLEAN_IP -b "$jar" -c "$jar" "$@"
}
# session_sign_in JAR USER PASSWORD [IP]: POST /rest/auth/1/session into JAR.
session_sign_in() {
	req --interface "${4:-$CLEAN_IP}" -b "$1" -c "$1" -H 'Content-Type: application/json' \
		--data-binary "{\"username\":\"$2\",\"password\":\"$3\"}" "$SESSION"
}
jsession_of() { cookie "$1" JSESSIONID; }

json alice POST "$API/project" '{"key":"TEST","name":"Test project","projectTypeKey":"software"}'
[ "$RESP_STATUS" = 201 ] || bail "cannot create TEST"
json alice POST "$API/project/TEST/role/10001" '{"user":["bob"]}'
json alice POST "$API/issue" '{"fields":{"project":{"key":"TEST"},"summary":"Made by alice"}}'
[ "$RESP_STATUS" = 201 ] || bail "cannot create TEST-1"

# --- signing in ----------------------------------------------------------------------------------

BOB=$TEST_TMP/bob-api.jar
req -b "$BOB" -c "$BOB" -H 'Content-Type: application/json' --data-binary '{"username":"bob"}' "$SESSION"
expect_status 400 "POST session without a password is 400"
expect_api_error track "… in Jira's error shape"
req -b "$BOB" -c "$BOB" -H 'Content-Type: application/json' --data-binary '[1]' "$SESSION"
expect_status 400 "POST session with a JSON array is 400"

req -b "$BOB" -c "$BOB" -H 'Content-Type: text/plain' --data-binary '{"username":"bob","password":"bob-password-123"}' "$SESSION"
expect_status 403 "POST session with a text/plain body (a cross-site form's) is 403"
expect_json 'j["errorMessages"] == ["XSRF check failed"]' "… XSRF check failed"
check "… and sets no cookie" test -z "$(jsession_of "$BOB" || true)"
session_sign_in "$BOB" bob bob-password-123
expect_status 200 "POST /rest/auth/1/session with bob's password is 200"
expect_json 'j["session"]["name"] == "JSESSIONID" and len(j["session"]["value"]) == 64' \
	"… session {name: JSESSIONID, value: 64 hex digits}"
# track_env.sh signed bob in on the sign-in page once: that counts.
expect_json 'j["loginInfo"]["loginCount"] == 2 and j["loginInfo"]["failedLoginCount"] == 0' \
	"… loginInfo: the second sign-in (the page's was the first), no failures"
expect_json '"previousLoginTime" in j["loginInfo"] and "lastFailedLoginTime" not in j["loginInfo"]' \
	"… the previous sign-in's time, no failed sign-in time"
FIRST_VALUE=$(jget 'j["session"]["value"]')
expect_header Set-Cookie '^JSESSIONID=[0-9a-f]{64}; Path=/rest; Max-Age=1209600; HttpOnly; SameSite=Strict$' \
	"… Set-Cookie JSESSIONID, Path=/rest, HttpOnly, SameSite=Strict, not Secure over http"
check "… the cookie is the session value in the body" test "$(jsession_of "$BOB")" = "$FIRST_VALUE"

api "$BOB" "$API/myself"
expect_status 200 "GET myself with the session cookie is 200"
expect_json 'j["name"] == "bob"' "… as bob"
api "$BOB" "$T/rest/api/3/myself"
expect_status 200 "… under /rest/api/3 too"

api "$BOB" "$SESSION"
expect_status 200 "GET session with the cookie is 200"
expect_json 'j["self"].endswith("/rest/api/2/user?username=bob") and j["self"].startswith("http") and j["name"] == "bob"' \
	"… self is /rest/api/2/user?username=bob, name bob"
expect_json 'j["loginInfo"]["loginCount"] == 2' "… with its loginInfo"
api "$BOB" "$T/rest/auth/latest/session"
expect_status 200 "GET /rest/auth/latest/session with the cookie is 200"

req "$SESSION"
expect_status 401 "GET session without a cookie is 401"
expect_api_error track "… in Jira's error shape"
req -H "Cookie: JSESSIONID=$(printf '%064d' 0)" "$SESSION"
expect_status 401 "GET session with an unknown session id is 401"
req -H "Cookie: JSESSIONID=../../etc" "$SESSION"
expect_status 401 "GET session with a malformed session id is 401"
as bob "$SESSION"
expect_status 200 "GET session with Basic credentials describes bob"
expect_json 'j["name"] == "bob"' "… by name"

# --- wrong passwords and loginInfo --------------------------------------------------------------

session_sign_in "$TEST_TMP/wrong.jar" bob "not bob's password"
expect_status 401 "a wrong password is 401"
expect_json 'j == {"errorMessages": ["Login failed"], "errors": {}}' "… {errorMessages: [Login failed], errors: {}}"
expect_no_header Set-Cookie "… and sets no cookie"
session_sign_in "$TEST_TMP/wrong.jar" nobody-at-all "whatever password"
expect_status 401 "an unknown username is 401 alike"
expect_json 'j["errorMessages"] == ["Login failed"]' "… with the same message"

BOB2=$TEST_TMP/bob-api-2.jar
session_sign_in "$BOB2" bob@example.com bob-password-123
expect_status 200 "signing in again (with the email) is 200"
expect_json 'j["loginInfo"]["loginCount"] == 3 and j["loginInfo"]["failedLoginCount"] == 1' \
	"… loginInfo counts three sign-ins and the failure"
expect_json 'all(k in j["loginInfo"] for k in ("previousLoginTime", "lastFailedLoginTime"))' \
	"… with previousLoginTime and lastFailedLoginTime"
expect_json '__import__("re").fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000", j["loginInfo"]["previousLoginTime"])' \
	"… in Jira's time format"
check "… a new session value" test "$(jsession_of "$BOB2")" != "$FIRST_VALUE"
api "$BOB" "$API/myself"
expect_status 200 "the first session still works beside the second"

# Throttling: the account at one address has 3 free failures, then waits 1 s, then 2 s. A 4th
# failure after the first wait leaves 2 s in which the next attempt, even right, is refused.
DAVE=$TEST_TMP/dave-api.jar
for n in 1 2 3; do
	session_sign_in "$DAVE" dave "wrong password $n" 127.0.0.9
done
expect_status 401 "three wrong passwords from one address are 401 each"
sleep 1.2
session_sign_in "$DAVE" dave "wrong password 4" 127.0.0.9
expect_status 401 "… a fourth after a second is 401"
session_sign_in "$DAVE" dave dave-password-123 127.0.0.9
expect_status 429 "the next attempt, even right, must wait: 429"
expect_header Retry-After '^[0-9]+$' "… with Retry-After"
expect_api_error track "… in Jira's error shape"
check "… and no session" test -z "$(jsession_of "$DAVE" || true)"
# The same counts as the sign-in page's: failures there hold the API back too.
DAVE_PAGE=$TEST_TMP/dave-page.jar
req --interface 127.0.0.10 -c "$DAVE_PAGE" "$T/login"
token=$(csrf_of_body)
page_fail() {
	req --interface 127.0.0.10 -b "$DAVE_PAGE" -c "$DAVE_PAGE" --data-urlencode "csrf=$token" \
		--data-urlencode "login=dave" --data-urlencode "password=wrong $1" "$T/login"
}
page_fail 1 && page_fail 2 && page_fail 3
sleep 1.2
page_fail 4
expect_status 401 "four wrong passwords on the sign-in page from another address"
session_sign_in "$DAVE" dave dave-password-123 127.0.0.10
expect_status 429 "… then the API session's sign-in from there waits: 429"

# --- one cookie per surface ----------------------------------------------------------------------

page bob /dashboard
expect_status 200 "bob's page session shows the dashboard"
req -b "$TEST_TMP/bob.jar" "$API/myself"
expect_status 401 "the page's session cookie does not sign in the API"
req -H "Cookie: $(tr -d '\r' <"$TEST_TMP/bob.jar" | awk -F '\t' '$6 == "track_session" { print "track_session=" $7 }')" "$SESSION"
expect_status 401 "… nor GET session"
req -H "Cookie: JSESSIONID=$FIRST_VALUE" "$T/dashboard"
expect_status 303 "the API session's cookie does not sign in a page (to /login)"
expect_header Location '^/login' "… to /login"
req -H "Cookie: JSESSIONID=$FIRST_VALUE" "$T/secure/attachment/1/x.txt"
expect_status 303 "… nor an attachment's content URL outside /rest"

# --- permissions are the user's ------------------------------------------------------------------

CAROL=$TEST_TMP/carol-api.jar
session_sign_in "$CAROL" carol carol-password-123
expect_status 200 "carol (no role in TEST) signs in"
api "$CAROL" "$API/issue/TEST-1"
expect_status 404 "carol's session cannot see TEST-1: 404"
api "$BOB" "$API/issue/TEST-1"
expect_status 200 "bob's session (a Developer) sees TEST-1"
api "$BOB" -X POST -H 'Content-Type: application/json' --data-binary '{"key":"BOBS","name":"Bob","projectTypeKey":"software"}' "$API/project"
expect_status 403 "bob's session cannot create a project (site administrators only): 403"

# --- Jira's XSRF check -----------------------------------------------------------------------------

ISSUE='{"fields":{"project":{"key":"TEST"},"summary":"By session"}}'
api "$BOB" -X POST -H 'Content-Type: text/plain' --data-binary "$ISSUE" "$API/issue"
expect_status 403 "POST issue with the cookie and a text/plain body is 403"
expect_json 'j["errorMessages"] == ["XSRF check failed"]' "… XSRF check failed"
api "$BOB" -X POST -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "$ISSUE" "$API/issue"
expect_status 403 "… a form-encoded one too"
api "$BOB" "$API/search?jql=project%3DTEST"
expect_json 'j["total"] == 1' "… and none of them created an issue"
api "$BOB" -X POST -H 'Content-Type: application/json; charset=utf-8' --data-binary "$ISSUE" "$API/issue"
expect_status 201 "POST issue with the cookie and a JSON body is 201"
KEY=$(jget 'j["key"]')
api "$BOB" -X POST -H 'Content-Type: text/plain' -H 'X-Atlassian-Token: no-check' \
	--data-binary '{"body":"a comment"}' "$API/issue/$KEY/comment"
expect_status 201 "… text/plain with X-Atlassian-Token: no-check is 201"
COMMENT=$(jget 'j["id"]')
api "$BOB" -X POST -H 'Content-Type: application/json' -H 'Sec-Fetch-Site: cross-site' \
	--data-binary "$ISSUE" "$API/issue"
expect_status 403 "a cross-site POST with the cookie is 403"
api "$BOB" -X PUT -H 'Content-Type: application/json' --data-binary '{"fields":{"summary":"Renamed"}}' "$API/issue/$KEY"
expect_status 204 "PUT issue with the cookie is 204"
api "$BOB" -X DELETE "$API/issue/$KEY/comment/$COMMENT"
expect_status 204 "DELETE a comment with the cookie (no body) is 204"
printf 'hello\n' >"$TEST_TMP/hello.txt"
api "$BOB" -F "file=@$TEST_TMP/hello.txt" "$API/issue/$KEY/attachments"
expect_status 403 "an attachment upload with the cookie and no X-Atlassian-Token is 403"
api "$BOB" -H 'X-Atlassian-Token: no-check' -F "file=@$TEST_TMP/hello.txt" "$API/issue/$KEY/attachments"
expect_status 200 "… with X-Atlassian-Token: no-check it is 200"
expect_json 'j[0]["filename"] == "hello.txt" and j[0]["author"]["name"] == "bob"' "… bob's hello.txt"

# --- signing out ---------------------------------------------------------------------------------

as bob -X DELETE "$SESSION"
expect_status 204 "DELETE session with Basic credentials (no session to end) is 204"
api "$BOB" "$API/myself"
expect_status 200 "… and bob's cookie session goes on"
req -X DELETE "$SESSION"
expect_status 401 "DELETE session without a session is 401"
expect_api_error track "… in Jira's error shape"
api "$BOB" -X DELETE "$SESSION"
expect_status 204 "DELETE session with the cookie is 204"
expect_body_empty "… with no body"
expect_header Set-Cookie '^JSESSIONID=; Path=/rest; Max-Age=0;' "… and clears the cookie"
req -H "Cookie: JSESSIONID=$FIRST_VALUE" "$API/myself"
expect_status 401 "the ended session's cookie no longer signs in"
req -H "Cookie: JSESSIONID=$FIRST_VALUE" -X DELETE "$SESSION"
expect_status 401 "… and cannot be ended twice: 401"
api "$BOB2" "$SESSION"
expect_status 200 "bob's other session is untouched"
api "$BOB2" -X DELETE "$T/rest/auth/latest/session"
expect_status 204 "DELETE /rest/auth/latest/session ends it too"
api "$BOB2" "$API/myself"
expect_status 401 "… gone"

# A deactivated account's sessions end.
api "$CAROL" "$API/myself"
expect_status 200 "carol's session works"
submit alice /admin /admin/users/carol/active "active=false"
expect_status 303 "alice deactivates carol"
api "$CAROL" "$API/myself"
expect_status 401 "carol's API session ended with her account"
submit alice /admin /admin/users/carol/active "active=true"

done_testing

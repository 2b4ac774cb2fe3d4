# Shared by track_issues.sh and track_pages.sh: on top of track_lib.sh (users alice, bob, carol
# and dave, the server, json and jget), a session and an API token per user, and helpers:
# as USER … (Basic email:token), sign_in, page, submit.
# Sourced, not run: the caller has set nothing yet.

. "$(dirname "${BASH_SOURCE[0]}")/track_lib.sh"

csrf_of_body() {
	grep -o 'name="csrf" value="[0-9a-f]*"' "$RESP_BODY" | head -n 1 | sed 's/.*value="//; s/"$//'
}
# sign_in USER: a session in the cookie jar $TEST_TMP/USER.jar.
sign_in() {
	local jar=$TEST_TMP/$1.jar token
	req -b "$jar" -c "$jar" "$T/login"
	token=$(csrf_of_body)
	req -b "$jar" -c "$jar" --data-urlencode "csrf=$token" --data-urlencode "login=$1" \
		--data-urlencode "password=$1-password-123" "$T/login"
	[ "$RESP_STATUS" = 303 ] || bail "$1 could not sign in (status $RESP_STATUS)"
}
# page USER PATH: GET with USER's session.
page() {
	req -b "$TEST_TMP/$1.jar" -c "$TEST_TMP/$1.jar" "$T$2"
}
# submit USER PAGE ACTION FIELDS...: the CSRF token of PAGE, then a form posted to ACTION.
submit() {
	local user=$1 from=$2 action=$3 token
	shift 3
	page "$user" "$from"
	token=$(csrf_of_body)
	local args=(--data-urlencode "csrf=$token")
	for f in "$@"; do args+=(--data-urlencode "$f"); done
	req -b "$TEST_TMP/$user.jar" -c "$TEST_TMP/$user.jar" "${args[@]}" "$T$action"
}
# Each user signs in once (a session for the pages) and makes an API token: the API calls below
# authenticate the Jira Cloud way, Basic email:token (cheap to check, unlike a password).
declare -A TOKEN
for user in alice bob carol dave; do
	sign_in "$user"
	submit "$user" /account/tokens /account/tokens "label=tests" "kind=api_token"
	TOKEN[$user]=$(sed -n 's|.*<code id="new-token">\([^<]*\)</code>.*|\1|p' "$RESP_BODY" | head -n 1)
	[ -n "${TOKEN[$user]}" ] || bail "no API token for $user"
done

# as USER [CURL_ARGS...] URL: a request with USER's Basic credentials (email:API token).
as() {
	local user=$1
	shift
	req -u "$user@example.com:${TOKEN[$user]}" "$@"
}


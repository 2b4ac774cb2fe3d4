# Shared by track_env.sh and track_search.sh: users alice (site administrator), bob, carol and dave
# made with `weft track admin create-user` (display names "Alice", "Bob"… followed by
# $TRACK_NAME_SUFFIX when set), a track server on their data (SQLite, or PostgreSQL with
# WEFT_TEST_ENGINE=postgres) at $T with the API at $API, and json USER METHOD URL BODY and
# jget EXPR over the caller's `as USER [CURL_ARGS...] URL`. Sourced, before anything else.

. "$(dirname "${BASH_SOURCE[0]}")/track_store.sh"

# create_user NAME [--admin]: `weft track admin create-user` with NAME's password.
create_user() {
	local name=$1
	shift
	printf '%s-password-123\n' "$name" | timeout 60 "$WEFT_BIN" track admin create-user "$name" \
		--email "$name@example.com" --display-name "${name^}${TRACK_NAME_SUFFIX:-}" \
		--data "$DATA" "${TRACK_DB[@]}" "$@" >/dev/null 2>"$TEST_TMP/create-user.err" ||
		bail "create-user $name: $(cat "$TEST_TMP/create-user.err")"
}
create_user alice --admin
create_user bob
create_user carol
create_user dave

weft_launch track serve track --data "$DATA" --track-listen 127.0.0.1:0 "${TRACK_DB[@]}" ||
	bail "weft serve track did not start"
T=$TRACK_URL
API=$T/rest/api/2

# json USER METHOD URL BODY: a JSON request.
json() {
	as "$1" -X "$2" -H 'Content-Type: application/json' --data-binary "$4" "$3"
}
# jget EXPR: EXPR evaluated in Python with j the last response's JSON.
jget() {
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
		"$RESP_BODY" "$1"
}

# Sign-in throttling on both services (HTTP Basic on an API route that needs a user): one
# address's wrong passwords throttle the account at that address, not the other accounts there;
# the account is throttled whatever name reached it (username or email); a name without an
# account is throttled like one; the address alone keeps a much higher limit; X-Forwarded-For and
# Forwarded count only from --trusted-proxies.
. "$(dirname "$0")/lib.sh"
engine=${WEFT_TEST_ENGINE:-sqlite}

DATA=$TEST_TMP/throttle-data
HUB_DB=()
TRACK_DB=()
if [ "$engine" = postgres ]; then
	fresh_pg_database hub >"$TEST_TMP/hub-db.url" || bail "cannot create a PostgreSQL database"
	fresh_pg_database track >"$TEST_TMP/track-db.url" || bail "cannot create a PostgreSQL database"
	HUB_DB=(--hub-db "$(cat "$TEST_TMP/hub-db.url")")
	TRACK_DB=(--track-db "$(cat "$TEST_TMP/track-db.url")")
fi

password_of() {
	printf '%s-pw-12345678' "$1"
}
for name in alice bob carol dave erin; do
	password_of "$name" | timeout 60 "$WEFT_BIN" hub admin create-user "$name" \
		--email "$name@example.com" --data "$DATA" "${HUB_DB[@]}" >/dev/null 2>&1 ||
		bail "hub admin create-user $name failed"
	password_of "$name" | timeout 60 "$WEFT_BIN" track admin create-user "$name" \
		--email "$name@example.com" --data "$DATA" "${TRACK_DB[@]}" >/dev/null 2>&1 ||
		bail "track admin create-user $name failed"
done

# 127.0.0.2 and 10.9.0.0/16 are the proxies; every other address is a client.
weft_launch "hub track" serve --data "$DATA" --hub-listen 127.0.0.1:0 \
	--track-listen 127.0.0.1:0 --trusted-proxies "127.0.0.2, 10.9.0.0/16" "${HUB_DB[@]}" \
	"${TRACK_DB[@]}" || bail "weft serve did not start"

# basic IP LOGIN PASSWORD [CURL_ARGS...]: the service's signed-in API route from IP.
basic() {
	local ip=$1 login=$2 password=$3
	shift 3
	req --interface "$ip" -u "$login:$password" "$@" "$BASE$ME"
}
# wrong N IP LOGIN [CURL_ARGS...]: N wrong passwords; T0 is when the last began.
wrong() {
	local n=$1 ip=$2 login=$3 i
	shift 3
	for i in $(seq 1 "$n"); do
		T0=$(now_ms)
		basic "$ip" "$login" "wrong password $i" "$@"
	done
}
# throttled DESC: the last answer is 429. The first delay is 1 s from the failure that began at
# T0: when the run was slower, the throttle may rightly have let the attempt through (skipped).
throttled() {
	local elapsed=$(($(now_ms) - T0))
	if [ "$RESP_STATUS" = 429 ]; then
		pass "$1"
	elif [ "$elapsed" -ge 1000 ]; then
		_tap_n=$((_tap_n + 1))
		echo "ok $_tap_n - $(_tap_desc "$1") # SKIP ${elapsed} ms after the failure"
	else
		fail "$1" "expected 429, got $RESP_STATUS"
	fi
}

checks() {
	local svc=$1
	# One address, one account: the others at that address are not held back.
	wrong 3 127.0.0.31 carol
	expect_status 401 "$svc: 3 wrong passwords for carol from one address: 401"
	basic 127.0.0.31 carol "$(password_of carol)"
	throttled "$svc: then carol's right password from that address: 429"
	basic 127.0.0.31 bob "$(password_of bob)"
	expect_status 200 "$svc: bob's right password from that address: 200"
	basic 127.0.0.32 carol "$(password_of carol)"
	expect_status 200 "$svc: carol's right password from another address: 200"

	# The account, whatever name reached it: 10 wrong passwords for the username from as many
	# addresses throttle the email too.
	local i
	for i in $(seq 1 10); do
		T0=$(now_ms)
		basic "127.0.3.$i" erin "wrong password $i"
	done
	basic 127.0.3.11 erin@example.com "$(password_of erin)"
	throttled "$svc: after 10 failures of erin's username, her email from a new address: 429"

	# A name without an account is throttled the same way, in any case.
	wrong 3 127.0.0.33 nobody
	expect_status 401 "$svc: 3 wrong passwords for an unknown name: 401"
	basic 127.0.0.33 NOBODY "anything"
	throttled "$svc: then the same name in capitals: 429"

	# The address alone, at a much higher rate: 20 failures for 20 names.
	for i in $(seq 1 20); do
		T0=$(now_ms)
		basic 127.0.0.34 "ghost$i" "wrong password"
	done
	basic 127.0.0.34 dave "$(password_of dave)"
	throttled "$svc: after 20 failures from one address, even dave's right password: 429"
	basic 127.0.0.35 dave "$(password_of dave)"
	expect_status 200 "$svc: dave from another address: 200"

	# X-Forwarded-For from a client that is not a proxy counts for nothing.
	for i in 1 2 3; do
		T0=$(now_ms)
		basic 127.0.0.36 alice "wrong password" -H "X-Forwarded-For: 192.0.2.$i"
	done
	basic 127.0.0.36 alice "$(password_of alice)" -H "X-Forwarded-For: 192.0.2.99"
	throttled "$svc: an untrusted X-Forwarded-For changes nothing: 429"

	# From the proxies, the client is the first hop that is not a proxy.
	wrong 3 127.0.0.2 bob -H "X-Forwarded-For: 198.51.100.1, 10.9.2.1"
	basic 127.0.0.2 bob "$(password_of bob)" -H "Forwarded: for=198.51.100.1;proto=http, for=10.9.2.1"
	throttled "$svc: through the proxies, the client that failed, named by Forwarded: 429"
	basic 127.0.0.2 bob "$(password_of bob)" -H "X-Forwarded-For: 198.51.100.2, 10.9.2.1"
	expect_status 200 "$svc: through the proxies, bob from another client: 200"
	basic 127.0.0.2 bob "$(password_of bob)" -H 'Forwarded: for="[2001:db8::7]:4711"'
	expect_status 200 "$svc: an IPv6 client in Forwarded: 200"
}

BASE=$HUB_URL ME=/2.0/user checks hub
BASE=$TRACK_URL ME=/rest/api/2/myself checks track

done_testing

# Helpers of the accounts tests (hub_accounts.sh, track_accounts.sh), sourced after lib.sh: the
# `weft SERVICE admin …` command line with its one-line refusals, and browser-like requests with
# a cookie jar, a source address and the forms' CSRF field.
#
# Each test sets ADMIN_CMD (e.g. (hub admin)) and ADMIN_STORE (--data DIR and the database flags).

# admin PASSWORD_LINE ARGS...: `weft ${ADMIN_CMD[@]} ARGS…` on the test's store with PASSWORD_LINE
# on standard input (no input at all when it is "-"); sets RUN_RC, RUN_OUT, RUN_ERR.
admin() {
	local input=$1
	shift
	RUN_OUT=$TEST_TMP/admin.out
	RUN_ERR=$TEST_TMP/admin.err
	if [ "$input" = - ]; then
		timeout 60 "$WEFT_BIN" "${ADMIN_CMD[@]}" "$@" "${ADMIN_STORE[@]}" \
			>"$RUN_OUT" 2>"$RUN_ERR" </dev/null
	else
		printf '%s\n' "$input" | timeout 60 "$WEFT_BIN" "${ADMIN_CMD[@]}" "$@" \
			"${ADMIN_STORE[@]}" >"$RUN_OUT" 2>"$RUN_ERR"
	fi
	RUN_RC=$?
}

admin_diag() {
	diag "exit status: $RUN_RC" "stdout:" "$(head -c 600 "$RUN_OUT")" "stderr:" "$(head -c 600 "$RUN_ERR")"
}

# expect_admin_ok DESC STDOUT_ERE PASSWORD_LINE ARGS...
expect_admin_ok() {
	local desc=$1 pattern=$2
	shift 2
	admin "$@"
	if [ "$RUN_RC" = 0 ] && grep -Eq -- "$pattern" "$RUN_OUT" && [ ! -s "$RUN_ERR" ]; then
		pass "$desc"
	else
		fail "$desc" "expected exit 0, stdout matching /$pattern/ and nothing on stderr"
		admin_diag
	fi
}

# expect_admin_refused DESC STDERR_ERE PASSWORD_LINE ARGS...: exit 2, exactly one line on stderr
# matching STDERR_ERE, nothing on stdout.
expect_admin_refused() {
	local desc=$1 pattern=$2 problems=() lines
	shift 2
	admin "$@"
	[ "$RUN_RC" = 2 ] || problems+=("exit status $RUN_RC, expected 2")
	lines=$(grep -c '' "$RUN_ERR")
	[ "$lines" = 1 ] || problems+=("$lines lines on stderr, expected 1")
	grep -Eiq -- "$pattern" "$RUN_ERR" || problems+=("stderr does not match /$pattern/")
	[ ! -s "$RUN_OUT" ] || problems+=("something on stdout")
	if [ "${#problems[@]}" -eq 0 ]; then
		pass "$desc"
	else
		fail "$desc" "weft ${ADMIN_CMD[*]} $*" "${problems[@]}"
		admin_diag
	fi
}

# cookie JAR NAME: the value of cookie NAME in curl's cookie jar (HttpOnly ones included).
cookie() {
	[ -f "$1" ] || return 1
	awk -v name="$2" -F '\t' 'NF >= 7 && $6 == name { v = $7; found = 1 }
		END { if (found) print v; exit !found }' "$1"
}

# csrf_of_body: the csrf field of the first form of the last response.
csrf_of_body() {
	grep -o 'name="csrf" value="[0-9a-f]*"' "$RESP_BODY" | head -n 1 | sed 's/.*value="//; s/"$//'
}

# set_cookie_line NAME: the Set-Cookie line of the last response that sets NAME.
set_cookie_line() {
	tr -d '\r' <"$RESP_HEADERS" | grep -i "^set-cookie: $1=" | tail -n 1
}

# from IP CURL_ARGS...: one request from source address IP (sign-ins are throttled per address;
# 127.0.0.0/8 is all loopback on Linux).
from() {
	local ip=$1
	shift
	req --interface "$ip" "$@"
}

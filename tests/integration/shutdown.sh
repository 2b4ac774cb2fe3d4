# Graceful shutdown: on SIGTERM weft stops accepting connections at once, lets a request in flight
# finish, and exits 0; --shutdown-timeout bounds the wait for a slow request; SIGINT does the same.
# Timings are asserted only with wide margins (the machine may be loaded).
. "$(dirname "$0")/lib.sh"

# wait_established PORT SECONDS: waits until a TCP connection to local PORT is established.
wait_established() {
	local hex deadline
	hex=$(printf '%04X' "$1")
	deadline=$(($(now_ms) + $2 * 1000))
	until cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
		awk -v p=":$hex" '$4 == "01" && substr($2, length($2) - 4) == p { found = 1 } END { exit !found }'; do
		[ "$(now_ms)" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}

# slow_upload URL FILE RATE: posts FILE as a CSP report at RATE (curl --limit-rate) in the
# background; UP_PID, and the status code in $TEST_TMP/up.code when it ends.
slow_upload() {
	curl -sS --max-time 60 --limit-rate "$3" -H 'Expect:' -H 'Content-Type: application/csp-report' \
		--data-binary "@$2" -o "$TEST_TMP/up.body" -w '%{http_code}' "$1/csp-report" \
		>"$TEST_TMP/up.code" 2>"$TEST_TMP/up.err" </dev/null &
	UP_PID=$!
	own_pid "$UP_PID"
}

# connect_refused URL: curl's exit status 7 (could not connect) on a new connection.
connect_refused() {
	curl -sS -o /dev/null --connect-timeout 2 --max-time 3 "$1/status" 2>/dev/null
	[ $? = 7 ]
}

# --- A request in flight finishes; new connections are refused; exit 0 --------------------------
start_weft --shutdown-timeout 20 || bail "weft serve did not start"
hub=$HUB_URL
track=$TRACK_URL
make_csp_report "$TEST_TMP/slow.json" 8000
slow_upload "$hub" "$TEST_TMP/slow.json" 2k # about 4 s
wait_established "$(url_port "$hub")" 5 || diag "no established connection seen within 5 s"
sleep 0.5 # let the server read the request headers
if proc_alive "$UP_PID"; then
	pass "the slow upload is in flight when SIGTERM is sent"
else
	fail "the slow upload is in flight when SIGTERM is sent" "curl ended already: $(cat "$TEST_TMP/up.code" "$TEST_TMP/up.err")"
fi
kill -TERM "$WEFT_PID"
signalled=$(now_ms)

# poll_refused URL: polls (at most 5 s) until a new connection to URL is refused; sets REFUSED
# (yes/no) and UPLOAD_RUNNING (whether the slow upload was still in flight at that moment).
poll_refused() {
	local deadline=$(($(now_ms) + 5000))
	REFUSED=no
	while [ "$(now_ms)" -lt "$deadline" ]; do
		if connect_refused "$1"; then
			REFUSED=yes
			break
		fi
		sleep 0.1
	done
	UPLOAD_RUNNING=no
	proc_alive "$UP_PID" && UPLOAD_RUNNING=yes
}

poll_refused "$hub"
upload_running=$UPLOAD_RUNNING
if [ "$REFUSED" = yes ]; then
	pass "after SIGTERM, new connections to hub are refused"
else
	fail "after SIGTERM, new connections to hub are refused" "curl $hub/status still connected 5 s after SIGTERM"
fi
poll_refused "$track"
[ "$UPLOAD_RUNNING" = yes ] || upload_running=no
if [ "$REFUSED" = yes ]; then
	pass "after SIGTERM, new connections to track are refused"
else
	fail "after SIGTERM, new connections to track are refused" "curl $track/status still connected 5 s after SIGTERM"
fi
if [ "$upload_running" = yes ]; then
	pass "...while the upload is still in flight"
else
	fail "...while the upload is still in flight" "the upload had ended before refused connections to both services were seen"
fi

if wait_exit "$UP_PID" 30; then
	code=$(cat "$TEST_TMP/up.code")
	if [ "$EXIT_STATUS" = 0 ] && [ "$code" = 204 ]; then
		pass "the upload in flight at SIGTERM completes with 204"
	else
		fail "the upload in flight at SIGTERM completes with 204" "curl exit $EXIT_STATUS, status '$code'" "$(cat "$TEST_TMP/up.err")"
	fi
else
	fail "the upload in flight at SIGTERM completes with 204" "curl still runs after 30 s"
fi

if wait_exit "$WEFT_PID" 25; then
	if [ "$EXIT_STATUS" = 0 ]; then
		pass "weft exits 0 after the request in flight finished"
	else
		fail "weft exits 0 after the request in flight finished" "exit status $EXIT_STATUS"
	fi
else
	fail "weft exits 0 after the request in flight finished" "still running 25 s after the upload's end (--shutdown-timeout 20)"
fi
diag "exit $(($(now_ms) - signalled)) ms after SIGTERM"

# --- --shutdown-timeout 1: a slow request does not hold the exit --------------------------------
start_weft --shutdown-timeout 1 || bail "weft serve --shutdown-timeout 1 did not start"
make_csp_report "$TEST_TMP/slower.json" 40000
slow_upload "$TRACK_URL" "$TEST_TMP/slower.json" 1k # about 40 s
wait_established "$(url_port "$TRACK_URL")" 5 || diag "no established connection seen within 5 s"
sleep 0.5
kill -TERM "$WEFT_PID"
if wait_exit "$WEFT_PID" 15; then
	pass "--shutdown-timeout 1: exits while a 40 s upload is in flight (limit 15 s)"
	diag "exit ${EXIT_AFTER_MS} ms after SIGTERM"
	check "--shutdown-timeout 1: exit status 0" [ "$EXIT_STATUS" = 0 ]
else
	fail "--shutdown-timeout 1: exits while a 40 s upload is in flight" "still running 15 s after SIGTERM"
	fail "--shutdown-timeout 1: exit status 0" "did not exit"
fi
if proc_alive "$UP_PID"; then
	stop_pid "$UP_PID"
	diag "the slow upload was still sending when weft exited; ended it"
else
	wait_exit "$UP_PID" 1
	diag "slow upload: curl exit $EXIT_STATUS, status $(cat "$TEST_TMP/up.code")"
fi

# --- An idle server exits promptly on SIGTERM and on SIGINT ----------------------------------
start_weft || bail "weft serve did not start"
req "$HUB_URL/status"
kill -TERM "$WEFT_PID"
if wait_exit "$WEFT_PID" 10; then
	check "idle: exits 0 on SIGTERM" [ "$EXIT_STATUS" = 0 ]
else
	fail "idle: exits 0 on SIGTERM" "still running 10 s after SIGTERM"
fi

# A shell's background job ignores SIGINT; give weft the default disposition, as a terminal would.
LAUNCH_WITH=(env --default-signal=INT)
start_weft || bail "weft serve (for SIGINT) did not start"
LAUNCH_WITH=()
req "$TRACK_URL/status"
kill -INT "$WEFT_PID"
if wait_exit "$WEFT_PID" 10; then
	check "idle: exits 0 on SIGINT" [ "$EXIT_STATUS" = 0 ]
else
	fail "idle: exits 0 on SIGINT" "still running 10 s after SIGINT"
fi

done_testing

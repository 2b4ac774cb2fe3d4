# Configuration end to end: a flag beats the environment, which beats the config file (seen in the
# address each service listens on, the data directory used and the log format), and each service
# alone (`weft serve hub`, `weft serve track`) opens only its own port.
. "$(dirname "$0")/lib.sh"

# listening_sockets PID: the number of TCP sockets in LISTEN state that PID holds.
listening_sockets() {
	python3 - "$1" <<'EOF'
import os, sys
pid = sys.argv[1]
listening = set()
for table in ("/proc/net/tcp", "/proc/net/tcp6"):
    try:
        with open(table) as f:
            next(f)
            for line in f:
                cols = line.split()
                if cols[3] == "0A":
                    listening.add(cols[9])
    except OSError:
        pass
count = 0
for fd in os.listdir("/proc/%s/fd" % pid):
    try:
        target = os.readlink("/proc/%s/fd/%s" % (pid, fd))
    except OSError:
        continue
    if target.startswith("socket:[") and target[8:-1] in listening:
        count += 1
print(count)
EOF
}

# 127.0.0.0/8 is all loopback on Linux: distinct hosts tell the sources apart, with port 0.
cat >"$TEST_TMP/weft.conf" <<EOF
# a comment, then settings
hub-listen = 127.0.0.3:0
track-listen = 127.0.0.3:0
data = $TEST_TMP/data-file
log-format = json
EOF

# All three sources: the flag wins.
WEFT_HUB_LISTEN=127.0.0.2:0 WEFT_DATA=$TEST_TMP/data-env WEFT_LOG_FORMAT=text \
	weft_launch "hub track" serve --config "$TEST_TMP/weft.conf" --hub-listen 127.0.0.4:0 \
	--data "$TEST_TMP/data-flag" || bail "weft serve with flag, env and config file did not start"
case $HUB_URL in
http://127.0.0.4:*) pass "flag beats environment and config file (--hub-listen)" ;;
*) fail "flag beats environment and config file (--hub-listen)" "expected hub on 127.0.0.4, got '$HUB_URL'" ;;
esac
case $TRACK_URL in
http://127.0.0.3:*) pass "config file applies where nothing else is set (track-listen)" ;;
*) fail "config file applies where nothing else is set (track-listen)" "expected track on 127.0.0.3, got '$TRACK_URL'" ;;
esac
req "$HUB_URL/status"
expect_status 200 "hub answers on the address from the flag"
req "$TRACK_URL/status"
expect_status 200 "track answers on the address from the config file"
if [ -d "$TEST_TMP/data-flag" ] && [ ! -e "$TEST_TMP/data-env" ] && [ ! -e "$TEST_TMP/data-file" ]; then
	pass "flag beats environment and config file (--data)"
else
	fail "flag beats environment and config file (--data)" "$(ls "$TEST_TMP")"
fi
wait_for_line 'status' "$WEFT_ERR"
if grep -q '^{' "$WEFT_ERR"; then
	fail "environment beats config file (WEFT_LOG_FORMAT=text over log-format = json)" "stderr has JSON lines"
elif grep -q . "$WEFT_ERR"; then
	pass "environment beats config file (WEFT_LOG_FORMAT=text over log-format = json)"
else
	fail "environment beats config file (WEFT_LOG_FORMAT=text over log-format = json)" "stderr is empty"
fi
stop_pid "$WEFT_PID"

# Environment and config file: the environment wins.
WEFT_HUB_LISTEN=127.0.0.2:0 WEFT_DATA=$TEST_TMP/data-env \
	weft_launch "hub track" serve --config "$TEST_TMP/weft.conf" ||
	bail "weft serve with env and config file did not start"
case $HUB_URL in
http://127.0.0.2:*) pass "environment beats config file (WEFT_HUB_LISTEN)" ;;
*) fail "environment beats config file (WEFT_HUB_LISTEN)" "expected hub on 127.0.0.2, got '$HUB_URL'" ;;
esac
if [ -d "$TEST_TMP/data-env" ] && [ ! -e "$TEST_TMP/data-file" ]; then
	pass "environment beats config file (WEFT_DATA)"
else
	fail "environment beats config file (WEFT_DATA)" "$(ls "$TEST_TMP")"
fi
req "$HUB_URL/status"
if wait_for_line '^\{' "$WEFT_ERR"; then
	pass "config file applies where nothing else is set (log-format = json)"
else
	fail "config file applies where nothing else is set (log-format = json)" "no JSON lines on stderr"
fi
stop_pid "$WEFT_PID"

# The config file named by WEFT_CONFIG, alone.
WEFT_CONFIG=$TEST_TMP/weft.conf weft_launch "hub track" serve ||
	bail "weft serve with WEFT_CONFIG did not start"
case $HUB_URL in
http://127.0.0.3:*) pass "WEFT_CONFIG names the config file (hub-listen)" ;;
*) fail "WEFT_CONFIG names the config file (hub-listen)" "expected hub on 127.0.0.3, got '$HUB_URL'" ;;
esac
if [ -d "$TEST_TMP/data-file" ]; then
	pass "config file sets the data directory"
else
	fail "config file sets the data directory" "$(ls "$TEST_TMP")"
fi
stop_pid "$WEFT_PID"

# --flag=value works as well as --flag value.
weft_launch "hub track" serve --data="$TEST_TMP/data-eq" --hub-listen=127.0.0.5:0 --track-listen=127.0.0.1:0 ||
	bail "weft serve --flag=value did not start"
case $HUB_URL in
http://127.0.0.5:*) pass "--hub-listen=VALUE is understood" ;;
*) fail "--hub-listen=VALUE is understood" "expected hub on 127.0.0.5, got '$HUB_URL'" ;;
esac
stop_pid "$WEFT_PID"

# One service alone. A running server's ports prove that the other service's address is never
# opened: `weft serve hub` starts even though its --track-listen is already taken.
start_weft || bail "weft serve did not start"
busy_hub=$(url_port "$HUB_URL")
busy_track=$(url_port "$TRACK_URL")

start_weft hub --track-listen "127.0.0.1:$busy_hub" || bail "weft serve hub did not start"
req "$HUB_URL/status"
expect_status 200 "weft serve hub: hub answers"
if grep -q '^track listening' "$WEFT_OUT"; then
	fail "weft serve hub: no track listening line" "$(cat "$WEFT_OUT")"
else
	pass "weft serve hub: no track listening line"
fi
n=$(listening_sockets "$WEFT_PID")
if [ "$n" = 1 ]; then
	pass "weft serve hub: one listening socket (track's port is not open)"
else
	fail "weft serve hub: one listening socket (track's port is not open)" "it listens on $n sockets"
fi
req "$HUB_URL/rest/api/2/serverInfo"
expect_status 404 "weft serve hub: no track routes on hub's port"
stop_pid "$WEFT_PID"
check "weft serve hub: exits 0 on SIGTERM" [ "${EXIT_STATUS:-x}" = 0 ]

start_weft track --hub-listen "127.0.0.1:$busy_track" || bail "weft serve track did not start"
req "$TRACK_URL/status"
expect_status 200 "weft serve track: track answers"
if grep -q '^hub listening' "$WEFT_OUT"; then
	fail "weft serve track: no hub listening line" "$(cat "$WEFT_OUT")"
else
	pass "weft serve track: no hub listening line"
fi
n=$(listening_sockets "$WEFT_PID")
if [ "$n" = 1 ]; then
	pass "weft serve track: one listening socket (hub's port is not open)"
else
	fail "weft serve track: one listening socket (hub's port is not open)" "it listens on $n sockets"
fi
stop_pid "$WEFT_PID"
check "weft serve track: exits 0 on SIGTERM" [ "${EXIT_STATUS:-x}" = 0 ]

done_testing

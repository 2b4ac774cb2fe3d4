# The weft command line: version and help, and the errors of `weft serve` (unknown flag, bad
# values from each source, unusable data directory, address in use): exit status 2, one line on
# stderr naming the problem, nothing created.
. "$(dirname "$0")/lib.sh"

D=$TEST_TMP/never
ANY=(--hub-listen 127.0.0.1:0 --track-listen 127.0.0.1:0)

# version and help
run_weft version
if [ "$RUN_RC" = 0 ] && grep -Eq '^weft 0\.1\.0 \(.+\)$' "$RUN_OUT" && [ "$(grep -c '' "$RUN_OUT")" = 1 ]; then
	pass "weft version prints 'weft 0.1.0 (...)' and exits 0"
else
	fail "weft version prints 'weft 0.1.0 (...)' and exits 0"
	run_diag
fi

for args in "help" "--help" "serve --help"; do
	# shellcheck disable=SC2086 # split on purpose
	run_weft $args
	if [ "$RUN_RC" = 0 ] && grep -q 'serve' "$RUN_OUT"; then
		pass "weft $args prints usage on stdout and exits 0"
	else
		fail "weft $args prints usage on stdout and exits 0"
		run_diag
	fi
done

run_weft serve --help
missing=()
for pair in data:WEFT_DATA hub-listen:WEFT_HUB_LISTEN track-listen:WEFT_TRACK_LISTEN \
	hub-url:WEFT_HUB_URL track-url:WEFT_TRACK_URL threads:WEFT_THREADS log-level:WEFT_LOG_LEVEL \
	log-format:WEFT_LOG_FORMAT shutdown-timeout:WEFT_SHUTDOWN_TIMEOUT config:WEFT_CONFIG \
	max-header-size:WEFT_MAX_HEADER_SIZE; do
	grep -q -- "--${pair%%:*}\b" "$RUN_OUT" || missing+=("--${pair%%:*}")
	grep -q -- "${pair#*:}\b" "$RUN_OUT" || missing+=("${pair#*:}")
done
for default in 127.0.0.1:7990 127.0.0.1:8080 weft-data; do
	grep -qF -- "$default" "$RUN_OUT" || missing+=("default $default")
done
if [ "${#missing[@]}" -eq 0 ]; then
	pass "weft serve --help lists every flag with its variable and the default addresses"
else
	fail "weft serve --help lists every flag with its variable and the default addresses" "missing: ${missing[*]}"
	run_diag
fi

run_weft no-such-command
if [ "$RUN_RC" != 0 ] && [ -s "$RUN_ERR" ]; then
	pass "an unknown command fails with a message"
else
	fail "an unknown command fails with a message"
	run_diag
fi

# Errors of weft serve
expect_usage_error "unknown flag: exit 2, one line naming it, nothing created" 'no-such-flag' "$D" \
	serve --data "$D" "${ANY[@]}" --no-such-flag
expect_usage_error "unknown service: exit 2, one line naming it" 'bogus' "$D" \
	serve bogus --data "$D" "${ANY[@]}"
expect_usage_error "--hub-listen nonsense: exit 2, one line naming it" 'hub-listen|nonsense' "$D" \
	serve --data "$D" --hub-listen nonsense --track-listen 127.0.0.1:0
expect_usage_error "--track-listen 127.0.0.1:99999: exit 2, one line" 'track-listen|99999' "$D" \
	serve --data "$D" --hub-listen 127.0.0.1:0 --track-listen 127.0.0.1:99999
expect_usage_error "--threads -1: exit 2, one line naming it" 'threads' "$D" \
	serve --data "$D" "${ANY[@]}" --threads -1
expect_usage_error "--threads abc: exit 2, one line naming it" 'threads' "$D" \
	serve --data "$D" "${ANY[@]}" --threads abc
expect_usage_error "--log-level loud: exit 2, one line naming it" 'log-level|loud' "$D" \
	serve --data "$D" "${ANY[@]}" --log-level loud
expect_usage_error "--log-format xml: exit 2, one line naming it" 'log-format|xml' "$D" \
	serve --data "$D" "${ANY[@]}" --log-format xml
expect_usage_error "--shutdown-timeout soon: exit 2, one line naming it" 'shutdown-timeout' "$D" \
	serve --data "$D" "${ANY[@]}" --shutdown-timeout soon
expect_usage_error "--hub-url ftp://x: exit 2, one line naming it" 'hub-url|ftp' "$D" \
	serve --data "$D" "${ANY[@]}" --hub-url ftp://x
expect_usage_error "a flag without its value: exit 2, one line" 'threads' "$D" \
	serve --data "$D" "${ANY[@]}" --threads
WEFT_THREADS=-1 expect_usage_error "WEFT_THREADS=-1: exit 2, one line naming it" 'threads' "$D" \
	serve --data "$D" "${ANY[@]}"
WEFT_HUB_LISTEN=nonsense expect_usage_error "WEFT_HUB_LISTEN=nonsense: exit 2, one line naming it" \
	'hub-listen|nonsense' "$D" serve --data "$D" --track-listen 127.0.0.1:0
printf 'threads = many\n' >"$TEST_TMP/bad.conf"
expect_usage_error "config file with threads = many: exit 2, one line naming it" 'threads|bad\.conf' "$D" \
	serve --data "$D" "${ANY[@]}" --config "$TEST_TMP/bad.conf"
printf 'no-such-setting = 1\n' >"$TEST_TMP/unknown.conf"
expect_usage_error "config file with an unknown setting: exit 2, one line naming it" 'no-such-setting' "$D" \
	serve --data "$D" "${ANY[@]}" --config "$TEST_TMP/unknown.conf"
expect_usage_error "missing config file: exit 2, one line naming it" 'missing\.conf' "$D" \
	serve --data "$D" "${ANY[@]}" --config "$TEST_TMP/missing.conf"

# Unusable data directories
printf 'not a directory\n' >"$TEST_TMP/plainfile"
expect_usage_error "--data naming a regular file: exit 2, one line naming it" 'plainfile' "$TEST_TMP/plainfile/x" \
	serve --data "$TEST_TMP/plainfile" "${ANY[@]}"
if [ -f "$TEST_TMP/plainfile" ] && [ "$(cat "$TEST_TMP/plainfile")" = 'not a directory' ]; then
	pass "...and the file is left as it was"
else
	fail "...and the file is left as it was"
fi
expect_usage_error "--data under a regular file (FILE/sub): exit 2, one line naming it" 'plainfile' \
	"$TEST_TMP/plainfile/sub" serve --data "$TEST_TMP/plainfile/sub" "${ANY[@]}"
expect_usage_error "--data FILE/sub/deeper: exit 2, one line" 'plainfile' \
	"$TEST_TMP/plainfile/sub/deeper" serve --data "$TEST_TMP/plainfile/sub/deeper" "${ANY[@]}"

# Address already in use: start one server, then point a second one at its ports.
start_weft || bail "weft serve did not start"
first_pid=$WEFT_PID
hub_port=$(url_port "$HUB_URL")
track_port=$(url_port "$TRACK_URL")

run_weft serve --data "$TEST_TMP/second" --hub-listen "127.0.0.1:$hub_port" --track-listen 127.0.0.1:0
if [ "$RUN_RC" = 2 ] && grep -q -- "$hub_port" "$RUN_ERR"; then
	pass "hub address in use: exit 2 with a message naming it"
else
	fail "hub address in use: exit 2 with a message naming it" "expected exit 2 and the port $hub_port in stderr"
	run_diag
fi
if ! grep -q 'listening on' "$RUN_OUT"; then
	pass "...and it reports no service as listening"
else
	fail "...and it reports no service as listening"
	run_diag
fi

run_weft serve --data "$TEST_TMP/third" --hub-listen 127.0.0.1:0 --track-listen "127.0.0.1:$track_port"
if [ "$RUN_RC" = 2 ] && grep -q -- "$track_port" "$RUN_ERR"; then
	pass "track address in use: exit 2 with a message naming it"
else
	fail "track address in use: exit 2 with a message naming it" "expected exit 2 and the port $track_port in stderr"
	run_diag
fi
if grep -q 'hub listening on' "$RUN_OUT"; then
	# A hub that was already announced must not keep running: the process has exited (RUN_RC).
	diag "note: hub was announced before the track address failed"
fi

req "$HUB_URL/status"
expect_status 200 "the first server still answers"
check "the first server still runs" proc_alive "$first_pid"

done_testing

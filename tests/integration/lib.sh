# The integration harness: starts the real `weft serve` on free ports (port 0) with fresh data
# directories, drives it with curl, and reports in TAP. A test file sources this file, runs its
# checks and ends with done_testing. Servers and temporary files are always cleaned up on exit.
#
# Shape of a test file:
#   . "$(dirname "$0")/lib.sh"
#   start_weft || bail "weft did not start"
#   req "$HUB_URL/status"
#   expect_status 200 "hub: GET /status"
#   done_testing
#
# Every assertion prints one TAP line ("ok N - ..." / "not ok N - ..."); a failure adds "# ..."
# lines with the request, the response and the tail of the server's stderr. The plan ("1..N") is
# printed by done_testing, at the end (a TAP "late plan"): a file that dies half-way prints no
# plan, and the run counts as failed.

set -u

IT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ -z "${WEFT_BIN:-}" ] || [ ! -x "${WEFT_BIN:-}" ]; then
	echo "Bail out! WEFT_BIN must name the weft binary (got '${WEFT_BIN:-}')"
	exit 1
fi
case $WEFT_BIN in /*) ;; *) WEFT_BIN=$(pwd)/$WEFT_BIN ;; esac
for tool in curl python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "Bail out! the integration tests need $tool"
		exit 1
	fi
done

# Settings from the caller's environment must not leak into the servers under test; the test
# harness's own (WEFT_BIN, WEFT_TEST_*) stay.
while IFS= read -r _var; do
	case $_var in
	WEFT_BIN | WEFT_TEST_*) ;;
	*) unset "$_var" ;;
	esac
done < <(compgen -e | grep '^WEFT_' || true)
unset _var

export LC_ALL=C
CURL_MAX_TIME=${CURL_MAX_TIME:-10}   # seconds for any one request
START_TIMEOUT=${START_TIMEOUT:-10}   # seconds for weft to print its "listening" lines

TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/weft-it.XXXXXX") || {
	echo "Bail out! cannot create a temporary directory"
	exit 1
}
# Commands that create files by mistake (a default ./weft-data) create them in here.
cd "$TEST_TMP" || exit 1

# The tests call python3 and psql hundreds of times, and what PATH finds first may be a wrapper:
# a version manager's python3 shim (pyenv's runs a dozen shell processes, about 0.3 s of CPU,
# before its interpreter, whose site-packages then cost 40 ms more a start), Debian's psql (a Perl
# script choosing a cluster's version, 40 ms a call). This file's PATH gets the programs
# themselves, linked: Debian's own python3 (scripts/deps.sh installs it) and the newest installed
# PostgreSQL's psql (the version scripts/pg.sh runs the server of). Without them, whatever PATH has.
_prefer() { # NAME PROGRAM: NAME runs PROGRAM, when PROGRAM is there and PATH finds another
	if [ -x "$2" ] && [ "$(command -v "$1")" != "$2" ]; then
		mkdir -p "$TEST_TMP/bin" && ln -sf "$2" "$TEST_TMP/bin/$1" &&
			case :$PATH: in *":$TEST_TMP/bin:"*) ;; *) PATH=$TEST_TMP/bin:$PATH ;; esac
	fi
}
_prefer python3 /usr/bin/python3
_prefer psql "$(printf '%s\n' /usr/lib/postgresql/*/bin/psql | sort -V | tail -n 1)"
unset -f _prefer

_tap_n=0
_tap_failed=0
_tap_text=
_owned_pids=()
_server_seq=0
LAUNCH_WITH=()
WEFT_PID=
WEFT_OUT=
WEFT_ERR=
HUB_URL=
TRACK_URL=
RESP_STATUS=
RESP_DESC=
RESP_HEADERS=$TEST_TMP/resp.headers
RESP_BODY=$TEST_TMP/resp.body
RESP_CURLERR=$TEST_TMP/resp.curlerr
RESP_CURL_RC=0
: >"$RESP_HEADERS"
: >"$RESP_BODY"
: >"$RESP_CURLERR"

# --- processes -------------------------------------------------------------------------------

now_ms() {
	local t=${EPOCHREALTIME//[.,]/}
	echo $((t / 1000))
}

# proc_alive PID: true while the process runs (a zombie counts as ended).
proc_alive() {
	local stat state
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	state=${stat##*) }
	state=${state%% *}
	[ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# own_pid PID: registers a background process of this test, to be ended on exit.
own_pid() {
	_owned_pids+=("$1")
}

forget_pid() {
	local kept=() p
	for p in "${_owned_pids[@]}"; do
		[ "$p" = "$1" ] || kept+=("$p")
	done
	_owned_pids=("${kept[@]}")
}

# wait_exit PID SECONDS: waits at most SECONDS for the child PID to end; then sets EXIT_STATUS
# and EXIT_AFTER_MS (time waited) and returns 0. Returns 1 if it still runs.
# shellcheck disable=SC2034 # EXIT_AFTER_MS is for the callers
wait_exit() {
	local pid=$1 start deadline
	start=$(now_ms)
	deadline=$((start + $2 * 1000))
	while proc_alive "$pid"; do
		if [ "$(now_ms)" -ge "$deadline" ]; then
			EXIT_AFTER_MS=$(($(now_ms) - start))
			return 1
		fi
		sleep 0.05
	done
	wait "$pid" 2>/dev/null
	EXIT_STATUS=$?
	EXIT_AFTER_MS=$(($(now_ms) - start))
	forget_pid "$pid"
	return 0
}

# stop_pid PID: SIGTERM, then SIGKILL after 5 s; reaps it.
stop_pid() {
	kill -TERM "$1" 2>/dev/null
	if ! wait_exit "$1" 5; then
		kill -KILL "$1" 2>/dev/null
		wait_exit "$1" 5
	fi
}

_pg_databases=()
_cleanup() {
	local rc=$? pid name
	trap - EXIT
	for pid in "${_owned_pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${_owned_pids[@]}"; do
		if ! wait_exit "$pid" 5; then
			kill -KILL "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
		fi
	done
	for name in "${_pg_databases[@]}"; do
		psql "$WEFT_TEST_PG_URL" -qAtc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1
	done
	cd / && rm -rf "$TEST_TMP"
	exit "$rc"
}
trap _cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# --- servers ---------------------------------------------------------------------------------

# weft_launch "SERVICES" ARGS...: runs "$WEFT_BIN" ARGS... in the background (stdout and stderr
# to files) and waits, at most START_TIMEOUT seconds, for a "<service> listening on URL" line of
# each of SERVICES ("hub track", "hub" or "track"). Sets WEFT_PID, WEFT_OUT, WEFT_ERR and exports
# HUB_URL and TRACK_URL. The array LAUNCH_WITH, empty by default, is a command prefix (which must
# exec weft, like env). Returns 1, with diagnostics, if the server did not come up. Variables
# assigned before the call (WEFT_X=y weft_launch ...) reach the server's environment.
weft_launch() {
	local services=$1 deadline svc url missing
	shift
	_server_seq=$((_server_seq + 1))
	WEFT_OUT=$TEST_TMP/server$_server_seq.out
	WEFT_ERR=$TEST_TMP/server$_server_seq.err
	: >"$WEFT_OUT"
	: >"$WEFT_ERR"
	"${LAUNCH_WITH[@]}" "$WEFT_BIN" "$@" >"$WEFT_OUT" 2>"$WEFT_ERR" </dev/null &
	WEFT_PID=$!
	own_pid "$WEFT_PID"
	HUB_URL=
	TRACK_URL=
	deadline=$(($(now_ms) + START_TIMEOUT * 1000))
	while :; do
		missing=
		for svc in $services; do
			url=$(sed -n "s|^$svc listening on \(http://[^ ]*\)\$|\1|p" "$WEFT_OUT" | head -n 1)
			case $svc in
			hub) HUB_URL=$url ;;
			track) TRACK_URL=$url ;;
			esac
			[ -n "$url" ] || missing="$missing $svc"
		done
		[ -z "$missing" ] && break
		if ! proc_alive "$WEFT_PID"; then
			wait_exit "$WEFT_PID" 1
			diag "weft $* exited (status ${EXIT_STATUS:-?}) before printing:$missing listening"
			show_server_output
			return 1
		fi
		if [ "$(now_ms)" -ge "$deadline" ]; then
			diag "weft $* printed no '$missing listening' line within ${START_TIMEOUT}s"
			show_server_output
			return 1
		fi
		sleep 0.05
	done
	export HUB_URL TRACK_URL
	return 0
}

# start_weft [hub|track] [FLAGS...]: `weft serve` on 127.0.0.1 port 0 (both services, or the one
# named) with a fresh data directory (WEFT_DATA_DIR); FLAGS come last, so they can override.
start_weft() {
	local services="hub track" mode=()
	case ${1:-} in
	hub | track)
		services=$1
		mode=("$1")
		shift
		;;
	esac
	WEFT_DATA_DIR=$TEST_TMP/data$((_server_seq + 1))
	local dbs=()
	if [ "${WEFT_TEST_ENGINE:-sqlite}" = postgres ]; then
		# Not in $(…): fresh_pg_database registers each database for the clean-up here.
		fresh_pg_database hub >"$TEST_TMP/hub-db.url" || return 1
		fresh_pg_database track >"$TEST_TMP/track-db.url" || return 1
		dbs=(--hub-db "$(cat "$TEST_TMP/hub-db.url")" --track-db "$(cat "$TEST_TMP/track-db.url")")
	fi
	weft_launch "$services" serve "${mode[@]}" --data "$WEFT_DATA_DIR" \
		--hub-listen 127.0.0.1:0 --track-listen 127.0.0.1:0 "${dbs[@]}" "$@"
}

# fresh_pg_database [SERVICE]: creates a database in the cluster of WEFT_TEST_PG_URL (make check
# starts it; WEFT_TEST_ENGINE=postgres runs the integration suite on it) and prints its URL: empty,
# or with SERVICE (hub or track) a copy of that service's migrated template (pg_template), which
# spares each server start its migrations (a third of its CPU on PostgreSQL under the sanitizers).
# It is dropped when the test file ends.
fresh_pg_database() {
	local name base template=
	base=${WEFT_TEST_PG_URL:?WEFT_TEST_ENGINE=postgres needs WEFT_TEST_PG_URL}
	if [ -n "${1:-}" ]; then
		template=$(pg_template "$1") || return 1
	fi
	name=weft_it_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
	psql "$base" -qAtc "CREATE DATABASE $name${template:+ TEMPLATE $template}" >/dev/null ||
		return 1
	_pg_databases+=("$name")
	printf '%s/%s\n' "${base%/*}" "$name"
}

# pg_template SERVICE: prints the name of SERVICE's migrated template database in the cluster,
# making it first when the cluster has none. Its name carries a digest of the service's
# PostgreSQL migrations, so a cluster kept across changes never hands out an old schema; it is
# made under a scratch name and renamed, so a test running at the same time never copies a
# half-migrated one (the loser of two at once drops its copy). Nobody connects to it afterwards:
# CREATE DATABASE … TEMPLATE refuses a database in use.
pg_template() {
	local service=$1 base digest name scratch
	base=${WEFT_TEST_PG_URL:?WEFT_TEST_ENGINE=postgres needs WEFT_TEST_PG_URL}
	digest=$(cd "$IT_DIR/../../migrations/$service/pg" && for f in *.sql; do
		printf '%s\n' "$f"
		cat "$f"
	done | sha1sum | cut -c1-16) || return 1
	name=weft_it_template_${service}_$digest
	if [ -z "$(psql "$base" -qAtc "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]; then
		scratch=weft_it_template_new_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
		psql "$base" -qAtc "CREATE DATABASE $scratch" >/dev/null || return 1
		if ! "$WEFT_BIN" migrate up "$service" --data "$TEST_TMP/template-data" \
			"--$service-db" "${base%/*}/$scratch" >"$TEST_TMP/template.log" 2>&1; then
			psql "$base" -qAtc "DROP DATABASE $scratch" >/dev/null
			cat "$TEST_TMP/template.log" >&2
			return 1
		fi
		psql "$base" -qAtc "ALTER DATABASE $scratch RENAME TO $name" >/dev/null 2>&1 ||
			psql "$base" -qAtc "DROP DATABASE $scratch" >/dev/null
	fi
	printf '%s\n' "$name"
}

# hub_store NAME: sets DATA to $TEST_TMP/NAME-data and HUB_DB to the flags of hub's database:
# nothing (hub.db in DATA), or --hub-db with a fresh PostgreSQL database when
# WEFT_TEST_ENGINE=postgres. Call it in the test's shell, not in $(…): fresh_pg_database registers
# the database for the clean-up there.
hub_store() {
	DATA=$TEST_TMP/$1-data
	HUB_DB=()
	if [ "${WEFT_TEST_ENGINE:-sqlite}" = postgres ]; then
		fresh_pg_database hub >"$TEST_TMP/hub-db.url" || bail "cannot create a PostgreSQL database"
		HUB_DB=(--hub-db "$(cat "$TEST_TMP/hub-db.url")")
	fi
}

# hub_sql STATEMENT: runs one statement on the database of hub_store and prints the rows
# ('|'-separated).
hub_sql() {
	if [ "${WEFT_TEST_ENGINE:-sqlite}" = postgres ]; then
		psql "$(cat "$TEST_TMP/hub-db.url")" -qAtc "$1"
	else
		python3 - "$DATA/hub.db" "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=5, isolation_level=None)
for row in db.execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
PY
	fi
}

# alert_text: the text of the last page's first alert (role="alert"), quotes unescaped.
alert_text() {
	sed -n 's/.*role="alert">\([^<]*\)<.*/\1/p' "$RESP_BODY" | head -n 1 | sed 's/&quot;/"/g'
}

# expect_refused STATUS TEXT DESC: the page again, with STATUS and TEXT in its alert.
expect_refused() {
	if [ "$RESP_STATUS" = "$1" ] && alert_text | grep -qF -- "$2"; then
		pass "$3"
	else
		fail "$3" "expected status $1 and an alert with '$2', got $RESP_STATUS '$(alert_text)'"
	fi
}

# url_port URL: the port of http://HOST:PORT.
url_port() {
	local rest=${1#*://}
	rest=${rest%%/*}
	echo "${rest##*:}"
}

url_host() {
	local rest=${1#*://}
	rest=${rest%%/*}
	echo "${rest%:*}"
}

# --- requests --------------------------------------------------------------------------------

# req [CURL_ARGS...] URL: one request with curl (at most CURL_MAX_TIME seconds). Sets RESP_STATUS
# ("000" when there was no response) and RESP_CURL_RC; headers in $RESP_HEADERS, body in
# $RESP_BODY.
req() {
	: >"$RESP_HEADERS"
	: >"$RESP_BODY"
	RESP_DESC="curl $*"
	[ "${#RESP_DESC}" -gt 300 ] && RESP_DESC="${RESP_DESC:0:300}..."
	RESP_STATUS=$(curl -sS --max-time "$CURL_MAX_TIME" -D "$RESP_HEADERS" -o "$RESP_BODY" \
		-w '%{http_code}' "$@" 2>"$RESP_CURLERR")
	RESP_CURL_RC=$?
	[ -n "$RESP_STATUS" ] || RESP_STATUS=000
}

# resp_header NAME: the value of header NAME in the last response (the final one, when curl saw
# several, e.g. after 100 Continue); fails when it is absent.
resp_header() {
	awk -v name="$1" '
		BEGIN { name = tolower(name) }
		/^HTTP\// { val = ""; found = 0; next }
		{
			sub(/\r$/, "")
			i = index($0, ":")
			if (i == 0) next
			if (tolower(substr($0, 1, i - 1)) != name) next
			v = substr($0, i + 1)
			sub(/^[ \t]+/, "", v)
			sub(/[ \t]+$/, "", v)
			val = v
			found = 1
		}
		END { if (found) print val; exit !found }' "$RESP_HEADERS"
}

# raw_http URL [--until-headers] [--timeout S]: sends standard input, as is, over one TCP
# connection to URL's host and port, and writes what comes back to standard output (until the
# server closes, the response headers are complete, or the timeout). Exit 3 on timeout, 4 when the
# connection failed.
raw_http() {
	local url=$1
	shift
	python3 "$IT_DIR/rawhttp.py" "$(url_host "$url")" "$(url_port "$url")" "$@"
}

# --- TAP ---------------------------------------------------------------------------------------

diag() {
	local line
	for line in "$@"; do
		printf '%s\n' "$line" | sed 's/^/# /'
	done
}

# _tap_clean TEXT: sets _tap_text to TEXT on one line, each '#' (which would start a TAP directive)
# made '_'. Without a process: a test file prints hundreds of these lines, and a fork costs.
_tap_clean() {
	_tap_text=${1//$'\n'/ }
	_tap_text=${_tap_text//[#]/_}
}

# _tap_desc TEXT: prints TEXT so (for `$(…)`).
_tap_desc() {
	_tap_clean "$1"
	printf '%s' "$_tap_text"
}

pass() {
	_tap_n=$((_tap_n + 1))
	_tap_clean "$1"
	echo "ok $_tap_n - $_tap_text"
}

# fail DESC [DIAG...]: a failed test with the given diagnostics, the last response, and the tail of
# the current server's stderr.
fail() {
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	_tap_clean "$1"
	echo "not ok $_tap_n - $_tap_text"
	shift
	diag "$@"
	show_response
	show_server_output
}

# todo DESC OK?: a test for a known gap (TAP TODO: reported, never fails the run).
todo() {
	_tap_n=$((_tap_n + 1))
	_tap_clean "$1"
	if [ "$2" = 0 ]; then
		echo "ok $_tap_n - $_tap_text # TODO $3"
	else
		echo "not ok $_tap_n - $_tap_text # TODO $3"
	fi
}

# forget_response: the next failure shows no (stale) curl response.
forget_response() {
	RESP_DESC=
}

show_response() {
	[ -n "$RESP_DESC" ] || return 0
	diag "request: $RESP_DESC" "status: $RESP_STATUS (curl exit $RESP_CURL_RC)"
	if [ -s "$RESP_CURLERR" ]; then
		diag "curl: $(head -c 300 "$RESP_CURLERR")"
	fi
	if [ -s "$RESP_HEADERS" ]; then
		diag "response headers:"
		tr -d '\r' <"$RESP_HEADERS" | head -n 25 | sed 's/^/#   /'
	fi
	if [ -s "$RESP_BODY" ]; then
		diag "response body ($(wc -c <"$RESP_BODY") bytes, start):"
		head -c 400 "$RESP_BODY" | tr -c '[:print:]\n' '?' | head -n 10 | sed 's/^/#   /'
		echo
	fi
}

show_server_output() {
	[ -n "$WEFT_ERR" ] && [ -f "$WEFT_ERR" ] || return 0
	diag "server stdout:"
	tail -n 5 "$WEFT_OUT" | cut -c 1-300 | sed 's/^/#   /'
	diag "server stderr (last 15 lines):"
	tail -n 15 "$WEFT_ERR" | cut -c 1-300 | sed 's/^/#   /'
}

# check DESC COMMAND...: passes when COMMAND succeeds.
check() {
	local desc=$1
	shift
	# What the command prints is not TAP: it goes to the log, beside the test's diagnostics.
	if "$@" >&2; then
		pass "$desc"
	else
		fail "$desc" "failed: $*"
	fi
}

bail() {
	echo "Bail out! $*"
	exit 1
}

# done_testing: prints the plan and exits, non-zero when a test failed.
done_testing() {
	echo "1..$_tap_n"
	if [ "$_tap_failed" -gt 0 ]; then
		diag "$_tap_failed of $_tap_n failed"
		exit 1
	fi
	exit 0
}

# --- assertions on the last response ---------------------------------------------------------

expect_status() {
	if [ "$RESP_STATUS" = "$1" ]; then
		pass "$2"
	else
		fail "$2" "expected status $1, got $RESP_STATUS"
	fi
}

# expect_header NAME ERE DESC: header NAME is present and matches the extended regex ERE.
expect_header() {
	local value
	if ! value=$(resp_header "$1"); then
		fail "$3" "expected header $1 matching /$2/; it is absent"
	elif printf '%s' "$value" | grep -Eq -- "$2"; then
		pass "$3"
	else
		fail "$3" "expected header $1 matching /$2/, got '$value'"
	fi
}

expect_no_header() {
	local value
	if value=$(resp_header "$1"); then
		fail "$2" "expected no header $1, got '$value'"
	else
		pass "$2"
	fi
}

expect_body_empty() {
	if [ -s "$RESP_BODY" ]; then
		fail "$1" "expected an empty body, got $(wc -c <"$RESP_BODY") bytes"
	else
		pass "$1"
	fi
}

# expect_body_contains TEXT DESC: the body contains TEXT (a fixed string).
expect_body_contains() {
	if grep -qF -- "$1" "$RESP_BODY"; then
		pass "$2"
	else
		fail "$2" "expected the body to contain '$1'"
	fi
}

# The evaluator of json_eval, in Python: with EXPR and FILE as arguments it answers once (exit
# status 0 when EXPR holds); without, it serves requests on standard input, each EXPR NUL FILE NUL,
# and answers each with the status, a newline, what it printed and a NUL.
_JSON_EVAL_PY='
import io, json, os, sys
def evaluate(expr, path):
    try:
        with open(path, "rb") as f:
            j = json.loads(f.read().decode("utf-8"))
    except Exception as e:
        return 1, "not JSON: %s\n" % e
    out, saved = io.StringIO(), sys.stdout
    sys.stdout = out
    try:
        result = eval(expr, {"j": j})
    except Exception as e:
        sys.stdout = saved
        return 1, out.getvalue() + "%s: %s: %r\n" % (expr, type(e).__name__, e)
    sys.stdout = saved
    if not result:
        return 1, out.getvalue() + "false: %s\n" % expr
    return 0, out.getvalue()
if len(sys.argv) == 3:
    rc, text = evaluate(sys.argv[1], sys.argv[2])
    sys.stdout.write(text)
    sys.exit(rc)
pending = b""
while True:
    chunk = os.read(0, 65536)
    if not chunk:
        break
    pending += chunk
    while pending.count(b"\0") >= 2:
        expr, path, pending = pending.split(b"\0", 2)
        rc, text = evaluate(expr.decode("utf-8", "surrogateescape"), path.decode("utf-8", "surrogateescape"))
        os.write(1, b"%d\n" % rc + text.replace("\0", "").encode("utf-8", "surrogateescape") + b"\0")
'

# One evaluator for the whole file, started here in the test's shell (a python3 a call cost
# about 60 ms of CPU, and the tests evaluate hundreds of expressions); json_eval starts a
# python3 of its own when it is gone.
coproc _JSON { exec python3 -c "$_JSON_EVAL_PY"; }
own_pid "$_JSON_PID"

# json_eval EXPR [FILE]: true when the Python expression EXPR holds for j, the JSON document in FILE
# (default: the last body). Explains why not on stdout (to be captured and passed to fail); what
# EXPR prints comes first.
json_eval() {
	local file=${2:-$RESP_BODY} reply
	# Not in a subshell that closed the evaluator's pipes (a pipeline's, a ( … )), nor to an
	# evaluator that ended (a zombie has no fd/0): that write would end the test.
	if [ -z "${_JSON[1]:-}" ] || [ ! -e "/proc/self/fd/${_JSON[1]}" ] ||
		[ ! -e "/proc/self/fd/${_JSON[0]}" ] || [ ! -e "/proc/$_JSON_PID/fd/0" ]; then
		python3 -c "$_JSON_EVAL_PY" "$1" "$file"
		return
	fi
	printf '%s\0%s\0' "$1" "$file" >&"${_JSON[1]}"
	if ! IFS= read -r -d '' -t 60 reply <&"${_JSON[0]}"; then
		echo "no answer from the JSON evaluator within 60 s: $1"
		return 1
	fi
	printf '%s' "${reply#*$'\n'}"
	return "${reply%%$'\n'*}"
}

# expect_json EXPR DESC: see json_eval.
expect_json() {
	local why
	if why=$(json_eval "$1"); then
		pass "$2"
	else
		fail "$2" "$why"
	fi
}

HUB_ERROR_SHAPE='j.get("type") == "error" and isinstance(j.get("error"), dict) and isinstance(j["error"].get("message"), str) and j["error"]["message"] != ""'
TRACK_ERROR_SHAPE='isinstance(j.get("errorMessages"), list) and all(isinstance(m, str) for m in j["errorMessages"]) and isinstance(j.get("errors"), dict) and (len(j["errorMessages"]) > 0 or len(j["errors"]) > 0)'

# expect_api_error hub|track DESC: a JSON error body in the Bitbucket or the Jira shape.
expect_api_error() {
	local shape=$HUB_ERROR_SHAPE why
	[ "$1" = track ] && shape=$TRACK_ERROR_SHAPE
	if ! resp_header Content-Type | grep -Eiq '^application/json'; then
		fail "$2" "expected Content-Type application/json, got '$(resp_header Content-Type)'"
	elif why=$(json_eval "$shape"); then
		pass "$2"
	else
		fail "$2" "not the $1 API's error shape" "$why"
	fi
}

# expect_html DESC: Content-Type text/html; charset=utf-8 and a body that looks like HTML.
expect_html() {
	if ! resp_header Content-Type | grep -Eiq '^text/html; *charset=utf-8$'; then
		fail "$1" "expected Content-Type text/html; charset=utf-8, got '$(resp_header Content-Type)'"
	elif ! grep -qi '<html' "$RESP_BODY"; then
		fail "$1" "expected an HTML body"
	else
		pass "$1"
	fi
}

# expect_security_headers DESC: the headers that every response carries.
expect_security_headers() {
	local missing=() v
	v=$(resp_header Content-Security-Policy) || v=
	printf '%s' "$v" | grep -q "frame-ancestors 'none'" ||
		missing+=("Content-Security-Policy with frame-ancestors 'none' (got '$v')")
	v=$(resp_header X-Content-Type-Options) || v=
	[ "$v" = nosniff ] || missing+=("X-Content-Type-Options: nosniff (got '$v')")
	resp_header Referrer-Policy | grep -q . || missing+=("Referrer-Policy")
	resp_header X-Request-Id | grep -q . || missing+=("X-Request-Id")
	if [ "${#missing[@]}" -eq 0 ]; then
		pass "$1"
	else
		fail "$1" "missing or wrong:" "${missing[@]}"
	fi
}

# wait_for_line ERE FILE [SECONDS]: waits (default 3 s) until a line of FILE matches ERE (a log
# line may be written just after its response went out).
wait_for_line() {
	local deadline=$(($(now_ms) + ${3:-3} * 1000))
	until grep -Eq -- "$1" "$2" 2>/dev/null; do
		[ "$(now_ms)" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}

# --- helpers for bodies ---------------------------------------------------------------------

# make_csp_report FILE BYTES [MARKER]: a valid CSP report (JSON) of about BYTES bytes.
make_csp_report() {
	python3 - "$1" "$2" "${3:-weft-test-marker}" <<'EOF'
import json, sys
path, size, marker = sys.argv[1], int(sys.argv[2]), sys.argv[3]
report = {"csp-report": {
    "document-uri": "http://127.0.0.1/some/page",
    "referrer": "",
    "violated-directive": "img-src",
    "effective-directive": "img-src",
    "original-policy": "default-src 'self'; frame-ancestors 'none'",
    "blocked-uri": "http://" + marker + ".example/x.png",
    "status-code": 200,
    "script-sample": ""}}
base = len(json.dumps(report))
report["csp-report"]["script-sample"] = "x" * max(0, size - base)
with open(path, "w") as f:
    f.write(json.dumps(report))
EOF
}

# --- weft commands that should end (not serve) ----------------------------------------------

# run_weft ARGS...: runs weft and waits for it to end; sets RUN_RC, RUN_OUT, RUN_ERR. A weft that
# should have exited but serves instead is ended (RUN_RC 124) 1 s after its first "listening"
# line, or after 5 s in all, so that a broken binary fails this file quickly.
run_weft() {
	local pid deadline seen=
	RUN_OUT=$TEST_TMP/run.out
	RUN_ERR=$TEST_TMP/run.err
	"$WEFT_BIN" "$@" >"$RUN_OUT" 2>"$RUN_ERR" </dev/null &
	pid=$!
	own_pid "$pid"
	deadline=$(($(now_ms) + 5000))
	while proc_alive "$pid"; do
		if [ -z "$seen" ] && grep -q 'listening on' "$RUN_OUT"; then
			seen=yes
			deadline=$(($(now_ms) + 1000))
		fi
		if [ "$(now_ms)" -ge "$deadline" ]; then
			stop_pid "$pid"
			RUN_RC=124
			return
		fi
		sleep 0.02
	done
	wait_exit "$pid" 1
	RUN_RC=$EXIT_STATUS
}

run_diag() {
	diag "exit status: $RUN_RC" "stdout:" "$(head -c 600 "$RUN_OUT")" "stderr:" "$(head -c 600 "$RUN_ERR")"
}

# expect_usage_error DESC PATTERN DATA_DIR ARGS...: weft ARGS... exits 2, prints exactly one line
# on stderr that matches the ERE PATTERN, and DATA_DIR does not exist afterwards.
expect_usage_error() {
	local desc=$1 pattern=$2 data=$3 lines problems=()
	shift 3
	run_weft "$@"
	[ "$RUN_RC" = 2 ] || problems+=("exit status $RUN_RC, expected 2")
	lines=$(grep -c '' "$RUN_ERR")
	[ "$lines" = 1 ] || problems+=("$lines lines on stderr, expected 1")
	grep -Eiq -- "$pattern" "$RUN_ERR" || problems+=("stderr does not match /$pattern/")
	if grep -q 'listening on' "$RUN_OUT"; then problems+=("it started serving"); fi
	[ ! -e "$data" ] || problems+=("$data was created")
	[ ! -e "$TEST_TMP/weft-data" ] || problems+=("./weft-data was created")
	if [ "${#problems[@]}" -eq 0 ]; then
		pass "$desc"
	else
		fail "$desc" "weft $*" "${problems[@]}"
		run_diag
	fi
}

# stop_server DESC: SIGTERM to the last weft started; it ends with status 0 and without a
# sanitizer's report (the sanitized build's runs).
stop_server() {
	local pid=$WEFT_PID
	forget_response
	stop_pid "$pid"
	if [ "${EXIT_STATUS:-}" = 0 ] && ! grep -Eq 'Sanitizer|runtime error' "$WEFT_ERR"; then
		pass "$1"
	else
		fail "$1" "exit status ${EXIT_STATUS:-?}" "$(grep -E -A12 'Sanitizer|runtime error' "$WEFT_ERR" | head -n 30)"
	fi
}

# --- conformance tests with the real client libraries (tests/conformance, npm) -----------------

CONFORMANCE_DIR=$(cd "$IT_DIR/../conformance" && pwd)

# run_conformance FILE [NAME=VALUE...]: runs `node tests/conformance/FILE` with NAME=VALUE... in
# its environment and relays its TAP lines as this file's assertions. A missing node or npm
# package, or a run that ends without a line of its own failure, fails.
run_conformance() {
	local file=$1 out=$TEST_TMP/conformance.out line missing
	shift
	if ! command -v node >/dev/null 2>&1; then
		fail "node is on PATH for the conformance tests"
		return
	fi
	missing=$(python3 -c 'import json, os, sys
deps = json.load(open(os.path.join(sys.argv[1], "package.json")))["dependencies"]
print(" ".join(d for d in deps if not os.path.isdir(os.path.join(sys.argv[1], "node_modules", d))))' \
		"$CONFORMANCE_DIR")
	if [ -n "$missing" ]; then
		fail "tests/conformance/node_modules holds $missing" \
			"run: npm ci --prefix tests/conformance (make check does)"
		return
	fi
	env "$@" timeout 120 node "$CONFORMANCE_DIR/$file" >"$out" 2>&1
	local rc=$? seen=0
	forget_response
	while IFS= read -r line; do
		case $line in
		"ok "*) seen=$((seen + 1)); pass "${line#ok * - }" ;;
		"not ok "*) seen=$((seen + 1)); fail "${line#not ok * - }" ;;
		"#"*) echo "$line" ;;
		"1.."*) ;;
		*) diag "node: $line" ;;
		esac
	done <"$out"
	if [ "$seen" = 0 ] || { [ "$rc" != 0 ] && ! grep -q '^not ok' "$out"; }; then
		fail "node tests/conformance/$file ran to its end" "exit $rc" "$(tail -n 20 "$out")"
	fi
}

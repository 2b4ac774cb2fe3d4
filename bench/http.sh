#!/usr/bin/env bash
# The HTTP floor: requests per second of `GET /status` on weft (hub and track) against nginx
# serving the same body from a static file, side by side in one run, and weft's idle memory.
# Targets: weft/nginx >= 0.5; idle RSS of `weft serve` (both services) < 15 MB.
#
# usage: bench/http.sh
# environment:
#   WEFT_BIN          the binary (default: build/weft under the repository root); nothing is built
#   THREADS           weft --threads; nginx worker_processes is the same (default 0: weft's own
#                     default, and nginx "auto")
#   WRK_THREADS       wrk -t (default 2)
#   WRK_CONNECTIONS   wrk -c (default 32)
#   WRK_DURATION      wrk -d (default 10s)
#   BENCH_STRICT      1: exit 1 when a target is missed (default: report only)
# Needs wrk and nginx (scripts/deps.sh installs them); installs nothing.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WEFT_BIN=${WEFT_BIN:-$ROOT/build/weft}
THREADS=${THREADS:-0}
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}
WRK_DURATION=${WRK_DURATION:-10s}
BENCH_STRICT=${BENCH_STRICT:-0}
RATIO_TARGET=0.5
RSS_TARGET_KB=$((15 * 1024))

die() {
	echo "bench/http: $*" >&2
	exit 1
}

# --- prerequisites -----------------------------------------------------------------------------
command -v wrk >/dev/null 2>&1 || die "wrk is not installed (scripts/deps.sh installs it)"
NGINX=$(command -v nginx 2>/dev/null || true)
[ -n "$NGINX" ] || { [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx; }
[ -n "$NGINX" ] || die "nginx is not installed (scripts/deps.sh installs it)"
command -v curl >/dev/null 2>&1 || die "curl is not installed"
command -v python3 >/dev/null 2>&1 || die "python3 is not installed"
case $WEFT_BIN in /*) ;; *) WEFT_BIN=$(pwd)/$WEFT_BIN ;; esac
[ -x "$WEFT_BIN" ] || die "no weft binary at $WEFT_BIN (build it, or set WEFT_BIN)"
case $THREADS in '' | *[!0-9]*) die "THREADS must be a number, got '$THREADS'" ;; esac

# --- clean-up ----------------------------------------------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/weft-bench.XXXXXX") || die "cannot create a temporary directory"
WEFT_PID=
NGINX_PID=

alive() {
	local stat state
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	state=${stat##*) }
	state=${state%% *}
	[ -n "$state" ] && [ "$state" != Z ]
}

stop() { # PID SIGNAL: signal, wait up to 10 s, then SIGKILL
	local pid=$1
	[ -n "$pid" ] || return 0
	kill "-$2" "$pid" 2>/dev/null
	for _ in $(seq 100); do
		alive "$pid" || break
		sleep 0.1
	done
	alive "$pid" && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

cleanup() {
	local rc=$?
	trap - EXIT
	stop "$NGINX_PID" QUIT
	stop "$WEFT_PID" TERM
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# --- weft --------------------------------------------------------------------------------------
"$WEFT_BIN" serve --data "$TMP/data" --hub-listen 127.0.0.1:0 --track-listen 127.0.0.1:0 \
	--threads "$THREADS" >"$TMP/weft.out" 2>"$TMP/weft.log" </dev/null &
WEFT_PID=$!
HUB_URL=
TRACK_URL=
for _ in $(seq 200); do
	HUB_URL=$(sed -n 's|^hub listening on \(http://[^ ]*\)$|\1|p' "$TMP/weft.out" | head -n 1)
	TRACK_URL=$(sed -n 's|^track listening on \(http://[^ ]*\)$|\1|p' "$TMP/weft.out" | head -n 1)
	[ -n "$HUB_URL" ] && [ -n "$TRACK_URL" ] && break
	alive "$WEFT_PID" || break
	sleep 0.05
done
if [ -z "$HUB_URL" ] || [ -z "$TRACK_URL" ]; then
	tail -n 20 "$TMP/weft.log" >&2
	die "weft serve did not print both listening lines within 10 s"
fi

# --- nginx -------------------------------------------------------------------------------------
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

mkdir -p "$TMP/www" "$TMP/nginx-temp"
printf '{"state":"RUNNING"}' >"$TMP/www/status"
WORKERS=auto
[ "$THREADS" -gt 0 ] && WORKERS=$THREADS
USER_LINE=
[ "$(id -u)" = 0 ] && USER_LINE="user $(id -un) $(id -gn);"

start_nginx() {
	NGINX_PORT=$(free_port)
	cat >"$TMP/nginx.conf" <<EOF
$USER_LINE
worker_processes $WORKERS;
daemon off;
pid $TMP/nginx.pid;
error_log $TMP/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $TMP/nginx-temp/body;
    proxy_temp_path $TMP/nginx-temp/proxy;
    fastcgi_temp_path $TMP/nginx-temp/fastcgi;
    uwsgi_temp_path $TMP/nginx-temp/uwsgi;
    scgi_temp_path $TMP/nginx-temp/scgi;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $TMP/www;
        location = /status {
            types { }
            default_type application/json;
        }
    }
}
EOF
	"$NGINX" -p "$TMP" -e "$TMP/nginx-error.log" -c "$TMP/nginx.conf" >"$TMP/nginx.out" 2>&1 </dev/null &
	NGINX_PID=$!
	NGINX_URL=http://127.0.0.1:$NGINX_PORT
	for _ in $(seq 100); do
		alive "$NGINX_PID" || return 1
		[ "$(curl -s -o /dev/null --max-time 2 -w '%{http_code}' "$NGINX_URL/status")" = 200 ] && return 0
		sleep 0.1
	done
	return 1
}

started=no
for _ in 1 2 3; do # the free port may be taken between the probe and nginx's bind
	if start_nginx; then
		started=yes
		break
	fi
	stop "$NGINX_PID" QUIT
	NGINX_PID=
done
if [ "$started" != yes ]; then
	cat "$TMP/nginx.out" "$TMP/nginx-error.log" >&2 2>/dev/null
	die "nginx did not start"
fi

# --- sanity: the same body from each, and weft's idle memory --------------------------------
for url in "$HUB_URL/status" "$TRACK_URL/status" "$NGINX_URL/status"; do
	for _ in 1 2 3 4 5; do
		body=$(curl -sS --max-time 5 "$url") || die "GET $url failed"
	done
	[ "$body" = '{"state":"RUNNING"}' ] || die "GET $url answered '$body', not {\"state\":\"RUNNING\"}"
done
rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}
IDLE_RSS_KB=$(rss_kb "$WEFT_PID")

# --- load --------------------------------------------------------------------------------------
# run_wrk NAME URL: prints wrk's report; sets RPS and NON2XX.
run_wrk() {
	local out
	out=$(wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$WRK_DURATION" "$2") || die "wrk failed on $2"
	printf '%s\n' "--- $1: wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION $2" "$out"
	RPS=$(printf '%s\n' "$out" | awk '/^Requests\/sec:/ { print $2 }')
	NON2XX=$(printf '%s\n' "$out" | awk '/Non-2xx or 3xx responses:/ { print $NF }')
	ERRORS=$(printf '%s\n' "$out" | awk '/Socket errors:/ { sub(/^ *Socket errors: */, ""); print }')
	[ -n "$RPS" ] || die "no Requests/sec in wrk's output for $2"
	[ -z "$NON2XX" ] || echo "warning: $1 gave $NON2XX non-2xx responses" >&2
	[ -z "$ERRORS" ] || echo "warning: $1 socket errors: $ERRORS" >&2
}

# Interleaved, so that a change in the machine's load touches both sides alike.
run_wrk nginx "$NGINX_URL/status"
NGINX_RPS=$RPS
run_wrk "weft hub" "$HUB_URL/status"
HUB_RPS=$RPS
run_wrk "weft track" "$TRACK_URL/status"
TRACK_RPS=$RPS
LOADED_RSS_KB=$(rss_kb "$WEFT_PID")
alive "$WEFT_PID" || die "weft died during the benchmark"

# --- report ------------------------------------------------------------------------------------
read -r HUB_RATIO TRACK_RATIO RATIO_OK <<<"$(python3 -c '
import sys
n, h, t, target = map(float, sys.argv[1:5])
print("%.2f %.2f %s" % (h / n, t / n, "yes" if min(h, t) / n >= target else "no"))
' "$NGINX_RPS" "$HUB_RPS" "$TRACK_RPS" "$RATIO_TARGET")"
RSS_OK=no
[ "$IDLE_RSS_KB" -lt "$RSS_TARGET_KB" ] && RSS_OK=yes
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

echo
echo "nginx         $NGINX_RPS req/s  (worker_processes $WORKERS)"
echo "weft hub      $HUB_RPS req/s  ratio $HUB_RATIO"
echo "weft track    $TRACK_RPS req/s  ratio $TRACK_RATIO"
echo "weft RSS      idle $(mb "$IDLE_RSS_KB") MB, after load $(mb "$LOADED_RSS_KB") MB (--threads $THREADS)"
echo "bench/http: weft/nginx hub $HUB_RATIO track $TRACK_RATIO (target >= $RATIO_TARGET: $RATIO_OK)," \
	"idle RSS $(mb "$IDLE_RSS_KB") MB (target < 15 MB: $RSS_OK)"

if [ "$BENCH_STRICT" = 1 ] && { [ "$RATIO_OK" != yes ] || [ "$RSS_OK" != yes ]; }; then
	exit 1
fi
exit 0

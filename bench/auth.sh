#!/usr/bin/env bash
# Basic sign-in under load: requests per second of a password-authenticated API call
# (hub GET /2.0/user, track GET /rest/api/2/myself) at 200 connections, with wrk's non-2xx answers
# and socket errors. Each request carries the account password, which costs an argon2id hash
# unless a recent verification is remembered (base/verified.c).
#
# usage: bench/auth.sh
# environment:
#   WEFT_BIN          the binary (default: build/weft under the repository root); nothing is built
#   WRK_THREADS       wrk -t (default 2)
#   WRK_CONNECTIONS   wrk -c (default 200)
#   WRK_DURATION      wrk -d (default 10s)
# Needs wrk (scripts/deps.sh installs it); installs nothing.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WEFT_BIN=${WEFT_BIN:-$ROOT/build/weft}
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-200}
WRK_DURATION=${WRK_DURATION:-10s}

die() {
	echo "bench/auth: $*" >&2
	exit 1
}
command -v wrk >/dev/null 2>&1 || die "wrk is not installed (scripts/deps.sh installs it)"
command -v curl >/dev/null 2>&1 || die "curl is not installed"
case $WEFT_BIN in /*) ;; *) WEFT_BIN=$(pwd)/$WEFT_BIN ;; esac
[ -x "$WEFT_BIN" ] || die "no weft binary at $WEFT_BIN (build it, or set WEFT_BIN)"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/weft-bench-auth.XXXXXX") || die "no temporary directory"
WEFT_PID=
cleanup() {
	if [ -n "$WEFT_PID" ]; then
		kill -TERM "$WEFT_PID" 2>/dev/null
		wait "$WEFT_PID" 2>/dev/null
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT

PASSWORD='bench-password-123'
for svc in hub track; do
	printf '%s\n' "$PASSWORD" | "$WEFT_BIN" "$svc" admin create-user bench \
		--email bench@example.com --data "$TMP/data" >/dev/null 2>&1 ||
		die "$svc admin create-user failed"
done
"$WEFT_BIN" serve --data "$TMP/data" --hub-listen 127.0.0.1:0 --track-listen 127.0.0.1:0 \
	--log-level warn >"$TMP/serve.log" 2>&1 &
WEFT_PID=$!
HUB=
TRACK=
for _ in $(seq 1 100); do
	HUB=$(sed -n 's|^hub listening on \(http://[^ ]*\)$|\1|p' "$TMP/serve.log" | head -n 1)
	TRACK=$(sed -n 's|^track listening on \(http://[^ ]*\)$|\1|p' "$TMP/serve.log" | head -n 1)
	[ -n "$HUB" ] && [ -n "$TRACK" ] && break
	sleep 0.1
done
[ -n "$HUB" ] && [ -n "$TRACK" ] || die "weft serve did not say where it listens"

AUTH="Authorization: Basic $(printf 'bench:%s' "$PASSWORD" | base64 -w0)"
run() { # NAME URL
	local status rps errors non2xx
	status=$(curl -s -o /dev/null -w '%{http_code}' -H "$AUTH" "$2")
	[ "$status" = 200 ] || die "$1: the call answers $status, not 200"
	wrk -t "$WRK_THREADS" -c "$WRK_CONNECTIONS" -d "$WRK_DURATION" --timeout 10s -H "$AUTH" \
		"$2" >"$TMP/wrk.out" 2>&1
	rps=$(awk '/Requests\/sec/ {print $2}' "$TMP/wrk.out")
	errors=$(grep -o 'Socket errors:.*' "$TMP/wrk.out" || echo "Socket errors: none")
	non2xx=$(awk '/Non-2xx/ {print $NF}' "$TMP/wrk.out")
	printf '%-6s %-20s %10s req/s  non-2xx: %-6s %s\n' "$1" "/${2#http://*/}" "$rps" \
		"${non2xx:-0}" "$errors"
}
echo "Basic password sign-in, wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION"
run hub "$HUB/2.0/user"
run track "$TRACK/rest/api/2/myself"

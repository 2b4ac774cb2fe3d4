# Servers for the benchmarks, sourced by bench/*.sh: weft hub with a bench user, nginx in front of
# fcgiwrap, free loopback ports, and stopping what was started. Every function dies through the
# caller's die() on failure.
#
#   bench_free_port                 prints a free TCP port on 127.0.0.1
#   bench_alive PID                 true while PID runs (and is no zombie)
#   bench_stop PID SIGNAL           sends SIGNAL, waits up to 10 s, then KILL
#   bench_weft_start BIN DATA       weft hub on a free port with user bench (password
#                                   bench-secret-pw) in DATA: sets WEFT_PID, WEFT_URL, WEFT_DATA
#   bench_weft_repo NAME SOURCE     a public repository bench/NAME in the running weft, filled from
#                                   the bare repository SOURCE and repacked: prints its folder
#   bench_fcgiwrap_start TMP        fcgiwrap on TMP/fcgiwrap.sock: sets FCGI_PID
#   bench_fcgiwrap_stop             stops it and the workers it forked (they outlive it)
#   bench_nginx_start TMP LOCATIONS nginx on a free port with the server block's LOCATIONS (text;
#                                   TMP/fcgiwrap.sock is the socket): sets NGINX_PID and NGINX_PORT
# Needs curl, python3, git; nginx and fcgiwrap for their functions.

bench_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

bench_alive() {
	local stat state
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	state=${stat##*) }
	state=${state%% *}
	[ -n "$state" ] && [ "$state" != Z ]
}

bench_stop() { # PID SIGNAL
	local pid=$1
	[ -n "$pid" ] || return 0
	kill "-$2" "$pid" 2>/dev/null
	for _ in $(seq 100); do
		bench_alive "$pid" || break
		sleep 0.1
	done
	bench_alive "$pid" && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

bench_weft_start() { # BIN DATA
	local bin=$1 data=$2
	WEFT_DATA=$data
	printf 'bench-secret-pw\n' | "$bin" hub admin create-user bench --email bench@example.com \
		--display-name Bench --data "$data" >/dev/null || die "cannot create the user"
	"$bin" serve hub --data "$data" --hub-listen 127.0.0.1:0 >"$data.out" 2>"$data.log" </dev/null &
	WEFT_PID=$!
	WEFT_URL=
	for _ in $(seq 200); do
		WEFT_URL=$(sed -n 's|^hub listening on \(http://[^ ]*\)$|\1|p' "$data.out" | head -n 1)
		[ -n "$WEFT_URL" ] && break
		bench_alive "$WEFT_PID" || break
		sleep 0.05
	done
	[ -n "$WEFT_URL" ] || die "weft did not start: $(tail -n 5 "$data.log")"
}

bench_weft_repo() { # NAME SOURCE
	local status uuid bare json
	json=$(mktemp "${TMPDIR:-/tmp}/weft-bench-repo.XXXXXX")
	status=$(curl -s -o "$json" -w '%{http_code}' -u bench:bench-secret-pw \
		-H 'content-type: application/json' -d '{"scm":"git","is_private":false}' \
		"$WEFT_URL/2.0/repositories/bench/$1")
	uuid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["uuid"].strip("{}"))' \
		"$json" 2>/dev/null)
	[ "$status" = 200 ] && [ -n "$uuid" ] || die "cannot create repository $1: $status $(cat "$json")"
	rm -f "$json"
	bare=$(ls -d "$WEFT_DATA"/repos/*/"$uuid".git) || die "no folder for repository $1"
	git --git-dir="$bare" fetch -q "$2" 'refs/heads/*:refs/heads/*' || die "cannot fill $1"
	git --git-dir="$bare" repack -adq || die "cannot repack $1"
	echo "$bare"
}

bench_fcgiwrap_start() { # TMP
	local fcgiwrap
	fcgiwrap=$(command -v fcgiwrap 2>/dev/null || echo /usr/sbin/fcgiwrap)
	[ -x "$fcgiwrap" ] || die "fcgiwrap is not installed (scripts/deps.sh bench installs it)"
	"$fcgiwrap" -c 4 -s "unix:$1/fcgiwrap.sock" >"$1/fcgiwrap.log" 2>&1 </dev/null &
	FCGI_PID=$!
}

bench_fcgiwrap_stop() {
	[ -n "${FCGI_PID:-}" ] || return 0
	local workers pid
	workers=$(ps -o pid= --ppid "$FCGI_PID" 2>/dev/null)
	bench_stop "$FCGI_PID" TERM
	for pid in $workers; do
		bench_stop "$pid" TERM
	done
	FCGI_PID=
}

bench_nginx_start() { # TMP LOCATIONS
	local tmp=$1 nginx user_line=
	nginx=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
	[ -x "$nginx" ] || die "nginx is not installed (scripts/deps.sh bench installs it)"
	mkdir -p "$tmp/nginx-temp"
	[ "$(id -u)" = 0 ] && user_line="user $(id -un) $(id -gn);"
	NGINX_PORT=$(bench_free_port)
	cat >"$tmp/nginx.conf" <<EOF
$user_line
worker_processes auto;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $tmp/nginx-temp/body;
    proxy_temp_path $tmp/nginx-temp/proxy;
    fastcgi_temp_path $tmp/nginx-temp/fastcgi;
    uwsgi_temp_path $tmp/nginx-temp/uwsgi;
    scgi_temp_path $tmp/nginx-temp/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        client_max_body_size 0;
$2
    }
}
EOF
	"$nginx" -p "$tmp" -e "$tmp/nginx-error.log" -c "$tmp/nginx.conf" >"$tmp/nginx.out" 2>&1 </dev/null &
	NGINX_PID=$!
	for _ in $(seq 100); do
		curl -s -o /dev/null "http://127.0.0.1:$NGINX_PORT/" && return 0
		bench_alive "$NGINX_PID" || break
		sleep 0.1
	done
	die "nginx did not start: $(cat "$tmp/nginx.out" "$tmp/nginx-error.log" 2>/dev/null)"
}

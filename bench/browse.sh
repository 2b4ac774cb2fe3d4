#!/usr/bin/env bash
# Browsing, side by side: the same repository of COMMITS commits (2,000 files in 100 folders,
# bench/lib/make_repo.sh --tree) served by weft hub, by cgit behind nginx + fcgiwrap (no cgit
# cache) and by `fossil server` (a `fossil import --git` of it), all on free loopback ports. Every
# URL is first checked to answer 200 with the real content; then, interleaved (a change in the
# machine's load touches all alike), wrk times each page on each system: the log's first page, a
# page 600 commits deep (reached through each system's own "older" link), the overview (Fossil
# has none), one commit with its diff, a file and a directory listing. Prints req/s, p50 and p99
# (medians of REPEAT runs) and weft's ratio to each anchor, and weft's peak memory.
# Targets: weft >= 10 x cgit's req/s and >= 3 x Fossil's, p99 < 10 ms, on every page.
#
# usage: bench/browse.sh
# environment:
#   WEFT_BIN      the binary (default: build/weft under the repository root); nothing is built
#   COMMITS       commits in the repository (default 100000)
#   DURATION      seconds of each wrk run (default 10)
#   REPEAT        runs of each page on each system; the median counts (default 3)
#   THREADS       CONNECTIONS   wrk's -t and -c (default 2 and 8)
#   BENCH_CACHE   where the generated repository and its Fossil import are kept between runs
#                 (default ${XDG_CACHE_HOME:-~/.cache}/weft-bench; the import takes minutes)
#   SYSTEMS       the systems measured (default "weft cgit fossil"; without fossil, no import)
#   BENCH_STRICT  1: exit 1 when a target is missed (default: report only)
# Needs wrk, git, curl, python3, nginx, fcgiwrap, cgit and fossil (scripts/deps.sh bench).
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WEFT_BIN=${WEFT_BIN:-$ROOT/build/weft}
COMMITS=${COMMITS:-100000}
DURATION=${DURATION:-10}
REPEAT=${REPEAT:-3}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-8}
BENCH_CACHE=${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/weft-bench}
BENCH_STRICT=${BENCH_STRICT:-0}
SYSTEMS=${SYSTEMS:-weft cgit fossil}
CGIT_CGI=/usr/lib/cgit/cgit.cgi
DEPTH=600

die() {
	echo "bench/browse: $*" >&2
	exit 1
}

. "$ROOT/bench/lib/serve.sh"

has() { case " $SYSTEMS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
has weft || die "SYSTEMS must name weft"
for tool in wrk git curl python3 $(has fossil && echo fossil); do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (scripts/deps.sh bench)"
done
! has cgit || [ -x "$CGIT_CGI" ] || die "cgit is not installed (scripts/deps.sh bench)"
case $WEFT_BIN in /*) ;; *) WEFT_BIN=$(pwd)/$WEFT_BIN ;; esac
[ -x "$WEFT_BIN" ] || die "no weft binary at $WEFT_BIN (build it, or set WEFT_BIN)"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/weft-bench-browse.XXXXXX") || die "cannot create a temporary directory"
WEFT_PID= NGINX_PID= FCGI_PID= FOSSIL_PID=
CGIT_URL= FOSSIL_URL= FOSSIL_TIP=
cleanup() {
	local rc=$?
	trap - EXIT
	bench_stop "$NGINX_PID" QUIT
	bench_fcgiwrap_stop
	bench_stop "$FOSSIL_PID" TERM
	bench_stop "$WEFT_PID" TERM
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# --- the repository and its Fossil import, kept between runs ---------------------------------
mkdir -p "$BENCH_CACHE" || die "cannot create $BENCH_CACHE"
SRC=$BENCH_CACHE/tree-v1-$COMMITS.git
FOSSIL_REPO=$BENCH_CACHE/tree-v1-$COMMITS.fossil
if [ ! -d "$SRC" ]; then
	echo "generating $COMMITS commits into $SRC"
	rm -rf "$SRC.tmp"
	"$ROOT/bench/lib/make_repo.sh" --tree "$SRC.tmp" "$COMMITS" || die "make_repo failed"
	mv "$SRC.tmp" "$SRC" || die "cannot keep $SRC"
fi
if has fossil && [ ! -f "$FOSSIL_REPO" ]; then
	echo "importing into Fossil (minutes): $FOSSIL_REPO"
	rm -f "$FOSSIL_REPO.tmp"
	git --git-dir="$SRC" fast-export --all |
		USER=bench fossil import --git "$FOSSIL_REPO.tmp" >"$TMP/fossil-import.log" 2>&1 ||
		die "fossil import failed: $(tail -c 300 "$TMP/fossil-import.log")"
	mv "$FOSSIL_REPO.tmp" "$FOSSIL_REPO" || die "cannot keep $FOSSIL_REPO"
fi
HEAD=$(git --git-dir="$SRC" rev-parse main) || die "no main branch in $SRC"

export HOME=$TMP/home GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"

# --- weft ----------------------------------------------------------------------------------------
bench_weft_start "$WEFT_BIN" "$TMP/data"
BARE=$(bench_weft_repo history "$SRC")

# --- cgit behind nginx + fcgiwrap, on the same bare repository (read only) ----------------------
if has cgit; then
cat >"$TMP/cgitrc" <<EOF
cache-size=0
virtual-root=/
css=/cgit.css
enable-http-clone=0
max-commit-count=30
repo.url=history
repo.path=$BARE
repo.desc=the browsing benchmark
EOF
bench_fcgiwrap_start "$TMP"
bench_nginx_start "$TMP" "
        location = /cgit.css { root /usr/share/cgit; }
        location / {
            fastcgi_pass unix:$TMP/fcgiwrap.sock;
            fastcgi_param SCRIPT_FILENAME $CGIT_CGI;
            fastcgi_param CGIT_CONFIG $TMP/cgitrc;
            fastcgi_param PATH_INFO \$uri;
            fastcgi_param QUERY_STRING \$args;
            fastcgi_param REQUEST_METHOD \$request_method;
            fastcgi_param SERVER_NAME \$server_name;
            fastcgi_param SERVER_PORT \$server_port;
            fastcgi_param HTTP_HOST \$host;
        }"
CGIT_URL=http://127.0.0.1:$NGINX_PORT
fi

# --- fossil server, on a copy of the import (it may write to its repository) --------------------
if has fossil; then
# Anonymous visitors get what cgit's and weft's get: read access with hyperlinks (Fossil's
# default hides links, and the "More" link with them, from them).
cp "$FOSSIL_REPO" "$TMP/history.fossil" || die "cannot copy the Fossil repository"
fossil user capabilities nobody ghjorz -R "$TMP/history.fossil" >/dev/null ||
	die "cannot set Fossil's anonymous capabilities"
FOSSIL_PORT=$(bench_free_port)
fossil server "$TMP/history.fossil" --localhost --port "$FOSSIL_PORT" >"$TMP/fossil.log" 2>&1 </dev/null &
FOSSIL_PID=$!
FOSSIL_URL=http://127.0.0.1:$FOSSIL_PORT
for _ in $(seq 100); do
	curl -s -o /dev/null "$FOSSIL_URL/timeline" && break
	bench_alive "$FOSSIL_PID" || die "fossil did not start: $(cat "$TMP/fossil.log")"
	sleep 0.1
done
FOSSIL_TIP=$(fossil info tip -R "$TMP/history.fossil" | awk '$1 == "hash:" { print $2 }')
[ -n "$FOSSIL_TIP" ] || die "no tip in the Fossil repository"
fi

# --- the pages -----------------------------------------------------------------------------------
# older URL TEXT: the address of the first link in the page at URL whose text matches TEXT (an
# extended regex), entities decoded, made absolute against URL's origin.
older() {
	local origin href
	origin=$(echo "$1" | grep -Eo '^https?://[^/]+')
	href=$(curl -s "$1" | grep -Eo "<a [^>]*>[^<]*</a>" | grep -E ">($2)</a>" | head -n 1 |
		grep -Eo "href=['\"][^'\"]*['\"]" |
		sed -E "s/^href=['\"]//; s/['\"]$//; s/&#61;/=/g; s/&amp;/\\&/g")
	[ -n "$href" ] || return 1
	case $href in
	http*) echo "$href" ;;
	*) echo "$origin$href" ;;
	esac
}

# deep URL TEXT: the page DEPTH commits deep, following the older links (TEXT) of 30-commit pages.
deep() {
	local url=$1 i
	for i in $(seq $((DEPTH / 30))); do
		url=$(older "$url" "$2") || die "no older link on $url"
	done
	echo "$url"
}

FILE=src/module42/part07.txt
DIR=src/module42
declare -A URL MARK
URL[weft.log]=$WEFT_URL/bench/history/commits
URL[cgit.log]=$CGIT_URL/history/log/
URL[fossil.log]="$FOSSIL_URL/timeline?n=30&y=ci"
URL[weft.deep]=$(deep "${URL[weft.log]}" 'Older') || exit 1
if has cgit; then
	URL[cgit.deep]=$(deep "${URL[cgit.log]}" '\[next\]') || exit 1
fi
if has fossil; then
	URL[fossil.deep]=$(deep "${URL[fossil.log]}" 'More&nbsp;&darr;') || exit 1
fi
URL[weft.overview]=$WEFT_URL/bench/history
URL[cgit.overview]=$CGIT_URL/history/
URL[weft.commit]=$WEFT_URL/bench/history/commits/$HEAD
URL[cgit.commit]=$CGIT_URL/history/commit/?id=$HEAD
URL[fossil.commit]=$FOSSIL_URL/info/$FOSSIL_TIP
URL[weft.file]=$WEFT_URL/bench/history/src/main/$FILE
URL[cgit.file]=$CGIT_URL/history/tree/$FILE
URL[fossil.file]="$FOSSIL_URL/file?name=$FILE&ci=tip"
URL[weft.dir]=$WEFT_URL/bench/history/src/main/$DIR/
URL[cgit.dir]=$CGIT_URL/history/tree/$DIR/
URL[fossil.dir]="$FOSSIL_URL/dir?name=$DIR&ci=tip"
# What each page's text (tags taken out) must show: the newest commit; the one DEPTH deep; the README or the newest
# commit; the diff's added line; the file's lines; the folder's last file.
MARK[log]="Change number $COMMITS([^0-9]|$)"
MARK[deep]="Change number $((COMMITS - DEPTH))([^0-9]|$)"
MARK[overview]="Generated tree|Change number $COMMITS([^0-9]|$)"
MARK[commit]="edited by change $COMMITS\\."
MARK[file]="of $FILE: a small text file"
MARK[dir]="part19\\.txt"
PAGES="log deep overview commit file dir"

for page in $PAGES; do
	for sys in $SYSTEMS; do
		url=${URL[$sys.$page]:-}
		has "$sys" && [ -n "$url" ] || continue
		status=$(curl -s -o "$TMP/page.html" -w '%{http_code}' "$url")
		[ "$status" = 200 ] || die "$sys $page: $url answered $status"
		sed 's/<[^>]*>//g' "$TMP/page.html" | grep -Eq "${MARK[$page]}" ||
			die "$sys $page: $url does not show /${MARK[$page]}/"
	done
done
echo "every page answers 200 with its content ($SYSTEMS)"

# --- timing --------------------------------------------------------------------------------------
# ms VALUE: wrk's latency ("812.00us", "2.31ms", "1.02s") in milliseconds.
ms() {
	awk -v v="$1" 'BEGIN { if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
		else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
		printf "%.2f", v }'
}
declare -A RPS P50 P99
for rep in $(seq "$REPEAT"); do
	for page in $PAGES; do
		for sys in $SYSTEMS; do
			url=${URL[$sys.$page]:-}
			has "$sys" && [ -n "$url" ] || continue
			wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$url" >"$TMP/wrk.txt" 2>&1 ||
				die "wrk failed on $url: $(cat "$TMP/wrk.txt")"
			grep -q 'Non-2xx' "$TMP/wrk.txt" && die "$sys $page: $(grep 'Non-2xx' "$TMP/wrk.txt") ($url)"
			RPS[$sys.$page]+=" $(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$TMP/wrk.txt")"
			P50[$sys.$page]+=" $(ms "$(awk '$1 == "50%" { print $2 }' "$TMP/wrk.txt")")"
			P99[$sys.$page]+=" $(ms "$(awk '$1 == "99%" { print $2 }' "$TMP/wrk.txt")")"
		done
	done
	echo "run $rep of $REPEAT done"
done
bench_alive "$WEFT_PID" || die "weft died during the benchmark"
HWM_KB=$(awk '/^VmHWM:/ { print $2 }' "/proc/$WEFT_PID/status")

median() {
	printf '%s\n' $1 | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# --- report --------------------------------------------------------------------------------------
echo
echo "$COMMITS commits, $(nproc) processors; wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency, median of $REPEAT interleaved runs"
printf '%-10s | %-28s | %-28s | %-28s | %-9s | %-9s\n' page "weft req/s p50 p99 (ms)" \
	"cgit req/s p50 p99" "fossil req/s p50 p99" weft/cgit weft/foss
missed=0
for page in $PAGES; do
	line=$(printf '%-10s' "$page")
	for sys in weft cgit fossil; do
		if [ -n "${RPS[$sys.$page]:-}" ]; then
			cell="$(median "${RPS[$sys.$page]}") $(median "${P50[$sys.$page]}") $(median "${P99[$sys.$page]}")"
		else
			cell="-"
		fi
		line+=$(printf ' | %-28s' "$cell")
	done
	weft=$(median "${RPS[weft.$page]}")
	for anchor in cgit fossil; do
		if [ -n "${RPS[$anchor.$page]:-}" ]; then
			ratio=$(awk -v w="$weft" -v a="$(median "${RPS[$anchor.$page]}")" 'BEGIN { printf "%.1fx", w / (a ? a : 1) }')
			want=10
			[ "$anchor" = fossil ] && want=3
			awk -v r="${ratio%x}" -v t="$want" 'BEGIN { exit !(r >= t) }' || missed=1
		else
			ratio="-"
		fi
		line+=$(printf ' | %-9s' "$ratio")
	done
	awk -v p="$(median "${P99[weft.$page]}")" 'BEGIN { exit !(p < 10) }' || missed=1
	echo "$line"
done
echo "weft VmHWM after the run: $((HWM_KB / 1024)) MB"
if [ "$missed" = 0 ]; then
	echo "targets (>= 10x cgit, >= 3x Fossil, weft p99 < 10 ms on every page): met"
else
	echo "targets (>= 10x cgit, >= 3x Fossil, weft p99 < 10 ms on every page): MISSED"
	[ "$BENCH_STRICT" = 1 ] && exit 1
fi
exit 0

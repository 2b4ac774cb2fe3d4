#!/usr/bin/env bash
# Git over smart HTTP: `git clone` of the same repositories over weft, over nginx + fcgiwrap +
# `git http-backend` (the anchor), and from the local path (`git clone --no-local`: the same
# upload-pack work with no HTTP), side by side in one run, interleaved; then a push of 1,000 new
# commits to each server; and weft's peak RSS (VmHWM) while serving. Repositories: a history of
# COMMITS commits, and LARGE_FILES files of LARGE_MB MiB of random bytes (bench/lib/make_repo.sh).
# Clones are anonymous (public repositories), bare, and the median of RUNS runs.
# Targets: weft clone time <= 1.1 x git http-backend's; weft's VmHWM < 50 MB.
#
# usage: bench/git.sh
# environment:
#   WEFT_BIN      the binary (default: build/weft under the repository root); nothing is built
#   COMMITS       commits in the history repository (default 100000)
#   LARGE_FILES   LARGE_MB  the large-file repository (default 3 files of 64 MiB)
#   PUSH_COMMITS  commits in the timed push (default 1000)
#   RUNS          clones per server and repository (default 3)
#   BENCH_STRICT  1: exit 1 when a target is missed (default: report only)
# Needs git, nginx, fcgiwrap, curl and python3 (scripts/deps.sh bench installs them).
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WEFT_BIN=${WEFT_BIN:-$ROOT/build/weft}
COMMITS=${COMMITS:-100000}
LARGE_FILES=${LARGE_FILES:-3}
LARGE_MB=${LARGE_MB:-64}
PUSH_COMMITS=${PUSH_COMMITS:-1000}
RUNS=${RUNS:-3}
BENCH_STRICT=${BENCH_STRICT:-0}
RATIO_TARGET=1.1
RSS_TARGET_KB=$((50 * 1024))

die() {
	echo "bench/git: $*" >&2
	exit 1
}

. "$ROOT/bench/lib/serve.sh"

BACKEND=$(git --exec-path)/git-http-backend
[ -x "$BACKEND" ] || die "no git-http-backend at $BACKEND"
for tool in git curl python3; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed"
done
case $WEFT_BIN in /*) ;; *) WEFT_BIN=$(pwd)/$WEFT_BIN ;; esac
[ -x "$WEFT_BIN" ] || die "no weft binary at $WEFT_BIN (build it, or set WEFT_BIN)"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/weft-bench-git.XXXXXX") || die "cannot create a temporary directory"
WEFT_PID=
NGINX_PID=
FCGI_PID=

cleanup() {
	local rc=$?
	trap - EXIT
	bench_stop "$NGINX_PID" QUIT
	bench_fcgiwrap_stop
	bench_stop "$WEFT_PID" TERM
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

export HOME=$TMP/home GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
mkdir -p "$HOME"
git config --global user.name Bench
git config --global user.email bench@example.com

# --- repositories ------------------------------------------------------------------------------
echo "generating: $COMMITS commits; $LARGE_FILES files of $LARGE_MB MiB"
"$ROOT/bench/lib/make_repo.sh" "$TMP/src-history.git" "$COMMITS" || die "make_repo failed"
"$ROOT/bench/lib/make_repo.sh" --large "$TMP/src-large.git" "$LARGE_FILES" "$LARGE_MB" ||
	die "make_repo --large failed"

# --- weft ----------------------------------------------------------------------------------------
bench_weft_start "$WEFT_BIN" "$TMP/data"

# make_repo NAME SOURCE: a public weft repository filled from SOURCE (straight into its bare
# repository: the setup is not measured), and the anchor's copy of it.
make_repo() {
	local bare
	bare=$(bench_weft_repo "$1" "$2") || exit 1
	# The anchor serves a byte-identical copy (same pack, same bitmap), without weft's hook.
	mkdir -p "$TMP/anchor"
	cp -a "$bare" "$TMP/anchor/$1.git" || die "cannot copy $1"
	rm -f "$TMP/anchor/$1.git/hooks/post-receive"
	git --git-dir="$TMP/anchor/$1.git" config http.receivepack true
}
make_repo history "$TMP/src-history.git"
make_repo large "$TMP/src-large.git"

# --- nginx + fcgiwrap + git http-backend ---------------------------------------------------------
bench_fcgiwrap_start "$TMP"
bench_nginx_start "$TMP" "
        location ~ ^(/.*)\$ {
            fastcgi_pass unix:$TMP/fcgiwrap.sock;
            fastcgi_buffering off;
            fastcgi_request_buffering off;
            fastcgi_param SCRIPT_FILENAME $BACKEND;
            fastcgi_param GIT_PROJECT_ROOT $TMP/anchor;
            fastcgi_param GIT_HTTP_EXPORT_ALL \"\";
            fastcgi_param PATH_INFO \$1;
            fastcgi_param QUERY_STRING \$query_string;
            fastcgi_param REQUEST_METHOD \$request_method;
            fastcgi_param CONTENT_TYPE \$content_type;
            fastcgi_param CONTENT_LENGTH \$content_length;
            fastcgi_param HTTP_CONTENT_ENCODING \$http_content_encoding;
            fastcgi_param GIT_PROTOCOL \$http_git_protocol;
            fastcgi_param REMOTE_USER bench;
            fastcgi_param REMOTE_ADDR \$remote_addr;
            fastcgi_param SERVER_PROTOCOL \$server_protocol;
        }"
ANCHOR_URL=http://127.0.0.1:$NGINX_PORT
git ls-remote "$ANCHOR_URL/history.git" >/dev/null || die "git http-backend does not answer"

# --- clones --------------------------------------------------------------------------------------
# clone_s URL: seconds taken by a bare clone of URL (a fresh target each time).
n=0
clone_s() {
	n=$((n + 1))
	local start end
	start=$(date +%s.%N)
	git clone -q --bare "$@" "$TMP/clone-$n.git" 2>"$TMP/clone.err" || {
		cat "$TMP/clone.err" >&2
		die "git clone $* failed"
	}
	end=$(date +%s.%N)
	rm -rf "$TMP/clone-$n.git"
	python3 -c "print('%.3f' % ($end - $start))"
}
median() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

declare -A RESULT
for repo in history large; do
	weft=() anchor=() local_=()
	for _ in $(seq "$RUNS"); do # interleaved: a change in the machine's load touches all alike
		weft+=("$(clone_s "$WEFT_URL/bench/$repo.git")")
		anchor+=("$(clone_s "$ANCHOR_URL/$repo.git")")
		local_+=("$(clone_s --no-local "$TMP/anchor/$repo.git")")
	done
	RESULT[$repo.weft]=$(median "${weft[@]}")
	RESULT[$repo.anchor]=$(median "${anchor[@]}")
	RESULT[$repo.local]=$(median "${local_[@]}")
	echo "clone $repo: weft ${weft[*]} s; http-backend ${anchor[*]} s; local ${local_[*]} s"
done
CLONE_HWM_KB=$(awk '/^VmHWM:/ { print $2 }' "/proc/$WEFT_PID/status")

# --- a push of PUSH_COMMITS commits ------------------------------------------------------------
WORK=$TMP/work.git
git clone -q --bare --no-local "$TMP/anchor/history.git" "$WORK" || die "cannot clone for the push"
python3 - "$PUSH_COMMITS" <<'PY' | git --git-dir="$WORK" fast-import --quiet || die "fast-import"
import sys
n = int(sys.argv[1])
out = sys.stdout.buffer
for i in range(1, n + 1):
    msg = b"Pushed change %d\n" % i
    body = b"pushed %d\n" % i
    out.write(b"commit refs/heads/main\n")
    out.write(b"committer Bench <bench@example.com> %d +0000\n" % (1600000000 + i))
    out.write(b"data %d\n%s" % (len(msg), msg))
    if i == 1:
        out.write(b"from refs/heads/main^0\n")
    out.write(b"M 100644 inline pushed%02d.txt\ndata %d\n%s\n" % (i % 10, len(body), body))
PY
push_s() {
	local start end
	start=$(date +%s.%N)
	git --git-dir="$WORK" push -q "$1" main 2>"$TMP/push.err" || {
		cat "$TMP/push.err" >&2
		die "git push to $1 failed"
	}
	end=$(date +%s.%N)
	python3 -c "print('%.3f' % ($end - $start))"
}
PUSH_WEFT=$(push_s "http://bench:bench-secret-pw@${WEFT_URL#http://}/bench/history.git")
PUSH_ANCHOR=$(push_s "$ANCHOR_URL/history.git")
HWM_KB=$(awk '/^VmHWM:/ { print $2 }' "/proc/$WEFT_PID/status")
bench_alive "$WEFT_PID" || die "weft died during the benchmark"

# --- report ------------------------------------------------------------------------------------
echo
echo "git $(git --version | cut -d' ' -f3), $(nproc) processors; clones are bare, anonymous, median of $RUNS"
printf '%-34s %10s %14s %10s %12s\n' "" weft http-backend local weft/backend
missed=0
for repo in history large; do
	ratio=$(python3 -c "print('%.2f' % (${RESULT[$repo.weft]} / ${RESULT[$repo.anchor]}))")
	label="clone $repo"
	[ "$repo" = history ] && label="clone of $COMMITS commits (s)"
	[ "$repo" = large ] && label="clone of ${LARGE_FILES}x${LARGE_MB} MiB files (s)"
	printf '%-34s %10s %14s %10s %12s\n' "$label" "${RESULT[$repo.weft]}" \
		"${RESULT[$repo.anchor]}" "${RESULT[$repo.local]}" "$ratio"
	ok=$(python3 -c "print(1 if $ratio <= $RATIO_TARGET else 0)")
	[ "$ok" = 1 ] || missed=1
done
printf '%-34s %10s %14s\n' "push of $PUSH_COMMITS commits (s)" "$PUSH_WEFT" "$PUSH_ANCHOR"
echo "weft VmHWM: after the clones $((CLONE_HWM_KB / 1024)) MB, after the push $((HWM_KB / 1024)) MB (target < $((RSS_TARGET_KB / 1024)) MB)"
[ "$HWM_KB" -lt "$RSS_TARGET_KB" ] || missed=1
if [ "$missed" = 0 ]; then
	echo "targets (clone <= ${RATIO_TARGET}x http-backend, VmHWM < 50 MB): met"
else
	echo "targets (clone <= ${RATIO_TARGET}x http-backend, VmHWM < 50 MB): MISSED"
	[ "$BENCH_STRICT" = 1 ] && exit 1
fi
exit 0

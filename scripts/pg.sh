#!/usr/bin/env bash
# Runs a throw-away PostgreSQL cluster for the test suite: trust authentication on 127.0.0.1 and a
# Unix socket inside DIR only, no durability (fsync off), everything (data, socket, log, dynamic
# shared memory) inside DIR. Never touches the system's own clusters.
#
# Usage:
#   scripts/pg.sh start DIR          new cluster in DIR (absent or empty); prints its URL,
#                                    postgresql://weft@127.0.0.1:PORT/weft
#   scripts/pg.sh stop DIR           stops it (immediately) and removes DIR; safe to repeat, and on a
#                                    half-made DIR or after the server was killed
#   scripts/pg.sh createdb DIR NAME  (re)creates database NAME, owned by weft; prints its URL
#   scripts/pg.sh dropdb DIR NAME    drops database NAME (closing its connections), if it exists
#   scripts/pg.sh url DIR            prints the URL of the weft database of a running cluster
#
# Only the URL goes to stdout; progress and errors go to stderr. As root, the server runs as the
# `postgres` system user (from Debian's postgresql package), so DIR's parent must be traversable by
# that user: /tmp is, /root is not. Otherwise it runs as the calling user. The role `weft` (LOGIN,
# CREATEDB, not superuser) owns the database `weft`; the superuser `postgres` can only come in
# through the socket in DIR (psql -h DIR -p PORT -U postgres). WEFT_PG_BINDIR overrides the
# directory of the server binaries (default: the newest /usr/lib/postgresql/<major>/bin).
set -euo pipefail

prog=pg.sh
say() { echo "$prog: $*" >&2; }
die() {
  say "$*"
  exit 1
}
usage() {
  echo "usage: scripts/pg.sh start DIR | stop DIR | createdb DIR NAME | dropdb DIR NAME | url DIR" >&2
  exit 2
}

# The caller's libpq settings (PGHOST, PGPORT, PGDATA, PGUSER, PGSERVICE...) must not steer ours.
while IFS= read -r var; do
  unset "$var"
done < <(compgen -e | grep '^PG' || true)
export LC_ALL=C
export PGCONNECT_TIMEOUT=10
# Relative DIRs are taken from where we were called; then we leave, so that the server's user
# never finds itself in a directory it cannot enter (such as /root).
CALLER_PWD=$PWD
cd /

START_TIMEOUT=30 # seconds pg_ctl waits for the server to accept connections
STOP_TIMEOUT=10  # seconds pg_ctl waits for it to go away
MARKER=.weft-pg  # file in DIR that says "made by this script": stop removes nothing else

# --- helpers ------------------------------------------------------------------------------------

# The absolute, symlink-free form of DIR. Its characters are restricted because it ends up in
# postgresql.conf (a comma-separated, quoted list) and in a socket path (at most 107 bytes).
resolve_dir() {
  local dir
  [[ -n $1 ]] || die "DIR must not be empty"
  dir=$(cd "$CALLER_PWD" && realpath -m -- "$1") || die "cannot resolve $1"
  [[ $dir =~ ^/[A-Za-z0-9._/+@%=~-]+$ ]] ||
    die "DIR must be a plain path (letters, digits and ._/+@%=~-), got: $dir"
  [[ $dir != / ]] || die "DIR must not be /"
  ((${#dir} + 15 <= 107)) ||
    die "DIR is too long for a Unix socket path (${#dir} characters): $dir; try a shorter path under /tmp"
  printf '%s\n' "$dir"
}

# Database names: plain identifiers, and not the ones the cluster itself needs.
check_name() {
  [[ $1 =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || die "database name must match [a-z_][a-z0-9_]*, got: $1"
  case $1 in postgres | template0 | template1) die "refusing to touch database $1" ;; esac
}

# The directory of initdb, pg_ctl, postgres and psql: WEFT_PG_BINDIR, else the newest Debian
# /usr/lib/postgresql/<major>/bin, else pg_config --bindir or the PATH (other systems).
find_bindir() {
  local dir majors
  if [[ -n ${WEFT_PG_BINDIR:-} ]]; then
    [[ -x $WEFT_PG_BINDIR/initdb ]] || die "WEFT_PG_BINDIR=$WEFT_PG_BINDIR has no initdb"
    printf '%s\n' "$WEFT_PG_BINDIR"
    return
  fi
  majors=$(
    for dir in /usr/lib/postgresql/*/bin; do
      [[ -x $dir/initdb && -x $dir/pg_ctl && -x $dir/postgres && -x $dir/psql ]] || continue
      dir=${dir%/bin}
      printf '%s\n' "${dir##*/}"
    done | sort -V
  )
  if [[ -n $majors ]]; then
    printf '/usr/lib/postgresql/%s/bin\n' "$(tail -n 1 <<<"$majors")"
    return
  fi
  if command -v pg_config >/dev/null 2>&1; then
    dir=$(pg_config --bindir)
    if [[ -x $dir/initdb && -x $dir/pg_ctl ]]; then
      printf '%s\n' "$dir"
      return
    fi
  fi
  if dir=$(command -v initdb 2>/dev/null); then
    printf '%s\n' "${dir%/*}"
    return
  fi
  die "no PostgreSQL server found (no /usr/lib/postgresql/*/bin/initdb); run scripts/deps.sh check"
}

# Runs a command as USER (empty: as ourselves). Only root gets here with a USER that is not us.
as_user() {
  local user=$1
  shift
  if [[ -z $user || $user == "$(id -un)" ]]; then
    "$@"
  elif command -v runuser >/dev/null 2>&1; then
    runuser -u "$user" -- "$@"
  else
    setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups -- "$@"
  fi
}

# Writes stdin to a file as USER, so that the server can read it whatever our umask is.
write_as() {
  local user=$1 file=$2 mode=${3:-}
  if [[ $mode == append ]]; then
    as_user "$user" tee -a -- "$file" >/dev/null
  else
    as_user "$user" tee -- "$file" >/dev/null
  fi
}

# A TCP port on 127.0.0.1 that is free right now (the kernel's pick). Someone may take it before
# the server binds it; start then tries another one.
pick_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
  else
    echo $((20000 + RANDOM % 12000))
  fi
}

# The running server's port, from its postmaster.pid (line 4); empty when it is not running.
running_port() {
  local data=$1/data pid port
  [[ -r $data/postmaster.pid ]] || return 0
  pid=$(sed -n 1p "$data/postmaster.pid")
  port=$(sed -n 4p "$data/postmaster.pid")
  [[ $pid =~ ^[0-9]+$ && $port =~ ^[0-9]+$ ]] || return 0
  [[ $(readlink "/proc/$pid/cwd" 2>/dev/null) == "$data" ]] || return 0
  printf '%s\n' "$port"
}

# Processes whose working directory is DATA: the postmaster and its children all chdir there,
# and this still finds the children after the postmaster was killed. Zombies have no cwd.
# (DATA's characters are plain, see resolve_dir, so it is safe as a -lname pattern.)
cluster_pids() {
  find /proc/[0-9]*/cwd -maxdepth 0 -lname "$1" 2>/dev/null | sed 's|^/proc/\([0-9]*\)/cwd$|\1|'
  return 0
}

# Stops whatever runs in DIR and removes DIR. Refuses a non-empty DIR without the marker.
teardown() {
  local dir=$1 data=$1/data owner pid key shmid pids i
  [[ -e $dir || -L $dir ]] || return 0
  [[ -d $dir ]] || die "$dir is not a directory; not touching it"
  if [[ ! -e $dir/$MARKER && -n $(ls -A -- "$dir") ]]; then
    die "$dir was not made by $prog (no $MARKER in it); not removing it"
  fi
  if [[ -d $data ]]; then
    owner=$(stat -c %U -- "$data")
    [[ $(id -u) -eq 0 ]] || owner=
    if [[ -r $data/postmaster.pid ]]; then
      pid=$(sed -n 1p "$data/postmaster.pid")
      read -r key shmid < <(sed -n 7p "$data/postmaster.pid") || true
      if [[ $pid =~ ^[0-9]+$ && $(readlink "/proc/$pid/cwd" 2>/dev/null) == "$data" ]]; then
        say "stopping the server in $dir (pid $pid)"
        as_user "$owner" "$(find_bindir)/pg_ctl" stop -D "$data" -m immediate -w -t "$STOP_TIMEOUT" \
          -s >&2 || true
      fi
    fi
    # Whatever is left (a postmaster pg_ctl could not stop, backends orphaned by a kill -9).
    for ((i = 0; i < 50; i++)); do
      pids=$(cluster_pids "$data")
      [[ -n $pids ]] || break
      ((i > 0)) || say "killing leftover server processes: ${pids//$'\n'/ }"
      # shellcheck disable=SC2086
      kill -KILL $pids 2>/dev/null || true
      sleep 0.1
    done
    [[ -z $(cluster_pids "$data") ]] || say "warning: server processes in $data did not go away"
    # A server killed with -9 leaves its (small) System V segment behind; it is ours if key, id
    # and a zero attach count all match.
    if [[ ${key:-} =~ ^[0-9]+$ && ${shmid:-} =~ ^[0-9]+$ ]] && command -v ipcs >/dev/null 2>&1; then
      if ipcs -m | awk -v k="$(printf '0x%08x' "$key")" -v id="$shmid" \
        '$1 == k && $2 == id && $6 == 0 { found = 1 } END { exit !found }'; then
        ipcrm -m "$shmid" 2>/dev/null || true
      fi
    fi
  fi
  rm -rf -- "$dir"
}

# --- commands -----------------------------------------------------------------------------------

cmd_start() {
  local dir parent user='' bindir port attempt offset locale_opts
  dir=$(resolve_dir "$1")
  parent=${dir%/*}
  parent=${parent:-/}
  [[ -d $parent ]] || die "the parent of $dir does not exist"

  preexisting=0
  if [[ -e $dir || -L $dir ]]; then
    [[ -d $dir && ! -L $dir ]] || die "$dir exists and is not a directory"
    [[ -z $(ls -A -- "$dir") ]] || die "$dir exists and is not empty"
    preexisting=1
    orig_owner=$(stat -c %u:%g -- "$dir")
    orig_mode=$(stat -c %a -- "$dir")
  fi

  if [[ $(id -u) -eq 0 ]]; then
    user=postgres
    id -u "$user" >/dev/null 2>&1 ||
      die "running as root needs the 'postgres' system user (Debian's postgresql package; scripts/deps.sh check)"
    as_user "$user" test -x "$parent" ||
      die "$parent is not traversable by the '$user' user, which runs the server when $prog is run as root; use a directory under /tmp, e.g. \$(mktemp -d /tmp/weft-pg.XXXXXX)"
  fi
  bindir=$(find_bindir)

  # From here on, a failure removes what was made.
  start_dir=$dir
  trap on_start_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM HUP

  if ((preexisting)); then
    chmod 0700 -- "$dir"
  else
    mkdir -m 0700 -- "$dir"
  fi
  : >"$dir/$MARKER"
  [[ -z $user ]] || chown -- "$user:" "$dir" "$dir/$MARKER"

  # Collation C (fast, byte order); character classes from C.UTF-8 where the system has it.
  if locale -a 2>/dev/null | grep -qix 'c\.utf-\{0,1\}8'; then
    locale_opts=(--locale=C.UTF-8 --lc-collate=C)
  else
    locale_opts=(--no-locale)
  fi
  say "initdb in $dir ($bindir)"
  # (The log is redirected in the child: a function call with a redirection would keep it in
  # place for the EXIT trap, were a signal to arrive meanwhile, and the trap's report would be lost.)
  # shellcheck disable=SC2016
  if ! as_user "$user" sh -c 'log=$1; shift; exec "$@" >"$log" 2>&1' sh "$dir/initdb.log" \
    "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 \
    "${locale_opts[@]}" --no-sync --no-instructions; then
    die "initdb failed"
  fi

  write_as "$user" "$dir/data/postgresql.conf" append <<EOF

# --- scripts/pg.sh: a throw-away test cluster, nothing here is durable ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
unix_socket_permissions = 0700
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
dynamic_shared_memory_type = mmap	# in DIR, not /dev/shm: nothing leaks, no /dev/shm limits
log_line_prefix = '%m [%p] %q%u@%d '
include 'weft-port.conf'
EOF
  # Trust, but only on the socket (mode 0700, in DIR) and on 127.0.0.1; there only for roles that
  # are not the superuser.
  write_as "$user" "$dir/data/pg_hba.conf" <<'EOF'
# TYPE  DATABASE  USER      ADDRESS         METHOD
local   all       all                       trust
host    all       postgres  127.0.0.1/32    reject
host    all       all       127.0.0.1/32    trust
EOF

  for attempt in 1 2 3 4 5; do
    port=$(pick_port)
    echo "port = $port" | write_as "$user" "$dir/data/weft-port.conf"
    offset=$(stat -c %s -- "$dir/server.log" 2>/dev/null || echo 0)
    say "starting the server on 127.0.0.1:$port"
    if as_user "$user" "$bindir/pg_ctl" start -D "$dir/data" -l "$dir/server.log" -w \
      -t "$START_TIMEOUT" -s >&2; then
      break
    fi
    if [[ -n $(running_port "$dir") ]] ||
      ! tail -c +$((offset + 1)) -- "$dir/server.log" 2>/dev/null | grep -q 'Address already in use'; then
      die "the server did not start"
    fi
    ((attempt < 5)) || die "the server did not start: no free port after $attempt tries"
    say "port $port was taken meanwhile; trying another one"
  done

  as_user "$user" "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres \
    -d postgres -c "CREATE ROLE weft LOGIN NOSUPERUSER CREATEDB" \
    -c "CREATE DATABASE weft OWNER weft" >&2 ||
    die "cannot create the role and database weft"

  trap - EXIT INT TERM HUP
  say "ready in $dir (log: $dir/server.log; superuser: psql -h $dir -p $port -U postgres)"
  echo "postgresql://weft@127.0.0.1:$port/weft"
}

on_start_exit() {
  local rc=$? log
  trap - EXIT INT TERM HUP
  [[ $rc -ne 0 ]] || return 0
  # The server's log, or initdb's when it got no further.
  log=$start_dir/server.log
  [[ -s $log ]] || log=$start_dir/initdb.log
  if [[ -s $log ]]; then
    echo "--- last lines of $log:" >&2
    tail -n 30 -- "$log" >&2 || true
  fi
  say "start failed; removing $start_dir"
  (teardown "$start_dir") || true
  if ((preexisting)) && [[ ! -e $start_dir ]]; then
    { mkdir -m "$orig_mode" -- "$start_dir" && chown -- "$orig_owner" "$start_dir"; } || true
  fi
  exit "$rc"
}

# psql as weft over TCP: needs neither the socket nor the server's user, so any caller can do it.
weft_psql() {
  local dir=$1 port
  shift
  port=$(running_port "$dir")
  [[ -n $port ]] || die "no server is running in $dir"
  "$(find_bindir)/psql" -X -q -v ON_ERROR_STOP=1 "postgresql://weft@127.0.0.1:$port/postgres" \
    -c "SET client_min_messages = warning" "$@" >&2
}

cmd_createdb() {
  local dir=$1 name=$2 port
  dir=$(resolve_dir "$dir")
  check_name "$name"
  weft_psql "$dir" -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" \
    -c "CREATE DATABASE \"$name\"" || die "cannot create database $name"
  port=$(running_port "$dir")
  echo "postgresql://weft@127.0.0.1:$port/$name"
}

cmd_dropdb() {
  local dir=$1 name=$2
  dir=$(resolve_dir "$dir")
  check_name "$name"
  [[ -d $dir ]] || return 0
  weft_psql "$dir" -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" ||
    die "cannot drop database $name"
}

cmd_url() {
  local dir port
  dir=$(resolve_dir "$1")
  port=$(running_port "$dir")
  [[ -n $port ]] || die "no server is running in $dir"
  echo "postgresql://weft@127.0.0.1:$port/weft"
}

case "${1:-} $#" in
  "start 2") cmd_start "$2" ;;
  "stop 2")
    dir=$(resolve_dir "$2")
    teardown "$dir"
    ;;
  "createdb 3") cmd_createdb "$2" "$3" ;;
  "dropdb 3") cmd_dropdb "$2" "$3" ;;
  "url 2") cmd_url "$2" ;;
  *) usage ;;
esac

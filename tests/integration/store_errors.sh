# Databases that cannot be used stop `weft serve` with exit status 2 and one line naming the
# problem, and leave nothing behind: a malformed URL, an unreachable PostgreSQL, a file that is
# not a database, a database locked by another process, a read-only place for the data, a schema
# from a newer weft, and one database given to both services.
. "$(dirname "$0")/lib.sh"

ANY=(--hub-listen 127.0.0.1:0 --track-listen 127.0.0.1:0)
NEW=$TEST_TMP/new-data

expect_usage_error "a database URL of an unknown kind" 'hub.*database URL' "$NEW" \
	serve --data "$NEW" "${ANY[@]}" --hub-db mysql://db.example/weft

expect_usage_error "an unreachable PostgreSQL is named, without its password" \
	'track.*postgresql://weft@127\.0\.0\.1:1/none' "$NEW" \
	serve --data "$NEW" "${ANY[@]}" --track-db 'postgresql://weft:secret@127.0.0.1:1/none?connect_timeout=3'
check "the password is not printed" bash -c "! grep -q secret '$RUN_ERR'"

expect_usage_error "the data directory cannot be created on a read-only file system" \
	'data directory' /proc/weft-data serve --data /proc/weft-data "${ANY[@]}"

# A file that is not a database, in an existing data directory: refused, and left as it was.
EXISTING=$TEST_TMP/existing
mkdir -p "$EXISTING"
head -c 4096 /dev/urandom >"$EXISTING/hub.db"
before=$(sha256sum <"$EXISTING/hub.db")
expect_usage_error "a hub.db that is not a database" 'hub.*not a database' "$TEST_TMP/none" \
	serve --data "$EXISTING" "${ANY[@]}"
check "the file that is not a database is left as it was" \
	test "$(sha256sum <"$EXISTING/hub.db")" = "$before"
check "track's database was not created after hub's failed" test ! -e "$EXISTING/track.db"

# One database for both services would mix their tables: the second is refused.
SHARED=$TEST_TMP/shared
mkdir -p "$SHARED"
expect_usage_error "one database for both services" 'databases of their own' "$TEST_TMP/none" \
	serve --data "$SHARED" "${ANY[@]}" --hub-db "$SHARED/one.db" --track-db "$SHARED/one.db"

# A schema that a later weft wrote.
LATER=$TEST_TMP/later
"$WEFT_BIN" migrate up hub --data "$LATER" >/dev/null 2>&1
python3 - "$LATER/hub.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT INTO schema_migrations (version, service, name, applied_at) VALUES (9999, 'hub', '9999_future.sql', 0)")
db.commit()
PY
expect_usage_error "a database from a newer weft" 'hub.*newer' "$TEST_TMP/none" \
	serve --data "$LATER" "${ANY[@]}"

# Locked by another process for longer than the busy timeout (5 s): refused once it runs out.
LOCKED=$TEST_TMP/locked
"$WEFT_BIN" migrate up --data "$LOCKED" >/dev/null 2>&1
python3 - "$LOCKED/hub.db" "$TEST_TMP/locked.ready" <<'PY' &
import sqlite3, sys, time, pathlib
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode = DELETE")
db.execute("BEGIN EXCLUSIVE")
pathlib.Path(sys.argv[2]).touch()
time.sleep(20)
PY
locker=$!
own_pid "$locker"
for _ in $(seq 100); do [ -e "$TEST_TMP/locked.ready" ] && break; sleep 0.1; done
timeout 30 "$WEFT_BIN" serve --data "$LOCKED" "${ANY[@]}" >"$TEST_TMP/locked.out" 2>"$TEST_TMP/locked.err" </dev/null
rc=$?
stop_pid "$locker"
if [ "$rc" = 2 ] && grep -q 'hub.*locked' "$TEST_TMP/locked.err" && [ "$(grep -c '' "$TEST_TMP/locked.err")" = 1 ]; then
	pass "a database locked by another process"
else
	fail "a database locked by another process" "exit $rc" "$(head -c 400 "$TEST_TMP/locked.err")"
fi

done_testing

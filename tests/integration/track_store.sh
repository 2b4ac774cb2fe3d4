# Sourced first by the track integration tests: lib.sh, keeping the engine's two variables that
# it clears, then track's data directory $DATA and, with WEFT_TEST_ENGINE=postgres, a fresh
# PostgreSQL database named by TRACK_DB=(--track-db URL) (empty on SQLite).

# lib.sh clears the caller's WEFT_* variables: the engine's two are kept first.
engine=${WEFT_TEST_ENGINE:-sqlite}
pg_url=${WEFT_TEST_PG_URL:-}
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DATA=$TEST_TMP/track-data
TRACK_DB=()
if [ "$engine" = postgres ]; then
	[ -n "$pg_url" ] || bail "WEFT_TEST_ENGINE=postgres needs WEFT_TEST_PG_URL"
	WEFT_TEST_PG_URL=$pg_url
	fresh_pg_database track >"$TEST_TMP/track-db.url" || bail "cannot create a PostgreSQL database"
	TRACK_DB=(--track-db "$(cat "$TEST_TMP/track-db.url")")
fi

# Set-up shared by the connector's tests (track_dvcs_*.sh), sourced after lib.sh: hub's store and
# track's database side by side, hub's team and repositories, and both services in one process.

# dvcs_stores NAME: hub's store (hub_store NAME: DATA, HUB_DB) and TRACK_DB, the --track-db flag of
# a fresh PostgreSQL database (nothing on SQLite, where track.db sits in DATA).
dvcs_stores() {
	hub_store "$1"
	TRACK_DB=()
	if [ "${WEFT_TEST_ENGINE:-sqlite}" = postgres ]; then
		fresh_pg_database >"$TEST_TMP/track-db.url" || bail "cannot create a PostgreSQL database"
		TRACK_DB=(--track-db "$(cat "$TEST_TMP/track-db.url")")
	fi
}

# dvcs_team SLUG NAME OWNER: the team SLUG on hub, owned by OWNER.
dvcs_team() {
	timeout 60 "$WEFT_BIN" hub admin create-team "$1" --name "$2" --owner "$3" \
		--data "$DATA" "${HUB_DB[@]}" >"$TEST_TMP/team.out" 2>&1 ||
		bail "cannot create the team $1: $(cat "$TEST_TMP/team.out")"
}

# dvcs_serve [FLAG...]: hub and track in one weft serve, hub's webhooks allowed to reach track.
dvcs_serve() {
	weft_launch "hub track" serve --data "$DATA" --hub-listen 127.0.0.1:0 \
		--track-listen 127.0.0.1:0 "${HUB_DB[@]}" "${TRACK_DB[@]}" \
		--webhook-allowed-hosts 127.0.0.1/32 "$@" || bail "weft serve did not start"
}

# dvcs_repos USER WORKSPACE/SLUG...: private git repositories on hub, created by USER (as).
dvcs_repos() {
	local user=$1 repo
	shift
	for repo in "$@"; do
		as "$user" -H 'Content-Type: application/json' -d '{"scm": "git", "is_private": true}' \
			"$HUB_URL/2.0/repositories/$repo"
		[ "$RESP_STATUS" = 200 ] || bail "cannot create the repository $repo (status $RESP_STATUS)"
	done
}

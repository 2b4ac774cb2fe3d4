# Set-up shared by the connector's tests (track_dvcs_*.sh), sourced after lib.sh: hub's store and
# track's database side by side, hub's team and repositories, and both services in one process.

# dvcs_stores NAME: hub's store (hub_store NAME: DATA, HUB_DB) and TRACK_DB, the --track-db flag of
# a fresh PostgreSQL database (nothing on SQLite, where track.db sits in DATA).
dvcs_stores() {
	hub_store "$1"
	TRACK_DB=()
	if [ "${WEFT_TEST_ENGINE:-sqlite}" = postgres ]; then
		fresh_pg_database track >"$TEST_TMP/track-db.url" || bail "cannot create a PostgreSQL database"
		TRACK_DB=(--track-db "$(cat "$TEST_TMP/track-db.url")")
	fi
}

# dvcs_team SLUG NAME OWNER: the team SLUG on hub, owned by OWNER.
dvcs_team() {
	timeout 60 "$WEFT_BIN" hub admin create-team "$1" --name "$2" --owner "$3" \
		--data "$DATA" "${HUB_DB[@]}" >"$TEST_TMP/team.out" 2>&1 ||
		bail "cannot create the team $1: $(cat "$TEST_TMP/team.out")"
}

# dvcs_serve [FLAG...]: hub and track in one weft serve, hub's webhooks allowed to reach track;
# sets HUB and TRACK (their base URLs, as HUB_URL and TRACK_URL).
dvcs_serve() {
	weft_launch "hub track" serve --data "$DATA" --hub-listen 127.0.0.1:0 \
		--track-listen 127.0.0.1:0 "${HUB_DB[@]}" "${TRACK_DB[@]}" \
		--webhook-allowed-hosts 127.0.0.1/32 "$@" || bail "weft serve did not start"
	HUB=$HUB_URL
	TRACK=$TRACK_URL
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

# free_port: a TCP port free on 127.0.0.1 now, for a service that must keep its port across
# restarts (an account names hub's URL, hub's hooks name track's).
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# dvcs_start_hub: hub alone in its own weft serve on HUB_PORT (so that it can be stopped and
# started again), its webhooks allowed to reach track; sets HUB_PID and HUB.
dvcs_start_hub() {
	weft_launch hub serve hub --data "$DATA" --hub-listen "127.0.0.1:$HUB_PORT" "${HUB_DB[@]}" \
		--webhook-allowed-hosts 127.0.0.1/32 || bail "hub did not start"
	HUB_PID=$WEFT_PID
	HUB=$HUB_URL
}

# dvcs_consumer WORKSPACE NAME TRACK [SCOPES]: a private OAuth consumer of WORKSPACE on hub whose
# callback is the DVCS accounts page's at TRACK (track's base URL); SCOPES by default what the
# connector asks for. Sets KEY and SECRET.
dvcs_consumer() {
	timeout 60 "$WEFT_BIN" hub admin create-consumer "$1" --name "$2" \
		--callback "$3/secure/admin/dvcs/callback" --private \
		--scopes "${4:-repository:admin webhook account pullrequest}" \
		--data "$DATA" "${HUB_DB[@]}" >"$TEST_TMP/consumer.out" 2>&1 ||
		bail "cannot create a consumer: $(cat "$TEST_TMP/consumer.out")"
	KEY=$(sed -n 's/^key=//p' "$TEST_TMP/consumer.out")
	SECRET=$(sed -n 's/^secret=//p' "$TEST_TMP/consumer.out")
}

# dvcs ARGS... (stdin passed on): weft track dvcs with the test's data; sets RUN_RC, its standard
# output in RUN_OUT and its standard error in RUN_ERR.
RUN_OUT=$TEST_TMP/dvcs.out
RUN_ERR=$TEST_TMP/dvcs.err
dvcs() {
	timeout 60 "$WEFT_BIN" track dvcs "$@" --data "$DATA" "${TRACK_DB[@]}" >"$RUN_OUT" 2>"$RUN_ERR"
	RUN_RC=$?
	return "$RUN_RC"
}

# dvcs_listing: what weft track dvcs list prints.
dvcs_listing() {
	dvcs list </dev/null
	cat "$RUN_OUT"
}

# repo_line SLUG: the repository's line in weft track dvcs list (fails when there is none).
repo_line() {
	dvcs list </dev/null && grep " slug=$1 " "$RUN_OUT"
}

# track_sql QUERY: the rows of QUERY on track's database ('|'-separated).
track_sql() {
	if [ ${#TRACK_DB[@]} -gt 0 ]; then
		psql -X -q -A -t "${TRACK_DB[1]}" -c "$1"
	else
		sqlite3 -cmd '.timeout 5000' "$DATA/track.db" "$1"
	fi
}

# eventually DESC SECONDS COMMAND...: COMMAND succeeds within SECONDS (that many seconds of
# sleeping between tries); fails with the listing and the jobs otherwise. A try is a weft or
# sqlite3/psql process, up to 0.2 CPU-second on the sanitized build: tries come every POLL_MS
# milliseconds (200 unless set; tenths of a second), and a long wait sets more, or its polling
# takes most of a core from the server it waits for.
eventually() {
	local desc=$1 seconds=$2 poll_ms=${POLL_MS:-200} pause i
	shift 2
	pause=$((poll_ms / 1000)).$((poll_ms % 1000 / 100))
	for i in $(seq $((seconds * 1000 / poll_ms))); do
		if "$@" >/dev/null 2>&1; then
			pass "$desc"
			return 0
		fi
		sleep "$pause"
	done
	fail "$desc" "$(dvcs_listing; cat "$TEST_TMP/jobs.out" 2>/dev/null)"
}

# dvcs_idle KINDS: no job whose kind matches the ERE KINDS (dvcs\.discover, dvcs\.(sync|smart))
# is pending or running; the jobs listed in $TEST_TMP/jobs.out.
dvcs_idle() {
	timeout 60 "$WEFT_BIN" jobs list track --data "$DATA" "${TRACK_DB[@]}" >"$TEST_TMP/jobs.out" 2>&1 &&
		! grep -E "$1" "$TEST_TMP/jobs.out" | grep -Eq ' (pending|running) '
}

# hooks WS/REPO: how many of hub's hooks of the repository (hub at HUB) point at track (at TRACK),
# as alice sees them.
hooks() {
	as alice "$HUB/2.0/repositories/$1/hooks"
	python3 -c 'import json,sys
j=json.load(open(sys.argv[1]))
print(sum(1 for h in j.get("values", []) if h["url"].startswith(sys.argv[2] + "/rest/bitbucket/1.0/repository/")))' \
		"$RESP_BODY" "$TRACK"
}

# dvcs_link ACCOUNT: weft track dvcs link of hub's ACCOUNT (at HUB) with KEY and SECRET; bails
# out when it fails.
dvcs_link() {
	dvcs link --host-url "$HUB" --account "$1" --key "$KEY" <<<"$SECRET" ||
		bail "cannot link $1: $(cat "$RUN_OUT" "$RUN_ERR")"
}

# dvcs_sign_in JAR SITE LOGIN PASSWORD: a session of LOGIN on SITE (hub's or track's base URL)
# in the cookie jar JAR (csrf_of_body from accounts_lib.sh).
dvcs_sign_in() {
	req -b "$1" -c "$1" "$2/login"
	req -b "$1" -c "$1" --data-urlencode "csrf=$(csrf_of_body)" --data-urlencode "login=$3" \
		--data-urlencode "password=$4" "$2/login"
	[ "$RESP_STATUS" = 303 ] || bail "$3 cannot sign in on $2 (status $RESP_STATUS)"
}

# commit TEXT: TEXT appended to file.txt of the work tree in the current directory and committed
# with TEXT as its message.
commit() {
	echo "$1" >>file.txt && git add file.txt && git commit -q -m "$1" || bail "cannot commit"
}

# dvcs_work: an empty work tree WORK ($TEST_TMP/work), made the current directory, git's identity
# set (git_home), and AUTH_URL, hub's base URL (HUB) with alice's credentials, to push with.
dvcs_work() {
	git_home
	AUTH_URL="http://alice:$(password_of alice)@${HUB#http://}"
	WORK=$TEST_TMP/work
	git init -q "$WORK" && cd "$WORK" || bail "cannot make a work tree"
}

# The sync job's lease (issue 13) with two track nodes on one database and a real hub: a fetch
# that outlasts three leases keeps its lease while it runs, so the other node never takes the job
# over and one fetch runs, not two; a sync whose lease was taken over stops its fetch and writes
# nothing more for the repository (no "failed", no progress), and the node that holds the job then
# finishes it. The fetch is made slow on hub's side, so that both of track's fetches wait (git's
# into an empty mirror, libgit2's in-process one after): hub runs a git whose upload-pack, given
# the request that asks for the pack (its "done" line), first waits while the file $SLOW/delay
# names seconds.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dvcs_lib.sh"
. "$(dirname "$0")/repos_lib.sh"

dvcs_stores lease
create_user alice
dvcs_team ops Operations alice

SLOW=$TEST_TMP/slow
mkdir -p "$SLOW" || bail "mkdir"
cat >"$SLOW/git" <<EOF
#!/bin/sh
if [ "\$1" = upload-pack ] && [ "\$3" != --advertise-refs ]; then
	body=\$(mktemp) || exit 1
	cat >"\$body"
	if [ -f "$SLOW/delay" ] && grep -aq 0009done "\$body"; then
		echo "\$\$" >>"$SLOW/fetches"
		i=0
		while [ -f "$SLOW/delay" ] && [ "\$i" -lt "\$(cat "$SLOW/delay" 2>/dev/null || echo 0)" ]; do
			sleep 1
			i=\$((i + 1))
		done
	fi
	exec <"\$body"
	rm -f "\$body"
fi
exec $(command -v git) "\$@"
EOF
chmod +x "$SLOW/git" || bail "chmod"

LAUNCH_WITH=(env "PATH=$SLOW:$PATH")
weft_launch hub serve hub --data "$DATA" --hub-listen 127.0.0.1:0 "${HUB_DB[@]}" \
	--webhook-allowed-hosts 127.0.0.1/32 || bail "hub did not start"
LAUNCH_WITH=()
HUB=$HUB_URL

# Two track nodes, leases of 2 s; both name the first node's address as track's public URL.
start_node() {
	weft_launch track serve track --data "$DATA" --track-listen 127.0.0.1:0 "$@" \
		"${TRACK_DB[@]}" --job-lease 2 || bail "track did not start"
	HUB_URL=$HUB
}
start_node
TRACK=$TRACK_URL
NODE_A_ERR=$WEFT_ERR
start_node --track-url "$TRACK"
NODE_B_ERR=$WEFT_ERR

dvcs_repos alice ops/r1
dvcs_consumer ops Track "$TRACK"

fetches() {
	if [ -f "$SLOW/fetches" ]; then wc -l <"$SLOW/fetches"; else echo 0; fi
}

dvcs_link ops
eventually "discovery links r1 with its hook and syncs it (empty)" 30 eval \
	'repo_line r1 | grep -q " hook=ok sync=done commits=0 "'

dvcs_work
push() {
	git -C "$WORK" push -q "$AUTH_URL/ops/r1.git" main 2>"$TEST_TMP/push.err" ||
		bail "push failed: $(cat "$TEST_TMP/push.err")"
}
cd "$TEST_TMP" || bail "cd"

# --- a fetch three leases long: one sync ------------------------------------------------------------

echo 6 >"$SLOW/delay"
(cd "$WORK" && commit "PROJ-1 slow to fetch") || bail "commit"
push
eventually "the push's sync starts its slow fetch" 30 eval '[ "$(fetches)" = 1 ]'
sleep 7
eventually "the sync is done with the commit, after the 6 s fetch" 30 eval \
	'repo_line r1 | grep -q " sync=done commits=1 "'
check "one fetch ran, not two: the other node never took the job over" test "$(fetches)" = 1
check "the sync job ran once: attempts=1" \
	test "$(track_sql "SELECT MAX(attempts) FROM jobs WHERE kind = 'dvcs.sync'")" = 1
check "neither node logged a lease taken over" \
	eval '! grep -q "taken over" "$NODE_A_ERR" "$NODE_B_ERR"'

# --- a sync whose lease was taken over writes nothing more ------------------------------------------

echo 60 >"$SLOW/delay"
(cd "$WORK" && commit "a second change, no key (not shown before its sync)") || bail "commit"
push
eventually "the second push's sync starts its fetch" 30 eval '[ "$(fetches)" = 2 ]'
check "the repository shows the sync running" eval 'repo_line r1 | grep -q " sync=running "'
# Another worker takes the job over (as when its lease expired and another node claimed it).
THIEF_UNTIL=$(($(date +%s%3N) + 600000))
track_sql "UPDATE jobs SET lease_owner = 'another-node', lease_expires = $THIEF_UNTIL WHERE kind = 'dvcs.sync' AND state = 'running'" >/dev/null
check "the job is now another worker's" \
	test "$(track_sql "SELECT COUNT(*) FROM jobs WHERE kind = 'dvcs.sync' AND state = 'running' AND lease_owner = 'another-node'")" = 1
# hub holds the pack back for 60 s: a stop within 10 s is track's
eventually "the sync's next heartbeat fails: the node stops the sync amid its fetch" 10 eval \
	'grep -q "another worker took its job over" "$NODE_A_ERR" "$NODE_B_ERR"'
sleep 2
check "the repository's sync state is untouched: still running, no error, not finished" \
	test "$(track_sql "SELECT sync_state || '|' || COALESCE(sync_error, '-') || '|' || COALESCE(CAST(sync_finished_at AS TEXT), '-') FROM dvcs_repos WHERE slug = 'r1'")" = "running|-|-"
check "nothing stored: r1 still has 1 commit" \
	test "$(track_sql "SELECT COUNT(*) FROM dvcs_repo_commits")" = 1
check "the job is left to the worker that holds it" \
	test "$(track_sql "SELECT COUNT(*) FROM jobs WHERE kind = 'dvcs.sync' AND state = 'running' AND lease_owner = 'another-node' AND last_error IS NULL")" = 1

# The other worker vanishes: its lease expires, a node takes the job and finishes it.
rm -f "$SLOW/delay"
track_sql "UPDATE jobs SET lease_expires = 1 WHERE lease_owner = 'another-node'" >/dev/null
eventually "the job taken back finishes the sync: 2 commits, done" 30 eval \
	'repo_line r1 | grep -q " sync=done commits=2 "'

done_testing

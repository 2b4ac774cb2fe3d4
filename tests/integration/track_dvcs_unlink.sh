# Unlinking an account whose grant is dead (issue 13), against a real hub in its own process: the
# grant revoked on hub → a fresh token is asked for first (hub refuses the refresh token too); the
# OAuth consumer deleted on hub → the unlink still ends (data and mirrors gone) and names each
# webhook it left on hub (repository and URL) in weft track dvcs unlink's output, in list, and on
# the DVCS accounts page; hub's delivery of a push through such a hook is answered 410 with why,
# in hub's delivery log; "Deleted on the host" forgets it. Hub down at unlink: the same report.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dvcs_lib.sh"
. "$(dirname "$0")/repos_lib.sh"

dvcs_stores unlink
create_user alice
dvcs_team ops Operations alice

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
HUB_PORT=$(free_port) # kept across hub's restart: the account names hub's URL
start_hub() {
	weft_launch hub serve hub --data "$DATA" --hub-listen "127.0.0.1:$HUB_PORT" "${HUB_DB[@]}" \
		--webhook-allowed-hosts 127.0.0.1/32 || bail "hub did not start"
	HUB_PID=$WEFT_PID
	HUB=$HUB_URL
}
start_hub
printf 'alice-track-pw-1\n' | timeout 60 "$WEFT_BIN" track admin create-user alice \
	--email alice@example.com --admin --data "$DATA" "${TRACK_DB[@]}" >"$TEST_TMP/err" 2>&1 ||
	bail "track user: $(cat "$TEST_TMP/err")"
weft_launch track serve track --data "$DATA" --track-listen 127.0.0.1:0 \
	"${TRACK_DB[@]}" --job-lease 5 || bail "track did not start"
TRACK=$TRACK_URL
HUB_URL=$HUB

for repo in ops/r1 ops/r2; do
	as alice -H 'Content-Type: application/json' -d '{"scm": "git", "is_private": true}' \
		"$HUB/2.0/repositories/$repo"
	[ "$RESP_STATUS" = 200 ] || bail "cannot create $repo (status $RESP_STATUS)"
done

# consumer NAME: a private consumer of ops; sets KEY and SECRET.
consumer() {
	timeout 60 "$WEFT_BIN" hub admin create-consumer ops --name "$1" \
		--callback "$TRACK/secure/admin/dvcs/callback" --private \
		--scopes "repository:admin webhook account pullrequest" \
		--data "$DATA" "${HUB_DB[@]}" >"$TEST_TMP/consumer.out" 2>&1 ||
		bail "cannot create a consumer: $(cat "$TEST_TMP/consumer.out")"
	KEY=$(sed -n 's/^key=//p' "$TEST_TMP/consumer.out")
	SECRET=$(sed -n 's/^secret=//p' "$TEST_TMP/consumer.out")
}
RUN_OUT=$TEST_TMP/dvcs.out
dvcs() {
	timeout 60 "$WEFT_BIN" track dvcs "$@" --data "$DATA" "${TRACK_DB[@]}" >"$RUN_OUT" \
		2>"$TEST_TMP/dvcs.err"
	RUN_RC=$?
}
listing() {
	dvcs list </dev/null
	cat "$RUN_OUT"
}
eventually() {
	local desc=$1 i
	shift
	for i in $(seq 150); do
		if "$@" >/dev/null 2>&1; then
			pass "$desc"
			return 0
		fi
		sleep 0.2
	done
	fail "$desc" "$(listing)"
}
# hooks WS/REPO: how many of hub's hooks of the repository point at track.
hooks() {
	as alice "$HUB/2.0/repositories/$1/hooks"
	python3 -c 'import json,sys
j=json.load(open(sys.argv[1]))
print(sum(1 for h in j.get("values", []) if h["url"].startswith(sys.argv[2] + "/rest/bitbucket/1.0/repository/")))' \
		"$RESP_BODY" "$TRACK"
}
# drop_hooks WS/REPO: deletes track's hooks of the repository on hub, as its administrator would.
drop_hooks() {
	local uuid
	as alice "$HUB/2.0/repositories/$1/hooks"
	for uuid in $(python3 -c 'import json,sys
for h in json.load(open(sys.argv[1])).get("values", []):
    print(h["uuid"].strip("{}"))' "$RESP_BODY"); do
		as alice -X DELETE "$HUB/2.0/repositories/$1/hooks/%7B$uuid%7D"
	done
}
hub_sql() {
	if [ "${WEFT_TEST_ENGINE:-sqlite}" = postgres ]; then
		psql -X -q -A -t "$(cat "$TEST_TMP/hub-db.url")" -c "$1"
	else
		sqlite3 -cmd '.timeout 5000' "$DATA/hub.db" "$1"
	fi
}
link_ops() {
	dvcs link --host-url "$HUB" --account ops --key "$KEY" <<<"$SECRET" ||
		bail "cannot link ops: $(cat "$RUN_OUT" "$TEST_TMP/dvcs.err")"
	eventually "$1" eval \
		'[ "$(listing | grep -cE " slug=r[12] .* hook=ok sync=done ")" = 2 ]'
}
JAR=$TEST_TMP/hub.jar
hub_csrf() {
	grep -o 'name="csrf" value="[0-9a-f]*"' "$RESP_BODY" | head -n 1 | sed 's/.*value="//; s/"$//'
}
req -b "$JAR" -c "$JAR" "$HUB/login"
req -b "$JAR" -c "$JAR" --data-urlencode "csrf=$(hub_csrf)" --data-urlencode "login=alice" \
	--data-urlencode "password=$(password_of alice)" "$HUB/login"
[ "$RESP_STATUS" = 303 ] || bail "alice cannot sign in on hub (status $RESP_STATUS)"

# --- the grant revoked on hub: a fresh token is asked for first; refused, the hooks are named --------

# track_login: alice's session on track's pages in $TJAR.
TJAR=$TEST_TMP/track.jar
req -b "$TJAR" -c "$TJAR" "$TRACK/login"
req -b "$TJAR" -c "$TJAR" --data-urlencode "csrf=$(hub_csrf)" --data-urlencode "login=alice" \
	--data-urlencode "password=alice-track-pw-1" "$TRACK/login"
[ "$RESP_STATUS" = 303 ] || bail "alice cannot sign in on track (status $RESP_STATUS)"
# forget_all: "Deleted on the host" for every webhook the page lists.
forget_all() {
	local id
	req -b "$TJAR" -c "$TJAR" "$TRACK/secure/admin/dvcs"
	for id in $(grep -o 'left-hooks/[0-9]*/forget' "$RESP_BODY" | grep -o '[0-9]\+'); do
		req -b "$TJAR" -c "$TJAR" "$TRACK/secure/admin/dvcs"
		req -b "$TJAR" -c "$TJAR" --data-urlencode "csrf=$(hub_csrf)" \
			"$TRACK/secure/admin/dvcs/left-hooks/$id/forget"
	done
}

consumer "Tracker one"
link_ops "linked with the first consumer: r1 and r2 hooked and synced"
req -b "$JAR" -c "$JAR" "$HUB/account/settings/applications"
GRANT=$(grep -o '/account/settings/applications/[0-9]*/revoke' "$RESP_BODY" | head -n 1 | grep -o '[0-9]\+')
req -b "$JAR" -c "$JAR" --data-urlencode "csrf=$(hub_csrf)" "$HUB/account/settings/applications/$GRANT/revoke"
expect_status 303 "alice revokes track's grant on hub: its tokens no longer work"
dvcs unlink ops </dev/null
check "unlink with the revoked grant: exit 0, unlinked" \
	eval '[ "$RUN_RC" = 0 ] && grep -q "^unlinked ops$" "$RUN_OUT"'
check "the refresh was tried: hub refused its refresh token, and both hooks are named" \
	eval '[ "$(grep -cE "^webhook left on the host: ops/r[12] at $HUB posts to $TRACK/rest/bitbucket/1.0/repository/[0-9]+/sync \(the host refused track.s authorization \(The refresh token is not valid.\)\); delete it there$" "$RUN_OUT")" = 2 ]'
check "hub still has track's hooks on ops/r1 and ops/r2" \
	eval '[ "$(hooks ops/r1)" = 1 ] && [ "$(hooks ops/r2)" = 1 ]'
drop_hooks ops/r1
drop_hooks ops/r2
req -b "$TJAR" -c "$TJAR" "$TRACK/secure/admin/dvcs"
LEFT_ID=$(grep -o 'left-hooks/[0-9]*/forget' "$RESP_BODY" | head -n 1 | grep -o '[0-9]\+')
req -b "$TJAR" -c "$TJAR" --data-urlencode "csrf=$(hub_csrf)" \
	"$TRACK/secure/admin/dvcs/left-hooks/$LEFT_ID/forget"
expect_status 303 "Deleted on the host (the administrator removed it there): back to the page"
check "one webhook is left in the list" test "$(listing | grep -c '^left_hook ')" = 1
req -b "$TJAR" -c "$TJAR" "$TRACK/secure/admin/dvcs"
req -b "$TJAR" -c "$TJAR" --data-urlencode "csrf=$(hub_csrf)" \
	"$TRACK/secure/admin/dvcs/left-hooks/$LEFT_ID/forget"
expect_status 404 "forgetting it again: 404"
forget_all
check "none is left" eval '! listing | grep -q "^left_hook "'

# --- the consumer deleted on hub: the unlink ends and names the hooks it left ---------------------------

consumer "Tracker two"
link_ops "linked again with a second consumer: r1 and r2 hooked and synced"
git_home
WORK=$TEST_TMP/work
git init -q "$WORK" && (cd "$WORK" && echo one >f && git add f && git commit -q -m "PROJ-1 one") ||
	bail "cannot commit"
AUTH_URL="http://alice:$(password_of alice)@127.0.0.1:$HUB_PORT"
git -C "$WORK" push -q "$AUTH_URL/ops/r1.git" main 2>/dev/null || bail "push failed"
eventually "the push syncs r1: a mirror on disk" eval \
	'listing | grep -q " slug=r1 .* sync=done commits=1 " && ls -d "$DATA"/dvcs/*.git'
R1_ID=$(listing | sed -n 's/^repo id=\([0-9]*\) .* slug=r1 .*/\1/p')
req -b "$JAR" -c "$JAR" "$HUB/ops/settings/oauth-consumers"
CONSUMER=$(python3 -c 'import re,sys
body = open(sys.argv[1]).read()
for m in re.finditer(r"/ops/settings/oauth-consumers/(\d+)\"[^<]*>([^<]*)<", body):
    if "Tracker two" in m.group(2):
        print(m.group(1))' "$RESP_BODY")
[ -n "$CONSUMER" ] || bail "cannot find the consumer Tracker two on hub's page"
req -b "$JAR" -c "$JAR" "$HUB/ops/settings/oauth-consumers/$CONSUMER"
req -b "$JAR" -c "$JAR" --data-urlencode "csrf=$(hub_csrf)" "$HUB/ops/settings/oauth-consumers/$CONSUMER/delete"
expect_status 303 "alice deletes the consumer on hub"
dvcs unlink ops </dev/null
check "unlink exits 0 and says unlinked" eval '[ "$RUN_RC" = 0 ] && grep -q "^unlinked ops$" "$RUN_OUT"'
for slug in r1 r2; do
	check "unlink names the webhook left on ops/$slug, its URL and why" \
		grep -Eq "^webhook left on the host: ops/$slug at $HUB posts to $TRACK/rest/bitbucket/1.0/repository/[0-9]+/sync \(the host refused track's authorization .*\); delete it there$" "$RUN_OUT"
done
check "list shows both as left_hook lines" \
	eval '[ "$(listing | grep -cE "^left_hook id=[0-9]+ repo=ops/r[12] site=$HUB url=$TRACK/rest/bitbucket/1.0/repository/[0-9]+/sync reason=the host refused")" = 2 ]'
check "the account and its repositories are gone" eval '! listing | grep -Eq "name=ops | slug=r[12] "'
check "its mirrors are deleted" eval '! ls -d "$DATA"/dvcs/*.git'
check "hub still has the hook on ops/r1" test "$(hooks ops/r1)" = 1

# The DVCS accounts page names them.
req -b "$TJAR" -c "$TJAR" "$TRACK/secure/admin/dvcs"
expect_status 200 "the DVCS accounts page loads"
check "the page lists the webhooks left on the host, with repository, URL and why" python3 -c 'import re,sys
body = open(sys.argv[1]).read()
assert "Webhooks left on the host" in body, "no section"
rows = re.findall(r"<tr id=\"left-hook-\d+\" class=\"dvcs-left-hook\">(.*?)</tr>", body, re.S)
assert len(rows) == 2, rows
for slug, row in zip(["r1", "r2"], rows):
    assert "ops/" + slug in row, row
    assert sys.argv[2] + "/rest/bitbucket/1.0/repository/" in row, row
    assert "the host refused track&#39;s authorization" in row or "the host refused track&#x27;s authorization" in row, row' \
	"$RESP_BODY" "$TRACK"

# hub delivers a push through the hook left on r1: 410, and its delivery log says why.
(cd "$WORK" && echo two >>f && git commit -qam "two") || bail "commit"
git -C "$WORK" push -q "$AUTH_URL/ops/r1.git" main 2>/dev/null || bail "push failed"
attempt() {
	hub_sql "SELECT a.status || ' ' || a.response_body FROM hook_attempts a JOIN hook_deliveries d ON d.id = a.delivery_id WHERE d.event = 'repo:push' ORDER BY a.id DESC LIMIT 1"
}
eventually "hub's delivery to the hook left on r1 is answered 410" eval '[ "$(attempt | cut -d" " -f1)" = 410 ]'
check "hub's delivery log shows why: unlinked, delete the webhook" \
	eval 'attempt | grep -q "unlinked from the tracker, which could not remove this webhook from the host. Delete the webhook."'
req -H 'X-Event-Key: repo:push' -d '{}' "$TRACK/rest/bitbucket/1.0/repository/$R1_ID/sync"
expect_status 410 "an unsigned delivery to the left hook's URL: 410 too"
req -H 'X-Event-Key: repo:push' -d '{}' "$TRACK/rest/bitbucket/1.0/repository/99999/sync"
expect_status 404 "a never-known repository id: still 404"

drop_hooks ops/r1
drop_hooks ops/r2
forget_all
check "both forgotten" eval '! listing | grep -q "^left_hook "'
check "forgotten, the left hooks' URLs are unknown again: 404" eval \
	'[ "$(curl -s -o /dev/null -w "%{http_code}" -H "X-Event-Key: repo:push" -d "{}" "$TRACK/rest/bitbucket/1.0/repository/$R1_ID/sync")" = 404 ]'

# --- hub down at unlink: the same report ---------------------------------------------------------------

consumer "Tracker three"
link_ops "linked with a third consumer: r1 and r2 hooked and synced"
stop_pid "$HUB_PID"
dvcs unlink ops </dev/null
check "with hub down, unlink exits 0 and names both webhooks: the host could not be reached" \
	eval '[ "$RUN_RC" = 0 ] && [ "$(grep -cE "^webhook left on the host: ops/r[12] at $HUB posts to .*\(the host could not be reached .*\); delete it there$" "$RUN_OUT")" = 2 ]'
check "and its data is gone" eval '! listing | grep -Eq "name=ops | slug=r[12] "'
start_hub
check "hub, back, still has the hooks" eval '[ "$(hooks ops/r1)" = 1 ] && [ "$(hooks ops/r2)" = 1 ]'

done_testing

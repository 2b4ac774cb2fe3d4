# Webhooks end to end: the hooks API of repositories and workspaces (secret never returned,
# refused URLs are a 400), repo:push after real git pushes checked by a real receiver (payload
# shape, headers, HMAC; new branch, update, force push, tags, delete, 50 commits → 5 +
# truncated), build statuses and their events, repo:updated and repo:deleted, and the faults:
# the receiver down (retries with a rising X-Attempt-Number, delivered when it is back), 500 then
# 200, and weft killed with SIGKILL between a push and its delivery.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/repos_lib.sh"

hub_store hooks
command -v git >/dev/null 2>&1 || bail "the webhook tests need git"

forget_response
create_user alice
create_user bob
pass "created the users alice and bob"

# The receiver: tests/integration/hook_receiver.py on a free port, its log one JSON line a request.
RECV_LOG=$TEST_TMP/received.jsonl
RECV_STATUS=$TEST_TMP/receiver-status
RECV_PID=
: >"$RECV_LOG"
start_receiver() {
	rm -f "$TEST_TMP/receiver.port"
	python3 "$IT_DIR/hook_receiver.py" "$TEST_TMP/receiver.port" "$RECV_LOG" "$RECV_STATUS" \
		${1:-0} 2>>"$TEST_TMP/receiver.err" &
	RECV_PID=$!
	own_pid "$RECV_PID"
	local i
	for i in $(seq 100); do
		[ -s "$TEST_TMP/receiver.port" ] && break
		sleep 0.05
	done
	RECV_PORT=$(cat "$TEST_TMP/receiver.port") || bail "the receiver did not start"
}
stop_receiver() {
	stop_pid "$RECV_PID"
}
start_receiver
RECEIVER=http://127.0.0.1:$RECV_PORT

# 127.0.0.1 is allowed; every other loopback and private address is not.
SERVE=(serve hub --data "$DATA" --hub-listen 127.0.0.1:0 "${HUB_DB[@]}"
	--webhook-allowed-hosts "127.0.0.1/32" --webhook-retry-base 100 --job-lease 2)
weft_launch hub "${SERVE[@]}" || bail "weft serve hub did not start"

create_repo demo true
pass "created the repository demo"

# received_count: how many requests the receiver has logged.
received_count() {
	wc -l <"$RECV_LOG" | tr -d ' '
}

# wait_received N: waits (at most 20 s) until the receiver logged at least N requests.
wait_received() {
	local i
	for i in $(seq 400); do
		[ "$(received_count)" -ge "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# received EXPR: EXPR (Python) holds for r, the last request logged (r["body"] parsed as
# r["json"]), with hmac_ok(r, secret) and the whole log as log.
received() {
	python3 - "$1" "$RECV_LOG" <<'PY'
import hashlib, hmac, json, sys
log = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
for r in log:
    r["json"] = json.loads(r["body"])
def hmac_ok(r, secret):
    want = "sha256=" + hmac.new(secret.encode(), r["body"].encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(r["headers"].get("X-Hub-Signature", ""), want)
r = log[-1]
try:
    ok = eval(sys.argv[1], {"r": r, "log": log, "hmac_ok": hmac_ok})
except Exception as e:
    print("%s: %s: %r" % (sys.argv[1], type(e).__name__, e)); sys.exit(1)
if not ok:
    print("false: %s" % sys.argv[1]); print(json.dumps(r)[:1500])
sys.exit(0 if ok else 1)
PY
}
expect_received() {
	local why
	if why=$(received "$1"); then pass "$2"; else fail "$2" "$why"; fi
}

# --- the hooks API -------------------------------------------------------------------------

API=$HUB_URL/2.0/repositories/alice/demo
json_post() { as alice -H 'Content-Type: application/json' -d "$2" "$1"; }

json_post "$API/hooks" "{\"description\": \"ci\", \"url\": \"$RECEIVER/push\", \"active\": true,
	\"secret\": \"It's a secret\", \"events\": [\"repo:push\", \"repo:commit_status_created\",
	\"repo:commit_status_updated\"]}"
expect_status 201 "POST hooks creates a webhook (201)"
expect_json 'j["type"] == "webhook_subscription" and j["secret_set"] is True and "secret" not in j and j["active"] is True and j["subject_type"] == "repository" and j["subject"]["full_name"] == "alice/demo" and sorted(j["events"]) == ["repo:commit_status_created", "repo:commit_status_updated", "repo:push"] and j["uuid"].startswith("{")' \
	"the subscription has A.11's shape; the secret is never returned"
HOOK=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["uuid"])' "$RESP_BODY")
HOOK_PLAIN=${HOOK//[\{\}]/}

as alice "$API/hooks"
expect_json 'j["size"] == 1 and j["values"][0]["url"].endswith("/push") and "secret" not in j["values"][0]' \
	"GET hooks lists it, without the secret"
as alice "$API/hooks/$HOOK_PLAIN"
expect_json 'j["description"] == "ci"' "GET hooks/{uid} finds it by its UUID (with or without braces)"
as alice -X PUT -H 'Content-Type: application/json' -d '{"description": "ci 2", "secret": null}' \
	"$API/hooks/%7B$HOOK_PLAIN%7D"
expect_json 'j["description"] == "ci 2" and j["secret_set"] is False' "PUT changes it; secret null removes the secret"
as alice -X PUT -H 'Content-Type: application/json' -d '{"secret": "s3cret"}' "$API/hooks/$HOOK_PLAIN"
expect_json 'j["secret_set"] is True and j["description"] == "ci 2"' "PUT sets a new secret and keeps what it omits"
SECRET=s3cret

json_post "$API/hooks" "{\"url\": \"$RECEIVER/x\", \"events\": [\"repo:nothing\"]}"
expect_status 400 "an unknown event is a 400"
json_post "$API/hooks" "{\"url\": \"$RECEIVER/x\"}"
expect_status 400 "events are required"
as bob "$API/hooks"
expect_status 404 "someone without access to the repository does not see its hooks"
as alice "$HUB_URL/2.0/hook_events/repository"
expect_json 'any(e["event"] == "repo:push" and e["category"] and e["label"] for e in j["values"])' \
	"hook_events/repository lists the catalogue"
as alice "$HUB_URL/2.0/hook_events"
expect_json '"repository" in j and "workspace" in j' "hook_events lists the subject types"

# Refused destinations: a clear 400 on the API.
for url in "http://[::1]:$RECV_PORT/x" "http://10.1.2.3/x" "http://192.168.1.1/x" "file:///etc/passwd" \
	"http://user:pw@127.0.0.1:$RECV_PORT/x" "ftp://127.0.0.1/x" "http://127.0.0.1:$RECV_PORT/x#frag" \
	"http://0.0.0.0:$RECV_PORT/"; do
	json_post "$API/hooks" "{\"url\": \"$url\", \"events\": [\"repo:push\"]}"
	if [ "$RESP_STATUS" = 400 ] && json_eval 'len(j["error"]["message"]) > 20' >/dev/null; then
		pass "a hook to $url is refused with a clear 400"
	else
		fail "a hook to $url is refused with a clear 400" "status $RESP_STATUS: $(head -c 300 "$RESP_BODY")"
	fi
done
json_post "$API/hooks" "{\"url\": \"http://[::1]:$RECV_PORT/x\", \"events\": [\"repo:push\"]}"
expect_body_contains "loopback" "the refusal says why (a loopback address)"

# --- repo:push after real pushes ------------------------------------------------------------

export HOME=$TEST_TMP/home GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
mkdir -p "$HOME"
git config --global user.name "Alice Liddell"
git config --global user.email alice@example.com
git config --global init.defaultBranch main
REMOTE=http://alice:$(password_of alice)@${HUB_URL#http://}/alice/demo.git
WORK=$TEST_TMP/work
git init -q "$WORK"
g() { git -C "$WORK" "$@" >>"$TEST_TMP/git.log" 2>&1; }
commit() { echo "$1" >>"$WORK/file.txt" && g add file.txt && g commit -qm "$1"; }

# push_and_wait DESC GIT_PUSH_ARGS...: pushes, then waits for one more request at the receiver.
push_and_wait() {
	local desc=$1 before
	shift
	before=$(received_count)
	if ! g push "$@"; then
		fail "$desc" "git push $* failed: $(tail -n 5 "$TEST_TMP/git.log")"
		return 1
	fi
	if wait_received $((before + 1)); then
		pass "$desc"
	else
		fail "$desc" "no request reached the receiver within 20 s" "$(tail -n 5 "$WEFT_ERR")"
		return 1
	fi
}

commit one
commit two
FIRST=$(git -C "$WORK" rev-parse HEAD)
push_and_wait "pushing a new branch delivers repo:push" "$REMOTE" main
expect_received 'r["headers"]["X-Event-Key"] == "repo:push" and r["headers"]["X-Hook-UUID"] == "'"$HOOK_PLAIN"'" and len(r["headers"]["X-Request-UUID"]) == 36 and r["headers"]["X-Attempt-Number"] == "1" and r["headers"]["User-Agent"] == "Bitbucket-Webhooks/2.0" and r["headers"]["Content-Type"] == "application/json"' \
	"the headers are A.11's: X-Event-Key, X-Hook-UUID, X-Request-UUID, X-Attempt-Number, User-Agent"
expect_received 'hmac_ok(r, "'"$SECRET"'")' "X-Hub-Signature is the HMAC-SHA256 of the body with the secret"
expect_received 'r["json"]["actor"]["username"] == "alice" and r["json"]["repository"]["full_name"] == "alice/demo" and r["json"]["repository"]["type"] == "repository"' \
	"the payload names the actor and the repository (condensed)"
expect_received 'len(r["json"]["push"]["changes"]) == 1 and (lambda c: c["created"] and not c["closed"] and not c["forced"] and c["old"] is None and c["new"]["type"] == "branch" and c["new"]["name"] == "main" and c["new"]["target"]["hash"] == "'"$FIRST"'" and [x["message"].strip() for x in c["commits"]] == ["two", "one"] and c["truncated"] is False and "commits" in c["links"])(r["json"]["push"]["changes"][0])' \
	"a new branch: created, old null, new with its target, its commits newest first"

commit three
push_and_wait "an update delivers repo:push" "$REMOTE" main
expect_received '(lambda c: not c["created"] and not c["forced"] and c["old"]["target"]["hash"] == "'"$FIRST"'" and [x["message"].strip() for x in c["commits"]] == ["three"] and c["commits"][0]["parents"][0]["hash"] == "'"$FIRST"'" and c["commits"][0]["author"]["raw"] == "Alice Liddell <alice@example.com>" and c["commits"][0]["author"]["user"]["nickname"] == "alice")(r["json"]["push"]["changes"][0])' \
	"an update: old and new, the one new commit with its author (and their hub account) and parent"

g reset -q --hard "$FIRST"
commit rewritten
push_and_wait "a force push delivers repo:push" --force "$REMOTE" main
expect_received '(lambda c: c["forced"] and [x["message"].strip() for x in c["commits"]] == ["rewritten"])(r["json"]["push"]["changes"][0])' \
	"a force push is forced, with the commits new to the branch"

g tag v1
g tag -a v2 -m "release two"
push_and_wait "pushing two tags delivers one repo:push" "$REMOTE" v1 v2
expect_received 'sorted((c["new"]["type"], c["new"]["name"]) for c in r["json"]["push"]["changes"]) == [("tag", "v1"), ("tag", "v2")] and all(c["created"] and c["new"]["target"]["hash"] == "'"$(git -C "$WORK" rev-parse HEAD)"'" for c in r["json"]["push"]["changes"])' \
	"one event for the whole push: both tags, annotated ones peeled to their commit"

g checkout -q -b topic
push_and_wait "pushing a branch for deletion" "$REMOTE" topic
push_and_wait "deleting a branch delivers repo:push" "$REMOTE" :topic
expect_received '(lambda c: c["closed"] and c["new"] is None and c["old"]["name"] == "topic" and c["commits"] == [])(r["json"]["push"]["changes"][0])' \
	"a deleted branch: closed, new null"

g checkout -q main
for i in $(seq 50); do echo "$i" >>"$WORK/many.txt"; g add many.txt; g commit -qm "many $i"; done
push_and_wait "pushing 50 commits delivers repo:push" "$REMOTE" main
expect_received '(lambda c: [x["message"].strip() for x in c["commits"]] == ["many 50", "many 49", "many 48", "many 47", "many 46"] and c["truncated"] is True)(r["json"]["push"]["changes"][0])' \
	"50 commits: the newest 5 and truncated"

# --- build statuses -----------------------------------------------------------------------

HEAD=$(git -C "$WORK" rev-parse HEAD)
before=$(received_count)
json_post "$API/commit/$HEAD/statuses/build" '{"key": "ci-1", "state": "INPROGRESS", "name": "Build #1", "url": "https://ci.example.com/1", "description": "running"}'
expect_status 201 "POST statuses/build creates a status (201)"
expect_json 'j["type"] == "build" and j["key"] == "ci-1" and j["state"] == "INPROGRESS" and j["name"] == "Build #1" and j["links"]["commit"]["href"].endswith("/commit/'"$HEAD"'")' \
	"the status has A.12's shape"
check "repo:commit_status_created reaches the receiver" wait_received $((before + 1))
expect_received 'r["headers"]["X-Event-Key"] == "repo:commit_status_created" and r["json"]["commit_status"]["key"] == "ci-1" and r["json"]["commit_status"]["state"] == "INPROGRESS" and r["json"]["commit_status"]["commit"]["hash"] == "'"$HEAD"'" and hmac_ok(r, "'"$SECRET"'")' \
	"its payload carries the status and its commit, signed"
json_post "$API/commit/${HEAD:0:12}/statuses/build" '{"key": "ci-1", "state": "SUCCESSFUL", "url": "https://ci.example.com/1"}'
expect_json 'j["state"] == "SUCCESSFUL" and j["name"] == "Build #1"' "POST with the same key (and a short hash) overwrites it"
check "repo:commit_status_updated reaches the receiver" wait_received $((before + 2))
expect_received 'r["headers"]["X-Event-Key"] == "repo:commit_status_updated" and r["json"]["commit_status"]["state"] == "SUCCESSFUL"' \
	"the overwrite is repo:commit_status_updated"
as alice -X PUT -H 'Content-Type: application/json' -d '{"state": "FAILED", "description": "broke"}' "$API/commit/$HEAD/statuses/build/ci-1"
expect_json 'j["state"] == "FAILED" and j["description"] == "broke" and j["key"] == "ci-1"' "PUT changes the state and description"
check "PUT is repo:commit_status_updated too" wait_received $((before + 3))
as bob "$API/commit/$HEAD/statuses"
expect_status 404 "someone without read access sees no statuses"
as alice "$API/commit/$HEAD/statuses"
expect_json 'j["size"] == 1 and j["values"][0]["key"] == "ci-1"' "GET statuses lists the commit's statuses"
as alice "$API/commit/$HEAD/statuses/build/ci-1"
expect_json 'j["state"] == "FAILED"' "GET statuses/build/{key} reads one"
as alice "$API/commit/$HEAD/statuses/build/nope"
expect_status 404 "an unknown key is a 404"
json_post "$API/commit/$HEAD/statuses/build" '{"key": "x", "state": "GREEN", "url": "https://x"}'
expect_status 400 "an unknown state is a 400"
json_post "$API/commit/0000000000000000000000000000000000000000/statuses/build" '{"key": "x", "state": "FAILED", "url": "https://x"}'
expect_status 404 "a commit that does not exist is a 404"

# --- a workspace hook, repo:updated and repo:deleted ---------------------------------------

json_post "$HUB_URL/2.0/workspaces/alice/hooks" "{\"url\": \"$RECEIVER/ws\", \"events\": [\"repo:updated\", \"repo:deleted\"]}"
expect_status 201 "POST workspaces/{ws}/hooks creates a workspace webhook"
expect_json 'j["subject_type"] == "workspace" and j["subject"]["slug"] == "alice" and j["secret_set"] is False' "its subject is the workspace"
before=$(received_count)
as alice -X PUT -H 'Content-Type: application/json' -d '{"description": "now described"}' "$API"
check "repo:updated reaches the workspace hook" wait_received $((before + 1))
expect_received 'r["path"] == "/ws" and r["headers"]["X-Event-Key"] == "repo:updated" and r["json"]["changes"]["description"]["new"] == "now described" and "X-Hub-Signature" not in r["headers"]' \
	"repo:updated says what changed; no signature without a secret"

# --- faults -------------------------------------------------------------------------------

# The receiver down: attempts rise, then it is delivered when the receiver is back.
stop_receiver
commit down
g push "$REMOTE" main
PUSH_UUIDS=()
attempts_of_last() { hub_sql "SELECT attempts FROM hook_deliveries WHERE event = 'repo:push' ORDER BY id DESC LIMIT 1"; }
for i in $(seq 200); do [ "$(attempts_of_last)" -ge 3 ] && break; sleep 0.05; done
check "with the receiver down, the delivery is attempted again and again" test "$(attempts_of_last)" -ge 3
check "each attempt is in the log with its error" test "$(hub_sql "SELECT COUNT(*) FROM hook_attempts t JOIN hook_deliveries d ON d.id = t.delivery_id WHERE d.id = (SELECT MAX(id) FROM hook_deliveries WHERE event = 'repo:push') AND t.status = 0 AND t.error <> ''")" -ge 3
before=$(received_count)
start_receiver "$RECV_PORT"
check "once the receiver is back, the delivery arrives" wait_received $((before + 1))
expect_received 'r["headers"]["X-Event-Key"] == "repo:push" and int(r["headers"]["X-Attempt-Number"]) >= 3 and r["json"]["push"]["changes"][0]["commits"][0]["message"].strip() == "down"' \
	"it arrives with its X-Attempt-Number past the failed ones"

# 500, then 200: the same bytes again.
echo "500 200" >"$RECV_STATUS"
stop_receiver
: >"$RECV_LOG"
start_receiver "$RECV_PORT"
commit flaky
g push "$REMOTE" main
check "after a 500 the delivery is tried again" wait_received 2
expect_received 'log[0]["answered"] == 500 and log[1]["answered"] == 200 and log[0]["body"] == log[1]["body"] and log[0]["headers"]["X-Request-UUID"] == log[1]["headers"]["X-Request-UUID"] and log[0]["headers"]["X-Hub-Signature"] == log[1]["headers"]["X-Hub-Signature"] and log[0]["headers"]["X-Attempt-Number"] == "1" and log[1]["headers"]["X-Attempt-Number"] == "2"' \
	"the retry sends the same body, signature and request UUID, with the next attempt number"
rm -f "$RECV_STATUS"
check "the delivery is marked delivered" test "$(hub_sql "SELECT state FROM hook_deliveries WHERE event = 'repo:push' ORDER BY id DESC LIMIT 1")" = delivered

# SIGKILL between the push and its delivery: delivered after the restart, exactly once each.
stop_receiver
: >"$RECV_LOG"
commit killed-1
g push "$REMOTE" main
commit killed-2
g push "$REMOTE" main
for i in $(seq 200); do [ "$(hub_sql "SELECT COUNT(*) FROM hook_attempts t JOIN hook_deliveries d ON d.id = t.delivery_id WHERE d.state = 'pending'")" -ge 1 ] && break; sleep 0.05; done
PENDING=$(hub_sql "SELECT request_uuid FROM hook_deliveries WHERE state = 'pending' ORDER BY id" | sort | tr '\n' ' ')
kill -KILL "$WEFT_PID"
wait_exit "$WEFT_PID" 10
check "two pushes wait for their delivery when weft is killed" test "$(echo $PENDING | wc -w)" = 2
start_receiver "$RECV_PORT"
weft_launch hub "${SERVE[@]}" || bail "weft serve hub did not start again"
API=$HUB_URL/2.0/repositories/alice/demo
check "after the restart both are delivered" wait_received 2
sleep 1
DELIVERED=$(python3 -c 'import json,sys; print(" ".join(sorted(json.loads(l)["headers"]["X-Request-UUID"] for l in open(sys.argv[1]) if l.strip())))' "$RECV_LOG")
check "exactly the events pushed, none twice" test "$DELIVERED " = "$PENDING"
expect_received '[x["json"]["push"]["changes"][0]["commits"][0]["message"].strip() for x in log] == ["killed-1", "killed-2"]' \
	"in the order of the pushes"
check "no delivery of the hook is in the log twice" test "$(hub_sql "SELECT COUNT(*) FROM (SELECT request_uuid FROM hook_deliveries GROUP BY request_uuid HAVING COUNT(*) > 1) x")" = 0

# --- pages ---------------------------------------------------------------------------------

csrf_of_body() {
	grep -o 'name="csrf" value="[0-9a-f]*"' "$RESP_BODY" | head -n 1 | sed 's/.*value="//; s/"$//'
}
JAR=$TEST_TMP/alice.jar
req -b "$JAR" -c "$JAR" "$HUB_URL/login"
req -b "$JAR" -c "$JAR" --data-urlencode "csrf=$(csrf_of_body)" --data-urlencode "login=alice" \
	--data-urlencode "password=$(password_of alice)" "$HUB_URL/login"
expect_status 303 "alice signs in for the pages"
req -b "$JAR" "$HUB_URL/alice/demo/admin/hooks"
expect_status 200 "Settings › Webhooks lists the repository's webhooks"
expect_body_contains "$RECEIVER/push" "the list shows the hook's URL"
expect_body_contains 'href="/alice/demo/admin/hooks" aria-current="page">Webhooks' \
	"  among the repository's settings tabs, Webhooks the current one"
expect_body_contains 'href="/alice/demo/admin/access">Access' "  the other tabs one click away"
CSRF=$(csrf_of_body)
page_post() {
	local path=$1 args=(--data-urlencode "csrf=$CSRF")
	shift
	for f in "$@"; do args+=(--data-urlencode "$f"); done
	req -b "$JAR" "${args[@]}" "$HUB_URL$path"
}
page_post /alice/demo/admin/hooks "url=http://[::1]:$RECV_PORT/x" description=refused events=repo:push active=on
expect_status 400 "the form refuses a loopback URL the allow list does not name (400)"
expect_body_contains "loopback" "the form says why"
page_post /alice/demo/admin/hooks "url=$RECEIVER/form" description=form events=repo:push events=repo:updated active=on
expect_status 303 "the form adds a webhook"
check "with the events ticked" test "$(hub_sql "SELECT COUNT(*) FROM hook_subscriptions s JOIN hooks h ON h.id = s.hook_id WHERE h.url = '$RECEIVER/form'")" = 2
FORM_HOOK=$(hub_sql "SELECT uuid FROM hooks WHERE url = '$RECEIVER/form'")
page_post "/alice/demo/admin/hooks/$FORM_HOOK/delete"
expect_status 303 "the form deletes it"
req -b "$JAR" "$HUB_URL/alice/demo/admin/hooks/$HOOK_PLAIN/requests"
expect_status 200 "View requests lists the hook's deliveries"
expect_body_contains "repo:push" "with their events"
req -b "$JAR" "$HUB_URL/alice/demo/admin/hooks/$HOOK_PLAIN/requests?failed=1"
expect_body_contains "No requests failed" "the failed filter hides the delivered ones"
# A hook whose receiver refuses every connection (port 1): its delivery keeps failing.
json_post "$API/hooks" '{"url": "http://127.0.0.1:1/x", "events": ["repo:updated"]}'
DOWN_HOOK=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["uuid"].strip("{}"))' "$RESP_BODY")
as alice -X PUT -H 'Content-Type: application/json' -d '{"description": "again"}' "$API"
for i in $(seq 200); do [ "$(hub_sql "SELECT COUNT(*) FROM hook_attempts t JOIN hook_deliveries d ON d.id = t.delivery_id JOIN hooks h ON h.id = d.hook_id WHERE h.uuid = '$DOWN_HOOK'")" -ge 1 ] && break; sleep 0.05; done
req -b "$JAR" "$HUB_URL/alice/demo/admin/hooks/$DOWN_HOOK/requests?failed=1"
expect_body_contains "hook-request-failed" "the failed filter shows a delivery whose attempts failed"
as alice -X DELETE "$API/hooks/$DOWN_HOOK"
DELIVERY=$(hub_sql "SELECT id FROM hook_deliveries WHERE state = 'delivered' AND event = 'repo:push' ORDER BY id DESC LIMIT 1")
req -b "$JAR" "$HUB_URL/alice/demo/admin/hooks/$HOOK_PLAIN/requests/$DELIVERY"
expect_body_contains "X-Hub-Signature" "a request's page shows the request headers"
expect_body_contains "weft-test" "and the response headers"
before=$(received_count)
page_post "/alice/demo/admin/hooks/$HOOK_PLAIN/requests/$DELIVERY/resend"
expect_status 303 "Resend queues the request again"
check "the resent request arrives" wait_received $((before + 1))
RESENT_UUID=$(hub_sql "SELECT request_uuid FROM hook_deliveries WHERE id = $DELIVERY")
expect_received 'r["headers"]["X-Request-UUID"] == "'"$RESENT_UUID"'" and hmac_ok(r, "'"$SECRET"'")' \
	"with the stored bytes and request UUID"
req -b "$JAR" "$HUB_URL/alice/settings/hooks"
expect_status 200 "the workspace's webhooks are in its settings"
expect_body_contains "$RECEIVER/ws" "with the workspace hook"
req -b "$JAR" "$HUB_URL/alice/demo/commits/$HEAD"
expect_body_contains "Build #1" "the commit page shows its build statuses"
expect_body_contains 'href="https://ci.example.com/1"' "with their links"
expect_body_contains "build-FAILED" "and their state"
json_post "$API/commit/$HEAD/statuses/build" '{"key": "evil", "state": "SUCCESSFUL", "name": "evil", "url": "javascript:alert(1)"}'
req -b "$JAR" "$HUB_URL/alice/demo/commits/$HEAD"
check "a status URL that is not http(s) never becomes a link" bash -c "! grep -q 'javascript:' '$RESP_BODY'"
req -b "$JAR" "$HUB_URL/alice/demo/commits"
expect_body_contains 'build-FAILED' "the commit list shows one summary icon per commit"
json_post "$API/commit/$(git -C "$WORK" rev-parse HEAD)/statuses/build" '{"key": "tip", "state": "INPROGRESS", "url": "https://ci.example.com/2"}'
req -b "$JAR" "$HUB_URL/alice/demo/branches"
expect_body_contains 'build-INPROGRESS' "the branches page too"

# --- the npm bitbucket client ----------------------------------------------------------------

run_conformance bitbucket_hooks.mjs HUB_URL="$HUB_URL" HUB_USERNAME=alice \
	HUB_PASSWORD="$(password_of alice)" HUB_WORKSPACE=alice HUB_REPO=demo HUB_COMMIT="$HEAD" \
	HOOK_URL="$RECEIVER/npm"

# repo:deleted: the repository's row is gone, its event still goes out.
before=$(received_count)
as alice -X DELETE "$API"
expect_status 204 "the repository is deleted"
check "repo:deleted reaches the workspace hook" wait_received $((before + 1))
expect_received 'r["headers"]["X-Event-Key"] == "repo:deleted" and r["json"]["repository"]["full_name"] == "alice/demo"' \
	"repo:deleted names the repository"

stop_server "weft serve hub stops cleanly"
done_testing

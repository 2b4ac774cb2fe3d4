# hub's webhook pages in a real browser (tests/browser/hub_hooks.mjs): alice, the repository's
# administrator, adds a webhook on Settings › Webhooks pointing at a real receiver
# (hook_receiver.py on a free port), a real `git push` follows, and the hook's request log shows
# the repo:push request delivered with its 2xx status. The receiver's own log is checked too.
. "$(dirname "$0")/lib.sh"
. "$IT_DIR/repos_lib.sh"
. "$IT_DIR/browser_lib.sh"

hub_store hooks-browser
browser_check_deps
command -v git >/dev/null 2>&1 || bail "the webhook browser test needs git"
create_user alice

RECV_LOG=$TEST_TMP/received.jsonl
: >"$RECV_LOG"
python3 "$IT_DIR/hook_receiver.py" "$TEST_TMP/receiver.port" "$RECV_LOG" 2>>"$TEST_TMP/receiver.err" &
own_pid $!
for _ in $(seq 100); do
	[ -s "$TEST_TMP/receiver.port" ] && break
	sleep 0.05
done
RECV_PORT=$(cat "$TEST_TMP/receiver.port") || bail "the receiver did not start"

weft_launch hub serve hub --data "$DATA" --hub-listen 127.0.0.1:0 "${HUB_DB[@]}" \
	--webhook-allowed-hosts "127.0.0.1/32" || bail "weft serve hub did not start"
create_repo demo true

# The work tree the browser test pushes: one commit on main.
export HOME=$TEST_TMP/home GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
mkdir -p "$HOME"
WORK=$TEST_TMP/work
{
	git init -q -b main "$WORK" &&
		echo "pushed from the browser test" >"$WORK/README.md" &&
		git -C "$WORK" add README.md &&
		git -C "$WORK" -c user.name="Alice Liddell" -c user.email=alice@example.com commit -qm "First"
} >"$TEST_TMP/git.log" 2>&1 || bail "cannot prepare the work tree: $(cat "$TEST_TMP/git.log")"

browser_run hub_hooks.mjs HUB_URL="$HUB_URL" HUB_USERNAME=alice HUB_PASSWORD="$(password_of alice)" \
	REPO=alice/demo RECEIVER_URL="http://127.0.0.1:$RECV_PORT/from-browser" WORK="$WORK" \
	REMOTE="http://alice:$(password_of alice)@${HUB_URL#http://}/alice/demo.git"

# The receiver got exactly that one request: repo:push of the pushed commit, answered 200.
forget_response
why=$(python3 - "$RECV_LOG" "$(git -C "$WORK" rev-parse HEAD)" <<'PY'
import json, sys
log = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
if len(log) != 1:
    sys.exit("%d requests received, not 1" % len(log))
r = log[0]
change = json.loads(r["body"])["push"]["changes"][0]
ok = (r["path"] == "/from-browser" and r["headers"].get("X-Event-Key") == "repo:push"
      and r["answered"] == 200 and change["new"]["name"] == "main"
      and change["new"]["target"]["hash"] == sys.argv[2])
sys.exit(0 if ok else "unexpected request: " + json.dumps(r)[:1500])
PY
) && pass "the receiver got one repo:push of the pushed commit and answered 200" ||
	fail "the receiver got one repo:push of the pushed commit and answered 200" "$why"

done_testing

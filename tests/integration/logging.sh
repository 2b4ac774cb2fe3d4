# Logs on stderr: one access-log line per request with method, path, status, bytes, duration and
# request id, as JSON objects with --log-format json and as text by default; stdout carries only
# the "listening" lines.
. "$(dirname "$0")/lib.sh"

# access_line_check FILE REQUEST_ID METHOD PATH STATUS: the JSON log line of that request.
access_line_check() {
	python3 - "$@" <<'EOF'
import json, sys
path, rid, method, url_path, status = sys.argv[1:6]
lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
bad = [l for l in lines if l.strip()]
objs = []
for l in bad:
    try:
        objs.append(json.loads(l))
    except ValueError:
        print("# not a JSON line: %r" % l[:200])
        sys.exit(1)
mine = [o for o in objs if str(o.get("request_id")) == rid]
if not mine:
    print("# no line with request_id %s among %d lines" % (rid, len(objs)))
    sys.exit(1)
access = [o for o in mine if str(o.get("status")) == status and o.get("path") == url_path]
if len(access) != 1:
    print("# expected one access line for %s %s with status %s, got: %r" % (method, url_path, status, mine))
    sys.exit(1)
o = access[0]
problems = []
if o.get("method") != method:
    problems.append("method %r" % o.get("method"))
if "bytes" not in o:
    problems.append("no bytes")
if not any(k.startswith("duration") for k in o):
    problems.append("no duration")
for k in ("time", "level"):
    if k not in o:
        problems.append("no " + k)
if problems:
    print("# access line %r: %s" % (o, ", ".join(problems)))
    sys.exit(1)
EOF
}

start_weft --log-format json || bail "weft serve --log-format json did not start"

req "$HUB_URL/status"
id=$(resp_header X-Request-Id) || id=
why="no X-Request-Id in the response"
wait_for_line "$id" "$WEFT_ERR"
if [ -n "$id" ] && why=$(access_line_check "$WEFT_ERR" "$id" GET /status 200); then
	pass "json: hub GET /status has one JSON access line with its X-Request-Id, method, path, status, bytes, duration"
else
	fail "json: hub GET /status has one JSON access line with its X-Request-Id, method, path, status, bytes, duration" "$why"
fi

req "$TRACK_URL/no/such/page"
id=$(resp_header X-Request-Id) || id=
why="no X-Request-Id in the response"
wait_for_line "$id" "$WEFT_ERR"
if [ -n "$id" ] && why=$(access_line_check "$WEFT_ERR" "$id" GET /no/such/page 404); then
	pass "json: track 404 has its JSON access line"
else
	fail "json: track 404 has its JSON access line" "$why"
fi

req -X POST --data-binary '{}' -H 'Content-Type: application/json' "$HUB_URL/status"
id=$(resp_header X-Request-Id) || id=
why="no X-Request-Id in the response"
wait_for_line "$id" "$WEFT_ERR"
if [ -n "$id" ] && why=$(access_line_check "$WEFT_ERR" "$id" POST /status 405); then
	pass "json: a 405 has its JSON access line"
else
	fail "json: a 405 has its JSON access line" "$why"
fi

# Every line on stderr is JSON (start-up lines included).
if python3 -c '
import json, sys
for l in open(sys.argv[1], encoding="utf-8", errors="replace"):
    if l.strip():
        json.loads(l)
' "$WEFT_ERR" 2>/dev/null; then
	pass "json: every stderr line is a JSON object"
else
	fail "json: every stderr line is a JSON object"
fi

# stdout: exactly the two listening lines.
if [ "$(grep -c '' "$WEFT_OUT")" = 2 ] && grep -q '^hub listening on http://127\.0\.0\.1:[0-9]*$' "$WEFT_OUT" &&
	grep -q '^track listening on http://127\.0\.0\.1:[0-9]*$' "$WEFT_OUT"; then
	pass "stdout has exactly the two listening lines"
else
	fail "stdout has exactly the two listening lines" "$(cat "$WEFT_OUT")"
fi

stop_pid "$WEFT_PID"

# Text (default): one line per request with the same fields.
start_weft || bail "weft serve did not start"
req "$HUB_URL/static/weft.css"
id=$(resp_header X-Request-Id) || id=
why="no X-Request-Id in the response"
if [ -n "$id" ] && wait_for_line "$id" "$WEFT_ERR"; then
	line=$(grep -F -- "$id" "$WEFT_ERR" | grep -F '/static/weft.css' | head -n 1)
	missing=()
	for word in GET /static/weft.css 200; do
		[[ $line == *"$word"* ]] || missing+=("$word")
	done
	if [ -n "$line" ] && [ "${#missing[@]}" = 0 ] && ! [[ $line == "{"* ]]; then
		pass "text: the access line names method, path, status and request id"
	else
		fail "text: the access line names method, path, status and request id" "line: '$line'" "missing: ${missing[*]}"
	fi
else
	fail "text: the access line names method, path, status and request id" "no stderr line with request id '$id'"
fi

done_testing

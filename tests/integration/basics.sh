# Both services over HTTP: /status, HEAD, trailing slashes, 404 and 405 in each API's shape, home
# pages, the stylesheet's ETag, security headers on every kind of response, request ids and
# keep-alive.
. "$(dirname "$0")/lib.sh"

start_weft || bail "weft serve did not start"

for svc in hub track; do
	if [ "$svc" = hub ]; then base=$HUB_URL; api404=/2.0/no-such-resource; else base=$TRACK_URL; api404=/rest/api/2/no-such-resource; fi

	# GET /status
	req "$base/status"
	expect_status 200 "$svc: GET /status is 200"
	expect_header Content-Type '^application/json' "$svc: GET /status is application/json"
	expect_json 'j == {"state": "RUNNING"}' "$svc: GET /status body is {\"state\":\"RUNNING\"}"
	expect_security_headers "$svc: security headers on a JSON 200"
	first_id=$(resp_header X-Request-Id)

	req "$base/status"
	second_id=$(resp_header X-Request-Id)
	if [ -n "$first_id" ] && [ "$first_id" != "$second_id" ]; then
		pass "$svc: each request gets its own X-Request-Id"
	else
		fail "$svc: each request gets its own X-Request-Id" "got '$first_id' then '$second_id'"
	fi

	# HEAD /status: curl -I reports the headers; the raw exchange shows that no body follows.
	req -I "$base/status"
	expect_status 200 "$svc: HEAD /status is 200"
	expect_security_headers "$svc: security headers on a HEAD response"
	forget_response
	raw=$(printf 'HEAD /status HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' |
		raw_http "$base" --timeout 5 | base64 -w0)
	if python3 - "$raw" <<'EOF'; then
import base64, sys
data = base64.b64decode(sys.argv[1])
head, sep, rest = data.partition(b"\r\n\r\n")
ok = head.startswith(b"HTTP/1.1 200") and sep and rest == b""
if not ok:
    print("# got: %r" % data[:500])  # a TAP diagnostic, before the "not ok" line
sys.exit(0 if ok else 1)
EOF
		pass "$svc: HEAD /status sends no body"
	else
		fail "$svc: HEAD /status sends no body"
	fi

	# Trailing slash
	req "$base/status/"
	expect_status 200 "$svc: GET /status/ (trailing slash) is 200"
	expect_json 'j == {"state": "RUNNING"}' "$svc: GET /status/ body is the status"

	# 405
	req -X POST -H 'Content-Type: application/json' --data-binary '{}' "$base/status"
	expect_status 405 "$svc: POST /status is 405"
	expect_header Allow 'GET' "$svc: 405 Allow lists GET"
	expect_header Allow 'HEAD' "$svc: 405 Allow lists HEAD"
	expect_security_headers "$svc: security headers on a 405"

	req -X DELETE "$base/status/"
	expect_status 405 "$svc: DELETE /status/ is 405"

	# 404 on a page path: HTML
	req "$base/no/such/page"
	expect_status 404 "$svc: unknown page is 404"
	expect_html "$svc: unknown page gets an HTML error page"
	expect_security_headers "$svc: security headers on an HTML 404"

	# 404 on an API path: the service's JSON error shape
	req "$base$api404"
	expect_status 404 "$svc: unknown API path $api404 is 404"
	expect_api_error "$svc" "$svc: API 404 has the $svc API's error shape"
	expect_security_headers "$svc: security headers on a JSON 404"

	# Home page
	req "$base/"
	expect_status 200 "$svc: GET / is 200"
	expect_html "$svc: home page is HTML"
	expect_body_contains 'weft' "$svc: home page names the product"
	if grep -Eq '<link[^>]+href="/static/weft\.css' "$RESP_BODY"; then
		pass "$svc: home page links /static/weft.css"
	else
		fail "$svc: home page links /static/weft.css" "no <link ... href=\"/static/weft.css\">"
	fi
	expect_security_headers "$svc: security headers on an HTML 200"

	# The stylesheet, its ETag and 304
	req "$base/static/weft.css"
	expect_status 200 "$svc: GET /static/weft.css is 200"
	expect_header Content-Type '^text/css' "$svc: stylesheet is text/css"
	expect_header ETag '^(W/)?".+"$' "$svc: stylesheet has an ETag"
	if [ -s "$RESP_BODY" ]; then pass "$svc: stylesheet has a body"; else fail "$svc: stylesheet has a body"; fi
	etag=$(resp_header ETag) || etag='"none"'
	css_size=$(wc -c <"$RESP_BODY")

	req -H "If-None-Match: $etag" "$base/static/weft.css"
	expect_status 304 "$svc: If-None-Match with the ETag is 304"
	expect_body_empty "$svc: 304 has no body"
	expect_header ETag "^$(printf '%s' "$etag" | sed 's/[][\.*^$/]/\\&/g')\$" "$svc: 304 repeats the ETag"
	expect_security_headers "$svc: security headers on a 304"

	req -H 'If-None-Match: "not-the-etag"' "$base/static/weft.css"
	expect_status 200 "$svc: If-None-Match with another ETag is 200"
	if [ "$(wc -c <"$RESP_BODY")" = "$css_size" ]; then
		pass "$svc: ...with the whole stylesheet"
	else
		fail "$svc: ...with the whole stylesheet" "expected $css_size bytes"
	fi

	req "$base/static/no-such-file.css"
	expect_status 404 "$svc: unknown static file is 404"

	# Keep-alive: two requests, one connection.
	out=$(curl -sS --max-time "$CURL_MAX_TIME" -o /dev/null -o /dev/null \
		-w '%{http_code} %{num_connects} %{local_port}\n' "$base/status" "$base/status/" 2>&1)
	read -r s1 c1 p1 s2 c2 p2 <<<"${out//$'\n'/ }"
	if [ "${s1:-}" = 200 ] && [ "${s2:-}" = 200 ] && [ "${c1:-}" = 1 ] && [ "${c2:-}" = 0 ] &&
		[ "${p1:-}" = "${p2:-x}" ]; then
		pass "$svc: keep-alive: curl reuses the connection for a second request"
	else
		fail "$svc: keep-alive: curl reuses the connection for a second request" \
			"curl -w 'status connects local_port' for two URLs printed: $out"
	fi
done

# The two services are distinct: each answers with its own API's error shape.
req "$HUB_URL/1.0/no-such-resource"
expect_status 404 "hub: unknown /1.0/ API path is 404"
expect_api_error hub "hub: /1.0/ 404 has the Bitbucket error shape"

req "$TRACK_URL/rest/no-such-thing"
expect_status 404 "track: unknown /rest/ path is 404"
expect_api_error track "track: /rest/ 404 has the Jira error shape"

done_testing

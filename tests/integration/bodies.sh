# Request bodies and header limits, on both services: the CSP report endpoint (204 for a good
# report, 400 for malformed JSON, 413 past 64 KiB by Content-Length and by a growing chunked body,
# also to a client still sending: curl after 100 Continue)
# and 431 for request headers over --max-header-size.
. "$(dirname "$0")/lib.sh"

start_weft || bail "weft serve did not start"

make_csp_report "$TEST_TMP/report.json" 600 weft-marker-hub
make_csp_report "$TEST_TMP/report-track.json" 600 weft-marker-track
make_csp_report "$TEST_TMP/big.json" $((70 * 1024))
make_csp_report "$TEST_TMP/almost.json" $((60 * 1024))
printf '{"csp-report": {"document-uri": "http://x/", ' >"$TEST_TMP/malformed.json"
printf '[{"type":"csp-violation","age":10,"url":"http://127.0.0.1/","body":{"blockedURL":"inline","effectiveDirective":"script-src-elem"}}]' >"$TEST_TMP/reports.json"

for svc in hub track; do
	if [ "$svc" = hub ]; then base=$HUB_URL; else base=$TRACK_URL; fi
	report=$TEST_TMP/report.json
	[ "$svc" = track ] && report=$TEST_TMP/report-track.json

	# A good report
	req -H 'Content-Type: application/csp-report' --data-binary "@$report" "$base/csp-report"
	expect_status 204 "$svc: a CSP report (application/csp-report) is 204"
	expect_header Content-Type '^text/plain' "$svc: the 204 has a text/plain Content-Type"
	expect_body_empty "$svc: the 204 has no body"
	expect_security_headers "$svc: security headers on a 204"

	marker=weft-marker-$svc
	if wait_for_line "$marker" "$WEFT_ERR"; then
		pass "$svc: the CSP report is logged"
	else
		fail "$svc: the CSP report is logged" "'$marker' (the report's blocked-uri) is not in stderr"
	fi

	req -H 'Content-Type: application/reports+json' --data-binary "@$TEST_TMP/reports.json" "$base/csp-report"
	expect_status 204 "$svc: a report in application/reports+json is 204"

	req -H 'Content-Type: application/json' --data-binary "@$report" "$base/csp-report/"
	expect_status 204 "$svc: a report in application/json (trailing slash) is 204"

	req -H 'Content-Type: application/csp-report' --data-binary "@$TEST_TMP/almost.json" "$base/csp-report"
	expect_status 204 "$svc: a 60 KiB report (under the limit) is 204"

	# Malformed JSON
	req -H 'Content-Type: application/csp-report' --data-binary "@$TEST_TMP/malformed.json" "$base/csp-report"
	expect_status 400 "$svc: malformed JSON is 400"
	expect_api_error "$svc" "$svc: the 400 has the $svc API's JSON error shape"
	expect_security_headers "$svc: security headers on a 400"

	req -H 'Content-Type: application/csp-report' --data-binary 'not json at all' "$base/csp-report"
	expect_status 400 "$svc: a body that is not JSON is 400"
	expect_api_error "$svc" "$svc: ...in the $svc API's error shape"

	# Too large, by Content-Length
	req -H 'Content-Type: application/csp-report' --data-binary "@$TEST_TMP/big.json" "$base/csp-report"
	expect_status 413 "$svc: a 70 KiB report (Content-Length) is 413"
	expect_api_error "$svc" "$svc: the 413 is JSON in the $svc API's error shape"
	expect_security_headers "$svc: security headers on a 413"

	# ...answered as soon as the Content-Length says so, before any of the body is sent.
	forget_response
	resp=$(printf 'POST /csp-report HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/csp-report\r\nContent-Length: 10000000\r\n\r\n' |
		raw_http "$base" --until-headers --timeout 5)
	rc=$?
	first=$(printf '%s' "$resp" | head -n 1 | tr -d '\r')
	if [ "$rc" = 0 ] && [[ $first == "HTTP/1.1 413"* ]]; then
		pass "$svc: Content-Length 10000000 is 413 before the body is sent"
	else
		fail "$svc: Content-Length 10000000 is 413 before the body is sent" \
			"sent headers only (Content-Length: 10000000); after 5 s: exit $rc, status line '$first'"
	fi

	# Too large, chunked: a complete body, and one that keeps growing without its final chunk.
	req -H 'Content-Type: application/csp-report' -H 'Transfer-Encoding: chunked' \
		--data-binary "@$TEST_TMP/big.json" "$base/csp-report"
	expect_status 413 "$svc: a 70 KiB chunked report is 413"
	expect_api_error "$svc" "$svc: the chunked 413 has the $svc API's error shape"

	# A chunked body that never ends is read (and dropped) only so far: the server then answers
	# and closes, long before the 32 MiB this client would send.
	forget_response
	total=$((32 * 1024 * 1024))
	printf 'POST /csp-report HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/csp-report\r\nTransfer-Encoding: chunked\r\n\r\n' |
		raw_http "$base" --timeout 20 --chunked-body "$total" --chunk 65536 \
		>"$TEST_TMP/answer.txt" 2>"$TEST_TMP/sent.txt"
	rc=$?
	sent=$(sed -n 's/^sent //p' "$TEST_TMP/sent.txt")
	if [ "$rc" = 0 ] && [ -n "$sent" ] && [ "$sent" -lt "$total" ]; then
		pass "$svc: a chunked body that never ends is cut off (after $sent of $total bytes)"
	else
		fail "$svc: a chunked body that never ends is cut off" \
			"streamed up to $total bytes of chunks: exit $rc, sent '${sent:-?}'"
	fi
	first=$(head -n 1 "$TEST_TMP/answer.txt" | tr -d '\r')
	if [[ $first == "HTTP/1.1 413"* ]] && grep -aq '^Connection: close' "$TEST_TMP/answer.txt"; then
		pass "$svc: …with a 413 (Connection: close) before the connection closes"
	else
		fail "$svc: …with a 413 before the connection closes" "the answer began '$first'"
	fi

	# The same with curl, which asks for 100 Continue and reads the answer while it sends: the
	# 413 arrives, not a broken pipe (libmicrohttpd takes no response in the middle of a body,
	# so weft writes this one on the socket itself).
	for round in 1 2 3; do
		forget_response
		code=$(head -c $((40 * 1024 * 1024)) /dev/zero |
			curl -sS -X POST -T - -H 'Content-Type: application/csp-report' \
				-D "$RESP_HEADERS" -o "$RESP_BODY" -w '%{http_code}' "$base/csp-report" \
				2>"$TEST_TMP/curl.txt")
		RESP_STATUS=$code
		[ "$code" = 413 ] || break
	done
	[ "$RESP_STATUS" = 413 ] || diag "curl: $(head -c 200 "$TEST_TMP/curl.txt")"
	expect_status 413 "$svc: 40 MB of chunks after 100 Continue: 413, three times"
	expect_api_error "$svc" "$svc: …in the $svc API's error shape"
	expect_security_headers "$svc: …with the security headers"

	# The server is still fine afterwards.
	req "$base/status"
	expect_status 200 "$svc: still answers after the rejected bodies"

	# Request headers: 16 KiB pass, 40 KiB are 431.
	fill16=$(head -c $((16 * 1024)) /dev/zero | tr '\0' a)
	req -H "X-Fill: $fill16" "$base/status"
	expect_status 200 "$svc: 16 KiB of request headers are accepted"

	fill40=$(head -c $((40 * 1024)) /dev/zero | tr '\0' a)
	req -H "X-Fill: $fill40" "$base/status"
	expect_status 431 "$svc: 40 KiB of request headers are 431"
	# weft answers it, not the HTTP library: the API's error shape and the usual headers.
	expect_api_error "$svc" "$svc: the 431 has the $svc API's error shape"
	expect_security_headers "$svc: security headers on a 431"

	fill10=$(head -c $((10 * 1024)) /dev/zero | tr '\0' a)
	req -H "X-A: $fill10" -H "X-B: $fill10" -H "X-C: $fill10" -H "X-D: $fill10" "$base/status"
	expect_status 431 "$svc: four 10 KiB headers (40 KiB in all) are 431"

	req "$base/status?q=$fill40"
	expect_status 431 "$svc: a 40 KiB request line is 431"

	req "$base/status"
	expect_status 200 "$svc: still answers after the 431s"
done

# --max-header-size lowers the limit.
start_weft --max-header-size 8 || bail "weft serve --max-header-size 8 did not start"
req -H "X-Fill: $(head -c 4096 /dev/zero | tr '\0' a)" "$HUB_URL/status"
expect_status 200 "--max-header-size 8: 4 KiB of headers are accepted"
req -H "X-Fill: $fill16" "$HUB_URL/status"
expect_status 431 "--max-header-size 8: 16 KiB of headers are 431"
req -H "X-Fill: $fill16" "$TRACK_URL/status"
expect_status 431 "--max-header-size 8: 16 KiB of headers are 431 on track too"

done_testing

# track's web pages in a real browser (tests/browser/track.mjs, through browser_lib.sh): the home
# page, logging in, the dashboard, an administrator adding a user whose invitation link (read in
# the outbox) lets them choose a password, and an API token shown once. The administrator comes
# from `weft track admin create-user`.
#
# Needs node, /usr/bin/chromium (or CHROMIUM) and tests/browser/node_modules: without them the
# file fails (make check installs them: scripts/deps.sh and `npm ci --prefix tests/browser`).
. "$(dirname "$0")/track_store.sh"
. "$IT_DIR/browser_lib.sh"
diag "track's database: ${TRACK_DB[1]:-$DATA/track.db}"

browser_check_deps

ADMIN_USER=root_admin
ADMIN_PASSWORD="the admin's pass phrase"
out=$TEST_TMP/create-user.out
forget_response
if printf '%s\n' "$ADMIN_PASSWORD" | timeout 60 "$WEFT_BIN" track admin create-user "$ADMIN_USER" \
	--email root_admin@example.com --admin --data "$DATA" "${TRACK_DB[@]}" >"$out" 2>&1; then
	pass "weft track admin create-user $ADMIN_USER --admin"
else
	fail "weft track admin create-user $ADMIN_USER --admin" "$(head -c 600 "$out")"
	done_testing
fi

weft_launch track serve track --data "$DATA" --track-listen 127.0.0.1:0 "${TRACK_DB[@]}" ||
	bail "weft serve track did not start"

browser_run track.mjs TRACK_URL="$TRACK_URL" TRACK_ADMIN_USERNAME="$ADMIN_USER" \
	TRACK_ADMIN_PASSWORD="$ADMIN_PASSWORD"

done_testing

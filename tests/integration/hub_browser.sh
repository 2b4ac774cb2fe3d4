# hub's web pages in a real browser: headless Debian Chromium driven by the npm playwright-core
# (tests/browser/hub.mjs), used like a person would: the home page, signing up, out and in,
# creating a team and a user group, and as a site administrator the users list and the mail
# outbox, whose confirmation link is followed. Its TAP lines are passed through. The users
# (an administrator and a normal user) come from `weft hub admin create-user`.
#
# Needs node, /usr/bin/chromium (or CHROMIUM) and tests/browser/node_modules: without them the
# file fails (make check installs them: scripts/deps.sh and `npm ci --prefix tests/browser`).
# browser_lib.sh runs the script and keeps the screenshots.
. "$(dirname "$0")/lib.sh"
. "$IT_DIR/browser_lib.sh"

hub_store browser
diag "hub's database: ${HUB_DB[1]:-$DATA/hub.db}"

browser_check_deps

# --- the users and the server -----------------------------------------------------------------

ADMIN_USER=root_admin
ADMIN_PASSWORD="the admin's pass phrase"
MEMBER_USER=bob
MEMBER_PASSWORD="bob's pass phrase"

# create_user NAME PASSWORD ARGS...: `weft hub admin create-user` on this file's store.
create_user() {
	local name=$1 password=$2 out=$TEST_TMP/create-user.out
	shift 2
	if printf '%s\n' "$password" | timeout 60 "$WEFT_BIN" hub admin create-user "$name" \
		--data "$DATA" "${HUB_DB[@]}" "$@" >"$out" 2>&1; then
		pass "weft hub admin create-user $name $*"
	else
		fail "weft hub admin create-user $name $*" "$(head -c 600 "$out")"
		done_testing
	fi
}
forget_response
create_user "$ADMIN_USER" "$ADMIN_PASSWORD" --email root_admin@example.com --admin
create_user "$MEMBER_USER" "$MEMBER_PASSWORD" --email bob@example.com --display-name "Bob Builder"

start_weft --data "$DATA" "${HUB_DB[@]}" || bail "weft did not start"

# --- the browser ------------------------------------------------------------------------------

browser_run hub.mjs HUB_URL="$HUB_URL" HUB_ADMIN_USERNAME="$ADMIN_USER" \
	HUB_ADMIN_PASSWORD="$ADMIN_PASSWORD" HUB_USERNAME="$MEMBER_USER" HUB_PASSWORD="$MEMBER_PASSWORD"

done_testing

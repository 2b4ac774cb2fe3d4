# hub's web pages in a real browser: headless Debian Chromium driven by the npm playwright-core
# (tests/browser/hub.mjs), used like a person would: the home page, signing up, out and in,
# creating a team and a user group, and as a site administrator the users list and the mail
# outbox, whose confirmation link is followed. Its TAP lines are passed through. The users
# (an administrator and a normal user) come from `weft hub admin create-user`.
#
# Needs node, /usr/bin/chromium (or CHROMIUM) and tests/browser/node_modules: without them the
# file fails (make check installs them: scripts/deps.sh and `npm ci --prefix tests/browser`).
# The screenshots go to the test's temporary directory, removed at the end; when the browser test
# fails they are copied to a directory that stays (its path is printed), and
# WEFT_TEST_SCREENSHOTS=DIR keeps them in DIR in any case.
. "$(dirname "$0")/lib.sh"

BROWSER_DIR=$(cd "$IT_DIR/../browser" && pwd)
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

DATA=$TEST_TMP/browser-data
HUB_DB=()
if [ "${WEFT_TEST_ENGINE:-sqlite}" = postgres ]; then
	# Not in $(…): fresh_pg_database must register the database for the clean-up in this shell.
	fresh_pg_database >"$TEST_TMP/hub-db.url" || bail "cannot create a PostgreSQL database"
	HUB_DB=(--hub-db "$(cat "$TEST_TMP/hub-db.url")")
fi
diag "hub's database: ${HUB_DB[1]:-$DATA/hub.db}"

# skip DESC REASON and todo_line OK? DESC REASON: the browser's SKIP and TODO lines, numbered here.
skip() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $(_tap_desc "$1") # SKIP $2"
}
todo_line() {
	_tap_n=$((_tap_n + 1))
	echo "$1 $_tap_n - $(_tap_desc "$2") # TODO $3"
}
# browser_fail DESC: a failed browser step; the server's output follows the first one only.
shown_server=
browser_fail() {
	if [ -z "$shown_server" ]; then
		shown_server=yes
		fail "$@"
	else
		_tap_n=$((_tap_n + 1))
		_tap_failed=$((_tap_failed + 1))
		echo "not ok $_tap_n - $(_tap_desc "$1")"
	fi
}

# --- what the browser test needs --------------------------------------------------------------

missing=()
command -v node >/dev/null 2>&1 || missing+=("node is not on PATH (scripts/deps.sh check installs it)")
[ -x "$CHROMIUM" ] ||
	missing+=("$CHROMIUM is missing: apt-get install chromium (scripts/deps.sh check does)")
[ -f "$BROWSER_DIR/node_modules/playwright-core/package.json" ] ||
	missing+=("tests/browser/node_modules lacks playwright-core: npm ci --prefix tests/browser (make check does)")
if [ "${#missing[@]}" -gt 0 ]; then
	forget_response
	fail "the browser test can run: node, Chromium and playwright-core are installed" "${missing[@]}"
	done_testing
fi

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

SHOTS=${WEFT_TEST_SCREENSHOTS:-$TEST_TMP/screenshots}
mkdir -p "$SHOTS" "$TEST_TMP/tmp" "$TEST_TMP/xdg-config" "$TEST_TMP/xdg-cache" ||
	bail "cannot create the screenshots' directory $SHOTS"
SHOTS=$(cd "$SHOTS" && pwd)

out=$TEST_TMP/browser.out
# Chromium's profile and whatever else it writes stay in the test's directory. The script ends
# itself after 90 s (a "Bail out!"); timeout is the last resort.
HUB_URL=$HUB_URL HUB_ADMIN_USERNAME=$ADMIN_USER HUB_ADMIN_PASSWORD=$ADMIN_PASSWORD \
	HUB_USERNAME=$MEMBER_USER HUB_PASSWORD=$MEMBER_PASSWORD SCREENSHOT_DIR=$SHOTS \
	CHROMIUM=$CHROMIUM TMPDIR=$TEST_TMP/tmp XDG_CONFIG_HOME=$TEST_TMP/xdg-config \
	XDG_CACHE_HOME=$TEST_TMP/xdg-cache \
	timeout -k 5 110 node "$BROWSER_DIR/hub.mjs" >"$out" 2>&1 </dev/null
rc=$?
seen=0
forget_response
while IFS= read -r line; do
	case $line in
	"ok "*" # SKIP "*)
		seen=$((seen + 1))
		desc=${line#ok * - }
		skip "${desc% \# SKIP *}" "${line##* \# SKIP }"
		;;
	"ok "*" # TODO "* | "not ok "*" # TODO "*)
		seen=$((seen + 1))
		desc=${line#*ok * - }
		todo_line "${line%% [0-9]*}" "${desc% \# TODO *}" "${line##* \# TODO }"
		;;
	"ok "*) seen=$((seen + 1)); pass "${line#ok * - }" ;;
	"not ok "*) seen=$((seen + 1)); browser_fail "${line#not ok * - }" ;;
	"Bail out!"*) browser_fail "node tests/browser/hub.mjs: ${line#Bail out! }" ;;
	"#"*) echo "$line" ;;
	"1.."*) ;;
	*) diag "node: $line" ;;
	esac
done <"$out"
if [ "$seen" = 0 ] || { [ "$rc" != 0 ] && ! grep -Eq '^(not ok|Bail out!)' "$out"; }; then
	fail "node tests/browser/hub.mjs ran to its end" "exit $rc" "$(tail -n 20 "$out")"
fi
if [ "$rc" != 0 ] && [ -z "${WEFT_TEST_SCREENSHOTS:-}" ]; then
	keep_dir=$(mktemp -d "${TMPDIR:-/tmp}/weft-browser-screenshots.XXXXXX") &&
		cp -p "$SHOTS"/*.png "$keep_dir"/ 2>/dev/null
	diag "the screenshots are kept in $keep_dir"
elif [ -n "${WEFT_TEST_SCREENSHOTS:-}" ]; then
	diag "the screenshots are in $SHOTS"
fi

done_testing

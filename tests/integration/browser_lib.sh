# The shell side of the browser tests (hub_browser.sh, track_browser.sh), sourced after lib.sh:
# checks that node, Chromium and playwright-core are there (a failure and the end otherwise), and
# runs one script of tests/browser with its environment, passing its TAP lines through as this
# file's own. The screenshots go to the test's temporary directory, removed at the end; when the
# browser test fails they are copied to a directory that stays (its path is printed), and
# WEFT_TEST_SCREENSHOTS=DIR keeps them in DIR in any case.

BROWSER_DIR=$(cd "$IT_DIR/../browser" && pwd)
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

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

# browser_check_deps: a failed test and the end when something the browser test needs is missing.
browser_check_deps() {
	local missing=()
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
}

# browser_run SCRIPT VAR=VALUE...: runs node tests/browser/SCRIPT with those variables (and the
# screenshots' directory, the browser, a private TMPDIR and XDG directories) and passes its TAP
# lines through. BROWSER_TIMEOUT: the seconds after which it is stopped (110; more than the
# script's own limit, lib.mjs settings.runMs).
browser_run() {
	local script=$1 out=$TEST_TMP/browser.out rc seen=0 line desc keep_dir
	shift
	SHOTS=${WEFT_TEST_SCREENSHOTS:-$TEST_TMP/screenshots}
	mkdir -p "$SHOTS" "$TEST_TMP/tmp" "$TEST_TMP/xdg-config" "$TEST_TMP/xdg-cache" ||
		bail "cannot create the screenshots' directory $SHOTS"
	SHOTS=$(cd "$SHOTS" && pwd)
	# Chromium's profile and whatever else it writes stay in the test's directory. The script
	# ends itself after 90 s by default (a "Bail out!"); timeout is the last resort.
	env "$@" SCREENSHOT_DIR="$SHOTS" CHROMIUM="$CHROMIUM" TMPDIR="$TEST_TMP/tmp" \
		XDG_CONFIG_HOME="$TEST_TMP/xdg-config" XDG_CACHE_HOME="$TEST_TMP/xdg-cache" \
		timeout -k 5 "${BROWSER_TIMEOUT:-110}" node "$BROWSER_DIR/$script" >"$out" 2>&1 </dev/null
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
		"Bail out!"*) browser_fail "node tests/browser/$script: ${line#Bail out! }" ;;
		"#"*) echo "$line" ;;
		"1.."*) ;;
		*) diag "node: $line" ;;
		esac
	done <"$out"
	if [ "$seen" = 0 ] || { [ "$rc" != 0 ] && ! grep -Eq '^(not ok|Bail out!)' "$out"; }; then
		fail "node tests/browser/$script ran to its end" "exit $rc" "$(tail -n 20 "$out")"
	fi
	if [ "$rc" != 0 ] && [ -z "${WEFT_TEST_SCREENSHOTS:-}" ]; then
		keep_dir=$(mktemp -d "${TMPDIR:-/tmp}/weft-browser-screenshots.XXXXXX") &&
			cp -p "$SHOTS"/*.png "$keep_dir"/ 2>/dev/null
		diag "the screenshots are kept in $keep_dir"
	elif [ -n "${WEFT_TEST_SCREENSHOTS:-}" ]; then
		diag "the screenshots are in $SHOTS"
	fi
}

# The getting-started guide end to end in a real browser (tests/browser/walkthrough.mjs): hub and
# track in one `weft serve`, a new user who signs up on hub, builds a team with an invited member,
# a private repository and an OAuth consumer, then works on track as its administrator. What is
# set up here is what the guide asks of whoever installs weft: hub's site administrator (who reads
# the held mail) and track's administrator (Ada, with the address she signs up with on hub), both
# from the command line.
#
# The pictures of docs/getting-started.md are this test's screenshots: to make them again,
#   WEFT_TEST_SCREENSHOTS=$PWD/docs/images/getting-started meson test -C build walkthrough_browser
. "$(dirname "$0")/lib.sh"
. "$IT_DIR/browser_lib.sh"
. "$IT_DIR/repos_lib.sh"

hub_store walkthrough
TRACK_DB=()
if [ "${WEFT_TEST_ENGINE:-sqlite}" = postgres ]; then
	fresh_pg_database track >"$TEST_TMP/track-db.url" || bail "cannot create a PostgreSQL database"
	TRACK_DB=(--track-db "$(cat "$TEST_TMP/track-db.url")")
fi
browser_check_deps
command -v git >/dev/null 2>&1 || bail "the walkthrough needs git"

ADMIN_USER=site_admin
ADMIN_PASSWORD="the site administrator's pass phrase"
ADA=ada
ADA_EMAIL=ada@example.com
ADA_PASSWORD="Ada's long pass phrase"

# admin_create SERVICE NAME EMAIL PASSWORD: `weft SERVICE admin create-user NAME --admin`.
admin_create() {
	local service=$1 name=$2 email=$3 password=$4 db
	shift 4
	if [ "$service" = hub ]; then db=("${HUB_DB[@]}"); else db=("${TRACK_DB[@]}"); fi
	printf '%s\n' "$password" | timeout 60 "$WEFT_BIN" "$service" admin create-user "$name" \
		--email "$email" --admin --data "$DATA" "${db[@]}" >"$TEST_TMP/admin.out" 2>&1 ||
		bail "cannot create $service's administrator $name: $(cat "$TEST_TMP/admin.out")"
}
admin_create hub "$ADMIN_USER" site_admin@example.com "$ADMIN_PASSWORD"
admin_create track "$ADA" "$ADA_EMAIL" "$ADA_PASSWORD"

weft_launch "hub track" serve --data "$DATA" --hub-listen 127.0.0.1:0 \
	--track-listen 127.0.0.1:0 "${HUB_DB[@]}" "${TRACK_DB[@]}" || bail "weft serve did not start"

git_home
git config --global user.name "Ada Lovelace" &&
	git config --global user.email "$ADA_EMAIL" || bail "cannot give git Ada's identity"
WORK=$TEST_TMP/work
mkdir -p "$WORK" || bail "cannot create $WORK"

BROWSER_TIMEOUT=260 browser_run walkthrough.mjs HUB_URL="$HUB_URL" TRACK_URL="$TRACK_URL" \
	HUB_ADMIN_USERNAME="$ADMIN_USER" HUB_ADMIN_PASSWORD="$ADMIN_PASSWORD" USERNAME="$ADA" \
	EMAIL="$ADA_EMAIL" PASSWORD="$ADA_PASSWORD" WORK="$WORK"

done_testing

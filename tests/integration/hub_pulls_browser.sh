# Pull requests in a real browser (tests/browser/hub_pulls.mjs): the create-branch page opened
# from an issue-style link, a commit pushed to the new branch with the real git over smart HTTP,
# the pull request opened from the created page, a comment on a line of its diff, an approval by
# another user who was given access on the repository's access page, and the merge; the state
# badge then says MERGED and a fresh fetch of main has the commit. alice owns the private
# repository alice/app; bob has no access until alice gives it.
. "$(dirname "$0")/lib.sh"
. "$IT_DIR/browser_lib.sh"
. "$IT_DIR/repos_lib.sh"

hub_store pulls-browser
browser_check_deps
command -v git >/dev/null 2>&1 || bail "the pull request browser test needs git"

create_user alice
create_user bob
weft_launch hub serve hub --data "$DATA" --hub-listen 127.0.0.1:0 "${HUB_DB[@]}" ||
	bail "weft serve hub did not start"
create_repo app true

git_home
REMOTE="http://alice:$(password_of alice)@${HUB_URL#http://}/alice/app.git"
WORK=$TEST_TMP/work
git init -q "$WORK" &&
	printf 'int login(const char *user)\n{\n\treturn user == 0;\n}\n' >"$WORK/login.c" &&
	(cd "$WORK" && git add login.c && git commit -q -m "The login" &&
		git remote add origin "$REMOTE" && git push -q origin main) >"$TEST_TMP/git.out" 2>&1 ||
	bail "cannot push main: $(cat "$TEST_TMP/git.out")"
pass "pushed main to alice/app over HTTP"

browser_run hub_pulls.mjs HUB_URL="$HUB_URL" HUB_REPO=alice/app HUB_USERNAME=alice \
	HUB_PASSWORD="$(password_of alice)" REVIEWER=bob REVIEWER_PASSWORD="$(password_of bob)" \
	WORK="$WORK"

done_testing

# The connector's two-request fetch of a mirror with branches (issue 13): the advertisement, then
# one upload-pack POST, the branches moved by compare-and-swap. Against a real hub: two pushes in
# quick succession, a branch moved in the mirror while its fetch runs (the compare-and-swap fails,
# libgit2's full fetch sets it right), a force push, a new branch and a deleted one: after each,
# the mirror's branches are exactly what `git ls-remote` lists on hub, and the commits linked are
# what git lists; no token in the mirror or the log.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dvcs_lib.sh"
. "$(dirname "$0")/repos_lib.sh"

dvcs_stores fetch
create_user alice
dvcs_team ops Operations alice

# hub's git: an upload-pack given the request with "done" first sets the mirror's main to the
# hash in $TAMPER/to (once, when that file is there), as if another writer moved it meanwhile.
TAMPER=$TEST_TMP/tamper
mkdir -p "$TAMPER" || bail "mkdir"
cat >"$TAMPER/git" <<EOF
#!/bin/sh
if [ "\$1" = upload-pack ] && [ "\$3" != --advertise-refs ] && [ -f "$TAMPER/to" ]; then
	body=\$(mktemp) || exit 1
	cat >"\$body"
	if grep -aq 0009done "\$body"; then
		$(command -v git) --git-dir="\$(cat "$TAMPER/mirror")" update-ref refs/heads/main \
			"\$(cat "$TAMPER/to")" && rm -f "$TAMPER/to"
	fi
	exec <"\$body"
	rm -f "\$body"
fi
exec $(command -v git) "\$@"
EOF
chmod +x "$TAMPER/git" || bail "chmod"
LAUNCH_WITH=(env "PATH=$TAMPER:$PATH")
dvcs_serve --log-level debug
LAUNCH_WITH=()

dvcs_repos alice ops/r1
dvcs_consumer ops Track "$TRACK"
dvcs_link ops
eventually "discovery links r1 with its hook and syncs it (empty)" 30 eval \
	'repo_line r1 | grep -q " hook=ok sync=done commits=0 "'

dvcs_work
push() { # REFSPEC...: git push of them to r1
	git -C "$WORK" push -q "$AUTH_URL/ops/r1.git" "$@" 2>"$TEST_TMP/push.err" ||
		bail "push $* failed: $(cat "$TEST_TMP/push.err")"
}
# mirror_is_hub: the mirror's branches are hub's, hash for hash
mirror_is_hub() {
	[ "$(git --git-dir="$MIRROR" for-each-ref --format='%(objectname) %(refname)' refs/heads | sort)" = \
		"$(git ls-remote --heads "$AUTH_URL/ops/r1.git" | tr '\t' ' ' | sort)" ]
}
linked() {
	track_sql "SELECT COUNT(*) FROM dvcs_repo_commits rc JOIN dvcs_repos r ON r.id = rc.repo_id WHERE r.slug = 'r1'"
}
on_hub() { # the commits of hub's branches
	git -C "$WORK" rev-list --count $(git ls-remote --heads "$AUTH_URL/ops/r1.git" | cut -f1)
}
# settled DESC: the mirror is hub's and every commit of hub's branches is linked, once
settled() {
	eventually "$1: the mirror's branches are hub's" 30 mirror_is_hub
	eventually "…and its commits are linked" 30 eval '[ "$(linked)" = "$(on_hub)" ]'
}
fallbacks() { grep -c "dvcs fetch of .* by libgit2" "$WEFT_ERR"; }

commit "PROJ-1 first"
push main
eventually "the first push syncs r1 (git's fetch into the empty mirror)" 30 eval \
	'repo_line r1 | grep -q " sync=done commits=1 "'
MIRROR=$(ls -d "$DATA"/dvcs/*.git | head -n 1)
[ -d "$MIRROR" ] || bail "no mirror"
echo "$MIRROR" >"$TAMPER/mirror"
FIRST=$(git -C "$WORK" rev-parse HEAD)

# --- two pushes in quick succession --------------------------------------------------------------

commit "PROJ-2 second"
push main
commit "PROJ-3 third"
push main
settled "two quick pushes"
check "…fetched in two requests: libgit2's fetch never ran" test "$(fallbacks)" = 0

# --- a branch moved while its fetch runs: the compare-and-swap fails, libgit2 sets it right ------

echo "$FIRST" >"$TAMPER/to"
commit "PROJ-4 fourth"
push main
eventually "the mirror's main was moved during the fetch" 30 test ! -f "$TAMPER/to"
settled "a branch moved meanwhile"
check "…the compare-and-swap failed and libgit2's fetch ran" \
	grep -q "by libgit2: refs/heads/main moved meanwhile" "$WEFT_ERR"

# --- a force push, a new branch, a deleted branch --------------------------------------------------

git -C "$WORK" reset -q --hard HEAD~2 || bail "reset"
commit "PROJ-5 over two"
git -C "$WORK" branch feature/proj-6 HEAD~1 || bail "branch"
push +main feature/proj-6
settled "a force push and a new branch at a commit the mirror has"
check "…the dropped commits are no longer linked" test "$(linked)" = 3
commit "PROJ-7 on main"
push main :feature/proj-6
settled "a push and a deleted branch at once"
check "…in two requests each: libgit2's fetch ran once (the tampered fetch)" test "$(fallbacks)" = 1

check "no token in the mirror" eval '! grep -rqs "eC10b2tlbi1hdXRo" "$MIRROR"'
check "nor in the log" eval '! grep -qs "eC10b2tlbi1hdXRo\|Authorization" "$WEFT_ERR" "$WEFT_OUT"'

done_testing

# Git over smart HTTP with the real git client against the real server: clone (empty and not),
# push, fetch, force-push, branch and tag deletion, permissions (read-only, anonymous, outsider,
# app passwords, wrong passwords), protocol v2 and v0, gzip-encoded bodies, a client that goes
# away mid-clone (no zombies, no leaked descriptors), a large push with low server memory, and the
# push records of the post-receive hook (`weft hook post-receive`) in the hub database.
. "$(dirname "$0")/lib.sh"

for tool in git gzip sha256sum; do
	command -v "$tool" >/dev/null 2>&1 || bail "this test needs $tool"
done

hub_store git

create_user() {
	printf '%s\n' "$3" | timeout 60 "$WEFT_BIN" hub admin create-user "$1" --email "$2" \
		--data "$DATA" "${HUB_DB[@]}" >/dev/null 2>"$TEST_TMP/create.err" ||
		bail "cannot create user $1: $(head -c 300 "$TEST_TMP/create.err")"
}

create_user alice alice@example.com alice-password-1
create_user bob bob@example.com bob-password-12
create_user carol carol@example.com carol-password-1

weft_launch hub serve hub --data "$DATA" --hub-listen 127.0.0.1:0 "${HUB_DB[@]}" ||
	bail "weft serve hub did not start"
HOSTPORT=${HUB_URL#http://}

# The git client: its own home, no system config, never a prompt.
export HOME=$TEST_TMP/home GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
mkdir -p "$HOME"
git config --global user.name "Alice Liddell"
git config --global user.email alice@example.com
git config --global init.defaultBranch main
git config --global advice.detachedHead false

# as USER:PASSWORD PATH: the URL of PATH with credentials in it ("" for anonymous).
as() {
	if [ -n "$1" ]; then
		echo "http://$1@$HOSTPORT$2"
	else
		echo "http://$HOSTPORT$2"
	fi
}
ALICE=alice:alice-password-1
BOB=bob:bob-password-12
CAROL=carol:carol-password-1

# git_ok DESC ARGS...: passes when `git ARGS...` succeeds (its stderr shown otherwise).
git_ok() {
	local desc=$1
	shift
	if git "$@" >"$TEST_TMP/git.out" 2>"$TEST_TMP/git.err"; then
		pass "$desc"
	else
		forget_response
		fail "$desc" "git $* failed:" "$(tail -n 8 "$TEST_TMP/git.err")"
	fi
}

# git_fails DESC TEXT ARGS...: passes when `git ARGS...` fails and its stderr contains TEXT.
git_fails() {
	local desc=$1 text=$2
	shift 2
	if git "$@" >"$TEST_TMP/git.out" 2>"$TEST_TMP/git.err"; then
		forget_response
		fail "$desc" "git $* succeeded"
	elif grep -qF -- "$text" "$TEST_TMP/git.err"; then
		pass "$desc"
	else
		forget_response
		fail "$desc" "expected '$text' in git's stderr:" "$(tail -n 8 "$TEST_TMP/git.err")"
	fi
}

# same DESC A B: passes when the two strings are equal.
same() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		forget_response
		fail "$1" "expected '$3'" "got      '$2'"
	fi
}

# --- repositories ------------------------------------------------------------------------------

make_repo() { # make_repo SLUG PRIVATE
	req -u "$ALICE" -X POST -H 'Content-Type: application/json' \
		-d "{\"scm\": \"git\", \"is_private\": $2}" "$HUB_URL/2.0/repositories/alice/$1"
	[ "$RESP_STATUS" = 200 ] || {
		show_response
		bail "cannot create repository $1 through the API"
	}
}
make_repo code true
make_repo open false
make_repo big true
REPO_ID=$(hub_sql "SELECT id FROM repositories WHERE slug = 'code'")
hub_sql "INSERT INTO repository_user_permissions (repository_id, user_id, permission)
     SELECT $REPO_ID, id, 'read' FROM users WHERE username = 'bob'" >/dev/null

# pushes_of SLUG: how many pushes of that repository are recorded.
pushes_of() {
	hub_sql "SELECT count(*) FROM pushes p JOIN repositories r ON r.id = p.repository_id
	     WHERE r.slug = '$1'"
}
# last_push SLUG: "actor|reconciled|ref old new;..." of its newest push.
last_push() {
	local id
	id=$(hub_sql "SELECT p.id FROM pushes p JOIN repositories r ON r.id = p.repository_id
	          WHERE r.slug = '$1' ORDER BY p.id DESC LIMIT 1")
	printf '%s|' "$(hub_sql "SELECT coalesce(u.username, '-') || '|' || p.reconciled FROM pushes p
	                      LEFT JOIN users u ON u.id = p.actor_id WHERE p.id = $id")"
	hub_sql "SELECT ref || ' ' || old_hash || ' ' || new_hash FROM push_refs WHERE push_id = $id
	     ORDER BY ref" | tr '\n' ';'
}
ZERO=0000000000000000000000000000000000000000

# --- clone, push, clone again, fetch ---------------------------------------------------------

cd "$TEST_TMP" || bail "no test directory"
git_ok "clone an empty private repository" clone "$(as "$ALICE" /alice/code.git)" one
check "git says it is empty" grep -q "empty repository" "$TEST_TMP/git.err"
(
	cd one || exit 1
	printf 'hello\n' >README.md
	mkdir -p src/deep && printf 'int main(void) { return 0; }\n' >src/deep/main.c
	git add -A && git commit -qm "first" &&
		git checkout -qb feature && printf 'x\n' >feature.txt && git add -A &&
		git commit -qm "feature" && git checkout -q main && git tag v1
) || bail "cannot make commits"
MAIN1=$(git -C one rev-parse main)
FEATURE1=$(git -C one rev-parse feature)
git_ok "first push: two branches and a tag at once" -C one push -q origin main feature v1
same "one push recorded with its three ref updates, by alice" "$(last_push code)" \
	"alice|0|refs/heads/feature $ZERO $FEATURE1;refs/heads/main $ZERO $MAIN1;refs/tags/v1 $ZERO $MAIN1;"
git_ok "clone again" clone -q "$(as "$ALICE" /alice/code.git)" two
same "the clone has the pushed main" "$(git -C two rev-parse HEAD)" "$MAIN1"
check "the clone's files are the pushed files" diff -r --exclude=.git one two
same "ls-remote lists what was pushed" \
	"$(git ls-remote "$(as "$ALICE" /alice/code.git)" | awk '{print $2}' | tr '\n' ' ')" \
	"HEAD refs/heads/feature refs/heads/main refs/tags/v1 "
git_ok "the address without .git works too" ls-remote "$(as "$ALICE" /alice/code)"
git_ok "an email address signs in as well as a username" \
	ls-remote "$(as alice%40example.com:alice-password-1 /alice/code.git)"

(cd one && printf 'more\n' >>README.md && git commit -qam "second") || bail "commit"
MAIN2=$(git -C one rev-parse main)
git_ok "push a second commit" -C one push -q origin main
git_ok "fetch it" -C two fetch -q origin
same "the fetch brought it" "$(git -C two rev-parse origin/main)" "$MAIN2"
same "two pushes recorded" "$(pushes_of code)" 2

# --- force push, deletions -------------------------------------------------------------------

(cd one && git reset -q --hard HEAD~1 && printf 'other\n' >other.txt && git add other.txt &&
	git commit -qm "rewritten") || bail "commit"
MAIN3=$(git -C one rev-parse main)
git_fails "a non-fast-forward push is refused without --force" "rejected" -C one push origin main
git_ok "force-push" -C one push -q --force origin main
git_ok "fetch after the force-push" -C two fetch -q origin
same "the forced update arrived" "$(git -C two rev-parse origin/main)" "$MAIN3"
same "the force-push is recorded old → new" "$(last_push code)" \
	"alice|0|refs/heads/main $MAIN2 $MAIN3;"
git_ok "delete a branch" -C one push -q origin --delete feature
same "the deletion is recorded" "$(last_push code)" \
	"alice|0|refs/heads/feature $FEATURE1 $ZERO;"
git_ok "delete a tag" -C one push -q origin :refs/tags/v1
same "refs left on the server" \
	"$(git ls-remote "$(as "$ALICE" /alice/code.git)" | awk '{print $2}' | tr '\n' ' ')" \
	"HEAD refs/heads/main "
same "the recorded ref state follows the pushes" \
	"$(hub_sql "SELECT ref || ' ' || hash FROM repository_refs WHERE repository_id = $REPO_ID")" \
	"refs/heads/main $MAIN3"

# --- who may do what -------------------------------------------------------------------------

git_ok "a reader clones" clone -q "$(as "$BOB" /alice/code.git)" bobs
(cd bobs && printf 'bob\n' >bob.txt && git add bob.txt && git commit -qm "bob") || bail "commit"
git_fails "a reader's push is refused with a message git prints" \
	"remote: You do not have permission to do this. You have read access to this repository, not write" -C bobs push origin main
req "$(as "$BOB" /alice/code.git/info/refs?service=git-receive-pack)"
expect_status 403 "a reader asking to push: 403"
expect_header Content-Type '^text/plain' "  in plain text"

git_fails "anonymous clone of a private repository asks for credentials" \
	"could not read Username" clone "$(as "" /alice/code.git)" anon-private
req "$HUB_URL/alice/code.git/info/refs?service=git-upload-pack"
expect_status 401 "anonymous on a private repository: 401"
expect_header WWW-Authenticate '^Basic realm="weft"$' "  with the Basic challenge"
req "$HUB_URL/alice/no-such-repo.git/info/refs?service=git-upload-pack"
expect_status 401 "anonymous on a missing repository: 401 too (private ones stay unknown)"
expect_header WWW-Authenticate '^Basic realm="weft"$' "  with the Basic challenge"
req "$HUB_URL/no-such-owner/code.git/info/refs?service=git-upload-pack"
expect_status 401 "anonymous in a missing workspace: 401 too"
git_fails "anonymous clone of a missing repository asks for credentials too" \
	"could not read Username" clone "$(as "" /alice/no-such-repo.git)" anon-missing
req -X POST -H 'Content-Type: application/x-git-upload-pack-request' --data-binary '0000' \
	"$HUB_URL/alice/code.git/git-upload-pack"
expect_status 404 "anonymous upload-pack on a private repository: 404, as on a missing one"
req "$HUB_URL/alice/open.git/info/refs?service=git-receive-pack"
expect_status 401 "anonymous push to a public repository: 401 so that git asks"
git_fails "an outsider gets not found" "not found" clone "$(as "$CAROL" /alice/code.git)" carols
req -u "$CAROL" "$HUB_URL/alice/code.git/info/refs?service=git-upload-pack"
expect_status 404 "an outsider: 404"
req -u alice:wrong-password "$HUB_URL/alice/code.git/info/refs?service=git-upload-pack"
expect_status 401 "wrong credentials: 401"
git_fails "git with a wrong password fails to authenticate" "Authentication failed" \
	clone "$(as alice:wrong-password /alice/code.git)" wrong
req -u "$ALICE" "$HUB_URL/alice/code.git/info/refs"
expect_status 400 "info/refs without a service (the dumb protocol) is refused"
req -u "$ALICE" "$HUB_URL/alice/code.git/info/refs?service=git-upload-pack"
expect_status 200 "the advertisement: 200"
expect_header Content-Type '^application/x-git-upload-pack-advertisement$' "  its type"
expect_header Cache-Control 'no-cache' "  not cached"
if head -c 35 "$RESP_BODY" | grep -q '^001e# service=git-upload-pack'; then
	pass "  the service line and a flush come first"
else
	fail "  the service line and a flush come first"
fi
# hub writes the v0 advertisement itself (src/hub/git/advertise.c): byte for byte git's own, with
# the repository's branches and an annotated tag; v2 and receive-pack are still git's.
CODE_UUID=$(hub_sql "SELECT uuid FROM repositories WHERE slug = 'code'")
CODE_DIR=$(find "$DATA" -type d -name "$CODE_UUID.git" | head -n 1)
[ -d "$CODE_DIR" ] || bail "cannot find the repository's folder"
git --git-dir="$CODE_DIR" tag -a -m "a tag" v1 main || bail "cannot tag"
advertised_by_git() { # advertised_by_git SERVICE: the smart-HTTP answer git would give
	printf '001e# service=git-%s\n0000' "$1"
	HOME=$(dirname "$(dirname "$CODE_DIR")") GIT_CONFIG_NOSYSTEM=1 git "$1" --stateless-rpc --advertise-refs "$CODE_DIR"
}
req -u "$ALICE" "$HUB_URL/alice/code.git/info/refs?service=git-upload-pack"
advertised_by_git upload-pack >"$TEST_TMP/git.adv"
check "  it is git's own, byte for byte" cmp -s "$RESP_BODY" "$TEST_TMP/git.adv"
check "  with the tag peeled" grep -aq 'refs/tags/v1^{}' "$RESP_BODY"
check "  and HEAD's branch" grep -aq 'symref=HEAD:refs/heads/main' "$RESP_BODY"
req -u "$ALICE" -H 'Git-Protocol: version=2' \
	"$HUB_URL/alice/code.git/info/refs?service=git-upload-pack"
check "  version 2 is git's capability advertisement" grep -aq '^000eversion 2$' "$RESP_BODY"
git --git-dir="$CODE_DIR" tag -d v1 >/dev/null || bail "cannot delete the tag"

(cd one && git push -q "$(as "$ALICE" /alice/open.git)" main) || bail "cannot push to open"
git_ok "anonymous clone of a public repository" clone -q "$(as "" /alice/open.git)" anon-open
same "  it has the commit" "$(git -C anon-open rev-parse HEAD)" "$MAIN3"

# App passwords: a secret stored by its SHA-256, with scopes.
SECRET_RW=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
SECRET_RO=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
for pair in "$SECRET_RW:repository:write" "$SECRET_RO:repository:read"; do
	secret=${pair%%:*}
	scopes=${pair#*:}
	digest=$(printf '%s' "$secret" | sha256sum | cut -d' ' -f1)
	hub_sql "INSERT INTO app_passwords (user_id, label, token_hash, scopes, created_at)
	     SELECT id, 'git $scopes', '$digest', '$scopes', 0 FROM users
	     WHERE username = 'alice'" >/dev/null
done
git_ok "clone with an app password" clone -q "$(as "alice:$SECRET_RO" /alice/code.git)" app
(cd app && printf 'app\n' >app.txt && git add app.txt && git commit -qm "app") || bail "commit"
git_fails "a read-only app password cannot push" "lacks the repository:write permission" \
	-C app push "$(as "alice:$SECRET_RO" /alice/code.git)" main
git_ok "an app password with repository:write pushes" \
	-C app push -q "$(as "alice:$SECRET_RW" /alice/code.git)" main
same "  recorded as alice's push" "$(last_push code | cut -d'|' -f1-2)" "alice|0"

# --- protocols and encodings -----------------------------------------------------------------

GIT_TRACE_PACKET=$TEST_TMP/v2.trace git -c protocol.version=2 clone -q \
	"$(as "$ALICE" /alice/code.git)" v2 2>/dev/null
same "protocol v2 clone" "$(git -C v2 rev-parse HEAD)" "$(git -C app rev-parse HEAD)"
check "  the server spoke version 2" grep -q "< version 2" "$TEST_TMP/v2.trace"
GIT_TRACE_PACKET=$TEST_TMP/v0.trace git -c protocol.version=0 clone -q \
	"$(as "$ALICE" /alice/code.git)" v0 2>/dev/null
same "protocol v0 clone" "$(git -C v0 rev-parse HEAD)" "$(git -C app rev-parse HEAD)"
same "  without version 2" "$(grep -c "< version 2" "$TEST_TMP/v0.trace")" 0

# An upload-pack request for main, plain and gzip-encoded.
WANT=$(git -C app rev-parse HEAD)
printf '0032want %s\n00000009done\n' "$WANT" >"$TEST_TMP/want"
gzip -c "$TEST_TMP/want" >"$TEST_TMP/want.gz"
req -u "$ALICE" -X POST -H 'Content-Type: application/x-git-upload-pack-request' \
	--data-binary "@$TEST_TMP/want" "$HUB_URL/alice/code.git/git-upload-pack"
expect_status 200 "a plain upload-pack request"
expect_header Content-Type '^application/x-git-upload-pack-result$' "  its type"
cp "$RESP_BODY" "$TEST_TMP/plain.result"
expect_body_contains PACK "  a pack comes back"
req -u "$ALICE" -X POST -H 'Content-Type: application/x-git-upload-pack-request' \
	-H 'Content-Encoding: gzip' --data-binary "@$TEST_TMP/want.gz" \
	"$HUB_URL/alice/code.git/git-upload-pack"
expect_status 200 "a gzip-encoded upload-pack request"
check "  the same answer as the plain one" cmp -s "$RESP_BODY" "$TEST_TMP/plain.result"
printf 'not gzip at all' >"$TEST_TMP/bad.gz"
req -u "$ALICE" -X POST -H 'Content-Type: application/x-git-upload-pack-request' \
	-H 'Content-Encoding: gzip' --data-binary "@$TEST_TMP/bad.gz" \
	"$HUB_URL/alice/code.git/git-upload-pack"
expect_status 400 "a malformed gzip body: 400"
req -u "$ALICE" -X POST -H 'Content-Type: text/plain' --data-binary "@$TEST_TMP/want" \
	"$HUB_URL/alice/code.git/git-upload-pack"
expect_status 400 "a body of the wrong type: 400"
(cd app && for i in $(seq 1 40); do git commit -q --allow-empty -m "empty $i"; done &&
	git push -q "$(as "$ALICE" /alice/code.git)" main) || bail "cannot push empty commits"
git_ok "a protocol v0 fetch of 40 commits" -C v0 -c protocol.version=0 fetch -q origin
same "  brought them" "$(git -C v0 rev-parse origin/main)" "$(git -C app rev-parse main)"

# --- the hook ----------------------------------------------------------------------------------

printf '%s %s refs/heads/x\n' "$ZERO" "$MAIN1" |
	WEFT_HUB_DB=$TEST_TMP/no/such/dir/hub.db WEFT_REPOSITORY_ID=$REPO_ID WEFT_LOG_FD=9 \
		"$WEFT_BIN" hook post-receive >/dev/null 2>"$TEST_TMP/hook.err" 9>"$TEST_TMP/hook.log"
same "a hook that cannot record still exits 0" "$?" 0
check "  and tells the client loudly" \
	grep -q "your push succeeded, but the server could not record it" "$TEST_TMP/hook.err"
check "  and the server's log" grep -q "NOT recorded" "$TEST_TMP/hook.log"

# --- large pushes, clients that go away ------------------------------------------------------

git_ok "clone the empty big repository" clone -q "$(as "$ALICE" /alice/big.git)" big
head -c $((100 * 1024 * 1024)) /dev/urandom >big/blob.bin
(cd big && git -c core.compression=0 add blob.bin && git commit -qm "100 MB") || bail "commit"
hwm_before=$(awk '/VmHWM/ {print $2}' "/proc/$WEFT_PID/status")
git_ok "push 100 MB in one commit" -C big -c pack.compression=0 push -q origin main
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$WEFT_PID/status")
# A server that held the pack would grow by 100 MB; a streaming one by its buffers (the absolute
# figure differs between builds: AddressSanitizer's shadow memory and quarantine).
if [ $((${hwm:-999999} - ${hwm_before:-0})) -lt $((30 * 1024)) ]; then
	pass "the server's peak memory grew by less than 30 MB (VmHWM $hwm_before → $hwm kB)"
else
	fail "the server's peak memory grew by less than 30 MB" "VmHWM $hwm_before → $hwm kB"
fi
same "  recorded" "$(last_push big | cut -d'|' -f1-2)" "alice|0"

# Serving the file back streams it from git cat-file: libgit2 would inflate it whole.
hwm_before=$(awk '/VmHWM/ {print $2}' "/proc/$WEFT_PID/status")
req -u "$ALICE" "$HUB_URL/2.0/repositories/alice/big/src/main/blob.bin"
same "download the 100 MB file through the API" "$RESP_STATUS" 200
check "  every byte of it" cmp -s "$RESP_BODY" big/blob.bin
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$WEFT_PID/status")
if [ $((${hwm:-999999} - ${hwm_before:-0})) -lt $((30 * 1024)) ]; then
	pass "  while the server's peak memory grew by less than 30 MB (VmHWM $hwm_before → $hwm kB)"
else
	fail "  while the server's peak memory grew by less than 30 MB" "VmHWM $hwm_before → $hwm kB"
fi

children() { # the server's child processes, zombies included
	grep -l "^PPid:[[:space:]]*$WEFT_PID\$" /proc/[0-9]*/status 2>/dev/null | wc -l
}
fds() {
	ls "/proc/$WEFT_PID/fd" | wc -l
}
# settle COMMAND EXPECTED: waits up to 10 s for COMMAND's output to be EXPECTED; prints the last.
settle() {
	local i out
	for i in $(seq 1 100); do
		out=$($1)
		[ "$out" = "$2" ] && break
		sleep 0.1
	done
	echo "$out"
}
FDS_BEFORE=$(settle fds "$(fds)")
same "no child processes before" "$(children)" 0
BIG=$(git -C big rev-parse HEAD)
printf '0032want %s\n00000009done\n' "$BIG" >"$TEST_TMP/want-big"
curl -s -u "$ALICE" --limit-rate 200k -X POST \
	-H 'Content-Type: application/x-git-upload-pack-request' --data-binary "@$TEST_TMP/want-big" \
	"$HUB_URL/alice/big.git/git-upload-pack" -o "$TEST_TMP/partial" &
CLIENT=$!
own_pid "$CLIENT"
for i in $(seq 1 100); do
	[ "$(children)" -gt 0 ] && [ -s "$TEST_TMP/partial" ] && break
	sleep 0.1
done
same "a slow clone runs a git process" "$([ "$(children)" -gt 0 ] && echo yes)" yes
stop_pid "$CLIENT"
same "the client went away mid-clone: its git processes are ended and reaped" \
	"$(settle children 0)" 0
same "  and no descriptor leaked" "$(settle fds "$FDS_BEFORE")" "$FDS_BEFORE"
git_ok "the server still serves clones" clone -q "$(as "$ALICE" /alice/code.git)" after
same "  and it leaves no process behind" "$(settle children 0)" 0

# --- a relative data folder: the hook runs in the repository's folder ------------------------

stop_pid "$WEFT_PID"
cd "$TEST_TMP" || bail "no test directory"
weft_launch hub serve hub --data "${DATA#"$TEST_TMP"/}" --hub-listen 127.0.0.1:0 "${HUB_DB[@]}" ||
	bail "weft serve hub --data RELATIVE did not start"
HOSTPORT=${HUB_URL#http://}
(cd after && printf 'relative\n' >rel.txt && git add rel.txt && git commit -qm "relative") ||
	bail "commit"
BEFORE=$(pushes_of code)
git_ok "push to a server started with a relative data folder" \
	-C after push -q "$(as "$ALICE" /alice/code.git)" main
same "  the hook found the database" "$(pushes_of code)" "$((BEFORE + 1))"

# --- a push the hook missed: recorded at start-up ----------------------------------------------

# A commit written into the bare repository while weft is stopped (no hook runs for update-ref)
# is recorded by the reconcile job at the next start, at once: not when the next periodic run,
# queued ten minutes out by the previous server, comes due.
stop_pid "$WEFT_PID"
BARE=$(ls -d "$DATA"/repos/*/"$(hub_sql "SELECT uuid FROM repositories WHERE slug = 'code'")".git)
OLD=$(git --git-dir="$BARE" rev-parse refs/heads/main)
NEW=$(git --git-dir="$BARE" commit-tree "$OLD^{tree}" -p "$OLD" -m "written while weft was down") &&
	git --git-dir="$BARE" update-ref refs/heads/main "$NEW" "$OLD" || bail "offline commit"
BEFORE=$(pushes_of code)
weft_launch hub serve hub --data "$DATA" --hub-listen 127.0.0.1:0 "${HUB_DB[@]}" ||
	bail "weft serve hub did not start again"
for _ in $(seq 1 100); do
	[ "$(pushes_of code)" != "$BEFORE" ] && break
	sleep 0.1
done
same "a commit written while weft was stopped is recorded within 10 s of the restart" \
	"$(pushes_of code)" "$((BEFORE + 1))"
same "  as a reconciled push of main with no actor" "$(last_push code)" \
	"-|1|refs/heads/main $OLD $NEW;"

done_testing

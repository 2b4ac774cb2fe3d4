# Helpers of the repository content tests (hub_source.sh, hub_history.sh), sourced after lib.sh:
# users with known passwords, requests with their Basic credentials, and alice's repositories
# created through the API with the path of their bare repositories.
#
# Each test sets DATA (its data directory) and HUB_DB (the --hub-db flag, or nothing) first.

# lacks TEXT: the last body does not contain TEXT (case-insensitive).
lacks() {
	! grep -qiF -- "$1" "$RESP_BODY"
}

password_of() {
	printf '%s-secret-pw' "$1"
}

# create_user NAME: NAME with the address NAME@example.com and password_of NAME.
create_user() {
	printf '%s\n' "$(password_of "$1")" | timeout 60 "$WEFT_BIN" hub admin create-user "$1" \
		--email "$1@example.com" --display-name "User $1" --data "$DATA" "${HUB_DB[@]}" \
		>"$TEST_TMP/admin.out" 2>&1 || bail "cannot create user $1: $(cat "$TEST_TMP/admin.out")"
}

# as USER CURL_ARGS...: one request with USER's Basic credentials.
as() {
	local user=$1
	shift
	req -u "$user:$(password_of "$user")" "$@"
}

# create_repo SLUG PRIVATE: alice's repository through the API; sets GIT_DIR_OF[SLUG].
declare -A GIT_DIR_OF
create_repo() {
	as alice -H 'Content-Type: application/json' -d "{\"scm\": \"git\", \"is_private\": $2}" \
		"$HUB_URL/2.0/repositories/alice/$1"
	[ "$RESP_STATUS" = 200 ] || bail "cannot create the repository $1 (status $RESP_STATUS)"
	local ids
	ids=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["workspace"]["uuid"].strip("{}"), j["uuid"].strip("{}"))' "$RESP_BODY")
	GIT_DIR_OF[$1]=$DATA/repos/${ids% *}/${ids#* }.git
	[ -d "${GIT_DIR_OF[$1]}" ] || bail "no bare repository at ${GIT_DIR_OF[$1]}"
}

# git_home: the real git with a private HOME (no system or user configuration, no prompts),
# alice's identity and main as the default branch.
git_home() {
	export HOME=$TEST_TMP/home GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
	mkdir -p "$HOME" &&
		git config --global user.name "Alice Liddell" &&
		git config --global user.email alice@example.com &&
		git config --global init.defaultBranch main || bail "cannot configure git in $HOME"
}

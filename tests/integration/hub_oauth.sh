# hub's OAuth 2.0 (issue 10) with curl, git and the npm clients: consumers made with the command
# line and the settings pages, the consent page, the token endpoint's grants and errors (RFC 6749,
# B.2), tokens as Bearer, access_token and x-token-auth, scopes (B.1), expiry, revocation, PKCE,
# and the npm bitbucket client with auth { token }.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/repos_lib.sh"

hub_store oauth
create_user alice
create_user bob

weft_launch hub serve hub --data "$DATA" --hub-listen 127.0.0.1:0 "${HUB_DB[@]}" ||
	bail "weft serve hub did not start"

# sql STATEMENT: runs STATEMENT on hub's database (how a test moves a token's clock forward).
sql() {
	if [ ${#HUB_DB[@]} -gt 0 ]; then
		psql -q "${HUB_DB[1]}" -c "$1" >/dev/null
	else
		sqlite3 "$DATA/hub.db" "$1"
	fi
}

# --- the command line --------------------------------------------------------------------------

CB=http://127.0.0.1:9/callback
timeout 60 "$WEFT_BIN" hub admin create-consumer alice --name "Jira DVCS" --callback "$CB" \
	--private --scopes "repository:admin repository:write repository:delete webhook pullrequest account project project:admin team" \
	--data "$DATA" "${HUB_DB[@]}" >"$TEST_TMP/consumer.out" 2>"$TEST_TMP/consumer.err"
if grep -Eq '^key=[0-9a-f]{32}$' <(sed -n 1p "$TEST_TMP/consumer.out") &&
	grep -Eq '^secret=[0-9a-f]{64}$' <(sed -n 2p "$TEST_TMP/consumer.out") &&
	[ "$(wc -l <"$TEST_TMP/consumer.out")" = 2 ]; then
	pass "create-consumer prints exactly key=KEY and secret=SECRET"
else
	fail "create-consumer prints exactly key=KEY and secret=SECRET" "$(cat "$TEST_TMP/consumer.out" "$TEST_TMP/consumer.err")"
fi
KEY=$(sed -n 's/^key=//p' "$TEST_TMP/consumer.out")
SECRET=$(sed -n 's/^secret=//p' "$TEST_TMP/consumer.out")
timeout 60 "$WEFT_BIN" hub admin create-consumer alice --name "jira dvcs" --callback "$CB" \
	--scopes account --data "$DATA" "${HUB_DB[@]}" >"$TEST_TMP/dup.out" 2>&1
check "a second consumer with the same name (any case) is refused" grep -q "Name:" "$TEST_TMP/dup.out"
sql "SELECT 1 FROM oauth_consumers WHERE secret_hash = '$SECRET'" >"$TEST_TMP/plain.out"
check "the secret is not stored as it is" test ! -s "$TEST_TMP/plain.out"

# --- the consent page --------------------------------------------------------------------------

JAR=$TEST_TMP/alice.jar
sign_in() {
	req -b "$JAR" -c "$JAR" "$HUB_URL/login"
	local token
	token=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$RESP_BODY" | head -n 1 | sed 's/.*value="//; s/"$//')
	req -b "$JAR" -c "$JAR" --data-urlencode "csrf=$token" --data-urlencode "login=$1" \
		--data-urlencode "password=$(password_of "$1")" "$HUB_URL/login"
}
csrf() {
	grep -o 'name="csrf" value="[0-9a-f]*"' "$RESP_BODY" | head -n 1 | sed 's/.*value="//; s/"$//'
}

AUTHZ="/site/oauth2/authorize?client_id=$KEY&response_type=code&state=s%20t"
req "$HUB_URL$AUTHZ"
if [ "$RESP_STATUS" = 303 ] && resp_header Location | grep -q '^/login?next=%2Fsite%2Foauth2%2Fauthorize%3Fclient_id%3D'; then
	pass "signed out, the authorize URL sends to the sign-in form, with itself as next"
else
	fail "signed out, the authorize URL sends to the sign-in form, with itself as next" "$RESP_STATUS $(resp_header Location)"
fi
sign_in alice
req -b "$JAR" -c "$JAR" "$HUB_URL$AUTHZ"
expect_status 200 "signed in, alice sees the consent page"
expect_body_contains "Confirm access to your account" "it asks to confirm access"
expect_body_contains "Jira DVCS" "it names the consumer"
expect_body_contains "Administer your repositories" "it lists the permissions in plain words"
expect_body_contains "Grant access" "it offers Grant access"
# Grant answers with a redirect to the callback, which browsers check against form-action.
case "$(resp_header Content-Security-Policy)" in
*"form-action 'self' http://127.0.0.1:9;"*) pass "its form-action lets Grant reach the callback's origin, and only that" ;;
*) fail "its form-action lets Grant reach the callback's origin" "$(resp_header Content-Security-Policy)" ;;
esac

# grant [EXTRA_FIELDS...]: posts Grant access on the last consent page; CODE from the redirect.
grant() {
	local token
	token=$(csrf)
	req -b "$JAR" -c "$JAR" --data-urlencode "csrf=$token" --data-urlencode "client_id=$KEY" \
		--data-urlencode "response_type=code" --data-urlencode "state=s t" "$@" "$HUB_URL/site/oauth2/authorize"
	CODE=$(resp_header Location | sed -n 's/.*[?&]code=\([0-9a-f]*\).*/\1/p')
}
grant --data-urlencode "action=grant"
if [ "$RESP_STATUS" = 302 ] && resp_header Location | grep -Eq "^$CB\?code=[0-9a-f]{64}&state=s%20t$"; then
	pass "Grant access redirects to the callback with code and state"
else
	fail "Grant access redirects to the callback with code and state" "$RESP_STATUS $(resp_header Location)"
fi
req -b "$JAR" -c "$JAR" "$HUB_URL$AUTHZ"
grant --data-urlencode "action=cancel"
check "Cancel redirects with error=access_denied" sh -c "resp=\$(grep -i '^location:' '$RESP_HEADERS'); echo \"\$resp\" | grep -q 'error=access_denied&state=s%20t'"

req -b "$JAR" "$HUB_URL/site/oauth2/authorize?client_id=$KEY&response_type=code&redirect_uri=http%3A%2F%2Fevil.example%2F"
expect_status 400 "a redirect_uri outside the callback is refused on hub's page"
check "and never redirected to" test -z "$(resp_header Location 2>/dev/null)"
req -b "$JAR" "$HUB_URL/site/oauth2/authorize?client_id=$KEY&response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback.evil"
expect_status 400 "a redirect_uri that only starts with the callback's text is refused"
req -b "$JAR" "$HUB_URL/site/oauth2/authorize?client_id=$KEY&response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback%2Fsub"
expect_status 200 "a redirect_uri extending the callback is accepted"
req -b "$JAR" "$HUB_URL/site/oauth2/authorize?client_id=00000000000000000000000000000000&response_type=code"
expect_status 400 "an unknown client_id is refused on hub's page"

# --- the token endpoint ------------------------------------------------------------------------

req -b "$JAR" -c "$JAR" "$HUB_URL$AUTHZ"
grant --data-urlencode "action=grant"
req -u "$KEY:$SECRET" -d grant_type=authorization_code -d "code=$CODE" "$HUB_URL/site/oauth2/access_token"
expect_status 200 "the code is exchanged for tokens (Basic client authentication)"
expect_json 'j["token_type"] == "bearer" and j["expires_in"] == 7200 and len(j["access_token"]) == 64 and len(j["refresh_token"]) == 64 and "repository:admin" in j["scopes"].split() and j["state"] == "authorization_code"' "the token response has B.2's fields"
expect_header Cache-Control 'no-store' "the token response may not be stored"
ACCESS=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["access_token"])' "$RESP_BODY")
REFRESH=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["refresh_token"])' "$RESP_BODY")
req -u "$KEY:$SECRET" -d grant_type=authorization_code -d "code=$CODE" "$HUB_URL/site/oauth2/access_token"
expect_status 400 "a code works once"
expect_json 'j["error"] == "invalid_grant" and "used" in j["error_description"]' "reused: invalid_grant"
req -u "$KEY:wrong" -d grant_type=client_credentials "$HUB_URL/site/oauth2/access_token"
expect_status 401 "a wrong secret: 401"
expect_json 'j["error"] == "invalid_client"' "with invalid_client"
expect_header WWW-Authenticate '^Basic' "and the Basic challenge"
req -d grant_type=client_credentials "$HUB_URL/site/oauth2/access_token"
expect_json 'j["error"] == "invalid_client"' "no client credentials at all: invalid_client"
req -u "$KEY:$SECRET" -d grant_type=password "$HUB_URL/site/oauth2/access_token"
expect_json 'j["error"] == "unsupported_grant_type"' "the password grant is not supported"

req -H "Authorization: Bearer $ACCESS" "$HUB_URL/2.0/user"
expect_status 200 "the access token opens /2.0/user as Bearer"
expect_json 'j["username"] == "alice"' "/2.0/user answers with the token's user"
req "$HUB_URL/2.0/user?access_token=$ACCESS"
expect_status 200 "and as access_token in the query"
req -H "Authorization: Bearer $ACCESS" "$HUB_URL/2.0/user/permissions/workspaces"
expect_json 'any(v["workspace"]["slug"] == "alice" for v in j["values"])' "/2.0/user/permissions/workspaces reflects the token's user"
req -H "Authorization: Bearer $ACCESS" "$HUB_URL/account/settings"
expect_status 403 "a token does not open the settings pages"

# A repository through the token (repository:admin), a file committed through a form body
# carrying access_token, then clone and push with x-token-auth.
req -H "Authorization: Bearer $ACCESS" -H 'Content-Type: application/json' -d '{"scm":"git","is_private":true}' "$HUB_URL/2.0/repositories/alice/tokens"
expect_status 200 "a token with repository:admin creates a repository"
req --data-urlencode "access_token=$ACCESS" --data-urlencode "notes.txt=hello" --data-urlencode "message=first" "$HUB_URL/2.0/repositories/alice/tokens/src"
expect_status 201 "access_token in an urlencoded POST body commits a file"
req -H "Authorization: Bearer $ACCESS" "$HUB_URL/2.0/repositories/alice/tokens/src/main/"
check "the form's access_token did not become a file" sh -c "! grep -q access_token '$RESP_BODY'"
HOST=${HUB_URL#http://}
if GIT_TERMINAL_PROMPT=0 timeout 60 git clone -q "http://x-token-auth:$ACCESS@$HOST/alice/tokens.git" "$TEST_TMP/clone" 2>"$TEST_TMP/git.err"; then
	pass "git clone with x-token-auth and the access token"
else
	fail "git clone with x-token-auth and the access token" "$(cat "$TEST_TMP/git.err")"
fi
(cd "$TEST_TMP/clone" && echo more >>notes.txt && git -c user.name=a -c user.email=a@example.com commit -qam second)
if (cd "$TEST_TMP/clone" && GIT_TERMINAL_PROMPT=0 timeout 60 git push -q origin HEAD 2>"$TEST_TMP/git.err"); then
	pass "git push with x-token-auth"
else
	fail "git push with x-token-auth" "$(cat "$TEST_TMP/git.err")"
fi
if GIT_TERMINAL_PROMPT=0 timeout 60 git clone -q "http://x-token-auth:0000$ACCESS@$HOST/alice/tokens.git" "$TEST_TMP/clone2" 2>/dev/null; then
	fail "a wrong token does not clone"
else
	pass "a wrong token does not clone"
fi

# --- the npm bitbucket client with auth { token } ----------------------------------------------

req -b "$JAR" -c "$JAR" -X POST -d "x=1" "$HUB_URL/teams/new" >/dev/null
get_page() { req -b "$JAR" -c "$JAR" "$HUB_URL$1"; }
get_page /teams/new
req -b "$JAR" -c "$JAR" --data-urlencode "csrf=$(csrf)" --data-urlencode "name=Tokens" --data-urlencode "id=tok" "$HUB_URL/teams/new"
run_conformance bitbucket_repos.mjs HUB_URL="$HUB_URL" HUB_TOKEN="$ACCESS" HUB_WORKSPACE=tok
run_conformance bitbucket_oauth.mjs HUB_URL="$HUB_URL" HUB_USERNAME=alice \
	HUB_PASSWORD="$(password_of alice)" OAUTH_KEY="$KEY" OAUTH_SECRET="$SECRET" OAUTH_CALLBACK="$CB"

# --- scopes, PKCE, other clients, expiry, refresh, revocation ----------------------------------

timeout 60 "$WEFT_BIN" hub admin create-consumer alice --name "Narrow" --callback "$CB" \
	--scopes "account" --data "$DATA" "${HUB_DB[@]}" >"$TEST_TMP/narrow.out" 2>&1
KEY2=$(sed -n 's/^key=//p' "$TEST_TMP/narrow.out")
SECRET2=$(sed -n 's/^secret=//p' "$TEST_TMP/narrow.out")
req -b "$JAR" -c "$JAR" "$HUB_URL$AUTHZ"
grant --data-urlencode "action=grant"
req -u "$KEY2:$SECRET2" -d grant_type=authorization_code -d "code=$CODE" "$HUB_URL/site/oauth2/access_token"
expect_json 'j["error"] == "invalid_grant" and "another client" in j["error_description"]' "a code issued to another client: invalid_grant"
req -u "$KEY:$SECRET" -d grant_type=authorization_code -d "code=$CODE" -d "redirect_uri=$CB/x" "$HUB_URL/site/oauth2/access_token"
expect_json 'j["error"] == "invalid_grant" and "redirect_uri" in j["error_description"]' "a redirect_uri the authorization did not name: invalid_grant"

AUTHZ2="/site/oauth2/authorize?client_id=$KEY2&response_type=code"
req -b "$JAR" -c "$JAR" "$HUB_URL$AUTHZ2"
token=$(csrf)
req -b "$JAR" -c "$JAR" --data-urlencode "csrf=$token" --data-urlencode "client_id=$KEY2" \
	--data-urlencode "response_type=code" --data-urlencode action=grant "$HUB_URL/site/oauth2/authorize"
CODE2=$(resp_header Location | sed -n 's/.*[?&]code=\([0-9a-f]*\).*/\1/p')
req -u "$KEY2:$SECRET2" -d grant_type=authorization_code -d "code=$CODE2" "$HUB_URL/site/oauth2/access_token"
NARROW=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["access_token"])' "$RESP_BODY")
req -H "Authorization: Bearer $NARROW" "$HUB_URL/2.0/user"
expect_status 200 "a token with account reads /2.0/user"
req -H "Authorization: Bearer $NARROW" "$HUB_URL/2.0/repositories/alice/tokens"
expect_status 403 "but a scope too small for a repository: 403"
expect_api_error hub "in Bitbucket's error shape"
expect_body_contains "required privilege scopes (repository)" "naming the scope it lacks"
req -u "$KEY2:$SECRET2" -d grant_type=client_credentials "$HUB_URL/site/oauth2/access_token"
expect_json 'j["error"] == "unauthorized_client"' "client_credentials on a public consumer: unauthorized_client"
req -u "$KEY:$SECRET" -d grant_type=client_credentials "$HUB_URL/site/oauth2/access_token"
expect_json 'j["state"] == "client_credentials" and len(j["access_token"]) == 64' "client_credentials on a private consumer"
CC=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["access_token"])' "$RESP_BODY")
req -H "Authorization: Bearer $CC" "$HUB_URL/2.0/user"
expect_json 'j["username"] == "alice"' "it acts as the consumer's owner"

# PKCE: S256 of a verifier; a wrong verifier fails, the right one works.
VERIFIER=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ
CHALLENGE=$(python3 -c 'import base64,hashlib,sys; print(base64.urlsafe_b64encode(hashlib.sha256(sys.argv[1].encode()).digest()).decode().rstrip("="))' "$VERIFIER")
req -b "$JAR" -c "$JAR" "$HUB_URL$AUTHZ&code_challenge=$CHALLENGE&code_challenge_method=S256"
expect_status 200 "the consent page takes an S256 challenge"
grant --data-urlencode "code_challenge=$CHALLENGE" --data-urlencode code_challenge_method=S256 --data-urlencode action=grant
req -u "$KEY:$SECRET" -d grant_type=authorization_code -d "code=$CODE" -d "code_verifier=${VERIFIER}x" "$HUB_URL/site/oauth2/access_token"
expect_json 'j["error"] == "invalid_grant" and "code_verifier" in j["error_description"]' "PKCE: a verifier that does not match: invalid_grant"
req -b "$JAR" -c "$JAR" "$HUB_URL$AUTHZ&code_challenge=$CHALLENGE&code_challenge_method=S256"
grant --data-urlencode "code_challenge=$CHALLENGE" --data-urlencode code_challenge_method=S256 --data-urlencode action=grant
req -u "$KEY:$SECRET" -d grant_type=authorization_code -d "code=$CODE" -d "code_verifier=$VERIFIER" "$HUB_URL/site/oauth2/access_token"
expect_status 200 "PKCE: the matching verifier gets tokens"
req -b "$JAR" "$HUB_URL$AUTHZ&code_challenge=$CHALLENGE&code_challenge_method=plain"
check "PKCE plain is refused (redirect with invalid_request)" sh -c "grep -i '^location:' '$RESP_HEADERS' | grep -q error=invalid_request"

# Expiry: the access token's clock moved past its end.
sql "UPDATE oauth_tokens SET expires_at = 1 WHERE kind = 'access'"
req -H "Authorization: Bearer $ACCESS" "$HUB_URL/2.0/user"
expect_status 401 "an expired access token: 401"
req -u "$KEY:$SECRET" -d grant_type=refresh_token -d "refresh_token=$REFRESH" "$HUB_URL/site/oauth2/access_token"
expect_status 200 "the refresh token gets a new access token"
expect_json "j['refresh_token'] == '$REFRESH' and j['expires_in'] == 7200" "and gives the refresh token back"
ACCESS=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["access_token"])' "$RESP_BODY")
req -H "Authorization: Bearer $ACCESS" "$HUB_URL/2.0/user"
expect_status 200 "the refreshed token works"
req -u "$KEY2:$SECRET2" -d grant_type=refresh_token -d "refresh_token=$REFRESH" "$HUB_URL/site/oauth2/access_token"
expect_json 'j["error"] == "invalid_grant"' "another client's refresh token: invalid_grant"

# --- the pages: Integrated applications, revoking, the consumers pages --------------------------

req -b "$JAR" "$HUB_URL/account/settings/applications"
expect_status 200 "Integrated applications"
expect_body_contains "Jira DVCS" "lists the consumer alice granted"
GRANT=$(python3 -c 'import re,sys
for row in open(sys.argv[1]).read().split("<tr class=\"oauth-application\">")[1:]:
    if "Jira DVCS" in row:
        print(re.search(r"/account/settings/applications/(\d+)/revoke", row).group(1))' "$RESP_BODY")
req -b "$JAR" "$HUB_URL/account/settings/oauth-consumers"
expect_body_contains "Jira DVCS" "alice's consumers page lists the consumer"
check "with its grant count" grep -q 'class="oauth-grants">1<' "$RESP_BODY"
req -b "$JAR" -c "$JAR" "$HUB_URL/account/settings/applications"
req -b "$JAR" -c "$JAR" --data-urlencode "csrf=$(csrf)" "$HUB_URL/account/settings/applications/$GRANT/revoke"
expect_status 303 "Revoke access"
req -H "Authorization: Bearer $ACCESS" "$HUB_URL/2.0/user"
expect_status 401 "a revoked grant's access token: 401 at once"
if GIT_TERMINAL_PROMPT=0 timeout 60 git -C "$TEST_TMP/clone" fetch -q 2>/dev/null; then
	fail "a revoked grant's token no longer fetches"
else
	pass "a revoked grant's token no longer fetches"
fi
req -u "$KEY:$SECRET" -d grant_type=refresh_token -d "refresh_token=$REFRESH" "$HUB_URL/site/oauth2/access_token"
expect_json 'j["error"] == "invalid_grant"' "nor refreshes"

req -b "$JAR" -c "$JAR" "$HUB_URL/account/settings/oauth-consumers"
req -b "$JAR" -c "$JAR" --data-urlencode "csrf=$(csrf)" --data-urlencode "name=Web made" \
	--data-urlencode "callback_url=https://example.com/cb" --data-urlencode "scopes=account" \
	"$HUB_URL/account/settings/oauth-consumers"
expect_status 201 "Add consumer on the page"
expect_body_contains "it will not be shown again" "shows the secret once, and says so"
check "the key and secret are shown" grep -Eq 'class="secret oauth-secret">[0-9a-f]{64}<' "$RESP_BODY"
WEB_ID=$(grep -o 'href="/account/settings/oauth-consumers/[0-9]*"' "$RESP_BODY" | tail -n 1 | grep -o '[0-9]*')
req -b "$JAR" -c "$JAR" --data-urlencode "csrf=$(csrf)" --data-urlencode "name=" \
	--data-urlencode "callback_url=ftp://x" "$HUB_URL/account/settings/oauth-consumers"
expect_status 400 "a consumer without a name is refused"
req -b "$JAR" "$HUB_URL/account/settings/oauth-consumers/$WEB_ID"
expect_body_contains "Regenerate secret" "the consumer's page offers Regenerate secret"
check "and does not show the secret" sh -c "! grep -q 'class=\"secret oauth-secret\"' '$RESP_BODY'"

# Regenerate secret ends the tokens: a client_credentials token of Jira DVCS, then regenerate.
req -u "$KEY:$SECRET" -d grant_type=client_credentials "$HUB_URL/site/oauth2/access_token"
CC=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["access_token"])' "$RESP_BODY")
JIRA_ID=$(sql "SELECT id FROM oauth_consumers WHERE client_id = '$KEY'" | tr -d ' \n')
[ ${#HUB_DB[@]} -gt 0 ] && JIRA_ID=$(psql -qtA "${HUB_DB[1]}" -c "SELECT id FROM oauth_consumers WHERE client_id = '$KEY'")
req -b "$JAR" -c "$JAR" "$HUB_URL/account/settings/oauth-consumers/$JIRA_ID"
req -b "$JAR" -c "$JAR" --data-urlencode "csrf=$(csrf)" "$HUB_URL/account/settings/oauth-consumers/$JIRA_ID/secret"
check "Regenerate secret shows a new secret" grep -Eq 'class="secret oauth-secret">[0-9a-f]{64}<' "$RESP_BODY"
req -H "Authorization: Bearer $CC" "$HUB_URL/2.0/user"
expect_status 401 "and the consumer's tokens end"
req -u "$KEY:$SECRET" -d grant_type=client_credentials "$HUB_URL/site/oauth2/access_token"
expect_status 401 "and the old secret no longer works"

# A team's consumers page is for its administrators.
BJAR=$TEST_TMP/bob.jar
JAR=$BJAR sign_in bob
req -b "$BJAR" "$HUB_URL/tok/settings/oauth-consumers"
expect_status 404 "someone outside the team does not see its consumers page"
JAR=$TEST_TMP/alice.jar
req -b "$JAR" "$HUB_URL/tok/settings/oauth-consumers"
expect_status 200 "the team's administrator does"

done_testing

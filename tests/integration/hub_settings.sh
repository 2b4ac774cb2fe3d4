# hub's "Manage account" pages over HTTP with curl and cookie jars: display name, email addresses
# (confirmed through the outbox), the password change that ends other sessions, "Sign out
# everywhere", app passwords (shown once; Basic auth only; revocable; dead with their account).
. "$(dirname "$0")/lib.sh"

hub_store settings
diag "hub's database: ${HUB_DB[1]:-$DATA/hub.db}"

# create_user NAME EMAIL PASSWORD [FLAGS...]: `weft hub admin create-user` on this file's store.
create_user() {
	local name=$1 email=$2 password=$3
	shift 3
	printf '%s\n' "$password" | timeout 60 "$WEFT_BIN" hub admin create-user "$name" \
		--email "$email" --data "$DATA" "${HUB_DB[@]}" "$@" >/dev/null 2>"$TEST_TMP/create.err" ||
		bail "cannot create user $name: $(head -c 300 "$TEST_TMP/create.err")"
}

create_user sysop sysop@example.com "root's password" --admin
create_user alice alice@example.com "alice's password" --display-name "Alice Liddell"
create_user bob bob@example.com "bob's password"

weft_launch hub serve hub --data "$DATA" --hub-listen 127.0.0.1:0 "${HUB_DB[@]}" ||
	bail "weft serve hub did not start"

# Failed sign-ins are throttled per client address too: each scenario that fails one comes from
# its own loopback address (127.0.0.0/8 is all loopback on Linux).
IP=127.0.0.1

# csrf_of_body: the csrf field of the first form of the last response.
csrf_of_body() {
	grep -o 'name="csrf" value="[0-9a-f]*"' "$RESP_BODY" | head -n 1 | sed 's/.*value="//; s/"$//'
}

notice_text() {
	sed -n 's/.*role="status">\([^<]*\)<.*/\1/p' "$RESP_BODY" | head -n 1
}

# sign_in JAR LOGIN PASSWORD: the sign-in form, fetched (for its CSRF cookie) and posted.
sign_in() {
	local jar=$1 token
	req --interface "$IP" -b "$jar" -c "$jar" "$HUB_URL/login"
	token=$(csrf_of_body)
	req --interface "$IP" -b "$jar" -c "$jar" --data-urlencode "csrf=$token" \
		--data-urlencode "login=$2" --data-urlencode "password=$3" "$HUB_URL/login"
}

# get JAR PATH [CURL_ARGS...]
get() {
	local jar=$1 path=$2
	shift 2
	req --interface "$IP" -b "$jar" -c "$jar" "$@" "$HUB_URL$path"
}

# post JAR PATH [CURL_ARGS...]: a form with the session's CSRF token (read from a page first).
post() {
	local jar=$1 path=$2 token
	shift 2
	get "$jar" /account/settings
	token=$(csrf_of_body)
	req --interface "$IP" -b "$jar" -c "$jar" --data-urlencode "csrf=$token" "$@" \
		"$HUB_URL$path"
}

# expect_refusal STATUS ALERT_ERE DESC: the page again, with a status and an alert matching ERE.
expect_refusal() {
	local alert
	alert=$(alert_text)
	if [ "$RESP_STATUS" = "$1" ] && printf '%s' "$alert" | grep -Eq -- "$2"; then
		pass "$3"
	else
		fail "$3" "expected status $1 and an alert matching /$2/; got $RESP_STATUS, '$alert'"
	fi
}

expect_redirect() {
	if [ "$RESP_STATUS" = 303 ] && resp_header Location | grep -Eq -- "$1"; then
		pass "$2"
	else
		fail "$2" "expected 303 to /$1/, got $RESP_STATUS to '$(resp_header Location)'"
	fi
}

# expect_basic_refused USER:PASSWORD DESC: 401 from the API (/2.0/user). (A page answers a 401
# with a redirect to the sign-in form.) Each failure counts for the throttle: few are made.
expect_basic_refused() {
	req --interface "$IP" -u "$1" "$HUB_URL/2.0/user"
	expect_status 401 "$2: 401 on /2.0/user"
}

expect_body_lacks() {
	if grep -qF -- "$1" "$RESP_BODY"; then
		fail "$2" "the body contains '$1'"
	else
		pass "$2"
	fi
}

# --- signing in, the pages ------------------------------------------------------------------------

J1=$TEST_TMP/alice1.jar
J_ROOT=$TEST_TMP/root.jar

req "$HUB_URL/account/settings"
expect_redirect '^/login\?next=' "GET /account/settings signed out goes to sign in"

sign_in "$J1" alice "alice's password"
expect_status 303 "alice signs in"
for page in /account/settings /account/settings/emails /account/settings/security \
	/account/settings/app-passwords; do
	get "$J1" "$page"
	expect_status 200 "GET $page is 200"
done
expect_html "the settings pages are HTML"
expect_body_contains '<a href="/account/settings">Account settings</a>' \
	"the layout links to the account settings"
expect_body_contains 'aria-current="page">App passwords</a>' "the current tab is marked"

# --- display name ---------------------------------------------------------------------------------

post "$J1" /account/settings --data-urlencode "display_name=Alice & <Co>"
expect_redirect '^/account/settings\?done=saved$' "changing the display name redirects with a notice"
get "$J1" "/account/settings?done=saved"
expect_body_contains 'value="Alice &amp; &lt;Co&gt;"' "the new display name is shown (escaped)"
check "the notice says it is saved" test "$(notice_text)" = "Your display name is saved."

post "$J1" /account/settings --data-urlencode "display_name=$(printf 'two\nlines')"
expect_refusal 400 '^Display name:' "a display name with a line break is refused, naming the field"
get "$J1" /account/settings
expect_body_contains 'value="Alice &amp; &lt;Co&gt;"' "the refused name changed nothing"

# CSRF: the router refuses a form without the session's token
req --interface "$IP" -b "$J1" --data-urlencode "display_name=Mallory" "$HUB_URL/account/settings"
expect_status 403 "POST /account/settings without the csrf field is 403"
req --interface "$IP" -b "$J1" --data-urlencode "csrf=$(printf '0%.0s' {1..64})" \
	--data-urlencode "display_name=Mallory" "$HUB_URL/account/settings"
expect_status 403 "POST /account/settings with a wrong csrf token is 403"
get "$J1" /account/settings
expect_body_lacks "Mallory" "the display name did not change"

# --- email addresses ------------------------------------------------------------------------------

# email_id ADDRESS: the id in the action URLs of ADDRESS's row on the emails page (the last body).
email_id() {
	tr -d '\n' <"$RESP_BODY" | sed 's/<tr>/\n<tr>/g' | grep -F "<td>$1</td>" |
		grep -o 'emails/[0-9]*/' | head -n 1 | cut -d/ -f2
}

# outbox: the admin outbox page, as root; OUTBOX_COUNT and LATEST_LINK (newest mail's link).
sign_in "$J_ROOT" sysop "root's password"
outbox() {
	get "$J_ROOT" /admin/mail
	OUTBOX_COUNT=$(grep -c '<article class="mail">' "$RESP_BODY")
	LATEST_LINK=$(grep -o '/confirm/[0-9a-f]\{64\}' "$RESP_BODY" | head -n 1)
}
outbox
MAIL0=$OUTBOX_COUNT

post "$J1" /account/settings/emails --data-urlencode "email=Alice.Second@Example.com"
expect_redirect '^/account/settings/emails\?done=added$' "adding an address redirects with a notice"
get "$J1" /account/settings/emails
expect_body_contains "Alice.Second@Example.com" "the new address is listed"
check "it is unconfirmed" grep -Eq 'Alice.Second@Example.com.*unconfirmed' <(tr -d '\n' <"$RESP_BODY")
check "the primary address comes first" \
	grep -Eq 'alice@example.com</td>.*primary.*Alice.Second' <(tr -d '\n' <"$RESP_BODY")
SECOND_ID=$(email_id "Alice.Second@Example.com")
outbox
check "a confirmation mail is queued for it" test "$OUTBOX_COUNT" = $((MAIL0 + 1))
LINK1=$LATEST_LINK
check "the outbox shows the new address as the recipient" \
	grep -q 'to Alice.Second@Example.com' "$RESP_BODY"

post "$J1" /account/settings/emails --data-urlencode "email=BOB@example.COM"
expect_refusal 409 '^Email: .*already used' "an address of another account (another case) is refused"
expect_body_contains 'value="BOB@example.COM"' "the address typed is kept in the form"
post "$J1" /account/settings/emails --data-urlencode "email=alice.second@EXAMPLE.com"
expect_refusal 409 '^Email: .*already one of your addresses' "an address of one's own (another case) is refused"
post "$J1" /account/settings/emails --data-urlencode "email=not-an-address"
expect_refusal 400 '^Email:' "a malformed address is refused, naming the field"
outbox
check "the refusals queued no mail" test "$OUTBOX_COUNT" = $((MAIL0 + 1))

post "$J1" "/account/settings/emails/$SECOND_ID/primary"
expect_refusal 409 '^Email: confirm' "an unconfirmed address cannot become primary"
post "$J1" "/account/settings/emails/$SECOND_ID/resend"
expect_redirect 'done=resent$' "a new confirmation link can be sent"
outbox
check "the new link is another mail" test "$OUTBOX_COUNT" = $((MAIL0 + 2))
LINK2=$LATEST_LINK
req "$HUB_URL$LINK1"
expect_status 404 "the first link no longer works (only the newest does)"
req "$HUB_URL$LINK2"
expect_status 200 "the newest link confirms the address"
expect_body_contains "Email confirmed" "the confirmation page says so"
req "$HUB_URL$LINK2"
expect_status 404 "the link works once"

get "$J1" /account/settings/emails
check "the address is now confirmed" \
	grep -Eq 'Alice.Second@Example.com</td><td>[^<]*<span class="badge badge-ok">confirmed' \
	<(tr -d '\n' <"$RESP_BODY" | sed 's/>[[:space:]]*</></g')
post "$J1" "/account/settings/emails/$SECOND_ID/primary"
expect_redirect 'done=primary$' "a confirmed address can become primary"
get "$J1" /account/settings/emails
check "the new primary comes first" \
	grep -Eq 'Alice.Second@Example.com</td>.*primary.*alice@example.com' <(tr -d '\n' <"$RESP_BODY")
post "$J1" "/account/settings/emails/$SECOND_ID/delete"
expect_refusal 409 '^Email: .*primary' "the primary address cannot be removed"

post "$J1" "/account/settings/emails/1/delete"
expect_refusal 404 '^Email: you have no such address' "another account's address is not found"
get "$J_ROOT" /admin
expect_body_contains "sysop@example.com" "sysop's address is still there"
req --interface "$IP" -b "$J1" --data-urlencode "csrf=x" "$HUB_URL/account/settings/emails/abc/delete"
check "an id that is not a number is refused (400 or 403)" test "$RESP_STATUS" = 400 -o "$RESP_STATUS" = 403

get "$J1" /account/settings/emails
FIRST_ID=$(email_id "alice@example.com")
post "$J1" "/account/settings/emails/$FIRST_ID/delete"
expect_redirect 'done=removed$' "the old address, now secondary, can be removed"
get "$J1" /account/settings/emails
expect_body_lacks "alice@example.com" "it is gone"
post "$J1" "/account/settings/emails/$SECOND_ID/delete"
expect_refusal 409 '^Email:' "the only address cannot be removed"
get "$J1" /account/settings
expect_body_contains "Alice.Second@Example.com" "the profile shows the new primary address"

J_MAIL=$TEST_TMP/by-mail.jar
sign_in "$J_MAIL" "alice.second@example.com" "alice's password"
expect_status 303 "alice can sign in with the new address"

# --- password -------------------------------------------------------------------------------------

J2=$TEST_TMP/alice2.jar
sign_in "$J2" alice "alice's password"
expect_status 303 "alice signs in a second time (another session)"

IP=127.0.0.21
post "$J1" /account/settings/password --data-urlencode "current_password=Wr0ng-zq81x" \
	--data-urlencode "new_password=Sup3r-new-pw" --data-urlencode "new_password_repeat=Sup3r-new-pw"
expect_refusal 400 '^Current password: incorrect' "a wrong current password is refused"
expect_body_lacks "zq81x" "the passwords typed are not in the page"
expect_body_lacks "Sup3r-new-pw" "nor the new one"
IP=127.0.0.1
post "$J1" /account/settings/password --data-urlencode "current_password=alice's password" \
	--data-urlencode "new_password=Sup3r-new-pw" --data-urlencode "new_password_repeat=Sup3r-new-px"
expect_refusal 400 '^New password: the two entries differ' "two different new passwords are refused"
post "$J1" /account/settings/password --data-urlencode "current_password=alice's password" \
	--data-urlencode "new_password=short" --data-urlencode "new_password_repeat=short"
expect_refusal 400 '^New password: at least 8' "a short new password is refused"
get "$J2" /dashboard
expect_status 200 "the refusals ended no session"

# Basic with the password right before the change: its check is remembered for a minute
# (base/verified.h), which must not outlive the password.
req -u "alice:alice's password" "$HUB_URL/2.0/user"
expect_status 200 "Basic with the password before the change: 200"
post "$J1" /account/settings/password --data-urlencode "current_password=alice's password" \
	--data-urlencode "new_password=Sup3r-new-pw" --data-urlencode "new_password_repeat=Sup3r-new-pw"
expect_redirect 'done=password$' "the password changes"
req --interface 127.0.0.26 -u "alice:alice's password" "$HUB_URL/2.0/user"
expect_status 401 "Basic with the old password right after the change: 401"
req -u "alice:Sup3r-new-pw" "$HUB_URL/2.0/user"
expect_status 200 "Basic with the new one: 200"
get "$J1" /dashboard
expect_status 200 "the session that changed it goes on"
get "$J2" /dashboard
expect_redirect '^/login' "the other session has ended"
get "$J_MAIL" /dashboard
expect_redirect '^/login' "and so has the third"
IP=127.0.0.22
sign_in "$J2" alice "alice's password"
expect_status 401 "the old password no longer signs in"
IP=127.0.0.1
sign_in "$J2" alice "Sup3r-new-pw"
expect_status 303 "the new one does"

# --- app passwords --------------------------------------------------------------------------------

get "$J1" /account/settings/app-passwords
expect_body_contains "You have no app passwords." "at first there are none"
post "$J1" /account/settings/app-passwords --data-urlencode "label=" \
	--data-urlencode "scopes=repository:read"
expect_refusal 400 '^Label:' "an empty label is refused"
post "$J1" /account/settings/app-passwords --data-urlencode "label=ci box"
expect_refusal 400 '^Permissions:' "no permission at all is refused"
expect_body_contains 'value="ci box"' "the label typed is kept"
post "$J1" /account/settings/app-passwords --data-urlencode "label=ci box" \
	--data-urlencode "scopes=repository:read" --data-urlencode "scopes=repository:destroy"
expect_refusal 400 '^Permissions: .*repository:destroy' "an unknown permission is refused"
check "the permissions ticked are kept" grep -q 'value="repository:read" checked' "$RESP_BODY"

post "$J1" /account/settings/app-passwords --data-urlencode "label=ci box" \
	--data-urlencode "scopes=pullrequest" --data-urlencode "scopes=repository:read" \
	--data-urlencode "scopes=account"
expect_status 200 "creating an app password shows the page"
expect_header Cache-Control 'no-store' "the page with the secret may not be stored"
SECRET=$(grep -o '<code class="secret">[0-9a-f]*</code>' "$RESP_BODY" | sed 's/<[^>]*>//g')
if [[ $SECRET =~ ^[0-9a-f]{64}$ ]]; then
	pass "the secret is shown: 64 hex digits"
else
	fail "the secret is shown: 64 hex digits" "got '$SECRET'"
fi
check "its permissions are listed in order" grep -Eq 'account</span> <span class="badge badge-scope">repository:read</span> <span class="badge badge-scope">pullrequest' "$RESP_BODY"
get "$J1" /account/settings/app-passwords
expect_body_lacks "$SECRET" "a reload does not show the secret again"
expect_body_contains "ci box" "the app password is listed"
check "it was never used" grep -Eq '<td class="small">never</td>' "$RESP_BODY"
APP_ID=$(grep -o '/account/settings/app-passwords/[0-9]*/revoke' "$RESP_BODY" | head -n 1 | cut -d/ -f5)

req -u "alice:$SECRET" "$HUB_URL/2.0/user"
expect_status 200 "Basic auth with the username and the app password opens /2.0/user (account)"
req -u "ALICE.SECOND@example.com:$SECRET" "$HUB_URL/2.0/user"
expect_status 200 "Basic auth with an address (another case) and the app password too"
req -u "alice:$SECRET" "$HUB_URL/2.0/workspaces"
expect_status 200 "/2.0/workspaces needs the account permission, as Bitbucket's does"
req -u "alice:$SECRET" "$HUB_URL/2.0/workspaces/alice/projects"
expect_status 403 "without the project permission, a workspace's projects are refused"
expect_body_contains "lacks the project permission" "the refusal names the missing permission"
req -u "alice:$SECRET" "$HUB_URL/dashboard"
expect_status 403 "an app password does not open pages"
get "$J1" /account/settings/app-passwords
check "its last use is recorded" grep -Eq '<td class="small"><time datetime="[^"]*">[0-9-]+ [0-9:]+ UTC</time></td>[[:space:]]*<td>' \
	<(tr -d '\n' <"$RESP_BODY" | sed 's/>[[:space:]]*</></g')
req -u "alice:$SECRET" "$HUB_URL/account/settings/app-passwords"
expect_status 403 "an app password cannot open the account settings"
req -u "alice:$SECRET" -H "X-CSRF-Token: x" --data-urlencode "label=wider" \
	--data-urlencode "scopes=repository:admin" "$HUB_URL/account/settings/app-passwords"
expect_status 403 "nor make another app password"
req -u "alice:Sup3r-new-pw" "$HUB_URL/account/settings"
expect_status 403 "Basic auth with the account password cannot either (a browser session is needed)"

IP=127.0.0.23
sign_in "$TEST_TMP/app.jar" alice "$SECRET"
expect_status 401 "the app password does not sign in through POST /login"
IP=127.0.0.24
expect_basic_refused "bob:$SECRET" "alice's app password does not work with bob's name"
req --interface "$IP" -u "bob:$SECRET" "$HUB_URL/dashboard"
expect_redirect '^/login' "nor for a page: /dashboard sends to the sign-in form"
IP=127.0.0.1

req -u "alice:$SECRET" "$HUB_URL/2.0/user"
expect_status 200 "Basic with the app password right before it is revoked: 200"
post "$J1" "/account/settings/app-passwords/$APP_ID/revoke"
expect_redirect 'done=revoked$' "revoking redirects with a notice"
get "$J1" /account/settings/app-passwords
expect_body_lacks "ci box" "a revoked app password is no longer listed"
IP=127.0.0.25
expect_basic_refused "alice:$SECRET" "a revoked app password is refused"
IP=127.0.0.1
post "$J1" "/account/settings/app-passwords/$APP_ID/revoke"
expect_refusal 404 '^App password:' "revoking it again: not found"

post "$J1" /account/settings/app-passwords --data-urlencode "label=deploy" \
	--data-urlencode "scopes=repository:write"
SECRET2=$(grep -o '<code class="secret">[0-9a-f]*</code>' "$RESP_BODY" | sed 's/<[^>]*>//g')
req -u "alice:$SECRET2" "$HUB_URL/2.0/user"
expect_status 403 "a second app password works, within its permissions (no account)"
expect_body_contains "lacks the account permission" "and says which permission it lacks"

# --- sign out everywhere --------------------------------------------------------------------------

post "$J2" /account/settings/sessions/end
expect_redirect '^/login$' "Sign out everywhere goes to /login"
expect_header Set-Cookie '^hub_session=;.*Max-Age=0' "and clears the session cookie"
get "$J2" /dashboard
expect_redirect '^/login' "the session that asked has ended"
get "$J1" /dashboard
expect_redirect '^/login' "and so has the other one"
req -u "alice:$SECRET2" "$HUB_URL/2.0/user"
expect_status 403 "app passwords keep working (this one still lacks account, not its session)"
expect_body_contains "lacks the account permission" "the refusal is about the permission"

# --- a deactivated account's app passwords --------------------------------------------------------

post "$J_ROOT" /admin/users/alice/active --data-urlencode "active=false"
expect_status 303 "root deactivates alice"
IP=127.0.0.26
expect_basic_refused "alice:$SECRET2" "a deactivated account's app password is refused"
IP=127.0.0.1
post "$J_ROOT" /admin/users/alice/active --data-urlencode "active=true"
req -u "alice:$SECRET2" "$HUB_URL/2.0/user"
expect_status 403 "reactivated, it is accepted again (and refused only for its permission)"
expect_body_contains "lacks the account permission" "not for its credentials"

done_testing

# Watchers' mail end to end: a comment and an update mail every watcher who may see them, once,
# and never their author; a restricted comment reaches only that role's holders; a watcher who
# can no longer browse the project gets nothing; the Notifications page turns mail off, and on
# for one's own changes (CSRF-checked, signed-in only).

. "$(dirname "$0")/track_env.sh"

# mails TO TEXT: how many mails in the outbox went to TO with TEXT in their subject or body.
mails() {
	page alice /admin/mail
	python3 - "$RESP_BODY" "$1" "$2" <<'PY'
import html, re, sys
page, to, text = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3]
items = re.findall(r'<article class="mail-item">(.*?)</article>', page, re.S)
print(sum(1 for i in items if "<code>%s</code>" % to in i and text in html.unescape(i)))
PY
}
# wait_mails TO TEXT N: until N such mails exist (the job runs after the change commits).
wait_mails() {
	for _ in $(seq 100); do
		[ "$(mails "$1" "$2")" -ge "$3" ] && return 0
		sleep 0.1
	done
	return 1
}

json alice POST "$API/project" '{"key":"NOTE","name":"Notes","projectTypeKey":"software"}'
expect_status 201 "a project"
json alice POST "$API/project/NOTE/role/10001" '{"user":["bob"]}'
json alice POST "$API/project/NOTE/role/10000" '{"user":["carol", "dave"]}'
json bob POST "$API/issue" '{"fields":{"project":{"key":"NOTE"},"summary":"Mail me"}}'
expect_status 201 "bob reports NOTE-1 (and so watches it)"
as carol -X POST "$API/issue/NOTE-1/watchers"
as dave -X POST "$API/issue/NOTE-1/watchers"
expect_status 204 "carol and dave watch it too"

json carol POST "$API/issue/NOTE-1/comment" '{"body":"First words"}'
expect_status 201 "carol comments"
check "bob gets the comment by mail" wait_mails bob@example.com "Carol commented on NOTE-1" 1
check "  so does dave" wait_mails dave@example.com "First words" 1
same "  carol, its author, does not" "$(mails carol@example.com "First words")" 0

json alice PUT "$API/issue/NOTE-1" '{"fields":{"summary":"Mail me twice"}}'
expect_status 204 "alice edits the summary"
check "the watchers get the update with what changed" \
	wait_mails carol@example.com "summary: Mail me -> Mail me twice" 1
check "  bob too" wait_mails bob@example.com "Alice updated NOTE-1" 1
same "  alice is no watcher: nothing for her" "$(mails alice@example.com "Alice updated")" 0

json alice POST "$API/issue/NOTE-1/comment" '{"body":"Developers only","visibility":{"type":"role","value":"Developers"}}'
expect_status 201 "alice comments for Developers only"
check "bob (a Developer) gets it" wait_mails bob@example.com "Developers only" 1
same "  carol (Users) does not" "$(mails carol@example.com "Developers only")" 0

as alice -X DELETE "$API/project/NOTE/role/10000?user=dave"
expect_status 204 "dave leaves the project's Users (he still watches NOTE-1)"
json carol POST "$API/issue/NOTE-1/comment" '{"body":"After dave left"}'
check "a later comment reaches bob" wait_mails bob@example.com "After dave left" 1
same "  but not dave, who can no longer browse the project" "$(mails dave@example.com "After dave left")" 0

# --- the Notifications page ------------------------------------------------------------------------

page bob /account/notifications
expect_status 200 "the Notifications page"
expect_body_contains 'name="watching" checked' "  mail about watched issues is on by default"
req -b "$TEST_TMP/bob.jar" --data-urlencode "watching=" "$T/account/notifications"
expect_status 403 "a post without the CSRF token changes nothing"
submit bob /account/notifications /account/notifications "own_changes=off"
expect_status 303 "bob turns watching mail off"
submit carol /account/notifications /account/notifications "watching=on" "own_changes=on"
expect_status 303 "carol asks for her own changes too"
page bob /account/notifications
expect_body_contains 'name="watching" >' "  the page shows bob's choice"
req "$T/account/notifications"
expect_status 303 "anonymous callers are sent to sign in"

json carol POST "$API/issue/NOTE-1/comment" '{"body":"Quiet now"}'
check "carol gets her own comment" wait_mails carol@example.com "Quiet now" 1
same "  bob, who turned mail off, does not" "$(mails bob@example.com "Quiet now")" 0
same "every mail went out once" "$(mails bob@example.com "First words")" 1

done_testing

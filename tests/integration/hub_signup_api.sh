# Signing up through the API (POST /2.0/users, weft's own: Bitbucket has none): the same rules
# as the form, an unconfirmed account with its confirmation mail, clear refusals that create
# nothing, and the new credentials working at once.
. "$(dirname "$0")/lib.sh"

start_weft || bail "weft did not start"

signup() {
	req -H 'Content-Type: application/json' --data-binary "$1" "$HUB_URL/2.0/users"
}

signup '{"username": "carol", "email": "carol@example.com", "password": "carol has a long one", "display_name": "Carol C"}'
expect_status 201 "POST /2.0/users creates an account"
expect_json 'j["type"] == "user" and j["username"] == "carol" and j["display_name"] == "Carol C" and j["uuid"].startswith("{")' \
	"the answer is the account object"

req -u "carol:carol has a long one" "$HUB_URL/2.0/user/emails"
expect_status 200 "the new credentials work for the API at once"
expect_json 'j["values"][0]["email"] == "carol@example.com" and j["values"][0]["is_confirmed"] is False' \
	"the address waits for its confirmation"

signup '{"username": "CAROL", "email": "other@example.com", "password": "another long one"}'
expect_status 409 "a username taken in another case is refused"
expect_api_error hub "the refusal has Bitbucket's error shape"
expect_json '"Username" in j["error"]["message"]' "and names the field"

signup '{"username": "dave", "email": "CAROL@example.com", "password": "another long one"}'
expect_status 409 "an address taken in another case is refused"
expect_json '"Email" in j["error"]["message"]' "and names the field"

signup '{"username": "dave", "email": "dave@example.com", "password": "short"}'
expect_status 400 "a short password is refused"
expect_json '"Password" in j["error"]["message"]' "and names the field"

signup '{"username": "dave", "email": "dave@example.com"}'
expect_status 400 "a missing password is refused"

signup '{"username": '
expect_status 400 "malformed JSON is refused"
expect_api_error hub "with Bitbucket's error shape"

signup '["not", "an", "object"]'
expect_status 400 "a body that is not an object is refused"

req -u "dave:another long one" "$HUB_URL/2.0/user"
expect_status 401 "none of the refused sign-ups created an account"

signup '{"username": "dave", "email": "dave@example.com", "password": "another long one"}'
expect_status 201 "the same sign-up, corrected, succeeds"

done_testing

/* Tests of the pure parts of src/hub/team/team_api.c: member keys (account_id or {uuid}) and the
 * body of PUT /1.0/groups/…. The handlers themselves run in tests/integration/hub_api.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "hub/team/team_api.h"

static int setup(void **state)
{
	*state = arena_new();
	return 0;
}

static int teardown(void **state)
{
	arena_free(*state);
	return 0;
}

static void member_keys(void **state)
{
	arena *a = *state;
	const char *id = "c788b2da-b7a2-404c-9e26-d3f077557007";
	assert_string_equal(hub_api_member_key(a, id), "{c788b2da-b7a2-404c-9e26-d3f077557007}");
	assert_string_equal(hub_api_member_key(a, "{c788b2da-b7a2-404c-9e26-d3f077557007}"),
	                    "{c788b2da-b7a2-404c-9e26-d3f077557007}");
	/* Upper case is the same account. */
	assert_string_equal(hub_api_member_key(a, "C788B2DA-B7A2-404C-9E26-D3F077557007"),
	                    "{c788b2da-b7a2-404c-9e26-d3f077557007}");
	/* Usernames and anything that is not quite a UUID stay as they are. */
	assert_string_equal(hub_api_member_key(a, "alice"), "alice");
	assert_string_equal(hub_api_member_key(a, "c788b2da-b7a2-404c-9e26-d3f07755700"),
	                    "c788b2da-b7a2-404c-9e26-d3f07755700");
	assert_string_equal(hub_api_member_key(a, "c788b2da_b7a2-404c-9e26-d3f077557007"),
	                    "c788b2da_b7a2-404c-9e26-d3f077557007");
	assert_string_equal(hub_api_member_key(a, "{alice}"), "{alice}");
	assert_string_equal(hub_api_member_key(a, "{c788b2da-b7a2-404c-9e26-d3f077557007"),
	                    "{c788b2da-b7a2-404c-9e26-d3f077557007");
	assert_string_equal(hub_api_member_key(a, ""), "");
}

/* Parses text as JSON (NULL: no body) into a change, expecting rc. */
static int change(const char *text, hub_group_change *ch)
{
	json_t *body = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
	assert_true(!text || body);
	int rc = hub_api_group_change(body, ch);
	json_decref(body);
	return rc;
}

static void group_change_bodies(void **state)
{
	(void)state;
	hub_group_change ch;
	assert_int_equal(change(NULL, &ch), 0);
	assert_null(ch.name);
	assert_int_equal(ch.permission, HUB_LEVEL_NONE);
	assert_int_equal(ch.auto_add, -1);
	assert_int_equal(change("{}", &ch), 0);
	assert_int_equal(ch.auto_add, -1);
	json_t *body = json_loads(
	        "{\"name\": \"Ops\", \"permission\": \"admin\", \"auto_add\": true}", 0, NULL);
	assert_int_equal(hub_api_group_change(body, &ch), 0);
	assert_string_equal(ch.name, "Ops");
	assert_int_equal(ch.permission, HUB_LEVEL_ADMIN);
	assert_int_equal(ch.auto_add, 1);
	json_decref(body);
	assert_int_equal(change("{\"auto_add\": false, \"permission\": \"read\"}", &ch), 0);
	assert_int_equal(ch.auto_add, 0);
	assert_int_equal(ch.permission, HUB_LEVEL_READ);
	/* null keeps, like absence. */
	assert_int_equal(change("{\"name\": null, \"permission\": null, \"auto_add\": null}", &ch),
	                 0);
	assert_null(ch.name);
	assert_int_equal(ch.permission, HUB_LEVEL_NONE);
	assert_int_equal(ch.auto_add, -1);
}

static void group_change_refusals(void **state)
{
	(void)state;
	hub_group_change ch;
	assert_int_equal(change("[]", &ch), WEFT_EINVALID);
	assert_string_equal(err_msg(), "The body must be a JSON object.");
	assert_int_equal(change("\"x\"", &ch), WEFT_EINVALID);
	assert_int_equal(change("{\"name\": 3}", &ch), WEFT_EINVALID);
	assert_string_equal(err_msg(), "name must be a string.");
	assert_int_equal(change("{\"permission\": \"owner\"}", &ch), WEFT_EINVALID);
	assert_string_equal(err_msg(), "permission must be read, write or admin.");
	assert_int_equal(change("{\"permission\": 2}", &ch), WEFT_EINVALID);
	assert_int_equal(change("{\"permission\": \"Admin\"}", &ch), WEFT_EINVALID);
	assert_int_equal(change("{\"auto_add\": \"true\"}", &ch), WEFT_EINVALID);
	assert_string_equal(err_msg(), "auto_add must be true or false.");
}

static void form_validators(void **state)
{
	(void)state;
	assert_int_equal(hub_api_check_permission("write"), 0);
	assert_int_equal(hub_api_check_permission("none"), WEFT_EINVALID);
	assert_int_equal(hub_api_check_permission(""), WEFT_EINVALID);
	assert_int_equal(hub_api_check_bool("True"), 0);
	assert_int_equal(hub_api_check_bool("0"), 0);
	assert_int_equal(hub_api_check_bool("yes"), WEFT_EINVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(member_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(group_change_bodies, setup, teardown),
		cmocka_unit_test_setup_teardown(group_change_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(form_validators, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Tests of the pure parts of src/hub/team_api.c: member keys (account_id or {uuid}), the body of
 * PUT /1.0/groups/…, reading dotted fields of JSON items, and filtering and sorting a collection
 * before it is paged. The handlers themselves run in tests/integration/hub_api.sh. */
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

static void json_fields(void **state)
{
	(void)state;
	json_t *o = json_loads("{\"slug\": \"acme\", \"n\": 12, \"r\": 1.5, \"b\": true, "
	                       "\"f\": false, \"z\": null, \"user\": {\"uuid\": \"{1}\", "
	                       "\"deep\": {\"x\": \"y\"}}, \"list\": [1]}",
	                       0, NULL);
	hub_json_item it = { .json = o };
	assert_string_equal(hub_json_field(&it, "slug"), "acme");
	assert_string_equal(hub_json_field(&it, "n"), "12");
	assert_string_equal(hub_json_field(&it, "r"), "1.5");
	assert_string_equal(hub_json_field(&it, "b"), "true");
	assert_string_equal(hub_json_field(&it, "f"), "false");
	assert_null(hub_json_field(&it, "z"));
	assert_null(hub_json_field(&it, "missing"));
	assert_string_equal(hub_json_field(&it, "user.uuid"), "{1}");
	assert_string_equal(hub_json_field(&it, "user.deep.x"), "y");
	assert_null(hub_json_field(&it, "user")); /* an object is no value */
	assert_null(hub_json_field(&it, "list"));
	assert_null(hub_json_field(&it, "slug.x")); /* a string has no members */
	assert_null(hub_json_field(&it, "user.missing.x"));
	json_decref(o);
}

static const char *const fields[] = { "slug", "size", "owner.name", NULL };

/* The slugs of an array of items, joined with spaces, in a. */
static const char *slugs(arena *a, const json_t *items)
{
	const char *out = "";
	size_t i;
	json_t *item;
	json_array_foreach(items, i, item) out = arena_printf(
	        a, "%s%s%s", out, i ? " " : "", json_string_value(json_object_get(item, "slug")));
	return out;
}

static json_t *collection(void)
{
	return json_loads("[{\"slug\": \"c\", \"size\": 10, \"owner\": {\"name\": \"x\"}},"
	                  " {\"slug\": \"a\", \"size\": 9},"
	                  " {\"slug\": \"b\", \"size\": 10, \"owner\": {\"name\": \"y\"}},"
	                  " {\"slug\": \"d\", \"size\": 100, \"owner\": {\"name\": \"x\"}}]",
	                  0, NULL);
}

/* hub_api_select over the test collection with q (NULL: none) and sort; the slugs. */
static const char *select_slugs(arena *a, const char *q, const char *sort)
{
	json_t *items = collection(), *out = NULL;
	bbql *tree = NULL;
	if (q && hub_bbql_parse(&tree, a, q, fields) != 0)
		fail_msg("%s: %s", q, err_msg());
	int rc = hub_api_select(&out, a, items, tree, sort, fields);
	if (rc != 0)
		fail_msg("select: %s", err_msg());
	const char *s = slugs(a, out);
	json_decref(out);
	json_decref(items);
	return s;
}

static void selecting(void **state)
{
	arena *a = *state;
	assert_string_equal(select_slugs(a, NULL, NULL), "c a b d");
	assert_string_equal(select_slugs(a, "slug = \"b\"", NULL), "b");
	assert_string_equal(select_slugs(a, "owner.name = \"x\"", NULL), "c d");
	assert_string_equal(select_slugs(a, "owner.name = null", NULL), "a");
	assert_string_equal(select_slugs(a, "slug = \"none\"", NULL), "");
	/* Sorting: numbers as numbers (9 < 10 < 100), ties keep their order, - reverses. */
	assert_string_equal(select_slugs(a, NULL, "size"), "a c b d");
	assert_string_equal(select_slugs(a, NULL, "-size"), "d c b a");
	assert_string_equal(select_slugs(a, NULL, "slug"), "a b c d");
	assert_string_equal(select_slugs(a, NULL, "owner.name"), "a c d b"); /* null first */
	assert_string_equal(select_slugs(a, "size >= 10", "-slug"), "d c b");
}

static void selecting_refusals(void **state)
{
	arena *a = *state;
	json_t *items = collection(), *out = NULL;
	assert_int_equal(hub_api_select(&out, a, items, NULL, "owner", fields), WEFT_EINVALID);
	assert_string_equal(err_msg(), "Invalid sort: there is no field owner to sort by.");
	assert_int_equal(hub_api_select(&out, a, items, NULL, "-", fields), WEFT_EINVALID);
	assert_int_equal(hub_api_select(&out, a, items, NULL, "", fields), WEFT_EINVALID);
	assert_null(out);
	/* An empty collection is fine. */
	json_t *empty = json_array();
	assert_int_equal(hub_api_select(&out, a, empty, NULL, "slug", fields), 0);
	assert_int_equal(json_array_size(out), 0);
	json_decref(out);
	json_decref(empty);
	json_decref(items);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(member_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(group_change_bodies, setup, teardown),
		cmocka_unit_test_setup_teardown(group_change_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(form_validators, setup, teardown),
		cmocka_unit_test_setup_teardown(json_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(selecting, setup, teardown),
		cmocka_unit_test_setup_teardown(selecting_refusals, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

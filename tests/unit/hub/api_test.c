/* Tests of the pure parts of src/hub/api.c: reading dotted fields of JSON items, and filtering
 * and sorting a collection before it is paged (hub_api_select). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "hub/api.h"
#include "hub/bbql.h"

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
		cmocka_unit_test_setup_teardown(json_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(selecting, setup, teardown),
		cmocka_unit_test_setup_teardown(selecting_refusals, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

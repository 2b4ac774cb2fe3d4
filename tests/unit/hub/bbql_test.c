/* Tests of src/hub/bbql.c: what the parser accepts (the client's slug="x", AND/OR precedence,
 * parentheses, every operator, literals), what it refuses with which message, and how items
 * match. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "hub/bbql.h"

static const char *const fields[] = { "slug", "name", "size", "is_private", "user.uuid", NULL };

/* A test item: slug, name, size, is_private, user.uuid (NULL values are null). */
typedef struct item {
	const char *values[5];
} item;

static const char *get(void *p, const char *name)
{
	const item *it = p;
	for (int i = 0; fields[i]; i++)
		if (strcmp(fields[i], name) == 0)
			return it->values[i];
	fail_msg("asked for a field that is not in the list: %s", name);
	return NULL;
}

static item acme = { { "acme", "ACME Rocket Works", "12", "false", "{1111}" } };
static item blue = { { "blue-team", "Blue", "3", "true", NULL } };

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

/* Parses q (asserting success) and matches it against it. */
static bool matches(void **state, const char *q, item *it)
{
	bbql *tree = NULL;
	int rc = hub_bbql_parse(&tree, *state, q, fields);
	if (rc != 0)
		fail_msg("%s: %s", q, err_msg());
	assert_non_null(tree);
	return hub_bbql_match(tree, get, it);
}

/* Parses q, expecting code and a message containing part. */
static void refused(void **state, const char *q, int code, const char *part)
{
	bbql *tree = NULL;
	int rc = hub_bbql_parse(&tree, *state, q, fields);
	if (rc != code)
		fail_msg("%s: expected %d, got %d (%s)", q, code, rc, rc ? err_msg() : "accepted");
	if (!strstr(err_msg(), part))
		fail_msg("%s: message '%s' does not contain '%s'", q, err_msg(), part);
	assert_null(tree);
}

static void slug_equals(void **state)
{
	assert_true(matches(state, "slug=\"acme\"", &acme));
	assert_false(matches(state, "slug=\"acme\"", &blue));
	/* What node-bitbucket sends decodes to spaces around the operator. */
	assert_true(matches(state, "slug = \"blue-team\"", &blue));
	assert_true(matches(state, "  slug   =   \"acme\"  ", &acme));
	/* = is exact: case matters, and a prefix is not enough. */
	assert_false(matches(state, "slug=\"ACME\"", &acme));
	assert_false(matches(state, "slug=\"acm\"", &acme));
	assert_true(matches(state, "slug=\"\"", &(item){ { "", "", "0", "false", NULL } }));
}

static void not_equal_and_contains(void **state)
{
	assert_true(matches(state, "slug != \"acme\"", &blue));
	assert_false(matches(state, "slug != \"acme\"", &acme));
	assert_true(matches(state, "name ~ \"rocket\"", &acme)); /* ignoring case */
	assert_false(matches(state, "name ~ \"rocket\"", &blue));
	assert_true(matches(state, "name !~ \"rocket\"", &blue));
	assert_true(matches(state, "name ~ \"\"", &blue));
}

static void null_literal(void **state)
{
	assert_true(matches(state, "user.uuid = null", &blue));
	assert_false(matches(state, "user.uuid = null", &acme));
	assert_true(matches(state, "user.uuid != null", &acme));
	assert_true(matches(state, "user.uuid !~ \"1\"", &blue)); /* null contains nothing */
	assert_false(matches(state, "user.uuid ~ \"1\"", &blue));
	assert_false(matches(state, "user.uuid > \"0\"", &blue));
}

static void numbers_booleans_and_order(void **state)
{
	assert_true(matches(state, "size > 5", &acme)); /* 12 > 5 as numbers, not as text */
	assert_false(matches(state, "size > 5", &blue));
	assert_true(matches(state, "size >= 12", &acme));
	assert_true(matches(state, "size <= 3", &blue));
	assert_true(matches(state, "size < 3.5", &blue));
	assert_true(matches(state, "size = 12", &acme));
	assert_true(matches(state, "is_private = true", &blue));
	assert_true(matches(state, "is_private = false", &acme));
	assert_true(matches(state, "name > \"B\"", &blue)); /* text: "Blue" > "B" */
	assert_true(matches(state, "slug < 2025-01-01T00:00:00+00:00",
	                    &(item){ { "2024-12-31T23:59:59+00:00", "", "0", "false", NULL } }));
}

static void and_binds_tighter_than_or(void **state)
{
	/* false AND false OR true: (false AND false) OR true = true. */
	const char *q = "slug = \"x\" AND name = \"y\" OR size = 3";
	assert_true(matches(state, q, &blue));
	/* true OR x AND false: true OR (x AND false) = true. */
	assert_true(matches(state, "size = 3 OR slug = \"x\" AND size = 4", &blue));
	assert_false(matches(state, "(size = 3 OR slug = \"x\") AND size = 4", &blue));
	assert_true(matches(state, "slug = \"acme\" and size = 12", &acme)); /* lower case too */
	assert_true(matches(state, "((slug = \"acme\"))", &acme));
	assert_true(matches(state, "slug=\"a\" OR slug=\"b\" OR slug=\"acme\"", &acme));
}

static void string_escapes(void **state)
{
	item quoted = { { "a\"b\\c", "", "0", "false", NULL } };
	assert_true(matches(state, "slug = \"a\\\"b\\\\c\"", &quoted));
	/* Operators and parentheses inside a string are text. */
	item odd = { { "(x) AND y = \"", "", "0", "false", NULL } };
	assert_true(matches(state, "slug = \"(x) AND y = \\\"\"", &odd));
}

static void syntax_errors(void **state)
{
	refused(state, "", WEFT_EINVALID, "expected a field name");
	refused(state, "slug", WEFT_EINVALID, "expected an operator");
	refused(state, "slug =", WEFT_EINVALID, "expected a \"string\"");
	refused(state, "slug = acme", WEFT_EINVALID, "expected a \"string\"");
	refused(state, "slug = \"acme", WEFT_EINVALID, "closing quote");
	refused(state, "slug = \"acme\" size = 1", WEFT_EINVALID, "expected AND or OR");
	refused(state, "slug = \"acme\" AND", WEFT_EINVALID, "expected a field name");
	refused(state, "(slug = \"acme\"", WEFT_EINVALID, "expected )");
	refused(state, "slug = \"acme\")", WEFT_EINVALID, "unmatched )");
	refused(state, "slug == \"acme\"", WEFT_EINVALID, "expected a \"string\"");
	refused(state, "slug ~ null", WEFT_EINVALID, "need a \"string\"");
	refused(state, "slug = \"a\" ; drop", WEFT_EINVALID, "unexpected character");
	refused(state, "AND = \"x\"", WEFT_EINVALID, "expected a field name");
	/* Messages start the same way, and say where. */
	refused(state, "slug = \"acme\" size", WEFT_EINVALID,
	        "Invalid query: expected AND or OR at character 15");
}

static void unknown_fields(void **state)
{
	refused(state, "owner = \"x\"", WEFT_EINVALID, "no field owner");
	refused(state, "user = \"x\"", WEFT_EINVALID, "no field user"); /* only user.uuid */
	refused(state, "Slug = \"x\"", WEFT_EINVALID, "no field Slug");
	bbql *tree = NULL;
	assert_int_equal(hub_bbql_parse(&tree, *state, "slug = \"x\"", NULL), WEFT_EINVALID);
}

static void limits(void **state)
{
	char q[BBQL_MAX_LEN + 2];
	memset(q, ' ', sizeof q - 1);
	q[sizeof q - 1] = '\0';
	refused(state, q, WEFT_ETOOLARGE, "longer than");
	/* 32 levels of parentheses parse, 33 do not. */
	char deep[200] = "";
	for (int i = 0; i < BBQL_MAX_DEPTH; i++)
		strcat(deep, "(");
	strcat(deep, "size=3");
	for (int i = 0; i < BBQL_MAX_DEPTH; i++)
		strcat(deep, ")");
	assert_true(matches(state, deep, &blue));
	char deeper[200] = "(";
	strcat(deeper, deep);
	strcat(deeper, ")");
	refused(state, deeper, WEFT_ETOOLARGE, "nested parentheses");
}

/* A long chain of ORs at the length limit parses and evaluates (no recursion per byte). */
static void long_chains(void **state)
{
	char q[BBQL_MAX_LEN + 1] = "size=3";
	while (strlen(q) + 12 <= BBQL_MAX_LEN)
		strcat(q, " OR size=4");
	assert_true(matches(state, q, &blue));
	assert_false(matches(state, q, &acme));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(slug_equals, setup, teardown),
		cmocka_unit_test_setup_teardown(not_equal_and_contains, setup, teardown),
		cmocka_unit_test_setup_teardown(null_literal, setup, teardown),
		cmocka_unit_test_setup_teardown(numbers_booleans_and_order, setup, teardown),
		cmocka_unit_test_setup_teardown(and_binds_tighter_than_or, setup, teardown),
		cmocka_unit_test_setup_teardown(string_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(syntax_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(unknown_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(limits, setup, teardown),
		cmocka_unit_test_setup_teardown(long_chains, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

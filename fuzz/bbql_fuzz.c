/* libFuzzer target: hub_bbql_parse on arbitrary bytes (as a C string), then hub_bbql_match of what it
 * parsed against items with every field present, absent (null), numeric and textual. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "hub/bbql.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checked even under NDEBUG: a fuzz target that checks nothing finds only crashes. */
#define CHECK(c) ((c) ? (void)0 : (fprintf(stderr, "CHECK failed: %s\n", #c), abort()))

static const char *const fields[] = { "slug", "name", "user.uuid", "size", NULL };

static const char *value_of(void *item, const char *name)
{
	CHECK(name != NULL);
	return *(const char **)item;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	char *q = arena_strndup(a, (const char *)data, size);
	bbql *tree = NULL;
	int rc = hub_bbql_parse(&tree, a, q, fields);
	CHECK((rc == 0) == (tree != NULL));
	CHECK(rc == 0 || rc == WEFT_EINVALID || rc == WEFT_ETOOLARGE);
	CHECK(rc == 0 || strncmp(err_msg(), "Invalid query", 13) == 0);
	const char *values[] = { NULL, "", "acme", "12", "-3.5", "2024-01-01T00:00:00+00:00" };
	for (size_t i = 0; tree && i < sizeof values / sizeof values[0]; i++)
		(void)hub_bbql_match(tree, value_of, &values[i]);
	arena_free(a);
	return 0;
}

/* libFuzzer target: jql_parse on arbitrary bytes (as a C string); what parses has a consistent
 * tree, and every date value in it resolves. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "track/search/jql.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checked even under NDEBUG: a fuzz target that checks nothing finds only crashes. */
#define CHECK(c) ((c) ? (void)0 : (fprintf(stderr, "CHECK failed: %s\n", #c), abort()))

static void walk(const jql_node *n, int depth)
{
	CHECK(depth <= 2 * JQL_MAX_DEPTH + 2);
	if (n->kind == JQL_NODE_CLAUSE) {
		CHECK(n->n_values >= 1 && n->field < JQL_FIELD_COUNT);
		for (size_t i = 0; i < n->n_values; i++) {
			int64_t ms;
			if (jql_field_is_date(n->field) && n->values[i].kind != JQL_VALUE_EMPTY)
				CHECK(jql_date(&ms, &n->values[i], 1705320000000, "f") == 0);
		}
		return;
	}
	CHECK(n->kind == JQL_NODE_NOT ? n->n_children == 1 : n->n_children >= 2);
	for (size_t i = 0; i < n->n_children; i++)
		walk(n->children[i], depth + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	char *q = arena_strndup(a, (const char *)data, size);
	jql_query *query = NULL;
	int rc = jql_parse(&query, a, q);
	CHECK((rc == 0) == (query != NULL));
	CHECK(rc == 0 || rc == WEFT_EINVALID || rc == WEFT_ETOOLARGE);
	if (query && query->where)
		walk(query->where, 0);
	if (query && query->where && query->where->kind == JQL_NODE_CLAUSE)
		(void)jql_quote(a, query->where->values[0].text);
	arena_free(a);
	return 0;
}

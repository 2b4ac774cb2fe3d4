/* Bitbucket's query language (BBQL, the q= parameter of collections), the subset weft's API
 * speaks: comparisons joined with AND and OR and grouped with parentheses, evaluated against one
 * item at a time. Pure: no store, no HTTP. */
#ifndef WEFT_HUB_BBQL_H
#define WEFT_HUB_BBQL_H

#include <stdbool.h>

#include "base/arena.h"

enum {
	BBQL_MAX_LEN = 4096, /* bytes of q */
	BBQL_MAX_DEPTH = 32, /* nested parentheses */
};

typedef struct bbql bbql;

/* Parses q: FIELD OP VALUE comparisons, where FIELD is a (dotted) name from fields (a
 * NULL-terminated list), OP one of = != ~ !~ > >= < <=, VALUE a "string" (\" and \\ escape) or a
 * bare literal (a number, null, true, false or an ISO-8601 time); AND binds tighter than OR (both
 * also lower case); parentheses group. The tree lives in a. WEFT_EINVALID with a message starting
 * "Invalid query" that says what and where for a syntax error or an unknown field; WEFT_ETOOLARGE
 * past BBQL_MAX_LEN bytes or BBQL_MAX_DEPTH levels. */
int hub_bbql_parse(bbql **out, arena *a, const char *q, const char *const *fields);

/* The value of the field name (as spelled in the list given to hub_bbql_parse) for item: its text
 * ("true"/"false" for booleans, digits for numbers), or NULL when it is null. */
typedef const char *(*bbql_field_fn)(void *item, const char *name);

/* Whether item satisfies q. = and != compare text exactly (null = null is true); ~ and !~ test
 * whether the value contains the literal, ignoring ASCII case; > >= < <= compare numerically
 * when both sides are numbers, and otherwise as byte strings (which orders ISO-8601 times of one
 * format). A null value satisfies no ~, >, >=, < or <=, and every !~. */
bool hub_bbql_match(const bbql *q, bbql_field_fn get, void *item);

/* How BBQL orders two values (for sort= too): <0, 0 or >0 as a sorts before, with or after b;
 * numerically when both are numbers, otherwise as byte strings; null (NULL) before anything. */
int hub_bbql_order(const char *a, const char *b);

#endif

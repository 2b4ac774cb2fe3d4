/* JQL, Jira's query language, the subset track searches with: a lexer and a recursive-descent
 * parser into a tree that lives in an arena, with Jira's error messages (positioned for syntax
 * errors), and the resolution of date values. Pure: no store, no HTTP (search.c compiles the tree
 * to SQL). */
#ifndef WEFT_TRACK_JQL_H
#define WEFT_TRACK_JQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

enum {
	JQL_MAX_LEN = 16384, /* bytes of query */
	JQL_MAX_DEPTH = 32, /* nested parentheses and NOTs */
	JQL_MAX_VALUES = 1000, /* values in one IN list */
};

/* The fields track knows (aliases share one: key/issuekey, type/issuetype). */
typedef enum jql_field {
	JQL_PROJECT,
	JQL_KEY,
	JQL_SUMMARY,
	JQL_DESCRIPTION,
	JQL_TEXT,
	JQL_STATUS,
	JQL_STATUS_CATEGORY,
	JQL_TYPE,
	JQL_PRIORITY,
	JQL_ASSIGNEE,
	JQL_REPORTER,
	JQL_LABELS,
	JQL_RESOLUTION,
	JQL_CREATED,
	JQL_UPDATED,
	JQL_RESOLUTION_DATE,
	JQL_COMMENT, /* comment bodies the viewer may read */
	JQL_LINK_TYPE, /* issueLinkType: a link phrase ("blocks", "is blocked by") the issue has */
	JQL_FIELD_COUNT
} jql_field;

typedef enum jql_op {
	JQL_EQ, /* = */
	JQL_NE, /* != */
	JQL_LIKE, /* ~ */
	JQL_NOT_LIKE, /* !~ */
	JQL_GT,
	JQL_GE,
	JQL_LT,
	JQL_LE,
	JQL_IN,
	JQL_NOT_IN,
	JQL_IS, /* IS EMPTY (also = EMPTY) */
	JQL_IS_NOT, /* IS NOT EMPTY (also != EMPTY) */
} jql_op;

typedef enum jql_value_kind {
	JQL_VALUE_TEXT, /* a quoted string or an unquoted word (numbers, keys, dates...) */
	JQL_VALUE_EMPTY, /* EMPTY or NULL */
	JQL_VALUE_FUNCTION, /* name(args): currentUser, now, startOfDay, endOfDay, linkedIssues */
} jql_value_kind;

typedef struct jql_value {
	jql_value_kind kind;
	const char *text; /* the literal, unescaped; for functions the canonical name ("now") */
	bool quoted;
	const char *arg; /* a function's (first) argument, or NULL */
	const char *arg2; /* its second argument (linkedIssues' link phrase), or NULL */
} jql_value;

typedef enum jql_node_kind {
	JQL_NODE_AND,
	JQL_NODE_OR,
	JQL_NODE_NOT,
	JQL_NODE_CLAUSE
} jql_node_kind;

typedef struct jql_node jql_node;
struct jql_node {
	jql_node_kind kind;
	/* AND, OR: children (two or more); NOT: one child. */
	jql_node **children;
	size_t n_children, children_cap; /* in use, allocated */
	/* CLAUSE: field op values (one value but for IN / NOT IN). */
	jql_field field;
	const char *field_name; /* as written, for messages */
	jql_op op;
	jql_value *values;
	size_t n_values;
};

typedef struct jql_sort {
	jql_field field;
	const char *field_name;
	bool desc;
	bool explicit_direction; /* ASC or DESC was written */
} jql_sort;

typedef struct jql_query {
	jql_node *where; /* NULL for an empty condition (every issue) */
	jql_sort *order;
	size_t n_order;
	size_t where_len; /* bytes of the query before ORDER BY (all of it when there is none) */
} jql_query;

/* Parses q into *out (in a). Keywords (AND, OR, NOT, IN, IS, EMPTY, NULL, ORDER BY, ASC, DESC)
 * and field names are case-insensitive; && || ! stand for AND OR NOT; AND binds tighter than OR.
 * Strings are "..." or '...' with the escapes \" \' \\ \t \n \r '\ ' \uXXXX. WEFT_EINVALID with
 * Jira's message: syntax errors read "Error in the JQL Query: ... (line L, character C)";
 * unknown fields "Field 'f' does not exist or you do not have permission to view it.";
 * operators a field does not take "The operator '~' is not supported by the 'status' field.";
 * malformed dates, unknown functions and functions on the wrong field likewise. The function
 * linkedIssues(KEY[, "phrase"]) is a value of issue (issuekey, key, id) after IN or NOT IN, with
 * or without a list's parentheses. WEFT_ETOOLARGE
 * past JQL_MAX_LEN bytes, JQL_MAX_DEPTH levels or JQL_MAX_VALUES values in a list. */
int jql_parse(jql_query **out, arena *a, const char *q);

/* Jira's name of a field ("project", "issuekey", "statusCategory"...). */
const char *jql_field_name(jql_field f);

/* Whether the field holds a date (created, updated, resolutiondate). */
bool jql_field_is_date(jql_field f);

/* The instant (epoch milliseconds, UTC) a date value names, now_ms being the present: an
 * absolute date "yyyy-MM-dd" or "yyyy/MM/dd" with an optional " HH:mm", a period relative to now
 * ("-7d", "4w 2d", "-1h 30m": w, d, h, m; a week is 7 days), or now(), startOfDay(),
 * endOfDay() with an optional offset ("-1", "+2d", "-3h"; days when no unit). The message of
 * WEFT_EINVALID is Jira's, naming field_name. */
int jql_date(int64_t *out, const jql_value *v, int64_t now_ms, const char *field_name);

/* JQL source for a value, quoted when needed (for building queries: the search page's sort
 * links). In a. */
const char *jql_quote(arena *a, const char *text);

#endif

/* Tests of src/track/jql.c: every operator and field, precedence, quoting and escapes, functions
 * and dates, ORDER BY, and each error with Jira's message and position. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "track/search/jql.h"

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

static const char *const ops[] = { "=", "!=", "~",  "!~",     ">",  ">=",
	                           "<", "<=", "in", "not in", "is", "is not" };

static void dump_value(buf *b, const jql_value *v)
{
	if (v->kind == JQL_VALUE_EMPTY)
		buf_puts(b, "EMPTY");
	else if (v->kind == JQL_VALUE_FUNCTION && v->arg2)
		buf_printf(b, "%s(%s, %s)", v->text, v->arg, v->arg2);
	else if (v->kind == JQL_VALUE_FUNCTION)
		buf_printf(b, "%s(%s)", v->text, v->arg ? v->arg : "");
	else
		buf_printf(b, v->quoted ? "\"%s\"" : "%s", v->text);
}

/* The tree as an S-expression: (and ...), (or ...), (not ...), [field op value...]. */
static void dump(buf *b, const jql_node *n)
{
	if (n->kind == JQL_NODE_CLAUSE) {
		buf_printf(b, "[%s %s", jql_field_name(n->field), ops[n->op]);
		for (size_t i = 0; i < n->n_values; i++) {
			buf_putc(b, ' ');
			dump_value(b, &n->values[i]);
		}
		buf_putc(b, ']');
		return;
	}
	buf_puts(b, n->kind == JQL_NODE_AND ? "(and" : n->kind == JQL_NODE_OR ? "(or" : "(not");
	for (size_t i = 0; i < n->n_children; i++) {
		buf_putc(b, ' ');
		dump(b, n->children[i]);
	}
	buf_putc(b, ')');
}

/* The parse of q, dumped (asserting success). */
static const char *tree(void **state, const char *q)
{
	jql_query *query = NULL;
	if (jql_parse(&query, *state, q) != 0)
		fail_msg("%s: %s", q, err_msg());
	buf b = BUF_INIT;
	if (query->where)
		dump(&b, query->where);
	for (size_t i = 0; i < query->n_order; i++)
		buf_printf(&b, "%s%s %s", i ? ", " : " order by ",
		           jql_field_name(query->order[i].field),
		           query->order[i].desc ? "desc" : "asc");
	const char *out = arena_strdup(*state, buf_cstr(&b));
	buf_dispose(&b);
	return out;
}

/* Expects q refused with code and exactly message. */
static void refused(void **state, const char *q, int code, const char *message)
{
	jql_query *query = NULL;
	int rc = jql_parse(&query, *state, q);
	if (rc != code)
		fail_msg("%s: expected %d, got %d (%s)", q, code, rc, rc ? err_msg() : "accepted");
	if (message && strcmp(err_msg(), message) != 0)
		fail_msg("%s:\n got      %s\n expected %s", q, err_msg(), message);
	assert_null(query);
}

static void every_operator(void **state)
{
	assert_string_equal(tree(state, "project = TEST"), "[project = TEST]");
	assert_string_equal(tree(state, "status != Done"), "[status != Done]");
	assert_string_equal(tree(state, "summary ~ \"disk full\""), "[summary ~ \"disk full\"]");
	assert_string_equal(tree(state, "description !~ crash"), "[description !~ crash]");
	assert_string_equal(tree(state, "created > -7d"), "[created > -7d]");
	assert_string_equal(tree(state, "updated >= 2024-01-15"), "[updated >= 2024-01-15]");
	assert_string_equal(tree(state, "priority < High"), "[priority < High]");
	assert_string_equal(tree(state, "resolutiondate <= \"2024/01/15 10:30\""),
	                    "[resolutiondate <= \"2024/01/15 10:30\"]");
	assert_string_equal(tree(state, "key in (TEST-1, \"TEST-2\", TEST-3)"),
	                    "[issuekey in TEST-1 \"TEST-2\" TEST-3]");
	assert_string_equal(tree(state, "labels not in (a, b)"), "[labels not in a b]");
	assert_string_equal(tree(state, "assignee is EMPTY"), "[assignee is EMPTY]");
	assert_string_equal(tree(state, "assignee IS NOT null"), "[assignee is not EMPTY]");
	/* = EMPTY and != EMPTY mean IS and IS NOT. */
	assert_string_equal(tree(state, "resolution = empty"), "[resolution is EMPTY]");
	assert_string_equal(tree(state, "resolution != EMPTY"), "[resolution is not EMPTY]");
	assert_string_equal(tree(state, "assignee in (EMPTY, bob)"), "[assignee in EMPTY bob]");
	/* Without spaces too. */
	assert_string_equal(tree(state, "project=TEST"), "[project = TEST]");
	assert_string_equal(tree(state, "created>=-2w"), "[created >= -2w]");
}

static void every_field(void **state)
{
	const char *names[] = { "project",  "key",      "issuekey",       "summary", "description",
		                "text",     "status",   "statusCategory", "type",    "issuetype",
		                "priority", "assignee", "reporter",       "labels",  "resolution",
		                "created",  "updated",  "resolutiondate" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char q[96];
		const char *op =
		        strcmp(names[i], "summary") == 0 || strcmp(names[i], "description") == 0 ||
		                        strcmp(names[i], "text") == 0
		                ? "~ x"
		        : strcmp(names[i], "created") == 0 || strcmp(names[i], "updated") == 0 ||
		                        strcmp(names[i], "resolutiondate") == 0
		                ? "> -1d"
		                : "= x";
		snprintf(q, sizeof q, "%s %s", names[i], op);
		tree(state, q);
	}
	/* Field names and keywords ignore case; aliases share a field. */
	assert_string_equal(tree(state, "PROJECT = A and IssueType = Bug Or StatusCategory = done"),
	                    "(or (and [project = A] [issuetype = Bug]) [statusCategory = done])");
	assert_string_equal(tree(state, "type = Bug"), "[issuetype = Bug]");
}

static void precedence(void **state)
{
	assert_string_equal(tree(state, "project = A OR project = B AND status = C"),
	                    "(or [project = A] (and [project = B] [status = C]))");
	assert_string_equal(tree(state, "(project = A OR project = B) AND status = C"),
	                    "(and (or [project = A] [project = B]) [status = C])");
	assert_string_equal(tree(state, "project = A AND status = B AND priority = C"),
	                    "(and [project = A] [status = B] [priority = C])");
	assert_string_equal(tree(state, "NOT project = A AND status = B"),
	                    "(and (not [project = A]) [status = B])");
	assert_string_equal(tree(state, "NOT (project = A OR status = B)"),
	                    "(not (or [project = A] [status = B]))");
	assert_string_equal(tree(state, "project = A && status = B || !priority = C"),
	                    "(or (and [project = A] [status = B]) (not [priority = C]))");
	assert_string_equal(tree(state, "((project = A))"), "[project = A]");
}

static void strings_and_escapes(void **state)
{
	assert_string_equal(tree(state, "status = \"In Progress\""), "[status = \"In Progress\"]");
	assert_string_equal(tree(state, "status = 'In Progress'"), "[status = \"In Progress\"]");
	assert_string_equal(tree(state, "summary ~ \"say \\\"hi\\\"\""),
	                    "[summary ~ \"say \"hi\"\"]");
	assert_string_equal(tree(state, "summary ~ 'it\\'s \\\\ \\u00e9\\t'"),
	                    "[summary ~ \"it's \\ \xc3\xa9\t\"]");
	assert_string_equal(tree(state, "summary ~ a\\ b"), "[summary ~ a b]");
	/* Keywords quoted are values. */
	assert_string_equal(tree(state, "labels = \"and\""), "[labels = \"and\"]");
	assert_string_equal(tree(state, "labels = \"EMPTY\""), "[labels = \"EMPTY\"]");
	assert_string_equal(tree(state, "summary ~ \"\""), "[summary ~ \"\"]");
}

static void functions_and_dates(void **state)
{
	assert_string_equal(tree(state, "assignee = currentUser()"), "[assignee = currentUser()]");
	assert_string_equal(tree(state, "reporter in (currentUser(), bob)"),
	                    "[reporter in currentUser() bob]");
	assert_string_equal(tree(state, "created > startOfDay(-1) and updated < endofday()"),
	                    "(and [created > startOfDay(-1)] [updated < endOfDay()])");
	assert_string_equal(tree(state, "updated < now()"), "[updated < now()]");
	/* Dates resolve against a given now (2024-01-15 12:00 UTC). */
	const int64_t now = 1705320000000;
	int64_t ms = 0;
	jql_value v = { .kind = JQL_VALUE_TEXT, .text = "2024-01-15" };
	assert_int_equal(jql_date(&ms, &v, now, "created"), 0);
	assert_int_equal(ms, 1705276800000);
	v.text = "2024/01/15 10:30";
	assert_int_equal(jql_date(&ms, &v, now, "created"), 0);
	assert_int_equal(ms, 1705276800000 + 37800000);
	v.text = "-7d";
	assert_int_equal(jql_date(&ms, &v, now, "created"), 0);
	assert_int_equal(ms, now - 7 * 86400000LL);
	v.text = "-1w 2d";
	assert_int_equal(jql_date(&ms, &v, now, "created"), 0);
	assert_int_equal(ms, now - 9 * 86400000LL);
	v.text = "4h";
	assert_int_equal(jql_date(&ms, &v, now, "created"), 0);
	assert_int_equal(ms, now + 4 * 3600000LL);
	v.text = "-1m";
	assert_int_equal(jql_date(&ms, &v, now, "created"), 0);
	assert_int_equal(ms, now - 60000);
	v = (jql_value){ .kind = JQL_VALUE_FUNCTION, .text = "startOfDay" };
	assert_int_equal(jql_date(&ms, &v, now, "created"), 0);
	assert_int_equal(ms, 1705276800000);
	v.arg = "-1";
	assert_int_equal(jql_date(&ms, &v, now, "created"), 0);
	assert_int_equal(ms, 1705276800000 - 86400000);
	v = (jql_value){ .kind = JQL_VALUE_FUNCTION, .text = "endOfDay", .arg = "+1d" };
	assert_int_equal(jql_date(&ms, &v, now, "created"), 0);
	assert_int_equal(ms, 1705276800000 + 2 * 86400000 - 1);
	v = (jql_value){ .kind = JQL_VALUE_FUNCTION, .text = "now" };
	assert_int_equal(jql_date(&ms, &v, now, "created"), 0);
	assert_int_equal(ms, now);
}

static void order_by(void **state)
{
	assert_string_equal(tree(state, "project = A ORDER BY updated DESC"),
	                    "[project = A] order by updated desc");
	assert_string_equal(tree(state, "order by priority asc, key"),
	                    " order by priority asc, issuekey asc");
	assert_string_equal(tree(state, ""), "");
	assert_string_equal(tree(state, "   "), "");
}

static void syntax_errors(void **state)
{
	/* Jira's own example: the position is the offending token's first character. */
	refused(state, "project IN (A, B AND status = Done", WEFT_EINVALID,
	        "Error in the JQL Query: Expecting ')' but got 'AND'. (line 1, character 18)");
	refused(state, "(project = A AND status = B AND", WEFT_EINVALID,
	        "Error in the JQL Query: Expecting a field name before the end of the query.");
	refused(state, "(project = A AND (status = B) AND priority = C", WEFT_EINVALID,
	        "Error in the JQL Query: Expecting ')' before the end of the query.");
	refused(state, "project = A status = B", WEFT_EINVALID,
	        "Error in the JQL Query: Expecting either 'OR' or 'AND' but got 'status'. (line 1, "
	        "character 13)");
	refused(state, "project foo A", WEFT_EINVALID,
	        "Error in the JQL Query: Expecting operator but got 'foo'. The valid operators are "
	        "'=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'. "
	        "(line 1, character 9)");
	refused(state, "project =", WEFT_EINVALID,
	        "Error in the JQL Query: Expecting either a value, list or function before the end "
	        "of the query.");
	refused(state, "project = AND", WEFT_EINVALID,
	        "Error in the JQL Query: Expecting either a value, list or function but got 'AND'. "
	        "(line 1, character 11)");
	refused(state, "project in A", WEFT_EINVALID,
	        "Error in the JQL Query: Expecting '(' but got 'A'. (line 1, character 12)");
	refused(state, "assignee is bob", WEFT_EINVALID,
	        "Error in the JQL Query: Expecting 'EMPTY' but got 'bob'. (line 1, character 13)");
	refused(state, "status not = x", WEFT_EINVALID,
	        "Error in the JQL Query: Expecting 'IN' but got '='. (line 1, character 12)");
	refused(state, "summary ~ \"open", WEFT_EINVALID,
	        "Error in the JQL Query: The quoted string 'open' has not been completed. (line 1, "
	        "character 11)");
	refused(state, "project = A\nAND summary ~ 'x", WEFT_EINVALID,
	        "Error in the JQL Query: The quoted string 'x' has not been completed. (line 2, "
	        "character 15)");
	refused(state, "summary ~ \"a\\qb\"", WEFT_EINVALID,
	        "Error in the JQL Query: '\\q' is an illegal JQL escape sequence. The valid escape "
	        "sequences are \\', \\\", \\t, \\n, \\r, \\\\, '\\ ' and \\uXXXX. (line 1, "
	        "character "
	        "13)");
	refused(state, "summary ~ 50%", WEFT_EINVALID,
	        "Error in the JQL Query: The character '%' is a reserved JQL character. You must "
	        "enclose it in a string or use the escape '\\u0025' instead. (line 1, character "
	        "13)");
	refused(state, "project = A ORDER status", WEFT_EINVALID,
	        "Error in the JQL Query: Expecting 'by' but got 'status'. (line 1, character 19)");
	refused(state, "ORDER BY", WEFT_EINVALID,
	        "Error in the JQL Query: Expecting a field name before the end of the query.");
	refused(state, ") = 1", WEFT_EINVALID,
	        "Error in the JQL Query: Expecting a field name but got ')'. (line 1, character "
	        "1)");
	/* Characters, not bytes, count: é is one. */
	refused(state, "summary ~ \"é\" )", WEFT_EINVALID,
	        "Error in the JQL Query: Expecting either 'OR' or 'AND' but got ')'. (line 1, "
	        "character 15)");
}

static void field_errors(void **state)
{
	refused(state, "foo = bar", WEFT_EINVALID,
	        "Field 'foo' does not exist or you do not have permission to view it.");
	refused(state, "status ~ Done", WEFT_EINVALID,
	        "The operator '~' is not supported by the 'status' field.");
	refused(state, "summary = x", WEFT_EINVALID,
	        "The operator '=' is not supported by the 'summary' field.");
	refused(state, "text !~ x", WEFT_EINVALID,
	        "The operator '!~' is not supported by the 'text' field.");
	refused(state, "labels > x", WEFT_EINVALID,
	        "The operator '>' is not supported by the 'labels' field.");
	refused(state, "project = A ORDER BY foo", WEFT_EINVALID,
	        "Field 'foo' does not exist or you do not have permission to view it.");
	refused(state, "ORDER BY text", WEFT_EINVALID, "Field 'text' does not support sorting.");
	refused(state, "created > yesterday", WEFT_EINVALID,
	        "Date value 'yesterday' for field 'created' is invalid. Valid formats include: "
	        "'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period "
	        "format e.g. '-5d', '4w 2d'.");
	refused(state, "created > 2024-02-30", WEFT_EINVALID, NULL);
	refused(state, "updated < 5", WEFT_EINVALID, NULL);
	refused(state, "assignee = foo()", WEFT_EINVALID, "Unable to find JQL function 'foo()'.");
	refused(state, "created > currentUser()", WEFT_EINVALID,
	        "A value provided by the function 'currentUser' is invalid for the field "
	        "'created'.");
	refused(state, "project = currentUser()", WEFT_EINVALID,
	        "A value provided by the function 'currentUser' is invalid for the field "
	        "'project'.");
	refused(state, "updated > now(1)", WEFT_EINVALID,
	        "Function 'now' expected '0' arguments but received '1'.");
	refused(state, "created > startOfDay(1, 2)", WEFT_EINVALID,
	        "Function 'startOfDay' expected between '0' and '1' arguments but received '2'.");
	refused(state, "summary ~ EMPTY", WEFT_EINVALID, NULL);
	/* Syntax errors come before field errors, as in Jira. */
	refused(state, "foo = bar AND (", WEFT_EINVALID,
	        "Error in the JQL Query: Expecting a field name before the end of the query.");
}

/* linkedIssues(KEY[, phrase]) after issue in / not in, and the issueLinkType field. */
static void links(void **state)
{
	assert_string_equal(tree(state, "issue in linkedIssues(TEST-1)"),
	                    "[issuekey in linkedIssues(TEST-1)]");
	assert_string_equal(tree(state, "key NOT IN linkedIssues(\"TEST-1\", \"is blocked by\")"),
	                    "[issuekey not in linkedIssues(TEST-1, is blocked by)]");
	assert_string_equal(tree(state, "issue in (linkedIssues(TEST-1, blocks), TEST-9)"),
	                    "[issuekey in linkedIssues(TEST-1, blocks) TEST-9]");
	assert_string_equal(tree(state, "issueLinkType = blocks AND issuelinktype in "
	                                "(\"relates to\", duplicates)"),
	                    "(and [issueLinkType = blocks] [issueLinkType in \"relates to\" "
	                    "duplicates])");
	assert_string_equal(tree(state, "issueLinkType != \"is cloned by\""),
	                    "[issueLinkType != \"is cloned by\"]");
	refused(state, "issue = linkedIssues(TEST-1)", WEFT_EINVALID,
	        "A value provided by the function 'linkedIssues' is invalid for the field "
	        "'issue'.");
	refused(state, "assignee in linkedIssues(TEST-1)", WEFT_EINVALID,
	        "A value provided by the function 'linkedIssues' is invalid for the field "
	        "'assignee'.");
	refused(state, "issue in linkedIssues()", WEFT_EINVALID,
	        "Function 'linkedIssues' expected between '1' and '2' arguments but received "
	        "'0'.");
	refused(state, "issue in linkedIssues(A-1, blocks, x)", WEFT_EINVALID,
	        "Function 'linkedIssues' expected between '1' and '2' arguments but received "
	        "'3'.");
	refused(state, "issueLinkType ~ blocks", WEFT_EINVALID,
	        "The operator '~' is not supported by the 'issueLinkType' field.");
	refused(state, "issueLinkType is EMPTY", WEFT_EINVALID,
	        "The operator 'is' is not supported by the 'issueLinkType' field.");
	refused(state, "ORDER BY issueLinkType", WEFT_EINVALID,
	        "Field 'issueLinkType' does not support sorting.");
}

static void limits(void **state)
{
	char deep[200] = "";
	for (int i = 0; i < JQL_MAX_DEPTH; i++)
		strcat(deep, "(");
	strcat(deep, "project = A");
	for (int i = 0; i < JQL_MAX_DEPTH; i++)
		strcat(deep, ")");
	assert_string_equal(tree(state, deep), "[project = A]");
	char deeper[200] = "NOT ";
	strcat(deeper, deep);
	refused(state, deeper, WEFT_ETOOLARGE, NULL);
	buf b = BUF_INIT;
	buf_puts(&b, "project = A");
	while (b.len < JQL_MAX_LEN)
		buf_puts(&b, " OR project = A");
	refused(state, b.ptr, WEFT_ETOOLARGE, NULL);
	buf_truncate(&b, 0);
	buf_puts(&b, "key in (A-1");
	for (int i = 0; i < JQL_MAX_VALUES; i++)
		buf_puts(&b, ",A-1");
	buf_puts(&b, ")");
	refused(state, b.ptr, WEFT_ETOOLARGE, NULL);
	buf_dispose(&b);
}

static void quote(void **state)
{
	assert_string_equal(jql_quote(*state, "TEST"), "TEST");
	assert_string_equal(jql_quote(*state, "In Progress"), "\"In Progress\"");
	assert_string_equal(jql_quote(*state, "and"), "\"and\"");
	assert_string_equal(jql_quote(*state, "a\"b\\c"), "\"a\\\"b\\\\c\"");
	assert_string_equal(jql_quote(*state, ""), "\"\"");
	/* What jql_quote makes parses back to the text. */
	const char *samples[] = { "In Progress", "x\"y", "50%", "it's", "a\nb", "order" };
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		jql_query *q = NULL;
		char text[64];
		snprintf(text, sizeof text, "labels = %s", jql_quote(*state, samples[i]));
		assert_int_equal(jql_parse(&q, *state, text), 0);
		assert_string_equal(q->where->values[0].text, samples[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_operator, setup, teardown),
		cmocka_unit_test_setup_teardown(every_field, setup, teardown),
		cmocka_unit_test_setup_teardown(precedence, setup, teardown),
		cmocka_unit_test_setup_teardown(strings_and_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(functions_and_dates, setup, teardown),
		cmocka_unit_test_setup_teardown(order_by, setup, teardown),
		cmocka_unit_test_setup_teardown(syntax_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(field_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(links, setup, teardown),
		cmocka_unit_test_setup_teardown(limits, setup, teardown),
		cmocka_unit_test_setup_teardown(quote, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

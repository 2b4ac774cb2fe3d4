/* JQL: a lexer that reads one token ahead, a recursive-descent parser (depth-bounded), the field
 * table that says which operators each field takes, and date values (see jql.h). */
#include "track/search/jql.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/str.h"
#include "base/array.h"
#include "base/buf.h"
#include "base/err.h"
#include "track/issue/duration.h"

#define SYNTAX_PREFIX "Error in the JQL Query: "
#define DATE_FORMATS                                                                    \
	"Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', " \
	"'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'."

/* ---- fields ------------------------------------------------------------------------------- */

#define OPS_EQ                                                                          \
	(1u << JQL_EQ | 1u << JQL_NE | 1u << JQL_IN | 1u << JQL_NOT_IN | 1u << JQL_IS | \
	 1u << JQL_IS_NOT)
#define OPS_CMP (1u << JQL_GT | 1u << JQL_GE | 1u << JQL_LT | 1u << JQL_LE)
#define OPS_TEXT (1u << JQL_LIKE | 1u << JQL_NOT_LIKE)

static const struct field_def {
	const char *name;
	jql_field field;
	unsigned ops;
	bool sortable;
} field_defs[] = {
	{ "project", JQL_PROJECT, OPS_EQ, true },
	{ "issuekey", JQL_KEY, OPS_EQ | OPS_CMP, true },
	{ "key", JQL_KEY, OPS_EQ | OPS_CMP, true },
	{ "issue", JQL_KEY, OPS_EQ | OPS_CMP, true },
	{ "id", JQL_KEY, OPS_EQ | OPS_CMP, true },
	{ "summary", JQL_SUMMARY, OPS_TEXT, true },
	{ "description", JQL_DESCRIPTION, OPS_TEXT | 1u << JQL_IS | 1u << JQL_IS_NOT, false },
	{ "text", JQL_TEXT, 1u << JQL_LIKE, false },
	{ "comment", JQL_COMMENT, OPS_TEXT, false },
	{ "status", JQL_STATUS, OPS_EQ, true },
	{ "statusCategory", JQL_STATUS_CATEGORY, OPS_EQ, true },
	{ "category", JQL_STATUS_CATEGORY, OPS_EQ, true },
	{ "issuetype", JQL_TYPE, OPS_EQ, true },
	{ "type", JQL_TYPE, OPS_EQ, true },
	{ "priority", JQL_PRIORITY, OPS_EQ | OPS_CMP, true },
	{ "assignee", JQL_ASSIGNEE, OPS_EQ, true },
	{ "reporter", JQL_REPORTER, OPS_EQ, true },
	{ "labels", JQL_LABELS, OPS_EQ, false },
	{ "label", JQL_LABELS, OPS_EQ, false },
	{ "resolution", JQL_RESOLUTION, OPS_EQ, true },
	{ "created", JQL_CREATED, OPS_EQ | OPS_CMP, true },
	{ "createdDate", JQL_CREATED, OPS_EQ | OPS_CMP, true },
	{ "updated", JQL_UPDATED, OPS_EQ | OPS_CMP, true },
	{ "updatedDate", JQL_UPDATED, OPS_EQ | OPS_CMP, true },
	{ "resolutiondate", JQL_RESOLUTION_DATE, OPS_EQ | OPS_CMP, true },
	{ "resolved", JQL_RESOLUTION_DATE, OPS_EQ | OPS_CMP, true },
	{ "issueLinkType", JQL_LINK_TYPE,
	  1u << JQL_EQ | 1u << JQL_NE | 1u << JQL_IN | 1u << JQL_NOT_IN, false },
};

static const char *const canonical_names[JQL_FIELD_COUNT] = {
	[JQL_PROJECT] = "project",
	[JQL_KEY] = "issuekey",
	[JQL_SUMMARY] = "summary",
	[JQL_DESCRIPTION] = "description",
	[JQL_TEXT] = "text",
	[JQL_STATUS] = "status",
	[JQL_STATUS_CATEGORY] = "statusCategory",
	[JQL_TYPE] = "issuetype",
	[JQL_PRIORITY] = "priority",
	[JQL_ASSIGNEE] = "assignee",
	[JQL_REPORTER] = "reporter",
	[JQL_LABELS] = "labels",
	[JQL_RESOLUTION] = "resolution",
	[JQL_CREATED] = "created",
	[JQL_UPDATED] = "updated",
	[JQL_RESOLUTION_DATE] = "resolutiondate",
	[JQL_COMMENT] = "comment",
	[JQL_LINK_TYPE] = "issueLinkType",
};

static const char *const op_names[] = {
	[JQL_EQ] = "=",  [JQL_NE] = "!=",         [JQL_LIKE] = "~", [JQL_NOT_LIKE] = "!~",
	[JQL_GT] = ">",  [JQL_GE] = ">=",         [JQL_LT] = "<",   [JQL_LE] = "<=",
	[JQL_IN] = "in", [JQL_NOT_IN] = "not in", [JQL_IS] = "is",  [JQL_IS_NOT] = "is not",
};

const char *jql_field_name(jql_field f)
{
	return f < JQL_FIELD_COUNT ? canonical_names[f] : "";
}

bool jql_field_is_date(jql_field f)
{
	return f == JQL_CREATED || f == JQL_UPDATED || f == JQL_RESOLUTION_DATE;
}

static const struct field_def *field_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof field_defs / sizeof field_defs[0]; i++)
		if (strcasecmp(field_defs[i].name, name) == 0)
			return &field_defs[i];
	return NULL;
}

/* ---- lexer -------------------------------------------------------------------------------- */

typedef enum tok_kind { T_EOF, T_LPAREN, T_RPAREN, T_COMMA, T_OP, T_WORD } tok_kind;

typedef struct token {
	tok_kind kind;
	const char *text; /* unescaped (words and strings); for && || ! the keyword */
	const char *raw; /* where it starts in the query */
	size_t raw_len;
	bool quoted;
	jql_op op; /* T_OP */
	int line, column;
} token;

typedef struct parser {
	arena *a;
	const char *p; /* next byte to read */
	int line, column; /* of *p: 1-based, in characters */
	token tok; /* the lookahead */
	int depth;
	int semantic_rc; /* the first error found after the syntax (reported if syntax is fine) */
	char *semantic_msg;
} parser;

static void advance(parser *ps, size_t n)
{
	for (size_t i = 0; i < n && *ps->p; i++, ps->p++) {
		if (*ps->p == '\n') {
			ps->line++;
			ps->column = 1;
		} else if (((unsigned char)*ps->p & 0xc0) != 0x80) {
			ps->column++;
		}
	}
}

/* A syntax error at the lookahead (or at the end of the query), in Jira's words. */
static int syntax(parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int syntax(parser *ps, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return err_fail(WEFT_EINVALID, SYNTAX_PREFIX "%s (line %d, character %d)", msg,
	                ps->tok.line, ps->tok.column);
}

static int syntax_at_end(const char *what)
{
	return err_fail(WEFT_EINVALID, SYNTAX_PREFIX "Expecting %s before the end of the query.",
	                what);
}

/* "Expecting WHAT but got 'TOKEN'." or its end-of-query form. */
static int expecting(parser *ps, const char *what)
{
	if (ps->tok.kind == T_EOF)
		return syntax_at_end(what);
	return syntax(ps, "Expecting %s but got '%.*s'.", what,
	              (int)(ps->tok.raw_len > 80 ? 80 : ps->tok.raw_len), ps->tok.raw);
}

static bool is_reserved(char c)
{
	return strchr("{}*/%+^$#@[];?|&", c) != NULL;
}

static bool ends_word(char c)
{
	return c == '\0' || strchr(" \t\r\n()=!<>~,\"'", c) != NULL || is_reserved(c);
}

static void put_utf8(buf *b, unsigned cp)
{
	if (cp < 0x80) {
		buf_putc(b, (char)cp);
	} else if (cp < 0x800) {
		buf_putc(b, (char)(0xc0 | cp >> 6));
		buf_putc(b, (char)(0x80 | (cp & 0x3f)));
	} else {
		buf_putc(b, (char)(0xe0 | cp >> 12));
		buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		buf_putc(b, (char)(0x80 | (cp & 0x3f)));
	}
}

/* Reads the escape at ps->p (a backslash) into b. */
static int read_escape(parser *ps, buf *b)
{
	const char *e = ps->p + 1;
	const char *simple = "'\"\\ tnr";
	const char *decoded = "'\"\\ \t\n\r";
	const char *at = *e ? strchr(simple, *e) : NULL;
	if (at) {
		buf_putc(b, decoded[at - simple]);
		advance(ps, 2);
		return 0;
	}
	if (*e == 'u') {
		unsigned cp = 0;
		int i = 1;
		for (; i <= 4 && str_hex_digit(e[i]) >= 0; i++)
			cp = cp << 4 | (unsigned)str_hex_digit(e[i]);
		if (i == 5 && cp != 0 && (cp < 0xd800 || cp > 0xdfff)) {
			put_utf8(b, cp);
			advance(ps, 6);
			return 0;
		}
	}
	ps->tok.line = ps->line;
	ps->tok.column = ps->column;
	int n = *e ? 1 : 0;
	while (n > 0 && n < 4 && ((unsigned char)e[n] & 0xc0) == 0x80)
		n++;
	return syntax(ps,
	              "'\\%.*s' is an illegal JQL escape sequence. The valid escape sequences are "
	              "\\', \\\", \\t, \\n, \\r, \\\\, '\\ ' and \\uXXXX.",
	              n, e);
}

static int lex_string(parser *ps)
{
	char quote = *ps->p;
	buf b = BUF_INIT;
	int rc = 0;
	advance(ps, 1);
	while (rc == 0 && *ps->p && *ps->p != quote) {
		if (*ps->p == '\\') {
			rc = read_escape(ps, &b);
		} else {
			buf_putc(&b, *ps->p);
			advance(ps, 1);
		}
	}
	if (rc == 0 && *ps->p != quote)
		rc = syntax(ps, "The quoted string '%.*s' has not been completed.",
		            (int)(b.len > 80 ? 80 : b.len), buf_cstr(&b));
	if (rc == 0) {
		advance(ps, 1);
		ps->tok.kind = T_WORD;
		ps->tok.quoted = true;
		ps->tok.text = arena_strndup(ps->a, buf_cstr(&b), b.len);
	}
	buf_dispose(&b);
	return rc;
}

static int lex_word(parser *ps)
{
	buf b = BUF_INIT;
	int rc = 0;
	while (rc == 0 && !ends_word(*ps->p)) {
		if (*ps->p == '\\') {
			rc = read_escape(ps, &b);
		} else {
			buf_putc(&b, *ps->p);
			advance(ps, 1);
		}
	}
	if (rc == 0) {
		ps->tok.kind = T_WORD;
		ps->tok.text = arena_strndup(ps->a, buf_cstr(&b), b.len);
	}
	buf_dispose(&b);
	return rc;
}

/* Operators: = != ~ !~ > >= < <=, and && || ! for AND OR NOT. */
static bool lex_operator(parser *ps)
{
	static const struct {
		const char *text;
		jql_op op;
		const char *keyword;
	} ops[] = {
		{ "!=", JQL_NE, NULL }, { "!~", JQL_NOT_LIKE, NULL }, { ">=", JQL_GE, NULL },
		{ "<=", JQL_LE, NULL }, { "&&", JQL_EQ, "AND" },      { "||", JQL_EQ, "OR" },
		{ "=", JQL_EQ, NULL },  { "~", JQL_LIKE, NULL },      { ">", JQL_GT, NULL },
		{ "<", JQL_LT, NULL },  { "!", JQL_EQ, "NOT" },
	};
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		size_t n = strlen(ops[i].text);
		if (strncmp(ps->p, ops[i].text, n) != 0)
			continue;
		ps->tok.kind = ops[i].keyword ? T_WORD : T_OP;
		ps->tok.text = ops[i].keyword ? ops[i].keyword : ops[i].text;
		ps->tok.op = ops[i].op;
		advance(ps, n);
		return true;
	}
	return false;
}

/* Reads the next token into ps->tok. */
static int next(parser *ps)
{
	int rc = 0;
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r' || *ps->p == '\n')
		advance(ps, 1);
	ps->tok = (token){ .raw = ps->p, .line = ps->line, .column = ps->column, .text = "" };
	char c = *ps->p;
	if (c == '\0') {
		ps->tok.kind = T_EOF;
	} else if (c == '(' || c == ')' || c == ',') {
		ps->tok.kind = c == '(' ? T_LPAREN : c == ')' ? T_RPAREN : T_COMMA;
		ps->tok.text = c == '(' ? "(" : c == ')' ? ")" : ",";
		advance(ps, 1);
	} else if (c == '"' || c == '\'') {
		rc = lex_string(ps);
	} else if (!lex_operator(ps)) {
		if (is_reserved(c)) {
			unsigned char u = (unsigned char)c;
			return syntax(
			        ps,
			        "The character '%c' is a reserved JQL character. You must enclose "
			        "it in a string or use the escape '\\u%04x' instead.",
			        c, u);
		}
		rc = lex_word(ps);
	}
	ps->tok.raw_len = (size_t)(ps->p - ps->tok.raw);
	return rc;
}

/* ---- parser ------------------------------------------------------------------------------- */

static bool is_keyword(const token *t, const char *kw)
{
	return t->kind == T_WORD && !t->quoted && strcasecmp(t->text, kw) == 0;
}

static bool is_any_keyword(const token *t)
{
	static const char *const kws[] = { "AND",  "OR",    "NOT", "IN",  "IS",  "EMPTY",
		                           "NULL", "ORDER", "BY",  "ASC", "DESC" };
	for (size_t i = 0; i < sizeof kws / sizeof kws[0]; i++)
		if (is_keyword(t, kws[i]))
			return true;
	return false;
}

/* Keeps the first error found beyond the syntax; syntax errors are reported first. */
static void semantic(parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void semantic(parser *ps, const char *fmt, ...)
{
	if (ps->semantic_msg)
		return;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ps->semantic_msg = arena_strdup(ps->a, msg);
	ps->semantic_rc = WEFT_EINVALID;
}

static int parse_or(parser *ps, jql_node **out);

/* Appends child to the node's children (grown in the arena). */
static void add_child(parser *ps, jql_node *node, jql_node *child)
{
	node->children = array_room(ps->a, node->children, node->n_children, &node->children_cap,
	                            sizeof child);
	node->children[node->n_children++] = child;
}

static jql_node *new_node(parser *ps, jql_node_kind kind)
{
	jql_node *node = arena_alloc(ps->a, sizeof *node);
	node->kind = kind;
	return node;
}

static bool is_function_start(const parser *ps)
{
	const char *q = ps->p;
	while (*q == ' ' || *q == '\t')
		q++;
	return *q == '(' && ps->tok.kind == T_WORD && !ps->tok.quoted;
}

typedef enum function_kind { FUNCTION_USER, FUNCTION_DATE, FUNCTION_ISSUES } function_kind;

static const struct function_def {
	const char *name;
	function_kind kind; /* the fields it serves: users, dates, issues */
	unsigned min_args, max_args;
} function_defs[] = {
	{ "currentUser", FUNCTION_USER, 0, 0 },    { "now", FUNCTION_DATE, 0, 0 },
	{ "startOfDay", FUNCTION_DATE, 0, 1 },     { "endOfDay", FUNCTION_DATE, 0, 1 },
	{ "linkedIssues", FUNCTION_ISSUES, 1, 2 },
};

static bool function_fits(const struct function_def *def, const jql_node *clause)
{
	switch (def->kind) {
	case FUNCTION_DATE: return jql_field_is_date(clause->field);
	case FUNCTION_ISSUES:
		return clause->field == JQL_KEY &&
		       (clause->op == JQL_IN || clause->op == JQL_NOT_IN);
	default: return clause->field == JQL_ASSIGNEE || clause->field == JQL_REPORTER;
	}
}

/* The checks of a function call once its arguments are read. */
static void check_function(parser *ps, const struct function_def *def, const char *name,
                           size_t args, const jql_node *clause)
{
	if (!def)
		semantic(ps, "Unable to find JQL function '%s()'.", name);
	else if (!function_fits(def, clause))
		semantic(ps, "A value provided by the function '%s' is invalid for the field '%s'.",
		         def->name, clause->field_name);
	else if (args >= def->min_args && args <= def->max_args)
		return;
	else if (def->min_args == def->max_args)
		semantic(ps, "Function '%s' expected '%u' arguments but received '%zu'.", def->name,
		         def->min_args, args);
	else
		semantic(ps,
		         "Function '%s' expected between '%u' and '%u' arguments but received "
		         "'%zu'.",
		         def->name, def->min_args, def->max_args, args);
}

/* name(args): up to two arguments, checked against the field. */
static int parse_function(parser *ps, jql_value *v, const jql_node *clause)
{
	const char *name = ps->tok.text;
	const struct function_def *def = NULL;
	int rc = next(ps); /* the name */
	for (size_t i = 0; i < sizeof function_defs / sizeof function_defs[0]; i++)
		if (strcasecmp(function_defs[i].name, name) == 0)
			def = &function_defs[i];
	size_t args = 0;
	if (rc == 0)
		rc = next(ps); /* ( */
	while (rc == 0 && ps->tok.kind != T_RPAREN) {
		if (args > 0 && ps->tok.kind != T_COMMA)
			return expecting(ps, "')'");
		if (args > 0 && (rc = next(ps)) != 0)
			return rc;
		if (ps->tok.kind != T_WORD)
			return expecting(ps, "a function argument");
		if (args == 0)
			v->arg = ps->tok.text;
		else
			v->arg2 = ps->tok.text;
		args++;
		rc = next(ps);
	}
	if (rc)
		return rc;
	v->kind = JQL_VALUE_FUNCTION;
	v->text = def ? def->name : arena_strdup(ps->a, name);
	check_function(ps, def, name, args, clause);
	return next(ps); /* ) */
}

/* One value: EMPTY, NULL, a function call, a word or a string. */
static int parse_operand(parser *ps, jql_value *v, const jql_node *clause)
{
	if (is_keyword(&ps->tok, "EMPTY") || is_keyword(&ps->tok, "NULL")) {
		v->kind = JQL_VALUE_EMPTY;
		v->text = "EMPTY";
		return next(ps);
	}
	if (ps->tok.kind != T_WORD || is_any_keyword(&ps->tok))
		return expecting(ps, "either a value, list or function");
	if (is_function_start(ps))
		return parse_function(ps, v, clause);
	v->kind = JQL_VALUE_TEXT;
	v->text = ps->tok.text;
	v->quoted = ps->tok.quoted;
	return next(ps);
}

static int parse_list(parser *ps, jql_node *clause)
{
	if (ps->tok.kind != T_LPAREN)
		return expecting(ps, "'('");
	int rc = next(ps);
	size_t cap = 0;
	while (rc == 0) {
		if (clause->n_values == JQL_MAX_VALUES)
			return err_fail(WEFT_ETOOLARGE,
			                "A list in the query has more than %d values",
			                JQL_MAX_VALUES);
		clause->values = array_room(ps->a, clause->values, clause->n_values, &cap,
		                            sizeof *clause->values);
		rc = parse_operand(ps, &clause->values[clause->n_values++], clause);
		if (rc || ps->tok.kind == T_RPAREN)
			break;
		if (ps->tok.kind != T_COMMA)
			return expecting(ps, "')'");
		rc = next(ps);
	}
	return rc ? rc : next(ps);
}

static int parse_operator(parser *ps, jql_op *op)
{
	if (ps->tok.kind == T_OP) {
		*op = ps->tok.op;
		return next(ps);
	}
	if (is_keyword(&ps->tok, "IN")) {
		*op = JQL_IN;
		return next(ps);
	}
	if (is_keyword(&ps->tok, "NOT") || is_keyword(&ps->tok, "IS")) {
		bool is = is_keyword(&ps->tok, "IS");
		int rc = next(ps);
		if (rc == 0 && !is && !is_keyword(&ps->tok, "IN"))
			return expecting(ps, "'IN'");
		*op = is ? JQL_IS : JQL_NOT_IN;
		if (rc == 0 && is && is_keyword(&ps->tok, "NOT"))
			*op = JQL_IS_NOT;
		if (rc == 0 && (!is || *op == JQL_IS_NOT))
			rc = next(ps);
		return rc;
	}
	if (ps->tok.kind == T_EOF)
		return syntax_at_end("operator");
	return syntax(ps,
	              "Expecting operator but got '%.*s'. The valid operators are '=', '!=', '<', "
	              "'>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'.",
	              (int)(ps->tok.raw_len > 80 ? 80 : ps->tok.raw_len), ps->tok.raw);
}

/* The checks that need the whole clause: the operator against the field, dates. */
static void check_clause(parser *ps, jql_node *c, const struct field_def *def)
{
	if (!def)
		return;
	if (!(def->ops & 1u << c->op)) {
		semantic(ps, "The operator '%s' is not supported by the '%s' field.",
		         op_names[c->op], c->field_name);
		return;
	}
	for (size_t i = 0; i < c->n_values; i++) {
		const jql_value *v = &c->values[i];
		int64_t ms;
		if ((c->op == JQL_LIKE || c->op == JQL_NOT_LIKE) && v->kind != JQL_VALUE_TEXT)
			semantic(ps,
			         "The operator '%s' is not supported for the value '%s' of the "
			         "'%s' field.",
			         op_names[c->op], v->text, c->field_name);
		else if (jql_field_is_date(c->field) && v->kind != JQL_VALUE_EMPTY &&
		         !ps->semantic_msg && jql_date(&ms, v, 0, c->field_name) != 0)
			semantic(ps, "%s", err_msg());
	}
}

static int parse_clause(parser *ps, jql_node **out)
{
	if (ps->tok.kind != T_WORD || is_any_keyword(&ps->tok))
		return expecting(ps, "a field name");
	jql_node *c = new_node(ps, JQL_NODE_CLAUSE);
	c->field_name = ps->tok.text;
	const struct field_def *def = field_lookup(c->field_name);
	if (def)
		c->field = def->field;
	else
		semantic(ps, "Field '%s' does not exist or you do not have permission to view it.",
		         c->field_name);
	int rc = next(ps);
	if (rc == 0)
		rc = parse_operator(ps, &c->op);
	if (rc == 0 && (c->op == JQL_IS || c->op == JQL_IS_NOT)) {
		if (!is_keyword(&ps->tok, "EMPTY") && !is_keyword(&ps->tok, "NULL"))
			return expecting(ps, "'EMPTY'");
	}
	bool list = c->op == JQL_IN || c->op == JQL_NOT_IN;
	if (rc == 0 && list && !is_function_start(ps)) {
		rc = parse_list(ps, c);
	} else if (rc == 0) { /* one value, or a function giving a list: in linkedIssues(K) */
		c->values = arena_alloc(ps->a, sizeof *c->values);
		c->n_values = 1;
		rc = parse_operand(ps, &c->values[0], c);
	}
	if (rc)
		return rc;
	if (c->values[0].kind == JQL_VALUE_EMPTY && (c->op == JQL_EQ || c->op == JQL_NE))
		c->op = c->op == JQL_EQ ? JQL_IS : JQL_IS_NOT;
	check_clause(ps, c, def);
	*out = c;
	return 0;
}

static int deeper(parser *ps)
{
	if (++ps->depth > JQL_MAX_DEPTH)
		return err_fail(WEFT_ETOOLARGE,
		                "The query nests more than %d levels of parentheses",
		                JQL_MAX_DEPTH);
	return 0;
}

static int parse_not(parser *ps, jql_node **out)
{
	int rc = 0;
	if (is_keyword(&ps->tok, "NOT")) {
		jql_node *node = new_node(ps, JQL_NODE_NOT), *child = NULL;
		rc = deeper(ps);
		if (rc == 0)
			rc = next(ps);
		if (rc == 0)
			rc = parse_not(ps, &child);
		if (rc == 0)
			add_child(ps, node, child);
		ps->depth--;
		*out = node;
		return rc;
	}
	if (ps->tok.kind == T_LPAREN) {
		rc = deeper(ps);
		if (rc == 0)
			rc = next(ps);
		if (rc == 0)
			rc = parse_or(ps, out);
		if (rc == 0 && ps->tok.kind != T_RPAREN)
			rc = expecting(ps, "')'");
		ps->depth--;
		return rc ? rc : next(ps);
	}
	return parse_clause(ps, out);
}

/* One level of AND or OR: its operands joined into one node with every operand as a child. */
static int parse_chain(parser *ps, jql_node **out, const char *kw, jql_node_kind kind,
                       int (*operand)(parser *, jql_node **))
{
	jql_node *first = NULL, *node = NULL;
	int rc = operand(ps, &first);
	while (rc == 0 && is_keyword(&ps->tok, kw)) {
		jql_node *more = NULL;
		if (!node) {
			node = new_node(ps, kind);
			add_child(ps, node, first);
		}
		rc = next(ps);
		if (rc == 0)
			rc = operand(ps, &more);
		if (rc == 0)
			add_child(ps, node, more);
	}
	if (rc == 0)
		*out = node ? node : first;
	return rc;
}

static int parse_and(parser *ps, jql_node **out)
{
	return parse_chain(ps, out, "AND", JQL_NODE_AND, parse_not);
}

static int parse_or(parser *ps, jql_node **out)
{
	return parse_chain(ps, out, "OR", JQL_NODE_OR, parse_and);
}

static int parse_sort(parser *ps, jql_query *q, size_t *cap)
{
	if (ps->tok.kind != T_WORD || is_any_keyword(&ps->tok))
		return expecting(ps, "a field name");
	q->order = array_room(ps->a, q->order, q->n_order, cap, sizeof *q->order);
	jql_sort *s = &q->order[q->n_order++];
	s->field_name = ps->tok.text;
	const struct field_def *def = field_lookup(s->field_name);
	if (!def)
		semantic(ps, "Field '%s' does not exist or you do not have permission to view it.",
		         s->field_name);
	else if (!def->sortable)
		semantic(ps, "Field '%s' does not support sorting.", s->field_name);
	s->field = def ? def->field : JQL_KEY;
	int rc = next(ps);
	if (rc == 0 && (is_keyword(&ps->tok, "ASC") || is_keyword(&ps->tok, "DESC"))) {
		s->desc = is_keyword(&ps->tok, "DESC");
		s->explicit_direction = true;
		rc = next(ps);
	}
	return rc;
}

static int parse_order(parser *ps, jql_query *q)
{
	size_t cap = 0;
	int rc = next(ps); /* ORDER */
	if (rc == 0 && !is_keyword(&ps->tok, "BY"))
		return expecting(ps, "'by'");
	if (rc == 0)
		rc = next(ps);
	while (rc == 0) {
		rc = parse_sort(ps, q, &cap);
		if (rc || ps->tok.kind != T_COMMA)
			break;
		rc = next(ps);
	}
	return rc;
}

int jql_parse(jql_query **out, arena *a, const char *q)
{
	if (strnlen(q, JQL_MAX_LEN + 1) > JQL_MAX_LEN)
		return err_fail(WEFT_ETOOLARGE, "The query is longer than %d bytes", JQL_MAX_LEN);
	parser ps = { .a = a, .p = q, .line = 1, .column = 1 };
	jql_query *query = arena_alloc(a, sizeof *query);
	int rc = next(&ps);
	if (rc == 0 && ps.tok.kind != T_EOF && !is_keyword(&ps.tok, "ORDER"))
		rc = parse_or(&ps, &query->where);
	query->where_len = strlen(q);
	if (rc == 0 && is_keyword(&ps.tok, "ORDER")) {
		query->where_len = (size_t)(ps.tok.raw - q);
		rc = parse_order(&ps, query);
	}
	if (rc == 0 && ps.tok.kind != T_EOF)
		rc = query->n_order ? expecting(&ps, "either ',' or the end of the query")
		                    : expecting(&ps, "either 'OR' or 'AND'");
	if (rc == 0 && ps.semantic_msg)
		rc = err_fail(ps.semantic_rc, "%s", ps.semantic_msg);
	if (rc == 0)
		*out = query;
	return rc;
}

/* ---- dates -------------------------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* Reads exactly n digits at *p. */
static bool digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

/* yyyy-MM-dd or yyyy/MM/dd, with an optional " HH:mm". */
static bool absolute_date(int64_t *out, const char *s)
{
	int y, m, d, hh = 0, mm = 0;
	const char *p = s;
	if (!digits(&p, 4, &y) || (*p != '-' && *p != '/'))
		return false;
	char sep = *p++;
	if (!digits(&p, 2, &m) || *p++ != sep || !digits(&p, 2, &d))
		return false;
	if (*p == ' ' && (++p, !digits(&p, 2, &hh) || *p++ != ':' || !digits(&p, 2, &mm)))
		return false;
	if (*p || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m) || hh > 23 || mm > 59)
		return false;
	*out = (days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60) * 1000;
	return true;
}

/* A signed period with calendar units: 1d = 24h, 1w = 7d. At least one unit letter. */
static bool period(int64_t *out_ms, const char *s, char default_unit)
{
	bool negative = *s == '-';
	if (*s == '-' || *s == '+')
		s++;
	char text[64];
	int64_t seconds;
	size_t n = strlen(s);
	if (n == 0 || n >= sizeof text - 2)
		return false;
	bool has_unit = strpbrk(s, "wdhmWDHM") != NULL;
	if (!has_unit && !default_unit)
		return false;
	snprintf(text, sizeof text, "%s%c", s, has_unit ? '\0' : default_unit);
	if (track_duration_parse(&seconds, text, 24, 7) != 0 || seconds > INT64_MAX / 1000)
		return false;
	*out_ms = (negative ? -seconds : seconds) * 1000;
	return true;
}

static int bad_date(const jql_value *v, const char *field_name)
{
	return err_fail(WEFT_EINVALID, "Date value '%s' for field '%s' is invalid. " DATE_FORMATS,
	                v->text, field_name);
}

static int date_function(int64_t *out, const jql_value *v, int64_t now_ms, const char *field)
{
	int64_t offset = 0;
	if (strcmp(v->text, "now") == 0) {
		*out = now_ms;
		return 0;
	}
	if (v->arg && !period(&offset, v->arg, 'd'))
		return err_fail(WEFT_EINVALID,
		                "Invalid offset '%s' for the function '%s' in the field '%s': use "
		                "(+/-)nn(w|d|h|m), as in '-1d'.",
		                v->arg, v->text, field);
	int64_t day = now_ms >= 0 ? now_ms / 86400000 : (now_ms - 86399999) / 86400000;
	int64_t start = day * 86400000;
	if (strcmp(v->text, "endOfDay") == 0)
		start += 86400000 - 1;
	*out = start + offset;
	return 0;
}

int jql_date(int64_t *out, const jql_value *v, int64_t now_ms, const char *field_name)
{
	int64_t ms;
	if (v->kind == JQL_VALUE_FUNCTION)
		return date_function(out, v, now_ms, field_name);
	if (v->kind != JQL_VALUE_TEXT)
		return bad_date(v, field_name);
	if (absolute_date(&ms, v->text)) {
		*out = ms;
		return 0;
	}
	if (period(&ms, v->text, 0) && !__builtin_add_overflow(now_ms, ms, out))
		return 0;
	return bad_date(v, field_name);
}

const char *jql_quote(arena *a, const char *text)
{
	bool plain = *text != '\0';
	for (const char *p = text; plain && *p; p++)
		plain = !ends_word(*p) && *p != '\\';
	token t = { .kind = T_WORD, .text = text };
	if (plain && !is_any_keyword(&t))
		return text;
	buf b = BUF_INIT;
	buf_putc(&b, '"');
	for (const char *p = text; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_putc(&b, '\\');
		if (*p == '\n')
			buf_puts(&b, "\\n");
		else
			buf_putc(&b, *p);
	}
	buf_putc(&b, '"');
	char *out = arena_strdup(a, buf_cstr(&b));
	buf_dispose(&b);
	return out;
}

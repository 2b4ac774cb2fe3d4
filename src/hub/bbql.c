/* A recursive-descent parser of BBQL filters into a small tree in the request's arena, and its
 * evaluation against one item. q comes from outside: every step is bounded (fuzz/bbql_fuzz.c). */
#include "hub/bbql.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/err.h"

typedef enum { OP_EQ, OP_NE, OP_HAS, OP_HAS_NOT, OP_GT, OP_GE, OP_LT, OP_LE } cmp_op;
typedef enum { NODE_CMP, NODE_AND, NODE_OR } node_kind;

struct bbql {
	node_kind kind;
	const bbql *left, *right; /* AND, OR */
	const char *field; /* CMP */
	cmp_op op;
	const char *value; /* NULL for the literal null */
};

typedef enum { TOK_END, TOK_OPEN, TOK_CLOSE, TOK_OP, TOK_STRING, TOK_WORD } tok_kind;

typedef struct token {
	tok_kind kind;
	const char *text; /* STRING (unescaped), WORD */
	cmp_op op; /* OP */
	size_t at; /* 1-based character position, for messages */
} token;

typedef struct parser {
	arena *a;
	const char *q;
	size_t pos;
	token tok; /* the current token */
	const char *const *fields;
	int depth;
} parser;

static int syntax(const parser *p, const char *what)
{
	return err_fail(WEFT_EINVALID, "Invalid query: %s at character %zu.", what, p->tok.at);
}

static bool is_word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == ':' || c == '+' ||
	       c == '-';
}

/* The operator at s, its length in *len; false when there is none. */
static bool read_op(const char *s, cmp_op *op, size_t *len)
{
	static const struct {
		const char *text;
		cmp_op op;
	} ops[] = { { "!=", OP_NE }, { "!~", OP_HAS_NOT }, { ">=", OP_GE }, { "<=", OP_LE },
		    { "=", OP_EQ },  { "~", OP_HAS },      { ">", OP_GT },  { "<", OP_LT } };
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		size_t n = strlen(ops[i].text);
		if (strncmp(s, ops[i].text, n) == 0) {
			*op = ops[i].op;
			*len = n;
			return true;
		}
	}
	return false;
}

/* A "string" starting at p->pos: \" and \\ (and \ before any character) escape. */
static int read_string(parser *p)
{
	const char *s = p->q + p->pos + 1;
	char *out = arena_alloc(p->a, strlen(s) + 1), *o = out;
	for (; *s && *s != '"'; s++) {
		if (*s == '\\' && s[1])
			s++;
		*o++ = *s;
	}
	if (*s != '"')
		return syntax(p, "a string without its closing quote");
	p->tok.kind = TOK_STRING;
	p->tok.text = out;
	p->pos = (size_t)(s + 1 - p->q);
	return 0;
}

static int next_token(parser *p)
{
	while (isspace((unsigned char)p->q[p->pos]))
		p->pos++;
	const char *s = p->q + p->pos;
	size_t len = 1;
	p->tok = (token){ .at = p->pos + 1 };
	if (*s == '\0')
		return 0;
	if (*s == '(' || *s == ')')
		p->tok.kind = *s == '(' ? TOK_OPEN : TOK_CLOSE;
	else if (*s == '"')
		return read_string(p);
	else if (read_op(s, &p->tok.op, &len))
		p->tok.kind = TOK_OP;
	else if (is_word_char(*s)) {
		for (len = 0; is_word_char(s[len]); len++)
			;
		p->tok.kind = TOK_WORD;
		p->tok.text = arena_strndup(p->a, s, len);
	} else
		return syntax(p, "an unexpected character");
	p->pos += len;
	return 0;
}

static bool is_keyword(const token *t, const char *upper)
{
	if (t->kind != TOK_WORD)
		return false;
	size_t i = 0;
	for (; upper[i] && toupper((unsigned char)t->text[i]) == upper[i]; i++)
		;
	return upper[i] == '\0' && t->text[i] == '\0';
}

static bool known_field(const parser *p, const char *name)
{
	for (const char *const *f = p->fields; f && *f; f++)
		if (strcmp(*f, name) == 0)
			return true;
	return false;
}

/* A bare literal: null, true, false, or something that starts like a number or a time. */
static bool is_bare_literal(const char *w)
{
	if (strcmp(w, "null") == 0 || strcmp(w, "true") == 0 || strcmp(w, "false") == 0)
		return true;
	if (*w == '-' || *w == '+')
		w++;
	return isdigit((unsigned char)*w);
}

static int parse_value(parser *p, bbql *n)
{
	if (p->tok.kind == TOK_STRING)
		n->value = p->tok.text;
	else if (p->tok.kind == TOK_WORD && is_bare_literal(p->tok.text))
		n->value = strcmp(p->tok.text, "null") == 0 ? NULL : p->tok.text;
	else
		return syntax(p, "expected a \"string\", a number, true, false or null");
	if (!n->value && (n->op == OP_HAS || n->op == OP_HAS_NOT))
		return syntax(p, "~ and !~ need a \"string\"");
	return next_token(p);
}

static int parse_comparison(parser *p, bbql **out)
{
	bbql *n = arena_alloc(p->a, sizeof *n);
	n->kind = NODE_CMP;
	if (p->tok.kind != TOK_WORD || is_keyword(&p->tok, "AND") || is_keyword(&p->tok, "OR"))
		return syntax(p, "expected a field name");
	if (!known_field(p, p->tok.text))
		return err_fail(WEFT_EINVALID, "Invalid query: there is no field %s to filter on.",
		                p->tok.text);
	n->field = p->tok.text;
	int rc = next_token(p);
	if (rc == 0 && p->tok.kind != TOK_OP)
		rc = syntax(p, "expected an operator (= != ~ !~ > >= < <=)");
	if (rc == 0) {
		n->op = p->tok.op;
		rc = next_token(p);
	}
	if (rc == 0)
		rc = parse_value(p, n);
	if (rc == 0)
		*out = n;
	return rc;
}

static int parse_or(parser *p, bbql **out);

static int parse_primary(parser *p, bbql **out)
{
	if (p->tok.kind != TOK_OPEN)
		return parse_comparison(p, out);
	if (++p->depth > BBQL_MAX_DEPTH)
		return err_fail(WEFT_ETOOLARGE, "Invalid query: more than %d nested parentheses.",
		                BBQL_MAX_DEPTH);
	int rc = next_token(p);
	if (rc == 0)
		rc = parse_or(p, out);
	if (rc == 0 && p->tok.kind != TOK_CLOSE)
		rc = syntax(p, "expected )");
	if (rc == 0)
		rc = next_token(p);
	p->depth--;
	return rc;
}

/* term (KEYWORD term)*, as a left-leaning chain of kind nodes. */
static int parse_chain(parser *p, bbql **out, const char *keyword, node_kind kind,
                       int (*term)(parser *, bbql **))
{
	bbql *left;
	int rc = term(p, &left);
	while (rc == 0 && is_keyword(&p->tok, keyword)) {
		bbql *n = arena_alloc(p->a, sizeof *n), *right;
		rc = next_token(p);
		if (rc == 0)
			rc = term(p, &right);
		if (rc == 0) {
			*n = (bbql){ .kind = kind, .left = left, .right = right };
			left = n;
		}
	}
	if (rc == 0)
		*out = left;
	return rc;
}

static int parse_and(parser *p, bbql **out)
{
	return parse_chain(p, out, "AND", NODE_AND, parse_primary);
}

static int parse_or(parser *p, bbql **out)
{
	return parse_chain(p, out, "OR", NODE_OR, parse_and);
}

int hub_bbql_parse(bbql **out, arena *a, const char *q, const char *const *fields)
{
	if (strlen(q) > BBQL_MAX_LEN)
		return err_fail(WEFT_ETOOLARGE, "Invalid query: longer than %d bytes.",
		                BBQL_MAX_LEN);
	parser p = { .a = a, .q = q, .fields = fields };
	bbql *tree = NULL;
	int rc = next_token(&p);
	if (rc == 0)
		rc = parse_or(&p, &tree);
	if (rc == 0 && p.tok.kind != TOK_END)
		rc = syntax(&p, p.tok.kind == TOK_CLOSE ? "an unmatched )" : "expected AND or OR");
	if (rc == 0)
		*out = tree;
	return rc;
}

/* ---- evaluation ---- */

static bool contains_nocase(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);
	for (; *haystack; haystack++)
		if (strncasecmp(haystack, needle, n) == 0)
			return true;
	return n == 0;
}

static bool as_number(const char *s, double *out)
{
	char *end;
	errno = 0;
	*out = strtod(s, &end);
	return *s && !isspace((unsigned char)*s) && *end == '\0' && errno == 0;
}

int hub_bbql_order(const char *a, const char *b)
{
	double x, y;
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	if (as_number(a, &x) && as_number(b, &y))
		return (x > y) - (x < y);
	return strcmp(a, b);
}

static bool compare(const bbql *n, const char *v)
{
	bool same = v && n->value ? strcmp(v, n->value) == 0 : v == n->value;
	switch (n->op) {
	case OP_EQ: return same;
	case OP_NE: return !same;
	case OP_HAS: return v && contains_nocase(v, n->value);
	case OP_HAS_NOT: return !v || !contains_nocase(v, n->value);
	default: break;
	}
	if (!v || !n->value)
		return false;
	int o = hub_bbql_order(v, n->value);
	switch (n->op) {
	case OP_GT: return o > 0;
	case OP_GE: return o >= 0;
	case OP_LT: return o < 0;
	default: return o <= 0;
	}
}

bool hub_bbql_match(const bbql *q, bbql_field_fn get, void *item)
{
	switch (q->kind) {
	case NODE_AND:
		return hub_bbql_match(q->left, get, item) && hub_bbql_match(q->right, get, item);
	case NODE_OR:
		return hub_bbql_match(q->left, get, item) || hub_bbql_match(q->right, get, item);
	default: return compare(q, get(item, q->field));
	}
}

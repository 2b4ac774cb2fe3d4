/* JQL to SQL (see search.h): a compiler that writes the condition into a buffer and the values
 * into a growing argument list, one function per kind of field, and the runner that counts and
 * pages. Table and column names come only from the constants below, never from the query. */
#include "track/search/search.h"

#include <ctype.h>
#include <stdarg.h>
#include <string.h>

#include "base/array.h"
#include "base/buf.h"
#include "base/err.h"
#include "track/track_perm.h"

typedef struct compiler {
	db_conn *c;
	arena *a;
	const track_user *viewer;
	int64_t now;
	bool pg;
	buf sql;
	db_arg *args;
	size_t nargs, cap;
} compiler;

/* Binds v as the next parameter: its number. */
static int push_arg(compiler *k, db_arg v)
{
	k->args = array_room(k->a, k->args, k->nargs, &k->cap, sizeof *k->args);
	k->args[k->nargs++] = v;
	return (int)k->nargs;
}

/* Binds v as the next parameter and writes its placeholder. */
static void put_arg(compiler *k, db_arg v)
{
	buf_printf(&k->sql, "$%d", push_arg(k, v)); /* the placeholder's number, never the value */
}

/* Appends SQL text made only of this file's constants (columns, operators, function names),
 * ending at NULL: values never pass here, they are bound by put_arg. */
static void put_sql_parts(compiler *k, ...)
{
	va_list ap;
	va_start(ap, k);
	for (const char *part; (part = va_arg(ap, const char *));)
		buf_puts(&k->sql, part);
	va_end(ap);
}
#define put_sql(k, ...) put_sql_parts((k), __VA_ARGS__, (const char *)NULL)

static int no_such_value(const jql_node *n, const jql_value *v)
{
	return err_fail(WEFT_EINVALID, "The value '%s' does not exist for the field '%s'.", v->text,
	                n->field_name);
}

static bool all_digits(const char *s)
{
	if (!*s || strlen(s) > 18)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Runs sql with args and reads the first column of its first row: 1 found, 0 not, < 0 error. */
static int lookup_args(db_conn *c, const char *sql, const db_arg *args, int64_t *out)
{
	db_stmt *st = NULL;
	int rc = db_query_args(&st, c, sql, args);
	if (rc == 0)
		rc = db_step(st);
	if (rc == DB_ROW)
		*out = db_col_int(st, 0);
	db_done(st);
	return rc == DB_ROW ? 1 : rc;
}
#define lookup(c, sql, out, ...) lookup_args(c, sql, (const db_arg[]){ __VA_ARGS__, DB_END }, out)

/* ---- resolving names to ids ---- */

typedef struct named_table {
	jql_field field;
	const char *column; /* the issue's column */
	const char *by_name; /* $1 the name (any case), $2 the number (an id when digits, or -1) */
} named_table;

static const named_table named_tables[] = {
	{ JQL_STATUS, "i.status_id",
	  "SELECT id FROM statuses WHERE lower(name) = lower($1) OR id = $2 ORDER BY id LIMIT 1" },
	{ JQL_TYPE, "i.type_id",
	  "SELECT id FROM issue_types WHERE lower(name) = lower($1) OR id = $2 ORDER BY id LIMIT "
	  "1" },
	{ JQL_PRIORITY, "i.priority_id",
	  "SELECT id FROM priorities WHERE lower(name) = lower($1) OR id = $2 ORDER BY id LIMIT "
	  "1" },
	{ JQL_RESOLUTION, "i.resolution_id",
	  "SELECT id FROM resolutions WHERE lower(name) = lower($1) OR id = $2 ORDER BY id LIMIT "
	  "1" },
	{ JQL_ASSIGNEE, "i.assignee_id", NULL },
	{ JQL_REPORTER, "i.reporter_id", NULL },
	{ JQL_PROJECT, "i.project_id",
	  "SELECT id FROM projects WHERE key = upper($1) OR lower(name) = lower($1) OR id = $2 "
	  "ORDER BY key = upper($1) DESC, id LIMIT 1" },
};

/* Users by username, email, accountId or display name, in that order of preference. */
static const char user_by_name[] =
        "SELECT id FROM users WHERE lower(username) = lower($1) OR lower(email) = lower($1) OR "
        "account_id = $1 OR lower(display_name) = lower($1) "
        "ORDER BY lower(username) = lower($1) DESC, lower(email) = lower($1) DESC, "
        "account_id = $1 DESC, id LIMIT 1";

static const named_table *named_table_of(jql_field f)
{
	for (size_t i = 0; i < sizeof named_tables / sizeof named_tables[0]; i++)
		if (named_tables[i].field == f)
			return &named_tables[i];
	return NULL;
}

/* A project the viewer may not browse does not exist for them. */
static int check_browse(compiler *k, int64_t project_id, bool *ok)
{
	return track_perm_check(k->c, k->viewer, project_id, TRACK_PERM_BROWSE, ok);
}

/* The id a value names in t (0 for currentUser() of an anonymous viewer, who is nobody). */
static int resolve(compiler *k, const jql_node *n, const named_table *t, const jql_value *v,
                   int64_t *out)
{
	if (v->kind == JQL_VALUE_FUNCTION) { /* currentUser(): the parser allows no other here */
		*out = k->viewer ? k->viewer->id : 0;
		return 0;
	}
	int64_t number = all_digits(v->text) ? strtoll(v->text, NULL, 10) : -1;
	int rc = t->by_name ? lookup(k->c, t->by_name, out, db_text(v->text), db_int(number))
	                    : lookup(k->c, user_by_name, out, db_text(v->text));
	bool ok = rc == 1;
	if (rc == 1 && n->field == JQL_PROJECT)
		rc = check_browse(k, *out, &ok) == 0 ? 1 : -1;
	if (rc < 0)
		return rc;
	return ok ? 0 : no_such_value(n, v);
}

/* "Unresolved" is how Jira spells an empty resolution. */
static bool means_empty(const jql_node *n, const jql_value *v)
{
	return v->kind == JQL_VALUE_EMPTY ||
	       (n->field == JQL_RESOLUTION && v->kind == JQL_VALUE_TEXT &&
	        strcasecmp(v->text, "Unresolved") == 0);
}

/* ---- clauses ---- */

/* column op id-list for fields whose values name rows (statuses, users, projects...). */
static int compile_ids(compiler *k, const jql_node *n, const named_table *t)
{
	bool negate = n->op == JQL_NE || n->op == JQL_NOT_IN;
	bool with_empty = false, first = true;
	put_sql(k, "(", t->column, negate ? " NOT IN (" : " IN (");
	for (size_t i = 0; i < n->n_values; i++) {
		int64_t id = 0;
		if (means_empty(n, &n->values[i])) {
			with_empty = true;
			continue;
		}
		int rc = resolve(k, n, t, &n->values[i], &id);
		if (rc)
			return rc;
		buf_puts(&k->sql, first ? "" : ", ");
		put_arg(k, db_int(id));
		first = false;
	}
	if (first)
		buf_puts(&k->sql, "NULL"); /* only EMPTY was listed: IN (NULL) matches nothing */
	buf_puts(&k->sql, ")");
	if (with_empty)
		put_sql(k, negate ? " AND " : " OR ", t->column,
		        negate ? " IS NOT NULL" : " IS NULL");
	buf_puts(&k->sql, ")");
	return 0;
}

static void compile_is(compiler *k, const jql_node *n, const char *column)
{
	bool is = n->op == JQL_IS;
	if (!column)
		buf_puts(&k->sql, is ? "1 = 0" : "1 = 1"); /* a field that is never empty */
	else
		put_sql(k, column, is ? " IS NULL" : " IS NOT NULL");
}

static const char *cmp_sql(jql_op op)
{
	switch (op) {
	case JQL_GT: return ">";
	case JQL_GE: return ">=";
	case JQL_LT: return "<";
	default: return "<=";
	}
}

/* priority > High: higher priorities have lower positions. */
static int compile_priority_cmp(compiler *k, const jql_node *n)
{
	int64_t id = 0, position = 0;
	int rc = resolve(k, n, named_table_of(JQL_PRIORITY), &n->values[0], &id);
	if (rc == 0 && lookup(k->c, "SELECT position FROM priorities WHERE id = $1", &position,
	                      db_int(id)) < 0)
		rc = -1;
	if (rc)
		return rc;
	static const char *const inverted[] = {
		[JQL_GT] = "<", [JQL_GE] = "<=", [JQL_LT] = ">", [JQL_LE] = ">="
	};
	put_sql(k, "i.priority_id IN (SELECT id FROM priorities WHERE position ", inverted[n->op],
	        " ");
	put_arg(k, db_int(position));
	buf_puts(&k->sql, ")");
	return 0;
}

static int compile_named(compiler *k, const jql_node *n)
{
	const named_table *t = named_table_of(n->field);
	if (n->op == JQL_IS || n->op == JQL_IS_NOT) {
		compile_is(k, n, n->field == JQL_PROJECT ? NULL : t->column);
		return 0;
	}
	if (n->field == JQL_PRIORITY && n->op >= JQL_GT && n->op <= JQL_LE)
		return compile_priority_cmp(k, n);
	return compile_ids(k, n, t);
}

/* An issue by key (current or old) or id, visible to the viewer. */
static int resolve_issue(compiler *k, const jql_node *n, const jql_value *v, int64_t *out,
                         int64_t *project_id)
{
	char *key = arena_strdup(k->a, v->text);
	for (char *p = key; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	int64_t number = all_digits(v->text) ? strtoll(v->text, NULL, 10) : -1;
	int rc = lookup(k->c,
	                "SELECT i.id FROM issues i WHERE i.id = $2 UNION ALL "
	                "SELECT issue_id FROM issue_keys WHERE key = $1 LIMIT 1",
	                out, db_text(key), db_int(number));
	bool ok = false;
	if (rc == 1)
		rc = lookup(k->c, "SELECT project_id FROM issues WHERE id = $1", project_id,
		            db_int(*out));
	if (rc == 1)
		rc = check_browse(k, *project_id, &ok);
	if (rc < 0)
		return rc;
	if (!ok)
		return err_fail(WEFT_EINVALID,
		                "An issue with key '%s' does not exist for field '%s'.", v->text,
		                n->field_name);
	return 0;
}

/* key > TEST-5: later issues of the same project. */
static int compile_key_cmp(compiler *k, const jql_node *n)
{
	int64_t id = 0, project_id = 0, number = 0;
	int rc = resolve_issue(k, n, &n->values[0], &id, &project_id);
	if (rc == 0 &&
	    lookup(k->c, "SELECT number FROM issues WHERE id = $1", &number, db_int(id)) < 0)
		rc = -1;
	if (rc)
		return rc;
	buf_puts(&k->sql, "(i.project_id = ");
	put_arg(k, db_int(project_id));
	put_sql(k, " AND i.number ", cmp_sql(n->op), " ");
	put_arg(k, db_int(number));
	buf_puts(&k->sql, ")");
	return 0;
}

/* A link phrase some type has ("blocks", "is blocked by"; any case), or no_such_value. */
static int check_phrase(compiler *k, const jql_node *n, const jql_value *v, const char *phrase)
{
	int64_t one = 0;
	int rc = lookup(k->c,
	                "SELECT 1 FROM link_types WHERE lower(outward) = lower($1)"
	                " OR lower(inward) = lower($1)",
	                &one, db_text(phrase));
	if (rc < 0)
		return rc;
	if (rc == 1)
		return 0;
	return n->field == JQL_LINK_TYPE
	               ? no_such_value(n, v)
	               : err_fail(WEFT_EINVALID,
	                          "Issue link type '%s' does not exist for the function "
	                          "'linkedIssues'.",
	                          phrase);
}

/* i.id IN the issues linked to the issue the function names, through links whose phrase as
 * that issue reads it is arg2 (any link when there is none). */
static int compile_linked(compiler *k, const jql_node *n, const jql_value *v)
{
	jql_value issue = { .kind = JQL_VALUE_TEXT, .text = v->arg };
	int64_t id = 0, project_id = 0;
	int rc = resolve_issue(k, n, &issue, &id, &project_id);
	if (rc == 0 && v->arg2)
		rc = check_phrase(k, n, v, v->arg2);
	if (rc)
		return rc;
	int key = push_arg(k, db_int(id)), phrase = v->arg2 ? push_arg(k, db_text(v->arg2)) : 0;
	buf_printf(&k->sql,
	           "i.id IN (SELECT l.destination_id FROM issue_links l JOIN link_types t"
	           " ON t.id = l.type_id WHERE l.source_id = $%d",
	           key);
	if (phrase)
		buf_printf(&k->sql, " AND lower(t.outward) = lower($%d)", phrase);
	buf_printf(&k->sql,
	           " UNION ALL SELECT l.source_id FROM issue_links l JOIN link_types t"
	           " ON t.id = l.type_id WHERE l.destination_id = $%d",
	           key);
	if (phrase)
		buf_printf(&k->sql, " AND lower(t.inward) = lower($%d)", phrase);
	buf_puts(&k->sql, ")");
	return 0;
}

static bool has_function(const jql_node *n)
{
	for (size_t i = 0; i < n->n_values; i++)
		if (n->values[i].kind == JQL_VALUE_FUNCTION)
			return true;
	return false;
}

/* issue in (linkedIssues(…), KEY-1, …): a condition per value, any of them. */
static int compile_key_functions(compiler *k, const jql_node *n)
{
	put_sql(k, n->op == JQL_NOT_IN ? "NOT (" : "(");
	for (size_t i = 0; i < n->n_values; i++) {
		const jql_value *v = &n->values[i];
		int64_t id = 0, project_id = 0;
		int rc = 0;
		buf_puts(&k->sql, i ? " OR " : "");
		if (v->kind == JQL_VALUE_FUNCTION)
			rc = compile_linked(k, n, v);
		else if (v->kind == JQL_VALUE_EMPTY)
			buf_puts(&k->sql, "1 = 0");
		else if ((rc = resolve_issue(k, n, v, &id, &project_id)) == 0) {
			buf_puts(&k->sql, "i.id = ");
			put_arg(k, db_int(id));
		}
		if (rc)
			return rc;
	}
	buf_puts(&k->sql, ")");
	return 0;
}

/* issueLinkType = phrase: the issue has a link that it reads with that phrase (as the source,
 * the type's outward phrase; as the destination, its inward one). != and NOT IN: it has none. */
static int compile_link_type(compiler *k, const jql_node *n)
{
	bool negate = n->op == JQL_NE || n->op == JQL_NOT_IN;
	int *params = arena_array(k->a, n->n_values, sizeof *params);
	for (size_t i = 0; i < n->n_values; i++) {
		const jql_value *v = &n->values[i];
		int rc = v->kind == JQL_VALUE_TEXT ? check_phrase(k, n, v, v->text)
		                                   : no_such_value(n, v);
		if (rc)
			return rc;
		params[i] = push_arg(k, db_text(v->text));
	}
	put_sql(k, negate ? "NOT " : "", "EXISTS (SELECT 1 FROM issue_links l JOIN link_types t",
	        " ON t.id = l.type_id WHERE (l.source_id = i.id AND lower(t.outward) IN (");
	for (size_t i = 0; i < n->n_values; i++)
		buf_printf(&k->sql, "%slower($%d)", i ? ", " : "", params[i]);
	buf_puts(&k->sql, ")) OR (l.destination_id = i.id AND lower(t.inward) IN (");
	for (size_t i = 0; i < n->n_values; i++)
		buf_printf(&k->sql, "%slower($%d)", i ? ", " : "", params[i]);
	buf_puts(&k->sql, ")))");
	return 0;
}

static int compile_key(compiler *k, const jql_node *n)
{
	if (n->op == JQL_IS || n->op == JQL_IS_NOT) {
		compile_is(k, n, NULL);
		return 0;
	}
	if (n->op >= JQL_GT && n->op <= JQL_LE)
		return compile_key_cmp(k, n);
	if (has_function(n))
		return compile_key_functions(k, n);
	bool negate = n->op == JQL_NE || n->op == JQL_NOT_IN;
	put_sql(k, negate ? "i.id NOT IN (" : "i.id IN (");
	for (size_t i = 0; i < n->n_values; i++) {
		int64_t id = 0, project_id = 0;
		if (n->values[i].kind == JQL_VALUE_EMPTY) {
			buf_puts(&k->sql, i ? ", NULL" : "NULL");
			continue;
		}
		int rc = resolve_issue(k, n, &n->values[i], &id, &project_id);
		if (rc)
			return rc;
		buf_puts(&k->sql, i ? ", " : "");
		put_arg(k, db_int(id));
	}
	buf_puts(&k->sql, ")");
	return 0;
}

/* The next word at *p (letters, digits and any non-ASCII byte), moving *p past it; NULL when
 * none is left. */
static const char *next_word(const char **p)
{
	const char *s = *p;
	while (*s && !isalnum((unsigned char)*s) && (unsigned char)*s < 0x80)
		s++;
	const char *start = s;
	while (*s && (isalnum((unsigned char)*s) || (unsigned char)*s >= 0x80))
		s++;
	*p = s;
	return s == start ? NULL : start;
}

/* The FTS5 query for text: each word a quoted string under the column filter, all required;
 * a trailing * makes a prefix; a value in double quotes is a phrase. Quotes in words cannot
 * occur: words are letters and digits only. */
static int fts5_query(compiler *k, const jql_node *n, const char *text, const char *columns,
                      const char **out)
{
	buf q = BUF_INIT;
	size_t len = strlen(text), words = 0;
	bool phrase = len >= 2 && text[0] == '"' && text[len - 1] == '"';
	const char *p = text;
	if (phrase)
		buf_printf(&q, "{%s} : \"", columns);
	while (*p && words < TRACK_SEARCH_MAX_WORDS) {
		const char *start = next_word(&p);
		if (!start)
			break;
		bool prefix = *p == '*' && !phrase;
		if (phrase)
			buf_printf(&q, "%s%.*s", words ? " " : "", (int)(p - start), start);
		else
			buf_printf(&q, "%s{%s} : \"%.*s\"%s", words ? " AND " : "", columns,
			           (int)(p - start), start, prefix ? " *" : "");
		words++;
	}
	if (phrase)
		buf_putc(&q, '"');
	*out = arena_strdup(k->a, buf_cstr(&q));
	buf_dispose(&q);
	if (words == 0)
		return err_fail(WEFT_EINVALID,
		                "The value '%s' for the field '%s' has no words to search for.",
		                text, n->field_name);
	return 0;
}

/* Writes the condition that comments aliased c (of issues aliased ci) are visible to the
 * viewer (track_perm.h), binding the viewer. */
static void put_comment_visible(compiler *k)
{
	db_arg user, admin;
	track_perm_comment_args(k->viewer, &user, &admin);
	int u = push_arg(k, user), ad = push_arg(k, admin);
	buf_puts(&k->sql, track_perm_comment_sql(k->a, "c", "ci.project_id", u, ad));
}

/* issue_text.comments holds only unrestricted comments; restricted ones are matched in
 * comment_text and kept when the viewer may read them (migration 0005). */
static int compile_text_sqlite(compiler *k, const jql_node *n, const char *text)
{
	const char *columns = n->field == JQL_SUMMARY       ? "summary"
	                      : n->field == JQL_DESCRIPTION ? "description"
	                      : n->field == JQL_COMMENT     ? "comments"
	                                                    : "summary description comments";
	const char *match = NULL, *restricted = NULL;
	int rc = fts5_query(k, n, text, columns, &match);
	bool comments = n->field == JQL_TEXT || n->field == JQL_COMMENT;
	if (rc == 0 && comments)
		rc = fts5_query(k, n, text, "body", &restricted);
	if (rc)
		return rc;
	buf_puts(&k->sql, "(i.id IN (SELECT rowid FROM issue_text WHERE issue_text MATCH ");
	put_arg(k, db_text(match));
	buf_puts(&k->sql, ")");
	if (comments) {
		buf_puts(&k->sql,
		         " OR i.id IN (SELECT c.issue_id FROM comment_text t JOIN comments c"
		         " ON c.id = t.rowid JOIN issues ci ON ci.id = c.issue_id WHERE"
		         " comment_text MATCH ");
		put_arg(k, db_text(restricted));
		buf_puts(&k->sql, " AND ");
		put_comment_visible(k);
		buf_puts(&k->sql, ")");
	}
	buf_puts(&k->sql, ")");
	return 0;
}

/* "'word':* & 'other'" for to_tsquery: words are letters and digits only; a trailing * makes
 * a prefix. */
static const char *prefix_tsquery(arena *a, const char *text)
{
	buf q = BUF_INIT;
	const char *p = text;
	for (size_t words = 0; *p && words < TRACK_SEARCH_MAX_WORDS; words++) {
		const char *start = next_word(&p);
		if (!start)
			break;
		buf_printf(&q, "%s'%.*s'%s", words ? " & " : "", (int)(p - start), start,
		           *p == '*' ? ":*" : "");
	}
	char *out = arena_strdup(a, buf_cstr(&q));
	buf_dispose(&q);
	return out;
}

/* PostgreSQL parses the words itself (plainto_tsquery takes any text safely). */
static int compile_text_pg(compiler *k, const jql_node *n, const char *text)
{
	const char *unused = NULL;
	int rc = fts5_query(k, n, text, "x", &unused); /* the same "no words" rule */
	if (rc)
		return rc;
	size_t len = strlen(text);
	bool phrase = len >= 2 && text[0] == '"' && text[len - 1] == '"';
	const char *fn = phrase ? "phraseto_tsquery" : "plainto_tsquery";
	if (!phrase && strchr(text, '*')) {
		/* Prefixes need to_tsquery's syntax: built from the words alone (letters and
		 * digits), so that nothing of the value can be syntax. */
		text = prefix_tsquery(k->a, text);
		fn = "to_tsquery";
	}
	/* Each column's GIN index answers its own branch: a union of ids, never an OR over
	 * every issue row (which PostgreSQL can only run as a scan). */
	buf_puts(&k->sql, "i.id IN (");
	if (n->field == JQL_SUMMARY || n->field == JQL_TEXT) {
		put_sql(k, "SELECT id FROM issues WHERE summary_tsv @@ ", fn, "('simple', ");
		put_arg(k, db_text(text));
		buf_puts(&k->sql, n->field == JQL_SUMMARY ? ")" : ") UNION ");
	}
	if (n->field == JQL_DESCRIPTION || n->field == JQL_TEXT) {
		put_sql(k, "SELECT id FROM issues WHERE description_tsv @@ ", fn, "('simple', ");
		put_arg(k, db_text(text));
		buf_puts(&k->sql, n->field == JQL_DESCRIPTION ? ")" : ") UNION ");
	}
	if (n->field == JQL_TEXT || n->field == JQL_COMMENT) {
		put_sql(k, "SELECT c.issue_id FROM comments c JOIN issues ci ON ci.id = c.issue_id",
		        " WHERE c.body_tsv @@ ", fn, "('simple', ");
		put_arg(k, db_text(text));
		buf_puts(&k->sql, ") AND ");
		put_comment_visible(k);
	}
	buf_puts(&k->sql, ")");
	return 0;
}

static int compile_text(compiler *k, const jql_node *n)
{
	if (n->op == JQL_IS || n->op == JQL_IS_NOT) { /* description IS EMPTY */
		put_sql(k, n->op == JQL_IS ? "i.description = ''" : "i.description <> ''");
		return 0;
	}
	if (n->op == JQL_NOT_LIKE)
		buf_puts(&k->sql, "NOT ");
	const char *text = n->values[0].text;
	return k->pg ? compile_text_pg(k, n, text) : compile_text_sqlite(k, n, text);
}

static int compile_labels(compiler *k, const jql_node *n)
{
	const char *any = "EXISTS (SELECT 1 FROM issue_labels l WHERE l.issue_id = i.id)";
	if (n->op == JQL_IS || n->op == JQL_IS_NOT) {
		put_sql(k, n->op == JQL_IS ? "NOT " : "", any);
		return 0;
	}
	bool negate = n->op == JQL_NE || n->op == JQL_NOT_IN, with_empty = false, first = true;
	/* As in Jira, labels != x does not match issues without labels. */
	put_sql(k, "(", negate ? any : "", negate ? " AND NOT " : "",
	        "EXISTS (SELECT 1 FROM issue_labels l WHERE l.issue_id = i.id AND l.label IN (");
	for (size_t i = 0; i < n->n_values; i++) {
		if (n->values[i].kind == JQL_VALUE_EMPTY) {
			with_empty = true;
			continue;
		}
		buf_puts(&k->sql, first ? "" : ", ");
		put_arg(k, db_text(n->values[i].text));
		first = false;
	}
	buf_puts(&k->sql, first ? "NULL))" : "))");
	if (with_empty)
		put_sql(k, negate ? " AND " : " OR NOT ", any);
	buf_puts(&k->sql, ")");
	return 0;
}

/* Jira's status categories by key, name or id. */
static const char *category_key(const char *v)
{
	static const char *const names[][4] = { { "new", "To Do", "2", NULL },
		                                { "indeterminate", "In Progress", "4", NULL },
		                                { "done", "Done", "3", NULL } };
	for (size_t i = 0; i < 3; i++)
		for (size_t j = 0; names[i][j]; j++)
			if (strcasecmp(names[i][j], v) == 0)
				return names[i][0];
	return NULL;
}

static int compile_category(compiler *k, const jql_node *n)
{
	if (n->op == JQL_IS || n->op == JQL_IS_NOT) {
		compile_is(k, n, NULL);
		return 0;
	}
	bool negate = n->op == JQL_NE || n->op == JQL_NOT_IN;
	put_sql(k, negate ? "i.status_id NOT IN" : "i.status_id IN",
	        " (SELECT id FROM statuses WHERE category IN (");
	for (size_t i = 0; i < n->n_values; i++) {
		const jql_value *v = &n->values[i];
		const char *key = v->kind == JQL_VALUE_TEXT ? category_key(v->text) : NULL;
		if (!key && v->kind != JQL_VALUE_EMPTY)
			return no_such_value(n, v);
		buf_puts(&k->sql, i ? ", " : "");
		if (key)
			put_arg(k, db_text(key));
		else
			buf_puts(&k->sql, "NULL");
	}
	buf_puts(&k->sql, "))");
	return 0;
}

static const char *date_column(jql_field f)
{
	return f == JQL_CREATED   ? "i.created_at"
	       : f == JQL_UPDATED ? "i.updated_at"
	                          : "i.resolution_date";
}

static int compile_date(compiler *k, const jql_node *n)
{
	const char *column = date_column(n->field);
	if (n->op == JQL_IS || n->op == JQL_IS_NOT) {
		compile_is(k, n, n->field == JQL_RESOLUTION_DATE ? column : NULL);
		return 0;
	}
	bool list = n->op == JQL_IN || n->op == JQL_NOT_IN || n->op == JQL_EQ || n->op == JQL_NE;
	bool negate = n->op == JQL_NE || n->op == JQL_NOT_IN;
	if (list)
		put_sql(k, column, negate ? " NOT IN (" : " IN (");
	else
		put_sql(k, column, " ", cmp_sql(n->op), " ");
	for (size_t i = 0; i < n->n_values; i++) {
		int64_t ms = 0;
		if (n->values[i].kind == JQL_VALUE_EMPTY) {
			buf_puts(&k->sql, i ? ", NULL" : "NULL");
			continue;
		}
		int rc = jql_date(&ms, &n->values[i], k->now, n->field_name);
		if (rc)
			return rc;
		buf_puts(&k->sql, i ? ", " : "");
		put_arg(k, db_int(ms));
	}
	if (list)
		buf_puts(&k->sql, ")");
	return 0;
}

static int compile_clause(compiler *k, const jql_node *n)
{
	switch (n->field) {
	case JQL_KEY: return compile_key(k, n);
	case JQL_SUMMARY:
	case JQL_DESCRIPTION:
	case JQL_COMMENT:
	case JQL_TEXT: return compile_text(k, n);
	case JQL_LABELS: return compile_labels(k, n);
	case JQL_LINK_TYPE: return compile_link_type(k, n);
	case JQL_STATUS_CATEGORY: return compile_category(k, n);
	case JQL_CREATED:
	case JQL_UPDATED:
	case JQL_RESOLUTION_DATE: return compile_date(k, n);
	default: return compile_named(k, n);
	}
}

static int compile_node(compiler *k, const jql_node *n)
{
	if (n->kind == JQL_NODE_CLAUSE)
		return compile_clause(k, n);
	int rc = 0;
	buf_puts(&k->sql, n->kind == JQL_NODE_NOT ? "NOT (" : "(");
	for (size_t i = 0; rc == 0 && i < n->n_children; i++) {
		if (i > 0)
			buf_puts(&k->sql, n->kind == JQL_NODE_AND ? " AND " : " OR ");
		rc = compile_node(k, n->children[i]);
	}
	buf_puts(&k->sql, ")");
	return rc;
}

/* ---- ordering ---- */

/* The expression a field sorts by; *nullable when it can be NULL. */
static const char *sort_expr(jql_field f, bool *nullable)
{
	*nullable = f == JQL_ASSIGNEE || f == JQL_REPORTER || f == JQL_RESOLUTION ||
	            f == JQL_RESOLUTION_DATE;
	switch (f) {
	case JQL_PROJECT: return "(SELECT key FROM projects WHERE id = i.project_id)";
	case JQL_SUMMARY: return "i.summary";
	case JQL_STATUS: return "(SELECT name FROM statuses WHERE id = i.status_id)";
	case JQL_STATUS_CATEGORY:
		return "(SELECT CASE category WHEN 'new' THEN 1 WHEN 'indeterminate' THEN 2 ELSE 3 "
		       "END FROM statuses WHERE id = i.status_id)";
	case JQL_TYPE: return "(SELECT name FROM issue_types WHERE id = i.type_id)";
	case JQL_PRIORITY: return "(SELECT -position FROM priorities WHERE id = i.priority_id)";
	case JQL_ASSIGNEE: return "(SELECT display_name FROM users WHERE id = i.assignee_id)";
	case JQL_REPORTER: return "(SELECT display_name FROM users WHERE id = i.reporter_id)";
	case JQL_RESOLUTION: return "(SELECT name FROM resolutions WHERE id = i.resolution_id)";
	case JQL_CREATED: return "i.created_at";
	case JQL_UPDATED: return "i.updated_at";
	case JQL_RESOLUTION_DATE: return "i.resolution_date";
	default: return NULL; /* the key: project key, then number */
	}
}

/* ORDER BY as asked (priority defaults to highest first, the rest ascending), then the id so
 * that pages never overlap; created DESC when nothing is asked, as Jira does. */
static const char *compile_order(arena *a, const jql_query *q)
{
	buf b = BUF_INIT;
	for (size_t i = 0; i < q->n_order; i++) {
		const jql_sort *s = &q->order[i];
		bool desc = s->explicit_direction ? s->desc : s->field == JQL_PRIORITY, nullable;
		const char *expr = sort_expr(s->field, &nullable), *dir = desc ? " DESC" : " ASC";
		if (i > 0)
			buf_puts(&b, ", ");
		/* Only this file's constants: the field names were resolved by the parser. */
		if (!expr) {
			buf_puts(&b, "(SELECT key FROM projects WHERE id = i.project_id)");
			buf_puts(&b, dir);
			buf_puts(&b, ", i.number");
			buf_puts(&b, dir);
		} else {
			buf_puts(&b, expr);
			buf_puts(&b, dir);
			buf_puts(&b, nullable ? (desc ? " NULLS FIRST" : " NULLS LAST") : "");
		}
	}
	buf_puts(&b, q->n_order ? ", i.id DESC" : "i.created_at DESC, i.id DESC");
	char *out = arena_strdup(a, buf_cstr(&b));
	buf_dispose(&b);
	return out;
}

int track_search_compile(db_conn *c, arena *a, const track_user *viewer, const jql_query *q,
                         int64_t now_ms, track_search_sql *out)
{
	compiler k = { .c = c,
		       .a = a,
		       .viewer = viewer,
		       .now = now_ms,
		       .pg = db_conn_engine(c) == DB_POSTGRES };
	bool uses_param = false;
	const char *browse = track_perm_browse_sql(a, viewer, "i.project_id", 1, &uses_param);
	if (uses_param) {
		k.args = arena_array(a, 16, sizeof *k.args);
		k.cap = 16;
		k.args[k.nargs++] = db_int(viewer->id);
	}
	put_sql(&k, "(", browse, ")");
	int rc = 0;
	if (q->where) {
		buf_puts(&k.sql, " AND ");
		rc = compile_node(&k, q->where);
	}
	if (rc == 0)
		*out = (track_search_sql){ .where = arena_strdup(a, buf_cstr(&k.sql)),
			                   .order = compile_order(a, q),
			                   .args = k.args,
			                   .nargs = k.nargs };
	buf_dispose(&k.sql);
	return rc;
}

/* ---- running ---- */

/* The arguments with more appended, ending with DB_END. */
static db_arg *args_with(arena *a, const track_search_sql *s, size_t extra, ...)
{
	db_arg *args = arena_array(a, s->nargs + extra + 1, sizeof *args);
	if (s->nargs)
		memcpy(args, s->args, s->nargs * sizeof *args);
	va_list ap;
	va_start(ap, extra);
	for (size_t i = 0; i < extra; i++)
		args[s->nargs + i] = db_int(va_arg(ap, int64_t));
	va_end(ap);
	args[s->nargs + extra] = DB_END;
	return args;
}

const char *track_search_count_sql(arena *a, const track_search_sql *s)
{
	return arena_printf(a, "SELECT count(*) FROM issues i WHERE %s", s->where);
}

const char *track_search_page_sql(arena *a, const track_search_sql *s)
{
	return arena_printf(a,
	                    "SELECT i.id FROM issues i WHERE %s ORDER BY %s LIMIT $%zu OFFSET $%zu",
	                    s->where, s->order, s->nargs + 1, s->nargs + 2);
}

static int count_matches(db_conn *c, arena *a, const track_search_sql *s, int64_t *out)
{
	db_stmt *st = NULL;
	int rc = db_query_args(&st, c, track_search_count_sql(a, s), args_with(a, s, 0));
	if (rc == 0)
		rc = db_step_one(st, "no count");
	if (rc == 0)
		*out = db_col_int(st, 0);
	db_done(st);
	return rc;
}

/* Reads up to max + 1 ids from start: the extra one tells whether more follow. */
static int page_ids(db_conn *c, arena *a, const track_search_sql *s, int64_t start, int64_t max,
                    track_search_page *out)
{
	db_stmt *st = NULL;
	int rc = db_query_args(&st, c, track_search_page_sql(a, s),
	                       args_with(a, s, 2, (int64_t)(max + 1), start));
	out->ids = arena_array(a, (size_t)max + 1, sizeof *out->ids);
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		if (out->n == (size_t)max) {
			out->more = true;
			continue;
		}
		out->ids[out->n++] = db_col_int(st, 0);
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int track_search_run(db_conn *c, arena *a, const track_user *viewer, const char *jql, int64_t start,
                     int64_t max, bool count, int64_t now_ms, track_search_page *out)
{
	jql_query *q = NULL;
	*out = (track_search_page){ .total = -1 };
	int rc = jql_parse(&q, a, jql);
	return rc < 0 ? rc
	              : track_search_run_query(c, a, viewer, q, start, max, count, now_ms, out);
}

int track_search_run_query(db_conn *c, arena *a, const track_user *viewer, const jql_query *q,
                           int64_t start, int64_t max, bool count, int64_t now_ms,
                           track_search_page *out)
{
	track_search_sql s;
	*out = (track_search_page){ .total = -1 };
	start = start < 0 ? 0 : start;
	max = max < 0 ? 0 : max > TRACK_SEARCH_MAX_RESULTS ? TRACK_SEARCH_MAX_RESULTS : max;
	int rc = track_search_compile(c, a, viewer, q, now_ms, &s);
	if (rc == 0 && count)
		rc = count_matches(c, a, &s, &out->total);
	if (rc == 0)
		rc = page_ids(c, a, &s, start, max, out);
	return rc;
}

/* EXPLAIN on both engines and the one question the plan tests ask of it (plan.h). */
#include "plan.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"

typedef struct explain_ctx {
	const char *sql;
	const db_arg *args;
	char *out;
} explain_ctx;

static int explain(db_conn *c, void *ctx)
{
	explain_ctx *x = ctx;
	const char *sql = x->sql;
	const db_arg *args = x->args;
	char **out = &x->out;
	bool pg = db_conn_engine(c) == DB_POSTGRES;
	buf text = BUF_INIT, explain = BUF_INIT;
	db_stmt *st = NULL;
	int rc = pg ? db_exec(c, "SET LOCAL enable_seqscan = off", DB_END) : 0;
	buf_printf(&explain, "%s %s", pg ? "EXPLAIN (FORMAT JSON)" : "EXPLAIN QUERY PLAN", sql);
	if (rc >= 0)
		rc = db_query_args(&st, c, buf_cstr(&explain), args);
	while (rc >= 0 && (rc = db_step(st)) == DB_ROW) {
		buf_printf(&text, "%s\n", db_col_text(st, pg ? 0 : 3));
		rc = 0;
	}
	db_done(st);
	buf_dispose(&explain);
	*out = rc < 0 ? NULL : strdup(buf_cstr(&text));
	buf_dispose(&text);
	return rc < 0 ? rc : 0;
}

int plan_explain(db *d, const char *sql, const db_arg *args, char **out)
{
	explain_ctx x = { sql, args, NULL };
	int rc = db_tx(d, explain, &x);
	*out = rc < 0 ? NULL : x.out;
	if (rc < 0)
		free(x.out);
	return rc;
}

static bool sqlite_scans(const char *plan, const char *name)
{
	size_t len = strlen(name);
	for (const char *line = plan; *line;) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		if (n >= 5 + len && strncmp(line, "SCAN ", 5) == 0 &&
		    strncmp(line + 5, name, len) == 0 && (n == 5 + len || line[5 + len] == ' ') &&
		    !memmem(line, n, " INDEX ", 7))
			return true;
		line += n + (end != NULL);
	}
	return false;
}

static bool pg_node_scans(const json_t *node, const char *table)
{
	const char *type = json_string_value(json_object_get(node, "Node Type"));
	const char *relation = json_string_value(json_object_get(node, "Relation Name"));
	if (type && relation && strcmp(type, "Seq Scan") == 0 && strcmp(relation, table) == 0)
		return true;
	size_t i;
	const json_t *child;
	json_array_foreach(json_object_get(node, "Plans"), i, child)
	{
		if (pg_node_scans(child, table))
			return true;
	}
	return false;
}

bool plan_scans(db_engine e, const char *plan, const char *table, const char *alias)
{
	if (e == DB_SQLITE)
		return sqlite_scans(plan, table) || (alias && sqlite_scans(plan, alias));
	json_t *doc = json_loads(plan, 0, NULL);
	bool scans = !doc || pg_node_scans(json_object_get(json_array_get(doc, 0), "Plan"), table);
	json_decref(doc);
	return scans;
}

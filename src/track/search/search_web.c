/* The search page, GET /issues/?jql=…&startAt=…: a JQL box, the parser's message when the query
 * is wrong, a result table whose column headers sort (they rewrite the query's ORDER BY), and
 * paging links. */
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "track/account/account.h"
#include "track/issue/issue.h"
#include "track/search/search.h"
#include "track/search/search_api.h"
#include "track/track.h"
#include "web/escape.h"

enum { PAGE_SIZE = 50 };

/* The sortable columns: header text and the JQL field it sorts by. */
static const struct column {
	const char *title;
	const char *field;
	jql_field id;
} columns[] = {
	{ "Key", "key", JQL_KEY },
	{ "Type", "issuetype", JQL_TYPE },
	{ "Summary", "summary", JQL_SUMMARY },
	{ "Status", "status", JQL_STATUS },
	{ "Priority", "priority", JQL_PRIORITY },
	{ "Assignee", "assignee", JQL_ASSIGNEE },
	{ "Updated", "updated", JQL_UPDATED },
};

typedef struct page_ctx {
	web_request *req;
	const char *jql;
	int64_t start;
	track_search_page page;
	json_t *rows;
} page_ctx;

/* /issues/?jql=<q>[&startAt=<n>] with q percent-encoded. */
static const char *search_link(arena *a, const char *jql, int64_t start)
{
	buf b = BUF_INIT;
	buf_puts(&b, "/issues/?jql=");
	esc_url_query(&b, jql, strlen(jql));
	if (start > 0)
		buf_printf(&b, "&startAt=%lld", (long long)start);
	char *out = arena_strdup(a, buf_cstr(&b));
	buf_dispose(&b);
	return out;
}

static const char *display_name(db_conn *c, arena *a, int64_t user_id)
{
	track_user u;
	if (user_id <= 0 || track_account_find_id(c, a, user_id, &u) != 0)
		return NULL;
	return u.display_name;
}

static int add_row(db_conn *c, page_ctx *p, int64_t id)
{
	track_issue i;
	arena *a = p->req->arena;
	int rc = track_issue_get(c, a, id, &i);
	if (rc)
		return rc;
	char updated[CLOCK_ISO_LEN];
	clock_format_iso8601(updated, i.updated_at);
	updated[16] = '\0'; /* yyyy-mm-ddThh:mm */
	updated[10] = ' ';
	json_array_append_new(p->rows,
	                      json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s}", "key", i.key,
	                                "type", i.type_name, "summary", i.summary, "status",
	                                i.status_name, "status_category", i.status_category,
	                                "priority", i.priority_name, "assignee",
	                                display_name(c, a, i.assignee_id), "updated", updated));
	return 0;
}

static int run(db_conn *c, void *ctx)
{
	page_ctx *p = ctx;
	const track_viewer *v = track_viewer_of(p->req);
	int rc = track_search_run(c, p->req->arena, v ? &v->user : NULL, p->jql, p->start,
	                          PAGE_SIZE, true, clock_now_ms(), &p->page);
	for (size_t i = 0; rc == 0 && i < p->page.n; i++)
		rc = add_row(c, p, p->page.ids[i]);
	return rc;
}

/* The header links: each column sorts the current condition by its field, ascending, or
 * descending when the query already sorts by it ascending. */
static json_t *headers(arena *a, const char *jql)
{
	jql_query *q = NULL;
	json_t *list = json_array();
	bool parsed = jql_parse(&q, a, jql) == 0;
	const char *where = parsed ? arena_strndup(a, jql, q->where_len) : "";
	size_t n = strlen(where);
	while (n > 0 && (where[n - 1] == ' ' || where[n - 1] == '\t' || where[n - 1] == '\n'))
		n--;
	for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++) {
		bool current = parsed && q->n_order > 0 && q->order[0].field == columns[i].id;
		bool desc = current && !q->order[0].desc;
		const char *sorted =
		        arena_printf(a, "%.*s%sORDER BY %s %s", (int)n, where, n ? " " : "",
		                     columns[i].field, desc ? "DESC" : "ASC");
		json_array_append_new(list,
		                      json_pack("{s:s, s:s, s:b, s:b}", "title", columns[i].title,
		                                "href", search_link(a, sorted, 0), "sorted",
		                                current, "desc", current && q->order[0].desc));
	}
	return list;
}

static json_t *paging(page_ctx *p)
{
	arena *a = p->req->arena;
	json_t *out = json_pack(
	        "{s:I, s:I, s:I}", "from", (json_int_t)(p->page.n ? p->start + 1 : 0), "to",
	        (json_int_t)(p->start + (int64_t)p->page.n), "total", (json_int_t)p->page.total);
	if (p->start > 0)
		json_object_set_new(
		        out, "prev",
		        json_string(search_link(a, p->jql,
		                                p->start > PAGE_SIZE ? p->start - PAGE_SIZE : 0)));
	if (p->page.more)
		json_object_set_new(out, "next",
		                    json_string(search_link(a, p->jql, p->start + PAGE_SIZE)));
	return out;
}

int track_search_issues_page(web_request *req, web_response *res)
{
	page_ctx p = { .req = req, .rows = json_array() };
	const char *jql = web_query(req, "jql");
	const char *start = web_query(req, "startAt");
	p.jql = jql ? jql : "ORDER BY created DESC";
	p.start = start ? strtoll(start, NULL, 10) : 0;
	p.start = p.start < 0 ? 0 : p.start;
	int rc = db_read(track_app_of(req)->d, run, &p);
	if (rc != 0 && rc != WEFT_EINVALID && rc != WEFT_ETOOLARGE) {
		json_decref(p.rows);
		return rc;
	}
	json_t *data = json_pack("{s:s, s:o, s:o}", "jql", p.jql, "columns",
	                         headers(req->arena, p.jql), "issues", p.rows);
	if (rc)
		json_object_set_new(data, "error", json_string(err_msg()));
	else
		json_object_set_new(data, "paging", paging(&p));
	return track_page(req, res, rc ? 400 : 200, "track/search", "Search", data);
}

/* Jira's search resources over track_search_run (search.h): the parameters from the query
 * string (GET) or the JSON body (POST), each match rendered by track_api_issue_json. */
#include "track/search/search_api.h"

#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/clock.h"
#include "base/err.h"
#include "track/issue/issue.h"
#include "track/issue/issue_api.h"
#include "track/jira.h"
#include "track/search/search.h"
#include "track/track.h"
#include "web/paging.h"

/* What one search asks for. */
typedef struct search_ask {
	web_request *req;
	const char *jql;
	int64_t start;
	int64_t max;
	bool v3;
	bool ids_only; /* search/jql without fields: issues are {"id"} */
	bool count; /* search counts (total); search/jql does not */
	const jql_query *parsed; /* the query, when the caller parsed it already */
	track_search_page page;
	json_t *issues;
} search_ask;

/* Adds name=value to the request's query parameters, where track_api_issue_json reads fields
 * and expand: a POST body's lists become what a GET would have carried. */
static void query_add(web_request *req, const char *name, const char *value)
{
	web_pairs *p = &req->query;
	p->items = array_room(req->arena, p->items, p->len, &p->cap, sizeof *p->items);
	p->items[p->len++] = (web_pair){ name, value, strlen(value) };
}

/* A body list (["a","b"] or "a,b") into the query as name. */
static int body_list(web_request *req, const json_t *body, const char *name)
{
	const json_t *v = json_object_get(body, name);
	size_t i;
	const json_t *item;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_string(v)) {
		query_add(req, name, json_string_value(v));
		return 0;
	}
	if (!json_is_array(v))
		return err_fail(WEFT_EINVALID, "'%s' must be a list of strings", name);
	json_array_foreach(v, i, item)
	{
		if (!json_is_string(item))
			return err_fail(WEFT_EINVALID, "'%s' must be a list of strings", name);
		query_add(req, name, json_string_value(item));
	}
	return 0;
}

static int body_int(const json_t *body, const char *name, int64_t def, int64_t *out)
{
	const json_t *v = json_object_get(body, name);
	*out = def;
	if (!v || json_is_null(v))
		return 0;
	return track_jira_int(v, name, out);
}

/* The parameters of a POST: jql, startAt, maxResults, fields, expand from the body. */
static int read_body(web_request *req, search_ask *ask)
{
	const json_t *body = req->json;
	if (body && !json_is_object(body))
		return err_fail(WEFT_EINVALID, "The request body must be a JSON object");
	const json_t *jql = json_object_get(body, "jql");
	if (jql && !json_is_string(jql) && !json_is_null(jql))
		return err_fail(WEFT_EINVALID, "'jql' must be a string");
	ask->jql = json_is_string(jql) ? json_string_value(jql) : "";
	int rc = body_int(body, "startAt", 0, &ask->start);
	if (rc == 0)
		rc = body_int(body, "maxResults", TRACK_SEARCH_DEFAULT_RESULTS, &ask->max);
	if (rc == 0)
		rc = body_list(req, body, "fields");
	if (rc == 0)
		rc = body_list(req, body, "expand");
	web_paging p = { ask->start, ask->max };
	web_paging_clamp(&p, TRACK_SEARCH_DEFAULT_RESULTS, TRACK_SEARCH_MAX_RESULTS);
	ask->start = p.start;
	ask->max = p.max;
	return rc;
}

static int read_params(web_request *req, search_ask *ask)
{
	int rc = track_jira_version(req, &ask->v3);
	if (rc)
		return rc;
	if (strcmp(req->method, "POST") == 0)
		return read_body(req, ask);
	const char *jql = web_query(req, "jql");
	ask->jql = jql ? jql : "";
	web_paging p;
	web_paging_offset(&p, req, TRACK_SEARCH_DEFAULT_RESULTS, TRACK_SEARCH_MAX_RESULTS);
	ask->start = p.start;
	ask->max = p.max;
	return 0;
}

/* The page's issues in Jira's shape: the issues and what they name loaded in a few statements
 * for the whole page (track_issue_get_many, track_api_issue_batch_load), not per issue. */
static int page_json(db_conn *c, web_request *req, search_ask *ask)
{
	const track_search_page *p = &ask->page;
	if (ask->ids_only) {
		for (size_t k = 0; k < p->n; k++)
			json_array_append_new(
			        ask->issues,
			        json_pack("{s:s}", "id",
			                  arena_printf(req->arena, "%lld", (long long)p->ids[k])));
		return 0;
	}
	track_issue *issues = arena_array(req->arena, p->n + 1, sizeof *issues);
	track_issue_batch *b = NULL;
	int rc = track_issue_get_many(c, req->arena, p->ids, p->n, issues);
	if (rc == 0)
		rc = track_api_issue_batch_load(&b, c, req, issues, p->n);
	for (size_t k = 0; rc == 0 && k < p->n; k++) {
		json_t *one = NULL;
		rc = track_api_issue_json_batch(c, req, &issues[k], ask->v3, b, &one);
		if (rc == 0)
			json_array_append_new(ask->issues, one);
	}
	track_api_issue_batch_free(b);
	return rc;
}

static int run(db_conn *c, void *ctx)
{
	search_ask *ask = ctx;
	web_request *req = ask->req;
	const track_viewer *v = track_viewer_of(req);
	const track_user *viewer = v ? &v->user : NULL;
	int rc = ask->parsed
	                 ? track_search_run_query(c, req->arena, viewer, ask->parsed, ask->start,
	                                          ask->max, ask->count, clock_now_ms(), &ask->page)
	                 : track_search_run(c, req->arena, viewer, ask->jql, ask->start, ask->max,
	                                    ask->count, clock_now_ms(), &ask->page);
	ask->issues = json_array();
	return rc < 0 ? rc : page_json(c, req, ask);
}

/* Runs the search in one read transaction; on failure ask->issues is released. */
static int search(web_request *req, search_ask *ask)
{
	ask->req = req;
	int rc = db_read(track_app_of(req)->d, run, ask);
	if (rc) {
		json_decref(ask->issues);
		ask->issues = NULL;
	}
	return rc;
}

int track_api_search(web_request *req, web_response *res)
{
	search_ask ask = { .count = true };
	int rc = read_params(req, &ask);
	if (rc == 0 && !web_query(req, "fields"))
		query_add(req, "fields", "*navigable,-comment,-worklog");
	if (rc == 0)
		rc = search(req, &ask);
	if (rc)
		return rc;
	web_res_json(res, 200,
	             json_pack("{s:s, s:I, s:I, s:I, s:o}", "expand", "schema,names", "startAt",
	                       (json_int_t)ask.start, "maxResults", (json_int_t)ask.max, "total",
	                       (json_int_t)ask.page.total, "issues", ask.issues));
	return 0;
}

/* nextPageToken: the offset of the next page, as digits (opaque to clients). */
static int read_token(web_request *req, search_ask *ask)
{
	const char *token = web_query(req, "nextPageToken");
	const json_t *in_body = json_object_get(req->json, "nextPageToken");
	if (json_is_string(in_body))
		token = json_string_value(in_body);
	if (!token || !*token)
		return 0;
	char *end = NULL;
	long long offset = strtoll(token, &end, 10);
	if (*end || offset < 0 || token[0] < '0' || token[0] > '9')
		return err_fail(WEFT_EINVALID, "The nextPageToken '%s' is not valid.", token);
	web_paging p = { offset, ask->max };
	web_paging_clamp(&p, TRACK_SEARCH_DEFAULT_RESULTS, TRACK_SEARCH_MAX_RESULTS);
	ask->start = p.start;
	return 0;
}

int track_api_search_jql(web_request *req, web_response *res)
{
	search_ask ask = { 0 };
	jql_query *q = NULL;
	int rc = read_params(req, &ask);
	if (rc == 0)
		rc = read_token(req, &ask);
	ask.ids_only = !web_query(req, "fields");
	/* Jira refuses a search with no condition here; the parse errors come first. */
	if (rc == 0)
		rc = jql_parse(&q, req->arena, ask.jql);
	if (rc == 0 && !q->where)
		rc = err_fail(WEFT_EINVALID,
		              "Unbounded JQL queries are not allowed here. Please add a "
		              "search restriction to your query.");
	ask.parsed = q; /* parsed once */
	if (rc == 0)
		rc = search(req, &ask);
	if (rc)
		return rc;
	json_t *body = json_pack("{s:o, s:b}", "issues", ask.issues, "isLast", !ask.page.more);
	/* A page of no items (maxResults=0) has no next page to give. */
	if (ask.page.more && ask.max > 0)
		json_object_set_new(body, "nextPageToken",
		                    json_string(arena_printf(req->arena, "%lld",
		                                             (long long)(ask.start + ask.max))));
	web_res_json(res, 200, body);
	return 0;
}

/* Envelopes, page parameters, filtered and sorted list pages, links and accounts for hub's
 * Bitbucket-compatible API. */
#include "hub/api.h"

#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/str.h"
#include "hub/bbql.h"
#include "hub/hub.h"
#include "hub/team/team_api.h"
#include "web/escape.h"

static int read_number(web_request *req, const char *name, int64_t dflt, int64_t max, int64_t *out)
{
	const char *v = web_query(req, name);
	*out = dflt;
	if (!v)
		return 0;
	if (str_to_i64(out, v, 1, max, name) < 0)
		return err_fail(WEFT_EINVALID, "%s must be a whole number from 1 to %lld.", name,
		                (long long)max);
	return 0;
}

int hub_api_page_params(web_request *req, hub_page_params *out)
{
	int rc = read_number(req, "page", 1, 1000000000, &out->page);
	if (rc == 0)
		rc = read_number(req, "pagelen", HUB_PAGELEN_DEFAULT, HUB_PAGELEN_MAX,
		                 &out->pagelen);
	return rc;
}

/* Appends the pairs of p but page as query parameters; *sep is '?' before the first one. */
static void put_pairs(buf *url, char *sep, const web_pairs *p)
{
	for (size_t i = 0; i < p->len; i++) {
		const web_pair *pair = &p->items[i];
		if (strcmp(pair->name, "page") == 0)
			continue;
		buf_putc(url, *sep);
		*sep = '&';
		esc_url_query(url, pair->name, strlen(pair->name));
		buf_putc(url, '=');
		esc_url_query(url, pair->value, pair->value_len);
	}
}

const char *hub_api_page_url(web_request *req, const web_pairs *extra, const char *page)
{
	buf url = BUF_INIT;
	buf_puts(&url, web_base_url(req));
	buf_puts(&url, req->path);
	char sep = '?';
	put_pairs(&url, &sep, &req->query);
	if (extra)
		put_pairs(&url, &sep, extra);
	buf_putc(&url, sep);
	buf_puts(&url, "page=");
	esc_url_query(&url, page, strlen(page));
	const char *s = arena_strndup(req->arena, buf_cstr(&url), url.len);
	buf_dispose(&url);
	return s;
}

static const char *page_url(web_request *req, int64_t page)
{
	return hub_api_page_url(req, NULL, arena_printf(req->arena, "%lld", (long long)page));
}

json_t *hub_api_envelope(web_request *req, const hub_page_params *p, json_t *values, int64_t total,
                         bool has_more)
{
	json_t *env = json_pack("{s:I, s:I, s:o}", "pagelen", (json_int_t)p->pagelen, "page",
	                        (json_int_t)p->page, "values", values);
	if (total >= 0) {
		json_object_set_new(env, "size", json_integer(total));
		has_more = p->page * p->pagelen < total;
	}
	if (has_more)
		json_object_set_new(env, "next", json_string(page_url(req, p->page + 1)));
	if (p->page > 1)
		json_object_set_new(env, "previous", json_string(page_url(req, p->page - 1)));
	return env;
}

json_t *hub_api_href(web_request *req, const char *path)
{
	return json_pack("{s:s+}", "href", web_base_url(req), path);
}

const char *hub_api_braced(web_request *req, const char *uuid)
{
	return arena_printf(req->arena, "{%s}", uuid);
}

json_t *hub_api_user(web_request *req, const hub_user *u)
{
	char created[CLOCK_ISO_LEN];
	clock_format_iso8601(created, u->created_at);
	const char *braced = hub_api_braced(req, u->uuid);
	buf self = BUF_INIT;
	buf_puts(&self, "/2.0/users/");
	esc_url_segment(&self, braced, strlen(braced));
	json_t *links =
	        json_pack("{s:o, s:o, s:o}", "self", hub_api_href(req, buf_cstr(&self)), "html",
	                  hub_api_href(req, arena_printf(req->arena, "/%s/", u->username)),
	                  "avatar", hub_api_href(req, "/static/avatar.svg"));
	buf_dispose(&self);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:o}", "type", "user",
	                 "uuid", braced, "account_id", u->uuid, "display_name", u->display_name,
	                 "nickname", u->username, "username", u->username, "created_on", created,
	                 "account_status", u->is_active ? "active" : "inactive", "has_2fa_enabled",
	                 0, "is_staff", u->is_admin, "links", links);
}

int hub_api_run(json_t **out, web_request *req, db_fn fn, void *ctx, bool write)
{
	db *d = hub_app_of(req)->d;
	int rc = write ? db_tx(d, fn, ctx) : db_read(d, fn, ctx);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int hub_api_respond_list(web_request *req, web_response *res, json_t *items,
                         const char *const *fields)
{
	hub_page_params p;
	bbql *q = NULL;
	json_t *selected = NULL;
	const char *query = web_query(req, "q");
	int rc = hub_api_page_params(req, &p);
	if (rc == 0 && query)
		rc = hub_bbql_parse(&q, req->arena, query, fields);
	if (rc == 0)
		rc = hub_api_select(&selected, req->arena, items, q, web_query(req, "sort"),
		                    fields);
	json_decref(items);
	if (rc < 0)
		return rc;
	int64_t total = (int64_t)json_array_size(selected), first = (p.page - 1) * p.pagelen;
	json_t *values = json_array();
	for (int64_t i = first; i < total && i < first + p.pagelen; i++)
		json_array_append(values, json_array_get(selected, (size_t)i));
	json_decref(selected);
	web_res_json(res, 200, hub_api_envelope(req, &p, values, total, false));
	return 0;
}

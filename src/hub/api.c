/* Envelopes, page parameters, filtered and sorted list pages, links and accounts for hub's
 * Bitbucket-compatible API. */
#include "hub/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/clock.h"
#include "hub/bbql.h"
#include "hub/hub.h"
#include "web/escape.h"
#include "web/paging.h"

int hub_api_page_params(web_request *req, hub_page_params *out)
{
	web_paging p;
	int rc = web_paging_numbered(&p, &out->page, req, HUB_PAGELEN_DEFAULT, HUB_PAGELEN_MAX);
	if (rc == 0)
		out->pagelen = p.max;
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

/* The member of object v named by the first component of path (up to '.' or the end). */
static const json_t *path_step(const json_t *v, const char **path)
{
	char key[64];
	const char *dot = strchr(*path, '.');
	size_t len = dot ? (size_t)(dot - *path) : strlen(*path);
	if (len >= sizeof key || !json_is_object(v))
		return NULL;
	memcpy(key, *path, len);
	key[len] = '\0';
	*path += len + (dot != NULL);
	return json_object_get(v, key);
}

const char *hub_json_field(void *item, const char *name)
{
	hub_json_item *it = item;
	const json_t *v = it->json;
	for (const char *path = name; v && *path;)
		v = path_step(v, &path);
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_STRING: return json_string_value(v);
	case JSON_TRUE: return "true";
	case JSON_FALSE: return "false";
	case JSON_INTEGER:
		snprintf(it->number, sizeof it->number, "%" JSON_INTEGER_FORMAT,
		         json_integer_value(v));
		return it->number;
	case JSON_REAL:
		snprintf(it->number, sizeof it->number, "%.17g", json_real_value(v));
		return it->number;
	default: return NULL;
	}
}

typedef struct sort_entry {
	json_t *item;
	const char *key; /* NULL for null */
	size_t index; /* the position before sorting: ties keep it */
} sort_entry;

static int by_key(const void *a, const void *b, void *descending)
{
	const sort_entry *x = a, *y = b;
	int o = hub_bbql_order(x->key, y->key);
	if (*(const bool *)descending)
		o = -o;
	return o ? o : (x->index > y->index) - (x->index < y->index);
}

static bool in_list(const char *const *list, const char *name)
{
	for (; list && *list; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

/* The entries of items that match q, with their sort keys for field (NULL: none). */
static size_t matching(sort_entry *out, arena *a, const json_t *items, const bbql *q,
                       const char *field)
{
	size_t n = 0, i;
	json_t *item;
	json_array_foreach(items, i, item)
	{
		hub_json_item it = { .json = item };
		if (q && !hub_bbql_match(q, hub_json_field, &it))
			continue;
		const char *key = field ? hub_json_field(&it, field) : NULL;
		out[n++] = (sort_entry){ item, key ? arena_strdup(a, key) : NULL, i };
	}
	return n;
}

int hub_api_select(json_t **out, arena *a, const json_t *items, const bbql *q, const char *sort,
                   const char *const *fields)
{
	bool descending = sort && sort[0] == '-';
	const char *field = sort ? sort + descending : NULL;
	if (field && !in_list(fields, field))
		return err_fail(WEFT_EINVALID, "Invalid sort: there is no field %s to sort by.",
		                field);
	sort_entry *entries = arena_array(a, json_array_size(items) + 1, sizeof *entries);
	size_t n = matching(entries, a, items, q, field);
	if (field)
		qsort_r(entries, n, sizeof *entries, by_key, &descending);
	json_t *selected = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append(selected, entries[i].item);
	*out = selected;
	return 0;
}

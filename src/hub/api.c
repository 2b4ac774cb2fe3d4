/* Envelopes, page parameters, links and accounts for hub's Bitbucket-compatible API. */
#include "hub/api.h"

#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/str.h"
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

/* This request's URL with its query's page replaced by page (other parameters kept, repeats
 * too, as clients follow next verbatim). */
static const char *page_url(web_request *req, int64_t page)
{
	buf url = BUF_INIT;
	buf_puts(&url, web_base_url(req));
	buf_puts(&url, req->path);
	char sep = '?';
	for (size_t i = 0; i < req->query.len; i++) {
		const web_pair *p = &req->query.items[i];
		if (strcmp(p->name, "page") == 0)
			continue;
		buf_putc(&url, sep);
		sep = '&';
		esc_url_query(&url, p->name, strlen(p->name));
		buf_putc(&url, '=');
		esc_url_query(&url, p->value, p->value_len);
	}
	buf_printf(&url, "%cpage=%lld", sep, (long long)page);
	const char *s = arena_strndup(req->arena, buf_cstr(&url), url.len);
	buf_dispose(&url);
	return s;
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

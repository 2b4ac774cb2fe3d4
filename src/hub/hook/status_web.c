/* Build statuses for the pages. */
#include "hub/hook/status_web.h"

#include <string.h>

#include "base/buf.h"
#include "hub/hook/status.h"
#include "hub/hub.h"

/* The symbol and the words of a state, for the icon and its label. */
static json_t *icon_json(const char *state)
{
	static const char *const table[][3] = {
		{ "SUCCESSFUL", "\u2714", "Build passed" },
		{ "FAILED", "\u2718", "Build failed" },
		{ "INPROGRESS", "\u25cf", "Build in progress" },
		{ "STOPPED", "\u25a0", "Build stopped" },
	};
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcmp(state, table[i][0]) == 0)
			return json_pack("{s:s, s:s, s:s}", "state", state, "icon", table[i][1],
			                 "label", table[i][2]);
	return json_pack("{s:s, s:s, s:s}", "state", state, "icon", "?", "label", state);
}

typedef struct annotate_ctx {
	web_request *req;
	const hub_repo *r;
	const char **hashes;
	size_t n;
	hub_status **lists;
	size_t *counts;
} annotate_ctx;

static int read_many(db_conn *c, void *ctx)
{
	annotate_ctx *ac = ctx;
	return hub_status_list_many(c, ac->req->arena, ac->r->id, ac->hashes, ac->n, &ac->lists,
	                            &ac->counts);
}

int hub_status_annotate(web_request *req, const hub_repo *r, json_t *rows)
{
	size_t n = json_array_size(rows);
	if (n > HUB_STATUS_BATCH_MAX)
		n = HUB_STATUS_BATCH_MAX;
	annotate_ctx ac = { req, r,    arena_array(req->arena, n ? n : 1, sizeof(char *)),
		            0,   NULL, NULL };
	for (size_t i = 0; i < n; i++) {
		const char *hash =
		        json_string_value(json_object_get(json_array_get(rows, i), "hash"));
		ac.hashes[ac.n++] = hash ? hash : "";
	}
	if (ac.n == 0)
		return 0;
	int rc = db_read(hub_app_of(req)->d, read_many, &ac);
	for (size_t i = 0; rc == 0 && i < ac.n; i++) {
		const char *state = hub_status_summary(ac.lists[i], ac.counts[i]);
		if (state)
			json_object_set_new(json_array_get(rows, i), "build", icon_json(state));
	}
	return rc;
}

/* url with {repository.full_name} and {commit} filled in, in the request's arena. */
static const char *render_url(web_request *req, const hub_repo *r, const char *url,
                              const char *hash)
{
	buf b = BUF_INIT;
	const char *full = arena_printf(req->arena, "%s/%s", r->workspace_slug, r->slug);
	for (const char *p = url; *p;) {
		if (strncmp(p, "{repository.full_name}", 22) == 0) {
			buf_puts(&b, full);
			p += 22;
		} else if (strncmp(p, "{commit}", 8) == 0) {
			buf_puts(&b, hash);
			p += 8;
		} else
			buf_putc(&b, *p++);
	}
	const char *out = arena_strdup(req->arena, buf_cstr(&b));
	buf_dispose(&b);
	return out;
}

typedef struct commit_ctx {
	web_request *req;
	const hub_repo *r;
	const char *hash;
	hub_status *items;
	size_t n;
} commit_ctx;

static int read_one(db_conn *c, void *ctx)
{
	commit_ctx *cc = ctx;
	return hub_status_list(c, cc->req->arena, cc->r->id, cc->hash, &cc->items, &cc->n);
}

int hub_status_commit_data(web_request *req, const hub_repo *r, const char *hash, json_t *data)
{
	commit_ctx cc = { req, r, hash, NULL, 0 };
	int rc = db_read(hub_app_of(req)->d, read_one, &cc);
	json_t *list = json_array();
	for (size_t i = 0; rc == 0 && i < cc.n; i++) {
		const hub_status *s = &cc.items[i];
		const char *url = render_url(req, r, s->url, hash);
		json_t *item = icon_json(s->state);
		json_object_set_new(item, "name", json_string(*s->name ? s->name : s->key));
		json_object_set_new(item, "description", json_string(s->description));
		if (hub_status_url_linkable(url))
			json_object_set_new(item, "url", json_string(url));
		json_array_append_new(list, item);
	}
	json_object_set_new(data, "has_statuses", json_boolean(cc.n > 0));
	json_object_set_new(data, "statuses", list);
	return rc;
}

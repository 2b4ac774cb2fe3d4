/* The OAuth consumers pages, in account settings and in a team's settings (its administrators
 * only: the route's permission): list, add (the secret shown once), edit, regenerate the secret,
 * delete. Each change runs in one transaction. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/str.h"
#include "hub/form.h"
#include "hub/hub.h"
#include "hub/oauth/consumer.h"
#include "hub/oauth/oauth.h"
#include "web/status.h"

typedef struct consumer_ctx {
	web_request *req;
	hub_workspace ws; /* the owner: the team of the path, or the viewer's own workspace */
	int64_t id; /* {id}, 0 on the list */
	oauth_consumer_fields f; /* what the form typed */
	oauth_consumer consumer;
	char secret[OAUTH_SECRET_LEN + 1]; /* a new secret to show once, or "" */
	json_t *items;
} consumer_ctx;

static int check_id(const char *value)
{
	int64_t id;
	return str_to_i64(&id, value, 1, INT64_MAX, "id");
}

const web_param_spec hub_oauth_id_params[] = {
	{ "id", WEB_FROM_PATH, true, check_id, 0 },
	{ NULL, WEB_FROM_PATH, false, NULL, 0 },
};

static db *db_of(const web_request *req)
{
	return hub_app_of(req)->d;
}

static bool for_team(const web_request *req)
{
	return web_param(req, "workspace") != NULL;
}

/* Where the pages live: /account/settings/oauth-consumers or /{team}/settings/oauth-consumers. */
static const char *base_path(const consumer_ctx *cc)
{
	if (for_team(cc->req))
		return arena_printf(cc->req->arena, "/%s/settings/oauth-consumers", cc->ws.slug);
	return "/account/settings/oauth-consumers";
}

static int find_own_workspace(db_conn *c, void *ctx)
{
	consumer_ctx *cc = ctx;
	return hub_workspace_find(c, cc->req->arena, hub_viewer_of(cc->req)->user.username,
	                          &cc->ws);
}

static int begin(web_request *req, consumer_ctx *out)
{
	*out = (consumer_ctx){ .req = req };
	const char *id = web_param(req, "id");
	if (id)
		str_to_i64(&out->id, id, 1, INT64_MAX, "id");
	if (for_team(req)) {
		out->ws = hub_scope_of(req)->ws;
		return 0;
	}
	return db_read(db_of(req), find_own_workspace, out);
}

/* The form's fields; the ticked permissions joined with spaces (the form repeats "scopes"). */
static void read_form(consumer_ctx *cc)
{
	web_request *req = cc->req;
	const char **names = NULL;
	size_t n = web_pairs_list(&names, req->arena, &req->form, "scopes");
	buf joined = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		buf_printf(&joined, "%s%s", i ? " " : "", names[i]);
	cc->f = (oauth_consumer_fields){
		hub_form_text(req, "name"),          hub_form_text(req, "description"),
		hub_form_text(req, "callback_url"),  hub_form_text(req, "url"),
		hub_form_checked(req, "is_private"), arena_strdup(req->arena, buf_cstr(&joined))
	};
	buf_dispose(&joined);
}

static json_t *scope_choices(const char *ticked)
{
	json_t *choices = json_array();
	for (const oauth_scope *s = hub_oauth_scopes; s->name; s++)
		json_array_append_new(choices, json_pack("{s:s, s:s, s:b}", "name", s->name,
		                                         "words", s->description, "checked",
		                                         hub_scopes_has(ticked, s->name)));
	return choices;
}

/* A string member; text typed that is not UTF-8 (and refused) is dropped rather than shown. */
static void set_text(json_t *object, const char *key, const char *text)
{
	json_t *value = text ? json_string(text) : NULL;
	if (value)
		json_object_set_new(object, key, value);
}

static json_t *fields_json(const oauth_consumer_fields *f)
{
	json_t *out = json_pack("{s:b}", "is_private", f->is_private);
	set_text(out, "name", f->name);
	set_text(out, "description", f->description);
	set_text(out, "callback_url", f->callback_url);
	set_text(out, "url", f->url);
	json_object_set_new(out, "scopes", scope_choices(f->scopes));
	return out;
}

static json_t *consumer_json(const oauth_consumer *c)
{
	char iso[CLOCK_ISO_LEN];
	clock_format_iso8601(iso, c->created_at);
	json_t *out = json_pack("{s:I, s:s, s:o, s:I, s:b, s:s%}", "id", (json_int_t)c->id, "key",
	                        c->key, "permissions", hub_form_words(c->f.scopes), "grants",
	                        (json_int_t)c->grants, "is_private", c->f.is_private, "created",
	                        iso, (size_t)10);
	set_text(out, "name", c->f.name);
	set_text(out, "description", c->f.description);
	set_text(out, "callback_url", c->f.callback_url);
	set_text(out, "url", c->f.url);
	return out;
}

/* Every page: the account's or the team's tabs, the notice or the refusal. */
static int render(consumer_ctx *cc, web_response *res, int status, const char *page,
                  const char *error, json_t *data)
{
	web_request *req = cc->req;
	json_object_set_new(data, "base", json_string(base_path(cc)));
	json_object_set_new(data, "tab_oauth", json_true());
	if (for_team(req))
		json_object_set_new(data, "team_settings",
		                    json_pack("{s:b}", "is_team", cc->ws.is_team));
	else
		json_object_set_new(data, "account_settings", json_true());
	char initial[2] = { (char)toupper((unsigned char)cc->ws.name[0]), '\0' };
	if (!isalnum((unsigned char)initial[0]))
		initial[0] = '?';
	json_object_set_new(data, "ws",
	                    json_pack("{s:s, s:s, s:s}", "slug", cc->ws.slug, "name", cc->ws.name,
	                              "initial", initial));
	set_text(data, "username", hub_viewer_of(req)->user.username);
	set_text(data, "error", error);
	if (!error && web_query(req, "done"))
		set_text(data, "notice",
		         strcmp(web_query(req, "done"), "deleted") == 0
		                 ? "The consumer is deleted, with every grant and token it had."
		                 : "The consumer is saved.");
	if (cc->secret[0])
		web_res_header(req, res, "Cache-Control", "no-store");
	return hub_page(req, res, status, page, "OAuth consumers", data);
}

static void add_row(void *ctx, const oauth_consumer *c)
{
	json_array_append_new(ctx, consumer_json(c));
}

static int list_consumers(db_conn *c, void *ctx)
{
	consumer_ctx *cc = ctx;
	return hub_oauth_consumer_list(c, cc->ws.id, add_row, cc->items);
}

/* The list with the add form (typed: what was refused), and the new consumer's secret. */
static int list_page(consumer_ctx *cc, web_response *res, int status, const char *error)
{
	cc->items = json_array();
	int rc = db_read(db_of(cc->req), list_consumers, cc);
	if (rc < 0) {
		json_decref(cc->items);
		return rc;
	}
	json_t *data = json_pack("{s:o, s:b}", "consumers", cc->items, "has_consumers",
	                         json_array_size(cc->items) > 0);
	oauth_consumer_fields blank = { "", "", "", "", false, "" };
	json_object_set_new(data, "form", fields_json(error ? &cc->f : &blank));
	if (cc->secret[0]) {
		json_t *created = consumer_json(&cc->consumer);
		json_object_set_new(created, "secret", json_string(cc->secret));
		json_object_set_new(data, "created", created);
	}
	return render(cc, res, status, "hub/oauth_consumers", error, data);
}

static int refused(consumer_ctx *cc, web_response *res, int rc,
                   int (*page)(consumer_ctx *, web_response *, int, const char *))
{
	if (rc == WEFT_EINVALID || rc == WEFT_EEXISTS)
		return page(cc, res, web_status_for_error(rc),
		            arena_strdup(cc->req->arena, err_msg()));
	return rc;
}

int hub_oauth_consumers_page(web_request *req, web_response *res)
{
	consumer_ctx cc;
	int rc = begin(req, &cc);
	return rc < 0 ? rc : list_page(&cc, res, 200, NULL);
}

static int create_consumer(db_conn *c, void *ctx)
{
	consumer_ctx *cc = ctx;
	return hub_oauth_consumer_create(c, cc->req->arena, cc->ws.id,
	                                 hub_viewer_of(cc->req)->user.id, &cc->f, cc->secret,
	                                 &cc->consumer);
}

int hub_oauth_consumer_create_submit(web_request *req, web_response *res)
{
	consumer_ctx cc;
	int rc = begin(req, &cc);
	read_form(&cc);
	if (rc == 0)
		rc = db_tx(db_of(req), create_consumer, &cc);
	if (rc == 0)
		return list_page(&cc, res, 201, NULL);
	cc.secret[0] = '\0'; /* made in a transaction that did not commit */
	return refused(&cc, res, rc, list_page);
}

static int get_consumer(db_conn *c, void *ctx)
{
	consumer_ctx *cc = ctx;
	return hub_oauth_consumer_get(c, cc->req->arena, cc->ws.id, cc->id, &cc->consumer);
}

/* One consumer: its key, grants, the edit form (typed, when refused), regenerate and delete. */
static int detail_page(consumer_ctx *cc, web_response *res, int status, const char *error)
{
	int rc = db_read(db_of(cc->req), get_consumer, cc);
	if (rc < 0)
		return rc;
	json_t *data = json_pack("{s:o, s:o}", "consumer", consumer_json(&cc->consumer), "form",
	                         fields_json(error ? &cc->f : &cc->consumer.f));
	if (cc->secret[0])
		json_object_set_new(data, "secret", json_string(cc->secret));
	return render(cc, res, status, "hub/oauth_consumer", error, data);
}

int hub_oauth_consumer_page(web_request *req, web_response *res)
{
	consumer_ctx cc;
	int rc = begin(req, &cc);
	return rc < 0 ? rc : detail_page(&cc, res, 200, NULL);
}

static int update_consumer(db_conn *c, void *ctx)
{
	consumer_ctx *cc = ctx;
	return hub_oauth_consumer_update(c, cc->req->arena, cc->ws.id, cc->id, &cc->f);
}

int hub_oauth_consumer_update_submit(web_request *req, web_response *res)
{
	consumer_ctx cc;
	int rc = begin(req, &cc);
	read_form(&cc);
	if (rc == 0)
		rc = db_tx(db_of(req), update_consumer, &cc);
	if (rc < 0)
		return refused(&cc, res, rc, detail_page);
	web_res_redirect(
	        req, res, 303,
	        arena_printf(req->arena, "%s/%lld?done=saved", base_path(&cc), (long long)cc.id));
	return 0;
}

static int delete_consumer(db_conn *c, void *ctx)
{
	consumer_ctx *cc = ctx;
	return hub_oauth_consumer_delete(c, cc->ws.id, cc->id);
}

int hub_oauth_consumer_delete_submit(web_request *req, web_response *res)
{
	consumer_ctx cc;
	int rc = begin(req, &cc);
	if (rc == 0)
		rc = db_tx(db_of(req), delete_consumer, &cc);
	if (rc < 0)
		return rc;
	web_res_redirect(req, res, 303,
	                 arena_printf(req->arena, "%s?done=deleted", base_path(&cc)));
	return 0;
}

static int regenerate(db_conn *c, void *ctx)
{
	consumer_ctx *cc = ctx;
	return hub_oauth_consumer_regenerate_secret(c, cc->ws.id, cc->id, cc->secret);
}

int hub_oauth_consumer_secret_submit(web_request *req, web_response *res)
{
	consumer_ctx cc;
	int rc = begin(req, &cc);
	if (rc == 0)
		rc = db_tx(db_of(req), regenerate, &cc);
	return rc < 0 ? rc : detail_page(&cc, res, 200, NULL);
}

/* The webhook pages: handlers parse the form, call hook.h, and render templates/hub/hooks*.html. */
#include "hub/hook/hook_web.h"

#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/str.h"
#include "hub/form.h"
#include "hub/browse/commit_api.h"
#include "hub/browse/commit_web.h"
#include "hub/hook/hook.h"
#include "hub/hub.h"
#include "web/form.h"
#include "web/status.h"

typedef struct page_ctx {
	web_request *req;
	hub_hook_subject subject;
	const char *base; /* /{ws}/{slug}/admin/hooks or /{ws}/settings/hooks */
	const char *title; /* what the hooks belong to */
	hub_hook hook;
	int64_t id; /* a delivery */
	json_t *out;
} page_ctx;

static void init(page_ctx *pc, web_request *req)
{
	const hub_scope *s = hub_scope_of(req);
	*pc = (page_ctx){ .req = req,
		          .subject = { s->ws.id, s->repository_id },
		          .out = json_object() };
	pc->base = s->repository_id ? arena_printf(req->arena, "/%s/%s/admin/hooks", s->ws.slug,
	                                           s->repository_slug)
	                            : arena_printf(req->arena, "/%s/settings/hooks", s->ws.slug);
	pc->title = s->repository_id
	                    ? arena_printf(req->arena, "%s / %s", s->ws.slug, s->repository_slug)
	                    : s->ws.name;
}

static int render(page_ctx *pc, web_response *res, int status, const char *page, const char *error)
{
	const hub_scope *s = hub_scope_of(pc->req);
	json_object_set_new(pc->out, "base", json_string(pc->base));
	json_object_set_new(pc->out, "subject", json_string(pc->title));
	json_object_set_new(
	        pc->out, "settings",
	        json_string(s->repository_id
	                            ? arena_printf(pc->req->arena, "/%s/%s/admin", s->ws.slug,
	                                           s->repository_slug)
	                            : arena_printf(pc->req->arena, "/%s/settings", s->ws.slug)));
	/* A repository's webhooks sit among its settings' tabs, Webhooks the current one. */
	if (s->repository_id) {
		json_object_set_new(pc->out, "repo",
		                    json_pack("{s:s, s:s, s:s}", "workspace", s->ws.slug, "slug",
		                              s->repository_slug, "name", s->repository_slug));
		json_object_set_new(pc->out, "tab_hooks", json_true());
	}
	if (error)
		json_object_set_new(pc->out, "error", json_string(error));
	if (web_query(pc->req, "notice"))
		json_object_set_new(pc->out, "notice", json_string("Saved."));
	return hub_page(pc->req, res, status, page,
	                arena_printf(pc->req->arena, "Webhooks · %s", pc->title), pc->out);
}

/* ---- the list and the form ---- */

static json_t *catalogue_json(const hub_hook *h)
{
	size_t n;
	const hub_hook_event_info *events = hub_hook_catalogue(&n);
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		bool on = !h && strcmp(events[i].event, "repo:push") == 0;
		for (size_t j = 0; h && j < h->nevents; j++)
			on = on || strcmp(h->events[j], events[i].event) == 0;
		json_array_append_new(list,
		                      json_pack("{s:s, s:s, s:s, s:b}", "event", events[i].event,
		                                "label", events[i].label, "category",
		                                events[i].category, "checked", on));
	}
	return list;
}

static json_t *hook_json(const hub_hook *h)
{
	json_t *events = json_array();
	for (size_t i = 0; i < h->nevents; i++)
		json_array_append_new(events, json_string(h->events[i]));
	return json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:o}", "uuid", h->uuid, "url", h->url,
	                 "description", h->description, "active", h->active, "secret_set",
	                 h->secret_set, "skip_cert_verification", h->skip_cert_verification,
	                 "events", events);
}

static int load_list(db_conn *c, void *ctx)
{
	page_ctx *pc = ctx;
	hub_hook *hooks = NULL;
	size_t n = 0;
	int rc = hub_hook_list(c, pc->req->arena, &pc->subject, &hooks, &n);
	json_t *list = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++)
		json_array_append_new(list, hook_json(&hooks[i]));
	json_object_set_new(pc->out, "hooks", list);
	json_object_set_new(pc->out, "catalogue", catalogue_json(NULL));
	return rc;
}

static int list_page(web_request *req, web_response *res, int status, const char *error)
{
	page_ctx pc;
	init(&pc, req);
	int rc = db_read(hub_app_of(req)->d, load_list, &pc);
	if (rc < 0) {
		json_decref(pc.out);
		return rc;
	}
	return render(&pc, res, status, "hub/hooks", error);
}

int hub_hooks_page(web_request *req, web_response *res)
{
	return list_page(req, res, 200, NULL);
}

/* The form's fields: events are the ticked checkboxes named "events". */
static void read_form(web_request *req, hub_hook_input *in, bool creating)
{
	const web_pairs *f = &req->form;
	size_t n = 0;
	const char **events = arena_array(req->arena, f->len ? f->len : 1, sizeof *events);
	for (size_t i = 0; i < f->len; i++)
		if (strcmp(f->items[i].name, "events") == 0)
			events[n++] = f->items[i].value;
	const char *secret = hub_form_text(req, "secret");
	*in = (hub_hook_input){
		.url = hub_form_text(req, "url"),
		.description = hub_form_text(req, "description"),
		.active = hub_form_checked(req, "active"),
		.secret_given = creating
		                        ? *secret != '\0'
		                        : *secret != '\0' || hub_form_checked(req, "remove_secret"),
		.secret = *secret ? secret : NULL,
		.skip_cert_verification = hub_form_checked(req, "skip_cert_verification"),
		.events = events,
		.nevents = n,
		.events_given = true,
	};
}

typedef struct submit_ctx {
	page_ctx *pc;
	hub_hook_input in;
	const char *uuid;
} submit_ctx;

static int create_tx(db_conn *c, void *ctx)
{
	submit_ctx *sc = ctx;
	const hub_viewer *v = hub_viewer_of(sc->pc->req);
	return hub_hook_create(c, sc->pc->req->arena, &sc->pc->subject, v ? v->user.id : 0, &sc->in,
	                       &sc->pc->hook);
}

int hub_hook_create_submit(web_request *req, web_response *res)
{
	page_ctx pc;
	init(&pc, req);
	json_decref(pc.out);
	submit_ctx sc = { &pc, { 0 }, NULL };
	read_form(req, &sc.in, true);
	int rc = db_tx(hub_app_of(req)->d, create_tx, &sc);
	if (hub_form_refusal(rc))
		return list_page(req, res, web_status_for_error(rc),
		                 arena_strdup(req->arena, err_msg()));
	return rc < 0 ? rc
	              : hub_form_redirect(req, res,
	                                  arena_printf(req->arena, "%s?notice=saved", pc.base));
}

/* ---- one hook ---- */

static int load_hook(db_conn *c, void *ctx)
{
	page_ctx *pc = ctx;
	int rc =
	        hub_hook_get(c, pc->req->arena, &pc->subject, web_param(pc->req, "uid"), &pc->hook);
	if (rc == 0) {
		json_object_set_new(pc->out, "hook", hook_json(&pc->hook));
		json_object_set_new(pc->out, "catalogue", catalogue_json(&pc->hook));
	}
	return rc;
}

static int hook_page(web_request *req, web_response *res, int status, const char *error)
{
	page_ctx pc;
	init(&pc, req);
	int rc = db_read(hub_app_of(req)->d, load_hook, &pc);
	if (rc < 0) {
		json_decref(pc.out);
		return rc;
	}
	return render(&pc, res, status, "hub/hook", error);
}

int hub_hook_page(web_request *req, web_response *res)
{
	return hook_page(req, res, 200, NULL);
}

static int update_tx(db_conn *c, void *ctx)
{
	submit_ctx *sc = ctx;
	return hub_hook_update(c, sc->pc->req->arena, &sc->pc->subject, sc->uuid, &sc->in,
	                       &sc->pc->hook);
}

int hub_hook_update_submit(web_request *req, web_response *res)
{
	page_ctx pc;
	init(&pc, req);
	json_decref(pc.out);
	submit_ctx sc = { &pc, { 0 }, web_param(req, "uid") };
	read_form(req, &sc.in, false);
	int rc = db_tx(hub_app_of(req)->d, update_tx, &sc);
	if (hub_form_refusal(rc) && rc != WEFT_ENOTFOUND)
		return hook_page(req, res, web_status_for_error(rc),
		                 arena_strdup(req->arena, err_msg()));
	return rc < 0 ? rc
	              : hub_form_redirect(req, res,
	                                  arena_printf(req->arena, "%s?notice=saved", pc.base));
}

static int delete_tx(db_conn *c, void *ctx)
{
	submit_ctx *sc = ctx;
	return hub_hook_delete(c, &sc->pc->subject, sc->uuid);
}

int hub_hook_delete_submit(web_request *req, web_response *res)
{
	page_ctx pc;
	init(&pc, req);
	json_decref(pc.out);
	submit_ctx sc = { &pc, { 0 }, web_param(req, "uid") };
	int rc = db_tx(hub_app_of(req)->d, delete_tx, &sc);
	return rc < 0 ? rc
	              : hub_form_redirect(req, res,
	                                  arena_printf(req->arena, "%s?notice=deleted", pc.base));
}

/* ---- the request log ---- */

static json_t *delivery_json(web_request *req, const hub_hook_delivery *d)
{
	return json_pack(
	        "{s:I, s:s, s:s, s:s, s:i, s:s, s:i, s:b, s:b, s:b}", "id", (json_int_t)d->id,
	        "event", d->event, "request_uuid", d->request_uuid, "state", d->state, "attempts",
	        d->attempts, "time", hub_history_time(req, d->created_at / 1000), "last_status",
	        d->last_status, "failed",
	        strcmp(d->state, "failed") == 0 ||
	                (strcmp(d->state, "pending") == 0 && d->attempts > 0),
	        "delivered", strcmp(d->state, "delivered") == 0, "resent", d->resent_from != 0);
}

static int load_requests(db_conn *c, void *ctx)
{
	page_ctx *pc = ctx;
	web_request *req = pc->req;
	bool failed_only = web_query(req, "failed") != NULL;
	int64_t before = 0;
	const char *b = web_query(req, "before");
	if (b && str_to_i64(&before, b, 1, INT64_MAX, "before") < 0)
		return WEFT_EINVALID;
	hub_hook_delivery *list = NULL;
	size_t n = 0;
	int rc = load_hook(c, pc);
	if (rc == 0)
		rc = hub_hook_deliveries(c, req->arena, pc->hook.id, failed_only, before, &list,
		                         &n);
	json_t *items = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++)
		json_array_append_new(items, delivery_json(req, &list[i]));
	json_object_set_new(pc->out, "requests", items);
	json_object_set_new(pc->out, "failed_only", json_boolean(failed_only));
	if (rc == 0 && n == HUB_HOOK_LOG_PAGE)
		json_object_set_new(pc->out, "older",
		                    json_string(arena_printf(req->arena, "?%sbefore=%lld",
		                                             failed_only ? "failed=1&" : "",
		                                             (long long)list[n - 1].id)));
	return rc;
}

int hub_hook_requests_page(web_request *req, web_response *res)
{
	page_ctx pc;
	init(&pc, req);
	int rc = db_read(hub_app_of(req)->d, load_requests, &pc);
	if (rc < 0) {
		json_decref(pc.out);
		return rc;
	}
	return render(&pc, res, 200, "hub/hook_requests", NULL);
}

static json_t *attempt_json(web_request *req, const hub_hook_attempt *t)
{
	return json_pack("{s:i, s:s, s:I, s:i, s:b, s:s, s:s, s:s, s:s}", "attempt", t->attempt,
	                 "time", hub_history_time(req, t->started_at / 1000), "duration_ms",
	                 (json_int_t)t->duration_ms, "status", t->status, "ok",
	                 t->status >= 200 && t->status <= 299, "request_headers",
	                 t->request_headers, "response_headers", t->response_headers,
	                 "response_body", t->response_body, "error", t->error);
}

static int load_request(db_conn *c, void *ctx)
{
	page_ctx *pc = ctx;
	hub_hook_delivery d;
	int64_t id = 0;
	if (str_to_i64(&id, web_param(pc->req, "id"), 1, INT64_MAX, "id") < 0)
		return err_fail(WEFT_ENOTFOUND, "No such request of this webhook.");
	int rc = load_hook(c, pc);
	if (rc == 0)
		rc = hub_hook_delivery_get(c, pc->req->arena, pc->hook.id, id, &d);
	if (rc < 0)
		return rc;
	json_t *request = delivery_json(pc->req, &d);
	json_t *tries = json_array();
	for (size_t i = 0; i < d.ntries; i++)
		json_array_append_new(tries, attempt_json(pc->req, &d.tries[i]));
	json_object_set_new(request, "body", json_string(d.body));
	json_object_set_new(request, "tries", tries);
	json_object_set_new(pc->out, "request", request);
	return 0;
}

int hub_hook_request_page(web_request *req, web_response *res)
{
	page_ctx pc;
	init(&pc, req);
	int rc = db_read(hub_app_of(req)->d, load_request, &pc);
	if (rc < 0) {
		json_decref(pc.out);
		return rc == WEFT_EINVALID ? WEFT_ENOTFOUND : rc;
	}
	return render(&pc, res, 200, "hub/hook_request", NULL);
}

static int resend_tx(db_conn *c, void *ctx)
{
	page_ctx *pc = ctx;
	int64_t resent = 0;
	int rc = str_to_i64(&pc->id, web_param(pc->req, "id"), 1, INT64_MAX, "id") < 0
	                 ? err_fail(WEFT_ENOTFOUND, "No such request of this webhook.")
	                 : hub_hook_get(c, pc->req->arena, &pc->subject, web_param(pc->req, "uid"),
	                                &pc->hook);
	if (rc == 0)
		rc = hub_hook_resend(c, pc->hook.id, pc->id, &resent);
	if (rc == 0)
		pc->id = resent;
	return rc;
}

int hub_hook_resend_submit(web_request *req, web_response *res)
{
	page_ctx pc;
	init(&pc, req);
	json_decref(pc.out);
	int rc = db_tx(hub_app_of(req)->d, resend_tx, &pc);
	return rc < 0 ? rc
	              : hub_form_redirect(req, res,
	                                  arena_printf(req->arena, "%s/%s/requests/%lld", pc.base,
	                                               pc.hook.uuid, (long long)pc.id));
}

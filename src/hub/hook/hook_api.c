/* The webhooks API: subscriptions of repositories and workspaces, and the event catalogue. */
#include "hub/hook/hook_api.h"

#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "hub/api.h"
#include "hub/hook/hook.h"
#include "hub/hook/payload.h"
#include "hub/hub.h"

/* ---- the subscription object ---- */

typedef struct hook_ctx {
	web_request *req;
	hub_hook_subject subject;
	hub_hook_input in;
	const char *uuid;
	hub_hook hook;
	hub_hook *hooks;
	size_t n;
	json_t *out;
} hook_ctx;

static hub_hook_subject subject_of(web_request *req)
{
	const hub_scope *s = hub_scope_of(req);
	return (hub_hook_subject){ s->ws.id, s->repository_id };
}

static int subject_json(db_conn *c, hook_ctx *hc, json_t **out)
{
	const hub_scope *s = hub_scope_of(hc->req);
	if (!hc->subject.repository_id) {
		*out = hub_payload_workspace(hc->req->arena, &s->ws);
		return 0;
	}
	hub_repo r;
	int rc = hub_repo_get(c, hc->req->arena, hc->subject.repository_id, &r);
	return rc < 0 ? rc : hub_payload_repository(c, hc->req->arena, &r, out);
}

static json_t *hook_json(hook_ctx *hc, const hub_hook *h, json_t *subject)
{
	char created[CLOCK_ISO_LEN];
	clock_format_iso8601(created, h->created_at);
	json_t *events = json_array();
	for (size_t i = 0; i < h->nevents; i++)
		json_array_append_new(events, json_string(h->events[i]));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:s, s:o, s:b, s:b}", "type",
	                 "webhook_subscription", "uuid", hub_api_braced(hc->req, h->uuid), "url",
	                 h->url, "description", h->description, "subject_type",
	                 h->subject.repository_id ? "repository" : "workspace", "subject", subject,
	                 "active", h->active, "created_at", created, "events", events, "secret_set",
	                 h->secret_set, "skip_cert_verification", h->skip_cert_verification);
}

/* ---- the body ---- */

static int read_events(hook_ctx *hc, const json_t *events)
{
	if (!json_is_array(events))
		return err_fail(WEFT_EINVALID, "events: must be a list of event keys.");
	size_t n = json_array_size(events);
	if (n > HUB_HOOK_EVENTS_MAX)
		return err_fail(WEFT_EINVALID, "events: at most %d.", HUB_HOOK_EVENTS_MAX);
	const char **list = arena_array(hc->req->arena, n ? n : 1, sizeof *list);
	for (size_t i = 0; i < n; i++) {
		list[i] = json_string_value(json_array_get(events, i));
		if (!list[i])
			return err_fail(WEFT_EINVALID, "events: must be a list of event keys.");
	}
	hc->in.events = list;
	hc->in.nevents = n;
	hc->in.events_given = true;
	return 0;
}

static int read_flag(const json_t *body, const char *name, int *out)
{
	const json_t *v = json_object_get(body, name);
	*out = -1;
	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return err_fail(WEFT_EINVALID, "%s: must be true or false.", name);
	*out = json_is_true(v);
	return 0;
}

static int read_string(const json_t *body, const char *name, const char **out)
{
	const json_t *v = json_object_get(body, name);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return err_fail(WEFT_EINVALID, "%s: must be a string.", name);
	*out = json_string_value(v);
	return 0;
}

static int read_body(hook_ctx *hc, const json_t *body)
{
	hc->in = (hub_hook_input){ .active = -1, .skip_cert_verification = -1 };
	if (!json_is_object(body))
		return err_fail(WEFT_EINVALID, "The body must be a JSON object.");
	const json_t *secret = json_object_get(body, "secret");
	const json_t *events = json_object_get(body, "events");
	int rc = read_string(body, "url", &hc->in.url);
	if (rc == 0)
		rc = read_string(body, "description", &hc->in.description);
	if (rc == 0)
		rc = read_flag(body, "active", &hc->in.active);
	if (rc == 0)
		rc = read_flag(body, "skip_cert_verification", &hc->in.skip_cert_verification);
	if (rc == 0 && secret && !json_is_null(secret) && !json_is_string(secret))
		rc = err_fail(WEFT_EINVALID, "secret: must be a string or null.");
	hc->in.secret_given = secret != NULL;
	hc->in.secret = json_string_value(secret);
	if (rc == 0 && events)
		rc = read_events(hc, events);
	return rc;
}

/* ---- handlers ---- */

static int list_tx(db_conn *c, void *ctx)
{
	hook_ctx *hc = ctx;
	int rc = hub_hook_list(c, hc->req->arena, &hc->subject, &hc->hooks, &hc->n);
	hc->out = json_array();
	for (size_t i = 0; rc == 0 && i < hc->n; i++) {
		json_t *subject = NULL;
		rc = subject_json(c, hc, &subject);
		if (rc == 0)
			json_array_append_new(hc->out, hook_json(hc, &hc->hooks[i], subject));
	}
	return rc;
}

int hub_api_hooks(web_request *req, web_response *res)
{
	hook_ctx hc = { .req = req, .subject = subject_of(req) };
	int rc = hub_api_run(&hc.out, req, list_tx, &hc, false);
	if (rc < 0)
		return rc;
	static const char *const fields[] = { "uuid", "url", "description", "active", NULL };
	return hub_api_respond_list(req, res, hc.out, fields);
}

static int respond_one(db_conn *c, hook_ctx *hc)
{
	json_t *subject = NULL;
	int rc = subject_json(c, hc, &subject);
	if (rc == 0)
		hc->out = hook_json(hc, &hc->hook, subject);
	return rc;
}

static int create_tx(db_conn *c, void *ctx)
{
	hook_ctx *hc = ctx;
	const hub_viewer *v = hub_viewer_of(hc->req);
	if (hc->in.active < 0)
		hc->in.active = 1;
	int rc = hub_hook_create(c, hc->req->arena, &hc->subject, v ? v->user.id : 0, &hc->in,
	                         &hc->hook);
	return rc < 0 ? rc : respond_one(c, hc);
}

int hub_api_hook_create(web_request *req, web_response *res)
{
	hook_ctx hc = { .req = req, .subject = subject_of(req) };
	int rc = read_body(&hc, req->json);
	if (rc == 0)
		rc = hub_api_run(&hc.out, req, create_tx, &hc, true);
	if (rc == 0)
		web_res_json(res, 201, hc.out);
	return rc;
}

static int get_tx(db_conn *c, void *ctx)
{
	hook_ctx *hc = ctx;
	int rc = hub_hook_get(c, hc->req->arena, &hc->subject, hc->uuid, &hc->hook);
	return rc < 0 ? rc : respond_one(c, hc);
}

int hub_api_hook(web_request *req, web_response *res)
{
	hook_ctx hc = { .req = req, .subject = subject_of(req), .uuid = web_param(req, "uid") };
	int rc = hub_api_run(&hc.out, req, get_tx, &hc, false);
	if (rc == 0)
		web_res_json(res, 200, hc.out);
	return rc;
}

static int update_tx(db_conn *c, void *ctx)
{
	hook_ctx *hc = ctx;
	int rc = hub_hook_update(c, hc->req->arena, &hc->subject, hc->uuid, &hc->in, &hc->hook);
	return rc < 0 ? rc : respond_one(c, hc);
}

int hub_api_hook_update(web_request *req, web_response *res)
{
	hook_ctx hc = { .req = req, .subject = subject_of(req), .uuid = web_param(req, "uid") };
	int rc = read_body(&hc, req->json);
	if (rc == 0)
		rc = hub_api_run(&hc.out, req, update_tx, &hc, true);
	if (rc == 0)
		web_res_json(res, 200, hc.out);
	return rc;
}

static int delete_tx(db_conn *c, void *ctx)
{
	hook_ctx *hc = ctx;
	return hub_hook_delete(c, &hc->subject, hc->uuid);
}

int hub_api_hook_delete(web_request *req, web_response *res)
{
	hook_ctx hc = { .req = req, .subject = subject_of(req), .uuid = web_param(req, "uid") };
	int rc = hub_api_run(&hc.out, req, delete_tx, &hc, true);
	if (rc == 0)
		web_res_text(res, 204, "");
	return rc;
}

/* ---- the catalogue ---- */

int hub_api_hook_subjects(web_request *req, web_response *res)
{
	web_res_json(res, 200,
	             json_pack("{s:{s:{s:o}}, s:{s:{s:o}}}", "repository", "links", "events",
	                       hub_api_href(req, "/2.0/hook_events/repository"), "workspace",
	                       "links", "events", hub_api_href(req, "/2.0/hook_events/workspace")));
	return 0;
}

int hub_api_hook_events(web_request *req, web_response *res)
{
	const char *type = web_param(req, "subject_type");
	if (strcmp(type, "repository") != 0 && strcmp(type, "workspace") != 0)
		return err_fail(WEFT_ENOTFOUND, "No such subject type: %.40s.", type);
	size_t n;
	const hub_hook_event_info *events = hub_hook_catalogue(&n);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s}", "event",
		                                       events[i].event, "category",
		                                       events[i].category, "label", events[i].label,
		                                       "description", events[i].description));
	static const char *const fields[] = { "event", "category", "label", NULL };
	return hub_api_respond_list(req, res, items, fields);
}

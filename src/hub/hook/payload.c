/* The objects that webhook payloads embed, in A.11's shapes. */
#include "hub/hook/payload.h"

#include <stdarg.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "hub/hook/hook_config.h"
#include "hub/project/project.h"
#include "web/escape.h"

json_t *hub_payload_href(const char *path)
{
	return json_pack("{s:s+}", "href", hub_hook_config_get()->base_url, path);
}

const char *hub_payload_path(arena *a, const char *prefix, ...)
{
	buf b = BUF_INIT;
	va_list ap;
	buf_puts(&b, prefix);
	va_start(ap, prefix);
	bool first = true;
	for (const char *s = va_arg(ap, const char *); s; s = va_arg(ap, const char *)) {
		if (!first)
			buf_putc(&b, '/');
		esc_url_segment(&b, s, strlen(s));
		first = false;
	}
	va_end(ap);
	const char *out = arena_strdup(a, buf_cstr(&b));
	buf_dispose(&b);
	return out;
}

static const char *braced(arena *a, const char *uuid)
{
	return arena_printf(a, "{%s}", uuid);
}

static json_t *links3(json_t *self, json_t *html)
{
	return json_pack("{s:o, s:o, s:o}", "self", self, "html", html, "avatar",
	                 hub_payload_href("/static/avatar.svg"));
}

json_t *hub_payload_user(arena *a, const hub_user *u)
{
	const char *uuid = braced(a, u->uuid);
	json_t *links = links3(hub_payload_href(hub_payload_path(a, "/2.0/users/", uuid, NULL)),
	                       hub_payload_href(hub_payload_path(a, "/", u->username, "", NULL)));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "type", "user", "uuid", uuid,
	                 "account_id", u->uuid, "display_name", u->display_name, "nickname",
	                 u->username, "username", u->username, "links", links);
}

static int owner_json(db_conn *c, arena *a, const hub_workspace *ws, json_t **out)
{
	if (!ws->is_team) {
		hub_user u;
		int rc = hub_account_find_id(c, a, ws->owner_id, &u);
		if (rc == 0)
			*out = hub_payload_user(a, &u);
		return rc;
	}
	json_t *links =
	        links3(hub_payload_href(hub_payload_path(a, "/2.0/workspaces/", ws->slug, NULL)),
	               hub_payload_href(hub_payload_path(a, "/", ws->slug, "", NULL)));
	*out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "type", "team", "uuid",
	                 braced(a, ws->uuid), "display_name", ws->name, "username", ws->slug,
	                 "nickname", ws->slug, "links", links);
	return 0;
}

json_t *hub_payload_workspace(arena *a, const hub_workspace *ws)
{
	json_t *links =
	        links3(hub_payload_href(hub_payload_path(a, "/2.0/workspaces/", ws->slug, NULL)),
	               hub_payload_href(hub_payload_path(a, "/", ws->slug, "", NULL)));
	return json_pack("{s:s, s:s, s:s, s:s, s:o}", "type", "workspace", "uuid",
	                 braced(a, ws->uuid), "slug", ws->slug, "name", ws->name, "links", links);
}

static json_t *project_json(arena *a, const hub_workspace *ws, const hub_project *p)
{
	json_t *links = links3(
	        hub_payload_href(hub_payload_path(a, "/2.0/workspaces/", ws->slug, "projects",
	                                          p->key, NULL)),
	        hub_payload_href(hub_payload_path(a, "/", ws->slug, "projects", p->key, NULL)));
	return json_pack("{s:s, s:s, s:s, s:s, s:o}", "type", "project", "key", p->key, "uuid",
	                 braced(a, p->uuid), "name", p->name, "links", links);
}

int hub_payload_repository(db_conn *c, arena *a, const hub_repo *r, json_t **out)
{
	hub_workspace ws;
	hub_project p;
	json_t *owner = NULL;
	int rc = hub_workspace_find(c, a, r->workspace_slug, &ws);
	if (rc == 0)
		rc = owner_json(c, a, &ws, &owner);
	if (rc == 0 && r->project_id)
		rc = hub_project_get(c, a, r->project_id, &p);
	if (rc < 0)
		return rc;
	json_t *links = links3(
	        hub_payload_href(hub_payload_path(a, "/2.0/repositories/", r->workspace_slug,
	                                          r->slug, NULL)),
	        hub_payload_href(hub_payload_path(a, "/", r->workspace_slug, r->slug, NULL)));
	json_t *o =
	        json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:b, s:s}", "type",
	                  "repository", "uuid", braced(a, r->uuid), "name", r->name, "full_name",
	                  arena_printf(a, "%s/%s", r->workspace_slug, r->slug), "slug", r->slug,
	                  "links", links, "workspace", hub_payload_workspace(a, &ws), "owner",
	                  owner, "is_private", r->is_private, "scm", "git");
	if (r->project_id)
		json_object_set_new(o, "project", project_json(a, &ws, &p));
	*out = o;
	return 0;
}

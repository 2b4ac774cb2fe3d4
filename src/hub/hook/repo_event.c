/* Building the repository events. */
#include "hub/hook/repo_event.h"

#include <string.h>

#include "hub/hook/event.h"
#include "hub/hook/payload.h"

static void change_text(json_t *changes, const char *name, const char *old, const char *now)
{
	if (strcmp(old, now) != 0)
		json_object_set_new(changes, name, json_pack("{s:s, s:s}", "old", old, "new", now));
}

static void change_flag(json_t *changes, const char *name, bool old, bool now)
{
	if (old != now)
		json_object_set_new(changes, name, json_pack("{s:b, s:b}", "old", old, "new", now));
}

int hub_repo_event_updated(db_conn *c, arena *a, int64_t actor_id, const hub_repo *old,
                           const hub_repo *now)
{
	json_t *changes = json_object();
	change_text(changes, "name", old->name, now->name);
	change_text(changes, "full_name", arena_printf(a, "%s/%s", old->workspace_slug, old->slug),
	            arena_printf(a, "%s/%s", now->workspace_slug, now->slug));
	change_text(changes, "description", old->description, now->description);
	change_text(changes, "language", old->language, now->language);
	change_flag(changes, "is_private", old->is_private, now->is_private);
	if (json_object_size(changes) == 0) {
		json_decref(changes);
		return 0;
	}
	hub_event ev = { "repo:updated", now->workspace_id, now->id, actor_id,
		         json_pack("{s:o}", "changes", changes) };
	return hub_event_emit(c, a, &ev);
}

int hub_repo_event_transfer(db_conn *c, arena *a, int64_t actor_id, const hub_repo *r,
                            const char *previous_workspace)
{
	hub_workspace previous;
	int rc = hub_workspace_find(c, a, previous_workspace, &previous);
	if (rc < 0)
		return rc;
	hub_event ev = { "repo:transfer", r->workspace_id, r->id, actor_id,
		         json_pack("{s:o}", "previous_workspace",
		                   hub_payload_workspace(a, &previous)) };
	return hub_event_emit(c, a, &ev);
}

int hub_repo_event_deleted(db_conn *c, arena *a, int64_t actor_id, const hub_repo *r)
{
	hub_event ev = { "repo:deleted", r->workspace_id, r->id, actor_id, json_object() };
	return hub_event_emit(c, a, &ev);
}

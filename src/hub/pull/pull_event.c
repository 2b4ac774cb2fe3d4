/* Building and emitting the pullrequest:* events. */
#include "hub/pull/pull_event.h"

#include "base/clock.h"
#include "hub/hook/event.h"

int hub_pull_emit(db_conn *c, arena *a, const hub_pull_view *v, int64_t actor_id, const char *what,
                  const char *member, json_t *value)
{
	const hub_pull_out out = { a, NULL };
	json_t *body = json_pack("{s:o}", "pullrequest", hub_pull_json(&out, v));
	if (member)
		json_object_set_new(body, member, value);
	hub_event ev = { .key = arena_printf(a, "pullrequest:%s", what),
		         .workspace_id = v->repo.workspace_id,
		         .repository_id = v->repo.id,
		         .actor_id = actor_id,
		         .body = body };
	return hub_event_emit(c, a, &ev);
}

json_t *hub_pull_review_member(arena *a, const hub_user *u)
{
	char date[CLOCK_ISO_LEN];
	clock_format_iso8601(date, clock_now_ms());
	const hub_pull_out out = { a, NULL };
	return json_pack("{s:s, s:o}", "date", date, "user", hub_pull_user_json(&out, u));
}

int hub_pull_emit_row(db_conn *c, int64_t row_id, int64_t actor_id, const char *what)
{
	arena *a = arena_new();
	hub_pull p;
	hub_repo r;
	hub_pull_view v;
	int rc = hub_pull_get_row(c, a, row_id, &p);
	if (rc == 0)
		rc = hub_repo_get(c, a, p.repository_id, &r);
	if (rc == 0)
		rc = hub_pull_view_fill(c, a, &r, &p, &v);
	if (rc == 0)
		rc = hub_pull_emit(c, a, &v, actor_id, what, NULL, NULL);
	arena_free(a);
	return rc;
}

/* Moving an issue along a workflow transition (transition.h). */
#include "track/issue/transition.h"

#include <inttypes.h>
#include <stdio.h>

#include "base/clock.h"
#include "base/err.h"
#include "track/issue/issue.h"
#include "track/issue/workflow.h"

static int find_available(db_conn *c, arena *a, const track_issue *issue, int64_t transition_id,
                          track_transition *out)
{
	track_transition *items = NULL;
	size_t n = 0;
	int rc = track_workflow_available(c, a, issue->project_id, issue->status_id, &items, &n);
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (items[i].id == transition_id) {
			*out = items[i];
			return 0;
		}
	return rc < 0 ? rc
	              : err_fail(WEFT_EINVALID, "Transition id '%lld' is not valid for this issue.",
	                         (long long)transition_id);
}

static int resolution_name(db_conn *c, arena *a, int64_t id, const char **out)
{
	db_stmt *st;
	int rc = db_query(&st, c, "SELECT name FROM resolutions WHERE id = $1", db_int(id));
	if (rc == 0)
		rc = db_step_one(st, "The resolution %lld does not exist.", (long long)id);
	if (rc == 0)
		*out = arena_strdup(a, db_col_text(st, 0));
	db_done(st);
	return rc == WEFT_ENOTFOUND ? WEFT_EINVALID : rc;
}

static char *id_text(arena *a, int64_t id)
{
	return id ? arena_printf(a, "%" PRId64, id) : NULL;
}

/* Writes the new status and resolution and records both changes. */
static int apply(db_conn *c, arena *a, const track_issue *issue, const track_transition *t,
                 int64_t resolution_id, int64_t author_id)
{
	int64_t now = clock_now_ms();
	int64_t new_resolution = t->resolution_action == TRACK_RESOLUTION_SET ? resolution_id
	                         : t->resolution_action == TRACK_RESOLUTION_CLEAR
	                                 ? 0
	                                 : issue->resolution_id;
	const char *new_name = NULL;
	int rc = new_resolution ? resolution_name(c, a, new_resolution, &new_name) : 0;
	if (rc == 0)
		rc = db_exec(
		        c,
		        "UPDATE issues SET status_id = $2, resolution_id = $3,"
		        " resolution_date = CASE WHEN $5 = 0 THEN NULL WHEN resolution_id"
		        " IS NULL THEN $4 ELSE resolution_date END, updated_at = $4 WHERE id = $1",
		        db_int(issue->id), db_int(t->to.id),
		        new_resolution ? db_int(new_resolution) : db_null(), db_int(now),
		        db_int(new_resolution));
	int64_t group = 0;
	if (rc >= 0)
		rc = track_changelog_begin(c, issue->id, author_id, &group);
	if (rc == 0)
		rc = track_changelog_item(c, group, "status", id_text(a, issue->status_id),
		                          issue->status_name, id_text(a, t->to.id), t->to.name);
	if (rc == 0 && new_resolution != issue->resolution_id)
		rc = track_changelog_item(c, group, "resolution", id_text(a, issue->resolution_id),
		                          issue->resolution_name, id_text(a, new_resolution),
		                          new_name);
	return rc;
}

int track_issue_transition(db_conn *c, int64_t issue_id, int64_t transition_id,
                           int64_t resolution_id, int64_t author_id)
{
	arena *a = arena_new();
	track_issue issue = { 0 };
	track_transition t = { 0 };
	int rc = track_issue_get(c, a, issue_id, &issue);
	if (rc == 0)
		rc = find_available(c, a, &issue, transition_id, &t);
	if (rc == 0)
		rc = apply(c, a, &issue, &t, resolution_id ? resolution_id : t.resolution_id,
		           author_id);
	arena_free(a);
	return rc;
}

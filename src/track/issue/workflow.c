/* track's workflows (workflow.h): statuses, transitions, what is available from a status and
 * what is available from a status (transition.c moves an issue along one). */
#include "track/issue/workflow.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/clock.h"
#include "base/err.h"

enum { STATUS_NAME_MAX = 60 };

static int add_workflow_status(db_conn *c, int64_t project_id, int64_t status_id)
{
	int rc = db_exec(c,
	                 "INSERT INTO workflow_statuses (project_id, status_id, position)"
	                 " SELECT $1, $2, COALESCE(MAX(position), 0) + 1 FROM workflow_statuses"
	                 " WHERE project_id = $1",
	                 db_int(project_id), db_int(status_id));
	return rc < 0 ? rc : 0;
}

static int insert_transition(db_conn *c, int64_t project_id, const char *name, int64_t from,
                             int64_t to, const char *action, int64_t resolution_id, int64_t *out_id)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "INSERT INTO workflow_transitions (project_id, name, from_status_id,"
	                  " to_status_id, resolution_action, resolution_id, position)"
	                  " SELECT $1, $2, $3, $4, $5, $6, COALESCE(MAX(position), 0) + 1"
	                  " FROM workflow_transitions WHERE project_id = $1 RETURNING id",
	                  db_int(project_id), db_text(name), from ? db_int(from) : db_null(),
	                  db_int(to), db_text(action),
	                  resolution_id ? db_int(resolution_id) : db_null());
	if (rc == 0)
		rc = db_step_one(st, "The transition was not added.");
	if (rc == 0 && out_id)
		*out_id = db_col_int(st, 0);
	db_done(st);
	return rc;
}

int track_workflow_init(db_conn *c, int64_t project_id)
{
	static const int64_t statuses[] = { TRACK_STATUS_TODO, TRACK_STATUS_IN_PROGRESS,
		                            TRACK_STATUS_DONE };
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < 3; i++)
		rc = add_workflow_status(c, project_id, statuses[i]);
	if (rc == 0)
		rc = insert_transition(c, project_id, "Start Progress", TRACK_STATUS_TODO,
		                       TRACK_STATUS_IN_PROGRESS, "keep", 0, NULL);
	if (rc == 0)
		rc = insert_transition(c, project_id, "Stop Progress", TRACK_STATUS_IN_PROGRESS,
		                       TRACK_STATUS_TODO, "keep", 0, NULL);
	if (rc == 0)
		rc = insert_transition(c, project_id, "Done", 0, TRACK_STATUS_DONE, "set",
		                       TRACK_RESOLUTION_DONE, NULL);
	if (rc == 0)
		rc = insert_transition(c, project_id, "Reopen", TRACK_STATUS_DONE,
		                       TRACK_STATUS_TODO, "clear", 0, NULL);
	return rc;
}

int track_workflow_initial_status(db_conn *c, int64_t project_id, int64_t *out)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT status_id FROM workflow_statuses WHERE project_id = $1"
	                  " ORDER BY position LIMIT 1",
	                  db_int(project_id));
	if (rc == 0)
		rc = db_step_one(st, "The project has no workflow.");
	if (rc == 0)
		*out = db_col_int(st, 0);
	db_done(st);
	return rc;
}

static void read_status(db_stmt *st, int col, arena *a, track_status *out)
{
	out->id = db_col_int(st, col);
	out->name = arena_strdup(a, db_col_text(st, col + 1));
	out->description = arena_strdup(a, db_col_text(st, col + 2));
	out->category = arena_strdup(a, db_col_text(st, col + 3));
}

int track_status_list(db_conn *c, arena *a, int64_t project_id, track_status **out, size_t *n)
{
	db_stmt *st;
	int rc = project_id ? db_query(&st, c,
	                               "SELECT s.id, s.name, s.description, s.category"
	                               " FROM workflow_statuses w JOIN statuses s ON s.id ="
	                               " w.status_id WHERE w.project_id = $1 ORDER BY w.position",
	                               db_int(project_id))
	                    : db_query(&st, c,
	                               "SELECT id, name, description, category FROM statuses"
	                               " ORDER BY CASE category WHEN 'new' THEN 0 WHEN"
	                               " 'indeterminate' THEN 1 ELSE 2 END, id",
	                               DB_END);
	size_t count = 0, cap = 0;
	track_status *items = NULL;
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		items = array_room(a, items, count, &cap, sizeof *items);
		read_status(st, 0, a, &items[count++]);
		rc = 0;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	*out = items;
	*n = count;
	return 0;
}

static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s) && strlen(s) < 18;
}

int track_status_find(db_conn *c, arena *a, const char *id_or_name, track_status *out)
{
	int64_t id = all_digits(id_or_name) ? strtoll(id_or_name, NULL, 10) : -1;
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT id, name, description, category FROM statuses"
	                  " WHERE id = $1 OR lower(name) = lower($2)",
	                  db_int(id), db_text(id_or_name));
	if (rc == 0)
		rc = db_step_one(st, "The status with id '%s' does not exist", id_or_name);
	if (rc == 0)
		read_status(st, 0, a, out);
	db_done(st);
	return rc;
}

static bool category_valid(const char *category)
{
	return category &&
	       (strcmp(category, "new") == 0 || strcmp(category, "indeterminate") == 0 ||
	        strcmp(category, "done") == 0);
}

static int ensure_status(db_conn *c, const char *name, const char *category, int64_t *out)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "INSERT INTO statuses (name, category) VALUES ($1, $2)"
	                  " ON CONFLICT DO NOTHING",
	                  db_text(name), db_text(category));
	if (rc == 0)
		rc = db_step(st);
	db_done(st);
	if (rc < 0)
		return rc;
	rc = db_query(&st, c, "SELECT id FROM statuses WHERE lower(name) = lower($1)",
	              db_text(name));
	if (rc == 0)
		rc = db_step_one(st, "The status was not created.");
	if (rc == 0)
		*out = db_col_int(st, 0);
	db_done(st);
	return rc;
}

int track_workflow_add_status(db_conn *c, int64_t project_id, const char *name,
                              const char *category, int64_t *out_status_id)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n > STATUS_NAME_MAX || strpbrk(name, "\r\n") || strspn(name, " ") == n)
		return err_fail(WEFT_EINVALID, "A status name is one line of 1 to %d characters.",
		                STATUS_NAME_MAX);
	if (!category_valid(category))
		return err_fail(WEFT_EINVALID, "A status category is new, indeterminate or done.");
	int64_t id = 0;
	int rc = ensure_status(c, name, category, &id);
	if (rc == 0)
		rc = add_workflow_status(c, project_id, id);
	if (rc == WEFT_EEXISTS)
		rc = err_fail(WEFT_EEXISTS, "The workflow has the status %s already.", name);
	if (rc == 0 && out_status_id)
		*out_status_id = id;
	return rc;
}

static int in_workflow(db_conn *c, int64_t project_id, int64_t status_id)
{
	db_stmt *st;
	int rc = db_query(
	        &st, c, "SELECT 1 FROM workflow_statuses WHERE project_id = $1 AND status_id = $2",
	        db_int(project_id), db_int(status_id));
	if (rc == 0)
		rc = db_step_one(st, "The status %lld is not in this project's workflow.",
		                 (long long)status_id);
	db_done(st);
	return rc == WEFT_ENOTFOUND ? WEFT_EINVALID : rc;
}

int track_workflow_add_transition(db_conn *c, int64_t project_id, const char *name,
                                  int64_t from_status_id, int64_t to_status_id,
                                  track_resolution_action action, int64_t resolution_id,
                                  int64_t *out_id)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n > STATUS_NAME_MAX || strpbrk(name, "\r\n") || strspn(name, " ") == n)
		return err_fail(WEFT_EINVALID,
		                "A transition name is one line of 1 to %d characters.",
		                STATUS_NAME_MAX);
	int rc = from_status_id ? in_workflow(c, project_id, from_status_id) : 0;
	if (rc == 0)
		rc = in_workflow(c, project_id, to_status_id);
	if (rc == 0 && from_status_id == to_status_id)
		rc = err_fail(WEFT_EINVALID, "A transition leads to another status.");
	const char *names[] = { "keep", "set", "clear" };
	if (rc == 0 && action == TRACK_RESOLUTION_SET && !resolution_id)
		resolution_id = TRACK_RESOLUTION_DONE;
	if (rc == 0)
		rc = insert_transition(c, project_id, name, from_status_id, to_status_id,
		                       names[action],
		                       action == TRACK_RESOLUTION_SET ? resolution_id : 0, out_id);
	return rc;
}

#define TRANSITION_COLUMNS                                                  \
	"t.id, t.name, COALESCE(t.from_status_id, 0), t.resolution_action," \
	" COALESCE(t.resolution_id, 0), s.id, s.name, s.description, s.category"

static int read_transitions(db_stmt *st, arena *a, track_transition **out, size_t *n)
{
	size_t count = 0, cap = 0;
	track_transition *items = NULL;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		items = array_room(a, items, count, &cap, sizeof *items);
		track_transition *t = &items[count++];
		t->id = db_col_int(st, 0);
		t->name = arena_strdup(a, db_col_text(st, 1));
		t->from_status_id = db_col_int(st, 2);
		const char *action = db_col_text(st, 3);
		t->resolution_action = strcmp(action, "set") == 0     ? TRACK_RESOLUTION_SET
		                       : strcmp(action, "clear") == 0 ? TRACK_RESOLUTION_CLEAR
		                                                      : TRACK_RESOLUTION_KEEP;
		t->resolution_id = db_col_int(st, 4);
		read_status(st, 5, a, &t->to);
	}
	db_done(st);
	if (rc < 0)
		return rc;
	*out = items;
	*n = count;
	return 0;
}

int track_workflow_transitions(db_conn *c, arena *a, int64_t project_id, track_transition **out,
                               size_t *n)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT " TRANSITION_COLUMNS " FROM workflow_transitions t"
	                  " JOIN statuses s ON s.id = t.to_status_id WHERE t.project_id = $1"
	                  " ORDER BY t.position",
	                  db_int(project_id));
	return rc < 0 ? rc : read_transitions(st, a, out, n);
}

int track_workflow_available(db_conn *c, arena *a, int64_t project_id, int64_t status_id,
                             track_transition **out, size_t *n)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT " TRANSITION_COLUMNS " FROM workflow_transitions t"
	                  " JOIN statuses s ON s.id = t.to_status_id WHERE t.project_id = $1"
	                  " AND (t.from_status_id = $2 OR (t.from_status_id IS NULL"
	                  " AND t.to_status_id <> $2)) ORDER BY t.position",
	                  db_int(project_id), db_int(status_id));
	return rc < 0 ? rc : read_transitions(st, a, out, n);
}

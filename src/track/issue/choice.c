/* The fixed lists an issue's fields choose from (choice.h). */
#include "track/issue/choice.h"

#include "db/rows.h"

/* Each list's statement: id, name, description, color, is_default; the statuses' $1 is the
 * project. */
static const char *const choice_sql[] = {
	[TRACK_CHOICE_PRIORITIES] = "SELECT id, name, description, color, is_default"
	                            " FROM priorities ORDER BY position",
	[TRACK_CHOICE_RESOLUTIONS] = "SELECT id, name, description, '', 0 FROM resolutions"
	                             " ORDER BY id",
	[TRACK_CHOICE_ISSUE_TYPES] = "SELECT id, name, '', '', 0 FROM issue_types"
	                             " ORDER BY id",
	[TRACK_CHOICE_STATUSES] = "SELECT s.id, s.name, '', '', 0 FROM workflow_statuses w"
	                          " JOIN statuses s ON s.id = w.status_id WHERE w.project_id = $1"
	                          " ORDER BY w.position",
};

static void read_choice(db_stmt *st, arena *a, void *item)
{
	*(track_choice *)item = (track_choice){ .id = db_col_int(st, 0),
		                                .name = arena_strdup(a, db_col_text(st, 1)),
		                                .description = arena_strdup(a, db_col_text(st, 2)),
		                                .color = arena_strdup(a, db_col_text(st, 3)),
		                                .is_default = db_col_int(st, 4) != 0 };
}

int track_choice_list(db_conn *c, arena *a, track_choice_kind kind, int64_t project_id,
                      track_choice **out, size_t *n)
{
	db_stmt *st;
	int rc = kind == TRACK_CHOICE_STATUSES
	                 ? db_query(&st, c, choice_sql[kind], db_int(project_id))
	                 : db_query(&st, c, choice_sql[kind], DB_END);
	return db_rows_read((void **)out, n, st, rc, a, sizeof **out, read_choice);
}

int track_choice_options(db_conn *c, arena *a, track_choice_kind kind, int64_t project_id,
                         int64_t selected, json_t **out)
{
	track_choice *list = NULL;
	size_t n = 0;
	int rc = track_choice_list(c, a, kind, project_id, &list, &n);
	*out = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++)
		json_array_append_new(*out, json_pack("{s:I, s:s, s:b}", "id",
		                                      (json_int_t)list[i].id, "name", list[i].name,
		                                      "selected", list[i].id == selected));
	return rc;
}

/* track's issues (issue.h): numbering, lookup by any key, edits recorded in the history,
 * assignment, moves and deletion. */
#include "track/issue/issue.h"

#include "track/issue/notify_queue.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/clock.h"
#include "base/err.h"
#include "db/rows.h"
#include "track/issue/attachment_queue.h"
#include "track/issue/issue_ref.h"
#include "track/issue/people.h"
#include "track/track_perm.h"
#include "track/issue/workflow.h"
#include "track/track_perm.h"

#define ISSUE_COLUMNS                                                                           \
	"i.id, i.project_id, p.key, p.name, i.number, i.key, i.type_id, t.name, t.is_subtask,"  \
	" COALESCE(i.parent_id, 0), par.key, i.summary, i.description, i.status_id, s.name,"    \
	" s.category, i.priority_id, pr.name, COALESCE(i.assignee_id, 0),"                      \
	" COALESCE(i.reporter_id, 0), COALESCE(i.creator_id, 0), COALESCE(i.resolution_id, 0)," \
	" r.name, COALESCE(i.resolution_date, 0), COALESCE(i.original_estimate, -1),"           \
	" COALESCE(i.remaining_estimate, -1), i.time_spent, i.created_at, i.updated_at"

#define ISSUE_FROM                                                                      \
	" FROM issues i JOIN projects p ON p.id = i.project_id"                         \
	" JOIN issue_types t ON t.id = i.type_id JOIN statuses s ON s.id = i.status_id" \
	" JOIN priorities pr ON pr.id = i.priority_id"                                  \
	" LEFT JOIN resolutions r ON r.id = i.resolution_id"                            \
	" LEFT JOIN issues par ON par.id = i.parent_id"

track_issue_fields track_issue_fields_none(void)
{
	return (track_issue_fields){ .original_estimate = -1, .remaining_estimate = -1 };
}

int track_issue_summary_check(const char *summary)
{
	size_t n = summary ? strlen(summary) : 0;
	if (n == 0 || strspn(summary, " \t") == n)
		return err_fail(WEFT_EINVALID, "You must specify a summary of the issue.");
	if (n > TRACK_SUMMARY_MAX)
		return err_fail(WEFT_EINVALID, "Summary must be less than 255 characters.");
	if (strpbrk(summary, "\r\n"))
		return err_fail(WEFT_EINVALID, "The summary is invalid because it contains newline "
		                               "characters.");
	return 0;
}

int track_issue_label_check(const char *label)
{
	size_t n = label ? strlen(label) : 0;
	if (n == 0 || n > TRACK_LABEL_MAX)
		return err_fail(WEFT_EINVALID, "A label is 1 to %d characters.", TRACK_LABEL_MAX);
	for (size_t i = 0; i < n; i++)
		if (isspace((unsigned char)label[i]) || iscntrl((unsigned char)label[i]))
			return err_fail(WEFT_EINVALID,
			                "The label '%s' contains spaces which is invalid.", label);
	return 0;
}

static void read_issue(db_stmt *st, arena *a, track_issue *out)
{
	const char *parent_key = db_col_text(st, 10);
	const char *resolution = db_col_text(st, 22);
	*out = (track_issue){
		.id = db_col_int(st, 0),
		.project_id = db_col_int(st, 1),
		.project_key = arena_strdup(a, db_col_text(st, 2)),
		.project_name = arena_strdup(a, db_col_text(st, 3)),
		.number = db_col_int(st, 4),
		.key = arena_strdup(a, db_col_text(st, 5)),
		.type_id = db_col_int(st, 6),
		.type_name = arena_strdup(a, db_col_text(st, 7)),
		.type_subtask = db_col_int(st, 8) != 0,
		.parent_id = db_col_int(st, 9),
		.parent_key = parent_key ? arena_strdup(a, parent_key) : NULL,
		.summary = arena_strdup(a, db_col_text(st, 11)),
		.description = arena_strdup(a, db_col_text(st, 12)),
		.status_id = db_col_int(st, 13),
		.status_name = arena_strdup(a, db_col_text(st, 14)),
		.status_category = arena_strdup(a, db_col_text(st, 15)),
		.priority_id = db_col_int(st, 16),
		.priority_name = arena_strdup(a, db_col_text(st, 17)),
		.assignee_id = db_col_int(st, 18),
		.reporter_id = db_col_int(st, 19),
		.creator_id = db_col_int(st, 20),
		.resolution_id = db_col_int(st, 21),
		.resolution_name = resolution ? arena_strdup(a, resolution) : NULL,
		.resolution_date = db_col_int(st, 23),
		.original_estimate = db_col_int(st, 24),
		.remaining_estimate = db_col_int(st, 25),
		.time_spent = db_col_int(st, 26),
		.created_at = db_col_int(st, 27),
		.updated_at = db_col_int(st, 28),
	};
}

static int read_labels(db_conn *c, arena *a, track_issue *issue)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT label FROM issue_labels WHERE issue_id = $1 ORDER BY label",
	                  db_int(issue->id));
	size_t cap = 0;
	issue->labels = NULL;
	issue->nlabels = 0;
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		issue->labels =
		        array_room(a, issue->labels, issue->nlabels, &cap, sizeof *issue->labels);
		issue->labels[issue->nlabels++] = arena_strdup(a, db_col_text(st, 0));
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int track_issue_get(db_conn *c, arena *a, int64_t id, track_issue *out)
{
	db_stmt *st;
	int rc =
	        db_query(&st, c, "SELECT " ISSUE_COLUMNS ISSUE_FROM " WHERE i.id = $1", db_int(id));
	if (rc == 0)
		rc = db_step_one(st,
		                 "Issue does not exist or you do not have permission to see it.");
	if (rc == 0)
		read_issue(st, a, out);
	db_done(st);
	if (rc == 0)
		rc = read_labels(c, a, out);
	return rc;
}

/* The position of id in ids (n of them), or n. */
static size_t index_of(const int64_t *ids, size_t n, int64_t id)
{
	size_t k = 0;
	while (k < n && ids[k] != id)
		k++;
	return k;
}

/* Appends label to issue's list, whose capacity is *cap. */
static void add_label(track_issue *issue, size_t *cap, arena *a, const char *label)
{
	issue->labels = array_room(a, issue->labels, issue->nlabels, cap, sizeof *issue->labels);
	issue->labels[issue->nlabels++] = arena_strdup(a, label);
}

static int read_labels_of(db_conn *c, arena *a, const int64_t *ids, size_t n, track_issue *out)
{
	db_stmt *st;
	int rc = db_rows_query_ids(&st, c, a,
	                           "SELECT issue_id, label FROM issue_labels WHERE issue_id IN (",
	                           ") ORDER BY issue_id, label", ids, n);
	size_t *caps = arena_array(a, n, sizeof *caps);
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		size_t k = index_of(ids, n, db_col_int(st, 0));
		if (k < n)
			add_label(&out[k], &caps[k], a, db_col_text(st, 1));
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* One chunk of track_issue_get_many (n at most DB_ROWS_IDS_MAX). */
static int get_chunk(db_conn *c, arena *a, const int64_t *ids, size_t n, track_issue *out)
{
	db_stmt *st;
	size_t found = 0;
	int rc = db_rows_query_ids(&st, c, a, "SELECT " ISSUE_COLUMNS ISSUE_FROM " WHERE i.id IN (",
	                           ")", ids, n);
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		size_t k = index_of(ids, n, db_col_int(st, 0));
		if (k < n) {
			read_issue(st, a, &out[k]);
			found++;
		}
		rc = 0;
	}
	db_done(st);
	if (rc == 0 && found < n)
		rc = err_fail(WEFT_ENOTFOUND,
		              "Issue does not exist or you do not have permission to see it.");
	return rc < 0 ? rc : read_labels_of(c, a, ids, n, out);
}

int track_issue_get_many(db_conn *c, arena *a, const int64_t *ids, size_t n, track_issue *out)
{
	int rc = 0;
	for (size_t off = 0; rc == 0 && off < n; off += DB_ROWS_IDS_MAX)
		rc = get_chunk(c, a, ids + off,
		               n - off < DB_ROWS_IDS_MAX ? n - off : DB_ROWS_IDS_MAX, out + off);
	return rc;
}

static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s) && strlen(s) < 18;
}

int track_issue_find(db_conn *c, arena *a, const char *id_or_key, track_issue *out,
                     const char **out_old_key)
{
	if (out_old_key)
		*out_old_key = NULL;
	if (all_digits(id_or_key))
		return track_issue_get(c, a, strtoll(id_or_key, NULL, 10), out);
	track_issue_ref ref;
	int rc = track_issue_ref_find(c, a, id_or_key, &ref, out_old_key);
	return rc < 0 ? rc : track_issue_get(c, a, ref.id, out);
}

/* ---- lookups of the global lists ---- */

static int find_in(db_conn *c, const char *sql, const char *id_or_name, int64_t *out)
{
	int64_t id = all_digits(id_or_name) ? strtoll(id_or_name, NULL, 10) : -1;
	db_stmt *st;
	int rc = db_query(&st, c, sql, db_int(id), db_text(id_or_name));
	if (rc == 0)
		rc = db_step_one(st, "'%s' does not exist.", id_or_name);
	if (rc == 0)
		*out = db_col_int(st, 0);
	db_done(st);
	return rc;
}

int track_issue_type_find(db_conn *c, const char *id_or_name, int64_t *out)
{
	return find_in(c, "SELECT id FROM issue_types WHERE id = $1 OR lower(name) = lower($2)",
	               id_or_name, out);
}

int track_priority_find(db_conn *c, const char *id_or_name, int64_t *out)
{
	return find_in(c, "SELECT id FROM priorities WHERE id = $1 OR lower(name) = lower($2)",
	               id_or_name, out);
}

int track_resolution_find(db_conn *c, const char *id_or_name, int64_t *out)
{
	return find_in(c, "SELECT id FROM resolutions WHERE id = $1 OR lower(name) = lower($2)",
	               id_or_name, out);
}

/* ---- the history ---- */

int track_changelog_begin(db_conn *c, int64_t issue_id, int64_t author_id, int64_t *out_group)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "INSERT INTO changelog_groups (issue_id, author_id, created_at)"
	                  " VALUES ($1, $2, $3) RETURNING id",
	                  db_int(issue_id), author_id ? db_int(author_id) : db_null(),
	                  db_int(clock_now_ms()));
	if (rc == 0)
		rc = db_step_one(st, "The change was not recorded.");
	if (rc == 0)
		*out_group = db_col_int(st, 0);
	db_done(st);
	if (rc == 0) /* the watchers hear of it once the change commits */
		rc = track_notify_change(c, *out_group);
	return rc;
}

int track_changelog_item(db_conn *c, int64_t group_id, const char *field, const char *from_value,
                         const char *from_string, const char *to_value, const char *to_string)
{
	int rc = db_exec(c,
	                 "INSERT INTO changelog_items (group_id, field, from_value, from_string,"
	                 " to_value, to_string) VALUES ($1, $2, $3, $4, $5, $6)",
	                 db_int(group_id), db_text(field), db_text(from_value),
	                 db_text(from_string), db_text(to_value), db_text(to_string));
	return rc < 0 ? rc : 0;
}

static int read_items(db_conn *c, arena *a, track_change *change)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT field, from_value, from_string, to_value, to_string"
	                  " FROM changelog_items WHERE group_id = $1 ORDER BY id",
	                  db_int(change->id));
	size_t cap = 0;
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		change->items =
		        array_room(a, change->items, change->nitems, &cap, sizeof *change->items);
		track_change_item *it = &change->items[change->nitems++];
		const char *v[5];
		for (int i = 0; i < 5; i++)
			v[i] = db_col_null(st, i) ? NULL : arena_strdup(a, db_col_text(st, i));
		*it = (track_change_item){ v[0], v[1], v[2], v[3], v[4] };
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

static void read_change(db_stmt *st, arena *a, void *item)
{
	(void)a;
	*(track_change *)item = (track_change){ .id = db_col_int(st, 0),
		                                .author_id = db_col_int(st, 1),
		                                .created_at = db_col_int(st, 2) };
}

int track_changelog_page(db_conn *c, arena *a, int64_t issue_id, int64_t start, int64_t max,
                         track_change **out, size_t *n, int64_t *total)
{
	db_stmt *st = NULL;
	int rc = db_rows_count(
	        total, c, "SELECT COUNT(*) FROM changelog_groups WHERE issue_id = $1", issue_id);
	if (rc == 0)
		rc = db_query(&st, c,
		              "SELECT id, COALESCE(author_id, 0), created_at FROM changelog_groups"
		              " WHERE issue_id = $1 ORDER BY created_at, id LIMIT $2 OFFSET $3",
		              db_int(issue_id), db_int(max), db_int(start));
	track_change *items = NULL;
	size_t count = 0;
	rc = db_rows_read((void **)&items, &count, st, rc, a, sizeof *items, read_change);
	for (size_t i = 0; rc == 0 && i < count; i++)
		rc = read_items(c, a, &items[i]);
	if (rc < 0)
		return rc;
	*out = items;
	*n = count;
	return 0;
}

int track_changelog_list(db_conn *c, arena *a, int64_t issue_id, track_change **out, size_t *n)
{
	int64_t total = 0;
	return track_changelog_page(c, a, issue_id, 0, INT32_MAX, out, n, &total);
}

/* ---- create ---- */

static int field_error(const char **out_field, const char *field, int rc)
{
	if (out_field && rc < 0)
		*out_field = field;
	return rc;
}

static int check_labels(const track_issue_fields *f, const char **out_field)
{
	if (f->nlabels > TRACK_LABELS_MAX)
		return field_error(out_field, "labels",
		                   err_fail(WEFT_EINVALID, "An issue has at most %d labels.",
		                            TRACK_LABELS_MAX));
	for (size_t i = 0; i < f->nlabels; i++) {
		int rc = track_issue_label_check(f->labels[i]);
		if (rc < 0)
			return field_error(out_field, "labels", rc);
	}
	return 0;
}

static int type_is_subtask(db_conn *c, int64_t type_id, bool *out)
{
	db_stmt *st;
	int rc = db_query(&st, c, "SELECT is_subtask FROM issue_types WHERE id = $1",
	                  db_int(type_id));
	if (rc == 0)
		rc = db_step_one(st, "The issue type selected is invalid.");
	if (rc == 0)
		*out = db_col_int(st, 0) != 0;
	db_done(st);
	return rc == WEFT_ENOTFOUND ? WEFT_EINVALID : rc;
}

static int exists(db_conn *c, const char *sql, int64_t id, const char *message)
{
	db_stmt *st;
	int rc = db_query(&st, c, sql, db_int(id));
	if (rc == 0)
		rc = db_step_one(st, "%s", message);
	db_done(st);
	return rc == WEFT_ENOTFOUND ? WEFT_EINVALID : rc;
}

/* The parent a sub-task names: an issue of the same project that is not a sub-task itself. One
 * that actor_id may not browse is answered as one that does not exist. */
static int check_parent(db_conn *c, int64_t actor_id, int64_t project_id, int64_t parent_id)
{
	db_stmt *st;
	int64_t parent_project = 0;
	bool subtask = false, visible = false;
	int rc = db_query(&st, c,
	                  "SELECT i.project_id, t.is_subtask FROM issues i"
	                  " JOIN issue_types t ON t.id = i.type_id WHERE i.id = $1",
	                  db_int(parent_id));
	if (rc == 0)
		rc = db_step_one(st, TRACK_ISSUE_NOT_FOUND);
	if (rc == 0) {
		parent_project = db_col_int(st, 0);
		subtask = db_col_int(st, 1) != 0;
	}
	db_done(st);
	if (rc == 0)
		rc = track_perm_check_id(c, actor_id, parent_project, TRACK_PERM_BROWSE, &visible);
	if (rc == 0 && !visible)
		rc = err_fail(WEFT_ENOTFOUND, TRACK_ISSUE_NOT_FOUND);
	if (rc == 0 && (parent_project != project_id || subtask))
		rc = err_fail(WEFT_EINVALID, "The parent must be an issue of the same project that "
		                             "is not a sub-task.");
	return rc == WEFT_ENOTFOUND ? WEFT_EINVALID : rc;
}

/* Type, parent, priority and people: the rules between fields (assignee_now: the issue's
 * assignee, 0 for a new issue). */
static int check_refs(db_conn *c, arena *a, int64_t actor_id, int64_t project_id, int64_t type_id,
                      int64_t parent_id, int64_t assignee_now, const track_issue_fields *f,
                      const char **out_field)
{
	bool subtask = false;
	int rc = field_error(out_field, "issuetype", type_is_subtask(c, type_id, &subtask));
	if (rc == 0 && subtask && !parent_id)
		rc = field_error(out_field, "parent",
		                 err_fail(WEFT_EINVALID, "Sub-tasks must have a parent issue."));
	if (rc == 0 && !subtask && parent_id)
		rc = field_error(out_field, "parent",
		                 err_fail(WEFT_EINVALID, "Only sub-tasks have a parent issue."));
	if (rc == 0 && parent_id)
		rc = field_error(out_field, "parent",
		                 check_parent(c, actor_id, project_id, parent_id));
	if (rc == 0 && f->priority_id)
		rc = field_error(out_field, "priority",
		                 exists(c, "SELECT 1 FROM priorities WHERE id = $1", f->priority_id,
		                        "The priority selected is invalid."));
	/* Only a new assignee needs the permission: edits of other fields keep one who lost it. */
	if (rc == 0 && f->assignee_id > 0 && f->assignee_id != assignee_now)
		rc = field_error(out_field, "assignee",
		                 track_perm_check_assignable(c, a, f->assignee_id, project_id));
	if (rc == 0 && f->reporter_id > 0)
		rc = field_error(out_field, "reporter",
		                 exists(c, "SELECT 1 FROM users WHERE id = $1", f->reporter_id,
		                        "The user selected as reporter does not exist."));
	return rc;
}

/* Naming a reporter other than the current one (at creation, the creator) takes Modify
 * reporter; Jira answers a caller without it as if the field were not on its screen. */
static int check_reporter(db_conn *c, int64_t actor_id, int64_t project_id, int64_t current,
                          const track_issue_fields *f, const char **out_field)
{
	bool may = false;
	if (f->reporter_id <= 0 || f->reporter_id == current)
		return 0;
	int rc = track_perm_check_id(c, actor_id, project_id, TRACK_PERM_MODIFY_REPORTER, &may);
	if (rc == 0 && !may)
		rc = field_error(out_field, "reporter",
		                 err_fail(WEFT_EINVALID,
		                          "Field 'reporter' cannot be set. It is not "
		                          "on the appropriate screen, or unknown."));
	return rc;
}

/* The next number of the project. The UPDATE takes the project row's write lock on both
 * engines, so concurrent creators queue here and never share a number; the counter only grows,
 * so deleted issues' numbers are never given again. */
static int next_number(db_conn *c, int64_t project_id, int64_t *out_number, const char **out_key,
                       arena *a)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "UPDATE projects SET issue_counter = issue_counter + 1 WHERE id = $1"
	                  " RETURNING issue_counter, key",
	                  db_int(project_id));
	if (rc == 0)
		rc = db_step_one(st, "No project could be found with id '%lld'.",
		                 (long long)project_id);
	if (rc == 0) {
		*out_number = db_col_int(st, 0);
		*out_key = arena_printf(a, "%s-%" PRId64, db_col_text(st, 1), *out_number);
	}
	db_done(st);
	return rc;
}

static int insert_labels(db_conn *c, int64_t issue_id, const track_issue_fields *f)
{
	int rc = 0;
	for (size_t i = 0; rc >= 0 && i < f->nlabels; i++)
		rc = db_exec(c,
		             "INSERT INTO issue_labels (issue_id, label) VALUES ($1, $2)"
		             " ON CONFLICT DO NOTHING",
		             db_int(issue_id), db_text(f->labels[i]));
	return rc < 0 ? rc : 0;
}

static int insert_key(db_conn *c, const char *key, int64_t issue_id)
{
	int rc = db_exec(c, "INSERT INTO issue_keys (key, issue_id) VALUES ($1, $2)", db_text(key),
	                 db_int(issue_id));
	return rc < 0 ? rc : 0;
}

static db_arg estimate_arg(int64_t v)
{
	return v >= 0 ? db_int(v) : db_null();
}

static int insert_issue(db_conn *c, arena *a, int64_t project_id, const track_issue_fields *f,
                        int64_t creator_id, int64_t *out_id)
{
	int64_t number = 0, status = 0, now = clock_now_ms();
	const char *key = NULL;
	int rc = track_workflow_initial_status(c, project_id, &status);
	if (rc == 0)
		rc = next_number(c, project_id, &number, &key, a);
	db_stmt *st = NULL;
	int64_t remaining =
	        f->remaining_estimate >= 0 ? f->remaining_estimate : f->original_estimate;
	if (rc == 0)
		rc = db_query(
		        &st, c,
		        "INSERT INTO issues (project_id, number, key, type_id, parent_id, summary,"
		        " description, status_id, priority_id, assignee_id, reporter_id,"
		        " creator_id, original_estimate, remaining_estimate, created_at,"
		        " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
		        " $13, $14, $15, $15) RETURNING id",
		        db_int(project_id), db_int(number), db_text(key),
		        db_int(f->type_id ? f->type_id : TRACK_TYPE_TASK),
		        f->parent_id ? db_int(f->parent_id) : db_null(), db_text(f->summary),
		        db_text(f->description ? f->description : ""), db_int(status),
		        db_int(f->priority_id ? f->priority_id : TRACK_PRIORITY_MEDIUM),
		        f->assignee_id > 0 ? db_int(f->assignee_id) : db_null(),
		        db_int(f->reporter_id > 0 ? f->reporter_id : creator_id),
		        db_int(creator_id), estimate_arg(f->original_estimate),
		        estimate_arg(remaining), db_int(now));
	if (rc == 0)
		rc = db_step_one(st, "The issue was not created.");
	if (rc == 0)
		*out_id = db_col_int(st, 0);
	db_done(st);
	if (rc == 0)
		rc = insert_key(c, key, *out_id);
	if (rc == 0)
		rc = insert_labels(c, *out_id, f);
	/* The creator and the reporter watch the issue from the start. */
	if (rc == 0)
		rc = track_people_add(c, TRACK_WATCHERS, *out_id, creator_id);
	if (rc == 0 && f->reporter_id > 0)
		rc = track_people_add(c, TRACK_WATCHERS, *out_id, f->reporter_id);
	return rc;
}

int track_issue_create(db_conn *c, arena *a, int64_t project_id, const track_issue_fields *f,
                       int64_t creator_id, track_issue *out, const char **out_field)
{
	if (out_field)
		*out_field = NULL;
	int rc = field_error(out_field, "summary", track_issue_summary_check(f->summary));
	if (rc == 0 && f->description && strlen(f->description) > TRACK_DESCRIPTION_MAX)
		rc = field_error(out_field, "description",
		                 err_fail(WEFT_EINVALID, "The description is too long."));
	if (rc == 0)
		rc = check_labels(f, out_field);
	if (rc == 0)
		rc = check_reporter(c, creator_id, project_id, creator_id, f, out_field);
	if (rc == 0)
		rc = check_refs(c, a, creator_id, project_id,
		                f->type_id ? f->type_id : TRACK_TYPE_TASK, f->parent_id, 0, f,
		                out_field);
	int64_t id = 0;
	if (rc == 0)
		rc = insert_issue(c, a, project_id, f, creator_id, &id);
	if (rc == 0)
		rc = track_issue_get(c, a, id, out);
	return rc;
}

/* ---- edit ---- */

static char *id_text(arena *a, int64_t id)
{
	return id > 0 ? arena_printf(a, "%" PRId64, id) : NULL;
}

static int name_of(db_conn *c, arena *a, const char *sql, int64_t id, const char **out)
{
	*out = NULL;
	if (id <= 0)
		return 0;
	db_stmt *st;
	int rc = db_query(&st, c, sql, db_int(id));
	if (rc == 0)
		rc = db_step(st);
	if (rc == DB_ROW)
		*out = arena_strdup(a, db_col_text(st, 0));
	db_done(st);
	return rc < 0 ? rc : 0;
}

#define USER_NAME_SQL "SELECT display_name FROM users WHERE id = $1"

typedef struct edit_ctx {
	db_conn *c;
	arena *a;
	const track_issue *old;
	int64_t author_id;
	int64_t group; /* 0 until the first change */
} edit_ctx;

static int record(edit_ctx *e, const char *field, const char *from_value, const char *from_string,
                  const char *to_value, const char *to_string)
{
	int rc = e->group ? 0 : track_changelog_begin(e->c, e->old->id, e->author_id, &e->group);
	if (rc == 0)
		rc = track_changelog_item(e->c, e->group, field, from_value, from_string, to_value,
		                          to_string);
	return rc;
}

static int set_text(edit_ctx *e, const char *column_sql, const char *field, const char *from,
                    const char *to)
{
	if (!to || strcmp(from, to) == 0)
		return 0;
	int rc = db_exec(e->c, column_sql, db_int(e->old->id), db_text(to));
	if (rc >= 0)
		rc = record(e, field, NULL, from, NULL, to);
	return rc < 0 ? rc : 0;
}

/* A reference field (an id into a table): updated and recorded with both names. */
static int set_ref(edit_ctx *e, const char *column_sql, const char *name_sql, const char *field,
                   int64_t from, int64_t to)
{
	if (to == 0 || to == from || (to < 0 && from == 0))
		return 0;
	const char *from_name = NULL, *to_name = NULL;
	int rc = name_of(e->c, e->a, name_sql, from, &from_name);
	if (rc == 0)
		rc = name_of(e->c, e->a, name_sql, to, &to_name);
	if (rc == 0)
		rc = db_exec(e->c, column_sql, db_int(e->old->id), to > 0 ? db_int(to) : db_null());
	if (rc >= 0)
		rc = record(e, field, id_text(e->a, from), from_name, id_text(e->a, to), to_name);
	return rc < 0 ? rc : 0;
}

static int set_estimate(edit_ctx *e, const char *column_sql, const char *field, int64_t from,
                        int64_t to)
{
	if (to == -1 || (to == -2 && from < 0) || to == from)
		return 0;
	int rc = db_exec(e->c, column_sql, db_int(e->old->id), to >= 0 ? db_int(to) : db_null());
	const char *from_s = from >= 0 ? arena_printf(e->a, "%" PRId64, from) : NULL;
	const char *to_s = to >= 0 ? arena_printf(e->a, "%" PRId64, to) : NULL;
	if (rc >= 0)
		rc = record(e, field, from_s, from_s, to_s, to_s);
	return rc < 0 ? rc : 0;
}

static char *join_labels(arena *a, const char *const *labels, size_t n)
{
	buf b = { 0 };
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_append(&b, " ", 1);
		buf_append(&b, labels[i], strlen(labels[i]));
	}
	char *s = arena_strdup(a, buf_cstr(&b));
	buf_dispose(&b);
	return s;
}

static int set_labels(edit_ctx *e, const track_issue_fields *f)
{
	if (!f->set_labels)
		return 0;
	int rc = db_exec(e->c, "DELETE FROM issue_labels WHERE issue_id = $1", db_int(e->old->id));
	if (rc >= 0)
		rc = insert_labels(e->c, e->old->id, f);
	track_issue now;
	if (rc >= 0)
		rc = track_issue_get(e->c, e->a, e->old->id, &now);
	const char *from = join_labels(e->a, e->old->labels, e->old->nlabels);
	const char *to = rc == 0 ? join_labels(e->a, now.labels, now.nlabels) : "";
	if (rc == 0 && strcmp(from, to) != 0)
		rc = record(e, "labels", NULL, from, NULL, to);
	return rc < 0 ? rc : 0;
}

static int apply_edits(edit_ctx *e, const track_issue_fields *f)
{
	const track_issue *o = e->old;
	int rc = set_text(e, "UPDATE issues SET summary = $2 WHERE id = $1", "summary", o->summary,
	                  f->summary);
	if (rc == 0)
		rc = set_text(e, "UPDATE issues SET description = $2 WHERE id = $1", "description",
		              o->description, f->description);
	if (rc == 0)
		rc = set_ref(e, "UPDATE issues SET type_id = $2 WHERE id = $1",
		             "SELECT name FROM issue_types WHERE id = $1", "issuetype", o->type_id,
		             f->type_id);
	if (rc == 0)
		rc = set_ref(e, "UPDATE issues SET priority_id = $2 WHERE id = $1",
		             "SELECT name FROM priorities WHERE id = $1", "priority",
		             o->priority_id, f->priority_id);
	if (rc == 0)
		rc = set_ref(e, "UPDATE issues SET assignee_id = $2 WHERE id = $1", USER_NAME_SQL,
		             "assignee", o->assignee_id, f->assignee_id);
	if (rc == 0)
		rc = set_ref(e, "UPDATE issues SET reporter_id = $2 WHERE id = $1", USER_NAME_SQL,
		             "reporter", o->reporter_id, f->reporter_id);
	if (rc == 0)
		rc = set_ref(e, "UPDATE issues SET parent_id = $2 WHERE id = $1",
		             "SELECT key FROM issues WHERE id = $1", "parent", o->parent_id,
		             f->parent_id);
	if (rc == 0)
		rc = set_estimate(e, "UPDATE issues SET original_estimate = $2 WHERE id = $1",
		                  "timeoriginalestimate", o->original_estimate,
		                  f->original_estimate);
	if (rc == 0)
		rc = set_estimate(e, "UPDATE issues SET remaining_estimate = $2 WHERE id = $1",
		                  "timeestimate", o->remaining_estimate, f->remaining_estimate);
	if (rc == 0)
		rc = set_labels(e, f);
	return rc;
}

static int check_edit(db_conn *c, arena *a, int64_t author_id, const track_issue *old,
                      const track_issue_fields *f, const char **out_field)
{
	int rc = f->summary
	                 ? field_error(out_field, "summary", track_issue_summary_check(f->summary))
	                 : 0;
	if (rc == 0 && f->description && strlen(f->description) > TRACK_DESCRIPTION_MAX)
		rc = field_error(out_field, "description",
		                 err_fail(WEFT_EINVALID, "The description is too long."));
	if (rc == 0)
		rc = check_labels(f, out_field);
	int64_t type = f->type_id ? f->type_id : old->type_id;
	int64_t parent = f->parent_id ? f->parent_id : old->parent_id;
	if (rc == 0)
		rc = check_reporter(c, author_id, old->project_id, old->reporter_id, f, out_field);
	if (rc == 0)
		rc = check_refs(c, a, author_id, old->project_id, type, parent, old->assignee_id, f,
		                out_field);
	return rc;
}

int track_issue_edit(db_conn *c, arena *a, int64_t id, const track_issue_fields *f,
                     int64_t author_id, const char **out_field)
{
	if (out_field)
		*out_field = NULL;
	track_issue old = { 0 };
	int rc = track_issue_get(c, a, id, &old);
	if (rc == 0)
		rc = check_edit(c, a, author_id, &old, f, out_field);
	edit_ctx e = { c, a, &old, author_id, 0 };
	/* As Jira does: a first estimate is also what remains. */
	track_issue_fields with_remaining = *f;
	if (f->original_estimate >= 0 && f->remaining_estimate == -1 && old.remaining_estimate < 0)
		with_remaining.remaining_estimate = f->original_estimate;
	if (rc == 0)
		rc = apply_edits(&e, &with_remaining);
	if (rc == 0 && e.group)
		rc = track_issue_touch(c, id);
	return rc;
}

int track_issue_touch(db_conn *c, int64_t id)
{
	int rc = db_exec(c, "UPDATE issues SET updated_at = $2 WHERE id = $1", db_int(id),
	                 db_int(clock_now_ms()));
	return rc < 0 ? rc : 0;
}

static int label_change(db_conn *c, arena *a, int64_t id, const char *label, bool add,
                        int64_t author_id)
{
	int rc = track_issue_label_check(label);
	track_issue old = { 0 };
	if (rc == 0)
		rc = track_issue_get(c, a, id, &old);
	if (rc < 0)
		return rc;
	size_t n = 0;
	const char **list = arena_array(a, old.nlabels + 1, sizeof(char *));
	for (size_t i = 0; i < old.nlabels; i++)
		if (strcmp(old.labels[i], label) != 0)
			list[n++] = old.labels[i];
	if (add)
		list[n++] = label;
	track_issue_fields f = track_issue_fields_none();
	f.labels = list;
	f.nlabels = n;
	f.set_labels = true;
	return track_issue_edit(c, a, id, &f, author_id, NULL);
}

int track_issue_label_add(db_conn *c, arena *a, int64_t id, const char *label, int64_t author_id)
{
	return label_change(c, a, id, label, true, author_id);
}

int track_issue_label_remove(db_conn *c, arena *a, int64_t id, const char *label, int64_t author_id)
{
	return label_change(c, a, id, label, false, author_id);
}

int track_issue_assign(db_conn *c, arena *a, int64_t id, int64_t assignee_id, int64_t author_id)
{
	track_issue_fields f = track_issue_fields_none();
	f.assignee_id = assignee_id > 0 ? assignee_id : -1;
	return track_issue_edit(c, a, id, &f, author_id, NULL);
}

/* ---- delete and move ---- */

static int count_subtasks(db_conn *c, int64_t id, int64_t *out)
{
	db_stmt *st;
	int rc = db_query(&st, c, "SELECT COUNT(*) FROM issues WHERE parent_id = $1", db_int(id));
	if (rc == 0)
		rc = db_step_one(st, "No count.");
	*out = rc == 0 ? db_col_int(st, 0) : 0;
	db_done(st);
	return rc;
}

int track_issue_delete(db_conn *c, int64_t id, bool subtasks)
{
	int64_t n = 0;
	int rc = count_subtasks(c, id, &n);
	if (rc == 0 && n > 0 && !subtasks)
		return err_fail(WEFT_ECONFLICT, "The issue has subtasks: delete them too "
		                                "(deleteSubtasks=true).");
	if (rc == 0)
		rc = db_exec(c, "DELETE FROM issues WHERE parent_id = $1", db_int(id));
	if (rc >= 0)
		rc = db_exec(c, "DELETE FROM issues WHERE id = $1", db_int(id));
	/* Their attachments went with them: the sweep removes the files no one else refers to. */
	if (rc > 0) {
		int queued = track_attachment_sweep_enqueue(c);
		if (queued < 0)
			return queued;
	}
	if (rc == 0)
		return err_fail(WEFT_ENOTFOUND,
		                "Issue does not exist or you do not have permission "
		                "to see it.");
	return rc < 0 ? rc : 0;
}

static int status_in_workflow(db_conn *c, int64_t project_id, int64_t status_id, bool *out)
{
	db_stmt *st;
	int rc = db_query(
	        &st, c, "SELECT 1 FROM workflow_statuses WHERE project_id = $1 AND status_id = $2",
	        db_int(project_id), db_int(status_id));
	if (rc == 0)
		rc = db_step(st);
	*out = rc == DB_ROW;
	db_done(st);
	return rc < 0 ? rc : 0;
}

static int move_one(db_conn *c, arena *a, const track_issue *old, int64_t project_id,
                    int64_t author_id, const char **out_key)
{
	int64_t number = 0, status = old->status_id;
	const char *key = NULL;
	bool keeps = false;
	int rc = status_in_workflow(c, project_id, old->status_id, &keeps);
	if (rc == 0 && !keeps)
		rc = track_workflow_initial_status(c, project_id, &status);
	if (rc == 0)
		rc = next_number(c, project_id, &number, &key, a);
	if (rc == 0)
		rc = db_exec(
		        c,
		        "UPDATE issues SET project_id = $2, number = $3, key = $4, status_id = $5,"
		        " updated_at = $6 WHERE id = $1",
		        db_int(old->id), db_int(project_id), db_int(number), db_text(key),
		        db_int(status), db_int(clock_now_ms()));
	if (rc >= 0)
		rc = insert_key(c, key, old->id);
	int64_t group = 0;
	if (rc == 0)
		rc = track_changelog_begin(c, old->id, author_id, &group);
	if (rc == 0)
		rc = track_changelog_item(c, group, "Key", NULL, old->key, NULL, key);
	if (rc == 0)
		rc = track_changelog_item(c, group, "project", id_text(a, old->project_id),
		                          old->project_name, id_text(a, project_id), NULL);
	if (rc == 0 && out_key)
		*out_key = key;
	return rc;
}

static int subtask_ids(db_conn *c, arena *a, int64_t id, int64_t **out, size_t *n)
{
	db_stmt *st;
	int rc = db_query(&st, c, "SELECT id FROM issues WHERE parent_id = $1 ORDER BY number",
	                  db_int(id));
	size_t count = 0, cap = 0;
	int64_t *ids = NULL;
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		ids = array_room(a, ids, count, &cap, sizeof *ids);
		ids[count++] = db_col_int(st, 0);
		rc = 0;
	}
	db_done(st);
	*out = ids;
	*n = count;
	return rc < 0 ? rc : 0;
}

int track_issue_move(db_conn *c, arena *a, int64_t id, int64_t project_id, int64_t author_id,
                     const char **out_new_key)
{
	track_issue old = { 0 };
	int rc = track_issue_get(c, a, id, &old);
	if (rc == 0 && old.parent_id)
		return err_fail(WEFT_EINVALID, "Sub-tasks move with their parent.");
	if (rc == 0 && old.project_id == project_id)
		return err_fail(WEFT_EINVALID, "The issue is in that project already.");
	if (rc == 0)
		rc = move_one(c, a, &old, project_id, author_id, out_new_key);
	int64_t *subs = NULL;
	size_t n = 0;
	if (rc == 0)
		rc = subtask_ids(c, a, id, &subs, &n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		track_issue sub;
		rc = track_issue_get(c, a, subs[i], &sub);
		if (rc == 0)
			rc = move_one(c, a, &sub, project_id, author_id, NULL);
	}
	return rc;
}

int track_issue_vote_add(db_conn *c, arena *a, int64_t issue_id, int64_t voter_id)
{
	track_issue issue;
	int rc = track_issue_get(c, a, issue_id, &issue);
	if (rc == 0 && issue.reporter_id == voter_id)
		rc = err_fail(WEFT_EINVALID, "You cannot vote for an issue you have reported.");
	if (rc == 0 && issue.resolution_id)
		rc = err_fail(WEFT_EINVALID, "You cannot vote for a resolved issue.");
	if (rc == 0)
		rc = track_people_add(c, TRACK_VOTERS, issue_id, voter_id);
	return rc;
}

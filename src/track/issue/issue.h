/* track's issues: creation with a per-project number that never repeats, lookup by any key the
 * issue ever had or by id, field edits recorded in the history, assignment, moves to another
 * project (a new key; the old one keeps resolving), deletion, and the history itself. Every
 * function runs in the caller's transaction. */
#ifndef WEFT_TRACK_ISSUE_H
#define WEFT_TRACK_ISSUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"

enum {
	TRACK_SUMMARY_MAX = 255,
	TRACK_DESCRIPTION_MAX = 32 * 1024,
	TRACK_LABEL_MAX = 255,
	TRACK_LABELS_MAX = 100,
	TRACK_TYPE_SUBTASK = 10005,
	TRACK_TYPE_TASK = 10002,
	TRACK_PRIORITY_MEDIUM = 3,
};

typedef struct track_issue {
	int64_t id;
	int64_t project_id;
	const char *project_key;
	const char *project_name;
	int64_t number;
	const char *key;
	int64_t type_id;
	const char *type_name;
	bool type_subtask;
	int64_t parent_id; /* 0: none */
	const char *parent_key;
	const char *summary;
	const char *description; /* Markdown, "" when none */
	int64_t status_id;
	const char *status_name;
	const char *status_category;
	int64_t priority_id;
	const char *priority_name;
	int64_t assignee_id; /* 0: unassigned */
	int64_t reporter_id;
	int64_t creator_id;
	int64_t resolution_id; /* 0: unresolved */
	const char *resolution_name;
	int64_t resolution_date; /* 0 when unresolved */
	int64_t original_estimate; /* seconds; -1 when not estimated */
	int64_t remaining_estimate; /* -1 when not estimated */
	int64_t time_spent;
	int64_t created_at;
	int64_t updated_at;
	const char **labels;
	size_t nlabels;
} track_issue;

/* What a create or an edit sets. Pointers NULL and ids 0 mean "not given" (edits leave the field
 * alone); assignee -1 clears the assignee; estimates -1 leave them, -2 clear them. */
typedef struct track_issue_fields {
	const char *summary;
	const char *description;
	int64_t type_id;
	int64_t priority_id;
	int64_t assignee_id;
	int64_t reporter_id;
	int64_t parent_id;
	int64_t original_estimate;
	int64_t remaining_estimate;
	const char *const *labels; /* with set_labels: the complete new list */
	size_t nlabels;
	bool set_labels;
} track_issue_fields;

/* Empty field set (nothing given). */
track_issue_fields track_issue_fields_none(void);

/* Rules on single fields, each WEFT_EINVALID with a message suited to Jira's errors.{field}. */
int track_issue_summary_check(const char *summary);
int track_issue_label_check(const char *label);

/* Jira's answer for an issue given by key or id that is not there or not visible to the caller
 * (a sub-task's parent, for one). */
#define TRACK_ISSUE_NOT_FOUND "Could not find issue by id or key."

/* Creates an issue in project_id (reporter defaults to creator_id, type to Task, priority to
 * Medium, status to the workflow's first). Field errors are WEFT_EINVALID and *out_field names
 * the field ("summary", "issuetype", "parent", "labels", "priority", "assignee", "reporter").
 * Another reporter than creator_id needs TRACK_PERM_MODIFY_REPORTER; a parent creator_id may not
 * browse is TRACK_ISSUE_NOT_FOUND, as a missing one. */
int track_issue_create(db_conn *c, arena *a, int64_t project_id, const track_issue_fields *f,
                       int64_t creator_id, track_issue *out, const char **out_field);

/* An issue by id (digits) or key; old keys resolve too (*out_old_key is then set to that key,
 * else NULL; pass NULL when not wanted). WEFT_ENOTFOUND with Jira's message. */
int track_issue_find(db_conn *c, arena *a, const char *id_or_key, track_issue *out,
                     const char **out_old_key);
int track_issue_get(db_conn *c, arena *a, int64_t id, track_issue *out);
/* The n issues of ids (distinct) into out[0..n), in that order, with their labels: two
 * statements however many. WEFT_ENOTFOUND when any is missing. */
int track_issue_get_many(db_conn *c, arena *a, const int64_t *ids, size_t n, track_issue *out);

/* Edits the given fields, recording each change by author_id; same errors as create (changing
 * the reporter needs TRACK_PERM_MODIFY_REPORTER). */
int track_issue_edit(db_conn *c, arena *a, int64_t id, const track_issue_fields *f,
                     int64_t author_id, const char **out_field);

/* Adds or removes single labels (recorded). */
int track_issue_label_add(db_conn *c, arena *a, int64_t id, const char *label, int64_t author_id);
int track_issue_label_remove(db_conn *c, arena *a, int64_t id, const char *label,
                             int64_t author_id);

/* Sets the assignee (0: unassigned), recorded. As in create and edit, a new assignee needs the
 * Assignable user permission in the issue's project (track_perm_check_assignable's
 * WEFT_EINVALID "User 'x' cannot be assigned issues."). */
int track_issue_assign(db_conn *c, arena *a, int64_t id, int64_t assignee_id, int64_t author_id);

/* Deletes the issue with its comments, work logs, history and keys; with subtasks false, an
 * issue that has subtasks is WEFT_ECONFLICT. */
int track_issue_delete(db_conn *c, int64_t id, bool subtasks);

/* Moves the issue (and its subtasks) to project_id: a new key from that project's counter; old
 * keys keep resolving. Status becomes the new workflow's first unless it has the current one. */
int track_issue_move(db_conn *c, arena *a, int64_t id, int64_t project_id, int64_t author_id,
                     const char **out_new_key);

/* Touches updated_at. */
int track_issue_touch(db_conn *c, int64_t id);

/* ---- the history ---- */

/* Opens a change group (author_id, now) and gives its id. */
int track_changelog_begin(db_conn *c, int64_t issue_id, int64_t author_id, int64_t *out_group);
/* Adds a changed field to the group: ids as text (NULL for text fields) and display strings. */
int track_changelog_item(db_conn *c, int64_t group_id, const char *field, const char *from_value,
                         const char *from_string, const char *to_value, const char *to_string);

typedef struct track_change_item {
	const char *field;
	const char *from_value;
	const char *from_string;
	const char *to_value;
	const char *to_string;
} track_change_item;

typedef struct track_change {
	int64_t id;
	int64_t author_id;
	int64_t created_at;
	track_change_item *items;
	size_t nitems;
} track_change;

/* The issue's history, oldest first. */
int track_changelog_list(db_conn *c, arena *a, int64_t issue_id, track_change **out, size_t *n);
/* One page of it: from start, at most max change groups; total counts them all. */
int track_changelog_page(db_conn *c, arena *a, int64_t issue_id, int64_t start, int64_t max,
                         track_change **out, size_t *n, int64_t *total);

/* Small lookups shared by the API and pages: names of the global lists by id or name. */
int track_issue_type_find(db_conn *c, const char *id_or_name, int64_t *out);
int track_priority_find(db_conn *c, const char *id_or_name, int64_t *out);
int track_resolution_find(db_conn *c, const char *id_or_name, int64_t *out);

/* A vote by voter for issue_id (track_people_add once the rules allow it): WEFT_EINVALID ("You
 * cannot vote for an issue you have reported." / "You cannot vote for a resolved issue.") when
 * they refuse it. */
int track_issue_vote_add(db_conn *c, arena *a, int64_t issue_id, int64_t voter_id);

#endif

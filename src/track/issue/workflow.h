/* track's workflows: the global statuses, each project's statuses and transitions (the default
 * To Do -> In Progress -> Done), the transitions available from a status, and moving an issue
 * along one (setting or clearing its resolution, recording the change). */
#ifndef WEFT_TRACK_WORKFLOW_H
#define WEFT_TRACK_WORKFLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"

/* Seeded ids (migrations/track/…/0004_issues.sql). */
enum {
	TRACK_STATUS_TODO = 10000,
	TRACK_STATUS_IN_PROGRESS = 3,
	TRACK_STATUS_DONE = 10001,
	TRACK_RESOLUTION_DONE = 10000,
};

typedef struct track_status {
	int64_t id;
	const char *name;
	const char *description;
	const char *category; /* "new", "indeterminate", "done" */
} track_status;

typedef enum {
	TRACK_RESOLUTION_KEEP = 0,
	TRACK_RESOLUTION_SET,
	TRACK_RESOLUTION_CLEAR,
} track_resolution_action;

typedef struct track_transition {
	int64_t id;
	const char *name;
	int64_t from_status_id; /* 0: from any other status */
	track_status to;
	track_resolution_action resolution_action;
	int64_t resolution_id; /* what TRACK_RESOLUTION_SET sets */
} track_transition;

/* Gives a new project the default workflow. */
int track_workflow_init(db_conn *c, int64_t project_id);

/* The status an issue of the project starts in (the workflow's first). */
int track_workflow_initial_status(db_conn *c, int64_t project_id, int64_t *out);

/* Every status (global list), by id, or those of one project's workflow, in order. */
int track_status_list(db_conn *c, arena *a, int64_t project_id, track_status **out, size_t *n);
/* A status by id or name (any case). WEFT_ENOTFOUND. */
int track_status_find(db_conn *c, arena *a, const char *id_or_name, track_status *out);

/* Adds a status to the project's workflow: an existing global status of that name, or a new one
 * with category ("new", "indeterminate", "done"). WEFT_EINVALID, WEFT_EEXISTS when the workflow
 * has it already. */
int track_workflow_add_status(db_conn *c, int64_t project_id, const char *name,
                              const char *category, int64_t *out_status_id);

/* Adds a transition (from 0: from any status). Both statuses must be in the workflow. */
int track_workflow_add_transition(db_conn *c, int64_t project_id, const char *name,
                                  int64_t from_status_id, int64_t to_status_id,
                                  track_resolution_action action, int64_t resolution_id,
                                  int64_t *out_id);

/* Every transition of the project, in order. */
int track_workflow_transitions(db_conn *c, arena *a, int64_t project_id, track_transition **out,
                               size_t *n);
/* The transitions available from status_id (those from it, and global ones to another status). */
int track_workflow_available(db_conn *c, arena *a, int64_t project_id, int64_t status_id,
                             track_transition **out, size_t *n);

/* Moves the issue along transition_id: WEFT_EINVALID ("… is not a valid transition …") when it is
 * not available from the issue's status. resolution_id (0: the transition's own) overrides what
 * a 'set' transition sets. Records the changes (author_id) and touches updated. */
int track_workflow_transition(db_conn *c, int64_t issue_id, int64_t transition_id,
                              int64_t resolution_id, int64_t author_id);

#endif

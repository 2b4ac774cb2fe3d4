/* The fixed lists an issue's fields choose from: priorities, resolutions, issue types, and the
 * statuses of a project's workflow, as the API's metadata and the pages' select boxes show them.
 * Domain only: no HTTP. */
#ifndef WEFT_TRACK_CHOICE_H
#define WEFT_TRACK_CHOICE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"

typedef enum track_choice_kind {
	TRACK_CHOICE_PRIORITIES, /* in their position's order */
	TRACK_CHOICE_RESOLUTIONS, /* by id */
	TRACK_CHOICE_ISSUE_TYPES, /* by id */
	TRACK_CHOICE_STATUSES, /* a project's workflow's statuses, in the workflow's order */
} track_choice_kind;

typedef struct track_choice {
	int64_t id;
	const char *name;
	const char *description; /* "" for issue types and statuses */
	const char *color; /* priorities only, else "" */
	bool is_default; /* priorities only */
} track_choice;

/* The entries of list kind (TRACK_CHOICE_STATUSES: of project_id's workflow; project_id is
 * unused otherwise), strings in a; *out NULL when the list is empty. Store errors. */
int track_choice_list(db_conn *c, arena *a, track_choice_kind kind, int64_t project_id,
                      track_choice **out, size_t *n);

/* The list as a page's select box reads it: [{"id", "name", "selected": id == selected}]. New
 * reference; *out is a (possibly empty) array even on failure. Store errors. */
int track_choice_options(db_conn *c, arena *a, track_choice_kind kind, int64_t project_id,
                         int64_t selected, json_t **out);

#endif

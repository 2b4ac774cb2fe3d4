/* Work logs on track issues: time spent (a Jira duration or seconds), a start time and a
 * comment. Adding, editing or deleting one moves the issue's time spent and, as Jira's
 * adjustEstimate says, its remaining estimate (never below zero): auto by the time logged,
 * leave, new (a given estimate) or manual (reduce by, or on delete increase by, an amount). */
#ifndef WEFT_TRACK_WORKLOG_H
#define WEFT_TRACK_WORKLOG_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"

typedef struct track_worklog {
	int64_t id;
	int64_t issue_id;
	int64_t author_id;
	int64_t update_author_id;
	int64_t started_at;
	int64_t seconds;
	const char *comment;
	int64_t created_at;
	int64_t updated_at;
} track_worklog;

/* Jira's adjustEstimate. */
typedef enum {
	TRACK_ADJUST_AUTO, /* by the time logged (added, changed or deleted) */
	TRACK_ADJUST_LEAVE,
	TRACK_ADJUST_NEW, /* to seconds */
	TRACK_ADJUST_MANUAL, /* lower by seconds (add), raise by seconds (delete) */
} track_adjust_mode;

typedef struct track_estimate_adjust {
	track_adjust_mode mode;
	int64_t seconds;
} track_estimate_adjust;

/* Logs seconds (> 0, at most ten years) of work started at started_at (0: now), moving the
 * estimate as adj says (NULL: auto). WEFT_EINVALID for a bad amount. Recorded in the history as
 * Jira does (timespent, timeestimate). */
int track_worklog_add(db_conn *c, arena *a, int64_t issue_id, int64_t author_id, int64_t seconds,
                      int64_t started_at, const char *comment, const track_estimate_adjust *adj,
                      track_worklog *out);

/* A work log of issue_id. WEFT_ENOTFOUND ("Cannot find worklog with id: 'n'."). */
int track_worklog_get(db_conn *c, arena *a, int64_t issue_id, int64_t id, track_worklog *out);

/* Changes a work log: seconds (0 keeps it), started_at (0 keeps it), comment (NULL keeps it),
 * recorded as editor_id; the time spent follows and the estimate moves as adj says (NULL: auto,
 * by the difference; manual is WEFT_EINVALID here, as in Jira). Same errors as add. */
int track_worklog_edit(db_conn *c, arena *a, int64_t issue_id, int64_t id, int64_t editor_id,
                       int64_t seconds, int64_t started_at, const char *comment,
                       const track_estimate_adjust *adj, track_worklog *out);

/* Deletes a work log: the time spent drops, the estimate moves as adj says (NULL: auto, raised
 * by the time logged). WEFT_ENOTFOUND. */
int track_worklog_delete(db_conn *c, arena *a, int64_t issue_id, int64_t id, int64_t author_id,
                         const track_estimate_adjust *adj);

/* The same with a duration string ("1w 2d 3h 30m", "1.5h") read with the app's day and week. */
int track_worklog_add_duration(db_conn *c, arena *a, int64_t issue_id, int64_t author_id,
                               const char *duration, int hours_per_day, int days_per_week,
                               int64_t started_at, const char *comment, track_worklog *out);

/* The issue's work logs, oldest start first. */
int track_worklog_list(db_conn *c, arena *a, int64_t issue_id, int64_t start, int64_t max,
                       track_worklog **out, size_t *n, int64_t *total);

#endif

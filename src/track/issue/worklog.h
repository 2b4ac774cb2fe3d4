/* Work logs on track issues: time spent (a Jira duration or seconds), a start time and a
 * comment. Adding one adds to the issue's time spent and lowers its remaining estimate (never
 * below zero), the way Jira's adjustEstimate=auto does. */
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

/* Logs seconds (> 0, at most ten years) of work started at started_at (0: now).
 * WEFT_EINVALID for a bad amount. Recorded in the history as Jira does (timespent). */
int track_worklog_add(db_conn *c, arena *a, int64_t issue_id, int64_t author_id, int64_t seconds,
                      int64_t started_at, const char *comment, track_worklog *out);

/* The same with a duration string ("1w 2d 3h 30m", "1.5h") read with the app's day and week. */
int track_worklog_add_duration(db_conn *c, arena *a, int64_t issue_id, int64_t author_id,
                               const char *duration, int hours_per_day, int days_per_week,
                               int64_t started_at, const char *comment, track_worklog *out);

/* The issue's work logs, oldest start first. */
int track_worklog_list(db_conn *c, arena *a, int64_t issue_id, int64_t start, int64_t max,
                       track_worklog **out, size_t *n, int64_t *total);

#endif

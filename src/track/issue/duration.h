/* Jira's work-log durations ("1w 2d 3h 30m", "1.5h", a bare number of minutes): parsing into
 * seconds and formatting back, with a working day and week whose lengths are configurable. */
#ifndef WEFT_TRACK_DURATION_H
#define WEFT_TRACK_DURATION_H

#include <stdint.h>

#include "base/arena.h"

enum {
	TRACK_DURATION_MAX_LEN = 256, /* bytes of input */
	TRACK_DURATION_HOURS_PER_DAY = 8, /* Jira's defaults */
	TRACK_DURATION_DAYS_PER_WEEK = 5,
};

/* Parses s into seconds: parts NUMBER UNIT separated by optional spaces, UNIT one of w, d, h, m
 * (any case), each at most once, NUMBER digits with an optional decimal fraction ("1.5h",
 * "0.5d"); a lone NUMBER without a unit is minutes (Jira's default unit). 1d = hours_per_day
 * hours and 1w = days_per_week days (both 1..168; 0 takes the default). Fractions round to the
 * nearest second. WEFT_EINVALID with a one-line message for empty or blank input, a sign, an
 * unknown or repeated unit, a malformed number, a result that does not fit, or an input longer
 * than TRACK_DURATION_MAX_LEN. */
int track_duration_parse(int64_t *out, const char *s, int hours_per_day, int days_per_week);

/* Formats seconds the Jira way ("1w 2d 3h 30m"), leaving out parts that are zero and seconds
 * below a minute; "0m" when nothing is left. Negative seconds format as their absolute value
 * with a leading '-'. The string lives in a. */
char *track_duration_format(arena *a, int64_t seconds, int hours_per_day, int days_per_week);

#endif

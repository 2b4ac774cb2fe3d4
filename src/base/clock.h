/* Monotonic and wall time. Timestamps that are stored or sent are epoch milliseconds. */
#ifndef WEFT_BASE_CLOCK_H
#define WEFT_BASE_CLOCK_H

#include <stdint.h>

/* Nanoseconds from an arbitrary start; for measuring durations only. */
int64_t clock_mono_ns(void);
/* Milliseconds since the Unix epoch, wall clock. */
int64_t clock_now_ms(void);

enum { CLOCK_ISO_LEN = 40 };
/* "2013-11-08T01:11:03.222+00:00" (UTC, milliseconds): the Bitbucket style of http-rules.md §9. */
void clock_format_iso8601(char out[CLOCK_ISO_LEN], int64_t epoch_ms);
/* "2024-01-15T10:30:00.000+0000": the Jira style of http-rules.md §9. */
void clock_format_jira(char out[CLOCK_ISO_LEN], int64_t epoch_ms);

#endif

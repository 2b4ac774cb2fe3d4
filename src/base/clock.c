/* Clocks and timestamp formats. */
#include "base/clock.h"

#include <stdio.h>
#include <time.h>

int64_t clock_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t clock_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void format_utc(char out[CLOCK_ISO_LEN], int64_t epoch_ms, const char *zone)
{
	time_t seconds = (time_t)(epoch_ms / 1000);
	int millis = (int)(epoch_ms % 1000);
	if (millis < 0) {
		millis += 1000;
		seconds -= 1;
	}
	struct tm tm;
	gmtime_r(&seconds, &tm);
	/* The moduli only tell the compiler the widths (the values are in range already). */
	snprintf(out, CLOCK_ISO_LEN, "%04u-%02u-%02uT%02u:%02u:%02u.%03u%s",
	         (unsigned)(tm.tm_year + 1900) % 10000u, (unsigned)(tm.tm_mon + 1) % 100u,
	         (unsigned)tm.tm_mday % 100u, (unsigned)tm.tm_hour % 100u,
	         (unsigned)tm.tm_min % 100u, (unsigned)tm.tm_sec % 100u, (unsigned)millis % 1000u,
	         zone);
}

void clock_format_iso8601(char out[CLOCK_ISO_LEN], int64_t epoch_ms)
{
	format_utc(out, epoch_ms, "+00:00");
}

void clock_format_jira(char out[CLOCK_ISO_LEN], int64_t epoch_ms)
{
	format_utc(out, epoch_ms, "+0000");
}

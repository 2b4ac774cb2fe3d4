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
	snprintf(out, CLOCK_ISO_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%03d%s", tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis, zone);
}

void clock_format_iso8601(char out[CLOCK_ISO_LEN], int64_t epoch_ms)
{
	format_utc(out, epoch_ms, "+00:00");
}

void clock_format_jira(char out[CLOCK_ISO_LEN], int64_t epoch_ms)
{
	format_utc(out, epoch_ms, "+0000");
}

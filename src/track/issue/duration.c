/* Jira's work-log durations: "1w 2d 3h 30m" and friends to seconds and back (see duration.h). */
#include "track/issue/duration.h"

#include <stdbool.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"

enum { MAX_FRACTION_DIGITS = 9 };

/* One part of a duration: NUMBER [UNIT]; whole and the fraction (frac / frac_scale). */
typedef struct part {
	int64_t whole;
	int64_t frac;
	int64_t frac_scale;
	char unit; /* 'w', 'd', 'h', 'm' or 0 when none was given */
} part;

static int normalise(int *hours_per_day, int *days_per_week)
{
	if (*hours_per_day == 0)
		*hours_per_day = TRACK_DURATION_HOURS_PER_DAY;
	if (*days_per_week == 0)
		*days_per_week = TRACK_DURATION_DAYS_PER_WEEK;
	if (*hours_per_day < 1 || *hours_per_day > 168 || *days_per_week < 1 ||
	    *days_per_week > 168)
		return err_fail(WEFT_EINVALID,
		                "Invalid time tracking configuration: %d hours a day, "
		                "%d days a week",
		                *hours_per_day, *days_per_week);
	return 0;
}

static int64_t unit_seconds(char unit, int hours_per_day, int days_per_week)
{
	switch (unit) {
	case 'w': return (int64_t)days_per_week * hours_per_day * 3600;
	case 'd': return (int64_t)hours_per_day * 3600;
	case 'h': return 3600;
	default: return 60;
	}
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* c for a message, or '?' when it is not printable ASCII. */
static char printable(char c)
{
	return (unsigned char)c >= 0x20 && (unsigned char)c < 0x7f ? c : '?';
}

static int too_long(void)
{
	return err_fail(WEFT_EINVALID, "Invalid duration: the number is too large");
}

/* Reads digits at *p into *value (at least one), overflow-checked. */
static int read_digits(int64_t *value, int *count, const char **p, int max_count)
{
	int64_t v = 0;
	int n = 0;
	while (is_digit(**p)) {
		if (n >= max_count || __builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, **p - '0', &v))
			return too_long();
		n++;
		(*p)++;
	}
	*value = v;
	*count = n;
	return 0;
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Reads the unit after a number: a word (spaces before it allowed), which must be one of the
 * letters w, d, h, m; nothing when a digit, the end or a space-then-digit follows. */
static int read_unit(part *pt, const char **p)
{
	const char *q = *p;
	while (is_space(*q))
		q++;
	size_t n = 0;
	while (is_alpha(q[n]))
		n++;
	if (n == 1 && strchr("wdhmWDHM", q[0])) {
		pt->unit = (char)(q[0] | 0x20);
		*p = q + 1;
		return 0;
	}
	if (n > 0)
		return err_fail(
		        WEFT_EINVALID,
		        "Invalid duration: unknown unit '%.*s' (use w, d, h or m, as in 1w 2d "
		        "3h 30m)",
		        (int)(n > 16 ? 16 : n), q);
	if (*q == '\0' || is_digit(*q) || *q == '.' || is_space(**p))
		return 0;
	return err_fail(WEFT_EINVALID,
	                "Invalid duration: unexpected '%c' (use w, d, h or m, as in 1w 2d 3h 30m)",
	                printable(*q));
}

/* Reads one NUMBER [UNIT] at *p. */
static int read_part(part *pt, const char **p)
{
	int digits = 0, frac_digits = 0;
	*pt = (part){ .frac_scale = 1 };
	if (**p == '-' || **p == '+')
		return err_fail(WEFT_EINVALID, "Invalid duration: a duration cannot have a sign");
	int rc = read_digits(&pt->whole, &digits, p, 18);
	if (rc == 0 && **p == '.') {
		(*p)++;
		rc = read_digits(&pt->frac, &frac_digits, p, MAX_FRACTION_DIGITS);
		for (int i = 0; i < frac_digits; i++)
			pt->frac_scale *= 10;
		if (rc == 0 && frac_digits == 0)
			return err_fail(WEFT_EINVALID, "Invalid duration: a digit must follow '.'");
	}
	if (rc == 0 && digits == 0 && frac_digits == 0)
		return err_fail(
		        WEFT_EINVALID,
		        "Invalid duration: expected a number but got '%c' (as in 1w 2d 3h 30m "
		        "or 1.5h)",
		        printable(**p));
	return rc ? rc : read_unit(pt, p);
}

/* Seconds of one part: whole * unit + frac * unit / scale, rounded to the nearest second. */
static int part_seconds(int64_t *out, const part *pt, int64_t unit)
{
	int64_t whole = 0;
	if (__builtin_mul_overflow(pt->whole, unit, &whole))
		return too_long();
	/* frac < scale <= 10^9 and unit <= 168*168*3600 < 2^27, so the product fits. */
	int64_t frac = (pt->frac * unit * 2 + pt->frac_scale) / (pt->frac_scale * 2);
	if (__builtin_add_overflow(whole, frac, out))
		return too_long();
	return 0;
}

static int add_part(int64_t *total, unsigned *seen, const part *pt, int hpd, int dpw)
{
	const char *units = "wdhm";
	unsigned bit = 1u << (strchr(units, pt->unit ? pt->unit : 'm') - units);
	if (*seen & bit)
		return err_fail(WEFT_EINVALID, "Invalid duration: the unit '%c' appears twice",
		                pt->unit ? pt->unit : 'm');
	*seen |= bit;
	int64_t seconds = 0;
	int rc = part_seconds(&seconds, pt, unit_seconds(pt->unit, hpd, dpw));
	if (rc == 0 && __builtin_add_overflow(*total, seconds, total))
		rc = too_long();
	return rc;
}

int track_duration_parse(int64_t *out, const char *s, int hours_per_day, int days_per_week)
{
	int64_t total = 0;
	unsigned seen = 0;
	int parts = 0, bare = 0;
	int rc = normalise(&hours_per_day, &days_per_week);
	if (rc)
		return rc;
	if (strnlen(s, TRACK_DURATION_MAX_LEN + 1) > TRACK_DURATION_MAX_LEN)
		return err_fail(WEFT_EINVALID, "Invalid duration: longer than %d bytes",
		                TRACK_DURATION_MAX_LEN);
	const char *p = s;
	for (;;) {
		while (is_space(*p))
			p++;
		if (*p == '\0')
			break;
		part pt;
		rc = read_part(&pt, &p);
		if (rc == 0)
			rc = add_part(&total, &seen, &pt, hours_per_day, days_per_week);
		if (rc)
			return rc;
		parts++;
		bare += pt.unit == 0;
	}
	if (parts == 0)
		return err_fail(WEFT_EINVALID, "Invalid duration: it is empty");
	if (bare && parts > 1)
		return err_fail(WEFT_EINVALID,
		                "Invalid duration: every number needs a unit (w, d, h "
		                "or m) when there are several");
	*out = total;
	return 0;
}

char *track_duration_format(arena *a, int64_t seconds, int hours_per_day, int days_per_week)
{
	if (normalise(&hours_per_day, &days_per_week) != 0) {
		hours_per_day = TRACK_DURATION_HOURS_PER_DAY;
		days_per_week = TRACK_DURATION_DAYS_PER_WEEK;
	}
	buf b = BUF_INIT;
	/* Minutes as unsigned, so that INT64_MIN has an absolute value too. */
	uint64_t left = seconds < 0 ? (0 - (uint64_t)seconds) / 60 : (uint64_t)seconds / 60;
	if (seconds < 0 && left > 0)
		buf_putc(&b, '-');
	const char *units = "wdhm";
	for (int i = 0; i < 4; i++) {
		uint64_t size = (uint64_t)unit_seconds(units[i], hours_per_day, days_per_week) / 60;
		uint64_t n = left / size;
		left %= size;
		if (n > 0)
			buf_printf(&b, "%s%llu%c", b.len > 0 && b.ptr[b.len - 1] != '-' ? " " : "",
			           (unsigned long long)n, units[i]);
	}
	if (b.len == 0)
		buf_puts(&b, "0m");
	char *out = arena_strdup(a, buf_cstr(&b));
	buf_dispose(&b);
	return out;
}

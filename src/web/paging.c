/* Paging parameters, read and clamped in one place for every list of both services. */
#include "web/paging.h"

#include <assert.h>
#include <stdbool.h>

#include "base/err.h"
#include "base/str.h"

/* Parses the whole of s as a decimal integer, saturating at ±INT64_MAX instead of failing on
 * overflow. false when s is not a whole number at all. */
static bool parse_saturating(int64_t *out, const char *s)
{
	bool negative = *s == '-';
	if (negative || *s == '+')
		s++;
	if (*s < '0' || *s > '9')
		return false;
	int64_t v = 0;
	for (; *s >= '0' && *s <= '9'; s++)
		v = v > (INT64_MAX - (*s - '0')) / 10 ? INT64_MAX : v * 10 + (*s - '0');
	if (*s)
		return false;
	*out = negative ? -v : v;
	return true;
}

void web_paging_clamp(web_paging *p, int64_t def, int64_t cap)
{
	assert(cap >= 0 && cap <= WEB_PAGING_CAP_MAX && def >= 0 && def <= cap);
	if (p->start < 0)
		p->start = 0;
	if (p->start > WEB_PAGING_START_MAX)
		p->start = WEB_PAGING_START_MAX;
	if (p->max < 0)
		p->max = def;
	if (p->max > cap)
		p->max = cap;
}

int64_t web_paging_start(const web_request *req)
{
	const char *value = web_query(req, "startAt");
	web_paging p = { 0, 0 };
	if (value && !parse_saturating(&p.start, value))
		p.start = 0;
	web_paging_clamp(&p, 0, 0);
	return p.start;
}

void web_paging_offset(web_paging *out, const web_request *req, int64_t def, int64_t cap)
{
	const char *max = web_query(req, "maxResults");
	out->start = web_paging_start(req);
	out->max = def;
	if (max && !parse_saturating(&out->max, max))
		out->max = def;
	web_paging_clamp(out, def, cap);
}

int web_paging_page_number(int64_t *out, const char *value)
{
	if (str_to_i64(out, value, 1, WEB_PAGING_PAGE_MAX, "page") < 0)
		return err_fail(WEFT_EINVALID, "page must be a whole number from 1 to %d.",
		                WEB_PAGING_PAGE_MAX);
	return 0;
}

int web_paging_page_length(int64_t *out, const char *value, int64_t cap)
{
	assert(cap >= 1 && cap <= WEB_PAGING_CAP_MAX);
	if (str_to_i64(out, value, 1, cap, "pagelen") < 0)
		return err_fail(WEFT_EINVALID, "pagelen must be a whole number from 1 to %lld.",
		                (long long)cap);
	return 0;
}

int web_paging_numbered(web_paging *out, int64_t *page, const web_request *req, int64_t def,
                        int64_t cap)
{
	const char *number = web_query(req, "page"), *length = web_query(req, "pagelen");
	int64_t n = 1, len = def;
	int rc = number ? web_paging_page_number(&n, number) : 0;
	if (rc == 0 && length)
		rc = web_paging_page_length(&len, length, cap);
	if (rc < 0)
		return rc;
	*page = n;
	/* At most 10^11: no overflow; beyond WEB_PAGING_START_MAX a page is empty anyway. */
	out->start = (n - 1) * len;
	out->max = len;
	web_paging_clamp(out, len, cap);
	return 0;
}

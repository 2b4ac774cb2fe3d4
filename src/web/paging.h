/* The paging parameters of both APIs and of the pages, read and clamped in one place: offset
 * paging (Jira's startAt and maxResults) and numbered paging (Bitbucket's page and pagelen). What
 * these return is bounded so that no offset, sum or product computed from it can overflow. */
#ifndef WEFT_WEB_PAGING_H
#define WEFT_WEB_PAGING_H

#include <stdint.h>

#include "web/web.h"

enum {
	WEB_PAGING_START_MAX = 2147483647, /* the furthest first item any list answers */
	WEB_PAGING_PAGE_MAX = 1000000, /* the furthest page number */
	WEB_PAGING_CAP_MAX = 100000, /* the largest cap a list may give its page length */
};

/* One page of a list: the first item's index and the number of items asked for. */
typedef struct web_paging {
	int64_t start; /* 0 to WEB_PAGING_START_MAX */
	int64_t max; /* 0 to the list's cap */
} web_paging;

/* Brings p into range: start below 0 becomes 0 and above WEB_PAGING_START_MAX that bound; max
 * below 0 becomes def and above cap becomes cap (cap at most WEB_PAGING_CAP_MAX); a max of 0
 * stays 0: a page of no items, for a caller who wants only the total. */
void web_paging_clamp(web_paging *p, int64_t def, int64_t cap);

/* startAt from the query (absent: 0), as Jira reads it: a value that is not a whole number counts
 * as absent, a negative one as 0, one above WEB_PAGING_START_MAX (however large) as that bound.
 * For pages with a fixed page length. */
int64_t web_paging_start(const web_request *req);

/* Offset paging from the query: startAt (absent: 0) and maxResults (absent: def), as Jira reads
 * them. A value that is not a whole number counts as absent; a number too large for any type
 * counts as the largest; then web_paging_clamp. Never fails. */
void web_paging_offset(web_paging *out, const web_request *req, int64_t def, int64_t cap);

/* A page number given as text: the whole of value, 1 to WEB_PAGING_PAGE_MAX. WEFT_EINVALID with
 * "page must be a whole number from 1 to …" otherwise. */
int web_paging_page_number(int64_t *out, const char *value);

/* A page length given as text: the whole of value, 1 to cap (at most WEB_PAGING_CAP_MAX).
 * WEFT_EINVALID with "pagelen must be a whole number from 1 to <cap>." otherwise. */
int web_paging_page_length(int64_t *out, const char *value, int64_t cap);

/* Numbered paging from the query: page (absent: 1, else web_paging_page_number) and pagelen
 * (absent: def, else web_paging_page_length). out->start is the page's first item
 * ((page - 1) * pagelen, at most WEB_PAGING_START_MAX), out->max the page length, *page the page
 * number. WEFT_EINVALID naming
 * the parameter. */
int web_paging_numbered(web_paging *out, int64_t *page, const web_request *req, int64_t def,
                        int64_t cap);

#endif

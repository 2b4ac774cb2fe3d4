/* What every hub API handler shares: Bitbucket's paginated envelope and its page parameters,
 * absolute links, and the account object. */
#ifndef WEFT_HUB_API_H
#define WEFT_HUB_API_H

#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "hub/account/account.h"
#include "web/web.h"

enum { HUB_PAGELEN_DEFAULT = 10, HUB_PAGELEN_MAX = 100 };

typedef struct hub_page_params {
	int64_t page; /* 1-based */
	int64_t pagelen; /* 1 to HUB_PAGELEN_MAX */
} hub_page_params;

/* Reads ?page= and ?pagelen=. WEFT_EINVALID naming the parameter for a value that is not a whole
 * number in range. */
int hub_api_page_params(web_request *req, hub_page_params *out);

/* Runs fn(ctx) in a snapshot of hub's database, or in a transaction when write. On failure
 * releases the JSON fn left in *out and sets *out to NULL. fn's code, or the store's. */
int hub_api_run(json_t **out, web_request *req, db_fn fn, void *ctx, bool write);

/* This request's URL with page set to page: its query parameters but page kept in order, repeats
 * too (clients follow next verbatim), then the pairs of extra (NULL: none), then page. In the
 * request's arena. */
const char *hub_api_page_url(web_request *req, const web_pairs *extra, const char *page);

/* The envelope {pagelen, page, size, values, next}: values (stolen) is the page's items, total
 * the number of items in all pages (or -1 to leave size out and decide next by has_more). next is
 * this request's URL with page+1, absent on the last page. */
json_t *hub_api_envelope(web_request *req, const hub_page_params *p, json_t *values, int64_t total,
                         bool has_more);

/* Answers 200 with one page of items (stolen), filtered by ?q= and ordered by ?sort= over
 * fields. WEFT_EINVALID for a
 * bad page, pagelen, q or sort. */
int hub_api_respond_list(web_request *req, web_response *res, json_t *items,
                         const char *const *fields);

/* {"href": base_url + path}; path starts with '/'. */
json_t *hub_api_href(web_request *req, const char *path);

/* "{uuid}" as Bitbucket writes UUIDs, in the request's arena. */
const char *hub_api_braced(web_request *req, const char *uuid);

/* The account object (type "user") with its links. */
json_t *hub_api_user(web_request *req, const hub_user *u);

#endif

/* What every hub API handler shares: Bitbucket's paginated envelope and its page parameters,
 * absolute links, and the account object. */
#ifndef WEFT_HUB_API_H
#define WEFT_HUB_API_H

#include <jansson.h>
#include <stdint.h>

#include "hub/account.h"
#include "web/web.h"

enum { HUB_PAGELEN_DEFAULT = 10, HUB_PAGELEN_MAX = 100 };

typedef struct hub_page_params {
	int64_t page; /* 1-based */
	int64_t pagelen; /* 1 to HUB_PAGELEN_MAX */
} hub_page_params;

/* Reads ?page= and ?pagelen=. WEFT_EINVALID naming the parameter for a value that is not a whole
 * number in range. */
int hub_api_page_params(web_request *req, hub_page_params *out);

/* The envelope {pagelen, page, size, values, next}: values (stolen) is the page's items, total
 * the number of items in all pages (or -1 to leave size out and decide next by has_more). next is
 * this request's URL with page+1, absent on the last page. */
json_t *hub_api_envelope(web_request *req, const hub_page_params *p, json_t *values, int64_t total,
                         bool has_more);

/* {"href": base_url + path}; path starts with '/'. */
json_t *hub_api_href(web_request *req, const char *path);

/* "{uuid}" as Bitbucket writes UUIDs, in the request's arena. */
const char *hub_api_braced(web_request *req, const char *uuid);

/* The account object (type "user") with its links. */
json_t *hub_api_user(web_request *req, const hub_user *u);

#endif

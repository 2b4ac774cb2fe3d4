/* The diff API: raw diffs, patches, diffstats and merge bases between two revisions. The routes
 * in hub.c declare who may call each handler. */
#ifndef WEFT_HUB_DIFF_API_H
#define WEFT_HUB_DIFF_API_H

#include "web/web.h"

/* GET …/diff/{spec}: the raw diff (text/plain); …/patch/{spec}: the same as a mail-style patch
 * of a single commit; …/diffstat/{spec}: paginated diffstat objects; …/merge-base/{spec}: the
 * commit object of the best common ancestor of A..B. */
int hub_api_diff(web_request *req, web_response *res);
int hub_api_patch(web_request *req, web_response *res);
int hub_api_diffstat(web_request *req, web_response *res);
int hub_api_merge_base(web_request *req, web_response *res);

#endif

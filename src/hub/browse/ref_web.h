/* The branches page: branches with ahead / behind against the main branch, and tags. */
#ifndef WEFT_HUB_REF_WEB_H
#define WEFT_HUB_REF_WEB_H

#include "web/web.h"

/* /{workspace}/{repo_slug}/branches: branches with ahead / behind against the main branch, and
 * tags. */
int hub_branches_page(web_request *req, web_response *res);

#endif

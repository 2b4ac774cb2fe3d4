/* The refs API: branches and tags, listed, read, created and deleted (Bitbucket's shapes). The
 * routes in hub.c declare who may call each handler. */
#ifndef WEFT_HUB_REF_API_H
#define WEFT_HUB_REF_API_H

#include "web/web.h"

/* GET …/refs, …/refs/branches, …/refs/tags: q, sort, page, pagelen. */
int hub_api_refs(web_request *req, web_response *res);
int hub_api_branches(web_request *req, web_response *res);
int hub_api_tags(web_request *req, web_response *res);
/* GET …/refs/branches/{name} and …/refs/tags/{name}. */
int hub_api_branch(web_request *req, web_response *res);
int hub_api_tag(web_request *req, web_response *res);
/* POST …/refs/branches and …/refs/tags: {name, target: {hash}[, message]} → 201. */
int hub_api_branch_create(web_request *req, web_response *res);
int hub_api_tag_create(web_request *req, web_response *res);
/* DELETE …/refs/branches/{name} and …/refs/tags/{name} → 204. */
int hub_api_branch_delete(web_request *req, web_response *res);
int hub_api_tag_delete(web_request *req, web_response *res);

#endif

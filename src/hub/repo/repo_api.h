/* The repositories API in Bitbucket Cloud 2.0's shapes (A.5), over repo.h. The routes in hub.c
 * declare who may call each handler. */
#ifndef WEFT_HUB_REPO_API_H
#define WEFT_HUB_REPO_API_H

#include <jansson.h>

#include "hub/repo/repo.h"
#include "web/web.h"

/* GET /2.0/repositories/{workspace}: what the caller may read, ?role=member|contributor|admin|
 * owner (read, write, admin on it; owner: admin of the workspace), ?q=, ?sort=, paging. */
int hub_api_repositories(web_request *req, web_response *res);
/* GET /2.0/repositories: every public repository, oldest first; ?after= (ISO-8601) keeps those
 * created from then on. */
int hub_api_public_repositories(web_request *req, web_response *res);
/* POST /2.0/repositories/{workspace}/{repo_slug}: creates (200), the slug from the path. */
int hub_api_repository_create(web_request *req, web_response *res);
/* GET, PUT (partial update, or create with 201 when absent) and DELETE (204) of one. */
int hub_api_repository(web_request *req, web_response *res);
int hub_api_repository_update(web_request *req, web_response *res);
int hub_api_repository_delete(web_request *req, web_response *res);

/* ---- shared with the other repository APIs ---- */

/* The repository object of A.5 (links.clone, mainbranch, owner, workspace, project condensed),
 * read in c's transaction. */
int hub_api_repository_json(db_conn *c, web_request *req, const hub_repo *r, json_t **out);

#endif

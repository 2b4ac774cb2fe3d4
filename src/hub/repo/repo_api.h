/* The repositories and projects API in Bitbucket Cloud 2.0's shapes (A.4, A.5), over repo.h and
 * project.h. The routes in hub.c declare who may call each handler. */
#ifndef WEFT_HUB_REPO_API_H
#define WEFT_HUB_REPO_API_H

#include <jansson.h>

#include "hub/project/project.h"
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

/* The projects of a workspace: GET (list) and POST (201) /2.0/workspaces/{workspace}/projects,
 * GET, PUT (200, or 201 creating) and DELETE (204; 409 while repositories remain) of
 * …/projects/{project_key}. */
int hub_api_projects(web_request *req, web_response *res);
int hub_api_project_create(web_request *req, web_response *res);
int hub_api_project(web_request *req, web_response *res);
int hub_api_project_update(web_request *req, web_response *res);
int hub_api_project_delete(web_request *req, web_response *res);

/* ---- shared with the other repository APIs ---- */

/* The repository object of A.5 (links.clone, mainbranch, owner, workspace, project condensed),
 * read in c's transaction. */
int hub_api_repository_json(db_conn *c, web_request *req, const hub_repo *r, json_t **out);
/* The project object of A.4. */
int hub_api_project_json(db_conn *c, web_request *req, const hub_workspace *ws,
                         const hub_project *p, json_t **out);

#endif

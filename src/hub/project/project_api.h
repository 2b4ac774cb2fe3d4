/* The projects API in Bitbucket Cloud 2.0's shapes (A.4), over project.h. The routes in hub.c
 * declare who may call each handler. */
#ifndef WEFT_HUB_PROJECT_API_H
#define WEFT_HUB_PROJECT_API_H

#include <jansson.h>

#include "db/db.h"
#include "hub/project/project.h"
#include "hub/workspace.h"
#include "web/web.h"

/* The projects of a workspace: GET (list) and POST (201) /2.0/workspaces/{workspace}/projects,
 * GET, PUT (200, or 201 creating) and DELETE (204; 409 while repositories remain) of
 * …/projects/{project_key}. */
int hub_api_projects(web_request *req, web_response *res);
int hub_api_project_create(web_request *req, web_response *res);
int hub_api_project(web_request *req, web_response *res);
int hub_api_project_update(web_request *req, web_response *res);
int hub_api_project_delete(web_request *req, web_response *res);

/* The project object of A.4. */
int hub_api_project_json(db_conn *c, web_request *req, const hub_workspace *ws,
                         const hub_project *p, json_t **out);

#endif

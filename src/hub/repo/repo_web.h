/* The repository and project pages of hub: creating a repository (/repo/create), a workspace's
 * projects, and a repository's settings (details, access, transfer, delete). */
#ifndef WEFT_HUB_REPO_WEB_H
#define WEFT_HUB_REPO_WEB_H

#include "web/web.h"

int hub_repo_create_page(web_request *req, web_response *res);
int hub_repo_create_submit(web_request *req, web_response *res);
int hub_projects_page(web_request *req, web_response *res);
int hub_project_create_submit(web_request *req, web_response *res);
int hub_repo_admin_page(web_request *req, web_response *res);
int hub_repo_admin_submit(web_request *req, web_response *res);
int hub_repo_access_page(web_request *req, web_response *res);
int hub_repo_access_submit(web_request *req, web_response *res);
int hub_repo_transfer_page(web_request *req, web_response *res);
int hub_repo_transfer_submit(web_request *req, web_response *res);
int hub_repo_delete_page(web_request *req, web_response *res);
int hub_repo_delete_submit(web_request *req, web_response *res);

#endif

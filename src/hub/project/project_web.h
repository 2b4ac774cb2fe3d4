/* A project's page in hub: what it is, its repositories, and (for the workspace's
 * administrators) editing its name, description and private flag, and deleting it. */
#ifndef WEFT_HUB_PROJECT_WEB_H
#define WEFT_HUB_PROJECT_WEB_H

#include "web/web.h"

int hub_project_page(web_request *req, web_response *res);
int hub_project_update_submit(web_request *req, web_response *res);
int hub_project_delete_submit(web_request *req, web_response *res);

#endif

/* The branching model's API and settings page, and creating a branch from an issue. */
#ifndef WEFT_HUB_PULL_BRANCHING_WEB_H
#define WEFT_HUB_PULL_BRANCHING_WEB_H

#include "web/web.h"

/* GET …/branching-model: the effective model (enabled types only, production when enabled). */
int hub_api_branching_model(web_request *req, web_response *res);
/* GET and PUT …/branching-model/settings: every type with enabled, production with enabled;
 * PUT changes what the body names. */
int hub_api_branching_settings(web_request *req, web_response *res);
int hub_api_branching_settings_update(web_request *req, web_response *res);

/* /{workspace}/{repo_slug}/admin/branching: the model and the default merge strategy. */
int hub_branching_page(web_request *req, web_response *res);
int hub_branching_submit(web_request *req, web_response *res);

/* GET /branch/create?issueKey=&issueType=&issueSummary=[&repository=ws/slug]: the form
 * (repositories the viewer may write to, the last used first; the type from the issue type;
 * "branch from" the development branch; the suggested name). POST makes the branch through
 * the recorded path of a push and shows how to check it out. */
int hub_branch_create_page(web_request *req, web_response *res);
int hub_branch_create_submit(web_request *req, web_response *res);

#endif

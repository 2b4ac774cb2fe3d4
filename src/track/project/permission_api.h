/* Jira's permission resources: GET permissions (every permission key track knows) and GET
 * mypermissions (whether the caller holds each asked permission, in a project or issue or, with
 * no context, in any project), mapped onto track's scheme (track_perm.h). */
#ifndef WEFT_TRACK_PROJECT_PERMISSION_API_H
#define WEFT_TRACK_PROJECT_PERMISSION_API_H

#include "web/web.h"

int track_api_permissions(web_request *req, web_response *res);
/* permissions= (required, comma list), projectKey | projectId | issueKey | issueId. 400 for a
 * missing or unknown key; 404 for a project or issue the caller may not browse. */
int track_api_mypermissions(web_request *req, web_response *res);

#endif

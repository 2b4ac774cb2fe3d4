/* The webhook pages of repository settings (…/admin/hooks) and team settings
 * (/{workspace}/settings/hooks): the list, add, edit and delete, and the request log with its
 * failed filter, each request's attempts, and Resend. The routes declare admin permission; the
 * handlers serve both subjects (hub_scope.repository_id tells which). */
#ifndef WEFT_HUB_HOOK_HOOK_WEB_H
#define WEFT_HUB_HOOK_HOOK_WEB_H

#include "web/web.h"

int hub_hooks_page(web_request *req, web_response *res);
int hub_hook_create_submit(web_request *req, web_response *res);
int hub_hook_page(web_request *req, web_response *res);
int hub_hook_update_submit(web_request *req, web_response *res);
int hub_hook_delete_submit(web_request *req, web_response *res);
/* …/hooks/{uid}/requests (?failed=1, ?before=ID for older ones) and …/requests/{id}. */
int hub_hook_requests_page(web_request *req, web_response *res);
int hub_hook_request_page(web_request *req, web_response *res);
int hub_hook_resend_submit(web_request *req, web_response *res);

#endif

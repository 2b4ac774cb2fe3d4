/* The webhooks API (A.11) and the build statuses API (A.12). The routes in hub.c declare who may
 * call each: admin of the repository or workspace for hooks, read or write of the repository
 * for statuses. */
#ifndef WEFT_HUB_HOOK_HOOK_API_H
#define WEFT_HUB_HOOK_HOOK_API_H

#include "web/web.h"

/* GET (paginated) and POST (201) …/hooks of a repository or workspace; GET, PUT and DELETE
 * (204) of …/hooks/{uid}. */
int hub_api_hooks(web_request *req, web_response *res);
int hub_api_hook_create(web_request *req, web_response *res);
int hub_api_hook(web_request *req, web_response *res);
int hub_api_hook_update(web_request *req, web_response *res);
int hub_api_hook_delete(web_request *req, web_response *res);
/* GET /2.0/hook_events: the subject types; /2.0/hook_events/{subject_type}: their events. */
int hub_api_hook_subjects(web_request *req, web_response *res);
int hub_api_hook_events(web_request *req, web_response *res);

/* POST …/commit/{node}/statuses/build (201; same key overwrites), GET and PUT
 * …/statuses/build/{key}, GET …/commit/{node}/statuses (paginated). */
int hub_api_status_create(web_request *req, web_response *res);
int hub_api_status(web_request *req, web_response *res);
int hub_api_status_update(web_request *req, web_response *res);
int hub_api_statuses(web_request *req, web_response *res);

#endif

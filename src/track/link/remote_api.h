/* Jira's remote issue links over the REST API: /rest/api/{2,latest,3}/issue/{issueIdOrKey}/
 * remotelink[/{linkId}]. Reading needs browse permission on the issue, writing Link issues (the
 * route table says so). */
#ifndef WEFT_TRACK_REMOTE_API_H
#define WEFT_TRACK_REMOTE_API_H

#include "web/web.h"

/* GET …/remotelink: the links [{id, self, globalId, application, relationship, object:
 * {url, title, summary, icon}}]; with ?globalId= the one link (404 when none). */
int track_api_remote_links(web_request *req, web_response *res);
/* POST …/remotelink: 201 {id, self}, or 200 when the body's globalId named a link of the issue,
 * which it then updates. 400 with errors.{field} for a missing or malformed url or title. */
int track_api_remote_link_save(web_request *req, web_response *res);
/* GET …/remotelink/{linkId}: one link; 404 when the issue has none with that id. */
int track_api_remote_link(web_request *req, web_response *res);
/* PUT …/remotelink/{linkId}: replaces the link, 204. */
int track_api_remote_link_update(web_request *req, web_response *res);
/* DELETE …/remotelink/{linkId}, or …/remotelink?globalId=: 204. */
int track_api_remote_link_delete(web_request *req, web_response *res);

#endif

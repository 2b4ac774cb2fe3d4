/* Jira's dev-status API (jira-api.md E.1, E.2), which Jira's own panel and many clients read:
 * GET /rest/dev-status/{1.0,latest}/issue/summary?issueId= and …/issue/detail?issueId=
 * &applicationType=&dataType=, with every linked host reported as the instance type "bitbucket".
 * The routes declare TRACK_PERM_VIEW_DEV_TOOLS and ?issueId= as the issue they act on. */
#ifndef WEFT_TRACK_DVCS_DEVSTATUS_API_H
#define WEFT_TRACK_DVCS_DEVSTATUS_API_H

#include <jansson.h>

#include "base/arena.h"
#include "track/dvcs/panel.h"
#include "web/web.h"

/* The declared query parameters: the numeric id (TRACK_SCOPE_ISSUE, which the authorize
 * hook resolves) and, for the detail resource, dataType (checked) and applicationType
 * (bounded). */
extern const web_param_spec dvcs_devstatus_summary_params[];
extern const web_param_spec dvcs_devstatus_detail_params[];

/* GET …/issue/summary: {"errors": [], "configErrors": [], "summary": {…}} (E.1). */
int dvcs_api_devstatus_summary(web_request *req, web_response *res);
/* GET …/issue/detail: {"errors": [], "detail": [one element per host]} with the array of
 * dataType filled (E.2); another applicationType than "bitbucket" gives "detail": []. Paged by
 * startAt and maxResults (default and cap DVCS_PANEL_PAGE_MAX). */
int dvcs_api_devstatus_detail(web_request *req, web_response *res);

/* E.1's summary object for s (new reference), also what the issue page polls. */
json_t *dvcs_devstatus_summary_json(arena *a, const dvcs_panel_summary *s);

#endif

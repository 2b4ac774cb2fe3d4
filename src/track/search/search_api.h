/* track's Jira search resources: GET and POST search (startAt, maxResults, total) and search/jql
 * (token paging), under /rest/api/{2,latest,3}/; and the search page GET /issues/. */
#ifndef WEFT_TRACK_SEARCH_API_H
#define WEFT_TRACK_SEARCH_API_H

#include "web/web.h"

/* GET and POST /rest/api/2/search: {expand, startAt, maxResults, total, issues}. A bad query is
 * 400 with Jira's ErrorCollection carrying the parser's message. */
int track_api_search(web_request *req, web_response *res);
/* GET and POST /rest/api/2/search/jql: {issues, nextPageToken?, isLast}; issues carry only their
 * id unless fields are asked for; a query without any condition is refused (400). */
int track_api_search_jql(web_request *req, web_response *res);

/* GET /issues/?jql=…&startAt=…: the search page (JQL box, errors, sortable table, paging). */
int track_search_issues_page(web_request *req, web_response *res);

#endif

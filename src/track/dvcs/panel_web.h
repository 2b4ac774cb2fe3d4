/* The development panel on the issue page (for viewers with View development tools): counts of
 * branches, commits, pull requests and builds, Create branch, and the detail view each count
 * opens; the summary the page polls to stay current. */
#ifndef WEFT_TRACK_DVCS_PANEL_WEB_H
#define WEFT_TRACK_DVCS_PANEL_WEB_H

#include <jansson.h>

#include "db/db.h"
#include "track/issue/issue.h"
#include "web/web.h"

/* The panel's data for issue (template track/dev_panel, new reference in *out): the counts, the
 * detail and poll links, and one "Create branch" link per linked account. Five statements,
 * whatever is linked. 0 or the store's error. */
int dvcs_panel_web_json(db_conn *c, web_request *req, const track_issue *issue, json_t **out);

/* GET /browse/{issue}/development?show=commits|branches|pulls|builds&startAt=N: one kind's list,
 * newest first, paged; commits grouped by repository. An old key redirects to the current. */
int dvcs_panel_detail_page(web_request *req, web_response *res);

/* GET /browse/{issue}/development/summary: the panel's counts as JSON, the fields the page's
 * data-dev elements show (static/dev-panel.js polls it). */
int dvcs_panel_summary_poll(web_request *req, web_response *res);

#endif

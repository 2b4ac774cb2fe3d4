/* The pull request pages: the repository's list, the create form, one pull request (overview with
 * activity and comments, commits, diff with inline comments) and its forms (comment, review,
 * merge, decline), and the dashboard's lists. */
#ifndef WEFT_HUB_PULL_PULL_WEB_H
#define WEFT_HUB_PULL_PULL_WEB_H

#include <jansson.h>

#include "db/db.h"
#include "web/web.h"

/* /{workspace}/{repo_slug}/pull-requests?state=OPEN|MERGED|DECLINED|ALL. */
int hub_pulls_page(web_request *req, web_response *res);
/* GET and POST …/pull-requests/new (?source=&destination= prefill the form). */
int hub_pull_new_page(web_request *req, web_response *res);
int hub_pull_new_submit(web_request *req, web_response *res);
/* …/pull-requests/{pull_request_id}, …/commits, …/diff. */
int hub_pull_page(web_request *req, web_response *res);
int hub_pull_commits_page(web_request *req, web_response *res);
int hub_pull_diff_page(web_request *req, web_response *res);
/* POST …/comments (text, parent, path, side old|new, line), …/comments/{comment_id}/edit and
 * …/delete, …/review (action approve|unapprove|request-changes|remove-request), …/merge
 * (strategy, message, close_source_branch), …/decline (reason). */
int hub_pull_comment_submit(web_request *req, web_response *res);
int hub_pull_comment_edit_submit(web_request *req, web_response *res);
int hub_pull_comment_delete_submit(web_request *req, web_response *res);
int hub_pull_review_submit(web_request *req, web_response *res);
int hub_pull_merge_submit(web_request *req, web_response *res);
int hub_pull_decline_submit(web_request *req, web_response *res);
/* POST …/pull-requests/{id}/edit: the title and description, by the author or a writer, as
 * the API's PUT changes them (an "update" activity and pullrequest:updated); a refusal goes
 * back to the page with its message and changes nothing. */
int hub_pull_edit_submit(web_request *req, web_response *res);

/* The dashboard's "Your pull requests" (open, by user_id) and "To review" (open, user_id a
 * reviewer) as lists of {title, href, repo, state}, read in c's transaction. */
int hub_pull_dashboard(db_conn *c, web_request *req, int64_t user_id, json_t **mine,
                       json_t **review);

#endif

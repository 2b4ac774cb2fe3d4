/* The pull requests API (A.10) and the steps its handlers share with the pages (pull_web.c):
 * create, update, comment, review and decline, each one transaction. The routes in hub.c declare
 * who may call each handler; the steps check only what depends on the pull request (its author,
 * a comment's author). */
#ifndef WEFT_HUB_PULL_PULL_API_H
#define WEFT_HUB_PULL_PULL_API_H

#include <jansson.h>

#include "hub/pull/pull_view.h"
#include "web/web.h"

/* GET …/pullrequests (state repeatable, q, sort, page, pagelen) and POST (201). */
int hub_api_pullrequests(web_request *req, web_response *res);
int hub_api_pullrequest_create(web_request *req, web_response *res);
/* GET /2.0/pullrequests/{selected_user}: the pull requests the user wrote that the caller may
 * read. */
int hub_api_user_pullrequests(web_request *req, web_response *res);
/* GET and PUT …/pullrequests/{pull_request_id}. */
int hub_api_pullrequest(web_request *req, web_response *res);
int hub_api_pullrequest_update(web_request *req, web_response *res);
/* GET …/commits, …/diff, …/diffstat, …/patch: the history API over the source tip against the
 * destination (the merge base for diffs). */
int hub_api_pullrequest_commits(web_request *req, web_response *res);
int hub_api_pullrequest_diff(web_request *req, web_response *res);
int hub_api_pullrequest_diffstat(web_request *req, web_response *res);
int hub_api_pullrequest_patch(web_request *req, web_response *res);
/* GET …/activity: updates, approvals, requests for changes and comments, newest first. */
int hub_api_pullrequest_activity(web_request *req, web_response *res);
/* …/comments: GET (q, sort), POST (201); …/comments/{comment_id}: GET, PUT, DELETE (204). */
int hub_api_pullrequest_comments(web_request *req, web_response *res);
int hub_api_pullrequest_comment_create(web_request *req, web_response *res);
int hub_api_pullrequest_comment(web_request *req, web_response *res);
int hub_api_pullrequest_comment_update(web_request *req, web_response *res);
int hub_api_pullrequest_comment_delete(web_request *req, web_response *res);
/* POST / DELETE …/approve and …/request-changes. */
int hub_api_pullrequest_approve(web_request *req, web_response *res);
int hub_api_pullrequest_unapprove(web_request *req, web_response *res);
int hub_api_pullrequest_request_changes(web_request *req, web_response *res);
int hub_api_pullrequest_remove_request(web_request *req, web_response *res);
/* GET …/statuses: the build statuses of the source tip (A.12). */
int hub_api_pullrequest_statuses(web_request *req, web_response *res);
/* POST …/merge (pullrequest_merge_parameters) and …/decline. */
int hub_api_pullrequest_merge(web_request *req, web_response *res);
int hub_api_pullrequest_decline(web_request *req, web_response *res);

/* ---- steps shared with the pages ---- */

/* Creates a pull request in r by the viewer after checking the branches (hub_pull_check_branches)
 * and resolving reviewers (JSON list of {uuid} or {username}; may be NULL). */
int hub_pull_create_checked(web_request *req, const hub_repo *r, hub_pull_new *n,
                            const json_t *reviewers, hub_pull_view *out);

/* Edits v's pull request by the viewer (its author or a writer: WEFT_EPERM otherwise). */
int hub_pull_update_checked(web_request *req, hub_pull_view *v, const hub_pull_change *ch,
                            const json_t *reviewers);

/* Adds a comment by the viewer, reading the commented line's text for an inline one. */
int hub_pull_comment_post(web_request *req, hub_pull_view *v, hub_pull_comment_new *n,
                          hub_pull_comment *out, const hub_user **user);

/* Reads (change false), edits (body) or deletes (body NULL) comment id of v by the viewer (its
 * author, or a repository administrator). */
int hub_pull_comment_modify(web_request *req, hub_pull_view *v, int64_t id, bool change,
                            const char *body, hub_pull_comment *out, const hub_user **user);

/* Approves or asks for changes (on), or takes that back, as the viewer. */
int hub_pull_review_run(web_request *req, hub_pull_view *v, hub_pull_review_kind kind, bool on,
                        hub_pull_participant *out, const hub_user **user);

/* Declines v's pull request by the viewer (its author or a writer) with reason (may be NULL). */
int hub_pull_decline_run(web_request *req, hub_pull_view *v, const char *reason);

#endif

/* track's pages for projects and issues: the project list and page (issues filtered by status,
 * assignee and type), the issue view with its tabs and in-place forms, create and edit forms, and
 * the project settings (roles, workflow). Routes in track.c. */
#ifndef WEFT_TRACK_ISSUE_WEB_H
#define WEFT_TRACK_ISSUE_WEB_H

#include "web/web.h"

/* project_web.c */
int track_projects_page(web_request *req, web_response *res);
int track_project_create_submit(web_request *req, web_response *res);
int track_settings_page(web_request *req, web_response *res);
int track_settings_role_submit(web_request *req, web_response *res);
int track_settings_role_remove_submit(web_request *req, web_response *res);
int track_settings_status_submit(web_request *req, web_response *res);
int track_settings_transition_submit(web_request *req, web_response *res);

/* issue_web.c */
/* /browse/{key}: the project page for a project key, the issue view for an issue key (an old
 * key redirects to the current one). */
int track_browse_page(web_request *req, web_response *res);
int track_issue_create_page(web_request *req, web_response *res);
int track_issue_create_submit(web_request *req, web_response *res);
int track_issue_edit_page(web_request *req, web_response *res);
int track_issue_edit_submit(web_request *req, web_response *res);
int track_issue_transition_submit(web_request *req, web_response *res);
int track_issue_assignee_submit(web_request *req, web_response *res);
int track_issue_priority_submit(web_request *req, web_response *res);
int track_issue_comment_submit(web_request *req, web_response *res);
/* POST /browse/{issue}/watch and /vote: on=1 watches (votes), anything else stops. */
int track_issue_watch_submit(web_request *req, web_response *res);
int track_issue_vote_submit(web_request *req, web_response *res);
/* Deletes comment {id}: its author or a project administrator. */
int track_issue_comment_delete_submit(web_request *req, web_response *res);
/* Replaces comment {id}'s body with the form's "body": its author or a project administrator. */
int track_issue_comment_edit_submit(web_request *req, web_response *res);
int track_issue_worklog_submit(web_request *req, web_response *res);
/* Moves the issue to the project named in the form: a new key; the old one redirects. */
int track_issue_move_submit(web_request *req, web_response *res);
/* POST /browse/{issue}/links: links the issue to the form's "issue" (a key) as its "link"
 * choice says (link/link_web.h); a refusal shows the view again with the reason. */
int track_issue_link_submit(web_request *req, web_response *res);
/* POST /browse/{issue}/links/{id}/delete: removes link {id} of the issue. */
int track_issue_link_delete_submit(web_request *req, web_response *res);

/* The project page (project_web.c), which track_browse_page hands project keys to. */
int track_project_page(web_request *req, web_response *res);

#endif

/* track's Jira REST API for projects, issues, transitions, comments, work logs and the global
 * lists, under /rest/api/{version}/ (2, latest, or 3 with rich text in ADF). */
#ifndef WEFT_TRACK_ISSUE_API_H
#define WEFT_TRACK_ISSUE_API_H

#include <jansson.h>
#include <stdbool.h>

#include "db/db.h"
#include "track/issue/comment.h"
#include "track/issue/issue.h"
#include "track/issue/worklog.h"
#include "web/web.h"

/* Jira's issue JSON (fields filtered by the fields= query, expand=changelog,renderedFields);
 * a new reference in *out. */
int track_api_issue_json(db_conn *c, web_request *req, const track_issue *i, bool v3, json_t **out);
/* Jira's worklog JSON; comment as a string (v2) or ADF (v3). */
json_t *track_api_worklog_json(db_conn *c, web_request *req, const track_worklog *w, bool v3);
/* Jira's comment JSON; body as a string (v2) or ADF (v3). */
json_t *track_api_comment_json(db_conn *c, web_request *req, const track_comment *cm, bool v3,
                               int64_t issue_id);

/* project_api.c */
int track_api_projects(web_request *req, web_response *res);
int track_api_project_search(web_request *req, web_response *res);
int track_api_project(web_request *req, web_response *res);
int track_api_project_create(web_request *req, web_response *res);
/* project/{key}/role and project/{key}/role/{id} (GET, POST {"user": [...]}, DELETE ?user=) */
int track_api_project_roles(web_request *req, web_response *res);
int track_api_project_role(web_request *req, web_response *res);
int track_api_project_role_add(web_request *req, web_response *res);
int track_api_project_role_remove(web_request *req, web_response *res);

/* issue_api.c */
int track_api_issue_create(web_request *req, web_response *res);
int track_api_issue(web_request *req, web_response *res);
int track_api_issue_edit(web_request *req, web_response *res);
int track_api_issue_delete(web_request *req, web_response *res);
int track_api_issue_assign(web_request *req, web_response *res);
/* GET …/changelog: the issue's history, paged by startAt and maxResults (at most 100). */
int track_api_changelog(web_request *req, web_response *res);
int track_api_transitions(web_request *req, web_response *res);
int track_api_transition_do(web_request *req, web_response *res);

/* comment_api.c */
int track_api_comments(web_request *req, web_response *res);
int track_api_comment_add(web_request *req, web_response *res);
int track_api_comment(web_request *req, web_response *res);
int track_api_comment_edit(web_request *req, web_response *res);
int track_api_comment_delete(web_request *req, web_response *res);

/* worklog_api.c */
int track_api_worklogs(web_request *req, web_response *res);
int track_api_worklog_add(web_request *req, web_response *res);

/* meta_api.c */
int track_api_fields(web_request *req, web_response *res);
int track_api_issuetypes(web_request *req, web_response *res);
int track_api_statuses(web_request *req, web_response *res);
int track_api_status(web_request *req, web_response *res);
int track_api_priorities(web_request *req, web_response *res);
int track_api_resolutions(web_request *req, web_response *res);
int track_api_assignable(web_request *req, web_response *res);
int track_api_permission_schemes(web_request *req, web_response *res);
int track_api_security_schemes(web_request *req, web_response *res);
int track_api_project_categories(web_request *req, web_response *res);

#endif

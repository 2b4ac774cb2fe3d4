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

/* What rendering a page of issues needs beyond the issues themselves (the users they name, every
 * issue type, their sub-tasks, watchers, voters and the links the viewer may see), loaded for the
 * whole page in a statement each, so that a page costs a few statements, not a few per issue. In req's arena; release with
 * track_api_issue_batch_free. Store errors. */
typedef struct track_issue_batch track_issue_batch;
int track_api_issue_batch_load(track_issue_batch **out, db_conn *c, web_request *req,
                               const track_issue *issues, size_t n);
void track_api_issue_batch_free(track_issue_batch *b);
/* track_api_issue_json with what b holds (NULL: each issue loads its own). */
int track_api_issue_json_batch(db_conn *c, web_request *req, const track_issue *i, bool v3,
                               const track_issue_batch *b, json_t **out);
/* Jira's worklog JSON; comment as a string (v2) or ADF (v3). */
json_t *track_api_worklog_json(db_conn *c, web_request *req, const track_worklog *w, bool v3);
/* Jira's comment visibility in: {"type": "role", "value": "Administrators"}, or null / absent
 * (0), as a TRACK_ROLE_* bit. WEFT_EINVALID with Jira's message for a group or unknown role. */
int track_api_visibility_in(const json_t *v, unsigned *out);
/* Jira's comment JSON (with visibility when restricted); body as a string (v2) or ADF (v3). */
json_t *track_api_comment_json(db_conn *c, web_request *req, const track_comment *cm, bool v3,
                               int64_t issue_id);

/* The lists of an issue's children that the API pages through. */
typedef enum track_api_child { TRACK_API_COMMENTS, TRACK_API_WORKLOGS } track_api_child;
/* Which page of which list. */
typedef struct track_api_children_page {
	track_api_child kind;
	int64_t issue_id, start, max;
	bool v3;
	/* As the issue's fields show it (the list first, maxResults the count returned), else as
	 * the list's own resource does (startAt, maxResults as asked, total, then the list). */
	bool as_field;
} track_api_children_page;
/* A page of the issue's comments (those the request's viewer may see) or work logs in Jira's
 * envelope: {"startAt", "maxResults", "total", "comments" | "worklogs"}; *out is new. Store
 * errors. */
int track_api_children(db_conn *c, web_request *req, const track_api_children_page *page,
                       json_t **out);

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
enum { TRACK_BULK_CREATE_MAX = 50 }; /* issues in one POST issue/bulk, as Jira */
int track_api_issue_bulk_create(web_request *req, web_response *res);
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
/* …/worklog/{id}: GET, PUT (adjustEstimate auto, leave, new), DELETE (also manual with
 * increaseBy); changing one needs its author or a project administrator. */
int track_api_worklog(web_request *req, web_response *res);
int track_api_worklog_edit(web_request *req, web_response *res);
int track_api_worklog_delete(web_request *req, web_response *res);

/* meta_api.c */
int track_api_fields(web_request *req, web_response *res);
int track_api_issuetypes(web_request *req, web_response *res);
int track_api_statuses(web_request *req, web_response *res);
int track_api_status(web_request *req, web_response *res);
int track_api_priorities(web_request *req, web_response *res);
int track_api_resolutions(web_request *req, web_response *res);
/* GET user/assignable/search?issueKey= or ?project=: the users assignable in the issue's or the
 * project's project, which its declared parameters name for the authorize hook (browse). */
extern const web_param_spec track_assignable_params[];
int track_api_assignable(web_request *req, web_response *res);
/* GET user/assignable/multiProjectSearch?projectKeys=A,B&query=: users assignable in every one
 * of the projects (each browsable by the caller, else 404), paged by startAt and maxResults. */
int track_api_assignable_multi(web_request *req, web_response *res);
/* GET statuscategory (To Do, In Progress, Done) and statuscategory/{idOrKey} (2, "new", …). */
int track_api_status_categories(web_request *req, web_response *res);
int track_api_status_category(web_request *req, web_response *res);
int track_api_permission_schemes(web_request *req, web_response *res);
int track_api_security_schemes(web_request *req, web_response *res);
int track_api_project_categories(web_request *req, web_response *res);

#endif

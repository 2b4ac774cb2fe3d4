/* track's route table, its shared page rendering and its Jira-shaped API errors. */
#include "track/track.h"

#include <stdint.h>

#include "track/account/account_web.h"
#include "track/dvcs/account.h"
#include "track/dvcs/devstatus_api.h"
#include "track/dvcs/dvcs_api.h"
#include "track/dvcs/dvcs_web.h"
#include "track/dvcs/panel_web.h"
#include "track/dvcs/sync_api.h"
#include "track/issue/attachment_api.h"
#include "track/issue/createmeta_api.h"
#include "track/issue/issue_api.h"
#include "track/issue/people_api.h"
#include "track/issue/issue_web.h"
#include "track/link/link_api.h"
#include "track/link/remote_api.h"
#include "track/project/permission_api.h"
#include "track/search/search_api.h"

/* Jira's ErrorCollection: {"errorMessages": ["…"], "errors": {}}. */
static void render_api_error(web_request *req, web_response *res, int status, const char *message)
{
	(void)req;
	web_res_json(res, status, json_pack("{s:[s], s:{}}", "errorMessages", message, "errors"));
}

int track_page(web_request *req, web_response *res, int status, const char *page, const char *title,
               json_t *data)
{
	const track_viewer *v = track_viewer_of(req);
	json_t *viewer =
	        v ? json_pack("{s:s, s:s, s:b}", "username", v->user.username, "display_name",
	                      v->user.display_name, "is_admin", v->user.is_admin)
	          : NULL;
	return web_res_page_for(req, res, status, page, title, data, viewer,
	                        v && v->session.id ? &v->session : NULL, TRACK_CSRF_COOKIE);
}

static int home_page(web_request *req, web_response *res)
{
	return track_page(req, res, 200, "track/home", "Home",
	                  json_pack("{s:s}", "state", "RUNNING"));
}

/* Jira serves each REST resource under /rest/api/2/, /rest/api/latest/ (the same) and
 * /rest/api/3/ (rich text in ADF): TRACK_API declares a route under all three. Handlers that care
 * tell v3 apart by req->path. Every feature's API routes use it. */
#define TRACK_API_ROUTE(prefix, method, resource, handler, flags, permission, limit, params)    \
	{                                                                                       \
		method, prefix resource, handler, (flags) | WEB_API, permission, limit, params, \
		        NULL, NULL                                                              \
	}
#define TRACK_API(method, resource, ...)                                             \
	TRACK_API_ROUTE("/rest/api/2/", method, resource, __VA_ARGS__),              \
	        TRACK_API_ROUTE("/rest/api/latest/", method, resource, __VA_ARGS__), \
	        TRACK_API_ROUTE("/rest/api/3/", method, resource, __VA_ARGS__)

/* Attachment uploads stream their body to disk (attachment_api.h): the route takes any length,
 * and the upload itself refuses a file over --attachment-max-size. */
#define ATTACHMENT_UPLOAD(path, handler, flags)                                                 \
	{                                                                                       \
		"POST", path, handler, WEB_NEEDS_USER | (flags), TRACK_PERM_CREATE_ATTACHMENTS, \
		        SIZE_MAX, NULL, track_attachment_upload_chunk, NULL                     \
	}
#define ATTACHMENT_API_UPLOAD(prefix)                                                             \
	ATTACHMENT_UPLOAD(prefix "issue/{issueIdOrKey}/attachments", track_api_attachment_upload, \
	                  WEB_API)

/* Jira's dev-status API, under 1.0 and latest: the issue comes from ?issueId= (its params). */
#define DEV_STATUS(prefix)                                                                         \
	{ "GET",                                                                                   \
	  prefix "issue/summary",                                                                  \
	  dvcs_api_devstatus_summary,                                                              \
	  WEB_API | WEB_NEEDS_USER,                                                                \
	  TRACK_PERM_VIEW_DEV_TOOLS,                                                               \
	  0,                                                                                       \
	  dvcs_devstatus_summary_params,                                                           \
	  NULL,                                                                                    \
	  NULL },                                                                                  \
	{                                                                                          \
		"GET", prefix "issue/detail", dvcs_api_devstatus_detail, WEB_API | WEB_NEEDS_USER, \
		        TRACK_PERM_VIEW_DEV_TOOLS, 0, dvcs_devstatus_detail_params, NULL, NULL     \
	}

/* The connector's pages under DVCS_PAGE_PATH and its admin REST API under
 * /rest/bitbucket/1.0/: site administrators only. */
#define DVCS_PAGE(method, tail, handler, flags, params)                                         \
	{                                                                                       \
		method, DVCS_PAGE_PATH tail, handler, WEB_NEEDS_USER | (flags),                 \
		        TRACK_PERM_SITE_ADMIN, (flags) ? WEB_BODY_LIMIT_FORM : 0, params, NULL, \
		        NULL                                                                    \
	}
#define DVCS_API(method, resource, handler, flags, params)                         \
	{                                                                          \
		method, "/rest/bitbucket/1.0/" resource, handler,                  \
		        WEB_API | WEB_NEEDS_USER | (flags), TRACK_PERM_SITE_ADMIN, \
		        (flags) ? WEB_BODY_LIMIT_FORM : 0, params, NULL, NULL      \
	}

/* The table is ordered: the first route whose pattern matches wins. Each feature adds its routes
 * under its own heading. */
static const web_route routes[] = {
	WEB_BUILTIN_ROUTES,
	{ "GET", "/", home_page, 0, 0, 0, NULL, NULL, NULL },
	/* accounts (account_web.c) */
	{ "GET", "/login", track_login_page, 0, 0, 0, NULL, NULL, NULL },
	{ "POST", "/login", track_login_submit, WEB_BODY_FORM, 0, WEB_BODY_LIMIT_FORM, NULL, NULL,
	  NULL },
	{ "POST", "/logout", track_logout_submit, WEB_BODY_FORM, 0, WEB_BODY_LIMIT_FORM, NULL, NULL,
	  NULL },
	{ "GET", "/dashboard", track_dashboard_page, WEB_NEEDS_USER, 0, 0, NULL, NULL, NULL },
	{ "GET", "/signup", track_signup_page, 0, 0, 0, NULL, NULL, NULL },
	{ "POST", "/signup", track_signup_submit, WEB_BODY_FORM, 0, WEB_BODY_LIMIT_FORM, NULL, NULL,
	  NULL },
	{ "GET", "/set-password/{token}", track_set_password_page, 0, 0, 0, NULL, NULL, NULL },
	{ "POST", "/set-password/{token}", track_set_password_submit, WEB_BODY_FORM, 0,
	  WEB_BODY_LIMIT_FORM, NULL, NULL, NULL },
	/* mail about watched issues (notify_web.c) */
	{ "GET", "/account/notifications", track_notifications_page,
	  WEB_NEEDS_USER | WEB_NEEDS_SESSION, 0, 0, NULL, NULL, NULL },
	{ "POST", "/account/notifications", track_notifications_submit,
	  WEB_NEEDS_USER | WEB_NEEDS_SESSION | WEB_BODY_FORM, 0, WEB_BODY_LIMIT_FORM, NULL, NULL,
	  NULL },
	/* API tokens and personal access tokens (token_web.c) */
	{ "GET", "/account/tokens", track_tokens_page, WEB_NEEDS_USER | WEB_NEEDS_SESSION, 0, 0,
	  NULL, NULL, NULL },
	{ "POST", "/account/tokens", track_token_create_submit,
	  WEB_NEEDS_USER | WEB_NEEDS_SESSION | WEB_BODY_FORM, 0, WEB_BODY_LIMIT_FORM, NULL, NULL,
	  NULL },
	{ "POST", "/account/tokens/{id}/revoke", track_token_revoke_submit,
	  WEB_NEEDS_USER | WEB_NEEDS_SESSION | WEB_BODY_FORM, 0, WEB_BODY_LIMIT_FORM,
	  track_token_id_params, NULL, NULL },
	/* administration (admin_web.c) */
	{ "GET", "/admin", track_admin_users_page, WEB_NEEDS_USER, TRACK_PERM_SITE_ADMIN, 0, NULL,
	  NULL, NULL },
	{ "POST", "/admin/users", track_admin_user_add_submit, WEB_NEEDS_USER | WEB_BODY_FORM,
	  TRACK_PERM_SITE_ADMIN, WEB_BODY_LIMIT_FORM, NULL, NULL, NULL },
	{ "POST", "/admin/users/{username}/active", track_admin_user_active_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, TRACK_PERM_SITE_ADMIN, WEB_BODY_LIMIT_FORM, NULL, NULL,
	  NULL },
	{ "POST", "/admin/signup", track_admin_signup_submit, WEB_NEEDS_USER | WEB_BODY_FORM,
	  TRACK_PERM_SITE_ADMIN, WEB_BODY_LIMIT_FORM, NULL, NULL, NULL },
	{ "GET", "/admin/mail", track_admin_mail_page, WEB_NEEDS_USER, TRACK_PERM_SITE_ADMIN, 0,
	  NULL, NULL, NULL },
	/* projects and issues: pages (project_web.c, issue_web.c); /browse/{key} is a project or an
	 * issue, {issue} only an issue and {projectIdOrKey} only a project */
	{ "GET", "/projects", track_projects_page, WEB_NEEDS_USER, 0, 0, NULL, NULL, NULL },
	{ "POST", "/projects", track_project_create_submit, WEB_NEEDS_USER | WEB_BODY_FORM,
	  TRACK_PERM_SITE_ADMIN, WEB_BODY_LIMIT_OBJECT, NULL, NULL, NULL },
	{ "GET", "/browse/{key}", track_browse_page, WEB_NEEDS_USER, TRACK_PERM_BROWSE, 0, NULL,
	  NULL, NULL },
	{ "GET", "/browse/{projectIdOrKey}/create", track_issue_create_page, WEB_NEEDS_USER,
	  TRACK_PERM_CREATE_ISSUES, 0, NULL, NULL, NULL },
	{ "POST", "/browse/{projectIdOrKey}/create", track_issue_create_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, TRACK_PERM_CREATE_ISSUES, WEB_BODY_LIMIT_TEXT, NULL, NULL,
	  NULL },
	{ "GET", "/browse/{issue}/edit", track_issue_edit_page, WEB_NEEDS_USER,
	  TRACK_PERM_EDIT_ISSUES, 0, NULL, NULL, NULL },
	{ "POST", "/browse/{issue}/edit", track_issue_edit_submit, WEB_NEEDS_USER | WEB_BODY_FORM,
	  TRACK_PERM_EDIT_ISSUES, WEB_BODY_LIMIT_TEXT, NULL, NULL, NULL },
	{ "POST", "/browse/{issue}/transition", track_issue_transition_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, TRACK_PERM_TRANSITION_ISSUES, WEB_BODY_LIMIT_FORM, NULL,
	  NULL, NULL },
	{ "POST", "/browse/{issue}/assignee", track_issue_assignee_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, TRACK_PERM_EDIT_ISSUES, WEB_BODY_LIMIT_FORM, NULL, NULL,
	  NULL },
	{ "POST", "/browse/{issue}/priority", track_issue_priority_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, TRACK_PERM_EDIT_ISSUES, WEB_BODY_LIMIT_FORM, NULL, NULL,
	  NULL },
	{ "POST", "/browse/{issue}/comments", track_issue_comment_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, TRACK_PERM_COMMENT, WEB_BODY_LIMIT_TEXT, NULL, NULL,
	  NULL },
	{ "POST", "/browse/{issue}/comments/{id}/delete", track_issue_comment_delete_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, TRACK_PERM_COMMENT, WEB_BODY_LIMIT_FORM, NULL, NULL,
	  NULL },
	{ "POST", "/browse/{issue}/comments/{id}/edit", track_issue_comment_edit_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, TRACK_PERM_COMMENT, WEB_BODY_LIMIT_TEXT, NULL, NULL,
	  NULL },
	{ "POST", "/browse/{issue}/watch", track_issue_watch_submit, WEB_NEEDS_USER | WEB_BODY_FORM,
	  TRACK_PERM_BROWSE, WEB_BODY_LIMIT_FORM, NULL, NULL, NULL },
	{ "POST", "/browse/{issue}/vote", track_issue_vote_submit, WEB_NEEDS_USER | WEB_BODY_FORM,
	  TRACK_PERM_BROWSE, WEB_BODY_LIMIT_FORM, NULL, NULL, NULL },
	{ "POST", "/browse/{issue}/worklog", track_issue_worklog_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, TRACK_PERM_WORK_ON_ISSUES, WEB_BODY_LIMIT_OBJECT, NULL,
	  NULL, NULL },
	{ "POST", "/browse/{issue}/move", track_issue_move_submit, WEB_NEEDS_USER | WEB_BODY_FORM,
	  TRACK_PERM_EDIT_ISSUES, WEB_BODY_LIMIT_FORM, NULL, NULL, NULL },
	/* attachments on the issue page, their content and thumbnails (attachment_api.c) */
	ATTACHMENT_UPLOAD("/browse/{issue}/attachments", track_issue_attachment_submit, 0),
	{ "POST", "/browse/{issue}/attachments/{id}/delete", track_issue_attachment_delete_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, TRACK_PERM_BROWSE, WEB_BODY_LIMIT_FORM, NULL, NULL,
	  NULL },
	{ "GET", "/secure/attachment/{id}/{filename}", track_attachment_content, WEB_NEEDS_USER, 0,
	  0, NULL, NULL, NULL },
	{ "GET", "/secure/thumbnail/{id}/{filename}", track_attachment_thumbnail, WEB_NEEDS_USER, 0,
	  0, NULL, NULL, NULL },
	{ "POST", "/browse/{issue}/links", track_issue_link_submit, WEB_NEEDS_USER | WEB_BODY_FORM,
	  TRACK_PERM_LINK_ISSUES, WEB_BODY_LIMIT_FORM, NULL, NULL, NULL },
	{ "POST", "/browse/{issue}/links/{id}/delete", track_issue_link_delete_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, TRACK_PERM_LINK_ISSUES, WEB_BODY_LIMIT_FORM, NULL, NULL,
	  NULL },
	{ "GET", "/browse/{projectIdOrKey}/settings", track_settings_page, WEB_NEEDS_USER,
	  TRACK_PERM_ADMINISTER_PROJECT, 0, NULL, NULL, NULL },
	{ "POST", "/browse/{projectIdOrKey}/settings/roles", track_settings_role_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, TRACK_PERM_ADMINISTER_PROJECT, WEB_BODY_LIMIT_FORM, NULL,
	  NULL, NULL },
	{ "POST", "/browse/{projectIdOrKey}/settings/roles/remove",
	  track_settings_role_remove_submit, WEB_NEEDS_USER | WEB_BODY_FORM,
	  TRACK_PERM_ADMINISTER_PROJECT, WEB_BODY_LIMIT_FORM, NULL, NULL, NULL },
	{ "POST", "/browse/{projectIdOrKey}/settings/statuses", track_settings_status_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, TRACK_PERM_ADMINISTER_PROJECT, WEB_BODY_LIMIT_FORM, NULL,
	  NULL, NULL },
	{ "POST", "/browse/{projectIdOrKey}/settings/transitions", track_settings_transition_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, TRACK_PERM_ADMINISTER_PROJECT, WEB_BODY_LIMIT_FORM, NULL,
	  NULL, NULL },
	/* Jira Server's cookie sign-in for scripts (api_session_api.c): the cookie it sets signs in
	 * on /rest only */
	{ "POST", "/rest/auth/1/session", track_api_session_create_handler, WEB_API | WEB_BODY_JSON,
	  0, WEB_BODY_LIMIT_FORM, NULL, NULL, NULL },
	{ "GET", "/rest/auth/1/session", track_api_session_get, WEB_API | WEB_NEEDS_USER, 0, 0,
	  NULL, NULL, NULL },
	{ "DELETE", "/rest/auth/1/session", track_api_session_delete, WEB_API | WEB_NEEDS_USER, 0,
	  0, NULL, NULL, NULL },
	{ "POST", "/rest/auth/latest/session", track_api_session_create_handler,
	  WEB_API | WEB_BODY_JSON, 0, WEB_BODY_LIMIT_FORM, NULL, NULL, NULL },
	{ "GET", "/rest/auth/latest/session", track_api_session_get, WEB_API | WEB_NEEDS_USER, 0, 0,
	  NULL, NULL, NULL },
	{ "DELETE", "/rest/auth/latest/session", track_api_session_delete, WEB_API | WEB_NEEDS_USER,
	  0, 0, NULL, NULL, NULL },
	/* API: server and users (user_api.c) */
	TRACK_API("GET", "serverInfo", track_api_server_info, 0, 0, 0, NULL),
	TRACK_API("GET", "myself", track_api_myself, WEB_NEEDS_USER, 0, 0, NULL),
	TRACK_API("GET", "user", track_api_user, WEB_NEEDS_USER, 0, 0, NULL),
	TRACK_API("GET", "user/search", track_api_user_search, WEB_NEEDS_USER, 0, 0, NULL),
	/* API: projects, issues, transitions, comments, work logs, global lists (issue_api.h) */
	TRACK_API("GET", "project", track_api_projects, WEB_NEEDS_USER, 0, 0, NULL),
	TRACK_API("POST", "project", track_api_project_create, WEB_NEEDS_USER | WEB_BODY_JSON,
	          TRACK_PERM_SITE_ADMIN, WEB_BODY_LIMIT_OBJECT, NULL),
	TRACK_API("GET", "project/search", track_api_project_search, WEB_NEEDS_USER, 0, 0, NULL),
	TRACK_API("GET", "project/{projectIdOrKey}", track_api_project, WEB_NEEDS_USER,
	          TRACK_PERM_BROWSE, 0, NULL),
	TRACK_API("GET", "project/{projectIdOrKey}/role", track_api_project_roles, WEB_NEEDS_USER,
	          TRACK_PERM_BROWSE, 0, NULL),
	TRACK_API("GET", "project/{projectIdOrKey}/role/{id}", track_api_project_role,
	          WEB_NEEDS_USER, TRACK_PERM_BROWSE, 0, NULL),
	TRACK_API("POST", "project/{projectIdOrKey}/role/{id}", track_api_project_role_add,
	          WEB_NEEDS_USER | WEB_BODY_JSON, TRACK_PERM_ADMINISTER_PROJECT,
	          WEB_BODY_LIMIT_OBJECT, NULL),
	TRACK_API("DELETE", "project/{projectIdOrKey}/role/{id}", track_api_project_role_remove,
	          WEB_NEEDS_USER, TRACK_PERM_ADMINISTER_PROJECT, 0, NULL),
	TRACK_API("POST", "issue", track_api_issue_create, WEB_NEEDS_USER | WEB_BODY_JSON, 0,
	          WEB_BODY_LIMIT_TEXT, NULL),
	TRACK_API("POST", "issue/bulk", track_api_issue_bulk_create, WEB_NEEDS_USER | WEB_BODY_JSON,
	          0, WEB_BODY_LIMIT_DEFAULT, NULL),
	/* before issue/{issueIdOrKey}, which would take "createmeta" for an issue key */
	TRACK_API("GET", "issue/createmeta", track_api_createmeta, WEB_NEEDS_USER, 0, 0, NULL),
	TRACK_API("GET", "issue/createmeta/{projectIdOrKey}/issuetypes", track_api_createmeta_types,
	          WEB_NEEDS_USER, TRACK_PERM_CREATE_ISSUES, 0, NULL),
	TRACK_API("GET", "issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}",
	          track_api_createmeta_fields, WEB_NEEDS_USER, TRACK_PERM_CREATE_ISSUES, 0, NULL),
	TRACK_API("GET", "issue/{issueIdOrKey}", track_api_issue, WEB_NEEDS_USER, TRACK_PERM_BROWSE,
	          0, NULL),
	TRACK_API("GET", "issue/{issueIdOrKey}/editmeta", track_api_editmeta, WEB_NEEDS_USER,
	          TRACK_PERM_BROWSE, 0, NULL),
	TRACK_API("PUT", "issue/{issueIdOrKey}", track_api_issue_edit,
	          WEB_NEEDS_USER | WEB_BODY_JSON, TRACK_PERM_EDIT_ISSUES, WEB_BODY_LIMIT_TEXT,
	          NULL),
	TRACK_API("DELETE", "issue/{issueIdOrKey}", track_api_issue_delete, WEB_NEEDS_USER,
	          TRACK_PERM_ADMINISTER_PROJECT, 0, NULL),
	TRACK_API("PUT", "issue/{issueIdOrKey}/assignee", track_api_issue_assign,
	          WEB_NEEDS_USER | WEB_BODY_JSON, TRACK_PERM_EDIT_ISSUES, WEB_BODY_LIMIT_FORM,
	          NULL),
	TRACK_API("GET", "issue/{issueIdOrKey}/changelog", track_api_changelog, WEB_NEEDS_USER,
	          TRACK_PERM_BROWSE, 0, NULL),
	TRACK_API("GET", "issue/{issueIdOrKey}/transitions", track_api_transitions, WEB_NEEDS_USER,
	          TRACK_PERM_BROWSE, 0, NULL),
	TRACK_API("POST", "issue/{issueIdOrKey}/transitions", track_api_transition_do,
	          WEB_NEEDS_USER | WEB_BODY_JSON, TRACK_PERM_TRANSITION_ISSUES, WEB_BODY_LIMIT_TEXT,
	          NULL),
	TRACK_API("GET", "issue/{issueIdOrKey}/watchers", track_api_watchers, WEB_NEEDS_USER,
	          TRACK_PERM_BROWSE, 0, NULL),
	TRACK_API("POST", "issue/{issueIdOrKey}/watchers", track_api_watcher_add,
	          WEB_NEEDS_USER | WEB_BODY_JSON, TRACK_PERM_BROWSE, WEB_BODY_LIMIT_FORM, NULL),
	TRACK_API("DELETE", "issue/{issueIdOrKey}/watchers", track_api_watcher_remove,
	          WEB_NEEDS_USER, TRACK_PERM_BROWSE, 0, NULL),
	TRACK_API("GET", "issue/{issueIdOrKey}/votes", track_api_votes, WEB_NEEDS_USER,
	          TRACK_PERM_BROWSE, 0, NULL),
	TRACK_API("POST", "issue/{issueIdOrKey}/votes", track_api_vote_add, WEB_NEEDS_USER,
	          TRACK_PERM_BROWSE, 0, NULL),
	TRACK_API("DELETE", "issue/{issueIdOrKey}/votes", track_api_vote_remove, WEB_NEEDS_USER,
	          TRACK_PERM_BROWSE, 0, NULL),
	TRACK_API("GET", "issue/{issueIdOrKey}/comment", track_api_comments, WEB_NEEDS_USER,
	          TRACK_PERM_BROWSE, 0, NULL),
	TRACK_API("POST", "issue/{issueIdOrKey}/comment", track_api_comment_add,
	          WEB_NEEDS_USER | WEB_BODY_JSON, TRACK_PERM_COMMENT, WEB_BODY_LIMIT_TEXT, NULL),
	TRACK_API("GET", "issue/{issueIdOrKey}/comment/{id}", track_api_comment, WEB_NEEDS_USER,
	          TRACK_PERM_BROWSE, 0, NULL),
	TRACK_API("PUT", "issue/{issueIdOrKey}/comment/{id}", track_api_comment_edit,
	          WEB_NEEDS_USER | WEB_BODY_JSON, TRACK_PERM_COMMENT, WEB_BODY_LIMIT_TEXT, NULL),
	TRACK_API("DELETE", "issue/{issueIdOrKey}/comment/{id}", track_api_comment_delete,
	          WEB_NEEDS_USER, TRACK_PERM_COMMENT, 0, NULL),
	TRACK_API("GET", "issue/{issueIdOrKey}/worklog", track_api_worklogs, WEB_NEEDS_USER,
	          TRACK_PERM_BROWSE, 0, NULL),
	TRACK_API("POST", "issue/{issueIdOrKey}/worklog", track_api_worklog_add,
	          WEB_NEEDS_USER | WEB_BODY_JSON, TRACK_PERM_WORK_ON_ISSUES, WEB_BODY_LIMIT_OBJECT,
	          NULL),
	TRACK_API("GET", "issue/{issueIdOrKey}/worklog/{id}", track_api_worklog, WEB_NEEDS_USER,
	          TRACK_PERM_BROWSE, 0, NULL),
	TRACK_API("PUT", "issue/{issueIdOrKey}/worklog/{id}", track_api_worklog_edit,
	          WEB_NEEDS_USER | WEB_BODY_JSON, TRACK_PERM_WORK_ON_ISSUES, WEB_BODY_LIMIT_OBJECT,
	          NULL),
	TRACK_API("DELETE", "issue/{issueIdOrKey}/worklog/{id}", track_api_worklog_delete,
	          WEB_NEEDS_USER, TRACK_PERM_WORK_ON_ISSUES, 0, NULL),
	/* API: attachments (attachment_api.c); attachment/meta before attachment/{id} */
	ATTACHMENT_API_UPLOAD("/rest/api/2/"),
	ATTACHMENT_API_UPLOAD("/rest/api/latest/"),
	ATTACHMENT_API_UPLOAD("/rest/api/3/"),
	TRACK_API("GET", "attachment/meta", track_api_attachment_meta, WEB_NEEDS_USER, 0, 0, NULL),
	TRACK_API("GET", "attachment/{id}", track_api_attachment, WEB_NEEDS_USER, 0, 0, NULL),
	TRACK_API("DELETE", "attachment/{id}", track_api_attachment_delete, WEB_NEEDS_USER, 0, 0,
	          NULL),
	TRACK_API("GET", "attachment/content/{id}", track_attachment_content, WEB_NEEDS_USER, 0, 0,
	          NULL),
	TRACK_API("GET", "attachment/thumbnail/{id}", track_attachment_thumbnail, WEB_NEEDS_USER, 0,
	          0, NULL),
	TRACK_API("GET", "field", track_api_fields, WEB_NEEDS_USER, 0, 0, NULL),
	TRACK_API("GET", "issuetype", track_api_issuetypes, WEB_NEEDS_USER, 0, 0, NULL),
	TRACK_API("GET", "status", track_api_statuses, WEB_NEEDS_USER, 0, 0, NULL),
	TRACK_API("GET", "status/{idOrName}", track_api_status, WEB_NEEDS_USER, 0, 0, NULL),
	TRACK_API("GET", "permissions", track_api_permissions, WEB_NEEDS_USER, 0, 0, NULL),
	TRACK_API("GET", "mypermissions", track_api_mypermissions, WEB_NEEDS_USER, 0, 0, NULL),
	TRACK_API("GET", "statuscategory", track_api_status_categories, WEB_NEEDS_USER, 0, 0, NULL),
	TRACK_API("GET", "statuscategory/{idOrKey}", track_api_status_category, WEB_NEEDS_USER, 0,
	          0, NULL),
	TRACK_API("GET", "user/assignable/multiProjectSearch", track_api_assignable_multi,
	          WEB_NEEDS_USER, 0, 0, NULL),
	TRACK_API("GET", "priority", track_api_priorities, WEB_NEEDS_USER, 0, 0, NULL),
	TRACK_API("GET", "resolution", track_api_resolutions, WEB_NEEDS_USER, 0, 0, NULL),
	TRACK_API("GET", "user/assignable/search", track_api_assignable, WEB_NEEDS_USER,
	          TRACK_PERM_BROWSE, 0, track_assignable_params),
	TRACK_API("GET", "permissionscheme", track_api_permission_schemes, WEB_NEEDS_USER, 0, 0,
	          NULL),
	TRACK_API("GET", "issuesecurityschemes", track_api_security_schemes, WEB_NEEDS_USER, 0, 0,
	          NULL),
	TRACK_API("GET", "projectCategory", track_api_project_categories, WEB_NEEDS_USER, 0, 0,
	          NULL),
	/* links between issues and their types (link/link_api.c): the domain checks browse on
	 * both issues and Link issues, since the issues come in the body */
	TRACK_API("GET", "issueLinkType", track_api_link_types, WEB_NEEDS_USER, 0, 0, NULL),
	TRACK_API("POST", "issueLinkType", track_api_link_type_create,
	          WEB_NEEDS_USER | WEB_BODY_JSON, TRACK_PERM_SITE_ADMIN, WEB_BODY_LIMIT_FORM, NULL),
	TRACK_API("GET", "issueLinkType/{issueLinkTypeId}", track_api_link_type, WEB_NEEDS_USER, 0,
	          0, NULL),
	TRACK_API("PUT", "issueLinkType/{issueLinkTypeId}", track_api_link_type_update,
	          WEB_NEEDS_USER | WEB_BODY_JSON, TRACK_PERM_SITE_ADMIN, WEB_BODY_LIMIT_FORM, NULL),
	TRACK_API("DELETE", "issueLinkType/{issueLinkTypeId}", track_api_link_type_delete,
	          WEB_NEEDS_USER, TRACK_PERM_SITE_ADMIN, 0, NULL),
	TRACK_API("POST", "issueLink", track_api_link_create, WEB_NEEDS_USER | WEB_BODY_JSON, 0,
	          WEB_BODY_LIMIT_TEXT, NULL),
	TRACK_API("GET", "issueLink/{linkId}", track_api_link, WEB_NEEDS_USER, 0, 0, NULL),
	TRACK_API("DELETE", "issueLink/{linkId}", track_api_link_delete, WEB_NEEDS_USER, 0, 0,
	          NULL),
	/* remote links of an issue (link/remote_api.c) */
	TRACK_API("GET", "issue/{issueIdOrKey}/remotelink", track_api_remote_links, WEB_NEEDS_USER,
	          TRACK_PERM_BROWSE, 0, NULL),
	TRACK_API("POST", "issue/{issueIdOrKey}/remotelink", track_api_remote_link_save,
	          WEB_NEEDS_USER | WEB_BODY_JSON, TRACK_PERM_LINK_ISSUES, WEB_BODY_LIMIT_OBJECT,
	          NULL),
	TRACK_API("DELETE", "issue/{issueIdOrKey}/remotelink", track_api_remote_link_delete,
	          WEB_NEEDS_USER, TRACK_PERM_LINK_ISSUES, 0, NULL),
	TRACK_API("GET", "issue/{issueIdOrKey}/remotelink/{linkId}", track_api_remote_link,
	          WEB_NEEDS_USER, TRACK_PERM_BROWSE, 0, NULL),
	TRACK_API("PUT", "issue/{issueIdOrKey}/remotelink/{linkId}", track_api_remote_link_update,
	          WEB_NEEDS_USER | WEB_BODY_JSON, TRACK_PERM_LINK_ISSUES, WEB_BODY_LIMIT_OBJECT,
	          NULL),
	TRACK_API("DELETE", "issue/{issueIdOrKey}/remotelink/{linkId}",
	          track_api_remote_link_delete, WEB_NEEDS_USER, TRACK_PERM_LINK_ISSUES, 0, NULL),
	/* search: JQL over the API and the search page (search_api.c, search_web.c) */
	TRACK_API("GET", "search", track_api_search, WEB_NEEDS_USER, 0, 0, NULL),
	TRACK_API("POST", "search", track_api_search, WEB_NEEDS_USER | WEB_BODY_JSON, 0,
	          WEB_BODY_LIMIT_OBJECT, NULL),
	TRACK_API("GET", "search/jql", track_api_search_jql, WEB_NEEDS_USER, 0, 0, NULL),
	TRACK_API("POST", "search/jql", track_api_search_jql, WEB_NEEDS_USER | WEB_BODY_JSON, 0,
	          WEB_BODY_LIMIT_OBJECT, NULL),
	{ "GET", "/issues/", track_search_issues_page, WEB_NEEDS_USER, 0, 0, NULL, NULL, NULL },

	/* the connector: Administration › Applications › DVCS accounts and the consent callback
	 * (dvcs/dvcs_web.c) */
	DVCS_PAGE("GET", "", dvcs_accounts_page, 0, NULL),
	DVCS_PAGE("GET", "/progress", dvcs_progress_json, 0, NULL),
	{ "GET", DVCS_CALLBACK_PATH, dvcs_callback_page, WEB_NEEDS_USER, TRACK_PERM_SITE_ADMIN, 0,
	  NULL, NULL, NULL },
	DVCS_PAGE("POST", "/accounts", dvcs_account_add_submit, WEB_BODY_FORM, NULL),
	DVCS_PAGE("POST", "/accounts/{id}/defaults", dvcs_account_defaults_submit, WEB_BODY_FORM,
	          dvcs_web_id_params),
	DVCS_PAGE("POST", "/accounts/{id}/refresh", dvcs_account_refresh_submit, WEB_BODY_FORM,
	          dvcs_web_id_params),
	DVCS_PAGE("POST", "/accounts/{id}/oauth", dvcs_account_oauth_submit, WEB_BODY_FORM,
	          dvcs_web_id_params),
	DVCS_PAGE("GET", "/accounts/{id}/delete", dvcs_account_delete_page, 0, dvcs_web_id_params),
	DVCS_PAGE("POST", "/accounts/{id}/delete", dvcs_account_delete_submit, WEB_BODY_FORM,
	          dvcs_web_id_params),
	DVCS_PAGE("POST", "/repos/{id}", dvcs_repo_settings_submit, WEB_BODY_FORM,
	          dvcs_web_id_params),
	DVCS_PAGE("POST", "/repos/{id}/sync", dvcs_repo_sync_submit, WEB_BODY_FORM,
	          dvcs_web_id_params),
	DVCS_PAGE("POST", "/left-hooks/{id}/forget", dvcs_left_hook_forget_submit, WEB_BODY_FORM,
	          dvcs_web_id_params),

	/* the connector's admin REST API, /rest/bitbucket/1.0/ (dvcs/dvcs_api.c); Jira's own paths
	 * repo/… and org/… beside the issue's */
	DVCS_API("GET", "repositories", dvcs_api_repositories, 0, NULL),
	DVCS_API("GET", "repository/{id}", dvcs_api_repository, 0, dvcs_web_id_params),
	DVCS_API("POST", "repository/{id}/softsync", dvcs_api_softsync, 0, dvcs_web_id_params),
	DVCS_API("POST", "repository/{id}/fullsync", dvcs_api_fullsync, 0, dvcs_web_id_params),
	DVCS_API("POST", "repository/{id}/autolink", dvcs_api_autolink, WEB_BODY_JSON,
	         dvcs_web_id_params),
	DVCS_API("POST", "repo/{id}/autolink", dvcs_api_autolink, WEB_BODY_JSON,
	         dvcs_web_id_params),
	DVCS_API("POST", "repository/{id}/smarts", dvcs_api_smarts, WEB_BODY_JSON,
	         dvcs_web_id_params),
	DVCS_API("POST", "repo/{id}/smart", dvcs_api_smarts, WEB_BODY_JSON, dvcs_web_id_params),
	DVCS_API("GET", "organizations", dvcs_api_organizations, 0, NULL),
	DVCS_API("GET", "organization/{id}", dvcs_api_organization, 0, dvcs_web_id_params),
	DVCS_API("POST", "organization/{id}/syncRepoList", dvcs_api_sync_repo_list, 0,
	         dvcs_web_id_params),
	DVCS_API("POST", "org/{id}/autolink", dvcs_api_org_autolink, WEB_BODY_JSON,
	         dvcs_web_id_params),
	DVCS_API("POST", "org/{id}/globalsmarts", dvcs_api_org_smarts, WEB_BODY_JSON,
	         dvcs_web_id_params),

	/* the connector's webhook target, /rest/bitbucket/1.0/repository/{id}/sync (dvcs/sync_api.c) */
	{ "POST", "/rest/bitbucket/1.0/repository/{id}/sync", dvcs_sync_webhook,
	  WEB_API | WEB_NO_CSRF | WEB_OWN_AUTH, 0, DVCS_WEBHOOK_BODY_LIMIT, NULL, NULL, NULL },

	/* the development panel and the dev-status API (dvcs/panel_web.c, dvcs/devstatus_api.c) */
	{ "GET", "/browse/{issue}/development", dvcs_panel_detail_page, WEB_NEEDS_USER,
	  TRACK_PERM_VIEW_DEV_TOOLS, 0, NULL, NULL, NULL },
	{ "GET", "/browse/{issue}/development/summary", dvcs_panel_summary_poll, WEB_NEEDS_USER,
	  TRACK_PERM_VIEW_DEV_TOOLS, 0, NULL, NULL, NULL },
	DEV_STATUS("/rest/dev-status/1.0/"),
	DEV_STATUS("/rest/dev-status/latest/"),
};

static const char *const api_prefixes[] = { "/rest/", NULL };

static const web_service service = {
	.name = "track",
	.product = "weft track",
	.routes = routes,
	.nroutes = sizeof routes / sizeof routes[0],
	.api_prefixes = api_prefixes,
	.sign_in_path = "/login",
	.render_api_error = render_api_error,
	.authenticate = track_authenticate,
	.authorize = track_authorize,
	.check_csrf = track_check_csrf,
};

const web_service *track_service(void)
{
	return &service;
}

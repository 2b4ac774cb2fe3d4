/* hub's route table, its shared page rendering and its Bitbucket-shaped API errors. */
#include "hub/hub.h"

#include <git2.h>

#include "hub/git/git_http.h"
#include "hub/browse/history.h"
#include "hub/repo/repo_api.h"
#include "hub/project/project_web.h"
#include "hub/repo/repo_web.h"
#include "hub/account/settings_web.h"
#include "hub/browse/source_web.h"
#include "hub/team/team_web.h"
#include "hub/team/team_api.h"
#include "hub/account/user_api.h"
#include "hub/hook/hook_api.h"
#include "hub/pull/pull_api.h"
#include "hub/pull/pull_web.h"

/* Bitbucket Cloud's error body: {"type": "error", "error": {"message": "…"}}. */
static void render_api_error(web_request *req, web_response *res, int status, const char *message)
{
	(void)req;
	web_res_json(res, status,
	             json_pack("{s:s, s:{s:s}}", "type", "error", "error", "message", message));
}

void hub_global_init(void)
{
	git_libgit2_init();
	/* libgit2's object cache and mapped pack windows count towards the server's memory: keep
	 * them small, since git itself (not libgit2) serves clones. */
	git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)32 * 1024 * 1024);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)256 * 1024 * 1024);
}

void hub_global_shutdown(void)
{
	git_libgit2_shutdown();
}

int hub_page(web_request *req, web_response *res, int status, const char *page, const char *title,
             json_t *data)
{
	const hub_viewer *v = hub_viewer_of(req);
	json_t *viewer =
	        v ? json_pack("{s:s, s:s, s:b}", "username", v->user.username, "display_name",
	                      v->user.display_name, "is_admin", v->user.is_admin)
	          : NULL;
	return web_res_page_for(req, res, status, page, title, data, viewer,
	                        v && v->session.id ? &v->session : NULL, HUB_CSRF_COOKIE);
}

int hub_home_page(web_request *req, web_response *res)
{
	return hub_page(req, res, 200, "hub/home", "Home", json_pack("{s:s}", "state", "RUNNING"));
}

/* The table is ordered: the first route whose pattern matches wins, so literal paths come before
 * the workspace pages' "/{workspace}", which would match them too. Each feature adds its routes
 * under its own heading. */
static const web_route routes[] = {
	WEB_BUILTIN_ROUTES,
	{ "GET", "/", hub_home_page, 0, 0, 0, NULL, NULL },
	/* accounts (account_web.c) */
	{ "GET", "/login", hub_login_page, 0, 0, 0, NULL, NULL },
	{ "POST", "/login", hub_login_submit, WEB_BODY_FORM, 0, WEB_BODY_LIMIT_FORM, NULL, NULL },
	{ "POST", "/logout", hub_logout_submit, WEB_BODY_FORM, 0, WEB_BODY_LIMIT_FORM, NULL, NULL },
	{ "GET", "/dashboard", hub_dashboard_page, WEB_NEEDS_USER, 0, 0, NULL, NULL },
	{ "GET", "/signup", hub_signup_page, 0, 0, 0, NULL, NULL },
	{ "POST", "/signup", hub_signup_submit, WEB_BODY_FORM, 0, WEB_BODY_LIMIT_FORM, NULL, NULL },
	{ "GET", "/confirm/{token}", hub_confirm_page, 0, 0, 0, NULL, NULL },
	{ "POST", "/account/confirm/resend", hub_confirm_resend_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, 0, WEB_BODY_LIMIT_FORM, NULL, NULL },
	/* account settings (settings_web.c) */
	{ "GET", "/account/settings", hub_settings_profile_page, WEB_NEEDS_USER | WEB_NEEDS_SESSION,
	  0, 0, NULL, NULL },
	{ "POST", "/account/settings", hub_settings_profile_submit,
	  WEB_NEEDS_USER | WEB_NEEDS_SESSION | WEB_BODY_FORM, 0, WEB_BODY_LIMIT_FORM, NULL, NULL },
	{ "GET", "/account/settings/emails", hub_settings_emails_page,
	  WEB_NEEDS_USER | WEB_NEEDS_SESSION, 0, 0, NULL, NULL },
	{ "POST", "/account/settings/emails", hub_settings_email_add_submit,
	  WEB_NEEDS_USER | WEB_NEEDS_SESSION | WEB_BODY_FORM, 0, WEB_BODY_LIMIT_FORM, NULL, NULL },
	{ "POST", "/account/settings/emails/{id}/resend", hub_settings_email_resend_submit,
	  WEB_NEEDS_USER | WEB_NEEDS_SESSION | WEB_BODY_FORM, 0, WEB_BODY_LIMIT_FORM,
	  hub_settings_id_params, NULL },
	{ "POST", "/account/settings/emails/{id}/primary", hub_settings_email_primary_submit,
	  WEB_NEEDS_USER | WEB_NEEDS_SESSION | WEB_BODY_FORM, 0, WEB_BODY_LIMIT_FORM,
	  hub_settings_id_params, NULL },
	{ "POST", "/account/settings/emails/{id}/delete", hub_settings_email_remove_submit,
	  WEB_NEEDS_USER | WEB_NEEDS_SESSION | WEB_BODY_FORM, 0, WEB_BODY_LIMIT_FORM,
	  hub_settings_id_params, NULL },
	{ "GET", "/account/settings/security", hub_settings_security_page,
	  WEB_NEEDS_USER | WEB_NEEDS_SESSION, 0, 0, NULL, NULL },
	{ "POST", "/account/settings/password", hub_settings_password_submit,
	  WEB_NEEDS_USER | WEB_NEEDS_SESSION | WEB_BODY_FORM, 0, WEB_BODY_LIMIT_FORM, NULL, NULL },
	{ "POST", "/account/settings/sessions/end", hub_settings_sign_out_everywhere_submit,
	  WEB_NEEDS_USER | WEB_NEEDS_SESSION | WEB_BODY_FORM, 0, WEB_BODY_LIMIT_FORM, NULL, NULL },
	{ "GET", "/account/settings/app-passwords", hub_settings_app_passwords_page,
	  WEB_NEEDS_USER | WEB_NEEDS_SESSION, 0, 0, NULL, NULL },
	{ "POST", "/account/settings/app-passwords", hub_settings_app_password_create_submit,
	  WEB_NEEDS_USER | WEB_NEEDS_SESSION | WEB_BODY_FORM, 0, WEB_BODY_LIMIT_FORM, NULL, NULL },
	{ "POST", "/account/settings/app-passwords/{id}/revoke",
	  hub_settings_app_password_revoke_submit,
	  WEB_NEEDS_USER | WEB_NEEDS_SESSION | WEB_BODY_FORM, 0, WEB_BODY_LIMIT_FORM,
	  hub_settings_id_params, NULL },
	/* teams (team_web.c) */
	{ "GET", "/teams", hub_teams_page, WEB_NEEDS_USER, 0, 0, NULL, NULL },
	{ "GET", "/teams/new", hub_team_new_page, WEB_NEEDS_USER, 0, 0, NULL, NULL },
	{ "POST", "/teams/new", hub_team_create_submit, WEB_NEEDS_USER | WEB_BODY_FORM, 0,
	  WEB_BODY_LIMIT_FORM, NULL, NULL },
	{ "GET", "/invitations/{token}", hub_invitation_page, 0, 0, 0, NULL, NULL },
	{ "POST", "/invitations/{token}", hub_invitation_accept_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, 0, WEB_BODY_LIMIT_FORM, NULL, NULL },
	/* API: users (user_api.c) */
	{ "GET", "/2.0/user", hub_api_current_user, WEB_API | WEB_NEEDS_USER, 0, 0, NULL, NULL },
	{ "GET", "/2.0/user/emails", hub_api_user_emails, WEB_API | WEB_NEEDS_USER, 0, 0, NULL,
	  NULL },
	{ "GET", "/2.0/user/emails/{email}", hub_api_user_email, WEB_API | WEB_NEEDS_USER, 0, 0,
	  NULL, NULL },
	{ "GET", "/2.0/users/{selected_user}", hub_api_selected_user, WEB_API, 0, 0, NULL, NULL },
	{ "POST", "/2.0/users", hub_api_sign_up, WEB_API | WEB_BODY_JSON, 0, WEB_BODY_LIMIT_FORM,
	  NULL, NULL },
	/* API: workspaces and groups (team_api.c) */
	{ "GET", "/2.0/workspaces", hub_api_workspaces, WEB_API | WEB_NEEDS_USER, 0, 0, NULL,
	  NULL },
	{ "GET", "/2.0/workspaces/{workspace}", hub_api_workspace, WEB_API | WEB_NEEDS_USER,
	  HUB_PERM_WORKSPACE_MEMBER, 0, NULL, NULL },
	{ "GET", "/2.0/workspaces/{workspace}/members", hub_api_workspace_members,
	  WEB_API | WEB_NEEDS_USER, HUB_PERM_WORKSPACE_MEMBER, 0, NULL, NULL },
	{ "GET", "/2.0/workspaces/{workspace}/members/{member}", hub_api_workspace_member,
	  WEB_API | WEB_NEEDS_USER, HUB_PERM_WORKSPACE_MEMBER, 0, NULL, NULL },
	{ "GET", "/2.0/workspaces/{workspace}/permissions", hub_api_workspace_permissions,
	  WEB_API | WEB_NEEDS_USER, HUB_PERM_WORKSPACE_MEMBER, 0, NULL, NULL },
	{ "GET", "/2.0/user/permissions/workspaces", hub_api_user_workspace_permissions,
	  WEB_API | WEB_NEEDS_USER, 0, 0, NULL, NULL },
	{ "GET", "/1.0/groups/{workspace}", hub_api_groups, WEB_API | WEB_NEEDS_USER,
	  HUB_PERM_WORKSPACE_MEMBER, 0, NULL, NULL },
	{ "POST", "/1.0/groups/{workspace}", hub_api_group_create,
	  WEB_API | WEB_NEEDS_USER | WEB_BODY_FORM, HUB_PERM_WORKSPACE_ADMIN, WEB_BODY_LIMIT_FORM,
	  hub_api_group_create_params, NULL },
	{ "GET", "/1.0/groups/{workspace}/{group_slug}", hub_api_group, WEB_API | WEB_NEEDS_USER,
	  HUB_PERM_WORKSPACE_MEMBER, 0, NULL, NULL },
	{ "PUT", "/1.0/groups/{workspace}/{group_slug}", hub_api_group_update,
	  WEB_API | WEB_NEEDS_USER | WEB_BODY_JSON, HUB_PERM_WORKSPACE_ADMIN, WEB_BODY_LIMIT_FORM,
	  NULL, NULL },
	{ "DELETE", "/1.0/groups/{workspace}/{group_slug}", hub_api_group_delete,
	  WEB_API | WEB_NEEDS_USER, HUB_PERM_WORKSPACE_ADMIN, 0, NULL, NULL },
	{ "GET", "/1.0/groups/{workspace}/{group_slug}/members", hub_api_group_members,
	  WEB_API | WEB_NEEDS_USER, HUB_PERM_WORKSPACE_MEMBER, 0, NULL, NULL },
	{ "PUT", "/1.0/groups/{workspace}/{group_slug}/members/{member}", hub_api_group_member_add,
	  WEB_API | WEB_NEEDS_USER | WEB_BODY_JSON, HUB_PERM_WORKSPACE_ADMIN, WEB_BODY_LIMIT_FORM,
	  NULL, NULL },
	{ "DELETE", "/1.0/groups/{workspace}/{group_slug}/members/{member}",
	  hub_api_group_member_remove, WEB_API | WEB_NEEDS_USER, HUB_PERM_WORKSPACE_ADMIN, 0, NULL,
	  NULL },
	/* API: source browsing and commits from form fields (source_api.c) */
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/src", hub_api_src_root, WEB_API,
	  HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/src/{commit}/{path...}", hub_api_src,
	  WEB_API, HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "POST", "/2.0/repositories/{workspace}/{repo_slug}/src", hub_api_src_create,
	  WEB_API | WEB_NEEDS_USER | WEB_BODY_FORM, HUB_PERM_REPO_WRITE, 32 * 1024 * 1024, NULL,
	  NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/filehistory/{commit}/{path...}",
	  hub_api_filehistory, WEB_API, HUB_PERM_REPO_READ, 0, NULL, NULL },
	/* API: history (commit_api.c, ref_api.c, diff_api.c): commits, refs, diffs */
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/commits", hub_api_commits, WEB_API,
	  HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "POST", "/2.0/repositories/{workspace}/{repo_slug}/commits", hub_api_commits,
	  WEB_API | WEB_BODY_FORM, HUB_PERM_REPO_READ, WEB_BODY_LIMIT_TEXT, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/commits/{revision}", hub_api_commits,
	  WEB_API, HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "POST", "/2.0/repositories/{workspace}/{repo_slug}/commits/{revision}", hub_api_commits,
	  WEB_API | WEB_BODY_FORM, HUB_PERM_REPO_READ, WEB_BODY_LIMIT_TEXT, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/commit/{node}", hub_api_commit, WEB_API,
	  HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/refs", hub_api_refs, WEB_API,
	  HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/refs/branches", hub_api_branches,
	  WEB_API, HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "POST", "/2.0/repositories/{workspace}/{repo_slug}/refs/branches", hub_api_branch_create,
	  WEB_API | WEB_NEEDS_USER | WEB_BODY_JSON, HUB_PERM_REPO_WRITE, WEB_BODY_LIMIT_FORM, NULL,
	  NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/refs/branches/{name}", hub_api_branch,
	  WEB_API, HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "DELETE", "/2.0/repositories/{workspace}/{repo_slug}/refs/branches/{name}",
	  hub_api_branch_delete, WEB_API | WEB_NEEDS_USER, HUB_PERM_REPO_WRITE, 0, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/refs/tags", hub_api_tags, WEB_API,
	  HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "POST", "/2.0/repositories/{workspace}/{repo_slug}/refs/tags", hub_api_tag_create,
	  WEB_API | WEB_NEEDS_USER | WEB_BODY_JSON, HUB_PERM_REPO_WRITE, WEB_BODY_LIMIT_TEXT, NULL,
	  NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/refs/tags/{name}", hub_api_tag, WEB_API,
	  HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "DELETE", "/2.0/repositories/{workspace}/{repo_slug}/refs/tags/{name}",
	  hub_api_tag_delete, WEB_API | WEB_NEEDS_USER, HUB_PERM_REPO_WRITE, 0, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/diff/{spec}", hub_api_diff, WEB_API,
	  HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/diffstat/{spec}", hub_api_diffstat,
	  WEB_API, HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/patch/{spec}", hub_api_patch, WEB_API,
	  HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/merge-base/{spec}", hub_api_merge_base,
	  WEB_API, HUB_PERM_REPO_READ, 0, NULL, NULL },
	/* API: pull requests (pull/pull_api.c); reading needs read, acting needs a user */
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/pullrequests", hub_api_pullrequests, WEB_API, HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "POST", "/2.0/repositories/{workspace}/{repo_slug}/pullrequests", hub_api_pullrequest_create, WEB_API | WEB_NEEDS_USER | WEB_BODY_JSON, HUB_PERM_REPO_READ, 256 * 1024, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}", hub_api_pullrequest, WEB_API, HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "PUT", "/2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}", hub_api_pullrequest_update, WEB_API | WEB_NEEDS_USER | WEB_BODY_JSON, HUB_PERM_REPO_READ, 256 * 1024, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/commits", hub_api_pullrequest_commits, WEB_API, HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/diff", hub_api_pullrequest_diff, WEB_API, HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/diffstat", hub_api_pullrequest_diffstat, WEB_API, HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/patch", hub_api_pullrequest_patch, WEB_API, HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/activity", hub_api_pullrequest_activity, WEB_API, HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/statuses", hub_api_pullrequest_statuses, WEB_API, HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/comments", hub_api_pullrequest_comments, WEB_API, HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "POST", "/2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/comments", hub_api_pullrequest_comment_create, WEB_API | WEB_NEEDS_USER | WEB_BODY_JSON, HUB_PERM_REPO_READ, 64 * 1024, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/comments/{comment_id}", hub_api_pullrequest_comment, WEB_API, HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "PUT", "/2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/comments/{comment_id}", hub_api_pullrequest_comment_update, WEB_API | WEB_NEEDS_USER | WEB_BODY_JSON, HUB_PERM_REPO_READ, 64 * 1024, NULL, NULL },
	{ "DELETE", "/2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/comments/{comment_id}", hub_api_pullrequest_comment_delete, WEB_API | WEB_NEEDS_USER, HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "POST", "/2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/approve", hub_api_pullrequest_approve, WEB_API | WEB_NEEDS_USER | WEB_BODY_JSON, HUB_PERM_REPO_READ, 16 * 1024, NULL, NULL },
	{ "DELETE", "/2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/approve", hub_api_pullrequest_unapprove, WEB_API | WEB_NEEDS_USER, HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "POST", "/2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/request-changes", hub_api_pullrequest_request_changes, WEB_API | WEB_NEEDS_USER | WEB_BODY_JSON, HUB_PERM_REPO_READ, 16 * 1024, NULL, NULL },
	{ "DELETE", "/2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/request-changes", hub_api_pullrequest_remove_request, WEB_API | WEB_NEEDS_USER, HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "POST", "/2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/merge", hub_api_pullrequest_merge, WEB_API | WEB_NEEDS_USER | WEB_BODY_JSON, HUB_PERM_REPO_WRITE, 80 * 1024, NULL, NULL },
	{ "POST", "/2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/decline", hub_api_pullrequest_decline, WEB_API | WEB_NEEDS_USER | WEB_BODY_JSON, HUB_PERM_REPO_READ, 16 * 1024, NULL, NULL },
	{ "GET", "/2.0/pullrequests/{selected_user}", hub_api_user_pullrequests, WEB_API, 0, 0, NULL,
	  NULL },
	/* API: webhooks and build statuses (hook/hook_api.c, hook/status_api.c) */
	{ "GET", "/2.0/hook_events", hub_api_hook_subjects, WEB_API, 0, 0, NULL, NULL },
	{ "GET", "/2.0/hook_events/{subject_type}", hub_api_hook_events, WEB_API, 0, 0, NULL,
	  NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/hooks", hub_api_hooks,
	  WEB_API | WEB_NEEDS_USER, HUB_PERM_REPO_ADMIN, 0, NULL, NULL },
	{ "POST", "/2.0/repositories/{workspace}/{repo_slug}/hooks", hub_api_hook_create,
	  WEB_API | WEB_NEEDS_USER | WEB_BODY_JSON, HUB_PERM_REPO_ADMIN, 64 * 1024, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/hooks/{uid}", hub_api_hook,
	  WEB_API | WEB_NEEDS_USER, HUB_PERM_REPO_ADMIN, 0, NULL, NULL },
	{ "PUT", "/2.0/repositories/{workspace}/{repo_slug}/hooks/{uid}", hub_api_hook_update,
	  WEB_API | WEB_NEEDS_USER | WEB_BODY_JSON, HUB_PERM_REPO_ADMIN, 64 * 1024, NULL, NULL },
	{ "DELETE", "/2.0/repositories/{workspace}/{repo_slug}/hooks/{uid}", hub_api_hook_delete,
	  WEB_API | WEB_NEEDS_USER, HUB_PERM_REPO_ADMIN, 0, NULL, NULL },
	{ "GET", "/2.0/workspaces/{workspace}/hooks", hub_api_hooks, WEB_API | WEB_NEEDS_USER,
	  HUB_PERM_WORKSPACE_ADMIN, 0, NULL, NULL },
	{ "POST", "/2.0/workspaces/{workspace}/hooks", hub_api_hook_create,
	  WEB_API | WEB_NEEDS_USER | WEB_BODY_JSON, HUB_PERM_WORKSPACE_ADMIN, 64 * 1024, NULL,
	  NULL },
	{ "GET", "/2.0/workspaces/{workspace}/hooks/{uid}", hub_api_hook, WEB_API | WEB_NEEDS_USER,
	  HUB_PERM_WORKSPACE_ADMIN, 0, NULL, NULL },
	{ "PUT", "/2.0/workspaces/{workspace}/hooks/{uid}", hub_api_hook_update,
	  WEB_API | WEB_NEEDS_USER | WEB_BODY_JSON, HUB_PERM_WORKSPACE_ADMIN, 64 * 1024, NULL,
	  NULL },
	{ "DELETE", "/2.0/workspaces/{workspace}/hooks/{uid}", hub_api_hook_delete,
	  WEB_API | WEB_NEEDS_USER, HUB_PERM_WORKSPACE_ADMIN, 0, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/commit/{node}/statuses",
	  hub_api_statuses, WEB_API, HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "POST", "/2.0/repositories/{workspace}/{repo_slug}/commit/{node}/statuses/build",
	  hub_api_status_create, WEB_API | WEB_NEEDS_USER | WEB_BODY_JSON, HUB_PERM_REPO_WRITE,
	  64 * 1024, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}/commit/{node}/statuses/build/{key}",
	  hub_api_status, WEB_API, HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "PUT", "/2.0/repositories/{workspace}/{repo_slug}/commit/{node}/statuses/build/{key}",
	  hub_api_status_update, WEB_API | WEB_NEEDS_USER | WEB_BODY_JSON, HUB_PERM_REPO_WRITE,
	  64 * 1024, NULL, NULL },
	/* repositories and projects (repo_web.c): literal paths, before "/{workspace}" */
	{ "GET", "/repo/create", hub_repo_create_page, WEB_NEEDS_USER, 0, 0, NULL, NULL },
	{ "POST", "/repo/create", hub_repo_create_submit, WEB_NEEDS_USER | WEB_BODY_FORM, 0,
	  WEB_BODY_LIMIT_OBJECT, NULL, NULL },
	/* API: projects and repositories (project_api.c, repo_api.c). Creating needs membership
	 * of the workspace; PUT on a repository may create, so it checks admin on an existing one
	 * itself. */
	{ "GET", "/2.0/workspaces/{workspace}/projects", hub_api_projects, WEB_API | WEB_NEEDS_USER,
	  HUB_PERM_WORKSPACE_MEMBER, 0, NULL, NULL },
	{ "POST", "/2.0/workspaces/{workspace}/projects", hub_api_project_create,
	  WEB_API | WEB_NEEDS_USER | WEB_BODY_JSON, HUB_PERM_WORKSPACE_MEMBER,
	  WEB_BODY_LIMIT_OBJECT, NULL, NULL },
	{ "GET", "/2.0/workspaces/{workspace}/projects/{project_key}", hub_api_project,
	  WEB_API | WEB_NEEDS_USER, HUB_PERM_WORKSPACE_MEMBER, 0, NULL, NULL },
	{ "PUT", "/2.0/workspaces/{workspace}/projects/{project_key}", hub_api_project_update,
	  WEB_API | WEB_NEEDS_USER | WEB_BODY_JSON, HUB_PERM_WORKSPACE_ADMIN, WEB_BODY_LIMIT_OBJECT,
	  NULL, NULL },
	{ "DELETE", "/2.0/workspaces/{workspace}/projects/{project_key}", hub_api_project_delete,
	  WEB_API | WEB_NEEDS_USER, HUB_PERM_WORKSPACE_ADMIN, 0, NULL, NULL },
	{ "GET", "/2.0/repositories", hub_api_public_repositories, WEB_API, 0, 0, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}", hub_api_repositories, WEB_API,
	  HUB_PERM_WORKSPACE_VIEW, 0, NULL, NULL },
	{ "POST", "/2.0/repositories/{workspace}/{repo_slug}", hub_api_repository_create,
	  WEB_API | WEB_NEEDS_USER | WEB_BODY_JSON, HUB_PERM_WORKSPACE_MEMBER,
	  WEB_BODY_LIMIT_OBJECT, NULL, NULL },
	{ "GET", "/2.0/repositories/{workspace}/{repo_slug}", hub_api_repository, WEB_API,
	  HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "PUT", "/2.0/repositories/{workspace}/{repo_slug}", hub_api_repository_update,
	  WEB_API | WEB_NEEDS_USER | WEB_BODY_JSON, HUB_PERM_WORKSPACE_MEMBER,
	  WEB_BODY_LIMIT_OBJECT, NULL, NULL },
	{ "DELETE", "/2.0/repositories/{workspace}/{repo_slug}", hub_api_repository_delete,
	  WEB_API | WEB_NEEDS_USER, HUB_PERM_REPO_ADMIN, 0, NULL, NULL },
	/* administration (admin_web.c) */
	{ "GET", "/admin", hub_admin_users_page, WEB_NEEDS_USER, HUB_PERM_SITE_ADMIN, 0, NULL,
	  NULL },
	{ "POST", "/admin/users/{username}/active", hub_admin_user_active_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, HUB_PERM_SITE_ADMIN, WEB_BODY_LIMIT_FORM, NULL, NULL },
	{ "GET", "/admin/mail", hub_admin_mail_page, WEB_NEEDS_USER, HUB_PERM_SITE_ADMIN, 0, NULL,
	  NULL },
	{ "GET", "/admin/plans", hub_admin_plans_page, WEB_NEEDS_USER, HUB_PERM_SITE_ADMIN, 0, NULL,
	  NULL },
	{ "POST", "/admin/plans", hub_admin_plan_create_submit, WEB_NEEDS_USER | WEB_BODY_FORM,
	  HUB_PERM_SITE_ADMIN, WEB_BODY_LIMIT_FORM, NULL, NULL },
	{ "POST", "/admin/plans/assign", hub_admin_plan_assign_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, HUB_PERM_SITE_ADMIN, WEB_BODY_LIMIT_FORM, NULL, NULL },
	{ "POST", "/admin/plans/{id}", hub_admin_plan_update_submit, WEB_NEEDS_USER | WEB_BODY_FORM,
	  HUB_PERM_SITE_ADMIN, WEB_BODY_LIMIT_FORM, hub_team_id_params, NULL },
	{ "POST", "/admin/plans/{id}/delete", hub_admin_plan_delete_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, HUB_PERM_SITE_ADMIN, WEB_BODY_LIMIT_FORM,
	  hub_team_id_params, NULL },
	/* Git over smart HTTP (git_http.c), with and without ".git"; info/refs needs write when it
	 * advertises for a push (hub_perm.c) */
	{ "GET", "/{workspace}/{repo_slug}.git/info/refs", hub_git_info_refs, WEB_CHALLENGE,
	  HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "POST", "/{workspace}/{repo_slug}.git/git-upload-pack", hub_git_rpc,
	  WEB_CHALLENGE | WEB_NO_CSRF, HUB_PERM_REPO_READ, GIT_HTTP_BODY_LIMIT, NULL,
	  hub_git_rpc_chunk },
	{ "POST", "/{workspace}/{repo_slug}.git/git-receive-pack", hub_git_rpc,
	  WEB_CHALLENGE | WEB_NO_CSRF, HUB_PERM_REPO_WRITE, GIT_HTTP_BODY_LIMIT, NULL,
	  hub_git_rpc_chunk },
	{ "GET", "/{workspace}/{repo_slug}/info/refs", hub_git_info_refs, WEB_CHALLENGE,
	  HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "POST", "/{workspace}/{repo_slug}/git-upload-pack", hub_git_rpc,
	  WEB_CHALLENGE | WEB_NO_CSRF, HUB_PERM_REPO_READ, GIT_HTTP_BODY_LIMIT, NULL,
	  hub_git_rpc_chunk },
	{ "POST", "/{workspace}/{repo_slug}/git-receive-pack", hub_git_rpc,
	  WEB_CHALLENGE | WEB_NO_CSRF, HUB_PERM_REPO_WRITE, GIT_HTTP_BODY_LIMIT, NULL,
	  hub_git_rpc_chunk },
	/* workspace pages (team_web.c): last, since "/{workspace}" matches the paths above too */
	{ "GET", "/{workspace}", hub_workspace_page, 0, HUB_PERM_WORKSPACE_VIEW, 0, NULL, NULL },
	/* a workspace's projects (repo_web.c) */
	{ "GET", "/{workspace}/projects", hub_projects_page, 0, HUB_PERM_WORKSPACE_VIEW, 0, NULL,
	  NULL },
	{ "POST", "/{workspace}/projects", hub_project_create_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, HUB_PERM_WORKSPACE_MEMBER, WEB_BODY_LIMIT_FORM, NULL,
	  NULL },
	/* a project's page, editing and deleting it (project_web.c) */
	{ "GET", "/{workspace}/projects/{project_key}", hub_project_page, 0,
	  HUB_PERM_WORKSPACE_VIEW, 0, NULL, NULL },
	{ "POST", "/{workspace}/projects/{project_key}", hub_project_update_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, HUB_PERM_WORKSPACE_ADMIN, WEB_BODY_LIMIT_FORM, NULL,
	  NULL },
	{ "POST", "/{workspace}/projects/{project_key}/delete", hub_project_delete_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, HUB_PERM_WORKSPACE_ADMIN, WEB_BODY_LIMIT_FORM, NULL,
	  NULL },
	{ "GET", "/{workspace}/settings", hub_team_settings_page, WEB_NEEDS_USER,
	  HUB_PERM_WORKSPACE_ADMIN, 0, NULL, NULL },
	{ "POST", "/{workspace}/settings", hub_team_rename_submit, WEB_NEEDS_USER | WEB_BODY_FORM,
	  HUB_PERM_WORKSPACE_ADMIN, WEB_BODY_LIMIT_FORM, NULL, NULL },
	{ "POST", "/{workspace}/settings/delete", hub_team_delete_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, HUB_PERM_WORKSPACE_ADMIN, WEB_BODY_LIMIT_FORM, NULL,
	  NULL },
	{ "POST", "/{workspace}/settings/members/{username}/remove", hub_team_member_remove_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, HUB_PERM_WORKSPACE_ADMIN, WEB_BODY_LIMIT_FORM, NULL,
	  NULL },
	{ "GET", "/{workspace}/settings/groups", hub_team_groups_page, WEB_NEEDS_USER,
	  HUB_PERM_WORKSPACE_ADMIN, 0, NULL, NULL },
	{ "POST", "/{workspace}/settings/groups", hub_team_group_create_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, HUB_PERM_WORKSPACE_ADMIN, WEB_BODY_LIMIT_FORM, NULL,
	  NULL },
	{ "GET", "/{workspace}/settings/groups/{group}", hub_team_group_page, WEB_NEEDS_USER,
	  HUB_PERM_WORKSPACE_ADMIN, 0, NULL, NULL },
	{ "POST", "/{workspace}/settings/groups/{group}", hub_team_group_update_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, HUB_PERM_WORKSPACE_ADMIN, WEB_BODY_LIMIT_FORM, NULL,
	  NULL },
	{ "POST", "/{workspace}/settings/groups/{group}/delete", hub_team_group_delete_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, HUB_PERM_WORKSPACE_ADMIN, WEB_BODY_LIMIT_FORM, NULL,
	  NULL },
	{ "POST", "/{workspace}/settings/groups/{group}/members", hub_team_group_member_add_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, HUB_PERM_WORKSPACE_ADMIN, WEB_BODY_LIMIT_FORM, NULL,
	  NULL },
	{ "POST", "/{workspace}/settings/groups/{group}/members/{username}/remove",
	  hub_team_group_member_remove_submit, WEB_NEEDS_USER | WEB_BODY_FORM,
	  HUB_PERM_WORKSPACE_ADMIN, WEB_BODY_LIMIT_FORM, NULL, NULL },
	{ "POST", "/{workspace}/settings/invitations/{id}/revoke",
	  hub_team_invitation_revoke_submit, WEB_NEEDS_USER | WEB_BODY_FORM,
	  HUB_PERM_WORKSPACE_ADMIN, WEB_BODY_LIMIT_FORM, hub_team_id_params, NULL },
	{ "POST", "/{workspace}/settings/invitations/{id}/resend",
	  hub_team_invitation_resend_submit, WEB_NEEDS_USER | WEB_BODY_FORM,
	  HUB_PERM_WORKSPACE_ADMIN, WEB_BODY_LIMIT_FORM, hub_team_id_params, NULL },
	/* repository overview and source pages (source_web.c): after the workspace pages, whose
	 * literal paths ("/{workspace}/settings") they would shadow */
	{ "GET", "/{workspace}/{repo_slug}.git", hub_repo_git_page, 0, HUB_PERM_REPO_READ, 0, NULL,
	  NULL },
	{ "GET", "/{workspace}/{repo_slug}", hub_repo_overview_page, 0, HUB_PERM_REPO_READ, 0, NULL,
	  NULL },
	{ "GET", "/{workspace}/{repo_slug}/src", hub_source_root_page, 0, HUB_PERM_REPO_READ, 0,
	  NULL, NULL },
	{ "GET", "/{workspace}/{repo_slug}/src/{ref}/{path...}", hub_source_page, 0,
	  HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "GET", "/{workspace}/{repo_slug}/raw/{ref}/{path...}", hub_source_raw, 0,
	  HUB_PERM_REPO_READ, 0, NULL, NULL },
	/* history pages (commit_web.c, ref_web.c): after the workspace pages */
	{ "GET", "/{workspace}/{repo_slug}/commits", hub_commits_page, 0, HUB_PERM_REPO_READ, 0,
	  NULL, NULL },
	{ "GET", "/{workspace}/{repo_slug}/commits/branch/{branch}", hub_commits_page, 0,
	  HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "GET", "/{workspace}/{repo_slug}/commits/{hash}", hub_commit_page, 0, HUB_PERM_REPO_READ,
	  0, NULL, NULL },
	/* the raw diff for browsers, whose session the API does not take */
	{ "GET", "/{workspace}/{repo_slug}/diff/{spec}", hub_api_diff, 0, HUB_PERM_REPO_READ, 0,
	  NULL, NULL },
	{ "GET", "/{workspace}/{repo_slug}/branches", hub_branches_page, 0, HUB_PERM_REPO_READ, 0,
	  NULL, NULL },
	/* pull request pages (pull/pull_web.c): after the workspace pages; "new" before the ids */
	{ "GET", "/{workspace}/{repo_slug}/pull-requests", hub_pulls_page, 0, HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "GET", "/{workspace}/{repo_slug}/pull-requests/new", hub_pull_new_page, WEB_NEEDS_USER, HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "POST", "/{workspace}/{repo_slug}/pull-requests/new", hub_pull_new_submit, WEB_NEEDS_USER | WEB_BODY_FORM, HUB_PERM_REPO_READ, 256 * 1024, NULL, NULL },
	{ "GET", "/{workspace}/{repo_slug}/pull-requests/{pull_request_id}", hub_pull_page, 0, HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "GET", "/{workspace}/{repo_slug}/pull-requests/{pull_request_id}/commits", hub_pull_commits_page, 0, HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "GET", "/{workspace}/{repo_slug}/pull-requests/{pull_request_id}/diff", hub_pull_diff_page, 0, HUB_PERM_REPO_READ, 0, NULL, NULL },
	{ "POST", "/{workspace}/{repo_slug}/pull-requests/{pull_request_id}/comments", hub_pull_comment_submit, WEB_NEEDS_USER | WEB_BODY_FORM, HUB_PERM_REPO_READ, 64 * 1024, NULL, NULL },
	{ "POST", "/{workspace}/{repo_slug}/pull-requests/{pull_request_id}/comments/{comment_id}/edit", hub_pull_comment_edit_submit, WEB_NEEDS_USER | WEB_BODY_FORM, HUB_PERM_REPO_READ, 64 * 1024, NULL, NULL },
	{ "POST", "/{workspace}/{repo_slug}/pull-requests/{pull_request_id}/comments/{comment_id}/delete", hub_pull_comment_delete_submit, WEB_NEEDS_USER | WEB_BODY_FORM, HUB_PERM_REPO_READ, 16 * 1024, NULL, NULL },
	{ "POST", "/{workspace}/{repo_slug}/pull-requests/{pull_request_id}/review", hub_pull_review_submit, WEB_NEEDS_USER | WEB_BODY_FORM, HUB_PERM_REPO_READ, 16 * 1024, NULL, NULL },
	{ "POST", "/{workspace}/{repo_slug}/pull-requests/{pull_request_id}/merge", hub_pull_merge_submit, WEB_NEEDS_USER | WEB_BODY_FORM, HUB_PERM_REPO_WRITE, 80 * 1024, NULL, NULL },
	{ "POST", "/{workspace}/{repo_slug}/pull-requests/{pull_request_id}/decline", hub_pull_decline_submit, WEB_NEEDS_USER | WEB_BODY_FORM, HUB_PERM_REPO_READ, 16 * 1024, NULL, NULL },
	/* repository settings (repo_web.c): after the workspace pages */
	{ "GET", "/{workspace}/{repo_slug}/admin", hub_repo_admin_page, WEB_NEEDS_USER,
	  HUB_PERM_REPO_ADMIN, 0, NULL, NULL },
	{ "POST", "/{workspace}/{repo_slug}/admin", hub_repo_admin_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, HUB_PERM_REPO_ADMIN, WEB_BODY_LIMIT_FORM, NULL, NULL },
	{ "GET", "/{workspace}/{repo_slug}/admin/access", hub_repo_access_page, WEB_NEEDS_USER,
	  HUB_PERM_REPO_ADMIN, 0, NULL, NULL },
	{ "POST", "/{workspace}/{repo_slug}/admin/access", hub_repo_access_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, HUB_PERM_REPO_ADMIN, WEB_BODY_LIMIT_FORM, NULL, NULL },
	{ "GET", "/{workspace}/{repo_slug}/admin/transfer", hub_repo_transfer_page, WEB_NEEDS_USER,
	  HUB_PERM_REPO_ADMIN, 0, NULL, NULL },
	{ "POST", "/{workspace}/{repo_slug}/admin/transfer", hub_repo_transfer_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, HUB_PERM_REPO_ADMIN, WEB_BODY_LIMIT_FORM, NULL, NULL },
	{ "GET", "/{workspace}/{repo_slug}/admin/delete", hub_repo_delete_page, WEB_NEEDS_USER,
	  HUB_PERM_REPO_ADMIN, 0, NULL, NULL },
	{ "POST", "/{workspace}/{repo_slug}/admin/delete", hub_repo_delete_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, HUB_PERM_REPO_ADMIN, WEB_BODY_LIMIT_FORM, NULL, NULL },
};

static const char *const api_prefixes[] = { "/2.0/", "/1.0/", NULL };

static const web_service service = {
	.name = "hub",
	.product = "weft hub",
	.routes = routes,
	.nroutes = sizeof routes / sizeof routes[0],
	.api_prefixes = api_prefixes,
	.sign_in_path = "/login",
	.render_api_error = render_api_error,
	.authenticate = hub_authenticate,
	.authorize = hub_authorize,
	.check_csrf = hub_check_csrf,
};

const web_service *hub_service(void)
{
	return &service;
}

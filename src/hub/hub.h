/* hub, the code host: its state, the permissions its routes declare, and its service
 * description (routes and hooks) for the web layer. */
#ifndef WEFT_HUB_HUB_H
#define WEFT_HUB_HUB_H

#include "db/db.h"
#include "hub/account/account.h"
#include "hub/level.h"
#include "hub/workspace.h"
#include "web/session.h"
#include "web/web.h"

/* What every hub request can reach through req->app. */
typedef struct hub_app {
	db *d;
	const char *repos_dir; /* DATA/repos: the bare repositories (repo_storage.h) */
	const char *trash_dir; /* DATA/trash: deleted repositories until the purge job */
	const char *weft_path; /* this program, which the repositories' hooks run */
	const char *db_url; /* the hub database, for `weft hook` run by git on its behalf */
} hub_app;

/* Sets up hub's process-wide state (the pool of open repositories; libgit2 itself starts on
 * first use, gitlib.h). Call once before any hub code runs; hub_global_shutdown undoes it and
 * shuts libgit2 down if it started. */
void hub_global_init(void);
void hub_global_shutdown(void);

/* The permissions routes declare (web_route.permission); hub_perm.c decides each. */
enum {
	HUB_PERM_NONE = 0,
	HUB_PERM_SITE_ADMIN, /* the administrators' area */
	HUB_PERM_WORKSPACE_VIEW, /* {workspace} exists (its pages filter what each caller sees) */
	HUB_PERM_WORKSPACE_MEMBER, /* {workspace}: its owner, or a member of the team */
	HUB_PERM_WORKSPACE_ADMIN, /* {workspace}: its owner, or an administrator of the team */
	HUB_PERM_REPO_READ, /* {workspace}/{repo_slug}: read */
	HUB_PERM_REPO_WRITE, /* … write (push) */
	HUB_PERM_REPO_ADMIN, /* … admin (settings) */
};

/* What a route's declared parameter means to hub_authorize (web_param_spec.scope), beyond the
 * {workspace} and {repo_slug} of its path. */
enum {
	/* The repository a PUT creates when it is absent, with the route's own permission on the
	 * workspace (Bitbucket's PUT /2.0/repositories/{workspace}/{repo_slug}); when it exists,
	 * the PUT changes it and needs HUB_PERM_REPO_ADMIN on it, which a user may hold through a
	 * direct grant without being a member of the workspace. */
	HUB_SCOPE_REPO_CREATED = 1,
	/* git's ?service= on info/refs: "git-receive-pack", the advertisement of a push, needs
	 * what the push does (HUB_PERM_REPO_WRITE and the scope repository:write). */
	HUB_SCOPE_GIT_SERVICE,
};

/* What hub_authorize resolved for a route with a workspace or repository permission, for its
 * handler (req->scope). */
typedef struct hub_scope {
	hub_workspace ws;
	int64_t repository_id; /* 0 for workspace routes */
	const char *repository_slug; /* its current slug; NULL for workspace routes */
	/* The old slug the path used when it only matched a redirect (hub_repo_find), else NULL:
	 * pages answer 301 to the current address (hub_repo_redirect), the API follows it. */
	const char *redirected_from;
	hub_level level; /* the caller's level on the workspace or repository */
} hub_scope;

static inline hub_scope *hub_scope_of(const web_request *req)
{
	return req->scope;
}

/* Who is asking, once the authenticate hook ran: NULL for anonymous callers. */
typedef struct hub_viewer {
	hub_user user;
	web_session session; /* id 0 when the caller used Basic auth, not a session */
	/* The permissions of the app password the caller used (space-separated, as stored); NULL
	 * for a session or the account password, which may do all the user may. */
	const char *scopes;
	bool is_token; /* scopes are an OAuth access token's (oauth/token.h), not an app password's */
	int64_t grant_id; /* the token's grant, when is_token */
} hub_viewer;

static inline hub_viewer *hub_viewer_of(const web_request *req)
{
	return req->user;
}

static inline hub_app *hub_app_of(const web_request *req)
{
	return req->app;
}

/* The cookie names: per service, since cookies are per host, not per port. */
#define HUB_SESSION_COOKIE "hub_session"
#define HUB_CSRF_COOKIE "hub_csrf"

const web_service *hub_service(void);

/* The hooks of the central checks (auth.c, hub_perm.c). */
int hub_authenticate(web_request *req);
int hub_authorize(web_request *req);
int hub_check_csrf(web_request *req);

/* Checks a sign-in (throttled per name and per address; failures are counted even though the
 * request fails). WEFT_EAUTH for wrong credentials, WEFT_ELIMIT with *retry_after seconds while
 * throttled. */
int hub_sign_in(web_request *req, const char *login, const char *password, hub_viewer *out,
                int64_t *retry_after);

/* Renders a hub page in the layout with what every page shows: the viewer and the CSRF token
 * for its forms (data is stolen). */
int hub_page(web_request *req, web_response *res, int status, const char *page, const char *title,
             json_t *data);

/* Handlers, by file. */
int hub_home_page(web_request *req, web_response *res);
int hub_login_page(web_request *req, web_response *res);
int hub_login_submit(web_request *req, web_response *res);
int hub_logout_submit(web_request *req, web_response *res);
int hub_dashboard_page(web_request *req, web_response *res);
int hub_signup_page(web_request *req, web_response *res);
int hub_signup_submit(web_request *req, web_response *res);
int hub_confirm_page(web_request *req, web_response *res);
int hub_confirm_resend_submit(web_request *req, web_response *res);
int hub_admin_users_page(web_request *req, web_response *res);
int hub_admin_user_active_submit(web_request *req, web_response *res);
int hub_admin_mail_page(web_request *req, web_response *res);

#endif

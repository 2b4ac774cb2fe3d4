/* hub's route table, its shared page rendering and its Bitbucket-shaped API errors. */
#include "hub/hub.h"

#include "hub/user_api.h"

/* Bitbucket Cloud's error body: {"type": "error", "error": {"message": "…"}}. */
static void render_api_error(web_request *req, web_response *res, int status, const char *message)
{
	(void)req;
	web_res_json(res, status,
	             json_pack("{s:s, s:{s:s}}", "type", "error", "error", "message", message));
}

int hub_page(web_request *req, web_response *res, int status, const char *page, const char *title,
             json_t *data)
{
	const hub_viewer *v = hub_viewer_of(req);
	if (v)
		json_object_set_new(data, "viewer",
		                    json_pack("{s:s, s:s, s:b}", "username", v->user.username,
		                              "display_name", v->user.display_name, "is_admin",
		                              v->user.is_admin));
	json_object_set_new(
	        data, "csrf",
	        json_string(web_csrf_token(req, res, v && v->session.id ? &v->session : NULL,
	                                   HUB_CSRF_COOKIE)));
	return web_res_page(req, res, status, page, title, data);
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
	{ "POST", "/login", hub_login_submit, WEB_BODY_FORM, 0, 16 * 1024, NULL, NULL },
	{ "POST", "/logout", hub_logout_submit, WEB_BODY_FORM, 0, 16 * 1024, NULL, NULL },
	{ "GET", "/dashboard", hub_dashboard_page, WEB_NEEDS_USER, 0, 0, NULL, NULL },
	{ "GET", "/signup", hub_signup_page, 0, 0, 0, NULL, NULL },
	{ "POST", "/signup", hub_signup_submit, WEB_BODY_FORM, 0, 16 * 1024, NULL, NULL },
	{ "GET", "/confirm/{token}", hub_confirm_page, 0, 0, 0, NULL, NULL },
	{ "POST", "/account/confirm/resend", hub_confirm_resend_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, 0, 16 * 1024, NULL, NULL },
	/* account settings (settings_web.c) */
	/* teams (team_web.c) */
	/* API: users (user_api.c) */
	{ "GET", "/2.0/user", hub_api_current_user, WEB_API | WEB_NEEDS_USER, 0, 0, NULL, NULL },
	{ "GET", "/2.0/user/emails", hub_api_user_emails, WEB_API | WEB_NEEDS_USER, 0, 0, NULL,
	  NULL },
	{ "GET", "/2.0/user/emails/{email}", hub_api_user_email, WEB_API | WEB_NEEDS_USER, 0, 0,
	  NULL, NULL },
	{ "GET", "/2.0/users/{selected_user}", hub_api_selected_user, WEB_API, 0, 0, NULL, NULL },
	/* API: workspaces and groups (team_api.c) */
	/* administration (admin_web.c) */
	{ "GET", "/admin", hub_admin_users_page, WEB_NEEDS_USER, HUB_PERM_SITE_ADMIN, 0, NULL,
	  NULL },
	{ "POST", "/admin/users/{username}/active", hub_admin_user_active_submit,
	  WEB_NEEDS_USER | WEB_BODY_FORM, HUB_PERM_SITE_ADMIN, 16 * 1024, NULL, NULL },
	{ "GET", "/admin/mail", hub_admin_mail_page, WEB_NEEDS_USER, HUB_PERM_SITE_ADMIN, 0, NULL,
	  NULL },
	/* workspace pages (team_web.c): last, since "/{workspace}" matches the paths above too */
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

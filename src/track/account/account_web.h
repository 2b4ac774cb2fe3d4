/* track's accounts on the web: the hooks of the central checks (auth.c), the pages of signing in,
 * signing up, invitations, the dashboard (account_web.c), API tokens (token_web.c), the
 * administrators' area (admin_web.c), and the user API with Jira's user JSON (user_api.c). */
#ifndef WEFT_TRACK_ACCOUNT_WEB_H
#define WEFT_TRACK_ACCOUNT_WEB_H

#include "track/account/api_session.h"
#include "track/track.h"

/* How long a session lasts, the pages' and the API's alike. */
enum { TRACK_SESSION_LIFETIME_MS = 14LL * 24 * 60 * 60 * 1000 };

/* The service's hooks. authenticate: a session cookie on pages; on every route HTTP Basic as
 * email:API-token (Jira Cloud) or username-or-email:password, throttled like the sign-in form;
 * Authorization: Bearer with a personal access token; on /rest paths an API session's cookie
 * (api_session.h). authorize: TRACK_PERM_SITE_ADMIN here, project permissions in track_perm.c.
 * check_csrf: the pages' form tokens; for an API session's cookie, Jira's XSRF check (a POST
 * needs a JSON body or X-Atlassian-Token: no-check, else 403 "XSRF check failed"). */
int track_authenticate(web_request *req);
int track_authorize(web_request *req);
int track_check_csrf(web_request *req);

/* Whether the request carries Jira's X-Atlassian-Token: no-check (or nocheck). */
bool track_xsrf_token_sent(const web_request *req);
/* Jira's XSRF check: 0 for a JSON body (Content-Type application/json) or
 * X-Atlassian-Token: no-check, which no cross-site form can send; WEFT_EPERM ("XSRF check
 * failed") otherwise. */
int track_xsrf_check(const web_request *req);

/* Signs in with a username or email and the account password (the sign-in form), throttled per
 * name and per client address, and counted in the user's sign-in statistics. WEFT_EAUTH, or
 * WEFT_ELIMIT with *retry_after (seconds). */
int track_sign_in(web_request *req, const char *login, const char *password, track_viewer *out,
                  int64_t *retry_after);
/* track_sign_in for POST /rest/auth/1/session: in the same transaction starts an API session
 * lasting lifetime_ms (token: its cookie value; out->api_session_id its id) and reads the
 * statistics after this sign-in into *info. */
int track_sign_in_api(web_request *req, const char *login, const char *password,
                      int64_t lifetime_ms, track_viewer *out, char token[WEB_TOKEN_LEN + 1],
                      track_login_info *info, int64_t *retry_after);

/* Jira's user JSON for u: self, accountId, accountType "atlassian", name, key, emailAddress,
 * displayName, active, timeZone, locale, avatarUrls. Owned by the caller. Other track modules
 * use it wherever Jira writes a user (assignee, reporter, author …). */
json_t *track_user_json(const web_request *req, const track_user *u);

/* account_web.c */
int track_login_page(web_request *req, web_response *res);
int track_login_submit(web_request *req, web_response *res);
int track_logout_submit(web_request *req, web_response *res);
int track_signup_page(web_request *req, web_response *res);
int track_signup_submit(web_request *req, web_response *res);
int track_set_password_page(web_request *req, web_response *res);
int track_set_password_submit(web_request *req, web_response *res);
int track_dashboard_page(web_request *req, web_response *res);

/* notify_web.c: mail about watched issues (GET and POST /account/notifications) */
int track_notifications_page(web_request *req, web_response *res);
int track_notifications_submit(web_request *req, web_response *res);

/* token_web.c */
int track_tokens_page(web_request *req, web_response *res);
int track_token_create_submit(web_request *req, web_response *res);
int track_token_revoke_submit(web_request *req, web_response *res);
extern const web_param_spec track_token_id_params[];

/* admin_web.c */
int track_admin_users_page(web_request *req, web_response *res);
int track_admin_user_add_submit(web_request *req, web_response *res);
int track_admin_user_active_submit(web_request *req, web_response *res);
int track_admin_signup_submit(web_request *req, web_response *res);
int track_admin_mail_page(web_request *req, web_response *res);

/* api_session_api.c: Jira Server's cookie sign-in, POST, GET and DELETE /rest/auth/1/session */
int track_api_session_create_handler(web_request *req, web_response *res);
int track_api_session_get(web_request *req, web_response *res);
int track_api_session_delete(web_request *req, web_response *res);

/* user_api.c */
int track_api_server_info(web_request *req, web_response *res);
int track_api_myself(web_request *req, web_response *res);
int track_api_user(web_request *req, web_response *res);
int track_api_user_search(web_request *req, web_response *res);

#endif

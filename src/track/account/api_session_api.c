/* Jira Server's cookie sign-in for scripts: POST /rest/auth/1/session with a username and
 * password starts an API session (cookie JSESSIONID, for /rest only), GET describes the caller's,
 * DELETE ends it. The sign-in is throttled and counted as the sign-in form's is. */
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "track/account/account_web.h"
#include "track/jira.h"
#include "web/escape.h"

/* Jira's loginInfo: the counts, and the times that are known. */
static json_t *login_info_json(arena *a, const track_login_info *info)
{
	json_t *out = json_pack("{s:I, s:I}", "failedLoginCount", (json_int_t)info->failed_count,
	                        "loginCount", (json_int_t)info->login_count);
	if (info->last_failed_at)
		json_object_set_new(out, "lastFailedLoginTime",
		                    json_string(track_jira_time(a, info->last_failed_at)));
	if (info->previous_login_at)
		json_object_set_new(out, "previousLoginTime",
		                    json_string(track_jira_time(a, info->previous_login_at)));
	return out;
}

static const char *body_string(const web_request *req, const char *name)
{
	const json_t *v = json_object_get(req->json, name);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int track_api_session_create_handler(web_request *req, web_response *res)
{
	/* Another site's page must not sign its visitor in as someone else either. */
	int rc = track_xsrf_check(req);
	if (rc < 0)
		return rc;
	const char *username = body_string(req, "username"),
	           *password = body_string(req, "password");
	if (!username || !password) {
		track_jira_bad_request(res, NULL, "A username and a password are required.");
		return 0;
	}
	track_viewer signed_in;
	track_login_info info;
	char token[WEB_TOKEN_LEN + 1];
	int64_t retry_after = 0;
	rc = track_sign_in_api(req, username, password, TRACK_SESSION_LIFETIME_MS, &signed_in,
	                       token, &info, &retry_after);
	if (rc == WEFT_ELIMIT)
		req->retry_after_s = retry_after;
	if (rc == WEFT_EAUTH)
		return err_fail(WEFT_EAUTH, "Login failed");
	if (rc < 0)
		return rc;
	web_cookie_set_strict(req, res, TRACK_API_SESSION_COOKIE, token, "/rest",
	                      TRACK_SESSION_LIFETIME_MS / 1000);
	web_res_json(res, 200,
	             json_pack("{s:{s:s, s:s}, s:o}", "session", "name", TRACK_API_SESSION_COOKIE,
	                       "value", token, "loginInfo", login_info_json(req->arena, &info)));
	return 0;
}

typedef struct info_ctx {
	int64_t user_id;
	track_login_info info;
} info_ctx;

static int read_info(db_conn *c, void *ctx)
{
	info_ctx *ic = ctx;
	return track_login_info_get(c, ic->user_id, &ic->info);
}

int track_api_session_get(web_request *req, web_response *res)
{
	const track_user *u = &track_viewer_of(req)->user;
	info_ctx ic = { .user_id = u->id };
	int rc = db_read(track_app_of(req)->d, read_info, &ic);
	if (rc < 0)
		return rc;
	buf self = BUF_INIT;
	buf_printf(&self, "%s/rest/api/2/user?username=", web_base_url(req));
	esc_url_query(&self, u->username, strlen(u->username));
	web_res_json(res, 200,
	             json_pack("{s:s, s:s, s:o}", "self", buf_cstr(&self), "name", u->username,
	                       "loginInfo", login_info_json(req->arena, &ic.info)));
	buf_dispose(&self);
	return 0;
}

static int end_api_session(db_conn *c, void *ctx)
{
	const track_viewer *v = ctx;
	return track_api_session_end(c, v->api_session_id);
}

/* A caller signed in with Basic or a token has no session to end: 204 as well, as Jira answers
 * every authenticated caller. */
int track_api_session_delete(web_request *req, web_response *res)
{
	track_viewer *v = track_viewer_of(req);
	if (v->api_session_id) {
		int rc = db_tx(track_app_of(req)->d, end_api_session, v);
		if (rc < 0)
			return rc;
		web_cookie_set_strict(req, res, TRACK_API_SESSION_COOKIE, "", "/rest", 0);
	}
	web_res_text(res, 204, "");
	return 0;
}

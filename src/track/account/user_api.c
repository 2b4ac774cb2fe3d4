/* The Jira REST API's users and server: serverInfo, myself, user and user/search, with Jira
 * Cloud's user JSON (accountId-based; name and key too, for Server-style clients). */
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/str.h"
#include "track/account/account.h"
#include "track/account/account_web.h"
#include "version.h"

enum { SEARCH_DEFAULT_MAX = 50 };

json_t *track_user_json(const web_request *req, const track_user *u)
{
	const char *base = web_base_url(req);
	const char *avatar = "/static/avatar.svg";
	return json_pack("{s:s++, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s,"
	                 " s:{s:s+, s:s+, s:s+, s:s+}}",
	                 "self", base, "/rest/api/2/user?accountId=", u->account_id, "accountId",
	                 u->account_id, "accountType", "atlassian", "name", u->username, "key",
	                 u->username, "emailAddress", u->email, "displayName", u->display_name,
	                 "active", u->is_active, "timeZone", "UTC", "locale", "en_US", "avatarUrls",
	                 "48x48", base, avatar, "24x24", base, avatar, "16x16", base, avatar,
	                 "32x32", base, avatar);
}

int track_api_server_info(web_request *req, web_response *res)
{
	char now[CLOCK_ISO_LEN];
	clock_format_jira(now, clock_now_ms());
	json_t *body =
	        json_pack("{s:s, s:s, s:[i,i,i], s:s, s:i, s:s, s:s, s:s, s:s, s:s}", "baseUrl",
	                  web_base_url(req), "version", "1001.0.0-SNAPSHOT", "versionNumbers", 1001,
	                  0, 0, "deploymentType", "Cloud", "buildNumber", 100280, "buildDate", now,
	                  "serverTime", now, "scmInfo", WEFT_COMMIT, "serverTitle",
	                  "weft track " WEFT_VERSION, "displayUrl", web_base_url(req));
	web_res_json(res, 200, body);
	return 0;
}

int track_api_myself(web_request *req, web_response *res)
{
	json_t *user = track_user_json(req, &track_viewer_of(req)->user);
	json_object_set_new(user, "groups", json_pack("{s:i, s:[]}", "size", 0, "items"));
	json_object_set_new(user, "applicationRoles", json_pack("{s:i, s:[]}", "size", 0, "items"));
	web_res_json(res, 200, user);
	return 0;
}

typedef struct user_ctx {
	web_request *req;
	const char *account_id, *username;
	track_user_query q;
	track_user *users;
	size_t nusers;
} user_ctx;

/* One user by accountId, or by username (key) for Server-style clients. */
static int find_user(db_conn *c, user_ctx *uc)
{
	uc->users = arena_alloc(uc->req->arena, sizeof *uc->users);
	uc->nusers = 1;
	if (uc->account_id)
		return track_account_find_account_id(c, uc->req->arena, uc->account_id, uc->users);
	return track_account_find_username(c, uc->req->arena, uc->username, uc->users);
}

static int load_user(db_conn *c, void *ctx)
{
	return find_user(c, ctx);
}

int track_api_user(web_request *req, web_response *res)
{
	user_ctx uc = { .req = req, .account_id = web_query(req, "accountId") };
	uc.username =
	        web_query(req, "username") ? web_query(req, "username") : web_query(req, "key");
	if (!uc.account_id && !uc.username)
		return err_fail(WEFT_EINVALID, "The query parameter 'accountId' is required.");
	int rc = db_read(track_app_of(req)->d, load_user, &uc);
	if (rc == WEFT_ENOTFOUND)
		return err_fail(WEFT_ENOTFOUND, "The user with accountId '%s' does not exist.",
		                uc.account_id ? uc.account_id : uc.username);
	if (rc == 0)
		web_res_json(res, 200, track_user_json(req, uc.users));
	return rc;
}

static int search_users(db_conn *c, void *ctx)
{
	user_ctx *uc = ctx;
	if (!uc->account_id)
		return track_account_search(c, uc->req->arena, &uc->q, &uc->users, &uc->nusers);
	int rc = find_user(c, uc);
	if (rc == WEFT_ENOTFOUND)
		uc->nusers = 0;
	return rc == WEFT_ENOTFOUND ? 0 : rc;
}

/* startAt, maxResults, includeActive and includeInactive, as Jira reads them. */
static int read_paging(web_request *req, track_user_query *q)
{
	int64_t start = 0, max = SEARCH_DEFAULT_MAX;
	const char *s = web_query(req, "startAt"), *m = web_query(req, "maxResults");
	int rc = s ? str_to_i64(&start, s, 0, INT32_MAX, "startAt") : 0;
	if (rc == 0 && m)
		rc = str_to_i64(&max, m, 0, INT32_MAX, "maxResults");
	if (rc == 0)
		rc = web_pairs_bool(&q->active, &req->query, "includeActive", true);
	if (rc == 0)
		rc = web_pairs_bool(&q->inactive, &req->query, "includeInactive", false);
	q->start = (int)start;
	q->max = max > TRACK_USER_LIST_MAX ? TRACK_USER_LIST_MAX : (int)max;
	return rc;
}

int track_api_user_search(web_request *req, web_response *res)
{
	user_ctx uc = { .req = req, .account_id = web_query(req, "accountId") };
	uc.q.query = web_query(req, "query") ? web_query(req, "query") : web_query(req, "username");
	int rc = read_paging(req, &uc.q);
	if (rc == 0 && !uc.q.query && !uc.account_id)
		rc = err_fail(WEFT_EINVALID, "One of 'query' or 'accountId' is required.");
	if (rc == 0)
		rc = db_read(track_app_of(req)->d, search_users, &uc);
	if (rc < 0)
		return rc;
	json_t *users = json_array();
	for (size_t i = 0; i < uc.nusers; i++)
		json_array_append_new(users, track_user_json(req, &uc.users[i]));
	web_res_json(res, 200, users);
	return 0;
}

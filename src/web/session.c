/* Sessions in the service's database, their cookies, and CSRF tokens. */
#include "web/session.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/password.h"
#include "base/str.h"
#include "base/token.h"

int web_session_create(db_conn *c, int64_t user_id, int64_t lifetime_ms,
                       char token[WEB_TOKEN_LEN + 1], web_session *out)
{
	char digest[65];
	int64_t now = clock_now_ms();
	token_hex(token, WEB_TOKEN_LEN / 2);
	password_token_digest(digest, token, WEB_TOKEN_LEN);
	web_session s = { .user_id = user_id, .expires_at = now + lifetime_ms };
	token_hex(s.csrf, WEB_TOKEN_LEN / 2);
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at,"
	                  " last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $4, $5) RETURNING id",
	                  db_text(digest), db_int(user_id), db_text(s.csrf), db_int(now),
	                  db_int(s.expires_at));
	if (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		s.id = db_col_int(st, 0);
		rc = 0;
	}
	db_done(st);
	if (rc == 0)
		*out = s;
	return rc;
}

int web_session_find(db_conn *c, const char *token, web_session *out)
{
	if (strlen(token) != WEB_TOKEN_LEN)
		return err_fail(WEFT_ENOTFOUND, "no such session");
	char digest[65];
	password_token_digest(digest, token, WEB_TOKEN_LEN);
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT id, user_id, csrf_token, expires_at FROM sessions"
	                  " WHERE token_hash = $1 AND expires_at > $2",
	                  db_text(digest), db_int(clock_now_ms()));
	if (rc == 0)
		rc = db_step_one(st, "no such session");
	if (rc == 0) {
		out->id = db_col_int(st, 0);
		out->user_id = db_col_int(st, 1);
		snprintf(out->csrf, sizeof out->csrf, "%s", db_col_text(st, 2));
		out->expires_at = db_col_int(st, 3);
	}
	db_done(st);
	return rc;
}

int web_session_end(db_conn *c, int64_t session_id)
{
	int rc = db_exec(c, "DELETE FROM sessions WHERE id = $1", db_int(session_id));
	return rc < 0 ? rc : 0;
}

int web_session_end_all(db_conn *c, int64_t user_id, int64_t keep_id)
{
	int rc = db_exec(c, "DELETE FROM sessions WHERE user_id = $1 AND id <> $2", db_int(user_id),
	                 db_int(keep_id));
	return rc < 0 ? rc : 0;
}

static void set_cookie(web_request *req, web_response *res, const char *name, const char *value,
                       int64_t max_age_s, const char *path, const char *same_site)
{
	bool secure = str_starts_with(web_base_url(req), "https://");
	const char *cookie = arena_printf(req->arena,
	                                  "%s=%s; Path=%s; Max-Age=%lld; HttpOnly; "
	                                  "SameSite=%s%s",
	                                  name, max_age_s ? value : "", path, (long long)max_age_s,
	                                  same_site, secure ? "; Secure" : "");
	/* Set-Cookie may repeat: each cookie gets its own header line. */
	web_res_header_add(req, res, "Set-Cookie", cookie);
}

void web_cookie_set(web_request *req, web_response *res, const char *name, const char *value,
                    int64_t max_age_s)
{
	set_cookie(req, res, name, value, max_age_s, "/", "Lax");
}

void web_cookie_set_strict(web_request *req, web_response *res, const char *name, const char *value,
                           const char *path, int64_t max_age_s)
{
	set_cookie(req, res, name, value, max_age_s, path, "Strict");
}

static bool is_token(const char *s)
{
	return s && strlen(s) == WEB_TOKEN_LEN && strspn(s, "0123456789abcdef") == WEB_TOKEN_LEN;
}

const char *web_csrf_token(web_request *req, web_response *res, const web_session *session,
                           const char *csrf_cookie)
{
	if (session)
		return arena_strdup(req->arena, session->csrf);
	const char *existing = web_cookie(req, csrf_cookie);
	if (is_token(existing))
		return existing;
	char *fresh = arena_alloc(req->arena, WEB_TOKEN_LEN + 1);
	token_hex(fresh, WEB_TOKEN_LEN / 2);
	web_cookie_set(req, res, csrf_cookie, fresh, 0x7fffffff);
	return fresh;
}

int web_csrf_check(web_request *req, const web_session *session, const char *csrf_cookie)
{
	const char *sent = web_pairs_get(&req->form, "csrf");
	if (!sent)
		sent = web_header(req, "X-CSRF-Token");
	const char *expected = session ? session->csrf : web_cookie(req, csrf_cookie);
	if (!sent || !is_token(expected) || !password_equal(sent, expected))
		return err_fail(WEFT_EPERM, "This form has expired or did not come from this site. "
		                            "Reload the page and try again.");
	return 0;
}

int web_csrf_check_route(web_request *req, const web_session *session, bool has_credentials,
                         const char *csrf_cookie)
{
	if (!(req->route->flags & WEB_API))
		return web_csrf_check(req, session, csrf_cookie);
	if (has_credentials && web_cross_site(req))
		return err_fail(WEFT_EPERM, "Cross-site requests with credentials are refused.");
	return 0;
}

typedef struct start_ctx {
	int64_t user_id, lifetime_ms;
	char token[WEB_TOKEN_LEN + 1];
	web_session session;
} start_ctx;

static int start_session(db_conn *c, void *ctx)
{
	start_ctx *sc = ctx;
	return web_session_create(c, sc->user_id, sc->lifetime_ms, sc->token, &sc->session);
}

int web_session_start(web_request *req, web_response *res, db *d, int64_t user_id,
                      int64_t lifetime_ms, const char *cookie)
{
	start_ctx sc = { .user_id = user_id, .lifetime_ms = lifetime_ms };
	int rc = db_tx(d, start_session, &sc);
	if (rc == 0)
		web_cookie_set(req, res, cookie, sc.token, lifetime_ms / 1000);
	return rc;
}

int web_res_page_for(web_request *req, web_response *res, int status, const char *page,
                     const char *title, json_t *data, json_t *viewer, const web_session *session,
                     const char *csrf_cookie)
{
	if (viewer)
		json_object_set_new(data, "viewer", viewer);
	json_object_set_new(data, "csrf",
	                    json_string(web_csrf_token(req, res, session, csrf_cookie)));
	return web_res_page(req, res, status, page, title, data);
}

/* Browser sessions and CSRF tokens, for both services (each keeps its sessions table in its own
 * database: see the services' migrations). A session id is 256 random bits, sent only as an
 * HttpOnly, SameSite=Lax cookie and stored only as its SHA-256. Every state-changing form carries
 * a CSRF token: the session's own, or for a visitor without a session a double-submit cookie. */
#ifndef WEFT_WEB_SESSION_H
#define WEFT_WEB_SESSION_H

#include <stdint.h>

#include "db/db.h"
#include "web/web.h"

enum { WEB_TOKEN_LEN = 64 }; /* hex digits of a session id or CSRF token */

typedef struct web_session {
	int64_t id;
	int64_t user_id;
	char csrf[WEB_TOKEN_LEN + 1];
	int64_t expires_at; /* epoch ms */
} web_session;

/* Creates a session for user_id, lasting lifetime_ms, inside c's transaction. token receives the
 * cookie value (a new random id: sign-in never reuses one). */
int web_session_create(db_conn *c, int64_t user_id, int64_t lifetime_ms,
                       char token[WEB_TOKEN_LEN + 1], web_session *out);

/* The live session behind a cookie value. WEFT_ENOTFOUND when there is none or it expired. */
int web_session_find(db_conn *c, const char *token, web_session *out);

/* Ends one session (signing out), or every session of a user except keep_id (0: all). */
int web_session_end(db_conn *c, int64_t session_id);
int web_session_end_all(db_conn *c, int64_t user_id, int64_t keep_id);

/* Sets the cookie name=value on res: HttpOnly, SameSite=Lax, Path=/, Secure when the service's
 * base URL is https. max_age_s 0 deletes it. */
void web_cookie_set(web_request *req, web_response *res, const char *name, const char *value,
                    int64_t max_age_s);
/* The same for path (and below) only, SameSite=Strict: a cookie no other site's page sends. */
void web_cookie_set_strict(web_request *req, web_response *res, const char *name, const char *value,
                           const char *path, int64_t max_age_s);

/* The CSRF token a page must put in its forms (as field "csrf"): the session's, or the visitor's
 * double-submit cookie csrf_cookie, which is set on res when missing. */
const char *web_csrf_token(web_request *req, web_response *res, const web_session *session,
                           const char *csrf_cookie);

/* Checks a state-changing request's "csrf" form field (or X-CSRF-Token header) against the
 * session's token or the double-submit cookie. WEFT_EPERM with a message asking to reload when it
 * does not match. */
int web_csrf_check(web_request *req, const web_session *session, const char *csrf_cookie);

/* The CSRF check of a service whose API takes only credentials in the request, never cookies:
 * an API route refuses a cross-site request that carries credentials (a browser's remembered
 * Basic login; has_credentials), any other route checks the form as web_csrf_check does. */
int web_csrf_check_route(web_request *req, const web_session *session, bool has_credentials,
                         const char *csrf_cookie);

/* Renders a page (web_res_page) for whoever asks: viewer (stolen; NULL for anonymous visitors)
 * as "viewer", and as "csrf" the token its forms carry (web_csrf_token with session and
 * csrf_cookie). */
int web_res_page_for(web_request *req, web_response *res, int status, const char *page,
                     const char *title, json_t *data, json_t *viewer, const web_session *session,
                     const char *csrf_cookie);

/* Starts a session for user_id lasting lifetime_ms in a transaction of its own, and sets its
 * cookie (a new id at every sign-in: a session id planted before it is worth nothing). */
int web_session_start(web_request *req, web_response *res, db *d, int64_t user_id,
                      int64_t lifetime_ms, const char *cookie);

#endif

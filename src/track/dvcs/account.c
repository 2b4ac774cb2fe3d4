/* Linked code-host accounts: the link request's rules, the consent flow and the unattended
 * link, the checks against the host, live access tokens, the defaults, Reset OAuth settings and
 * Delete. Secrets are sealed (secret.h) before they reach the database. */
#include "track/dvcs/account.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/password.h"
#include "base/str.h"
#include "base/token.h"
#include "track/dvcs/host.h"
#include "track/dvcs/secret.h"

enum {
	URL_MAX = 2048,
	ACCOUNT_MAX = 100,
	OAUTH_FIELD_MAX = 256,
	REFRESH_MARGIN_MS = 60 * 1000,
	STATE_BYTES = 32,
};

#define BITBUCKET_SITE "https://bitbucket.org"
#define BITBUCKET_API "https://api.bitbucket.org/2.0"
#define OAUTH_FAILED "The authentication with the host has failed. Please check your OAuth settings"
#define ACCOUNT_COLUMNS                                                                           \
	"id, host_kind, site_url, api_url, account, oauth_key, auto_link, smart_commits, status," \
	" last_error, created_at, updated_at"

/* ---- reading ---------------------------------------------------------------------------- */

static const char *dup_or_null(arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

static void read_account(db_stmt *st, arena *a, dvcs_account *out)
{
	*out = (dvcs_account){
		.id = db_col_int(st, 0),
		.host_kind = strcmp(db_col_text(st, 1), "bitbucket") == 0 ? DVCS_HOST_BITBUCKET
		                                                          : DVCS_HOST_WEFT,
		.site_url = arena_strdup(a, db_col_text(st, 2)),
		.api_url = arena_strdup(a, db_col_text(st, 3)),
		.account = arena_strdup(a, db_col_text(st, 4)),
		.oauth_key = arena_strdup(a, db_col_text(st, 5)),
		.auto_link = db_col_int(st, 6) != 0,
		.smart_commits = db_col_int(st, 7) != 0,
		.status = arena_strdup(a, db_col_text(st, 8)),
		.last_error = dup_or_null(a, db_col_text(st, 9)),
		.created_at = db_col_int(st, 10),
		.updated_at = db_col_int(st, 11),
	};
}

int dvcs_account_get(db_conn *c, arena *a, int64_t id, dvcs_account *out)
{
	db_stmt *st;
	int rc = db_query(&st, c, "SELECT " ACCOUNT_COLUMNS " FROM dvcs_accounts WHERE id = $1",
	                  db_int(id));
	if (rc == 0 && (rc = db_step_one(st, "No linked account %lld.", (long long)id)) == 0)
		read_account(st, a, out);
	db_done(st);
	return rc;
}

int dvcs_account_list(db_conn *c, arena *a, void (*fn)(void *ctx, const dvcs_account *account),
                      void *ctx)
{
	db_stmt *st;
	int rc = db_query(&st, c, "SELECT " ACCOUNT_COLUMNS " FROM dvcs_accounts ORDER BY id",
	                  DB_END);
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		dvcs_account account;
		read_account(st, a, &account);
		fn(ctx, &account);
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- the request's rules ---------------------------------------------------------------- */

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* A weft hub's base URL: http(s), a host, no credentials, query or fragment. */
static int check_site_url(const char *url)
{
	if (!url || !*url)
		return err_fail(WEFT_EINVALID, "Host URL: enter the host's base URL.");
	if (strlen(url) > URL_MAX || has_control(url))
		return err_fail(WEFT_EINVALID, "Host URL: not a valid URL.");
	const char *rest = str_starts_with(url, "https://")  ? url + 8
	                   : str_starts_with(url, "http://") ? url + 7
	                                                     : NULL;
	if (!rest)
		return err_fail(WEFT_EINVALID, "Host URL: must start with http:// or https://.");
	if (!*rest || *rest == '/' || *rest == ':')
		return err_fail(WEFT_EINVALID, "Host URL: no host name.");
	if (strpbrk(url, "?#"))
		return err_fail(WEFT_EINVALID, "Host URL: no query or fragment.");
	size_t host_len = strcspn(rest, "/");
	if (memchr(rest, '@', host_len))
		return err_fail(WEFT_EINVALID, "Host URL: no user name or password in the URL.");
	return 0;
}

static int check_account_name(const char *account)
{
	if (!account || !*account)
		return err_fail(WEFT_EINVALID, "Team or user account: enter the account.");
	if (strlen(account) > ACCOUNT_MAX)
		return err_fail(WEFT_EINVALID, "Team or user account: at most %d characters.",
		                ACCOUNT_MAX);
	for (const char *p = account; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.-", *p))
			return err_fail(WEFT_EINVALID, "Invalid user/team account");
	return 0;
}

static int check_oauth_field(const char *field, const char *value)
{
	if (!value || !*value)
		return err_fail(WEFT_EINVALID, "%s: enter it.", field);
	if (strlen(value) > OAUTH_FIELD_MAX || has_control(value))
		return err_fail(WEFT_EINVALID, "%s: at most %d characters, no spaces.", field,
		                OAUTH_FIELD_MAX);
	return 0;
}

static int check_oauth(const char *key, const char *secret)
{
	int rc = check_oauth_field("OAuth key", key);
	return rc < 0 ? rc : check_oauth_field("OAuth secret", secret);
}

/* The host's web and API base URLs of a request (in a), trailing slashes dropped. */
static int host_urls(arena *a, const dvcs_link_request *req, const char **site, const char **api)
{
	if (req->host_kind == DVCS_HOST_BITBUCKET) {
		*site = BITBUCKET_SITE;
		*api = BITBUCKET_API;
		return 0;
	}
	int rc = check_site_url(req->site_url);
	if (rc < 0)
		return rc;
	char *s = arena_strdup(a, req->site_url);
	for (size_t n = strlen(s); n > 0 && s[n - 1] == '/'; n--)
		s[n - 1] = '\0';
	*site = s;
	*api = arena_printf(a, "%s/2.0", s);
	return 0;
}

static int check_request(arena *a, const track_app *app, const dvcs_link_request *req,
                         const char **site, const char **api)
{
	if (!app->has_secret_key)
		return err_fail(WEFT_EINVALID, "track has no secret key to seal OAuth secrets with "
		                               "(a data directory or --secret-key-file is needed)");
	int rc = host_urls(a, req, site, api);
	if (rc == 0)
		rc = check_account_name(req->account);
	if (rc == 0)
		rc = check_oauth(req->oauth_key, req->oauth_secret);
	return rc;
}

static int check_not_linked(db_conn *c, const char *site, const char *account)
{
	int64_t found = 0;
	int rc = db_query_int(&found, c,
	                      "SELECT id FROM dvcs_accounts WHERE site_url = $1 AND"
	                      " lower(account) = lower($2)",
	                      db_text(site), db_text(account));
	if (rc == 0 && found)
		rc = err_fail(WEFT_EEXISTS, "Account is already integrated");
	return rc;
}

/* A fresh consent state (in a) and its digest. */
static const char *new_state(arena *a, char digest[65])
{
	char *state = arena_alloc(a, 2 * STATE_BYTES + 1);
	token_hex(state, STATE_BYTES);
	password_token_digest(digest, state, strlen(state));
	return state;
}

/* ---- storing ---------------------------------------------------------------------------- */

/* Sealed tokens the host granted. */
typedef struct granted {
	const char *sealed_access, *sealed_refresh;
	int64_t expires_at;
} granted;

/* What a new account row holds besides the request. */
typedef struct new_row {
	const dvcs_link_request *req;
	const char *site, *api, *sealed_secret;
	const char *status, *state_digest;
	granted granted;
} new_row;

static int insert_account(db_conn *c, const new_row *r, int64_t *id)
{
	int64_t now = clock_now_ms();
	db_stmt *st;
	int rc = db_query(
	        &st, c,
	        "INSERT INTO dvcs_accounts (host_kind, site_url, api_url, account, oauth_key,"
	        " oauth_secret, access_token, refresh_token, token_expires_at, auto_link,"
	        " smart_commits, status, oauth_state, created_by, created_at, updated_at) VALUES "
	        "($1,"
	        " $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id",
	        db_text(r->req->host_kind == DVCS_HOST_BITBUCKET ? "bitbucket" : "weft"),
	        db_text(r->site), db_text(r->api), db_text(r->req->account),
	        db_text(r->req->oauth_key), db_text(r->sealed_secret),
	        db_text(r->granted.sealed_access), db_text(r->granted.sealed_refresh),
	        r->granted.expires_at ? db_int(r->granted.expires_at) : db_null(),
	        db_int(r->req->auto_link), db_int(r->req->smart_commits), db_text(r->status),
	        db_text(r->state_digest),
	        r->req->created_by ? db_int(r->req->created_by) : db_null(), db_int(now));
	if (rc == 0 && (rc = db_step_one(st, "no id came back")) == 0)
		*id = db_col_int(st, 0);
	db_done(st);
	if (rc == WEFT_EEXISTS)
		rc = err_fail(WEFT_EEXISTS, "Account is already integrated");
	return rc;
}

const char *dvcs_callback_url(arena *a, const track_app *app)
{
	const char *base = app->public_url ? app->public_url : "";
	size_t n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	return arena_printf(a, "%.*s%s", (int)n, base, DVCS_CALLBACK_PATH);
}

int dvcs_account_create_pending(db_conn *c, arena *a, const track_app *app,
                                const dvcs_link_request *req, int64_t *id, const char **state)
{
	new_row r = { .req = req, .status = "pending" };
	char digest[65];
	int rc = check_request(a, app, req, &r.site, &r.api);
	if (rc == 0)
		rc = check_not_linked(c, r.site, req->account);
	if (rc < 0)
		return rc;
	const char *fresh = new_state(a, digest);
	r.state_digest = digest;
	r.sealed_secret = dvcs_secret_seal(a, app->secret_key, req->oauth_secret);
	rc = insert_account(c, &r, id);
	if (rc == 0)
		*state = fresh;
	return rc;
}

/* ---- checking the account on the host --------------------------------------------------- */

typedef struct owner_ctx {
	const char *account;
	bool owner;
} owner_ctx;

static int find_ownership(void *ctx, json_t *value)
{
	owner_ctx *o = ctx;
	const char *slug =
	        json_string_value(json_object_get(json_object_get(value, "workspace"), "slug"));
	const char *permission = json_string_value(json_object_get(value, "permission"));
	if (slug && permission && str_eq_nocase(slug, o->account) &&
	    strcmp(permission, "owner") == 0)
		o->owner = true;
	return o->owner ? 1 : 0;
}

/* Whether the token's user is the account itself or an owner (administrator) of it. */
static int check_admin(const dvcs_host *h, const char *account, dvcs_host_error *err)
{
	json_t *me = NULL;
	int rc = dvcs_host_call(h, "GET", "/user", NULL, &me, err);
	const char *name = json_string_value(json_object_get(me, "username"));
	bool self = rc == 0 && name && str_eq_nocase(name, account);
	json_decref(me);
	if (rc < 0 || self)
		return rc;
	owner_ctx o = { account, false };
	rc = dvcs_host_each(h, "/user/permissions/workspaces?pagelen=100", find_ownership, &o, err);
	if (rc >= 0 && !o.owner)
		rc = err_fail(WEFT_EPERM,
		              "The token cannot administer the repositories of %s: the OAuth "
		              "consumer's owner must be an administrator of the account",
		              account);
	return rc < 0 ? rc : 0;
}

/* The account exists on the host and the token may administer its repositories. Messages for
 * the form; WEFT_EINVALID for an unknown account, WEFT_EAUTH for a refused token. */
static int check_on_host(arena *a, const char *api_url, const char *token, const char *account)
{
	dvcs_host h = { NULL, api_url, token };
	dvcs_host_error err;
	json_t *ws = NULL;
	const char *path = arena_printf(a, "/workspaces/%s", dvcs_host_escape(a, account));
	int rc = dvcs_host_call(&h, "GET", path, NULL, &ws, &err);
	json_decref(ws);
	if (rc == WEFT_ENOTFOUND || rc == WEFT_EPERM)
		return err_fail(WEFT_EINVALID, "Invalid user/team account");
	if (rc == 0)
		rc = check_admin(&h, account, &err);
	if (rc == WEFT_EAUTH)
		return err_fail(WEFT_EAUTH, OAUTH_FAILED " (%s)", err.message ? err.message : "");
	if (rc == WEFT_ERROR)
		return err_fail(WEFT_ERROR, "The host could not be asked about %s: %s", account,
		                err.message ? err.message : err_msg());
	return rc;
}

static int oauth_failure(const dvcs_host_error *err)
{
	return err_fail(WEFT_EAUTH, OAUTH_FAILED " (%s)", err->message ? err->message : "");
}

/* What the token endpoint gave (rc, err, t), checked against the host and sealed into out. */
static int check_grant(const track_app *app, arena *a, int rc, const dvcs_host_error *err,
                       const dvcs_host_tokens *t, const char *api, const char *account,
                       granted *out)
{
	if (rc == WEFT_EAUTH)
		return oauth_failure(err);
	if (rc < 0)
		return err_fail(rc, "The host's token endpoint could not be reached: %s",
		                err->message ? err->message : err_msg());
	if ((rc = check_on_host(a, api, t->access, account)) < 0)
		return rc;
	out->sealed_access = dvcs_secret_seal(a, app->secret_key, t->access);
	out->sealed_refresh = t->refresh ? dvcs_secret_seal(a, app->secret_key, t->refresh) : NULL;
	out->expires_at = t->expires_at;
	return 0;
}

/* ---- the unattended link ---------------------------------------------------------------- */

typedef struct link_ctx {
	const new_row *row;
	int64_t id;
} link_ctx;

static int check_free(db_conn *c, void *ctx)
{
	const new_row *r = ctx;
	return check_not_linked(c, r->site, r->req->account);
}

static int store_linked(db_conn *c, void *ctx)
{
	link_ctx *l = ctx;
	int rc = check_not_linked(c, l->row->site, l->row->req->account);
	if (rc == 0)
		rc = insert_account(c, l->row, &l->id);
	if (rc == 0)
		rc = dvcs_discover_enqueue(c, l->id);
	return rc;
}

int dvcs_account_link_client(const track_app *app, arena *a, const dvcs_link_request *req,
                             int64_t *id)
{
	new_row r = { .req = req, .status = "ok" };
	int rc = check_request(a, app, req, &r.site, &r.api);
	if (rc == 0)
		rc = db_read(app->d, check_free, &r);
	if (rc < 0)
		return rc;
	dvcs_host_tokens t;
	dvcs_host_error err;
	rc = dvcs_host_token_client(a, r.site, req->oauth_key, req->oauth_secret, &t, &err);
	if ((rc = check_grant(app, a, rc, &err, &t, r.api, req->account, &r.granted)) < 0)
		return rc;
	r.sealed_secret = dvcs_secret_seal(a, app->secret_key, req->oauth_secret);
	link_ctx l = { &r, 0 };
	rc = db_tx(app->d, store_linked, &l);
	if (rc == 0)
		*id = l.id;
	return rc;
}

/* ---- the consent callback --------------------------------------------------------------- */

/* A pending account's sealed OAuth secret and what the exchange needs, by its state. */
typedef struct pending_ctx {
	arena *a;
	const char *digest;
	int64_t id;
	const char *site, *api, *account, *key, *sealed_secret;
	/* set before storing */
	granted granted;
	const char *error;
} pending_ctx;

static int find_pending(db_conn *c, void *ctx)
{
	pending_ctx *p = ctx;
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT id, site_url, api_url, account, oauth_key, oauth_secret FROM"
	                  " dvcs_accounts WHERE oauth_state = $1 AND status = 'pending'",
	                  db_text(p->digest));
	if (rc == 0 &&
	    (rc = db_step_one(st, "This authorization is unknown or was used already.")) == 0) {
		p->id = db_col_int(st, 0);
		p->site = arena_strdup(p->a, db_col_text(st, 1));
		p->api = arena_strdup(p->a, db_col_text(st, 2));
		p->account = arena_strdup(p->a, db_col_text(st, 3));
		p->key = arena_strdup(p->a, db_col_text(st, 4));
		p->sealed_secret = arena_strdup(p->a, db_col_text(st, 5));
	}
	db_done(st);
	return rc;
}

static int store_granted(db_conn *c, void *ctx)
{
	pending_ctx *p = ctx;
	int rc = db_exec(c,
	                 "UPDATE dvcs_accounts SET access_token = $2, refresh_token = $3,"
	                 " token_expires_at = $4, status = 'ok', last_error = NULL, oauth_state ="
	                 " NULL, updated_at = $5 WHERE id = $1 AND oauth_state = $6",
	                 db_int(p->id), db_text(p->granted.sealed_access),
	                 db_text(p->granted.sealed_refresh), db_int(p->granted.expires_at),
	                 db_int(clock_now_ms()), db_text(p->digest));
	if (rc == 0)
		return err_fail(WEFT_ENOTFOUND, "This authorization was used already.");
	return rc < 0 ? rc : dvcs_discover_enqueue(c, p->id);
}

static int store_consent_error(db_conn *c, void *ctx)
{
	pending_ctx *p = ctx;
	int rc = db_exec(c,
	                 "UPDATE dvcs_accounts SET last_error = $2, updated_at = $3 WHERE id = $1",
	                 db_int(p->id), db_text(p->error), db_int(clock_now_ms()));
	return rc < 0 ? rc : 0;
}

static int exchange_code(const track_app *app, arena *a, pending_ctx *p, const char *code)
{
	const char *secret = NULL;
	int rc = dvcs_secret_open(a, app->secret_key, p->sealed_secret, &secret);
	if (rc < 0)
		return rc;
	if (!code || !*code || strlen(code) > 4096)
		return err_fail(WEFT_EAUTH, OAUTH_FAILED " (the host sent no authorization code)");
	dvcs_host_tokens t;
	dvcs_host_error err;
	rc = dvcs_host_token_code(a, p->site, p->key, secret, code, dvcs_callback_url(a, app), &t,
	                          &err);
	return check_grant(app, a, rc, &err, &t, p->api, p->account, &p->granted);
}

int dvcs_account_finish_consent(const track_app *app, arena *a, const char *state, const char *code,
                                int64_t *id)
{
	if (!app->has_secret_key)
		return err_fail(WEFT_EINVALID,
		                "track has no secret key to open OAuth secrets with");
	if (!state || !*state || strlen(state) > 256)
		return err_fail(WEFT_ENOTFOUND,
		                "This authorization is unknown or was used already.");
	char digest[65];
	password_token_digest(digest, state, strlen(state));
	pending_ctx p = { .a = a, .digest = digest };
	int rc = db_read(app->d, find_pending, &p);
	if (rc < 0)
		return rc;
	rc = exchange_code(app, a, &p, code);
	if (rc == 0)
		rc = db_tx(app->d, store_granted, &p);
	if (rc < 0 && rc != WEFT_ENOTFOUND) {
		int failed = rc;
		p.error = arena_strdup(a, err_msg());
		db_tx(app->d, store_consent_error, &p);
		rc = err_fail(failed, "%s", p.error);
	}
	if (rc == 0)
		*id = p.id;
	return rc;
}

/* ---- tokens ----------------------------------------------------------------------------- */

/* What taking a live token needs of the account. */
typedef struct token_ctx {
	arena *a;
	int64_t id;
	const char *site, *key, *status;
	const char *sealed_secret, *sealed_access, *sealed_refresh;
	int64_t expires_at;
	const char *error; /* the host's refusal, to store */
	dvcs_host_tokens fresh;
	const track_app *app;
} token_ctx;

static int load_tokens(db_conn *c, void *ctx)
{
	token_ctx *t = ctx;
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT site_url, oauth_key, status, oauth_secret, access_token,"
	                  " refresh_token, token_expires_at FROM dvcs_accounts WHERE id = $1",
	                  db_int(t->id));
	if (rc == 0 && (rc = db_step_one(st, "No linked account %lld.", (long long)t->id)) == 0) {
		t->site = arena_strdup(t->a, db_col_text(st, 0));
		t->key = arena_strdup(t->a, db_col_text(st, 1));
		t->status = arena_strdup(t->a, db_col_text(st, 2));
		t->sealed_secret = arena_strdup(t->a, db_col_text(st, 3));
		t->sealed_access = dup_or_null(t->a, db_col_text(st, 4));
		t->sealed_refresh = dup_or_null(t->a, db_col_text(st, 5));
		t->expires_at = db_col_int(st, 6);
	}
	db_done(st);
	return rc;
}

static int store_fresh(db_conn *c, void *ctx)
{
	token_ctx *t = ctx;
	const unsigned char *key = t->app->secret_key;
	const char *refresh = t->fresh.refresh ? dvcs_secret_seal(t->a, key, t->fresh.refresh)
	                                       : t->sealed_refresh;
	int rc = db_exec(c,
	                 "UPDATE dvcs_accounts SET access_token = $2, refresh_token = $3,"
	                 " token_expires_at = $4, updated_at = $5 WHERE id = $1 AND status = 'ok'",
	                 db_int(t->id), db_text(dvcs_secret_seal(t->a, key, t->fresh.access)),
	                 db_text(refresh), db_int(t->fresh.expires_at), db_int(clock_now_ms()));
	return rc < 0 ? rc : 0;
}

static int store_refused(db_conn *c, void *ctx)
{
	token_ctx *t = ctx;
	int rc = db_exec(c,
	                 "UPDATE dvcs_accounts SET status = 'auth_failed', last_error = $2,"
	                 " updated_at = $3 WHERE id = $1 AND status = 'ok'",
	                 db_int(t->id), db_text(t->error), db_int(clock_now_ms()));
	return rc < 0 ? rc : 0;
}

/* A new token from the host: by the refresh token, or by the client's credentials when the
 * host gave none. */
static int refresh_token(token_ctx *t, dvcs_host_error *err)
{
	const char *secret = NULL, *refresh = NULL;
	int rc = dvcs_secret_open(t->a, t->app->secret_key, t->sealed_secret, &secret);
	if (rc == 0 && t->sealed_refresh)
		rc = dvcs_secret_open(t->a, t->app->secret_key, t->sealed_refresh, &refresh);
	if (rc < 0)
		return rc;
	return refresh ? dvcs_host_token_refresh(t->a, t->site, t->key, secret, refresh, &t->fresh,
	                                         err)
	               : dvcs_host_token_client(t->a, t->site, t->key, secret, &t->fresh, err);
}

static int renew(token_ctx *t, const char **token)
{
	dvcs_host_error err;
	int rc = refresh_token(t, &err);
	if (rc == WEFT_EAUTH) {
		t->error = arena_printf(t->a, OAUTH_FAILED " (%s)", err.message ? err.message : "");
		if (db_tx(t->app->d, store_refused, t) < 0)
			return WEFT_ERROR;
		return err_fail(WEFT_EAUTH, "%s", t->error);
	}
	if (rc == 0)
		rc = db_tx(t->app->d, store_fresh, t);
	if (rc == 0)
		*token = t->fresh.access;
	return rc;
}

int dvcs_account_access_token(const track_app *app, arena *a, int64_t account_id,
                              const char **token)
{
	if (!app->has_secret_key)
		return err_fail(WEFT_EINVALID, "track has no secret key to open OAuth tokens with");
	token_ctx t = { .a = a, .id = account_id, .app = app };
	int rc = db_read(app->d, load_tokens, &t);
	if (rc < 0)
		return rc;
	if (strcmp(t.status, "ok") != 0 || !t.sealed_access)
		return err_fail(WEFT_EAUTH, "The account %lld has no granted access (%s)",
		                (long long)account_id, t.status);
	if (t.expires_at > clock_now_ms() + REFRESH_MARGIN_MS)
		return dvcs_secret_open(a, app->secret_key, t.sealed_access, token);
	return renew(&t, token);
}

int dvcs_account_renew_token(const track_app *app, arena *a, int64_t account_id, const char **token)
{
	if (!app->has_secret_key)
		return err_fail(WEFT_EINVALID, "track has no secret key to open OAuth tokens with");
	token_ctx t = { .a = a, .id = account_id, .app = app };
	int rc = db_read(app->d, load_tokens, &t);
	if (rc < 0)
		return rc;
	if (strcmp(t.status, "ok") != 0)
		return err_fail(WEFT_EAUTH, "The account %lld has no granted access (%s)",
		                (long long)account_id, t.status);
	return renew(&t, token);
}

/* ---- changes ---------------------------------------------------------------------------- */

int dvcs_account_set_defaults(db_conn *c, int64_t id, bool auto_link, bool smart_commits)
{
	int rc = db_exec(c,
	                 "UPDATE dvcs_accounts SET auto_link = $2, smart_commits = $3, updated_at ="
	                 " $4 WHERE id = $1",
	                 db_int(id), db_int(auto_link), db_int(smart_commits),
	                 db_int(clock_now_ms()));
	if (rc == 0)
		return err_fail(WEFT_ENOTFOUND, "No linked account %lld.", (long long)id);
	return rc < 0 ? rc : 0;
}

int dvcs_account_reset_oauth(db_conn *c, arena *a, const track_app *app, int64_t id,
                             const char *key, const char *secret, const char **state)
{
	if (!app->has_secret_key)
		return err_fail(WEFT_EINVALID,
		                "track has no secret key to seal OAuth secrets with");
	int rc = check_oauth(key, secret);
	if (rc < 0)
		return rc;
	char digest[65];
	const char *fresh = new_state(a, digest);
	rc = db_exec(c,
	             "UPDATE dvcs_accounts SET oauth_key = $2, oauth_secret = $3, access_token ="
	             " NULL, refresh_token = NULL, token_expires_at = NULL, status = 'pending',"
	             " last_error = NULL, oauth_state = $4, updated_at = $5 WHERE id = $1",
	             db_int(id), db_text(key),
	             db_text(dvcs_secret_seal(a, app->secret_key, secret)), db_text(digest),
	             db_int(clock_now_ms()));
	if (rc == 0)
		return err_fail(WEFT_ENOTFOUND, "No linked account %lld.", (long long)id);
	if (rc < 0)
		return rc;
	*state = fresh;
	return 0;
}

/* The unlink job's payload: the host, the sealed credentials, and the repositories (id, slug,
 * hook status) whose hooks and mirrors go; see discover.h. */
static int unlink_payload(db_conn *c, int64_t id, json_t **out)
{
	db_stmt *st;
	int rc =
	        db_query(&st, c,
	                 "SELECT site_url, api_url, account, oauth_key, oauth_secret, access_token,"
	                 " refresh_token, token_expires_at FROM dvcs_accounts WHERE id = $1",
	                 db_int(id));
	if (rc == 0 && (rc = db_step_one(st, "No linked account %lld.", (long long)id)) == 0)
		*out = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:I, s:[]}", "account",
		                 (json_int_t)id, "site_url", db_col_text(st, 0), "api_url",
		                 db_col_text(st, 1), "name", db_col_text(st, 2), "oauth_key",
		                 db_col_text(st, 3), "oauth_secret", db_col_text(st, 4),
		                 "access_token", db_col_text(st, 5), "refresh_token",
		                 db_col_text(st, 6), "expires_at", (json_int_t)db_col_int(st, 7),
		                 "repos");
	db_done(st);
	if (rc < 0)
		return rc;
	json_t *repos = json_object_get(*out, "repos");
	rc = db_query(
	        &st, c,
	        "SELECT id, slug, hook_status FROM dvcs_repos WHERE account_id = $1 ORDER BY id",
	        db_int(id));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		json_array_append_new(
		        repos, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_col_int(st, 0),
		                         "slug", db_col_text(st, 1), "hook", db_col_text(st, 2)));
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* The commits only account $1's repositories hold. */
#define UNLINK_OWN_COMMITS                                                                    \
	" (SELECT l.commit_id FROM dvcs_repo_commits l JOIN dvcs_repos r ON r.id = l.repo_id" \
	" WHERE r.account_id = $1 AND NOT EXISTS (SELECT 1 FROM dvcs_repo_commits o"          \
	" JOIN dvcs_repos q ON q.id = o.repo_id WHERE o.commit_id = l.commit_id"              \
	" AND q.account_id <> $1))"

/* Commits only this account's repositories hold go with them, their keys first, then every link
 * row of those repositories: the link tables have no foreign keys (0016). The repositories' other
 * rows cascade. */
static int unlink_store(db_conn *c, int64_t id)
{
	int rc = db_exec(c, "DELETE FROM dvcs_commit_keys WHERE commit_id IN" UNLINK_OWN_COMMITS,
	                 db_int(id));
	if (rc >= 0)
		rc = db_exec(c, "DELETE FROM dvcs_commits WHERE id IN" UNLINK_OWN_COMMITS,
		             db_int(id));
	if (rc >= 0)
		rc = db_exec(c,
		             "DELETE FROM dvcs_repo_commits WHERE repo_id IN"
		             " (SELECT id FROM dvcs_repos WHERE account_id = $1)",
		             db_int(id));
	return rc < 0 ? rc : 0;
}

int dvcs_account_unlink(db_conn *c, arena *a, int64_t id)
{
	json_t *payload = NULL;
	int rc = unlink_payload(c, id, &payload);
	if (rc < 0)
		goto done;
	char *text = json_dumps(payload, JSON_COMPACT);
	const char *dedup = arena_printf(a, DVCS_UNLINK_JOB ":%lld", (long long)id);
	job_enqueue_options opt = { .dedup_key = dedup };
	rc = jobs_enqueue(c, DVCS_UNLINK_JOB, text, &opt, NULL);
	free(text);
	if (rc == 0)
		rc = unlink_store(c, id);
	if (rc >= 0)
		rc = db_exec(c, "DELETE FROM dvcs_repos WHERE account_id = $1", db_int(id));
	if (rc >= 0)
		rc = db_exec(c, "DELETE FROM dvcs_accounts WHERE id = $1", db_int(id));
	rc = rc < 0 ? rc : 0;
done:
	json_decref(payload);
	return rc;
}

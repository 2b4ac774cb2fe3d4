/* OAuth consumers: their rules, the secret that leaves only once, the redirect rule of B.1, and
 * the client authentication of the token endpoint. */
#include "hub/oauth/consumer.h"

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/password.h"
#include "base/str.h"
#include "base/token.h"

/* Bitbucket's names (B.1), in the order the form and the consent page show them. */
const oauth_scope hub_oauth_scopes[] = {
	{ "account", "Read your account information" },
	{ "account:write", "Read and change your account information" },
	{ "email", "Read your email addresses" },
	{ "team", "Read your team membership information" },
	{ "team:write", "Read and change your team membership information" },
	{ "project", "Read your projects and their repositories" },
	{ "project:admin", "Create, change and delete your projects" },
	{ "repository", "Read your repositories" },
	{ "repository:write", "Read and modify your repositories" },
	{ "repository:admin", "Administer your repositories" },
	{ "repository:delete", "Delete your repositories" },
	{ "pullrequest", "Read your repositories and their pull requests" },
	{ "pullrequest:write", "Read and modify your repositories and their pull requests" },
	{ "webhook", "Read and modify your repositories' webhooks" },
	{ NULL, NULL },
};

int hub_oauth_scopes_parse(arena *a, const char *text, const char **out)
{
	return hub_scopes_parse(a, hub_oauth_scopes, text, out);
}

/* An absolute http(s) URL: a scheme, a host, no fragment, no whitespace or control
 * characters. */
static int check_url(const char *field, const char *url)
{
	size_t len = strlen(url);
	const char *host = str_starts_with(url, "https://")  ? url + 8
	                   : str_starts_with(url, "http://") ? url + 7
	                                                     : NULL;
	if (len > OAUTH_URL_MAX)
		return err_fail(WEFT_EINVALID, "%s: at most %d characters.", field, OAUTH_URL_MAX);
	if (!host || !*host || *host == '/')
		return err_fail(WEFT_EINVALID,
		                "%s: enter an address starting with https:// or http://.", field);
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '#' || *p == '\\')
			return err_fail(WEFT_EINVALID,
			                "%s: no spaces, fragments (#) or backslashes, please.",
			                field);
	return 0;
}

int hub_oauth_consumer_check(arena *a, const oauth_consumer_fields *f, const char **scopes)
{
	int rc = *f->name ? str_check_line("Name", f->name, OAUTH_NAME_MAX)
	                  : err_fail(WEFT_EINVALID, "Name: enter a name.");
	if (rc == 0 && *f->description)
		rc = str_check_line("Description", f->description, OAUTH_DESCRIPTION_MAX);
	if (rc == 0)
		rc = check_url("Callback URL", f->callback_url);
	if (rc == 0 && *f->url)
		rc = check_url("URL", f->url);
	if (rc == 0)
		rc = hub_oauth_scopes_parse(a, f->scopes, scopes);
	return rc;
}

bool hub_oauth_redirect_allowed(const char *callback, const char *redirect_uri)
{
	size_t n = strlen(callback);
	if (strncmp(redirect_uri, callback, n) != 0)
		return false;
	const char *rest = redirect_uri + n;
	bool query = strchr(callback, '?') != NULL;
	if (*rest && !(n && callback[n - 1] == '/') && *rest != '/' && *rest != '?' &&
	    !(query && *rest == '&'))
		return false;
	if (strstr(rest, "/../") || strstr(rest, "/./") || str_ends_with(rest, "/..") ||
	    str_ends_with(rest, "/.") || strcmp(rest, "..") == 0 || str_starts_with(rest, "../") ||
	    (strchr(rest, '@') && !query && !strchr(rest, '?')))
		return false;
	for (const char *p = redirect_uri; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '#' || *p == '\\')
			return false;
	return true;
}

static int count_consumers(db_conn *c, int64_t workspace_id, int64_t *out)
{
	db_stmt *st;
	int rc = db_query(&st, c, "SELECT COUNT(*) FROM oauth_consumers WHERE workspace_id = $1",
	                  db_int(workspace_id));
	if (rc == 0)
		rc = db_step_one(st, "no count");
	*out = rc == 0 ? db_col_int(st, 0) : 0;
	db_done(st);
	return rc;
}

static int name_taken(int rc, const char *name)
{
	if (rc == WEFT_EEXISTS)
		return err_fail(WEFT_EEXISTS, "Name: this account has a consumer named \"%.80s\".",
		                name);
	return rc;
}

static int insert(db_conn *c, int64_t workspace_id, int64_t created_by,
                  const oauth_consumer_fields *f, const char *key, const char *digest, int64_t now,
                  int64_t *id)
{
	db_stmt *st;
	int rc =
	        db_query(&st, c,
	                 "INSERT INTO oauth_consumers (workspace_id, created_by, client_id,"
	                 " secret_hash, name, description, callback_url, url, is_private, scopes,"
	                 " created_at, updated_at)"
	                 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
	                 db_int(workspace_id), created_by ? db_int(created_by) : db_null(),
	                 db_text(key), db_text(digest), db_text(f->name), db_text(f->description),
	                 db_text(f->callback_url), db_text(f->url), db_int(f->is_private),
	                 db_text(f->scopes), db_int(now));
	if (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		*id = db_col_int(st, 0);
		rc = 0;
	}
	db_done(st);
	return name_taken(rc, f->name);
}

int hub_oauth_consumer_create(db_conn *c, arena *a, int64_t workspace_id, int64_t created_by,
                              const oauth_consumer_fields *f, char secret[OAUTH_SECRET_LEN + 1],
                              oauth_consumer *out)
{
	oauth_consumer_fields checked = *f;
	int64_t count = 0;
	int rc = hub_oauth_consumer_check(a, f, &checked.scopes);
	if (rc == 0)
		rc = count_consumers(c, workspace_id, &count);
	if (rc == 0 && count >= OAUTH_CONSUMERS_MAX)
		rc = err_fail(WEFT_EINVALID, "OAuth consumers: this account has %d already.",
		              OAUTH_CONSUMERS_MAX);
	if (rc < 0)
		return rc;
	char key[OAUTH_KEY_LEN + 1], fresh[OAUTH_SECRET_LEN + 1], digest[65];
	token_hex(key, OAUTH_KEY_LEN / 2);
	token_hex(fresh, OAUTH_SECRET_LEN / 2);
	password_token_digest(digest, fresh, OAUTH_SECRET_LEN);
	int64_t id = 0;
	rc = insert(c, workspace_id, created_by, &checked, key, digest, clock_now_ms(), &id);
	if (rc == 0)
		rc = hub_oauth_consumer_get(c, a, workspace_id, id, out);
	if (rc == 0)
		memcpy(secret, fresh, sizeof fresh);
	return rc;
}

/* The workspace's id and who acts for it: its user, or its longest-standing administrator. */
static int workspace_actor(db_conn *c, const char *slug, int64_t *workspace_id, int64_t *user_id)
{
	db_stmt *st;
	int rc = db_query(
	        &st, c,
	        "SELECT w.id, COALESCE(w.user_id, (SELECT gm.user_id FROM group_members gm"
	        " JOIN groups g ON g.id = gm.group_id WHERE g.workspace_id = w.id"
	        " AND g.permission = 'admin' ORDER BY gm.created_at, gm.user_id LIMIT 1), 0)"
	        " FROM workspaces w WHERE w.slug = lower($1)",
	        db_text(slug));
	if (rc == 0)
		rc = db_step_one(st, "There is no workspace %.80s.", slug);
	if (rc == 0) {
		*workspace_id = db_col_int(st, 0);
		*user_id = db_col_int(st, 1);
	}
	db_done(st);
	if (rc == 0 && !*user_id)
		rc = err_fail(WEFT_ENOTFOUND, "The team %.80s has no administrator to act as.",
		              slug);
	return rc;
}

int hub_oauth_consumer_create_in(db_conn *c, arena *a, const char *slug,
                                 const oauth_consumer_fields *f, char secret[OAUTH_SECRET_LEN + 1],
                                 oauth_consumer *out)
{
	int64_t workspace_id = 0, user_id = 0;
	int rc = workspace_actor(c, slug, &workspace_id, &user_id);
	return rc < 0 ? rc : hub_oauth_consumer_create(c, a, workspace_id, user_id, f, secret, out);
}

int hub_oauth_consumer_update(db_conn *c, arena *a, int64_t workspace_id, int64_t id,
                              const oauth_consumer_fields *f)
{
	const char *scopes = NULL;
	int rc = hub_oauth_consumer_check(a, f, &scopes);
	if (rc < 0)
		return rc;
	rc = db_exec(c,
	             "UPDATE oauth_consumers SET name = $1, description = $2, callback_url = $3,"
	             " url = $4, is_private = $5, scopes = $6, updated_at = $7"
	             " WHERE id = $8 AND workspace_id = $9",
	             db_text(f->name), db_text(f->description), db_text(f->callback_url),
	             db_text(f->url), db_int(f->is_private), db_text(scopes),
	             db_int(clock_now_ms()), db_int(id), db_int(workspace_id));
	if (rc == 0)
		return err_fail(WEFT_ENOTFOUND, "OAuth consumer: there is no such consumer.");
	return rc < 0 ? name_taken(rc, f->name) : 0;
}

int hub_oauth_consumer_delete(db_conn *c, int64_t workspace_id, int64_t id)
{
	int rc = db_exec(c, "DELETE FROM oauth_consumers WHERE id = $1 AND workspace_id = $2",
	                 db_int(id), db_int(workspace_id));
	if (rc == 0)
		return err_fail(WEFT_ENOTFOUND, "OAuth consumer: there is no such consumer.");
	return rc < 0 ? rc : 0;
}

int hub_oauth_consumer_regenerate_secret(db_conn *c, int64_t workspace_id, int64_t id,
                                         char secret[OAUTH_SECRET_LEN + 1])
{
	char fresh[OAUTH_SECRET_LEN + 1], digest[65];
	token_hex(fresh, OAUTH_SECRET_LEN / 2);
	password_token_digest(digest, fresh, OAUTH_SECRET_LEN);
	int rc = db_exec(c,
	                 "UPDATE oauth_consumers SET secret_hash = $1, updated_at = $2"
	                 " WHERE id = $3 AND workspace_id = $4",
	                 db_text(digest), db_int(clock_now_ms()), db_int(id), db_int(workspace_id));
	if (rc == 0)
		return err_fail(WEFT_ENOTFOUND, "OAuth consumer: there is no such consumer.");
	if (rc > 0)
		rc = db_exec(c,
		             "DELETE FROM oauth_tokens WHERE grant_id IN"
		             " (SELECT id FROM oauth_grants WHERE consumer_id = $1)",
		             db_int(id));
	if (rc >= 0)
		rc = db_exec(c,
		             "DELETE FROM oauth_codes WHERE grant_id IN"
		             " (SELECT id FROM oauth_grants WHERE consumer_id = $1)",
		             db_int(id));
	if (rc < 0)
		return rc;
	memcpy(secret, fresh, sizeof fresh);
	return 0;
}

#define CONSUMER_SELECT                                                                      \
	"SELECT oc.id, oc.workspace_id, w.slug, w.name, w.kind = 'team',"                    \
	" CASE WHEN w.kind = 'team' THEN COALESCE(oc.created_by, 0) ELSE w.user_id END,"     \
	" oc.client_id, oc.name, oc.description, oc.callback_url, oc.url, oc.is_private,"    \
	" oc.scopes, oc.created_at,"                                                         \
	" (SELECT COUNT(*) FROM oauth_grants g WHERE g.consumer_id = oc.id), oc.secret_hash" \
	" FROM oauth_consumers oc JOIN workspaces w ON w.id = oc.workspace_id "

/* A row of CONSUMER_SELECT; strings borrowed from the statement. */
static void read_row(db_stmt *st, oauth_consumer *out)
{
	out->id = db_col_int(st, 0);
	out->workspace_id = db_col_int(st, 1);
	out->workspace_slug = db_col_text(st, 2);
	out->workspace_name = db_col_text(st, 3);
	out->workspace_is_team = db_col_int(st, 4) != 0;
	out->owner_user_id = db_col_int(st, 5);
	out->key = db_col_text(st, 6);
	out->f.name = db_col_text(st, 7);
	out->f.description = db_col_text(st, 8);
	out->f.callback_url = db_col_text(st, 9);
	out->f.url = db_col_text(st, 10);
	out->f.is_private = db_col_int(st, 11) != 0;
	out->f.scopes = db_col_text(st, 12);
	out->created_at = db_col_int(st, 13);
	out->grants = db_col_int(st, 14);
}

static void copy_strings(arena *a, oauth_consumer *c)
{
	c->workspace_slug = arena_strdup(a, c->workspace_slug);
	c->workspace_name = arena_strdup(a, c->workspace_name);
	c->key = arena_strdup(a, c->key);
	c->f.name = arena_strdup(a, c->f.name);
	c->f.description = arena_strdup(a, c->f.description);
	c->f.callback_url = arena_strdup(a, c->f.callback_url);
	c->f.url = arena_strdup(a, c->f.url);
	c->f.scopes = arena_strdup(a, c->f.scopes);
}

/* The one consumer st finds (copied into a), and its secret's digest when digest is not NULL. */
static int read_one(db_stmt *st, arena *a, oauth_consumer *out, char digest[65])
{
	int rc = db_step_one(st, "OAuth consumer: there is no such consumer.");
	if (rc == 0) {
		read_row(st, out);
		copy_strings(a, out);
		if (digest)
			snprintf(digest, 65, "%s", db_col_text(st, 15));
	}
	db_done(st);
	return rc;
}

int hub_oauth_consumer_get(db_conn *c, arena *a, int64_t workspace_id, int64_t id,
                           oauth_consumer *out)
{
	db_stmt *st;
	int rc = db_query(&st, c, CONSUMER_SELECT "WHERE oc.id = $1 AND oc.workspace_id = $2",
	                  db_int(id), db_int(workspace_id));
	return rc < 0 ? rc : read_one(st, a, out, NULL);
}

int hub_oauth_consumer_list(db_conn *c, int64_t workspace_id,
                            void (*fn)(void *ctx, const oauth_consumer *consumer), void *ctx)
{
	db_stmt *st;
	int rc = db_query(
	        &st, c, CONSUMER_SELECT "WHERE oc.workspace_id = $1 ORDER BY lower(oc.name), oc.id",
	        db_int(workspace_id));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		oauth_consumer row;
		read_row(st, &row);
		fn(ctx, &row);
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

static int find_key(db_conn *c, arena *a, const char *key, oauth_consumer *out, char digest[65])
{
	if (strlen(key) != OAUTH_KEY_LEN || strspn(key, "0123456789abcdef") != OAUTH_KEY_LEN)
		return err_fail(WEFT_ENOTFOUND, "OAuth consumer: there is no such consumer.");
	db_stmt *st;
	int rc = db_query(&st, c, CONSUMER_SELECT "WHERE oc.client_id = $1", db_text(key));
	return rc < 0 ? rc : read_one(st, a, out, digest);
}

int hub_oauth_consumer_find_key(db_conn *c, arena *a, const char *key, oauth_consumer *out)
{
	return find_key(c, a, key, out, NULL);
}

int hub_oauth_client_authenticate(db_conn *c, arena *a, const char *key, const char *secret,
                                  oauth_consumer *out)
{
	char stored[65] = "", given[65];
	oauth_consumer found;
	int rc = find_key(c, a, key, &found, stored);
	/* The digest is computed and compared whether the key exists or not. */
	password_token_digest(given, secret, strlen(secret));
	bool equal = password_equal(stored[0] ? stored : "-", given);
	if (rc == WEFT_ENOTFOUND || (rc == 0 && !equal))
		return err_fail(WEFT_EAUTH, "Client authentication failed.");
	if (rc == 0)
		*out = found;
	return rc;
}

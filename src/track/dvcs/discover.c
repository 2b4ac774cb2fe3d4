/* An account's repositories: reading them, linking and unlinking, and the discovery job that
 * lists them on the host, stores them and keeps exactly one webhook on each linked one; and the
 * unlink job that removes an account's hooks and mirrors once its rows are gone. */
#include "track/dvcs/discover.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "base/str.h"
#include "base/token.h"
#include "track/dvcs/account.h"
#include "track/dvcs/host.h"
#include "track/dvcs/secret.h"

enum { REPOS_MAX = 10000, SLUG_MAX = 200, NAME_MAX_BYTES = 1024, HOOK_SECRET_BYTES = 32 };

#define REPO_COLUMNS                                                                           \
	"id, account_id, slug, name, is_private, linked, smart_commits, deleted, hook_status," \
	" sync_state, sync_full, sync_started_at, sync_finished_at, sync_commits, sync_pulls," \
	" sync_issues, sync_error, smart_error_count, last_activity_at"

/* The events the connector listens to. */
static const char *const hook_events[] = {
	"repo:push",
	"pullrequest:created",
	"pullrequest:updated",
	"pullrequest:fulfilled",
	"pullrequest:rejected",
	"repo:commit_status_created",
	"repo:commit_status_updated",
	NULL,
};

/* ---- reading ---------------------------------------------------------------------------- */

static void read_repo(db_stmt *st, arena *a, dvcs_repo *out)
{
	const char *error = db_col_text(st, 16);
	*out = (dvcs_repo){
		.id = db_col_int(st, 0),
		.account_id = db_col_int(st, 1),
		.slug = arena_strdup(a, db_col_text(st, 2)),
		.name = arena_strdup(a, db_col_text(st, 3)),
		.is_private = db_col_int(st, 4) != 0,
		.linked = db_col_int(st, 5) != 0,
		.smart_commits = db_col_int(st, 6) != 0,
		.deleted = db_col_int(st, 7) != 0,
		.hook_status = arena_strdup(a, db_col_text(st, 8)),
		.sync_state = arena_strdup(a, db_col_text(st, 9)),
		.sync_full = db_col_int(st, 10) != 0,
		.sync_started_at = db_col_int(st, 11),
		.sync_finished_at = db_col_int(st, 12),
		.sync_commits = db_col_int(st, 13),
		.sync_pulls = db_col_int(st, 14),
		.sync_issues = db_col_int(st, 15),
		.sync_error = error ? arena_strdup(a, error) : NULL,
		.smart_error_count = db_col_int(st, 17),
		.last_activity_at = db_col_int(st, 18),
	};
}

int dvcs_repo_get(db_conn *c, arena *a, int64_t id, dvcs_repo *out)
{
	db_stmt *st;
	int rc = db_query(&st, c, "SELECT " REPO_COLUMNS " FROM dvcs_repos WHERE id = $1",
	                  db_int(id));
	if (rc == 0 && (rc = db_step_one(st, "No repository %lld.", (long long)id)) == 0)
		read_repo(st, a, out);
	db_done(st);
	return rc;
}

int dvcs_repo_count(db_conn *c, int64_t account_id, int64_t *out)
{
	return db_query_int(out, c, "SELECT count(*) FROM dvcs_repos WHERE account_id = $1",
	                    db_int(account_id));
}

int dvcs_repo_list(db_conn *c, arena *a, int64_t account_id,
                   void (*fn)(void *ctx, const dvcs_repo *repo), void *ctx)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT " REPO_COLUMNS " FROM dvcs_repos WHERE $1 = 0 OR account_id = $1"
	                  " ORDER BY account_id, slug",
	                  db_int(account_id));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		dvcs_repo repo;
		read_repo(st, a, &repo);
		fn(ctx, &repo);
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int dvcs_repo_hook_secret(const track_app *app, db_conn *c, arena *a, int64_t repo_id,
                          const char **secret)
{
	if (!app->has_secret_key)
		return err_fail(WEFT_EINVALID, "track has no secret key to open hook secrets with");
	db_stmt *st;
	const char *sealed = NULL;
	int rc = db_query(&st, c, "SELECT hook_secret FROM dvcs_repos WHERE id = $1",
	                  db_int(repo_id));
	if (rc == 0 && (rc = db_step_one(st, "No repository %lld.", (long long)repo_id)) == 0 &&
	    db_col_text(st, 0))
		sealed = arena_strdup(a, db_col_text(st, 0));
	db_done(st);
	if (rc == 0 && !sealed)
		rc = err_fail(WEFT_ENOTFOUND, "Repository %lld has no webhook.",
		              (long long)repo_id);
	return rc < 0 ? rc : dvcs_secret_open(a, app->secret_key, sealed, secret);
}

const char *dvcs_repo_clone_url(arena *a, const dvcs_account *account, const dvcs_repo *repo)
{
	return arena_printf(a, "%s/%s/%s.git", account->site_url, account->account, repo->slug);
}

const char *dvcs_repo_mirror_path(arena *a, const track_app *app, int64_t repo_id)
{
	return arena_printf(a, "%s/%lld.git", app->dvcs_dir, (long long)repo_id);
}

const char *dvcs_hook_target(arena *a, const track_app *app, int64_t repo_id)
{
	if (!app->public_url || !*app->public_url)
		return NULL;
	size_t n = strlen(app->public_url);
	while (n > 0 && app->public_url[n - 1] == '/')
		n--;
	return arena_printf(a, "%.*s/rest/bitbucket/1.0/repository/%lld/sync", (int)n,
	                    app->public_url, (long long)repo_id);
}

/* ---- changes ---------------------------------------------------------------------------- */

int dvcs_discover_enqueue(db_conn *c, int64_t account_id)
{
	char payload[64], dedup[64];
	snprintf(payload, sizeof payload, "{\"account\": %lld}", (long long)account_id);
	snprintf(dedup, sizeof dedup, DVCS_DISCOVER_JOB ":%lld", (long long)account_id);
	job_enqueue_options opt = { .dedup_key = dedup };
	return jobs_enqueue(c, DVCS_DISCOVER_JOB, payload, &opt, NULL);
}

int dvcs_repo_set_linked(db_conn *c, int64_t repo_id, bool linked)
{
	int64_t account_id = 0;
	int rc = db_query_int(&account_id, c, "SELECT account_id FROM dvcs_repos WHERE id = $1",
	                      db_int(repo_id));
	if (rc == 0 && !account_id)
		rc = err_fail(WEFT_ENOTFOUND, "No repository %lld.", (long long)repo_id);
	if (rc == 0)
		rc = db_exec(c, "UPDATE dvcs_repos SET linked = $2, updated_at = $3 WHERE id = $1",
		             db_int(repo_id), db_int(linked), db_int(clock_now_ms()));
	if (rc >= 0)
		rc = dvcs_discover_enqueue(c, account_id);
	if (rc == 0 && linked)
		rc = dvcs_sync_enqueue(c, repo_id, true);
	return rc;
}

int dvcs_repo_set_smart_commits(db_conn *c, int64_t repo_id, bool on)
{
	int rc = db_exec(c,
	                 "UPDATE dvcs_repos SET smart_commits = $2, updated_at = $3 WHERE id = $1",
	                 db_int(repo_id), db_int(on), db_int(clock_now_ms()));
	if (rc == 0)
		return err_fail(WEFT_ENOTFOUND, "No repository %lld.", (long long)repo_id);
	return rc < 0 ? rc : 0;
}

/* ---- the webhook of one repository ------------------------------------------------------ */

/* Where a repository's hooks live on the host and which URL is ours. */
typedef struct hook_site {
	arena *a;
	const dvcs_host *host;
	const char *hooks_path; /* /repositories/ACCOUNT/SLUG/hooks */
	const char *target;
	array uuids; /* const char *: hooks pointing at target, oldest first */
	array state; /* hook_state, beside uuids */
} hook_site;

/* What someone may have done to a hook of ours on the host's settings page: deactivated it or
 * removed events (an update mends that), or cleared its secret (only a new hook mends that). */
typedef enum hook_state { HOOK_INTACT, HOOK_EDITED, HOOK_UNSIGNED } hook_state;

static bool has_event(json_t *events, const char *name)
{
	for (size_t i = 0; i < json_array_size(events); i++) {
		const char *e = json_string_value(json_array_get(events, i));
		if (e && strcmp(e, name) == 0)
			return true;
	}
	return false;
}

static bool listens_to_ours(json_t *hook)
{
	json_t *events = json_object_get(hook, "events");
	for (size_t i = 0; hook_events[i]; i++)
		if (!has_event(events, hook_events[i]))
			return false;
	return true;
}

static hook_state hook_state_of(json_t *hook)
{
	if (!json_is_true(json_object_get(hook, "secret_set")))
		return HOOK_UNSIGNED;
	if (!json_is_true(json_object_get(hook, "active")) || !listens_to_ours(hook))
		return HOOK_EDITED;
	return HOOK_INTACT;
}

static int collect_ours(void *ctx, json_t *value)
{
	hook_site *s = ctx;
	const char *url = json_string_value(json_object_get(value, "url"));
	const char *uuid = json_string_value(json_object_get(value, "uuid"));
	if (url && uuid && strcmp(url, s->target) == 0 && s->uuids.n < 1000) {
		*ARRAY_PUSH(s->a, &s->uuids, const char *) = arena_strdup(s->a, uuid);
		*ARRAY_PUSH(s->a, &s->state, hook_state) = hook_state_of(value);
	}
	return 0;
}

static int list_ours(hook_site *s, dvcs_host_error *err)
{
	s->uuids = (array)ARRAY_INIT;
	s->state = (array)ARRAY_INIT;
	return dvcs_host_each(s->host, arena_printf(s->a, "%s?pagelen=100", s->hooks_path),
	                      collect_ours, s, err);
}

static int delete_hook(hook_site *s, const char *uuid, dvcs_host_error *err)
{
	const char *path = arena_printf(s->a, "%s/%s", s->hooks_path, dvcs_host_escape(s->a, uuid));
	int rc = dvcs_host_call(s->host, "DELETE", path, NULL, NULL, err);
	return rc == WEFT_ENOTFOUND ? 0 : rc; /* gone already */
}

/* Deletes the hooks in s->uuids from index from on. */
static int delete_from(hook_site *s, size_t from, dvcs_host_error *err)
{
	const char **uuids = s->uuids.items;
	int rc = 0;
	for (size_t i = from; rc == 0 && i < s->uuids.n; i++)
		rc = delete_hook(s, uuids[i], err);
	return rc;
}

/* The body of a hook of ours; the secret only when one is given (an update keeps the old). */
static json_t *hook_body(const hook_site *s, const char *secret)
{
	json_t *events = json_array();
	for (size_t i = 0; hook_events[i]; i++)
		json_array_append_new(events, json_string(hook_events[i]));
	json_t *body = json_pack("{s:s, s:s, s:b, s:o}", "description", "weft track connector",
	                         "url", s->target, "active", 1, "events", events);
	if (secret)
		json_object_set_new(body, "secret", json_string(secret));
	return body;
}

/* Puts back what someone changed on a kept hook: active again, every event of ours. */
static int repair_hook(hook_site *s, const char *uuid, dvcs_host_error *err)
{
	const char *path = arena_printf(s->a, "%s/%s", s->hooks_path, dvcs_host_escape(s->a, uuid));
	return dvcs_host_call(s->host, "PUT", path, hook_body(s, NULL), NULL, err);
}

static int create_hook(hook_site *s, const char *secret, const char **uuid, dvcs_host_error *err)
{
	json_t *body = hook_body(s, secret);
	json_t *made = NULL;
	int rc = dvcs_host_call(s->host, "POST", s->hooks_path, body, &made, err);
	const char *id = json_string_value(json_object_get(made, "uuid"));
	if (rc == 0 && !id)
		rc = err_fail(WEFT_ERROR, "the host made a webhook without a uuid");
	if (rc == 0)
		*uuid = arena_strdup(s->a, id);
	json_decref(made);
	return rc;
}

/* What discovery knows of one stored repository. */
typedef struct stored_repo {
	int64_t id;
	const char *slug, *hook_uuid, *hook_secret, *sync_state;
	bool linked, deleted;
	/* the outcome, stored after the host was asked */
	const char *new_status, *new_uuid, *new_secret; /* new_status NULL: unchanged */
} stored_repo;

/* One hook on a linked repository: the one we know (its uuid and secret stored) is kept when
 * it is there and still signed, and made active with every event of ours again if someone
 * changed that; otherwise every hook pointing at us goes and a new one with a fresh secret
 * comes. Duplicates are deleted either way. */
static int ensure_hook(const track_app *app, hook_site *s, stored_repo *r, dvcs_host_error *err)
{
	int rc = list_ours(s, err);
	const char **uuids = s->uuids.items;
	const hook_state *state = s->state.items;
	size_t known = s->uuids.n;
	for (size_t i = 0; rc == 0 && r->hook_uuid && r->hook_secret && i < s->uuids.n; i++)
		if (strcmp(uuids[i], r->hook_uuid) == 0 && state[i] != HOOK_UNSIGNED)
			known = i;
	if (rc == 0 && known < s->uuids.n && state[known] == HOOK_EDITED)
		rc = repair_hook(s, r->hook_uuid, err);
	if (rc == 0 && known < s->uuids.n) {
		uuids[known] = uuids[0];
		uuids[0] = r->hook_uuid;
		rc = delete_from(s, 1, err);
		r->new_status = "ok";
		r->new_uuid = r->hook_uuid;
		return rc;
	}
	if (rc == 0)
		rc = delete_from(s, 0, err);
	char secret[2 * HOOK_SECRET_BYTES + 1];
	token_hex(secret, HOOK_SECRET_BYTES);
	const char *uuid = NULL;
	if (rc == 0)
		rc = create_hook(s, secret, &uuid, err);
	if (rc == 0) {
		r->new_status = "ok";
		r->new_uuid = uuid;
		r->new_secret = dvcs_secret_seal(s->a, app->secret_key, secret);
	}
	return rc;
}

static int remove_hooks(hook_site *s, stored_repo *r, dvcs_host_error *err)
{
	int rc = list_ours(s, err);
	if (rc == 0)
		rc = delete_from(s, 0, err);
	if (rc == 0)
		r->new_status = "none";
	return rc;
}

/* ---- the discovery job ------------------------------------------------------------------ */

/* A repository as the host listed it. */
typedef struct listed_repo {
	const char *slug, *name, *uuid;
	bool is_private;
} listed_repo;

typedef struct discovery {
	const track_app *app;
	arena *a;
	dvcs_account account;
	dvcs_host host;
	array listed; /* listed_repo */
	array stored; /* stored_repo */
} discovery;

static int collect_listed(void *ctx, json_t *value)
{
	discovery *d = ctx;
	const char *slug = json_string_value(json_object_get(value, "slug"));
	const char *name = json_string_value(json_object_get(value, "name"));
	const char *uuid = json_string_value(json_object_get(value, "uuid"));
	if (!slug || !*slug || strlen(slug) > SLUG_MAX || !str_is_utf8(slug, strlen(slug)) ||
	    strpbrk(slug, "/\\") || slug[0] == '.')
		return 0; /* a slug no repository can have: ignored */
	if (d->listed.n >= REPOS_MAX)
		return err_fail(WEFT_ELIMIT, "the account has more than %d repositories",
		                REPOS_MAX);
	listed_repo *r = ARRAY_PUSH(d->a, &d->listed, listed_repo);
	r->slug = arena_strdup(d->a, slug);
	r->name = name && str_is_utf8(name, strlen(name)) && strlen(name) <= NAME_MAX_BYTES
	                  ? arena_strdup(d->a, name)
	                  : r->slug;
	r->uuid = uuid && strlen(uuid) <= 64 ? arena_strdup(d->a, uuid) : NULL;
	r->is_private = json_is_true(json_object_get(value, "is_private"));
	return 0;
}

static int store_listed(db_conn *c, discovery *d)
{
	const listed_repo *list = d->listed.items;
	int64_t now = clock_now_ms();
	int rc = 0;
	for (size_t i = 0; rc >= 0 && i < d->listed.n; i++)
		rc = db_exec(
		        c,
		        "INSERT INTO dvcs_repos (account_id, slug, name, host_uuid, is_private,"
		        " linked, smart_commits, created_at, updated_at) VALUES ($1, $2, $3, $4,"
		        " $5, $6, $7, $8, $8) ON CONFLICT (account_id, slug) DO UPDATE SET name ="
		        " excluded.name, host_uuid = excluded.host_uuid, is_private ="
		        " excluded.is_private, deleted = 0, updated_at = excluded.updated_at",
		        db_int(d->account.id), db_text(list[i].slug), db_text(list[i].name),
		        db_text(list[i].uuid), db_int(list[i].is_private),
		        db_int(d->account.auto_link), db_int(d->account.smart_commits),
		        db_int(now));
	return rc < 0 ? rc : 0;
}

static bool was_listed(const discovery *d, const char *slug)
{
	const listed_repo *list = d->listed.items;
	for (size_t i = 0; i < d->listed.n; i++)
		if (strcmp(list[i].slug, slug) == 0)
			return true;
	return false;
}

static int load_stored(db_conn *c, discovery *d)
{
	db_stmt *st;
	d->stored = (array)ARRAY_INIT;
	int rc =
	        db_query(&st, c,
	                 "SELECT id, slug, hook_uuid, hook_secret, sync_state, linked, deleted FROM"
	                 " dvcs_repos WHERE account_id = $1 ORDER BY slug",
	                 db_int(d->account.id));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		stored_repo *r = ARRAY_PUSH(d->a, &d->stored, stored_repo);
		const char *uuid = db_col_text(st, 2), *secret = db_col_text(st, 3);
		r->id = db_col_int(st, 0);
		r->slug = arena_strdup(d->a, db_col_text(st, 1));
		r->hook_uuid = uuid ? arena_strdup(d->a, uuid) : NULL;
		r->hook_secret = secret ? arena_strdup(d->a, secret) : NULL;
		r->sync_state = arena_strdup(d->a, db_col_text(st, 4));
		r->linked = db_col_int(st, 5) != 0;
		r->deleted = db_col_int(st, 6) != 0;
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* Stores the listing and marks repositories the host no longer has; then reads them back. */
static int store_listing(db_conn *c, void *ctx)
{
	discovery *d = ctx;
	int rc = store_listed(c, d);
	if (rc == 0)
		rc = load_stored(c, d);
	stored_repo *stored = d->stored.items;
	for (size_t i = 0; rc >= 0 && i < d->stored.n; i++) {
		if (stored[i].deleted || was_listed(d, stored[i].slug))
			continue;
		stored[i].deleted = true;
		rc = db_exec(c, "UPDATE dvcs_repos SET deleted = 1, updated_at = $2 WHERE id = $1",
		             db_int(stored[i].id), db_int(clock_now_ms()));
	}
	return rc < 0 ? rc : 0;
}

/* Installs or removes the hook of one repository; the host's refusal of admin rights is the
 * repository's "no_admin", not a failure of the job. */
static int hook_of(discovery *d, stored_repo *r, const char *target, dvcs_host_error *err)
{
	hook_site s = { .a = d->a,
		        .host = &d->host,
		        .hooks_path = arena_printf(d->a, "/repositories/%s/%s/hooks",
		                                   dvcs_host_escape(d->a, d->account.account),
		                                   dvcs_host_escape(d->a, r->slug)),
		        .target = target };
	bool wanted = r->linked && !r->deleted;
	if (!wanted && !r->hook_uuid)
		return 0;
	int rc = wanted ? ensure_hook(d->app, &s, r, err) : remove_hooks(&s, r, err);
	if (rc == WEFT_EPERM) {
		r->new_status = wanted ? "no_admin" : "none";
		r->new_uuid = NULL;
		r->new_secret = NULL;
		return 0;
	}
	if (rc == WEFT_ENOTFOUND && !wanted) {
		r->new_status = "none";
		return 0;
	}
	return rc;
}

/* The hook's outcome: a new secret replaces the stored one, no hook drops it. */
static int store_hook(db_conn *c, const stored_repo *r)
{
	int64_t now = clock_now_ms();
	if (!r->new_uuid)
		return db_exec(
		        c,
		        "UPDATE dvcs_repos SET hook_status = $2, hook_uuid = NULL, hook_secret ="
		        " NULL, updated_at = $3 WHERE id = $1",
		        db_int(r->id), db_text(r->new_status), db_int(now));
	return db_exec(c,
	               "UPDATE dvcs_repos SET hook_status = $2, hook_uuid = $3, hook_secret ="
	               " COALESCE($4, hook_secret), updated_at = $5 WHERE id = $1",
	               db_int(r->id), db_text(r->new_status), db_text(r->new_uuid),
	               db_text(r->new_secret), db_int(now));
}

static int store_hooks_and_sync(db_conn *c, void *ctx)
{
	discovery *d = ctx;
	const stored_repo *stored = d->stored.items;
	int rc = 0;
	for (size_t i = 0; rc >= 0 && i < d->stored.n; i++) {
		const stored_repo *r = &stored[i];
		if (r->new_status)
			rc = store_hook(c, r);
		if (rc >= 0 && r->linked && !r->deleted)
			rc = dvcs_sync_enqueue(c, r->id, strcmp(r->sync_state, "never") == 0);
	}
	if (rc >= 0)
		rc = db_exec(
		        c,
		        "UPDATE dvcs_accounts SET last_error = NULL, updated_at = $2 WHERE id = $1",
		        db_int(d->account.id), db_int(clock_now_ms()));
	return rc < 0 ? rc : 0;
}

typedef struct account_error {
	int64_t id;
	const char *message;
} account_error;

static int store_account_error(db_conn *c, void *ctx)
{
	const account_error *e = ctx;
	int rc = db_exec(c,
	                 "UPDATE dvcs_accounts SET last_error = $2, updated_at = $3 WHERE id = $1",
	                 db_int(e->id), db_text(e->message), db_int(clock_now_ms()));
	return rc < 0 ? rc : 0;
}

static int load_account(db_conn *c, void *ctx)
{
	discovery *d = ctx;
	return dvcs_account_get(c, d->a, d->account.id, &d->account);
}

/* Every hook of the account: each repository in turn; stops at the first failure that is not
 * the repository's own (no admin rights, gone). */
static int hooks_of_account(discovery *d, dvcs_host_error *err)
{
	stored_repo *stored = d->stored.items;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < d->stored.n; i++) {
		const char *target = dvcs_hook_target(d->a, d->app, stored[i].id);
		if (!target)
			return err_fail(WEFT_EINVALID, "track's public URL is unknown: no webhook "
			                               "can point at it");
		rc = hook_of(d, &stored[i], target, err);
	}
	return rc;
}

static int discover(discovery *d)
{
	int rc = db_read(d->app->d, load_account, d);
	if (rc == WEFT_ENOTFOUND)
		return 0; /* unlinked since it was queued */
	if (rc < 0 || strcmp(d->account.status, "ok") != 0)
		return rc;
	rc = dvcs_account_access_token(d->app, d->a, d->account.id, &d->host.token);
	if (rc == WEFT_EAUTH)
		return 0; /* the account now shows auth_failed; nothing to retry */
	if (rc < 0)
		return rc;
	d->host.site_url = d->account.site_url;
	d->host.api_url = d->account.api_url;
	dvcs_host_error err;
	const char *path = arena_printf(d->a, "/repositories/%s?pagelen=100",
	                                dvcs_host_escape(d->a, d->account.account));
	rc = dvcs_host_each(&d->host, path, collect_listed, d, &err);
	if (rc == WEFT_EAUTH) {
		/* Refused before it expired: renewed once; a refusal marks the account. */
		d->listed = (array)ARRAY_INIT;
		rc = dvcs_account_renew_token(d->app, d->a, d->account.id, &d->host.token);
		if (rc == WEFT_EAUTH)
			return 0;
		if (rc == 0)
			rc = dvcs_host_each(&d->host, path, collect_listed, d, &err);
	}
	if (rc == 0)
		rc = db_tx(d->app->d, store_listing, d);
	if (rc == 0)
		rc = hooks_of_account(d, &err);
	/* What the hooks that were done changed is stored even when a later one failed. */
	int stored = db_tx(d->app->d, store_hooks_and_sync, d);
	return rc < 0 ? rc : stored;
}

int dvcs_discover_job(void *ctx, const job *j)
{
	json_error_t e;
	json_t *payload = json_loads(j->payload, 0, &e);
	json_t *id = json_object_get(payload, "account");
	int rc = json_is_integer(id) ? 0 : err_fail(WEFT_EINVALID, "discovery: no account");
	discovery d = { .app = ctx, .a = arena_new() };
	d.account.id = json_integer_value(id);
	json_decref(payload);
	if (rc == 0)
		rc = discover(&d);
	if (rc < 0 && rc != WEFT_EINVALID) {
		account_error ae = { d.account.id, arena_strdup(d.a, err_msg()) };
		log_warn("dvcs: discovery of account %lld: %s", (long long)ae.id, ae.message);
		if (db_tx(d.app->d, store_account_error, &ae) == 0)
			err_set("%s", ae.message);
	}
	arena_free(d.a);
	return rc;
}

/* ---- the unlink job --------------------------------------------------------------------- */

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

static int remove_mirror(const char *path)
{
	if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT)
		return err_fail(WEFT_ERROR, "cannot remove the mirror %s: %s", path,
		                strerror(errno));
	return 0;
}

/* A live token from the unlink payload's sealed credentials: the stored access token while it
 * lasts, else (or when fresh) one from a refresh (the refresh token, or the client-credentials
 * grant of an account linked that way). WEFT_EAUTH when the host refuses the grant, WEFT_ERROR
 * when it cannot be reached; *token is then NULL. 0 with *token NULL: never granted. */
static int payload_token(const track_app *app, arena *a, json_t *p, bool fresh, const char **token)
{
	const char *access = json_string_value(json_object_get(p, "access_token"));
	const char *refresh = json_string_value(json_object_get(p, "refresh_token"));
	const char *secret = json_string_value(json_object_get(p, "oauth_secret"));
	const char *key = json_string_value(json_object_get(p, "oauth_key"));
	const char *site = json_string_value(json_object_get(p, "site_url"));
	int64_t expires_at = json_integer_value(json_object_get(p, "expires_at"));
	*token = NULL;
	if (!access || !secret || !key || !site)
		return 0; /* never granted: no hook was installed */
	if (!fresh && expires_at > clock_now_ms() + 60 * 1000)
		return dvcs_secret_open(a, app->secret_key, access, token);
	const char *plain_secret = NULL, *plain_refresh = NULL;
	int rc = dvcs_secret_open(a, app->secret_key, secret, &plain_secret);
	if (rc == 0 && refresh)
		rc = dvcs_secret_open(a, app->secret_key, refresh, &plain_refresh);
	dvcs_host_tokens t;
	dvcs_host_error err;
	if (rc == 0)
		rc = plain_refresh ? dvcs_host_token_refresh(a, site, key, plain_secret,
		                                             plain_refresh, &t, &err)
		                   : dvcs_host_token_client(a, site, key, plain_secret, &t, &err);
	if (rc == 0)
		*token = t.access;
	return rc;
}

/* The unlink job's state: the host, its token, and why hooks stay when they must. */
typedef struct unlinking {
	const track_app *app;
	arena *a;
	json_t *payload;
	dvcs_host host;
	const char *account;
	bool refreshed; /* the token is fresh from a refresh: a refusal now is final */
	const char
	        *dead; /* why no hook can be removed (the grant refused, the host down), or NULL */
} unlinking;

/* A hook the unlink leaves on the host, kept for the administrator and the webhook target. */
typedef struct left_hook {
	int64_t repo_id;
	const char *site_url, *account, *slug, *hook_url, *reason;
} left_hook;

static int store_left(db_conn *c, void *ctx)
{
	const left_hook *l = ctx;
	int rc = db_exec(c,
	                 "INSERT INTO dvcs_left_hooks (repo_id, site_url, account, slug, hook_url,"
	                 " reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
	                 " ON CONFLICT (repo_id) DO UPDATE SET site_url = excluded.site_url,"
	                 " account = excluded.account, slug = excluded.slug, hook_url ="
	                 " excluded.hook_url, reason = excluded.reason, created_at ="
	                 " excluded.created_at",
	                 db_int(l->repo_id), db_text(l->site_url), db_text(l->account),
	                 db_text(l->slug), db_text(l->hook_url), db_text(l->reason),
	                 db_int(clock_now_ms()));
	return rc < 0 ? rc : 0;
}

static int leave_hook(unlinking *u, int64_t id, const char *slug, const char *target,
                      const char *reason)
{
	left_hook l = { id, u->host.site_url, u->account, slug, target, reason };
	log_warn("dvcs: unlink leaves the webhook %s of %s/%s on the host: %s", target, u->account,
	         slug, reason);
	return db_tx(u->app->d, store_left, &l);
}

/* Why the host's answer rc leaves the hooks there, in words for the administrator. */
static const char *refusal(arena *a, int rc, const char *message)
{
	if (rc == WEFT_EAUTH)
		return arena_printf(a, "the host refused track's authorization (%s)", message);
	if (rc == WEFT_EPERM)
		return arena_printf(a, "the host refused to let track remove it (%s)", message);
	if (strncmp(message, "cannot reach", 12) == 0 || strstr(message, "did not answer"))
		return arena_printf(a, "the host could not be reached (%s)", message);
	return arena_printf(a, "the host failed (%s)", message);
}

/* The token after a refusal: refreshed once; when that fails too, the grant is dead. */
static void refresh_token(unlinking *u)
{
	u->refreshed = true;
	int rc = payload_token(u->app, u->a, u->payload, true, &u->host.token);
	if (rc < 0)
		u->dead = refusal(u->a, rc, err_msg());
}

static int unhook_repo(unlinking *u, json_t *repo)
{
	json_int_t id = json_integer_value(json_object_get(repo, "id"));
	const char *slug = json_string_value(json_object_get(repo, "slug"));
	const char *target = dvcs_hook_target(u->a, u->app, id);
	const char *hook = json_string_value(json_object_get(repo, "hook"));
	if (!slug || !target || (!u->host.token && !u->dead))
		return 0; /* no hook could ever have pointed at it */
	if (u->dead)
		return hook && strcmp(hook, "ok") != 0 ? 0
		                                       : leave_hook(u, id, slug, target, u->dead);
	hook_site s = { .a = u->a,
		        .host = &u->host,
		        .hooks_path = arena_printf(u->a, "/repositories/%s/%s/hooks",
		                                   dvcs_host_escape(u->a, u->account),
		                                   dvcs_host_escape(u->a, slug)),
		        .target = target };
	stored_repo r = { 0 };
	dvcs_host_error err;
	int rc = remove_hooks(&s, &r, &err);
	if ((rc == WEFT_EAUTH || rc == WEFT_EPERM) && !u->refreshed) {
		refresh_token(u);
		if (u->dead)
			return leave_hook(u, id, slug, target, u->dead);
		rc = remove_hooks(&s, &r, &err);
	}
	if (rc == 0)
		log_info("dvcs: unlink removed %zu hook(s) of %s/%s", s.uuids.n, u->account, slug);
	if (rc == WEFT_ENOTFOUND) /* the repository is gone from the host, and its hooks with it */
		log_info("dvcs: unlink: %s/%s is gone from the host", u->account, slug);
	if (rc == 0 || rc == WEFT_ENOTFOUND)
		return 0;
	const char *reason = refusal(u->a, rc, err_msg());
	if (rc != WEFT_EAUTH && rc != WEFT_EPERM)
		u->dead = reason; /* down: the next repositories are not tried for minutes each */
	return leave_hook(u, id, slug, target, reason);
}

/* Removes the hooks of every repository the payload names, and their mirrors. Whatever the host
 * answers the unlink ends: hooks that stay are recorded (dvcs_left_hooks), never retried. */
static int unlink_account(const track_app *app, arena *a, json_t *p)
{
	unlinking u = { .app = app,
		        .a = a,
		        .payload = p,
		        .host = { json_string_value(json_object_get(p, "site_url")),
		                  json_string_value(json_object_get(p, "api_url")), NULL },
		        .account = json_string_value(json_object_get(p, "name")) };
	json_t *repos = json_object_get(p, "repos");
	if (!u.host.site_url || !u.host.api_url || !u.account || !json_is_array(repos))
		return err_fail(WEFT_EINVALID, "unlink: the payload lacks the account");
	int rc = payload_token(app, a, p, false, &u.host.token);
	if (rc < 0) { /* the stored token had expired, and its refresh failed */
		u.refreshed = true;
		u.dead = refusal(a, rc, err_msg());
	}
	rc = 0;
	size_t i;
	json_t *repo;
	json_array_foreach(repos, i, repo)
	{
		if (rc == 0)
			rc = unhook_repo(&u, repo);
		json_int_t id = json_integer_value(json_object_get(repo, "id"));
		if (rc == 0 && id > 0)
			rc = remove_mirror(dvcs_repo_mirror_path(a, app, id));
	}
	return rc;
}

int dvcs_unlink_job(void *ctx, const job *j)
{
	const track_app *app = ctx;
	json_error_t e;
	json_t *payload = json_loads(j->payload, 0, &e);
	arena *a = arena_new();
	int rc = payload ? 0 : err_fail(WEFT_EINVALID, "unlink: the payload is not JSON");
	if (rc == 0 && !app->has_secret_key)
		rc = err_fail(WEFT_EINVALID, "unlink: track has no secret key");
	if (rc == 0)
		rc = unlink_account(app, a, payload);
	json_decref(payload);
	arena_free(a);
	return rc;
}

/* ---- hooks an unlink left on the host ---------------------------------------------------- */

#define LEFT_COLUMNS "id, repo_id, created_at, site_url, account, slug, hook_url, reason"

static void read_left(db_stmt *st, arena *a, dvcs_left_hook *out)
{
	*out = (dvcs_left_hook){ .id = db_col_int(st, 0),
		                 .repo_id = db_col_int(st, 1),
		                 .created_at = db_col_int(st, 2),
		                 .site_url = arena_strdup(a, db_col_text(st, 3)),
		                 .account = arena_strdup(a, db_col_text(st, 4)),
		                 .slug = arena_strdup(a, db_col_text(st, 5)),
		                 .hook_url = arena_strdup(a, db_col_text(st, 6)),
		                 .reason = arena_strdup(a, db_col_text(st, 7)) };
}

int dvcs_left_hooks_list(db_conn *c, arena *a, void (*fn)(void *ctx, const dvcs_left_hook *h),
                         void *ctx)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT " LEFT_COLUMNS " FROM dvcs_left_hooks ORDER BY id LIMIT 1000",
	                  DB_END);
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		dvcs_left_hook h;
		read_left(st, a, &h);
		fn(ctx, &h);
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int dvcs_left_hook_of_repo(db_conn *c, arena *a, int64_t repo_id, dvcs_left_hook *out)
{
	db_stmt *st;
	int rc = db_query(&st, c, "SELECT " LEFT_COLUMNS " FROM dvcs_left_hooks WHERE repo_id = $1",
	                  db_int(repo_id));
	if (rc == 0)
		rc = db_step(st);
	if (rc == DB_ROW)
		read_left(st, a, out);
	db_done(st);
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? 0 : err_fail(WEFT_ENOTFOUND, "No webhook was left for this id");
}

int dvcs_left_hook_forget(db_conn *c, int64_t id)
{
	int rc = db_exec(c, "DELETE FROM dvcs_left_hooks WHERE id = $1", db_int(id));
	if (rc == 0)
		return err_fail(WEFT_ENOTFOUND, "No left webhook %lld.", (long long)id);
	return rc < 0 ? rc : 0;
}

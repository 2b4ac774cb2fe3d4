/* Pull requests and build statuses of a linked repository: read from the host's API 2.0 (newest
 * first, until those the last sync saw) and from its webhook payloads, validated as hostile
 * input, and stored with the issue keys they name. */
#include "track/dvcs/pulls.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "track/dvcs/host.h"
#include "track/dvcs/keys.h"
#include "track/dvcs/push_payload.h"
#include "track/jira.h"
#include "web/escape.h"

enum {
	PULL_TEXT_MAX = 2048, /* bytes of a title, a branch, a URL or a name */
	PULL_NAME_MAX = 255, /* bytes of a person's or a build's name, a build's key */
	PULL_REVIEWERS_STORED = 100, /* reviewers kept per pull request */
	PULL_COMMITS_READ = 250, /* commits of a pull request whose messages give keys */
	PULL_KEYS_STORED = 500, /* keys stored per pull request */
	PULL_HASHES_MAX = 1000, /* commits whose build statuses one sync reads */
	PULL_PAGELEN = 50,
};

/* A pull request as a payload or a list gave it, checked; strings in the arena. */
typedef struct pull_in {
	int64_t number;
	const char *title, *state, *author, *source_branch, *destination_branch, *url;
	const char *source_hash; /* NULL when the host gave none */
	const char *reviewers; /* JSON text: [{"name": …, "approved": …}] */
	bool has_participants;
	int64_t comment_count, created_at, updated_at;
} pull_in;

/* A build status, checked. */
typedef struct build_in {
	const char *hash, *key, *name, *state, *url;
	int64_t updated_at;
} build_in;

/* ---- reading JSON ---- */

static int invalid(const char *what, const char *field)
{
	return err_fail(WEFT_EINVALID, "%s: %s is missing or not valid.", what, field);
}

/* The member at a dotted path of up to three names, or NULL. */
static json_t *member(json_t *v, const char *a, const char *b, const char *c)
{
	v = json_object_get(v, a);
	if (b)
		v = json_object_get(v, b);
	if (c)
		v = json_object_get(v, c);
	return v;
}

static bool one_of(const char *s, const char *const *words)
{
	for (; s && *words; words++)
		if (strcmp(s, *words) == 0)
			return true;
	return false;
}

/* An absolute http(s) URL: what the panel may link to. */
static const char *url_of(const json_t *v)
{
	const char *s = dvcs_json_text(v, PULL_TEXT_MAX);
	if (s && (strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0))
		return s;
	return NULL;
}

static int time_of(const json_t *v, int64_t *out)
{
	const char *s = dvcs_json_text(v, 64);
	return s && track_jira_parse_time(out, s) == 0 ? 0 : WEFT_EINVALID;
}

/* A full commit hash (40 or 64 hex digits), lower-cased into a. */
static const char *hash_of(arena *a, const char *s)
{
	size_t len = s ? strlen(s) : 0;
	if (len != 40 && len != 64)
		return NULL;
	char *out = arena_strdup(a, s);
	for (char *p = out; *p; p++) {
		if (!isxdigit((unsigned char)*p))
			return NULL;
		*p = (char)tolower((unsigned char)*p);
	}
	return out;
}

/* A person's name for the panel: display_name, else nickname, else "" (a user gone). */
static const char *person_of(const json_t *user)
{
	const char *name = dvcs_json_text(json_object_get(user, "display_name"), PULL_NAME_MAX);
	if (!name || !*name)
		name = dvcs_json_text(json_object_get(user, "nickname"), PULL_NAME_MAX);
	return name ? name : "";
}

/* Reviewers and everyone who approved, from participants, as the JSON text the table keeps. */
static int reviewers_of(arena *a, json_t *participants, const char **out)
{
	if (!json_is_array(participants))
		return invalid("pull request", "participants");
	json_t *list = json_array();
	size_t i;
	json_t *p;
	json_array_foreach(participants, i, p)
	{
		json_t *approved = json_object_get(p, "approved");
		const char *role = dvcs_json_text(json_object_get(p, "role"), 32);
		if (!json_is_object(p) || (approved && !json_is_boolean(approved)))
			break;
		bool yes = json_is_true(approved);
		if ((!role || strcmp(role, "REVIEWER") != 0) && !yes)
			continue;
		if (json_array_size(list) < PULL_REVIEWERS_STORED)
			json_array_append_new(list, json_pack("{s:s, s:b}", "name",
			                                      person_of(json_object_get(p, "user")),
			                                      "approved", yes));
	}
	char *text = i == json_array_size(participants) ? json_dumps(list, JSON_COMPACT) : NULL;
	json_decref(list);
	if (!text)
		return invalid("pull request", "participants");
	*out = arena_strdup(a, text);
	free(text);
	return 0;
}

static const char *const pull_states[] = { "OPEN", "MERGED", "DECLINED", "SUPERSEDED", NULL };

/* The endpoint (source or destination) branch's name and its commit's hash, if any. */
static int endpoint_of(arena *a, json_t *pr, const char *side, const char **branch,
                       const char **hash)
{
	*branch = dvcs_json_text(member(pr, side, "branch", "name"), PULL_TEXT_MAX);
	if (!*branch || !**branch)
		return invalid("pull request", side);
	if (hash)
		*hash = hash_of(a, dvcs_json_text(member(pr, side, "commit", "hash"), 64));
	return 0;
}

static int read_pull(arena *a, json_t *pr, pull_in *out)
{
	*out = (pull_in){ 0 };
	json_t *id = json_object_get(pr, "id"), *count = json_object_get(pr, "comment_count");
	if (!json_is_integer(id) || json_integer_value(id) <= 0)
		return invalid("pull request", "id");
	out->number = json_integer_value(id);
	out->title = dvcs_json_text(json_object_get(pr, "title"), PULL_TEXT_MAX);
	out->state = dvcs_json_text(json_object_get(pr, "state"), 16);
	out->url = url_of(member(pr, "links", "html", "href"));
	if (!out->title)
		return invalid("pull request", "title");
	if (!one_of(out->state, pull_states))
		return invalid("pull request", "state");
	if (!out->url)
		return invalid("pull request", "links.html.href");
	if (count && (!json_is_integer(count) || json_integer_value(count) < 0))
		return invalid("pull request", "comment_count");
	out->comment_count = count ? json_integer_value(count) : 0;
	out->author = person_of(json_object_get(pr, "author"));
	int rc = endpoint_of(a, pr, "source", &out->source_branch, &out->source_hash);
	if (rc == 0)
		rc = endpoint_of(a, pr, "destination", &out->destination_branch, NULL);
	if (rc == 0 && (time_of(json_object_get(pr, "created_on"), &out->created_at) < 0 ||
	                time_of(json_object_get(pr, "updated_on"), &out->updated_at) < 0))
		rc = invalid("pull request", "created_on or updated_on");
	out->has_participants = json_object_get(pr, "participants") != NULL;
	out->reviewers = "[]";
	if (rc == 0 && out->has_participants)
		rc = reviewers_of(a, json_object_get(pr, "participants"), &out->reviewers);
	return rc;
}

static const char *const build_states[] = { "SUCCESSFUL", "FAILED", "INPROGRESS", "STOPPED", NULL };

/* The commit a status belongs to: commit.hash, else the last segment of links.commit.href. */
static const char *status_hash(arena *a, json_t *status)
{
	const char *hash = dvcs_json_text(member(status, "commit", "hash", NULL), 64);
	if (hash)
		return hash_of(a, hash);
	const char *href = dvcs_json_text(member(status, "links", "commit", "href"), PULL_TEXT_MAX);
	const char *slash = href ? strrchr(href, '/') : NULL;
	return slash ? hash_of(a, slash + 1) : NULL;
}

/* A status; hash NULL takes the status's own commit. */
static int read_build(arena *a, json_t *status, const char *hash, build_in *out)
{
	*out = (build_in){ 0 };
	out->hash = hash ? hash : status_hash(a, status);
	out->key = dvcs_json_text(json_object_get(status, "key"), PULL_NAME_MAX);
	out->name = dvcs_json_text(json_object_get(status, "name"), PULL_NAME_MAX);
	out->state = dvcs_json_text(json_object_get(status, "state"), 16);
	out->url = url_of(json_object_get(status, "url"));
	if (!out->hash)
		return invalid("build status", "commit");
	if (!out->key || !*out->key)
		return invalid("build status", "key");
	if (!one_of(out->state, build_states))
		return invalid("build status", "state");
	if (!out->url)
		return invalid("build status", "url");
	if (!out->name || !*out->name)
		out->name = out->key;
	if (time_of(json_object_get(status, "updated_on"), &out->updated_at) < 0 &&
	    time_of(json_object_get(status, "created_on"), &out->updated_at) < 0)
		return invalid("build status", "updated_on");
	/* A sync keeps a page's statuses after the page is gone. */
	out->key = arena_strdup(a, out->key);
	out->name = arena_strdup(a, out->name);
	out->state = arena_strdup(a, out->state);
	out->url = arena_strdup(a, out->url);
	return 0;
}

/* ---- storing ---- */

static int touch_repo(db_conn *c, int64_t repo_id, int64_t activity_at)
{
	int rc = db_exec(c,
	                 "UPDATE dvcs_repos SET last_activity_at = CASE WHEN last_activity_at IS"
	                 " NULL OR last_activity_at < $2 THEN $2 ELSE last_activity_at END"
	                 " WHERE id = $1",
	                 db_int(repo_id), db_int(activity_at));
	return rc < 0 ? rc : 0;
}

/* Inserts or updates the pull request unless what is stored is newer; *id 0 when it was. */
static int upsert_pull(db_conn *c, int64_t repo_id, const pull_in *p, int64_t *id)
{
	db_stmt *st;
	*id = 0;
	int rc = db_query(
	        &st, c,
	        "INSERT INTO dvcs_pulls (repo_id, number, title, state, author_name, source_branch,"
	        " destination_branch, reviewers, comment_count, url, created_at, updated_at)"
	        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
	        " ON CONFLICT (repo_id, number) DO UPDATE SET title = excluded.title,"
	        " state = excluded.state, author_name = excluded.author_name,"
	        " source_branch = excluded.source_branch,"
	        " destination_branch = excluded.destination_branch,"
	        " reviewers = excluded.reviewers, comment_count = excluded.comment_count,"
	        " url = excluded.url, created_at = excluded.created_at,"
	        " updated_at = excluded.updated_at WHERE dvcs_pulls.updated_at <= "
	        "excluded.updated_at"
	        " RETURNING id",
	        db_int(repo_id), db_int(p->number), db_text(p->title), db_text(p->state),
	        db_text(p->author), db_text(p->source_branch), db_text(p->destination_branch),
	        db_text(p->reviewers), db_int(p->comment_count), db_text(p->url),
	        db_int(p->created_at), db_int(p->updated_at));
	if (rc == 0)
		rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE ? 0 : rc;
}

/* Stores keys (const char *) of the pull request; replace forgets those it had first. */
static int store_pull_keys(db_conn *c, int64_t pull_id, const array *keys, bool replace)
{
	int rc = replace ? db_exec(c, "DELETE FROM dvcs_pull_keys WHERE pull_id = $1",
	                           db_int(pull_id))
	                 : 0;
	const char *const *k = keys->items;
	for (size_t i = 0; rc >= 0 && i < keys->n && i < PULL_KEYS_STORED; i++)
		rc = db_exec(c,
		             "INSERT INTO dvcs_pull_keys (issue_key, pull_id) VALUES ($1, $2)"
		             " ON CONFLICT DO NOTHING",
		             db_text(k[i]), db_int(pull_id));
	return rc < 0 ? rc : 0;
}

/* The keys of a pull request's title and source branch, appended to keys. */
static void title_keys(arena *a, const pull_in *p, array *keys)
{
	dvcs_keys_find(a, p->title, strlen(p->title), keys);
	dvcs_keys_find(a, p->source_branch, strlen(p->source_branch), keys);
}

static int store_pull(db_conn *c, int64_t repo_id, const pull_in *p, const array *keys,
                      bool replace_keys)
{
	int64_t id = 0;
	int rc = upsert_pull(c, repo_id, p, &id);
	if (rc == 0 && id)
		rc = store_pull_keys(c, id, keys, replace_keys);
	return rc < 0 ? rc : touch_repo(c, repo_id, p->updated_at);
}

static int store_build(db_conn *c, int64_t repo_id, const build_in *b)
{
	int rc = db_exec(c,
	                 "INSERT INTO dvcs_builds (repo_id, commit_hash, key, name, state, url,"
	                 " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
	                 " ON CONFLICT (repo_id, commit_hash, key) DO UPDATE SET"
	                 " name = excluded.name, state = excluded.state, url = excluded.url,"
	                 " updated_at = excluded.updated_at"
	                 " WHERE dvcs_builds.updated_at <= excluded.updated_at",
	                 db_int(repo_id), db_text(b->hash), db_text(b->key), db_text(b->name),
	                 db_text(b->state), db_text(b->url), db_int(b->updated_at));
	return rc < 0 ? rc : 0;
}

/* ---- webhooks ---- */

int dvcs_pulls_apply_event(db_conn *c, arena *a, int64_t repo_id, const char *event,
                           json_t *payload)
{
	pull_in p;
	array keys = ARRAY_INIT;
	if (!event || strncmp(event, "pullrequest:", 12) != 0)
		return err_fail(WEFT_EINVALID, "%.64s is not a pull request event.",
		                event ? event : "(none)");
	json_t *pr = json_object_get(payload, "pullrequest");
	if (!json_is_object(pr))
		return invalid("pull request event", "pullrequest");
	int rc = read_pull(a, pr, &p);
	if (rc < 0)
		return rc;
	title_keys(a, &p, &keys);
	/* The commits' keys come with the next sync: keep those stored. */
	return store_pull(c, repo_id, &p, &keys, false);
}

int dvcs_builds_apply_event(db_conn *c, arena *a, int64_t repo_id, json_t *payload)
{
	build_in b;
	json_t *status = json_object_get(payload, "commit_status");
	if (!json_is_object(status))
		return invalid("build status event", "commit_status");
	int rc = read_build(a, status, NULL, &b);
	if (rc == 0)
		rc = store_build(c, repo_id, &b);
	if (rc == 0)
		rc = touch_repo(c, repo_id, b.updated_at);
	return rc;
}

/* ---- syncing ---- */

typedef struct sync_ctx {
	const track_app *app;
	arena *a;
	const dvcs_host *host;
	const char *base; /* /repositories/ACCOUNT/SLUG, escaped */
	int64_t repo_id, since, newest;
	int64_t stored;
	array hashes; /* const char *: commits whose statuses to read */
	int rc; /* the first failure inside a callback */
} sync_ctx;

/* The repository's API path: /repositories/ACCOUNT/SLUG, escaped, in a. */
static const char *repo_path(arena *a, const char *account, const char *slug)
{
	buf b = BUF_INIT;
	buf_puts(&b, "/repositories/");
	esc_url_segment(&b, account, strlen(account));
	buf_putc(&b, '/');
	esc_url_segment(&b, slug, strlen(slug));
	const char *path = arena_strdup(a, buf_cstr(&b));
	buf_dispose(&b);
	return path;
}

/* Walks a list of the host's; a failure carries the host's status and words, and a callback's
 * own failure wins. */
static int host_each(sync_ctx *sc, const char *path, int (*fn)(void *ctx, json_t *value), void *ctx)
{
	dvcs_host_error herr = { 0 };
	int rc = dvcs_host_each(sc->host, path, fn, ctx, &herr);
	if (rc < 0 && herr.message)
		rc = err_fail(rc, "GET %s: the host answered %ld: %.300s", path, herr.status,
		              herr.message);
	return sc->rc < 0 ? sc->rc : rc;
}

typedef struct commits_ctx {
	arena *a;
	array *keys;
	size_t seen;
} commits_ctx;

static int commit_keys(void *ctx, json_t *commit)
{
	commits_ctx *cc = ctx;
	const char *message = dvcs_json_text(json_object_get(commit, "message"), 1 << 20);
	json_t *parents = json_object_get(commit, "parents");
	if (message && json_array_size(parents) <= 1)
		dvcs_keys_find(cc->a, message, strlen(message), cc->keys);
	return ++cc->seen >= PULL_COMMITS_READ;
}

typedef struct store_ctx {
	int64_t repo_id;
	const pull_in *p;
	const array *keys;
} store_ctx;

static int store_pull_tx(db_conn *c, void *ctx)
{
	store_ctx *s = ctx;
	return store_pull(c, s->repo_id, s->p, s->keys, true);
}

static bool has_hash(const array *hashes, const char *hash)
{
	const char *const *h = hashes->items;
	for (size_t i = 0; i < hashes->n; i++)
		if (strcmp(h[i], hash) == 0)
			return true;
	return false;
}

static void add_hash(sync_ctx *sc, const char *hash)
{
	if (hash && sc->hashes.n < PULL_HASHES_MAX && !has_hash(&sc->hashes, hash))
		*ARRAY_PUSH(sc->a, &sc->hashes, const char *) = hash;
}

/* A list may give pull requests without participants (Bitbucket's does): read the whole one
 * into *full, which p borrows from until the caller releases it. */
static int whole_pull(sync_ctx *sc, pull_in *p, json_t **full)
{
	dvcs_host_error herr = { 0 };
	const char *path =
	        arena_printf(sc->a, "%s/pullrequests/%lld", sc->base, (long long)p->number);
	int rc = dvcs_host_call(sc->host, "GET", path, NULL, full, &herr);
	if (rc < 0 && herr.message)
		rc = err_fail(rc, "GET %s: the host answered %ld: %.300s", path, herr.status,
		              herr.message);
	if (rc == 0)
		rc = read_pull(sc->a, *full, p);
	return rc;
}

/* Reads the commits of one pull request, stores it with every key in one transaction. */
static int sync_pull(sync_ctx *sc, pull_in *p)
{
	array keys = ARRAY_INIT;
	commits_ctx cc = { sc->a, &keys, 0 };
	json_t *full = NULL;
	int rc = p->has_participants ? 0 : whole_pull(sc, p, &full);
	if (rc == 0) {
		title_keys(sc->a, p, &keys);
		const char *path = arena_printf(sc->a, "%s/pullrequests/%lld/commits?pagelen=%d",
		                                sc->base, (long long)p->number, PULL_PAGELEN);
		rc = host_each(sc, path, commit_keys, &cc);
	}
	if (rc == WEFT_ENOTFOUND) /* a source branch gone: its commits are no longer listed */
		rc = 0;
	store_ctx s = { sc->repo_id, p, &keys };
	if (rc == 0)
		rc = db_tx(sc->app->d, store_pull_tx, &s);
	if (rc == 0) {
		sc->stored++;
		add_hash(sc, p->source_hash);
	}
	json_decref(full);
	return rc;
}

static int each_pull(void *ctx, json_t *value)
{
	sync_ctx *sc = ctx;
	pull_in p;
	int rc = read_pull(sc->a, value, &p);
	if (rc == 0 && p.updated_at < sc->since)
		return 1; /* newest first: the rest were seen */
	if (rc == 0)
		rc = sync_pull(sc, &p);
	if (rc < 0) {
		sc->rc = rc;
		return 1;
	}
	if (p.updated_at > sc->newest)
		sc->newest = p.updated_at;
	return 0;
}

/* The list's path: every state, newest first, updated since the last sync. */
static const char *pulls_path(sync_ctx *sc)
{
	buf b = BUF_INIT;
	buf_printf(&b,
	           "%s/pullrequests?state=OPEN&state=MERGED&state=DECLINED&state=SUPERSEDED"
	           "&sort=-updated_on&pagelen=%d",
	           sc->base, PULL_PAGELEN);
	if (sc->since > 0) {
		char iso[CLOCK_ISO_LEN];
		clock_format_iso8601(iso, sc->since);
		const char *q = arena_printf(sc->a, "updated_on >= %s", iso);
		buf_puts(&b, "&q=");
		esc_url_query(&b, q, strlen(q));
	}
	const char *path = arena_strdup(sc->a, buf_cstr(&b));
	buf_dispose(&b);
	return path;
}

typedef struct builds_ctx {
	sync_ctx *sc;
	const char *hash;
	array builds; /* build_in */
} builds_ctx;

static int each_build(void *ctx, json_t *value)
{
	builds_ctx *bc = ctx;
	build_in *b = ARRAY_PUSH(bc->sc->a, &bc->builds, build_in);
	int rc = read_build(bc->sc->a, value, bc->hash, b);
	if (rc < 0) {
		bc->sc->rc = rc;
		return 1;
	}
	return 0;
}

static int store_builds_tx(db_conn *c, void *ctx)
{
	builds_ctx *bc = ctx;
	const build_in *b = bc->builds.items;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < bc->builds.n; i++)
		rc = store_build(c, bc->sc->repo_id, &b[i]);
	return rc;
}

/* The statuses of one commit, stored in one transaction; a commit the host does not know is
 * skipped (a head that a force push dropped). */
static int sync_builds(sync_ctx *sc, const char *hash)
{
	builds_ctx bc = { sc, hash, ARRAY_INIT };
	const char *path = arena_printf(sc->a, "%s/commit/%s/statuses?pagelen=%d", sc->base, hash,
	                                PULL_PAGELEN);
	int rc = host_each(sc, path, each_build, &bc);
	if (rc == WEFT_ENOTFOUND)
		return 0;
	if (rc == 0 && bc.builds.n)
		rc = db_tx(sc->app->d, store_builds_tx, &bc);
	return rc;
}

static int read_since(db_conn *c, void *ctx)
{
	sync_ctx *sc = ctx;
	return db_query_int(&sc->since, c,
	                    "SELECT COALESCE(pulls_synced_at, 0) FROM dvcs_repos WHERE id = $1",
	                    db_int(sc->repo_id));
}

/* Advances pulls_synced_at to the newest pull request seen: the host's clock, not ours. The
 * sync job adds *pulls to the run's sync_pulls. */
static int write_since(db_conn *c, void *ctx)
{
	sync_ctx *sc = ctx;
	int rc = db_exec(c, "UPDATE dvcs_repos SET pulls_synced_at = $2 WHERE id = $1",
	                 db_int(sc->repo_id),
	                 db_int(sc->newest > sc->since ? sc->newest : sc->since));
	return rc < 0 ? rc : 0;
}

static int sync_pulls_list(sync_ctx *sc)
{
	int rc = host_each(sc, pulls_path(sc), each_pull, sc);
	return rc < 0 ? rc : db_tx(sc->app->d, write_since, sc);
}

int dvcs_pulls_sync(const track_app *app, arena *a, const dvcs_account *account,
                    const dvcs_repo *repo, const char *token, bool full,
                    const char *const *head_hashes, size_t nheads, int64_t *pulls)
{
	dvcs_host host = { account->site_url, account->api_url, token };
	sync_ctx sc = { .app = app, .a = a, .host = &host, .repo_id = repo->id };
	sc.base = repo_path(a, account->account, repo->slug);
	*pulls = 0;
	int rc = full ? 0 : db_read(app->d, read_since, &sc);
	if (rc == 0)
		rc = sync_pulls_list(&sc);
	for (size_t i = 0; i < nheads; i++)
		add_hash(&sc, hash_of(a, head_hashes[i]));
	const char *const *h = sc.hashes.items;
	for (size_t i = 0; rc == 0 && i < sc.hashes.n; i++)
		rc = sync_builds(&sc, h[i]);
	if (rc == 0)
		*pulls = sc.stored;
	return rc;
}

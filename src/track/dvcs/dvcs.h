/* The connector: what track knows of linked code-host accounts (weft hub, Bitbucket Cloud) and
 * their repositories, and the contracts between its parts. Tables: migrations/track/{sqlite,pg}/0006_dvcs.sql.
 *
 * The parts, one module each (src/track/dvcs/):
 *   secret.c    sealing OAuth secrets and tokens at rest
 *   host.c      the code host's HTTP API 2.0 and OAuth endpoints (libcurl), as any client uses them
 *   account.c   linked accounts: link, consent, tokens (refreshed when they expire), unlink
 *   discover.c  listing an account's repositories, storing them, installing the webhook on each
 *   dvcs_web.c  Administration › Applications › DVCS accounts, the consent callback
 *   dvcs_api.c  the admin REST API under /rest/bitbucket/1.0/; sync_api.c the webhook target
 *   push_payload.c  the commits a repo:push payload names, read as hostile input
 *   provisional.c   those commits shown at once, until the sync confirms or removes them
 *   keys.c      finding issue keys in commit messages, branch names and titles
 *   mirror.c    the bare mirror of a repository: git fetch with the token, walking new commits
 *   found.c     storing what a sync found: commits, branches, pull requests, builds and keys
 *   sync.c      the sync job (soft or full), its triggers and the periodic job
 *   pulls.c     pull requests and build statuses through API 2.0 and their webhooks
 *   smart.c     smart commits: the parser; smart_run.c runs the commands exactly once
 *   panel.c     everything linked to an issue's keys, for the panel and the dev-status API
 *   files.c     the file counts of the commits a page of them shows, counted from the mirror
 *
 * Every function that writes runs inside the caller's transaction unless it says otherwise. */
#ifndef WEFT_TRACK_DVCS_DVCS_H
#define WEFT_TRACK_DVCS_DVCS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "db/jobs.h"
#include "track/track.h"

/* Job kinds of the connector (registered by dvcs_jobs_start). */
/* {"repo": ID}, de-duplicated per repository; full or soft is the repository's sync_full flag */
#define DVCS_SYNC_JOB "dvcs.sync"
#define DVCS_DISCOVER_JOB "dvcs.discover" /* {"account": ID}: list repositories, install hooks */
#define DVCS_SMART_JOB "dvcs.smart" /* {"repo": ID, "commits": [HASH, …]}: run smart commits */
#define DVCS_PERIODIC_JOB "dvcs.periodic" /* {}: soft sync and discovery of every account */
#define DVCS_UNLINK_JOB "dvcs.unlink" /* {"account": ID, …}: remove hooks and mirrors */

/* The header the connector's webhook deliveries are signed in (HMAC-SHA256 of the body with the
 * hook's secret, "sha256=" and lower-case hex), and the header naming the event. */
#define DVCS_SIGNATURE_HEADER "X-Hub-Signature"
#define DVCS_EVENT_HEADER "X-Event-Key"

typedef enum { DVCS_HOST_WEFT, DVCS_HOST_BITBUCKET } dvcs_host_kind;

/* A linked account. Strings live in an arena; the secrets stay sealed until used. */
typedef struct dvcs_account {
	int64_t id;
	dvcs_host_kind host_kind;
	const char *site_url; /* the host's web base, no trailing slash */
	const char *api_url; /* API 2.0's base, no trailing slash */
	const char *account; /* the team or user account (workspace slug) */
	const char *oauth_key;
	bool auto_link, smart_commits;
	const char *status; /* "pending", "ok" or "auth_failed" */
	const char *last_error; /* NULL when none */
	int64_t created_at, updated_at;
} dvcs_account;

/* A repository of a linked account. */
typedef struct dvcs_repo {
	int64_t id;
	int64_t account_id;
	const char *slug, *name;
	bool is_private, linked, smart_commits, deleted;
	const char *hook_status; /* "none", "ok" or "no_admin" */
	const char *sync_state; /* "never", "queued", "running", "done" or "failed" */
	bool sync_full;
	int64_t sync_started_at, sync_finished_at; /* epoch ms, 0 when never */
	int64_t sync_commits, sync_pulls, sync_issues;
	const char *sync_error; /* NULL when none */
	int64_t smart_error_count;
	int64_t last_activity_at;
} dvcs_repo;

/* account.c ------------------------------------------------------------------------------ */

int dvcs_account_get(db_conn *c, arena *a, int64_t id, dvcs_account *out); /* WEFT_ENOTFOUND */
/* Calls fn for every account, oldest first. */
int dvcs_account_list(db_conn *c, arena *a, void (*fn)(void *ctx, const dvcs_account *account),
                      void *ctx);

/* A live access token of the account (in a), refreshed through the host's token endpoint when it
 * expires within a minute (the new one is stored in its own transaction). WEFT_EAUTH when the
 * host refuses the refresh: the account is then marked "auth_failed" with the host's words, and
 * nothing else changes. Runs outside any transaction (it may talk to the host). */
int dvcs_account_access_token(const track_app *app, arena *a, int64_t account_id,
                              const char **token);
/* The host answered 401 to a token that had not expired (revoked, or the consumer changed):
 * renews it at once through the token endpoint, with the errors and effects of
 * dvcs_account_access_token's refresh. */
int dvcs_account_renew_token(const track_app *app, arena *a, int64_t account_id,
                             const char **token);

/* repositories (discover.c) ------------------------------------------------------------ */

int dvcs_repo_get(db_conn *c, arena *a, int64_t id, dvcs_repo *out); /* WEFT_ENOTFOUND */
/* Calls fn for the account's repositories (account_id 0: every account's), by slug. */
int dvcs_repo_list(db_conn *c, arena *a, int64_t account_id,
                   void (*fn)(void *ctx, const dvcs_repo *repo), void *ctx);
/* *out = how many repositories the account has. Store errors. */
int dvcs_repo_count(db_conn *c, int64_t account_id, int64_t *out);
/* The sealed-open secret of the repository's webhook (in a); WEFT_ENOTFOUND when it has none. */
int dvcs_repo_hook_secret(const track_app *app, db_conn *c, arena *a, int64_t repo_id,
                          const char **secret);
/* The repository's Git over HTTP URL on its host (in a): SITE/ACCOUNT/SLUG.git. */
const char *dvcs_repo_clone_url(arena *a, const dvcs_account *account, const dvcs_repo *repo);
/* The repository's bare mirror: DVCS_DIR/ID.git (in a). */
const char *dvcs_repo_mirror_path(arena *a, const track_app *app, int64_t repo_id);

/* sync.c --------------------------------------------------------------------------------- */

/* Queues a sync of the repository (full: forget what is stored and walk everything again) in
 * c's transaction; a sync already queued absorbs it (a full request makes it full), and one
 * running gets exactly one follow-up run. Marks the repository "queued" unless it runs. */
int dvcs_sync_enqueue(db_conn *c, int64_t repo_id, bool full);

/* Registers the connector's job handlers (sync, discover, smart, periodic, unlink) and
 * schedules the periodic job. */
int dvcs_jobs_start(job_queue *q, track_app *app);

#endif

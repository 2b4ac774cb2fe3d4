/* The connector's discovery and unlink jobs (discover.c), registered by dvcs_jobs_start.
 *
 * DVCS_DISCOVER_JOB {"account": ID}: lists the account's repositories through API 2.0, stores
 * new ones (linked per the account's auto-link, smart commits per its default), marks those gone
 * from the host deleted, installs the webhook on each linked repository (one per repository,
 * whatever ran before), removes it from unlinked ones, and queues a sync of every linked one.
 *
 * DVCS_UNLINK_JOB {"account": ID, "site_url", "api_url", "name", "oauth_key", "oauth_secret",
 * "access_token", "refresh_token" (sealed), "expires_at", "repos": [{"id", "slug"}, …]}: the
 * account's rows are gone when it runs, so the payload carries what removing its hooks from the
 * host and its mirrors from DVCS_DIR needs. */
#ifndef WEFT_TRACK_DVCS_DISCOVER_H
#define WEFT_TRACK_DVCS_DISCOVER_H

#include "db/jobs.h"
#include "track/track.h"

/* The job handlers; ctx is the track_app. Idempotent: they may run more than once. */
int dvcs_discover_job(void *ctx, const job *j);
int dvcs_unlink_job(void *ctx, const job *j);

/* The URL the host's webhook of repository repo_id posts to (in a):
 * PUBLIC_URL/rest/bitbucket/1.0/repository/ID/sync. NULL when track's public URL is unknown. */
const char *dvcs_hook_target(arena *a, const track_app *app, int64_t repo_id);

/* A webhook an unlink left on the host (see DVCS_UNLINK_JOB): the repository it belonged to
 * (its former id, which the hook's URL names), the hook's URL, and why it stayed. */
typedef struct dvcs_left_hook {
	int64_t id, repo_id, created_at;
	const char *site_url, *account, *slug, *hook_url, *reason;
} dvcs_left_hook;

/* Calls fn for every left hook, oldest first (up to 1,000); the strings live in a. */
int dvcs_left_hooks_list(db_conn *c, arena *a, void (*fn)(void *ctx, const dvcs_left_hook *h),
                         void *ctx);

/* The left hook whose URL names repository repo_id, in a. WEFT_ENOTFOUND when there is none. */
int dvcs_left_hook_of_repo(db_conn *c, arena *a, int64_t repo_id, dvcs_left_hook *out);

/* Forgets the left hook id (the administrator removed it on the host): its deliveries are then
 * answered as any unknown repository's. WEFT_ENOTFOUND when there is none. */
int dvcs_left_hook_forget(db_conn *c, int64_t id);

#endif

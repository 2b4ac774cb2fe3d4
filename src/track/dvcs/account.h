/* Linking a code-host account: the pending link and the administrator's consent on the host
 * (OAuth 2.0 authorization code), the unattended link (client credentials), the account's
 * defaults, Reset OAuth settings, and Delete. What the pages, the REST API and the command line
 * call; validation messages follow connector.md ("Invalid user/team account", "Account is
 * already integrated", "The authentication with Bitbucket has failed. Please check your OAuth
 * settings"). */
#ifndef WEFT_TRACK_DVCS_ACCOUNT_H
#define WEFT_TRACK_DVCS_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "track/dvcs/dvcs.h"

/* What the link form or the command line asks for. */
typedef struct dvcs_link_request {
	dvcs_host_kind host_kind;
	const char *site_url; /* weft hub's base URL; ignored for Bitbucket Cloud (bitbucket.org) */
	const char *account; /* the team or user account */
	const char *oauth_key, *oauth_secret;
	bool auto_link, smart_commits;
	int64_t created_by; /* the administrator; 0 from the command line */
} dvcs_link_request;

/* The consent callback's path on track, and its full URL (in a) from app->public_url. */
#define DVCS_CALLBACK_PATH "/secure/admin/dvcs/callback"
const char *dvcs_callback_url(arena *a, const track_app *app);

/* Checks the request (every field present and bounded, the URL http(s) without credentials,
 * query or fragment) and stores a "pending" account with a fresh consent state (*state, in a,
 * to send in the authorize URL; kept only as its digest). WEFT_EINVALID with the field's message,
 * WEFT_EEXISTS "Account is already integrated" when this host's account is linked already. */
int dvcs_account_create_pending(db_conn *c, arena *a, const track_app *app,
                                const dvcs_link_request *req, int64_t *id, const char **state);

/* The consent callback: the pending account whose state this is exchanges code for tokens,
 * checks that the account exists on the host (WEFT_EINVALID "Invalid user/team account") and
 * that the token may administer its repositories, stores the sealed tokens, marks it "ok" and
 * queues its discovery. On failure the account keeps its error (shown on the page) and stays
 * pending. WEFT_ENOTFOUND for a state no pending account has; WEFT_EAUTH for an OAuth failure.
 * Talks to the host: runs outside any transaction. */
int dvcs_account_finish_consent(const track_app *app, arena *a, const char *state, const char *code,
                                int64_t *id);

/* The unattended link (weft track dvcs link): create, take a token by the client-credentials
 * grant, check as above, mark "ok" and queue discovery; nothing is stored when any step fails.
 * Runs outside any transaction. */
int dvcs_account_link_client(const track_app *app, arena *a, const dvcs_link_request *req,
                             int64_t *id);

/* The account's defaults for repositories found from now on. WEFT_ENOTFOUND. */
int dvcs_account_set_defaults(db_conn *c, int64_t id, bool auto_link, bool smart_commits);

/* Reset OAuth settings: a new key and secret, the tokens dropped, the account "pending" again
 * with a fresh consent state (*state in a). Repositories and what was synced stay. */
int dvcs_account_reset_oauth(db_conn *c, arena *a, const track_app *app, int64_t id,
                             const char *key, const char *secret, const char **state);

/* Delete: queues the removal of its hooks from the host and of its mirrors (a job that needs
 * the tokens, so they travel sealed in its payload), then deletes the account with its
 * repositories and everything synced from them. WEFT_ENOTFOUND. */
int dvcs_account_unlink(db_conn *c, arena *a, int64_t id);

/* Queues discovery of the account (list repositories, store new ones, install hooks, sync the
 * linked ones), de-duplicated per account. */
int dvcs_discover_enqueue(db_conn *c, int64_t account_id);

/* Per repository: linking queues its discovery (which installs the hook) and a full sync;
 * unlinking keeps its data and stops syncing it (its hook is removed by discovery). */
int dvcs_repo_set_linked(db_conn *c, int64_t repo_id, bool linked);
int dvcs_repo_set_smart_commits(db_conn *c, int64_t repo_id, bool on);

#endif

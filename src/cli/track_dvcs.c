/* weft track dvcs link|list|sync|unlink: the connector's linked accounts from the command line,
 * for unattended set-ups. link talks to the code host; the others only queue work that the
 * running `weft serve` (track) does. Prints what it did, or exits 2 with a one-line reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/arena.h"
#include "base/array.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/err.h"
#include "base/log.h"
#include "base/str.h"
#include "base/token.h"
#include "cli/cli.h"
#include "cli/datadir.h"
#include "cli/store.h"
#include "track/dvcs/account.h"
#include "track/dvcs/discover.h"
#include "track/dvcs/dvcs.h"

#define COMMAND "track dvcs"
#define BITBUCKET_SITE "https://bitbucket.org"

static void print_help(void)
{
	printf("Usage: weft track dvcs link --host-url URL --account ACCOUNT --key KEY "
	       "[--no-auto-link] [--no-smart-commits]\n"
	       "       weft track dvcs list\n"
	       "       weft track dvcs sync [--full] ACCOUNT[/SLUG]\n"
	       "       weft track dvcs unlink [--no-wait] ACCOUNT\n\n"
	       "link:   links a team or user account of a code host (a weft hub at URL, or\n"
	       "        https://bitbucket.org) with the OAuth consumer KEY, whose secret is read\n"
	       "        from standard input (one line), by the client-credentials grant; checks\n"
	       "        the account and the consumer's rights on the host, then queues the\n"
	       "        discovery of its repositories (the running weft serve does it).\n"
	       "list:   every linked account and its repositories with their sync state.\n"
	       "sync:   queues a sync of the repository, or refreshes the account's repository\n"
	       "        list and syncs every linked one (--full: forget what was synced and walk\n"
	       "        everything again).\n"
	       "unlink: deletes the account and everything synced from it; its webhooks and\n"
	       "        mirrors are removed by the running weft serve, which unlink waits for\n"
	       "        (up to 30 s; not with --no-wait) to print each webhook the host would\n"
	       "        not let it remove (list shows them too, as left_hook lines).\n\n"
	       "Options:\n");
	config_print_help(stdout, CONFIG_DB);
}

/* The track store of a dvcs command, migrated. */
static int open_store(cli_store *store, const config *cfg)
{
	bool missing;
	if (datadir_check(cfg->data_dir, &missing) < 0)
		return WEFT_EINVALID;
	if (missing && datadir_create(cfg->data_dir) < 0)
		return WEFT_ERROR;
	int rc = cli_store_open(store, cfg, "track", 2);
	if (rc == 0)
		rc = cli_store_migrate(store, NULL);
	return rc;
}

/* ---- link ------------------------------------------------------------------------------- */

typedef struct link_args {
	const char *host_url, *account, *key;
	bool no_auto_link, no_smart_commits;
} link_args;

static int run_link(const config *cfg, const link_args *in)
{
	if (!in->host_url || !in->account || !in->key)
		return err_fail(WEFT_EINVALID, "link needs --host-url URL, --account ACCOUNT and "
		                               "--key KEY (see --help)");
	char *secret = cli_read_line();
	if (!secret || !*secret) {
		free(secret);
		return err_fail(WEFT_EINVALID, "no OAuth secret on standard input (one line)");
	}
	dvcs_link_request req = {
		.host_kind = str_starts_with(in->host_url, BITBUCKET_SITE) ? DVCS_HOST_BITBUCKET
		                                                           : DVCS_HOST_WEFT,
		.site_url = in->host_url,
		.account = in->account,
		.oauth_key = in->key,
		.oauth_secret = secret,
		.auto_link = !in->no_auto_link,
		.smart_commits = !in->no_smart_commits,
	};
	cli_store store = { 0 };
	arena *a = arena_new();
	int64_t id = 0;
	int rc = open_store(&store, cfg);
	if (rc == 0 && (rc = dvcs_account_link_client(&store.track, a, &req, &id)) == 0)
		printf("linked %s (account %lld); its repositories are discovered by the running "
		       "weft serve\n",
		       in->account, (long long)id);
	if (store.d)
		cli_store_close(&store, 0);
	arena_free(a);
	free(secret);
	return rc;
}

/* ---- list ------------------------------------------------------------------------------- */

static void print_account(void *ctx, const dvcs_account *acc)
{
	(void)ctx;
	printf("account id=%lld name=%s site=%s status=%s auto_link=%d smart_commits=%d%s%s\n",
	       (long long)acc->id, acc->account, acc->site_url, acc->status, acc->auto_link,
	       acc->smart_commits, acc->last_error ? " last_error=" : "",
	       acc->last_error ? acc->last_error : "");
}

static void print_repo(void *ctx, const dvcs_repo *r)
{
	(void)ctx;
	printf("repo id=%lld account=%lld slug=%s linked=%d smart_commits=%d deleted=%d hook=%s "
	       "sync=%s%s commits=%lld pulls=%lld issues=%lld%s%s\n",
	       (long long)r->id, (long long)r->account_id, r->slug, r->linked, r->smart_commits,
	       r->deleted, r->hook_status, r->sync_state, r->sync_full ? " full=1" : "",
	       (long long)r->sync_commits, (long long)r->sync_pulls, (long long)r->sync_issues,
	       r->sync_error ? " error=" : "", r->sync_error ? r->sync_error : "");
}

typedef struct list_ctx {
	arena *a;
} list_ctx;

static void print_left_hook(void *ctx, const dvcs_left_hook *h)
{
	(void)ctx;
	printf("left_hook id=%lld repo=%s/%s site=%s url=%s reason=%s\n", (long long)h->id,
	       h->account, h->slug, h->site_url, h->hook_url, h->reason);
}

static int list_all(db_conn *c, void *ctx)
{
	list_ctx *l = ctx;
	int rc = dvcs_account_list(c, l->a, print_account, NULL);
	if (rc == 0)
		rc = dvcs_repo_list(c, l->a, 0, print_repo, NULL);
	return rc < 0 ? rc : dvcs_left_hooks_list(c, l->a, print_left_hook, NULL);
}

static int run_list(const config *cfg)
{
	cli_store store = { 0 };
	list_ctx l = { arena_new() };
	int rc = open_store(&store, cfg);
	if (rc == 0)
		rc = db_read(store.d, list_all, &l);
	if (store.d)
		cli_store_close(&store, 0);
	arena_free(l.a);
	return rc;
}

/* ---- sync and unlink -------------------------------------------------------------------- */

/* ACCOUNT[/SLUG] as given and what it names. */
typedef struct target {
	arena *a;
	const char *account, *slug; /* slug NULL: the whole account */
	bool full;
	int64_t account_id;
	int queued;
} target;

static int find_account(db_conn *c, target *t)
{
	int64_t n = 0;
	int rc = db_query_int(&n, c,
	                      "SELECT count(*) FROM dvcs_accounts WHERE lower(account) = lower($1)",
	                      db_text(t->account));
	if (rc == 0 && n > 1)
		rc = err_fail(WEFT_EINVALID, "%s is linked on several hosts", t->account);
	if (rc == 0)
		rc = db_query_int(&t->account_id, c,
		                  "SELECT id FROM dvcs_accounts WHERE lower(account) = lower($1)",
		                  db_text(t->account));
	if (rc == 0 && !t->account_id)
		rc = err_fail(WEFT_ENOTFOUND, "no linked account %s", t->account);
	return rc;
}

static int sync_repo(db_conn *c, target *t)
{
	int64_t id = 0;
	int rc = db_query_int(&id, c,
	                      "SELECT id FROM dvcs_repos WHERE account_id = $1 AND slug = $2 AND"
	                      " deleted = 0",
	                      db_int(t->account_id), db_text(t->slug));
	if (rc == 0 && !id)
		return err_fail(WEFT_ENOTFOUND, "%s has no repository %s", t->account, t->slug);
	dvcs_repo repo;
	if (rc == 0)
		rc = dvcs_repo_get(c, t->a, id, &repo);
	if (rc == 0 && !repo.linked)
		return err_fail(WEFT_EINVALID, "%s/%s is not linked", t->account, t->slug);
	if (rc == 0 && (rc = dvcs_sync_enqueue(c, id, t->full)) == 0)
		t->queued = 1;
	return rc;
}

/* --full for a whole account: every linked repository's next sync is a full one. */
static int queue_full(db_conn *c, target *t)
{
	db_stmt *st;
	array ids = ARRAY_INIT;
	int rc = db_query(&st, c,
	                  "SELECT id FROM dvcs_repos WHERE account_id = $1 AND linked = 1 AND"
	                  " deleted = 0",
	                  db_int(t->account_id));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		*ARRAY_PUSH(t->a, &ids, int64_t) = db_col_int(st, 0);
		rc = 0;
	}
	db_done(st);
	const int64_t *id = ids.items;
	for (size_t i = 0; rc >= 0 && i < ids.n; i++)
		rc = dvcs_sync_enqueue(c, id[i], true);
	t->queued = (int)ids.n;
	return rc < 0 ? rc : 0;
}

static int sync_tx(db_conn *c, void *ctx)
{
	target *t = ctx;
	int rc = find_account(c, t);
	if (rc == 0 && t->slug)
		return sync_repo(c, t);
	if (rc == 0 && t->full)
		rc = queue_full(c, t);
	if (rc == 0)
		rc = dvcs_discover_enqueue(c, t->account_id);
	return rc;
}

static int run_sync(const config *cfg, const char *what, bool full)
{
	cli_store store = { 0 };
	target t = { .a = arena_new(), .full = full };
	const char *slash = strchr(what, '/');
	t.account = slash ? arena_strndup(t.a, what, (size_t)(slash - what)) : what;
	t.slug = slash ? slash + 1 : NULL;
	int rc = open_store(&store, cfg);
	if (rc == 0)
		rc = db_tx(store.d, sync_tx, &t);
	if (rc == 0 && t.slug)
		printf("queued a %s sync of %s/%s\n", full ? "full" : "soft", t.account, t.slug);
	else if (rc == 0)
		printf("queued a refresh of %s's repositories and a %s sync of each linked one\n",
		       t.account, full ? "full" : "soft");
	if (store.d)
		cli_store_close(&store, 0);
	arena_free(t.a);
	return rc;
}

static int unlink_tx(db_conn *c, void *ctx)
{
	target *t = ctx;
	int rc = find_account(c, t);
	return rc < 0 ? rc : dvcs_account_unlink(c, t->a, t->account_id);
}

/* The unlink job of the account, as the running serve works on it. */
typedef struct unlink_wait {
	target *t;
	int64_t since; /* epoch ms before the unlink */
	const char *state; /* the job's, NULL when there is none */
	const char *error;
	int left; /* hooks printed */
} unlink_wait;

static int read_unlink_job(db_conn *c, void *ctx)
{
	unlink_wait *w = ctx;
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT state, last_error FROM jobs WHERE kind = '" DVCS_UNLINK_JOB "'"
	                  " AND dedup_key = $1 ORDER BY id DESC LIMIT 1",
	                  db_text(arena_printf(w->t->a, DVCS_UNLINK_JOB ":%lld",
	                                       (long long)w->t->account_id)));
	if (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		w->state = arena_strdup(w->t->a, db_col_text(st, 0));
		w->error = db_col_text(st, 1) ? arena_strdup(w->t->a, db_col_text(st, 1)) : NULL;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

static void print_left_of_account(void *ctx, const dvcs_left_hook *h)
{
	unlink_wait *w = ctx;
	if (h->created_at < w->since || strcasecmp(h->account, w->t->account) != 0)
		return;
	printf("webhook left on the host: %s/%s at %s posts to %s (%s); delete it there\n",
	       h->account, h->slug, h->site_url, h->hook_url, h->reason);
	w->left++;
}

static int left_of_account(db_conn *c, void *ctx)
{
	unlink_wait *w = ctx;
	return dvcs_left_hooks_list(c, w->t->a, print_left_of_account, w);
}

/* Waits up to UNLINK_WAIT_S for the running serve to finish the unlink, then says what it left
 * on the host. */
static int report_unlink(cli_store *store, unlink_wait *w)
{
	enum { UNLINK_WAIT_S = 30 };
	int64_t deadline = clock_now_ms() + UNLINK_WAIT_S * 1000;
	int rc;
	do {
		w->state = NULL;
		rc = db_read(store->d, read_unlink_job, w);
		if (rc < 0 || !w->state || strcmp(w->state, "done") == 0 ||
		    strcmp(w->state, "dead") == 0)
			break;
		struct timespec pause = { 0, 200 * 1000 * 1000 };
		nanosleep(&pause, NULL);
	} while (clock_now_ms() < deadline);
	if (rc < 0)
		return rc;
	if (w->state && strcmp(w->state, "dead") == 0) {
		printf("the removal of its webhooks and mirrors failed: %s\n",
		       w->error ? w->error : "no reason kept");
		return 0;
	}
	if (!w->state || strcmp(w->state, "done") != 0) {
		printf("its webhooks and mirrors are removed by the running weft serve; weft track"
		       " dvcs list shows any webhook the host keeps\n");
		return 0;
	}
	rc = db_read(store->d, left_of_account, w);
	if (rc == 0 && w->left == 0)
		printf("its webhooks were removed from the host and its mirrors deleted\n");
	return rc;
}

static int run_unlink(const config *cfg, const char *account, bool wait)
{
	cli_store store = { 0 };
	target t = { .a = arena_new(), .account = account };
	unlink_wait w = { .t = &t, .since = clock_now_ms() };
	int rc = open_store(&store, cfg);
	if (rc == 0 && (rc = db_tx(store.d, unlink_tx, &t)) == 0) {
		printf("unlinked %s\n", account);
		fflush(stdout);
		if (wait)
			rc = report_unlink(&store, &w);
		else
			printf("its webhooks and mirrors are removed by the running weft serve\n");
	}
	if (store.d)
		cli_store_close(&store, 0);
	arena_free(t.a);
	return rc;
}

/* ---- the command ------------------------------------------------------------------------ */

static int run(const config *cfg, int npositional, char **argv, const link_args *link, bool full,
               bool wait)
{
	const char *verb = argv[1];
	if (strcmp(verb, "link") == 0 && npositional == 1)
		return run_link(cfg, link);
	if (strcmp(verb, "list") == 0 && npositional == 1)
		return run_list(cfg);
	if (strcmp(verb, "sync") == 0 && npositional == 2)
		return run_sync(cfg, argv[2], full);
	if (strcmp(verb, "unlink") == 0 && npositional == 2)
		return run_unlink(cfg, argv[2], wait);
	return err_fail(WEFT_EINVALID, "expects link, list, sync ACCOUNT[/SLUG] or unlink "
	                               "ACCOUNT (see --help)");
}

int cli_track_dvcs(int argc, char **argv)
{
	link_args link = {
		.host_url = cli_take_flag(&argc, argv, "--host-url"),
		.account = cli_take_flag(&argc, argv, "--account"),
		.key = cli_take_flag(&argc, argv, "--key"),
		.no_auto_link = cli_take_switch(&argc, argv, "--no-auto-link"),
		.no_smart_commits = cli_take_switch(&argc, argv, "--no-smart-commits"),
	};
	bool full = cli_take_switch(&argc, argv, "--full");
	bool wait = !cli_take_switch(&argc, argv, "--no-wait");
	config cfg;
	int npositional, help;
	if (config_load(&cfg, CONFIG_DB, argc, argv, &npositional, &help) < 0)
		return cli_usage_error(COMMAND, err_msg());
	int status = CLI_OK;
	if (help) {
		print_help();
	} else if (npositional < 1) {
		status =
		        cli_usage_error(COMMAND, "expects link, list, sync or unlink (see --help)");
	} else {
		log_setup(LOG_WARN, LOG_TEXT);
		token_init();
		if (run(&cfg, npositional, argv, &link, full, wait) < 0)
			status = cli_usage_error(COMMAND, err_msg());
	}
	config_dispose(&cfg);
	return status;
}

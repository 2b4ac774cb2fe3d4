/* weft hook post-receive: run by git receive-pack in a hub repository after a push, with the
 * environment the server gave it (WEFT_HUB_DB, WEFT_REPOSITORY_ID, WEFT_PUSH_ACTOR,
 * WEFT_LOG_FD). Records the push and its ref updates in one transaction. It never fails the push,
 * which has already happened: a push it cannot record is said loudly, to the client (git prints
 * our stderr as "remote:" lines) and to the server's log, and the reconcile job records it
 * later from the refs on disk. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/array.h"
#include "base/clock.h"
#include "base/err.h"
#include "cli/cli.h"
#include "db/db.h"
#include "hub/git/push.h"
#include "hub/hook/hook_config.h"
#include "hub/repo/repo.h"
#include "web/escape.h"

enum { HOOK_UPDATES_MAX = 100000 };

typedef struct hook_push {
	const char *mainbranch; /* read while recording */
	int64_t repository_id;
	int64_t actor_id;
	push_update *updates;
	size_t n, cap;
	arena *a;
} hook_push;

static int64_t env_id(const char *name)
{
	const char *value = getenv(name);
	char *end = NULL;
	errno = 0;
	long long id = value ? strtoll(value, &end, 10) : 0;
	return value && !errno && end != value && !*end && id > 0 ? id : 0;
}

/* Reads "OLD NEW REF" lines from stdin. */
static int read_updates(hook_push *p)
{
	char *line = NULL;
	size_t size = 0;
	int rc = 0;
	while (rc == 0 && getline(&line, &size, stdin) >= 0) {
		if (p->n == HOOK_UPDATES_MAX) {
			rc = err_fail(WEFT_ETOOLARGE, "more than %d ref updates", HOOK_UPDATES_MAX);
			break;
		}
		push_update u;
		char *copy = arena_strdup(p->a, line);
		rc = hub_push_update_parse(&u, copy);
		if (rc < 0)
			break;
		p->updates = array_room(p->a, p->updates, p->n, &p->cap, sizeof *p->updates);
		p->updates[p->n++] = u;
	}
	free(line);
	return rc;
}

static int record(db_conn *c, void *ctx)
{
	hook_push *p = ctx;
	hub_repo r;
	int rc = hub_push_record(c, p->repository_id, p->actor_id, false, clock_now_ms(),
	                         p->updates, p->n, NULL);
	if (rc == 0 && hub_repo_get(c, p->a, p->repository_id, &r) == 0)
		p->mainbranch = r.mainbranch;
	return rc;
}

/* For each new branch but the main one, where to open a pull request from it (git prints our
 * stderr as "remote:" lines). */
static void print_hints(const hook_push *p)
{
	static const char heads[] = "refs/heads/";
	const char *url = getenv("WEFT_REPOSITORY_URL");
	if (!url || !*url || !p->mainbranch)
		return;
	for (size_t i = 0; i < p->n; i++) {
		const push_update *u = &p->updates[i];
		const char *branch = u->ref + sizeof heads - 1;
		if (strncmp(u->ref, heads, sizeof heads - 1) != 0 ||
		    !hub_push_update_is_zero(u->old_hash) || hub_push_update_is_zero(u->new_hash) ||
		    strcmp(branch, p->mainbranch) == 0)
			continue;
		buf q = BUF_INIT;
		esc_url_query(&q, branch, strlen(branch));
		fprintf(stderr, "Create pull request for %s: %s/pull-requests/new?source=%s\n",
		        branch, url, buf_cstr(&q));
		buf_dispose(&q);
	}
}

static int record_push(hook_push *p)
{
	const char *url = getenv("WEFT_HUB_DB");
	if (!url || !*url || !p->repository_id)
		return err_fail(WEFT_EINVALID,
		                "WEFT_HUB_DB and WEFT_REPOSITORY_ID are not set: this hook "
		                "runs under weft serve only");
	/* repo:push links to hub's public URL and reads the push's commits. */
	hub_hook_config cfg = { .base_url = getenv("WEFT_HOOK_BASE_URL"),
		                .repos_dir = getenv("WEFT_REPOS_DIR") };
	hub_hook_configure(&cfg);
	db *d = NULL;
	int rc = db_open(&d, url, 1);
	if (rc == 0)
		rc = db_tx(d, record, p);
	db_close(d);
	return rc;
}

/* The loud part: to the client, and to the server's log through the descriptor it lent us. */
static void report_failure(const hook_push *p)
{
	const char *reason = err_msg();
	fprintf(stderr,
	        "weft: WARNING: your push succeeded, but the server could not record it (%s).\n"
	        "weft: It will be recorded later from the repository's refs; webhooks and "
	        "linked issues may lag until then.\n",
	        reason);
	int fd = (int)env_id("WEFT_LOG_FD");
	if (fd > 2)
		dprintf(fd,
		        "weft hook post-receive: ERROR: push to repository %lld by user %lld "
		        "(%zu ref updates) NOT recorded: %s; the reconcile job will record it\n",
		        (long long)p->repository_id, (long long)p->actor_id, p->n, reason);
}

int cli_hook(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("Usage: weft hook post-receive\n\nRun by git in hub's repositories after a "
		       "push: records the push and its ref updates (\"OLD NEW REF\" lines on "
		       "standard input) in the hub database named by WEFT_HUB_DB.\n");
		return CLI_OK;
	}
	if (argc != 2 || strcmp(argv[1], "post-receive") != 0)
		return cli_usage_error("hook", "expected: weft hook post-receive");
	hook_push p = { .repository_id = env_id("WEFT_REPOSITORY_ID"),
		        .actor_id = env_id("WEFT_PUSH_ACTOR"),
		        .a = arena_new() };
	int rc = read_updates(&p);
	if (rc == 0 && p.n > 0)
		rc = record_push(&p);
	if (rc < 0)
		report_failure(&p);
	else
		print_hints(&p);
	arena_free(p.a);
	return CLI_OK; /* the push happened; failing here would only confuse the client */
}

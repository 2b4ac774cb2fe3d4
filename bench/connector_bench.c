/* The connector's side of bench/connector.sh: a full sync of an already-fetched mirror into a
 * fresh track database (walk, key extraction, storing), timed, without the job queue or HTTP:
 *
 *   connector_bench --db URL --mirror PATH [--data DIR]   a full sync; then a second, soft one
 *   connector_bench --walk --mirror PATH [--no-files]     the libgit2 walk alone
 *
 * The sync prints, one key=value a line: seconds=<the full sync>, commits=<linked>, issues=<keys
 * found>, soft_seconds=<a soft sync with nothing new>. The walk prints seconds= and commits=. */
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "db/db.h"
#include "db/migrate.h"
#include "track/dvcs/mirror.h"
#include "track/dvcs/sync.h"
#include "track/track.h"

typedef struct options {
	const char *url, *mirror, *data;
	bool walk, files;
} options;

static void usage(void)
{
	fprintf(stderr, "usage: connector_bench --db URL --mirror PATH [--data DIR]\n"
	                "       connector_bench --walk --mirror PATH [--no-files]\n");
	exit(2);
}

static options parse_options(int argc, char **argv)
{
	options o = { .data = "/tmp", .files = true };
	for (int i = 1; i < argc; i++) {
		const char *next = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "--walk") == 0)
			o.walk = true;
		else if (strcmp(argv[i], "--no-files") == 0)
			o.files = false;
		else if (strcmp(argv[i], "--db") == 0 && next)
			o.url = argv[++i];
		else if (strcmp(argv[i], "--mirror") == 0 && next)
			o.mirror = argv[++i];
		else if (strcmp(argv[i], "--data") == 0 && next)
			o.data = argv[++i];
		else
			usage();
	}
	if (!o.mirror || (!o.walk && !o.url))
		usage();
	return o;
}

static int count_commit(void *ctx, const dvcs_commit *commit)
{
	(void)commit;
	(*(int64_t *)ctx)++;
	return 0;
}

static int walk_only(const options *o)
{
	dvcs_mirror *m = NULL;
	arena *a = arena_new();
	int64_t t0 = clock_mono_ns(), n = 0;
	dvcs_head *heads = NULL;
	size_t nheads = 0;
	int rc = dvcs_mirror_open(&m, o->mirror);
	if (rc == 0)
		rc = dvcs_mirror_heads(m, a, &heads, &nheads);
	const char **from = arena_alloc(a, (nheads + 1) * sizeof *from);
	for (size_t i = 0; i < nheads; i++)
		from[i] = heads[i].hash;
	if (rc == 0)
		rc = dvcs_mirror_walk(m, from, nheads, NULL, 0, false, o->files, count_commit, &n);
	if (rc == 0)
		printf("seconds=%.3f\ncommits=%lld\n", (double)(clock_mono_ns() - t0) / 1e9,
		       (long long)n);
	dvcs_mirror_close(m);
	arena_free(a);
	return rc;
}

static int setup(db_conn *c, void *ctx)
{
	int64_t *repo_id = ctx, now = clock_now_ms(), account_id = 0;
	int rc = db_query_int(&account_id, c,
	                      "INSERT INTO dvcs_accounts (host_kind, site_url, api_url, account,"
	                      " oauth_key, oauth_secret, status, created_at, updated_at)"
	                      " VALUES ('weft', 'http://127.0.0.1:1', 'http://127.0.0.1:1/2.0',"
	                      " 'bench', 'key', 'sealed', 'ok', $1, $1) RETURNING id",
	                      db_int(now));
	if (rc == 0)
		rc = db_query_int(repo_id, c,
		                  "INSERT INTO dvcs_repos (account_id, slug, name, linked, sync_full,"
		                  " created_at, updated_at) VALUES ($1, 'bench', 'bench', 1, 1, $2,"
		                  " $2) RETURNING id",
		                  db_int(account_id), db_int(now));
	return rc;
}

typedef struct counts {
	int64_t repo_id, commits, issues;
} counts;

static int read_counts(db_conn *c, void *ctx)
{
	counts *k = ctx;
	int rc = db_query_int(&k->commits, c, "SELECT sync_commits FROM dvcs_repos WHERE id = $1",
	                      db_int(k->repo_id));
	if (rc == 0)
		rc = db_query_int(&k->issues, c,
		                  "SELECT sync_issues FROM dvcs_repos WHERE id = $1",
		                  db_int(k->repo_id));
	return rc;
}

static int full_sync(const options *o)
{
	db *d = NULL;
	int applied = 0;
	counts k = { 0 };
	int rc = db_open(&d, o->url, 2);
	if (rc == 0)
		rc = db_migrate_up(&applied, d, "track");
	if (rc == 0)
		rc = db_tx(d, setup, &k.repo_id);
	track_app app = { .d = d, .dvcs_dir = o->data };
	arena *a = arena_new();
	int64_t t0 = clock_mono_ns();
	if (rc == 0)
		rc = dvcs_sync_mirror(&app, a, k.repo_id, o->mirror);
	int64_t t1 = clock_mono_ns();
	if (rc == 0)
		rc = dvcs_sync_mirror(&app, a, k.repo_id, o->mirror);
	int64_t t2 = clock_mono_ns();
	if (rc == 0)
		rc = db_read(d, read_counts, &k);
	if (rc == 0)
		printf("seconds=%.3f\ncommits=%lld\nissues=%lld\nsoft_seconds=%.3f\n",
		       (double)(t1 - t0) / 1e9, (long long)k.commits, (long long)k.issues,
		       (double)(t2 - t1) / 1e9);
	arena_free(a);
	if (d)
		db_close(d);
	return rc;
}

int main(int argc, char **argv)
{
	options o = parse_options(argc, argv);
	log_setup(LOG_WARN, LOG_TEXT);
	git_libgit2_init();
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, (size_t)64 * 1024);
	int rc = o.walk ? walk_only(&o) : full_sync(&o);
	if (rc)
		fprintf(stderr, "connector_bench: %s\n", err_msg());
	git_libgit2_shutdown();
	return rc ? 1 : 0;
}

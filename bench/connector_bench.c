/* The connector's side of bench/connector.sh: a full sync of an already-fetched mirror into a
 * fresh track database (walk, key extraction, storing), timed, without the job queue or HTTP:
 *
 *   connector_bench --db URL --mirror PATH [--pushes N]   a full sync, then N soft ones
 *   connector_bench --walk --mirror PATH                  the walk alone (git log)
 *   connector_bench --fetch URL --mirror PATH             the first fetch of a public repository
 *
 * The sync prints, one key=value a line: seconds=<the full sync>, commits=<linked>, issues=<keys
 * found>; files_seconds=<the file counts of every keyed commit, counted and stored as the panel
 * does on their first view (dvcs_files_fill, pages of FILES_PAGE)>, files_commits=<those
 * commits>, files_counted=<of them, stored with a count>; and with --pushes N soft_ms=<the
 * median of N soft syncs, each after one new commit on main, made with git fast-import before
 * the clock starts>. The walk and the fetch print seconds= (and commits=). */
#include <git2.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "db/db.h"
#include "db/migrate.h"
#include "db/rows.h"
#include "track/dvcs/files.h"
#include "track/dvcs/mirror.h"
#include "track/dvcs/sync.h"
#include "track/track.h"

typedef struct options {
	const char *url, *mirror, *fetch;
	int pushes;
	bool walk;
} options;

enum { FILES_PAGE = 50 }; /* commits a page of the panel's detail view shows */

static void usage(void)
{
	fprintf(stderr, "usage: connector_bench --db URL --mirror PATH [--pushes N]\n"
	                "       connector_bench --walk --mirror PATH\n"
	                "       connector_bench --fetch URL --mirror PATH\n");
	exit(2);
}

static options parse_options(int argc, char **argv)
{
	options o = { 0 };
	for (int i = 1; i < argc; i++) {
		const char *next = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "--walk") == 0)
			o.walk = true;
		else if (strcmp(argv[i], "--db") == 0 && next)
			o.url = argv[++i];
		else if (strcmp(argv[i], "--mirror") == 0 && next)
			o.mirror = argv[++i];
		else if (strcmp(argv[i], "--fetch") == 0 && next)
			o.fetch = argv[++i];
		else if (strcmp(argv[i], "--pushes") == 0 && next)
			o.pushes = atoi(argv[++i]);
		else
			usage();
	}
	if (!o.mirror || (!o.walk && !o.fetch && !o.url) || o.pushes < 0 || o.pushes > 10000)
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
		rc = dvcs_mirror_walk(m, from, nheads, NULL, 0, false, count_commit, &n);
	if (rc == 0)
		printf("seconds=%.3f\ncommits=%lld\n", (double)(clock_mono_ns() - t0) / 1e9,
		       (long long)n);
	dvcs_mirror_close(m);
	arena_free(a);
	return rc;
}

static int fetch_only(const options *o)
{
	arena *a = arena_new();
	int64_t t0 = clock_mono_ns();
	int rc = dvcs_mirror_fetch(a, o->mirror, o->fetch, NULL, DVCS_FETCH_TIMEOUT_S);
	if (rc == 0)
		printf("seconds=%.3f\n", (double)(clock_mono_ns() - t0) / 1e9);
	arena_free(a);
	return rc;
}

/* One more commit on the mirror's main, naming a key, through git fast-import. */
static int push_one(const char *mirror, int i)
{
	char cmd[1024], msg[32];
	snprintf(cmd, sizeof cmd, "git --git-dir='%s' fast-import --quiet", mirror);
	snprintf(msg, sizeof msg, "PROJ-%d pushed\n", 1 + i % 5000);
	FILE *p = popen(cmd, "w");
	if (!p)
		return err_fail(WEFT_ERROR, "cannot run git fast-import");
	fprintf(p,
	        "commit refs/heads/main\ncommitter B <b@example.com> %d +0000\ndata %zu\n%s"
	        "from refs/heads/main^0\nM 100644 inline pushed.txt\ndata %zu\n%s\n",
	        1700000000 + i, strlen(msg), msg, strlen(msg), msg);
	return pclose(p) == 0 ? 0 : err_fail(WEFT_ERROR, "git fast-import failed");
}

static int by_value(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return a < b ? -1 : a > b;
}

/* The median of n soft syncs after one pushed commit each, in ms. */
static int soft_syncs(track_app *app, arena *a, int64_t repo_id, const options *o, double *ms)
{
	int64_t *took = calloc((size_t)o->pushes, sizeof *took);
	int rc = took ? 0 : err_fail(WEFT_ERROR, "out of memory");
	for (int i = 0; rc == 0 && i < o->pushes; i++) {
		rc = push_one(o->mirror, i);
		int64_t t0 = clock_mono_ns();
		if (rc == 0)
			rc = dvcs_sync_mirror(app, a, repo_id, o->mirror);
		took[i] = clock_mono_ns() - t0;
	}
	if (rc == 0) {
		qsort(took, (size_t)o->pushes, sizeof *took, by_value);
		*ms = (double)took[o->pushes / 2] / 1e6;
	}
	free(took);
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
		rc = db_query_int(
		        repo_id, c,
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
		rc = db_query_int(&k->issues, c, "SELECT sync_issues FROM dvcs_repos WHERE id = $1",
		                  db_int(k->repo_id));
	return rc;
}

static void read_hash(db_stmt *st, arena *a, void *item)
{
	*(const char **)item = arena_strdup(a, db_col_text(st, 0));
}

typedef struct keyed {
	arena *a;
	const char **hashes;
	size_t n;
	int64_t counted;
} keyed;

static int read_keyed(db_conn *c, void *ctx)
{
	keyed *k = ctx;
	db_stmt *st = NULL;
	int rc = db_query(&st, c,
	                  "SELECT c.hash FROM dvcs_commits c WHERE EXISTS (SELECT 1 FROM"
	                  " dvcs_commit_keys k WHERE k.commit_id = c.id) ORDER BY c.authored_at"
	                  " DESC, c.id DESC",
	                  DB_END);
	return db_rows_read((void **)&k->hashes, &k->n, st, rc, k->a, sizeof *k->hashes, read_hash);
}

static int read_counted(db_conn *c, void *ctx)
{
	keyed *k = ctx;
	return db_query_int(&k->counted, c,
	                    "SELECT COUNT(*) FROM dvcs_commits c WHERE file_count IS NOT NULL AND"
	                    " EXISTS (SELECT 1 FROM dvcs_commit_keys k WHERE k.commit_id = c.id)",
	                    DB_END);
}

/* The first view of every keyed commit on the panel: pages of FILES_PAGE through
 * dvcs_files_fill, from the mirror at path, which app's dvcs_dir names for repo_id (a link in a
 * folder of its own). Prints the files_ figures. */
static int count_keyed(track_app *app, arena *a, int64_t repo_id, const char *path)
{
	char dir[] = "/tmp/weft-bench-files-XXXXXX", real[PATH_MAX];
	if (!mkdtemp(dir))
		return err_fail(WEFT_ERROR, "cannot make a folder for the mirror's link");
	const char *link = arena_printf(a, "%s/%lld.git", dir, (long long)repo_id);
	keyed k = { .a = a };
	int rc = realpath(path, real) && symlink(real, link) == 0
	                 ? 0
	                 : err_fail(WEFT_ERROR, "cannot link the mirror %s", path);
	if (rc == 0)
		rc = db_read(app->d, read_keyed, &k);
	app->dvcs_dir = dir;
	int64_t t0 = clock_mono_ns();
	for (size_t at = 0; rc == 0 && at < k.n; at += FILES_PAGE) {
		size_t n = k.n - at < FILES_PAGE ? k.n - at : FILES_PAGE;
		dvcs_panel_page page = { .kind = DVCS_PANEL_COMMITS, .n = n };
		page.commits = arena_alloc(a, n * sizeof *page.commits);
		for (size_t i = 0; i < n; i++)
			page.commits[i] = (dvcs_panel_commit){ .repo.id = repo_id,
				                               .hash = k.hashes[at + i],
				                               .file_count = DVCS_FILES_UNKNOWN };
		dvcs_files_fill(app, a, &page);
	}
	int64_t t1 = clock_mono_ns();
	app->dvcs_dir = "";
	if (rc == 0)
		rc = db_read(app->d, read_counted, &k);
	if (rc == 0)
		printf("files_seconds=%.3f\nfiles_commits=%zu\nfiles_counted=%lld\n",
		       (double)(t1 - t0) / 1e9, k.n, (long long)k.counted);
	unlink(link);
	rmdir(dir);
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
	track_app app = { .d = d, .dvcs_dir = "" };
	arena *a = arena_new();
	int64_t t0 = clock_mono_ns();
	if (rc == 0)
		rc = dvcs_sync_mirror(&app, a, k.repo_id, o->mirror);
	int64_t t1 = clock_mono_ns();
	if (rc == 0)
		rc = db_read(d, read_counts, &k);
	if (rc == 0)
		printf("seconds=%.3f\ncommits=%lld\nissues=%lld\n", (double)(t1 - t0) / 1e9,
		       (long long)k.commits, (long long)k.issues);
	if (rc == 0)
		rc = count_keyed(&app, a, k.repo_id, o->mirror);
	double ms = 0;
	if (rc == 0 && o->pushes > 0 && (rc = soft_syncs(&app, a, k.repo_id, o, &ms)) == 0)
		printf("soft_ms=%.1f\n", ms);
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
	int rc = o.walk ? walk_only(&o) : o.fetch ? fetch_only(&o) : full_sync(&o);
	if (rc)
		fprintf(stderr, "connector_bench: %s\n", err_msg());
	git_libgit2_shutdown();
	return rc ? 1 : 0;
}

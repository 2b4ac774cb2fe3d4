/* The data of bench/track.sh: a user, P projects and N issues spread over them, with comments,
 * labels, every status and priority, written in bulk transactions straight into the store (the
 * issue domain creates one at a time, which would make the set-up, not the measured requests,
 * the slow part). On its own:
 *
 *   track_bench --db URL [--issues N] [--projects P] [--comments C]
 *
 * URL should be a fresh database: it migrates track's schema, creates the user "bench" (a member
 * of every project, not a site administrator, so that searches go through the browse
 * restriction) and prints, one key=value a line on stdout: token=<a personal access token of
 * bench's>, project=<the first project's key>, issue=<a key in the middle>, then the seconds
 * the generation took. Words come from a fixed vocabulary with a fixed seed, so every run makes
 * the same data; about 1 issue in 200 has the word "zebra" in a comment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "base/token.h"
#include "db/db.h"
#include "db/migrate.h"
#include "track/account/account.h"
#include "track/project/project.h"
#include "track/account/token.h"

enum { BATCH = 2000, MAX_PROJECTS = 100 };

typedef struct options {
	const char *url;
	int issues, projects, comments;
} options;

typedef struct gen {
	const options *o;
	int64_t user_id;
	int64_t project_ids[MAX_PROJECTS];
	char project_keys[MAX_PROJECTS][8];
	int64_t next; /* issues made so far */
	uint64_t seed;
	char token[TRACK_TOKEN_SECRET_LEN + 1];
} gen;

static const char *const words[] = {
	"disk",    "full",      "server",   "login",         "page",     "crash",    "error",
	"timeout", "database",  "query",    "slow",          "memory",   "leak",     "button",
	"layout",  "mobile",    "android",  "ios",           "report",   "export",   "import",
	"csv",     "pdf",       "email",    "notify",        "user",     "account",  "password",
	"reset",   "token",     "api",      "endpoint",      "latency",  "cache",    "invalid",
	"config",  "deploy",    "build",    "pipeline",      "test",     "flaky",    "upgrade",
	"library", "security",  "audit",    "log",           "metrics",  "graph",    "chart",
	"search",  "filter",    "sort",     "paging",        "upload",   "download", "image",
	"resize",  "thumbnail", "storage",  "quota",         "billing",  "invoice",  "payment",
	"refund",  "customer",  "support",  "ticket",        "priority", "release",  "version",
	"branch",  "merge",     "conflict", "review",        "comment",  "editor",   "markdown",
	"preview", "keyboard",  "shortcut", "accessibility", "contrast", "font",     "theme",
};
#define NWORDS (sizeof words / sizeof words[0])

static uint64_t next_random(gen *g)
{
	g->seed = g->seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return g->seed >> 33;
}

static void sentence(gen *g, buf *b, int n)
{
	for (int i = 0; i < n; i++)
		buf_printf(b, "%s%s", i ? " " : "", words[next_random(g) % NWORDS]);
}

static void usage(void)
{
	fprintf(stderr, "usage: track_bench --db URL [--issues N] [--projects P] [--comments C]\n");
	exit(2);
}

static options parse_options(int argc, char **argv)
{
	options o = { .issues = 100000, .projects = 20, .comments = 2 };
	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "--db") == 0)
			o.url = argv[++i];
		else if (strcmp(argv[i], "--issues") == 0)
			o.issues = atoi(argv[++i]);
		else if (strcmp(argv[i], "--projects") == 0)
			o.projects = atoi(argv[++i]);
		else if (strcmp(argv[i], "--comments") == 0)
			o.comments = atoi(argv[++i]);
		else
			usage();
	}
	if (!o.url || o.issues < 1 || o.projects < 1 || o.projects > MAX_PROJECTS || o.comments < 0)
		usage();
	return o;
}

/* The user, its token and the projects. */
static int setup(db_conn *c, void *ctx)
{
	gen *g = ctx;
	arena *a = arena_new();
	track_user user;
	track_token token;
	track_account_new n = { .username = "bench",
		                .email = "bench@example.com",
		                .password = "bench-password-123",
		                .display_name = "Bench User" };
	int rc = track_account_create(c, a, &n, &user);
	if (rc == 0)
		rc = track_token_create(c, a, user.id, TRACK_TOKEN_PAT, "bench", g->token, &token);
	for (int i = 0; rc == 0 && i < g->o->projects; i++) {
		track_project p;
		snprintf(g->project_keys[i], sizeof g->project_keys[i], "BP%02d", i + 1);
		rc = track_project_create(c, a, g->project_keys[i],
		                          arena_printf(a, "Bench project %d", i + 1), "", 0,
		                          user.id, &p);
		g->project_ids[i] = p.id;
	}
	g->user_id = user.id;
	arena_free(a);
	return rc;
}

static int insert_comments(db_conn *c, gen *g, int64_t issue_id, int64_t at)
{
	int rc = 0;
	for (int k = 0; rc >= 0 && k < g->o->comments; k++) {
		buf body = BUF_INIT;
		sentence(g, &body, 12);
		if (next_random(g) % 200 == 0 && k == 0)
			buf_puts(&body, " zebra");
		rc = db_exec(c,
		             "INSERT INTO comments (issue_id, author_id, update_author_id, body, "
		             "created_at, updated_at) VALUES ($1, $2, $2, $3, $4, $4)",
		             db_int(issue_id), db_int(g->user_id), db_text(body.ptr),
		             db_int(at + k));
		buf_dispose(&body);
	}
	return rc < 0 ? rc : 0;
}

/* Issue number `number` of project p, its key, a label and comments. */
static int insert_issue(db_conn *c, gen *g, int p, int64_t number, int64_t now)
{
	static const int64_t statuses[] = { 10000, 3, 10001 };
	buf summary = BUF_INIT, description = BUF_INIT;
	sentence(g, &summary, 6);
	sentence(g, &description, 40);
	int64_t status = statuses[next_random(g) % 3], at = now - (g->o->issues - g->next) * 1000;
	char key[24];
	snprintf(key, sizeof key, "%s-%lld", g->project_keys[p], (long long)number);
	db_stmt *st = NULL;
	int rc = db_query(
	        &st, c,
	        "INSERT INTO issues (project_id, number, key, type_id, summary, description, "
	        "status_id, priority_id, assignee_id, reporter_id, creator_id, "
	        "resolution_id, resolution_date, created_at, updated_at) VALUES ($1, $2, "
	        "$3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13, $14) RETURNING id",
	        db_int(g->project_ids[p]), db_int(number), db_text(key),
	        db_int(10001 + (int64_t)(next_random(g) % 4)), db_text(summary.ptr),
	        db_text(description.ptr), db_int(status), db_int(1 + (int64_t)(next_random(g) % 5)),
	        next_random(g) % 2 ? db_int(g->user_id) : db_null(), db_int(g->user_id),
	        status == 10001 ? db_int(10000) : db_null(),
	        status == 10001 ? db_int(at) : db_null(), db_int(at),
	        db_int(at + (int64_t)(next_random(g) % 100000)));
	if (rc == 0)
		rc = db_step_one(st, "no id");
	int64_t id = rc == 0 ? db_col_int(st, 0) : 0;
	db_done(st);
	if (rc == 0)
		rc = db_exec(c, "INSERT INTO issue_keys (key, issue_id) VALUES ($1, $2)",
		             db_text(key), db_int(id));
	if (rc >= 0)
		rc = db_exec(c, "INSERT INTO issue_labels (issue_id, label) VALUES ($1, $2)",
		             db_int(id), db_text(words[next_random(g) % NWORDS]));
	if (rc >= 0)
		rc = insert_comments(c, g, id, at);
	buf_dispose(&summary);
	buf_dispose(&description);
	return rc < 0 ? rc : 0;
}

/* One batch of issues, round-robin over the projects. */
static int insert_batch(db_conn *c, void *ctx)
{
	gen *g = ctx;
	int64_t now = clock_now_ms(), start = g->next;
	int rc = 0;
	for (int64_t i = start; rc == 0 && i < start + BATCH && i < g->o->issues; i++) {
		int p = (int)(i % g->o->projects);
		rc = insert_issue(c, g, p, i / g->o->projects + 1, now);
		g->next = i + 1;
	}
	for (int p = 0; rc == 0 && p < g->o->projects; p++)
		rc = db_exec(c, "UPDATE projects SET issue_counter = $1 WHERE id = $2",
		             db_int((g->next + g->o->projects - 1 - p) / g->o->projects),
		             db_int(g->project_ids[p])) < 0
		             ? -1
		             : 0;
	if (rc)
		g->next = start; /* the transaction may be retried */
	return rc;
}

int main(int argc, char **argv)
{
	options o = parse_options(argc, argv);
	gen g = { .o = &o, .seed = 42 };
	db *d = NULL;
	int applied = 0;
	log_setup(LOG_WARN, LOG_TEXT);
	int64_t t0 = clock_mono_ns();
	int rc = token_init();
	if (rc == 0)
		rc = db_open(&d, o.url, 2);
	if (rc == 0)
		rc = db_migrate_up(&applied, d, "track");
	if (rc == 0)
		rc = db_tx(d, setup, &g);
	while (rc == 0 && g.next < o.issues) {
		rc = db_tx(d, insert_batch, &g);
		if (g.next % 20000 == 0)
			fprintf(stderr, "track_bench: %lld issues\n", (long long)g.next);
	}
	if (rc == 0)
		printf("token=%s\nproject=%s\nissue=%s-%d\nseconds=%.1f\n", g.token,
		       g.project_keys[0], g.project_keys[o.projects / 2],
		       o.issues / o.projects / 2 + 1, (double)(clock_mono_ns() - t0) / 1e9);
	if (rc)
		fprintf(stderr, "track_bench: %s\n", err_msg());
	if (d)
		db_close(d);
	return rc ? 1 : 0;
}

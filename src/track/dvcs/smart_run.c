/* The smart-commit job: each command of each new commit, run once as the commit author's track
 * user, in a transaction with its record; the commands that fail are recorded, counted on the
 * repository and mailed to the author together, in one more transaction. */
#include "track/dvcs/smart_run.h"

#include <jansson.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "mail/mail.h"
#include "track/account/account.h"
#include "track/dvcs/dvcs.h"
#include "track/dvcs/smart.h"
#include "track/issue/comment.h"
#include "track/issue/duration.h"
#include "track/issue/issue.h"
#include "track/issue/transition.h"
#include "track/issue/workflow.h"
#include "track/issue/worklog.h"
#include "track/track_perm.h"

enum { HASH_MAX = 64, MAIL_ARGUMENT_MAX = 200 };

/* What the job knows of the repository. */
typedef struct repo_info {
	int64_t id;
	const char *site_url, *account, *slug;
	bool smart_commits;
} repo_info;

typedef struct commit_info {
	const char *hash, *email, *message;
	int64_t authored_at;
} commit_info;

/* A command that could not run, and why. */
typedef struct failure {
	const dvcs_smart_cmd *cmd;
	const char *message;
} failure;

/* One commit's run. */
typedef struct run_ctx {
	const track_app *app;
	arena *a;
	const repo_info *repo;
	commit_info commit;
	const char *commit_url;
	const dvcs_smart_cmd *cmd; /* the command being run */
	track_user actor;
	track_issue issue;
	const char *error; /* the failed command's message */
	array failures; /* failure */
} run_ctx;

/* Errors that belong to the command (recorded and mailed); any other is the store's, and the
 * job is tried again. */
static bool command_error(int rc)
{
	return rc == WEFT_ENOTFOUND || rc == WEFT_EINVALID || rc == WEFT_EPERM ||
	       rc == WEFT_ETOOLARGE || rc == WEFT_EEXISTS;
}

/* ---- the payload ---- */

static bool hash_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 4 || n > HASH_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* The payload's repository and hashes (in a). */
static int read_payload(arena *a, const char *payload, int64_t *repo_id, array *hashes)
{
	json_t *root = json_loads(payload, 0, NULL);
	json_t *commits = json_object_get(root, "commits");
	json_int_t repo = json_integer_value(json_object_get(root, "repo"));
	int rc = repo > 0 && json_is_array(commits) ? 0 : WEFT_EINVALID;
	for (size_t i = 0; rc == 0 && i < json_array_size(commits); i++) {
		const char *hash = json_string_value(json_array_get(commits, i));
		if (!hash || !hash_ok(hash))
			rc = WEFT_EINVALID;
		else
			*ARRAY_PUSH(a, hashes, const char *) = arena_strdup(a, hash);
	}
	json_decref(root);
	if (rc < 0)
		return err_fail(rc, "a smart-commit job with a bad payload: %.80s", payload);
	*repo_id = repo;
	return 0;
}

/* ---- loading ---- */

typedef struct load_ctx {
	arena *a;
	repo_info *repo;
	commit_info *commit;
} load_ctx;

static int load_repo(db_conn *c, void *p)
{
	load_ctx *l = p;
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT a.site_url, a.account, r.slug, r.smart_commits FROM dvcs_repos r"
	                  " JOIN dvcs_accounts a ON a.id = r.account_id WHERE r.id = $1",
	                  db_int(l->repo->id));
	if (rc == 0)
		rc = db_step_one(st, "No repository %lld.", (long long)l->repo->id);
	if (rc == 0) {
		l->repo->site_url = arena_strdup(l->a, db_col_text(st, 0));
		l->repo->account = arena_strdup(l->a, db_col_text(st, 1));
		l->repo->slug = arena_strdup(l->a, db_col_text(st, 2));
		l->repo->smart_commits = db_col_int(st, 3) != 0;
	}
	db_done(st);
	return rc;
}

static int load_commit(db_conn *c, void *p)
{
	load_ctx *l = p;
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT author_email, authored_at, message FROM dvcs_commits"
	                  " WHERE hash = $1",
	                  db_text(l->commit->hash));
	if (rc == 0)
		rc = db_step_one(st, "No commit %s.", l->commit->hash);
	if (rc == 0) {
		l->commit->email = arena_strdup(l->a, db_col_text(st, 0));
		l->commit->authored_at = db_col_int(st, 1);
		l->commit->message = arena_strdup(l->a, db_col_text(st, 2));
	}
	db_done(st);
	return rc;
}

/* ---- who runs it, on what ---- */

/* The one active user whose email is the author's. */
static int find_actor(db_conn *c, run_ctx *r)
{
	const char *email = r->commit.email;
	if (email[0] == '\0')
		return err_fail(WEFT_EINVALID, "The commit has no author email address, so no track"
		                               " user can run its commands.");
	db_stmt *st;
	int found = 0,
	    rc = db_query(&st, c,
	                  "SELECT " TRACK_USER_COLUMNS(
	                          "") " FROM users"
	                              " WHERE lower(email) = lower($1) AND is_active = 1 LIMIT 2",
	                  db_text(email));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW)
		if (found++ == 0)
			track_account_read_row(st, r->a, &r->actor);
	db_done(st);
	if (rc < 0)
		return rc;
	if (found == 0)
		return err_fail(WEFT_EINVALID, "No active track user has the email address %s.",
		                email);
	if (found > 1)
		return err_fail(WEFT_EINVALID, "Several track users have the email address %s.",
		                email);
	return 0;
}

/* The issue of the command's key, if the actor may see it. */
static int find_issue(db_conn *c, run_ctx *r)
{
	bool browse = false;
	int rc = track_issue_find(c, r->a, r->cmd->key, &r->issue, NULL);
	if (rc == 0)
		rc = track_perm_check(c, &r->actor, r->issue.project_id, TRACK_PERM_BROWSE,
		                      &browse);
	if (rc == WEFT_ENOTFOUND || (rc == 0 && !browse))
		return err_fail(WEFT_ENOTFOUND,
		                "Issue %s does not exist or you do not have permission to see it.",
		                r->cmd->key);
	return rc;
}

static int need(db_conn *c, run_ctx *r, int permission, const char *what)
{
	bool allowed = false;
	int rc = track_perm_check(c, &r->actor, r->issue.project_id, permission, &allowed);
	if (rc == 0 && !allowed)
		return err_fail(WEFT_EPERM, "You do not have permission to %s %s.", what,
		                r->cmd->key);
	return rc;
}

/* ---- the commands ---- */

/* A work log's comment (plain text, may be empty) with a line naming the commit and its address
 * on the host, in r's arena: the work log links back as the comments do. */
static const char *worklog_comment(const run_ctx *r, const char *text)
{
	return arena_printf(r->a, "%s%sFrom commit %.12s in %s/%s: %s", text, text[0] ? "\n\n" : "",
	                    r->commit.hash, r->repo->account, r->repo->slug, r->commit_url);
}

/* Writes text as a comment that links back to the commit on its host. */
static int add_comment(db_conn *c, run_ctx *r, const char *text)
{
	track_comment out;
	const char *body =
	        arena_printf(r->a, "%s\n\n*From commit [%.12s](%s) in %s/%s*", text, r->commit.hash,
	                     r->commit_url, r->repo->account, r->repo->slug);
	int rc = need(c, r, TRACK_PERM_COMMENT, "comment on");
	return rc == 0 ? track_comment_add(c, r->a, r->issue.id, &r->actor, body, 0, &out) : rc;
}

static int run_comment(db_conn *c, run_ctx *r)
{
	if (r->cmd->argument[0] == '\0')
		return err_fail(WEFT_EINVALID, "#comment needs a text, as in #comment Fixed it.");
	return add_comment(c, r, r->cmd->argument);
}

static int run_time(db_conn *c, run_ctx *r)
{
	const char *duration = NULL, *comment = NULL;
	int64_t seconds = 0;
	track_worklog out;
	int rc = need(c, r, TRACK_PERM_WORK_ON_ISSUES, "log work on");
	if (rc == 0)
		rc = dvcs_smart_time_split(r->a, r->cmd->argument, &duration, &comment);
	if (rc == 0)
		rc = track_duration_parse(&seconds, duration, r->app->hours_per_day,
		                          r->app->days_per_week);
	if (rc == 0)
		rc = track_worklog_add(c, r->a, r->issue.id, r->actor.id, seconds,
		                       r->commit.authored_at,
		                       worklog_comment(r, comment ? comment : ""), NULL, &out);
	return rc;
}

/* names of the transitions at matches[0..n) (all of them when matches is NULL), joined. */
static const char *names_of(arena *a, const track_transition *t, const size_t *matches, size_t n)
{
	buf b = { 0 };
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", t[matches ? matches[i] : i].name);
	const char *out = arena_strdup(a, n ? buf_cstr(&b) : "none");
	buf_dispose(&b);
	return out;
}

/* The one transition available now that the command's word names. */
static int pick_transition(db_conn *c, run_ctx *r, const track_transition **out)
{
	track_transition *list = NULL;
	size_t n = 0;
	int rc = track_workflow_available(c, r->a, r->issue.project_id, r->issue.status_id, &list,
	                                  &n);
	if (rc < 0)
		return rc;
	const char **names = arena_array(r->a, n + 1, sizeof *names);
	size_t *matches = arena_array(r->a, n + 1, sizeof *matches);
	for (size_t i = 0; i < n; i++)
		names[i] = list[i].name;
	size_t found = dvcs_smart_match(r->cmd->command, names, n, matches);
	if (found == 0)
		return err_fail(WEFT_EINVALID,
		                "No transition '%s' is available on %s (status %s). Valid"
		                " transitions: %s.",
		                r->cmd->command, r->cmd->key, r->issue.status_name,
		                names_of(r->a, list, NULL, n));
	if (found > 1)
		return err_fail(WEFT_EINVALID, "The transition '%s' is ambiguous on %s: %s.",
		                r->cmd->command, r->cmd->key, names_of(r->a, list, matches, found));
	*out = &list[matches[0]];
	return 0;
}

/* A transition; its text, if any, becomes a comment. */
static int run_transition(db_conn *c, run_ctx *r)
{
	const track_transition *t = NULL;
	int rc = need(c, r, TRACK_PERM_TRANSITION_ISSUES, "transition");
	if (rc == 0)
		rc = pick_transition(c, r, &t);
	if (rc == 0)
		rc = track_issue_transition(c, r->issue.id, t->id, 0, r->actor.id);
	if (rc == 0 && r->cmd->argument[0] != '\0')
		rc = add_comment(c, r, r->cmd->argument);
	return rc;
}

static int execute(db_conn *c, run_ctx *r)
{
	int rc = find_actor(c, r);
	if (rc == 0)
		rc = find_issue(c, r);
	if (rc < 0)
		return rc;
	if (strcmp(r->cmd->command, "comment") == 0)
		return run_comment(c, r);
	if (strcmp(r->cmd->command, "time") == 0)
		return run_time(c, r);
	return run_transition(c, r);
}

/* ---- running and recording ---- */

/* Claims (commit, key, index) with a 'done' row and runs the command, in one transaction: a row
 * already there means it ran (or failed) before, and nothing happens. A command error rolls both
 * back; the caller records it. */
static int command_tx(db_conn *c, void *p)
{
	run_ctx *r = p;
	r->error = NULL;
	int rc = db_exec(c,
	                 "INSERT INTO dvcs_smart_runs (commit_hash, issue_key, command_index,"
	                 " repo_id, command, outcome, created_at) VALUES ($1, $2, $3, $4, $5,"
	                 " 'done', $6) ON CONFLICT DO NOTHING",
	                 db_text(r->commit.hash), db_text(r->cmd->key), db_int(r->cmd->index),
	                 db_int(r->repo->id), db_text(r->cmd->command), db_int(clock_now_ms()));
	if (rc <= 0)
		return rc;
	rc = execute(c, r);
	if (command_error(rc))
		r->error = arena_strdup(r->a, err_msg());
	return rc;
}

/* How much of s fits in max bytes without cutting a UTF-8 character. */
static int fitting(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return (int)n;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return (int)max;
}

/* The mail's list of failures; without their text (which comes from the commit and may not be
 * UTF-8) when details is false. */
static const char *failure_list(arena *a, const failure *const *f, size_t n, bool details)
{
	buf b = { 0 };
	for (size_t i = 0; i < n; i++) {
		const char *arg = f[i]->cmd->argument;
		int shown = fitting(arg, MAIL_ARGUMENT_MAX);
		if (details)
			buf_printf(&b, "- %s #%s %.*s%s\n  %s\n", f[i]->cmd->key,
			           f[i]->cmd->command, shown, arg, arg[shown] ? "…" : "",
			           f[i]->message);
		else
			buf_printf(&b, "- %s #%s\n", f[i]->cmd->key, f[i]->cmd->command);
	}
	const char *out = arena_strdup(a, buf_cstr(&b));
	buf_dispose(&b);
	return out;
}

/* The mail to the author listing the errors recorded now: with their details, or, when those do
 * not make a valid mail, without. No mail when the author's address cannot take one. */
static int queue_mail(db_conn *c, run_ctx *r, const failure *const *f, size_t n)
{
	if (mail_check_address("author", r->commit.email) < 0)
		return 0; /* the errors stay on the DVCS page */
	const char *subject =
	        arena_printf(r->a, "Smart commit errors in commit %.12s", r->commit.hash);
	int rc = WEFT_EINVALID;
	for (int details = 1; rc == WEFT_EINVALID && details >= 0; details--) {
		const char *body = arena_printf(
		        r->a,
		        "Some smart commit commands of your commit %s in %s/%s could not run:\n\n"
		        "%s\nThe other commands ran. The commit: %s\n",
		        r->commit.hash, r->repo->account, r->repo->slug,
		        failure_list(r->a, f, n, details), r->commit_url);
		rc = mail_queue(c, r->commit.email, subject, body, NULL);
	}
	return rc == WEFT_EINVALID ? 0 : rc;
}

static int record_one(db_conn *c, run_ctx *r, const failure *f)
{
	return db_exec(c,
	               "INSERT INTO dvcs_smart_runs (commit_hash, issue_key, command_index,"
	               " repo_id, command, outcome, error, created_at) VALUES ($1, $2, $3, $4,"
	               " $5, 'error', $6, $7) ON CONFLICT DO NOTHING",
	               db_text(r->commit.hash), db_text(f->cmd->key), db_int(f->cmd->index),
	               db_int(r->repo->id), db_text(f->cmd->command), db_text(f->message),
	               db_int(clock_now_ms()));
}

/* Records the commit's failed commands that nothing recorded yet, counts them on the repository
 * and mails them, all or nothing. */
static int record_tx(db_conn *c, void *p)
{
	run_ctx *r = p;
	const failure *f = r->failures.items;
	const failure **recorded = arena_array(r->a, r->failures.n, sizeof *recorded);
	size_t n = 0;
	int rc = 0;
	for (size_t i = 0; rc >= 0 && i < r->failures.n; i++)
		if ((rc = record_one(c, r, &f[i])) == 1)
			recorded[n++] = &f[i];
	if (rc >= 0 && n > 0)
		rc = db_exec(c,
		             "UPDATE dvcs_repos SET smart_error_count = smart_error_count + $2"
		             " WHERE id = $1",
		             db_int(r->repo->id), db_int((int64_t)n));
	if (rc >= 0 && n > 0)
		rc = queue_mail(c, r, recorded, n);
	return rc < 0 ? rc : 0;
}

static int run_commands(run_ctx *r, const array *cmds)
{
	const dvcs_smart_cmd *cmd = cmds->items;
	for (size_t i = 0; i < cmds->n; i++) {
		r->cmd = &cmd[i];
		int rc = db_tx(r->app->d, command_tx, r);
		if (rc < 0 && !(command_error(rc) && r->error))
			return rc;
		if (rc < 0)
			*ARRAY_PUSH(r->a, &r->failures, failure) = (failure){ r->cmd, r->error };
	}
	return r->failures.n ? db_tx(r->app->d, record_tx, r) : 0;
}

static int run_commit(track_app *app, const repo_info *repo, const char *hash)
{
	run_ctx r = { .app = app, .a = arena_new(), .repo = repo };
	r.commit.hash = hash;
	load_ctx l = { r.a, NULL, &r.commit };
	int rc = db_read(app->d, load_commit, &l);
	if (rc == WEFT_ENOTFOUND)
		rc = 0; /* a commit no longer stored has nothing to run */
	else if (rc == 0) {
		array cmds = ARRAY_INIT;
		dvcs_smart_parse(r.a, r.commit.message, strlen(r.commit.message), &cmds);
		r.commit_url = arena_printf(r.a, "%s/%s/%s/commits/%s", repo->site_url,
		                            repo->account, repo->slug, hash);
		rc = run_commands(&r, &cmds);
	}
	arena_free(r.a);
	return rc;
}

int dvcs_smart_run(track_app *app, const char *payload)
{
	arena *a = arena_new();
	array hashes = ARRAY_INIT;
	repo_info repo = { 0 };
	load_ctx l = { a, &repo, NULL };
	int rc = read_payload(a, payload, &repo.id, &hashes);
	if (rc == 0)
		rc = db_read(app->d, load_repo, &l);
	if (rc == WEFT_ENOTFOUND)
		rc = 0; /* the repository is gone: nothing to run */
	else if (rc == 0 && repo.smart_commits) {
		const char *const *hash = hashes.items;
		for (size_t i = 0; rc == 0 && i < hashes.n; i++)
			rc = run_commit(app, &repo, hash[i]);
	}
	arena_free(a);
	return rc;
}

static int smart_job(void *ctx, const job *j)
{
	return dvcs_smart_run(ctx, j->payload);
}

void dvcs_smart_register(job_queue *q, track_app *app)
{
	job_queue_register(q, DVCS_SMART_JOB, smart_job, app);
}

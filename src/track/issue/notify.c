/* Watchers' mail: what changed, for whom, once. */
#include "track/issue/notify.h"

#include <jansson.h>

#include "base/arena.h"
#include "base/array.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "mail/mail.h"
#include "track/account/account.h"
#include "track/role.h"
#include "track/track_perm.h"

/* ---- the job ---- */

/* What one announcement says, and to whom it may go. */
typedef struct notice {
	const track_app *app;
	arena *a;
	int64_t group_id, comment_id;
	int64_t issue_id, actor_id;
	unsigned comment_role; /* a restricted comment goes only to that role's holders */
	const char *key, *summary;
	int64_t project_id;
	const char *actor_name;
	buf text; /* the mail's body after its first line */
} notice;

/* Marks the change notified; false when an earlier run did (or it is gone). */
static int claim(db_conn *c, notice *n, bool *claimed)
{
	int rc = n->group_id ? db_exec(c,
	                               "UPDATE changelog_groups SET notified_at = $2"
	                               " WHERE id = $1 AND notified_at IS NULL",
	                               db_int(n->group_id), db_int(clock_now_ms()))
	                     : db_exec(c,
	                               "UPDATE comments SET notified_at = $2"
	                               " WHERE id = $1 AND notified_at IS NULL",
	                               db_int(n->comment_id), db_int(clock_now_ms()));
	*claimed = rc > 0;
	return rc < 0 ? rc : 0;
}

/* "field: from → to" lines of the change. */
static int describe_change(db_conn *c, notice *n)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT g.issue_id, coalesce(g.author_id, 0), i.field,"
	                  " coalesce(i.from_string, i.from_value, ''),"
	                  " coalesce(i.to_string, i.to_value, '')"
	                  " FROM changelog_groups g JOIN changelog_items i ON i.group_id = g.id"
	                  " WHERE g.id = $1 ORDER BY i.id",
	                  db_int(n->group_id));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		n->issue_id = db_col_int(st, 0);
		n->actor_id = db_col_int(st, 1);
		buf_printf(&n->text, "  %s: %s -> %s\n", db_col_text(st, 2), db_col_text(st, 3),
		           db_col_text(st, 4));
		rc = 0;
	}
	db_done(st);
	return rc;
}

static int describe_comment(db_conn *c, notice *n)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT issue_id, author_id, body, coalesce(visibility_value, '')"
	                  " FROM comments WHERE id = $1",
	                  db_int(n->comment_id));
	if (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		n->issue_id = db_col_int(st, 0);
		n->actor_id = db_col_int(st, 1);
		buf_printf(&n->text, "%s\n", db_col_text(st, 2));
		n->comment_role = track_role_parse(db_col_text(st, 3));
		rc = 0;
	}
	db_done(st);
	return rc;
}

/* Whether watcher may read what the mail tells: the issue, and a restricted comment. */
static int may_read(db_conn *c, const notice *n, const track_user *watcher, bool *out)
{
	unsigned roles = 0;
	int rc = track_perm_roles(c, watcher, n->project_id, &roles);
	*out = rc == 0 && track_perm_allows(watcher->is_admin, roles, TRACK_PERM_BROWSE) &&
	       (!n->comment_role ||
	        track_perm_comment_visible(watcher->is_admin, roles, n->comment_role));
	return rc;
}

static int mail_one(db_conn *c, const notice *n, const track_user *to)
{
	bool commented = n->comment_id != 0;
	const char *subject = arena_printf(n->a, "[track] (%s) %s", n->key, n->summary);
	const char *link = arena_printf(n->a, "%s/browse/%s",
	                                n->app->public_url ? n->app->public_url : "", n->key);
	const char *body = arena_printf(
	        n->a,
	        "%s %s %s: %s\n\n%s\n%s\n\nYou get this mail because you watch "
	        "the issue. Change that at %s/account/notifications\n",
	        n->actor_name, commented ? "commented on" : "updated", n->key, n->summary,
	        buf_cstr(&n->text), link, n->app->public_url ? n->app->public_url : "");
	return mail_queue(c, to->email, subject, body, NULL);
}

/* The watchers who want this mail: active, mail_watching on, the actor only with
 * mail_own_changes. */
static int mail_watchers(db_conn *c, notice *n)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT " TRACK_USER_COLUMNS(
	                          "u.") " FROM issue_watchers w"
	                                " JOIN users u ON u.id = w.user_id WHERE w.issue_id = $1"
	                                " AND u.is_active = 1 AND u.mail_watching = 1"
	                                " AND (u.id <> $2 OR u.mail_own_changes = 1) ORDER BY u.id",
	                  db_int(n->issue_id), db_int(n->actor_id));
	array watchers = ARRAY_INIT;
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		track_account_read_row(st, n->a, ARRAY_PUSH(n->a, &watchers, track_user));
		rc = 0;
	}
	db_done(st);
	track_user *list = watchers.items;
	for (size_t i = 0; rc == 0 && i < watchers.n; i++) {
		bool allowed = false;
		rc = may_read(c, n, &list[i], &allowed);
		if (rc == 0 && allowed)
			rc = mail_one(c, n, &list[i]);
	}
	return rc;
}

static int read_issue(db_conn *c, notice *n)
{
	db_stmt *st;
	int rc = db_query(&st, c, "SELECT key, summary, project_id FROM issues WHERE id = $1",
	                  db_int(n->issue_id));
	if (rc == 0)
		rc = db_step_one(st, "There is no such issue.");
	if (rc == 0) {
		n->key = arena_strdup(n->a, db_col_text(st, 0));
		n->summary = arena_strdup(n->a, db_col_text(st, 1));
		n->project_id = db_col_int(st, 2);
	}
	db_done(st);
	return rc;
}

static int notify_tx(db_conn *c, void *ctx)
{
	notice *n = ctx;
	bool claimed = false;
	int rc = claim(c, n, &claimed);
	if (rc < 0 || !claimed)
		return rc;
	rc = n->group_id ? describe_change(c, n) : describe_comment(c, n);
	if (rc < 0 || !n->issue_id)
		return rc;
	rc = read_issue(c, n);
	if (rc == WEFT_ENOTFOUND)
		return 0; /* deleted since: nobody to tell */
	track_user actor;
	n->actor_name = "Someone";
	if (rc == 0 && n->actor_id && track_account_find_id(c, n->a, n->actor_id, &actor) == 0)
		n->actor_name = actor.display_name;
	return rc < 0 ? rc : mail_watchers(c, n);
}

static int notify_job(void *ctx, const job *j)
{
	json_t *payload = json_loads(j->payload, 0, NULL);
	notice n = { .app = ctx,
		     .group_id = json_integer_value(json_object_get(payload, "group")),
		     .comment_id = json_integer_value(json_object_get(payload, "comment")) };
	json_decref(payload);
	if (!n.group_id == !n.comment_id)
		return err_fail(WEFT_EINVALID, "track.notify: a group or a comment, not %s",
		                j->payload);
	n.a = arena_new();
	int rc = db_tx(n.app->d, notify_tx, &n);
	buf_dispose(&n.text);
	arena_free(n.a);
	return rc;
}

void track_notify_jobs_start(job_queue *q, const track_app *app)
{
	job_queue_register(q, TRACK_NOTIFY_JOB, notify_job, (void *)app);
}

/* ---- settings ---- */

int track_notify_settings_get(db_conn *c, int64_t user_id, bool *watching, bool *own_changes)
{
	db_stmt *st;
	int rc = db_query(&st, c, "SELECT mail_watching, mail_own_changes FROM users WHERE id = $1",
	                  db_int(user_id));
	if (rc == 0)
		rc = db_step_one(st, "There is no such user.");
	if (rc == 0) {
		*watching = db_col_int(st, 0) != 0;
		*own_changes = db_col_int(st, 1) != 0;
	}
	db_done(st);
	return rc;
}

int track_notify_settings_set(db_conn *c, int64_t user_id, bool watching, bool own_changes)
{
	int rc = db_exec(c,
	                 "UPDATE users SET mail_watching = $2, mail_own_changes = $3 WHERE id = $1",
	                 db_int(user_id), db_int(watching), db_int(own_changes));
	return rc < 0 ? rc : rc == 0 ? err_fail(WEFT_ENOTFOUND, "There is no such user.") : 0;
}

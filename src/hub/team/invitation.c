/* Invitations to a team by email (invitation.h). */
#include "hub/team/invitation.h"

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "db/rows.h"
#include "db/secret.h"
#include "hub/team/member.h"
#include "hub/team/plan.h"
#include "mail/mail.h"

/* Pending: neither accepted nor revoked nor expired, at time $1. */
#define PENDING_SQL " i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $1 "

#define INVITATION_SELECT                                                                     \
	"SELECT i.id, i.workspace_id, w.slug, w.name, g.slug, g.name, i.email, u.username,"   \
	" i.created_at, i.expires_at, COALESCE(i.group_id, 0) FROM invitations i"             \
	" JOIN workspaces w ON w.id = i.workspace_id LEFT JOIN groups g ON g.id = i.group_id" \
	" LEFT JOIN users u ON u.id = i.invited_by "
static const char *text_or_null(db_stmt *st, arena *a, int col)
{
	return db_col_null(st, col) ? NULL : arena_strdup(a, db_col_text(st, col));
}

static void read_invitation(db_stmt *st, arena *a, void *item)
{
	hub_invitation *out = item;
	out->id = db_col_int(st, 0);
	out->workspace_id = db_col_int(st, 1);
	out->workspace_slug = arena_strdup(a, db_col_text(st, 2));
	out->workspace_name = arena_strdup(a, db_col_text(st, 3));
	out->group_slug = text_or_null(st, a, 4);
	out->group_name = text_or_null(st, a, 5);
	out->email = arena_strdup(a, db_col_text(st, 6));
	out->invited_by = text_or_null(st, a, 7);
	out->created_at = db_col_int(st, 8);
	out->expires_at = db_col_int(st, 9);
}

static int queue_invitation_mail(db_conn *c, const hub_invitation *inv, const char *base_url,
                                 const char *token)
{
	buf body = BUF_INIT;
	buf_printf(&body, "Hello,\n\n%s invites you to join the team %s (%s) on weft hub",
	           inv->invited_by ? inv->invited_by : "An administrator", inv->workspace_name,
	           inv->workspace_slug);
	if (inv->group_name)
		buf_printf(&body, ", in its group %s", inv->group_name);
	buf_printf(&body,
	           ".\n\nOpen this link to accept:\n\n%s/invitations/%s\n\n"
	           "The link works once, for 7 days, and only for %s: sign up with this address,\n"
	           "or sign in to an account where it is a confirmed address.\n",
	           base_url, token, inv->email);
	char subject[MAIL_SUBJECT_MAX + 1];
	snprintf(subject, sizeof subject, "You are invited to join %.180s on weft hub",
	         inv->workspace_name);
	int rc = mail_queue(c, inv->email, subject, buf_cstr(&body), NULL);
	buf_dispose(&body);
	return rc;
}

/* A pending invitation by id, of workspace_id. */
static int find_pending(db_conn *c, arena *a, int64_t workspace_id, int64_t id, hub_invitation *out)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  INVITATION_SELECT "WHERE" PENDING_SQL
	                                    "AND i.id = $2 AND i.workspace_id = $3",
	                  db_int(clock_now_ms()), db_int(id), db_int(workspace_id));
	if (rc == 0)
		rc = db_step_one(st, "There is no pending invitation %lld.", (long long)id);
	if (rc == 0) {
		read_invitation(st, a, out);
	}
	db_done(st);
	return rc;
}

/* Gives invitation id a new token valid from now and mails it. */
static int issue_token(db_conn *c, int64_t workspace_id, int64_t id, const char *base_url)
{
	db_secret_link link;
	db_secret_link_new(&link, HUB_INVITATION_LIFETIME_MS);
	int rc = db_exec(c, "UPDATE invitations SET token_hash = $1, expires_at = $2 WHERE id = $3",
	                 db_text(link.digest), db_int(link.expires_at), db_int(id));
	arena *a = arena_new();
	hub_invitation inv;
	if (rc >= 0)
		rc = find_pending(c, a, workspace_id, id, &inv);
	if (rc == 0)
		rc = queue_invitation_mail(c, &inv, base_url, link.token);
	arena_free(a);
	return rc < 0 ? rc : 0;
}

static int insert_invitation(db_conn *c, int64_t workspace_id, int64_t group_id, const char *email,
                             const hub_user *inviter, int64_t *id)
{
	db_secret_link placeholder; /* replaced by issue_token before anyone sees it */
	db_secret_link_new(&placeholder, HUB_INVITATION_LIFETIME_MS);
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "INSERT INTO invitations (workspace_id, group_id, email, token_hash,"
	                  " invited_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
	                  " RETURNING id",
	                  db_int(workspace_id), group_id ? db_int(group_id) : db_null(),
	                  db_text(email), db_text(placeholder.digest),
	                  inviter ? db_int(inviter->id) : db_null(), db_int(placeholder.now),
	                  db_int(placeholder.expires_at));
	if (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		*id = db_col_int(st, 0);
		rc = 0;
	}
	db_done(st);
	return rc;
}

/* Whether email has a pending invitation to the team (it counts once against the plan). */
static int has_pending(db_conn *c, int64_t workspace_id, const char *email, bool *out)
{
	int64_t found = 0;
	int rc = db_query_int(&found, c,
	                      "SELECT 1 FROM invitations i WHERE" PENDING_SQL
	                      "AND i.workspace_id = $2 AND lower(i.email) = lower($3)",
	                      db_int(clock_now_ms()), db_int(workspace_id), db_text(email));
	*out = found != 0;
	return rc;
}

int hub_invitation_create(db_conn *c, const hub_workspace *ws, int64_t group_id, const char *email,
                          const hub_user *inviter, const char *base_url, int64_t *id_out)
{
	bool pending = false;
	int64_t id = 0, now = clock_now_ms();
	int rc = hub_workspace_require_team(ws);
	if (rc == 0)
		rc = hub_account_check_email(email);
	if (rc == 0)
		rc = has_pending(c, ws->id, email, &pending);
	if (rc == 0)
		rc = hub_plan_check_member_limit(c, ws->id, pending ? 0 : 1);
	if (rc == 0)
		rc = db_exec(c,
		             "UPDATE invitations SET revoked_at = $1 WHERE workspace_id = $2"
		             " AND COALESCE(group_id, 0) = $3 AND lower(email) = lower($4)"
		             " AND accepted_at IS NULL AND revoked_at IS NULL",
		             db_int(now), db_int(ws->id), db_int(group_id), db_text(email));
	if (rc >= 0)
		rc = insert_invitation(c, ws->id, group_id, email, inviter, &id);
	if (rc == 0)
		rc = issue_token(c, ws->id, id, base_url);
	if (rc == 0 && id_out)
		*id_out = id;
	return rc;
}

int hub_invitation_list(db_conn *c, arena *a, int64_t workspace_id, hub_invitation **out, size_t *n)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  INVITATION_SELECT "WHERE" PENDING_SQL
	                                    "AND i.workspace_id = $2 ORDER BY i.id DESC",
	                  db_int(clock_now_ms()), db_int(workspace_id));
	return db_rows_read((void **)out, n, st, rc, a, sizeof **out, read_invitation);
}

int hub_invitation_revoke(db_conn *c, int64_t workspace_id, int64_t invitation_id)
{
	int rc =
	        db_exec(c,
	                "UPDATE invitations SET revoked_at = $1 WHERE id = $2 AND workspace_id = $3"
	                " AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $1",
	                db_int(clock_now_ms()), db_int(invitation_id), db_int(workspace_id));
	if (rc == 0)
		return err_fail(WEFT_ENOTFOUND, "There is no pending invitation %lld.",
		                (long long)invitation_id);
	return rc < 0 ? rc : 0;
}

int hub_invitation_resend(db_conn *c, int64_t workspace_id, int64_t invitation_id,
                          const char *base_url)
{
	arena *a = arena_new();
	hub_invitation inv;
	int rc = find_pending(c, a, workspace_id, invitation_id, &inv);
	if (rc == 0)
		rc = issue_token(c, workspace_id, invitation_id, base_url);
	arena_free(a);
	return rc;
}

/* The pending invitation behind token, with its group's id. */
static int find_by_token(db_conn *c, arena *a, const char *token, hub_invitation *out,
                         int64_t *group_id)
{
	char digest[65];
	db_secret_digest(digest, token);
	db_stmt *st;
	int rc = db_query(&st, c, INVITATION_SELECT "WHERE" PENDING_SQL "AND i.token_hash = $2",
	                  db_int(clock_now_ms()), db_text(digest));
	if (rc == 0)
		rc = db_step_one(st, "This invitation link is invalid, used, revoked or expired.");
	if (rc == 0) {
		read_invitation(st, a, out);
		*group_id = db_col_int(st, 10);
	}
	db_done(st);
	return rc;
}

int hub_invitation_find(db_conn *c, arena *a, const char *token, hub_invitation *out)
{
	int64_t group_id;
	return find_by_token(c, a, token, out, &group_id);
}

/* Joins user_id to the team and group of one pending invitation and uses it up. The plan's
 * limit is checked before anything is written: the invitation already counts as a member. */
static int accept_one(db_conn *c, int64_t invitation_id, int64_t workspace_id, int64_t group_id,
                      int64_t user_id)
{
	bool member = false;
	int rc = hub_member_is(c, workspace_id, user_id, &member);
	if (rc == 0 && !member)
		rc = hub_plan_check_member_limit(c, workspace_id, 0);
	if (rc == 0)
		rc = db_exec(
		        c,
		        "UPDATE invitations SET accepted_at = $1, accepted_by = $2 WHERE id = $3",
		        db_int(clock_now_ms()), db_int(user_id), db_int(invitation_id));
	if (rc >= 0)
		rc = hub_member_join(c, workspace_id, group_id, user_id, NULL);
	return rc < 0 ? rc : 0;
}

/* Whether email is a confirmed address of user_id; unconfirmed when it is theirs but not
 * confirmed yet. */
static int address_state(db_conn *c, int64_t user_id, const char *email, bool *confirmed,
                         bool *unconfirmed)
{
	int64_t state = 0;
	int rc = db_query_int(&state, c,
	                      "SELECT CASE WHEN confirmed_at IS NULL THEN 1 ELSE 2 END FROM emails"
	                      " WHERE user_id = $1 AND lower(address) = lower($2)",
	                      db_int(user_id), db_text(email));
	*confirmed = state == 2;
	*unconfirmed = state == 1;
	return rc;
}

/* The invitation behind token, and whether user may accept it. */
static int check_acceptance(db_conn *c, arena *a, const char *token, const hub_user *user,
                            hub_invitation *inv, int64_t *group_id)
{
	bool confirmed = false, unconfirmed = false;
	int rc = find_by_token(c, a, token, inv, group_id);
	if (rc == 0)
		rc = address_state(c, user->id, inv->email, &confirmed, &unconfirmed);
	if (rc < 0)
		return rc;
	if (unconfirmed)
		return err_fail(WEFT_EPERM,
		                "This invitation is for %s: confirm that address first (follow the "
		                "link in the mail we sent), and you will join the team.",
		                inv->email);
	if (!confirmed)
		return err_fail(
		        WEFT_EPERM,
		        "This invitation is for %s, which is not a confirmed address of your "
		        "account %s. Sign in with the account that has it, or sign up with it.",
		        inv->email, user->username);
	return 0;
}

int hub_invitation_check(db_conn *c, arena *a, const char *token, const hub_user *user,
                         hub_invitation *out)
{
	int64_t group_id = 0;
	return check_acceptance(c, a, token, user, out, &group_id);
}

int hub_invitation_accept(db_conn *c, arena *a, const char *token, const hub_user *user,
                          hub_invitation *out)
{
	hub_invitation inv;
	int64_t group_id = 0;
	int rc = check_acceptance(c, a, token, user, &inv, &group_id);
	if (rc == 0)
		rc = accept_one(c, inv.id, inv.workspace_id, group_id, user->id);
	if (rc == 0 && out)
		*out = inv;
	return rc;
}

typedef struct pending_row {
	int64_t id, workspace_id, group_id;
} pending_row;

static void read_pending(db_stmt *st, arena *a, void *item)
{
	(void)a;
	*(pending_row *)item =
	        (pending_row){ db_col_int(st, 0), db_col_int(st, 1), db_col_int(st, 2) };
}

static int pending_for(db_conn *c, arena *a, int64_t user_id, const char *email, pending_row **out,
                       size_t *n)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT i.id, i.workspace_id, COALESCE(i.group_id, 0) FROM invitations i"
	                  " JOIN emails e ON lower(e.address) = lower(i.email)"
	                  " WHERE" PENDING_SQL "AND e.user_id = $2 AND e.confirmed_at IS NOT NULL"
	                  " AND ($3 = '' OR lower(i.email) = lower($3)) ORDER BY i.id",
	                  db_int(clock_now_ms()), db_int(user_id), db_text(email ? email : ""));
	return db_rows_read((void **)out, n, st, rc, a, sizeof **out, read_pending);
}

int hub_invitation_accept_all_for(db_conn *c, int64_t user_id, const char *email)
{
	arena *a = arena_new();
	pending_row *rows = NULL;
	size_t n = 0;
	int rc = pending_for(c, a, user_id, email, &rows, &n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = accept_one(c, rows[i].id, rows[i].workspace_id, rows[i].group_id, user_id);
		if (rc == WEFT_ELIMIT)
			rc = 0; /* a full team: the invitation waits (nothing was written) */
	}
	arena_free(a);
	return rc;
}

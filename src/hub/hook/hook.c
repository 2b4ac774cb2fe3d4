/* Webhooks: their rules, their rows and subscriptions, and the delivery log. */
#include "hub/hook/hook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/str.h"
#include "base/token.h"
#include "hub/hook/allow.h"
#include "hub/hook/event.h"

/* ---- the catalogue ---- */

static const hub_hook_event_info catalogue[] = {
	{ "repo:push", "Repository", "Push", "A user pushes 1 or more commits to a repository." },
	{ "repo:updated", "Repository", "Updated",
	  "A user updates the Name, Description, Website, or Language fields under the "
	  "Repository details page of the repository settings." },
	{ "repo:transfer", "Repository", "Transfer accepted",
	  "The repository is moved to another workspace." },
	{ "repo:deleted", "Repository", "Deleted", "A user deletes the repository." },
	{ "repo:commit_status_created", "Repository", "Build status created",
	  "A build system, CI tool, or another vendor recognizes that a user recently pushed a "
	  "commit and updates the commit with its status." },
	{ "repo:commit_status_updated", "Repository", "Build status updated",
	  "A build system, CI tool, or another vendor recognizes that a commit has a new status "
	  "and updates the commit with its status." },
	{ "pullrequest:created", "Pull Request", "Created", "A user creates a pull request." },
	{ "pullrequest:updated", "Pull Request", "Updated",
	  "A user updates a pull request or pushes to its source branch." },
	{ "pullrequest:approved", "Pull Request", "Approved", "A user approves a pull request." },
	{ "pullrequest:unapproved", "Pull Request", "Approval removed",
	  "A user removes an approval from a pull request." },
	{ "pullrequest:fulfilled", "Pull Request", "Merged", "A user merges a pull request." },
	{ "pullrequest:rejected", "Pull Request", "Declined", "A user declines a pull request." },
	{ "pullrequest:comment_created", "Pull Request", "Comment created",
	  "A user comments on a pull request." },
	{ "pullrequest:comment_updated", "Pull Request", "Comment updated",
	  "A user updates a comment on a pull request." },
	{ "pullrequest:comment_deleted", "Pull Request", "Comment deleted",
	  "A user deletes a comment on a pull request." },
	{ "pullrequest:comment_resolved", "Pull Request", "Comment resolved",
	  "A user resolves a comment on a pull request." },
	{ "pullrequest:comment_reopened", "Pull Request", "Comment reopened",
	  "A user reopens a resolved comment on a pull request." },
	{ "pullrequest:changes_request_created", "Pull Request", "Changes request created",
	  "A user requests changes on a pull request." },
	{ "pullrequest:changes_request_removed", "Pull Request", "Changes request removed",
	  "A user removes a request for changes on a pull request." },
};

const hub_hook_event_info *hub_hook_catalogue(size_t *n)
{
	*n = sizeof catalogue / sizeof catalogue[0];
	return catalogue;
}

bool hub_hook_event_known(const char *event)
{
	for (size_t i = 0; i < sizeof catalogue / sizeof catalogue[0]; i++)
		if (strcmp(catalogue[i].event, event) == 0)
			return true;
	return false;
}

/* ---- rules ---- */

static int check_events(const hub_hook_input *in)
{
	if (in->nevents == 0)
		return err_fail(WEFT_EINVALID, "events: choose at least one event.");
	if (in->nevents > HUB_HOOK_EVENTS_MAX)
		return err_fail(WEFT_EINVALID, "events: at most %d.", HUB_HOOK_EVENTS_MAX);
	for (size_t i = 0; i < in->nevents; i++)
		if (!in->events[i] || !hub_hook_event_known(in->events[i]))
			return err_fail(WEFT_EINVALID,
			                "events: %.80s is not an event of this site.",
			                in->events[i] ? in->events[i] : "(null)");
	return 0;
}

static int check_secret(const char *secret)
{
	if (!secret)
		return 0;
	if (!*secret)
		return err_fail(WEFT_EINVALID, "secret: must not be empty (null removes it).");
	return str_check_line("secret", secret, HUB_HOOK_SECRET_MAX);
}

static int check_input(const hub_hook_input *in, bool creating)
{
	if (creating && !in->url)
		return err_fail(WEFT_EINVALID, "url: This field is required.");
	if (creating && !in->events_given)
		return err_fail(WEFT_EINVALID, "events: This field is required.");
	int rc = in->url ? hub_hook_check_url(in->url) : 0;
	if (rc == 0 && in->description)
		rc = str_check_line("description", in->description, HUB_HOOK_DESCRIPTION_MAX);
	if (rc == 0 && in->secret_given)
		rc = check_secret(in->secret);
	if (rc == 0 && in->events_given)
		rc = check_events(in);
	return rc;
}

/* "{uuid}" or "uuid" → "uuid" in a; NULL when it is no UUID. */
static const char *plain_uuid(arena *a, const char *s)
{
	size_t len = s ? strlen(s) : 0;
	if (len == 38 && s[0] == '{' && s[37] == '}')
		return arena_strndup(a, s + 1, 36);
	return len == 36 ? s : NULL;
}

/* ---- reading ---- */

static int by_name(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int load_events(db_conn *c, arena *a, hub_hook *h)
{
	db_stmt *st;
	size_t cap = 0;
	h->events = NULL;
	h->nevents = 0;
	int rc = db_query(&st, c, "SELECT event FROM hook_subscriptions WHERE hook_id = $1",
	                  db_int(h->id));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		h->events = array_room(a, h->events, h->nevents, &cap, sizeof *h->events);
		h->events[h->nevents++] = arena_strdup(a, db_col_text(st, 0));
		rc = 0;
	}
	db_done(st);
	if (rc == 0 && h->nevents > 1)
		qsort(h->events, h->nevents, sizeof *h->events, by_name);
	return rc;
}

#define HOOK_COLUMNS                                                                           \
	"id, uuid, workspace_id, repository_id, url, description, active, secret IS NOT NULL," \
	" skip_cert_verification, created_at, updated_at"

static void read_hook(db_stmt *st, arena *a, hub_hook *h)
{
	*h = (hub_hook){
		.id = db_col_int(st, 0),
		.subject = { db_col_int(st, 2), db_col_int(st, 3) },
		.url = arena_strdup(a, db_col_text(st, 4)),
		.description = arena_strdup(a, db_col_text(st, 5)),
		.active = db_col_int(st, 6) != 0,
		.secret_set = db_col_int(st, 7) != 0,
		.skip_cert_verification = db_col_int(st, 8) != 0,
		.created_at = db_col_int(st, 9),
		.updated_at = db_col_int(st, 10),
	};
	snprintf(h->uuid, sizeof h->uuid, "%s", db_col_text(st, 1));
}

/* The subject's condition: $1 the repository, or $2 the workspace with no repository. */
#define SUBJECT_WHERE                                                                 \
	" ((repository_id = $1 AND $1 <> 0) OR (repository_id IS NULL AND $1 = 0 AND" \
	" workspace_id = $2))"

int hub_hook_get(db_conn *c, arena *a, const hub_hook_subject *s, const char *uuid, hub_hook *out)
{
	const char *plain = plain_uuid(a, uuid);
	db_stmt *st;
	if (!plain)
		return err_fail(WEFT_ENOTFOUND, "No webhook with the UUID %.40s.", uuid);
	int rc = db_query(&st, c,
	                  "SELECT " HOOK_COLUMNS " FROM hooks WHERE uuid = $3 AND" SUBJECT_WHERE,
	                  db_int(s->repository_id), db_int(s->workspace_id), db_text(plain));
	if (rc == 0)
		rc = db_step_one(st, "No webhook with the UUID %.40s.", uuid);
	if (rc == 0)
		read_hook(st, a, out);
	db_done(st);
	return rc < 0 ? rc : load_events(c, a, out);
}

int hub_hook_list(db_conn *c, arena *a, const hub_hook_subject *s, hub_hook **out, size_t *n)
{
	db_stmt *st;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	int rc = db_query(&st, c,
	                  "SELECT " HOOK_COLUMNS " FROM hooks WHERE" SUBJECT_WHERE " ORDER BY id",
	                  db_int(s->repository_id), db_int(s->workspace_id));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		*out = array_room(a, *out, *n, &cap, sizeof **out);
		read_hook(st, a, &(*out)[(*n)++]);
		rc = 0;
	}
	db_done(st);
	for (size_t i = 0; rc == 0 && i < *n; i++)
		rc = load_events(c, a, &(*out)[i]);
	return rc;
}

/* ---- writing ---- */

static int count_hooks(db_conn *c, const hub_hook_subject *s, int64_t *count)
{
	db_stmt *st;
	int rc = db_query(&st, c, "SELECT COUNT(*) FROM hooks WHERE" SUBJECT_WHERE,
	                  db_int(s->repository_id), db_int(s->workspace_id));
	if (rc == 0)
		rc = db_step_one(st, "no count");
	if (rc == 0)
		*count = db_col_int(st, 0);
	db_done(st);
	return rc;
}

static int set_events(db_conn *c, int64_t hook_id, const hub_hook_input *in)
{
	int rc = db_exec(c, "DELETE FROM hook_subscriptions WHERE hook_id = $1", db_int(hook_id));
	for (size_t i = 0; rc >= 0 && i < in->nevents; i++)
		rc = db_exec(c,
		             "INSERT INTO hook_subscriptions (hook_id, event) VALUES ($1, $2)"
		             " ON CONFLICT (hook_id, event) DO NOTHING",
		             db_int(hook_id), db_text(in->events[i]));
	return rc < 0 ? rc : 0;
}

static int insert_hook(db_conn *c, const hub_hook_subject *s, int64_t creator_id,
                       const hub_hook_input *in, const char *uuid, int64_t *id)
{
	db_stmt *st;
	int64_t now = clock_now_ms();
	int rc = db_query(&st, c,
	                  "INSERT INTO hooks (uuid, workspace_id, repository_id, url, description,"
	                  " active, secret, skip_cert_verification, creator_id, created_at,"
	                  " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)"
	                  " RETURNING id",
	                  db_text(uuid), s->repository_id ? db_null() : db_int(s->workspace_id),
	                  s->repository_id ? db_int(s->repository_id) : db_null(), db_text(in->url),
	                  db_text(in->description ? in->description : ""), db_int(in->active != 0),
	                  db_text(in->secret_given ? in->secret : NULL),
	                  db_int(in->skip_cert_verification > 0),
	                  creator_id ? db_int(creator_id) : db_null(), db_int(now));
	if (rc == 0)
		rc = db_step_one(st, "the hook was not inserted");
	if (rc == 0)
		*id = db_col_int(st, 0);
	db_done(st);
	return rc;
}

int hub_hook_create(db_conn *c, arena *a, const hub_hook_subject *s, int64_t creator_id,
                    const hub_hook_input *in, hub_hook *out)
{
	char uuid[TOKEN_UUID_LEN];
	int64_t count = 0, id = 0;
	int rc = check_input(in, true);
	if (rc == 0)
		rc = count_hooks(c, s, &count);
	if (rc == 0 && count >= HUB_HOOK_PER_SUBJECT_MAX)
		rc = err_fail(WEFT_ELIMIT, "A repository or workspace has at most %d webhooks.",
		              HUB_HOOK_PER_SUBJECT_MAX);
	token_uuid(uuid);
	if (rc == 0)
		rc = insert_hook(c, s, creator_id, in, uuid, &id);
	if (rc == 0)
		rc = set_events(c, id, in);
	return rc < 0 ? rc : hub_hook_get(c, a, s, uuid, out);
}

static int write_change(db_conn *c, const hub_hook *old, const hub_hook_input *in)
{
	int rc = db_exec(c,
	                 "UPDATE hooks SET url = $2, description = $3, active = $4,"
	                 " skip_cert_verification = $5, updated_at = $6 WHERE id = $1",
	                 db_int(old->id), db_text(in->url ? in->url : old->url),
	                 db_text(in->description ? in->description : old->description),
	                 db_int(in->active >= 0 ? in->active : old->active),
	                 db_int(in->skip_cert_verification >= 0 ? in->skip_cert_verification
	                                                        : old->skip_cert_verification),
	                 db_int(clock_now_ms()));
	if (rc >= 0 && in->secret_given)
		rc = db_exec(c, "UPDATE hooks SET secret = $2 WHERE id = $1", db_int(old->id),
		             db_text(in->secret));
	return rc < 0 ? rc : 0;
}

int hub_hook_update(db_conn *c, arena *a, const hub_hook_subject *s, const char *uuid,
                    const hub_hook_input *in, hub_hook *out)
{
	hub_hook old;
	int rc = check_input(in, false);
	if (rc == 0)
		rc = hub_hook_get(c, a, s, uuid, &old);
	if (rc == 0)
		rc = write_change(c, &old, in);
	if (rc == 0 && in->events_given)
		rc = set_events(c, old.id, in);
	if (rc == 0 && in->active == 1 && !old.active)
		rc = hub_hook_schedule(c, old.id, 0); /* what waited while it was off */
	return rc < 0 ? rc : hub_hook_get(c, a, s, uuid, out);
}

int hub_hook_delete(db_conn *c, const hub_hook_subject *s, const char *uuid)
{
	arena *a = arena_new();
	hub_hook h;
	int rc = hub_hook_get(c, a, s, uuid, &h);
	if (rc == 0)
		rc = db_exec(c, "DELETE FROM hooks WHERE id = $1", db_int(h.id));
	arena_free(a);
	return rc < 0 ? rc : 0;
}

/* ---- the delivery log ---- */

#define DELIVERY_COLUMNS                                                                       \
	"d.id, d.event, d.request_uuid, d.state, d.attempts, d.created_at, d.next_attempt_at," \
	" d.finished_at, d.resent_from, (SELECT t.status FROM hook_attempts t WHERE"           \
	" t.delivery_id = d.id ORDER BY t.id DESC LIMIT 1)"

static void read_delivery(db_stmt *st, arena *a, hub_hook_delivery *d)
{
	*d = (hub_hook_delivery){
		.id = db_col_int(st, 0),
		.event = arena_strdup(a, db_col_text(st, 1)),
		.request_uuid = arena_strdup(a, db_col_text(st, 2)),
		.state = arena_strdup(a, db_col_text(st, 3)),
		.attempts = (int)db_col_int(st, 4),
		.created_at = db_col_int(st, 5),
		.next_attempt_at = db_col_int(st, 6),
		.finished_at = db_col_int(st, 7),
		.resent_from = db_col_int(st, 8),
		.last_status = (int)db_col_int(st, 9),
	};
}

int hub_hook_deliveries(db_conn *c, arena *a, int64_t hook_id, bool failed_only, int64_t before_id,
                        hub_hook_delivery **out, size_t *n)
{
	db_stmt *st;
	*out = arena_array(a, HUB_HOOK_LOG_PAGE, sizeof **out);
	*n = 0;
	int rc = db_query(&st, c,
	                  "SELECT " DELIVERY_COLUMNS " FROM hook_deliveries d WHERE d.hook_id = $1"
	                  " AND ($2 = 0 OR d.id < $2) AND ($3 = 0 OR d.state = 'failed' OR"
	                  " (d.state = 'pending' AND d.attempts > 0)) ORDER BY d.id DESC LIMIT $4",
	                  db_int(hook_id), db_int(before_id), db_int(failed_only),
	                  db_int(HUB_HOOK_LOG_PAGE));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		read_delivery(st, a, &(*out)[(*n)++]);
		rc = 0;
	}
	db_done(st);
	return rc;
}

static int load_attempts(db_conn *c, arena *a, hub_hook_delivery *d)
{
	db_stmt *st;
	size_t cap = 0;
	int rc = db_query(&st, c,
	                  "SELECT id, attempt, started_at, duration_ms, request_headers, status,"
	                  " response_headers, response_body, error FROM hook_attempts"
	                  " WHERE delivery_id = $1 ORDER BY id",
	                  db_int(d->id));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		d->tries = array_room(a, d->tries, d->ntries, &cap, sizeof *d->tries);
		d->tries[d->ntries++] = (hub_hook_attempt){
			db_col_int(st, 0),
			(int)db_col_int(st, 1),
			db_col_int(st, 2),
			db_col_int(st, 3),
			arena_strdup(a, db_col_text(st, 4)),
			(int)db_col_int(st, 5),
			arena_strdup(a, db_col_text(st, 6)),
			arena_strdup(a, db_col_text(st, 7)),
			arena_strdup(a, db_col_text(st, 8)),
		};
		rc = 0;
	}
	db_done(st);
	return rc;
}

int hub_hook_delivery_get(db_conn *c, arena *a, int64_t hook_id, int64_t delivery_id,
                          hub_hook_delivery *out)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT " DELIVERY_COLUMNS ", d.body FROM hook_deliveries d"
	                  " WHERE d.hook_id = $1 AND d.id = $2",
	                  db_int(hook_id), db_int(delivery_id));
	if (rc == 0)
		rc = db_step_one(st, "No delivery %lld of this webhook.", (long long)delivery_id);
	if (rc == 0) {
		read_delivery(st, a, out);
		out->body = arena_strdup(a, db_col_text(st, 10));
	}
	db_done(st);
	return rc < 0 ? rc : load_attempts(c, a, out);
}

int hub_hook_resend(db_conn *c, int64_t hook_id, int64_t delivery_id, int64_t *resent_id)
{
	db_stmt *st;
	int64_t now = clock_now_ms();
	int rc = db_query(&st, c,
	                  "INSERT INTO hook_deliveries (hook_id, event, request_uuid, body,"
	                  " signature, resent_from, created_at, next_attempt_at)"
	                  " SELECT hook_id, event, request_uuid, body, signature, id, $3, $3"
	                  " FROM hook_deliveries WHERE hook_id = $1 AND id = $2 RETURNING id",
	                  db_int(hook_id), db_int(delivery_id), db_int(now));
	if (rc == 0)
		rc = db_step_one(st, "No delivery %lld of this webhook.", (long long)delivery_id);
	if (rc == 0)
		*resent_id = db_col_int(st, 0);
	db_done(st);
	return rc < 0 ? rc : hub_hook_schedule(c, hook_id, 0);
}

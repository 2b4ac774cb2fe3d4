/* The outbox: mail queued in the transaction of the change that asks for it, delivered (or held)
 * by "mail.deliver" jobs, and listed for administrators. */
#include "mail/mail.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"

struct mail_jobs {
	db *d;
	mail_settings settings; /* pointing at the copies below */
	char *smtp_url, *user, *password, *from;
};

/* ---- queueing ---- */

static int enqueue_delivery(db_conn *c, int64_t id)
{
	char payload[48], key[32];
	snprintf(payload, sizeof payload, "{\"id\": %lld}", (long long)id);
	snprintf(key, sizeof key, "mail:%lld", (long long)id);
	job_enqueue_options opt = { .dedup_key = key, .max_attempts = MAIL_MAX_ATTEMPTS };
	return jobs_enqueue(c, MAIL_JOB_KIND, payload, &opt, NULL);
}

int mail_queue(db_conn *c, const char *recipient, const char *subject, const char *body,
               int64_t *id_out)
{
	int rc = mail_check(recipient, subject, body);
	if (rc < 0)
		return rc;
	db_stmt *s;
	int64_t id = 0;
	rc = db_query(&s, c,
	              "INSERT INTO outbox (recipient, subject, body, created_at)"
	              " VALUES ($1, $2, $3, $4) RETURNING id",
	              db_text(recipient), db_text(subject), db_text(body), db_int(clock_now_ms()));
	if (rc == 0 && (rc = db_step(s)) == DB_ROW)
		id = db_col_int(s, 0);
	db_done(s);
	if (rc < 0)
		return rc;
	if ((rc = enqueue_delivery(c, id)) < 0)
		return rc;
	if (id_out)
		*id_out = id;
	return 0;
}

/* ---- delivering ---- */

/* One outbox row, owned copies. */
typedef struct outbox_msg {
	int64_t id;
	bool found;
	char *recipient, *subject, *body, *state;
	int64_t created_at;
} outbox_msg;

static void outbox_msg_dispose(outbox_msg *m)
{
	free(m->recipient);
	free(m->subject);
	free(m->body);
	free(m->state);
}

static int load_row(db_conn *c, void *ctx)
{
	outbox_msg *m = ctx;
	db_stmt *s;
	int rc = db_query(&s, c,
	                  "SELECT recipient, subject, body, state, created_at FROM outbox"
	                  " WHERE id = $1",
	                  db_int(m->id));
	if (rc == 0 && (rc = db_step(s)) == DB_ROW) {
		m->found = true;
		m->recipient = mem_strdup(db_col_text(s, 0));
		m->subject = mem_strdup(db_col_text(s, 1));
		m->body = mem_strdup(db_col_text(s, 2));
		m->state = mem_strdup(db_col_text(s, 3));
		m->created_at = db_col_int(s, 4);
	}
	db_done(s);
	return rc < 0 ? rc : 0;
}

/* A row's outcome. Only a queued row changes: a delivery that lost a race changes nothing. */
typedef struct outcome {
	int64_t id;
	const char *state;
	int attempted; /* 1 when this was a delivery attempt */
	const char *error; /* NULL clears it */
	int64_t sent_at; /* 0 leaves it NULL */
} outcome;

static int write_outcome(db_conn *c, void *ctx)
{
	const outcome *o = ctx;
	int rc = db_exec(c,
	                 "UPDATE outbox SET state = $2, attempts = attempts + $3, last_error = $4,"
	                 " sent_at = $5 WHERE id = $1 AND state = 'queued'",
	                 db_int(o->id), db_text(o->state), db_int(o->attempted), db_text(o->error),
	                 o->sent_at ? db_int(o->sent_at) : db_null());
	return rc < 0 ? rc : 0;
}

static int hold(const mail_jobs *m, const outbox_msg *msg)
{
	outcome o = { msg->id, "held", 0, NULL, 0 };
	int rc = db_tx(m->d, write_outcome, &o);
	if (rc < 0)
		return rc;
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)msg->id);
	const log_field fields[] = { { "id", id },
		                     { "recipient", msg->recipient },
		                     { "subject", msg->subject } };
	log_fields(LOG_INFO, "mail held (no SMTP configured)", fields, 3);
	return 0;
}

/* Stable across attempts, so that a receiver can tell a resent copy from new mail. */
static void put_message_id(buf *out, const outbox_msg *msg, const char *from)
{
	buf address = BUF_INIT;
	const char *domain = "weft.invalid"; /* a bad From fails mail_build, which says why */
	if (mail_from_address(&address, from) == 0)
		domain = strchr(buf_cstr(&address), '@') + 1;
	buf_printf(out, "<weft.outbox.%lld.%lld@%s>", (long long)msg->id,
	           (long long)msg->created_at, domain);
	buf_dispose(&address);
}

/* Keeps the failure in the row (failed after the job's last attempt) and hands it to the job
 * queue as a retryable error, whatever its code: a fixed setting may let a retry through. */
static int record_failure(const mail_jobs *m, const outbox_msg *msg, const job *j)
{
	char error[512];
	snprintf(error, sizeof error, "%s", err_msg());
	bool last = j->attempts >= j->max_attempts;
	outcome o = { msg->id, last ? "failed" : "queued", 1, error, 0 };
	int rc = db_tx(m->d, write_outcome, &o);
	if (rc < 0)
		return rc;
	return err_fail(WEFT_ERROR, "%s", error);
}

static int send_row(const mail_jobs *m, const outbox_msg *msg, const job *j)
{
	buf message = BUF_INIT, message_id = BUF_INIT;
	put_message_id(&message_id, msg, m->from);
	int rc = mail_build(&message, m->from, msg->recipient, msg->subject, msg->body,
	                    msg->created_at, buf_cstr(&message_id));
	if (rc == 0)
		rc = mail_send(&m->settings, msg->recipient, &message);
	if (rc == 0) {
		outcome o = { msg->id, "sent", 1, NULL, clock_now_ms() };
		rc = db_tx(m->d, write_outcome, &o);
	} else {
		rc = record_failure(m, msg, j);
	}
	buf_dispose(&message_id);
	buf_dispose(&message);
	return rc;
}

static int payload_id(int64_t *out, const char *payload)
{
	json_t *root = json_loads(payload, 0, NULL);
	json_int_t id = 0;
	int rc = 0;
	if (!root || json_unpack(root, "{s:I}", "id", &id) < 0 || id <= 0)
		rc = err_fail(WEFT_EINVALID, "%s: the payload has no outbox id", MAIL_JOB_KIND);
	json_decref(root);
	if (rc == 0)
		*out = id;
	return rc;
}

static int deliver(void *ctx, const job *j)
{
	const mail_jobs *m = ctx;
	outbox_msg msg = { 0 };
	int rc = payload_id(&msg.id, j->payload);
	if (rc == 0)
		rc = db_read(m->d, load_row, &msg);
	if (rc < 0 || !msg.found || strcmp(msg.state, "queued") != 0)
		goto done; /* gone, or already handled: at-least-once jobs must be idempotent */
	if (m->smtp_url && *m->smtp_url)
		rc = send_row(m, &msg, j);
	else
		rc = hold(m, &msg);
done:
	outbox_msg_dispose(&msg);
	return rc;
}

static char *copy(const char *s)
{
	return s ? mem_strdup(s) : NULL;
}

mail_jobs *mail_register_jobs(job_queue *q, db *d, const mail_settings *settings)
{
	mail_jobs *m = mem_zalloc(sizeof *m);
	m->d = d;
	m->smtp_url = copy(settings->smtp_url);
	m->user = copy(settings->user);
	m->password = copy(settings->password);
	m->from = copy(settings->from);
	m->settings = (mail_settings){ m->smtp_url, m->user, m->password, m->from };
	job_queue_register(q, MAIL_JOB_KIND, deliver, m);
	return m;
}

void mail_jobs_free(mail_jobs *m)
{
	if (!m)
		return;
	free(m->smtp_url);
	free(m->user);
	free(m->password);
	free(m->from);
	free(m);
}

/* ---- listing ---- */

typedef struct list_ctx {
	int limit;
	void (*fn)(void *ctx, const mail_row *row);
	void *ctx;
} list_ctx;

static int list_rows(db_conn *c, void *ctx)
{
	list_ctx *lc = ctx;
	db_stmt *s;
	int rc = db_query(&s, c,
	                  "SELECT id, recipient, subject, body, state, attempts, last_error,"
	                  " created_at, sent_at FROM outbox ORDER BY created_at DESC, id DESC"
	                  " LIMIT $1",
	                  db_int(lc->limit));
	while (rc == 0 && (rc = db_step(s)) == DB_ROW) {
		mail_row row = { db_col_int(s, 0),  db_col_text(s, 1), db_col_text(s, 2),
			         db_col_text(s, 3), db_col_text(s, 4), (int)db_col_int(s, 5),
			         db_col_text(s, 6), db_col_int(s, 7),  db_col_int(s, 8) };
		lc->fn(lc->ctx, &row);
		rc = 0;
	}
	db_done(s);
	return rc < 0 ? rc : 0;
}

int mail_list(db *d, int limit, void (*fn)(void *ctx, const mail_row *row), void *ctx)
{
	list_ctx lc = { limit, fn, ctx };
	return db_read(d, list_rows, &lc);
}

/* Mail: the outbox table of a service's database and its delivery over SMTP (libcurl). Mail is
 * queued inside the transaction of the change that asks for it and delivered by a "mail.deliver"
 * job; with no SMTP server configured it is held in the outbox, where administrators can read it. */
#ifndef WEFT_MAIL_MAIL_H
#define WEFT_MAIL_MAIL_H

#include <stdint.h>

#include "base/buf.h"
#include "db/db.h"
#include "db/jobs.h"

enum {
	MAIL_ADDRESS_MAX = 254, /* RFC 5321's limit on a forward path */
	MAIL_SUBJECT_MAX = 250, /* bytes of UTF-8 */
	MAIL_BODY_MAX = 1024 * 1024, /* bytes of UTF-8 */
	MAIL_MAX_ATTEMPTS = 24, /* delivery attempts: about half a day of backoff */
};

/* The job kind that delivers one outbox row; its payload is {"id": N}. */
#define MAIL_JOB_KIND "mail.deliver"

/* Checks that address is one plain address local@domain: ASCII, no spaces, no display name, no
 * list, within RFC 5321's lengths. field names it in the message. 0 or WEFT_EINVALID. */
int mail_check_address(const char *field, const char *address);

/* An account's address: mail_check_address's rules and, as people expect of a sign-up form, a
 * domain with a dot in it (no "alice@localhost"). 0 or WEFT_EINVALID ("FIELD: …"). */
int mail_check_user_address(const char *field, const char *address);

/* Checks a From setting, "Name <local@domain>" or "local@domain", and appends its address part to
 * out (for the SMTP envelope). WEFT_EINVALID naming what is wrong (for start-up checks too). */
int mail_from_address(buf *out, const char *from);

/* Checks the fields of a message as mail_queue does: recipient one address; subject at most
 * MAIL_SUBJECT_MAX bytes of UTF-8 without CR, LF or other control characters; body at most
 * MAIL_BODY_MAX bytes of UTF-8. 0 or WEFT_EINVALID with a message naming the field. */
int mail_check(const char *recipient, const char *subject, const char *body);

/* Appends to out a complete RFC 5322 message with CRLF line endings: Date (UTC, from date_ms),
 * From, To, Subject (RFC 2047 encoded-words when not plain ASCII), Message-ID (message_id, with or
 * without its angle brackets), MIME-Version and a text/plain UTF-8 body sent as 8bit, with bare
 * LF and CR turned into CRLF and lines over 998 bytes broken between characters. from as for
 * mail_from_address; to, subject and body as for mail_check. WEFT_EINVALID, naming the field,
 * for a CR or LF in any header value, or any other invalid value; out is then unchanged. */
int mail_build(buf *out, const char *from, const char *to, const char *subject, const char *body,
               int64_t date_ms, const char *message_id);

/* Queues a message inside c's current transaction: an outbox row (state queued) and a
 * "mail.deliver" job, so that the mail exists exactly when the caller's change commits.
 * The fields are checked as by mail_check. *id_out (may be NULL) gets the row's id.
 * WEFT_EINVALID naming the field, and nothing written, for bad input; the store's error
 * otherwise. */
int mail_queue(db_conn *c, const char *recipient, const char *subject, const char *body,
               int64_t *id_out);

/* Where and how to deliver. smtp_url NULL or "" holds all mail in the outbox; user and password
 * NULL or "" send no credentials; from as for mail_from_address. */
typedef struct mail_settings {
	const char *smtp_url, *user, *password, *from;
} mail_settings;

/* Sends one built message (mail_build) to one recipient now over SMTP: STARTTLS when an smtp://
 * server offers it, TLS from the start for smtps://; 10 s to connect, 60 s in all (libcurl
 * starts with the first message: curlib.h). WEFT_EINVALID for a bad from or recipient; WEFT_ERROR with
 * libcurl's reason (never the password) when the server cannot be reached or refuses. */
int mail_send(const mail_settings *settings, const char *recipient, const buf *message);

/* The "mail.deliver" handler's context, made by mail_register_jobs. */
typedef struct mail_jobs mail_jobs;

/* Registers the "mail.deliver" handler on q, delivering from d's outbox with a copy of settings
 * (which the caller may then discard). The handler is idempotent: a missing row, or one no longer
 * queued, is done. With no SMTP URL the row becomes held and an info line says so; otherwise a
 * sent row becomes sent, and a failure counts an attempt and keeps its error in the row (failed
 * after the job's last attempt) and retries with the job's backoff. Free the result with
 * mail_jobs_free after job_queue_stop. */
mail_jobs *mail_register_jobs(job_queue *q, db *d, const mail_settings *settings);
/* Frees what mail_register_jobs made; NULL is allowed. */
void mail_jobs_free(mail_jobs *m);

/* One outbox row, as mail_list hands it out: the strings live until the callback returns.
 * sent_at is 0 until the mail is sent; last_error NULL when no attempt failed. */
typedef struct mail_row {
	int64_t id;
	const char *recipient, *subject, *body, *state;
	int attempts;
	const char *last_error;
	int64_t created_at, sent_at;
} mail_row;

/* Calls fn for up to limit outbox rows, newest first (for the administrators' page and the
 * command line: held mail must stay readable). The store's error, if any. */
int mail_list(db *d, int limit, void (*fn)(void *ctx, const mail_row *row), void *ctx);

#endif

/* What the tests of src/mail share: a migrated store with the outbox, the job queue run by hand,
 * files and the captured log, a real SMTP server (aiosmtpd) that saves what it receives, and
 * readers of raw messages (headers, encoded-words, body). */
#ifndef WEFT_TESTS_MAIL_FIXTURE_H
#define WEFT_TESTS_MAIL_FIXTURE_H

#include "../db/fixture.h"

#include "base/buf.h"
#include "db/jobs.h"
#include "mail/mail.h"

extern const char from[];
extern const char subject_utf8[];

typedef struct queue_ctx {
	const char *recipient, *subject, *body;
	bool fail_after;
	int64_t id;
} queue_ctx;

fixture *begin(void **state);

int64_t scalar(db *d, const char *sql, int64_t arg);

/* A text column as a new string ("(null)" for NULL), or NULL when there is no row. */
char *text_of(db *d, const char *sql, int64_t arg);

void exec_sql(db *d, const char *sql);

/* Queues q's mail in c's transaction, then fails when q->fail_after (the caller's change). */
int queue_in_tx(db_conn *c, void *ctx);

int64_t queue_mail(db *d, const char *recipient, const char *subject, const char *body);

job_queue *new_queue(db *d, int64_t backoff_ms);

bool run_one(job_queue *q);

void make_temp_dir(char *out, size_t size);

void remove_tree(const char *dir);

/* A whole file as a new string, or NULL. */
char *read_all(const char *path);

/* What the code under test writes to stderr (the log), kept in a file meanwhile. */
typedef struct capture {
	int saved;
	char path[128];
} capture;

void capture_begin(capture *c, const char *dir);

char *capture_end(capture *c);

int free_port(void);

void sink_stop(void);

/* Starts the server on port, saving into dir, and waits (at most 30 s) until it accepts. */
void sink_start(int port, const char *dir, const char *login);

/* The Nth saved message, waiting up to 10 s for it; NULL when none came. */
char *sink_message(const char *dir, int n);

bool has_bare_newlines(const char *s, size_t len);

/* The raw value of a header field, folds kept, as a new string; NULL when absent. */
char *header_raw(const char *msg, const char *name);

/* RFC 5322 unfolding: drops the CRLF of each fold (a header value has no other). */
char *unfold(const char *raw);

/* Decodes a header of RFC 2047 B encoded-words; each word must be at most 75 characters and
 * hold whole UTF-8 characters, and each line of the header at most 76. */
char *decode_words(const char *raw, size_t first_line_used);

const char *body_of(const char *msg);

void check_delivered(const char *saved, const char *recipient, const char *login);

/* Runs the store tests once per engine, with libcurl set up and SIGPIPE ignored, and stops the
 * SMTP server afterwards (also after a failed assertion left it running). main's result. */
int mail_fixture_run(const struct CMUnitTest *tests, size_t n);

#endif

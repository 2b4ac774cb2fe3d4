/* Tests of src/mail/smtp.c on both engines: delivery to a real SMTP server (aiosmtpd), byte for
 * byte, with a login, and a refused login that never shows the password. */
#include "mail_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"

static void delivers_to_an_smtp_server(void **state)
{
	fixture *f = begin(state);
	char dir[64];
	make_temp_dir(dir, sizeof dir);
	int port = free_port();
	sink_start(port, dir, "weft:s3cret pass");
	/* a body over libcurl's upload buffer, lines that SMTP must escape, and one too long */
	buf body = BUF_INIT;
	buf_puts(&body, "Hello Bob,\n.\n..two dots\n");
	for (int i = 0; i < 2000; i++)
		buf_printf(&body, "line %04d of a long body, long enough to need many reads\n", i);
	for (int i = 0; i < 1200; i++)
		buf_puts(&body, "ü");
	buf_puts(&body, "\nbye");
	int64_t id = queue_mail(f->d, "bob@example.org", subject_utf8, body.ptr);
	char url[64];
	snprintf(url, sizeof url, "smtp://127.0.0.1:%d", port);
	mail_settings settings = { url, "weft", "s3cret pass", from };
	job_queue *q = new_queue(f->d, 1000);
	mail_jobs *m = mail_register_jobs(q, f->d, &settings);
	memset(url, 0, sizeof url); /* the queue keeps its own copy */
	assert_true(run_one(q));
	assert_int_equal(scalar(f->d,
	                        "SELECT COUNT(*) FROM outbox WHERE id = $1 AND state = 'sent'"
	                        " AND attempts = 1 AND last_error IS NULL AND sent_at > 0",
	                        id),
	                 1);
	assert_int_equal(scalar(f->d, "SELECT COUNT(*) + $1 FROM jobs WHERE state = 'done'", 0), 1);
	char *saved = sink_message(dir, 1);
	assert_non_null(saved);
	check_delivered(saved, "bob@example.org", "weft");
	/* exactly what mail_build makes, byte for byte, after SMTP's dot-stuffing both ways */
	const char *msg = strstr(saved, "\n\n") + 2;
	char *message_id = header_raw(msg, "Message-ID");
	buf want = BUF_INIT;
	assert_int_equal(mail_build(&want, from, "bob@example.org", subject_utf8, body.ptr,
	                            scalar(f->d, "SELECT created_at FROM outbox WHERE id = $1", id),
	                            message_id),
	                 0);
	assert_int_equal(strlen(msg), want.len);
	assert_memory_equal(msg, want.ptr, want.len);
	/* run again: the row is sent, so nothing more goes out */
	exec_sql(f->d, "UPDATE jobs SET state = 'pending', run_after = 0");
	assert_true(run_one(q));
	char second[160];
	snprintf(second, sizeof second, "%s/2.eml", dir);
	assert_null(read_all(second));
	buf_dispose(&want);
	free(message_id);
	free(saved);
	buf_dispose(&body);
	job_queue_stop(q, 5);
	mail_jobs_free(m);
	sink_stop();
	remove_tree(dir);
}

static void a_refused_login_never_shows_the_password(void **state)
{
	fixture *f = begin(state);
	char dir[64], url[64];
	make_temp_dir(dir, sizeof dir);
	int port = free_port();
	sink_start(port, dir, "weft:right");
	snprintf(url, sizeof url, "smtp://127.0.0.1:%d", port);
	int64_t id = queue_mail(f->d, "erin@example.org", "s", "b");
	mail_settings settings = { url, "weft", "wrong-Pa55word", from };
	job_queue *q = new_queue(f->d, 60 * 1000);
	mail_jobs *m = mail_register_jobs(q, f->d, &settings);
	capture cap;
	capture_begin(&cap, dir);
	bool ran = run_one(q);
	char *log = capture_end(&cap);
	assert_true(ran);
	assert_non_null(strstr(log, "SMTP: "));
	assert_null(strstr(log, "wrong-Pa55word"));
	free(log);
	char *error = text_of(f->d, "SELECT last_error FROM outbox WHERE id = $1", id);
	assert_true(str_starts_with(error, "SMTP: "));
	assert_non_null(strstr(error, "(the server replied 535)"));
	assert_null(strstr(error, "wrong-Pa55word"));
	free(error);
	assert_int_equal(scalar(f->d,
	                        "SELECT COUNT(*) FROM outbox WHERE id = $1 AND state = 'queued'"
	                        " AND attempts = 1",
	                        id),
	                 1);
	char first[160];
	snprintf(first, sizeof first, "%s/1.eml", dir);
	assert_null(read_all(first));
	job_queue_stop(q, 5);
	mail_jobs_free(m);
	sink_stop();
	remove_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(delivers_to_an_smtp_server),
		cmocka_unit_test(a_refused_login_never_shows_the_password),
	};
	return mail_fixture_run(tests, sizeof tests / sizeof tests[0]);
}

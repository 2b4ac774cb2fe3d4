/* Tests of src/mail/outbox.c on both engines: queueing with the caller's transaction, held mail,
 * the list, and the delivery job's retries and last attempt (against a real SMTP server). */
#include "mail_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/str.h"

/* ---- queueing ---- */

static void queue_refuses_bad_input_and_writes_nothing(void **state)
{
	fixture *f = begin(state);
	char long_local[80], long_address[300], long_subject[MAIL_SUBJECT_MAX + 2];
	memset(long_local, 'a', 65);
	strcpy(long_local + 65, "@example.com");
	memset(long_address, 'a', 60);
	long_address[60] = '@';
	for (int i = 61; i < 255; i++)
		long_address[i] = i % 10 == 0 ? '.' : 'b';
	strcpy(long_address + 255, ".com");
	memset(long_subject, 's', MAIL_SUBJECT_MAX + 1);
	long_subject[MAIL_SUBJECT_MAX + 1] = '\0';
	char *big_body = malloc(MAIL_BODY_MAX + 2);
	memset(big_body, 'b', MAIL_BODY_MAX + 1);
	big_body[MAIL_BODY_MAX + 1] = '\0';
	const struct {
		const char *recipient, *subject, *body, *field;
	} cases[] = {
		{ "", "s", "b", "recipient" },
		{ NULL, "s", "b", "recipient" },
		{ "bob", "s", "b", "recipient" },
		{ "bob@", "s", "b", "recipient" },
		{ "@example.org", "s", "b", "recipient" },
		{ "bob smith@example.org", "s", "b", "recipient" },
		{ "bob@exa mple.org", "s", "b", "recipient" },
		{ "bob@example@org", "s", "b", "recipient" },
		{ "<bob@example.org>", "s", "b", "recipient" },
		{ "Bob <bob@example.org>", "s", "b", "recipient" },
		{ "bob@example.org,eve@example.net", "s", "b", "recipient" },
		{ "bob@example.org;eve@example.net", "s", "b", "recipient" },
		{ "bob@example.org\r\nBcc: eve@example.net", "s", "b", "recipient" },
		{ "bob@example.org\n", "s", "b", "recipient" },
		{ "b..ob@example.org", "s", "b", "recipient" },
		{ ".bob@example.org", "s", "b", "recipient" },
		{ "bob@-example.org", "s", "b", "recipient" },
		{ "bob@example..org", "s", "b", "recipient" },
		{ "bob@example.org.", "s", "b", "recipient" },
		{ "böb@example.org", "s", "b", "recipient" },
		{ long_local, "s", "b", "recipient" },
		{ long_address, "s", "b", "recipient" },
		{ "bob@example.org", "line\nbreak", "b", "subject" },
		{ "bob@example.org", "carriage\rreturn", "b", "subject" },
		{ "bob@example.org", "bell\a", "b", "subject" },
		{ "bob@example.org", long_subject, "b", "subject" },
		{ "bob@example.org", "bad \xC3\x28 utf-8", "b", "subject" },
		{ "bob@example.org", "overlong \xC0\xAF", "b", "subject" },
		{ "bob@example.org", NULL, "b", "subject" },
		{ "bob@example.org", "s", "surrogate \xED\xA0\x80", "body" },
		{ "bob@example.org", "s", "cut \xE2\x9C", "body" },
		{ "bob@example.org", "s", big_body, "body" },
		{ "bob@example.org", "s", NULL, "body" },
	};
	db_conn *c;
	assert_int_equal(db_conn_get(&c, f->d), 0);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t id = -7;
		/* outside any transaction: had anything been written, it would stay */
		int rc = mail_queue(c, cases[i].recipient, cases[i].subject, cases[i].body, &id);
		if (rc != WEFT_EINVALID || !str_starts_with(err_msg(), cases[i].field))
			fail_msg("case %zu: %d %s", i, rc, err_msg());
		assert_int_equal(id, -7);
	}
	db_conn_put(c);
	free(big_body);
	assert_int_equal(scalar(f->d, "SELECT COUNT(*) + $1 FROM outbox", 0), 0);
	assert_int_equal(scalar(f->d, "SELECT COUNT(*) + $1 FROM jobs", 0), 0);
	/* the limits themselves are fine */
	long_subject[MAIL_SUBJECT_MAX] = '\0';
	long_local[64] = '\0';
	strcat(long_local, "@localhost");
	queue_mail(f->d, long_local, long_subject, "");
	queue_mail(f->d, "o'brien+tag@mail-1.example.org", "x", "y");
}

static void queue_commits_with_the_change(void **state)
{
	fixture *f = begin(state);
	queue_ctx rolled = { "bob@example.org", "s", "b", true, 0 };
	assert_int_equal(db_tx(f->d, queue_in_tx, &rolled), WEFT_ECONFLICT);
	assert_int_equal(scalar(f->d, "SELECT COUNT(*) + $1 FROM outbox", 0), 0);
	assert_int_equal(scalar(f->d, "SELECT COUNT(*) + $1 FROM jobs", 0), 0);
	int64_t id = queue_mail(f->d, "bob@example.org", "Welcome", "Hi");
	assert_int_equal(scalar(f->d,
	                        "SELECT COUNT(*) FROM outbox WHERE id = $1 AND"
	                        " state = 'queued' AND attempts = 0 AND sent_at IS NULL",
	                        id),
	                 1);
	char want[64], *payload = text_of(f->d, "SELECT payload FROM jobs WHERE $1 = 1", 1);
	snprintf(want, sizeof want, "{\"id\": %lld}", (long long)id);
	assert_string_equal(payload, want);
	free(payload);
	char *key = text_of(f->d,
	                    "SELECT dedup_key FROM jobs WHERE kind = 'mail.deliver' AND $1 = 1", 1);
	snprintf(want, sizeof want, "mail:%lld", (long long)id);
	assert_string_equal(key, want);
	free(key);
}

/* ---- holding and listing ---- */

static void without_smtp_mail_is_held_and_logged(void **state)
{
	fixture *f = begin(state);
	char dir[64];
	make_temp_dir(dir, sizeof dir);
	int64_t id = queue_mail(f->d, "bob@example.org", "Confirm your address",
	                        "Follow https://hub.example/confirm?t=abc");
	job_queue *q = new_queue(f->d, 1000);
	mail_settings none = { "", NULL, NULL, from };
	mail_jobs *m = mail_register_jobs(q, f->d, &none);
	capture cap;
	capture_begin(&cap, dir);
	bool ran = run_one(q);
	char *log = capture_end(&cap);
	assert_true(ran);
	assert_non_null(strstr(log, "info  mail held (no SMTP configured)"));
	assert_non_null(strstr(log, "recipient=bob@example.org"));
	assert_non_null(strstr(log, "subject=\"Confirm your address\""));
	free(log);
	assert_int_equal(scalar(f->d,
	                        "SELECT COUNT(*) FROM outbox WHERE id = $1 AND state = 'held'"
	                        " AND attempts = 0",
	                        id),
	                 1);
	assert_int_equal(scalar(f->d, "SELECT COUNT(*) + $1 FROM jobs WHERE state = 'done'", 0), 1);
	/* a second run of the same job (at least once) changes nothing; nor does a missing row */
	db_conn *c;
	assert_int_equal(db_conn_get(&c, f->d), 0);
	char payload[48];
	snprintf(payload, sizeof payload, "{\"id\": %lld}", (long long)id);
	assert_int_equal(jobs_enqueue(c, MAIL_JOB_KIND, payload, NULL, NULL), 0);
	assert_int_equal(jobs_enqueue(c, MAIL_JOB_KIND, "{\"id\": 987654}", NULL, NULL), 0);
	assert_int_equal(jobs_enqueue(c, MAIL_JOB_KIND, "{\"nothing\": 1}", NULL, NULL), 0);
	db_conn_put(c);
	while (run_one(q))
		;
	assert_int_equal(scalar(f->d, "SELECT COUNT(*) + $1 FROM jobs WHERE state = 'done'", 0), 3);
	assert_int_equal(scalar(f->d, "SELECT COUNT(*) + $1 FROM jobs WHERE state = 'dead'", 0), 1);
	assert_int_equal(
	        scalar(f->d, "SELECT COUNT(*) FROM outbox WHERE id = $1 AND state = 'held'", id),
	        1);
	job_queue_stop(q, 5);
	mail_jobs_free(m);
	remove_tree(dir);
}

typedef struct listed {
	int count;
	int64_t ids[8];
	char states[8][8];
	char bodies[8][32];
} listed;

static void collect(void *ctx, const mail_row *row)
{
	listed *l = ctx;
	assert_null(row->last_error);
	assert_true(row->created_at > 0 && row->sent_at == 0 && row->attempts == 0);
	assert_string_equal(row->recipient, "bob@example.org");
	l->ids[l->count] = row->id;
	snprintf(l->states[l->count], sizeof l->states[0], "%s", row->state);
	snprintf(l->bodies[l->count], sizeof l->bodies[0], "%s: %s", row->subject, row->body);
	l->count++;
}

static void list_shows_newest_first(void **state)
{
	fixture *f = begin(state);
	int64_t ids[3];
	for (int i = 0; i < 3; i++) {
		char subject[8];
		snprintf(subject, sizeof subject, "s%d", i);
		ids[i] = queue_mail(f->d, "bob@example.org", subject, "link");
	}
	exec_sql(f->d, "UPDATE outbox SET state = 'held' WHERE id = (SELECT MIN(id) FROM outbox)");
	listed l = { 0 };
	assert_int_equal(mail_list(f->d, 2, collect, &l), 0);
	assert_int_equal(l.count, 2);
	assert_true(l.ids[0] == ids[2] && l.ids[1] == ids[1]);
	assert_string_equal(l.bodies[0], "s2: link");
	l = (listed){ 0 };
	assert_int_equal(mail_list(f->d, 10, collect, &l), 0);
	assert_int_equal(l.count, 3);
	assert_int_equal(l.ids[2], ids[0]);
	assert_string_equal(l.states[2], "held");
	assert_string_equal(l.states[0], "queued");
}

static void retries_until_the_server_is_up(void **state)
{
	fixture *f = begin(state);
	char dir[64], url[64];
	make_temp_dir(dir, sizeof dir);
	int port = free_port(); /* nothing listens there yet */
	snprintf(url, sizeof url, "smtp://127.0.0.1:%d", port);
	int64_t id = queue_mail(f->d, "carol@example.org", subject_utf8, "body");
	mail_settings settings = { url, NULL, NULL, from };
	job_queue *q = new_queue(f->d, 10 * 60 * 1000);
	mail_jobs *m = mail_register_jobs(q, f->d, &settings);
	int64_t before = clock_now_ms();
	assert_true(run_one(q));
	assert_int_equal(scalar(f->d,
	                        "SELECT COUNT(*) FROM outbox WHERE id = $1 AND state = 'queued'"
	                        " AND attempts = 1 AND last_error LIKE 'SMTP: %'",
	                        id),
	                 1);
	assert_int_equal(scalar(f->d,
	                        "SELECT COUNT(*) FROM jobs WHERE state = 'pending'"
	                        " AND attempts = 1 AND run_after > $1",
	                        before + 60 * 1000),
	                 1);
	assert_false(run_one(q)); /* not due for minutes */
	sink_start(port, dir, "");
	exec_sql(f->d, "UPDATE jobs SET run_after = 0");
	assert_true(run_one(q));
	assert_int_equal(scalar(f->d,
	                        "SELECT COUNT(*) FROM outbox WHERE id = $1 AND state = 'sent'"
	                        " AND attempts = 2 AND last_error IS NULL",
	                        id),
	                 1);
	char *saved = sink_message(dir, 1);
	assert_non_null(saved);
	check_delivered(saved, "carol@example.org", "");
	assert_string_equal(body_of(saved), "body\r\n");
	free(saved);
	job_queue_stop(q, 5);
	mail_jobs_free(m);
	sink_stop();
	remove_tree(dir);
}

static void the_last_failed_attempt_marks_the_mail_failed(void **state)
{
	fixture *f = begin(state);
	char url[64];
	snprintf(url, sizeof url, "smtp://127.0.0.1:%d", free_port());
	int64_t id = queue_mail(f->d, "dave@example.org", "s", "b");
	exec_sql(f->d, "UPDATE jobs SET attempts = 2, max_attempts = 3");
	mail_settings settings = { url, NULL, NULL, from };
	job_queue *q = new_queue(f->d, 1);
	mail_jobs *m = mail_register_jobs(q, f->d, &settings);
	assert_true(run_one(q));
	assert_int_equal(scalar(f->d,
	                        "SELECT COUNT(*) FROM outbox WHERE id = $1 AND state = 'failed'"
	                        " AND attempts = 1 AND last_error IS NOT NULL",
	                        id),
	                 1);
	assert_int_equal(scalar(f->d, "SELECT COUNT(*) + $1 FROM jobs WHERE state = 'dead'", 0), 1);
	job_queue_stop(q, 5);
	mail_jobs_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(queue_refuses_bad_input_and_writes_nothing),
		cmocka_unit_test(queue_commits_with_the_change),
		cmocka_unit_test(without_smtp_mail_is_held_and_logged),
		cmocka_unit_test(list_shows_newest_first),
		cmocka_unit_test(retries_until_the_server_is_up),
		cmocka_unit_test(the_last_failed_attempt_marks_the_mail_failed),
	};
	return mail_fixture_run(tests, sizeof tests / sizeof tests[0]);
}

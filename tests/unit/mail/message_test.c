/* Tests of src/mail/message.c: building messages (headers, CRLF, encoded-words, dates, long
 * lines, display names) and refusing header injection. */
#include "mail_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/str.h"

static char *build(const char *subject, const char *body)
{
	buf b = BUF_INIT;
	assert_int_equal(mail_build(&b, from, "bob@example.org", subject, body, 1795873620000,
	                            "<abc.123@example.com>"),
	                 0);
	return buf_detach(&b);
}

/* ---- building messages ---- */

static void build_writes_every_header_with_crlf(void **state)
{
	(void)state;
	char *msg = build("Confirm your address", "Hello,\nline two\r\nline three\rend");
	assert_false(has_bare_newlines(msg, strlen(msg)));
	assert_true(str_starts_with(msg, "Date: Sat, 28 Nov 2026 13:47:00 +0000\r\n"));
	const char *want[] = { "\r\nFrom: weft <weft@example.com>\r\n",
		               "\r\nTo: bob@example.org\r\n",
		               "\r\nSubject: Confirm your address\r\n",
		               "\r\nMessage-ID: <abc.123@example.com>\r\n",
		               "\r\nMIME-Version: 1.0\r\n",
		               "\r\nContent-Type: text/plain; charset=utf-8\r\n",
		               "\r\nContent-Transfer-Encoding: 8bit\r\n" };
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		assert_non_null(strstr(msg, want[i]));
	assert_string_equal(body_of(msg), "Hello,\r\nline two\r\nline three\r\nend\r\n");
	free(msg);
}

static void build_formats_dates_in_utc_english(void **state)
{
	(void)state;
	const struct {
		int64_t ms;
		const char *want;
	} cases[] = { { 0, "Thu, 01 Jan 1970 00:00:00 +0000" },
		      { 951868799999, "Tue, 29 Feb 2000 23:59:59 +0000" },
		      { 1795873620000, "Sat, 28 Nov 2026 13:47:00 +0000" } };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		buf b = BUF_INIT;
		assert_int_equal(mail_build(&b, from, "a@b.c", "s", "", cases[i].ms, "x@y"), 0);
		char *date = header_raw(b.ptr, "Date");
		assert_string_equal(date, cases[i].want);
		free(date);
		buf_dispose(&b);
	}
}

static void build_encodes_utf8_subjects_in_words(void **state)
{
	(void)state;
	char *msg = build(subject_utf8, "x");
	char *raw = header_raw(msg, "Subject");
	assert_non_null(strstr(raw, "\r\n ")); /* split into several words */
	char *decoded = decode_words(raw, strlen("Subject: "));
	assert_string_equal(decoded, subject_utf8);
	free(decoded);
	free(raw);
	free(msg);
	/* ASCII that looks like an encoded-word is encoded, so no reader decodes it */
	msg = build("=?UTF-8?B?aGk=?=", "x");
	raw = header_raw(msg, "Subject");
	decoded = decode_words(raw, strlen("Subject: "));
	assert_string_equal(decoded, "=?UTF-8?B?aGk=?=");
	free(decoded);
	free(raw);
	free(msg);
}

static void build_folds_long_ascii_subjects(void **state)
{
	(void)state;
	char subject[MAIL_SUBJECT_MAX + 1] = "";
	while (strlen(subject) + 12 <= MAIL_SUBJECT_MAX)
		strcat(subject, "word  words ");
	char *msg = build(subject, "x");
	char *raw = header_raw(msg, "Subject");
	assert_non_null(strstr(raw, "\r\n "));
	char *line = raw;
	for (char *next; (next = strstr(line, "\r\n")); line = next + 2)
		assert_true(next - line + (line == raw ? 9 : 0) <= 78);
	char *text = unfold(raw);
	assert_string_equal(text, subject);
	free(text);
	free(raw);
	free(msg);
}

static void build_wraps_lines_over_998_bytes(void **state)
{
	(void)state;
	buf body = BUF_INIT;
	buf_puts(&body, "start\n.a dot\nx"); /* an odd byte first: the cut falls inside é */
	for (int i = 0; i < 1500; i++)
		buf_puts(&body, "é");
	buf_puts(&body, "\nend\n");
	char *msg = build("s", body.ptr);
	const char *text = body_of(msg);
	assert_false(has_bare_newlines(msg, strlen(msg)));
	buf joined = BUF_INIT;
	for (const char *p = text, *e; (e = strstr(p, "\r\n")); p = e + 2) {
		assert_true(e - p <= 998);
		assert_true(str_is_utf8(p, (size_t)(e - p)));
		buf_append(&joined, p, (size_t)(e - p));
		if (!str_starts_with(e + 2, "é"))
			buf_putc(&joined, '\n'); /* a real line break, not a wrap */
	}
	assert_string_equal(joined.ptr, body.ptr);
	buf_dispose(&joined);
	buf_dispose(&body);
	free(msg);
}

static void build_writes_display_names_safely(void **state)
{
	(void)state;
	const struct {
		const char *from, *want;
	} cases[] = { { "weft@example.com", "weft@example.com" },
		      { "  weft bot  <weft@example.com> ", "weft bot <weft@example.com>" },
		      { "weft (the \"bot\") <w@example.com>",
		        "\"weft (the \\\"bot\\\")\" <w@example.com>" },
		      { "Grüße <w@example.com>", "=?UTF-8?B?R3LDvMOfZQ==?=\r\n <w@example.com>" } };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		buf b = BUF_INIT;
		assert_int_equal(mail_build(&b, cases[i].from, "a@b.c", "s", "", 0, "x@y"), 0);
		char *got = header_raw(b.ptr, "From");
		assert_string_equal(got, cases[i].want);
		free(got);
		buf_dispose(&b);
	}
	buf address = BUF_INIT;
	assert_int_equal(mail_from_address(&address, "weft <weft@localhost>"), 0);
	assert_string_equal(address.ptr, "weft@localhost");
	buf_dispose(&address);
}

static void build_refuses_header_injection(void **state)
{
	(void)state;
	const char *breaks[] = { "\r", "\n", "\r\n", "\r\nBcc: eve@example.net", "\n\n" };
	for (size_t i = 0; i < sizeof breaks / sizeof breaks[0]; i++) {
		char bad_subject[80], bad_to[80], bad_from[80], bad_name[80], bad_id[80];
		snprintf(bad_subject, sizeof bad_subject, "Hello%sthere", breaks[i]);
		snprintf(bad_to, sizeof bad_to, "bob@example.org%s", breaks[i]);
		snprintf(bad_from, sizeof bad_from, "weft <weft@example.com>%s", breaks[i]);
		snprintf(bad_name, sizeof bad_name, "we%sft <weft@example.com>", breaks[i]);
		snprintf(bad_id, sizeof bad_id, "<a%s@b>", breaks[i]);
		const struct {
			const char *from, *to, *subject, *id, *field;
		} cases[] = { { from, "a@b.c", bad_subject, "x@y", "subject" },
			      { from, bad_to, "s", "x@y", "to" },
			      { bad_from, "a@b.c", "s", "x@y", "from" },
			      { bad_name, "a@b.c", "s", "x@y", "from" },
			      { from, "a@b.c", "s", bad_id, "message id" } };
		for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
			buf b = BUF_INIT;
			assert_int_equal(mail_build(&b, cases[k].from, cases[k].to,
			                            cases[k].subject, "body", 0, cases[k].id),
			                 WEFT_EINVALID);
			assert_int_equal(b.len, 0);
			assert_true(str_starts_with(err_msg(), cases[k].field));
		}
	}
	const char *bad_froms[] = { "weft <weft@example.com",
		                    "a@b.c, c@d.e",
		                    "weft <a@b.c> x",
		                    "weft <a@b.c>, eve <e@v.e>",
		                    "",
		                    NULL };
	for (size_t i = 0; i < sizeof bad_froms / sizeof bad_froms[0]; i++) {
		buf b = BUF_INIT;
		assert_int_equal(mail_build(&b, bad_froms[i], "a@b.c", "s", "", 0, "x@y"),
		                 WEFT_EINVALID);
		assert_int_equal(b.len, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(build_writes_every_header_with_crlf),
		cmocka_unit_test(build_formats_dates_in_utc_english),
		cmocka_unit_test(build_encodes_utf8_subjects_in_words),
		cmocka_unit_test(build_folds_long_ascii_subjects),
		cmocka_unit_test(build_wraps_lines_over_998_bytes),
		cmocka_unit_test(build_writes_display_names_safely),
		cmocka_unit_test(build_refuses_header_injection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Tests of src/web/multipart.c, the streaming multipart/form-data reader: the same parts whatever
 * the chunks (delimiters and part headers split anywhere, one byte at a time), a part's headers,
 * file names with quotes, UTF-8 and path parts as sent, preamble and epilogue dropped, two files,
 * and the refusals: no closing delimiter, part headers over 8 KiB, too many parts, a sink's error,
 * a Content-Type without a boundary; each error sticks. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "web/multipart.h"

#define CT "multipart/form-data; boundary=XyZ"

/* What the sink saw: one line per event, "begin name|filename|type", "data" as it came
 * (concatenated per part), "end". */
typedef struct seen {
	buf log;
	bool in_part;
	int fail_at_begin; /* the begin call (1-based) that answers WEFT_EINVALID; 0: none */
	int begins;
} seen;

static int on_begin(void *ctx, const web_part *part)
{
	seen *s = ctx;
	if (++s->begins == s->fail_at_begin)
		return err_fail(WEFT_EINVALID, "the sink refuses part %d", s->begins);
	assert_false(s->in_part);
	s->in_part = true;
	assert_null(part->data);
	buf_printf(&s->log, "begin %s|%s|%s\n", part->name ? part->name : "(null)",
	           part->filename ? part->filename : "(none)",
	           part->content_type ? part->content_type : "(none)");
	return 0;
}

static int on_data(void *ctx, const char *data, size_t len)
{
	seen *s = ctx;
	assert_true(s->in_part);
	assert_true(len > 0);
	buf_append(&s->log, data, len);
	return 0;
}

static int on_end(void *ctx)
{
	seen *s = ctx;
	assert_true(s->in_part);
	s->in_part = false;
	buf_puts(&s->log, "\nend\n");
	return 0;
}

/* Reads body in chunks of at most chunk bytes (0: all at once) with a fresh reader; the log in
 * *out (the caller disposes of it). Returns the first error, or finish's answer. */
static int read_body(buf *out, const char *ct, const char *body, size_t len, size_t chunk,
                     int fail_at_begin)
{
	arena *a = arena_new();
	seen s = { .log = BUF_INIT, .fail_at_begin = fail_at_begin };
	web_multipart_sink sink = { &s, on_begin, on_data, on_end };
	web_multipart_reader *r = NULL;
	int rc = web_multipart_reader_new(&r, a, ct, &sink);
	for (size_t at = 0; rc == 0 && at < len;) {
		size_t n = chunk && len - at > chunk ? chunk : len - at;
		rc = web_multipart_reader_feed(r, body + at, n);
		at += n;
	}
	if (rc == 0)
		rc = web_multipart_reader_finish(r);
	web_multipart_reader_free(r);
	arena_free(a);
	*out = s.log;
	return rc;
}

static const char two_files[] = "--XyZ\r\n"
                                "Content-Disposition: form-data; name=\"csrf\"\r\n"
                                "\r\n"
                                "0123abcd\r\n"
                                "--XyZ\r\n"
                                "Content-Disposition: form-data; name=\"file\"; "
                                "filename=\"a.txt\"\r\n"
                                "Content-Type: text/plain\r\n"
                                "\r\n"
                                "first file\r\nwith --XyZ inside and \r\n--XyZz too\r\n"
                                "--XyZ\r\n"
                                "Content-Disposition: form-data; name=\"file\"; "
                                "filename=\"b.bin\"\r\n"
                                "Content-Type: application/octet-stream\r\n"
                                "\r\n"
                                "\x00\x01\r\n\r\n\xff"
                                "\r\n--XyZ--\r\n";

static const char two_files_log[] = "begin csrf|(none)|(none)\n"
                                    "0123abcd\nend\n"
                                    "begin file|a.txt|text/plain\n"
                                    "first file\r\nwith --XyZ inside and \r\n--XyZz too\nend\n"
                                    "begin file|b.bin|application/octet-stream\n"
                                    "\x00\x01\r\n\r\n\xff\nend\n";

static void assert_log(const buf *log, const char *want, size_t want_len)
{
	if (log->len != want_len || memcmp(log->ptr, want, want_len) != 0)
		fail_msg("the sink saw:\n%.*s\nnot:\n%.*s", (int)log->len, log->ptr, (int)want_len,
		         want);
}

/* Two files and a field, read at once: each part's headers, its content to the byte (binary,
 * CRLFs, a "--XyZ" that is not a delimiter, one followed by 'z'). */
static void two_files_whole(void **state)
{
	(void)state;
	buf log;
	assert_int_equal(read_body(&log, CT, two_files, sizeof two_files - 1, 0, 0), 0);
	assert_log(&log, two_files_log, sizeof two_files_log - 1);
	buf_dispose(&log);
}

/* The same parts whatever the chunk size: every delimiter and header block split at every
 * place, down to one byte at a time. */
static void any_chunks_give_the_same_parts(void **state)
{
	(void)state;
	for (size_t chunk = 1; chunk <= sizeof two_files; chunk++) {
		buf log;
		int rc = read_body(&log, CT, two_files, sizeof two_files - 1, chunk, 0);
		if (rc != 0)
			fail_msg("chunks of %zu: %d %s", chunk, rc, err_msg());
		assert_log(&log, two_files_log, sizeof two_files_log - 1);
		buf_dispose(&log);
	}
}

/* Two chunks split at every offset: a delimiter's CRLF, dashes and boundary apart. */
static void every_split_point(void **state)
{
	(void)state;
	size_t len = sizeof two_files - 1;
	for (size_t cut = 1; cut < len; cut++) {
		arena *a = arena_new();
		seen s = { .log = BUF_INIT };
		web_multipart_sink sink = { &s, on_begin, on_data, on_end };
		web_multipart_reader *r = NULL;
		assert_int_equal(web_multipart_reader_new(&r, a, CT, &sink), 0);
		assert_int_equal(web_multipart_reader_feed(r, two_files, cut), 0);
		assert_int_equal(web_multipart_reader_feed(r, two_files + cut, len - cut), 0);
		assert_int_equal(web_multipart_reader_finish(r), 0);
		assert_log(&s.log, two_files_log, sizeof two_files_log - 1);
		web_multipart_reader_free(r);
		arena_free(a);
		buf_dispose(&s.log);
	}
}

/* A part's headers: names in any case, the first Content-Type, parameters quoted or not, the
 * quoted boundary of the Content-Type; a filename with escaped quotes, raw UTF-8 and path parts
 * comes as sent (the attachment domain cleans it). */
static void part_headers_and_file_names(void **state)
{
	(void)state;
	static const char body[] =
	        "--b 1\r\n"
	        "content-disposition: form-data; name=file; filename=\"say \\\"hi\\\".txt\"\r\n"
	        "CONTENT-TYPE: text/plain; charset=utf-8\r\n"
	        "X-Other: ignored\r\n"
	        "\r\n"
	        "q\r\n"
	        "--b 1\r\n"
	        "Content-Disposition: form-data; name=\"file\"; "
	        "filename=\"r\xc3\xa9sum\xc3\xa9.txt\"\r\n"
	        "\r\n"
	        "u\r\n"
	        "--b 1\r\n"
	        "Content-Disposition: form-data; name=\"file\"; "
	        "filename=\"C:\\Users\\eve\\..\\evil.txt\"\r\n"
	        "\r\n"
	        "w\r\n"
	        "--b 1\r\n"
	        "Content-Disposition: form-data; name=\"file\"; filename=\"../../etc/passwd\"\r\n"
	        "\r\n"
	        "p\r\n"
	        "--b 1--";
	static const char want[] = "begin file|say \"hi\".txt|text/plain; charset=utf-8\nq\nend\n"
	                           "begin file|r\xc3\xa9sum\xc3\xa9.txt|(none)\nu\nend\n"
	                           "begin file|C:\\Users\\eve\\..\\evil.txt|(none)\nw\nend\n"
	                           "begin file|../../etc/passwd|(none)\np\nend\n";
	buf log;
	assert_int_equal(read_body(&log, "multipart/form-data; charset=x; boundary=\"b 1\"", body,
	                           sizeof body - 1, 7, 0),
	                 0);
	assert_log(&log, want, sizeof want - 1);
	buf_dispose(&log);
}

/* Whatever comes before the first delimiter and after the closing one is dropped; spaces after
 * a delimiter (transport padding) are allowed. */
static void preamble_and_epilogue_are_dropped(void **state)
{
	(void)state;
	static const char body[] = "This is the preamble.\r\n--XyZ not yet\r\n"
	                           "--XyZ  \t\r\n"
	                           "Content-Disposition: form-data; name=\"a\"\r\n"
	                           "\r\n"
	                           "A\r\n"
	                           "--XyZ--\r\n"
	                           "the epilogue\r\n--XyZ\r\n"
	                           "Content-Disposition: form-data; name=\"b\"\r\n\r\nB\r\n--XyZ--";
	static const char want[] = "begin a|(none)|(none)\nA\nend\n";
	for (size_t chunk = 0; chunk <= 5; chunk++) {
		buf log;
		assert_int_equal(read_body(&log, CT, body, sizeof body - 1, chunk, 0), 0);
		assert_log(&log, want, sizeof want - 1);
		buf_dispose(&log);
	}
}

/* A body that stops before its closing delimiter: the parts so far, then WEFT_EINVALID at the
 * end (an upload cut short must not count as complete). */
static void missing_final_boundary(void **state)
{
	(void)state;
	static const char *const bodies[] = {
		"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nA\r\n",
		"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nA\r\n--XyZ",
		"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nA\r\n--XyZ-",
		"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n",
		"--XyZ\r\n",
		"no delimiter at all",
		"",
	};
	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		buf log;
		int rc = read_body(&log, CT, bodies[i], strlen(bodies[i]), 3, 0);
		if (rc != WEFT_EINVALID)
			fail_msg("body %zu: %d, not WEFT_EINVALID", i, rc);
		assert_non_null(strstr(err_msg(), "closing boundary"));
		buf_dispose(&log);
	}
}

/* Part headers over 8 KiB are refused without waiting for their end, and the error sticks. */
static void oversize_headers(void **state)
{
	(void)state;
	buf body = BUF_INIT;
	buf_puts(&body, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Long: ");
	for (int i = 0; i < 9000; i++)
		buf_putc(&body, 'x');
	arena *a = arena_new();
	seen s = { .log = BUF_INIT };
	web_multipart_sink sink = { &s, on_begin, on_data, on_end };
	web_multipart_reader *r = NULL;
	assert_int_equal(web_multipart_reader_new(&r, a, CT, &sink), 0);
	int rc = 0;
	for (size_t at = 0; rc == 0 && at < body.len; at += 1000)
		rc = web_multipart_reader_feed(r, body.ptr + at,
		                               body.len - at < 1000 ? body.len - at : 1000);
	assert_int_equal(rc, WEFT_ETOOLARGE);
	assert_int_equal(s.begins, 0);
	assert_int_equal(web_multipart_reader_feed(r, "\r\n\r\n", 4), WEFT_ETOOLARGE);
	assert_int_equal(web_multipart_reader_finish(r), WEFT_ETOOLARGE);
	web_multipart_reader_free(r);
	arena_free(a);
	buf_dispose(&body);
	buf_dispose(&s.log);
	/* Headers just under the limit pass. */
	buf ok_body = BUF_INIT;
	buf_puts(&ok_body, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Long: ");
	while (ok_body.len < 8000)
		buf_putc(&ok_body, 'y');
	buf_puts(&ok_body, "\r\n\r\nA\r\n--XyZ--");
	buf log;
	assert_int_equal(read_body(&log, CT, ok_body.ptr, ok_body.len, 100, 0), 0);
	buf_dispose(&log);
	buf_dispose(&ok_body);
}

/* Malformed part headers, a part without a name, more parts than WEB_PAIRS_MAX. */
static void refused_parts(void **state)
{
	(void)state;
	static const char no_colon[] = "--XyZ\r\nContent-Disposition form-data\r\n\r\nA\r\n--XyZ--";
	static const char two_dispositions[] = "--XyZ\r\nContent-Disposition: form-data; name=a\r\n"
	                                       "Content-Disposition: form-data; name=b\r\n\r\nA\r\n"
	                                       "--XyZ--";
	static const char no_name[] = "--XyZ\r\nContent-Type: text/plain\r\n\r\nA\r\n--XyZ--";
	buf log;
	assert_int_equal(read_body(&log, CT, no_colon, sizeof no_colon - 1, 0, 0), WEFT_EINVALID);
	buf_dispose(&log);
	assert_int_equal(read_body(&log, CT, two_dispositions, sizeof two_dispositions - 1, 0, 0),
	                 WEFT_EINVALID);
	buf_dispose(&log);
	assert_int_equal(read_body(&log, CT, no_name, sizeof no_name - 1, 0, 0), WEFT_EINVALID);
	buf_dispose(&log);
	buf many = BUF_INIT;
	for (int i = 0; i <= WEB_PAIRS_MAX; i++)
		buf_puts(&many, "--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv\r\n");
	buf_puts(&many, "--XyZ--");
	assert_int_equal(read_body(&log, CT, many.ptr, many.len, 4096, 0), WEFT_ETOOLARGE);
	buf_dispose(&log);
	buf_dispose(&many);
}

/* The sink's error stops the reader and is its answer from then on. */
static void sink_errors_stick(void **state)
{
	(void)state;
	buf log;
	assert_int_equal(read_body(&log, CT, two_files, sizeof two_files - 1, 10, 2),
	                 WEFT_EINVALID);
	assert_non_null(strstr(err_msg(), "refuses part 2"));
	/* Only the first part went through. */
	static const char want[] = "begin csrf|(none)|(none)\n0123abcd\nend\n";
	assert_log(&log, want, sizeof want - 1);
	buf_dispose(&log);
}

/* Content types the reader cannot read. */
static void unusable_content_types(void **state)
{
	(void)state;
	static const char *const types[] = {
		"multipart/form-data",
		"multipart/form-data; boundary=",
		"application/x-www-form-urlencoded",
		"text/plain; boundary=XyZ",
		"multipart/form-data; boundary=\"a\x01b\"",
		NULL,
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		arena *a = arena_new();
		seen s = { .log = BUF_INIT };
		web_multipart_sink sink = { &s, on_begin, on_data, on_end };
		web_multipart_reader *r = NULL;
		if (web_multipart_reader_new(&r, a, types[i], &sink) != WEFT_EINVALID)
			fail_msg("content type %zu was accepted", i);
		web_multipart_reader_free(r);
		arena_free(a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(two_files_whole),
		cmocka_unit_test(any_chunks_give_the_same_parts),
		cmocka_unit_test(every_split_point),
		cmocka_unit_test(part_headers_and_file_names),
		cmocka_unit_test(preamble_and_epilogue_are_dropped),
		cmocka_unit_test(missing_final_boundary),
		cmocka_unit_test(oversize_headers),
		cmocka_unit_test(refused_parts),
		cmocka_unit_test(sink_errors_stick),
		cmocka_unit_test(unusable_content_types),
	};
	return cmocka_run_group_tests_name("web/multipart", tests, NULL, NULL);
}

/* Tests of src/track/dvcs/upload_pack.c: pkt-line headers (flush, short, oversized, not hex),
 * advertisements (branches only, capabilities, an empty repository, a bad hash or name, a branch
 * twice, no flush, bytes after it), the request's lines, and the answer read whole and one byte
 * at a time: ACK or NAK, the pack's bands, progress skipped, an ERR line, a band-3 error,
 * truncation, bytes after the flush, an oversized or malformed pkt-line. */
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
#include "track/dvcs/upload_pack.h"

#define H1 "1111111111111111111111111111111111111111"
#define H2 "2222222222222222222222222222222222222222"
#define H3 "3333333333333333333333333333333333333333"

/* line as a pkt-line (its length may hold NULs: len given). */
static void pkt(buf *b, const char *line, size_t len)
{
	buf_printf(b, "%04zx", len + 4);
	buf_append(b, line, len);
}

static void pkt_str(buf *b, const char *line)
{
	pkt(b, line, strlen(line));
}

static void pkt_headers(void **state)
{
	(void)state;
	dvcs_pkt p;
	size_t used = 0;
	assert_int_equal(dvcs_pkt_read(&p, &used, "0000", 4), 0);
	assert_true(p.flush);
	assert_int_equal(used, 4);
	assert_int_equal(dvcs_pkt_read(&p, &used, "000", 3), 1);
	assert_int_equal(dvcs_pkt_read(&p, &used, "0009don", 7), 1); /* truncated payload */
	assert_int_equal(dvcs_pkt_read(&p, &used, "0009done\n", 9), 0);
	assert_false(p.flush);
	assert_int_equal(p.len, 5);
	assert_memory_equal(p.data, "done\n", 5);
	assert_int_equal(dvcs_pkt_read(&p, &used, "00x9done\n", 9), WEFT_EINVALID);
	assert_int_equal(dvcs_pkt_read(&p, &used, "0001", 4), WEFT_EINVALID); /* v2's delimiter */
	assert_int_equal(dvcs_pkt_read(&p, &used, "0004", 4), WEFT_EINVALID); /* empty, not flush */
	assert_int_equal(dvcs_pkt_read(&p, &used, "fff1xxxx", 8), WEFT_EINVALID); /* > 65520 */
	assert_int_equal(dvcs_pkt_read(&p, &used, "fff0xxxx", 8), 1); /* the largest: wait */
	assert_int_equal(dvcs_pkt_read(&p, &used, "FFF0xxxx", 8), WEFT_EINVALID); /* upper case */
}

/* An advertisement of refs[] (the first with caps). */
static void advertisement(buf *b, const char *caps, const char *const *refs, size_t n)
{
	pkt_str(b, "# service=git-upload-pack\n");
	buf_puts(b, "0000");
	for (size_t i = 0; i < n; i++) {
		char line[512];
		int len = i == 0 ? snprintf(line, sizeof line, "%s%c%s\n", refs[i], '\0', caps)
		                 : snprintf(line, sizeof line, "%s\n", refs[i]);
		pkt(b, line, (size_t)len);
	}
	buf_puts(b, "0000");
}

static int parse(arena *a, const buf *b, dvcs_advertisement *adv)
{
	return dvcs_advertisement_parse(a, b->ptr, b->len, adv);
}

static void advertisement_branches(void **state)
{
	(void)state;
	arena *a = arena_new();
	buf b = BUF_INIT;
	const char *refs[] = {
		H1 " HEAD",         H1 " refs/heads/main", H2 " refs/heads/feature/x-1",
		H3 " refs/tags/v1", H2 " refs/tags/v1^{}", H3 " refs/pull/1/head"
	};
	advertisement(&b, "multi_ack side-band-64k ofs-delta symref=HEAD:refs/heads/main", refs, 6);
	dvcs_advertisement adv;
	assert_int_equal(parse(a, &b, &adv), 0);
	assert_int_equal(adv.n, 2);
	assert_string_equal(adv.branches[0].name, "refs/heads/main");
	assert_string_equal(adv.branches[0].hash, H1);
	assert_string_equal(adv.branches[1].name, "refs/heads/feature/x-1");
	assert_string_equal(adv.branches[1].hash, H2);
	assert_true(adv.side_band_64k);
	assert_true(adv.ofs_delta);

	buf_clear(&b); /* side-band (not -64k) alone is not side-band-64k */
	advertisement(&b, "side-band ofs-delta-x", refs + 1, 1);
	assert_int_equal(parse(a, &b, &adv), 0);
	assert_false(adv.side_band_64k);
	assert_false(adv.ofs_delta);

	buf_clear(&b);
	const char *empty[] = { "0000000000000000000000000000000000000000 capabilities^{}" };
	advertisement(&b, "side-band-64k", empty, 1);
	assert_int_equal(parse(a, &b, &adv), 0);
	assert_int_equal(adv.n, 0);
	assert_true(adv.side_band_64k);
	buf_dispose(&b);
	arena_free(a);
}

/* parse of an advertisement with ref lines refs[] fails with WEFT_EINVALID. */
static void refused(arena *a, const char *const *refs, size_t n)
{
	buf b = BUF_INIT;
	advertisement(&b, "side-band-64k", refs, n);
	dvcs_advertisement adv;
	assert_int_equal(parse(a, &b, &adv), WEFT_EINVALID);
	buf_dispose(&b);
}

static void advertisement_refusals(void **state)
{
	(void)state;
	arena *a = arena_new();
	const char *upper[] = { "111111111111111111111111111111111111111A refs/heads/main" };
	const char *short_hash[] = { "11111 refs/heads/main" };
	const char *sha256[] = { H1 H1 " refs/heads/main" };
	const char *no_space[] = { H1 "\trefs/heads/main" };
	const char *bad_name[] = { H1 " refs/heads/a..b" };
	const char *lock[] = { H1 " refs/heads/main.lock" };
	const char *twice[] = { H1 " refs/heads/main", H2 " refs/heads/main" };
	const char *nameless[] = { H1 " " };
	refused(a, upper, 1);
	refused(a, short_hash, 1);
	refused(a, sha256, 1);
	refused(a, no_space, 1);
	refused(a, bad_name, 1);
	refused(a, lock, 1);
	refused(a, twice, 2);
	refused(a, nameless, 1);

	buf b = BUF_INIT; /* no service line */
	buf_puts(&b, "0000");
	dvcs_advertisement adv;
	assert_int_equal(parse(a, &b, &adv), WEFT_EINVALID);
	const char *one[] = { H1 " refs/heads/main" };
	buf_clear(&b);
	advertisement(&b, "side-band-64k", one, 1);
	b.len -= 4; /* without its final flush */
	assert_int_equal(parse(a, &b, &adv), WEFT_EINVALID);
	assert_non_null(strstr(err_msg(), "without a flush"));
	b.len -= 3; /* cut inside a pkt-line */
	assert_int_equal(parse(a, &b, &adv), WEFT_EINVALID);
	buf_clear(&b);
	advertisement(&b, "side-band-64k", one, 1);
	buf_puts(&b, "0000");
	assert_int_equal(parse(a, &b, &adv), WEFT_EINVALID);
	assert_non_null(strstr(err_msg(), "after the advertisement"));
	buf_clear(&b); /* a NUL inside a later ref line */
	pkt_str(&b, "# service=git-upload-pack\n");
	buf_puts(&b, "0000");
	static const char first[] = H1 " refs/heads/main\0side-band-64k\n";
	static const char later[] = H2 " refs/heads/x\0y\n";
	pkt(&b, first, sizeof first - 1);
	pkt(&b, later, sizeof later - 1);
	buf_puts(&b, "0000");
	assert_int_equal(parse(a, &b, &adv), WEFT_EINVALID);
	buf_dispose(&b);
	arena_free(a);
}

static void request_lines(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	dvcs_advertisement adv = { .side_band_64k = true, .ofs_delta = true };
	const char *wants[] = { H1, H2 }, *haves[] = { H3 };
	dvcs_upload_request(&b, &adv, wants, 2, haves, 1);
	assert_string_equal(buf_cstr(&b),
	                    "0061want " H1 " side-band-64k ofs-delta no-progress agent=weft\n"
	                    "0032want " H2 "\n"
	                    "0000"
	                    "0032have " H3 "\n"
	                    "0009done\n");
	buf_dispose(&b);
}

/* The answer's pack bytes, as the reader hands them over. */
static int keep_pack(void *ctx, const char *data, size_t len)
{
	buf_append(ctx, data, len);
	return 0;
}

/* Feeds answer whole (step 0) or step bytes at a time; the reader's first failure or its end. */
static int read_answer(arena *a, const buf *answer, size_t step, buf *pack)
{
	dvcs_upload_reader r;
	dvcs_upload_reader_init(&r, a, keep_pack, pack);
	int rc = 0;
	size_t at = 0;
	while (rc == 0 && at < answer->len) {
		size_t n = step && answer->len - at > step ? step : answer->len - at;
		rc = dvcs_upload_reader_feed(&r, answer->ptr + at, n);
		at += n;
	}
	if (rc == 0)
		rc = dvcs_upload_reader_end(&r);
	dvcs_upload_reader_dispose(&r);
	return rc;
}

/* Each way of feeding it gives rc (and, when 0, the pack "PACKdata"). */
static void answer_gives(arena *a, const buf *answer, int rc)
{
	size_t steps[] = { 0, 1, 3, 7 };
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		buf pack = BUF_INIT;
		assert_int_equal(read_answer(a, answer, steps[i], &pack), rc);
		if (rc == 0)
			assert_string_equal(buf_cstr(&pack), "PACKdata");
		buf_dispose(&pack);
	}
}

static void answer_with_pack(void **state)
{
	(void)state;
	arena *a = arena_new();
	buf b = BUF_INIT;
	pkt_str(&b, "NAK\n");
	pkt_str(&b, "\2counting objects\n");
	pkt_str(&b, "\1PACK");
	pkt_str(&b, "\1data");
	buf_puts(&b, "0000");
	answer_gives(a, &b, 0);
	buf_clear(&b);
	pkt_str(&b, "ACK " H1 "\n");
	pkt_str(&b, "\1PACKdata");
	buf_puts(&b, "0000");
	answer_gives(a, &b, 0);
	buf_dispose(&b);
	arena_free(a);
}

static void answer_failures(void **state)
{
	(void)state;
	arena *a = arena_new();
	buf b = BUF_INIT;
	pkt_str(&b, "ERR upload-pack: not our ref " H1 "\n");
	answer_gives(a, &b, WEFT_ERROR);
	assert_non_null(strstr(err_msg(), "the host refused: upload-pack: not our ref " H1));

	buf_clear(&b); /* the side band's error channel, its control characters blanked */
	pkt_str(&b, "NAK\n");
	pkt_str(&b, "\1PACK");
	pkt_str(&b, "\3fatal: out of memory\x1b[31m\n");
	answer_gives(a, &b, WEFT_ERROR);
	assert_string_equal(err_msg(), "the host stopped: fatal: out of memory [31m");

	buf_clear(&b); /* truncated: no final flush, or cut inside a pkt-line */
	pkt_str(&b, "NAK\n");
	pkt_str(&b, "\1PACKdata");
	answer_gives(a, &b, WEFT_EINVALID);
	assert_non_null(strstr(err_msg(), "truncated"));
	buf_puts(&b, "0000");
	b.len -= 6;
	answer_gives(a, &b, WEFT_EINVALID);

	buf_clear(&b); /* a flush and no pack */
	pkt_str(&b, "NAK\n");
	buf_puts(&b, "0000");
	answer_gives(a, &b, WEFT_EINVALID);

	buf_clear(&b); /* more after the flush */
	pkt_str(&b, "NAK\n");
	pkt_str(&b, "\1PACKdata");
	buf_puts(&b, "0000");
	pkt_str(&b, "\1more");
	answer_gives(a, &b, WEFT_EINVALID);

	buf_clear(&b); /* an oversized pkt-line */
	pkt_str(&b, "NAK\n");
	buf_puts(&b, "fff1\1");
	answer_gives(a, &b, WEFT_EINVALID);

	buf_clear(&b); /* a header that is not one */
	pkt_str(&b, "NAK\n");
	buf_puts(&b, "zz10\1PACKdata");
	answer_gives(a, &b, WEFT_EINVALID);

	buf_clear(&b); /* neither ACK, NAK nor a band; a band of 4 */
	pkt_str(&b, "HELLO\n");
	answer_gives(a, &b, WEFT_EINVALID);
	buf_clear(&b);
	pkt_str(&b, "NAK\n");
	pkt_str(&b, "\4PACKdata");
	answer_gives(a, &b, WEFT_EINVALID);

	buf_clear(&b); /* an ACK once the pack began */
	pkt_str(&b, "NAK\n");
	pkt_str(&b, "\1PACK");
	pkt_str(&b, "ACK " H1 "\n");
	answer_gives(a, &b, WEFT_EINVALID);
	buf_dispose(&b);
	arena_free(a);
}

/* The largest pkt-line there is, fed in pieces: its bytes all reach the pack. */
static void largest_pkt_line(void **state)
{
	(void)state;
	arena *a = arena_new();
	buf b = BUF_INIT, pack = BUF_INIT;
	static char band[DVCS_PKT_MAX - 4];
	band[0] = 1;
	memset(band + 1, 'x', sizeof band - 1);
	pkt_str(&b, "NAK\n");
	pkt(&b, band, sizeof band);
	buf_puts(&b, "0000");
	assert_int_equal(read_answer(a, &b, 4096, &pack), 0);
	assert_int_equal(pack.len, sizeof band - 1);
	buf_dispose(&pack);
	buf_dispose(&b);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pkt_headers),
		cmocka_unit_test(advertisement_branches),
		cmocka_unit_test(advertisement_refusals),
		cmocka_unit_test(request_lines),
		cmocka_unit_test(answer_with_pack),
		cmocka_unit_test(answer_failures),
		cmocka_unit_test(largest_pkt_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

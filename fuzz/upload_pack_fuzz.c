/* libFuzzer target: the bytes as a ref advertisement of GET info/refs (hostile), and as the answer
 * to an upload-pack request, fed whole and in pieces whose sizes the first byte picks: both
 * feedings must agree (same result, same pack bytes), and what parses must hold its promises. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "track/dvcs/upload_pack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checked even under NDEBUG: a fuzz target that checks nothing finds only crashes. */
#define CHECK(c) ((c) ? (void)0 : (fprintf(stderr, "CHECK failed: %s\n", #c), abort()))

static int keep(void *ctx, const char *p, size_t len)
{
	buf_append(ctx, p, len);
	return 0;
}

/* The answer fed step bytes at a time (0: whole): the reader's result, the pack in out. */
static int feed(arena *a, const char *p, size_t len, size_t step, buf *out)
{
	dvcs_upload_reader r;
	dvcs_upload_reader_init(&r, a, keep, out);
	int rc = 0;
	for (size_t at = 0; rc == 0 && at < len;) {
		size_t n = step && len - at > step ? step : len - at;
		rc = dvcs_upload_reader_feed(&r, p + at, n);
		at += n;
	}
	if (rc == 0)
		rc = dvcs_upload_reader_end(&r);
	CHECK(r.pending.len <= DVCS_PKT_MAX);
	dvcs_upload_reader_dispose(&r);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	const char *p = (const char *)data;
	dvcs_advertisement adv;
	if (dvcs_advertisement_parse(a, p, size, &adv) == 0)
		for (size_t i = 0; i < adv.n; i++) {
			CHECK(strncmp(adv.branches[i].name, "refs/heads/", 11) == 0);
			CHECK(strlen(adv.branches[i].hash) == 40);
		}
	buf whole = BUF_INIT, pieces = BUF_INIT;
	size_t step = size ? (size_t)data[0] % 17 + 1 : 1;
	int rc = feed(a, p, size, 0, &whole);
	CHECK(rc == feed(a, p, size, step, &pieces));
	if (rc == 0)
		CHECK(whole.len == pieces.len && memcmp(whole.ptr, pieces.ptr, whole.len) == 0);
	buf_dispose(&whole);
	buf_dispose(&pieces);
	arena_free(a);
	return 0;
}

/* libFuzzer target: esc_pct_decode. The first byte chooses plus_is_space; the rest is decoded, then
 * re-encoded with esc_url_segment and decoded again, which must give the same bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "web/escape.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checked even under NDEBUG: a fuzz target that checks nothing finds only crashes. */
#define CHECK(c) ((c) ? (void)0 : (fprintf(stderr, "CHECK failed: %s\n", #c), abort()))

static void round_trip(arena *a, const char *decoded, size_t len)
{
	buf enc = BUF_INIT;
	char *again;
	size_t again_len;
	esc_url_segment(&enc, decoded, len);
	int rc = esc_pct_decode(&again, &again_len, a, buf_slice(&enc).ptr, enc.len, 1);
	CHECK(rc == 0 && again_len == len && memcmp(again, decoded, len) == 0);
	buf_dispose(&enc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	arena *a = arena_new();
	char *out;
	size_t out_len;
	const char *s = (const char *)data + 1;
	if (esc_pct_decode(&out, &out_len, a, s, size - 1, data[0] & 1) == 0) {
		CHECK(out_len <= size - 1 && out[out_len] == '\0');
		round_trip(a, out, out_len);
	}
	arena_free(a);
	return 0;
}

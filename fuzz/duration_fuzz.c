/* libFuzzer target: track_duration_parse on arbitrary bytes (as a C string); whatever parses
 * formats, and the formatted text parses back to the same minutes. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "track/issue/duration.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checked even under NDEBUG: a fuzz target that checks nothing finds only crashes. */
#define CHECK(c) ((c) ? (void)0 : (fprintf(stderr, "CHECK failed: %s\n", #c), abort()))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	char *s = arena_strndup(a, (const char *)data, size);
	int64_t seconds = -1;
	int rc = track_duration_parse(&seconds, s, 0, 0);
	CHECK(rc == 0 || rc == WEFT_EINVALID);
	CHECK(rc == 0 || strncmp(err_msg(), "Invalid duration", 16) == 0);
	if (rc == 0) {
		CHECK(seconds >= 0);
		char *text = track_duration_format(a, seconds, 0, 0);
		int64_t again = -1;
		CHECK(track_duration_parse(&again, text, 0, 0) == 0);
		CHECK(again == seconds - seconds % 60);
	}
	arena_free(a);
	return 0;
}

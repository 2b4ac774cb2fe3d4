/* libFuzzer target: web_cookies_parse on the input as a Cookie header (up to its first NUL). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "web/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checked even under NDEBUG: a fuzz target that checks nothing finds only crashes. */
#define CHECK(c) ((c) ? (void)0 : (fprintf(stderr, "CHECK failed: %s\n", #c), abort()))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	web_pairs p = { 0 };
	/* A header is a C string; copy it so the parser cannot lean on bytes past the input. */
	const char *header = arena_strndup(a, (const char *)data, size);
	if (web_cookies_parse(&p, a, header) == 0) {
		for (size_t i = 0; i < p.len; i++) {
			CHECK(p.items[i].name[0] != '\0');
			CHECK(strlen(p.items[i].value) == p.items[i].value_len);
		}
		(void)web_pairs_get(&p, "session");
	}
	arena_free(a);
	return 0;
}

/* libFuzzer target: web_query_parse, then web_pairs_get, web_pairs_list and web_pairs_bool on
 * the pairs it found, checking the invariants the header promises. */
#include <stdbool.h>
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

/* Lookups are linear in the list, so only a few names are looked up per input (a 1000-pair input
 * would otherwise cost a million comparisons per run and slow the fuzzer down). */
enum { LOOKUPS = 8 };

static void look_up(arena *a, const web_pairs *p, const char *name)
{
	const char **items;
	bool b;
	size_t n = web_pairs_list(&items, a, p, name);
	CHECK((n == 0) == (items == NULL));
	for (size_t i = 0; i < n; i++)
		CHECK(items[i][0] != '\0' && strchr(items[i], ',') == NULL);
	const char *v = web_pairs_get(p, name);
	CHECK(v == NULL || v[0] != '\0');
	(void)web_pairs_bool(&b, p, name, false);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	web_pairs p = { 0 };
	if (web_query_parse(&p, a, (const char *)data, size) == 0) {
		CHECK(p.len <= WEB_PAIRS_MAX);
		for (size_t i = 0; i < p.len; i++) {
			CHECK(p.items[i].value[p.items[i].value_len] == '\0');
			if (i < LOOKUPS)
				look_up(a, &p, p.items[i].name);
		}
		look_up(a, &p, "fields");
	} else {
		CHECK(p.len == 0);
	}
	arena_free(a);
	return 0;
}

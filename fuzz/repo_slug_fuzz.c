/* libFuzzer target: hub_repo_slugify on arbitrary bytes (as a C string). Whatever name it
 * accepts, the slug it makes is one the API's slug rule accepts too, at most 62 bytes, and
 * making a slug of the slug gives it back unchanged. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "hub/repo/repo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checked even under NDEBUG: a fuzz target that checks nothing finds only crashes. */
#define CHECK(c) ((c) ? (void)0 : (fprintf(stderr, "CHECK failed: %s\n", #c), abort()))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	char *name = arena_strndup(a, (const char *)data, size);
	char slug[REPO_SLUG_MAX + 1], again[REPO_SLUG_MAX + 1];
	int rc = hub_repo_slugify(slug, name);
	CHECK(rc == 0 || rc == WEFT_EINVALID);
	if (rc == 0) {
		CHECK(strlen(slug) >= 1 && strlen(slug) <= REPO_SLUG_MAX);
		CHECK(hub_repo_check_slug(slug) == 0);
		CHECK(hub_repo_slugify(again, slug) == 0);
		CHECK(strcmp(again, slug) == 0);
	}
	arena_free(a);
	return 0;
}

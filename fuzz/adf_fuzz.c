/* libFuzzer target: the bytes as Markdown to ADF and back, and as JSON (an ADF document, hostile)
 * to Markdown; what the converter itself made must always convert back. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "track/issue/adf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checked even under NDEBUG: a fuzz target that checks nothing finds only crashes. */
#define CHECK(c) ((c) ? (void)0 : (fprintf(stderr, "CHECK failed: %s\n", #c), abort()))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	json_t *doc = NULL;
	char *md = NULL;
	CHECK(adf_from_markdown(&doc, (const char *)data, size) == 0);
	CHECK(json_is_object(doc));
	int rc = adf_to_markdown(&md, a, doc);
	if (rc != 0)
		fprintf(stderr, "%s\n", err_msg());
	CHECK(rc == 0 && md != NULL);
	json_decref(doc);
	doc = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	md = NULL;
	rc = adf_to_markdown(&md, a, doc);
	CHECK(rc == 0 || rc == WEFT_EINVALID || rc == WEFT_ETOOLARGE);
	CHECK((rc == 0) == (md != NULL));
	json_decref(doc);
	arena_free(a);
	return 0;
}

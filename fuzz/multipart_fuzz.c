/* libFuzzer target: web_multipart_parse. The input's first line is the Content-Type header, the
 * rest is the body. */
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

static void check_parts(const web_parts *p)
{
	CHECK(p->len <= WEB_PAIRS_MAX);
	for (size_t i = 0; i < p->len; i++) {
		const web_part *part = &p->items[i];
		CHECK(part->name != NULL && part->name[0] != '\0');
		CHECK(part->data != NULL && part->data[part->len] == '\0');
		CHECK(web_parts_get(p, part->name) != NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	web_parts p = { 0 };
	const char *in = (const char *)data;
	const char *eol = memchr(in, '\n', size);
	size_t ct_len = eol ? (size_t)(eol - in) : size;
	const char *content_type = arena_strndup(a, in, ct_len);
	/* The body stays inside libFuzzer's exact-size copy, so any read past its end is caught. */
	const char *body = eol ? eol + 1 : in + size;
	if (web_multipart_parse(&p, a, content_type, body, (size_t)(in + size - body)) == 0)
		check_parts(&p);
	else
		CHECK(p.len == 0);
	arena_free(a);
	return 0;
}

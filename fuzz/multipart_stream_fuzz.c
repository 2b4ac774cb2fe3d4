/* libFuzzer target: the streaming multipart reader (web/multipart.h). The input's first byte sets
 * the chunk size, its first line (after that byte) is the Content-Type header, the rest is the
 * body, fed in chunks. Whenever web_multipart_parse reads the same body too, both must find the
 * same parts with the same bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "web/form.h"
#include "web/multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checked even under NDEBUG: a fuzz target that checks nothing finds only crashes. */
#define CHECK(c) ((c) ? (void)0 : (fprintf(stderr, "CHECK failed: %s\n", #c), abort()))

enum { PARTS_MAX = 64 };

typedef struct seen {
	size_t n;
	const char *name[PARTS_MAX], *filename[PARTS_MAX];
	buf data[PARTS_MAX];
	bool open;
} seen;

static int on_begin(void *ctx, const web_part *part)
{
	seen *s = ctx;
	CHECK(!s->open && part->name && *part->name && !part->data);
	if (s->n == PARTS_MAX)
		return -1;
	s->name[s->n] = part->name;
	s->filename[s->n] = part->filename;
	s->data[s->n] = (buf)BUF_INIT;
	s->n++;
	s->open = true;
	return 0;
}

static int on_data(void *ctx, const char *data, size_t len)
{
	seen *s = ctx;
	CHECK(s->open && len > 0);
	buf_append(&s->data[s->n - 1], data, len);
	return 0;
}

static int on_end(void *ctx)
{
	seen *s = ctx;
	CHECK(s->open);
	s->open = false;
	return 0;
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void compare(const seen *s, const web_parts *p)
{
	CHECK(s->n == p->len);
	for (size_t i = 0; i < s->n; i++) {
		CHECK(same(s->name[i], p->items[i].name));
		CHECK(same(s->filename[i], p->items[i].filename));
		CHECK(s->data[i].len == p->items[i].len);
		CHECK(p->items[i].len == 0 ||
		      memcmp(s->data[i].ptr, p->items[i].data, p->items[i].len) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t chunk = (size_t)data[0] + 1;
	const char *in = (const char *)data + 1;
	size -= 1;
	arena *a = arena_new();
	const char *eol = memchr(in, '\n', size);
	size_t ct_len = eol ? (size_t)(eol - in) : size;
	const char *content_type = arena_strndup(a, in, ct_len);
	const char *body = eol ? eol + 1 : in + size;
	size_t body_len = (size_t)(in + size - body);
	seen s = { 0 };
	web_multipart_sink sink = { &s, on_begin, on_data, on_end };
	web_multipart_reader *r = NULL;
	int rc = web_multipart_reader_new(&r, a, content_type, &sink);
	for (size_t at = 0; rc == 0 && at < body_len; at += chunk)
		rc = web_multipart_reader_feed(r, body + at,
		                               body_len - at < chunk ? body_len - at : chunk);
	if (rc == 0)
		rc = web_multipart_reader_finish(r);
	web_parts p = { 0 };
	if (rc == 0 && s.n < PARTS_MAX &&
	    web_multipart_parse(&p, a, content_type, body, body_len) == 0)
		compare(&s, &p);
	for (size_t i = 0; i < s.n; i++)
		buf_dispose(&s.data[i]);
	web_multipart_reader_free(r);
	arena_free(a);
	return 0;
}

/* A multipart/form-data body read as it arrives (a route's body_chunk): each part's headers are
 * parsed, then its content is handed on in pieces, so that a body of any size passes through a
 * window of one chunk plus the delimiter and at most 8 KiB of part headers. */
#ifndef WEFT_WEB_MULTIPART_H
#define WEFT_WEB_MULTIPART_H

#include <stddef.h>

#include "base/arena.h"
#include "web/form.h"

/* What the reader calls; each returns 0 or an error code, which stops the reader and is its
 * answer from then on. begin gets a part's name, filename and content type (data NULL), data
 * its content in order (pieces of any size, never empty), end the end of the part. */
typedef struct web_multipart_sink {
	void *ctx;
	int (*begin)(void *ctx, const web_part *part);
	int (*data)(void *ctx, const char *data, size_t len);
	int (*end)(void *ctx);
} web_multipart_sink;

typedef struct web_multipart_reader web_multipart_reader;

/* A reader for a body of content_type (its boundary); strings of the parts live in a.
 * WEFT_EINVALID when content_type is not multipart/form-data with a usable boundary. Free with
 * web_multipart_reader_free. */
int web_multipart_reader_new(web_multipart_reader **out, arena *a, const char *content_type,
                             const web_multipart_sink *sink);
/* Reads the next len bytes of the body. WEFT_EINVALID for a malformed body, WEFT_ETOOLARGE for
 * part headers over 8 KiB or more than WEB_PAIRS_MAX parts, or the sink's error; the same error
 * again for every later call. */
int web_multipart_reader_feed(web_multipart_reader *r, const char *data, size_t len);
/* The body ended: WEFT_EINVALID unless its closing delimiter was read. */
int web_multipart_reader_finish(web_multipart_reader *r);
void web_multipart_reader_free(web_multipart_reader *r);

#endif

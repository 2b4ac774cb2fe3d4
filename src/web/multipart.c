/* The streaming multipart/form-data reader (multipart.h). The body is read as if it began with
 * CRLF, so that its first boundary line is one more delimiter "\r\n--BOUNDARY"; whatever comes
 * before (a preamble) is dropped. The window keeps only what cannot be decided yet: a possible
 * start of a delimiter, or part headers that have not ended. */
#include "web/multipart.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"

enum { HEADERS_MAX = 8192 };

typedef enum { PREAMBLE, HEADERS, CONTENT, CLOSED } reader_state;

struct web_multipart_reader {
	arena *a;
	web_multipart_sink sink;
	const char *delim; /* "\r\n--BOUNDARY" */
	size_t delim_len;
	buf window;
	reader_state state;
	size_t parts;
	int error;
};

int web_multipart_reader_new(web_multipart_reader **out, arena *a, const char *content_type,
                             const web_multipart_sink *sink)
{
	const char *delim = NULL;
	size_t len = 0;
	int rc = web_multipart_delimiter(&delim, &len, a, content_type);
	if (rc < 0)
		return rc;
	web_multipart_reader *r = mem_zalloc(sizeof *r);
	r->a = a;
	r->sink = *sink;
	r->delim = delim;
	r->delim_len = len;
	buf_append(&r->window, "\r\n", 2);
	*out = r;
	return 0;
}

void web_multipart_reader_free(web_multipart_reader *r)
{
	if (!r)
		return;
	buf_dispose(&r->window);
	free(r);
}

/* Drops the first n bytes of the window. */
static void consume(web_multipart_reader *r, size_t n)
{
	memmove(r->window.ptr, r->window.ptr + n, r->window.len - n);
	buf_truncate(&r->window, r->window.len - n);
}

typedef enum { NOT_DELIMITER, UNDECIDED, NEXT_PART, LAST_PART } delimiter_kind;

/* What follows a delimiter match at s (*after: where the next part's headers start). "--" closes
 * the body; optional spaces and tabs then CRLF start a part; anything else was content. */
static delimiter_kind after_delimiter(const char *s, const char *end, size_t *after,
                                      const char *base)
{
	if (end - s < 2)
		return UNDECIDED;
	if (s[0] == '-' && s[1] == '-')
		return LAST_PART;
	/* Transport padding (RFC 2046 §5.1.1), within reason: the window must stay bounded. */
	const char *limit = s + WEB_MULTIPART_PADDING_MAX;
	while (s < end && (*s == ' ' || *s == '\t'))
		if (++s > limit)
			return NOT_DELIMITER;
	if (end - s < 2)
		return (end - s == 1 && *s != '\r') ? NOT_DELIMITER : UNDECIDED;
	if (s[0] != '\r' || s[1] != '\n')
		return NOT_DELIMITER;
	*after = (size_t)(s + 2 - base);
	return NEXT_PART;
}

/* Finds the first delimiter in the window: *at its offset, *after where the next part starts.
 * *safe: how many bytes from the start certainly hold no delimiter (content to pass on). */
static delimiter_kind find_delimiter(web_multipart_reader *r, size_t *at, size_t *after,
                                     size_t *safe)
{
	const char *base = r->window.ptr, *end = base + r->window.len, *s = base;
	while (s < end) {
		const char *m = memmem(s, (size_t)(end - s), r->delim, r->delim_len);
		if (!m)
			break;
		delimiter_kind k = after_delimiter(m + r->delim_len, end, after, base);
		if (k != NOT_DELIMITER) {
			*at = (size_t)(m - base);
			*safe = *at;
			return k;
		}
		s = m + 1;
	}
	size_t keep = r->delim_len - 1;
	*safe = r->window.len > keep ? r->window.len - keep : 0;
	return NOT_DELIMITER;
}

static int pass_content(web_multipart_reader *r, size_t n)
{
	if (n == 0 || r->state != CONTENT)
		return 0;
	return r->sink.data(r->sink.ctx, r->window.ptr, n);
}

/* PREAMBLE and CONTENT: everything up to the next delimiter is content (dropped before the
 * first part); false when the window needs more bytes. */
static bool read_content(web_multipart_reader *r, int *rc)
{
	size_t at = 0, after = 0, safe = 0;
	delimiter_kind k = find_delimiter(r, &at, &after, &safe);
	*rc = pass_content(r, safe);
	if (*rc < 0)
		return false;
	if (k == NOT_DELIMITER || k == UNDECIDED) {
		consume(r, safe);
		return false;
	}
	if (r->state == CONTENT && (*rc = r->sink.end(r->sink.ctx)) < 0)
		return false;
	if (k == LAST_PART) {
		r->state = CLOSED;
		buf_clear(&r->window);
		return false;
	}
	consume(r, after);
	r->state = HEADERS;
	return true;
}

/* HEADERS: a part's header block, up to CRLF CRLF (or a lone CRLF: no headers). */
static bool read_headers(web_multipart_reader *r, int *rc)
{
	const char *base = r->window.ptr;
	size_t len = r->window.len, headers_len, start;
	if (len >= 2 && base[0] == '\r' && base[1] == '\n') {
		headers_len = 0;
		start = 2;
	} else {
		const char *blank =
		        memmem(base, len < HEADERS_MAX + 4 ? len : HEADERS_MAX + 4, "\r\n\r\n", 4);
		if (!blank) {
			if (len > HEADERS_MAX + 4)
				*rc = err_fail(WEFT_ETOOLARGE,
				               "multipart part headers over %d bytes", HEADERS_MAX);
			return false;
		}
		headers_len = (size_t)(blank - base);
		start = headers_len + 4;
	}
	if (++r->parts > WEB_PAIRS_MAX) {
		*rc = err_fail(WEFT_ETOOLARGE, "more than %d multipart parts", WEB_PAIRS_MAX);
		return false;
	}
	web_part part;
	*rc = web_part_parse_headers(&part, r->a, base, headers_len);
	if (*rc == 0)
		*rc = r->sink.begin(r->sink.ctx, &part);
	if (*rc < 0)
		return false;
	consume(r, start);
	r->state = CONTENT;
	return true;
}

int web_multipart_reader_feed(web_multipart_reader *r, const char *data, size_t len)
{
	if (r->error < 0)
		return r->error;
	if (r->state == CLOSED)
		return 0; /* the epilogue is ignored */
	buf_append(&r->window, data, len);
	int rc = 0;
	bool more = true;
	while (more && rc == 0 && r->state != CLOSED)
		more = r->state == HEADERS ? read_headers(r, &rc) : read_content(r, &rc);
	r->error = rc;
	return rc;
}

int web_multipart_reader_finish(web_multipart_reader *r)
{
	if (r->error < 0)
		return r->error;
	if (r->state != CLOSED)
		return err_fail(WEFT_EINVALID, "multipart body without a closing boundary");
	return 0;
}

/* Context-specific escapers (cgit's lesson) and percent-decoding. Each escaper appends to a buf. */
#ifndef WEFT_WEB_ESCAPE_H
#define WEFT_WEB_ESCAPE_H

#include <stddef.h>

#include "base/arena.h"
#include "base/buf.h"

/* HTML text and attribute values (quoted with " or '): & < > " ' ` = become entities. */
void esc_html(buf *out, const char *s, size_t len);
/* One URL path segment: everything but RFC 3986 unreserved characters is percent-encoded, so a
 * '/' inside a branch name becomes %2F (http-rules.md §3). */
void esc_url_segment(buf *out, const char *s, size_t len);
/* A path of several segments: like esc_url_segment but '/' stays. */
void esc_url_path(buf *out, const char *s, size_t len);
/* A query-string key or value: unreserved characters stay, space becomes %20, the rest %XX. */
void esc_url_query(buf *out, const char *s, size_t len);
/* A JSON string body (without the quotes), for the few places that write JSON by hand. */
void esc_json(buf *out, const char *s, size_t len);

/* Percent-decodes s[0..len) into a new arena string (NUL-terminated; *out_len without the NUL).
 * With plus_is_space, '+' decodes to ' ' (query strings and forms). A '%' not followed by two hex
 * digits is WEFT_EINVALID. The result may contain NUL bytes; callers that need a C string check
 * out_len against strlen. */
int esc_pct_decode(char **out, size_t *out_len, arena *a, const char *s, size_t len,
                   int plus_is_space);

#endif

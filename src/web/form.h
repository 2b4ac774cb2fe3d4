/* Parsers of request inputs other than the path: query strings, application/x-www-form-urlencoded
 * bodies, Cookie headers and multipart/form-data bodies. All results live in the request's arena.
 * Every input here comes from outside and is hostile: every parser is bounded and fuzzed. */
#ifndef WEFT_WEB_FORM_H
#define WEFT_WEB_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"

/* One decoded name and value; value may contain NUL bytes (value_len counts them). */
typedef struct web_pair {
	const char *name;
	const char *value;
	size_t value_len;
} web_pair;

/* An ordered list of pairs; names may repeat. */
typedef struct web_pairs {
	web_pair *items;
	size_t len, cap;
} web_pairs;

enum { WEB_PAIRS_MAX = 1000 }; /* more pairs than this in one input is WEFT_ETOOLARGE */

/* Parses "a=1&b=two+words&a=%2F" (http-rules.md §2): '+' is a space, percent-escapes decode,
 * a key without '=' has the value "", empty pieces ("a=1&&b=2") are skipped. Appends to out.
 * WEFT_EINVALID for a bad percent-escape, WEFT_ETOOLARGE past WEB_PAIRS_MAX pairs.
 * Used for query strings and urlencoded form bodies alike. */
int web_query_parse(web_pairs *out, arena *a, const char *s, size_t len);

/* Parses a Cookie header ("a=1; b=2"); values are taken as they are (no decoding), surrounding
 * double quotes removed. Malformed pieces are skipped, never fatal. */
int web_cookies_parse(web_pairs *out, arena *a, const char *header);

/* Appends a pair (name and value are not copied). WEFT_ETOOLARGE past WEB_PAIRS_MAX pairs. */
int web_pairs_push(web_pairs *p, arena *a, const char *name, const char *value, size_t value_len);

/* The first value of name, or NULL when absent; an empty value counts as absent
 * (http-rules.md §2: "expand=" means no expand). */
const char *web_pairs_get(const web_pairs *p, const char *name);

/* Every value of name, repeated keys and comma-separated lists merged in order
 * ("fields=a,b&fields=c" gives a, b, c), empty items dropped. Returns the count; *out is an
 * arena array of that many strings (NULL when 0). */
size_t web_pairs_list(const char ***out, arena *a, const web_pairs *p, const char *name);

/* A boolean: "true"/"True"/"1" and "false"/"False"/"0". Absent: *out = dflt, 0. Anything else:
 * WEFT_EINVALID naming the parameter. */
int web_pairs_bool(bool *out, const web_pairs *p, const char *name, bool dflt);

/* One part of a multipart/form-data body. */
typedef struct web_part {
	const char *name; /* from Content-Disposition; never NULL */
	const char *filename; /* NULL for a plain field */
	const char *content_type; /* NULL when the part had none */
	const char *disposition; /* the raw Content-Disposition value, for web_part_param */
	const char *data; /* points into an arena copy; may contain NUL bytes */
	size_t len;
} web_part;

typedef struct web_parts {
	web_part *items;
	size_t len, cap;
} web_parts;

/* Parses a whole multipart/form-data body given its Content-Type header value (which carries the
 * boundary, quoted or not). WEFT_EINVALID with a message for a missing boundary, a missing final
 * boundary, a part without a name; WEFT_ETOOLARGE past WEB_PAIRS_MAX parts. */
int web_multipart_parse(web_parts *out, arena *a, const char *content_type, const char *body,
                        size_t len);

/* Spaces and tabs allowed between a boundary and its CRLF (RFC 2046's transport padding): more
 * makes the line content, so that a streaming reader need not hold an unbounded line. */
enum { WEB_MULTIPART_PADDING_MAX = 64 };

/* For parsers that read a body as it arrives (web/multipart.h): the delimiter "\r\n--BOUNDARY"
 * of a multipart/form-data content type, in a (WEFT_EINVALID as web_multipart_parse), and a
 * part's header block (without its final CRLF CRLF) into out, whose data stays NULL
 * (WEFT_EINVALID for a malformed block or a part without a name; WEFT_ETOOLARGE past 8 KiB). */
int web_multipart_delimiter(const char **out, size_t *len, arena *a, const char *content_type);
int web_part_parse_headers(web_part *out, arena *a, const char *s, size_t len);

/* The first part called name, or NULL. */
const web_part *web_parts_get(const web_parts *p, const char *name);

/* The value of parameter name (case-insensitive) of part's Content-Disposition, or NULL: e.g.
 * Bitbucket's x-attributes. Besides "name=value" this accepts "name:value", the form Bitbucket
 * documents for x-attributes:"executable". The value lives in a. */
const char *web_part_param(arena *a, const web_part *part, const char *name);

#endif

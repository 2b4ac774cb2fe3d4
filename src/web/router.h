/* The router: matches a method and a raw path against a service's route table.
 * Patterns are split on '/' into literal segments, "{name}" parameters (optionally followed by a
 * literal suffix inside the segment, as in "{repo}.git") and one final "{name...}" that takes the
 * rest of the path (zero or more segments). The raw path is split on literal '/' first, then each
 * segment is percent-decoded (http-rules.md §3), so "%2F" inside a parameter stays a '/'. A single
 * trailing slash is tolerated. The first route in table order that matches wins. */
#ifndef WEFT_WEB_ROUTER_H
#define WEFT_WEB_ROUTER_H

#include "base/arena.h"
#include "web/web.h"

typedef struct web_router web_router;

typedef enum {
	WEB_MATCH_OK,
	WEB_MATCH_NO_PATH, /* 404 */
	WEB_MATCH_NO_METHOD, /* 405; allow lists the methods that would match */
	WEB_MATCH_BAD_PATH, /* 400: a bad percent-escape, or a NUL byte in a segment */
} web_match_result;

typedef struct web_match {
	const web_route *route;
	const char *names[WEB_PARAMS_MAX];
	const char *values[WEB_PARAMS_MAX];
	size_t nparams;
	bool trailing_slash;
	char allow[96]; /* "GET, HEAD, POST" for WEB_MATCH_NO_METHOD */
} web_match;

/* Compiles a route table. WEFT_EINVALID naming the pattern for a malformed one (no leading '/',
 * an unclosed '{', a rest parameter that is not last, too many parameters). */
int web_router_new(web_router **out, const web_route *routes, size_t nroutes);
void web_router_free(web_router *r);

/* Matches method and the raw path (without the query string); decoded values live in a. */
web_match_result web_router_match(web_match *out, const web_router *r, arena *a, const char *method,
                                  const char *path);

#endif

/* Route patterns compiled into segment lists, and the segment-wise matcher. */
#include "web/router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"
#include "web/escape.h"

enum { MAX_SEGMENTS = 32 };

typedef enum { SEG_LITERAL, SEG_PARAM, SEG_REST } segment_kind;

typedef struct segment {
	segment_kind kind;
	char *text; /* the literal, or the parameter's name */
	char *suffix; /* for SEG_PARAM: literal text after the '}' in the same segment, or NULL */
} segment;

typedef struct compiled_route {
	const web_route *route;
	segment *segments; /* as many as the pattern has: a fixed array of MAX_SEGMENTS in each of
	                    * some 500 routes would keep 0.4 MB resident for nothing */
	size_t nsegments;
} compiled_route;

struct web_router {
	compiled_route *routes;
	size_t nroutes;
};

static int compile_segment(segment *seg, const char *text, size_t len, bool is_last,
                           const char *pattern)
{
	if (len == 0 || text[0] != '{') {
		if (memchr(text, '{', len) || memchr(text, '}', len))
			return err_fail(WEFT_EINVALID, "route %s: braces inside a literal segment",
			                pattern);
		seg->kind = SEG_LITERAL;
		seg->text = mem_strndup(text, len);
		return 0;
	}
	const char *close = memchr(text, '}', len);
	if (!close || close == text + 1)
		return err_fail(WEFT_EINVALID, "route %s: unclosed or empty '{'", pattern);
	size_t name_len = (size_t)(close - text - 1);
	size_t suffix_len = len - name_len - 2;
	bool rest = name_len > 3 && memcmp(close - 3, "...", 3) == 0;
	if (rest && (!is_last || suffix_len))
		return err_fail(WEFT_EINVALID, "route %s: {name...} must be the last segment",
		                pattern);
	seg->kind = rest ? SEG_REST : SEG_PARAM;
	seg->text = mem_strndup(text + 1, rest ? name_len - 3 : name_len);
	seg->suffix = suffix_len ? mem_strndup(close + 1, suffix_len) : NULL;
	return 0;
}

static int compile_route(compiled_route *c, const web_route *route)
{
	const char *p = route->pattern;
	c->route = route;
	if (p[0] != '/')
		return err_fail(WEFT_EINVALID, "route %s: must start with '/'", p);
	size_t slashes = 0; /* at least as many as segments */
	for (const char *q = p; *q; q++)
		slashes += *q == '/';
	c->segments = mem_zalloc(mem_mul(slashes, sizeof *c->segments));
	size_t nparams = 0;
	for (p++; *p;) {
		size_t len = strcspn(p, "/");
		if (c->nsegments == MAX_SEGMENTS)
			return err_fail(WEFT_EINVALID, "route %s: too many segments",
			                route->pattern);
		segment *seg = &c->segments[c->nsegments++];
		int rc = compile_segment(seg, p, len, p[len] == '\0', route->pattern);
		if (rc < 0)
			return rc;
		if (seg->kind != SEG_LITERAL && ++nparams > WEB_PARAMS_MAX)
			return err_fail(WEFT_EINVALID, "route %s: too many parameters",
			                route->pattern);
		p += len;
		if (*p == '/')
			p++;
	}
	return 0;
}

int web_router_new(web_router **out, const web_route *routes, size_t nroutes)
{
	web_router *r = mem_zalloc(sizeof *r);
	r->routes = mem_zalloc(mem_mul(nroutes ? nroutes : 1, sizeof *r->routes));
	r->nroutes = nroutes;
	for (size_t i = 0; i < nroutes; i++) {
		int rc = compile_route(&r->routes[i], &routes[i]);
		if (rc < 0) {
			web_router_free(r);
			return rc;
		}
	}
	*out = r;
	return 0;
}

void web_router_free(web_router *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nroutes; i++) {
		for (size_t j = 0; j < r->routes[i].nsegments; j++) {
			free(r->routes[i].segments[j].text);
			free(r->routes[i].segments[j].suffix);
		}
		free(r->routes[i].segments);
	}
	free(r->routes);
	free(r);
}

/* The request path split at literal '/' and decoded segment by segment. */
typedef struct split_path {
	const char **segments;
	size_t *lengths;
	size_t count;
	bool trailing_slash;
} split_path;

static web_match_result split(split_path *sp, arena *a, const char *path)
{
	memset(sp, 0, sizeof *sp);
	if (path[0] != '/')
		return WEB_MATCH_BAD_PATH;
	size_t total = strlen(path), slashes = 0;
	for (const char *q = path; *q; q++)
		slashes += *q == '/';
	sp->segments = arena_array(a, slashes, sizeof *sp->segments);
	sp->lengths = arena_array(a, slashes, sizeof *sp->lengths);
	if (total > 1 && path[total - 1] == '/') {
		sp->trailing_slash = true;
		total--;
	}
	const char *p = path + 1, *end = path + total;
	while (p < end || (p == end && sp->count && p[-1] == '/')) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		size_t len = slash ? (size_t)(slash - p) : (size_t)(end - p);
		char *decoded;
		size_t decoded_len;
		if (esc_pct_decode(&decoded, &decoded_len, a, p, len, 0) < 0 ||
		    strlen(decoded) != decoded_len)
			return WEB_MATCH_BAD_PATH;
		sp->segments[sp->count] = decoded;
		sp->lengths[sp->count++] = decoded_len;
		if (!slash)
			break;
		p = slash + 1;
	}
	return WEB_MATCH_OK;
}

static bool match_param(const segment *seg, const char *value, size_t len, arena *a,
                        const char **out)
{
	size_t suffix_len = seg->suffix ? strlen(seg->suffix) : 0;
	if (len <= suffix_len)
		return false; /* a parameter is never empty */
	if (suffix_len && memcmp(value + len - suffix_len, seg->suffix, suffix_len) != 0)
		return false;
	*out = suffix_len ? arena_strndup(a, value, len - suffix_len) : value;
	return true;
}

/* The rest parameter: the decoded segments from i on, joined with '/'. */
static const char *join_rest(const split_path *sp, size_t from, arena *a)
{
	buf joined = BUF_INIT;
	for (size_t i = from; i < sp->count; i++) {
		if (i > from)
			buf_putc(&joined, '/');
		buf_append(&joined, sp->segments[i], sp->lengths[i]);
	}
	char *s = arena_strndup(a, buf_cstr(&joined), joined.len);
	buf_dispose(&joined);
	return s;
}

static bool match_route(web_match *m, const compiled_route *c, const split_path *sp, arena *a)
{
	m->nparams = 0;
	for (size_t i = 0; i < c->nsegments; i++) {
		const segment *seg = &c->segments[i];
		if (seg->kind == SEG_REST) {
			m->names[m->nparams] = seg->text;
			m->values[m->nparams++] = join_rest(sp, i, a);
			return true;
		}
		if (i >= sp->count)
			return false;
		if (seg->kind == SEG_LITERAL) {
			if (strlen(seg->text) != sp->lengths[i] ||
			    strcmp(seg->text, sp->segments[i]))
				return false;
			continue;
		}
		const char *value;
		if (!match_param(seg, sp->segments[i], sp->lengths[i], a, &value))
			return false;
		m->names[m->nparams] = seg->text;
		m->values[m->nparams++] = value;
	}
	return c->nsegments == sp->count;
}

static bool method_matches(const char *route_method, const char *method)
{
	return strcmp(route_method, method) == 0 ||
	       (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

static void add_allowed(char *allow, size_t size, const char *method)
{
	const char *names[2] = { method, strcmp(method, "GET") == 0 ? "HEAD" : NULL };
	for (int i = 0; i < 2 && names[i]; i++) {
		size_t n = strlen(names[i]), used = strlen(allow);
		const char *found = strstr(allow, names[i]);
		if (found && (found[n] == ',' || found[n] == '\0'))
			continue;
		if (used + n + 3 > size)
			return;
		snprintf(allow + used, size - used, "%s%s", used ? ", " : "", names[i]);
	}
}

web_match_result web_router_match(web_match *out, const web_router *r, arena *a, const char *method,
                                  const char *path)
{
	split_path sp;
	web_match_result rc = split(&sp, a, path);
	memset(out, 0, sizeof *out);
	if (rc != WEB_MATCH_OK)
		return rc;
	out->trailing_slash = sp.trailing_slash;
	bool path_matched = false;
	for (size_t i = 0; i < r->nroutes; i++) {
		web_match m = *out;
		if (!match_route(&m, &r->routes[i], &sp, a))
			continue;
		if (method_matches(r->routes[i].route->method, method)) {
			m.route = r->routes[i].route;
			*out = m;
			return WEB_MATCH_OK;
		}
		path_matched = true;
		add_allowed(out->allow, sizeof out->allow, r->routes[i].route->method);
	}
	return path_matched ? WEB_MATCH_NO_METHOD : WEB_MATCH_NO_PATH;
}

/* The template engine: a Mustache subset rendering jansson values (ARCHITECTURE.md, STYLE.md §9).
 *   {{name}}        the value, HTML-escaped (strings; numbers and booleans as JSON writes them)
 *   {{{name}}}      the value unescaped: only for HTML that weft itself produced safely
 *   {{a.b.c}}       a dotted path; {{.}} the current item
 *   {{#name}}…{{/name}}  a section: repeated for each item of an array, entered once with the value
 *                   as context for an object, once for any other truthy value; skipped for false,
 *                   null, missing, "", 0 and []
 *   {{^name}}…{{/name}}  an inverted section: rendered only when the section would be skipped
 *   {{>partial}}    another template of the same set, rendered with the current context
 *   {{! comment }}  nothing
 * Names resolve against the innermost context first, then outwards. A missing value renders as
 * nothing. Templates are compiled once (at start-up, and by the build to fail it on a malformed
 * template) and are then read-only, so one set serves every thread. */
#ifndef WEFT_WEB_TEMPLATE_H
#define WEFT_WEB_TEMPLATE_H

#include <jansson.h>
#include <stddef.h>

#include "base/buf.h"

typedef struct tmpl_set tmpl_set;

tmpl_set *tmpl_set_new(void);
void tmpl_set_free(tmpl_set *set);

/* Compiles src[0..len) under name (e.g. "hub/home"). WEFT_EINVALID with a message
 * "NAME:LINE:COLUMN: what is wrong" for an unclosed tag, an unbalanced or mismatched section, an
 * empty name or a name with characters outside [A-Za-z0-9_.-/]; WEFT_EEXISTS for a name already
 * in the set. The source is copied. */
int tmpl_add(tmpl_set *set, const char *name, const char *src, size_t len);

/* After every template is added: checks that each {{>partial}} names a template of the set and
 * that partials do not include themselves (directly or not). WEFT_EINVALID naming the first one. */
int tmpl_check(const tmpl_set *set);

/* Appends the rendering of template name with data as the root context to out.
 * WEFT_ENOTFOUND when there is no such template. */
int tmpl_render(buf *out, const tmpl_set *set, const char *name, const json_t *data);

#endif

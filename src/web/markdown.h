/* Markdown to HTML for text that users and repositories supply (READMEs, descriptions,
 * comments): GitHub-flavoured (tables, strikethrough, autolinks, task lists) through cmark-gfm in
 * safe mode with the tag filter, so that no raw HTML and no javascript:, vbscript:, file: or
 * data: link reaches the page. The output is the only HTML from outside that templates may put
 * in a raw {{{slot}}} (STYLE.md §9). */
#ifndef WEFT_WEB_MARKDOWN_H
#define WEFT_WEB_MARKDOWN_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"

/* Renders len bytes of Markdown (need not be NUL-terminated; invalid UTF-8 is replaced) to safe
 * HTML in a. Never NULL. */
const char *web_markdown_html(arena *a, const char *text, size_t len);

/* True when url names a scheme that must never be followed from our pages (javascript:,
 * vbscript:, file:, data:), whitespace and control characters inside the scheme ignored. */
bool web_url_is_dangerous(const char *url);

#endif

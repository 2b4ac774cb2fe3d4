/* Atlassian Document Format (the rich text of Jira's REST API v3) to and from Markdown, the form
 * track stores: paragraphs, headings, nested bullet and ordered lists, code blocks and inline
 * code, links, emphasis, strong, strike, hard breaks, block quotes, rules and tables. ADF nodes
 * without a Markdown form degrade to their text. Pure: no store, no HTTP. */
#ifndef WEFT_TRACK_ADF_H
#define WEFT_TRACK_ADF_H

#include <stddef.h>

#include <jansson.h>

#include "base/arena.h"

enum {
	ADF_MAX_DEPTH = 48, /* nested ADF nodes, and nested Markdown containers kept as such */
	ADF_MAX_NODES = 100000, /* ADF nodes in one document */
	ADF_MAX_MARKDOWN = 1 << 20, /* bytes of Markdown, in or out */
};

/* Renders the ADF document doc (an object of type "doc"; hostile: anything else is refused or
 * skipped) as Markdown in a (*out, NUL-terminated, never NULL on success). Unknown nodes give
 * their text; malformed children (not objects, no type) are skipped. WEFT_EINVALID when doc is
 * not an object of type "doc"; WEFT_ETOOLARGE past ADF_MAX_DEPTH levels, ADF_MAX_NODES nodes or
 * ADF_MAX_MARKDOWN bytes of output. */
int adf_to_markdown(char **out, arena *a, const json_t *doc);

/* Converts len bytes of Markdown (GFM; need not be NUL-terminated; invalid UTF-8 is replaced)
 * into a new ADF document (*out: a new reference, {"type":"doc","version":1,"content":[...]}).
 * Raw HTML becomes text; links whose scheme could run code lose their link. Containers nested
 * deeper than ADF_MAX_DEPTH are flattened into their parent. WEFT_ETOOLARGE past
 * ADF_MAX_MARKDOWN bytes; -1 when cmark fails. */
int adf_from_markdown(json_t **out, const char *md, size_t len);

#endif

/* Markdown rendering with cmark-gfm in safe mode: raw HTML is omitted (and the tag filter would
 * neuter what slipped through), and links or images whose scheme could run code or read local
 * files lose their URL before rendering. */
#include "web/markdown.h"

#include <ctype.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

static pthread_once_t extensions_once = PTHREAD_ONCE_INIT;

/* cmark-gfm keeps its registry of extensions in a process-wide list: fill it once. */
static void register_extensions(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

/* True when url names a scheme that must never be followed from our pages. Browsers ignore
 * ASCII whitespace and control characters inside a scheme ("java\tscript:"), so those are skipped
 * before comparing. cmark's own check lets data:image/... through; we refuse every data: URL. */
bool web_url_is_dangerous(const char *url)
{
	static const char *const schemes[] = { "javascript:", "vbscript:", "file:", "data:" };
	char scheme[16];
	size_t n = 0;
	for (const char *p = url; *p && n < sizeof scheme - 1; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch <= 0x20 || ch == 0x7f)
			continue;
		scheme[n++] = (char)tolower(ch);
		if (ch == ':')
			break;
	}
	scheme[n] = '\0';
	for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
		if (strcmp(scheme, schemes[i]) == 0)
			return true;
	return false;
}

/* Empties the URL of every dangerous link and image in the document. */
static void drop_dangerous_urls(cmark_node *root)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type type = cmark_node_get_type(node);
		if (ev != CMARK_EVENT_ENTER ||
		    (type != CMARK_NODE_LINK && type != CMARK_NODE_IMAGE))
			continue;
		const char *url = cmark_node_get_url(node);
		if (url && web_url_is_dangerous(url))
			cmark_node_set_url(node, "");
	}
	cmark_iter_free(it);
}

static void attach_extensions(cmark_parser *parser)
{
	static const char *const names[] = { "table", "strikethrough", "autolink", "tagfilter",
		                             "tasklist" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(names[i]);
		if (ext)
			cmark_parser_attach_syntax_extension(parser, ext);
	}
}

const char *web_markdown_html(arena *a, const char *text, size_t len)
{
	/* No CMARK_OPT_UNSAFE: raw HTML becomes a comment and cmark drops javascript: URLs too. */
	const int options = CMARK_OPT_VALIDATE_UTF8;
	pthread_once(&extensions_once, register_extensions);
	cmark_parser *parser = cmark_parser_new(options);
	if (!parser)
		return "";
	attach_extensions(parser);
	cmark_parser_feed(parser, text, len);
	cmark_node *doc = cmark_parser_finish(parser);
	char *html = NULL;
	if (doc) {
		drop_dangerous_urls(doc);
		html = cmark_render_html(doc, options, cmark_parser_get_syntax_extensions(parser));
	}
	const char *out = arena_strdup(a, html ? html : "");
	free(html);
	if (doc)
		cmark_node_free(doc);
	cmark_parser_free(parser);
	return out;
}

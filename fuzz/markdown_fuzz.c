/* libFuzzer target: web_markdown_html on arbitrary bytes. Whatever the input, the output must not
 * carry raw HTML tags that run script, nor a link to a dangerous scheme. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "web/markdown.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checked even under NDEBUG: a fuzz target that checks nothing finds only crashes. */
#define CHECK(c) ((c) ? (void)0 : (fprintf(stderr, "CHECK failed: %s\n", #c), abort()))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 64 * 1024)
		return 0;
	arena *a = arena_new();
	const char *html = web_markdown_html(a, (const char *)data, size);
	CHECK(html != NULL);
	CHECK(strstr(html, "<script") == NULL);
	CHECK(strstr(html, "<iframe") == NULL);
	CHECK(strstr(html, "href=\"javascript:") == NULL);
	CHECK(strstr(html, "src=\"javascript:") == NULL);
	CHECK(strstr(html, "href=\"data:") == NULL);
	CHECK(strstr(html, "src=\"data:") == NULL);
	arena_free(a);
	return 0;
}

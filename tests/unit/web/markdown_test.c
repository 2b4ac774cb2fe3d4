/* Tests of src/web/markdown.c: GitHub-flavoured Markdown renders, and nothing from the text can
 * run script on our pages: raw HTML, event handlers, and javascript:/vbscript:/file:/data: links. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "base/arena.h"
#include "web/markdown.h"

static const char *render(arena *a, const char *md)
{
	return web_markdown_html(a, md, strlen(md));
}

static void assert_contains(const char *html, const char *part)
{
	if (!strstr(html, part))
		fail_msg("expected %s in: %s", part, html);
}

static void assert_lacks(const char *html, const char *part)
{
	if (strstr(html, part))
		fail_msg("did not expect %s in: %s", part, html);
}

static void test_basics(void **state)
{
	(void)state;
	arena *a = arena_new();
	const char *html = render(a, "# Title\n\nSome *text* and `code`.\n");
	assert_contains(html, "<h1>Title</h1>");
	assert_contains(html, "<em>text</em>");
	assert_contains(html, "<code>code</code>");
	assert_string_equal(render(a, ""), "");
	arena_free(a);
}

static void test_gfm_extensions(void **state)
{
	(void)state;
	arena *a = arena_new();
	const char *html = render(a, "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~\n\n"
	                             "- [x] done\n- [ ] open\n\nsee https://example.com/x\n");
	assert_contains(html, "<table>");
	assert_contains(html, "<td>1</td>");
	assert_contains(html, "<del>gone</del>");
	assert_contains(html, "type=\"checkbox\"");
	assert_contains(html, "<a href=\"https://example.com/x\">");
	arena_free(a);
}

static void test_raw_html_is_omitted(void **state)
{
	(void)state;
	arena *a = arena_new();
	const char *html =
	        render(a, "<script>alert(1)</script>\n\nhello <img src=x onerror=alert(2)>"
	                  "\n\n<iframe src=\"http://evil\"></iframe>\n");
	assert_lacks(html, "<script");
	assert_lacks(html, "<img");
	assert_lacks(html, "onerror");
	assert_lacks(html, "<iframe");
	assert_contains(html, "hello");
	arena_free(a);
}

static void test_dangerous_links_dropped(void **state)
{
	(void)state;
	arena *a = arena_new();
	const char *html =
	        render(a, "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](vbscript:msgbox)"
	                  " [d](file:///etc/passwd) [e](data:text/html;base64,PHNjcmlwdD4=)"
	                  " ![f](data:image/png;base64,AAAA)"
	                  " <javascript:alert(3)> [ok](https://example.com/)\n");
	/* The autolink's text stays as text; no URL keeps a dangerous scheme. */
	assert_lacks(html, "=\"javascript:");
	assert_lacks(html, "=\"JaVaScRiPt:");
	assert_lacks(html, "=\"vbscript:");
	assert_lacks(html, "=\"file:");
	assert_lacks(html, "=\"data:");
	assert_contains(html, "<a href=\"\">a</a>");
	assert_contains(html, "<img src=\"\" alt=\"f\" />");
	assert_contains(html, "<a href=\"https://example.com/\">ok</a>");
	arena_free(a);
}

static void test_text_is_escaped(void **state)
{
	(void)state;
	arena *a = arena_new();
	const char *html = render(a, "a < b & \"c\" > d\n\n[x](http://e/?a=\"><script>)\n");
	assert_contains(html, "a &lt; b &amp; &quot;c&quot; &gt; d");
	assert_lacks(html, "<script");
	arena_free(a);
}

static void test_invalid_utf8_and_nul(void **state)
{
	(void)state;
	arena *a = arena_new();
	const char bytes[] = "ok \xff\xfe and \0 nul";
	const char *html = web_markdown_html(a, bytes, sizeof bytes - 1);
	assert_contains(html, "ok \xef\xbf\xbd");
	assert_contains(html, "nul");
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basics),
		cmocka_unit_test(test_gfm_extensions),
		cmocka_unit_test(test_raw_html_is_omitted),
		cmocka_unit_test(test_dangerous_links_dropped),
		cmocka_unit_test(test_text_is_escaped),
		cmocka_unit_test(test_invalid_utf8_and_nul),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

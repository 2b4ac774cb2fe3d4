/* Tests of src/track/adf.c: ADF to Markdown for every supported node and mark, Markdown to ADF,
 * round trips both ways, degradation of unknown nodes, and hostile documents. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "track/issue/adf.h"

static int setup(void **state)
{
	*state = arena_new();
	return 0;
}

static int teardown(void **state)
{
	arena_free(*state);
	return 0;
}

/* The Markdown of the ADF document written as JSON text (asserting success). */
static const char *md_of(void **state, const char *adf_json)
{
	json_error_t error;
	json_t *doc = json_loads(adf_json, 0, &error);
	if (!doc)
		fail_msg("bad test JSON: %s: %s", adf_json, error.text);
	char *md = NULL;
	int rc = adf_to_markdown(&md, *state, doc);
	json_decref(doc);
	if (rc != 0)
		fail_msg("%s: %s", adf_json, err_msg());
	return md;
}

/* The ADF of md, as compact JSON with sorted keys (asserting success). */
static const char *adf_of(void **state, const char *md)
{
	json_t *doc = NULL;
	int rc = adf_from_markdown(&doc, md, strlen(md));
	if (rc != 0)
		fail_msg("%s: %s", md, err_msg());
	char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	char *copy = arena_strdup(*state, text);
	free(text);
	json_decref(doc);
	return copy;
}

/* A document with content (a JSON array's inside). */
#define DOC(content) "{\"type\":\"doc\",\"version\":1,\"content\":[" content "]}"
#define P(content) "{\"type\":\"paragraph\",\"content\":[" content "]}"
#define T(text) "{\"type\":\"text\",\"text\":\"" text "\"}"
#define TM(text, marks) "{\"type\":\"text\",\"text\":\"" text "\",\"marks\":[" marks "]}"
#define M(type) "{\"type\":\"" type "\"}"

/* Sorted-key compact form of JSON text, for comparing with adf_of. */
static const char *canonical(void **state, const char *json)
{
	json_t *v = json_loads(json, 0, NULL);
	assert_non_null(v);
	char *text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	char *copy = arena_strdup(*state, text);
	free(text);
	json_decref(v);
	return copy;
}

static void blocks_to_markdown(void **state)
{
	assert_string_equal(md_of(state, DOC(P(T("Hello")) "," P(T("world")))), "Hello\n\nworld");
	assert_string_equal(
	        md_of(state, DOC("{\"type\":\"heading\",\"attrs\":{\"level\":3},\"content\":[" T(
	                             "Title #1") "]}")),
	        "### Title \\#1");
	assert_string_equal(md_of(state, DOC("{\"type\":\"rule\"}")), "---");
	assert_string_equal(
	        md_of(state, DOC("{\"type\":\"codeBlock\",\"attrs\":{\"language\":\"c\"},"
	                         "\"content\":[" T("int x;\\n```\\n") "]}")),
	        "````c\nint x;\n```\n````");
	assert_string_equal(md_of(state, DOC("{\"type\":\"blockquote\",\"content\":[" P(
	                                         T("a")) "," P(T("b")) "]}")),
	                    "> a\n>\n> b");
}

static void lists_to_markdown(void **state)
{
	const char *nested = DOC(
	        "{\"type\":\"bulletList\",\"content\":["
	        "{\"type\":\"listItem\",\"content\":[" P(
	                T("one")) "]},"
	                          "{\"type\":\"listItem\",\"content\":[" P(
	                                  T("two")) ","
	                                            "{\"type\":\"orderedList\",\"attrs\":{"
	                                            "\"order\":1},\"content\":["
	                                            "{\"type\":\"listItem\",\"content\":[" P(T(
	                                                    "three")) "]},"
	                                                              "{\"type\":\"listItem\","
	                                                              "\"content\":[" P(T(
	                                                                      "four")) "]}]}]}]}");
	assert_string_equal(md_of(state, nested), "- one\n- two\n  1. three\n  2. four");
	/* Two lists in a row keep apart through the other marker. */
	const char *two =
	        DOC("{\"type\":\"bulletList\",\"content\":[{\"type\":\"listItem\","
	            "\"content\":[" P(
	                    T("a")) "]}]},"
	                            "{\"type\":\"bulletList\",\"content\":[{\"type\":\"listItem\","
	                            "\"content\":[" P(T("b")) "]}]}");
	assert_string_equal(md_of(state, two), "- a\n\n* b");
}

static void marks_to_markdown(void **state)
{
	assert_string_equal(md_of(state, DOC(P(T("a ") "," TM("bold", M("strong")) "," T(
	                                         " and ") "," TM("it", M("em")) "," T(".")))),
	                    "a **bold** and *it*.");
	/* Whitespace at the edge of a marked text stays outside the delimiters. */
	assert_string_equal(md_of(state, DOC(P(TM("bold ", M("strong")) "," T("x")))),
	                    "**bold** x");
	/* Marks shared by neighbours stay open across them. */
	assert_string_equal(
	        md_of(state, DOC(P(TM("a", M("strong")) "," TM("b", M("strong") "," M("em"))))),
	        "**a*b***");
	assert_string_equal(
	        md_of(state, DOC(P(TM("gone", M("strike")) "," T(" ") "," TM("x`y", M("code"))))),
	        "~~gone~~ ``x`y``");
	assert_string_equal(md_of(state, DOC(P(TM("site", "{\"type\":\"link\",\"attrs\":{\"href\":"
	                                                  "\"https://example.com/a>b\"}}")))),
	                    "[site](<https://example.com/a\\>b>)");
	assert_string_equal(md_of(state, DOC(P(T("one") ",{\"type\":\"hardBreak\"}," T("two")))),
	                    "one\\\ntwo");
}

static void text_is_escaped(void **state)
{
	assert_string_equal(md_of(state, DOC(P(T("# not a heading")))), "\\# not a heading");
	assert_string_equal(md_of(state, DOC(P(T("- not a list, 1. neither")))),
	                    "\\- not a list, 1. neither");
	assert_string_equal(md_of(state, DOC(P(T("12. no")))), "12\\. no");
	assert_string_equal(md_of(state, DOC(P(T("*a* [b] <c> `d` snake_case _e_ &amp; \\\\")))),
	                    "\\*a\\* \\[b\\] \\<c> \\`d\\` snake_case \\_e\\_ \\&amp; \\\\");
}

static void unknown_nodes_degrade(void **state)
{
	assert_string_equal(
	        md_of(state, DOC(P(T("hi ") ",{\"type\":\"mention\",\"attrs\":{\"id\":\"1\","
	                                    "\"text\":\"@Alice\"}}," T("!")))),
	        "hi @Alice!");
	assert_string_equal(md_of(state, DOC("{\"type\":\"panel\",\"attrs\":{},\"content\":[" P(
	                                         T("inside")) "]}")),
	                    "inside");
	assert_string_equal(
	        md_of(state, DOC("{\"type\":\"mediaSingle\",\"content\":[{\"type\":"
	                         "\"media\",\"attrs\":{\"id\":\"x\"}}]}," P(T("after")))),
	        "after");
	/* Junk children are skipped, not fatal. */
	assert_string_equal(md_of(state, DOC("1,\"x\",null,{}," P("7," T("ok")))), "ok");
	/* Inline nodes where blocks belong form a paragraph. */
	assert_string_equal(md_of(state, DOC(T("loose"))), "loose");
}

static void tables(void **state)
{
	const char *adf = DOC(
	        "{\"type\":\"table\",\"content\":["
	        "{\"type\":\"tableRow\",\"content\":["
	        "{\"type\":\"tableHeader\",\"content\":[" P(
	                T("a")) "]},"
	                        "{\"type\":\"tableHeader\",\"content\":[" P(T(
	                                "b|c")) "]}]},"
	                                        "{\"type\":\"tableRow\",\"content\":["
	                                        "{\"type\":\"tableCell\",\"content\":[" P(T(
	                                                "1")) "]},"
	                                                      "{\"type\":\"tableCell\",\"content\":"
	                                                      "[" P(TM("2", M("strong"))) "]}]}]}");
	assert_string_equal(md_of(state, adf), "| a | b\\|c |\n| --- | --- |\n| 1 | **2** |");
	assert_string_equal(adf_of(state, md_of(state, adf)), canonical(state, adf));
}

static void markdown_to_adf(void **state)
{
	assert_string_equal(
	        adf_of(state, "Hello *you*\nthere"),
	        canonical(state, DOC(P(T("Hello ") "," TM("you", M("em")) "," T(" there")))));
	assert_string_equal(
	        adf_of(state, "## Two\n\n```py\nx = 1\n```"),
	        canonical(state,
	                  DOC("{\"type\":\"heading\",\"attrs\":{\"level\":2},"
	                      "\"content\":[" T(
	                              "Two") "]},"
	                                     "{\"type\":\"codeBlock\",\"attrs\":{\"language\":"
	                                     "\"py\"},\"content\":[" T("x = 1") "]}")));
	/* Raw HTML is text; a javascript: link is no link. */
	assert_string_equal(adf_of(state, "<b>x</b> [y](javascript:alert(1))"),
	                    canonical(state, DOC(P(T("<b>x</b> y")))));
	assert_string_equal(adf_of(state, ""), canonical(state, DOC("")));
}

/* Markdown in the writer's own form comes back unchanged through ADF. */
static void markdown_round_trips(void **state)
{
	const char *samples[] = {
		"Hello\n\nworld",
		"# One\n\n## Two\n\n###### Six",
		"a **b** *c* ~~d~~ `e` [f](<https://x.example/?q=1>)",
		"- a\n- b\n  * c\n  * d\n    - e\n- f",
		"- * -",
		"1. a\n2. b\n   1. c",
		"1. a\n\n2. b\n\n   3. c",
		"> quoted\n>\n> - list in quote",
		"```sh\necho hi\n```",
		"---",
		"line\\\nbreak",
		"[**strong link**](<https://x.example>) and `code`",
		"| h1 | h2 |\n| --- | --- |\n| a | b |",
		"\\# hash, \\*stars\\*, 3. no list",
		"` ;` and `  ` and `` `x` ``",
		"two  spaces  **kept**",
	};
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		json_t *doc = NULL;
		char *md = NULL;
		assert_int_equal(adf_from_markdown(&doc, samples[i], strlen(samples[i])), 0);
		assert_int_equal(adf_to_markdown(&md, *state, doc), 0);
		json_decref(doc);
		assert_string_equal(md, samples[i]);
	}
}

static void refusals(void **state)
{
	char *md = NULL;
	json_t *v = json_pack("[]");
	assert_int_equal(adf_to_markdown(&md, *state, v), WEFT_EINVALID);
	json_decref(v);
	v = json_pack("{s:s}", "type", "paragraph");
	assert_int_equal(adf_to_markdown(&md, *state, v), WEFT_EINVALID);
	json_decref(v);
	assert_null(md);
	/* Deeper than ADF_MAX_DEPTH levels of quotes. */
	json_t *doc = json_pack("{s:s,s:[]}", "type", "doc", "content");
	json_t *content = json_object_get(doc, "content");
	for (int i = 0; i < ADF_MAX_DEPTH + 2; i++) {
		json_t *q = json_pack("{s:s,s:[]}", "type", "blockquote", "content");
		json_array_append_new(content, q);
		content = json_object_get(q, "content");
	}
	assert_int_equal(adf_to_markdown(&md, *state, doc), WEFT_ETOOLARGE);
	assert_non_null(strstr(err_msg(), "nested"));
	json_decref(doc);
	/* Too many nodes. */
	doc = json_pack("{s:s,s:[]}", "type", "doc", "content");
	for (int i = 0; i <= ADF_MAX_NODES; i++)
		json_array_append_new(json_object_get(doc, "content"),
		                      json_pack("{s:s}", "type", "rule"));
	assert_int_equal(adf_to_markdown(&md, *state, doc), WEFT_ETOOLARGE);
	json_decref(doc);
	json_t *out = NULL;
	assert_int_equal(adf_from_markdown(&out, "x", ADF_MAX_MARKDOWN + 1), WEFT_ETOOLARGE);
	assert_null(out);
}

/* Markdown nested far deeper than ADF allows is flattened, and still converts back. */
static void deep_markdown(void **state)
{
	buf md = BUF_INIT;
	for (int i = 0; i < 5000; i++)
		buf_puts(&md, "> - ");
	buf_puts(&md, "deep *text*");
	json_t *doc = NULL;
	assert_int_equal(adf_from_markdown(&doc, md.ptr, md.len), 0);
	char *back = NULL;
	assert_int_equal(adf_to_markdown(&back, *state, doc), 0);
	assert_non_null(strstr(back, "deep *text*"));
	json_decref(doc);
	buf_dispose(&md);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(blocks_to_markdown, setup, teardown),
		cmocka_unit_test_setup_teardown(lists_to_markdown, setup, teardown),
		cmocka_unit_test_setup_teardown(marks_to_markdown, setup, teardown),
		cmocka_unit_test_setup_teardown(text_is_escaped, setup, teardown),
		cmocka_unit_test_setup_teardown(unknown_nodes_degrade, setup, teardown),
		cmocka_unit_test_setup_teardown(tables, setup, teardown),
		cmocka_unit_test_setup_teardown(markdown_to_adf, setup, teardown),
		cmocka_unit_test_setup_teardown(markdown_round_trips, setup, teardown),
		cmocka_unit_test_setup_teardown(refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(deep_markdown, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

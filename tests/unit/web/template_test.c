/* Tests for src/web/template.c: the Mustache subset, its errors and limits, and the templates
 * that tools/embed put in the binary. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/asset.h"
#include "web/embedded.h"
#include "web/template.h"

/* ---- helpers ---- */

static json_t *parse_json(const char *text)
{
	json_error_t error;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &error);
	if (!v)
		fail_msg("bad test JSON %s: %s", text, error.text);
	return v;
}

/* Compiles src as template "t", renders it with json and returns the output (free it). */
static char *render(const char *src, const char *json)
{
	tmpl_set *set = tmpl_set_new();
	json_t *data = parse_json(json);
	buf out = BUF_INIT;
	assert_int_equal(tmpl_add(set, "t", src, strlen(src)), 0);
	int rc = tmpl_render(&out, set, "t", data);
	if (rc != 0)
		fail_msg("render of %s failed: %s", src, err_msg());
	json_decref(data);
	tmpl_set_free(set);
	return buf_detach(&out);
}

static void assert_renders(const char *src, const char *json, const char *expected)
{
	char *got = render(src, json);
	if (strcmp(got, expected) != 0)
		fail_msg("%s with %s gave \"%s\", expected \"%s\"", src, json, got, expected);
	free(got);
}

/* tmpl_add of src as "t" fails with WEFT_EINVALID and a message starting with prefix. */
static void assert_invalid(const char *src, const char *prefix)
{
	tmpl_set *set = tmpl_set_new();
	err_clear();
	int rc = tmpl_add(set, "t", src, strlen(src));
	if (rc != WEFT_EINVALID)
		fail_msg("%s: expected WEFT_EINVALID, got %d", src, rc);
	if (strncmp(err_msg(), prefix, strlen(prefix)) != 0)
		fail_msg("%s: message \"%s\" does not start with \"%s\"", src, err_msg(), prefix);
	/* a failed template is not in the set: the name can be used again */
	assert_int_equal(tmpl_add(set, "t", "ok", 2), 0);
	tmpl_set_free(set);
}

static void add(tmpl_set *set, const char *name, const char *src)
{
	if (tmpl_add(set, name, src, strlen(src)) != 0)
		fail_msg("tmpl_add %s: %s", name, err_msg());
}

/* ---- values and escaping ---- */

static void test_escapes_every_special_character(void **state)
{
	(void)state;
	assert_renders("<p title=\"{{x}}\">{{x}}</p>", "{\"x\": \"a&b<c>d\\\"e'f`g=h\"}",
	               "<p title=\"a&amp;b&lt;c&gt;d&quot;e&#39;f&#96;g&#61;h\">"
	               "a&amp;b&lt;c&gt;d&quot;e&#39;f&#96;g&#61;h</p>");
}

static void test_triple_mustache_is_raw(void **state)
{
	(void)state;
	assert_renders("[{{{x}}}]", "{\"x\": \"<b>&\\\"'`=</b>\"}", "[<b>&\"'`=</b>]");
	assert_renders("[{{{ x }}}]", "{\"x\": \"<i>\"}", "[<i>]");
}

static void test_numbers_and_booleans(void **state)
{
	(void)state;
	assert_renders("{{a}} {{b}} {{c}}", "{\"a\": 42, \"b\": -7, \"c\": 0}", "42 -7 0");
	assert_renders("{{a}}", "{\"a\": 9007199254740993}", "9007199254740993");
	assert_renders("{{a}} {{b}} {{c}}", "{\"a\": 1.5, \"b\": 0.1, \"c\": -2.25}",
	               "1.5 0.1 -2.25");
	assert_renders("{{a}} {{b}}", "{\"a\": 3.0, \"b\": 1e300}", "3.0 1e+300");
	assert_renders("{{a}}", "{\"a\": 0.30000000000000004}", "0.30000000000000004");
	assert_renders("[{{t}}][{{f}}][{{n}}]", "{\"t\": true, \"f\": false, \"n\": null}",
	               "[true][][]");
	assert_renders("[{{{t}}}][{{{f}}}][{{{i}}}]", "{\"t\": true, \"f\": false, \"i\": 5}",
	               "[true][][5]");
}

static void test_missing_values_render_empty(void **state)
{
	(void)state;
	assert_renders("[{{nope}}][{{{nope}}}][{{a.b}}][{{x.y.z}}]", "{\"x\": {\"y\": 1}}",
	               "[][][][]");
	/* objects and arrays have no text of their own */
	assert_renders("[{{o}}][{{a}}]", "{\"o\": {\"k\": 1}, \"a\": [1, 2]}", "[][]");
	/* a root that is not an object has no names */
	assert_renders("[{{x}}]", "[1, 2]", "[]");
}

static void test_dotted_names(void **state)
{
	(void)state;
	const char *data = "{\"a\": {\"b\": {\"c\": \"deep\"}, \"s\": \"str\"}, \"c\": \"top\"}";
	assert_renders("{{a.b.c}}|{{a.s}}|{{a.b.x}}|{{a.s.c}}", data, "deep|str||");
	assert_renders("{{#a.b}}{{c}}{{/a.b}}", data, "deep");
	/* only the first segment is looked up outwards; the rest must be inside what it found */
	assert_renders("{{#inner}}[{{a.b}}]{{/inner}}",
	               "{\"a\": {\"b\": \"outer\"}, \"inner\": {\"a\": {\"x\": 1}}}", "[]");
	assert_renders("{{#inner}}[{{a.b}}]{{/inner}}",
	               "{\"a\": {\"b\": \"outer\"}, \"inner\": {\"z\": 1}}", "[outer]");
}

static void test_current_item(void **state)
{
	(void)state;
	assert_renders("{{#list}}[{{.}}]{{/list}}", "{\"list\": [\"a\", \"<b>\", 3, true]}",
	               "[a][&lt;b&gt;][3][true]");
	assert_renders("{{#list}}[{{{.}}}]{{/list}}", "{\"list\": [\"<b>\"]}", "[<b>]");
	assert_renders("{{.}}", "\"root & string\"", "root &amp; string");
	assert_renders("{{#s}}<{{.}}>{{/s}}", "{\"s\": \"abc\"}", "<abc>");
}

/* ---- sections ---- */

static void test_section_over_array(void **state)
{
	(void)state;
	assert_renders("{{#items}}{{name}},{{/items}}",
	               "{\"items\": [{\"name\": \"x\"}, {\"name\": \"y\"}, {\"name\": \"z\"}]}",
	               "x,y,z,");
}

static void test_section_over_object(void **state)
{
	(void)state;
	assert_renders("{{#user}}{{name}} ({{id}}){{/user}}",
	               "{\"user\": {\"name\": \"ann\", \"id\": 7}}", "ann (7)");
	/* an empty object is not in the list of skipped values: entered once */
	assert_renders("{{#o}}in{{/o}}", "{\"o\": {}}", "in");
}

static void test_section_over_truthy_scalars(void **state)
{
	(void)state;
	const char *src = "{{#v}}yes{{/v}}";
	assert_renders(src, "{\"v\": true}", "yes");
	assert_renders(src, "{\"v\": \"text\"}", "yes");
	assert_renders(src, "{\"v\": \" \"}", "yes");
	assert_renders(src, "{\"v\": 5}", "yes");
	assert_renders(src, "{\"v\": -1}", "yes");
	assert_renders(src, "{\"v\": 0.5}", "yes");
	assert_renders(src, "{\"v\": [0]}", "yes");
}

static void test_section_skipped_for_falsy(void **state)
{
	(void)state;
	const char *src = "[{{#v}}no{{/v}}]";
	assert_renders(src, "{\"v\": false}", "[]");
	assert_renders(src, "{\"v\": null}", "[]");
	assert_renders(src, "{}", "[]");
	assert_renders(src, "{\"v\": \"\"}", "[]");
	assert_renders(src, "{\"v\": 0}", "[]");
	assert_renders(src, "{\"v\": 0.0}", "[]");
	assert_renders(src, "{\"v\": []}", "[]");
}

static void test_inverted_sections(void **state)
{
	(void)state;
	const char *src = "[{{^v}}empty{{/v}}]";
	assert_renders(src, "{\"v\": false}", "[empty]");
	assert_renders(src, "{\"v\": null}", "[empty]");
	assert_renders(src, "{}", "[empty]");
	assert_renders(src, "{\"v\": \"\"}", "[empty]");
	assert_renders(src, "{\"v\": 0}", "[empty]");
	assert_renders(src, "{\"v\": []}", "[empty]");
	assert_renders(src, "{\"v\": true}", "[]");
	assert_renders(src, "{\"v\": \"x\"}", "[]");
	assert_renders(src, "{\"v\": 1}", "[]");
	assert_renders(src, "{\"v\": [1]}", "[]");
	assert_renders(src, "{\"v\": {}}", "[]");
	/* an inverted section keeps the context it was in */
	assert_renders("{{^v}}{{name}}{{/v}}", "{\"name\": \"n\"}", "n");
}

static void test_nested_sections_look_outwards(void **state)
{
	(void)state;
	const char *data = "{\"top\": \"T\", \"name\": \"root\", \"outer\": {\"title\": \"O\", "
	                   "\"inner\": [{\"name\": \"a\"}, {\"name\": \"b\", \"top\": \"t\"}]}}";
	assert_renders("{{#outer}}{{#inner}}{{name}}-{{title}}-{{top}};{{/inner}}{{/outer}}", data,
	               "a-O-T;b-O-t;");
	assert_renders("{{#outer}}{{#inner}}{{/inner}}{{name}}{{/outer}}", data, "root");
	assert_renders("{{#a}}{{#b}}{{#c}}{{x}}{{/c}}{{/b}}{{/a}}",
	               "{\"x\": 1, \"a\": [{\"b\": [{\"c\": true}, {\"c\": true, \"x\": 2}]}]}",
	               "12");
}

static void test_whitespace_inside_tags(void **state)
{
	(void)state;
	assert_renders("{{ name }}|{{# s }}in{{/ s }}|{{^ n }}none{{/ n }}",
	               "{\"name\": \"x\", \"s\": true}", "x|in|none");
	assert_renders("{{\tname\t}}", "{\"name\": \"x\"}", "x");
}

static void test_comments(void **state)
{
	(void)state;
	assert_renders("a{{! a comment }}b", "{}", "ab");
	assert_renders("a{{! spans\nlines, and {{ braces }}c", "{}", "ac");
	assert_renders("{{!}}x", "{}", "x");
}

/* ---- partials ---- */

static void test_partials(void **state)
{
	(void)state;
	tmpl_set *set = tmpl_set_new();
	json_t *data = parse_json("{\"title\": \"T\", \"items\": [{\"n\": 1}, {\"n\": 2}]}");
	buf out = BUF_INIT;
	add(set, "page", "<h1>{{title}}</h1>{{#items}}{{> parts/row }}{{/items}}{{>foot}}");
	add(set, "parts/row", "<li>{{n}} of {{title}}</li>");
	add(set, "foot", "<footer>{{title}}</footer>");
	assert_int_equal(tmpl_check(set), 0);
	assert_int_equal(tmpl_render(&out, set, "page", data), 0);
	assert_string_equal(buf_cstr(&out),
	                    "<h1>T</h1><li>1 of T</li><li>2 of T</li><footer>T</footer>");
	buf_dispose(&out);
	json_decref(data);
	tmpl_set_free(set);
}

static void test_missing_partial(void **state)
{
	(void)state;
	tmpl_set *set = tmpl_set_new();
	buf out = BUF_INIT;
	add(set, "ok", "fine");
	add(set, "page", "a\n  {{>nope}}");
	assert_int_equal(tmpl_check(set), WEFT_EINVALID);
	assert_string_equal(err_msg(), "page:2:3: no template 'nope' for the partial");
	/* rendering without the check fails too, and leaves out as it was */
	buf_puts(&out, "kept");
	assert_int_equal(tmpl_render(&out, set, "page", NULL), WEFT_ENOTFOUND);
	assert_string_equal(buf_cstr(&out), "kept");
	buf_dispose(&out);
	tmpl_set_free(set);
}

static void test_self_including_partials(void **state)
{
	(void)state;
	tmpl_set *set = tmpl_set_new();
	add(set, "self", "x{{>self}}");
	assert_int_equal(tmpl_check(set), WEFT_EINVALID);
	assert_string_equal(err_msg(), "self:1:2: partial 'self' includes 'self' again");
	tmpl_set_free(set);

	set = tmpl_set_new();
	add(set, "leaf", "leaf");
	add(set, "a", "{{>leaf}}{{#x}}{{>b}}{{/x}}");
	add(set, "b", "{{>c}}");
	add(set, "c", "{{>leaf}}\n{{>a}}");
	assert_int_equal(tmpl_check(set), WEFT_EINVALID);
	assert_string_equal(err_msg(), "a:1:16: partial 'b' includes 'a' again");
	tmpl_set_free(set);

	/* a partial used twice without a cycle is fine */
	set = tmpl_set_new();
	add(set, "leaf", "leaf");
	add(set, "mid", "{{>leaf}}{{>leaf}}");
	add(set, "top", "{{>mid}}{{>leaf}}");
	assert_int_equal(tmpl_check(set), 0);
	tmpl_set_free(set);
}

/* ---- errors ---- */

static void test_malformed_templates(void **state)
{
	(void)state;
	assert_invalid("ab\ncd {{x", "t:2:4: unclosed '{{'");
	assert_invalid("{{", "t:1:1: unclosed '{{'");
	assert_invalid("x\n\n  {{{a}}", "t:3:3: unclosed '{{{'");
	assert_invalid("{{{a", "t:1:1: unclosed '{{{'");
	assert_invalid("x\n {{#a}}\n{{#b}}{{/b}}", "t:2:2: unclosed section 'a'");
	assert_invalid("{{#a}}{{^b}}\n{{/a}}", "t:2:1: '{{/a}}' does not close section 'b'");
	assert_invalid("{{#a}}{{/b}}", "t:1:7: '{{/b}}' does not close section 'a'");
	assert_invalid("x{{/a}}", "t:1:2: '{{/a}}' closes no open section");
	assert_invalid("{{#a}}{{/a}}{{/a}}", "t:1:13: '{{/a}}' closes no open section");
	assert_invalid("é{{x", "t:1:2: unclosed '{{'");
}

static void test_empty_names(void **state)
{
	(void)state;
	assert_invalid("{{}}", "t:1:1: empty name");
	assert_invalid("a {{ }}", "t:1:3: empty name");
	assert_invalid("{{{}}}", "t:1:1: empty name");
	assert_invalid("{{#}}{{/}}", "t:1:1: empty name");
	assert_invalid("{{^ }}", "t:1:1: empty name");
	assert_invalid("{{#a}}{{/}}", "t:1:7: empty name");
	assert_invalid("{{>}}", "t:1:1: empty name");
}

static void test_bad_name_characters(void **state)
{
	(void)state;
	assert_invalid("{{a b}}", "t:1:1: bad character 0x20 in name 'a b'");
	assert_invalid("\n{{a!}}", "t:2:1: bad character 0x21");
	assert_invalid("{{&a}}", "t:1:1: bad character 0x26");
	assert_invalid("{{a\nb}}", "t:1:1: bad character 0x0a");
	assert_invalid("{{=<% %>=}}", "t:1:1: bad character 0x3d");
	assert_invalid("{{#a<}}{{/a<}}", "t:1:1: bad character 0x3c");
	assert_invalid("{{>a b}}", "t:1:1: bad character 0x20");
	assert_invalid("{{a..b}}", "t:1:1: empty segment in name 'a..b'");
	assert_invalid("{{.a}}", "t:1:1: empty segment");
	assert_invalid("{{a.}}", "t:1:1: empty segment");
	/* every allowed character */
	assert_renders("{{Az09_-/x.y}}", "{\"Az09_-/x\": {\"y\": \"ok\"}}", "ok");
}

static void test_duplicate_name(void **state)
{
	(void)state;
	tmpl_set *set = tmpl_set_new();
	add(set, "a", "one");
	assert_int_equal(tmpl_add(set, "a", "two", 3), WEFT_EEXISTS);
	buf out = BUF_INIT;
	assert_int_equal(tmpl_render(&out, set, "a", NULL), 0);
	assert_string_equal(buf_cstr(&out), "one");
	buf_dispose(&out);
	tmpl_set_free(set);
}

static void test_unknown_template(void **state)
{
	(void)state;
	tmpl_set *set = tmpl_set_new();
	buf out = BUF_INIT;
	add(set, "a", "one");
	assert_int_equal(tmpl_render(&out, set, "b", NULL), WEFT_ENOTFOUND);
	assert_int_equal(out.len, 0);
	assert_non_null(strstr(err_msg(), "'b'"));
	tmpl_set_free(set);
}

/* n nested sections around "x", each entered through a true value. */
static char *nested(int n)
{
	buf src = BUF_INIT;
	for (int i = 0; i < n; i++)
		buf_puts(&src, "{{#a}}");
	buf_puts(&src, "x");
	for (int i = 0; i < n; i++)
		buf_puts(&src, "{{/a}}");
	return buf_detach(&src);
}

static void test_render_depth_limit(void **state)
{
	(void)state;
	json_t *data = parse_json("{\"a\": true}");
	char *ok = nested(64), *deep = nested(65);
	tmpl_set *set = tmpl_set_new();
	buf out = BUF_INIT;
	add(set, "ok", ok);
	add(set, "deep", deep);
	add(set, "loop", "{{>loop}}"); /* tmpl_check would refuse it; render must survive it */
	assert_int_equal(tmpl_render(&out, set, "ok", data), 0);
	assert_string_equal(buf_cstr(&out), "x");
	assert_int_equal(tmpl_render(&out, set, "deep", data), WEFT_EINVALID);
	assert_non_null(strstr(err_msg(), "deeper than 64"));
	assert_int_equal(tmpl_render(&out, set, "loop", data), WEFT_EINVALID);
	assert_string_equal(buf_cstr(&out), "x");
	buf_dispose(&out);
	tmpl_set_free(set);
	free(ok);
	free(deep);
	json_decref(data);
}

static void test_source_is_copied_and_may_hold_nul(void **state)
{
	(void)state;
	char src[] = "a{{x}}b\0c";
	tmpl_set *set = tmpl_set_new();
	json_t *data = parse_json("{\"x\": 1}");
	buf out = BUF_INIT;
	assert_int_equal(tmpl_add(set, "t", src, sizeof src - 1), 0);
	memset(src, '?', sizeof src);
	assert_int_equal(tmpl_render(&out, set, "t", data), 0);
	assert_int_equal(out.len, 5);
	assert_memory_equal(out.ptr, "a1b\0c", 5);
	buf_dispose(&out);
	json_decref(data);
	tmpl_set_free(set);
}

/* ---- threads ---- */

typedef struct shared {
	const tmpl_set *set;
	const json_t *data;
	int failures;
} shared;

static void *render_many(void *arg)
{
	shared *s = arg;
	for (int i = 0; i < 2000; i++) {
		buf out = BUF_INIT;
		if (tmpl_render(&out, s->set, "t", s->data) != 0 ||
		    strcmp(buf_cstr(&out), "<1><2><3>") != 0)
			__atomic_add_fetch(&s->failures, 1, __ATOMIC_RELAXED);
		buf_dispose(&out);
	}
	return NULL;
}

static void test_renders_from_many_threads(void **state)
{
	(void)state;
	tmpl_set *set = tmpl_set_new();
	add(set, "t", "{{#l}}<{{.}}>{{/l}}");
	json_t *data = parse_json("{\"l\": [1, 2, 3]}");
	shared s = { set, data, 0 };
	pthread_t threads[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&threads[i], NULL, render_many, &s), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(threads[i], NULL);
	assert_int_equal(s.failures, 0);
	json_decref(data);
	tmpl_set_free(set);
}

/* ---- the embedded templates ---- */

/* Every embedded template, named as tools/embed names them. */
static tmpl_set *embedded_set(void)
{
	tmpl_set *set = tmpl_set_new();
	for (size_t i = 0; i < assets_count; i++) {
		const char *path = assets[i].path;
		size_t n = strlen(path);
		if (strncmp(path, "templates/", 10) != 0 || n < 16 ||
		    strcmp(path + n - 5, ".html") != 0)
			continue;
		char *name = strndup(path + 10, n - 15);
		if (tmpl_add(set, name, (const char *)assets[i].data, assets[i].len) != 0)
			fail_msg("%s: %s", path, err_msg());
		free(name);
	}
	assert_int_equal(tmpl_check(set), 0);
	return set;
}

static json_t *page_data(const char *service, const char *title)
{
	bool hub = strcmp(service, "hub") == 0;
	return json_pack(
	        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:s}", "service", service, "product",
	        hub ? "weft hub" : "weft track", "title", title, "version", "0.1.0", "base_url",
	        hub ? "http://hub.example:7990" : "http://track.example:8080", "other_url",
	        hub ? "http://track.example:8080" : "http://hub.example:7990", "request_id",
	        "req-1234", "is_hub", hub, "is_track", !hub, "state", "RUNNING");
}

/* Renders page inside layout as the web layer does and returns the whole HTML (free it). */
static char *render_page(const tmpl_set *set, const char *page, json_t *data)
{
	buf content = BUF_INIT, html = BUF_INIT;
	if (tmpl_render(&content, set, page, data) != 0)
		fail_msg("%s: %s", page, err_msg());
	json_object_set_new(data, "content", json_string(buf_cstr(&content)));
	if (tmpl_render(&html, set, "layout", data) != 0)
		fail_msg("layout: %s", err_msg());
	buf_dispose(&content);
	return buf_detach(&html);
}

static void assert_contains(const char *html, const char *needle)
{
	if (!strstr(html, needle))
		fail_msg("\"%s\" is missing from the page", needle);
}

static void test_embedded_assets_are_real(void **state)
{
	(void)state;
	const char *paths[] = { "templates/layout.html", "templates/hub/home.html",
		                "templates/track/home.html", "templates/error.html",
		                "static/weft.css" };
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
		const asset *a = asset_find(paths[i]);
		if (!a)
			fail_msg("%s is not embedded", paths[i]);
		assert_true(a->len > 100);
		assert_int_equal(a->data[a->len], '\0');
		assert_int_equal(strlen(a->etag), 18);
		assert_int_equal(a->etag[0], '"');
		assert_int_equal(a->etag[17], '"');
		assert_int_equal(strspn(a->etag + 1, "0123456789abcdef"), 16);
	}
	assert_null(asset_find("templates/nope.html"));
	const asset *css = asset_find("static/weft.css");
	assert_non_null(strstr((const char *)css->data, "#0052cc"));
	assert_non_null(strstr((const char *)css->data, ":focus-visible"));
	assert_string_not_equal(asset_find("templates/layout.html")->etag, css->etag);
}

/* True when text has a <script> element that is not a file of our own static folder (which
 * the CSP's script-src 'self' allows). */
static bool has_inline_script(const char *text)
{
	static const char external[] = "<script src=\"/static/";
	for (const char *p = strstr(text, "<script"); p; p = strstr(p + 1, "<script"))
		if (strncmp(p, external, sizeof external - 1) != 0)
			return true;
	return false;
}

static void test_embedded_templates_have_no_inline_code(void **state)
{
	(void)state;
	for (size_t i = 0; i < assets_count; i++) {
		const char *text = (const char *)assets[i].data;
		if (strncmp(assets[i].path, "templates/", 10) != 0)
			continue;
		if (has_inline_script(text) || strstr(text, "style=") || strstr(text, "<style") ||
		    strstr(text, " onclick=") || strstr(text, "javascript:"))
			fail_msg("%s has inline code the CSP would block", assets[i].path);
	}
}

static void test_hub_home_page(void **state)
{
	(void)state;
	tmpl_set *set = embedded_set();
	json_t *data = page_data("hub", "Home <&>");
	char *html = render_page(set, "hub/home", data);
	assert_contains(html, "<!DOCTYPE html>");
	assert_contains(html, "<meta charset=\"utf-8\">");
	assert_contains(html, "name=\"viewport\"");
	assert_contains(html, "<title>Home &lt;&amp;&gt; · weft hub</title>");
	assert_contains(html, "href=\"/static/weft.css\"");
	assert_contains(html, "class=\"service-hub\"");
	assert_contains(html, "href=\"http://track.example:8080\"");
	assert_contains(html, "Service status");
	assert_contains(html, "RUNNING");
	assert_contains(html, "0.1.0");
	assert_contains(html, "http://hub.example:7990/2.0");
	assert_contains(html, "Pull requests");
	assert_contains(html, "Webhooks");
	assert_contains(html, "req-1234");
	assert_null(strstr(html, "{{"));
	free(html);
	json_decref(data);
	tmpl_set_free(set);
}

static void test_track_home_page(void **state)
{
	(void)state;
	tmpl_set *set = embedded_set();
	json_t *data = page_data("track", "Home");
	json_object_del(data, "other_url");
	char *html = render_page(set, "track/home", data);
	assert_contains(html, "<title>Home · weft track</title>");
	assert_contains(html, "class=\"service-track\"");
	assert_contains(html, "PROJ-123");
	assert_contains(html, "JQL");
	assert_contains(html, "http://track.example:8080/rest/api/2");
	assert_contains(html, "Development panel");
	assert_contains(html, "RUNNING");
	/* no other service configured: no link to it */
	assert_null(strstr(html, "Go to weft hub"));
	assert_null(strstr(html, "hub.example"));
	free(html);
	json_decref(data);
	tmpl_set_free(set);
}

static void test_error_page(void **state)
{
	(void)state;
	tmpl_set *set = embedded_set();
	json_t *data = page_data("hub", "Not Found");
	json_object_set_new(data, "status", json_integer(404));
	json_object_set_new(data, "reason", json_string("Not Found"));
	json_object_set_new(data, "message", json_string("No page at /x<y>."));
	char *html = render_page(set, "error", data);
	assert_contains(html, "404");
	assert_contains(html, "Not Found");
	assert_contains(html, "No page at /x&lt;y&gt;.");
	assert_contains(html, "req-1234");
	assert_contains(html, "href=\"/\"");
	free(html);
	json_decref(data);
	tmpl_set_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escapes_every_special_character),
		cmocka_unit_test(test_triple_mustache_is_raw),
		cmocka_unit_test(test_numbers_and_booleans),
		cmocka_unit_test(test_missing_values_render_empty),
		cmocka_unit_test(test_dotted_names),
		cmocka_unit_test(test_current_item),
		cmocka_unit_test(test_section_over_array),
		cmocka_unit_test(test_section_over_object),
		cmocka_unit_test(test_section_over_truthy_scalars),
		cmocka_unit_test(test_section_skipped_for_falsy),
		cmocka_unit_test(test_inverted_sections),
		cmocka_unit_test(test_nested_sections_look_outwards),
		cmocka_unit_test(test_whitespace_inside_tags),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_partials),
		cmocka_unit_test(test_missing_partial),
		cmocka_unit_test(test_self_including_partials),
		cmocka_unit_test(test_malformed_templates),
		cmocka_unit_test(test_empty_names),
		cmocka_unit_test(test_bad_name_characters),
		cmocka_unit_test(test_duplicate_name),
		cmocka_unit_test(test_unknown_template),
		cmocka_unit_test(test_render_depth_limit),
		cmocka_unit_test(test_source_is_copied_and_may_hold_nul),
		cmocka_unit_test(test_renders_from_many_threads),
		cmocka_unit_test(test_embedded_assets_are_real),
		cmocka_unit_test(test_embedded_templates_have_no_inline_code),
		cmocka_unit_test(test_hub_home_page),
		cmocka_unit_test(test_track_home_page),
		cmocka_unit_test(test_error_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

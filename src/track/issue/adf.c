/* ADF to Markdown (a recursive writer bounded in depth, nodes and output) and Markdown to ADF (a
 * walk of cmark-gfm's tree with cmark's own iterator, so that no input can exhaust the stack). */
#include "track/issue/adf.h"

#include <ctype.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include "base/buf.h"
#include "base/err.h"
#include "web/markdown.h"

/* ---- ADF to Markdown ---------------------------------------------------------------------- */

typedef struct writer {
	size_t nodes; /* visited so far, against ADF_MAX_NODES */
} writer;

/* Mark levels, outermost first: a level opens only inside the ones before it. */
enum { LINK, STRONG, EM, STRIKE, LEVELS };

/* The state of one run of inline content (a paragraph, a heading, a table cell). */
typedef struct inl {
	buf *out;
	bool open[LEVELS];
	const char *href; /* of the open link */
	buf pending; /* whitespace held back until we know which side of a delimiter it goes */
	bool line_start; /* nothing but delimiters written on this line yet */
	bool heading; /* '#' must be escaped everywhere */
	bool table; /* in a table cell: no line breaks, '|' escaped in code too */
} inl;

static const char *node_type(const json_t *node)
{
	return json_string_value(json_object_get(node, "type"));
}

static bool is_type(const json_t *node, const char *type)
{
	const char *t = node_type(node);
	return t && strcmp(t, type) == 0;
}

static const char *attr_string(const json_t *node, const char *name)
{
	return json_string_value(json_object_get(json_object_get(node, "attrs"), name));
}

static json_int_t attr_int(const json_t *node, const char *name, json_int_t fallback)
{
	const json_t *v = json_object_get(json_object_get(node, "attrs"), name);
	return json_is_integer(v) ? json_integer_value(v) : fallback;
}

static bool is_inline_type(const char *t)
{
	static const char *const types[] = { "text",       "hardBreak", "mention", "emoji",
		                             "inlineCard", "date",      "status" };
	for (size_t i = 0; t && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(t, types[i]) == 0)
			return true;
	return false;
}

static int visit(writer *w, int depth)
{
	if (depth > ADF_MAX_DEPTH)
		return err_fail(WEFT_ETOOLARGE, "The document is nested more than %d levels deep",
		                ADF_MAX_DEPTH);
	if (++w->nodes > ADF_MAX_NODES)
		return err_fail(WEFT_ETOOLARGE, "The document has more than %d nodes",
		                ADF_MAX_NODES);
	return 0;
}

static int check_size(const buf *out)
{
	if (out->len > ADF_MAX_MARKDOWN)
		return err_fail(WEFT_ETOOLARGE, "The document is longer than %d bytes as Markdown",
		                ADF_MAX_MARKDOWN);
	return 0;
}

/* The text of node and everything under it, for nodes without a Markdown form. */
static int plain_text(writer *w, buf *out, const json_t *node, int depth)
{
	int rc = visit(w, depth);
	const char *text = json_string_value(json_object_get(node, "text"));
	if (rc == 0 && is_type(node, "text") && text)
		buf_puts(out, text);
	else if (rc == 0 && is_type(node, "hardBreak"))
		buf_putc(out, ' ');
	else if (rc == 0 && (text = attr_string(node, "text")) != NULL)
		buf_puts(out, text);
	else if (rc == 0 && (text = attr_string(node, "url")) != NULL)
		buf_puts(out, text);
	const json_t *content = json_object_get(node, "content");
	size_t i;
	const json_t *child;
	json_array_foreach(content, i, child)
	{
		if (rc == 0 && i > 0 && !is_inline_type(node_type(child)))
			buf_putc(out, ' ');
		if (rc == 0)
			rc = plain_text(w, out, child, depth + 1);
	}
	return rc;
}

static bool is_alnum(char c)
{
	return isalnum((unsigned char)c) || (unsigned char)c >= 0x80;
}

/* The escape a line-starting c needs so that it cannot begin a block (heading, quote, list,
 * setext underline); for digits, whether "123." or "123)" follows. */
static size_t line_start_digits(const char *p, size_t n)
{
	size_t i = 0;
	while (i < n && i < 9 && isdigit((unsigned char)p[i]))
		i++;
	return i > 0 && i < n && (p[i] == '.' || p[i] == ')') ? i : 0;
}

/* Writes n bytes of plain text so that Markdown reads them back as the same text. */
static void put_escaped(inl *s, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = p[i] == '\n' || p[i] == '\r' ? ' ' : p[i];
		if (s->line_start) {
			if (c == ' ' || c == '\t')
				continue;
			s->line_start = false;
			size_t digits = line_start_digits(p + i, n - i);
			if (digits) {
				buf_append(s->out, p + i, digits);
				buf_putc(s->out, '\\');
				buf_putc(s->out, p[i + digits]);
				i += digits;
				continue;
			}
			if (strchr("#>-+=", c)) {
				buf_putc(s->out, '\\');
				buf_putc(s->out, c);
				continue;
			}
		}
		bool escape = strchr("\\`*[]<~|", c) != NULL || (c == '#' && s->heading);
		if (c == '_')
			escape = i == 0 || i + 1 == n || !is_alnum(p[i - 1]) || !is_alnum(p[i + 1]);
		if (c == '&')
			escape = i + 1 < n && (is_alnum(p[i + 1]) || p[i + 1] == '#');
		if (escape)
			buf_putc(s->out, '\\');
		buf_putc(s->out, c);
	}
}

/* Writes an inline code span of text (newlines become spaces, as Markdown would make them). */
static void put_code(inl *s, const char *text, size_t n)
{
	size_t run = 0, longest = 0;
	for (size_t i = 0; i < n; i++) {
		run = text[i] == '`' ? run + 1 : 0;
		longest = run > longest ? run : longest;
	}
	/* Markdown takes one space off each end when both have one (and the span is not all
	 * spaces): padding keeps what the text has at its ends. */
	bool all_spaces = strspn(text, " ") >= n;
	bool pad = n > 0 && !all_spaces &&
	           (text[0] == '`' || text[n - 1] == '`' || (text[0] == ' ' && text[n - 1] == ' '));
	for (size_t i = 0; i <= longest; i++)
		buf_putc(s->out, '`');
	if (pad)
		buf_putc(s->out, ' ');
	for (size_t i = 0; i < n; i++) {
		char c = text[i] == '\n' || text[i] == '\r' ? ' ' : text[i];
		if (c == '|' && s->table)
			buf_putc(s->out, '\\');
		buf_putc(s->out, c);
	}
	if (pad)
		buf_putc(s->out, ' ');
	for (size_t i = 0; i <= longest; i++)
		buf_putc(s->out, '`');
	s->line_start = false;
}

static void put_href(buf *out, const char *href)
{
	buf_puts(out, "](<");
	for (const char *p = href; *p; p++) {
		if (*p == '\n' || *p == '\r') {
			buf_puts(out, *p == '\n' ? "%0A" : "%0D");
			continue;
		}
		if (*p == '<' || *p == '>' || *p == '\\')
			buf_putc(out, '\\');
		buf_putc(out, *p);
	}
	buf_puts(out, ">)");
}

static const char *const delimiters[LEVELS] = { "[", "**", "*", "~~" };

/* Closes every open mark at level from and inside it, innermost first. */
static void close_from(inl *s, int from)
{
	for (int level = LEVELS - 1; level >= from; level--) {
		if (!s->open[level])
			continue;
		if (level == LINK)
			put_href(s->out, s->href);
		else
			buf_puts(s->out, delimiters[level]);
		s->open[level] = false;
	}
}

static void flush_pending(inl *s)
{
	if (!s->line_start)
		buf_append(s->out, s->pending.ptr ? s->pending.ptr : "", s->pending.len);
	buf_clear(&s->pending);
}

/* The marks a text node asks for: want[level], *href for a link, *code. */
static void read_marks(const json_t *node, bool want[LEVELS], const char **href, bool *code)
{
	size_t i;
	const json_t *mark;
	memset(want, 0, LEVELS * sizeof want[0]);
	*href = NULL;
	*code = false;
	json_array_foreach(json_object_get(node, "marks"), i, mark)
	{
		const char *t = node_type(mark);
		if (!t)
			continue;
		if (strcmp(t, "link") == 0 && attr_string(mark, "href")) {
			want[LINK] = true;
			*href = attr_string(mark, "href");
		}
		want[STRONG] |= strcmp(t, "strong") == 0;
		want[EM] |= strcmp(t, "em") == 0;
		want[STRIKE] |= strcmp(t, "strike") == 0;
		*code |= strcmp(t, "code") == 0;
	}
}

/* Moves from the open marks to want: closes from the first level that differs, writes the
 * whitespace held back, opens what is wanted from there. */
static void switch_marks(inl *s, const bool want[LEVELS], const char *href)
{
	int from = 0;
	while (from < LEVELS && s->open[from] == want[from] &&
	       !(from == LINK && want[LINK] && strcmp(s->href, href) != 0))
		from++;
	close_from(s, from);
	flush_pending(s);
	for (int level = from; level < LEVELS; level++) {
		if (!want[level])
			continue;
		buf_puts(s->out, delimiters[level]);
		s->open[level] = true;
		s->line_start = false;
	}
	if (want[LINK])
		s->href = href;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Holds back n bytes of whitespace (line breaks become spaces, as Markdown would read them). */
static void hold_blanks(inl *s, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_putc(&s->pending, p[i] == '\n' || p[i] == '\r' ? ' ' : p[i]);
}

/* One text node: the whitespace at its edges stays outside emphasis delimiters, which do not
 * close after a space. */
static void inline_text(inl *s, const json_t *node)
{
	const char *text = json_string_value(json_object_get(node, "text"));
	size_t n = text ? strlen(text) : 0, lead = 0, trail = 0;
	bool want[LEVELS], code;
	const char *href;
	read_marks(node, want, &href, &code);
	/* In code, spaces are content. */
	while (!code && lead < n && is_blank(text[lead]))
		lead++;
	while (!code && trail < n - lead && is_blank(text[n - 1 - trail]))
		trail++;
	if (lead == n) {
		hold_blanks(s, text, n);
		return;
	}
	hold_blanks(s, text, lead);
	switch_marks(s, want, href);
	if (code)
		put_code(s, text + lead, n - lead - trail);
	else
		put_escaped(s, text + lead, n - lead - trail);
	hold_blanks(s, text + n - trail, trail);
}

static void inline_break(inl *s)
{
	if (s->table || s->heading) {
		buf_putc(&s->pending, ' ');
		return;
	}
	close_from(s, 0);
	buf_clear(&s->pending);
	if (!s->line_start)
		buf_puts(s->out, "\\\n");
	s->line_start = true;
}

/* A node without a Markdown form inside inline content: its text, unmarked. */
static int inline_other(writer *w, inl *s, const json_t *node, int depth)
{
	buf text = BUF_INIT;
	int rc = plain_text(w, &text, node, depth);
	if (rc == 0 && text.len > 0) {
		json_t *t = json_pack("{s:s,s:s}", "type", "text", "text", buf_cstr(&text));
		if (t)
			inline_text(s, t);
		json_decref(t);
	}
	buf_dispose(&text);
	return rc;
}

/* Writes the inline nodes content[from..to) to s. */
static int inline_run(writer *w, inl *s, const json_t *content, size_t from, size_t to, int depth)
{
	int rc = 0;
	for (size_t i = from; rc == 0 && i < to; i++) {
		const json_t *node = json_array_get(content, i);
		if (is_type(node, "text")) {
			rc = visit(w, depth);
			if (rc == 0)
				inline_text(s, node);
		} else if (is_type(node, "hardBreak")) {
			rc = visit(w, depth);
			if (rc == 0)
				inline_break(s);
		} else if (json_is_object(node)) {
			rc = inline_other(w, s, node, depth);
		}
	}
	return rc;
}

static void inl_init(inl *s, buf *out)
{
	*s = (inl){ .out = out, .line_start = true };
}

static void inl_finish(inl *s)
{
	close_from(s, 0);
	buf_dispose(&s->pending);
}

static int paragraph_of(writer *w, buf *out, const json_t *content, size_t from, size_t to,
                        int depth)
{
	inl s;
	inl_init(&s, out);
	int rc = inline_run(w, &s, content, from, to, depth);
	inl_finish(&s);
	return rc;
}

static int blocks(writer *w, buf *out, const json_t *content, int depth, const char *sep);

static int heading(writer *w, buf *out, const json_t *node, int depth)
{
	json_int_t level = attr_int(node, "level", 1);
	level = level < 1 ? 1 : level > 6 ? 6 : level;
	for (json_int_t i = 0; i < level; i++)
		buf_putc(out, '#');
	buf_putc(out, ' ');
	const json_t *content = json_object_get(node, "content");
	inl s;
	inl_init(&s, out);
	s.heading = true;
	int rc = inline_run(w, &s, content, 0, json_array_size(content), depth + 1);
	inl_finish(&s);
	return rc;
}

static void code_text(buf *body, const json_t *node)
{
	size_t i;
	const json_t *child;
	json_array_foreach(json_object_get(node, "content"), i, child)
	{
		const char *text = json_string_value(json_object_get(child, "text"));
		if (text)
			buf_puts(body, text);
	}
}

static void code_block(buf *out, const json_t *node)
{
	buf body = BUF_INIT;
	code_text(&body, node);
	size_t run = 0, longest = 2;
	for (size_t i = 0; i < body.len; i++) {
		run = body.ptr[i] == '`' ? run + 1 : 0;
		longest = run > longest ? run : longest;
	}
	for (size_t i = 0; i <= longest; i++)
		buf_putc(out, '`');
	/* The info string: a language name, without anything that could end the fence line. */
	const char *lang = attr_string(node, "language");
	for (size_t i = 0; lang && lang[i] && i < 64; i++)
		if (isalnum((unsigned char)lang[i]) || strchr("_+#.-", lang[i]))
			buf_putc(out, lang[i]);
	buf_putc(out, '\n');
	buf_append(out, body.ptr ? body.ptr : "", body.len);
	if (body.len > 0 && body.ptr[body.len - 1] != '\n')
		buf_putc(out, '\n');
	for (size_t i = 0; i <= longest; i++)
		buf_putc(out, '`');
	buf_dispose(&body);
}

/* Appends text with first before its first line and rest before every other non-empty line
 * (empty_rest before empty ones): how list items and quotes indent what they hold. */
static void prefix_lines(buf *out, const buf *text, const char *first, const char *rest,
                         const char *empty_rest)
{
	const char *p = text->ptr ? text->ptr : "", *end = p + text->len;
	bool first_line = true;
	do {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;
		if (first_line)
			buf_puts(out, first);
		else
			buf_puts(out, line_end == p ? empty_rest : rest);
		buf_append(out, p, (size_t)(line_end - p));
		if (nl)
			buf_putc(out, '\n');
		p = nl ? nl + 1 : end;
		first_line = false;
	} while (p < end);
}

/* Whether an item can render without blank lines: one block, or a paragraph and a list that
 * may interrupt it (a bullet list, or an ordered one starting at 1). */
static bool item_is_simple(const json_t *item)
{
	const json_t *content = json_object_get(item, "content");
	const json_t *second = json_array_get(content, 1);
	if (json_array_size(content) <= 1)
		return true;
	return json_array_size(content) == 2 && is_type(json_array_get(content, 0), "paragraph") &&
	       (is_type(second, "bulletList") ||
	        (is_type(second, "orderedList") && attr_int(second, "order", 1) == 1));
}

static int list(writer *w, buf *out, const json_t *node, int depth, bool ordered, bool variant)
{
	const json_t *items = json_object_get(node, "content");
	json_int_t number = attr_int(node, "order", 1);
	number = number < 0 || number > 999999999 ? 1 : number;
	bool tight = true;
	/* Bullets alternate with nesting: "- - -" (empty items in empty items) would be a rule. */
	bool nested_odd = (depth - 1) / 2 % 2 == 1;
	size_t i;
	const json_t *item;
	json_array_foreach(items, i, item) tight &= item_is_simple(item);
	int rc = 0;
	json_array_foreach(items, i, item)
	{
		buf body = BUF_INIT;
		char marker[24], indent[24];
		if (ordered)
			snprintf(marker, sizeof marker, "%lld%c ",
			         (long long)(number + (json_int_t)i), variant ? ')' : '.');
		else
			snprintf(marker, sizeof marker, "%c ", variant != nested_odd ? '*' : '-');
		memset(indent, ' ', strlen(marker));
		indent[strlen(marker)] = '\0';
		rc = visit(w, depth + 1);
		if (rc == 0 && json_is_object(item))
			rc = blocks(w, &body, json_object_get(item, "content"), depth + 2,
			            tight ? "\n" : "\n\n");
		if (rc == 0 && i > 0)
			buf_puts(out, tight ? "\n" : "\n\n");
		if (rc == 0)
			prefix_lines(out, &body,
			             body.len           ? marker
			             : marker[0] == '-' ? "-"
			                                : marker,
			             indent, "");
		buf_dispose(&body);
		if (rc == 0)
			rc = check_size(out);
		if (rc)
			break;
	}
	return rc;
}

static int blockquote(writer *w, buf *out, const json_t *node, int depth)
{
	buf body = BUF_INIT;
	int rc = blocks(w, &body, json_object_get(node, "content"), depth + 1, "\n\n");
	if (rc == 0)
		prefix_lines(out, &body, "> ", "> ", ">");
	buf_dispose(&body);
	return rc;
}

/* A table cell's content on one line: paragraphs and headings inline, anything else as text. */
static int table_cell(writer *w, buf *out, const json_t *cell, int depth)
{
	const json_t *content = json_object_get(cell, "content");
	inl s;
	inl_init(&s, out);
	s.table = true;
	int rc = visit(w, depth);
	size_t i;
	const json_t *block;
	json_array_foreach(content, i, block)
	{
		if (rc)
			break;
		if (i > 0)
			buf_putc(&s.pending, ' ');
		const json_t *inner = json_object_get(block, "content");
		if (is_type(block, "paragraph") || is_type(block, "heading"))
			rc = inline_run(w, &s, inner, 0, json_array_size(inner), depth + 2);
		else
			rc = inline_other(w, &s, block, depth + 1);
	}
	inl_finish(&s);
	return rc;
}

static int table_row(writer *w, buf *out, const json_t *row, size_t columns, int depth)
{
	const json_t *cells = json_object_get(row, "content");
	int rc = visit(w, depth);
	buf_putc(out, '|');
	for (size_t c = 0; rc == 0 && c < columns; c++) {
		buf_putc(out, ' ');
		const json_t *cell = json_array_get(cells, c);
		if (json_is_object(cell))
			rc = table_cell(w, out, cell, depth + 1);
		buf_puts(out, " |");
	}
	return rc;
}

/* A GFM table; its first row is the header row, as GFM needs one. */
static int table(writer *w, buf *out, const json_t *node, int depth)
{
	const json_t *rows = json_object_get(node, "content");
	size_t columns = 1, i;
	const json_t *row;
	json_array_foreach(rows, i, row)
	{
		size_t n = json_array_size(json_object_get(row, "content"));
		columns = n > columns ? n : columns;
	}
	if (columns > 1000)
		return err_fail(WEFT_ETOOLARGE, "The table has more than 1000 columns");
	int rc = 0;
	json_array_foreach(rows, i, row)
	{
		if (i > 0)
			buf_putc(out, '\n');
		rc = table_row(w, out, row, columns, depth + 1);
		for (size_t c = 0; rc == 0 && i == 0 && c < columns; c++)
			buf_puts(out, c == 0 ? "\n| --- |" : " --- |");
		if (rc == 0)
			rc = check_size(out);
		if (rc)
			break;
	}
	return rc;
}

/* 1 for a bullet list, 2 for an ordered one, 0 for anything else. */
static int list_kind(const json_t *node)
{
	return is_type(node, "bulletList") ? 1 : is_type(node, "orderedList") ? 2 : 0;
}

/* One block node; variant asks a list for its other marker (a list right after a list of its
 * kind uses it, or Markdown would join the two). */
static int block(writer *w, buf *out, const json_t *node, int depth, bool variant)
{
	const char *t = node_type(node);
	int rc = visit(w, depth);
	if (rc)
		return rc;
	const json_t *content = json_object_get(node, "content");
	if (strcmp(t, "paragraph") == 0) {
		rc = paragraph_of(w, out, content, 0, json_array_size(content), depth + 1);
	} else if (strcmp(t, "heading") == 0) {
		rc = heading(w, out, node, depth);
	} else if (list_kind(node)) {
		rc = list(w, out, node, depth, list_kind(node) == 2, variant);
	} else if (strcmp(t, "codeBlock") == 0) {
		code_block(out, node);
	} else if (strcmp(t, "blockquote") == 0) {
		rc = blockquote(w, out, node, depth);
	} else if (strcmp(t, "rule") == 0) {
		buf_puts(out, "---");
	} else if (strcmp(t, "table") == 0) {
		rc = table(w, out, node, depth);
	} else if (json_is_array(content)) {
		/* panel, expand, layoutSection...: what they hold, as blocks. */
		rc = blocks(w, out, content, depth + 1, "\n\n");
	} else {
		inl s;
		inl_init(&s, out);
		rc = inline_other(w, &s, node, depth);
		inl_finish(&s);
	}
	return rc == 0 ? check_size(out) : rc;
}

/* The blocks of content, separated by sep (a blank line but in tight list items); inline nodes
 * found among them (where ADF does not allow them) are gathered into paragraphs. */
static int blocks(writer *w, buf *out, const json_t *content, int depth, const char *sep)
{
	size_t n = json_array_size(content), i = 0;
	int rc = 0, prev_kind = 0;
	bool prev_variant = false;
	while (rc == 0 && i < n) {
		size_t before = out->len, j = i;
		if (before > 0)
			buf_puts(out, sep);
		size_t mark = out->len;
		while (j < n && is_inline_type(node_type(json_array_get(content, j))))
			j++;
		if (j > i) {
			rc = paragraph_of(w, out, content, i, j, depth);
			prev_kind = 0;
			i = j;
		} else {
			const json_t *node = json_array_get(content, i++);
			int kind = list_kind(node);
			bool variant = kind != 0 && kind == prev_kind && !prev_variant;
			if (node_type(node))
				rc = block(w, out, node, depth, variant);
			prev_kind = kind;
			prev_variant = variant;
		}
		if (out->len == mark)
			buf_truncate(out, before); /* nothing written: no separator either */
	}
	return rc;
}

int adf_to_markdown(char **out, arena *a, const json_t *doc)
{
	writer w = { 0 };
	buf md = BUF_INIT;
	int rc = 0;
	if (!json_is_object(doc) || !is_type(doc, "doc")) {
		rc = err_fail(WEFT_EINVALID,
		              "The rich text is not an Atlassian document (an object "
		              "of type \"doc\")");
		goto done;
	}
	rc = blocks(&w, &md, json_object_get(doc, "content"), 1, "\n\n");
	if (rc == 0)
		rc = check_size(&md);
	if (rc == 0)
		*out = arena_strndup(a, md.ptr ? md.ptr : "", md.len);
done:
	buf_dispose(&md);
	return rc;
}

/* ---- Markdown to ADF ---------------------------------------------------------------------- */

/* One open container of the ADF being built. */
typedef struct level {
	json_t *content; /* borrowed: where children go */
	bool is_list;
} level;

typedef struct builder {
	level stack[ADF_MAX_DEPTH + 4];
	int kept; /* entries in stack */
	int strong, em, strike;
	const char *href; /* of the innermost safe link, or NULL */
	const char *hrefs[ADF_MAX_DEPTH + 4]; /* saved outer hrefs */
	int links;
} builder;

static pthread_once_t extensions_once = PTHREAD_ONCE_INIT;

static void register_extensions(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

static json_t *current(builder *b)
{
	return b->stack[b->kept - 1].content;
}

static json_t *text_node(const char *text, json_t *marks)
{
	json_t *node = json_pack("{s:s,s:s}", "type", "text", "text", text);
	if (node && json_array_size(marks) > 0)
		json_object_set(node, "marks", marks);
	return node;
}

/* The marks in force, in a fixed order so that equal sets compare equal. */
static json_t *marks_now(const builder *b, bool code)
{
	json_t *marks = json_array();
	if (code)
		json_array_append_new(marks, json_pack("{s:s}", "type", "code"));
	if (b->em > 0 && !code)
		json_array_append_new(marks, json_pack("{s:s}", "type", "em"));
	if (b->strike > 0 && !code)
		json_array_append_new(marks, json_pack("{s:s}", "type", "strike"));
	if (b->strong > 0 && !code)
		json_array_append_new(marks, json_pack("{s:s}", "type", "strong"));
	if (b->href)
		json_array_append_new(marks, json_pack("{s:s,s:{s:s}}", "type", "link", "attrs",
		                                       "href", b->href));
	return marks;
}

/* Appends text to the current container, joined to the text before it when the marks agree
 * (cmark splits text at every character that might have been syntax). */
static void add_text(builder *b, const char *text, bool code)
{
	if (!text || !*text)
		return;
	json_t *content = current(b), *marks = marks_now(b, code);
	json_t *last = json_array_get(content, json_array_size(content) - 1);
	json_t *last_marks = json_object_get(last, "marks");
	bool same = is_type(last, "text") &&
	            (last_marks ? json_equal(last_marks, marks) : json_array_size(marks) == 0);
	if (same) {
		const char *before = json_string_value(json_object_get(last, "text"));
		char *joined = NULL;
		size_t n = strlen(before), m = strlen(text);
		buf j = BUF_INIT;
		buf_append(&j, before, n);
		buf_append(&j, text, m);
		joined = buf_detach(&j);
		json_object_set_new(last, "text", json_string(joined));
		free(joined);
	} else {
		json_array_append_new(content, text_node(text, marks));
	}
	json_decref(marks);
}

/* The ADF node for a cmark container (NULL for inline containers, which become marks). */
static json_t *container_node(cmark_node *node, bool *is_list)
{
	const char *t = cmark_node_get_type_string(node);
	*is_list = false;
	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_BLOCK_QUOTE: return json_pack("{s:s}", "type", "blockquote");
	case CMARK_NODE_ITEM: return json_pack("{s:s}", "type", "listItem");
	case CMARK_NODE_PARAGRAPH: return json_pack("{s:s}", "type", "paragraph");
	case CMARK_NODE_HEADING:
		return json_pack("{s:s,s:{s:i}}", "type", "heading", "attrs", "level",
		                 cmark_node_get_heading_level(node));
	case CMARK_NODE_LIST:
		*is_list = true;
		if (cmark_node_get_list_type(node) == CMARK_BULLET_LIST)
			return json_pack("{s:s}", "type", "bulletList");
		return json_pack("{s:s,s:{s:i}}", "type", "orderedList", "attrs", "order",
		                 cmark_node_get_list_start(node));
	default: break;
	}
	if (strcmp(t, "table") == 0)
		return json_pack("{s:s}", "type", "table");
	if (strcmp(t, "table_row") == 0 || strcmp(t, "table_header") == 0)
		return json_pack("{s:s}", "type", "tableRow");
	if (strcmp(t, "table_cell") == 0) {
		bool header = cmark_gfm_extensions_get_table_row_is_header(cmark_node_parent(node));
		return json_pack("{s:s}", "type", header ? "tableHeader" : "tableCell");
	}
	return NULL;
}

static void push(builder *b, json_t *content, bool is_list)
{
	b->stack[b->kept++] = (level){ content, is_list };
}

/* Enters a block container (adf is stolen): kept as an ADF node while there is depth left
 * (paragraphs, headings and cells always: they hold inline content, nothing deeper), otherwise
 * flattened into its parent. The content array it pushed, or NULL. */
static json_t *enter_container(builder *b, json_t *adf, bool is_list)
{
	const char *t = node_type(adf);
	bool holds_inline = strcmp(t, "paragraph") == 0 || strcmp(t, "heading") == 0 ||
	                    strcmp(t, "tableHeader") == 0 || strcmp(t, "tableCell") == 0;
	bool item_of_kept_list = strcmp(t, "listItem") == 0 && b->stack[b->kept - 1].is_list;
	if (b->kept >= ADF_MAX_DEPTH - 2 && !holds_inline && !item_of_kept_list) {
		json_decref(adf);
		return NULL;
	}
	json_t *content = json_array();
	json_object_set_new(adf, "content", content);
	json_array_append_new(current(b), adf);
	push(b, content, is_list);
	if (strcmp(t, "tableHeader") == 0 || strcmp(t, "tableCell") == 0) {
		/* ADF cells hold blocks: the cell's text goes into one paragraph. */
		json_t *p = json_pack("{s:s,s:[]}", "type", "paragraph", "content");
		json_array_append_new(content, p);
		push(b, json_object_get(p, "content"), false);
	}
	return content;
}

static void exit_container(builder *b, json_t *top)
{
	while (b->kept > 1 && b->stack[b->kept - 1].content != top)
		b->kept--;
	if (b->kept > 1 && b->stack[b->kept - 1].content == top)
		b->kept--;
}

static void leaf_block(builder *b, cmark_node *node)
{
	const char *literal = cmark_node_get_literal(node);
	size_t n = literal ? strlen(literal) : 0;
	while (n > 0 && literal[n - 1] == '\n')
		n--;
	json_t *text = n ? json_pack("{s:s,s:s%}", "type", "text", "text", literal, n) : NULL;
	json_t *adf = NULL;
	if (cmark_node_get_type(node) == CMARK_NODE_THEMATIC_BREAK) {
		adf = json_pack("{s:s}", "type", "rule");
	} else if (cmark_node_get_type(node) == CMARK_NODE_CODE_BLOCK) {
		const char *info = cmark_node_get_fence_info(node);
		size_t len = info ? strcspn(info, " \t") : 0;
		adf = json_pack("{s:s,s:[]}", "type", "codeBlock", "content");
		if (len > 0)
			json_object_set_new(adf, "attrs",
			                    json_pack("{s:s%}", "language", info, len));
	} else {
		adf = json_pack("{s:s,s:[]}", "type", "paragraph", "content"); /* raw HTML: text */
	}
	if (text)
		json_array_append(json_object_get(adf, "content"), text);
	json_decref(text);
	json_array_append_new(current(b), adf);
}

static void link_enter(builder *b, cmark_node *node)
{
	const char *url = cmark_node_get_url(node);
	if (b->links < (int)(sizeof b->hrefs / sizeof b->hrefs[0]))
		b->hrefs[b->links] = b->href;
	b->links++;
	if (url && *url && !web_url_is_dangerous(url))
		b->href = url;
}

static void link_exit(builder *b)
{
	b->links--;
	if (b->links < (int)(sizeof b->hrefs / sizeof b->hrefs[0]))
		b->href = b->hrefs[b->links];
}

/* Inline nodes and marks; what_changes is +1 on entering a container, -1 on leaving. */
static void inline_event(builder *b, cmark_node *node, int delta)
{
	const char *t = cmark_node_get_type_string(node);
	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_TEXT: add_text(b, cmark_node_get_literal(node), false); return;
	case CMARK_NODE_HTML_INLINE: add_text(b, cmark_node_get_literal(node), false); return;
	case CMARK_NODE_CODE: add_text(b, cmark_node_get_literal(node), true); return;
	case CMARK_NODE_SOFTBREAK: add_text(b, " ", false); return;
	case CMARK_NODE_LINEBREAK:
		json_array_append_new(current(b), json_pack("{s:s}", "type", "hardBreak"));
		return;
	case CMARK_NODE_EMPH: b->em += delta; return;
	case CMARK_NODE_STRONG: b->strong += delta; return;
	case CMARK_NODE_LINK:
	case CMARK_NODE_IMAGE:
		if (delta > 0)
			link_enter(b, node);
		else
			link_exit(b);
		return;
	default: break;
	}
	if (strcmp(t, "strikethrough") == 0)
		b->strike += delta;
}

static bool is_leaf_block(cmark_node_type type)
{
	return type == CMARK_NODE_CODE_BLOCK || type == CMARK_NODE_HTML_BLOCK ||
	       type == CMARK_NODE_THEMATIC_BREAK;
}

/* Walks the tree. Each block container that became an ADF node remembers (as cmark user data)
 * the content array it pushed, so that leaving it pops exactly that. */
static void build(builder *b, cmark_node *root)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type type = cmark_node_get_type(node);
		bool is_list = false;
		if (node == root)
			continue;
		if (ev == CMARK_EVENT_ENTER && is_leaf_block(type)) {
			leaf_block(b, node);
			continue;
		}
		json_t *adf = ev == CMARK_EVENT_ENTER ? container_node(node, &is_list) : NULL;
		if (adf) {
			cmark_node_set_user_data(node, enter_container(b, adf, is_list));
		} else if (ev == CMARK_EVENT_EXIT &&
		           (type & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK) {
			json_t *top = cmark_node_get_user_data(node);
			if (top)
				exit_container(b, top);
		} else {
			inline_event(b, node, ev == CMARK_EVENT_ENTER ? 1 : -1);
		}
	}
	cmark_iter_free(it);
}

int adf_from_markdown(json_t **out, const char *md, size_t len)
{
	if (len > ADF_MAX_MARKDOWN)
		return err_fail(WEFT_ETOOLARGE, "The text is longer than %d bytes",
		                ADF_MAX_MARKDOWN);
	pthread_once(&extensions_once, register_extensions);
	cmark_parser *parser = cmark_parser_new(CMARK_OPT_VALIDATE_UTF8);
	if (!parser)
		return err_fail(WEFT_ERROR, "cmark could not make a parser");
	static const char *const names[] = { "table", "strikethrough", "autolink", "tasklist" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(names[i]);
		if (ext)
			cmark_parser_attach_syntax_extension(parser, ext);
	}
	cmark_parser_feed(parser, md, len);
	cmark_node *root = cmark_parser_finish(parser);
	int rc = 0;
	json_t *doc = json_pack("{s:i,s:s,s:[]}", "version", 1, "type", "doc", "content");
	if (!root || !doc) {
		rc = err_fail(WEFT_ERROR, "cmark could not parse the text");
		goto done;
	}
	builder *b = calloc(1, sizeof *b);
	if (!b) {
		rc = err_fail(WEFT_ERROR, "out of memory");
		goto done;
	}
	push(b, json_object_get(doc, "content"), false);
	build(b, root);
	free(b);
	*out = doc;
	doc = NULL;
done:
	json_decref(doc);
	if (root)
		cmark_node_free(root);
	cmark_parser_free(parser);
	return rc;
}

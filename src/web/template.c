/* The template engine behind template.h: a compiler from Mustache source to a node tree kept in
 * preorder (each section node knows where its body ends), and a renderer that walks that tree
 * read-only against a stack of jansson contexts, so one compiled set serves every thread. */
#include "web/template.h"

#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"
#include "web/escape.h"

/* Sections and partials nested deeper than this at render time fail instead of exhausting the
 * stack (a template set is finite, but data and partials multiply the nesting). */
#define TMPL_MAX_DEPTH 64

typedef enum {
	NODE_TEXT, /* literal bytes */
	NODE_VAR, /* {{name}} */
	NODE_RAW, /* {{{name}}} */
	NODE_SECTION, /* {{#name}} … {{/name}} */
	NODE_INVERTED, /* {{^name}} … {{/name}} */
	NODE_PARTIAL, /* {{>name}} */
} node_kind;

typedef struct node {
	node_kind kind;
	size_t pos; /* offset in the source of the text, or of the tag's "{{" */
	size_t len; /* NODE_TEXT: number of bytes */
	char *name; /* tags: the name as written, trimmed */
	char *path; /* value tags: the name with each '.' replaced by NUL; NULL for "." */
	size_t segments; /* value tags: segments in path; 0 for "." */
	size_t end; /* sections: index of the first node after the body */
} node;

typedef struct tmpl {
	char *name;
	char *src;
	size_t len;
	node *nodes;
	size_t count;
	size_t cap;
} tmpl;

struct tmpl_set {
	tmpl **items;
	size_t count;
	size_t cap;
};

/* One level of the context stack; levels live on the C stack of the renderer. */
typedef struct context {
	const json_t *value;
	const struct context *outer;
} context;

typedef struct renderer {
	buf *out;
	const tmpl_set *set;
} renderer;

typedef struct parser {
	tmpl *t;
	size_t pos;
	size_t *open; /* indices of the sections not yet closed, innermost last */
	size_t open_count;
	size_t open_cap;
} parser;

/* ---- templates and sets ---- */

static void tmpl_free(tmpl *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->count; i++) {
		free(t->nodes[i].name);
		free(t->nodes[i].path);
	}
	free(t->nodes);
	free(t->src);
	free(t->name);
	free(t);
}

tmpl_set *tmpl_set_new(void)
{
	return mem_zalloc(sizeof(tmpl_set));
}

void tmpl_set_free(tmpl_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->count; i++)
		tmpl_free(set->items[i]);
	free(set->items);
	free(set);
}

/* The index of the template called name in set, or set->count. */
static size_t find_index(const tmpl_set *set, const char *name)
{
	size_t i = 0;
	while (i < set->count && strcmp(set->items[i]->name, name) != 0)
		i++;
	return i;
}

/* The template called name in set, or NULL. */
static const tmpl *find(const tmpl_set *set, const char *name)
{
	size_t i = find_index(set, name);
	return i < set->count ? set->items[i] : NULL;
}

/* Sets the error message "NAME:LINE:COLUMN: …" for byte pos of t's source and returns code.
 * Columns count characters (UTF-8 continuation bytes do not advance them), from 1. */
static int fail_at(const tmpl *t, size_t pos, int code, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static int fail_at(const tmpl *t, size_t pos, int code, const char *fmt, ...)
{
	size_t line = 1, column = 1;
	for (size_t i = 0; i < pos && i < t->len; i++) {
		if (t->src[i] == '\n') {
			line++;
			column = 1;
		} else if (((unsigned char)t->src[i] & 0xC0) != 0x80) {
			column++;
		}
	}
	buf msg = BUF_INIT;
	va_list ap;
	buf_printf(&msg, "%s:%zu:%zu: ", t->name, line, column);
	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	err_fail(code, "%s", buf_cstr(&msg));
	buf_dispose(&msg);
	return code;
}

/* ---- compiling ---- */

/* Appends a zeroed node of kind at pos and returns its index. */
static size_t add_node(tmpl *t, node_kind kind, size_t pos)
{
	if (t->count == t->cap) {
		t->cap = t->cap ? mem_mul(t->cap, 2) : 16;
		t->nodes = mem_realloc(t->nodes, mem_mul(t->cap, sizeof(node)));
	}
	t->nodes[t->count] = (node){ .kind = kind, .pos = pos };
	return t->count++;
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-' || c == '/';
}

/* Checks the trimmed name of the tag at pos: not empty, only name characters, and for a value
 * (dotted) name no empty segment. WEFT_EINVALID otherwise. */
static int check_name(const tmpl *t, size_t pos, slice name, bool dotted)
{
	if (name.len == 0)
		return fail_at(t, pos, WEFT_EINVALID, "empty name in tag");
	for (size_t i = 0; i < name.len; i++)
		if (!is_name_char(name.ptr[i]))
			return fail_at(t, pos, WEFT_EINVALID, "bad character 0x%02x in name '%.*s'",
			               (unsigned char)name.ptr[i], (int)name.len, name.ptr);
	if (!dotted || slice_eq_cstr(name, "."))
		return 0;
	for (size_t i = 0; i < name.len; i++) {
		bool edge = i == 0 || i + 1 == name.len;
		if (name.ptr[i] == '.' && (edge || name.ptr[i + 1] == '.'))
			return fail_at(t, pos, WEFT_EINVALID, "empty segment in name '%.*s'",
			               (int)name.len, name.ptr);
	}
	return 0;
}

/* Fills the name, path and segments of node n from a checked name. */
static void set_name(node *n, slice name)
{
	n->name = mem_strndup(name.ptr, name.len);
	if (n->kind == NODE_PARTIAL || slice_eq_cstr(name, "."))
		return;
	n->path = mem_strndup(name.ptr, name.len);
	n->segments = 1;
	for (char *p = n->path; *p; p++) {
		if (*p == '.') {
			*p = '\0';
			n->segments++;
		}
	}
}

/* Adds a tag node of kind for the raw text between the delimiters of the tag at pos. */
static int add_tag(parser *p, node_kind kind, slice inner, size_t pos)
{
	slice name = slice_trim(inner);
	int error = check_name(p->t, pos, name, kind != NODE_PARTIAL);
	if (error < 0)
		return error;
	size_t i = add_node(p->t, kind, pos);
	set_name(&p->t->nodes[i], name);
	return 0;
}

/* Adds a section (or inverted section) node and remembers it as open. */
static int open_section(parser *p, node_kind kind, slice inner, size_t pos)
{
	int error = add_tag(p, kind, inner, pos);
	if (error < 0)
		return error;
	if (p->open_count == p->open_cap) {
		p->open_cap = p->open_cap ? mem_mul(p->open_cap, 2) : 8;
		p->open = mem_realloc(p->open, mem_mul(p->open_cap, sizeof(size_t)));
	}
	p->open[p->open_count++] = p->t->count - 1;
	return 0;
}

/* Closes the innermost open section, which must carry the same name. */
static int close_section(parser *p, slice inner, size_t pos)
{
	tmpl *t = p->t;
	slice name = slice_trim(inner);
	int error = check_name(t, pos, name, true);
	if (error < 0)
		return error;
	if (p->open_count == 0)
		return fail_at(t, pos, WEFT_EINVALID, "'{{/%.*s}}' closes no open section",
		               (int)name.len, name.ptr);
	node *open = &t->nodes[p->open[p->open_count - 1]];
	if (!slice_eq_cstr(name, open->name))
		return fail_at(t, pos, WEFT_EINVALID, "'{{/%.*s}}' does not close section '%s'",
		               (int)name.len, name.ptr, open->name);
	open->end = t->count;
	p->open_count--;
	return 0;
}

/* Compiles the tag whose "{{" is at pos and moves past it. */
static int parse_tag(parser *p, size_t pos)
{
	const tmpl *t = p->t;
	bool triple = pos + 2 < t->len && t->src[pos + 2] == '{';
	const char *closer = triple ? "}}}" : "}}";
	size_t body = pos + (triple ? 3 : 2), closer_len = triple ? 3 : 2;
	const char *end = memmem(t->src + body, t->len - body, closer, closer_len);
	if (!end)
		return fail_at(t, pos, WEFT_EINVALID, "unclosed '%s'", triple ? "{{{" : "{{");
	slice inner = { t->src + body, (size_t)(end - (t->src + body)) };
	slice rest = { inner.ptr + 1, inner.len ? inner.len - 1 : 0 };
	p->pos = (size_t)(end - t->src) + closer_len;
	if (triple)
		return add_tag(p, NODE_RAW, inner, pos);
	switch (inner.len ? inner.ptr[0] : '\0') {
	case '!': return 0;
	case '#': return open_section(p, NODE_SECTION, rest, pos);
	case '^': return open_section(p, NODE_INVERTED, rest, pos);
	case '/': return close_section(p, rest, pos);
	case '>': return add_tag(p, NODE_PARTIAL, rest, pos);
	default: return add_tag(p, NODE_VAR, inner, pos);
	}
}

/* Compiles the text up to the next tag, then that tag. */
static int parse_next(parser *p)
{
	tmpl *t = p->t;
	const char *tag = memmem(t->src + p->pos, t->len - p->pos, "{{", 2);
	size_t stop = tag ? (size_t)(tag - t->src) : t->len;
	if (stop > p->pos) {
		size_t i = add_node(t, NODE_TEXT, p->pos);
		t->nodes[i].len = stop - p->pos;
	}
	p->pos = stop;
	return tag ? parse_tag(p, stop) : 0;
}

/* Compiles t->src into t->nodes. */
static int parse(tmpl *t)
{
	parser p = { .t = t };
	int error = 0;
	while (error == 0 && p.pos < t->len)
		error = parse_next(&p);
	if (error == 0 && p.open_count > 0) {
		const node *open = &t->nodes[p.open[p.open_count - 1]];
		error = fail_at(t, open->pos, WEFT_EINVALID, "unclosed section '%s'", open->name);
	}
	free(p.open);
	return error;
}

int tmpl_add(tmpl_set *set, const char *name, const char *src, size_t len)
{
	tmpl *t = NULL;
	int error = 0;
	assert(set && name && (src || len == 0));
	if (find(set, name))
		return err_fail(WEFT_EEXISTS, "%s: a template of that name exists already", name);
	t = mem_zalloc(sizeof *t);
	t->name = mem_strdup(name);
	t->src = mem_strndup(src ? src : "", len);
	t->len = len;
	if ((error = parse(t)) < 0)
		goto done;
	if (set->count == set->cap) {
		set->cap = set->cap ? mem_mul(set->cap, 2) : 16;
		set->items = mem_realloc(set->items, mem_mul(set->cap, sizeof(tmpl *)));
	}
	set->items[set->count++] = t;
	t = NULL;
done:
	tmpl_free(t);
	return error;
}

/* ---- checking partials ---- */

/* True when following partials from template start leads to template goal. Breadth-first with
 * its own queue, so a long chain of partials cannot exhaust the stack. */
static bool reaches(const tmpl_set *set, size_t start, size_t goal)
{
	bool *seen = mem_zalloc(set->count * sizeof(bool));
	size_t *queue = mem_alloc(mem_mul(set->count, sizeof(size_t)));
	size_t head = 0, tail = 0;
	bool found = false;
	seen[start] = true;
	queue[tail++] = start;
	while (!found && head < tail) {
		const tmpl *t = set->items[queue[head++]];
		for (size_t i = 0; !found && i < t->count; i++) {
			if (t->nodes[i].kind != NODE_PARTIAL)
				continue;
			size_t next = find_index(set, t->nodes[i].name);
			found = next == goal;
			if (next < set->count && !seen[next]) {
				seen[next] = true;
				queue[tail++] = next;
			}
		}
	}
	free(queue);
	free(seen);
	return found;
}

/* Checks every partial tag of template index k: its target exists and does not lead back. */
static int check_partials(const tmpl_set *set, size_t k)
{
	const tmpl *t = set->items[k];
	for (size_t i = 0; i < t->count; i++) {
		const node *n = &t->nodes[i];
		if (n->kind != NODE_PARTIAL)
			continue;
		size_t target = find_index(set, n->name);
		if (target == set->count)
			return fail_at(t, n->pos, WEFT_EINVALID, "no template '%s' for the partial",
			               n->name);
		if (target == k || reaches(set, target, k))
			return fail_at(t, n->pos, WEFT_EINVALID, "partial '%s' includes '%s' again",
			               n->name, t->name);
	}
	return 0;
}

int tmpl_check(const tmpl_set *set)
{
	int error = 0;
	for (size_t k = 0; error == 0 && k < set->count; k++)
		error = check_partials(set, k);
	return error;
}

/* ---- rendering ---- */

/* The value that n's name resolves to in c, or NULL: the first segment against the innermost
 * context that has it, the others inside that value only (as Mustache does). */
static const json_t *lookup(const context *c, const node *n)
{
	if (n->segments == 0)
		return c->value;
	const json_t *v = NULL;
	for (; c && !v; c = c->outer)
		v = json_object_get(c->value, n->path);
	const char *segment = n->path;
	for (size_t i = 1; v && i < n->segments; i++) {
		segment += strlen(segment) + 1;
		v = json_object_get(v, segment);
	}
	return v;
}

/* False for what a section skips: missing, null, false, "", 0 and []. */
static bool truthy(const json_t *v)
{
	if (!v)
		return false;
	switch (json_typeof(v)) {
	case JSON_NULL:
	case JSON_FALSE: return false;
	case JSON_STRING: return json_string_length(v) > 0;
	case JSON_INTEGER: return json_integer_value(v) != 0;
	case JSON_REAL: return json_real_value(v) != 0.0;
	case JSON_ARRAY: return json_array_size(v) > 0;
	default: return true;
	}
}

/* Appends a real as JSON writes it, with the fewest digits that read back as the same value. */
static void put_real(buf *out, double d)
{
	char text[64];
	for (int precision = 15; precision <= 17; precision++) {
		snprintf(text, sizeof text, "%.*g", precision, d);
		if (strtod(text, NULL) == d)
			break;
	}
	buf_puts(out, text);
	/* jansson writes 3.0, not 3, so that the value reads back as a real */
	if (!strpbrk(text, ".e"))
		buf_puts(out, ".0");
}

/* Appends v as {{name}} (escaped) or {{{name}}} (raw) shows it; objects and arrays show nothing. */
static void put_value(buf *out, const json_t *v, bool escape)
{
	if (!v)
		return;
	switch (json_typeof(v)) {
	case JSON_STRING:
		if (escape)
			esc_html(out, json_string_value(v), json_string_length(v));
		else
			buf_append(out, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER: buf_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v)); break;
	case JSON_REAL: put_real(out, json_real_value(v)); break;
	case JSON_TRUE: buf_puts(out, "true"); break;
	default: break;
	}
}

static int render_range(const renderer *r, const tmpl *t, size_t from, size_t to, const context *c,
                        int depth);

/* Renders the section (or inverted section) at node index i of t. */
static int render_section(const renderer *r, const tmpl *t, size_t i, const context *c, int depth)
{
	const node *n = &t->nodes[i];
	const json_t *v = lookup(c, n);
	bool entered = truthy(v);
	int error = 0;
	if (n->kind == NODE_INVERTED)
		return entered ? 0 : render_range(r, t, i + 1, n->end, c, depth);
	if (!entered)
		return 0;
	if (!json_is_array(v)) {
		context inner = { v, c };
		return render_range(r, t, i + 1, n->end, &inner, depth);
	}
	for (size_t k = 0; error == 0 && k < json_array_size(v); k++) {
		context item = { json_array_get(v, k), c };
		error = render_range(r, t, i + 1, n->end, &item, depth);
	}
	return error;
}

/* Renders the partial tag n of t with the current context. */
static int render_partial(const renderer *r, const tmpl *t, const node *n, const context *c,
                          int depth)
{
	const tmpl *partial = find(r->set, n->name);
	if (!partial)
		return fail_at(t, n->pos, WEFT_ENOTFOUND, "no template '%s' for the partial",
		               n->name);
	return render_range(r, partial, 0, partial->count, c, depth);
}

/* Renders nodes [from, to) of t; depth counts the sections and partials entered so far. */
static int render_range(const renderer *r, const tmpl *t, size_t from, size_t to, const context *c,
                        int depth)
{
	int error = 0;
	for (size_t i = from; error == 0 && i < to; i++) {
		const node *n = &t->nodes[i];
		bool nests = n->kind == NODE_SECTION || n->kind == NODE_INVERTED ||
		             n->kind == NODE_PARTIAL;
		if (nests && depth >= TMPL_MAX_DEPTH)
			return fail_at(t, n->pos, WEFT_EINVALID,
			               "sections and partials nested deeper than %d",
			               TMPL_MAX_DEPTH);
		switch (n->kind) {
		case NODE_TEXT: buf_append(r->out, t->src + n->pos, n->len); break;
		case NODE_VAR: put_value(r->out, lookup(c, n), true); break;
		case NODE_RAW: put_value(r->out, lookup(c, n), false); break;
		case NODE_PARTIAL: error = render_partial(r, t, n, c, depth + 1); break;
		default:
			error = render_section(r, t, i, c, depth + 1);
			i = n->end - 1;
			break;
		}
	}
	return error;
}

int tmpl_render(buf *out, const tmpl_set *set, const char *name, const json_t *data)
{
	const tmpl *t = find(set, name);
	if (!t)
		return err_fail(WEFT_ENOTFOUND, "no template '%s'", name);
	renderer r = { out, set };
	context root = { data, NULL };
	size_t mark = out->len;
	int error = render_range(&r, t, 0, t->count, &root, 0);
	if (error < 0)
		buf_truncate(out, mark);
	return error;
}

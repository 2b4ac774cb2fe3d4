/* Query strings, urlencoded bodies, Cookie headers and multipart/form-data bodies, parsed into the
 * request's arena. Every byte here is hostile: scans are linear (memchr/memmem), sizes are bounded
 * and checked, and a failed parse leaves the caller's list as it was. */
#include "web/form.h"

#include <string.h>

#include "base/array.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "web/escape.h"

enum {
	PART_HEADERS_MAX = 8192, /* bytes of headers in one multipart part */
	BOUNDARY_MAX = 70, /* RFC 2046 §5.1.1 */
};

int web_pairs_push(web_pairs *p, arena *a, const char *name, const char *value, size_t value_len)
{
	if (p->len >= WEB_PAIRS_MAX)
		return err_fail(WEFT_ETOOLARGE, "more than %d parameters", WEB_PAIRS_MAX);
	p->items = array_room(a, p->items, p->len, &p->cap, sizeof *p->items);
	p->items[p->len++] = (web_pair){ name, value, value_len };
	return 0;
}

/* ---- query strings and urlencoded bodies ---- */

/* One "name=value" or "name" piece, never empty. */
static int query_piece(web_pairs *out, arena *a, const char *s, size_t len)
{
	const char *eq = memchr(s, '=', len);
	size_t name_len = eq ? (size_t)(eq - s) : len;
	char *name, *value = "";
	size_t decoded_len, value_len = 0;
	int rc = esc_pct_decode(&name, &decoded_len, a, s, name_len, 1);
	if (rc < 0)
		return rc;
	/* Names are compared as C strings: "a%00x" would otherwise pass for "a". */
	if (strlen(name) != decoded_len)
		return err_fail(WEFT_EINVALID, "NUL byte in a parameter name");
	if (eq) {
		rc = esc_pct_decode(&value, &value_len, a, eq + 1, len - name_len - 1, 1);
		if (rc < 0)
			return rc;
	}
	return web_pairs_push(out, a, name, value, value_len);
}

static int query_pieces(web_pairs *out, arena *a, const char *s, const char *end)
{
	for (;;) {
		const char *amp = memchr(s, '&', (size_t)(end - s));
		const char *stop = amp ? amp : end;
		if (stop > s) {
			int rc = query_piece(out, a, s, (size_t)(stop - s));
			if (rc < 0)
				return rc;
		}
		if (!amp)
			return 0;
		s = amp + 1;
	}
}

int web_query_parse(web_pairs *out, arena *a, const char *s, size_t len)
{
	if (!s || len == 0)
		return 0;
	size_t saved = out->len;
	int rc = query_pieces(out, a, s, s + len);
	if (rc < 0)
		out->len = saved;
	return rc;
}

/* ---- cookies ---- */

/* RFC 6265 cookie-name: an RFC 7230 token. */
static bool is_token(slice s)
{
	if (s.len == 0)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.ptr[i];
		if (c <= 0x20 || c >= 0x7f || strchr("()<>@,;:\\\"/[]?={}", c))
			return false;
	}
	return true;
}

static int cookie_piece(web_pairs *out, arena *a, slice piece)
{
	const char *eq = memchr(piece.ptr, '=', piece.len);
	if (!eq)
		return 0; /* malformed: skipped */
	slice name = slice_trim((slice){ piece.ptr, (size_t)(eq - piece.ptr) });
	slice value = slice_trim((slice){ eq + 1, (size_t)(piece.ptr + piece.len - eq - 1) });
	if (!is_token(name))
		return 0;
	if (value.len >= 2 && value.ptr[0] == '"' && value.ptr[value.len - 1] == '"')
		value = (slice){ value.ptr + 1, value.len - 2 };
	return web_pairs_push(out, a, arena_slice(a, name), arena_slice(a, value), value.len);
}

static int cookie_pieces(web_pairs *out, arena *a, const char *s)
{
	for (;;) {
		const char *semi = strchr(s, ';');
		size_t len = semi ? (size_t)(semi - s) : strlen(s);
		int rc = cookie_piece(out, a, (slice){ s, len });
		if (rc < 0 || !semi)
			return rc;
		s = semi + 1;
	}
}

int web_cookies_parse(web_pairs *out, arena *a, const char *header)
{
	if (!header)
		return 0;
	size_t saved = out->len;
	int rc = cookie_pieces(out, a, header);
	if (rc < 0)
		out->len = saved;
	return rc;
}

/* ---- lookups ---- */

/* The first pair called name whose value is not empty (an empty value counts as absent). */
static const web_pair *first_value(const web_pairs *p, const char *name)
{
	for (size_t i = 0; i < p->len; i++)
		if (p->items[i].value_len > 0 && strcmp(p->items[i].name, name) == 0)
			return &p->items[i];
	return NULL;
}

const char *web_pairs_get(const web_pairs *p, const char *name)
{
	const web_pair *v = first_value(p, name);
	/* A value with a NUL byte is not a C string; handing it out truncated would let "admin%00x"
	 * pass for "admin". */
	if (!v || memchr(v->value, '\0', v->value_len))
		return NULL;
	return v->value;
}

/* Splits one value on ',' into items (trimmed, empty ones and ones with NUL bytes dropped), stored
 * into items when it is not NULL. Returns the number of items. */
static size_t split_items(const char **items, arena *a, const char *s, size_t len)
{
	const char *end = s + len;
	size_t n = 0;
	for (;;) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		slice item = slice_trim((slice){ s, (size_t)((comma ? comma : end) - s) });
		if (item.len > 0 && !memchr(item.ptr, '\0', item.len)) {
			if (items)
				items[n] = arena_slice(a, item);
			n++;
		}
		if (!comma)
			return n;
		s = comma + 1;
	}
}

/* Counts (items == NULL) or stores every list item of name. */
static size_t list_items(const char **items, arena *a, const web_pairs *p, const char *name)
{
	size_t n = 0;
	for (size_t i = 0; i < p->len; i++) {
		const web_pair *v = &p->items[i];
		if (strcmp(v->name, name) == 0)
			n += split_items(items ? items + n : NULL, a, v->value, v->value_len);
	}
	return n;
}

size_t web_pairs_list(const char ***out, arena *a, const web_pairs *p, const char *name)
{
	size_t n = list_items(NULL, a, p, name);
	*out = NULL;
	if (n == 0)
		return 0;
	const char **items = arena_array(a, n, sizeof *items);
	list_items(items, a, p, name);
	*out = items;
	return n;
}

static bool value_is(const web_pair *v, const char *s)
{
	return v->value_len == strlen(s) && memcmp(v->value, s, v->value_len) == 0;
}

int web_pairs_bool(bool *out, const web_pairs *p, const char *name, bool dflt)
{
	const web_pair *v = first_value(p, name);
	if (!v)
		*out = dflt;
	else if (value_is(v, "true") || value_is(v, "True") || value_is(v, "1"))
		*out = true;
	else if (value_is(v, "false") || value_is(v, "False") || value_is(v, "0"))
		*out = false;
	else
		return err_fail(WEFT_EINVALID, "parameter '%s' must be true or false", name);
	return 0;
}

/* ---- header parameters (Content-Type, Content-Disposition) ---- */

static const char *skip_space(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/* Where a quoted-string that starts at s ends: its closing quote, or end. */
static const char *quote_end(const char *s, const char *end)
{
	for (; s < end && *s != '"'; s++)
		if (*s == '\\' && end - s > 1 && (s[1] == '"' || s[1] == '\\'))
			s++;
	return s;
}

/* A quoted-string starting after its opening quote; *s ends past the closing quote. A backslash
 * escapes only '"' and '\\', since browsers send bare backslashes in file names (as Go's mime
 * assumes too). */
static char *quoted_value(arena *a, const char **s, const char *end)
{
	const char *p = *s, *stop = quote_end(p, end);
	/* Sized to this value, not to the rest of the header: many short values stay linear. */
	char *value = arena_alloc(a, mem_add((size_t)(stop - p), 1));
	size_t n = 0;
	for (; p < stop; p++) {
		if (*p == '\\' && stop - p > 1 && (p[1] == '"' || p[1] == '\\'))
			p++;
		value[n++] = *p;
	}
	*s = stop < end ? stop + 1 : stop;
	return value; /* arena_alloc zeroed it: already terminated */
}

/* A token value up to the next ';', trimmed. */
static char *token_value(arena *a, const char **s, const char *end)
{
	const char *semi = memchr(*s, ';', (size_t)(end - *s));
	const char *stop = semi ? semi : end;
	slice v = slice_trim((slice){ *s, (size_t)(stop - *s) });
	*s = stop;
	return arena_slice(a, v);
}

/* Reads one "; name=value" parameter at *s into name and value (value NULL without '=').
 * ':' also separates a name from its value: Bitbucket writes x-attributes:"executable", and no
 * parameter name contains a ':'. */
static void next_param(slice *name, char **value, arena *a, const char **s, const char *end)
{
	const char *p = skip_space(*s, end);
	const char *stop = p;
	while (stop < end && *stop != '=' && *stop != ':' && *stop != ';')
		stop++;
	*name = slice_trim((slice){ p, (size_t)(stop - p) });
	*value = NULL;
	p = stop;
	if (p < end && (*p == '=' || *p == ':')) {
		p = skip_space(p + 1, end);
		if (p < end && *p == '"') {
			p++;
			*value = quoted_value(a, &p, end);
		} else {
			*value = token_value(a, &p, end);
		}
	}
	/* Whatever follows a quoted value up to the next ';' is junk; skip it. */
	const char *semi = memchr(p, ';', (size_t)(end - p));
	*s = semi ? semi + 1 : end;
}

/* The value of parameter name (case-insensitive) in a header value "type; a=1; b="2"", or NULL.
 * The first occurrence wins. */
static char *header_param(arena *a, slice header, const char *name)
{
	const char *end = header.ptr + header.len;
	const char *s = memchr(header.ptr, ';', header.len);
	char *found = NULL;
	while (s && s < end && !found) {
		slice param;
		char *value;
		if (*s == ';')
			s++;
		next_param(&param, &value, a, &s, end);
		if (value && slice_eq_nocase(param, name))
			found = value;
	}
	return found;
}

/* ---- multipart/form-data ---- */

static int boundary_from(slice *out, arena *a, const char *content_type)
{
	slice ct = slice_cstr(content_type ? content_type : "");
	const char *semi = memchr(ct.ptr, ';', ct.len);
	slice type = slice_trim((slice){ ct.ptr, semi ? (size_t)(semi - ct.ptr) : ct.len });
	if (!slice_eq_nocase(type, "multipart/form-data"))
		return err_fail(WEFT_EINVALID, "not a multipart/form-data content type");
	char *b = header_param(a, ct, "boundary");
	if (!b || !*b)
		return err_fail(WEFT_EINVALID, "multipart/form-data without a boundary");
	size_t len = strlen(b);
	if (len > BOUNDARY_MAX)
		return err_fail(WEFT_EINVALID, "multipart boundary longer than %d bytes",
		                BOUNDARY_MAX);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)b[i] < 0x20 || (unsigned char)b[i] >= 0x7f)
			return err_fail(WEFT_EINVALID, "control byte in the multipart boundary");
	*out = (slice){ b, len };
	return 0;
}

/* After a delimiter at s: "--" closes the body; optional spaces then CRLF start a part at *next.
 * Anything else means the delimiter was content after all (returns false). */
static bool delimiter_end(const char **next, bool *closing, const char *s, const char *end)
{
	if (end - s >= 2 && s[0] == '-' && s[1] == '-') {
		*closing = true;
		*next = end; /* the epilogue is ignored */
		return true;
	}
	const char *padding = s;
	s = skip_space(s, end);
	if (s - padding > WEB_MULTIPART_PADDING_MAX || end - s < 2 || s[0] != '\r' || s[1] != '\n')
		return false;
	*closing = false;
	*next = s + 2;
	return true;
}

/* The next "\r\n--boundary" delimiter at or after s, or NULL. Linear: memmem, and a match that is
 * not followed by "--" or CRLF is content and the search resumes past it. */
static const char *next_delimiter(const char **next, bool *closing, const char *s, const char *end,
                                  slice delim)
{
	while (s < end) {
		const char *m = memmem(s, (size_t)(end - s), delim.ptr, delim.len);
		if (!m)
			return NULL;
		if (delimiter_end(next, closing, m + delim.len, end))
			return m;
		s = m + delim.len;
	}
	return NULL;
}

/* The first boundary line: at the very start of the body, or after a preamble and its CRLF. */
static int open_body(const char **next, bool *closing, const char *body, const char *end,
                     slice delim)
{
	slice dash_boundary = { delim.ptr + 2, delim.len - 2 };
	if ((size_t)(end - body) >= dash_boundary.len &&
	    memcmp(body, dash_boundary.ptr, dash_boundary.len) == 0 &&
	    delimiter_end(next, closing, body + dash_boundary.len, end))
		return 0;
	if (next_delimiter(next, closing, body, end, delim))
		return 0;
	return err_fail(WEFT_EINVALID, "multipart body without an opening boundary");
}

/* One "Name: value" line of a part's headers. */
static int part_header(web_part *part, bool *seen_disposition, arena *a, slice line)
{
	/* A loop, not memchr: GCC 12 under -fsanitize=undefined then warns (-Wnonnull, wrongly) that
	 * the caller's next memmem may get a null pointer. */
	const char *colon = line.ptr, *line_end = line.ptr + line.len;
	while (colon < line_end && *colon != ':')
		colon++;
	if (colon == line_end)
		return err_fail(WEFT_EINVALID, "malformed multipart part header");
	slice name = slice_trim((slice){ line.ptr, (size_t)(colon - line.ptr) });
	slice value = slice_trim((slice){ colon + 1, (size_t)(line.ptr + line.len - colon - 1) });
	if (slice_eq_nocase(name, "Content-Type")) {
		if (!part->content_type)
			part->content_type = arena_slice(a, value);
	} else if (slice_eq_nocase(name, "Content-Disposition")) {
		/* Two dispositions could name the part differently to different readers. */
		if (*seen_disposition)
			return err_fail(WEFT_EINVALID,
			                "multipart part with two Content-Disposition headers");
		*seen_disposition = true;
		part->disposition = arena_slice(a, value);
		part->name = header_param(a, value, "name");
		part->filename = header_param(a, value, "filename");
	}
	return 0;
}

/* Parses a part's header block (without its final CRLF CRLF). */
static int part_headers(web_part *part, arena *a, const char *s, size_t len)
{
	bool seen_disposition = false;
	if (memchr(s, '\0', len))
		return err_fail(WEFT_EINVALID, "NUL byte in multipart part headers");
	for (size_t i = 0; i < len;) {
		const char *eol = memmem(s + i, len - i, "\r\n", 2);
		size_t stop = eol ? (size_t)(eol - s) : len;
		int rc = part_header(part, &seen_disposition, a, (slice){ s + i, stop - i });
		if (rc < 0)
			return rc;
		i = eol ? stop + 2 : len;
	}
	if (!part->name || !*part->name)
		return err_fail(WEFT_EINVALID, "multipart part without a name");
	return 0;
}

/* Finds the end of a part's header block: *headers_len bytes of headers, then CRLF CRLF. */
static int headers_end(size_t *headers_len, size_t *data_start, const char *s, size_t len)
{
	if (len >= 2 && s[0] == '\r' && s[1] == '\n') {
		*headers_len = 0; /* no headers at all */
		*data_start = 2;
		return 0;
	}
	size_t window = len < PART_HEADERS_MAX + 4 ? len : PART_HEADERS_MAX + 4;
	const char *blank = memmem(s, window, "\r\n\r\n", 4);
	if (blank) {
		*headers_len = (size_t)(blank - s);
		*data_start = *headers_len + 4;
		return 0;
	}
	if (len > window)
		return err_fail(WEFT_ETOOLARGE, "multipart part headers over %d bytes",
		                PART_HEADERS_MAX);
	return err_fail(WEFT_EINVALID, "multipart part headers without an end");
}

static int add_part(web_parts *out, arena *a, const char *s, size_t len)
{
	size_t headers_len = 0, data_start = 0;
	web_part part = { 0 };
	if (out->len >= WEB_PAIRS_MAX)
		return err_fail(WEFT_ETOOLARGE, "more than %d multipart parts", WEB_PAIRS_MAX);
	int rc = headers_end(&headers_len, &data_start, s, len);
	if (rc == 0)
		rc = part_headers(&part, a, s, headers_len);
	if (rc < 0)
		return rc;
	part.len = len - data_start;
	part.data = arena_strndup(a, s + data_start, part.len);
	out->items = array_room(a, out->items, out->len, &out->cap, sizeof *out->items);
	out->items[out->len++] = part;
	return 0;
}

static int parts_of(web_parts *out, arena *a, const char *body, size_t len, slice delim)
{
	const char *end = body + len, *pos = body, *next = body;
	bool closing = false;
	int rc = open_body(&pos, &closing, body, end, delim);
	while (rc == 0 && !closing) {
		const char *stop = next_delimiter(&next, &closing, pos, end, delim);
		if (!stop)
			return err_fail(WEFT_EINVALID, "multipart body without a closing boundary");
		rc = add_part(out, a, pos, (size_t)(stop - pos));
		pos = next;
	}
	return rc;
}

int web_multipart_parse(web_parts *out, arena *a, const char *content_type, const char *body,
                        size_t len)
{
	slice boundary = { 0 };
	int rc = boundary_from(&boundary, a, content_type);
	if (rc < 0)
		return rc;
	if (!body) {
		body = "";
		len = 0;
	}
	char *delim = arena_printf(a, "\r\n--%s", boundary.ptr);
	size_t saved = out->len;
	rc = parts_of(out, a, body, len, (slice){ delim, boundary.len + 4 });
	if (rc < 0)
		out->len = saved;
	return rc;
}

int web_multipart_delimiter(const char **out, size_t *len, arena *a, const char *content_type)
{
	slice boundary = { 0 };
	int rc = boundary_from(&boundary, a, content_type);
	if (rc < 0)
		return rc;
	*out = arena_printf(a, "\r\n--%s", boundary.ptr);
	*len = boundary.len + 4;
	return 0;
}

int web_part_parse_headers(web_part *out, arena *a, const char *s, size_t len)
{
	*out = (web_part){ 0 };
	if (len > PART_HEADERS_MAX)
		return err_fail(WEFT_ETOOLARGE, "multipart part headers over %d bytes",
		                PART_HEADERS_MAX);
	return part_headers(out, a, s, len);
}

const web_part *web_parts_get(const web_parts *p, const char *name)
{
	for (size_t i = 0; i < p->len; i++)
		if (strcmp(p->items[i].name, name) == 0)
			return &p->items[i];
	return NULL;
}

const char *web_part_param(arena *a, const web_part *part, const char *name)
{
	if (!part->disposition)
		return NULL;
	return header_param(a, (slice){ part->disposition, strlen(part->disposition) }, name);
}

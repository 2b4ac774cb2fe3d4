/* Checking mail's fields and building RFC 5322 messages from them. Header values are checked
 * before anything is written, so no CR or LF can reach a header: injection is refused by
 * construction, not escaped after the fact. */
#include "mail/mail.h"

#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "base/str.h"

/* An encoded-word carries ENCODED_CHUNK bytes as 52 base64 characters, so that even
 * "Subject: =?UTF-8?B?…?=" stays within the 76 characters RFC 2047 allows a line. */
enum {
	LOCAL_MAX = 64, /* RFC 5321 §4.5.3.1 */
	LABEL_MAX = 63, /* bytes in one label of a domain */
	LINE_MAX_BYTES = 998, /* RFC 5322: a line's hard limit, CRLF not counted */
	HEADER_WIDTH = 78, /* RFC 5322: a header line's recommended width */
	ENCODED_CHUNK = 39,
	MESSAGE_ID_MAX = 250,
	NAME_MAX_BYTES = 200, /* a display name in From */
};

/* ---- checking ---- */

/* RFC 5322 atext: what an unquoted local part or display-name word may hold. */
static bool is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static bool is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7F;
}

/* A dot-atom: atext runs joined by single dots. */
static int check_local(const char *field, slice local)
{
	if (local.len == 0 || local.len > LOCAL_MAX)
		return err_fail(WEFT_EINVALID,
		                "%s: the part before the @ must have 1 to %d characters", field,
		                LOCAL_MAX);
	for (size_t i = 0; i < local.len; i++) {
		unsigned char c = (unsigned char)local.ptr[i];
		bool dot_ok = c == '.' && i > 0 && i + 1 < local.len && local.ptr[i - 1] != '.';
		if (!is_atext(c) && !dot_ok)
			return err_fail(WEFT_EINVALID,
			                "%s: the part before the @ may not contain '%c' there",
			                field, c);
	}
	return 0;
}

/* Host name labels of letters, digits and inner hyphens, joined by dots. */
static int check_domain(const char *field, slice domain)
{
	size_t label = 0;
	for (size_t i = 0; i <= domain.len; i++) {
		char c = i < domain.len ? domain.ptr[i] : '.';
		if (c == '.') {
			if (label == 0 || label > LABEL_MAX || domain.ptr[i - 1] == '-')
				break;
			label = 0;
		} else if ((c == '-' && label > 0) || (c >= 'a' && c <= 'z') ||
		           (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
			label++;
		} else {
			break;
		}
		if (i == domain.len)
			return 0;
	}
	return err_fail(WEFT_EINVALID, "%s: the part after the @ is not a valid domain name",
	                field);
}

/* The characters that would turn one address into something else: more addresses, a display
 * name, another header line. Named in the message, since users see it. */
static int check_address_chars(const char *field, slice a)
{
	for (size_t i = 0; i < a.len; i++) {
		unsigned char c = (unsigned char)a.ptr[i];
		if (c == '\r' || c == '\n')
			return err_fail(WEFT_EINVALID, "%s: must not contain CR or LF", field);
		if (c == ' ' || c == '\t' || is_control(c))
			return err_fail(WEFT_EINVALID, "%s: must not contain spaces", field);
		if (c >= 0x80)
			return err_fail(WEFT_EINVALID, "%s: must be ASCII", field);
		if (strchr("<>,;\"()[]\\:", c))
			return err_fail(WEFT_EINVALID, "%s: must be one plain address local@domain",
			                field);
	}
	return 0;
}

static int check_address_slice(const char *field, slice a)
{
	if (a.len == 0)
		return err_fail(WEFT_EINVALID, "%s: is missing", field);
	if (a.len > MAIL_ADDRESS_MAX)
		return err_fail(WEFT_EINVALID, "%s: longer than %d characters", field,
		                MAIL_ADDRESS_MAX);
	int rc = check_address_chars(field, a);
	if (rc < 0)
		return rc;
	const char *at = memchr(a.ptr, '@', a.len);
	if (!at || memchr(at + 1, '@', a.len - (size_t)(at + 1 - a.ptr)))
		return err_fail(WEFT_EINVALID, "%s: must be one address local@domain", field);
	rc = check_local(field, (slice){ a.ptr, (size_t)(at - a.ptr) });
	if (rc == 0)
		rc = check_domain(field, (slice){ at + 1, a.len - (size_t)(at + 1 - a.ptr) });
	return rc;
}

int mail_check_address(const char *field, const char *address)
{
	return check_address_slice(field, slice_cstr(address ? address : ""));
}

int mail_check_user_address(const char *field, const char *address)
{
	if (!address || !*address)
		return err_fail(WEFT_EINVALID, "%s: enter an email address.", field);
	const char *at = strchr(address, '@');
	const char *dot = at ? strrchr(at, '.') : NULL;
	if (mail_check_address(field, address) < 0 || !dot || dot == at + 1 || !dot[1])
		return err_fail(WEFT_EINVALID, "%s: \"%.254s\" is not a valid address.", field,
		                address);
	return 0;
}

/* Text for a header (a subject, a display name): one line of UTF-8 without control
 * characters, tabs aside. */
static int check_header_text(const char *field, slice text)
{
	for (size_t i = 0; i < text.len; i++) {
		unsigned char c = (unsigned char)text.ptr[i];
		if (c == '\r' || c == '\n')
			return err_fail(WEFT_EINVALID, "%s: must not contain CR or LF", field);
		if (is_control(c) && c != '\t')
			return err_fail(WEFT_EINVALID, "%s: must not contain control characters",
			                field);
	}
	if (!str_is_utf8(text.ptr, text.len))
		return err_fail(WEFT_EINVALID, "%s: is not valid UTF-8", field);
	return 0;
}

static int check_subject(const char *subject)
{
	if (!subject)
		return err_fail(WEFT_EINVALID, "subject: is missing");
	if (strlen(subject) > MAIL_SUBJECT_MAX)
		return err_fail(WEFT_EINVALID, "subject: longer than %d bytes", MAIL_SUBJECT_MAX);
	return check_header_text("subject", slice_cstr(subject));
}

static int check_body(const char *body)
{
	if (!body)
		return err_fail(WEFT_EINVALID, "body: is missing");
	size_t len = strlen(body);
	if (len > MAIL_BODY_MAX)
		return err_fail(WEFT_EINVALID, "body: longer than %d bytes", MAIL_BODY_MAX);
	if (!str_is_utf8(body, len))
		return err_fail(WEFT_EINVALID, "body: is not valid UTF-8");
	return 0;
}

int mail_check(const char *recipient, const char *subject, const char *body)
{
	int rc = mail_check_address("recipient", recipient);
	if (rc == 0)
		rc = check_subject(subject);
	if (rc == 0)
		rc = check_body(body);
	return rc;
}

/* Splits "Name <address>" (or a bare address) into its display name and address, both
 * checked; the name is trimmed and may be empty. */
static int split_from(const char *from, slice *name, slice *address)
{
	if (!from)
		return err_fail(WEFT_EINVALID, "from: is missing");
	slice all = slice_trim(slice_cstr(from));
	const char *open = memchr(all.ptr, '<', all.len);
	*name = (slice){ all.ptr, 0 };
	*address = all;
	if (open) {
		if (all.len < 2 || all.ptr[all.len - 1] != '>')
			return err_fail(WEFT_EINVALID, "from: must be 'Name <local@domain>'");
		*name = slice_trim((slice){ all.ptr, (size_t)(open - all.ptr) });
		*address = (slice){ open + 1, all.len - (size_t)(open - all.ptr) - 2 };
	}
	if (name->len > NAME_MAX_BYTES)
		return err_fail(WEFT_EINVALID, "from: the name is longer than %d bytes",
		                NAME_MAX_BYTES);
	int rc = check_header_text("from", *name);
	return rc < 0 ? rc : check_address_slice("from", *address);
}

int mail_from_address(buf *out, const char *from)
{
	slice name, address;
	int rc = split_from(from, &name, &address);
	if (rc == 0)
		buf_append(out, address.ptr, address.len);
	return rc;
}

/* Keeps what is inside optional angle brackets: printable ASCII with one @ inside. */
static int check_message_id(const char *message_id, slice *core)
{
	slice id = slice_cstr(message_id ? message_id : "");
	if (id.len >= 2 && id.ptr[0] == '<' && id.ptr[id.len - 1] == '>')
		id = (slice){ id.ptr + 1, id.len - 2 };
	const char *at = memchr(id.ptr, '@', id.len);
	bool ok = id.len > 0 && id.len <= MESSAGE_ID_MAX && at && at > id.ptr &&
	          at < id.ptr + id.len - 1 &&
	          !memchr(at + 1, '@', id.len - (size_t)(at + 1 - id.ptr));
	for (size_t i = 0; ok && i < id.len; i++) {
		unsigned char c = (unsigned char)id.ptr[i];
		ok = c > ' ' && c < 0x7F && c != '<' && c != '>';
	}
	if (!ok)
		return err_fail(WEFT_EINVALID,
		                "message id: must be <left@right> in printable ASCII");
	*core = id;
	return 0;
}

/* ---- writing ---- */

/* "Sat, 28 Nov 2026 13:47:00 +0000", with English names whatever the locale. */
static void put_date(buf *out, int64_t date_ms)
{
	static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t seconds = (time_t)(date_ms >= 0 ? date_ms / 1000 : (date_ms - 999) / 1000);
	struct tm tm;
	gmtime_r(&seconds, &tm);
	buf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday],
	           tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	           tm.tm_sec);
}

static void put_base64(buf *out, const unsigned char *p, size_t n)
{
	static const char digits[] =
	        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		char quad[4] = { digits[v >> 18], digits[(v >> 12) & 63],
			         i + 1 < n ? digits[(v >> 6) & 63] : '=',
			         i + 2 < n ? digits[v & 63] : '=' };
		buf_append(out, quad, 4);
	}
}

/* The longest prefix of s[0..len) of at most max bytes that ends between two characters. */
static size_t utf8_prefix(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	size_t n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/* RFC 2047 B encoded-words, each on its own folded line and holding whole characters, so that
 * a decoder that joins them (the white space between adjacent words is dropped) gets text back. */
static void put_encoded_words(buf *out, slice text)
{
	size_t pos = 0;
	do {
		size_t n = utf8_prefix(text.ptr + pos, text.len - pos, ENCODED_CHUNK);
		if (pos > 0)
			buf_puts(out, "\r\n ");
		buf_puts(out, "=?UTF-8?B?");
		put_base64(out, (const unsigned char *)text.ptr + pos, n);
		buf_puts(out, "?=");
		pos += n;
	} while (pos < text.len);
}

/* Text that a reader would take for something else when written as is: non-ASCII bytes, or
 * what looks like an encoded-word. */
static bool needs_encoding(slice text)
{
	for (size_t i = 0; i < text.len; i++)
		if ((unsigned char)text.ptr[i] >= 0x80 ||
		    (text.ptr[i] == '=' && i + 1 < text.len && text.ptr[i + 1] == '?'))
			return true;
	return false;
}

/* Where to fold a line that starts at pos: before the last space that follows a non-space
 * within width, else before the first such space after it; 0 when there is none. */
static size_t fold_point(slice text, size_t pos, size_t width)
{
	size_t best = 0;
	for (size_t i = pos + 1; i < text.len; i++) {
		if (text.ptr[i] != ' ' || text.ptr[i - 1] == ' ')
			continue;
		if (i - pos > width && best)
			break;
		best = i;
		if (i - pos > width)
			break;
	}
	return best;
}

/* Plain ASCII, folded (RFC 5322 §2.2.3) before spaces so that lines keep to HEADER_WIDTH
 * where the words allow; unfolding gives the text back unchanged. */
static void put_folded(buf *out, slice text, size_t column)
{
	size_t pos = 0;
	while (text.len - pos + column > HEADER_WIDTH) {
		size_t at = fold_point(text, pos, HEADER_WIDTH - column);
		if (at == 0)
			break;
		buf_append(out, text.ptr + pos, at - pos);
		buf_puts(out, "\r\n");
		pos = at;
		column = 0;
	}
	buf_append(out, text.ptr + pos, text.len - pos);
}

static void put_subject(buf *out, const char *subject)
{
	slice text = slice_cstr(subject);
	buf_puts(out, "Subject: ");
	if (needs_encoding(text))
		put_encoded_words(out, text);
	else
		put_folded(out, text, strlen("Subject: "));
	buf_puts(out, "\r\n");
}

/* A display name as atoms when it is only words, as a quoted-string when it has specials, as
 * encoded-words when it is not ASCII. */
static void put_display_name(buf *out, slice name)
{
	if (needs_encoding(name)) {
		put_encoded_words(out, name);
		buf_puts(out, "\r\n"); /* the address goes on the next, folded line */
		return;
	}
	bool atoms = true;
	for (size_t i = 0; i < name.len; i++)
		atoms = atoms && (is_atext((unsigned char)name.ptr[i]) || name.ptr[i] == ' ');
	if (!atoms)
		buf_putc(out, '"');
	for (size_t i = 0; i < name.len; i++) {
		if (!atoms && (name.ptr[i] == '"' || name.ptr[i] == '\\'))
			buf_putc(out, '\\');
		buf_putc(out, name.ptr[i]);
	}
	if (!atoms)
		buf_putc(out, '"');
}

static void put_from(buf *out, slice name, slice address)
{
	buf_puts(out, "From: ");
	if (name.len == 0) {
		buf_printf(out, "%.*s\r\n", (int)address.len, address.ptr);
		return;
	}
	put_display_name(out, name);
	buf_printf(out, " <%.*s>\r\n", (int)address.len, address.ptr);
}

/* The body with every line ending made CRLF and lines over LINE_MAX_BYTES broken between
 * characters: SMTP cannot carry them, and 8bit text has no soft line breaks. */
static void put_body(buf *out, const char *body)
{
	const char *p = body;
	while (*p) {
		size_t line = strcspn(p, "\r\n");
		size_t pos = 0;
		do {
			size_t n = utf8_prefix(p + pos, line - pos, LINE_MAX_BYTES);
			buf_append(out, p + pos, n);
			buf_puts(out, "\r\n");
			pos += n;
		} while (pos < line);
		p += line;
		if (*p == '\r' && p[1] == '\n')
			p += 2;
		else if (*p)
			p++;
	}
}

/* What mail_build writes besides the caller's strings, checked. */
typedef struct parts {
	slice name, address, id;
} parts;

static int check_build(parts *out, const char *from, const char *to, const char *subject,
                       const char *body, const char *message_id)
{
	int rc = mail_check_address("to", to);
	if (rc == 0)
		rc = check_subject(subject);
	if (rc == 0)
		rc = check_body(body);
	if (rc == 0)
		rc = split_from(from, &out->name, &out->address);
	if (rc == 0)
		rc = check_message_id(message_id, &out->id);
	return rc;
}

int mail_build(buf *out, const char *from, const char *to, const char *subject, const char *body,
               int64_t date_ms, const char *message_id)
{
	parts p = { 0 };
	int rc = check_build(&p, from, to, subject, body, message_id);
	if (rc < 0)
		return rc;
	put_date(out, date_ms);
	put_from(out, p.name, p.address);
	buf_printf(out, "To: %s\r\n", to);
	put_subject(out, subject);
	buf_printf(out, "Message-ID: <%.*s>\r\n", (int)p.id.len, p.id.ptr);
	buf_puts(out, "Auto-Submitted: auto-generated\r\n"
	              "MIME-Version: 1.0\r\n"
	              "Content-Type: text/plain; charset=utf-8\r\n"
	              "Content-Transfer-Encoding: 8bit\r\n"
	              "\r\n");
	put_body(out, body);
	return 0;
}

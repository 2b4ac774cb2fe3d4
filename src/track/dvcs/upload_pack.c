/* pkt-lines in and out for the one-request fetch: the advertisement read whole (it is small and
 * bounded by the caller), the answer read as it streams through a buffer of one pkt-line. */
#include "track/dvcs/upload_pack.h"

#include <git2.h>
#include <stdio.h>
#include <string.h>

#include "base/array.h"
#include "base/err.h"
#include "base/gitlib.h"

static const char service_line[] = "# service=git-upload-pack";

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int dvcs_pkt_read(dvcs_pkt *out, size_t *used, const char *p, size_t len)
{
	if (len < 4)
		return 1;
	size_t size = 0;
	for (size_t i = 0; i < 4; i++) {
		int d = hex_digit(p[i]);
		if (d < 0)
			return err_fail(WEFT_EINVALID, "a pkt-line header that is not hexadecimal");
		size = size * 16 + (size_t)d;
	}
	if (size == 0) {
		*out = (dvcs_pkt){ .flush = true };
		*used = 4;
		return 0;
	}
	if (size <= 4 || size > DVCS_PKT_MAX)
		return err_fail(WEFT_EINVALID, "a pkt-line of %zu bytes", size);
	if (len < size)
		return 1;
	*out = (dvcs_pkt){ .data = p + 4, .len = size - 4 };
	*used = size;
	return 0;
}

/* The payload without its one trailing newline. */
static size_t line_len(const dvcs_pkt *pkt)
{
	return pkt->len > 0 && pkt->data[pkt->len - 1] == '\n' ? pkt->len - 1 : pkt->len;
}

static bool is_hash(const char *p, size_t len)
{
	if (len != DVCS_PKT_HASH_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (hex_digit(p[i]) < 0)
			return false;
	return true;
}

/* Whether the capability list caps[0..len) (space-separated) holds word. */
static bool has_capability(const char *caps, size_t len, const char *word)
{
	size_t wlen = strlen(word);
	for (size_t i = 0; i < len;) {
		size_t end = i;
		while (end < len && caps[end] != ' ')
			end++;
		if (end - i == wlen && memcmp(caps + i, word, wlen) == 0)
			return true;
		i = end + 1;
	}
	return false;
}

static bool listed(const array *branches, const char *name)
{
	const dvcs_advertised *b = branches->items;
	for (size_t i = 0; i < branches->n; i++)
		if (strcmp(b[i].name, name) == 0)
			return true;
	return false;
}

/* One ref line ("HASH NAME"; the first with its capabilities): a branch into branches. */
static int take_ref(arena *a, const dvcs_pkt *pkt, bool first, array *branches,
                    dvcs_advertisement *out)
{
	size_t len = line_len(pkt);
	const char *nul = first ? memchr(pkt->data, '\0', len) : NULL;
	size_t ref_len = nul ? (size_t)(nul - pkt->data) : len;
	if (nul) {
		const char *caps = nul + 1;
		size_t caps_len = len - ref_len - 1;
		out->side_band_64k = has_capability(caps, caps_len, "side-band-64k");
		out->ofs_delta = has_capability(caps, caps_len, "ofs-delta");
	}
	if (ref_len <= DVCS_PKT_HASH_LEN + 1 ||
	    ref_len > DVCS_PKT_HASH_LEN + 1 + DVCS_REF_NAME_MAX ||
	    !is_hash(pkt->data, DVCS_PKT_HASH_LEN) || pkt->data[DVCS_PKT_HASH_LEN] != ' ' ||
	    memchr(pkt->data, '\0', ref_len))
		return err_fail(WEFT_EINVALID, "an advertised ref that is not \"HASH NAME\"");
	const char *name = arena_strndup(a, pkt->data + DVCS_PKT_HASH_LEN + 1,
	                                 ref_len - DVCS_PKT_HASH_LEN - 1);
	if (strncmp(name, "refs/heads/", strlen("refs/heads/")) != 0)
		return 0; /* HEAD, tags, peeled tags, an empty repository's capabilities^{} */
	int valid = 0;
	if (git_reference_name_is_valid(&valid, name) < 0 || !valid)
		return err_fail(WEFT_EINVALID, "an advertised branch git would refuse: %.80s",
		                name);
	if (listed(branches, name))
		return err_fail(WEFT_EINVALID, "a branch advertised twice: %.80s", name);
	dvcs_advertised *b = ARRAY_PUSH(a, branches, dvcs_advertised);
	b->name = name;
	memcpy(b->hash, pkt->data, DVCS_PKT_HASH_LEN);
	b->hash[DVCS_PKT_HASH_LEN] = '\0';
	return 0;
}

/* The preamble: the service line and its flush. *at moves past them. */
static int read_preamble(const char *body, size_t len, size_t *at)
{
	dvcs_pkt pkt;
	size_t used = 0;
	int rc = dvcs_pkt_read(&pkt, &used, body, len);
	if (rc != 0 || pkt.flush || line_len(&pkt) != strlen(service_line) ||
	    memcmp(pkt.data, service_line, strlen(service_line)) != 0)
		return rc < 0 ? rc : err_fail(WEFT_EINVALID, "no \"%s\" line", service_line);
	*at = used;
	rc = dvcs_pkt_read(&pkt, &used, body + *at, len - *at);
	if (rc != 0 || !pkt.flush)
		return rc < 0 ? rc : err_fail(WEFT_EINVALID, "no flush after the service line");
	*at += used;
	return 0;
}

int dvcs_advertisement_parse(arena *a, const char *body, size_t len, dvcs_advertisement *out)
{
	*out = (dvcs_advertisement){ 0 };
	gitlib_ready();
	size_t at = 0, refs = 0;
	array branches = ARRAY_INIT;
	int rc = read_preamble(body, len, &at);
	while (rc == 0) {
		dvcs_pkt pkt;
		size_t used = 0;
		rc = dvcs_pkt_read(&pkt, &used, body + at, len - at);
		if (rc == 1)
			return err_fail(WEFT_EINVALID, "the advertisement ends without a flush");
		if (rc < 0)
			return rc;
		at += used;
		if (pkt.flush)
			break;
		if (++refs > DVCS_ADVERTISED_MAX)
			return err_fail(WEFT_EINVALID, "more than %d refs advertised",
			                DVCS_ADVERTISED_MAX);
		rc = take_ref(a, &pkt, refs == 1, &branches, out);
	}
	if (rc == 0 && at != len)
		rc = err_fail(WEFT_EINVALID, "bytes after the advertisement's flush");
	if (rc < 0)
		return rc;
	out->branches = branches.items;
	out->n = branches.n;
	return 0;
}

static void put_pkt(buf *out, const char *line)
{
	buf_printf(out, "%04zx%s", strlen(line) + 4, line);
}

void dvcs_upload_request(buf *out, const dvcs_advertisement *adv, const char *const *wants,
                         size_t nwants, const char *const *haves, size_t nhaves)
{
	char line[256];
	for (size_t i = 0; i < nwants; i++) {
		if (i == 0)
			snprintf(line, sizeof line,
			         "want %.40s side-band-64k%s no-progress agent=weft\n", wants[i],
			         adv->ofs_delta ? " ofs-delta" : "");
		else
			snprintf(line, sizeof line, "want %.40s\n", wants[i]);
		put_pkt(out, line);
	}
	buf_puts(out, "0000");
	for (size_t i = 0; i < nhaves; i++) {
		snprintf(line, sizeof line, "have %.40s\n", haves[i]);
		put_pkt(out, line);
	}
	put_pkt(out, "done\n");
}

void dvcs_upload_reader_init(dvcs_upload_reader *r, arena *a,
                             int (*pack)(void *ctx, const char *data, size_t len), void *ctx)
{
	*r = (dvcs_upload_reader){ .pack = pack, .ctx = ctx, .a = a, .pending = BUF_INIT };
}

void dvcs_upload_reader_dispose(dvcs_upload_reader *r)
{
	buf_dispose(&r->pending);
}

/* The host's words, bounded and without control characters, in a. */
static const char *words(arena *a, const char *p, size_t len)
{
	if (len > DVCS_PKT_WORDS_MAX)
		len = DVCS_PKT_WORDS_MAX;
	char *out = arena_strndup(a, p, len);
	for (char *c = out; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = ' ';
	return out;
}

static bool starts(const dvcs_pkt *pkt, const char *prefix)
{
	size_t n = strlen(prefix);
	return pkt->len >= n && memcmp(pkt->data, prefix, n) == 0;
}

/* One side-band pkt-line of the pack part. */
static int take_band(dvcs_upload_reader *r, const dvcs_pkt *pkt)
{
	switch (pkt->data[0]) {
	case 1: {
		int rc = pkt->len > 1 ? r->pack(r->ctx, pkt->data + 1, pkt->len - 1) : 0;
		r->packed += pkt->len - 1;
		return rc;
	}
	case 2: return 0; /* progress, though none was asked */
	case 3:
		return err_fail(WEFT_ERROR, "the host stopped: %s",
		                words(r->a, pkt->data + 1, line_len(pkt) - 1));
	default: return err_fail(WEFT_EINVALID, "a pkt-line of side band %d", pkt->data[0]);
	}
}

/* One whole pkt-line of the answer. */
static int take_answer(dvcs_upload_reader *r, const dvcs_pkt *pkt)
{
	if (r->ended)
		return err_fail(WEFT_EINVALID, "more after the answer's flush");
	if (pkt->flush) {
		if (!r->in_pack)
			return err_fail(WEFT_EINVALID, "a flush before the pack");
		r->ended = true;
		return 0;
	}
	if (starts(pkt, "ERR "))
		return err_fail(WEFT_ERROR, "the host refused: %s",
		                words(r->a, pkt->data + 4, line_len(pkt) - 4));
	if (!r->in_pack && (starts(pkt, "ACK ") || (line_len(pkt) == 3 && starts(pkt, "NAK"))))
		return 0;
	if (pkt->data[0] < 1 || pkt->data[0] > 3)
		return err_fail(WEFT_EINVALID, "an answer that is neither ACK, NAK nor a pack");
	r->in_pack = true;
	return take_band(r, pkt);
}

/* Reads the whole pkt-lines of p[0..len): *used how many bytes they took. */
static int take_lines(dvcs_upload_reader *r, const char *p, size_t len, size_t *used)
{
	*used = 0;
	for (;;) {
		dvcs_pkt pkt;
		size_t n = 0;
		int rc = dvcs_pkt_read(&pkt, &n, p + *used, len - *used);
		if (rc == 1)
			return 0;
		if (rc == 0)
			rc = take_answer(r, &pkt);
		if (rc < 0)
			return rc;
		*used += n;
	}
}

int dvcs_upload_reader_feed(dvcs_upload_reader *r, const char *data, size_t len)
{
	size_t used = 0;
	while (len > 0) {
		/* a pkt-line split across pieces is completed in pending, a piece at a time */
		if (r->pending.len > 0) {
			size_t want = r->pending.len < 4 ? 4 - r->pending.len : 0;
			dvcs_pkt pkt;
			size_t n = 0;
			int rc = want ? 1 : dvcs_pkt_read(&pkt, &n, r->pending.ptr, r->pending.len);
			if (rc < 0)
				return rc;
			if (want == 0) { /* the header is known: the rest of this pkt-line */
				size_t size = 0;
				for (size_t i = 0; i < 4; i++)
					size = size * 16 + (size_t)hex_digit(r->pending.ptr[i]);
				want = size > r->pending.len ? size - r->pending.len : 0;
			}
			size_t k = want < len ? want : len;
			buf_append(&r->pending, data, k);
			data += k;
			len -= k;
			rc = take_lines(r, r->pending.ptr, r->pending.len, &used);
			if (rc < 0)
				return rc;
			if (used == r->pending.len)
				buf_clear(&r->pending);
			continue;
		}
		int rc = take_lines(r, data, len, &used);
		if (rc < 0)
			return rc;
		buf_append(&r->pending, data + used, len - used);
		len = 0;
	}
	return 0;
}

int dvcs_upload_reader_end(dvcs_upload_reader *r)
{
	if (!r->ended || r->pending.len > 0 || r->packed == 0)
		return err_fail(WEFT_EINVALID, "the answer is truncated");
	return 0;
}

/* Git's smart-HTTP protocol v0 as a fetching client speaks it to git-upload-pack: the pkt-lines,
 * the ref advertisement of GET info/refs, the one request (wants, haves, done) and its answer
 * (an ACK or NAK, then the pack in side band 1). Everything read comes from the host and is
 * hostile: every length is bounded and checked. No I/O here; pack_fetch.h does the fetching. */
#ifndef WEFT_TRACK_DVCS_UPLOAD_PACK_H
#define WEFT_TRACK_DVCS_UPLOAD_PACK_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/buf.h"

enum {
	DVCS_PKT_HASH_LEN = 40, /* a SHA-1 object id in hex (as mirror.h's DVCS_HASH_LEN) */
	DVCS_PKT_MAX = 65520, /* a pkt-line's whole length at most (side-band-64k's) */
	DVCS_ADVERTISED_MAX = 100000, /* refs an advertisement may list */
	DVCS_REF_NAME_MAX = 1024, /* bytes of a ref's name */
	DVCS_PKT_WORDS_MAX = 400, /* bytes of the host's ERR or band-3 words kept */
};

/* One pkt-line: a flush, or its payload (not copied: it points into the input). */
typedef struct dvcs_pkt {
	bool flush;
	const char *data;
	size_t len;
} dvcs_pkt;

/* The pkt-line at the start of p[0..len): 0 with *out and *used (its bytes, header included),
 * 1 when p holds only part of one (nothing used), WEFT_EINVALID when the header is not 4
 * hexadecimal digits, or gives a length of 1 to 4 (no payload but not a flush, or v2's
 * delimiters) or above DVCS_PKT_MAX. */
int dvcs_pkt_read(dvcs_pkt *out, size_t *used, const char *p, size_t len);

/* A branch the host advertised. */
typedef struct dvcs_advertised {
	const char *name; /* refs/heads/…, a valid ref name */
	char hash[DVCS_PKT_HASH_LEN + 1];
} dvcs_advertised;

/* What GET info/refs?service=git-upload-pack answered (protocol v0). */
typedef struct dvcs_advertisement {
	dvcs_advertised *branches; /* refs/heads/… only, each name once, in the host's order */
	size_t n;
	bool side_band_64k, ofs_delta; /* capabilities the request may ask */
} dvcs_advertisement;

/* Parses body[0..len): "# service=git-upload-pack", a flush, the refs ("HASH NAME", the first
 * with the capabilities after a NUL; an empty repository's "capabilities^{}"), a flush, nothing
 * after. Tags, HEAD and peeled lines are skipped. Copied into a. WEFT_EINVALID (with what is
 * wrong) for anything else: a bad pkt-line, a hash that is not 40 lower-case hexadecimal digits
 * (SHA-256 repositories are not read), a branch name git would refuse, a branch twice, more than
 * DVCS_ADVERTISED_MAX refs, a missing flush. */
int dvcs_advertisement_parse(arena *a, const char *body, size_t len, dvcs_advertisement *out);

/* Appends the request of one round to out: a want line per hash of wants (the first with the
 * capabilities: side-band-64k, ofs-delta when offered, no-progress, agent), a flush, a have line
 * per hash of haves, "done". No thin pack is asked: the pack indexes without the mirror's
 * objects. Every hash is 40 hexadecimal digits (the caller's own or the advertisement's). */
void dvcs_upload_request(buf *out, const dvcs_advertisement *adv, const char *const *wants,
                         size_t nwants, const char *const *haves, size_t nhaves);

/* Reads the answer to dvcs_upload_request as it arrives, handing the pack's bytes to pack(ctx,
 * data, len) (a negative return stops the reading and is returned). */
typedef struct dvcs_upload_reader {
	int (*pack)(void *ctx, const char *data, size_t len);
	void *ctx;
	arena *a; /* for the host's words */
	buf pending; /* a pkt-line not complete yet (at most DVCS_PKT_MAX bytes) */
	bool in_pack; /* the ACK/NAK part is over */
	bool ended; /* the final flush came */
	size_t packed; /* pack bytes handed over */
} dvcs_upload_reader;

/* A reader that hands the pack to pack(ctx, …), its words in a. */
void dvcs_upload_reader_init(dvcs_upload_reader *r, arena *a,
                             int (*pack)(void *ctx, const char *data, size_t len), void *ctx);

/* Reads data[0..len) of the answer. WEFT_EINVALID for a bad pkt-line, anything after the final
 * flush, or a first line that is neither ACK, NAK nor a side band; WEFT_ERROR with the host's
 * words (bounded, control characters blanked) for an ERR line or a band-3 message; pack's
 * failure. Progress (band 2) is skipped. */
int dvcs_upload_reader_feed(dvcs_upload_reader *r, const char *data, size_t len);

/* The answer ended: 0 when it ended with its flush after some pack bytes, else WEFT_EINVALID
 * ("truncated"). */
int dvcs_upload_reader_end(dvcs_upload_reader *r);

void dvcs_upload_reader_dispose(dvcs_upload_reader *r);

#endif

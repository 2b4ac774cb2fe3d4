/* What a fetch of a mirror is given and gives back, whichever way it fetches (net_fetch.h,
 * pack_fetch.h, mirror.c's git): the watch called while it waits, and how it ended. */
#ifndef WEFT_TRACK_DVCS_FETCH_WATCH_H
#define WEFT_TRACK_DVCS_FETCH_WATCH_H

#include <stdbool.h>
#include <stdint.h>

/* What a long fetch does meanwhile: fn(ctx) every every_ms (a job's heartbeat). */
typedef struct dvcs_fetch_watch {
	int64_t every_ms;
	int (*fn)(void *ctx); /* an err_fail code (negative) stops the fetch */
	void *ctx;
} dvcs_fetch_watch;

/* How a fetch that did not finish ended. */
typedef struct dvcs_net_fetch_end {
	bool late; /* the deadline passed */
	int stop; /* the watch's error (negative) that stopped it, or 0 */
	const char *why; /* libgit2's words (in a), which may quote the URL but never the header */
} dvcs_net_fetch_end;

#endif

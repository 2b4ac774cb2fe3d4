/* The fetch of a mirror that has branches already, in this process: no git processes to start
 * (git fetch starts four or five), which is most of a soft sync's fetch. The two-request fetch
 * of pack_fetch.h first; libgit2's when that one leaves it (anything it does not expect), whose
 * sockets are weft's own (a libgit2 stream), so that the deadline and the watch of
 * dvcs_mirror_fetch_watched hold while it waits for the host. mirror.c decides when it runs. */
#ifndef WEFT_TRACK_DVCS_NET_FETCH_H
#define WEFT_TRACK_DVCS_NET_FETCH_H

#include <stdint.h>

#include "base/arena.h"
#include "track/dvcs/fetch_watch.h"

/* Fetches the branches (refs/heads/…) of url into the same refs of the bare mirror at path (forced), deletes the
 * branches url no longer has, no tags, no FETCH_HEAD. header ("Name: value", may be NULL) goes
 * with every request and nowhere else. Bounded by deadline (epoch ms); watch (may be NULL) is
 * called every every_ms while it runs. 0 when done; 1 when the mirror has no branch yet (nothing
 * done: its first fetch, of the whole history, is git's, whose index-pack is threaded);
 * WEFT_ERROR when it failed, with *end saying how. */
int dvcs_net_fetch(arena *a, const char *path, const char *url, const char *header,
                   int64_t deadline, const dvcs_fetch_watch *watch, dvcs_net_fetch_end *end);

#endif

/* The fetch of a mirror that has branches, in two requests: GET info/refs (the host's branches),
 * then one POST to git-upload-pack with the wants, the mirror's branch heads as haves and
 * "done", whose pack goes straight into the mirror's objects; then each branch moves only from
 * the value it had when the fetch began (compare-and-swap), and branches the host no longer has
 * go the same way. libgit2's own fetch needs three requests (its negotiation is a round of its
 * own) and lists, indexes and updates through more machinery; it stays the fallback for
 * anything this one does not expect (net_fetch.c). */
#ifndef WEFT_TRACK_DVCS_PACK_FETCH_H
#define WEFT_TRACK_DVCS_PACK_FETCH_H

#include <stdint.h>

#include "base/arena.h"
#include "track/dvcs/fetch_watch.h"

struct git_repository;

/* Fetches url's branches into the bare repository repo (which has at least one branch) as
 * dvcs_net_fetch describes: the same refs, forced, pruned, no tags. header ("Name: value", may be
 * NULL) goes with both requests and nowhere else; no redirect is followed. Bounded by deadline
 * (epoch ms), calling watch (may be NULL) every every_ms while it waits. 0 when done; 1 when
 * the fetch should be libgit2's (*why says why, in a): a URL that is not http(s), no connection,
 * an answer that is not what a smart git-upload-pack of protocol v0 gives, a pack without the
 * wanted commits, a branch that moved meanwhile (its compare-and-swap failed: whatever changed
 * it, the full fetch sets it right) — the mirror then holds at most more objects, and branches
 * that went where the host says. WEFT_ERROR when it must end: *end says how (late, the watch's
 * error, or a token the host refused: "authorization failed"). */
int dvcs_pack_fetch(arena *a, struct git_repository *repo, const char *url, const char *header,
                    int64_t deadline, const dvcs_fetch_watch *watch, dvcs_net_fetch_end *end,
                    const char **why);

#endif

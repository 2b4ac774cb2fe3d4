/* The walk of a soft sync past recorded heads, in this process through libgit2: a push brings a
 * few commits, for which starting git log (dvcs_mirror_walk) costs more than the walk itself. */
#ifndef WEFT_TRACK_DVCS_WALK_LOCAL_H
#define WEFT_TRACK_DVCS_WALK_LOCAL_H

#include <stddef.h>

#include "track/dvcs/mirror.h"

enum {
	DVCS_WALK_LOCAL_MAX = 256, /* more new commits than this: git log walks them faster */
};

/* dvcs_mirror_walk ordered (parents before children), the same commits in an order just as
 * valid, with the same fields (a message cut at DVCS_MESSAGE_MAX bytes, a name or email at 256),
 * and with file counts (dvcs_mirror_count_files): a tree diff per commit costs little next to a
 * push's few commits, and spares the panel counting them when it first shows them.
 * 1, fn never called, when more than max commits would come (so fn returns 0 or a negative
 * code, as dvcs_mirror_walk's callers do). WEFT_EINVALID for a hash that is
 * not one; WEFT_ERROR when a from commit is missing or libgit2 fails; fn's non-zero code. */
int dvcs_walk_local(dvcs_mirror *m, const char *const *from, size_t nfrom, const char *const *hide,
                    size_t nhide, size_t max, dvcs_commit_fn fn, void *ctx);

#endif

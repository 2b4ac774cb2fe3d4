/* The people around an issue who are not its assignee or reporter: watchers (told by mail of
 * what happens to it) and voters. The reporter, the creator and every commenter become watchers
 * on their own; a user cannot vote for an issue they reported, nor for a resolved one. Every
 * function runs in the caller's transaction. */
#ifndef WEFT_TRACK_ISSUE_PEOPLE_H
#define WEFT_TRACK_ISSUE_PEOPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "track/track.h"

typedef enum { TRACK_WATCHERS, TRACK_VOTERS } track_people_kind;

/* Adds user_id to the issue's watchers or voters (again: nothing changes). */
int track_people_add(db_conn *c, track_people_kind kind, int64_t issue_id, int64_t user_id);
/* Removes user_id (not there: nothing changes). */
int track_people_remove(db_conn *c, track_people_kind kind, int64_t issue_id, int64_t user_id);
/* The watchers or voters by display name (at most TRACK_USER_LIST_MAX), in a. */
int track_people_list(db_conn *c, arena *a, track_people_kind kind, int64_t issue_id,
                      track_user **out, size_t *n);
/* How many there are, and whether user_id is one of them. */
int track_people_count(db_conn *c, track_people_kind kind, int64_t issue_id, int64_t user_id,
                       int64_t *count, bool *is_one);

/* One watcher or voter of one issue, for a page of issues. */
typedef struct track_people_pair {
	int64_t issue_id, user_id;
} track_people_pair;

/* The watchers or voters of the n issues issue_ids, a statement per DB_ROWS_IDS_MAX of them, in
 * a (*out NULL when there are none); so that a page's counts cost no statement per issue. */
int track_people_of_issues(db_conn *c, arena *a, track_people_kind kind, const int64_t *issue_ids,
                           size_t n, track_people_pair **out, size_t *nout);

#endif
